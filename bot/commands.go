package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/shenava/shenava/casework"
	"github.com/shenava/shenava/core"
)

// commander answers managers' commands: /pending, /case, /stats,
// /digest, /mute, /templates, /lang, /help.
type commander struct {
	cfg    Config
	logger *slog.Logger
	now    func() time.Time
	st     Store
	cases  *casework.Service
	out    *sender
	view   *renderer
	recs   *records
	digest DigestSource // nil: /digest says there is none
	// webLink makes a sign-in link to the web inbox; nil: /web says the
	// web inbox is off.
	webLink func(managerID int64) (string, error)
	// relabel sets a manager's menu button again, in the language they
	// chose (Bot.setMenuButton).
	relabel func(ctx context.Context, managerID int64) error
}

// commandList is the command menu, in order.
var commandList = []string{"pending", "case", "stats", "digest", "mute", "templates", "lang", "web", "help"}

// normDigits reads Persian and Arabic-Indic digits as ASCII, so managers
// can type /case ۱۲.
func normDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '۰' && r <= '۹':
			return '0' + (r - '۰')
		case r >= '٠' && r <= '٩':
			return '0' + (r - '٠')
		}
		return r
	}, s)
}

func (co *commander) onCommand(ctx context.Context, mgr Manager, m *models.Message, c command) {
	lang := co.recs.lang(ctx, mgr.ID)
	chat := m.Chat.ID
	arg := ""
	if len(c.args) > 0 {
		arg = strings.ToLower(normDigits(c.args[0]))
	}
	co.logger.Debug("command", "command", c.name, "by", mgr.Name, "chat_id", chat)
	switch c.name {
	case "start", "help":
		co.out.reply(ctx, chat, 0, lines(lang, msg(lang, "help", esc(co.view.brandName()))), nil)
	case "lang":
		co.cmdLang(ctx, mgr, chat, lang, arg)
	case "pending":
		page, _ := strconv.Atoi(arg)
		co.sendPending(ctx, chat, 0, lang, max(page-1, 0)*DefaultPageSize)
	case "case":
		co.cmdCase(ctx, chat, lang, arg)
	case "stats":
		co.cmdStats(ctx, chat, lang, arg)
	case "digest":
		co.cmdDigest(ctx, chat, lang, arg)
	case "mute":
		co.cmdMute(ctx, mgr, chat, lang, arg)
	case "templates":
		co.cmdTemplates(ctx, chat, lang)
	case "web":
		co.cmdWeb(ctx, mgr, m, lang)
	default:
		co.out.reply(ctx, chat, m.ID, msg(lang, "unknown.command"), nil)
	}
}

// cmdWeb answers with a single-use sign-in link to the web inbox, only in
// the manager's private chat: in a group anyone could use it first.
func (co *commander) cmdWeb(ctx context.Context, mgr Manager, m *models.Message, lang string) {
	switch {
	case co.webLink == nil:
		co.out.reply(ctx, m.Chat.ID, m.ID, msg(lang, "web.off"), nil)
		return
	case m.Chat.Type != models.ChatTypePrivate:
		co.out.reply(ctx, m.Chat.ID, m.ID, msg(lang, "web.private"), nil)
		return
	}
	link, err := co.webLink(mgr.ID)
	if err != nil {
		co.logger.Error("could not make a web inbox link", "manager", mgr.Name, "error", err)
		co.out.reply(ctx, m.Chat.ID, 0, msg(lang, "err.internal"), nil)
		return
	}
	co.logger.Info("web inbox link sent", "manager", mgr.Name)
	co.out.reply(ctx, m.Chat.ID, 0, lines(lang, msg(lang, "web.link", esc(link))), nil)
}

