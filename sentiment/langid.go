package sentiment

import (
	"github.com/shenava/shenava/core"
)

// DetectLanguage returns the language of text: core.LangPersian,
// core.LangEnglish, core.LangFinglish, core.LangArabic or core.LangOther
// (another language, or no letters at all, e.g. emoji only).
//
// Arabic-script text is Persian or Arabic by letters only one of them uses
// (پ چ ژ گ against ة and Arabic ي ك) and by common function words, Urdu by
// its own letters; ties go to Persian. Latin-script text is another
// language when the Latin-script detector (English, Finglish or other) says
// so and few of its words are common English or Finglish words; otherwise it
// is Finglish or English by the model's trained character and word model.
// Mixed text takes the script with more letters, unless that is Latin the
// detector cannot place, when the Arabic-script words decide.
func (m *Model) DetectLanguage(text string) string {
	s := m.bufs.Get().(*scratch)
	defer m.bufs.Put(s)
	return m.detect(tokenize(text), rawStats(text), s)
}

func (m *Model) detect(toks []token, st textStats, s *scratch) string {
	letters := st.arabic + st.latin + st.otherLetters
	latin := st.latin - st.linkLatin // the letters of links and handles do not count
	switch {
	case letters == 0:
		return core.LangOther
	case st.otherLetters > st.arabic && st.otherLetters > latin:
		return core.LangOther
	case st.arabic >= latin && st.arabic > 0:
		return detectArabicScript(toks, st)
	}
	// Latin script: English, Finglish or something else.
	en, fi, words := 0, 0, 0
	for _, t := range toks {
		if t.kind != tWord || !t.latin {
			continue
		}
		words++
		switch {
		case enCommon[t.text]:
			en++
		case fiCommon[t.text]:
			fi++
		}
	}
	if m.latin.isOther(toks, st, words, en+fi, s) {
		if st.arabic > 0 {
			// Persian or Arabic words beside Latin ones the detector
			// cannot place ("referral link نیک‌بانک من: nikbank.ir/r/farid"):
			// the Arabic-script words decide.
			return detectArabicScript(toks, st)
		}
		return core.LangOther
	}
	if en == words && fi == 0 {
		return core.LangEnglish // every word a common English word ("ok", "see you there")
	}
	p := m.finglishProb(toks, st, s)
	// Word evidence moves the decision when the character model is unsure.
	if fi > en+1 && p > 0.2 || p >= m.hdr.FiThreshold && !(en > fi+2) {
		return core.LangFinglish
	}
	return core.LangEnglish
}

// finglishProb is the language model's probability that Latin text is
// Finglish rather than English.
func (m *Model) finglishProb(toks []token, st textStats, s *scratch) float64 {
	s.feats = m.lidFz.extract(toks, st, "", s.feats[:0])
	z := s.z[:2]
	m.lid.logits(s.feats, z)
	return sigmoid(z[1] - z[0])
}

// detectArabicScript tells Persian, Arabic and Urdu apart.
func detectArabicScript(toks []token, st textStats) string {
	if st.urdu >= 2 && st.urdu*8 > st.arabic {
		return core.LangOther
	}
	fa, ar := 2*st.faOnly, st.arOnly
	for _, t := range toks {
		if t.kind != tWord || !t.arabic {
			continue
		}
		switch {
		case faCommon[t.text]:
			fa += 3
		case arCommon[t.text]:
			ar += 3
		case len(t.text) > 6 && t.text[:4] == "ال" && !faCommon[t.text]:
			ar++
		}
	}
	if ar > fa {
		return core.LangArabic
	}
	return core.LangPersian
}

