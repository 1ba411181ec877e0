package digest

import (
	"fmt"
	"strings"
	"time"

	"github.com/shenava/shenava/core"
)

// render writes the digest text. It is plain text (no markup), one figure
// per line, short enough for one Telegram message.
func render(f Figures, l locale) string {
	w := &writer{l: l}
	w.header(f)
	w.mentions(f)
	w.complaints(f)
	w.openCases(f)
	w.authors(f)
	return strings.TrimRight(w.b.String(), "\n") + "\n"
}

type writer struct {
	b strings.Builder
	l locale
}

// t picks the English or the Persian wording.
func (w *writer) t(en, fa string) string {
	if w.l.fa {
		return fa
	}
	return en
}

// plural picks the English singular or plural, or the Persian word
// (Persian nouns stay singular after a number).
func (w *writer) plural(n int, one, many, fa string) string {
	switch {
	case w.l.fa:
		return fa
	case n == 1:
		return one
	}
	return many
}

func (w *writer) line(format string, args ...any) {
	fmt.Fprintf(&w.b, format, args...)
	w.b.WriteByte('\n')
}

func (w *writer) header(f Figures) {
	l := w.l
	zone := f.Day.Location().String()
	w.line(w.t("Shenava daily digest: %s (%s)", "گزارش روزانهٔ شنوا: %s، به وقت %s"), l.date(f.Day), zone)
	w.line(w.t("In brackets: the daily mean of the %s days before.", "در پرانتز: میانگین روزانهٔ %s روزِ پیش از آن."),
		l.int(BaselineDays))
	w.line("")
}

// item writes "name 8 (5.1)".
func (w *writer) item(name string, it Item) string {
	return fmt.Sprintf("%s %s (%s)", name, w.l.int(it.Day), w.l.mean(it.Mean))
}

// withChange writes "8 (5.1), +57%".
func (w *writer) withChange(it Item) string {
	s := fmt.Sprintf("%s (%s)", w.l.int(it.Day), w.l.mean(it.Mean))
	if c := w.l.change(it.Day, it.Mean); c != "" {
		s += w.l.comma() + c
	}
	return s
}

func (w *writer) mentions(f Figures) {
	l := w.l
	w.line(w.t("Mentions: %s", "اشاره‌ها: %s"), w.withChange(f.Mentions))
	if f.Mentions.Day == 0 && f.Mentions.Mean == 0 {
		w.line("")
		return
	}
	var parts []string
	for _, it := range f.ByLabel {
		parts = append(parts, w.item(l.label(core.Label(it.Key)), it))
	}
	w.line(w.t("Sentiment: %s", "احساس: %s"), strings.Join(parts, " · "))
	parts = parts[:0]
	for _, it := range f.ByPlatform {
		parts = append(parts, w.item(l.platform(it.Key), it))
	}
	w.line(w.t("Platforms: %s", "سکوها: %s"), strings.Join(parts, " · "))
	parts = parts[:0]
	for _, it := range f.ByLang {
		parts = append(parts, w.item(l.language(it.Key), it))
	}
	w.line(w.t("Languages: %s", "زبان‌ها: %s"), strings.Join(parts, " · "))
	switch {
	case f.NetOK && f.NetMeanOK:
		w.line(w.t("Net sentiment: %s (%s), %s", "برآیند احساسات: %s (%s)، %s"),
			l.signedPct(f.Net), l.signedPct(f.NetMean), l.points(f.Net-f.NetMean))
	case f.NetOK:
		w.line(w.t("Net sentiment: %s", "برآیند احساسات: %s"), l.signedPct(f.Net))
	}
	referrals := fmt.Sprintf("%s (%s)", l.int(f.Referrals.Day), l.mean(f.Referrals.Mean))
	thanked := fmt.Sprintf("%s (%s)", l.int(f.Thanked.Day), l.mean(f.Thanked.Mean))
	if f.ThankedNoCode > 0 {
		w.line(w.t("Referrals: %s, thanked %s, %s of them without a reward code (none left)",
			"معرفی‌ها: %s، با تشکر %s، %s مورد بدون کد هدیه (کدی نمانده بود)"), referrals, thanked, l.int(f.ThankedNoCode))
	} else {
		w.line(w.t("Referrals: %s, thanked %s", "معرفی‌ها: %s، با تشکر %s"), referrals, thanked)
	}
	w.line("")
}

