package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/shenava/shenava/core"
)

// Client asks a running shenava over its admin endpoints.
type Client struct {
	// Base is the daemon's metrics address as a URL: "http://127.0.0.1:9090".
	Base string
	// HTTP makes the calls; nil means one with a ten-minute timeout (a
	// backup of a large database takes a while).
	HTTP *http.Client
}

// Backup streams a consistent copy of the database to w and returns its
// size.
func (c Client) Backup(ctx context.Context, w io.Writer) (int64, error) {
	resp, err := c.do(ctx, http.MethodGet, BackupPath, nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return io.Copy(w, resp.Body)
}

// AddCodes loads reward codes, given as the file's text (one a line, #
// comments).
func (c Client) AddCodes(ctx context.Context, text []byte) (core.CodeLoad, error) {
	var res core.CodeLoad
	resp, err := c.do(ctx, http.MethodPost, CodesPath, bytes.NewReader(text))
	if err != nil {
		return res, err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return res, fmt.Errorf("read the running shenava's answer: %w", err)
	}
	return res, nil
}

// Digest builds the digest of date ("YYYY-MM-DD"; "" is yesterday) and
// returns its text and chart, or, with send, has the daemon send it to the
// managers' chat.
func (c Client) Digest(ctx context.Context, date string, send bool) (text string, chart []byte, err error) {
	q := url.Values{"date": {date}}
	if send {
		q.Set("send", "1")
	}
	resp, err := c.do(ctx, http.MethodGet, DigestPath+"?"+q.Encode(), nil)
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	var d digestReply
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil {
		return "", nil, fmt.Errorf("read the digest from the running shenava: %w", err)
	}
	return d.Text, d.Chart, nil
}

func (c Client) do(ctx context.Context, method, path string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, body)
	if err != nil {
		return nil, err
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Minute}
	}
	resp, err := hc.Do(req)
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
