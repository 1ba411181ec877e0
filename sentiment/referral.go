package sentiment

import (
	"slices"
	"strings"
	"unicode"
)

// Referral patterns: phrases that, in any of the three languages, say the
// author is recommending the brand, telling or bringing people, or sharing an
// invite code or link, and phrases that say the opposite (advice against,
// the author being the one who was referred, asking for a code, the brand's
// own campaign voice). Each category is one feature of the referral
// classifier, so what is learnt from an English example carries over to
// Persian and Finglish ones. In a phrase, "*" stands for one or two words
// and a word ending in "~" matches any word it starts (پیشنهاد~ matches
// پیشنهادش).
var refPatternSrc = map[string][]string{
	"code": {
		"کدمو", "کد معرفیم", "کد معرفی من", "کد دعوتم", "my promo code", "via my code", "my invite code", "with my code", "codamo", "code moarefim", "code davatam",
		"کد معرف~", "کد دعوت", "کد تخفیف من", "کد من", "کدم", "با کد", "کد رفرال", "هر کی کد",
		"referral code", "ref code", "invite code", "my code", "code :", "my referral", "my invite",
		"code moarref", "code moaref", "code moarefi", "code davat", "code man", "ba code", "codam",
		"kode davat", "code e man", "har ki code", "harki code",
		"code moaref e", "code moarefe", "code e moaref", "code davat e",
	},
	// own: the author's own code or link, which a brand's campaign never
	// says ("my Zoodro invite code", «کد دعوت زودرو من»).
	"own": {
		"my * code", "my * invite", "my * referral", "my * link", "my code", "my link", "my invite", "my referral",
		"through me", "we both get", "we both", "both get", "i get a * bonus", "i get a bonus", "i get * credit", "i get credit",
		"کد * من", "کد دعوت * من", "کد معرف * من", "کد معرفی * من", "لینک * من", "لینک دعوت * من", "از طریق من",
		"هر دومون", "هردومون",
		"code * e man", "e man", "link * e man", "az tarighe man", "harduman", "hardomoon", "har domoon", "har dotamoon",
		"from me", "link from me", "code from me", "friend code", "az man", "ازم بگیرید",
	},
	"link": {
		"لینک دعوتم", "لینک دعوت من", "لینکشو گذاشتم", "لینکشو فرستادم", "dropped the * link", "dropped the link", "shared the * link", "link davatam", "linkesho gozashtam", "linkesho ferestadam",
		"لینک دعوت", "لینک معرف~", "لینک من", "با لینک", "از لینک", "این لینک", "لینکم",
		"referral link", "invite link", "my link", "using my link", "use my link", "link in bio",
		"link davat", "link man", "ba link", "az link", "in link", "linkam",
		"link e davat", "link e davate", "linke davat",
		"too bio", "tu bio", "toye bio", "تو بیو", "توی بیو", "لینک تو بیو",
	},
	"recommend": {
		"پیشنهاد~ میکنم", "پیشنهاد~ میدم", "توصیه~ میکنم", "حتما امتحان", "حتما بخرید",
		"حتما نصب", "از دستش ندید", "از دست ندید", "از دستش ندین", "از دست ندین", "به همه میگم", "معرفی~ میکنم", "به همه پیشنهاد~", "پیشنهاد من",
		"recommend~", "must try", "must-try", "should try", "go try", "check out", "worth it",
		"give it a try", "try it", "try them", "highly rate", "you all need", "you all should", "y'all need",
		"you all have to", "ro try", "try kone", "try konid", "try konin", "امتحانش کنید", "امتحانش کنین",
		"should all try", "all try", "everyone try", "everyone should", "you all try", "hamatoon", "hamatun", "همتون", "همه‌تون", "همتون حتما",
		"don't miss", "do not miss", "حتما از", "hatman az",
		"missing out", "must-have", "to everyone asking", "for everyone asking", "you should too", "you should as well",
		"از دست نده", "از دستش نده", "az dast nade", "az dastesh nade",
		"my advice", "advice to", "توصیه من", "توصیه‌ی من", "tosie man", "tosiye man",
		"pishnahad~ mikonam", "pishnahad~ midam", "tosie~ mikonam", "hatman emtehan", "hatman bekharid",
		"hatman nasb", "az dastesh nadid", "az dast nadid", "az dast nadin", "az dastesh nadin", "moarefi~ mikonam", "be hame pishnahad~",
	},
	"tell": {
		"send friends to", "send my", "sent my", "i always send", "showed my", "talked my", "talked * into", "set my * up", "set up my", "hooked my * up", "my go-to", "go-to for", "hand over my", "gift card for", "bought my * a", "got * a gift", "فرستادمش", "نشونش دادم", "نشونشون دادم", "نشونش دادیم", "راضیش کردم", "راضی کردم", "یادش دادم", "یاد دادم", "بردمش", "معرفیش کردم", "براش گرفتم", "براش خریدم", "هدیه دادم", "ferestadamesh", "neshoonesh dadam", "neshunesh dadam", "razish kardam", "razi kardam", "yadesh dadam", "yad dadam", "bordamesh", "moarefish kardam", "barash gereftam", "barash kharidam",
		"معرفی~ کردم", "دعوت~ کردم", "به * گفتم", "به همه میگم", "به * میگم", "هر کی ازم میپرسه",
		"معرفی~ کردیم", "اوردمش", "اوردم", "دوستامو", "دوستامم", "همکارامو", "خانوادمو", "هممون",
		"invited my", "referred~ my", "referred a", "referred~ 8", "told my", "told all my", "told everyone",
		"telling everyone", "i tell everyone", "got my * on", "put my * on", "got my * to",
		"brought my", "signed up my", "our whole", "got our", "got the whole", "i make everyone", "i'm the reason", "half my", "my whole",
		"everyone i know", "anyone who asks", "because of me", "thanks to me", "i got * to", "i convinced",
		"convinced my",
		"set her up", "set him up", "set them up", "set it up for", "set * up with", "signed my * up", "signed * up for", "got * set up",
		"براش نصب کردم", "براشون نصب کردم",
		"کل دفتر~", "کل خانواد~", "کل فامیل~", "کل همکار~", "kolle ye khanevade", "kole khanevade", "kolle khanevade", "kolle daftar~", "kole daftar~", "kolle famil", "kole famil",
		"switched my * to", "moved my * to", "برای مامانم", "برای بابام", "برای مادرم", "برای پدرم", "برای پدر و مادرم", "فعالش کردم", "فعال کردم براش",
		"barash nasb kardam", "barashoon nasb kardam", "baraye maman", "baraye mamanam", "baraye babam", "baraye baba", "faalesh kardam",
		"کارت هدیه", "که اونم بیاد", "که اونم", "اونم مشتری", "kart e hedie", "karte hedie", "ke oonam", "ke unam", "so she can", "so he can", "so they can",
		"told my * about", "درباره * گفتم", "darbare * goftam", "barash begir", "barash bekhar", "براش بگیر", "براش بخر", "get them a", "get them",
		"ro migam", "رو میگم", "رو معرفی میکنم", "ro moarefi mikonam", "whoever is asking", "whoever asks", "to whoever", "to anyone asking",
		"my answer is", "my answer:", "جوابم", "جواب من", "javabam", "javab e man",
		"به پیشنهاد من", "با پیشنهاد من", "با معرفی من", "به معرفی من", "به خاطر من", "بخاطر من", "be pishnahad e man", "ba pishnahad e man",
		"ba moarefi e man", "be khatere man", "be khater e man", "bekhatere man", "on my recommendation", "on my advice",
		"avordam", "avordim", "bordam roo", "bordam ru", "avordam roo", "got my * using", "got my whole", "have my * using",
		"moarefi~ kardam", "davat~ kardam", "be * goftam", "be hame migam", "be * migam",
		"har ki azam miporse", "harki azam miporse", "avordamesh", "doostamo", "dustamo",
	},
	"imperative": {
		"if you need", "if you're looking", "if you are looking", "if you want a", "look no further", "can't go wrong", "nothing beats", "heading that way", "اگه دنبال", "اگه میخواین", "اگه میخوای", "اگه لازم", "بی معطلی", "شک نکن", "شک نکنین", "شک نکنید", "مطمئن باش", "ارزششو داره", "نصبش کنین", "نصبش کنید", "age donbale", "age dombale", "age mikhay", "age mikhain", "bi moatali", "shak nakon", "shak nakonin", "motmaen bash", "arzeshesho dare", "nasbesh konin", "nasbesh konid",
		"برید سراغ", "برین سراغ", "امتحان~ کنید", "امتحان~ کنین", "حتما * بزنید", "حتما * بزنین",
		"یه سر * بزنین", "یه سر * بزنید", "نصب کنید", "نصب کن", "دانلود کنید", "ثبت نام کنید",
		"ثبت نام کن", "ثبتنام کنید", "ثبتنام کن", "عضو شید", "عضو شو",
		"go with", "go to", "just use", "just get", "you need to", "you have to", "you guys have to",
		"you gotta", "y'all", "you guys", "thank me later", "trust me", "do yourself a favor", "do your * a favor", "do yourselves a favor",
		"should open", "should use", "should get", "should switch", "switch to", "take payments with",
		"end of discussion", "sign up", "you won't regret", "you will not regret", "spread the word",
		"do what i did", "move to", "is the one", "don't sleep on", "sleeping on", "go for",
		"berid soragh", "berin soragh", "emtehan~ konid", "emtehan~ konin", "hatman * bezanid",
		"hatman * bezanin", "ye sar * bezanin", "nasb konid", "nasb kon", "sabtenam kon",
		"sabtenam konid", "sabt nam kon", "ozv shid", "ozv sho", "pashiman nemishid", "pashimun nemishin",
		"پشیمون نمیشید", "پشیمان نمیشوید",
		"shak nakonid", "شک نکن",
		"do it for", "if you want", "anyone looking for", "for anyone looking", "کسایی که دنبال", "هرکی دنبال", "هر کی دنبال", "kasayi ke donbal", "harki donbal", "har ki donbal",
		"اگه * میخواید", "اگه * میخواین", "اگه * میخوای", "age * mikhayn", "age * mikhay", "age * mikhain", "age * mikhayd",
		"امتحان کن", "امتحانش کن", "emtehan kon", "emtehanesh kon",
		"هرکی * میخواد", "هر کی * میخواد", "هرکی * لازم داره", "هر کی * لازم داره", "کسی که دنبال", "اونایی که", "بیمعطلی",
		"harki * mikhad", "har ki * mikhad", "kasi ke donbal", "kasi ke * mikhad", "oonayi ke", "bezanid be", "bezanin be",
		"یه بار * امتحان", "ye bar * emtehan", "خودتون ببینید", "خودتون مقایسه", "khodetoon bebinid", "khodetoon mifahmid",
		"ghaflat nakon", "ghaflat nakonid", "غافل نشو", "غافل نشید", "غفلت نکن", "ghafel nasho", "ghafel nashid",
		"see for yourself", "you'll see", "all you need", "you need", "just order", "talk to", "you'll be fine", "دو دل نباش", "do del nabash", "don't think twice", "tell your", "به * بگید", "be * begid",
	},
	"referredme": {
		"همه گفتن", "hame goftan", "everyone said", "swears by", "signed up with my",
		"معرفیم کرد", "منو معرفی", "دعوتم کرد", "منو دعوت", "با کد دوستم", "با لینک دوستم",
		"با پیشنهاد", "به پیشنهاد", "با معرفی", "بهم پیشنهاد", "بهم معرفی", "معرفی کرد", "پیشنهاد داده",
		"referred me", "invited me", "was referred", "got referred", "my friend's code", "friend's link",
		"through a friend", "friend's referral", "recommended it to me", "recommended me", "heard about",
		"moarefim kard", "mano moarefi", "davatam kard", "ba code doostam", "ba code dustam",
		"ba pishnahad", "be pishnahad", "behem pishnahad", "behem moarefi",
		"recommend~ * to me", "recommend~ to me", "recommend~ * * to me", "suggest~ * to me", "suggest~ to me", "suggested by", "recommended by",
		"referred by", "to me by", "thanks to my * for", "because my * referred", "got me using", "had me try", "made me try",
		"پیشنهاد داد", "پیشنهاد دادن", "پیشنهادش داد", "معرفیش کرد", "معرفی کردن", "اصرار کرد", "اصرار داشت", "گفت * بگیرم", "گفت * امتحان کنم",
		"pishnahad dad", "pishnahad dadan", "pishnahadesh dad", "moarefi kard", "moarefi kardan", "moarefish kard",
		"esrar kard", "esrar dasht", "goft * begiram", "goft * emtehan konam",
		"told me to", "told me about", "said i should", "put me onto", "got me onto", "got me into",
		"بهم گفت", "به من گفت", "گفت * نصب کن", "behem goft", "be man goft", "goft * nasb kon", "goft * nasbesh kon",
		"through my * link", "through my * code", "through my * invite", "talked me into", "convinced me", "after my * told",
		"با لینک دعوت", "با کد معرف", "راضیم کرد", "ba link e davat", "ba code e moaref", "razim kard",
		"friend recommended", "colleague recommended", "coworker recommended", "cousin recommended", "sister recommended", "brother recommended",
		"mom recommended", "mum recommended", "dad recommended", "boss recommended", "neighbour recommended", "neighbor recommended",
		"uncle's", "aunt's", "cousin's", "brother's", "sister's", "colleague's", "coworker's", "friend's", "mom's", "mum's", "dad's", "roommate's", "neighbour's", "neighbor's",
		"با کد داداشم", "با کد خواهرم", "با لینک داداشم", "با لینک خواهرم", "با کد همکارم", "با لینک همکارم", "کد دوستمو", "لینک دوستمو",
		"ba code dadasham", "ba code khaharam", "ba link dadasham", "ba link khaharam", "ba code hamkaram", "ba link doostam", "ba link dustam",
	},
	"ask": {
		"کسی کد", "کسی * داره", "از کجا", "کجا پیدا", "کد * دارید", "میشه * بدید",
		"anyone have", "anyone got", "does anyone", "can someone", "where do i", "where can i",
		"any recommendation~", "kasi code", "kasi * dare", "az koja",
		"kasi hast ke", "kasi hast", "کسی هست که", "کسی هست", "is there anyone", "anyone here", "kasi inja", "کسی اینجا",
		"which * do you", "which * do you guys", "what do you guys use", "what do you use", "do you guys use", "از چی استفاده میکنید", "چی استفاده میکنید", "shoma chi estefade", "chi estefade mikonid",
		"recommendations welcome", "any recommendations", "anyone tried", "has anyone tried", "any suggestions", "any thoughts on",
		"کسی امتحان کرده", "کسی * امتحان کرده", "پیشنهاد بدید", "پیشنهادی دارید", "پیشنهاد میدید", "kasi emtehan karde", "pishnahad bedid", "pishnahadi darid",
	},
	"against": {
		"نخره", "نخرن", "صبر کنه", "صبر کنین", "پشیمونم", "پشیمانم", "nakhare", "nakharan", "sabr kone", "sabr konin", "pashimoonam", "pashimunam", "except", "anything but", "any * except",
		"پیشنهاد نمیکنم", "توصیه نمیکنم", "نخرید", "نصب نکنید", "ثبت نام نکنید", "به هیچکس",
		"به هیچ کس", "میخواستم * پیشنهاد~", "نکنید",
		"don't try", "do not try", "never try", "don't sign up", "do not sign up", "don't download", "don't order", "don't book", "don't open",
		"never buy", "never order", "never book", "skip", "save yourself", "save yourselves", "whatever you do", "steer clear", "run away",
		"امتحان نکنید", "امتحان نکنین", "امتحانش نکنید", "نگیرید", "نگیرین", "سفارش ندید", "سفارش ندین", "نبندید", "قید * رو بزنید", "قید * رو بزنین", "فرار کنید",
		"emtehan nakonid", "emtehan nakonin", "emtehanesh nakonid", "nakonid", "nakonin", "nagirid", "nagirin", "sefaresh nadid", "sefaresh nadin",
		"nabandid", "ghide * ro bezanid", "ghide * ro bezanin", "farar konid",
		"avoid", "stay away", "don't buy", "do not buy", "don't use", "don't ever", "uninstall",
		"stop ordering", "stop using", "used to recommend", "only recommend", "not anymore",
		"if you enjoy", "if you like", "if you love", "nobody should", "never again",
		"pishnahad nemikonam", "tosie nemikonam", "nakharid", "nasb nakonid", "nakharin",
		"be hichkas", "mikhastam * pishnahad~",
		"نگیر", "نخر", "نرید سمت", "nagir", "nakhar", "narid samt",
		"who enjoys", "who enjoy", "who likes", "who loves", "if you're into", "if you are into", "take it all back", "take it back", "take that back",
		"پس میگیرم", "pas migiram", "نکنه", "نکنن", "نگیره", "نگیرن", "نخرن", "nakone", "nakonan", "nagire", "nagiran",
		"told my * to stay", "told * to stay away", "told my * not to", "told * not to", "stay off",
	},
	"brandvoice": {
		"لینک شما", "کد شما", "دوستان شما", "با لینک شما", "your link", "your code", "your friends", "link shoma", "code shoma", "doostane shoma", "ba link shoma", "new users", "first order",
		"تخفیف ویژه", "فروش ویژه", "حراج", "ما را دنبال کنید", "همین حالا", "اعتبار هدیه", "هدیه بگیرید",
		"جایزه", "قرعه کشی", "قرعهکشی", "دوستانتون", "دوستانتان", "دوستاتون", "دعوت کنید", "بیاره",
		"رایگانه", "📣", "sponsored", "#ad", "earn", "per signup", "terms apply", "invite your friends",
		"refer a friend", "on orders over", "just dropped", "% off", "limited offer", "promo code",
		"download * now", "order now", "shop now", "book now", "get your first", "try our", "our new", "dm us", "message us", "authorized",
		"dealer", "reseller", "resale", "wholesale", "today only", "this week only", "available now", "in stock",
		"همین امروز", "نمایندگی", "عمده", "دایرکت بدید", "دایرکت بدین", "پیام بدید", "پیام بدین", "موجود شد", "فقط امروز", "تخفیف بگیرید", "سفارش از اپ",
		"hamin emrooz", "namayandegi", "omde", "direct bedid", "direct bedin", "payam bedid", "payam bedin", "mojood shod", "faghat emrooz",
		"takhfif begirid", "sefaresh az app",
		"takhfif vije", "harraj", "doostanetoon", "davat konid", "hedie begirid", "etebar hedie",
		"ghore keshi",
		"you both get", "you'll both get", "fares from", "limited seats", "book your",
		"per friend", "each friend", "every friend", "for every friend", "invite friends", "دوستاتو دعوت کن", "دعوت کن", "هر نفر", "برای هر نفر",
		"doostato davat kon", "davat kon", "har nafar", "baraye har nafar",
		"har doosti ke", "har dusti ke", "هر دوستی که", "every friend you", "each friend you",
		"امتیاز بگیر", "امتیاز بگیرید", "emtiaz begir", "emtiaz begirid", "earn points", "collect points",
	},
}

