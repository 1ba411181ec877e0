package admin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

// fakeStore keeps codes in memory and backs up a fixed body.
type fakeStore struct {
	backup    string
	backupErr error
	codes     []string
	addErr    error
}

func (f *fakeStore) Backup(_ context.Context, w io.Writer) (int64, error) {
	n, err := io.WriteString(w, f.backup)
	if err == nil {
		err = f.backupErr
	}
	return int64(n), err
}

func (f *fakeStore) AddCodes(_ context.Context, codes []string) (core.CodeLoad, error) {
	if f.addErr != nil {
		return core.CodeLoad{}, f.addErr
	}
	f.codes = append(f.codes, codes...)
	return core.CodeLoad{Added: len(codes)}, nil
}

// fakeDigests builds "digest of DAY" and records what it sent.
type fakeDigests struct {
	sent    []string
	sendErr error
}

var tehran = time.FixedZone("IRST", 3*3600+1800)

func (f *fakeDigests) Yesterday(now time.Time) time.Time {
	y, m, d := now.In(tehran).AddDate(0, 0, -1).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, tehran)
}

func (f *fakeDigests) ParseDay(s string) (time.Time, error) {
	t, err := time.ParseInLocation(core.DayFormat, s, tehran)
	if err != nil {
		return time.Time{}, errors.New("want YYYY-MM-DD")
	}
	return t, nil
}

func (f *fakeDigests) Digest(_ context.Context, day time.Time) (string, []byte, error) {
	return "digest of " + day.Format(core.DayFormat), []byte{0x89, 'P', 'N', 'G'}, nil
}

func (f *fakeDigests) Send(_ context.Context, day time.Time) error {
	if f.sendErr != nil {
		return f.sendErr
	}
	f.sent = append(f.sent, day.Format(core.DayFormat))
	return nil
}

var now = func() time.Time { return time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC) }

func serve(h http.Handler, method, target string, body io.Reader) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(method, target, body)
	req.RemoteAddr = "127.0.0.1:40000"
	h.ServeHTTP(rec, req)
	return rec
}

func TestHandler(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		st           *fakeStore
		digests      *fakeDigests
		method, path string
		body         string
		wantCode     int
		wantBody     string // contained in the answer
		wantCodes    []string
		wantSent     []string
	}{
		{name: "Backup", st: &fakeStore{backup: "bolt file"}, method: "GET", path: BackupPath, wantCode: 200, wantBody: "bolt file"},
		{name: "CodesSkipCommentsAndBlanks", st: &fakeStore{}, method: "POST", path: CodesPath,
			body: "# batch 1\nA1\n\n  B2  \n", wantCode: 200, wantBody: `"Added":2`, wantCodes: []string{"A1", "B2"}},
		{name: "CodesTooLarge", st: &fakeStore{}, method: "POST", path: CodesPath,
			body: strings.Repeat("C\n", MaxCodesBody/2+1), wantCode: 400},
		{name: "CodesStoreFails", st: &fakeStore{addErr: errors.New("disk full")}, method: "POST", path: CodesPath,
			body: "A\n", wantCode: 500, wantBody: "disk full"},
		{name: "CodesWrongMethod", st: &fakeStore{}, method: "GET", path: CodesPath, wantCode: 405},
		{name: "DigestOff", st: &fakeStore{}, method: "GET", path: DigestPath, wantCode: 404, wantBody: "digest.enabled: false"},
		{name: "DigestYesterday", st: &fakeStore{}, digests: &fakeDigests{}, method: "GET", path: DigestPath,
			wantCode: 200, wantBody: `"text":"digest of 2026-11-22"`},
		{name: "DigestOfDate", st: &fakeStore{}, digests: &fakeDigests{}, method: "GET", path: DigestPath + "?date=2026-11-01",
			wantCode: 200, wantBody: `"text":"digest of 2026-11-01"`},
		{name: "DigestBadDate", st: &fakeStore{}, digests: &fakeDigests{}, method: "GET", path: DigestPath + "?date=yesterday",
			wantCode: 400, wantBody: "YYYY-MM-DD"},
		{name: "DigestSend", st: &fakeStore{}, digests: &fakeDigests{}, method: "GET", path: DigestPath + "?send=1",
			wantCode: 200, wantBody: `"sent":true`, wantSent: []string{"2026-11-22"}},
		{name: "DigestSendFails", st: &fakeStore{}, digests: &fakeDigests{sendErr: errors.New("telegram down")}, method: "GET",
			path: DigestPath + "?send=1", wantCode: 502, wantBody: "telegram down"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var d Digests
			if tt.digests != nil {
				d = tt.digests
			}
			rec := serve(Handler(tt.st, d, now), tt.method, tt.path, strings.NewReader(tt.body))
			if rec.Code != tt.wantCode || !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Fatalf("%s %s = %d %q, want %d containing %q", tt.method, tt.path, rec.Code, rec.Body.String(), tt.wantCode, tt.wantBody)
			}
			if tt.wantCodes != nil && strings.Join(tt.st.codes, ",") != strings.Join(tt.wantCodes, ",") {
				t.Fatalf("stored codes %q, want %q", tt.st.codes, tt.wantCodes)
			}
			if tt.digests != nil && strings.Join(tt.digests.sent, ",") != strings.Join(tt.wantSent, ",") {
				t.Fatalf("sent %q, want %q", tt.digests.sent, tt.wantSent)
			}
		})
	}
}

