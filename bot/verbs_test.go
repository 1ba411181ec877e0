package bot

import (
	"slices"
	"testing"
)

// The verbs are in buttons already sitting in managers' chats: a changed
// string would make those buttons do nothing.
func TestVerbs_Wire(t *testing.T) {
	t.Parallel()
	// Two verbs with one string would not compile here (duplicate keys).
	want := map[verb]string{
		verbReplyPublic: "rp", verbReplyPrivate: "rd", verbNoPublic: "xp", verbNoPrivate: "xd",
		verbTemplates: "tp", verbTemplatePublic: "tu", verbTemplatePrivate: "tv",
		verbClaim: "cl", verbResolve: "rs", verbIgnore: "ig", verbWrongLabel: "wl", verbLabel: "lb", verbBack: "bk", verbHide: "hd",
		verbThankSend: "as", verbThankEdit: "ae", verbThankSkip: "ak", verbResend: "re", verbUndo: "un", verbPage: "pg",
	}
	for v, s := range want {
		if string(v) != s {
			t.Errorf("verb %q, want %q on the wire", v, s)
		}
	}
	var kinds []verb
	for _, vs := range tokenVerbs {
		kinds = append(kinds, vs...)
	}
	if len(kinds) != len(want)-1 { // every verb but paging needs a token of one kind
		t.Errorf("token kinds accept %d verbs, want %d", len(kinds), len(want)-1)
	}
	if slices.Contains(kinds, verbPage) {
		t.Error("paging needs no token, but a token kind accepts it")
	}
	if got := cb(verbLabel, "TOK", "n"); got != "lb:n:TOK" {
		t.Errorf("cb = %q, want lb:n:TOK", got)
	}
}
