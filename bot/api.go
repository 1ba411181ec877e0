package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/httpx"
	"github.com/shenava/shenava/internal/retryafter"
)

// MaxResponseBytes bounds one Bot API response. getUpdates with 100
// updates is far below it; anything larger is a broken server.
const MaxResponseBytes = 8 << 20

// api is our view of the Bot API: go-telegram/bot for the typed methods,
// plus getUpdates, which the library keeps private (see Run for why we
// drive it ourselves). Every error that leaves it has the token redacted,
// is cut to a sane length, and says what kind of failure it was:
// *core.RateLimitError for 429, core.ErrUnauthorized for a rejected token,
// core.ErrPermanent for refusals retrying will not fix; everything else
// (5xx, network, timeouts, malformed answers) is worth retrying.
type api struct {
	tg          *tgbot.Bot
	hc          *http.Client
	base, token string
	reqTimeout  time.Duration
	pollTimeout time.Duration
	metrics     Metrics
	logger      *slog.Logger
	pacer       *pacer
	now         func() time.Time
}

func newAPI(cfg Config, hc *http.Client, logger *slog.Logger) (*api, error) {
	if hc == nil {
		hc = httpx.NewClient(0)
	}
	// Our own copy: the transport bounds bodies and reports the HTTP status
	// of each call; deadlines come from contexts, because one client
	// timeout cannot fit both long polls and quick sends.
	client := *hc
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	client.Transport = &transport{base: httpx.NoReplay(base), max: MaxResponseBytes}
	client.Timeout = 0
	a := &api{hc: &client, base: cfg.APIURL, token: cfg.Token.Reveal(), reqTimeout: cfg.RequestTimeout,
		pollTimeout: cfg.PollTimeout, metrics: nopMetrics{}, logger: logger, now: time.Now}
	a.pacer = newPacer(cfg.Pace, func() time.Time { return a.now() })
	tg, err := tgbot.New(cfg.Token.Reveal(),
		tgbot.WithServerURL(cfg.APIURL),
		tgbot.WithHTTPClient(cfg.PollTimeout, &client),
		tgbot.WithSkipGetMe(),
		tgbot.WithErrorsHandler(func(err error) {
			logger.Warn("telegram client", "error", a.redact(err.Error()))
		}),
		tgbot.WithDebugHandler(func(string, ...any) {}),
	)
	if err != nil {
		return nil, fmt.Errorf("telegram: %s", a.redact(err.Error()))
	}
	a.tg = tg
	return a, nil
}

// httpInfo carries what the transport saw of one call back to the caller.
type httpInfo struct {
	status     int
	retryAfter string
	// accepted: the answer was a well-formed {"ok":true,...} envelope.
	accepted bool
}

type httpInfoKey struct{}

// transport limits response bodies and records each call's status.
type transport struct {
	base http.RoundTripper
	max  int64
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	req.Header.Set("User-Agent", httpx.UserAgent(""))
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = httpx.LimitBody(resp.Body, t.max)
	info, ok := req.Context().Value(httpInfoKey{}).(*httpInfo)
	if !ok {
		return resp, nil
	}
	info.status, info.retryAfter = resp.StatusCode, resp.Header.Get("Retry-After")
	if resp.StatusCode != http.StatusOK || strings.HasSuffix(req.URL.Path, "/getUpdates") {
		return resp, nil
	}
	// A 200 is read here to learn whether the server accepted the call,
	// whatever its result looks like: the library fails on a result it
	// cannot decode, and a send the server accepted must not be retried.
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	if err != nil {
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(raw), errReader{err}))
		return resp, nil
	}
	var env struct {
		OK bool `json:"ok"`
	}
	info.accepted = json.Unmarshal(raw, &env) == nil && env.OK
	return resp, nil
}

// errReader fails every read with err.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// apiError is a failed Bot API call, safe to log: no token, bounded size.
type apiError struct {
	method string
	status int
	desc   string
	kinds  []error
}

