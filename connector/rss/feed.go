package rss

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/httpx"
	"github.com/shenava/shenava/internal/retryafter"
)

// acceptHeader prefers feed types but takes whatever the server has; some
// servers answer 406 to a narrow Accept.
const acceptHeader = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"

// Feed is one configured feed: a source for the engine.
type Feed struct {
	c   *Client
	cfg FeedConfig
	url *url.URL
}

func newFeed(c *Client, fc FeedConfig) (*Feed, error) {
	u, err := url.Parse(fc.URL)
	if err != nil {
		return nil, fmt.Errorf("rss: feed %q: %w", fc.Name, err)
	}
	return &Feed{c: c, cfg: fc, url: u}, nil
}

// Name is the source name the feed's mentions carry.
func (f *Feed) Name() string { return f.cfg.Name }

// Interval is how often the feed wants to be polled.
func (f *Feed) Interval() time.Duration { return f.cfg.Interval }

// Fetch polls the feed once. It sends the validators in cursor, so an
// unchanged feed answers 304 and yields an empty batch with the same
// cursor. Entries whose keys the cursor remembers, and entries published
// longer ago than max_age, are left out; the rest come oldest first.
//
// Errors: 429, and 503 with Retry-After, are *core.RateLimitError; 401 and
// 403 wrap core.ErrUnauthorized and core.ErrPermanent; other 4xx wrap
// core.ErrPermanent, as does a document over max_body_bytes; 5xx, network
// errors and documents that do not parse are plain (worth retrying later).
func (f *Feed) Fetch(ctx context.Context, cur string) (core.Batch, error) {
	prev, err := decodeCursor(cur)
	if err != nil {
		// A cursor we cannot read is one we would never be able to read:
		// start over. The engine deduplicates what comes again.
		f.c.log.Warn("feed cursor unreadable, starting over", "source", f.cfg.Name, "error", err)
	}
	resp, err := f.get(ctx, prev)
	if err != nil {
		return core.Batch{}, err
	}
	if resp.notModified {
		return core.Batch{Cursor: prev.encode()}, nil
	}
	parsed, err := parseDocument(resp.body, resp.contentType)
	if err != nil {
		return core.Batch{}, f.errorf("parse", err)
	}

	now := f.c.Now()
	horizon := now.Add(-f.c.cfg.MaxAge)
	seen := make(map[string]bool, len(prev.Seen))
	for _, k := range prev.Seen {
		seen[k] = true
	}
	var (
		mentions []core.Mention
		keep     []string // keys of this document that could still be emitted
		inDoc    = make(map[string]bool, len(parsed.Items))
	)
	for _, it := range parsed.Items {
		if it == nil {
			continue
		}
		key := entryKey(it)
		if inDoc[key] {
			continue
		}
		inDoc[key] = true
		if t, dated := entryTime(it); dated && t.Before(horizon) {
			// Too old to be news, now and forever: not worth remembering.
			continue
		}
		keep = append(keep, key)
		if seen[key] {
			continue
		}
		m, ok := toMention(f.cfg.Name, f.url, parsed, it, now)
		if !ok {
			continue
		}
		mentions = append(mentions, m)
	}
	// Feeds list newest first; the engine wants them as they happened.
	slices.Reverse(mentions)
	slices.SortStableFunc(mentions, func(a, b core.Mention) int { return a.CreatedAt.Compare(b.CreatedAt) })

	next := cursor{ETag: resp.etag, LastModified: resp.lastModified, Seen: keep}
	for _, k := range prev.Seen {
		if len(next.Seen) >= f.c.cfg.MaxSeen {
			break
		}
		if !inDoc[k] {
			next.Seen = append(next.Seen, k)
		}
	}
	return core.Batch{Mentions: mentions, Cursor: next.encode()}, nil
}

// parseDocument decodes a feed document of any supported format and
// encoding. The parser is made per call: gofeed parsers keep state.
func parseDocument(body []byte, contentType string) (*gofeed.Feed, error) {
	doc := toUTF8(body, contentType)
	parsed, err := gofeed.NewParser().Parse(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", describe(contentType, doc), err)
	}
	return parsed, nil
}

