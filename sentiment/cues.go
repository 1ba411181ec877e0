package sentiment

import "strings"

// Complaint cues: the words and emoji that make a post a complaint even when
// its sentiment words are positive. A failure event (a wait, a delay, a
// cancellation, a missing, wrong or cold item, a double charge, a refund, a
// fake, a price rise) next to praise is sarcasm; an error code or "won't
// open" is an outage report; angry emoji alone are a complaint; a formal
// greeting with a failure is a polite complaint. Each category, and the
// pairs that mark those cases, is one feature of the sentiment classifier
// (FeatureConfig.Cues), so what is learnt from an English post carries over
// to Persian and Finglish ones. Words are matched after normalisation; a
// word ending in "~" matches any word it starts.
const (
	cueFail uint16 = 1 << iota
	cueOutage
	cueAnger
	cueIrony
	cueLeave
	cuePolite
	cuePraise
	cueQuestion
	cueAgain
	cueRhetoric
	cueResolved
	cueNoProblem
)

var cueSrc = map[uint16]string{
	cueFail: `wait waiting waited late later delay delayed delays cancelled canceled cancel cancels cancellation
		cancelling missing forgot forgotten wrong cold lukewarm soggy melted stale refund refunded refunds
		charged overcharged twice double fake counterfeit knockoff hike hiked pricier overpriced expensive
		stuck lost damaged broken rude ignored ignoring hours hour minutes mins min nobody noone unanswered
		spam spammed deducted charge fee fees charging queue cracked dropped dropping dropped logged
		logging extra eventually price prices priced went_up up_again one_bar no_signal
		long_line in_line the_line a_line line_was line_is line_out weak_signal bad_signal lost_signal
		zero_signal signal_drops signal_keeps kept_me kept_us kept_saying kept_asking kept_telling
		kept_crashing kept_failing kept_dropping kept_charging kept_cancelling kept_freezing kept_logging
		shrink shrank shrunk shrinking smaller tinier skimpy
		کوچیکتر کوچکتر کوچیک_شده کوچیک_کردن koochiktar kuchiktar koochik_shode koochik_kardan
		صف قیمت~ بدون_اجازه بدون_دلیل بالا_رفت میبره_بالا آنتن_نمیده آنتن_نداره آنتن_نیست انتن_نمیده
		انتن_نداره بدون_آنتن
		saf gheimat~ gheymat~ bedoone_ejaze bedune_ejaze bala_raft mibare_bala anten_nemide anten_nadare
		anten_nist bedoone_anten
		منتظر~ معطل~ دیر دیرتر تاخیر~ کنسل~ لغو~ نیومد نیومده نرسید نرسیده نرسیدن اشتباه اشتباهی سرد یخ
		ناقص دوبار دوبل کسر کم~ برنگشته استرداد فیک تقلبی قلابی گرون گرونتر گرونی گرانی افزایش
		خراب~ شکسته گم ساعت ساعته دقیقه جواب نمیدن نمیده نمیدین پشتیبانی
		montazer~ moatal~ moattal~ dir dirtar takhir~ cancel~ laghv~ nayoomad nayumad naresid naresideh nareside
		eshtebah eshtebahi sard yakh naghes dobar dobare kasr bargashte gheimat fake taghalobi
		gheroon geroon gerun gheroontar geroontar kharab~ shekaste gom saat saate daghighe javab nemidan
		nemide poshtibani`,
	cueOutage: `error errors err 500 502 503 504 404 403 429 down outage crash crashes crashing crashed crashy
		timeout timed offline blank bug buggy glitch glitching frozen freezes freezing loading unreachable
		ارور خطا قطع~ کرش هنگ باگ داون لود وصل نمیشه نمیاد نمیکنه ایراد مشکل
		eror erorr ghat~ crash~ hang hange bag baag daun vasl nemishe nemiad nemikone moshkel irad
		just_me only_me anyone_else won't_open won't_load doesn't_load not_loading not_working keeps_crashing
		فقط_من کسی_دیگه باز_نمیشه کار_نمیکنه پره_بیرون میپره_بیرون بالا_نمیاد
		faghat_man kasi_dige baz_nemishe kar_nemikone mipare_biroon pare_biroon bala_nemiad`,
	cueLeave: `uninstall~ deleted deleting unsubscribe~ leaving switching switched porting ported goodbye bye
		avoid warning beware stay scam scammers never stay_away don't_buy dont_buy never_again last_time
		save_yourself
		حذف~ پاک دیلیت خداحافظ آخرین اخرین نخرید نخرین نرید نرین هشدار کلاهبردار~ بستم دیگه هرگز
		hazf~ pak delete khodahafez akharin nakharid nakharin narid narin hoshdar kolahbardar~ bastam dige hargez`,
	cuePolite: `please kindly dear sincerely regards could would appreciate
		سلام احترام لطفا خواهشمند~ رسیدگی پیگیری محترم
		salam ehteram lotfan khahesh khaheshmand residegi peygiri peigiri mohtaram`,
	cuePraise: `great love loving loved lovely thanks thank thx amazing awesome perfect perfection best wonderful
		fantastic brilliant nice excellent superb incredible fabulous bravo genius impressive impressed
		appreciated stellar outstanding 10/10 wow yay
		ممنون ممنونم ممنونیم مرسی سپاس عالی عالیه دمتون دمت بهترین ایول آفرین افرین بینظیر تشکر
		دستتون خسته باحال محشر فوق
		merci mersi mamnoon mamnun mamnoonam mamnunam ali alie aali aalie damet dametoon dametun behtarin
		eyval ayval afarin binazir tashakor dastetoon mahshar bahal`,
	cueQuestion: `why how seriously really again? چرا مگه آخه اخه واقعا chera mage akhe vaghean`,
	cueResolved: `fixed resolved sorted solved refunded replaced called_me called_back came_back back_in
		already_in made_a sent_a new_one
		حل درست_شد برگشت_خورد برگشت_داد برگشت_زدن پس_دادن پس_داد جایگزین عوض_کردن زنگ_زدن پیگیری_کردن
		hal dorost_shod bargasht_khord bargasht_dad pas_dadan pas_dad jaygozin avaz_kardan zang_zad zang_zadan
		bargasht`,
	cueNoProblem: `no_outages no_outage no_problems no_problem no_issues no_issue zero_problems zero_issues
		nothing_broken never_late not_once can't_complain cannot_complain not_bad wasn't_bad
		هیچ_قطعی هیچ_مشکلی قطعی_نداشت قطعی_نداشتم مشکلی_نداشتم مشکلی_نداشت بد_نبود هیچی_نشکسته
		قطعی_ندارم قطعی_نداریم قطعی_نداره مشکلی_ندارم مشکل_ندارم مشکلی_نداره
		hich_ghati hich_moshkeli ghati_nadasht ghat_nadaram ghati_nadashtam moshkeli_nadashtam
		moshkeli_nadasht bad_nabood bad_nabud hichi_nashekaste ghati_nadaram ghati_nadarim ghati_nadare
		moshkeli_nadaram moshkel_nadaram moshkeli_nadare`,
	cueRhetoric: `seriously serious too_much how_hard how_many is_it what's_the why_is why_does
		me_or
		جدیه جدی چند_بار یه_بار ارزشی ارزش هیچ_وقت مگه
		jedie jedi chand_bar ye_bar arzeshi hich_vaght hichvaght`,
	cueAgain: `again another still yet every always
		بازم دوباره هنوز همیشه هر bazam dobare hanooz hanuz hamishe`,
}

