package watch

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shenava/shenava/internal/locale"
)

// topTerms counts, over texts, in how many of them each term appears (so
// one long rant does not outweigh many short complaints), and returns the
// n most frequent that appear in at least two. Terms are words of at least
// two letters in the matching form (locale.Fold: lower case, Persian
// letters, no ZWNJ), without links, @handles, numbers and stop words.
func topTerms(texts []string, stop map[string]bool, n int) []string {
	df := map[string]int{}
	for _, t := range texts {
		seen := map[string]bool{}
		for _, term := range terms(t) {
			if stop[term] || seen[term] {
				continue
			}
			seen[term] = true
			df[term]++
		}
	}
	type tc struct {
		term string
		n    int
	}
	var all []tc
	for t, c := range df {
		if c >= 2 {
			all = append(all, tc{t, c})
		}
	}
	slices.SortFunc(all, func(a, b tc) int { return cmp.Or(cmp.Compare(b.n, a.n), strings.Compare(a.term, b.term)) })
	out := make([]string, 0, n)
	for _, t := range all[:min(n, len(all))] {
		out = append(out, t.term)
	}
	return out
}

// terms splits a text into candidate terms.
func terms(text string) []string {
	var out []string
	for _, field := range strings.Fields(text) {
		lf := strings.ToLower(field)
		if strings.HasPrefix(field, "@") || strings.Contains(lf, "://") || strings.HasPrefix(lf, "www.") {
			continue
		}
		for _, w := range strings.FieldsFunc(locale.Fold(dropSuffixes(field)), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsNumber(r)
		}) {
			if utf8.RuneCountInString(w) < 2 || strings.IndexFunc(w, unicode.IsLetter) < 0 {
				continue
			}
			out = append(out, w)
		}
	}
	return out
}

// persianSuffixes are written after a zero-width non-joiner and make no
// new term: the ezafe and indefinite ی, plurals, possessives, comparatives.
var persianSuffixes = map[string]bool{
	"ی": true, "ای": true, "ها": true, "های": true, "هایی": true, "هایم": true, "هایش": true,
	"ام": true, "ات": true, "اش": true, "مان": true, "تان": true, "شان": true, "تر": true, "ترین": true,
}

// dropSuffixes removes the suffixes joined to a Persian word by a ZWNJ
// (برنامه‌ی, برنامه‌ها → برنامه) before folding would glue them on.
func dropSuffixes(word string) string {
	parts := strings.Split(word, "\u200c")
	for len(parts) > 1 && persianSuffixes[strings.TrimFunc(parts[len(parts)-1], func(r rune) bool {
		return !unicode.IsLetter(r)
	})] {
		parts = parts[:len(parts)-1]
	}
	return strings.Join(parts, "\u200c")
}

// stopSet is the folded stop words with the operator's ignored terms (each
// split into its words) added.
func stopSet(ignore []string) map[string]bool {
	set := map[string]bool{}
	for _, list := range [][]string{stopEnglish, stopPersian, stopFinglish, ignore} {
		for _, w := range list {
			for _, t := range terms(w) {
				set[t] = true
			}
		}
	}
	return set
}

// Stop words: the function words and the filler of complaints that say
// nothing about what went wrong.
var (
	stopEnglish = strings.Fields(`
		a about above after again against all am an and any are aren't as at be because been before
		being below between both but by can can't cannot could couldn't did didn't do does doesn't
		doing don't down during each few for from further get got had hadn't has hasn't have haven't
		having he her here hers herself him himself his how i if in into is isn't it it's
		its itself just let's like me more most much my myself no nor not now of off on once only or
		other our ours ourselves out over own please really same she should shouldn't so some still
		such than that that's the their theirs them themselves then there these they this those
		through to too under until up us very was wasn't we were weren't what when where which while
		who whom why will with won't would wouldn't you your yours yourself yourselves again ever
		even also yet one two day days today yesterday anyone everyone someone anything
		everything something thing things guys hey hi hello thanks thank lol omg via rt amp`)
	stopPersian = strings.Fields(`
		و در به از که این آن را با برای است بود هست نیست هستم هستیم هستید نیستم بودم بودیم
		هم یک یه تا بر یا اما ولی اگر اگه چون چه چی چیه چرا کجا کی کو من تو او اون ما شما
		آنها اونا ایشان خود خودم دیگر دیگه باید نباید خیلی همه هیچ پس هر نه آره بله الان
		امروز دیروز هنوز فقط باز اینکه اینو اونو رو شد شده شود میشه نمیشه کرد کرده کند کنید
		کنم کردم کردیم کنه کنین کنید میکنم میکنه میکنید نمیکنه دارم داره دارید داریم دارن
		ندارم نداره ندارید داشتم بود بودن ها های ای ام ات اش مون تون شون می نمی بی دو سه
		چند چندین همین همون هنوزم حتی واقعا واقعاً لطفا لطفاً سلام ممنون مرسی تشکر
		یعنی چطور چطوری کسی چیزی جایی وقتی وقتیکه بار باری دیگران`)
	stopFinglish = strings.Fields(`
		va ke az be ba ham ro ra man to oon un ina ona ye yek chera chi chie kheili khaili
		dige vali age ama hast nist hastam nistam bood bud shod shode mishe nemishe kardam
		kard mikonam mikone dare daram nadare nadaram hanooz hanuz faghat alan emrooz
		lotfan salam merci mamnoon`)
)