func (w *writer) complaints(f Figures) {
	l := w.l
	opened := Item{Day: f.Response.Cases, Mean: float64(f.ResponseBefore.Cases) / BaselineDays}
	w.line(w.t("Complaints opened: %s", "شکایت‌های تازه: %s"), w.withChange(opened))
	if r := f.Response; r.Answered > 0 {
		s := fmt.Sprintf(w.t("First response: %s of %s answered, median %s, p90 %s",
			"نخستین پاسخ: %s از %s پاسخ گرفت، میانه %s، صدک نودم %s"),
			l.int(r.Answered), l.int(r.Cases), l.dur(r.Median), l.dur(r.P90))
		if b := f.ResponseBefore; b.Answered > 0 {
			s += fmt.Sprintf(w.t(" (week before: median %s, p90 %s)", " (هفتهٔ پیش: میانه %s، صدک نودم %s)"),
				l.dur(b.Median), l.dur(b.P90))
		}
		w.line("%s", s)
	} else if r.Cases > 0 {
		w.line(w.t("First response: none of %s answered yet", "نخستین پاسخ: هیچ‌یک از %s هنوز پاسخ نگرفته"), l.int(r.Cases))
	}
	breaches := Item{Day: f.Response.Breaches, Mean: float64(f.ResponseBefore.Breaches) / BaselineDays}
	w.line(w.t("SLA breaches (no answer within %s): %s", "دیرکرد پاسخ (بیش از %s): %s"),
		l.dur(f.SLATarget), fmt.Sprintf("%s (%s)", l.int(breaches.Day), l.mean(breaches.Mean)))
	rec := f.Recovery
	window := windowText(l, rec.Window)
	if rec.Answered == 0 {
		w.line(w.t("Recovery: no complaint answered in the last %s", "بازیابی: در %s گذشته به شکایتی پاسخ داده نشده"), window)
	} else {
		w.line(w.t("Recovery: %s of %s %s answered in the last %s turned positive (%s)",
			"بازیابی: %s از %s %s پاسخ‌گرفته در %s گذشته به رضایت رسید (%s)"),
			l.int(rec.Recovered), l.int(rec.Answered), w.plural(rec.Answered, "complaint", "complaints", "شکایتِ"), window,
			l.pct(float64(rec.Recovered)/float64(rec.Answered)))
	}
	w.line("")
}

func windowText(l locale, d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		n := int(d / (24 * time.Hour))
		if l.fa {
			return l.int(n) + " روز"
		}
		if n == 1 {
			return "day"
		}
		return fmt.Sprintf("%d days", n)
	}
	return l.dur(d)
}

func (w *writer) openCases(f Figures) {
	l := w.l
	if f.OpenNegative == 0 {
		w.line("%s", w.t("No negative case is open.", "هیچ پروندهٔ منفی بازی نمانده است."))
		w.line("")
		return
	}
	// Answered cases are not "open" in the sense that matters here: the
	// headline counts what still waits for a first answer.
	head := w.t("No negative case is waiting for an answer", "هیچ پروندهٔ منفی‌ای در انتظار پاسخ نیست")
	if f.Unanswered > 0 {
		head = fmt.Sprintf(w.t("Waiting for an answer: %s negative %s", "در انتظار پاسخ: %s %s منفی"), l.int(f.Unanswered),
			w.plural(f.Unanswered, "case", "cases", "پروندهٔ"))
	}
	if f.AnsweredOpen > 0 {
		head += fmt.Sprintf(w.t(" · %s answered, not yet resolved", " · %s پاسخ‌گرفته، هنوز حل‌نشده"), l.int(f.AnsweredOpen))
	}
	w.line("%s", head)
	for i, c := range f.TopCases {
		status := w.t("answered", "پاسخ‌گرفته")
		if !c.Answered {
			status = w.t("unanswered", "بی‌پاسخ")
		}
		w.line(w.t("%s. #%s %s %s, %s negative, %s, opened %s ago", "%s. #%s %s %s، %s منفی، %s، %s پیش"),
			l.int(i+1), l.int(int(c.ID)), l.platform(string(c.Platform)), c.Author, l.pct(c.Score), status, l.dur(c.Age))
		w.line(w.t("   \"%s\"", "   «%s»"), c.Text)
		if c.URL != "" {
			w.line("   %s", c.URL)
		}
	}
	w.line("")
}

func (w *writer) authors(f Figures) {
	l := w.l
	if len(f.TopAuthors) == 0 {
		return
	}
	w.line("%s", w.t("Most active authors", "فعال‌ترین نویسندگان"))
	for i, a := range f.TopAuthors {
		s := fmt.Sprintf(w.t("%s. %s (%s): %s %s", "%s. %s (%s): %s %s"),
			l.int(i+1), a.Name, l.platform(string(a.Platform)), l.int(a.Mentions),
			w.plural(a.Mentions, "mention", "mentions", "اشاره"))
		if a.Negative > 0 {
			s += fmt.Sprintf(w.t(", %s negative", "، %s منفی"), l.int(a.Negative))
		}
		w.line("%s", s)
	}
}
