// Package httpx holds what every HTTP client in Shenava does the same way:
// the User-Agent it sends and bodies read no further than a limit, so a
// huge or endless answer fails with an error instead of exhausting memory
// or being cut silently.
package httpx

import (
	"errors"
	"io"
	"net/http"
	"time"
)

// Homepage is where the User-Agent sends people who want to know who is
// calling.
const Homepage = "https://github.com/shenava/shenava"

// DefaultUserAgent is sent by a client that was not told the version.
const DefaultUserAgent = "Shenava/dev (+" + Homepage + ")"

// UserAgent is the User-Agent of this version of Shenava:
// "Shenava/1.2.0 (+https://github.com/shenava/shenava)"; with no version,
// "Shenava (+https://github.com/shenava/shenava)".
func UserAgent(version string) string {
	if version == "" {
		return "Shenava (+" + Homepage + ")"
	}
	return "Shenava/" + version + " (+" + Homepage + ")"
}

// ErrTooLarge is returned by reads past a body's limit.
var ErrTooLarge = errors.New("body is larger than its limit")

// ReadAll reads r to its end and returns what it read, unless more than
// limit bytes come: then it stops one byte past the limit and fails with
// ErrTooLarge.
func ReadAll(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(&limited{r: r, left: limit})
	if errors.Is(err, ErrTooLarge) {
		return nil, ErrTooLarge
	}
	return data, err
}

// LimitBody wraps a response body so that reading more than limit bytes
// from it fails with ErrTooLarge. Closing it closes rc.
func LimitBody(rc io.ReadCloser, limit int64) io.ReadCloser {
	return readCloser{&limited{r: rc, left: limit}, rc}
}

type readCloser struct {
	io.Reader
	io.Closer
}

// limited fails a read once more than left bytes came.
type limited struct {
	r    io.Reader
	left int64
}

func (l *limited) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, ErrTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, ErrTooLarge
	}
	return n, err
}

// NewClient is the client a connector makes for itself when it is given
// none: its own connection pool (a clone of the default transport's
// settings), so closing idle connections elsewhere — another client, a
// test server shutting down — never breaks its requests in flight.
func NewClient(timeout time.Duration) *http.Client {
	return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone(), Timeout: timeout}
}
