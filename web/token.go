package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Errors of sign-in links and Mini App data.
var (
	// ErrNoKey: neither web.secret nor a bot token is set, so no link can
	// be signed or checked.
	ErrNoKey = errors.New("web: no key to sign sign-in links: set web.secret or telegram.token")
	// ErrLinkInvalid: the link is not one Shenava made (cut, altered, or
	// signed with another key).
	ErrLinkInvalid = errors.New("the sign-in link is not valid")
	// ErrLinkExpired: the link is older than LinkTTL.
	ErrLinkExpired = errors.New("the sign-in link has expired")
	// ErrLinkUsed: the link was used before.
	ErrLinkUsed = errors.New("the sign-in link was already used")
	// ErrInitData: Telegram's Mini App data does not check out.
	ErrInitData = errors.New("the Telegram sign-in data is not valid")
)

// A link token is base64url of: manager ID (8 bytes, big-endian) | expiry
// (unix seconds, 8) | nonce (12) | HMAC-SHA256 of the first 28 bytes, cut
// to 16.
const (
	linkPayload = 8 + 8 + 12
	linkMAC     = 16
	linkLen     = linkPayload + linkMAC
)

// Link is what a valid sign-in link says.
type Link struct {
	Manager int64
	Expires time.Time
	// Nonce makes the link single-use: the store records it when used.
	Nonce string
}

// linkKey is the key that signs links: from web.secret, else from the bot
// token, each under its own label so the key is never the token itself.
func linkKey(cfg Config) ([]byte, error) {
	switch {
	case !cfg.Secret.Empty():
		sum := sha256.Sum256([]byte("shenava web link\x00" + cfg.Secret.Reveal()))
		return sum[:], nil
	case !cfg.BotToken.Empty():
		m := hmac.New(sha256.New, []byte("shenava web link"))
		m.Write([]byte(cfg.BotToken.Reveal()))
		return m.Sum(nil), nil
	}
	return nil, ErrNoKey
}

func linkSum(key, payload []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(payload)
	return m.Sum(nil)[:linkMAC]
}

// newLinkToken makes a token for manager, valid until now+LinkTTL.
func newLinkToken(key []byte, manager int64, now time.Time) string {
	buf := make([]byte, linkPayload, linkLen)
	binary.BigEndian.PutUint64(buf[0:], uint64(manager))
	binary.BigEndian.PutUint64(buf[8:], uint64(now.Add(LinkTTL).Unix()))
	if _, err := rand.Read(buf[16:linkPayload]); err != nil {
		panic("web: no randomness: " + err.Error())
	}
	buf = append(buf, linkSum(key, buf)...)
	return base64.RawURLEncoding.EncodeToString(buf)
}

// parseLinkToken checks a token's signature and age.
func parseLinkToken(key []byte, token string, now time.Time) (Link, error) {
	if len(token) != base64.RawURLEncoding.EncodedLen(linkLen) {
		return Link{}, ErrLinkInvalid
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != linkLen {
		return Link{}, ErrLinkInvalid
	}
	if !hmac.Equal(raw[linkPayload:], linkSum(key, raw[:linkPayload])) {
		return Link{}, ErrLinkInvalid
	}
	l := Link{
		Manager: int64(binary.BigEndian.Uint64(raw[0:])),
		Expires: time.Unix(int64(binary.BigEndian.Uint64(raw[8:])), 0).UTC(),
		Nonce:   hex.EncodeToString(raw[16:linkPayload]),
	}
	if !now.Before(l.Expires) {
		return l, ErrLinkExpired
	}
	if l.Expires.Sub(now) > LinkTTL+time.Minute {
		// Signed with our key but from the future: a clock far off.
		return l, ErrLinkInvalid
	}
	return l, nil
}

// randomID is 256 random bits, URL-safe.
func randomID() string {
	var buf [32]byte
	if _, err := rand.Read(buf[:]); err != nil {
		panic("web: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(buf[:])
}

// sessionKey is what the store keeps a session under: a hash of the
// cookie's value, so the database file alone signs no one in.
func sessionKey(id string) string {
	sum := sha256.Sum256([]byte("shenava web session\x00" + id))
	return hex.EncodeToString(sum[:])
}

// tokenEqual compares two secrets in constant time.
func tokenEqual(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// checkInitData validates a Telegram Mini App's initData as Telegram
// documents it: the data-check string (every field but hash, sorted,
// "key=value" joined by newlines) signed with HMAC-SHA256 under the key
// HMAC-SHA256("WebAppData", bot token), and auth_date no older than maxAge.
// It returns the Telegram user ID.
func checkInitData(botToken, initData string, now time.Time, maxAge time.Duration) (int64, error) {
	if botToken == "" {
		return 0, fmt.Errorf("%w: no bot token", ErrInitData)
	}
	vals, err := url.ParseQuery(initData)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrInitData, err)
	}
	hash := vals.Get("hash")
	if hash == "" || len(vals["hash"]) != 1 {
		return 0, fmt.Errorf("%w: no hash", ErrInitData)
	}
	var lines []string
	for k, vs := range vals {
		if k == "hash" {
			continue
		}
		if len(vs) != 1 {
			return 0, fmt.Errorf("%w: field %q repeated", ErrInitData, k)
		}
		lines = append(lines, k+"="+vs[0])
	}
	slices.Sort(lines)
	secret := hmac.New(sha256.New, []byte("WebAppData"))
	secret.Write([]byte(botToken))
	m := hmac.New(sha256.New, secret.Sum(nil))
	m.Write([]byte(strings.Join(lines, "\n")))
	want := hex.EncodeToString(m.Sum(nil))
	if !hmac.Equal([]byte(strings.ToLower(hash)), []byte(want)) {
		return 0, fmt.Errorf("%w: bad signature", ErrInitData)
	}
	auth, err := strconv.ParseInt(vals.Get("auth_date"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: no auth_date", ErrInitData)
	}
	at := time.Unix(auth, 0)
	if age := now.Sub(at); age > maxAge || age < -time.Minute {
		return 0, fmt.Errorf("%w: auth_date %s is not fresh", ErrInitData, at.UTC().Format(time.RFC3339))
	}
	var user struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal([]byte(vals.Get("user")), &user); err != nil || user.ID == 0 {
		return 0, fmt.Errorf("%w: no user", ErrInitData)
	}
	return user.ID, nil
}
