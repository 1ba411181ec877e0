package bot

import (
	"context"
	"strconv"
	"strings"

	"github.com/shenava/shenava/casework"
	"github.com/shenava/shenava/core"
)

// renderer draws what managers see of cases, notices and thank-you
// drafts: message text (HTML, in the reader's language) and buttons. It
// reads nothing and sends nothing.
type renderer struct {
	cfg   Config
	cases *casework.Service // capabilities, templates, {author}/{brand}
}

// brandName is the brand as managers and strangers read it.
func (v *renderer) brandName() string {
	if v.cfg.Brand != "" {
		return v.cfg.Brand
	}
	return "Shenava"
}

// Inline keyboards are our own small types rather than go-telegram/bot's
// models.InlineKeyboardButton: that struct always serialises an empty
// "copy_text" object, making every button two kinds at once, which the Bot
// API forbids ("exactly one of the optional fields").
type inlineKeyboard struct {
	InlineKeyboard [][]button `json:"inline_keyboard"`
}

type button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

type forceReply struct {
	ForceReply            bool   `json:"force_reply"`
	InputFieldPlaceholder string `json:"input_field_placeholder,omitempty"`
	Selective             bool   `json:"selective,omitempty"`
}

// rtlMark starts our own Persian lines, so a line that opens with a
// handle or a number is still laid out right to left.
const rtlMark = "\u200f"

