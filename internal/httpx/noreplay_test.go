package httpx

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/shenava/shenava/core"
)

// droppingServer answers GETs, and takes in every write but answers none:
// it closes the connection once it has read the request, as a proxy that
// loses the answer on its way back does. It counts the writes it received.
type droppingServer struct {
	*httptest.Server
	mu     sync.Mutex
	writes []string // bodies, in order
}

func newDroppingServer(t *testing.T) *droppingServer {
	d := &droppingServer{}
	d.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			io.WriteString(w, "ok")
			return
		}
		body, _ := io.ReadAll(r.Body)
		d.mu.Lock()
		d.writes = append(d.writes, r.Method+" "+string(body)+" len="+r.Header.Get("Content-Length"))
		d.mu.Unlock()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		conn.Close() // the write was made; its answer is lost
	}))
	t.Cleanup(d.Close)
	return d
}

func (d *droppingServer) received() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.writes...)
}

// write warms a kept-alive connection with a GET (net/http replays only
// on reused connections), then sends one write on it.
func write(t *testing.T, rt http.RoundTripper, url, method string, body io.Reader) error {
	t.Helper()
	hc := &http.Client{Transport: rt}
	resp, err := hc.Get(url)
	if err != nil {
		t.Fatalf("warm-up GET: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	req, err := http.NewRequestWithContext(context.Background(), method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Idempotency-Key", "k1")
	resp, err = hc.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	return err
}

func TestNoReplay_DroppedAnswerIsOneWrite(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, method string
		body         func() io.Reader
	}{
		{"PostWithBody", http.MethodPost, func() io.Reader { return strings.NewReader(`{"status":"hi"}`) }},
		{"PostBytes", http.MethodPost, func() io.Reader { return bytes.NewReader([]byte(`{"text":"hi"}`)) }},
		{"PostNoBody", http.MethodPost, func() io.Reader { return nil }},
		{"Put", http.MethodPut, func() io.Reader { return strings.NewReader("x") }},
		{"Delete", http.MethodDelete, func() io.Reader { return nil }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newDroppingServer(t)
			tr := &http.Transport{}
			defer tr.CloseIdleConnections()
			err := write(t, NoReplay(tr), srv.URL, tt.method, tt.body())
			if err == nil {
				t.Fatal("the write succeeded; want the lost answer reported")
			}
			if !errors.Is(err, core.ErrInDoubt) {
				t.Errorf("error %v does not say the delivery is in doubt", err)
			}
			if got := srv.received(); len(got) != 1 {
				t.Fatalf("server received %d copies of the write, want exactly 1: %q", len(got), got)
			}
		})
	}
}

// TestNoReplay_ProofOfReplay shows the fault NoReplay guards against: the
// same server and request through a bare transport arrive twice.
func TestNoReplay_ProofOfReplay(t *testing.T) {
	t.Parallel()
	srv := newDroppingServer(t)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	write(t, tr, srv.URL, http.MethodPost, strings.NewReader(`{"status":"hi"}`))
	if got := srv.received(); len(got) != 2 {
		t.Fatalf("a bare transport delivered the write %d times; this test expects net/http's replay (2)", len(got))
	}
}

func TestNoReplay_BodyArrivesWhole(t *testing.T) {
	t.Parallel()
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, r.Method+" "+string(b)+" len="+r.Header.Get("Content-Length")+" te="+strings.Join(r.TransferEncoding, ","))
	}))
	defer srv.Close()
	hc := &http.Client{Transport: NoReplay(nil)}
	for _, body := range []io.Reader{strings.NewReader("hello"), nil} {
		resp, err := hc.Post(srv.URL, "text/plain", body)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	want := []string{"POST hello len=5 te=", "POST  len=0 te="}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("server saw %q, want %q", got, want)
	}
}

func TestNoReplay_NothingSentIsNotInDoubt(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nobody listens: the dial is refused, nothing goes out
	hc := &http.Client{Transport: NoReplay(&http.Transport{})}
	_, err = hc.Post("http://"+addr+"/", "text/plain", strings.NewReader("x"))
	if err == nil || errors.Is(err, core.ErrInDoubt) {
		t.Fatalf("refused dial: %v, want an error that is not in doubt", err)
	}
}

func TestNoReplay_ReadsPassThrough(t *testing.T) {
	t.Parallel()
	if rt := NoReplay(nil); NoReplay(rt) != rt {
		t.Error("NoReplay of a NoReplay wraps twice")
	}
	for m, w := range map[string]bool{"GET": false, "HEAD": false, "OPTIONS": false, "": false, "POST": true, "PUT": true, "DELETE": true, "PATCH": true} {
		if IsWrite(m) != w {
			t.Errorf("IsWrite(%q)=%v", m, !w)
		}
	}
}