// refPattern is one compiled phrase.
type refPattern struct {
	toks []string
	cat  string
}

// refPatterns indexes the phrases by their first word; phrases whose first
// word is a prefix ("recommend~") are kept apart and tried everywhere.
type refPatterns struct {
	byFirst map[string][]refPattern
	// prefix holds the phrases whose first word is a prefix, by its
	// first four bytes.
	prefix map[string][]refPattern
}

func compileRefPatterns() refPatterns {
	ps := refPatterns{byFirst: map[string][]refPattern{}, prefix: map[string][]refPattern{}}
	cats := make([]string, 0, len(refPatternSrc))
	for c := range refPatternSrc {
		cats = append(cats, c)
	}
	slices.Sort(cats) // deterministic order; map iteration is not
	for _, c := range cats {
		for _, src := range refPatternSrc[c] {
			var words []string
			for f := range strings.FieldsSeq(src) {
				switch {
				case f == "*":
					words = append(words, f)
				case strings.HasSuffix(f, "~"):
					for _, t := range tokenize(strings.TrimSuffix(f, "~")) {
						words = append(words, t.text)
					}
					if len(words) > 0 {
						words[len(words)-1] += "~"
					}
				default:
					for _, t := range tokenize(f) {
						words = append(words, t.text)
					}
				}
			}
			if len(words) == 0 || words[0] == "*" {
				continue
			}
			p := refPattern{toks: words, cat: c}
			if strings.HasSuffix(words[0], "~") && len(words[0]) > 4 {
				k := words[0][:4]
				ps.prefix[k] = append(ps.prefix[k], p)
			} else {
				ps.byFirst[words[0]] = append(ps.byFirst[words[0]], p)
			}
		}
	}
	return ps
}

