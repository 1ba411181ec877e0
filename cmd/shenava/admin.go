package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/shenava/shenava/config"
	"github.com/shenava/shenava/digest"
	"github.com/shenava/shenava/store"
)

// A running daemon holds the database's file lock, so commands that need
// the database while it runs (backup, codes add) ask the daemon over its
// loopback-only admin endpoints, served next to /metrics.

const (
	adminBackupPath = "/admin/backup"
	adminCodesPath  = "/admin/codes"
	adminDigestPath = "/admin/digest"
	maxCodesBody    = 16 << 20
)

// adminHandler serves the admin endpoints; it answers only clients on the
// loopback interface, whatever address the server listens on.
func adminHandler(db *store.DB, d *digest.Digester) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+adminBackupPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		if _, err := db.Backup(r.Context(), w); err != nil {
			// Headers are gone; the client sees a short body and fails
			// its check of the copy.
			return
		}
	})
	mux.HandleFunc("POST "+adminCodesPath, func(w http.ResponseWriter, r *http.Request) {
		codes, err := readCodes(http.MaxBytesReader(w, r.Body, maxCodesBody))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		res, err := db.AddCodes(r.Context(), codes)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		json.NewEncoder(w).Encode(res)
	})
	mux.HandleFunc("GET "+adminDigestPath, func(w http.ResponseWriter, r *http.Request) {
		if d == nil {
			http.Error(w, "the digest is off (digest.enabled: false)", http.StatusNotFound)
			return
		}
		day := d.Yesterday(time.Now())
		if date := r.URL.Query().Get("date"); date != "" {
			var err error
			if day, err = d.ParseDay(date); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
		}
		if r.URL.Query().Get("send") == "1" {
			if err := d.Send(r.Context(), day); err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			json.NewEncoder(w).Encode(digestReply{Sent: true})
			return
		}
		text, chart, err := d.Digest(r.Context(), day)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		json.NewEncoder(w).Encode(digestReply{Text: text, Chart: chart})
	})
	return loopbackOnly(mux)
}

// digestReply is the admin digest answer; Chart is base64 in JSON.
type digestReply struct {
	Text  string `json:"text,omitempty"`
	Chart []byte `json:"chart,omitempty"`
	Sent  bool   `json:"sent,omitempty"`
}

func decodeDigest(r io.Reader) (string, []byte, error) {
	var d digestReply
	if err := json.NewDecoder(r).Decode(&d); err != nil {
		return "", nil, fmt.Errorf("read the digest from the running shenava: %w", err)
	}
	return d.Text, d.Chart, nil
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

// readCodes reads one code per line; blank lines and # comments are skipped.
func readCodes(r io.Reader) ([]string, error) {
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

// withDatabase runs direct on the database when no other process holds
// it, or remote against the running daemon's admin endpoint when one does.
func withDatabase(ctx context.Context, cfg *config.Config, readOnly bool,
	direct func(*store.DB) error, remote func(base string) error) error {
	db, err := store.Open(cfg.Storage.Path, store.Options{
		LockTimeout: 500 * time.Millisecond, ReadOnly: readOnly, Location: cfg.Digest.TimeZone.Location(),
	})
	switch {
	case err == nil:
		defer db.Close()
		return direct(db)
	case !errors.Is(err, store.ErrLocked):
		return err
	case !cfg.Metrics.Enabled():
		return fmt.Errorf("%w; the running shenava serves this on its admin endpoint only when metrics.listen is set", err)
	}
	return remote("http://" + cfg.Metrics.Listen)
}

func adminClient() *http.Client { return &http.Client{Timeout: 10 * time.Minute} }

func adminDo(ctx context.Context, method, url string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return nil, err
	}
	resp, err := adminClient().Do(req)
	if err != nil {
		return nil, fmt.Errorf("ask the running shenava: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		resp.Body.Close()
		return nil, fmt.Errorf("ask the running shenava: %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	}
	return resp, nil
}

// writeNew writes r to a new file at path (never overwriting) and syncs it.
func writeNew(path string, r io.Reader) (int64, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return n, err
}
