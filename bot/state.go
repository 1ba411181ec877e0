package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shenava/shenava/core"
)

// Kinds of button tokens.
const (
	tokenCase     = "case"
	tokenApproval = "approval"
	tokenResend   = "resend"
	tokenUndo     = "undo"
)

// records are the bot's own small records in the store: button tokens,
// what each of its messages is, prompts, managers' preferences.
type records struct {
	st          stateStore
	now         func() time.Time
	newToken    func() string
	managers    map[int64]Manager
	defaultLang string

	// unsettled holds the records of deliveries whose outcome the outbox
	// has not committed yet (they are written in the settle's
	// transaction), so that a manager's reply or tap in those few
	// milliseconds finds them. Entries older than unsettledFor are
	// dropped: by then the settle has committed, or the process died with
	// it.
	mu        sync.Mutex
	unsettled map[string]unsettledRec
}

type unsettledRec struct {
	raw []byte
	at  time.Time
}

// unsettledFor bounds how long a record waits in memory for its settle.
const unsettledFor = 2 * time.Minute

func unsettledKey(space core.Space, key string) string { return string(space) + "\x00" + key }

// hold keeps a record that waits for its settle; first says an existing
// one is kept (a case's first button token wins).
func (rs *records) hold(space core.Space, key string, raw []byte, first bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	now := rs.now()
	if rs.unsettled == nil {
		rs.unsettled = map[string]unsettledRec{}
	}
	for k, r := range rs.unsettled {
		if now.Sub(r.at) > unsettledFor {
			delete(rs.unsettled, k)
		}
	}
	k := unsettledKey(space, key)
	if _, ok := rs.unsettled[k]; ok && first {
		return
	}
	rs.unsettled[k] = unsettledRec{raw: raw, at: now}
}

// held returns a record still waiting for its settle.
func (rs *records) held(space core.Space, key string) ([]byte, bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r, ok := rs.unsettled[unsettledKey(space, key)]
	if !ok || rs.now().Sub(r.at) > unsettledFor {
		return nil, false
	}
	return r.raw, true
}

// tokenRec is what a button token stands for. The token is random; the
// record is the only way from a button back to what it acts on.
type tokenRec struct {
	Kind    string   `json:"kind"`
	Case    uint64   `json:"case,omitempty"`
	Mention string   `json:"mention,omitempty"`
	Actions []uint64 `json:"actions,omitempty"`
}

// Kinds of messages the bot remembers.
const (
	msgAlert    = "alert"
	msgPrompt   = "prompt"
	msgApproval = "approval"
)

// msgRec says what one of the bot's messages is, so a manager's reply to
// it can be understood.
type msgRec struct {
	Kind   string     `json:"kind"`
	Case   uint64     `json:"case,omitempty"`
	Token  string     `json:"token,omitempty"`
	Prompt *promptRec `json:"prompt,omitempty"`
}

// Kinds of prompts.
const (
	promptReply  = "reply"
	promptThanks = "thanks"
)

// promptRec is a force-reply prompt waiting for a manager's text.
type promptRec struct {
	Kind    string    `json:"kind"`
	Case    uint64    `json:"case,omitempty"`
	Private bool      `json:"private,omitempty"`
	Token   string    `json:"token,omitempty"` // approval token
	User    int64     `json:"user"`
	Chat    int64     `json:"chat"`
	Msg     int       `json:"msg"`
	At      time.Time `json:"at"`
}

// prefsRec is one manager's choices.
type prefsRec struct {
	Lang       string    `json:"lang,omitempty"`
	MutedUntil time.Time `json:"muted_until,omitzero"`
}

func (rs *records) getRec(ctx context.Context, space core.Space, key string, v any) (bool, error) {
	raw, ok, err := rs.st.BotGet(ctx, space, key)
	if err == nil && !ok {
		raw, ok = rs.held(space, key)
	}
	if err != nil || !ok {
		return false, err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("bot: %s %q: %w", space, key, err)
	}
	return true, nil
}

func (rs *records) putRec(ctx context.Context, space core.Space, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if c := core.RecordsFrom(ctx); c != nil {
		// Written with the outcome of the delivery, in its transaction.
		c.Add(core.Record{Space: space, Key: key, Value: raw, At: rs.now()})
		rs.hold(space, key, raw, false)
		return nil
	}
	return rs.st.BotPut(ctx, space, key, raw, rs.now())
}