func (co *commander) cmdLang(ctx context.Context, mgr Manager, chat int64, lang, arg string) {
	if arg != LangPersian && arg != LangEnglish {
		co.out.reply(ctx, chat, 0, lines(lang, msg(lang, "lang.usage", langName(lang, lang))), nil)
		return
	}
	if err := co.recs.setPrefs(ctx, mgr.ID, func(p *prefsRec) { p.Lang = arg }); err != nil {
		co.logger.Error("could not save a language choice", "error", err)
		co.out.reply(ctx, chat, 0, msg(lang, "err.internal"), nil)
		return
	}
	if err := co.relabel(ctx, mgr.ID); err != nil {
		co.logger.Warn("could not relabel the menu button", "manager", mgr.Name, "error", err)
	}
	co.out.reply(ctx, chat, 0, lines(arg, msg(arg, "lang.set")), nil)
}

// cmdMute pauses the alerts a manager gets privately: /mute (the default
// span), /mute 2h, /mute off. The alert chat is shared and keeps getting
// every alert, so in a group /mute refuses and says so, as it does for a
// manager who gets no private alerts to pause.
func (co *commander) cmdMute(ctx context.Context, mgr Manager, chat int64, lang, arg string) {
	switch {
	case chat != mgr.ID:
		co.out.reply(ctx, chat, 0, lines(lang, msg(lang, "mute.group")), nil)
		return
	case !mgr.Alerts && arg != "off":
		co.out.reply(ctx, chat, 0, lines(lang, msg(lang, "mute.none")), nil)
		return
	}
	now := co.now()
	var until time.Time
	switch arg {
	case "off":
	case "":
		until = now.Add(co.cfg.MuteDefault)
	default:
		d, err := parseSpan(arg)
		if err != nil || d <= 0 || d > co.cfg.MuteMax {
			co.out.reply(ctx, chat, 0, lines(lang, msg(lang, "mute.usage", dur(lang, co.cfg.MuteMax))), nil)
			return
		}
		until = now.Add(d)
	}
	if err := co.recs.setPrefs(ctx, mgr.ID, func(p *prefsRec) { p.MutedUntil = until }); err != nil {
		co.logger.Error("could not save a mute", "error", err)
		co.out.reply(ctx, chat, 0, msg(lang, "err.internal"), nil)
		return
	}
	if until.IsZero() {
		co.out.reply(ctx, chat, 0, lines(lang, msg(lang, "mute.off")), nil)
		return
	}
	co.logger.Info("manager muted alerts", "by", mgr.Name, "until", until)
	co.out.reply(ctx, chat, 0, lines(lang, msg(lang, "mute.set", when(lang, until, co.cfg.Location))), nil)
}

// parseSpan reads "30m", "1h", "2d".
func parseSpan(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		return time.Duration(days) * 24 * time.Hour, err
	}
	return time.ParseDuration(s)
}

func (co *commander) cmdTemplates(ctx context.Context, chat int64, lang string) {
	if len(co.cfg.Templates) == 0 {
		co.out.reply(ctx, chat, 0, lines(lang, msg(lang, "tpl.none")), nil)
		return
	}
	ls := []string{msg(lang, "tpl.list"), ""}
	for i, t := range co.cfg.Templates {
		ls = append(ls, "<b>"+digits(lang, strconv.Itoa(i+1))+". "+esc(t.Name)+"</b>")
		for _, lt := range t.Texts() {
			ls = append(ls, userText(lt[0]+": "+esc(lt[1])))
		}
		ls = append(ls, "")
	}
	ls = append(ls, "<i>"+msg(lang, "tpl.vars", esc(co.view.brandName()))+"</i>")
	co.out.reply(ctx, chat, 0, lines(lang, ls...), nil)
}

