package e2e

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/sharedtest"
	"github.com/shenava/shenava/internal/telegramtest"
	"github.com/shenava/shenava/internal/xtest"
	"github.com/shenava/shenava/store"
)

var (
	crashKills = flag.Int("crash.kills", 0, "SIGKILLs in TestCrash_KillAnywhere (0: 50, or 10 with -short)")
	crashSeed  = flag.Uint64("crash.seed", 20261122, "seed of the kill schedule and the fakes' latencies")
)

// Crash fixtures: per kill cycle, this many new mentions from each source.
const (
	crashPerRunX    = 3
	crashPerRunFile = 3
	crashAlertChat  = -1001000000777
	crashManager    = 101
	crashXBase      = 1860000000000000000 // posts served by the fake X
	crashFileBase   = 1870000000000000000 // posts replayed from the JSONL file
)

// crashFixture is one mention and what the pipeline must do with it.
type crashFixture struct {
	id     string
	handle string
	text   string
	file   bool // from the JSONL file, else from the X mentions stream
	want   intent
}

func (f crashFixture) key() string { return core.MentionKey(core.PlatformX, f.id) }

func (f crashFixture) url() string { return "https://x.com/" + f.handle + "/status/" + f.id }

// lockedRand is a seeded generator shared by the fakes' handlers.
type lockedRand struct {
	mu sync.Mutex
	r  *rand.Rand
}

func (l *lockedRand) between(lo, hi time.Duration) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return lo + time.Duration(l.r.Int64N(int64(hi-lo)))
}