// cueBenign are two-word contexts in which a failure or outage word names
// no failure: a time of day ("late night", «ساعت ۲» is two o'clock, where
// «۲ ساعت» is two hours), opening hours, amazement («باورم نمیشه», "can't
// believe it"). A praise word next to them is praise, not sarcasm: the
// word's failure and outage bits are dropped. A word ending in "#" is
// followed by any number.
const cueBenignSrc = `late_night late_nights open_late opens_late until_late till_late late_breakfast
	late_checkout late_lunch opening_hours happy_hour business_hours working_hours
	saat_# ساعت_# تا_دیروقت
	باورم_نمیشه باورم_نمیشد bavaram_nemishe bavaram_nemishod bavaram_nemisheh`

// cueBenign is the compiled form of cueBenignSrc: the pairs, and the first
// words followed by a number.
var cueBenign, cueBenignNum = func() (map[string]bool, map[string]bool) {
	pairs, num := map[string]bool{}, map[string]bool{}
	for _, w := range strings.Fields(cueBenignSrc) {
		a, b, _ := strings.Cut(w, "_")
		if b == "#" {
			num[Fold(a)] = true
			continue
		}
		pairs[Fold(a)+" "+Fold(b)] = true
	}
	return pairs, num
}()

// benignAt reports whether the word toks[i] is part of a benign context
// with the word before or after it.
func benignAt(toks []token, i int) bool {
	w := toks[i].text
	if i+1 < len(toks) {
		n := toks[i+1]
		if n.kind == tNum && cueBenignNum[w] {
			return true
		}
		if (n.kind == tWord || n.kind == tNum) && cueBenign[w+" "+n.text] {
			return true
		}
	}
	if i > 0 {
		p := toks[i-1]
		if (p.kind == tWord || p.kind == tNum) && cueBenign[p.text+" "+w] {
			return true
		}
	}
	return false
}

