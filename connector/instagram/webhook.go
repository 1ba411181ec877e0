package instagram

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/httpx"
)

// WebhookPath is where Meta delivers the account's webhooks.
const WebhookPath = "/webhooks/instagram"

// Sink stores the mentions of one delivery and returns once they are
// durably stored (the engine's Ingest); an error makes the delivery fail
// so that Meta sends it again.
type Sink func(ctx context.Context, ms []core.Mention) error

// delivery is the body of a webhook POST.
type delivery struct {
	Object string  `json:"object"`
	Entry  []entry `json:"entry"`
}

type entry struct {
	ID      string   `json:"id"`
	Time    int64    `json:"time"`
	Changes []change `json:"changes"`
}

type change struct {
	Field string          `json:"field"`
	Value json.RawMessage `json:"value"`
}

// commentValue is the value of a "comments" change.
type commentValue struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	ParentID string `json:"parent_id"`
	From     *user  `json:"from"`
	Media    *struct {
		ID string `json:"id"`
	} `json:"media"`
}

// mentionValue is the value of a "mentions" change: the post or comment
// that @mentions the account, without its text.
type mentionValue struct {
	MediaID   string `json:"media_id"`
	CommentID string `json:"comment_id"`
}

// event is one change of a delivery that Shenava cares about.
type event struct {
	account string
	at      time.Time
	comment *commentValue
	mention *mentionValue
}

// parseDelivery reads a delivery body: the comments and mentions changes,
// in order. Other fields (messages, story insights) are ignored; a change
// of a known field that is malformed fails the whole delivery.
func parseDelivery(body []byte) ([]event, error) {
	var d delivery
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, fmt.Errorf("instagram webhook: %w: %w", core.ErrInvalid, err)
	}
	if d.Object != "instagram" && d.Object != "page" {
		return nil, fmt.Errorf("instagram webhook: object %q: %w", d.Object, core.ErrInvalid)
	}
	var out []event
	for _, e := range d.Entry {
		at := entryTime(e.Time)
		for _, ch := range e.Changes {
			switch ch.Field {
			case "comments", "live_comments":
				var v commentValue
				if err := json.Unmarshal(ch.Value, &v); err != nil {
					return nil, fmt.Errorf("instagram webhook: %s change: %w: %w", ch.Field, core.ErrInvalid, err)
				}
				if v.ID == "" {
					return nil, fmt.Errorf("instagram webhook: comment without id: %w", core.ErrInvalid)
				}
				out = append(out, event{account: e.ID, at: at, comment: &v})
			case "mentions":
				var v mentionValue
				if err := json.Unmarshal(ch.Value, &v); err != nil {
					return nil, fmt.Errorf("instagram webhook: mentions change: %w: %w", core.ErrInvalid, err)
				}
				if v.MediaID == "" && v.CommentID == "" {
					return nil, fmt.Errorf("instagram webhook: mention without media_id or comment_id: %w", core.ErrInvalid)
				}
				out = append(out, event{account: e.ID, at: at, mention: &v})
			}
		}
	}
	return out, nil
}

// entryTime reads an entry's time: Unix seconds, or milliseconds in some
// of Meta's products.
func entryTime(t int64) time.Time {
	if t > 1e12 {
		return time.UnixMilli(t).UTC()
	}
	if t <= 0 {
		return time.Time{}
	}
	return time.Unix(t, 0).UTC()
}

// VerifySignature checks X-Hub-Signature-256 ("sha256=<hex>") against
// the HMAC-SHA256 of the raw body keyed with the app secret, in constant
// time.
func VerifySignature(header string, body []byte, secret string) bool {
	hexSig, ok := strings.CutPrefix(header, "sha256=")
	if !ok || secret == "" {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return subtle.ConstantTimeCompare(got, m.Sum(nil)) == 1
}

// Webhook serves GET and POST on WebhookPath: the verification handshake
// and the deliveries. A delivery is answered 200 only after sink has
// stored its mentions; Meta retries anything else.
func (c *Client) Webhook(sink Sink) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+WebhookPath, c.handshake)
	mux.HandleFunc("POST "+WebhookPath, func(w http.ResponseWriter, r *http.Request) { c.deliver(w, r, sink) })
	return mux
}

