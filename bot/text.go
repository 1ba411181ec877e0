package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/locale"
	"github.com/shenava/shenava/internal/persian"
)

// Telegram's limits, in UTF-16 code units of the visible text.
const (
	maxText    = 4096
	maxCaption = 1024
	maxToast   = 200
)

// msg looks a message up in the catalogue and fills its %s verbs. Every
// argument must already be text in the right language (see num, dur).
func msg(lang, key string, args ...any) string {
	e, ok := catalog[key]
	if !ok {
		return key
	}
	tpl := e.en
	if lang == LangPersian && e.fa != "" {
		tpl = e.fa
	}
	if len(args) == 0 {
		return tpl
	}
	return fmt.Sprintf(tpl, args...)
}

type entry struct{ en, fa string }

// catalog holds every text managers see, in English and Persian. It is
// never modified.
var catalog = map[string]entry{
	// Alerts.
	"alert.repeat":         {"🔁 <i>Sent again: an earlier copy may have arrived.</i>", "🔁 <i>دوباره فرستاده شد: شاید نسخهٔ پیشین هم رسیده باشد.</i>"},
	"alert.title.negative": {"🔴 <b>Negative mention</b> · case #%s", "🔴 <b>اشارهٔ منفی</b> · پروندهٔ #%s"},
	"alert.title.neutral":  {"⚪️ <b>Mention</b> · case #%s", "⚪️ <b>اشاره</b> · پروندهٔ #%s"},
	"alert.title.positive": {"🟢 <b>Positive mention</b> · case #%s", "🟢 <b>اشارهٔ مثبت</b> · پروندهٔ #%s"},
	"alert.followers":      {"%s followers", "%s دنبال‌کننده"},
	"alert.open":           {"open the post", "دیدن پست"},
	"alert.trimmed":        {"(cut short; the whole post is at the link)", "(کوتاه شد؛ متن کامل در پیوند است)"},
	"alert.confidence":     {"%s %s", "%s %s"},

	// Case status lines.
	"status.waiting":   {"⏳ Waiting for a manager", "⏳ در انتظار یک مدیر"},
	"status.claimed":   {"🙋 Claimed by %s", "🙋 %s پیگیری می‌کند"},
	"status.public":    {"✅ Replied publicly by %s after %s", "✅ %s پس از %s پاسخ عمومی داد"},
	"status.private":   {"✅ Replied privately by %s after %s", "✅ %s پس از %s پاسخ خصوصی داد"},
	"status.resolved":  {"☑️ Resolved by %s", "☑️ %s آن را حل‌شده بست"},
	"status.ignored":   {"🙈 Ignored by %s", "🙈 %s آن را نادیده گرفت"},
	"status.label":     {"🏷 Label corrected to %s by %s", "🏷 %s برچسب را به «%s» اصلاح کرد"},
	"status.recovered": {"💚 The author came back happy", "💚 نویسنده بعداً راضی برگشت"},
	"status.hidden":    {"🔒 Hidden on %s by %s", "🔒 %[2]s آن را در %[1]s پنهان کرد"},
	"status.hiding":    {"⏳ Hiding on %s, asked by %s: not done yet", "⏳ پنهان‌کردن در %s به درخواست %s؛ هنوز انجام نشده"},

	// Buttons.
	"btn.public":      {"💬 Reply publicly", "💬 پاسخ عمومی"},
	"btn.private":     {"✉️ Reply privately", "✉️ پاسخ خصوصی"},
	"btn.private.tg":  {"✉️ Reply privately (if they started the bot)", "✉️ پاسخ خصوصی (اگر ربات را آغاز کرده باشد)"},
	"btn.public.no":   {"🚫 No public replies on %s", "🚫 پاسخ عمومی در %s ممکن نیست"},
	"btn.private.no":  {"🚫 No private messages on %s", "🚫 پیام خصوصی در %s ممکن نیست"},
	"btn.templates":   {"📋 Templates", "📋 قالب‌ها"},
	"btn.claim":       {"🙋 Claim", "🙋 برمی‌دارم"},
	"btn.resolve":     {"☑️ Resolve", "☑️ حل شد"},
	"btn.ignore":      {"🙈 Ignore", "🙈 نادیده بگیر"},
	"btn.label":       {"🏷 Wrong label", "🏷 برچسب اشتباه"},
	"btn.hide":        {"🔒 Hide comment", "🔒 پنهان کردن کامنت"},
	"btn.back":        {"↩️ Back", "↩️ بازگشت"},
	"btn.undo":        {"↩️ Undo", "↩️ پس گرفتن"},
	"btn.send":        {"✅ Send", "✅ بفرست"},
	"btn.edit":        {"✏️ Edit", "✏️ ویرایش"},
	"btn.skip":        {"⏭ Skip", "⏭ رد کن"},
	"btn.resend":      {"🔁 Send #%s again", "🔁 ارسال دوبارهٔ #%s"},
	"btn.prev":        {"◀️ Newer", "◀️ جدیدتر"},
	"btn.next":        {"Older ▶️", "قدیمی‌تر ▶️"},
	"btn.tpl.public":  {"💬 %s", "💬 %s"},
	"btn.tpl.private": {"✉️ %s", "✉️ %s"},
	"lang.fa":         {"Persian", "فارسی"},
	"lang.en":         {"English", "انگلیسی"},
	"lang.fi":         {"Finglish", "فینگلیش"},
	"lang.ar":         {"Arabic", "عربی"},
	"lang.other":      {"other language", "زبان دیگر"},

	// Button answers (toasts).
	"ok.claimed":        {"You own case #%s now.", "پروندهٔ #%s با شماست."},
	"ok.resolved":       {"Case #%s resolved.", "پروندهٔ #%s بسته شد."},
	"ok.ignored":        {"Case #%s ignored.", "پروندهٔ #%s نادیده گرفته شد."},
	"ok.labelled":       {"Thanks: case #%s is now labelled %s.", "ممنون؛ برچسب پروندهٔ #%s شد «%s»."},
	"ok.nochange":       {"Nothing to change.", "چیزی برای تغییر نیست."},
	"ok.hidden":         {"The comment of case #%s will be hidden.", "کامنت پروندهٔ #%s پنهان می‌شود."},
	"err.nohide":        {"Nothing can be hidden on %s from here.", "از اینجا نمی‌شود چیزی را در %s پنهان کرد."},
	"err.nohide.this":   {"This cannot be hidden on %s: only comments under the brand's own posts can.", "این را نمی‌شود در %s پنهان کرد؛ فقط کامنت‌های زیر پست‌های خود برند پنهان می‌شوند."},
	"ok.queued.public":  {"Public reply to case #%s queued.", "پاسخ عمومی پروندهٔ #%s در صف ارسال است."},
	"ok.queued.private": {"Private reply to case #%s queued.", "پاسخ خصوصی پروندهٔ #%s در صف ارسال است."},
	"ok.resent":         {"Action #%s will be sent again.", "اقدام #%s دوباره فرستاده می‌شود."},
	"ok.withdrawn":      {"↩️ Reply to case #%s withdrawn by %s: nothing was sent.", "↩️ پاسخ پروندهٔ #%s را %s پس گرفت؛ چیزی فرستاده نشد."},
	"err.toolate":       {"Too late: the reply has already gone out.", "دیر شد: پاسخ فرستاده شده است."},
	"undo.note":         {"It goes out in %s unless you press Undo.", "تا %s دیگر فرستاده می‌شود، مگر اینکه «پس گرفتن» را بزنید."},
	"err.closed":        {"Case #%s is closed (%s).", "پروندهٔ #%s بسته است (%s)."},
	"err.stale":         {"This button is no longer valid.", "این دکمه دیگر معتبر نیست."},
	"err.internal":      {"Something went wrong on our side; please try again in a minute.", "مشکلی پیش آمد؛ لطفاً یک دقیقهٔ دیگر دوباره امتحان کنید."},
	"err.nopublic":      {"%s posts cannot be answered publicly from here.", "به پست‌های %s از اینجا نمی‌شود پاسخ عمومی داد."},
	"err.noprivate":     {"%s authors cannot be messaged privately from here.", "به نویسندگان %s از اینجا نمی‌شود پیام خصوصی داد."},
	"err.tgprivate":     {"Telegram lets the bot message a user only after they started it; if they have not, the message will fail and you will be told.", "تلگرام فقط وقتی اجازهٔ پیام خصوصی می‌دهد که کاربر ربات را آغاز کرده باشد؛ وگرنه ارسال ناموفق می‌شود و خبرتان می‌کنیم."},
	"err.notemplate":    {"That template no longer exists.", "این قالب دیگر وجود ندارد."},

	// Prompts.
	"prompt.public":              {"✍️ %s, write the <b>public reply</b> to case #%s as a reply to this message.", "✍️ %s، <b>پاسخ عمومی</b> پروندهٔ #%s را در پاسخ به همین پیام بنویسید."},
	"prompt.private":             {"✍️ %s, write the <b>private message</b> for case #%s as a reply to this message.", "✍️ %s، <b>پیام خصوصی</b> پروندهٔ #%s را در پاسخ به همین پیام بنویسید."},
	"prompt.thanks":              {"✍️ %s, write the thank-you to send instead of the draft, as a reply to this message.", "✍️ %s، متن تشکر را به جای پیش‌نویس، در پاسخ به همین پیام بنویسید."},
	"prompt.placeholder.public":  {"Public reply…", "پاسخ عمومی…"},
	"prompt.placeholder.private": {"Private message…", "پیام خصوصی…"},
	"prompt.placeholder.thanks":  {"Thank-you…", "متن تشکر…"},
	"reply.queued.public":        {"✅ Public reply to case #%s queued:\n%s", "✅ پاسخ عمومی پروندهٔ #%s در صف ارسال است:\n%s"},
	"reply.queued.private":       {"✅ Private reply to case #%s queued:\n%s", "✅ پاسخ خصوصی پروندهٔ #%s در صف ارسال است:\n%s"},
	"reply.unknown":              {"I can't tell which case this is for. Reply to an alert, or use its buttons.", "نمی‌دانم این برای کدام پرونده است. به یک هشدار پاسخ دهید یا از دکمه‌هایش استفاده کنید."},
	"reply.edited":               {"Edits are not sent: the first text is already queued.", "ویرایش فرستاده نمی‌شود: متن اول در صف ارسال است."},

	// Templates.
	"tpl.title": {"📋 <b>Templates for case #%s</b> (to %s)", "📋 <b>قالب‌ها برای پروندهٔ #%s</b> (برای %s)"},
	"tpl.none":  {"No templates are configured (telegram.templates).", "هیچ قالبی تنظیم نشده است (telegram.templates)."},
	"tpl.list":  {"📋 <b>Saved templates</b>", "📋 <b>قالب‌های ذخیره‌شده</b>"},
	"tpl.used":  {"✅ Template “%s” queued for case #%s.", "✅ قالب «%s» برای پروندهٔ #%s در صف ارسال است."},
	"tpl.vars":  {"Variables: {author} is the author, {brand} is %s.", "متغیرها: {author} نویسنده است و {brand} یعنی %s."},

	// Approvals.
	"approval.title":   {"🙏 <b>Thank-you waiting for approval</b>", "🙏 <b>تشکر در انتظار تأیید</b>"},
	"approval.to":      {"To %s on %s:", "به %s در %s:"},
	"approval.draft":   {"Draft:", "پیش‌نویس:"},
	"approval.sent":    {"✅ Sent by %s", "✅ %s فرستاد"},
	"approval.edited":  {"✅ Sent by %s (edited)", "✅ %s با ویرایش فرستاد"},
	"approval.skipped": {"⏭ Skipped by %s", "⏭ %s رد کرد"},
	"approval.off":     {"Thank-you approval is off now; this draft was not sent.", "تأیید تشکر اکنون خاموش است؛ این پیش‌نویس فرستاده نشد."},
	"approval.done":    {"Already decided: %s", "پیش‌تر تصمیم گرفته شده: %s"},

	// Notices.
	"notice.delivery_failed": {"⚠️ <b>Could not send</b>", "⚠️ <b>ارسال نشد</b>"},
	"notice.in_doubt":        {"⚠️ <b>Interrupted by a restart</b>\nThese may or may not have been sent. Check the platform before sending again:", "⚠️ <b>با راه‌اندازی دوباره قطع شد</b>\nشاید فرستاده شده باشند و شاید نه. پیش از ارسال دوباره، در خود پلتفرم بررسی کنید:"},
	"notice.sla":             {"⏰ <b>Still waiting for an owner</b>", "⏰ <b>هنوز کسی پیگیری نکرده</b>"},
	"notice.spike":           {"📈 <b>Spike in negative mentions</b>", "📈 <b>جهش در اشاره‌های منفی</b>"},
	"notice.digest":          {"🗞 <b>Daily digest</b>", "🗞 <b>گزارش روزانه</b>"},
	"notice.budget":          {"💸 <b>X API budget</b>", "💸 <b>بودجهٔ API ایکس</b>"},
	"notice.other":           {"ℹ️ <b>Notice</b>", "ℹ️ <b>اطلاعیه</b>"},
	"notice.case":            {"Case #%s · /case_%s", "پروندهٔ #%s · /case_%s"},

	// Commands.
	"help": {`👋 <b>Shenava</b> for %s
I bring you the mentions that need a human, and you answer from here.

/pending — open negative cases, oldest first
/case <i>ID</i> — one case: details, history, buttons
/stats [today|7d|30d] — figures
/digest [today|yesterday|<i>YYYY-MM-DD</i>] — the daily digest
/mute [2h|off] — pause the alerts sent to you privately
/templates — saved replies
/lang fa | en — language

Reply to an alert with text to answer the author publicly.`, `👋 <b>شنوا</b> برای %s
اشاره‌هایی را که به آدم نیاز دارند برایتان می‌آورم و از همین‌جا پاسخ می‌دهید.

/pending — پرونده‌های منفیِ باز، قدیمی‌ترین اول
/case <i>شماره</i> — یک پرونده: جزئیات، تاریخچه، دکمه‌ها
/stats [today|7d|30d] — آمار
/digest [today|yesterday|<i>YYYY-MM-DD</i>] — گزارش روزانه
/mute [2h|off] — توقف هشدارهای خصوصی شما
/templates — پاسخ‌های آماده
/lang fa | en — زبان

برای پاسخ عمومی، کافی است به یک هشدار با متن پاسخ دهید.`},
	"unknown.command":         {"I don't know that command. /help lists what I can do.", "این فرمان را نمی‌شناسم. /help فهرست کارها را نشان می‌دهد."},
	"lang.set":                {"I'll speak English with you.", "از این پس فارسی صحبت می‌کنم."},
	"lang.usage":              {"Your language is %s. Change it with /lang fa or /lang en.", "زبان شما %s است. با \u200e/lang fa یا \u200e/lang en عوضش کنید."},
	"mute.set":                {"🔕 Alerts to you are paused until %s. /mute off resumes them.", "🔕 هشدارها تا %s برای شما متوقف شد. با \u200e/mute off دوباره روشن می‌شوند."},
	"mute.off":                {"🔔 Alerts to you are on.", "🔔 هشدارها برای شما روشن است."},
	"mute.usage":              {"Say how long, up to %s: /mute 30m, /mute 2h, or /mute off. /mute alone pauses for the usual time.", "مدت را بگویید، تا %s: \u200e/mute 30m، \u200e/mute 2h یا \u200e/mute off. \u200e/mute به‌تنهایی برای مدت معمول متوقف می‌کند."},
	"pending.title":           {"📥 <b>Open negative cases</b> (%s of %s)", "📥 <b>پرونده‌های منفیِ باز</b> (%s از %s)"},
	"pending.none":            {"🎉 No open negative cases.", "🎉 هیچ پروندهٔ منفیِ بازی نیست."},
	"pending.line":            {"<b>#%s</b> · %s · %s · %s ago%s\n%s\n/case_%s", "<b>#%s</b> · %s · %s · %s پیش%s\n%s\n/case_%s"},
	"pending.owner":           {" · 🙋 %s", " · 🙋 %s"},
	"case.usage":              {"Which case? /case 12", "کدام پرونده؟ \u200e/case 12"},
	"case.notfound":           {"There is no case #%s.", "پروندهٔ #%s وجود ندارد."},
	"case.history":            {"<b>History</b>", "<b>تاریخچه</b>"},
	"event.opened":            {"opened (%s)", "باز شد (%s)"},
	"event.alerted":           {"managers alerted", "به مدیران خبر داده شد"},
	"event.claimed":           {"claimed by %s", "%s برداشت"},
	"event.replied publicly":  {"public reply by %s", "پاسخ عمومی از %s"},
	"event.replied privately": {"private reply by %s", "پاسخ خصوصی از %s"},
	"event.resolved":          {"resolved by %s", "%s بست"},
	"event.ignored":           {"ignored by %s", "%s نادیده گرفت"},
	"event.corrected label":   {"label corrected to %s by %s", "%s برچسب را «%s» کرد"},
	"event.recovered":         {"the author came back happy", "نویسنده راضی برگشت"},
	"event.hid":               {"hiding asked by %s", "%s پنهان‌کردن را خواست"},
	"event.hidden":            {"hidden on the platform", "در پلتفرم پنهان شد"},
	"event.reminded":          {"reminder %s sent", "یادآوری %s فرستاده شد"},
	"stats.usage":             {"Which period? /stats today, /stats 7d or /stats 30d.", "کدام بازه؟ \u200e/stats today، \u200e/stats 7d یا \u200e/stats 30d."},
	"stats.today":             {"today", "امروز"},
	"stats.days":              {"the last %s days", "%s روز گذشته"},
	"stats.title":             {"📊 <b>Figures for %s</b> (%s – %s)", "📊 <b>آمار %s</b> (%s تا %s)"},
	"stats.mentions":          {"Mentions: <b>%s</b> · 🔴 %s · ⚪️ %s · 🟢 %s", "اشاره‌ها: <b>%s</b> · 🔴 %s · ⚪️ %s · 🟢 %s"},
	"stats.net":               {"Net sentiment: %s", "برآیند احساس: %s"},
	"stats.platforms":         {"By platform: %s", "به تفکیک پلتفرم: %s"},
	"stats.langs":             {"By language: %s", "به تفکیک زبان: %s"},
	"stats.referrals":         {"Referrals: %s", "معرفی‌ها: %s"},
	"stats.cases":             {"Cases: %s opened · %s answered · %s resolved · %s ignored", "پرونده‌ها: %s باز شد · %s پاسخ گرفت · %s حل شد · %s نادیده"},
	"stats.frt":               {"First response: median %s · 90%% within %s", "نخستین پاسخ: میانه %s · ۹۰٪ تا %s"},
	"stats.frt.none":          {"First response: no answers yet", "نخستین پاسخ: هنوز پاسخی نیست"},
	"stats.open":              {"Negative cases now: %s waiting for an answer · %s answered, not yet resolved → /pending", "پرونده‌های منفی اکنون: %s در انتظار پاسخ · %s پاسخ‌گرفته، هنوز حل‌نشده ← \u200e/pending"},
	"digest.none":             {"The digest is not set up on this installation.", "گزارش روزانه روی این نصب راه‌اندازی نشده است."},
	"digest.usage":            {"Which day? /digest, /digest yesterday or /digest 2026-11-21.", "کدام روز؟ \u200e/digest، \u200e/digest yesterday یا \u200e/digest 2026-11-21."},
	"digest.failed":           {"The digest could not be built right now; please try again later.", "گزارش اکنون ساخته نشد؛ لطفاً بعداً دوباره امتحان کنید."},
	"web.link":                {"🔗 <a href=\"%[1]s\">Open the web inbox</a>\nThe link works once, on one device, for 10 minutes:\n%[1]s", "🔗 <a href=\"%[1]s\">باز کردن صندوق وب</a>\nاین پیوند یک بار، روی یک دستگاه و تا ۱۰ دقیقه کار می‌کند:\n%[1]s"},
	"menu.inbox":              {"Inbox", "صندوق"},
	"web.off":                 {"The web inbox is off: the operator sets web.listen to turn it on.", "صندوق وب خاموش است: گرداننده با web.listen روشنش می‌کند."},
	"web.private":             {"Send /web to me in a private chat: a sign-in link in a group could be used by anyone.", "‎/web را در گفتگوی خصوصی با من بفرستید: پیوند ورود در گروه را هر کسی می‌تواند به کار ببرد."},
	"groups.added":            {"👋 I was added here, but this chat is not configured. Its chat ID is <code>%s</code>: put it in telegram.alert_chat_id for the managers' chat, or in telegram.groups to read it as a source.", "👋 من به اینجا اضافه شدم، ولی این گفتگو تنظیم نشده است. شناسهٔ آن <code>%s</code> است: برای گروه مدیران در telegram.alert_chat_id و برای خواندن به‌عنوان منبع در telegram.groups بگذارید."},

	// The command menu.
	"cmd.pending":   {"Open negative cases, oldest first", "پرونده‌های منفیِ باز، قدیمی‌ترین اول"},
	"cmd.case":      {"One case: details, history, buttons", "یک پرونده: جزئیات، تاریخچه، دکمه‌ها"},
	"cmd.stats":     {"Figures: today, 7d or 30d", "آمار: امروز، ۷ یا ۳۰ روز"},
	"cmd.digest":    {"The daily digest", "گزارش روزانه"},
	"cmd.mute":      {"Pause your private alerts: 1h, off", "توقف هشدارهای خصوصی شما"},
	"cmd.templates": {"Saved replies", "پاسخ‌های آماده"},
	"cmd.lang":      {"Language: fa or en", "زبان: fa یا en"},
	"cmd.web":       {"A sign-in link to the web inbox", "پیوند ورود به صندوق وب"},
	"cmd.help":      {"What I can do", "کارهایی که می‌کنم"},

	// Strangers.
	"refuse": {"Sorry, this bot is only for %s's support team.", "ببخشید، این ربات فقط برای تیم پشتیبانی %s است."},

	// A reply is queued until the outbox delivers it.
	"status.public.queued":  {"⏳ Public reply by %s queued: not sent yet", "⏳ پاسخ عمومی %s در صف ارسال است؛ هنوز فرستاده نشده"},
	"status.private.queued": {"⏳ Private reply by %s queued: not sent yet", "⏳ پاسخ خصوصی %s در صف ارسال است؛ هنوز فرستاده نشده"},
	"event.withdrew reply":  {"reply withdrawn by %s", "%s پاسخ را پس گرفت"},
	"event.reply sent":      {"reply by %s sent", "پاسخ %s فرستاده شد"},
	"mute.group":            {"🔔 /mute pauses only the alerts I send you privately; this chat keeps getting every alert. Send /mute to me in a private chat.", "🔔 ‎/mute فقط هشدارهایی را که خصوصی برایتان می‌فرستم متوقف می‌کند؛ این گفتگو همهٔ هشدارها را می‌گیرد. ‎/mute را در گفتگوی خصوصی با من بفرستید."},
	"stats.open.unanswered": {"Negative cases now: %s waiting for an answer → /pending", "پرونده‌های منفی اکنون: %s در انتظار پاسخ ← \u200e/pending"},
	"within.minute":         {"a minute", "یک دقیقه"},
	"mute.none":             {"🔔 You get no alerts privately (alerts is off for you in telegram.managers), so there is nothing to pause; the alert chat gets every alert.", "🔔 هشدار خصوصی برایتان فرستاده نمی‌شود (alerts برای شما در telegram.managers خاموش است)، پس چیزی برای توقف نیست؛ گروه هشدارها همه را می‌گیرد."},
	// Mentions nothing can be sent in answer to.
	"alert.noanswer.never":    {"🚫 %s posts cannot be answered from here; answer on the site itself if needed.", "🚫 به پست‌های %s از اینجا نمی‌شود پاسخ داد؛ اگر لازم است در خود آن سایت پاسخ دهید."},
	"alert.noanswer.unset":    {"🚫 No %s account is connected to Shenava, so no answer can be sent from here; answer on %[1]s itself.", "🚫 هیچ حساب %s به شنوا وصل نیست، پس از اینجا پاسخی فرستاده نمی‌شود؛ در خود %[1]s پاسخ دهید."},
	"digest.notsent":          {"The digest was built but could not be sent here; please try /digest again later.", "گزارش ساخته شد ولی اینجا فرستاده نشد؛ لطفاً کمی بعد دوباره \u200e/digest را بزنید."},
	"digest.notsent.busy":     {"Telegram asked me to slow down, so the digest was not sent; please try /digest again in a minute.", "تلگرام خواست آهسته‌تر بفرستم، پس گزارش فرستاده نشد؛ لطفاً یک دقیقهٔ دیگر دوباره \u200e/digest را بزنید."},
	"digest.nochart":          {"The chart could not be sent; the figures above are the whole digest.", "نمودار فرستاده نشد؛ ارقام بالا همهٔ گزارش است."},
	"notice.codes_low":        {"🎁 <b>Reward codes are running low</b>", "🎁 <b>کدهای هدیه رو به پایان است</b>"},
	"notice.codes_low.body":   {"%s left. Load more with <code>shenava codes add FILE</code>; when none are left, referrers are thanked without a code.", "%s کد مانده است. با <code>shenava codes add FILE</code> کد بیشتری بارگذاری کنید؛ وقتی کدی نماند، از معرفان بدون کد تشکر می‌شود."},
	"notice.codes_empty":      {"🎁 <b>No reward codes left</b>", "🎁 <b>کد هدیه‌ای نمانده است</b>"},
	"notice.codes_empty.body": {"Referrers are now thanked without a code. Load more with <code>shenava codes add FILE</code>.", "اکنون از معرفان بدون کد تشکر می‌شود. با <code>shenava codes add FILE</code> کد بیشتری بارگذاری کنید."},
	"summary.title":           {"🚨 <b>%s new complaints</b>", "🚨 <b>%s شکایت تازه</b>"},
	"summary.why":             {"Too many at once for an alert each; the ones most in need first.", "آن‌قدر یک‌باره رسیدند که برای هر کدام هشدار جدا فرستاده نشد؛ نیازمندترها اول."},
	"summary.item":            {"%s. %s #%s · <b>%s</b> · %s · /case_%s", "%s. %s #%s · <b>%s</b> · %s · /case_%s"},
	"summary.rest":            {"And %s more: /pending lists them all; /case_N opens one with all its buttons.", "و %s مورد دیگر: \u200e/pending همه را فهرست می‌کند؛ \u200e/case_N هر کدام را با همهٔ دکمه‌هایش باز می‌کند."},
	"btn.summary.reply":       {"↩️ Reply #%s", "↩️ پاسخ #%s"},
	"btn.summary.claim":       {"🙋 Claim #%s", "🙋 برمی‌دارم #%s"},
	"err.noconnector":         {"This reply cannot be sent: no %s account is connected to Shenava. Answer on %[1]s itself.", "این پاسخ فرستاده نمی‌شود: هیچ حساب %s به شنوا وصل نیست. در خود %[1]s پاسخ دهید."},
	"alert.noanswer.readonly": {"🔒 Read by Shenava's read-only %s collector account, which never writes: this post cannot be answered from here. Open it in %[1]s to answer.", "🔒 این پست را حساب فقط‌خواندنی گردآورِ %s شنوا خوانده است که هرگز چیزی نمی‌نویسد: از اینجا نمی‌شود به آن پاسخ داد. برای پاسخ، آن را در %[1]s باز کنید."},
	"btn.open.platform":       {"↗️ Open in %s", "↗️ باز کردن در %s"},
	"err.readonly":            {"This post was read by the read-only %s collector account and cannot be answered from here; open it in %[1]s.", "این پست را حساب فقط‌خواندنی گردآورِ %s خوانده است و از اینجا نمی‌شود به آن پاسخ داد؛ آن را در %[1]s باز کنید."},
	"alert.noprivate.window":  {"⏳ %s's private-reply window (7 days after the comment) has passed: only a public reply can be sent.", "⏳ مهلت پاسخ خصوصی %s (۷ روز پس از کامنت) گذشته است: فقط پاسخ عمومی می‌شود فرستاد."},
	"btn.private.window":      {"⏳ Private-reply window passed", "⏳ مهلت پاسخ خصوصی گذشته"},
	"err.noprivate.window":    {"The private-reply window %s allows (7 days after the comment) has passed; only a public reply can be sent now.", "مهلت پاسخ خصوصی که %s می‌دهد (۷ روز پس از کامنت) گذشته است؛ اکنون فقط پاسخ عمومی می‌شود فرستاد."},
}

