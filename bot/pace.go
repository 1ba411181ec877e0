package bot

import (
	"sync"
	"time"

	"github.com/shenava/shenava/core"
)

// Telegram's flood limits, as its FAQ gives them: about 20 messages a
// minute into one group, about one a second into one private chat. Going
// over earns 429s with a retry_after that can run to minutes, during which
// nothing reaches the chat, not even a manager's answer.
const (
	DefaultGroupPerMinute   = 20
	DefaultPrivatePerMinute = 60
)

// Pace bounds how many messages the bot sends into one chat a minute; 0
// does not pace that kind of chat (unlike the other fields, zero is not
// replaced by a default).
type Pace struct {
	GroupPerMinute   int `yaml:"group_per_minute"`
	PrivatePerMinute int `yaml:"private_per_minute"`
}

// pacer spaces the bot's sends per chat under Pace, and holds a chat back
// for as long as Telegram's retry_after said. Outbox-driven sends get the
// wait back as a rate limit (the outbox postpones them); interactive
// answers wait it out (sendRetrying).
type pacer struct {
	cfg Pace
	now func() time.Time

	mu      sync.Mutex
	sent    map[int64][]time.Time // sends within the last minute, oldest first
	blocked map[int64]time.Time   // chat → until when Telegram said to wait
}

func newPacer(cfg Pace, now func() time.Time) *pacer {
	return &pacer{cfg: cfg, now: now, sent: map[int64][]time.Time{}, blocked: map[int64]time.Time{}}
}

// take reserves a send into chat, or says how long until one may go.
// Edits (budget false) only honour retry_after: they do not add messages
// to the chat, and a manager's button press must be able to update its
// alert during a storm.
func (p *pacer) take(chat int64, budget bool) time.Duration {
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if until, ok := p.blocked[chat]; ok {
		if wait := until.Sub(now); wait > 0 {
			return wait
		}
		delete(p.blocked, chat)
	}
	limit := p.cfg.PrivatePerMinute
	if chat < 0 {
		limit = p.cfg.GroupPerMinute
	}
	if !budget || limit <= 0 {
		return 0
	}
	recent := p.sent[chat]
	for len(recent) > 0 && now.Sub(recent[0]) >= time.Minute {
		recent = recent[1:]
	}
	if len(recent) >= limit {
		p.sent[chat] = recent
		return max(recent[0].Add(time.Minute).Sub(now), time.Millisecond)
	}
	p.sent[chat] = append(recent, now)
	return 0
}

// block holds chat back for d, as a 429's retry_after asked.
func (p *pacer) block(chat int64, d time.Duration) {
	if d <= 0 {
		return
	}
	until := p.now().Add(d)
	p.mu.Lock()
	defer p.mu.Unlock()
	if until.After(p.blocked[chat]) {
		p.blocked[chat] = until
	}
}

// paced is the error for a send held back by the pacer: a rate limit the
// server did not have to give.
func paced(wait time.Duration) error {
	return &core.RateLimitError{Platform: core.PlatformTelegram, RetryAfter: wait, Err: errPaced}
}

var errPaced = pacedError{}

type pacedError struct{}

func (pacedError) Error() string { return "telegram: held back to stay under the chat's flood limit" }

// chatID reads a chat ID from a Bot API parameter (an int64, or a
// "@username" string, which is not paced).
func chatID(v any) (int64, bool) {
	switch id := v.(type) {
	case int64:
		return id, true
	case int:
		return int64(id), true
	}
	return 0, false
}