func (e *apiError) Error() string {
	s := "telegram: " + e.method
	if e.status != 0 {
		s += " (HTTP " + strconv.Itoa(e.status) + ")"
	}
	return s + ": " + e.desc
}

func (e *apiError) Unwrap() []error { return e.kinds }

// errForbidden marks Telegram's 403: the bot was blocked, kicked, or may
// not start a conversation with the user.
var errForbidden = errors.New("forbidden by telegram")

const maxErrorText = 300

func (a *api) redact(s string) string {
	if a.token == "" {
		return s
	}
	for _, t := range []string{a.token, url.PathEscape(a.token), url.QueryEscape(a.token)} {
		s = strings.ReplaceAll(s, t, "<token>")
	}
	if _, secret, ok := strings.Cut(a.token, ":"); ok && len(secret) >= 8 {
		s = strings.ReplaceAll(s, secret, "<token>")
	}
	return s
}

// classify turns whatever the library or the network returned into an
// apiError (or a *core.RateLimitError around one). The original error is
// not kept in the chain: its text may hold the token (the request URL).
func (a *api) classify(method string, err error, info *httpInfo) error {
	msg := a.redact(err.Error())
	msg = strings.ToValidUTF8(msg, "?")
	if len(msg) > maxErrorText {
		msg = msg[:maxErrorText] + "…"
	}
	e := &apiError{method: method, status: info.status, desc: msg}
	kind := "other"
	var tooMany *tgbot.TooManyRequestsError
	var migrate *tgbot.MigrateError
	var netErr net.Error
	switch {
	case errors.Is(err, context.Canceled):
		e.kinds, kind = []error{context.Canceled}, "canceled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		e.kinds, kind = []error{context.DeadlineExceeded}, "timeout"
	case errors.As(err, &tooMany) || info.status == http.StatusTooManyRequests:
		wait := time.Duration(0)
		if tooMany != nil {
			wait = time.Duration(tooMany.RetryAfter) * time.Second
		}
		if wait <= 0 {
			// Telegram's own retry_after is not capped either.
			wait, _ = retryafter.Parse(info.retryAfter, a.now(), 0)
		}
		a.metrics.TelegramError(method, "rate_limited")
		a.metrics.RateLimited("telegram", wait)
		return &core.RateLimitError{Platform: core.PlatformTelegram, RetryAfter: wait, Err: e}
	case errors.Is(err, tgbot.ErrorUnauthorized) || info.status == http.StatusUnauthorized:
		e.desc = "the bot token was rejected (revoked, or for another server?)"
		e.kinds, kind = []error{core.ErrUnauthorized}, "unauthorized"
	case errors.Is(err, tgbot.ErrorForbidden) || info.status == http.StatusForbidden:
		e.kinds, kind = []error{errForbidden, core.ErrPermanent}, "forbidden"
	case errors.As(err, &migrate):
		e.desc = fmt.Sprintf("the group became a supergroup; its new chat ID is %d (update the configuration)", migrate.MigrateToChatID)
		e.kinds, kind = []error{core.ErrPermanent}, "bad_request"
	case errors.Is(err, tgbot.ErrorBadRequest), errors.Is(err, tgbot.ErrorNotFound), errors.Is(err, tgbot.ErrorConflict),
		info.status >= 400 && info.status < 500:
		e.kinds, kind = []error{core.ErrPermanent}, "bad_request"
	case errors.Is(err, httpx.ErrTooLarge):
		kind = "too_large"
	case info.status >= 500:
		kind = "server"
	case info.status == 0:
		kind = "network"
	default:
		kind = "malformed"
	}
	if errors.Is(err, core.ErrInDoubt) {
		// The message went out and its answer was lost: Telegram may have
		// delivered it.
		e.kinds = append(e.kinds, core.ErrInDoubt)
	}
	if kind != "canceled" {
		a.metrics.TelegramError(method, kind)
	}
	return e
}