// sendPending lists open negative cases, oldest first, a page at a time,
// with buttons to page. With edit set it redraws that message.
func (co *commander) sendPending(ctx context.Context, chat int64, edit int, lang string, offset int) {
	cases, total, err := co.st.OpenCases(ctx, core.CaseFilter{Label: core.LabelNegative, Offset: offset, Limit: DefaultPageSize})
	if err != nil {
		co.logger.Error("could not list pending cases", "error", err)
		co.out.reply(ctx, chat, 0, msg(lang, "err.internal"), nil)
		return
	}
	if total > 0 && len(cases) == 0 && offset > 0 {
		offset = (total - 1) / DefaultPageSize * DefaultPageSize
		cases, total, err = co.st.OpenCases(ctx, core.CaseFilter{Label: core.LabelNegative, Offset: offset, Limit: DefaultPageSize})
		if err != nil {
			return
		}
	}
	var text string
	var kb *inlineKeyboard
	if total == 0 {
		text = lines(lang, msg(lang, "pending.none"))
	} else {
		span := digits(lang, fmt.Sprintf("%d–%d", offset+1, offset+len(cases)))
		ls := []string{msg(lang, "pending.title", span, num(lang, total))}
		now := co.now()
		for _, c := range cases {
			m, err := co.st.Mention(ctx, c.MentionKey)
			if err != nil {
				m = core.Mention{Platform: c.Platform}
			}
			owner := ""
			if c.ClaimedBy != "" {
				owner = msg(lang, "pending.owner", esc(c.ClaimedBy))
			}
			snippet, _ := cut(strings.Join(strings.Fields(m.Text), " "), 140)
			line := msg(lang, "pending.line", id(lang, c.ID), platformName(lang, c.Platform), esc(who(m)),
				dur(lang, now.Sub(c.CreatedAt)), owner, "\x00"+esc(snippet), strconv.FormatUint(c.ID, 10))
			ls = append(ls, "", line)
		}
		text = lines(lang, ls...)
		var row []button
		if offset > 0 {
			row = append(row, button{Text: msg(lang, "btn.prev"), CallbackData: string(verbPage) + ":" + strconv.Itoa(max(offset-DefaultPageSize, 0))})
		}
		if offset+len(cases) < total {
			row = append(row, button{Text: msg(lang, "btn.next"), CallbackData: string(verbPage) + ":" + strconv.Itoa(offset+DefaultPageSize)})
		}
		if len(row) > 0 {
			kb = &inlineKeyboard{InlineKeyboard: [][]button{row}}
		}
	}
	if edit != 0 {
		var markup any
		if kb != nil {
			markup = kb
		}
		if err := co.out.edit(ctx, chat, edit, text, markup); err != nil {
			co.logger.Warn("could not page /pending", "error", err)
		}
		return
	}
	if kb == nil {
		co.out.reply(ctx, chat, 0, text, nil)
		return
	}
	co.out.reply(ctx, chat, 0, text, kb)
}

func parseCaseID(arg string) (uint64, bool) {
	n, err := strconv.ParseUint(strings.TrimPrefix(arg, "#"), 10, 64)
	return n, err == nil && n > 0
}

func (co *commander) cmdCase(ctx context.Context, chat int64, lang, arg string) {
	caseID, ok := parseCaseID(arg)
	if !ok {
		co.out.reply(ctx, chat, 0, lines(lang, msg(lang, "case.usage")), nil)
		return
	}
	c, m, err := co.cases.Load(ctx, caseID)
	if errors.Is(err, core.ErrNotFound) {
		co.out.reply(ctx, chat, 0, lines(lang, msg(lang, "case.notfound", id(lang, caseID))), nil)
		return
	}
	if err != nil {
		co.logger.Error("could not load a case", "case_id", caseID, "error", err)
		co.out.reply(ctx, chat, 0, msg(lang, "err.internal"), nil)
		return
	}
	tok, err := co.recs.caseToken(ctx, c.ID)
	if err != nil {
		co.logger.Error("could not make the case's buttons", "case_id", caseID, "error", err)
		co.out.reply(ctx, chat, 0, msg(lang, "err.internal"), nil)
		return
	}
	sent, ok := co.out.reply(ctx, chat, 0, co.view.renderCaseView(ctx, lang, c, m), co.view.caseKeyboard(lang, c, m, tok))
	if ok && sent.ID != 0 {
		// A reply to this view is a public reply, as for an alert.
		if err := co.recs.putRec(ctx, core.SpaceMessages, ref(chat, sent.ID), msgRec{Kind: msgAlert, Case: c.ID}); err != nil {
			co.logger.Warn("could not remember a case view", "error", err)
		}
	}
}

