package rss

import "github.com/shenava/shenava/internal/jsoncursor"

// cursorVersion changes when the cursor's meaning does; an older cursor is
// then read as empty.
const cursorVersion = 1

// cursor is what a feed remembers between polls, stored as
// {"v":1,"etag":…,"last_modified":…,"seen":[…]}. The engine keeps it in
// the same transaction as the mentions of the poll that produced it.
type cursor struct {
	// ETag and LastModified are the validators of the last 200 answer, sent
	// back as If-None-Match and If-Modified-Since.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// Seen holds the keys of entries already turned into mentions (or
	// judged too old), the entries of the latest document first.
	Seen []string `json:"seen,omitempty"`
}

func decodeCursor(s string) (cursor, error) { return jsoncursor.Decode[cursor](s, cursorVersion) }

func (c cursor) encode() string { return jsoncursor.Encode(c, cursorVersion) }
