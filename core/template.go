package core

import "strings"

// TemplateVars are the variables reply and thank-you templates may use.
type TemplateVars struct {
	Author string // the author's handle with @, or their name
	Brand  string
	Code   string // a reward code, for private thank-yous
}

// Expand fills {author}, {brand} and {code} in a template. Unknown braces
// are left as they are.
func Expand(tpl string, v TemplateVars) string {
	return strings.NewReplacer("{author}", v.Author, "{brand}", v.Brand, "{code}", v.Code).Replace(tpl)
}

// Template is a saved reply managers can send with one tap, in Persian,
// English and Finglish (any of them). Texts may use {author} and {brand}.
type Template struct {
	Name       string
	FA, EN, FI string
}

// For returns the text for a mention's language: the exact one when set,
// Finglish falling back to Persian, every other language to English, then
// whichever is set.
func (t Template) For(lang string) string {
	order := []string{t.EN, t.FA, t.FI}
	switch lang {
	case LangPersian:
		order = []string{t.FA, t.EN, t.FI}
	case LangFinglish:
		order = []string{t.FI, t.FA, t.EN}
	}
	for _, s := range order {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// Texts lists the template's texts that are set, each with its language
// code ("fa", "en", "fi"), in that order.
func (t Template) Texts() [][2]string {
	var out [][2]string
	for _, lt := range [][2]string{{LangPersian, t.FA}, {LangEnglish, t.EN}, {LangFinglish, t.FI}} {
		if strings.TrimSpace(lt[1]) != "" {
			out = append(out, lt)
		}
	}
	return out
}