// isNotModified reports Telegram's refusal of an edit that changes
// nothing, which for us means the message already shows the right thing.
func isNotModified(err error) bool {
	var e *apiError
	return errors.As(err, &e) && strings.Contains(e.desc, "message is not modified")
}

// isGone reports that the message to edit no longer exists or can no
// longer be edited.
func isGone(err error) bool {
	var e *apiError
	return errors.As(err, &e) && (strings.Contains(e.desc, "message to edit not found") ||
		strings.Contains(e.desc, "message can't be edited"))
}

func call[T any](ctx context.Context, a *api, method string, timeout time.Duration, f func(context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	info := &httpInfo{}
	v, err := f(context.WithValue(ctx, httpInfoKey{}, info))
	if err != nil && info.accepted && ctx.Err() == nil {
		// The server said ok; only its result did not decode. That is a
		// delivery (sending again would duplicate it), with nothing known
		// of what it returned: a message sent this way has no ID.
		a.logger.Warn("telegram accepted a call but its result did not decode; counted as done",
			"method", method, "error", a.redact(err.Error()))
		a.metrics.TelegramError(method, "odd_result")
		var zero T
		return zero, nil
	}
	if err != nil {
		return v, a.classify(method, err, info)
	}
	return v, nil
}

// pacedCall is call for a method that puts something in a chat: the
// pacer may hold it back (a rate limit, without a request), and a 429
// holds the chat back for its retry_after. budget says whether the call
// adds a message to the chat (sends) or not (edits).
func pacedCall[T any](ctx context.Context, a *api, method string, chat any, budget bool, f func(context.Context) (T, error)) (T, error) {
	id, ok := chatID(chat)
	if ok {
		if wait := a.pacer.take(id, budget); wait > 0 {
			var zero T
			return zero, paced(wait)
		}
	}
	v, err := call(ctx, a, method, a.reqTimeout, f)
	if wait, limited := core.RetryAfter(err); limited && ok {
		a.pacer.block(id, max(wait, time.Second))
	}
	return v, err
}

func (a *api) getMe(ctx context.Context) (*models.User, error) {
	return call(ctx, a, "getMe", a.reqTimeout, a.tg.GetMe)
}

// sendMessage sends a message. A message the server accepted without
// saying which it is (see call) comes back with ID 0: delivered, but it
// cannot be edited or recognised in a reply later.
func (a *api) sendMessage(ctx context.Context, p *tgbot.SendMessageParams) (*models.Message, error) {
	return orUnknown(pacedCall(ctx, a, "sendMessage", p.ChatID, true, func(ctx context.Context) (*models.Message, error) {
		return a.tg.SendMessage(ctx, p)
	}))
}

// orUnknown stands an empty message (ID 0) in for a sent one the server
// did not describe.
func orUnknown(m *models.Message, err error) (*models.Message, error) {
	if m == nil && err == nil {
		return &models.Message{}, nil
	}
	return m, err
}

func (a *api) editMessageText(ctx context.Context, p *tgbot.EditMessageTextParams) error {
	_, err := pacedCall(ctx, a, "editMessageText", p.ChatID, false, func(ctx context.Context) (*models.Message, error) {
		return a.tg.EditMessageText(ctx, p)
	})
	return err
}

func (a *api) editMessageReplyMarkup(ctx context.Context, p *tgbot.EditMessageReplyMarkupParams) error {
	_, err := pacedCall(ctx, a, "editMessageReplyMarkup", p.ChatID, false, func(ctx context.Context) (*models.Message, error) {
		return a.tg.EditMessageReplyMarkup(ctx, p)
	})
	return err
}

func (a *api) sendPhoto(ctx context.Context, p *tgbot.SendPhotoParams) (*models.Message, error) {
	return orUnknown(pacedCall(ctx, a, "sendPhoto", p.ChatID, true, func(ctx context.Context) (*models.Message, error) {
		return a.tg.SendPhoto(ctx, p)
	}))
}

func (a *api) answerCallbackQuery(ctx context.Context, p *tgbot.AnswerCallbackQueryParams) error {
	_, err := call(ctx, a, "answerCallbackQuery", a.reqTimeout, func(ctx context.Context) (bool, error) {
		return a.tg.AnswerCallbackQuery(ctx, p)
	})
	return err
}

func (a *api) answerInlineQuery(ctx context.Context, p *tgbot.AnswerInlineQueryParams) error {
	_, err := call(ctx, a, "answerInlineQuery", a.reqTimeout, func(ctx context.Context) (bool, error) {
		return a.tg.AnswerInlineQuery(ctx, p)
	})
	return err
}

func (a *api) setMyCommands(ctx context.Context, p *tgbot.SetMyCommandsParams) error {
	_, err := call(ctx, a, "setMyCommands", a.reqTimeout, func(ctx context.Context) (bool, error) {
		return a.tg.SetMyCommands(ctx, p)
	})
	return err
}

func (a *api) setChatMenuButton(ctx context.Context, p *tgbot.SetChatMenuButtonParams) error {
	_, err := call(ctx, a, "setChatMenuButton", a.reqTimeout, func(ctx context.Context) (bool, error) {
		return a.tg.SetChatMenuButton(ctx, p)
	})
	return err
}

func (a *api) leaveChat(ctx context.Context, chatID int64) error {
	_, err := call(ctx, a, "leaveChat", a.reqTimeout, func(ctx context.Context) (bool, error) {
		return a.tg.LeaveChat(ctx, &tgbot.LeaveChatParams{ChatID: chatID})
	})
	return err
}

// getUpdatesParams is the getUpdates request; go-telegram/bot does not
// export it.
type getUpdatesParams struct {
	Offset         int64    `json:"offset,omitempty"`
	Timeout        int      `json:"timeout"`
	AllowedUpdates []string `json:"allowed_updates,omitempty"`
}

// envelope is the Bot API response shape.
type envelope struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter      int   `json:"retry_after"`
		MigrateToChatID int64 `json:"migrate_to_chat_id"`
	} `json:"parameters"`
}

