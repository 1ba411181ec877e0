package sentiment

import "strings"

// Negation scopes. English and the pre-posed Persian words (نه, هیچ, اصلا,
// بدون) negate what follows, up to the end of the clause; a negated Persian
// or Finglish verb (نیست, نمی‌خوام, نخریدم, nist, nemikham) comes last in its
// clause and negates the words before it (راضی نیستم: "not satisfied").
const (
	forwardScope  = 4 // words after a pre-posed negator
	backwardScope = 2 // words before a negated verb
)

var (
	enNegators = map[string]bool{
		"not": true, "no": true, "never": true, "cannot": true, "cant": true, "dont": true,
		"wont": true, "nothing": true, "nobody": true, "none": true, "nowhere": true,
		"neither": true, "nor": true, "without": true, "aint": true, "isnt": true,
		"wasnt": true, "arent": true, "werent": true, "didnt": true, "doesnt": true,
		"havent": true, "hasnt": true, "hadnt": true, "wouldnt": true, "shouldnt": true,
		"couldnt": true, "hardly": true, "barely": true, "nope": true,
	}
	// Pre-posed Finglish negators; hich, aslan... negate what follows.
	fiForward = map[string]bool{
		"na": true, "hich": true, "hichi": true, "aslan": true, "asla": true, "aslana": true,
		"bedoone": true, "bedune": true, "bedoon": true, "bedun": true, "hargez": true,
	}
	faForward = map[string]bool{
		"نه": true, "هیچ": true, "هیچی": true, "اصلا": true, "بدون": true, "بدونه": true,
		"هرگز": true,
	}
	// Stems that, after a negative prefix ن, make a negated verb: نداره,
	// نخریدم, نیومد. Listed instead of guessed so that نظر and نرم are words.
	faStems = []string{
		"دار", "داشت", "کرد", "کن", "شد", "شه", "بود", "باش", "خرید", "خر", "رسید", "رس",
		"امد", "اومد", "یومد", "یام", "یای", "یاد", "یاید", "زد", "زن", "گرفت", "گیر", "داد", "ده", "دید",
		"بین", "خواست", "خوا", "تونست", "تون", "توان", "رفت", "رو", "گفت", "گو", "ساخت",
		"ساز", "خورد", "خور", "پسند", "ارزید", "ارز", "فرست", "کشید", "کش", "ذاشت", "ذار",
		"نوشت", "نویس", "فهمید", "فهم", "دونست", "دون", "دانست", "دان", "باید", "بست",
		"چسبید", "چسب", "گذاشت", "گذار", "شناخت", "شناس", "پذیر", "کار", "جواب", "خوند",
	}
	faNotNegated = map[string]bool{
		"نزدیک": true, "نزدیکی": true, "نیاز": true, "نیازه": true, "نیازی": true,
		"نکته": true, "نداف": true, "نگار": true, "نکویی": true, "نخست": true, "نرسی": true,
	}
	fiStems = []string{
		"dar", "dasht", "kard", "kon", "shod", "she", "bood", "bud", "bash", "kharid", "khar",
		"resid", "res", "oomad", "umad", "yomad", "yumad", "yam", "yad", "zad", "zan", "gereft",
		"gir", "dad", "de", "did", "bin", "khast", "kha", "tunest", "toonest", "tun", "toon",
		"raft", "ro", "goft", "gu", "sakht", "saz", "khord", "khor", "pasand", "arzid", "arz",
		"ferest", "kesh", "zasht", "fahm", "dunest", "doonest", "dun", "doon", "bayad",
	}
	contrast = map[string]bool{
		"but": true, "however": true, "although": true, "though": true, "yet": true,
		"ولی": true, "اما": true, "ولیکن": true, "vali": true, "valy": true, "ama": true, "amma": true,
	}
)

// markNegation sets neg on the words inside a negation scope.
func markNegation(toks []token) {
	for i, t := range toks {
		if t.kind != tWord || t.part {
			continue
		}
		fwd, back := negates(t)
		if fwd {
			for j, n := i+1, 0; j < len(toks) && n < forwardScope; j++ {
				if endsScope(toks[j]) {
					break
				}
				if toks[j].kind == tWord && !isNegator(toks[j]) {
					toks[j].neg = true
					n++
				}
			}
		}
		if back {
			for j, n := i-1, 0; j >= 0 && n < backwardScope; j-- {
				if endsScope(toks[j]) {
					break
				}
				if toks[j].kind == tWord && !toks[j].part && !isNegator(toks[j]) {
					toks[j].neg = true
					n++
				}
			}
		}
	}
}

// isNegator reports whether t is itself a negation word; those are features
// of their own and never marked.
func isNegator(t token) bool {
	f, b := negates(t)
	return f || b
}

// endsScope reports whether t closes a clause.
func endsScope(t token) bool {
	switch t.kind {
	case tPunct:
		return t.text != "'" && t.text != "%"
	case tEmoticon, tURL:
		return true
	case tWord:
		return contrast[t.text]
	}
	return false
}

// negates says whether a word negates forward (what follows) or backward
// (the words before it, Persian verb-final negation).
func negates(t token) (forward, backward bool) {
	w := t.text
	switch {
	case t.latin:
		if enNegators[w] || strings.HasSuffix(w, "n't") {
			return true, false
		}
		if fiForward[w] {
			return true, false
		}
		return false, fiNegatedVerb(w)
	case t.arabic:
		if faForward[w] {
			return true, false
		}
		return false, faNegatedVerb(w)
	}
	return false, false
}

// faNegatedVerb reports whether w is a negated Persian verb: نیست and its
// forms, نمی‌ + verb, or ن + a known verb stem.
func faNegatedVerb(w string) bool {
	switch {
	case strings.HasPrefix(w, "نیست"), w == "نیس", w == "نچ":
		return true
	case strings.HasPrefix(w, "نمی") && len(w) > len("نمی"):
		return true
	case !strings.HasPrefix(w, "ن") || faNotNegated[w] || len(w) < len("نکن"):
		return false
	}
	rest := w[len("ن"):]
	for _, s := range faStems {
		if strings.HasPrefix(rest, s) {
			return true
		}
	}
	return false
}

// fiNegatedVerb is faNegatedVerb for Finglish: nist, nemikham, nadaram.
func fiNegatedVerb(w string) bool {
	switch {
	case w == "nist" || w == "nis" || w == "nistam" || w == "nistim" || w == "nistan" ||
		w == "nistesh" || w == "nistid" || w == "nisti":
		return true
	case (strings.HasPrefix(w, "nemi") || strings.HasPrefix(w, "nmi")) && len(w) > 5:
		return true
	}
	var rest string
	switch {
	case strings.HasPrefix(w, "na") && len(w) >= 5:
		rest = w[2:]
	case strings.HasPrefix(w, "ne") && len(w) >= 5:
		rest = w[2:]
	default:
		return false
	}
	for _, s := range fiStems {
		if strings.HasPrefix(rest, s) {
			return true
		}
	}
	return false
}
