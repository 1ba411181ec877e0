package x

import (
	"context"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// timeline is a mentions timeline that grows while it is polled. It pages
// the way X does: newest first, bounded below by since_id, each page's
// token naming the position (not the offset) where the next older page
// starts, so posts arriving mid-walk do not shift pages.
type timeline struct {
	mu    sync.Mutex
	posts []tlPost // ascending IDs
	next  uint64
	rng   *rand.Rand
	fail  float64 // chance a request answers 500 or 429
	spec  interface {
		ValidateResponse(tb testing.TB, method, path string, status int, body []byte)
	}
	t testing.TB
}

type tlPost struct {
	id                uint64
	author            string
	retweet, ownBrand bool
}

func (tl *timeline) add(n int) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	for range n {
		tl.next += uint64(1 + tl.rng.IntN(5000))
		p := tlPost{id: tl.next, author: "30000000000000000" + strconv.Itoa(10+tl.rng.IntN(80))}
		switch tl.rng.IntN(10) {
		case 0:
			p.retweet = true
		case 1:
			p.ownBrand, p.author = true, brandID
		}
		tl.posts = append(tl.posts, p)
	}
}

// wanted lists the posts Shenava must end up with: all but retweets and
// the brand's own.
func (tl *timeline) wanted() []string {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	var out []string
	for _, p := range tl.posts {
		if !p.retweet && !p.ownBrand {
			out = append(out, strconv.FormatUint(p.id, 10))
		}
	}
	return out
}

var tokenEnc = base32.HexEncoding.WithPadding(base32.NoPadding)

func (tl *timeline) serve(w http.ResponseWriter, r *http.Request, _ []byte) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if tl.rng.Float64() < tl.fail {
		if tl.rng.IntN(2) == 0 {
			reply(w, 500, "application/json", []byte(`{"title":"Internal Error","type":"about:blank","status":500}`))
		} else {
			reply(w, 429, "application/json", []byte(`{"title":"Too Many Requests","type":"about:blank","status":429}`), "Retry-After", "1")
		}
		return
	}
	q := r.URL.Query()
	since, _ := strconv.ParseUint(q.Get("since_id"), 10, 64)
	before := uint64(1<<63 - 1)
	if tok := q.Get("pagination_token"); tok != "" {
		b, err := tokenEnc.DecodeString(tok)
		if err != nil {
			tl.t.Errorf("token %q: %v", tok, err)
		}
		before, _ = strconv.ParseUint(string(b), 10, 64)
	}
	max, _ := strconv.Atoi(q.Get("max_results"))
	var page []tlPost
	more := false
	for i := len(tl.posts) - 1; i >= 0; i-- {
		p := tl.posts[i]
		if p.id <= since {
			break
		}
		if p.id >= before {
			continue
		}
		if len(page) == max {
			more = true
			break
		}
		page = append(page, p)
	}
	body := map[string]any{}
	meta := map[string]any{"result_count": len(page)}
	if len(page) > 0 {
		var data, users []map[string]any
		seen := map[string]bool{}
		for _, p := range page {
			id := strconv.FormatUint(p.id, 10)
			d := map[string]any{"id": id, "text": "@shenava post " + id, "author_id": p.author,
				"created_at":      time.UnixMilli(int64(p.id>>22) + twitterEpoch).UTC().Format("2006-01-02T15:04:05.000Z"),
				"conversation_id": id, "lang": "en", "edit_history_tweet_ids": []string{id}}
			if p.retweet {
				d["referenced_tweets"] = []map[string]any{{"type": "retweeted", "id": "1"}}
			}
			data = append(data, d)
			if !seen[p.author] {
				seen[p.author] = true
				users = append(users, map[string]any{"id": p.author, "name": "User " + p.author[len(p.author)-2:], "username": "user_" + p.author[len(p.author)-2:]})
			}
		}
		body["data"], body["includes"] = data, map[string]any{"users": users}
		meta["newest_id"] = strconv.FormatUint(page[0].id, 10)
		meta["oldest_id"] = strconv.FormatUint(page[len(page)-1].id, 10)
		if more {
			meta["next_token"] = tokenEnc.EncodeToString([]byte(strconv.FormatUint(page[len(page)-1].id, 10)))
		}
	}
	body["meta"] = meta
	b, _ := json.Marshal(body)
	tl.spec.ValidateResponse(tl.t, "GET", r.URL.Path, 200, b)
	reply(w, 200, "application/json", b)
}

// Many polls of a growing timeline, with restarts, page caps, crashes
// between Fetch and store, and faults from X: every post is stored
// exactly once and none is lost.
func TestSource_Fetch_resumeNeverSkipsNorRepeats(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 4; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			tl := &timeline{next: 1870000000000000000, rng: rng, fail: 0.1, spec: loadSpec(t), t: t}
			f := newFakeX(t, tl.serve)
			clk := &clock{now: t0}
			ctx := context.Background()

			stored := map[string]int{} // the engine's store
			var cursor string
			var polls, crashes, faults int
			poll := func() (more bool) {
				// Each poll may be a new process with other page settings.
				c := mustClient(t, f, clk, func(c *Config) {
					c.Search.Enabled = false
					c.MaxPages = 1 + rng.IntN(3)
					c.MaxResults = MinMaxResults + rng.IntN(16)
				})
				polls++
				b, err := c.Mentions("m").Fetch(ctx, cursor)
				clk.Advance(2 * time.Second) // past any Retry-After
				if err != nil {
					faults++
					return true
				}
				if rng.IntN(5) == 0 {
					crashes++ // died before the store transaction
					return true
				}
				for _, m := range b.Mentions {
					stored[m.NativeID]++
				}
				cursor = b.Cursor
				return b.More
			}
			poll() // the first poll of an empty timeline starts the stream
			for round := 0; round < 60; round++ {
				tl.add(rng.IntN(40))
				for i := 0; poll() && i < 50; i++ {
				}
			}
			tl.fail = 0
			for i := 0; poll() && i < 200; i++ {
			}

			want := tl.wanted()
			var missing []string
			for _, id := range want {
				if stored[id] == 0 {
					missing = append(missing, id)
				}
			}
			var dups []string
			for id, n := range stored {
				if n > 1 {
					dups = append(dups, id)
				}
			}
			slices.Sort(dups)
			t.Logf("posts=%d polls=%d crashes=%d faults=%d stored=%d missing=%d duplicates=%d", len(want), polls, crashes, faults, len(stored), len(missing), len(dups))
			if len(missing) > 0 || len(dups) > 0 || len(stored) != len(want) {
				t.Fatalf("missing %v, duplicated %v, stored %d of %d", head(missing), head(dups), len(stored), len(want))
			}
		})
	}
}

func head(s []string) []string {
	if len(s) > 10 {
		return append(s[:10:10], "…")
	}
	return s
}