func ref(chat int64, msgID int) string {
	return strconv.FormatInt(chat, 10) + ":" + strconv.Itoa(msgID)
}

func parseRef(s string) (int64, int, bool) {
	c, m, ok := strings.Cut(s, ":")
	if !ok {
		return 0, 0, false
	}
	chat, err1 := strconv.ParseInt(c, 10, 64)
	msgID, err2 := strconv.Atoi(m)
	return chat, msgID, err1 == nil && err2 == nil
}

// refs splits the alerter refs of a case ("chat:msg,chat:msg").
func refs(list []string) []string {
	var out []string
	for _, r := range list {
		for _, p := range strings.Split(r, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// caseToken returns the button token of a case, creating it on first
// use.
func (rs *records) caseToken(ctx context.Context, caseID uint64) (string, error) {
	key := strconv.FormatUint(caseID, 10)
	var tok string
	if ok, err := rs.getRec(ctx, core.SpaceCaseTokens, key, &tok); err != nil || ok {
		return tok, err
	}
	fresh := rs.newToken()
	if err := rs.putRec(ctx, core.SpaceCallbacks, fresh, tokenRec{Kind: tokenCase, Case: caseID}); err != nil {
		return "", err
	}
	if c := core.RecordsFrom(ctx); c != nil {
		// The first token settled stays the case's; this one stays valid
		// for the same case either way.
		raw, _ := json.Marshal(fresh)
		c.Add(core.Record{Space: core.SpaceCaseTokens, Key: key, Value: raw, At: rs.now(), IfAbsent: true})
		rs.hold(core.SpaceCaseTokens, key, raw, true)
		return fresh, nil
	}
	// Two concurrent first uses may both create a token; the first one
	// written wins and the other stays valid for the same case.
	_, err := rs.st.BotSwap(ctx, core.SpaceCaseTokens, key, rs.now(), func(old []byte) ([]byte, []core.Action, error) {
		if old != nil {
			json.Unmarshal(old, &tok)
			return old, nil, nil
		}
		tok = fresh
		raw, _ := json.Marshal(fresh)
		return raw, nil, nil
	})
	return tok, err
}

// token creates a button token for something other than a case.
func (rs *records) token(ctx context.Context, rec tokenRec) (string, error) {
	t := rs.newToken()
	return t, rs.putRec(ctx, core.SpaceCallbacks, t, rec)
}

// lang is the language to use with a manager: their /lang choice, else
// the configured one.
func (rs *records) lang(ctx context.Context, userID int64) string {
	var p prefsRec
	if ok, _ := rs.getRec(ctx, core.SpacePrefs, strconv.FormatInt(userID, 10), &p); ok && p.Lang != "" {
		return p.Lang
	}
	if m, ok := rs.managers[userID]; ok {
		return m.Lang
	}
	return rs.defaultLang
}

// chatLang is the language of a chat: a manager's private chat speaks
// theirs, groups the default.
func (rs *records) chatLang(ctx context.Context, chat int64) string {
	if _, ok := rs.managers[chat]; ok {
		return rs.lang(ctx, chat)
	}
	return rs.defaultLang
}

func (rs *records) prefs(ctx context.Context, userID int64) prefsRec {
	var p prefsRec
	rs.getRec(ctx, core.SpacePrefs, strconv.FormatInt(userID, 10), &p)
	return p
}

func (rs *records) setPrefs(ctx context.Context, userID int64, fn func(*prefsRec)) error {
	_, err := rs.st.BotSwap(ctx, core.SpacePrefs, strconv.FormatInt(userID, 10), rs.now(), func(old []byte) ([]byte, []core.Action, error) {
		var p prefsRec
		if old != nil {
			json.Unmarshal(old, &p)
		}
		fn(&p)
		raw, err := json.Marshal(p)
		return raw, nil, err
	})
	return err
}

func (rs *records) muted(ctx context.Context, userID int64) bool {
	return rs.prefs(ctx, userID).MutedUntil.After(rs.now())
}