func (c *Client) handshake(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	token := q.Get("hub.verify_token")
	if q.Get("hub.mode") != "subscribe" || c.cfg.VerifyToken.Empty() ||
		subtle.ConstantTimeCompare([]byte(token), []byte(c.cfg.VerifyToken.Reveal())) != 1 {
		c.logger.Warn("webhook verification refused: wrong hub.mode or hub.verify_token", "remote", r.RemoteAddr)
		http.Error(w, "verification failed", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(q.Get("hub.challenge")))
	c.logger.Info("webhook verified by Meta")
}

func (c *Client) deliver(w http.ResponseWriter, r *http.Request, sink Sink) {
	log := c.logger.With("remote", r.RemoteAddr)
	body, err := httpx.ReadAll(r.Body, c.cfg.MaxWebhookBytes)
	if errors.Is(err, httpx.ErrTooLarge) {
		log.Warn("webhook delivery refused: body too large", "limit", c.cfg.MaxWebhookBytes)
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	if err != nil {
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	if !VerifySignature(r.Header.Get("X-Hub-Signature-256"), body, c.cfg.AppSecret.Reveal()) {
		log.Warn("webhook delivery refused: missing or wrong X-Hub-Signature-256")
		http.Error(w, "bad signature", http.StatusForbidden)
		return
	}
	events, err := parseDelivery(body)
	if err != nil {
		// Signed by Meta but unreadable: retrying will not help.
		log.Error("webhook delivery dropped: malformed payload", "error", err)
		http.Error(w, "malformed payload", http.StatusBadRequest)
		return
	}
	ms, err := c.eventMentions(r.Context(), events)
	if err != nil {
		log.Error("webhook delivery failed; Meta will send it again", "error", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	if len(ms) > 0 {
		if err := sink(r.Context(), ms); err != nil {
			log.Error("webhook delivery not stored; Meta will send it again", "error", err)
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}

// eventMentions turns events into mentions. A mention event carries only
// IDs, so its text is read from the API; an error there fails the
// delivery, to be retried.
func (c *Client) eventMentions(ctx context.Context, events []event) ([]core.Mention, error) {
	now := c.now()
	var out []core.Mention
	for _, ev := range events {
		if ev.account != "" && ev.account != c.cfg.UserID {
			c.logger.Warn("webhook event for another account ignored", "account", ev.account)
			continue
		}
		at := ev.at
		if at.IsZero() {
			at = now
		}
		switch {
		case ev.comment != nil:
			v := ev.comment
			cm := comment{ID: v.ID, Text: v.Text, ParentID: v.ParentID, From: v.From}
			if v.From != nil {
				cm.Username = v.From.Username
			}
			if strings.TrimSpace(cm.Text) == "" || c.own(cm) {
				continue
			}
			mediaID := ""
			if v.Media != nil {
				mediaID = v.Media.ID
			}
			out = append(out, toMention(cm, mediaID, c.permalink(ctx, mediaID), false, at, now))
		case ev.mention != nil:
			m, ok, err := c.mentioned(ctx, *ev.mention, at, now)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, m)
			}
		}
	}
	return out, nil
}

// permalink returns the media's permalink, from the cache or one call;
// "" when the call fails (the mention is still stored, without a link).
func (c *Client) permalink(ctx context.Context, mediaID string) string {
	if mediaID == "" {
		return ""
	}
	c.mu.Lock()
	link, ok := c.permalinks[mediaID]
	c.mu.Unlock()
	if ok {
		return link
	}
	var m media
	if err := c.call(ctx, "GET", mediaID, url.Values{"fields": {"id,permalink"}}, nil, &m); err != nil {
		c.logger.Warn("cannot read the post's permalink", "media_id", mediaID, "error", err)
		return ""
	}
	c.mu.Lock()
	c.rememberPermalink(mediaID, m.Permalink)
	c.mu.Unlock()
	return m.Permalink
}

// mentioned reads the post or comment of a mentions event through the
// account's mentioned_comment / mentioned_media fields.
func (c *Client) mentioned(ctx context.Context, v mentionValue, at, now time.Time) (core.Mention, bool, error) {
	var out struct {
		MentionedComment *struct {
			comment
			Media *media `json:"media"`
		} `json:"mentioned_comment"`
		MentionedMedia *media `json:"mentioned_media"`
	}
	var field string
	if v.CommentID != "" {
		field = "mentioned_comment.comment_id(" + v.CommentID + "){id,text,timestamp,username,media{id,permalink}}"
	} else {
		field = "mentioned_media.media_id(" + v.MediaID + "){id,caption,timestamp,username,permalink}"
	}
	if err := c.call(ctx, "GET", c.cfg.UserID, url.Values{"fields": {field}}, nil, &out); err != nil {
		if errors.Is(err, core.ErrPermanent) && !errors.Is(err, core.ErrUnauthorized) {
			// Deleted since, or from an account that went private: nothing
			// to hear, and retrying will not change it.
			c.logger.Warn("mentioned post unavailable", "media_id", v.MediaID, "comment_id", v.CommentID, "error", err)
			return core.Mention{}, false, nil
		}
		return core.Mention{}, false, err
	}
	switch {
	case out.MentionedComment != nil:
		cm := out.MentionedComment.comment
		if cm.ID == "" {
			cm.ID = v.CommentID
		}
		mediaID, link := v.MediaID, ""
		if md := out.MentionedComment.Media; md != nil {
			mediaID, link = md.ID, md.Permalink
		}
		if t, err := parseTime(cm.Timestamp); err == nil {
			at = t
		}
		if strings.TrimSpace(cm.Text) == "" || c.own(cm) {
			return core.Mention{}, false, nil
		}
		return toMention(cm, mediaID, link, true, at, now), true, nil
	case out.MentionedMedia != nil:
		md := out.MentionedMedia
		if md.ID == "" {
			md.ID = v.MediaID
		}
		if t, err := parseTime(md.Timestamp); err == nil {
			at = t
		}
		cm := comment{ID: md.ID, Text: md.Caption, Username: md.Username}
		if strings.TrimSpace(cm.Text) == "" || c.own(cm) {
			return core.Mention{}, false, nil
		}
		m := toMention(cm, md.ID, "", true, at, now)
		m.URL, m.ReplyToID = md.Permalink, ""
		return m, true, nil
	}
	return core.Mention{}, false, nil
}
