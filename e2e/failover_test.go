package e2e

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/pgtest"
	"github.com/shenava/shenava/internal/sharedtest"
	"github.com/shenava/shenava/internal/telegramtest"
	"github.com/shenava/shenava/internal/xtest"
	"github.com/shenava/shenava/replica"
	"github.com/shenava/shenava/store"
	"github.com/shenava/shenava/store/pgstore"
)

var (
	failoverKills = flag.Int("failover.kills", 20, "SIGKILLs of the source's holder in TestFailover_KillHolder")
	failoverSeed  = flag.Uint64("failover.seed", 20261201, "seed of TestFailover_KillHolder's kill schedule")
)

const (
	failoverPerRun   = 3
	failoverBase     = 1880000000000000000
	failoverLeaseTTL = time.Second
	failoverSource   = "source:replay"
)

// TestFailover_KillHolder runs two replicas of the real binary on one
// PostgreSQL database (storage.replica r1 and r2, storage.lease_ttl 1s)
// with a JSONL source, a fake Bot API and a fake X (thank-yous are replies
// there), both answering slowly. Before each kill new mentions are appended to the file; after a
// random moment the replica holding the source's lease is killed with
// SIGKILL, the other must take the source over within the documented
// bound (replica.TakeoverBound: TTL + TTL/3) and go on from the saved
// cursor, and the killed one is started again, so that two are up at
// every kill. At the end every mention is stored once, every alert
// delivered, no thank-you sent twice, at most one getUpdates consumer
// was ever polling Telegram, and the test prints the counts and the
// takeover times.
//
//	go test -run TestFailover -v ./e2e/
//	go test -run TestFailover -v ./e2e/ -failover.kills 50 -failover.seed 7
func TestFailover_KillHolder(t *testing.T) {
	t.Parallel()
	kills := *failoverKills
	began := time.Now()
	bin := mustBinary(t)
	dsn := pgtest.DSN(t)
	rng := rand.New(rand.NewPCG(*failoverSeed, *failoverSeed^0xfa11))
	// Both fakes answer slowly (the call takes effect, then the answer
	// waits), so kills land while alerts and replies are on the wire.
	latency := &lockedRand{r: rand.New(rand.NewPCG(*failoverSeed+1, 7))}
	slow := func() time.Duration { return latency.between(10*time.Millisecond, 60*time.Millisecond) }

	cl := newClassifier(t, []string{"shenava"})
	ss := samples(t)
	complaints := cl.pick(t, ss, intentAlert, 40, "@shenava ")
	referrals := cl.pick(t, ss, intentThanks, 40, "@shenava ")
	var all []crashFixture
	for i := range (kills + 1) * failoverPerRun {
		f := crashFixture{id: fmt.Sprint(failoverBase + i), handle: fmt.Sprintf("ruser%d", i), file: true,
			want: intentAlert, text: complaints[i%len(complaints)]}
		if i%2 == 1 {
			f.want, f.text = intentThanks, referrals[i%len(referrals)]
		}
		all = append(all, f)
	}

	tg := telegramtest.New(t)
	tg.AddChat(telegramtest.Supergroup(crashAlertChat, "Shenava support", ""))
	// Telegram refuses a second getUpdates consumer; count any overlap.
	consumers := &overlapCounter{}
	isUpdates := func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/getUpdates") }
	tgSlow := slowProxy(t, tg.URL(), slow, isUpdates)
	tgProxy := proxy(t, tgSlow.URL, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if isUpdates(r) {
				defer consumers.enter()()
			}
			next.ServeHTTP(w, r)
		})
	})
	xs := xtest.New(t, xtest.WithLatency(slow))

	dir := t.TempDir()
	jsonl := filepath.Join(dir, "mentions.jsonl")
	writeFile(t, jsonl, "", 0o600)
	names := []string{"r1", "r2"}
	health := map[string]string{}
	cfgs := map[string]string{}
	for _, n := range names {
		health[n] = sharedtest.FreeAddr(t)
		cfgs[n] = filepath.Join(dir, n+".yaml")
		writeFile(t, cfgs[n], failoverConfig(xs.URL(), tgProxy.URL, health[n], n), 0o600)
	}
	env := []string{
		"TELEGRAM_BOT_TOKEN=" + tg.Token(),
		"X_BEARER_TOKEN=" + xtest.DefaultBearerToken,
		"X_OAUTH2_USER_TOKEN=" + xtest.DefaultUserToken,
		"DATABASE_URL=" + dsn,
	}
	revealed := 0
	reveal := func(upTo int) {
		revealed = appendFixtures(t, jsonl, all, revealed, upTo, 5000000000000000000, crashDay.Add(2*time.Hour))
	}

	var outputs []*logBuffer
	procs := map[string]*proc{}
	start := func(n string) {
		out := &logBuffer{}
		outputs = append(outputs, out)
		procs[n] = startDaemon(t, bin, cfgs[n], env, out)
	}
	dumpOnFailure := func() {
		if !t.Failed() {
			return
		}
		for i, out := range outputs {
			if s := grepLines(out.String(), "ERROR"); s != "" {
				t.Logf("run %d errors:\n%s", i, s)
			}
		}
	}
	defer dumpOnFailure()
	reveal(failoverPerRun)
	start("r1")
	start("r2")

	// The table is read directly: which process holds the source now.
	var db *pgstore.DB
	waitFor(t, "the schema", 30*time.Second, func() bool {
		var err error
		db, err = pgstore.Open(context.Background(), pgstore.Options{DSN: dsn, NoMigrate: true})
		return err == nil
	})
	defer db.Close()
	holderOf := func() (string, bool) {
		ls, err := db.Leases(context.Background())
		if err != nil {
			return "", false
		}
		for _, l := range ls {
			if l.Name == failoverSource && l.Live {
				return l.Holder, true
			}
		}
		return "", false
	}
	procHolder := func(h string) (string, bool) {
		for _, n := range names {
			if p := procs[n]; p != nil && strings.HasPrefix(h, fmt.Sprintf("%s/%d/", n, p.cmd.Process.Pid)) {
				return n, true
			}
		}
		return "", false
	}
	bound := replica.TakeoverBound(failoverLeaseTTL)
	var takeovers []time.Duration
	for run := range kills {
		var holder string
		waitFor(t, "a replica to hold the source", 30*time.Second, func() bool {
			h, ok := holderOf()
			if !ok {
				return false
			}
			holder, ok = procHolder(h)
			return ok
		})
		if run == 0 {
			checkLeaseHealth(t, health, holder)
		}
		reveal((run + 2) * failoverPerRun)
		time.Sleep(50*time.Millisecond + time.Duration(rng.Int64N(int64(950*time.Millisecond))))
		if h, _ := holderOf(); !strings.HasPrefix(h, holder+"/") {
			// The lease moved on its own (it must not, with both up): the
			// kill goes to whoever holds it now.
			t.Errorf("run %d: the source's lease moved from %s to %q without a kill", run, holder, h)
			if holder, _ = procHolder(h); holder == "" {
				continue
			}
		}
		other := names[0]
		if other == holder {
			other = names[1]
		}
		killed := time.Now()
		procs[holder].stop(syscall.SIGKILL, 10*time.Second)
		var took time.Duration
		waitFor(t, fmt.Sprintf("%s to take the source over from %s", other, holder), 10*bound, func() bool {
			h, ok := holderOf()
			if ok && strings.HasPrefix(h, other+"/") {
				took = time.Since(killed)
				return true
			}
			return false
		})
		takeovers = append(takeovers, took)
		if took > bound+200*time.Millisecond { // the table is read every 10 ms, the kill takes a moment
			t.Errorf("run %d: %s took the source over %v after %s was killed; the bound is %v", run, other, took.Round(time.Millisecond), holder, bound)
		}
		start(holder)
	}

	// The finish: everything revealed, both run until the last mention is
	// stored and the outbox is empty, then SIGTERM.
	reveal(len(all))
	ctx := context.Background()
	waitFor(t, "every mention stored and every action done", 90*time.Second, func() bool {
		n, err := db.MentionCount(ctx)
		if err != nil || n < len(all) {
			return false
		}
		st, err := db.Outbox(ctx)
		return err == nil && st.Pending == 0 && failoverSettled(ctx, db)
	})
	// A replica started a moment ago may still be loading (before main
	// handles signals, SIGTERM would simply kill it): each must answer
	// /healthz first.
	for name, addr := range health {
		waitFor(t, name+"'s /healthz before the clean stop", 30*time.Second, func() bool {
			resp, err := http.Get("http://" + addr + "/healthz")
			if err != nil {
				return false
			}
			resp.Body.Close()
			return true
		})
	}
	for _, n := range names {
		if !procs[n].stop(syscall.SIGTERM, 30*time.Second) {
			t.Fatalf("SIGTERM did not stop %s within 30s", n)
		}
		if procs[n].err != nil {
			t.Fatalf("%s stopped with %v after SIGTERM", n, procs[n].err)
		}
	}
	if ls, err := db.Leases(ctx); err != nil || slices.ContainsFunc(ls, func(l pgstore.Lease) bool { return l.Live }) {
		t.Errorf("leases left after a clean stop of both: %+v, %v", ls, err)
	}

	fig := verifyDeliveries(t, db, all, tg, xs)
	fig.kills, fig.finals, fig.elapsed = kills, 1, time.Since(began)
	if o := consumers.max(); o > 1 {
		t.Errorf("%d getUpdates consumers polled Telegram at once", o)
	}
	slices.Sort(takeovers)
	var sum time.Duration
	for _, d := range takeovers {
		sum += d
	}
	t.Logf("failover figures (seed %d, lease TTL %v, bound %v):\n%s  takeovers                  %d, min %v, median %v, max %v, mean %v\n  takeover times             %v\n  getUpdates consumers       at most %d at once",
		*failoverSeed, failoverLeaseTTL, bound, fig, len(takeovers),
		takeovers[0].Round(time.Millisecond), takeovers[len(takeovers)/2].Round(time.Millisecond),
		takeovers[len(takeovers)-1].Round(time.Millisecond), (sum / time.Duration(len(takeovers))).Round(time.Millisecond),
		roundAll(takeovers), consumers.max())
}