// TestCrash_KillAnywhere runs the real binary against a fake X (mentions in,
// thank-you replies out), a fake Telegram (alerts out) and a JSONL file,
// kills it with SIGKILL at random moments, restarts it, and finally lets it
// finish and stops it with SIGTERM. New mentions arrive before every start,
// and both fakes answer slowly (the call takes effect, then the answer
// waits), so kills land while batches are being fetched and saved and while
// alerts and replies are on the wire.
//
// Afterwards the database must hold every mention exactly once; the fakes
// must have seen at most one alert per case and one reply per thank-you, and
// exactly one for every action the store marks done; actions a kill caught
// mid-send are in_doubt, were sent at most once, and were reported to the
// managers.
//
//	go test -run TestCrash -v ./e2e/                   # 50 kills
//	go test -run TestCrash -v -short ./e2e/            # 10 kills
//	go test -run TestCrash -v ./e2e/ -crash.kills 200 -crash.seed 1
func TestCrash_KillAnywhere(t *testing.T) {
	t.Parallel()
	kills := 50
	if testing.Short() {
		kills = 10
	}
	if *crashKills > 0 {
		kills = *crashKills
	}
	began := time.Now()
	bin := mustBinary(t)
	rng := rand.New(rand.NewPCG(*crashSeed, *crashSeed^0x5eed))
	latency := &lockedRand{r: rand.New(rand.NewPCG(*crashSeed+1, 7))}
	slow := func() time.Duration { return latency.between(10*time.Millisecond, 60*time.Millisecond) }

	// Fixtures: alternating clear complaints and clear referrals, each by
	// its own author (thank-yous are once per author per window).
	cl := newClassifier(t, []string{"shenava"})
	ss := samples(t)
	n := kills + 1
	complaints := cl.pick(t, ss, intentAlert, 40, "@shenava ")
	referrals := cl.pick(t, ss, intentThanks, 40, "@shenava ")
	var xs, files []crashFixture
	for i := range n * crashPerRunX {
		f := crashFixture{id: fmt.Sprint(crashXBase + i), handle: fmt.Sprintf("xuser%d", i), want: intentAlert, text: complaints[i%len(complaints)]}
		if i%2 == 1 {
			f.want, f.text = intentThanks, referrals[i%len(referrals)]
		}
		xs = append(xs, f)
	}
	for i := range n * crashPerRunFile {
		f := crashFixture{id: fmt.Sprint(crashFileBase + i), handle: fmt.Sprintf("fuser%d", i), file: true, want: intentThanks, text: referrals[(i+7)%len(referrals)]}
		if i%2 == 1 {
			f.want, f.text = intentAlert, complaints[(i+7)%len(complaints)]
		}
		files = append(files, f)
	}
	all := append(append([]crashFixture(nil), xs...), files...)

	// The fakes. Their state outlives every run of the daemon.
	tg := telegramtest.New(t)
	tg.AddChat(telegramtest.Supergroup(crashAlertChat, "Shenava support", ""))
	tgProxy := slowProxy(t, tg.URL(), slow, func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/getUpdates") })
	xs0 := xtest.New(t, xtest.WithLatency(slow))

	dir := t.TempDir()
	jsonl := filepath.Join(dir, "mentions.jsonl")
	writeFile(t, jsonl, "", 0o600)
	healthAddr := sharedtest.FreeAddr(t)
	cfg := crashConfig(xs0.URL(), tgProxy.URL, "")
	cfgPath := filepath.Join(dir, "config.yaml")
	writeFile(t, cfgPath, cfg, 0o600)
	finalPath := filepath.Join(dir, "final.yaml")
	writeFile(t, finalPath, crashConfig(xs0.URL(), tgProxy.URL, healthAddr), 0o600)
	env := []string{
		"TELEGRAM_BOT_TOKEN=" + tg.Token(),
		"X_BEARER_TOKEN=" + xtest.DefaultBearerToken,
		"X_OAUTH2_USER_TOKEN=" + xtest.DefaultUserToken,
	}

	// Mentions arrive in chunks, one before each start. The X connector's
	// first poll deliberately takes one page of history only (a new install
	// does not alert on last week), so more than the first chunk is served
	// only once a request shows that a cursor with a since_id was saved.
	revealedX, revealedFile := 0, 0
	revealX := func(upTo int) {
		for ; revealedX < min(upTo, len(xs)); revealedX++ {
			f := xs[revealedX]
			xs0.AddMention(xtest.Post{ID: f.id, Text: f.text, Created: crashDay.Add(time.Duration(revealedX) * time.Second)},
				xtest.User{ID: fmt.Sprint(3000000000000000000 + revealedX), Username: f.handle, Name: "X user", Followers: 10 + revealedX})
		}
	}
	revealFile := func(upTo int) {
		revealedFile = appendFixtures(t, jsonl, files, revealedFile, upTo, 4000000000000000000, crashDay.Add(time.Hour))
	}
	sinceSaved := func() bool {
		for _, r := range xs0.Requests() {
			if r.Query.Get("since_id") != "" {
				return true
			}
		}
		return false
	}
	reveal := func(run int) {
		revealFile((run + 1) * crashPerRunFile)
		if run == 0 || sinceSaved() {
			revealX((run + 1) * crashPerRunX)
		}
	}

	// The kills.
	var outputs []*logBuffer
	exitedEarly := 0
	for run := range kills {
		reveal(run)
		out := &logBuffer{}
		outputs = append(outputs, out)
		p := startDaemon(t, bin, cfgPath, env, out)
		time.Sleep(50*time.Millisecond + time.Duration(rng.Int64N(int64(950*time.Millisecond))))
		select {
		case <-p.exited:
			exitedEarly++
			t.Errorf("run %d exited on its own before the kill: %v\n%s", run, p.err, out.String())
		default:
		}
		p.stop(syscall.SIGKILL, 10*time.Second)
	}

	// The clean finish: everything revealed, run until idle, SIGTERM. A
	// finish that stopped before the last batch (idle is judged from
	// outside) is followed by another clean run.
	var finals int
	for finals = 1; ; finals++ {
		if finals > 4 {
			t.Fatalf("still not finished after %d clean runs", finals-1)
		}
		if sinceSaved() {
			revealX(len(xs))
		}
		revealFile(len(files))
		out := &logBuffer{}
		outputs = append(outputs, out)
		startReqs := len(xs0.Requests())
		p := startDaemon(t, bin, finalPath, env, out)
		waitFor(t, "the final run to go idle", 60*time.Second, func() bool {
			return crashIdle(healthAddr, xs0.Requests()[startReqs:])
		})
		if !p.stop(syscall.SIGTERM, 30*time.Second) {
			t.Fatalf("SIGTERM did not stop the daemon within 30s:\n%s", out.String())
		}
		if p.err != nil {
			t.Fatalf("the daemon stopped with %v after SIGTERM:\n%s", p.err, out.String())
		}
		if revealedX == len(xs) && crashComplete(t, filepath.Join(dir, "shenava.db"), len(all)) {
			break
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	fig := crashVerify(t, filepath.Join(dir, "shenava.db"), all, tg, xs0)
	fig.kills, fig.finals, fig.elapsed = kills, finals, time.Since(began)
	fig.refetched = refetchedPages(xs0.Requests())
	t.Logf("crash-safety figures (seed %d):\n%s", *crashSeed, fig)
	if t.Failed() {
		for i, out := range outputs {
			if strings.Contains(out.String(), "level=ERROR") || strings.Contains(out.String(), `"level":"ERROR"`) {
				t.Logf("run %d errors:\n%s", i, grepLines(out.String(), "ERROR"))
			}
		}
	}
}

// appendFixtures appends to the JSONL source at path the fixtures of fs
// from from up to upTo (at most all), the i-th of fs written by author
// authorBase+i at start plus i seconds, and returns how many of fs the
// file holds then.
func appendFixtures(t *testing.T, path string, fs []crashFixture, from, upTo, authorBase int, start time.Time) int {
	t.Helper()
	fh, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	i := from
	for ; i < min(upTo, len(fs)); i++ {
		f := fs[i]
		line, _ := json.Marshal(map[string]any{
			"id": f.id, "platform": "x", "url": f.url(), "text": f.text,
			"author":     map[string]any{"id": fmt.Sprint(authorBase + i), "handle": f.handle, "name": "File user"},
			"created_at": start.Add(time.Duration(i) * time.Second).Format(time.RFC3339),
		})
		if _, err := fh.Write(append(line, '\n')); err != nil {
			t.Fatal(err)
		}
	}
	return i
}

// crashDay is when the fixtures were posted: one calendar day in Tehran.
var crashDay = time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC)

func crashConfig(xURL, tgURL, health string) string {
	return daemonConfig(xURL, tgURL, health, "  path: shenava.db\n")
}

// daemonConfig is the configuration the kill tests (crash, failover) run
// the daemon with: a JSONL source, X and Telegram at the fakes' URLs,
// automatic thank-yous, no digest, spike or SLA jobs, short intervals and
// /healthz (metrics) at health. storage is the body of its storage
// section, a line each, indented.
func daemonConfig(xURL, tgURL, health, storage string) string {
	return fmt.Sprintf(`brand:
  name: "Shenava Coffee"
  keywords: ["shenava"]
  handles:
    x: ["shenava"]
sources:
  file:
    - name: replay
      path: mentions.jsonl
      interval: 1s
  x:
    enabled: true
    base_url: %q
    bearer_token: ${X_BEARER_TOKEN}
    user_id: %q
    mentions:
      enabled: true
      interval: 1m
    max_results: 10
    max_pages: 2
    oauth2_user_token: ${X_OAUTH2_USER_TOKEN}
    timeout: 10s
telegram:
  enabled: true
  api_url: %q
  token: ${TELEGRAM_BOT_TOKEN}
  alert_chat_id: %d
  managers:
    - id: %d
      name: Sara
      lang: en
      alerts: false
  poll_timeout: 1s
  timeout: 10s
  default_lang: en
  # One alert message per complaint, unpaced: this test checks that each
  # one arrives after the kills; storm summaries and pacing have their own
  # tests in bot.
  alert_burst: 0
  pace: {group_per_minute: 0, private_per_minute: 0}
routing:
  thank_you:
    mode: auto
digest:
  enabled: false
spike:
  enabled: false
sla:
  remind_after: []
listen:
  poll_interval: 1s
  batch_size: 5
  backoff_min: 1s
  backoff_max: 2s
outbox:
  workers: 2
  backoff_min: 1s
  backoff_max: 2s
  rate_limits:
    x: {per_minute: 0, per_hour: 0}
    telegram: {per_minute: 0, per_hour: 0}
web: {listen: ""}
storage:
%smetrics:
  listen: %q
log:
  level: debug
  format: json
`, xURL, xtest.DefaultUserID, tgURL, crashAlertChat, crashManager, storage, health)
}

// crashIdle reports, from outside, that the daemon has read every source
// to its end and has nothing waiting in the outbox.
func crashIdle(health string, reqs []xtest.Request) bool {
	walked := false
	for _, r := range reqs {
		if strings.HasSuffix(r.Path, "/mentions") && r.Status == http.StatusOK && r.NextToken == "" {
			walked = true
		}
	}
	if !walked {
		return false
	}
	resp, err := http.Get("http://" + health + "/healthz")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var h struct {
		Sources map[string]struct {
			LastSuccess time.Time `json:"last_success"`
		} `json:"sources"`
		Outbox *struct{ Pending int }
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil || h.Outbox == nil {
		return false
	}
	return h.Outbox.Pending == 0 && !h.Sources["replay"].LastSuccess.IsZero()
}

// crashComplete reports whether the stopped daemon's database holds every
// mention and nothing waits in its outbox.
func crashComplete(t *testing.T, path string, want int) bool {
	t.Helper()
	db := mustOpenReadOnly(t, path)
	defer db.Close()
	n, err := db.MentionCount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	st, err := db.Outbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n >= want && st.Pending == 0
}

func mustOpenReadOnly(tb testing.TB, path string) *store.DB {
	tb.Helper()
	tehran, err := time.LoadLocation("Asia/Tehran")
	if err != nil {
		tb.Fatal(err)
	}
	db, err := store.Open(path, store.Options{ReadOnly: true, LockTimeout: 5 * time.Second, Location: tehran})
	if err != nil {
		tb.Fatal(err)
	}
	return db
}

// crashFigures is what TestCrash_KillAnywhere measured.
type crashFigures struct {
	kills, finals, refetched int
	elapsed                  time.Duration

	mentions, mentionsWant, counted int
	missing, extra                  int

	alerts, replies actionFigures
	notices         int // in-doubt reports queued for managers
}

// actionFigures counts one kind of side effect.
type actionFigures struct {
	expected  int // mentions the model says need one
	decided   int // actions in the store
	done      int
	inDoubt   int
	inDoubtOn int // in-doubt actions the fake did receive
	other     int // pending, sending or failed at the end
	sent      int // distinct mentions the fake received one for
	dupes     int // extra sends beyond the first not marked as a repeat, over all mentions
	repeats   int // extra sends marked as a repeat (alerts whose delivery a kill left unknown)
	lost      int // done in the store, never received
	spurious  int // received for a mention that should not have had one
}

func (f crashFigures) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "  kills (SIGKILL)            %d, then %d clean run(s) ended by SIGTERM; %s in all\n", f.kills, f.finals, f.elapsed.Round(time.Second))
	fmt.Fprintf(&b, "  X pages fetched again      %d (a kill between fetch and save)\n", f.refetched)
	fmt.Fprintf(&b, "  mentions stored            %d of %d (daily counter %d; missing %d, extra %d)\n", f.mentions, f.mentionsWant, f.counted, f.missing, f.extra)
	row := func(name string, a actionFigures) {
		fmt.Fprintf(&b, "  %-26s sent %d / expected %d (decided %d: done %d, in_doubt %d of which sent %d, other %d); duplicates %d, repeats marked %d, losses %d, spurious %d\n",
			name, a.sent, a.expected, a.decided, a.done, a.inDoubt, a.inDoubtOn, a.other, a.dupes, a.repeats, a.lost, a.spurious)
	}
	row("alerts (Telegram)", f.alerts)
	row("thank-yous (POST /2/tweets)", f.replies)
	fmt.Fprintf(&b, "  in-doubt reports queued    %d\n", f.notices)
	return b.String()
}

var hrefRE = regexp.MustCompile(`href="(https://x\.com/[^"]+)"`)

// crashVerify checks the database of the stopped daemon against what the
// fakes saw.
func crashVerify(t *testing.T, path string, all []crashFixture, tg *telegramtest.Server, xs *xtest.Server) crashFigures {
	t.Helper()
	db := mustOpenReadOnly(t, path)
	defer db.Close()
	return verifyDeliveries(t, db, all, tg, xs)
}

// verifyDeliveries checks a stopped pipeline's store (either driver)
// against what the fakes saw: every mention stored and counted once, one
// action per mention that needs one, each delivered, thank-yous once.
func verifyDeliveries(t *testing.T, db store.Store, all []crashFixture, tg *telegramtest.Server, xs *xtest.Server) crashFigures {
	t.Helper()
	ctx := context.Background()
	fig := crashFigures{mentionsWant: len(all)}

	byURL, byID := map[string]crashFixture{}, map[string]crashFixture{}
	for _, f := range all {
		byURL[f.url()], byID[f.id] = f, f
		if _, err := db.Mention(ctx, f.key()); err != nil {
			fig.missing++
			t.Errorf("mention %s was not stored: %v", f.key(), err)
		}
	}
	n, err := db.MentionCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fig.mentions, fig.extra = n, max(0, n-(len(all)-fig.missing))
	if fig.extra > 0 {
		t.Errorf("%d mentions stored that no source served", fig.extra)
	}
	// Each mention was counted once: a second save would count it again.
	// The fixtures were all posted on one day in Tehran.
	c, err := db.DayCounts(ctx, crashDay.In(db.Location()).Format(core.DayFormat))
	if err != nil {
		t.Fatal(err)
	}
	fig.counted = c.Get(core.DimTotal, "")
	if fig.counted != len(all) {
		t.Errorf("the daily counters count %d mentions, want %d (each once)", fig.counted, len(all))
	}

	// What the fakes received, per mention.
	alertsSent, alertsRepeated := map[string]int{}, map[string]int{}
	for _, r := range tg.Calls("sendMessage") {
		if r.Int("chat_id") != crashAlertChat {
			continue
		}
		m := hrefRE.FindStringSubmatch(r.String("text"))
		if m == nil {
			continue // a notice, not an alert
		}
		f, ok := byURL[m[1]]
		if !ok {
			t.Errorf("an alert links to %s, which no fixture has", m[1])
			continue
		}
		alertsSent[f.key()]++
		if strings.Contains(r.String("text"), "Sent again") {
			alertsRepeated[f.key()]++
		}
	}
	repliesSent := map[string]int{}
	for _, p := range xs.Posts() {
		f, ok := byID[p.InReplyTo]
		if !ok {
			t.Errorf("a post answers %q, which no fixture has", p.InReplyTo)
			continue
		}
		repliesSent[f.key()]++
	}

	actions, err := db.Actions(ctx, store.ActionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	reported := map[uint64]bool{}
	for _, a := range actions {
		if a.Kind == core.ActionNotify && a.Topic == core.TopicInDoubt {
			fig.notices++
			_, list, _ := strings.Cut(a.DedupKey, ":")
			for _, id := range strings.Split(list, ",") {
				var n uint64
				fmt.Sscan(id, &n)
				reported[n] = true
			}
		}
	}
	// Alerts are at-least-once: one whose delivery a kill left unknown goes
	// again, headed as a repeat; an unmarked second copy is a duplicate.
	// Thank-yous are exactly-once: X is read back before one is sent again.
	check := func(name string, kind core.ActionKind, want intent, sent, repeated map[string]int) actionFigures {
		var af actionFigures
		byKey := map[string][]core.Action{}
		for _, a := range actions {
			if a.Kind == kind {
				byKey[a.MentionKey] = append(byKey[a.MentionKey], a)
			}
		}
		for _, f := range all {
			k := f.key()
			acts, got, again := byKey[k], sent[k], repeated[k]
			if got > 0 {
				af.sent++
				af.dupes += max(0, got-again-1)
				af.repeats += min(again, got-1)
			}
			if f.want != want {
				if len(acts) > 0 || got > 0 {
					af.spurious++
					t.Errorf("%s: %s for %s, which the model does not call for (%d actions, sent %d)", name, kind, k, len(acts), got)
				}
				continue
			}
			af.expected++
			if len(acts) != 1 {
				t.Errorf("%s: %d %s actions for %s, want 1", name, len(acts), kind, k)
			}
			for _, a := range acts {
				af.decided++
				switch a.State {
				case core.ActionDone:
					af.done++
					if got == 0 {
						af.lost++
						t.Errorf("%s: action %d for %s is done but the fake never received it", name, a.ID, k)
					}
				case core.ActionInDoubt:
					af.inDoubt++
					if got > 0 {
						af.inDoubtOn++
					}
					t.Errorf("%s: action %d for %s was left in doubt (%s): it can be settled by sending again or reading back", name, a.ID, k, a.LastError)
					if !reported[a.ID] {
						t.Errorf("%s: in-doubt action %d for %s was not reported to the managers", name, a.ID, k)
					}
				default:
					af.other++
					t.Errorf("%s: action %d for %s ended %s (%s)", name, a.ID, k, a.State, a.LastError)
				}
			}
			if got == 0 {
				t.Errorf("%s: %s for %s was never received", name, kind, k)
			}
			if got-again > 1 {
				t.Errorf("%s: %s for %s was received %d times (%d marked as a repeat)", name, kind, k, got, again)
			}
		}
		return af
	}
	fig.alerts = check("alerts", core.ActionAlert, intentAlert, alertsSent, alertsRepeated)
	fig.replies = check("thank-yous", core.ActionThankPublic, intentThanks, repliesSent, nil)
	if v := tg.Violations(); len(v) > 0 {
		t.Errorf("the fake Telegram saw %d bad calls: %q", len(v), v)
	}
	return fig
}

// refetchedPages counts mentions pages the fake served more than once with
// posts in them: a kill after the fetch and before the save made the next
// run fetch the page again.
func refetchedPages(reqs []xtest.Request) int {
	seen := map[string]bool{}
	n := 0
	for _, r := range reqs {
		if !strings.HasSuffix(r.Path, "/mentions") || r.Status != http.StatusOK || r.Results == 0 {
			continue
		}
		k := r.Query.Get("since_id") + "|" + r.Query.Get("pagination_token")
		if seen[k] {
			n++
		}
		seen[k] = true
	}
	return n
}

func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