// maxHistory bounds the events a case view lists (the newest are kept).
const maxHistory = 25

func eventText(lang string, e core.CaseEvent) string {
	actor := esc(e.Actor)
	switch e.Action {
	case "opened":
		return msg(lang, "event.opened", labelName(lang, core.Label(e.Detail)))
	case "alerted", "recovered", "hidden":
		return msg(lang, "event."+e.Action)
	case "corrected label":
		if lang == LangPersian {
			return msg(lang, "event.corrected label", actor, labelName(lang, core.Label(e.Detail)))
		}
		return msg(lang, "event.corrected label", labelName(lang, core.Label(e.Detail)), actor)
	case "reminded":
		return msg(lang, "event.reminded", digits(lang, e.Detail))
	}
	if _, ok := catalog["event."+e.Action]; ok {
		return msg(lang, "event."+e.Action, actor)
	}
	return esc(e.Action + " " + e.Actor)
}

// period reads /stats's argument: how many days, ending today.
func period(arg string) (int, bool) {
	switch arg {
	case "", "today", "1d":
		return 1, true
	case "7d", "7", "week":
		return 7, true
	case "30d", "30", "month":
		return 30, true
	}
	return 0, false
}

func (co *commander) cmdStats(ctx context.Context, chat int64, lang, arg string) {
	days, ok := period(arg)
	if !ok {
		co.out.reply(ctx, chat, 0, lines(lang, msg(lang, "stats.usage")), nil)
		return
	}
	text, err := co.renderStats(ctx, lang, days)
	if err != nil {
		co.logger.Error("could not compute stats", "error", err)
		co.out.reply(ctx, chat, 0, msg(lang, "err.internal"), nil)
		return
	}
	co.out.reply(ctx, chat, 0, text, nil)
}

type tally struct {
	name  string
	count int
}

func sorted(m map[string]int) []tally {
	var out []tally
	for k, v := range m {
		if v > 0 {
			out = append(out, tally{k, v})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].count != out[j].count {
			return out[i].count > out[j].count
		}
		return out[i].name < out[j].name
	})
	return out
}