// lines joins rendered lines; in Persian each of our own lines starts with
// a right-to-left mark. A line (or a segment after a line break inside an
// entry) starting with "\x00" is user text and is left alone: its own
// direction decides.
func lines(lang string, ls ...string) string {
	var out []string
	for _, entry := range ls {
		for _, l := range strings.Split(entry, "\n") {
			if raw, ok := strings.CutPrefix(l, "\x00"); ok {
				out = append(out, raw)
				continue
			}
			if lang == LangPersian && l != "" && !strings.HasPrefix(l, rtlMark) {
				l = rtlMark + l
			}
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// userText marks rendered user text (every line of it) as the user's, for
// lines.
func userText(s string) string { return "\x00" + strings.ReplaceAll(s, "\n", "\n\x00") }

// who names a mention's author.
func who(m core.Mention) string { return casework.Who(m) }

func labelEmoji(l core.Label) string {
	switch l {
	case core.LabelNegative:
		return "🔴"
	case core.LabelPositive:
		return "🟢"
	}
	return "⚪️"
}

// mentionHead renders who wrote what where: the author, platform,
// language, label and link lines of an alert.
func (v *renderer) mentionHead(lang string, c core.Case, m core.Mention) []string {
	author := "👤 <b>" + esc(who(m)) + "</b>"
	if m.Author.Handle != "" && m.Author.Name != "" {
		author += " (" + esc(m.Author.Name) + ")"
	}
	if m.Author.Followers > 0 {
		author += " · " + msg(lang, "alert.followers", num(lang, m.Author.Followers))
	}
	mlang := ""
	if m.Analysis != nil {
		mlang = m.Analysis.Lang
	}
	meta := "📍 " + platformName(lang, m.Platform) + " · 🌐 " + langName(lang, mlang) +
		" · 🏷 " + labelName(lang, c.Label) + " " + pct(lang, c.Score)
	out := []string{author, meta}
	if m.URL != "" {
		out = append(out, `🔗 <a href="`+escAttr(m.URL)+`">`+msg(lang, "alert.open")+"</a> · 🕓 "+when(lang, m.CreatedAt, v.cfg.Location))
	} else {
		out = append(out, "🕓 "+when(lang, m.CreatedAt, v.cfg.Location))
	}
	return out
}

// quote renders user text as a block quote, cut to fit budget visible
// units.
func quote(lang, text string, budget int) []string {
	text = strings.TrimSpace(text)
	short, trimmed := cut(text, max(budget, 40))
	out := []string{userText("<blockquote>" + esc(short) + "</blockquote>")}
	if trimmed {
		out = append(out, "<i>"+msg(lang, "alert.trimmed")+"</i>")
	}
	return out
}

// renderAlert is the alert message of a case, as it stands now.
func (v *renderer) renderAlert(lang string, c core.Case, m core.Mention) string {
	title := alertTitle(lang, c)
	head := append([]string{title}, v.mentionHead(lang, c, m)...)
	tail := append([]string{""}, v.statusLines(lang, c)...)
	if l := v.noAnswerLine(lang, c, m); l != "" {
		tail = append(tail, l)
	}
	fixed := units(visible(lines(lang, head...) + lines(lang, tail...)))
	body := append([]string{""}, quote(lang, m.Text, maxText-fixed-80)...)
	return lines(lang, append(append(head, body...), tail...)...)
}

// alertTitle heads a case's alert with its label: a manager's correction
// wins over the model's, so a complaint relabelled neutral is no longer
// headed as negative.
func alertTitle(lang string, c core.Case) string {
	l := c.Label
	if c.CorrectedLabel != "" {
		l = c.CorrectedLabel
	}
	if _, ok := catalog["alert.title."+string(l)]; !ok {
		l = core.LabelNeutral
	}
	return msg(lang, "alert.title."+string(l), id(lang, c.ID))
}

// firstReply says who gave the first reply still standing (core keeps it
// through withdrawals) and whether it was private.
func firstReply(c core.Case) (actor string, private, ok bool) {
	if c.FirstResponseAt.IsZero() {
		return "", false, false
	}
	for _, e := range c.Events {
		if e.At.Equal(c.FirstResponseAt) && (e.Action == "replied publicly" || e.Action == "replied privately") {
			return e.Actor, e.Action == "replied privately", true
		}
	}
	return c.FirstResponder, false, true
}

func lastEvent(c core.Case, action string) (core.CaseEvent, bool) {
	for i := len(c.Events) - 1; i >= 0; i-- {
		if c.Events[i].Action == action {
			return c.Events[i], true
		}
	}
	return core.CaseEvent{}, false
}

// statusLines say where a case stands: the line the alert is edited to as
// the case moves.
func (v *renderer) statusLines(lang string, c core.Case) []string {
	var out []string
	actor, private, replied := firstReply(c)
	switch {
	case replied && c.FirstReplySent():
		frt, _ := c.FirstResponseTime()
		key := "status.public"
		if private {
			key = "status.private"
		}
		out = append(out, msg(lang, key, esc(actor), dur(lang, frt)))
	case replied:
		// Queued, inside the undo window or waiting for a retry: it can
		// still be withdrawn, and the customer has seen nothing yet.
		key := "status.public.queued"
		if private {
			key = "status.private.queued"
		}
		out = append(out, msg(lang, key, esc(actor)))
	}
	switch c.State {
	case core.CaseNew, core.CaseAlerted:
		out = append(out, msg(lang, "status.waiting"))
	case core.CaseClaimed:
		out = append(out, msg(lang, "status.claimed", esc(c.ClaimedBy)))
	case core.CaseReplied:
		if c.ClaimedBy != "" && c.ClaimedBy != actor {
			out = append(out, msg(lang, "status.claimed", esc(c.ClaimedBy)))
		}
	case core.CaseResolved:
		out = append(out, msg(lang, "status.resolved", esc(c.ClosedBy)))
	case core.CaseIgnored:
		out = append(out, msg(lang, "status.ignored", esc(c.ClosedBy)))
	}
	if c.CorrectedLabel != "" {
		e, _ := lastEvent(c, "corrected label")
		if lang == LangPersian {
			out = append(out, msg(lang, "status.label", esc(e.Actor), labelName(lang, c.CorrectedLabel)))
		} else {
			out = append(out, msg(lang, "status.label", labelName(lang, c.CorrectedLabel), esc(e.Actor)))
		}
	}
	if !c.RecoveredAt.IsZero() {
		out = append(out, msg(lang, "status.recovered"))
	}
	switch {
	case !c.HideDoneAt.IsZero():
		out = append(out, msg(lang, "status.hidden", platformName(lang, c.Platform), esc(c.HiddenBy)))
	case !c.HiddenAt.IsZero():
		out = append(out, msg(lang, "status.hiding", platformName(lang, c.Platform), esc(c.HiddenBy)))
	}
	return out
}

// caseKeyboard is the alert's buttons for the case's state. Buttons for
// what the platform cannot do say so.
func (v *renderer) caseKeyboard(lang string, c core.Case, m core.Mention, tok string) *inlineKeyboard {
	caps := v.cases.CapabilitiesFor(m)
	// Hiding is for spam and abuse, whatever the case's state.
	hide := caps.Hide && c.HiddenAt.IsZero()
	if !c.State.Open() {
		row := []button{{Text: msg(lang, "btn.label"), CallbackData: cb(verbWrongLabel, tok)}}
		if hide {
			row = append(row, button{Text: msg(lang, "btn.hide"), CallbackData: cb(verbHide, tok)})
		}
		return &inlineKeyboard{InlineKeyboard: [][]button{row}}
	}
	pname := platformName(lang, m.Platform)
	var rows [][]button
	if caps.Limit == core.LimitReadOnly && m.URL != "" {
		rows = append(rows, []button{{Text: msg(lang, "btn.open.platform", pname), URL: m.URL}})
	}
	if caps.Reply || caps.DirectMessage {
		rows = append(rows, v.replyRow(lang, caps, m.Platform, pname, tok))
	}
	second := []button{}
	if len(v.cases.Templates()) > 0 && (caps.Reply || caps.DirectMessage) {
		second = append(second, button{Text: msg(lang, "btn.templates"), CallbackData: cb(verbTemplates, tok)})
	}
	second = append(second, button{Text: msg(lang, "btn.claim"), CallbackData: cb(verbClaim, tok)})
	if hide {
		second = append(second, button{Text: msg(lang, "btn.hide"), CallbackData: cb(verbHide, tok)})
	}
	rows = append(rows, second, []button{
		{Text: msg(lang, "btn.resolve"), CallbackData: cb(verbResolve, tok)},
		{Text: msg(lang, "btn.ignore"), CallbackData: cb(verbIgnore, tok)},
		{Text: msg(lang, "btn.label"), CallbackData: cb(verbWrongLabel, tok)},
	})
	return &inlineKeyboard{InlineKeyboard: rows}
}

// replyRow is the alert's answer buttons when the platform takes at least
// one kind of answer; the kind it does not take says so.
func (v *renderer) replyRow(lang string, caps core.Capabilities, p core.Platform, pname, tok string) []button {
	var replyRow []button
	if caps.Reply {
		replyRow = append(replyRow, button{Text: msg(lang, "btn.public"), CallbackData: cb(verbReplyPublic, tok)})
	} else {
		replyRow = append(replyRow, button{Text: msg(lang, "btn.public.no", pname), CallbackData: cb(verbNoPublic, tok)})
	}
	switch {
	case caps.DirectMessage && p == core.PlatformTelegram:
		replyRow = append(replyRow, button{Text: msg(lang, "btn.private.tg"), CallbackData: cb(verbReplyPrivate, tok)})
	case caps.DirectMessage:
		replyRow = append(replyRow, button{Text: msg(lang, "btn.private"), CallbackData: cb(verbReplyPrivate, tok)})
	case caps.Limit == core.LimitPrivateWindow:
		replyRow = append(replyRow, button{Text: msg(lang, "btn.private.window"), CallbackData: cb(verbNoPrivate, tok)})
	default:
		replyRow = append(replyRow, button{Text: msg(lang, "btn.private.no", pname), CallbackData: cb(verbNoPrivate, tok)})
	}
	return replyRow
}

// answerable says whether anything can be sent in answer to a mention on
// p: a public reply or a private message.
func (v *renderer) answerable(p core.Platform) bool {
	caps := v.cases.Capabilities(p)
	return caps.Reply || caps.DirectMessage
}

// neverAnswerable are the platforms that take no answer at all, whatever
// is configured; on the others, no answer means no connector is set up.
func neverAnswerable(p core.Platform) bool {
	return p == core.PlatformRSS || p == core.PlatformFile
}

// noAnswerLine says, on an open case's alert, why it offers fewer answer
// buttons than its platform would ("" when nothing is missing): a post
// read by a read-only account, a platform that takes no answers or has no
// account connected, a private-reply window that has passed.
func (v *renderer) noAnswerLine(lang string, c core.Case, m core.Mention) string {
	if !c.State.Open() {
		return ""
	}
	p := m.Platform
	limit := v.cases.CapabilitiesFor(m).Limit
	switch {
	case limit == core.LimitReadOnly:
		return msg(lang, "alert.noanswer.readonly", platformName(lang, p))
	case !v.answerable(p) && neverAnswerable(p):
		return msg(lang, "alert.noanswer.never", platformName(lang, p))
	case !v.answerable(p):
		return msg(lang, "alert.noanswer.unset", platformName(lang, p))
	case limit == core.LimitPrivateWindow:
		return msg(lang, "alert.noprivate.window", platformName(lang, p))
	}
	return ""
}

var labelCodes = []struct {
	code  string
	label core.Label
}{{"n", core.LabelNegative}, {"u", core.LabelNeutral}, {"p", core.LabelPositive}}

func labelOf(code string) (core.Label, bool) {
	for _, l := range labelCodes {
		if l.code == code {
			return l.label, true
		}
	}
	return "", false
}

// labelKeyboard lets a manager say what the label should have been.
func (v *renderer) labelKeyboard(lang string, c core.Case, tok string) *inlineKeyboard {
	current := c.Label
	if c.CorrectedLabel != "" {
		current = c.CorrectedLabel
	}
	var row []button
	for _, l := range labelCodes {
		text := labelEmoji(l.label) + " " + labelName(lang, l.label)
		if l.label == current {
			text += " ✓"
		}
		row = append(row, button{Text: text, CallbackData: cb(verbLabel, tok, l.code)})
	}
	return &inlineKeyboard{InlineKeyboard: [][]button{row, {{Text: msg(lang, "btn.back"), CallbackData: cb(verbBack, tok)}}}}
}

// renderTemplates is the template chooser for a case: each template in
// the mention's language, with a button to send it publicly or privately.
func (v *renderer) renderTemplates(lang string, c core.Case, m core.Mention, tok string) (string, *inlineKeyboard) {
	caps := v.cases.CapabilitiesFor(m)
	ls := []string{msg(lang, "tpl.title", id(lang, c.ID), esc(who(m))), ""}
	var rows [][]button
	for i, t := range v.cases.Templates() {
		label := digits(lang, strconv.Itoa(i+1)) + ". " + t.Name
		ls = append(ls, "<b>"+esc(label)+"</b>", userText(esc(v.cases.Expand(t.For(casework.MentionLang(m)), m))), "")
		var row []button
		if caps.Reply {
			row = append(row, button{Text: msg(lang, "btn.tpl.public", label), CallbackData: cb(verbTemplatePublic, tok, strconv.Itoa(i))})
		}
		if caps.DirectMessage {
			row = append(row, button{Text: msg(lang, "btn.tpl.private", label), CallbackData: cb(verbTemplatePrivate, tok, strconv.Itoa(i))})
		}
		if len(row) > 0 {
			rows = append(rows, row)
		}
	}
	return lines(lang, ls...), &inlineKeyboard{InlineKeyboard: rows}
}

// renderApproval shows a drafted thank-you and, once decided, who decided.
func (v *renderer) renderApproval(lang string, rec casework.Approval, m *core.Mention) string {
	ls := []string{msg(lang, "approval.title")}
	if m != nil {
		ls = append(ls, msg(lang, "approval.to", "<b>"+esc(who(*m))+"</b>", platformName(lang, m.Platform)))
		ls = append(ls, quote(lang, m.Text, 1200)...)
		if m.URL != "" {
			ls = append(ls, `🔗 <a href="`+escAttr(m.URL)+`">`+msg(lang, "alert.open")+"</a>")
		}
	}
	ls = append(ls, "", msg(lang, "approval.draft"))
	ls = append(ls, quote(lang, rec.Text, 2000)...)
	switch rec.State {
	case casework.ApprovalSent:
		key := "approval.sent"
		if rec.Edited {
			key = "approval.edited"
		}
		ls = append(ls, "", msg(lang, key, esc(rec.By)))
	case casework.ApprovalSkipped:
		ls = append(ls, "", msg(lang, "approval.skipped", esc(rec.By)))
	}
	if !v.cfg.ThankApproval && rec.State == casework.ApprovalPending {
		ls = append(ls, "", "<i>"+msg(lang, "approval.off")+"</i>")
	}
	return lines(lang, ls...)
}

func approvalKeyboard(lang, tok string) *inlineKeyboard {
	return &inlineKeyboard{InlineKeyboard: [][]button{{
		{Text: msg(lang, "btn.send"), CallbackData: cb(verbThankSend, tok)},
		{Text: msg(lang, "btn.edit"), CallbackData: cb(verbThankEdit, tok)},
		{Text: msg(lang, "btn.skip"), CallbackData: cb(verbThankSkip, tok)},
	}}}
}

// renderNotice renders a notify action: a title in the reader's language
// for its topic, then the action's own text, in pieces that fit.
func (v *renderer) renderNotice(lang string, a core.Action, m *core.Mention) []string {
	switch a.Topic {
	case core.TopicCodesLow, core.TopicCodesEmpty:
		// The store's notice carries only the number left; the words are
		// the reader's.
		body := msg(lang, "notice.codes_empty.body")
		if a.Topic == core.TopicCodesLow {
			left, _ := strconv.Atoi(strings.TrimSpace(a.Text))
			body = msg(lang, "notice.codes_low.body", num(lang, left))
		}
		return []string{lines(lang, msg(lang, "notice."+a.Topic), body)}
	}
	key := "notice." + a.Topic
	if _, ok := catalog[key]; !ok || a.Topic == "" {
		key = "notice.other"
	}
	head := []string{msg(lang, key)}
	if a.CaseID != 0 {
		head = append(head, msg(lang, "notice.case", id(lang, a.CaseID), strconv.FormatUint(a.CaseID, 10)))
	}
	if m != nil && a.Topic == core.TopicSLA {
		head = append(head, "👤 <b>"+esc(who(*m))+"</b> · "+platformName(lang, m.Platform))
		head = append(head, quote(lang, m.Text, 600)...)
	}
	title := lines(lang, head...)
	body := strings.TrimSpace(a.Text)
	if body == "" {
		return []string{title}
	}
	chunks := split(body, maxText-units(visible(title))-16)
	out := make([]string, len(chunks))
	for i, c := range chunks {
		out[i] = esc(c)
	}
	out[0] = title + "\n\n" + out[0]
	return out
}

func (v *renderer) decision(lang string, rec casework.Approval) string {
	switch {
	case rec.State == casework.ApprovalSkipped:
		return msg(lang, "approval.skipped", esc(rec.By))
	case rec.Edited:
		return msg(lang, "approval.edited", esc(rec.By))
	}
	return msg(lang, "approval.sent", esc(rec.By))
}

// renderCaseView is the alert with the case's history under it.
func (v *renderer) renderCaseView(_ context.Context, lang string, c core.Case, m core.Mention) string {
	title := alertTitle(lang, c)
	ls := append([]string{title}, v.mentionHead(lang, c, m)...)
	ls = append(ls, "")
	ls = append(ls, quote(lang, m.Text, 1500)...)
	ls = append(ls, "")
	ls = append(ls, v.statusLines(lang, c)...)
	if l := v.noAnswerLine(lang, c, m); l != "" {
		ls = append(ls, l)
	}
	ls = append(ls, "", msg(lang, "case.history"))
	events := c.Events
	if len(events) > maxHistory {
		ls = append(ls, "…")
		events = events[len(events)-maxHistory:]
	}
	for _, e := range events {
		ls = append(ls, "• "+when(lang, e.At, v.cfg.Location)+" — "+eventText(lang, e))
	}
	return lines(lang, ls...)
}

// cannotAnswerNote says the mention's platform does not allow a public (or
// private) answer.
func (v *renderer) cannotAnswerNote(lang string, m core.Mention, private bool) string {
	if !v.answerable(m.Platform) && !neverAnswerable(m.Platform) {
		return msg(lang, "err.noconnector", platformName(lang, m.Platform))
	}
	if v.cases.CapabilitiesFor(m).Limit == core.LimitReadOnly {
		return msg(lang, "err.readonly", platformName(lang, m.Platform))
	}
	if private && v.cases.CapabilitiesFor(m).Limit == core.LimitPrivateWindow {
		return msg(lang, "err.noprivate.window", platformName(lang, m.Platform))
	}
	if private {
		return msg(lang, "err.noprivate", platformName(lang, m.Platform))
	}
	return msg(lang, "err.nopublic", platformName(lang, m.Platform))
}

// closedNote says a case is closed and by whom.
func (v *renderer) closedNote(lang string, c core.Case) string {
	how := ""
	switch c.State {
	case core.CaseResolved:
		how = msg(lang, "status.resolved", esc(c.ClosedBy))
	case core.CaseIgnored:
		how = msg(lang, "status.ignored", esc(c.ClosedBy))
	}
	return msg(lang, "err.closed", id(lang, c.ID), how)
}
