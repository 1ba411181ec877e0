// Package file is a JSONL source: one mention per line, read from a file
// that may keep growing. It remembers its byte offset as its cursor, so it
// serves replays of exported data, demos and tests, and can tail a file
// another program appends to.
//
// Each line is a JSON object:
//
//	{"id": "1001", "platform": "x", "url": "https://x.com/sara/status/1001",
//	 "author": {"id": "42", "handle": "sara", "name": "Sara", "followers": 1200, "bot": false},
//	 "text": "…", "created_at": "2026-11-22T05:15:00Z",
//	 "reply_to_id": "", "conversation_id": "", "lang_hint": "fa"}
//
// id and text are required; platform defaults to "file"; created_at
// defaults to the time the line was read. Unknown fields are ignored.
// Blank lines and lines starting with # are skipped. A malformed line is
// logged with its line number and skipped; it never stops the stream.
package file

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
)

// Defaults and limits.
const (
	// DefaultBatchSize is the most mentions one Fetch returns: the
	// engine's listen.batch_size default, which the daemon passes on.
	DefaultBatchSize = 100
	// MinInterval is the shortest poll interval a file source may have.
	MinInterval = time.Second
	// MaxLineBytes bounds one line; longer lines are skipped whole.
	MaxLineBytes = 1 << 20
)

// Config is one entry of sources.file in config.yaml: a JSONL file of
// mentions, replayed from where the last run stopped.
type Config struct {
	// Name is the source name mentions carry and the cursor is stored
	// under.
	Name string `yaml:"name"`
	// Path is the JSONL file; the config package resolves it against the
	// config file's directory.
	Path string `yaml:"path"`
	// Interval is how often to look for new lines; the config package
	// fills listen.poll_interval when the file leaves it out.
	Interval time.Duration `yaml:"interval"`
	// BatchSize is the most mentions one Fetch returns; the config
	// package sets listen.batch_size.
	BatchSize int `yaml:"-"`
}

// Validate reports every problem at once (a *conf.Error), naming each by
// its key under sources.file[i]. Zero Interval and BatchSize are allowed
// (the engine's interval and DefaultBatchSize). The name's form and its
// uniqueness across sources are checked by the config package.
func (c Config) Validate() error { return c.Problems().Err() }

// Problems lists the entry's problems, as Validate reports them.
func (c Config) Problems() conf.Problems {
	var ps conf.Problems
	if strings.TrimSpace(c.Name) == "" {
		ps.Add("name", "required: a short name for the source (letters, digits, . _ -)")
	}
	if strings.TrimSpace(c.Path) == "" {
		ps.Add("path", "required: the JSONL file to read")
	}
	if c.Interval != 0 {
		ps.MinDuration("interval", c.Interval, MinInterval)
	}
	if c.BatchSize < 0 {
		ps.Add("batch_size", "%d must not be negative", c.BatchSize)
	}
	return ps
}

// Source reads mentions from a JSONL file.
type Source struct {
	cfg    Config
	logger *slog.Logger
	now    func() time.Time
}

// New builds a source. It does not open the file: a file that appears later
// is picked up by the next Fetch.
func New(cfg Config, logger *slog.Logger) (*Source, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("file: %w", err)
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	return &Source{cfg: cfg, logger: logger.With("component", "connector.file", "source", cfg.Name), now: time.Now}, nil
}

// SetClock replaces the clock that stamps FetchedAt.
func (s *Source) SetClock(now func() time.Time) { s.now = now }

// CheapBacklog reports that reading on costs nothing: a long file is read
// batch after batch without waiting the interval (listen.CheapBacklog).
func (s *Source) CheapBacklog() bool { return true }

// cursor is where the next read starts. Line counts the lines before
// Offset, for error messages.
type cursor struct {
	Offset int64 `json:"offset"`
	Line   int   `json:"line"`
}

func parseCursor(s string) (cursor, error) {
	var c cursor
	if s == "" {
		return c, nil
	}
	if err := json.Unmarshal([]byte(s), &c); err != nil || c.Offset < 0 {
		return cursor{}, fmt.Errorf("bad cursor %q: %w", s, core.ErrInvalid)
	}
	return c, nil
}

func (c cursor) String() string {
	return `{"offset":` + strconv.FormatInt(c.Offset, 10) + `,"line":` + strconv.Itoa(c.Line) + `}`
}

