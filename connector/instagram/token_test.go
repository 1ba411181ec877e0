package instagram

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

func TestCheck(t *testing.T) {
	f := newFakeGraph(t)
	if err := f.client(f.config()).Check(bg); err != nil {
		t.Errorf("Check (instagram login) = %v", err)
	}
	cfg := f.config()
	cfg.UserID = "17841400000000009"
	if err := f.client(cfg).Check(bg); err == nil || !strings.Contains(err.Error(), "user_id is 17841400000000009") {
		t.Errorf("wrong account: %v", err)
	}
	f.failNext("GET me", fakeFailure{status: 400, file: "error_190_expired.json"})
	if err := f.client(f.config()).Check(bg); !errors.Is(err, core.ErrUnauthorized) || !strings.Contains(err.Error(), "expired") {
		t.Errorf("expired token: %v", err)
	}

	fb := f.config()
	fb.Login = LoginFacebook
	if err := f.client(fb).Check(bg); err == nil || !strings.Contains(err.Error(), "pages_manage_metadata") {
		t.Errorf("facebook login, missing scopes: %v", err)
	}
	f.debugFile = "debug_token_full.json"
	if err := f.client(fb).Check(bg); err != nil {
		t.Errorf("facebook login, every permission: %v", err)
	}
	if n := f.count("GET /" + testVersion + "/" + testUser + "?"); n != 1 {
		t.Errorf("facebook login check read the account %d times, want once", n)
	}
	f.debugFile = "debug_token_invalid.json"
	if err := f.client(fb).Check(bg); !errors.Is(err, core.ErrUnauthorized) {
		t.Errorf("facebook login, invalid token: %v", err)
	}
}

func TestCheck_ExpirySoon(t *testing.T) {
	f := newFakeGraph(t)
	c := f.client(f.config())
	c.expires = t0.Add(3 * 24 * time.Hour)
	if err := c.Check(bg); err == nil || !strings.Contains(err.Error(), "expires on 2026-11-25") {
		t.Errorf("token expiring in 3 days: %v", err)
	}
	c.expires = t0.Add(-time.Hour)
	if err := c.Check(bg); !errors.Is(err, core.ErrUnauthorized) {
		t.Errorf("token past expiry: %v", err)
	}
}

func TestRefresh_TokenFile(t *testing.T) {
	f := newFakeGraph(t)
	cfg := f.config()
	cfg.TokenFile = filepath.Join(t.TempDir(), "instagram-token.json")
	c := f.client(cfg)
	if err := c.Refresh(bg); err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(5183944 * time.Second); !c.Expires().Equal(want) {
		t.Errorf("Expires = %v, want %v", c.Expires(), want)
	}
	st, err := os.Stat(cfg.TokenFile)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v, mode %v; want 0600", err, st.Mode())
	}
	// The next call, and a restart, use the refreshed token (the fake
	// rejects the old one now).
	if err := c.Check(bg); err != nil {
		t.Errorf("Check after refresh: %v", err)
	}
	c2 := f.client(cfg)
	if err := c2.Check(bg); err != nil || !c2.Expires().Equal(c.Expires()) {
		t.Errorf("after a restart: %v, expires %v", err, c2.Expires())
	}
	fb := f.config()
	fb.Login = LoginFacebook
	if err := f.client(fb).Refresh(bg); !errors.Is(err, core.ErrUnsupported) {
		t.Errorf("facebook login refresh: %v", err)
	}
}

func TestRun_Warns(t *testing.T) {
	f := newFakeGraph(t)
	cfg := f.config()
	cfg.Login, cfg.TokenWarn = LoginFacebook, 10*24*time.Hour // debug_token says it expires on Nov 30
	c := f.client(cfg)
	ctx, cancel := context.WithCancel(bg)
	var warned []string
	done := make(chan error)
	go func() {
		done <- c.Run(ctx, func(s string) { warned = append(warned, s); cancel() })
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		cancel()
		t.Fatal("Run did not warn")
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "expires on 2026-11-30") {
		t.Errorf("warnings %q", warned)
	}
}

// A refused refresh of a token the API still accepts (Meta refuses
// refreshing a token younger than a day) is no reason to alarm anyone; a
// token the API rejects is.
func TestRun_RefreshRefused(t *testing.T) {
	for _, tc := range []struct {
		name      string
		pingFails bool
		wantWarn  bool
	}{{"TokenStillGood", false, false}, {"TokenRejected", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeGraph(t)
			c := f.client(f.config())
			f.mu.Lock()
			f.refuseRefresh = true
			f.mu.Unlock()
			if tc.pingFails {
				f.failNext("GET "+testUser, fakeFailure{status: 400, file: "error_190_expired.json"})
			}
			ctx, cancel := context.WithCancel(bg)
			var warned []string
			done := make(chan struct{})
			go func() {
				defer close(done)
				c.Run(ctx, func(s string) { warned = append(warned, s) })
			}()
			// One round: the refresh and, when it fails, the ping.
			deadline := time.Now().Add(5 * time.Second)
			for f.count("GET /"+testVersion+"/"+testUser+"?") == 0 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			time.Sleep(20 * time.Millisecond)
			cancel()
			<-done
			if (len(warned) > 0) != tc.wantWarn {
				t.Errorf("warnings %q, want a warning: %v", warned, tc.wantWarn)
			}
		})
	}
}
