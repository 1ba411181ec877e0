package instagram

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/shenava/shenava/core"
)

type idAnswer struct {
	ID          string `json:"id"`
	MessageID   string `json:"message_id"`
	RecipientID string `json:"recipient_id"`
	Success     bool   `json:"success"`
}

// maxReplyRunes is the longest comment Instagram accepts.
const maxReplyRunes = 2200

func (c *Client) answerable(m core.Mention, text string) error {
	if m.Platform != core.PlatformInstagram {
		return core.Permanent(fmt.Errorf("instagram: mention %s is not from Instagram: %w", m.Key(), core.ErrInvalid))
	}
	if m.Author.ID == c.cfg.UserID || c.own(comment{Username: m.Author.Handle}) {
		return core.Permanent(fmt.Errorf("instagram: %s was written by the brand's own account: %w", m.Key(), core.ErrUnsupported))
	}
	if strings.TrimSpace(text) == "" {
		return core.Permanent(fmt.Errorf("instagram: empty reply: %w", core.ErrInvalid))
	}
	if n := len([]rune(text)); n > maxReplyRunes {
		return core.Permanent(fmt.Errorf("instagram: reply of %d characters, Instagram allows %d: %w", n, maxReplyRunes, core.ErrInvalid))
	}
	return nil
}

// Reply answers the mention in public: a reply under the comment
// (POST /{comment-id}/replies), a comment under a post, or, for a post or
// comment of someone else that @mentions the brand, a comment through the
// account's /mentions edge. The ref is the new comment's ID.
func (c *Client) Reply(ctx context.Context, m core.Mention, text string) (string, error) {
	if err := c.answerable(m, text); err != nil {
		return "", err
	}
	var ans idAnswer
	var err error
	form := url.Values{"message": {text}}
	switch media, mentioned := strings.CutPrefix(m.ConversationID, mentionedPrefix); {
	case mentioned:
		form.Set("media_id", media)
		if m.NativeID != media {
			form.Set("comment_id", m.NativeID)
		}
		err = c.call(ctx, "POST", c.cfg.UserID+"/mentions", nil, form, &ans)
	case m.NativeID == m.ConversationID:
		err = c.call(ctx, "POST", m.NativeID+"/comments", nil, form, &ans)
	default:
		err = c.call(ctx, "POST", m.NativeID+"/replies", nil, form, &ans)
	}
	if err != nil {
		return "", fmt.Errorf("instagram: reply to %s: %w", m.NativeID, err)
	}
	return ans.ID, nil
}

// DirectMessage sends the commenter a private reply (the Private Replies
// API: a message whose recipient is the comment). Instagram allows one,
// within PrivateReplyWindow of the comment; after that the error says so
// and is permanent.
func (c *Client) DirectMessage(ctx context.Context, m core.Mention, text string) (string, error) {
	if err := c.answerable(m, text); err != nil {
		return "", err
	}
	if !c.PrivateReplyOpen(m) {
		return "", core.Permanent(fmt.Errorf("instagram: private reply to %s: the %s window Instagram allows after a comment has passed: %w",
			m.NativeID, "7-day", core.ErrUnsupported))
	}
	if strings.HasPrefix(m.ConversationID, mentionedPrefix) && m.NativeID == strings.TrimPrefix(m.ConversationID, mentionedPrefix) {
		return "", core.Permanent(fmt.Errorf("instagram: private reply to %s: a post caption is not a comment: %w", m.NativeID, core.ErrUnsupported))
	}
	sender := c.cfg.UserID
	if c.cfg.Login == LoginFacebook && c.cfg.PageID != "" {
		sender = c.cfg.PageID
	}
	body := map[string]any{
		"recipient": map[string]string{"comment_id": m.NativeID},
		"message":   map[string]string{"text": text},
	}
	var ans idAnswer
	if err := c.call(ctx, "POST", sender+"/messages", nil, body, &ans); err != nil {
		return "", fmt.Errorf("instagram: private reply to %s: %w", m.NativeID, err)
	}
	return ans.MessageID, nil
}

// PrivateReplyOpen reports whether Instagram still accepts a private
// reply to the mention's author.
func (c *Client) PrivateReplyOpen(m core.Mention) bool {
	return c.now().Sub(m.CreatedAt) < PrivateReplyWindow
}

// Hide hides (or shows again) a comment on the brand's media, for spam
// and abuse: POST /{comment-id} with hide=true. Hiding a hidden comment
// changes nothing, so a hide whose answer was lost can be sent again.
func (c *Client) Hide(ctx context.Context, m core.Mention, hide bool) error {
	if m.Platform != core.PlatformInstagram || !hideable(m) {
		return core.Permanent(fmt.Errorf("instagram: only comments on the brand's own media can be hidden: %w", core.ErrUnsupported))
	}
	if m.Author.ID == c.cfg.UserID || c.own(comment{Username: m.Author.Handle}) {
		return core.Permanent(fmt.Errorf("instagram: %s was written by the brand's own account: %w", m.Key(), core.ErrUnsupported))
	}
	var ans idAnswer
	form := url.Values{"hide": {fmt.Sprint(hide)}}
	if err := c.call(ctx, "POST", m.NativeID, nil, form, &ans); err != nil {
		return fmt.Errorf("instagram: hide %s: %w", m.NativeID, err)
	}
	return nil
}

// hideable: a comment under one of the brand's own posts (not a post, nor
// a comment on someone else's post that @mentions the brand).
func hideable(m core.Mention) bool {
	return !strings.HasPrefix(m.ConversationID, mentionedPrefix) && m.NativeID != m.ConversationID
}

// CapabilitiesFor narrows Capabilities for one mention: no private reply
// once Instagram's window has passed or to a post caption, hiding only
// for comments under the brand's own posts, and nothing for the brand's
// own comments.
func (c *Client) CapabilitiesFor(m core.Mention) core.Capabilities {
	if m.Author.ID == c.cfg.UserID || c.own(comment{Username: m.Author.Handle}) {
		return core.Capabilities{}
	}
	caption := strings.HasPrefix(m.ConversationID, mentionedPrefix) && m.NativeID == strings.TrimPrefix(m.ConversationID, mentionedPrefix)
	caps := core.Capabilities{Reply: true, DirectMessage: !caption, Hide: hideable(m)}
	if caps.DirectMessage && !c.PrivateReplyOpen(m) {
		caps.DirectMessage, caps.Limit = false, core.LimitPrivateWindow
	}
	return caps
}
