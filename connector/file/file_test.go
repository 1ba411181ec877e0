package file

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

var t0 = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

func newSource(t *testing.T, path string, batch int) (*Source, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	s, err := New(Config{Name: "replay", Path: path, BatchSize: batch}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	s.SetClock(func() time.Time { return t0 })
	return s, &logs
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func appendTo(t *testing.T, path, content string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(content); err != nil {
		t.Fatal(err)
	}
}

func ids(b core.Batch) string {
	var out []string
	for _, m := range b.Mentions {
		out = append(out, m.NativeID)
	}
	return strings.Join(out, ",")
}

func TestSource_Fetch(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "m.jsonl")
	write(t, path, `{"id":"1","platform":"x","text":"سلام شنوا","author":{"id":"42","handle":"sara","followers":12},"created_at":"2026-11-22T05:15:00Z","url":"https://x.com/sara/status/1"}
# a comment

{"id":"2","text":"no platform given"}
{"id":"3","text":"ok","platform":"myspace"}
{"text":"no id"}
not json at all
{"id":"4","text":"fourth","author":{"handle":"ali"}}
`)
	s, logs := newSource(t, path, 2)
	ctx := context.Background()

	b1, err := s.Fetch(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if ids(b1) != "1,2" || !b1.More {
		t.Fatalf("first batch=%q more=%v, want 1,2 and more", ids(b1), b1.More)
	}
	m := b1.Mentions[0]
	want := core.Mention{Platform: core.PlatformX, NativeID: "1", Source: "replay", URL: "https://x.com/sara/status/1",
		Author: core.Author{ID: "42", Handle: "sara", Followers: 12}, Text: "سلام شنوا",
		CreatedAt: time.Date(2026, 11, 22, 5, 15, 0, 0, time.UTC), FetchedAt: t0}
	if m.Key() != want.Key() || m.Author != want.Author || m.Text != want.Text || !m.CreatedAt.Equal(want.CreatedAt) ||
		m.Source != want.Source || m.URL != want.URL || !m.FetchedAt.Equal(t0) {
		t.Fatalf("mention=%+v\nwant     %+v", m, want)
	}
	if p := b1.Mentions[1]; p.Platform != core.PlatformFile || !p.CreatedAt.Equal(t0) {
		t.Fatalf("defaults: platform=%s created=%v, want file and the read time", p.Platform, p.CreatedAt)
	}

	b2, err := s.Fetch(ctx, b1.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	if ids(b2) != "4" || b2.More {
		t.Fatalf("second batch=%q more=%v, want 4 (bad lines skipped) and no more", ids(b2), b2.More)
	}
	if a := b2.Mentions[0].Author; a.ID != "ali" {
		t.Fatalf("author id defaults to the handle: got %q", a.ID)
	}
	for _, want := range []string{"line=5", `platform\" \"myspace\"`, "line=6", "line=7"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs do not name %s:\n%s", want, logs)
		}
	}

	t.Run("Tail", func(t *testing.T) {
		// Nothing new: same cursor, no mentions.
		b3, err := s.Fetch(ctx, b2.Cursor)
		if err != nil || len(b3.Mentions) != 0 || b3.Cursor != b2.Cursor {
			t.Fatalf("idle fetch=%+v,%v", b3, err)
		}
		// A writer caught mid-line: the half line waits.
		appendTo(t, path, `{"id":"5","text":"fi`)
		b4, _ := s.Fetch(ctx, b3.Cursor)
		if len(b4.Mentions) != 0 || b4.Cursor != b3.Cursor {
			t.Fatalf("half a line was read: %+v", b4)
		}
		appendTo(t, path, "ve\"}\n{\"id\":\"6\",\"text\":\"six, no newline\"}")
		b5, _ := s.Fetch(ctx, b4.Cursor)
		if ids(b5) != "5,6" {
			t.Fatalf("after the writer finished got %q, want 5,6", ids(b5))
		}
	})

	t.Run("Truncated", func(t *testing.T) {
		write(t, path, `{"id":"9","text":"rotated"}`+"\n")
		b, err := s.Fetch(ctx, b2.Cursor)
		if err != nil || ids(b) != "9" {
			t.Fatalf("after truncation=%q,%v, want 9 read from the start", ids(b), err)
		}
	})

	t.Run("BadCursor", func(t *testing.T) {
		if _, err := s.Fetch(ctx, "{nope"); !errors.Is(err, core.ErrInvalid) {
			t.Fatalf("err=%v, want ErrInvalid", err)
		}
	})

	t.Run("MissingFile", func(t *testing.T) {
		s, _ := newSource(t, filepath.Join(t.TempDir(), "absent.jsonl"), 2)
		if _, err := s.Fetch(ctx, ""); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "replay") {
			t.Fatalf("err=%v, want a not-exist error naming the source", err)
		}
	})
}

func TestSource_HugeLine(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "m.jsonl")
	huge, _ := json.Marshal(map[string]string{"id": "big", "text": strings.Repeat("x", MaxLineBytes+10)})
	write(t, path, string(huge)+"\n"+`{"id":"after","text":"still read"}`+"\n")
	s, logs := newSource(t, path, 10)
	b, err := s.Fetch(context.Background(), "")
	if err != nil || ids(b) != "after" {
		t.Fatalf("Fetch=%q,%v, want the huge line skipped and the next read", ids(b), err)
	}
	if !strings.Contains(logs.String(), "longer than the limit") {
		t.Fatalf("huge line not logged: %s", logs)
	}
}

func TestConfig_Validate(t *testing.T) {
	t.Parallel()
	err := Config{BatchSize: -1}.Validate()
	for _, key := range []string{"name:", "path:", "batch_size:"} {
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("Validate()=%v, want it to name %s", err, key)
		}
	}
}

func FuzzParseLine(f *testing.F) {
	f.Add([]byte(`{"id":"1","platform":"x","text":"hi","author":{"id":"1"},"created_at":"2026-11-22T05:15:00Z"}`))
	f.Add([]byte(`{"id":"","text":""}`))
	f.Add([]byte("# comment"))
	f.Add([]byte(`{"id":"1","text":"a\u200cb","created_at":"not a time"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, ok, err := parseLine(raw, "fuzz", t0)
		if err != nil || !ok {
			return
		}
		if m.NativeID == "" || m.Text == "" || !m.Platform.Valid() || m.CreatedAt.IsZero() {
			t.Fatalf("accepted an incomplete mention: %+v", m)
		}
	})
}
