package sentiment

import (
	"strings"
	"unicode"
)

// Referral patterns: phrases that, in any of the three languages, say the
// author is recommending the brand, inviting people or sharing an invite
// code or link, and phrases that say the opposite (advice against, or the
// author being the one who was referred). Each category is one feature of the
// referral classifier, so what is learnt from an English example carries
// over to Persian and Finglish ones.
var refPatternSrc = map[string][]string{
	"code": {
		"کد معرف", "کد معرفی", "کد دعوت", "کد تخفیف من", "کد من", "کدم", "با کد", "کد رفرال",
		"referral code", "ref code", "invite code", "promo code", "my code", "use code", "code :",
		"discount code", "coupon code",
		"code moarref", "code moaref", "code moarefi", "code davat", "code man", "ba code", "codam",
		"kode davat", "code takhfif",
	},
	"link": {
		"لینک دعوت", "لینک معرف", "لینک من", "با لینک", "از لینک", "این لینک", "لینکم",
		"referral link", "invite link", "my link", "using my link", "use my link", "link in bio",
		"link davat", "link man", "ba link", "az link", "in link", "linkam",
	},
	"recommend": {
		"پیشنهاد میکنم", "پیشنهاد میدم", "توصیه میکنم", "پیشنهاد میشه", "حتما امتحان", "حتما بخرید",
		"حتما نصب", "حتما استفاده", "از دستش ندید", "معرفی میکنم", "به همه پیشنهاد", "پیشنهاد من",
		"recommend", "highly recommend", "i recommend", "recommended", "must try", "you should try",
		"should try", "go try", "check out", "worth it", "give it a try", "try it",
		"pishnahad mikonam", "pishnahad midam", "tosie mikonam", "hatman emtehan", "hatman bekharid",
		"hatman nasb", "az dastesh nadid", "moarefi mikonam", "pishnahad mishe",
	},
	"invited": {
		"معرفی کردم", "معرفیش کردم", "دعوت کردم", "دعوتش کردم", "به دوستام گفتم", "به دوستم گفتم",
		"معرفی کردیم", "اوردمش", "اضافه کردم", "به همه گفتم", "دوستامو", "دوستامم", "همکارامو", "خانوادمو",
		"invited my", "referred my", "referred a", "told my friends", "told all my", "got my friends",
		"my friends to", "brought my", "signed up my", "got my mom", "got my wife",
		"moarefi kardam", "moarefish kardam", "davat kardam", "davatesh kardam", "be doostam goftam",
		"be dustam goftam", "doostamo", "dustamo",
	},
	"join": {
		"ثبت نام کن", "ثبت نام کنید", "ثبتنام کن", "ثبتنام کنید", "عضو شو", "عضو شید", "نصب کن",
		"نصب کنید", "دانلود کن", "دانلود کنید", "بپیوندید", "ثبت نام کنین",
		"sign up", "signup", "join", "download", "install", "get $", "get 10", "free ride", "first order",
		"sabtenam kon", "sabt nam kon", "sabtenam konid", "ozv sho", "nasb kon", "nasb konid",
		"download kon",
	},
	"referredme": {
		"معرفیم کرد", "منو معرفی", "دعوتم کرد", "منو دعوت", "با کد دوستم", "با لینک دوستم", "معرفی کرد",
		"referred me", "invited me", "was referred", "got referred", "my friend's code", "friend's link",
		"moarefim kard", "mano moarefi", "davatam kard", "ba code doostam", "ba code dustam",
	},
	"against": {
		"پیشنهاد نمیکنم", "توصیه نمیکنم", "پیشنهاد نمیشه", "نخرید", "نصب نکنید", "ثبت نام نکنید",
		"don't recommend", "dont recommend", "not recommend", "wouldn't recommend", "never recommend",
		"avoid", "stay away", "don't buy", "do not buy", "don't use", "uninstall",
		"pishnahad nemikonam", "tosie nemikonam", "nakharid", "nasb nakonid", "nakharin",
	},
	"ad": {
		"تخفیف ویژه", "فروش ویژه", "حراج", "ما را دنبال کنید", "همین حالا", "sponsored", "ad", "#ad",
		"promo", "sale", "limited offer", "takhfif vije", "harraj",
	},
}

