package bot

import "strings"

// verb is what a button does: the first field of its callback data
// ("<verb>[:<arg>]:<token>"). The strings are on the wire, in buttons
// already sitting in managers' chats: never change one.
type verb string

// Buttons of a case (an alert, a /case view, an SLA reminder).
const (
	verbReplyPublic     verb = "rp" // ask for a public reply
	verbReplyPrivate    verb = "rd" // ask for a private reply
	verbNoPublic        verb = "xp" // say the platform has no public replies
	verbNoPrivate       verb = "xd" // say the platform has no private messages
	verbTemplates       verb = "tp" // show the template chooser
	verbTemplatePublic  verb = "tu" // send template <arg> publicly
	verbTemplatePrivate verb = "tv" // send template <arg> privately
	verbClaim           verb = "cl"
	verbResolve         verb = "rs"
	verbIgnore          verb = "ig"
	verbWrongLabel      verb = "wl" // show the label chooser
	verbLabel           verb = "lb" // set label <arg> (a labelCodes code)
	verbBack            verb = "bk" // back from the label chooser
	verbHide            verb = "hd" // hide the comment on its platform
)

// Buttons of a thank-you draft, of a failure notice, of a queued reply.
const (
	verbThankSend verb = "as"
	verbThankEdit verb = "ae"
	verbThankSkip verb = "ak"
	verbResend    verb = "re" // send action number <arg> of the token again
	verbUndo      verb = "un" // withdraw the reply
)

// verbPage pages /pending: "pg:<offset>", with no token (it only reads).
const verbPage verb = "pg"

// tokenVerbs are the verbs each kind of token accepts. The token is random
// and only means something through its record in the store: a forged press
// (a token never issued, or one for something else) finds nothing and does
// nothing. Verbs a token kind does not know are refused the same way.
var tokenVerbs = map[string][]verb{
	tokenCase: {verbReplyPublic, verbReplyPrivate, verbNoPublic, verbNoPrivate, verbTemplates, verbTemplatePublic,
		verbTemplatePrivate, verbClaim, verbResolve, verbIgnore, verbWrongLabel, verbLabel, verbBack, verbHide},
	tokenApproval: {verbThankSend, verbThankEdit, verbThankSkip},
	tokenResend:   {verbResend},
	tokenUndo:     {verbUndo},
}

// cb is a button's callback data.
func cb(v verb, tok string, arg ...string) string {
	parts := append([]string{string(v)}, arg...)
	return strings.Join(append(parts, tok), ":")
}
