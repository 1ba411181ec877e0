// Package admin is the running daemon's admin API. A running shenava holds
// the database's file lock, so the commands that need the database while
// it runs (backup, codes add, digest) ask the daemon over these endpoints,
// served next to /metrics and answered only on the loopback interface.
// Handler is the daemon's side, Client the command's.
package admin

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/shenava/shenava/core"
)

// The endpoints.
const (
	BackupPath = "/admin/backup" // GET: a consistent copy of the database
	CodesPath  = "/admin/codes"  // POST: reward codes, one a line
	DigestPath = "/admin/digest" // GET ?date=YYYY-MM-DD[&send=1]: one day's digest
)

// MaxCodesBody bounds a codes upload.
const MaxCodesBody = 16 << 20

// Store is what the endpoints read and write. The bbolt store implements
// it.
type Store interface {
	Backup(ctx context.Context, w io.Writer) (int64, error)
	AddCodes(ctx context.Context, codes []string) (core.CodeLoad, error)
}

// Digests builds and sends digests. The digest's Digester implements it.
type Digests interface {
	Yesterday(now time.Time) time.Time
	ParseDay(s string) (time.Time, error)
	Digest(ctx context.Context, day time.Time) (text string, chart []byte, err error)
	Send(ctx context.Context, day time.Time) error
}

// Handler serves the admin endpoints; it answers only clients on the
// loopback interface, whatever address the server listens on. digests may
// be nil when the digest is off; now is the clock that decides which day
// "yesterday" is.
func Handler(st Store, digests Digests, now func() time.Time) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+BackupPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		if _, err := st.Backup(r.Context(), w); err != nil {
			// Headers are gone; the client sees a short body and fails
			// its check of the copy.
			return
		}
	})
	mux.HandleFunc("POST "+CodesPath, func(w http.ResponseWriter, r *http.Request) {
		codes, err := ReadCodes(http.MaxBytesReader(w, r.Body, MaxCodesBody))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		res, err := st.AddCodes(r.Context(), codes)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		json.NewEncoder(w).Encode(res)
	})
	mux.HandleFunc("GET "+DigestPath, func(w http.ResponseWriter, r *http.Request) {
		if digests == nil {
			http.Error(w, "the digest is off (digest.enabled: false)", http.StatusNotFound)
			return
		}
		day := digests.Yesterday(now())
		if date := r.URL.Query().Get("date"); date != "" {
			var err error
			if day, err = digests.ParseDay(date); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
		}
		if r.URL.Query().Get("send") == "1" {
			if err := digests.Send(r.Context(), day); err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			json.NewEncoder(w).Encode(digestReply{Sent: true})
			return
		}
		text, chart, err := digests.Digest(r.Context(), day)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		json.NewEncoder(w).Encode(digestReply{Text: text, Chart: chart})
	})
	return loopbackOnly(mux)
}

// digestReply is the digest endpoint's answer; Chart is base64 in JSON.
type digestReply struct {
	Text  string `json:"text,omitempty"`
	Chart []byte `json:"chart,omitempty"`
	Sent  bool   `json:"sent,omitempty"`
}

func loopbackOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		ip := net.ParseIP(host)
		if err != nil || ip == nil || !ip.IsLoopback() {
			http.Error(w, "admin endpoints answer only on the loopback interface", http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// ReadCodes reads reward codes, one a line; blank lines and # comments are
// skipped.
func ReadCodes(r io.Reader) ([]string, error) {
	var codes []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		codes = append(codes, line)
	}
	return codes, sc.Err()
}