// num writes an integer with thousands separators, in Persian digits and
// separators for Persian text.
func num(lang string, n int) string { return locale.Int(lang, n) }

// id writes an identifier (case or action number) without separators.
func id(lang string, n uint64) string { return digits(lang, strconv.FormatUint(n, 10)) }

// digits turns ASCII digits into Persian ones in Persian text.
func digits(lang, s string) string { return locale.Digits(lang, s) }

// pct writes a probability as a whole percentage.
func pct(lang string, p float64) string { return locale.Percent(lang, p) }

// dur writes a duration the way people say it: "4 min", "2 h 5 min", "3 days".
func dur(lang string, d time.Duration) string { return locale.Duration(lang, d) }

// within writes a duration as an upper bound, "90% within 5 min": rounded
// up to the minute, and "a minute" below one ("within under a minute"
// reads wrong).
func within(lang string, d time.Duration) string {
	if d <= time.Minute {
		return msg(lang, "within.minute")
	}
	return dur(lang, (d + time.Minute - 1).Truncate(time.Minute))
}

// seconds writes a short wait: "15 s", "۱۵ ثانیه"; a minute or more as dur.
func seconds(lang string, d time.Duration) string { return locale.Seconds(lang, d) }

// when writes a moment in the configured zone: "2026-11-22 09:55", and in
// Persian in the Solar Hijri calendar, as the digest dates its days:
// "۱ آذر ۱۴۰۵، ۰۹:۵۵".
func when(lang string, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if lang != LangPersian {
		return t.Format("2006-01-02 15:04")
	}
	return persian.Date(t) + "، " + locale.Clock(lang, t)
}