// Common words: enough of them in a text settle its language.
var (
	enCommon = wordSet(`the a an and or is are was were be been am i you he she it we they my your his
		her its our their me him us them this that these those of on at for with from by not but so
		if just what why how when where who will would can could should have has had does did
		don't it's i'm im can't get got all about out up like love good great thanks thank please
		today tomorrow really very more there here new one now time day going know want need
		think see make never no yes lol omg wtf best worst happy hate bad sucks fun amazing
		awesome via rt via tonight night morning week first last still even only also back
		after before our than then because cause too much many some any every people world
		let's let go come take give say said look way well right oh ok okay yeah hey hi
		customer service flight bag hour hours delayed cancelled help may friday sunday saturday
		game monday thursday watch off show next big down tuesday over wait gonna live wednesday
		play win hope watching i'll season he's birthday better again coming work into ever
		tickets against black miss since year album news start free home two movie run you're
		school that's sure made team top place party video says excited anyone being getting life
		thing weekend end playing open ready most until i've didn't super might looking check
		which song saw shit other music went another old everyone days guys long comes brother
		through little meet remember already c'mon god house doesn't wanna always event years
		fans while yet left beat round band city looks feel half join price though doing someone
		buy tell done away something find seen both call family fight keep around hit we're put
		class thought won't actually face gets talk times final pretty early isn't fuck guy part
		during seeing bring read won makes try wish friends support maybe nice true starting girl
		stop lead mean having things probably finally heard hear forward dog watched episode till
		dead came few believe late lot must starts there's head tour chance deal soon break under
		baby fan beautiful cute hello thank thanks fucking another stupid`)
	fiCommon = wordSet(`kheili kheyli khaili khili khyli khoob khub khob khobe khoobe khube mersi merci
		mamnoon mamnun mamnoonam chera chon vali valy ama amma hamin dige digeh alan alaan shoma
		ina una inja unja chi chie chiye salam slm khodafez ke ro az ba baraye bara age mage
		nemidunam nemidoonam nist nis hast hastam hastan hastid bood bud shod mishe misheh
		kardam kard kon konid konin lotfan doost dust daram dare dareh nadare nadareh nadaram
		khaste kharab aali ali afarin damet garm tashakor pool pul gheymat geymat geroon gerun
		gerune geroone arzoon arzun kojast kojas chejoori chejuri hichi hich hamash hame hamechi
		aslan asln vaghean vaghan vaqean yani yaani yeki chand kare karet behtarin badtarin
		pishnahad moarefi davat takhfif sefaresh ersal poshtibani peyk ghaza raftam oomad umad
		resid mikham mikhay mikhad mikhan bedin bedid chikar jaleb ajib khafan bahal baahal
		khoda jan joon azizam dadash bache bacheha ye yek ino uno ono narahat rahat asoon asun
		eyval vay bia boro miram mire mikone mikonam nemikonam nemishe shode nashode gerefte
		dadam didam goftam mige migam migan bashe hala felan faghat faqat ziad ziyad khune
		khoone va tu too bazam baz dobare hanooz hanuz montazer montazeram sabr zang zadam
		javab nadad nadadan ferestadin ferestadam residam nareside sefareshe sefaresham
		kheilii khafe bahale ghashang zesht kasif tamiz sari dir zood zud akhe are areh na
		nah inam unam hamun hamoon haminja ham`)
	faCommon = wordSet(`است را این که می با برای از به هم یک خیلی من تو ما شما چرا نیست هست بود شد کرد
		دیگه اینو رو ولی اما چی چه کجا مرسی ممنون اون هستم هستن نه اره آره چون اگه اگر باید
		میشه شده کنید کنم کنه داره دارم ندارم نداره بهم بهش خوبه عالی بد خوب یه همه تا دیگر
		هیچ الان البته الکی واقعا اصلا فقط چطور سفارش پشتیبانی`)
	// Arabic words that are not also common Persian words once folded
	// (so not ما, یا, بعد, قبل, حتی, الان, کل, جدا).
	arCommon = wordSet(`في على هذا هذه التي الذي الذين عن مع لم لن هل انا انت نحن شكرا
		لكن ماذا لماذا اللي عشان مش ليش وش اللهم انه انها كانت يكون عند منذ فيه فيها
		عليها لها منه منها هناك هنا ذلك تلك هؤلاء اذا إذا لقد سوف ايضا أيضا`)
)

// wordSet splits a list of words into a set of their normalised forms.
func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, t := range tokenize(s) {
		if t.kind == tWord {
			m[t.text] = true
		}
	}
	return m
}