// refPattern is one compiled phrase.
type refPattern struct {
	toks []string
	cat  string
}

// refPatterns indexes the phrases by their first token.
type refPatterns map[string][]refPattern

func compileRefPatterns() refPatterns {
	ps := refPatterns{}
	cats := make([]string, 0, len(refPatternSrc))
	for c := range refPatternSrc {
		cats = append(cats, c)
	}
	// Deterministic order (map iteration is not).
	for i := 1; i < len(cats); i++ {
		for j := i; j > 0 && cats[j] < cats[j-1]; j-- {
			cats[j], cats[j-1] = cats[j-1], cats[j]
		}
	}
	for _, c := range cats {
		for _, src := range refPatternSrc[c] {
			var words []string
			for _, t := range tokenize(src) {
				words = append(words, t.text)
			}
			if len(words) == 0 {
				continue
			}
			ps[words[0]] = append(ps[words[0]], refPattern{toks: words, cat: c})
		}
	}
	return ps
}

// refSignals are the pattern categories a text matches.
type refSignals struct {
	cats      []string
	code, url bool
}

// match finds the pattern categories in toks; a negated recommend counts as
// "against".
func (ps refPatterns) match(toks []token) refSignals {
	var s refSignals
	seen := map[string]bool{}
	for i, t := range toks {
		if t.kind == tURL && t.text == refURLToken {
			s.url = true
		}
		if t.kind == tWord && looksLikeCode(t.text) {
			s.code = true
		}
		for _, p := range ps[t.text] {
			if i+len(p.toks) > len(toks) {
				continue
			}
			ok := true
			for j, w := range p.toks[1:] {
				if toks[i+1+j].text != w {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			c := p.cat
			if c == "recommend" && t.neg {
				c = "against"
			}
			if !seen[c] {
				seen[c] = true
				s.cats = append(s.cats, c)
			}
		}
	}
	return s
}

// looksLikeCode reports whether a word looks like an invite or discount code:
// five to sixteen ASCII letters and digits with both kinds, like snapp50 or
// x7k2p.
func looksLikeCode(w string) bool {
	if len(w) < 5 || len(w) > 16 {
		return false
	}
	letters, digits := 0, 0
	for _, r := range w {
		switch {
		case r >= 'a' && r <= 'z':
			letters++
		case r >= '0' && r <= '9':
			digits++
		case r == '-' || r == '_':
		default:
			return false
		}
	}
	return letters > 0 && digits > 0 && !isOrdinalOrUnit(w)
}

// isOrdinalOrUnit rules out 10th, 2nd, 5gb, 128gb, 100km, 4k60.
func isOrdinalOrUnit(w string) bool {
	i := strings.IndexFunc(w, func(r rune) bool { return !unicode.IsDigit(r) })
	if i <= 0 {
		return false
	}
	switch w[i:] {
	case "st", "nd", "rd", "th", "gb", "mb", "tb", "km", "kg", "mp", "hz", "mah", "am", "pm", "min", "k", "px", "fps", "inch", "ms":
		return true
	}
	return false
}

// appendRefPatterns adds the pattern features of toks.
func appendRefPatterns(toks []token, ps refPatterns, bits uint8, out []feat) []feat {
	s := ps.match(toks)
	add := func(name string) {
		out = append(out, feat{bucket(hstr(hgroup(gMeta), "ref:"+name), uint(bits)), 1})
	}
	for _, c := range s.cats {
		add(c)
	}
	if s.code {
		add("codeword")
	}
	if s.url {
		add("refurl")
	}
	if (s.code || s.url) && len(s.cats) > 0 {
		add("code+cue")
	}
	return out
}