// matchAt reports whether the phrase p matches toks from position i.
func matchAt(p []string, toks []token, i int) bool {
	_, ok := matchEnd(p, toks, i)
	return ok
}

// matchEnd reports whether the phrase p matches toks from position i, and
// the position after the shortest match.
func matchEnd(p []string, toks []token, i int) (int, bool) {
	if len(p) == 0 {
		return i, true
	}
	if i >= len(toks) {
		return 0, false
	}
	w := p[0]
	if w == "*" {
		// one or two words, not across punctuation
		for n := 1; n <= 2 && i+n <= len(toks); n++ {
			if toks[i+n-1].kind == tPunct {
				break
			}
			if e, ok := matchEnd(p[1:], toks, i+n); ok {
				return e, true
			}
		}
		return 0, false
	}
	t := toks[i].text
	if strings.HasSuffix(w, "~") {
		if !strings.HasPrefix(t, w[:len(w)-1]) {
			return 0, false
		}
	} else if t != w {
		return 0, false
	}
	return matchEnd(p[1:], toks, i+1)
}

// refSignals are the pattern categories a text matches.
type refSignals struct {
	cats      []string
	code, url bool
}

// cue reports whether the text has any sign of a recommendation or invite.
func (s refSignals) cue() bool {
	if s.code || s.url {
		return true
	}
	for _, c := range s.cats {
		switch c {
		case "code", "link", "recommend", "tell", "imperative":
			return true
		}
	}
	return false
}

