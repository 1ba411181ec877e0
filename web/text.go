package web

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/shenava/shenava/internal/locale"
	"github.com/shenava/shenava/internal/persian"
)

// texts are the pages' words: key → English, Persian.
var texts = map[string][2]string{
	"app.name":             {"Shenava", "شنوا"},
	"nav.inbox":            {"Inbox", "صندوق"},
	"nav.mentions":         {"Mentions", "اشاره‌ها"},
	"nav.reports":          {"Reports", "گزارش‌ها"},
	"nav.signout":          {"Sign out", "خروج"},
	"nav.lang":             {"فارسی", "English"},
	"tab.new":              {"New", "تازه"},
	"tab.alerted":          {"Alerted", "خبرداده"},
	"tab.claimed":          {"Claimed", "برداشته"},
	"tab.replied":          {"Replied", "پاسخ‌داده"},
	"tab.resolved":         {"Resolved", "حل‌شده"},
	"tab.ignored":          {"Ignored", "نادیده"},
	"tab.doubt":            {"In doubt", "نامعلوم"},
	"f.search":             {"Search", "جستجو"},
	"f.search.hint":        {`words, "a phrase", -word, from:name`, `واژه، «عبارت»، ‎-واژه، from:نام`},
	"f.platform":           {"Platform", "سکو"},
	"f.lang":               {"Language", "زبان"},
	"f.label":              {"Label", "برچسب"},
	"f.vip":                {"VIP authors only", "فقط نویسندگان مهم"},
	"f.claimed":            {"Claimed by", "برداشته‌ی"},
	"f.from":               {"From", "از"},
	"f.to":                 {"To", "تا"},
	"f.any":                {"any", "همه"},
	"f.apply":              {"Filter", "پالایش"},
	"f.clear":              {"Clear", "پاک‌کردن"},
	"lang.fa":              {"Persian", "فارسی"},
	"lang.en":              {"English", "انگلیسی"},
	"lang.fi":              {"Finglish", "فینگلیش"},
	"lang.mix":             {"mixed", "آمیخته"},
	"list.empty":           {"Nothing here.", "چیزی نیست."},
	"list.older":           {"Older", "قدیمی‌تر"},
	"list.partial":         {"Looked back to %s without filling the page.", "تا %s جستجو شد و صفحه پر نشد."},
	"list.further":         {"Look further back", "جستجوی قدیمی‌تر"},
	"list.newest":          {"Newest", "تازه‌ترین"},
	"case":                 {"Case", "پرونده"},
	"case.post":            {"Post", "پست"},
	"case.open":            {"Open the post", "دیدن پست"},
	"case.author":          {"Author", "نویسنده"},
	"case.followers":       {"followers", "دنبال‌کننده"},
	"case.history":         {"History with the brand", "پیشینه با برند"},
	"case.hist.line":       {"%s mentions (%s negative, %s positive, %s referrals) since %s", "%s اشاره (%s منفی، %s مثبت، %s معرفی) از %s"},
	"case.others":          {"Other cases", "پرونده‌های دیگر"},
	"case.label":           {"Label", "برچسب"},
	"case.scores":          {"Scores", "امتیازها"},
	"case.corrected":       {"corrected to %s", "اصلاح‌شده به %s"},
	"case.state":           {"State", "وضعیت"},
	"case.claimedby":       {"claimed by %s", "برداشته‌ی %s"},
	"case.timeline":        {"Timeline", "تاریخچه"},
	"case.via":             {"via %s", "از %s"},
	"via.web":              {"the web inbox", "صندوق وب"},
	"case.replies":         {"Replies", "پاسخ‌ها"},
	"act.claim":            {"Claim", "برداشتن"},
	"act.resolve":          {"Resolve", "حل شد"},
	"act.ignore":           {"Ignore", "نادیده"},
	"act.relabel":          {"Correct the label", "اصلاح برچسب"},
	"act.reply":            {"Answer", "پاسخ"},
	"act.public":           {"Reply publicly", "پاسخ عمومی"},
	"act.private":          {"Reply privately", "پیام خصوصی"},
	"act.template":         {"Template", "الگو"},
	"act.own":              {"my own words below", "متن خودم در زیر"},
	"act.text":             {"Text ({author} and {brand} are filled in)", "متن ({author} و {brand} پر می‌شوند)"},
	"act.send":             {"Send", "فرستادن"},
	"act.withdraw":         {"Withdraw", "پس گرفتن"},
	"act.undo":             {"Replies wait %s before they are sent; until then they can be withdrawn.", "پاسخ‌ها %s پیش از فرستادن صبر می‌کنند و تا آن زمان پس‌گرفتنی‌اند."},
	"act.closed":           {"This case is closed.", "این پرونده بسته است."},
	"act.nopublic":         {"%s has no public replies.", "%s پاسخ عمومی ندارد."},
	"act.noprivate":        {"%s has no private messages.", "%s پیام خصوصی ندارد."},
	"ok.claimed":           {"You claimed the case.", "پرونده را برداشتید."},
	"ok.resolved":          {"Resolved.", "حل شد."},
	"ok.ignored":           {"Ignored.", "نادیده گرفته شد."},
	"ok.relabelled":        {"Label corrected.", "برچسب اصلاح شد."},
	"ok.replied":           {"Reply queued: it is sent at %s unless you withdraw it.", "پاسخ در صف است: ساعت %s فرستاده می‌شود مگر پس بگیرید."},
	"ok.resent":            {"Queued to be sent again.", "دوباره در صف فرستادن است."},
	"act.again":            {"Send again (check the platform first)", "فرستادن دوباره (نخست سکو را بررسی کنید)"},
	"ok.withdrawn":         {"Reply withdrawn.", "پاسخ پس گرفته شد."},
	"act.hide":             {"Hide the comment on %s", "پنهان کردن دیدگاه در %s"},
	"act.hide.note":        {"For spam and abuse: the comment is hidden from everyone but its author.", "برای هرزنامه و ناسزا: دیدگاه از همه جز نویسنده‌اش پنهان می‌شود."},
	"ok.hidden":            {"The comment will be hidden.", "دیدگاه پنهان می‌شود."},
	"no.hide":              {"This cannot be hidden on its platform.", "این را نمی‌شود در سکویش پنهان کرد."},
	"case.hidden":          {"Hidden on %s by %s.", "%[2]s آن را در %[1]s پنهان کرد."},
	"case.hiding":          {"Hiding on %s, asked by %s: %s.", "پنهان کردن در %s به درخواست %s: %s."},
	"no.change":            {"Nothing to change.", "چیزی برای تغییر نیست."},
	"no.closed":            {"The case is already closed (%s by %s).", "پرونده بسته شده است (%s، %s)."},
	"no.late":              {"Too late: the reply has already gone.", "دیر شد: پاسخ فرستاده شده است."},
	"no.answer":            {"The platform does not allow that answer.", "سکو این پاسخ را نمی‌پذیرد."},
	"no.text":              {"Write a reply or pick a template.", "پاسخی بنویسید یا الگویی برگزینید."},
	"m.title":              {"All mentions", "همه‌ی اشاره‌ها"},
	"m.csv":                {"Download CSV", "دریافت CSV"},
	"m.case":               {"case #%s", "پرونده‌ی %s"},
	"r.title":              {"Reports", "گزارش‌ها"},
	"r.days":               {"%s days", "%s روز"},
	"r.volume":             {"Mentions by label", "اشاره‌ها بر پایه‌ی برچسب"},
	"r.platform":           {"Mentions by platform", "اشاره‌ها بر پایه‌ی سکو"},
	"r.net":                {"Net sentiment", "برآیند احساس"},
	"r.response":           {"First response time (minutes): median and 90th percentile", "زمان نخستین پاسخ (دقیقه): میانه و صدک ۹۰"},
	"r.breaches":           {"SLA breaches", "زیر پا گذاشتن SLA"},
	"r.refs":               {"Referrals and thank-yous", "معرفی‌ها و سپاس‌ها"},
	"r.recovered":          {"Recovered complaints", "شکایت‌های بازیافته"},
	"r.authors":            {"Top authors", "نویسندگان برتر"},
	"r.table":              {"The figures", "رقم‌ها"},
	"r.day":                {"Day", "روز"},
	"r.total":              {"Mentions", "اشاره"},
	"r.negative":           {"Negative", "منفی"},
	"r.neutral":            {"Neutral", "خنثی"},
	"r.positive":           {"Positive", "مثبت"},
	"r.referrals":          {"Referrals", "معرفی"},
	"r.thanked":            {"Thank-yous", "سپاس"},
	"r.p50":                {"Median", "میانه"},
	"r.p90":                {"P90", "صدک ۹۰"},
	"r.breach":             {"Breaches", "تخطی"},
	"r.recov":              {"Recovered", "بازیافته"},
	"r.mentions":           {"mentions", "اشاره"},
	"login.title":          {"Sign in to the inbox", "ورود به صندوق"},
	"login.go":             {"Sign in", "ورود"},
	"login.text":           {"This link signs you in once, on this device.", "این پیوند یک بار و روی همین دستگاه شما را وارد می‌کند."},
	"link.invalid":         {"This sign-in link is not valid.", "این پیوند ورود معتبر نیست."},
	"link.expired":         {"This sign-in link has expired: links are valid for 10 minutes.", "این پیوند ورود منقضی شده است: پیوندها ۱۰ دقیقه اعتبار دارند."},
	"link.used":            {"This sign-in link was already used: each link works once.", "این پیوند ورود پیش‌تر به کار رفته است: هر پیوند یک بار کار می‌کند."},
	"link.hint":            {"Send /web to the bot for a new link.", "برای پیوند تازه به ربات ‎/web بفرستید."},
	"out.none":             {"You are not signed in.", "وارد نشده‌اید."},
	"out.expired":          {"Your session has ended.", "نشست شما پایان یافته است."},
	"out.removed":          {"You are no longer one of the managers.", "دیگر از مدیران نیستید."},
	"out.bye":              {"You are signed out.", "خارج شدید."},
	"app.wait":             {"Signing in through Telegram…", "ورود از راه تلگرام…"},
	"app.nojs":             {"Open the inbox from the bot's menu in Telegram, or send /web to the bot.", "صندوق را از منوی ربات در تلگرام باز کنید یا به ربات ‎/web بفرستید."},
	"err.signin":           {"Sign-in refused.", "ورود پذیرفته نشد."},
	"err.csrf":             {"This form has expired or came from another site. Go back, reload the page and try again.", "این فرم کهنه است یا از جای دیگری آمده است. بازگردید، صفحه را تازه کنید و دوباره بکوشید."},
	"err.slow":             {"Too many sign-in attempts. Wait a minute.", "تلاش‌های ورود زیاد است. یک دقیقه صبر کنید."},
	"err.internal":         {"Something went wrong on the server; it is in the log.", "در کارساز خطایی رخ داد و در گزارش ثبت شد."},
	"err.notfound":         {"Not found.", "پیدا نشد."},
	"ev.opened":            {"opened", "باز شد"},
	"ev.alerted":           {"alerted the managers", "به مدیران خبر داده شد"},
	"ev.claimed":           {"claimed", "برداشت"},
	"ev.replied publicly":  {"replied publicly", "پاسخ عمومی داد"},
	"ev.replied privately": {"replied privately", "پیام خصوصی داد"},
	"ev.withdrew reply":    {"withdrew a reply", "پاسخی را پس گرفت"},
	"ev.resolved":          {"resolved", "حل کرد"},
	"ev.ignored":           {"ignored", "نادیده گرفت"},
	"ev.corrected label":   {"corrected the label", "برچسب را اصلاح کرد"},
	"ev.recovered":         {"the author turned positive", "نویسنده خشنود شد"},
	"ev.reminded":          {"reminded the managers", "به مدیران یادآوری شد"},
	"ev.hid":               {"asked for the comment to be hidden", "پنهان کردن دیدگاه را خواست"},
	"ev.hidden":            {"the platform hid the comment", "سکو دیدگاه را پنهان کرد"},
	"st.pending":           {"waiting", "در صف"},
	"st.sending":           {"sending", "در حال فرستادن"},
	"st.done":              {"sent", "فرستاده شد"},
	"st.failed":            {"failed", "ناموفق"},
	"st.in_doubt":          {"in doubt", "نامعلوم"},
	"st.cancelled":         {"withdrawn", "پس گرفته شد"},
	"act.readonly":         {"Read by the read-only %s collector account, which never writes: this post cannot be answered from here. Open it in %[1]s to answer.", "این پست را حساب فقط‌خواندنی گردآورِ %s خوانده است که هرگز چیزی نمی‌نویسد: از اینجا نمی‌شود به آن پاسخ داد. برای پاسخ، آن را در %[1]s باز کنید."},
	"act.noprivate.window": {"%s's private-reply window (7 days after the comment) has passed.", "مهلت پاسخ خصوصی %s (۷ روز پس از دیدگاه) گذشته است."},
}

// tr is the text of key in lang, with args filled in by %s.
func tr(lang, key string, args ...any) string {
	t, ok := texts[key]
	if !ok {
		return key
	}
	s := t[0]
	if lang == "fa" {
		s = t[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// bidiControls are the characters that reorder the text around them;
// post texts and names are attacker-controlled, so they are dropped
// before display (each shown text is also isolated in a <bdi>).
var bidiControls = strings.NewReplacer("\u202a", "", "\u202b", "", "\u202c", "", "\u202d", "", "\u202e", "",
	"\u2066", "", "\u2067", "", "\u2068", "", "\u2069", "")

func userText(s string) string { return bidiControls.Replace(s) }

// webURL keeps http and https links; anything else (javascript:, data:)
// is no link.
func webURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

func num(lang string, n int) string { return locale.Int(lang, n) }

func stamp(lang string, t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(loc)
	if lang == "fa" {
		return persian.Date(t) + "، " + locale.Clock(lang, t)
	}
	return t.Format("2 Jan 2006, 15:04")
}