var cueEmoji = map[string]uint16{
	"😡": cueAnger, "🤬": cueAnger, "👎": cueAnger, "💩": cueAnger, "🤮": cueAnger, "😤": cueAnger,
	"😠": cueAnger, "🖕": cueAnger, "🤢": cueAnger, "😒": cueAnger,
	"👏": cueIrony, "🙏": cueIrony, "🙂": cueIrony, "🙃": cueIrony, "🙄": cueIrony, "😂": cueIrony,
	"👌": cueIrony, "🤡": cueIrony, "😑": cueIrony, "🤦": cueIrony, "🤣": cueIrony, "😐": cueIrony,
}

// cueTable is the compiled form of cueSrc.
type cueTable struct {
	words map[string]uint16
	// pairs are two-word cues ("just me"), keyed by both words with a
	// space; firsts holds their first words.
	pairs    map[string]uint16
	firsts   map[string]bool
	prefixes []cuePrefix
}

type cuePrefix struct {
	p    string
	bits uint16
}

var cues = func() cueTable {
	t := cueTable{words: map[string]uint16{}, pairs: map[string]uint16{}, firsts: map[string]bool{}}
	for _, bits := range []uint16{cueFail, cueOutage, cueLeave, cuePolite, cuePraise, cueQuestion, cueAgain, cueRhetoric,
		cueResolved, cueNoProblem} {
		for _, w := range strings.Fields(cueSrc[bits]) {
			if a, b, ok := strings.Cut(w, "_"); ok {
				a, b = Fold(a), Fold(b)
				t.pairs[a+" "+b] |= bits
				t.firsts[a] = true
				continue
			}
			if p, ok := strings.CutSuffix(w, "~"); ok {
				t.prefixes = append(t.prefixes, cuePrefix{Fold(p), bits})
				continue
			}
			t.words[Fold(w)] |= bits
		}
	}
	return t
}()

// cueSet is what complaintCues found in one text.
type cueSet struct {
	bits      uint16
	words     int  // word tokens
	negPraise bool // a praise word inside a negation scope
}

func (c cueSet) has(bits uint16) bool { return c.bits&bits == bits }

