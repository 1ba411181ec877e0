package x

import (
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"slices"
	"strings"
	"unicode/utf8"
)

// APIError is a non-2xx answer from X, with what its body said. Callers
// branch on the sentinels it is wrapped with (core.ErrUnauthorized,
// core.ErrPermanent, *core.RateLimitError), not on this type.
type APIError struct {
	Status int
	// Title, Detail and Type come from an RFC 7807 problem body.
	Title, Detail, Type string
	// Messages are the entries of the body's errors array.
	Messages []string
	// Parameters names the request parameters X found fault with.
	Parameters []string
	// ContentType is set when the body was not JSON (an HTML error page
	// from a proxy, say); its text is not kept.
	ContentType string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d", e.Status)
	var parts []string
	for _, s := range []string{e.Title, e.Detail} {
		if s != "" && !slices.Contains(parts, s) {
			parts = append(parts, s)
		}
	}
	for _, m := range e.Messages {
		if m != "" && !slices.Contains(parts, m) {
			parts = append(parts, m)
		}
	}
	if len(parts) > 0 {
		b.WriteString(": " + strings.Join(parts, "; "))
	}
	if len(e.Parameters) > 0 {
		fmt.Fprintf(&b, " (parameters: %s)", strings.Join(e.Parameters, ", "))
	}
	if e.ContentType != "" {
		fmt.Fprintf(&b, " (body is %s, not JSON)", e.ContentType)
	}
	return b.String()
}

// names reports whether X blamed the request parameter p.
func (e *APIError) names(p string) bool {
	if slices.Contains(e.Parameters, p) {
		return true
	}
	for _, m := range e.Messages {
		if strings.Contains(m, "'"+p+"'") || strings.Contains(m, p+" ") {
			return true
		}
	}
	return false
}

// credentialProblem reports whether a 403 is about the app or its tokens
// rather than about the post (duplicate text, a user who does not take
// DMs): the operator must fix the former, retrying cannot fix the latter.
func (e *APIError) credentialProblem() bool {
	for _, k := range []string{"client-forbidden", "unsupported-authentication", "oauth1-permissions", "client-not-enrolled", "usage-capped"} {
		if strings.Contains(e.Type, k) {
			return true
		}
	}
	return false
}

const maxMessageBytes = 300

// parseAPIError reads an error body. X answers errors in several shapes: an
// RFC 7807 problem, {"errors":[{"message":..., "parameters":{...}}]} next
// to title/detail, or the older {"errors":[{"code":..,"message":..}]}. The
// published document describes only some of them, so the body is read
// schema-free and only text is taken from it.
func parseAPIError(status int, contentType string, body []byte) *APIError {
	e := &APIError{Status: status}
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		if len(body) > 0 {
			mt, _, _ := mime.ParseMediaType(contentType)
			if mt == "" {
				mt = "unknown content"
			}
			e.ContentType = mt
		}
		return e
	}
	e.Title = text(raw["title"])
	e.Detail = text(raw["detail"])
	e.Type = text(raw["type"])
	if msg := text(raw["message"]); msg != "" {
		e.Messages = append(e.Messages, msg) // the older {"code":..,"message":..}
	}
	params := map[string]bool{}
	if list, ok := raw["errors"].([]any); ok {
		for i, item := range list {
			if i == 10 {
				e.Messages = append(e.Messages, fmt.Sprintf("and %d more", len(list)-10))
				break
			}
			m, ok := item.(map[string]any)
			if !ok {
				continue
			}
			msg := text(m["message"])
			if msg == "" {
				msg = text(m["detail"])
			}
			if msg == "" {
				msg = text(m["title"])
			}
			if msg != "" {
				e.Messages = append(e.Messages, msg)
			}
			if p := text(m["parameter"]); p != "" {
				params[p] = true
			}
			if ps, ok := m["parameters"].(map[string]any); ok {
				for k := range ps {
					params[truncate(k)] = true
				}
			}
		}
	}
	e.Parameters = slices.Sorted(maps.Keys(params))
	return e
}

func text(v any) string {
	s, _ := v.(string)
	return truncate(strings.TrimSpace(s))
}

func truncate(s string) string {
	if len(s) <= maxMessageBytes {
		return s
	}
	cut := maxMessageBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