// response is the part of an HTTP answer Fetch needs.
type response struct {
	notModified  bool
	body         []byte
	contentType  string
	etag         string
	lastModified string
}

func (f *Feed) get(ctx context.Context, prev cursor) (response, error) {
	ctx, cancel := context.WithTimeout(ctx, f.c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.url.String(), nil)
	if err != nil {
		return response{}, f.errorf("build request", core.Permanent(err))
	}
	req.Header.Set("User-Agent", f.c.cfg.UserAgent)
	req.Header.Set("Accept", acceptHeader)
	if prev.ETag != "" {
		req.Header.Set("If-None-Match", prev.ETag)
	}
	if prev.LastModified != "" {
		req.Header.Set("If-Modified-Since", prev.LastModified)
	}
	resp, err := f.c.hc.Do(req)
	if err != nil {
		return response{}, f.errorf("fetch", err)
	}
	defer resp.Body.Close()

	switch code := resp.StatusCode; {
	case code == http.StatusNotModified:
		return response{notModified: true}, nil
	case code == http.StatusTooManyRequests,
		code == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "":
		// Anything unreadable, or in the past, is zero: the engine's own
		// backoff applies.
		wait, _ := retryafter.Parse(resp.Header.Get("Retry-After"), f.c.Now(), maxRetryAfter)
		return response{}, &core.RateLimitError{
			Platform:   core.PlatformRSS,
			RetryAfter: wait,
			Err:        fmt.Errorf("feed %q: %w", f.cfg.Name, statusError(resp)),
		}
	case code == http.StatusUnauthorized, code == http.StatusForbidden:
		return response{}, f.errorf("fetch", core.Permanent(fmt.Errorf("%w: %w", core.ErrUnauthorized, statusError(resp))))
	case code == http.StatusRequestTimeout:
		return response{}, f.errorf("fetch", statusError(resp))
	case code >= 400 && code < 500:
		return response{}, f.errorf("fetch", core.Permanent(statusError(resp)))
	case code < 200 || code >= 300:
		return response{}, f.errorf("fetch", statusError(resp))
	}

	limit := f.c.cfg.MaxBodyBytes
	body, err := httpx.ReadAll(resp.Body, limit)
	if errors.Is(err, httpx.ErrTooLarge) {
		return response{}, f.errorf("read body", core.Permanent(fmt.Errorf("document is larger than max_body_bytes (%d)", limit)))
	}
	if err != nil {
		return response{}, f.errorf("read body", err)
	}
	return response{
		body:         body,
		contentType:  resp.Header.Get("Content-Type"),
		etag:         resp.Header.Get("ETag"),
		lastModified: resp.Header.Get("Last-Modified"),
	}, nil
}

func (f *Feed) errorf(what string, err error) error {
	return fmt.Errorf("rss: feed %q: %s: %w", f.cfg.Name, what, err)
}

// statusError describes an unexpected HTTP status. The body is not quoted:
// error pages are HTML and say nothing useful in a log line.
func statusError(resp *http.Response) error {
	return fmt.Errorf("HTTP %s", resp.Status)
}

// maxRetryAfter is the longest Retry-After believed: a feed server asking
// for more than a week is wrong, and the feed should be polled again.
const maxRetryAfter = 7 * 24 * time.Hour

// describe says what a document that failed to parse looked like, for the
// error message: an HTML page (a login wall, a moved site) is the usual
// culprit.
func describe(contentType string, doc []byte) string {
	head := strings.ToLower(string(bytes.TrimSpace(doc[:min(len(doc), 512)])))
	switch {
	case len(doc) == 0:
		return "empty document"
	case strings.HasPrefix(head, "<!doctype html"), strings.HasPrefix(head, "<html"):
		return "an HTML page, not a feed"
	case contentType != "":
		return "content type " + contentType
	}
	return "unknown content"
}