func complaintCues(toks []token) cueSet {
	var c cueSet
	prev := ""
	for i, t := range toks {
		if prev != "" && (t.kind == tWord || t.kind == tNum) {
			c.bits |= cues.pairs[prev+" "+t.text]
		}
		prev = ""
		if (t.kind == tWord || t.kind == tNum) && cues.firsts[t.text] {
			prev = t.text
		}
		switch t.kind {
		case tEmoji:
			r := t.text
			for k, bits := range cueEmoji {
				if strings.HasPrefix(r, k) {
					c.bits |= bits
					break
				}
			}
			continue
		case tEmoticon:
			continue
		case tPunct:
			if strings.ContainsAny(t.text, "?؟") {
				c.bits |= cueQuestion
			}
			continue
		case tWord:
			c.words++
		case tNum:
		default:
			continue
		}
		bits := cues.words[t.text]
		if bits == 0 && t.kind == tWord {
			for _, p := range cues.prefixes {
				if strings.HasPrefix(t.text, p.p) {
					bits |= p.bits
				}
			}
		}
		if bits&(cueFail|cueOutage) != 0 && benignAt(toks, i) {
			bits &^= cueFail | cueOutage
		}
		if bits&cuePraise != 0 && t.neg {
			c.negPraise = true
			bits &^= cuePraise
		}
		c.bits |= bits
	}
	if c.has(cueNoProblem) {
		// "no outages", «هیچ مشکلی نداشتم»: a failure that did not happen
		// is praise, not a failure next to praise.
		c.bits &^= cueFail | cueOutage
	}
	return c
}

// cueFeatures names the cue features of c: each category, and the pairs
// that mark sarcasm, outage reports, polite and rhetorical complaints and
// emoji-only anger.
func (c cueSet) features(emit func(name string)) {
	if c.bits == 0 && !c.negPraise {
		return
	}
	for _, f := range [...]struct {
		name string
		bits uint16
	}{
		{"cue:fail", cueFail}, {"cue:outage", cueOutage}, {"cue:anger", cueAnger}, {"cue:irony", cueIrony},
		{"cue:leave", cueLeave}, {"cue:polite", cuePolite}, {"cue:praise", cuePraise}, {"cue:q", cueQuestion},
		{"cue:again", cueAgain},
		{"cue:praise*fail", cuePraise | cueFail}, {"cue:praise*outage", cuePraise | cueOutage},
		{"cue:irony*fail", cueIrony | cueFail}, {"cue:irony*praise", cueIrony | cuePraise},
		{"cue:irony*outage", cueIrony | cueOutage}, {"cue:praise*again", cuePraise | cueAgain},
		{"cue:fail*again", cueFail | cueAgain}, {"cue:q*fail", cueQuestion | cueFail},
		{"cue:q*outage", cueQuestion | cueOutage}, {"cue:polite*fail", cuePolite | cueFail},
		{"cue:polite*outage", cuePolite | cueOutage}, {"cue:leave*fail", cueLeave | cueFail},
		{"cue:praise*fail*irony", cuePraise | cueFail | cueIrony},
		{"cue:rhet", cueRhetoric}, {"cue:rhet*q", cueRhetoric | cueQuestion},
		{"cue:irony*again", cueIrony | cueAgain}, {"cue:leave*outage", cueLeave | cueOutage},
		{"cue:resolved", cueResolved}, {"cue:resolved*praise", cueResolved | cuePraise},
		{"cue:resolved*irony", cueResolved | cueIrony}, {"cue:noproblem", cueNoProblem},
		{"cue:noproblem*praise", cueNoProblem | cuePraise}, {"cue:resolved*praise*fail", cueResolved | cuePraise | cueFail},
	} {
		if c.has(f.bits) {
			emit(f.name)
		}
	}
	if c.negPraise {
		emit("cue:negpraise")
	}
	if c.words == 0 && c.has(cueAnger) {
		emit("cue:anger-only")
	}
	if c.words == 0 && c.has(cueIrony) {
		emit("cue:irony-only")
	}
}
