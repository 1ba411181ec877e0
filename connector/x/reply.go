package x

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/shenava/shenava/core"
)

// Capabilities says what the configured credentials allow: replies and DMs
// need user context (OAuth 1.0a or an OAuth 2.0 user token).
func (c *Client) Capabilities() core.Capabilities {
	w := c.write != nil
	return core.Capabilities{Reply: w, DirectMessage: w}
}

var errNoUserContext = errors.New("no user credentials configured (x.oauth1.* or x.oauth2_user_token); X only lets an account post through user context, see connector/x/README.md")

// Reply posts text publicly as an answer to the mention and returns the new
// post's ID.
func (c *Client) Reply(ctx context.Context, m core.Mention, text string) (string, error) {
	const op = "x: reply"
	if c.write == nil {
		return "", fmt.Errorf("%s: %w: %w", op, core.ErrUnsupported, errNoUserContext)
	}
	if err := checkOutgoing(m, text, m.NativeID, "native_id"); err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	var resp createPostResponse
	err := c.do(ctx, call{
		endpoint: epPost, method: "POST", path: "/2/tweets", write: true,
		body: createPostRequest{Text: text, Reply: &replyInfo{InReplyToTweetID: m.NativeID}},
		out:  &resp,
	})
	if err != nil {
		return "", fmt.Errorf("%s to %s: %w", op, m.NativeID, err)
	}
	if resp.Data == nil || !numericID.MatchString(resp.Data.ID) {
		// X took the request but did not say what it made: do not retry
		// blindly, a second post would be a duplicate.
		return "", core.Permanent(fmt.Errorf("%s to %s: answer names no created post%s: %w", op, m.NativeID, problems(resp.Errors), core.ErrInDoubt))
	}
	return resp.Data.ID, nil
}

// DirectMessage sends text privately to the mention's author and returns
// the DM event's ID. X delivers it only if the author accepts messages
// from the brand account; otherwise X refuses with 403 (permanent).
func (c *Client) DirectMessage(ctx context.Context, m core.Mention, text string) (string, error) {
	const op = "x: direct message"
	if c.write == nil {
		return "", fmt.Errorf("%s: %w: %w", op, core.ErrUnsupported, errNoUserContext)
	}
	if err := checkOutgoing(m, text, m.Author.ID, "author.id"); err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	var resp sendDMResponse
	err := c.do(ctx, call{
		endpoint: epDM, method: "POST", path: "/2/dm_conversations/with/" + url.PathEscape(m.Author.ID) + "/messages", write: true,
		body: sendDMRequest{Text: text},
		out:  &resp,
	})
	if err != nil {
		return "", fmt.Errorf("%s to user %s: %w", op, m.Author.ID, err)
	}
	if resp.Data == nil || resp.Data.DMEventID == "" {
		return "", core.Permanent(fmt.Errorf("%s to user %s: answer names no DM event%s: %w", op, m.Author.ID, problems(resp.Errors), core.ErrInDoubt))
	}
	return resp.Data.DMEventID, nil
}

func checkOutgoing(m core.Mention, text, id, field string) error {
	switch {
	case m.Platform != core.PlatformX:
		return core.Permanent(fmt.Errorf("mention %s is not from X: %w", m.Key(), core.ErrInvalid))
	case !numericID.MatchString(id):
		return core.Permanent(fmt.Errorf("mention %s: %s %q is not an X ID: %w", m.Key(), field, id, core.ErrInvalid))
	case strings.TrimSpace(text) == "":
		return core.Permanent(fmt.Errorf("mention %s: the text is empty: %w", m.Key(), core.ErrInvalid))
	}
	return nil
}

