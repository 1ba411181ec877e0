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