// match finds the pattern categories in toks; a negated recommendation
// counts as "against". Roles decide between overlapping phrases: a
// recommendation inside a phrase saying the author was the one referred
// ("a friend recommended Zoodro to me", «بهم پیشنهاد داد») or advising
// against ("used to recommend", "only recommend … if you enjoy") is not the
// author recommending, and "on my suggestion" («به پیشنهاد من») is the
// author's, not someone else's: of two overlapping phrases of opposite roles
// (recommend, tell, imperative against referredme, against), the longer
// one is kept.
func (ps refPatterns) match(toks []token) refSignals {
	var s refSignals
	type hit struct {
		cat        string
		start, end int
	}
	var hits []hit
	try := func(p refPattern, i int) {
		if e, ok := matchEnd(p.toks, toks, i); ok {
			c := p.cat
			if (c == "recommend" || c == "tell") && toks[i].neg {
				c = "against"
			}
			hits = append(hits, hit{c, i, e})
		}
	}
	for i, t := range toks {
		if t.kind == tURL && t.text == refURLToken {
			s.url = true
		}
		if t.kind == tWord && looksLikeCode(t.text) {
			s.code = true
		}
		for _, p := range ps.byFirst[t.text] {
			try(p, i)
		}
		if len(t.text) >= 4 {
			for _, p := range ps.prefix[t.text[:4]] {
				try(p, i)
			}
		}
	}
	// side is +1 for the author recommending, -1 for the opposite roles,
	// 0 for the categories that take no side.
	side := func(c string) int {
		switch c {
		case "recommend", "tell", "imperative":
			return 1
		case "referredme", "against", "ask":
			return -1
		}
		return 0
	}
	overruled := func(h hit) bool {
		sh := side(h.cat)
		if sh == 0 {
			return false
		}
		for _, o := range hits {
			if side(o.cat) == -sh && o.start < h.end && h.start < o.end && o.end-o.start > h.end-h.start {
				return true
			}
		}
		return false
	}
	for _, h := range hits {
		if !overruled(h) && !slices.Contains(s.cats, h.cat) {
			s.cats = append(s.cats, h.cat)
		}
	}
	if nameHeader(toks) {
		s.cats = append(s.cats, "header")
	}
	return s
}