// Fetch reads up to BatchSize mentions after the cursor. A last line with
// no newline yet is left for the next Fetch unless it is complete JSON, so
// a writer caught mid-line is never half-read. A file shorter than the
// cursor (truncated, replaced) is read again from the start; the engine's
// deduplication makes that safe.
func (s *Source) Fetch(ctx context.Context, cur string) (core.Batch, error) {
	c, err := parseCursor(cur)
	if err != nil {
		return core.Batch{}, fmt.Errorf("file: %s: %w", s.cfg.Name, err)
	}
	f, err := os.Open(s.cfg.Path)
	if err != nil {
		return core.Batch{}, fmt.Errorf("file: %s: %w", s.cfg.Name, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return core.Batch{}, fmt.Errorf("file: %s: %w", s.cfg.Name, err)
	}
	if st.Size() < c.Offset {
		s.logger.Warn("file is shorter than the saved offset; reading it again from the start",
			"path", s.cfg.Path, "offset", c.Offset, "size", st.Size())
		c = cursor{}
	}
	if _, err := f.Seek(c.Offset, io.SeekStart); err != nil {
		return core.Batch{}, fmt.Errorf("file: %s: %w", s.cfg.Name, err)
	}
	r := bufio.NewReaderSize(f, 64<<10)
	var b core.Batch
	now := s.now()
	for len(b.Mentions) < s.cfg.BatchSize {
		if err := ctx.Err(); err != nil {
			return core.Batch{}, err
		}
		line, n, complete, readErr := readLine(r)
		if readErr != nil && !errors.Is(readErr, io.EOF) {
			return core.Batch{}, fmt.Errorf("file: %s: read %s: %w", s.cfg.Name, s.cfg.Path, readErr)
		}
		if n == 0 {
			break
		}
		if !complete && !json.Valid(bytes.TrimSpace(line)) {
			break // a writer is mid-line: wait for the rest
		}
		c.Offset += int64(n)
		c.Line++
		if n > MaxLineBytes {
			s.logger.Error("skipping a line longer than the limit", "path", s.cfg.Path, "line", c.Line, "bytes", n, "limit", MaxLineBytes)
			continue
		}
		m, ok, err := parseLine(line, s.cfg.Name, now)
		switch {
		case err != nil:
			s.logger.Error("skipping a malformed line", "path", s.cfg.Path, "line", c.Line, "error", err)
		case ok:
			b.Mentions = append(b.Mentions, m)
		}
		if readErr != nil {
			break // end of file
		}
	}
	b.Cursor = c.String()
	b.More = len(b.Mentions) == s.cfg.BatchSize
	return b, nil
}

// readLine returns the next line without its newline, the bytes it took in
// the file, and whether it ended with a newline. Lines longer than
// MaxLineBytes are consumed but returned truncated.
func readLine(r *bufio.Reader) (line []byte, n int, complete bool, err error) {
	for {
		chunk, err := r.ReadSlice('\n')
		n += len(chunk)
		if len(line) <= MaxLineBytes {
			line = append(line, chunk...)
		}
		switch {
		case err == nil:
			return bytes.TrimRight(line, "\r\n"), n, true, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return line, n, false, err
		}
	}
}

// line is the JSONL schema (see the package doc).
type line struct {
	ID             string    `json:"id"`
	Platform       string    `json:"platform"`
	URL            string    `json:"url"`
	Author         author    `json:"author"`
	Text           string    `json:"text"`
	CreatedAt      time.Time `json:"created_at"`
	ReplyToID      string    `json:"reply_to_id"`
	ConversationID string    `json:"conversation_id"`
	LangHint       string    `json:"lang_hint"`
}

type author struct {
	ID        string `json:"id"`
	Handle    string `json:"handle"`
	Name      string `json:"name"`
	Followers int    `json:"followers"`
	Bot       bool   `json:"bot"`
}

// parseLine turns one line into a mention; ok is false for blank lines and
// comments.
func parseLine(raw []byte, source string, now time.Time) (core.Mention, bool, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] == '#' {
		return core.Mention{}, false, nil
	}
	var l line
	if err := json.Unmarshal(raw, &l); err != nil {
		return core.Mention{}, false, fmt.Errorf("not a JSON object: %w", err)
	}
	if strings.TrimSpace(l.ID) == "" {
		return core.Mention{}, false, errors.New(`"id" is missing`)
	}
	if strings.TrimSpace(l.Text) == "" {
		return core.Mention{}, false, errors.New(`"text" is missing`)
	}
	p := core.Platform(l.Platform)
	if l.Platform == "" {
		p = core.PlatformFile
	}
	if !p.Valid() {
		return core.Mention{}, false, fmt.Errorf(`"platform" %q is not one of %v`, l.Platform, core.Platforms)
	}
	created := l.CreatedAt
	if created.IsZero() {
		created = now
	}
	authorID := l.Author.ID
	if authorID == "" {
		authorID = l.Author.Handle
	}
	return core.Mention{
		Platform: p, NativeID: l.ID, Source: source, URL: l.URL,
		Author: core.Author{ID: authorID, Handle: l.Author.Handle, Name: l.Author.Name,
			Followers: l.Author.Followers, Bot: l.Author.Bot},
		Text: l.Text, CreatedAt: created, FetchedAt: now,
		ReplyToID: l.ReplyToID, ConversationID: l.ConversationID, LangHint: l.LangHint,
	}, true, nil
}
