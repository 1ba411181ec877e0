// Package console prints what Shenava would send, for runs without
// Telegram or platform credentials (the demo, dry runs). It implements the
// outbox's Alerter and, per platform, its Replier.
package console

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/shenava/shenava/core"
)

// Printer writes alerts, notices and answers to w, one block each. It is
// safe for concurrent use.
type Printer struct {
	mu sync.Mutex
	w  io.Writer
	n  int
}

// New returns a printer writing to w.
func New(w io.Writer) *Printer { return &Printer{w: w} }

func (p *Printer) print(format string, args ...any) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	fmt.Fprintf(p.w, format, args...)
	return fmt.Sprintf("console:%d", p.n)
}

// Alert prints a case's alert.
func (p *Printer) Alert(_ context.Context, c core.Case, m core.Mention) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "🔔 ALERT case #%d · %s · %s", c.ID, m.Platform, who(m))
	if m.Author.Followers > 0 {
		fmt.Fprintf(&b, " (%d followers)", m.Author.Followers)
	}
	if a := m.Analysis; a != nil {
		fmt.Fprintf(&b, " · %s · %s %.2f", a.Lang, a.Label, a.Confidence())
	}
	fmt.Fprintf(&b, "\n   %s\n", quote(m.Text))
	if m.URL != "" {
		fmt.Fprintf(&b, "   %s\n", m.URL)
	}
	return p.print("%s", b.String()), nil
}

// UpdateAlert prints where a case stands now.
func (p *Printer) UpdateAlert(_ context.Context, c core.Case, _ core.Mention) error {
	line := fmt.Sprintf("📝 case #%d is %s", c.ID, c.State)
	if c.ClaimedBy != "" {
		line += " (owner " + c.ClaimedBy + ")"
	}
	if !c.RecoveredAt.IsZero() {
		line += " · the author came back happy"
	}
	p.print("%s\n", line)
	return nil
}

// Notify prints a notice or an approval request.
func (p *Printer) Notify(_ context.Context, a core.Action, m *core.Mention) (string, error) {
	if a.Kind == core.ActionApproval && m != nil {
		return p.print("🙏 APPROVE thank-you to %s on %s? draft: %s\n", who(*m), m.Platform, quote(a.Text)), nil
	}
	topic := a.Topic
	if topic == "" {
		topic = "notice"
	}
	return p.print("ℹ️  %s: %s\n", strings.ToUpper(topic), a.Text), nil
}

// Replier returns the answering side for one platform. RSS entries cannot
// be answered; every other platform prints the answer.
func (p *Printer) Replier(platform core.Platform) *Replier {
	return &Replier{p: p, platform: platform}
}

// Replier prints public replies and private messages on one platform.
type Replier struct {
	p        *Printer
	platform core.Platform
}

// Capabilities: everything can be answered but feeds and lines read from a
// file with no platform of their own: neither has anyone to answer.
func (r *Replier) Capabilities() core.Capabilities {
	if r.platform == core.PlatformRSS || r.platform == core.PlatformFile {
		return core.Capabilities{}
	}
	return core.Capabilities{Reply: true, DirectMessage: true}
}

// Reply prints a public reply.
func (r *Replier) Reply(_ context.Context, m core.Mention, text string) (string, error) {
	if !r.Capabilities().Reply {
		return "", fmt.Errorf("console: %s entries cannot be answered: %w", r.platform, core.ErrUnsupported)
	}
	return r.p.print("↩️  REPLY on %s to %s: %s\n", m.Platform, who(m), quote(text)), nil
}

// DirectMessage prints a private message.
func (r *Replier) DirectMessage(_ context.Context, m core.Mention, text string) (string, error) {
	if !r.Capabilities().DirectMessage {
		return "", fmt.Errorf("console: %s authors cannot be messaged: %w", r.platform, core.ErrUnsupported)
	}
	return r.p.print("✉️  PRIVATE on %s to %s: %s\n", m.Platform, who(m), quote(text)), nil
}

func who(m core.Mention) string {
	if m.Author.Handle != "" {
		return "@" + m.Author.Handle
	}
	if m.Author.Name != "" {
		return m.Author.Name
	}
	return m.Author.ID
}

// quote keeps one alert on a few lines: newlines become spaces and very
// long texts are cut.
func quote(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const max = 280
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return "«" + s + "»"
}

// SendDigest prints the daily digest; the chart, if any, is not printed
// (run `shenava digest -chart FILE.png` to see it).
func (p *Printer) SendDigest(_ context.Context, text string, png []byte) error {
	note := ""
	if len(png) > 0 {
		note = fmt.Sprintf("(with a %d-byte chart)\n", len(png))
	}
	p.print("📊 DIGEST\n%s\n%s", text, note)
	return nil
}
