package rss

import (
	"reflect"
	"testing"
)

// TestCursor_StoredBeforeKeepDecoding: cursors already in users' databases,
// as earlier releases wrote them, still decode, and encode back to the
// same bytes.
func TestCursor_StoredBeforeKeepDecoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		stored string
		want   cursor
	}{
		{"Fresh", `{"v":1}`, cursor{}},
		{"SeenOnly", `{"v":1,"seen":["guid:x"]}`, cursor{Seen: []string{"guid:x"}}},
		{"Validators",
			`{"v":1,"etag":"W/\"5f-abc\"","last_modified":"Sun, 22 Nov 2026 09:00:00 GMT","seen":["guid:https://feeds.example.com/p/2","link:https://feeds.example.com/p/1?a=1\u0026b=\u003c2\u003e"]}`,
			cursor{ETag: `W/"5f-abc"`, LastModified: "Sun, 22 Nov 2026 09:00:00 GMT", Seen: []string{"guid:https://feeds.example.com/p/2", "link:https://feeds.example.com/p/1?a=1&b=<2>"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeCursor(tt.stored)
			if err != nil {
				t.Fatalf("decodeCursor(%s): %v", tt.stored, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("decodeCursor(%s)=%+v, want %+v", tt.stored, got, tt.want)
			}
			if enc := got.encode(); enc != tt.stored {
				t.Fatalf("encode()=%s, want the stored %s", enc, tt.stored)
			}
		})
	}
}
