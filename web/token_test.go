package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/locale"
)

// signInitData signs fields as Telegram does; tests and the fake Mini App
// use it.
func signInitData(botToken string, fields url.Values) string {
	var lines []string
	for k, vs := range fields {
		lines = append(lines, k+"="+vs[0])
	}
	slices.Sort(lines)
	secret := hmac.New(sha256.New, []byte("WebAppData"))
	secret.Write([]byte(botToken))
	m := hmac.New(sha256.New, secret.Sum(nil))
	m.Write([]byte(strings.Join(lines, "\n")))
	out := url.Values{}
	for k, vs := range fields {
		out[k] = vs
	}
	out.Set("hash", hex.EncodeToString(m.Sum(nil)))
	return out.Encode()
}

func TestLinkToken_RoundTrip(t *testing.T) {
	key := []byte("k")
	tok := newLinkToken(key, 42, t0)
	l, err := parseLinkToken(key, tok, t0.Add(LinkTTL-time.Second))
	if err != nil || l.Manager != 42 || !l.Expires.Equal(t0.Add(LinkTTL).Truncate(time.Second)) || len(l.Nonce) != 24 {
		t.Fatalf("parse = %+v, %v", l, err)
	}
	if _, err := parseLinkToken(key, tok, t0.Add(LinkTTL)); !errors.Is(err, ErrLinkExpired) {
		t.Fatalf("at expiry: %v", err)
	}
	if _, err := parseLinkToken([]byte("other"), tok, t0); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("other key: %v", err)
	}
	if _, err := parseLinkToken(key, newLinkToken(key, 42, t0.Add(time.Hour)), t0); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("a link from the future: %v", err)
	}
	if newLinkToken(key, 42, t0) == tok {
		t.Fatal("two links are alike")
	}
}

func FuzzParseLinkToken(f *testing.F) {
	key := []byte("fuzz key")
	f.Add(newLinkToken(key, 7, t0))
	f.Add("")
	f.Add("AAAA")
	f.Add(strings.Repeat("A", 59))
	f.Fuzz(func(t *testing.T, tok string) {
		l, err := parseLinkToken(key, tok, t0)
		if err == nil && l.Manager != 7 {
			// Only tokens we signed pass; the seed signed manager 7.
			t.Fatalf("forged token %q accepted for manager %d", tok, l.Manager)
		}
	})
}

func TestParseSearch(t *testing.T) {
	for _, tc := range []struct {
		in     string
		terms  []string
		not    []string
		author string
	}{
		{"", nil, nil, ""},
		{"  refund   late ", []string{"refund", "late"}, nil, ""},
		{`"not working" -spam from:@Ali`, []string{"not working"}, []string{"spam"}, "ali"},
		{"@Sara", nil, nil, "sara"},
		{"نمی‌خوام ي ۱۲", []string{"نمیخوام", "ی", "12"}, nil, ""},
		{`"unclosed phrase`, []string{"unclosed phrase"}, nil, ""},
		{"-", []string{"-"}, nil, ""},
	} {
		q := parseSearch(tc.in)
		if !slices.Equal(q.Terms, tc.terms) || !slices.Equal(q.Not, tc.not) || q.Author != tc.author {
			t.Errorf("parseSearch(%q) = %+v, want terms %q not %q author %q", tc.in, q, tc.terms, tc.not, tc.author)
		}
	}
}

func FuzzParseSearch(f *testing.F) {
	for _, s := range []string{"", `"a b" -c from:d`, "سلام ۱۲", "\"", "-\"", "from:", "@", strings.Repeat("x ", 400)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := parseSearch(s)
		if len(q.Terms)+len(q.Not) > maxSearchTerms {
			t.Fatalf("%d terms", len(q.Terms)+len(q.Not))
		}
		for _, term := range append(slices.Clone(q.Terms), q.Not...) {
			if term == "" || locale.Fold(term) != term || !utf8.ValidString(term) {
				t.Fatalf("term %q is empty or not folded", term)
			}
		}
	})
}

// Every event, tab, outbox state and screen the pages name has words in
// both languages.
func TestTexts_Complete(t *testing.T) {
	var keys []string
	for _, a := range []string{"opened", "alerted", "claimed", "replied publicly", "replied privately", "withdrew reply",
		"resolved", "ignored", "corrected label", "recovered", "reminded"} {
		keys = append(keys, "ev."+a)
	}
	for _, tab := range tabs {
		keys = append(keys, "tab."+tab)
	}
	for _, st := range []core.CaseState{core.CaseNew, core.CaseAlerted, core.CaseClaimed, core.CaseReplied, core.CaseResolved, core.CaseIgnored} {
		keys = append(keys, "tab."+string(st))
	}
	for _, st := range []string{"pending", "sending", "done", "failed", "in_doubt", "cancelled"} {
		keys = append(keys, "st."+st)
	}
	keys = append(keys, "via.web")
	for _, k := range keys {
		if tx, ok := texts[k]; !ok || tx[0] == "" || tx[1] == "" {
			t.Errorf("no words for %q", k)
		}
	}
}