// getUpdates long-polls for updates after offset-1.
func (a *api) getUpdates(ctx context.Context, offset int64, allowed []string) ([]*models.Update, error) {
	return call(ctx, a, "getUpdates", a.pollTimeout+a.reqTimeout, func(ctx context.Context) ([]*models.Update, error) {
		body, _ := json.Marshal(getUpdatesParams{Offset: offset, Timeout: int(a.pollTimeout / time.Second), AllowedUpdates: allowed})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+"/bot"+a.token+"/getUpdates", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := a.hc.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			return nil, err
		}
		var env envelope
		if err := json.Unmarshal(raw, &env); err != nil {
			return nil, fmt.Errorf("decode response (%d bytes): %w", len(raw), err)
		}
		if !env.OK {
			switch env.ErrorCode {
			case http.StatusTooManyRequests:
				return nil, &tgbot.TooManyRequestsError{Message: env.Description, RetryAfter: env.Parameters.RetryAfter}
			case http.StatusUnauthorized:
				return nil, fmt.Errorf("%w, %s", tgbot.ErrorUnauthorized, env.Description)
			case http.StatusConflict:
				return nil, fmt.Errorf("%w, %s (another process is polling with this token, or a webhook is set)", tgbot.ErrorConflict, env.Description)
			}
			return nil, fmt.Errorf("error %d: %s", env.ErrorCode, env.Description)
		}
		var updates []*models.Update
		if err := json.Unmarshal(env.Result, &updates); err != nil {
			return nil, fmt.Errorf("decode updates: %w", err)
		}
		return updates, nil
	})
}
