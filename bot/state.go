package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
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

func (b *Bot) getRec(ctx context.Context, space core.Space, key string, v any) (bool, error) {
	raw, ok, err := b.st.BotGet(ctx, space, key)
	if err != nil || !ok {
		return false, err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("bot: %s %q: %w", space, key, err)
	}
	return true, nil
}

func (b *Bot) putRec(ctx context.Context, space core.Space, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.st.BotPut(ctx, space, key, raw, b.now())
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
func (b *Bot) caseToken(ctx context.Context, caseID uint64) (string, error) {
	key := strconv.FormatUint(caseID, 10)
	var tok string
	if ok, err := b.getRec(ctx, core.SpaceCaseTokens, key, &tok); err != nil || ok {
		return tok, err
	}
	fresh := b.newToken()
	if err := b.putRec(ctx, core.SpaceCallbacks, fresh, tokenRec{Kind: tokenCase, Case: caseID}); err != nil {
		return "", err
	}
	// Two concurrent first uses may both create a token; the first one
	// written wins and the other stays valid for the same case.
	_, err := b.st.BotSwap(ctx, core.SpaceCaseTokens, key, b.now(), func(old []byte) ([]byte, []core.Action, error) {
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
func (b *Bot) token(ctx context.Context, rec tokenRec) (string, error) {
	t := b.newToken()
	return t, b.putRec(ctx, core.SpaceCallbacks, t, rec)
}

// lang is the language to use with a manager: their /lang choice, else
// the configured one.
func (b *Bot) lang(ctx context.Context, userID int64) string {
	var p prefsRec
	if ok, _ := b.getRec(ctx, core.SpacePrefs, strconv.FormatInt(userID, 10), &p); ok && p.Lang != "" {
		return p.Lang
	}
	if m, ok := b.managers[userID]; ok {
		return m.Lang
	}
	return b.cfg.DefaultLang
}

// chatLang is the language of a chat: a manager's private chat speaks
// theirs, groups the default.
func (b *Bot) chatLang(ctx context.Context, chat int64) string {
	if _, ok := b.managers[chat]; ok {
		return b.lang(ctx, chat)
	}
	return b.cfg.DefaultLang
}

func (b *Bot) prefs(ctx context.Context, userID int64) prefsRec {
	var p prefsRec
	b.getRec(ctx, core.SpacePrefs, strconv.FormatInt(userID, 10), &p)
	return p
}

func (b *Bot) setPrefs(ctx context.Context, userID int64, fn func(*prefsRec)) error {
	_, err := b.st.BotSwap(ctx, core.SpacePrefs, strconv.FormatInt(userID, 10), b.now(), func(old []byte) ([]byte, []core.Action, error) {
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

func (b *Bot) muted(ctx context.Context, userID int64) bool {
	return b.prefs(ctx, userID).MutedUntil.After(b.now())
}

// actorName is how a manager is written in case events and alerts.
func (b *Bot) actorName(userID int64) string {
	if m, ok := b.managers[userID]; ok {
		return m.Name
	}
	return "tg:" + strconv.FormatInt(userID, 10)
}
