package core

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Platform names a place mentions come from and replies go to.
type Platform string

// The platforms Shenava knows.
const (
	PlatformX        Platform = "x"
	PlatformMastodon Platform = "mastodon"
	PlatformRSS      Platform = "rss"
	PlatformTelegram Platform = "telegram"
	PlatformFile     Platform = "file"
	// PlatformInstagram: comments on the brand's Instagram media and
	// @mentions of its account.
	PlatformInstagram Platform = "instagram"
)

// Platforms lists every known platform, in a stable order.
var Platforms = []Platform{PlatformX, PlatformMastodon, PlatformRSS, PlatformTelegram, PlatformFile, PlatformInstagram}

// Valid reports whether p is one of the known platforms.
func (p Platform) Valid() bool {
	for _, k := range Platforms {
		if p == k {
			return true
		}
	}
	return false
}

// MaxTextBytes bounds the text Shenava keeps for one mention. Longer posts
// (long blog entries from feeds, pasted logs) are cut at a rune boundary by
// Mention.Normalize; the link to the original stays.
const MaxTextBytes = 16 << 10

// Author is the account that wrote a mention, as its platform describes it.
type Author struct {
	// ID is the platform's stable identifier for the account.
	ID string `json:"id"`
	// Handle is the user name without a leading @.
	Handle string `json:"handle,omitempty"`
	// Name is the display name.
	Name string `json:"name,omitempty"`
	// Followers is the follower count when the platform reports it.
	Followers int `json:"followers,omitempty"`
	// Bot is true when the platform marks the account as automated.
	Bot bool `json:"bot,omitempty"`
}

// Key identifies the author across platforms: "platform:id".
func (a Author) Key(p Platform) string { return string(p) + ":" + a.ID }

// Mention is one post that talks about the brand.
type Mention struct {
	Platform Platform `json:"platform"`
	// NativeID is the post's identifier on its platform.
	NativeID string `json:"native_id"`
	// Source is the name of the configured source that produced it.
	Source string `json:"source"`
	URL    string `json:"url,omitempty"`
	Author Author `json:"author"`
	Text   string `json:"text"`
	// CreatedAt is when the author posted it; FetchedAt when Shenava saw it.
	CreatedAt time.Time `json:"created_at"`
	FetchedAt time.Time `json:"fetched_at"`
	// ReplyToID is the native ID of the post this one answers, if any.
	ReplyToID string `json:"reply_to_id,omitempty"`
	// ConversationID groups a thread where the platform has the notion.
	ConversationID string `json:"conversation_id,omitempty"`
	// LangHint is the language the platform declared, if any. The language
	// Shenava decided is in Analysis.Lang.
	LangHint string `json:"lang_hint,omitempty"`
	// Analysis is nil until the sentiment model has read the mention.
	Analysis *Analysis `json:"analysis,omitempty"`
}

// Key is the mention's identity everywhere in Shenava: "platform:native_id".
// Ingest deduplicates on it.
func (m Mention) Key() string { return MentionKey(m.Platform, m.NativeID) }

// AuthorKey is the author's identity: "platform:author_id".
func (m Mention) AuthorKey() string { return m.Author.Key(m.Platform) }

// MentionKey builds the key of a mention from its parts.
func MentionKey(p Platform, nativeID string) string { return string(p) + ":" + nativeID }

// SplitMentionKey is the inverse of MentionKey.
func SplitMentionKey(key string) (Platform, string, error) {
	p, id, ok := strings.Cut(key, ":")
	if !ok || id == "" || !Platform(p).Valid() {
		return "", "", fmt.Errorf("mention key %q: %w", key, ErrInvalid)
	}
	return Platform(p), id, nil
}

// Validate reports every problem with a mention that a connector produced.
func (m Mention) Validate() error {
	var errs []error
	if !m.Platform.Valid() {
		errs = append(errs, fmt.Errorf("platform %q is not one of %v", m.Platform, Platforms))
	}
	if strings.TrimSpace(m.NativeID) == "" {
		errs = append(errs, errors.New("native_id is empty"))
	}
	if strings.TrimSpace(m.Text) == "" {
		errs = append(errs, errors.New("text is empty"))
	}
	if !utf8.ValidString(m.Text) {
		errs = append(errs, errors.New("text is not valid UTF-8"))
	}
	if m.CreatedAt.IsZero() {
		errs = append(errs, errors.New("created_at is missing"))
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("mention %q: %w: %w", m.Key(), ErrInvalid, errors.Join(errs...))
}

// Normalize repairs what can be repaired without losing meaning: invalid
// UTF-8 becomes U+FFFD, text longer than MaxTextBytes is cut at a rune
// boundary, and times are in UTC.
func (m *Mention) Normalize() {
	if !utf8.ValidString(m.Text) {
		m.Text = strings.ToValidUTF8(m.Text, "\uFFFD")
	}
	if len(m.Text) > MaxTextBytes {
		cut := MaxTextBytes
		for cut > 0 && !utf8.RuneStart(m.Text[cut]) {
			cut--
		}
		m.Text = m.Text[:cut] + "…"
	}
	m.Author.Handle = strings.TrimPrefix(m.Author.Handle, "@")
	m.CreatedAt = m.CreatedAt.UTC()
	m.FetchedAt = m.FetchedAt.UTC()
}

// Batch is what one poll of a source returns: the mentions it found and the
// cursor to store in the same transaction as them, so a crash re-polls from
// the old cursor and deduplication makes the second pass a no-op.
type Batch struct {
	Mentions []Mention
	// Cursor is opaque to everyone but the source; "" means "from the start".
	Cursor string
	// More is true when the source has more ready now (a capped page walk, a
	// long file). The engine calls again at once only sources whose backlog
	// is free to read (listen.CheapBacklog); the others resume from Cursor
	// at their next interval.
	More bool
}

// Display is how the digest names an author: @handle, else the name; ""
// when neither is known.
func (a Author) Display() string {
	switch {
	case a.Handle != "":
		return "@" + a.Handle
	case a.Name != "":
		return a.Name
	}
	return ""
}