// renderStats adds up the daily counters and the cases of the last days
// (today included) in the configured zone.
func (co *commander) renderStats(ctx context.Context, lang string, days int) (string, error) {
	now := co.now().In(co.cfg.Location)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, co.cfg.Location)
	from := today.AddDate(0, 0, -(days - 1))
	sum := map[string]map[string]int{}
	for d := from; !d.After(today); d = d.AddDate(0, 0, 1) {
		counts, err := co.st.DayCounts(ctx, d.Format(core.DayFormat))
		if err != nil {
			return "", err
		}
		for dim, vals := range counts {
			if sum[dim] == nil {
				sum[dim] = map[string]int{}
			}
			for v, n := range vals {
				sum[dim][v] += n
			}
		}
	}
	var opened, answered, resolved, ignored int
	var frts []time.Duration
	err := co.st.ForEachCase(ctx, from, now.Add(time.Second), func(c core.Case) error {
		opened++
		if t, ok := c.FirstResponseTime(); ok {
			answered++
			frts = append(frts, t)
		}
		switch c.State {
		case core.CaseResolved:
			resolved++
		case core.CaseIgnored:
			ignored++
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	// Open cases that were answered are not waiting for anyone; those whose
	// author came back happy after the answer need nobody at all.
	open, _, err := co.st.OpenCases(ctx, core.CaseFilter{Label: core.LabelNegative})
	if err != nil {
		return "", err
	}
	var unanswered, answeredOpen int
	for _, c := range open {
		switch {
		case c.FirstResponseAt.IsZero():
			unanswered++
		case c.RecoveredAt.IsZero():
			answeredOpen++
		}
	}

	name := msg(lang, "stats.today")
	if days > 1 {
		name = msg(lang, "stats.days", num(lang, days))
	}
	total := sum["total"][""]
	neg, neu, pos := sum["label"]["negative"], sum["label"]["neutral"], sum["label"]["positive"]
	ls := []string{
		msg(lang, "stats.title", name, day(lang, from), day(lang, today)),
		"",
		msg(lang, "stats.mentions", num(lang, total), num(lang, neg), num(lang, neu), num(lang, pos)),
	}
	if total > 0 {
		net := float64(pos-neg) / float64(total)
		sign := "+"
		if net < 0 {
			sign, net = "−", -net
		}
		ls = append(ls, msg(lang, "stats.net", sign+pct(lang, net)))
	}
	if ps := sorted(sum["platform"]); len(ps) > 0 {
		var parts []string
		for _, p := range ps {
			parts = append(parts, platformName(lang, core.Platform(p.name))+" "+num(lang, p.count))
		}
		ls = append(ls, msg(lang, "stats.platforms", strings.Join(parts, " · ")))
	}
	if lsum := sorted(sum["lang"]); len(lsum) > 0 {
		var parts []string
		for _, l := range lsum {
			parts = append(parts, langName(lang, l.name)+" "+num(lang, l.count))
		}
		ls = append(ls, msg(lang, "stats.langs", strings.Join(parts, " · ")))
	}
	ls = append(ls, msg(lang, "stats.referrals", num(lang, sum["referral"]["yes"])),
		msg(lang, "stats.cases", num(lang, opened), num(lang, answered), num(lang, resolved), num(lang, ignored)))
	if len(frts) > 0 {
		slices.Sort(frts)
		ls = append(ls, msg(lang, "stats.frt", dur(lang, quantile(frts, 0.5)), within(lang, quantile(frts, 0.9))))
	} else {
		ls = append(ls, msg(lang, "stats.frt.none"))
	}
	if answeredOpen > 0 {
		ls = append(ls, msg(lang, "stats.open", num(lang, unanswered), num(lang, answeredOpen)))
	} else {
		ls = append(ls, msg(lang, "stats.open.unanswered", num(lang, unanswered)))
	}
	return lines(lang, ls...), nil
}

// quantile of sorted durations, nearest rank.
func quantile(sorted []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func (co *commander) cmdDigest(ctx context.Context, chat int64, lang, arg string) {
	if co.digest == nil {
		co.out.reply(ctx, chat, 0, lines(lang, msg(lang, "digest.none")), nil)
		return
	}
	now := co.now().In(co.cfg.Location)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, co.cfg.Location)
	switch arg {
	case "", "today":
	case "yesterday":
		day = day.AddDate(0, 0, -1)
	default:
		d, err := time.ParseInLocation("2006-01-02", arg, co.cfg.Location)
		if err != nil {
			co.out.reply(ctx, chat, 0, lines(lang, msg(lang, "digest.usage")), nil)
			return
		}
		day = d
	}
	text, chart, err := co.digest.Digest(ctx, day)
	if err != nil {
		co.logger.Error("could not build the digest", "day", day.Format("2006-01-02"), "error", err)
		co.out.reply(ctx, chat, 0, lines(lang, msg(lang, "digest.failed")), nil)
		return
	}
	chartErr, err := co.out.sendDigestTo(ctx, chat, text, chart)
	switch {
	case err != nil:
		co.logger.Warn("could not send the digest", "chat_id", chat, "error", err)
		key := "digest.notsent"
		if isRateLimit(err) {
			key = "digest.notsent.busy"
		}
		co.out.reply(ctx, chat, 0, lines(lang, msg(lang, key)), nil)
	case chartErr != nil:
		co.out.reply(ctx, chat, 0, lines(lang, msg(lang, "digest.nochart")), nil)
	}
}