// day writes a calendar day: "2026-11-22", and in Persian "۱ آذر ۱۴۰۵".
func day(lang string, t time.Time) string {
	if lang != LangPersian {
		return t.Format("2006-01-02")
	}
	return persian.Date(t)
}

func labelName(lang string, l core.Label) string { return locale.Label(lang, l) }

func langName(lang, code string) string {
	if _, ok := catalog["lang."+code]; ok && code != "" {
		return msg(lang, "lang."+code)
	}
	if code == "" {
		return msg(lang, "lang.other")
	}
	return code
}

func platformName(lang string, p core.Platform) string { return locale.PlatformInText(lang, p) }

// esc escapes user text for Telegram's HTML parse mode: every <, > and &
// becomes an entity, so nothing a customer writes can open a tag.
func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// escAttr escapes a value for a double-quoted HTML attribute.
func escAttr(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// units counts text as Telegram does: UTF-16 code units.
func units(s string) int { return len(utf16.Encode([]rune(s))) }

// visible is the text a user sees of our own HTML: tags dropped, the four
// entities we write counted as one character.
func visible(html string) string {
	var b strings.Builder
	inTag := false
	for i := 0; i < len(html); {
		r, size := utf8.DecodeRuneInString(html[i:])
		switch {
		case inTag:
			if r == '>' {
				inTag = false
			}
		case r == '<':
			inTag = true
		case r == '&':
			ch := byte('&')
			for _, e := range []struct {
				ent string
				ch  byte
			}{{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}} {
				if strings.HasPrefix(html[i:], e.ent) {
					size, ch = len(e.ent), e.ch
					break
				}
			}
			b.WriteByte(ch)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// cut shortens plain text to at most n UTF-16 units, at a rune boundary,
// ending with "…" when it had to cut. It reports whether it cut.
func cut(s string, n int) (string, bool) {
	if units(s) <= n {
		return s, false
	}
	used := 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if used+w > n-1 {
			return strings.TrimRightFunc(s[:i], func(r rune) bool { return r == ' ' || r == '\n' }) + "…", true
		}
		used += w
	}
	return s, false
}

// split breaks plain text into pieces of at most n UTF-16 units, at line
// breaks where possible, else at spaces, else anywhere.
func split(s string, n int) []string {
	var out []string
	for units(s) > n {
		head, _ := cut(s, n+1) // n units plus the ellipsis cut adds
		head = strings.TrimSuffix(head, "…")
		at := len(head)
		if i := strings.LastIndex(head, "\n"); i > len(head)/2 {
			at = i + 1
		} else if i := strings.LastIndex(head, " "); i > len(head)/2 {
			at = i + 1
		}
		out = append(out, strings.TrimRight(s[:at], "\n "))
		s = strings.TrimLeft(s[at:], "\n ")
	}
	if strings.TrimSpace(s) != "" || len(out) == 0 {
		out = append(out, s)
	}
	return out
}

// splitHTML breaks our own HTML into messages of at most limit visible
// units, at line breaks outside any tag pair (a blockquote is never cut in
// two). Our renderers cut user text before wrapping it, so every block
// fits on its own.
func splitHTML(html string, limit int) []string {
	if units(visible(html)) <= limit {
		return []string{html}
	}
	var out []string
	var cur strings.Builder
	curUnits, depth := 0, 0
	for _, line := range strings.SplitAfter(html, "\n") {
		n := units(visible(line))
		if depth == 0 && curUnits+n > limit && cur.Len() > 0 {
			out = append(out, strings.TrimRight(cur.String(), "\n"))
			cur.Reset()
			curUnits = 0
		}
		cur.WriteString(line)
		curUnits += n
		depth += strings.Count(line, "<blockquote") - strings.Count(line, "</blockquote>")
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, strings.TrimRight(cur.String(), "\n"))
	}
	return out
}