func TestHandler_LoopbackOnly(t *testing.T) {
	t.Parallel()
	h := Handler(&fakeStore{backup: "x"}, nil, now)
	for addr, want := range map[string]int{"127.0.0.1:5000": 200, "[::1]:5000": 200, "10.0.0.8:5000": 403, "garbage": 403} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", BackupPath, nil)
		req.RemoteAddr = addr
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("from %s: %d, want %d", addr, rec.Code, want)
		}
	}
}

// The client speaks to the handler over a loopback socket.
func TestClient(t *testing.T) {
	t.Parallel()
	st, d := &fakeStore{backup: "bolt file"}, &fakeDigests{}
	srv := httptest.NewServer(Handler(st, d, now))
	defer srv.Close()
	c := Client{Base: srv.URL, HTTP: srv.Client()}
	ctx := context.Background()

	var buf bytes.Buffer
	if n, err := c.Backup(ctx, &buf); err != nil || n != 9 || buf.String() != "bolt file" {
		t.Fatalf("Backup = %d, %v, %q", n, err, buf.String())
	}
	if res, err := c.AddCodes(ctx, []byte("A\nB\n")); err != nil || res.Added != 2 {
		t.Fatalf("AddCodes = %+v, %v", res, err)
	}
	text, chart, err := c.Digest(ctx, "2026-11-01", false)
	if err != nil || text != "digest of 2026-11-01" || !bytes.Equal(chart, []byte{0x89, 'P', 'N', 'G'}) {
		t.Fatalf("Digest = %q, %v, %v", text, chart, err)
	}
	if _, _, err := c.Digest(ctx, "", true); err != nil || len(d.sent) != 1 {
		t.Fatalf("Digest(send) = %v, sent %q", err, d.sent)
	}
	_, _, err = c.Digest(ctx, "soon", false)
	if err == nil || !strings.Contains(err.Error(), "400 Bad Request: want YYYY-MM-DD") {
		t.Fatalf("Digest(bad date) error = %v, want the status and the daemon's message", err)
	}
}

func TestClient_Unreachable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	_, err := Client{Base: base}.AddCodes(context.Background(), []byte("A\n"))
	if err == nil || !strings.Contains(err.Error(), "ask the running shenava") {
		t.Fatalf("AddCodes to a closed port: %v", err)
	}
}

func TestReadCodes(t *testing.T) {
	t.Parallel()
	codes, err := ReadCodes(strings.NewReader("# header\nAAA\n\n bbb \n#x\nCCC"))
	if err != nil || strings.Join(codes, ",") != "AAA,bbb,CCC" {
		t.Fatalf("ReadCodes = %q, %v", codes, err)
	}
	_, err = ReadCodes(strings.NewReader(strings.Repeat("x", 70<<10)))
	if err == nil {
		t.Fatal("ReadCodes of a 70 KiB line: no error")
	}
}
