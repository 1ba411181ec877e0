package mastodon

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	gomastodon "github.com/mattn/go-mastodon"

	"github.com/shenava/shenava/core"
)

// Reply answers m publicly: a status in reply to it, with the configured
// visibility (public or unlisted), starting with @author unless the text
// already names them. It first reads the status, so that an answer to a
// followers-only or direct post is sent as a direct status (an answer must
// never show a private post's thread to the public) and an answer to a
// deleted post fails as permanent. It returns the new status's ID.
func (c *Client) Reply(ctx context.Context, m core.Mention, text string) (string, error) {
	if err := checkReply(m, text); err != nil {
		return "", fmt.Errorf("mastodon: reply: %w", err)
	}
	lookup, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	orig, err := c.api.GetStatus(lookup, gomastodon.ID(m.NativeID))
	cancel()
	if err != nil {
		return "", classify("reply: read status "+m.NativeID, err)
	}
	st := fromStatus(orig)
	visibility := c.cfg.ReplyVisibility
	if st.Visibility == gomastodon.VisibilityFollowersOnly || st.Visibility == gomastodon.VisibilityDirectMessage {
		visibility = gomastodon.VisibilityDirectMessage
	}
	acct := st.Account.Acct
	if acct == "" {
		acct = m.Author.Handle
	}
	return c.post(ctx, "reply", m, addressed(acct, text), visibility)
}

// DirectMessage answers m privately: a direct status, in reply to it (so the
// author sees the context), addressed to the author. It returns the new
// status's ID.
func (c *Client) DirectMessage(ctx context.Context, m core.Mention, text string) (string, error) {
	if err := checkReply(m, text); err != nil {
		return "", fmt.Errorf("mastodon: direct message: %w", err)
	}
	if strings.TrimPrefix(m.Author.Handle, "@") == "" {
		return "", fmt.Errorf("mastodon: direct message: mention %s has no author handle: %w", m.Key(), core.Permanent(core.ErrInvalid))
	}
	return c.post(ctx, "direct message", m, addressed(m.Author.Handle, text), gomastodon.VisibilityDirectMessage)
}

func checkReply(m core.Mention, text string) error {
	switch {
	case m.Platform != core.PlatformMastodon:
		return fmt.Errorf("mention %s is not from Mastodon: %w", m.Key(), core.Permanent(core.ErrInvalid))
	case m.NativeID == "":
		return fmt.Errorf("mention has no status ID: %w", core.Permanent(core.ErrInvalid))
	case strings.TrimSpace(text) == "":
		return fmt.Errorf("empty text: %w", core.Permanent(core.ErrInvalid))
	}
	return nil
}

// post sends the status. The Idempotency-Key is derived from what is sent,
// so when the outbox retries after a lost answer Mastodon returns the status
// it already made (it keeps keys for an hour) instead of posting twice.
func (c *Client) post(ctx context.Context, what string, m core.Mention, text, visibility string) (string, error) {
	sum := sha256.Sum256([]byte(what + "\x00" + m.Key() + "\x00" + visibility + "\x00" + text))
	ctx = context.WithValue(ctx, idempotencyKey{}, "shenava-"+hex.EncodeToString(sum[:16]))
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	st, err := c.api.PostStatus(ctx, &gomastodon.Toot{
		Status:      text,
		InReplyToID: gomastodon.ID(m.NativeID),
		Visibility:  visibility,
	})
	if err != nil {
		return "", classify(what+" to "+m.NativeID, err)
	}
	if st.ID == "" {
		return "", fmt.Errorf("mastodon: %s to %s: the answer has no status ID", what, m.NativeID)
	}
	return string(st.ID), nil
}

// addressed puts "@acct " in front of text unless text already mentions
// acct. Mastodon shows a direct status only to the accounts it mentions,
// and threads a reply under the author only when it mentions them.
func addressed(acct, text string) string {
	acct = strings.TrimPrefix(strings.TrimSpace(acct), "@")
	text = strings.TrimSpace(text)
	if acct == "" || mentions(text, acct) {
		return text
	}
	return "@" + acct + " " + text
}

// mentions reports whether text contains @acct as a whole handle
// (case-insensitive; "@ali" is not in "@alice").
func mentions(text, acct string) bool {
	lt, want := strings.ToLower(text), "@"+strings.ToLower(acct)
	for i := 0; ; {
		j := strings.Index(lt[i:], want)
		if j < 0 {
			return false
		}
		end := i + j + len(want)
		before, _ := utf8.DecodeLastRuneInString(lt[:i+j])
		after, _ := utf8.DecodeRuneInString(lt[end:])
		if !wordRune(before) && (end == len(lt) || !wordRune(after) && after != '@') {
			return true
		}
		i = end
	}
}

func wordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// FindAnswer reads back whether the brand account already answered m with
// text (listen.Reconciler): after a post whose answer was lost, or one a
// crash interrupted, the status may exist. It looks among the replies to
// m (GET /api/v1/statuses/:id/context, which shows the brand its own
// direct statuses too), then among the account's latest statuses (GET
// /api/v1/accounts/:id/statuses), for a status of the brand account in
// reply to m whose text is text (mentions and links aside, which the
// server rewrites), direct when private is set. It returns the status's ID.
func (c *Client) FindAnswer(ctx context.Context, m core.Mention, text string, private bool) (string, bool, error) {
	if err := checkReply(m, text); err != nil {
		return "", false, fmt.Errorf("mastodon: read back: %w", err)
	}
	if err := c.learnOwnAccount(ctx); err != nil {
		return "", false, fmt.Errorf("mastodon: read back: %w", err)
	}
	c.ownMu.Lock()
	own := c.ownID
	c.ownMu.Unlock()
	match := func(sts []status) (string, bool) {
		for _, s := range sts {
			if s.Account.ID != own || s.InReplyToID != m.NativeID {
				continue
			}
			if private && s.Visibility != gomastodon.VisibilityDirectMessage {
				continue
			}
			if sameText(plainText(s.Content), text) {
				return s.ID, true
			}
		}
		return "", false
	}
	var thread struct {
		Descendants []status `json:"descendants"`
	}
	err := c.getJSON(ctx, "/api/v1/statuses/"+url.PathEscape(m.NativeID)+"/context", nil, &thread)
	if err != nil && !errors.Is(classify("", err), core.ErrPermanent) {
		return "", false, classify("read back the replies to "+m.NativeID, err)
	}
	if id, ok := match(thread.Descendants); ok {
		return id, true, nil
	}
	var latest []status
	q := url.Values{"limit": {"40"}, "exclude_reblogs": {"true"}}
	if err := c.getJSON(ctx, "/api/v1/accounts/"+url.PathEscape(own)+"/statuses", q, &latest); err != nil {
		return "", false, classify("read back the account's statuses", err)
	}
	id, ok := match(latest)
	return id, ok, nil
}

// sameText compares a status's text as the server shows it with the text
// that was sent: case, spacing, @mentions (which the server links and may
// complete with the domain) and links (which it may shorten) aside.
func sameText(shown, sent string) bool {
	norm := func(s string) string {
		var words []string
		for _, w := range strings.Fields(strings.ToLower(s)) {
			if strings.HasPrefix(w, "@") || strings.Contains(w, "://") || strings.HasPrefix(w, "www.") || strings.Contains(w, "…") {
				continue
			}
			words = append(words, w)
		}
		return strings.Join(words, " ")
	}
	return norm(shown) == norm(sent)
}