// checkLeaseHealth checks that each replica's /healthz names it, and that
// the source's lease is listed by holder's only.
func checkLeaseHealth(t *testing.T, health map[string]string, holder string) {
	t.Helper()
	for name, addr := range health {
		var h struct {
			Replica string
			Leases  []string
		}
		waitFor(t, name+"'s /healthz", 30*time.Second, func() bool {
			resp, err := http.Get("http://" + addr + "/healthz")
			if err != nil {
				return false
			}
			defer resp.Body.Close()
			return json.NewDecoder(resp.Body).Decode(&h) == nil && h.Leases != nil
		})
		if h.Replica != name {
			t.Errorf("%s's /healthz says replica %q", name, h.Replica)
		}
		if has := slices.Contains(h.Leases, failoverSource); has != (name == holder) {
			t.Errorf("%s's /healthz lists leases %v (the holder is %s)", name, h.Leases, holder)
		}
	}
}

// failoverSettled reports whether no action waits or is being sent.
func failoverSettled(ctx context.Context, db *pgstore.DB) bool {
	for _, st := range []core.ActionState{core.ActionPending, core.ActionSending} {
		as, err := db.Actions(ctx, store.ActionFilter{State: st, Limit: 1})
		if err != nil || len(as) > 0 {
			return false
		}
	}
	return true
}

func roundAll(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d.Round(time.Millisecond)
	}
	return out
}

// overlapCounter tracks how many requests are in flight at once.
type overlapCounter struct {
	mu       sync.Mutex
	now, top int
}

func (c *overlapCounter) enter() func() {
	c.mu.Lock()
	c.now++
	c.top = max(c.top, c.now)
	c.mu.Unlock()
	return func() {
		c.mu.Lock()
		c.now--
		c.mu.Unlock()
	}
}

func (c *overlapCounter) max() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.top
}

func failoverConfig(xURL, tgURL, health, name string) string {
	return daemonConfig(xURL, tgURL, health, fmt.Sprintf(`  driver: postgres
  dsn: ${DATABASE_URL}
  max_conns: 4
  replica: %s
  lease_ttl: %s
`, name, failoverLeaseTTL))
}
