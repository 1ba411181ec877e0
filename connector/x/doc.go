// Package x connects Shenava to X (Twitter) through a small client of its
// own for the X API v2.
//
// It reads the brand account's mentions (GET /2/users/{id}/mentions) and a
// keyword search (GET /2/tweets/search/recent) as two sources, each with
// its own cursor, and answers publicly (POST /2/tweets with
// reply.in_reply_to_tweet_id) and privately (POST
// /2/dm_conversations/with/{participant_id}/messages).
//
// Why not github.com/dghubble/go-twitter: it has been deprecated since
// 2022 and speaks only the v1.1 API, which X has closed to ordinary apps.
// The v2 surface Shenava needs is four endpoints, so this package speaks
// them directly with net/http, and signs user-context calls with
// github.com/dghubble/oauth1 (OAuth 1.0a) or sends an OAuth 2.0 user token.
//
// Reads use the app's bearer token. Writes need user context; without it
// Reply and DirectMessage return an error wrapping core.ErrUnsupported.
// Rate limits are read from x-rate-limit-* headers: a spent window stops
// the next call before it is made, and a 429 becomes *core.RateLimitError
// with the wait X asked for. Reads are metered per UTC day against a
// request and a post-read budget (SetMetering); once one is spent, polls
// return a *core.RateLimitError lasting until 00:00 UTC. README.md explains
// credentials, the query syntax, X's prices and what the default settings
// cost per day.
package x