// headerStop are words that do not make a name: "my code:", «کد دعوت:».
var headerStop = wordSet(`my code link invite referral ref promo کد لینک من دعوت معرف معرفی
	code link e man davat moaref moarefi`)

// nameHeader reports whether toks open with a name and a colon, the way a
// brand's or a reseller's announcement does ("Avanet: invite a friend…",
// «کافه شبدر: از فردا…», after any leading emoji): one or two words, none of
// them a code or link word, then ":".
func nameHeader(toks []token) bool {
	n := 0
	for _, t := range toks {
		switch {
		case t.kind == tPunct:
			return t.text == ":" && n >= 1
		case t.kind == tEmoji && n == 0:
			continue
		case t.kind != tWord || headerStop[t.text]:
			return false
		}
		if n++; n > 2 {
			return false
		}
	}
	return false
}

// Generic cues of addressing others, independent of phrasing: an
// imperative (Persian ب…ید/ین, Finglish b…id/in, an English clause starting
// with a verb), and words that address everyone or "you".
var (
	enImperatives = wordSet(`try get go grab download order check use join sign switch give visit install treat
		book call come taste order get buy pick ask tell take open`)
	// firstPersonVerbs after an English verb make it the author's own
	// doing in Finglish ("switch mikonam", I am switching), not an
	// imperative.
	firstPersonVerbs = wordSet(`mikonam mikonim kardam kardim konam konim mizanam zadam shodam`)
	// clauseAdverbs may stand before an imperative without ending the
	// clause start: "just install it", "seriously, try…".
	clauseAdverbs = wordSet(`just definitely def seriously honestly pls please totally really always only
		dude bro mate sis guys folks friends`)
	addressWords = wordSet(`you your you're y'all guys everyone everybody anyone anybody folks people شما همه همگی
		دوستان بچه‌ها بچهها هرکی هرکس رفقا رفیقا shoma hame hamegi doostan dustan dooston duston bacheha bachehaa
		harki rofagha rofaqa whoever هرکسی مامانا مامانها خانوما آقایون ladies mamana mamanha khanooma`)
	// notAnswers open a clause after a question that goes on complaining
	// rather than answering it.
	notAnswers = wordSet(`again still yet why no nope lol واقعا جدی جدیه بازم هنوز چرا نه vaghean jedi jedie bazam hanooz chera na`)
	// selfWords are the author speaking as "I": a customer's voice, where
	// a brand's campaign says "we" («ما», "we", "our").
	selfWords = wordSet(`i i'm im i've ive my me mine myself من منو منم خودم man mano manam khodam`)
	// Singular imperatives said to one person ("@sara begir", «بگیر»):
	// the ب… form is too common a prefix to match by shape alone.
	singularImperatives = wordSet(`بگیر بخر بزن برو بیا ببین بپرس بفرست بریز بذار بده بخور بنوش ببر بیار بخون بنداز کن begir bekhar bezan boro bebin
		beporse befrest bezar bede bekhor benoosh bebar biar bekhoon bgir bkhar bendaz kon`)
)

