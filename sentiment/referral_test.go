package sentiment

import (
	"slices"
	"strings"
	"testing"
)

func TestRefPatterns_Match(t *testing.T) {
	t.Parallel()
	ps := compileRefPatterns()
	tests := []struct {
		name, text string
		want       []string // categories, sorted
		code, url  bool
	}{
		{"InviteCode", "با کد دعوت من ثبت‌نام کنید: ALI123", []string{"code", "imperative", "own"}, true, false},
		{"EnglishRecommend", "I highly recommend them", []string{"recommend"}, false, false},
		{"PrefixWord", "به همه پیشنهادش میکنم", []string{"recommend"}, false, false},
		{"Wildcard", "به خواهرم گفتم حتما امتحان کنه", []string{"recommend", "tell"}, false, false},
		{"NegatedRecommend", "I would not recommend it", []string{"against"}, false, false},
		{"Against", "پیشنهاد نمیکنم اصلا", []string{"against"}, false, false},
		{"ReferredMe", "my friend referred me last week", []string{"referredme"}, false, false},
		{"RecommendedToMe", "a friend recommended Zoodro to me", []string{"referredme"}, false, false},
		{"RecommendingToMe", "thanks to my sister for recommending Cafe Shabdar to me", []string{"referredme"}, false, false},
		{"PersianReferredMe", "خواهرم کافه شبدر رو بهم پیشنهاد داد", []string{"referredme"}, false, false},
		{"FinglishReferredMe", "rafigham gandomak ro moarefi kard", []string{"referredme"}, false, false},
		{"DontTry", "don't try their new pizza", []string{"against"}, false, false},
		{"PersianDontTry", "اصلا پیتزای جدیدشون رو امتحان نکنید", []string{"against"}, false, false},
		{"FinglishNeverBuy", "hichvaght azashoon nakharid", []string{"against"}, false, false},
		{"YouShouldAllTry", "you should all try Dongino", []string{"recommend"}, false, false},
		{"PersianTryIt", "همتون حتما امتحان کنید", []string{"imperative", "recommend"}, false, false},
		{"Reseller", "authorized dealer, DM us to order", []string{"brandvoice"}, false, false},
		{"OnMySuggestion", "خانواده‌م به پیشنهاد من خط گرفتن", []string{"recommend", "tell"}, false, false},
		{"UsedToRecommend", "used to recommend them to everyone", []string{"against"}, false, false},
		{"NameHeader", "📢 Cafe Shabdar: new menu tomorrow", []string{"header"}, false, false},
		{"CodeIsNoHeader", "my code: AB12CD", []string{"code", "own"}, true, false},
		{"Ask", "anyone have an invite code?", []string{"ask", "code"}, false, false},
		{"BrandVoice", "Invite your friends and earn 50k per signup", []string{"brandvoice"}, false, false},
		{"Finglish", "be dadasham goftam, moarefi kardam", []string{"tell"}, false, false},
		{"RefLink", "join me https://snapp.ir/invite/abc", nil, false, true},
		{"Nothing", "the coffee was cold", nil, false, false},
		{"UnitIsNotCode", "128gb for 10th time", nil, false, false},
		// "my roommate's invite link" still also reads as the author's own
		// link ("own"); the referred-me phrase is what tells them apart.
		{"ThroughMyLink", "got on Rahtak through my roommate's invite link", []string{"link", "own", "referredme"}, false, false},
		{"TalkedMeInto", "my brother talked me into it", []string{"referredme", "tell"}, false, false},
		{"PersianInviteLinkOfOther", "با لینک دعوت پسرخاله‌م ثبت نام کردم", []string{"link", "referredme"}, false, false},
		{"SingularAgainst", "تورینت نگیر، پشیمون میشی", []string{"against"}, false, false},
		{"FinglishSingularAgainst", "az inja nakhar", []string{"against"}, false, false},
		{"BothGet", "Invite a friend and you both get 50,000 toman", []string{"brandvoice", "own"}, false, false},
		// Someone else's link or code, and a third person recommending:
		// the author was referred.
		{"RelativesLink", "used my uncle's Tiztaxi invite link", []string{"link", "own", "referredme"}, false, false},
		{"ColleagueRecommended", "Colleague recommended Cafe Mahtab for meetings", []string{"referredme"}, false, false},
		{"PersianBrothersCode", "با کد داداشم ثبت نام کردم", []string{"code", "referredme"}, false, false},
		// Sarcastic recommendations, taking one back, telling others not to.
		{"WhoEnjoys", "10/10 would recommend Rahsaz to anyone who enjoys being stranded", []string{"against", "recommend"}, false, false},
		{"TakeItBack", "I told everyone about Farfood. I take it all back", []string{"against", "tell"}, false, false},
		{"ToldNotTo", "told my brother to stay off Kifland", []string{"against"}, false, false},
		{"PersianToldNotTo", "به مامانم گفتم حسابشو اونجا باز نکنه", []string{"against", "tell"}, false, false},
		// Setting someone up and gifts that bring someone in.
		{"SetUp", "I set my mum up with Darooyar", []string{"tell"}, false, false},
		{"PersianSetUp", "برای مامانم تیزتاکسی نصب کردم", []string{"tell"}, false, false},
		{"GiftToBring", "ye kart e hedie baraye khale am gereftam ke oonam moshtari beshe", []string{"tell"}, false, false},
		// The author's code without "my", and the brand's per-friend campaign.
		{"CodeFromMe", "Hamrahan bring-a-friend link from me, 5 GB for both", []string{"own"}, false, false},
		{"PerFriend", "دوستاتو دعوت کن، برای هر نفر ۵ گیگ هدیه بگیر", []string{"brandvoice"}, false, false},
		// Asking for a recommendation overrules the "recommend" inside it.
		{"AskingOverrules", "anyone tried Pishronet there? recommendations welcome", []string{"ask"}, false, false},
		{"PersianAsking", "کسی امتحان کرده؟ پیشنهادی دارید", []string{"ask"}, false, false},
		// Converting a whole group, link in bio, advice to others.
		{"WholeOffice", "کل دفترمونو تومانکی کردم", []string{"tell"}, false, false},
		{"FinglishWholeFamily", "kolle ye khanevade ro cabino i kardam", []string{"tell"}, false, false},
		{"FinglishLinkInBio", "link e davatam too bio", []string{"link"}, false, false},
		{"MyAdvice", "My advice to every freelancer here: use Kisepay", []string{"recommend"}, false, false},
		{"LoyaltyPromo", "ba har safar emtiaz begir", []string{"brandvoice"}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ps.match(tokenize(tt.text))
			got := slices.Clone(s.cats)
			slices.Sort(got)
			if !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("categories of %q = %v, want %v", tt.text, got, tt.want)
			}
			if s.code != tt.code || s.url != tt.url {
				t.Errorf("code/url of %q = %v/%v, want %v/%v", tt.text, s.code, s.url, tt.code, tt.url)
			}
		})
	}
}

