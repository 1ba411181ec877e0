package core

// Space names one kind of the small records the managers' side (the bot,
// case workflows) keeps in the store: button tokens, which chat message is
// what, prompts, preferences, thank-you approvals. The store keeps each
// space apart and does not interpret the records; only the spaces listed
// here exist.
type Space string

// Spaces of managers' records.
const (
	SpaceCallbacks  Space = "callbacks"   // button token → what it acts on
	SpaceMessages   Space = "messages"    // "chat:message" → what the message is (alert, prompt, approval)
	SpacePrompts    Space = "prompts"     // manager ID → the force-reply prompt waiting for their text
	SpacePrefs      Space = "prefs"       // manager ID → language and mute
	SpaceApprovals  Space = "approvals"   // approval ID → draft thank-you and its decision
	SpaceCaseTokens Space = "case_tokens" // case ID → the token of its buttons
	SpaceHeld       Space = "held"        // "alerts" → cases of an alert storm waiting for their summary
)

// Spaces lists every space, in a fixed order.
var Spaces = []Space{SpaceCallbacks, SpaceMessages, SpacePrompts, SpacePrefs, SpaceApprovals, SpaceCaseTokens, SpaceHeld}