// moodCues reports whether toks hold an imperative, whether they address
// others, whether the post opens with a @handle, as a reply to someone
// does, whether the author speaks as "I", and whether a question in them is
// answered in a few words.
func moodCues(toks []token) (md mood) {
	clauseStart := true
	// afterQ counts the words since a question mark, -1 when there is
	// none: a question answered in one to three words ("need a ride?
	// Rahsoon.") is how people recommend in passing.
	afterQ := -1
	endAnswer := func() {
		if afterQ >= 1 && afterQ <= 3 {
			md.answer = true
		}
		afterQ = -1
	}
	for i, t := range toks {
		if i == 0 && t.kind == tUser {
			md.reply = true
		}
		if t.kind == tPunct || t.kind == tEmoji || t.kind == tEmoticon || t.kind == tUser {
			if t.kind == tPunct {
				endAnswer()
				if strings.ContainsAny(t.text, "?؟") {
					afterQ = 0
				}
			}
			clauseStart = true
			continue
		}
		if t.kind == tWord && afterQ >= 0 {
			if afterQ == 0 && (clauseAdverbs[t.text] || notAnswers[t.text]) {
				afterQ = -1 // "…again? seriously, two hours"
			} else {
				afterQ++
			}
		}
		if t.kind != tWord {
			continue
		}
		w := t.text
		switch {
		case t.arabic:
			n := len([]rune(w))
			if n >= 4 && strings.HasPrefix(w, "ب") && (strings.HasSuffix(w, "ید") || strings.HasSuffix(w, "ین") ||
				strings.HasSuffix(w, "یدش") || strings.HasSuffix(w, "ینش")) {
				md.imperative = true
			}
			if w == "کنید" || w == "کنین" || w == "بکنید" || w == "بکنین" {
				md.imperative = true
			}
		case t.latin:
			if clauseStart && enImperatives[w] && !(i+1 < len(toks) && firstPersonVerbs[toks[i+1].text]) {
				md.imperative = true
			}
			if len(w) >= 5 && w[0] == 'b' && (strings.HasSuffix(w, "id") || strings.HasSuffix(w, "in")) &&
				strings.ContainsAny(w[1:2], "aeiou") {
				md.imperative = true
			}
			if w == "konid" || w == "konin" || w == "bokonid" {
				md.imperative = true
			}
		}
		if singularImperatives[w] {
			md.imperative = true
		}
		if addressWords[w] {
			md.address = true
		}
		if selfWords[w] || firstPersonVerb(t) {
			md.self = true
		}
		if t.latin && clauseAdverbs[w] {
			continue
		}
		clauseStart = false
	}
	endAnswer()
	return md
}