func problems(ps []problem) string {
	var parts []string
	for _, p := range ps {
		if s := strings.TrimSpace(p.Title + ": " + p.Detail); s != ":" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// Check verifies each configured credential with one cheap call: the app
// bearer token with GET /2/users/{user_id}, the user credentials with
// GET /2/users/me, which must be the brand account. A rejected credential
// is reported wrapping core.ErrUnauthorized.
func (c *Client) Check(ctx context.Context) error {
	var errs []error
	if !c.cfg.BearerToken.Empty() && c.cfg.UserID == "" {
		errs = append(errs, fmt.Errorf("x: check bearer_token: x.user_id is needed to check it: %w", core.ErrInvalid))
	}
	if !c.cfg.BearerToken.Empty() && c.cfg.UserID != "" {
		var resp userResponse
		if err := c.do(ctx, call{endpoint: epUser, method: "GET", path: "/2/users/" + url.PathEscape(c.cfg.UserID), out: &resp}); err != nil {
			errs = append(errs, checkFailed("bearer_token", err))
		} else if resp.Data == nil {
			errs = append(errs, fmt.Errorf("x: check bearer_token: user_id %s not found%s: %w", c.cfg.UserID, problems(resp.Errors), core.ErrInvalid))
		}
	}
	if c.write != nil {
		var resp userResponse
		if err := c.do(ctx, call{endpoint: epMe, method: "GET", path: "/2/users/me", write: true, out: &resp}); err != nil {
			errs = append(errs, checkFailed("user credentials", err))
		} else if resp.Data == nil {
			errs = append(errs, fmt.Errorf("x: check user credentials: no account in the answer%s", problems(resp.Errors)))
		} else if c.cfg.UserID != "" && resp.Data.ID != c.cfg.UserID {
			errs = append(errs, fmt.Errorf("x: check user credentials: they belong to @%s (%s), not to user_id %s: replies would come from the wrong account: %w",
				resp.Data.Username, resp.Data.ID, c.cfg.UserID, core.ErrUnauthorized))
		}
	}
	if c.cfg.BearerToken.Empty() && c.write == nil {
		errs = append(errs, fmt.Errorf("x: check: no credentials configured: %w", core.ErrUnauthorized))
	}
	return errors.Join(errs...)
}

// checkFailed says what a failed check call means: when X did not answer
// at all (no connection, a timeout), nothing is known about the credential
// and the error says so instead of naming it as the problem.
func checkFailed(what string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("x: %s not checked: the X API could not be reached: %w", what, err)
	}
	return fmt.Errorf("x: check %s: %w", what, checkErr(err))
}

// checkErr makes any 403 on a credential check a credential problem: the
// call reads only the account itself, so a refusal means the token lacks
// access.
func checkErr(err error) error {
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Status == 403 && !errors.Is(err, core.ErrUnauthorized) {
		return fmt.Errorf("%w: %w", core.ErrUnauthorized, err)
	}
	return err
}

// Endpoints read to settle an answer in doubt.
const (
	epTimeline = "users/{id}/tweets"
	epDMEvents = "dm events"
)

// timelineResponse is the answer of GET /2/users/{id}/tweets: the
// account's own posts, newest first.
type timelineResponse struct {
	Data []struct {
		ID               string      `json:"id"`
		Text             string      `json:"text"`
		ReferencedTweets []reference `json:"referenced_tweets"`
	} `json:"data"`
	Errors []problem `json:"errors"`
}

// dmEventsResponse is the answer of GET
// /2/dm_conversations/with/{participant_id}/dm_events, newest first.
type dmEventsResponse struct {
	Data []struct {
		ID        string `json:"id"`
		EventType string `json:"event_type"`
		Text      string `json:"text"`
		SenderID  string `json:"sender_id"`
	} `json:"data"`
	Errors []problem `json:"errors"`
}

// FindAnswer reads back whether the brand account already answered m with
// text (listen.Reconciler), after a post whose answer was lost or one a
// crash interrupted. A public answer is looked for among the brand's latest
// 100 posts (GET /2/users/{id}/tweets): a reply to m with that text. A DM
// among the latest 100 events of the conversation with m's author (GET
// /2/dm_conversations/with/{id}/dm_events, user context): one the brand
// sent with that text. Text is compared as X shows it, the @mentions it
// puts in front of a reply and its t.co links aside. x.user_id is needed
// for replies; without it the answer cannot be read back.
func (c *Client) FindAnswer(ctx context.Context, m core.Mention, text string, private bool) (string, bool, error) {
	const op = "x: read back"
	if c.cfg.UserID == "" {
		return "", false, fmt.Errorf("%s: x.user_id is not set: %w", op, core.ErrUnsupported)
	}
	if private {
		if c.write == nil {
			return "", false, fmt.Errorf("%s: %w: %w", op, core.ErrUnsupported, errNoUserContext)
		}
		if err := checkOutgoing(m, text, m.Author.ID, "author.id"); err != nil {
			return "", false, fmt.Errorf("%s: %w", op, err)
		}
		var resp dmEventsResponse
		err := c.do(ctx, call{
			endpoint: epDMEvents, method: "GET", write: true,
			path:  "/2/dm_conversations/with/" + url.PathEscape(m.Author.ID) + "/dm_events",
			query: url.Values{"max_results": {"100"}, "event_types": {"MessageCreate"}, "dm_event.fields": {"id,event_type,text"}, "expansions": {"sender_id"}},
			out:   &resp,
		})
		if err != nil {
			return "", false, fmt.Errorf("%s the DMs to user %s: %w", op, m.Author.ID, err)
		}
		for _, e := range resp.Data {
			if e.SenderID == c.cfg.UserID && sameText(e.Text, text) {
				return e.ID, true, nil
			}
		}
		return "", false, nil
	}
	if err := checkOutgoing(m, text, m.NativeID, "native_id"); err != nil {
		return "", false, fmt.Errorf("%s: %w", op, err)
	}
	var resp timelineResponse
	err := c.do(ctx, call{
		endpoint: epTimeline, method: "GET", path: "/2/users/" + url.PathEscape(c.cfg.UserID) + "/tweets",
		query: url.Values{"max_results": {"100"}, "tweet.fields": {"referenced_tweets"}},
		out:   &resp,
	})
	if err != nil {
		return "", false, fmt.Errorf("%s the replies to %s: %w", op, m.NativeID, err)
	}
	for _, p := range resp.Data {
		for _, r := range p.ReferencedTweets {
			if r.Type == "replied_to" && r.ID == m.NativeID && sameText(p.Text, text) {
				return p.ID, true, nil
			}
		}
	}
	return "", false, nil
}

// sameText compares a text as X shows it with the text that was sent:
// case, spacing, @mentions and links aside.
func sameText(shown, sent string) bool {
	norm := func(s string) string {
		var words []string
		for _, w := range strings.Fields(strings.ToLower(s)) {
			if strings.HasPrefix(w, "@") || strings.Contains(w, "://") || strings.HasPrefix(w, "www.") {
				continue
			}
			words = append(words, w)
		}
		return strings.Join(words, " ")
	}
	return norm(shown) == norm(sent)
}
