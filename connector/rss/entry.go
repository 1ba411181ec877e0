package rss

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/htmltext"
)

// entryKey identifies an entry within its feed: the guid (RSS guid, Atom
// id), else the link, else a hash of title and publication date for feeds
// that give neither.
func entryKey(it *gofeed.Item) string {
	if g := strings.TrimSpace(it.GUID); g != "" {
		return g
	}
	if l := strings.TrimSpace(it.Link); l != "" {
		return l
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(it.Title) + "\x00" + strings.TrimSpace(it.Published)))
	return "sha256:" + hex.EncodeToString(sum[:16])
}

// nativeID turns an entry key into the mention's platform-wide ID. Keys that
// are absolute URIs (links, tag: and urn: ids) are global, so one article
// carried by two feeds is one mention. Other keys ("123", hashes) only mean
// something inside their feed and get the source name in front.
func nativeID(source, key string) string {
	if u, err := url.Parse(key); err == nil && u.Scheme != "" && u.Scheme != "sha256" && (u.Host != "" || u.Opaque != "") {
		return key
	}
	return source + "#" + key
}

// entryTime is when the entry was published, else updated; ok is false
// for undated entries.
func entryTime(it *gofeed.Item) (time.Time, bool) {
	switch {
	case it.PublishedParsed != nil && !it.PublishedParsed.IsZero():
		return it.PublishedParsed.UTC(), true
	case it.UpdatedParsed != nil && !it.UpdatedParsed.IsZero():
		return it.UpdatedParsed.UTC(), true
	}
	return time.Time{}, false
}

// entryText is the title and the plain text of the content (or, without
// content, the description), so brand matching sees both. A body that
// already starts with the title does not repeat it.
func entryText(it *gofeed.Item) string {
	title := htmltext.Line(it.Title)
	body := htmltext.Line(it.Content)
	if body == "" {
		body = htmltext.Line(it.Description)
	}
	switch {
	case body == "":
		return title
	case title == "" || strings.HasPrefix(body, title):
		return body
	}
	return title + "\n" + body
}

// toMention converts one entry. base is the URL the feed was fetched from,
// used to resolve relative links. ok is false when the entry has no text at
// all.
func toMention(source string, base *url.URL, feed *gofeed.Feed, it *gofeed.Item, now time.Time) (core.Mention, bool) {
	text := entryText(it)
	if text == "" {
		return core.Mention{}, false
	}
	link := entryLink(base, feed, it)
	created, dated := entryTime(it)
	if !dated {
		created = now
	}
	m := core.Mention{
		Platform:  core.PlatformRSS,
		NativeID:  nativeID(source, entryKey(it)),
		Source:    source,
		URL:       link,
		Author:    entryAuthor(base, feed, it, link),
		Text:      text,
		CreatedAt: created,
		FetchedAt: now,
		LangHint:  langHint(feed),
	}
	m.Normalize()
	return m, true
}

// entryLink is the entry's absolute link. Search-alert feeds wrap every
// result in a redirect (https://www.google.com/url?...&url=REAL); the real
// address is what a manager wants to open.
func entryLink(base *url.URL, feed *gofeed.Feed, it *gofeed.Item) string {
	raw := strings.TrimSpace(it.Link)
	if raw == "" {
		for _, l := range it.Links {
			if l = strings.TrimSpace(l); l != "" {
				raw = l
				break
			}
		}
	}
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if !u.IsAbs() {
		ref := base
		if fl, err := url.Parse(feed.Link); err == nil && fl.IsAbs() {
			ref = fl
		}
		if ref == nil {
			return ""
		}
		u = ref.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return ""
	}
	if real := unwrapRedirect(u); real != nil {
		u = real
	}
	return u.String()
}

// unwrapRedirect returns the target of a Google redirect link, or nil.
func unwrapRedirect(u *url.URL) *url.URL {
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if !strings.HasPrefix(host, "google.") || u.Path != "/url" {
		return nil
	}
	q := u.Query()
	for _, k := range []string{"url", "q"} {
		if t, err := url.Parse(q.Get(k)); err == nil && (t.Scheme == "http" || t.Scheme == "https") && t.Host != "" {
			return t
		}
	}
	return nil
}

// entryAuthor describes who published the entry. Feeds rarely say more than
// a display name, so the account is the site: ID is the host of the entry's
// link (search-alert feeds mix many sites), else of the feed.
func entryAuthor(base *url.URL, feed *gofeed.Feed, it *gofeed.Item, link string) core.Author {
	var a core.Author
	for _, p := range append(append([]*gofeed.Person{}, it.Authors...), it.Author) {
		if p == nil {
			continue
		}
		if n := htmltext.Line(p.Name); n != "" {
			a.Name = n
			break
		}
		if p.Email != "" {
			a.Name = htmltext.Line(p.Email)
			break
		}
	}
	if a.Name == "" {
		a.Name = htmltext.Line(feed.Title)
	}
	if u, err := url.Parse(link); err == nil && u.Host != "" {
		a.ID = strings.ToLower(u.Hostname())
	} else if u, err := url.Parse(feed.Link); err == nil && u.Host != "" {
		a.ID = strings.ToLower(u.Hostname())
	} else if base != nil {
		a.ID = strings.ToLower(base.Hostname())
	}
	return a
}

// langHint is the primary subtag of the feed's declared language
// ("fa-IR" → "fa").
func langHint(feed *gofeed.Feed) string {
	l := strings.ToLower(strings.TrimSpace(feed.Language))
	if i := strings.IndexAny(l, "-_"); i >= 0 {
		l = l[:i]
	}
	if len(l) < 2 || len(l) > 3 {
		return ""
	}
	for _, r := range l {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	return l
}
