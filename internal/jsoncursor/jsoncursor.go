// Package jsoncursor writes and reads the cursors sources hand the engine
// to store between polls: a JSON object with the cursor format's version
// under "v", then the source's own fields, such as
//
//	{"v":1,"since":"109","walk":"100"}
//
// The engine stores cursors in users' databases, so the format of a
// version never changes; a source that changes what its cursor means bumps
// the version, and older cursors then read as a fresh start.
package jsoncursor

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// header is the part of every cursor this package owns.
type header struct {
	V int `json:"v"`
}

// Decode reads a cursor Encode wrote with the same version into T, a
// source's private cursor struct. The empty string, a source never polled,
// is the zero T. A cursor that does not parse, or that an other version
// wrote, gives the zero T and an error: the source starts over.
func Decode[T any](s string, version int) (T, error) {
	var zero T
	if s == "" {
		return zero, nil
	}
	var h header
	if err := json.Unmarshal([]byte(s), &h); err != nil {
		return zero, fmt.Errorf("decode cursor: %w", err)
	}
	if h.V != version {
		return zero, fmt.Errorf("cursor version %d, want %d", h.V, version)
	}
	var c T
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return zero, fmt.Errorf("decode cursor: %w", err)
	}
	return c, nil
}

// Encode writes c with "v": version first, then c's own fields as
// encoding/json writes them. T must marshal to a JSON object and have no
// field named "v" of its own; Encode panics otherwise, a mistake in the
// source that its tests catch on the first poll.
func Encode[T any](c T, version int) string {
	b, err := json.Marshal(c)
	if err != nil || len(b) < 2 || b[0] != '{' {
		panic(fmt.Sprintf("jsoncursor: %T does not encode as a JSON object (%s, %v)", c, b, err))
	}
	out := make([]byte, 0, len(b)+16)
	out = append(out, `{"v":`...)
	out = strconv.AppendInt(out, int64(version), 10)
	if len(b) > 2 { // not "{}"
		out = append(out, ',')
	}
	return string(append(out, b[1:]...))
}