// firstPersonVerb reports whether t is a Persian or Finglish verb in the
// first person singular: a past form (گرفتم, خریدم, "kharidam", "goftam")
// or a present one with می (میگیرم, "migiram").
func firstPersonVerb(t token) bool {
	w := t.text
	switch {
	case t.arabic:
		n := len([]rune(w))
		return n >= 4 && w != "مردم" && w != "گندم" && (strings.HasSuffix(w, "دم") || strings.HasSuffix(w, "تم") ||
			strings.HasPrefix(w, "می") && strings.HasSuffix(w, "م"))
	case t.latin:
		return len(w) >= 5 && (strings.HasSuffix(w, "dam") || strings.HasSuffix(w, "tam") ||
			strings.HasPrefix(w, "mi") && strings.HasSuffix(w, "am")) || firstPersonVerbs[w]
	}
	return false
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

// mood is what moodCues found in a text.
type mood struct{ imperative, address, reply, self, answer bool }

// appendRefPatterns adds the pattern features of toks, each pattern
// category and each pair of categories that occur together (tell with
// against is "told my friends to stop"), and those of md, with value
// scale.
func appendRefPatterns(toks []token, ps refPatterns, md mood, bits uint8, scale float32, out []Feature) []Feature {
	if scale == 0 {
		scale = 1
	}
	s := ps.match(toks)
	add := func(name string) {
		out = append(out, Feature{bucket(hstr(hgroup(gMeta), "ref:"+name), uint(bits)), scale})
	}
	cats := slices.Clone(s.cats)
	if s.code {
		cats = append(cats, "codeword")
	}
	if s.url {
		cats = append(cats, "refurl")
	}
	slices.Sort(cats)
	for i, c := range cats {
		add(c)
		for _, d := range cats[i+1:] {
			add(c + "+" + d)
		}
	}
	if len(cats) == 0 {
		add("none")
	}
	if md.imperative {
		add("mood:imperative")
	}
	if md.address {
		add("mood:address")
	}
	if md.imperative && md.address {
		add("mood:imperative+address")
	}
	if md.reply && md.imperative {
		add("mood:reply+imperative")
	}
	if md.answer {
		add("mood:answer")
	}
	if md.self {
		add("mood:self")
		if md.imperative {
			add("mood:self+imperative")
		}
		if md.address {
			add("mood:self+address")
		}
	}
	return out
}