// moodCues: a reply opening with a @handle, and singular imperatives,
// which the plural shape rule (ب…ید) does not catch.
func TestMoodCues(t *testing.T) {
	t.Run("answer", func(t *testing.T) {
		for text, want := range map[string]bool{
			"late night and no ride? Tizro. that's the tweet": true, "daroo lazem darid? Pharmayar, 2 saate miare": true,
			"نون تازه میخواید؟ گندمک 👌": true, "why is my order late again? seriously, two hours": false,
			"is Tizro open today?": false, "any idea why the app keeps crashing? it worked yesterday before the update": false,
		} {
			if got := moodCues(tokenize(text)).answer; got != want {
				t.Errorf("moodCues(%q).answer = %v, want %v", text, got, want)
			}
		}
	})
	t.Run("self", func(t *testing.T) {
		for text, want := range map[string]bool{
			"I switched last year and never looked back": true, "من دو ساله مشتری‌شونم": true,
			"kharidam va raazi budam": true, "از وقتی نصبش کردم راحتم": true, "migiram hamishe azashoon": true,
			"Order now and get 20% off": false, "همین حالا نصب کنید": false, "we are open from 9": false,
		} {
			if got := moodCues(tokenize(text)).self; got != want {
				t.Errorf("moodCues(%q).self = %v, want %v", text, got, want)
			}
		}
	})
	t.Parallel()
	tests := []struct {
		text                   string
		imperative, addr, repl bool
	}{
		{"@arash get Sorenatel for the second sim", true, false, true},
		{"@ali خرید ماهانه‌تو از هایپرمینو بگیر", true, false, true},
		{"@nima baraye vam boro Bank Padra", true, false, true},
		{"you guys have to try it", false, true, false},
		{"my order is late again @support", false, false, false},
		{"همه امتحان کنید", true, true, false},
		{"@kian_ab just install Dinarpay", true, false, true},
		{"@sepideh از نونک سفارش بده", true, false, true},
		{"honestly, take Parvazan for Tabriz", true, false, false},
		{"simcard e avanet ro gozashtam kenar, switch mikonam", false, false, false},
		{"رفقا برای سفر آخر هفته از تیزرو ماشین بگیرید", true, true, false},
		{"dooston az in be bad ba Tizro berid", true, true, false},
	}
	for _, tt := range tests {
		md := moodCues(tokenize(tt.text))
		imp, addr, reply := md.imperative, md.address, md.reply
		if imp != tt.imperative || addr != tt.addr || reply != tt.repl {
			t.Errorf("moodCues(%q) = %v, %v, %v; want %v, %v, %v", tt.text, imp, addr, reply, tt.imperative, tt.addr, tt.repl)
		}
	}
}

func TestLooksLikeCode(t *testing.T) {
	t.Parallel()
	for w, want := range map[string]bool{"ali123": true, "snapp50": true, "x7k2p": true, "hello": false,
		"12345": false, "10th": false, "128gb": false, "a1": false, strings.Repeat("a1", 10): false} {
		if got := looksLikeCode(w); got != want {
			t.Errorf("looksLikeCode(%q)=%v, want %v", w, got, want)
		}
	}
}
