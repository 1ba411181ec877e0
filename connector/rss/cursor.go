package rss

import (
	"encoding/json"
	"fmt"
)

// cursorVersion changes when the cursor's meaning does; an older cursor is
// then read as empty.
const cursorVersion = 1

// cursor is what a feed remembers between polls. It is stored by the engine
// in the same transaction as the mentions of the poll that produced it.
type cursor struct {
	V int `json:"v"`
	// ETag and LastModified are the validators of the last 200 answer, sent
	// back as If-None-Match and If-Modified-Since.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// Seen holds the keys of entries already turned into mentions (or
	// judged too old), the entries of the latest document first.
	Seen []string `json:"seen,omitempty"`
}

func decodeCursor(s string) (cursor, error) {
	if s == "" {
		return cursor{V: cursorVersion}, nil
	}
	var c cursor
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return cursor{V: cursorVersion}, fmt.Errorf("decode cursor: %w", err)
	}
	if c.V != cursorVersion {
		return cursor{V: cursorVersion}, fmt.Errorf("cursor version %d, want %d", c.V, cursorVersion)
	}
	return c, nil
}

func (c cursor) encode() string {
	c.V = cursorVersion
	b, err := json.Marshal(c)
	if err != nil {
		// A struct of strings always marshals.
		panic(fmt.Sprintf("rss: encode cursor: %v", err))
	}
	return string(b)
}
