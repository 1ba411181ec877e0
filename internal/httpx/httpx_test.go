package httpx

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestUserAgent(t *testing.T) {
	t.Parallel()
	for version, want := range map[string]string{
		"1.2.0": "Shenava/1.2.0 (+https://github.com/shenava/shenava)",
		"dev":   DefaultUserAgent,
		"":      "Shenava (+https://github.com/shenava/shenava)",
	} {
		if got := UserAgent(version); got != want {
			t.Errorf("UserAgent(%q)=%q, want %q", version, got, want)
		}
	}
}

func TestReadAll(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		limit   int64
		want    string
		tooBig  bool
		wrapped io.Reader
	}{
		{name: "Empty", body: "", limit: 4, want: ""},
		{name: "Under", body: "abc", limit: 4, want: "abc"},
		{name: "Exactly", body: "abcd", limit: 4, want: "abcd"},
		{name: "OneOver", body: "abcde", limit: 4, tooBig: true},
		{name: "ZeroLimit", body: "a", limit: 0, tooBig: true},
		{name: "ZeroLimitEmpty", body: "", limit: 0, want: ""},
		{name: "OneByteReads", body: "abcdef", limit: 5, tooBig: true, wrapped: iotest.OneByteReader(strings.NewReader("abcdef"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := tt.wrapped
			if r == nil {
				r = strings.NewReader(tt.body)
			}
			got, err := ReadAll(r, tt.limit)
			switch {
			case tt.tooBig && !errors.Is(err, ErrTooLarge):
				t.Fatalf("ReadAll=%q, %v, want ErrTooLarge", got, err)
			case !tt.tooBig && (err != nil || string(got) != tt.want):
				t.Fatalf("ReadAll=%q, %v, want %q", got, err, tt.want)
			}
		})
	}
}

func TestReadAll_ReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection reset")
	if _, err := ReadAll(iotest.ErrReader(boom), 10); !errors.Is(err, boom) {
		t.Fatalf("ReadAll of a failing reader: %v, want %v", err, boom)
	}
}

type closeCounter struct {
	io.Reader
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return nil }

func TestLimitBody(t *testing.T) {
	t.Parallel()
	// An endless body stops just past the limit, with the error.
	endless := &closeCounter{Reader: iotest.OneByteReader(bytes.NewReader(bytes.Repeat([]byte("x"), 1<<20)))}
	b := LimitBody(endless, 100)
	n, err := io.Copy(io.Discard, b)
	if !errors.Is(err, ErrTooLarge) || n != 101 {
		t.Fatalf("copied %d bytes, %v; want 101 and ErrTooLarge", n, err)
	}
	if _, err := b.Read(make([]byte, 10)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("read after the limit: %v, want ErrTooLarge", err)
	}
	b.Close()
	if endless.closed != 1 {
		t.Fatalf("Close reached the body %d times, want 1", endless.closed)
	}
	// A body within the limit reads to EOF.
	ok := LimitBody(io.NopCloser(strings.NewReader("hello")), 5)
	if got, err := io.ReadAll(ok); err != nil || string(got) != "hello" {
		t.Fatalf("ReadAll(LimitBody)=%q, %v, want hello", got, err)
	}
}
