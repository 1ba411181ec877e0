package telegramuser

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gotd/td/tg"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/mtprototest"
)

var bg = context.Background()

func TestLogin_SessionAndCheck(t *testing.T) {
	f := mtprototest.New(t)
	f.AddChannel(1001, "koala_news", "Koala News")
	dir := t.TempDir()
	c := newCollector(t, f, Config{Channels: []string{"@koala_news"}}, dir)
	if err := c.Check(bg); !errors.Is(err, ErrNotSignedIn) {
		t.Fatalf("Check before login = %v, want ErrNotSignedIn", err)
	}
	out := signIn(t, c)
	for _, want := range []string{"Phone number", "code Telegram sent", "Two-step verification password"} {
		if !strings.Contains(out, want) {
			t.Errorf("login prompts lack %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, mtprototest.Password) || strings.Contains(out, mtprototest.Code) {
		t.Error("the login output echoes a secret")
	}
	st, err := os.Stat(c.cfg.SessionFile)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("session file: %v, mode %v; want 0600", err, st.Mode())
	}
	data, _ := os.ReadFile(c.cfg.SessionFile)
	if strings.Contains(string(data), mtprototest.Password) || strings.Contains(string(data), mtprototest.Phone) {
		t.Error("the session file holds the password or the phone number")
	}
	// A restart reads the session: signed in, and the channels resolve.
	c2 := newCollector(t, f, Config{Channels: []string{"koala_news"}}, dir)
	if err := c2.Check(bg); err != nil {
		t.Fatalf("Check after login: %v", err)
	}
	c3 := newCollector(t, f, Config{Channels: []string{"koala_nope"}}, dir)
	if err := c3.Check(bg); err == nil || !strings.Contains(err.Error(), "@koala_nope: no such public channel") {
		t.Errorf("Check with a wrong channel: %v", err)
	}
	// A second login is a no-op.
	if u, err := c2.Login(bg, strings.NewReader(""), &strings.Builder{}); err != nil || u.ID != mtprototest.Self.ID {
		t.Errorf("login when signed in: %v", err)
	}
}

func TestLogin_WrongPassword(t *testing.T) {
	f := mtprototest.New(t)
	c := newCollector(t, f, Config{Search: []string{"koala"}, SearchInterval: time.Hour}, t.TempDir())
	_, err := c.Login(bg, strings.NewReader(mtprototest.Phone+"\n"+mtprototest.Code+"\nwrong\n"), &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), "password") {
		t.Errorf("wrong password: %v", err)
	}
}

func TestRun_NotSignedIn(t *testing.T) {
	f := mtprototest.New(t)
	f.AddChannel(1001, "koala_news", "Koala News")
	c := newCollector(t, f, Config{Channels: []string{"koala_news"}}, t.TempDir())
	running(t, c)
	_, err := c.Channels()[0].Fetch(bg, "")
	if !errors.Is(err, ErrNotSignedIn) {
		t.Errorf("Fetch without a session: %v", err)
	}
}

func TestChannel_CursorAcrossRestarts(t *testing.T) {
	f := mtprototest.New(t)
	f.AddChannel(1001, "koala_news", "Koala News")
	f.AddUser(&tg.User{ID: 555, Username: "reza_k", FirstName: "Reza"})
	f.Post("koala_news", "old news about koala", t0.Add(-48*time.Hour), 0)
	f.Post("koala_news", "کوالا سفارشم رو دیر آورد", t0.Add(-time.Hour), 555)
	f.Post("koala_news", "", t0.Add(-time.Hour), 0) // a photo without caption
	dir := t.TempDir()
	cfg := Config{Channels: []string{"koala_news"}, MaxPages: 2}
	c := signedIn(t, f, cfg, dir)
	src := c.Channels()[0]
	if src.Name() != "telegram-channel-koala_news" {
		t.Errorf("name %q", src.Name())
	}
	b, err := src.Fetch(bg, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Mentions) != 1 || b.Cursor != "3" || b.More {
		t.Fatalf("first read: %d mentions, cursor %q, more %v; want the recent post only, cursor 3", len(b.Mentions), b.Cursor, b.More)
	}
	m := b.Mentions[0]
	want := core.Mention{Platform: core.PlatformTelegram, NativeID: "-1001001:2", URL: "https://t.me/koala_news/2",
		Author: core.Author{ID: "555", Handle: "reza_k", Name: "Reza"}, Text: "کوالا سفارشم رو دیر آورد",
		CreatedAt: t0.Add(-time.Hour), FetchedAt: t0, ConversationID: "-1001001"}
	if m.Key() != "telegram:-1001001:2" || m.URL != want.URL || m.Author != want.Author || !m.CreatedAt.Equal(want.CreatedAt) || m.Validate() != nil {
		t.Errorf("mention %+v\nwant %+v", m, want)
	}
	// 250 new posts: read forward in pages, over restarts, each once.
	for i := range 250 {
		f.Post("koala_news", "koala post "+itoa(i), t0.Add(time.Duration(i)*time.Second), 0)
	}
	cursor, got := b.Cursor, map[string]int{}
	for calls := 0; ; calls++ {
		c := newCollector(t, f, cfg, dir) // a restart
		running(t, c)
		b, err := c.Channels()[0].Fetch(bg, cursor)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range b.Mentions {
			got[m.NativeID]++
		}
		cursor = b.Cursor
		if !b.More {
			break
		}
		if calls > 10 {
			t.Fatal("never done")
		}
	}
	if len(got) != 250 || cursor != "253" {
		t.Fatalf("read %d distinct posts, cursor %s; want 250 and 253", len(got), cursor)
	}
	for id, n := range got {
		if n != 1 {
			t.Fatalf("%s read %d times", id, n)
		}
	}
	if m := got["-1001001:4"]; m != 1 {
		t.Error("the first new post was skipped")
	}
	// Nothing new: no mention, the cursor stays.
	b, err = c.Channels()[0].Fetch(bg, cursor)
	if err != nil || len(b.Mentions) != 0 || b.Cursor != cursor {
		t.Errorf("idle read: %v, %d mentions, cursor %q", err, len(b.Mentions), b.Cursor)
	}
	// A channel post's author is the channel, its views the reach.
	f.Post("koala_news", "koala opens a new branch", t0, 0)
	b, _ = c.Channels()[0].Fetch(bg, cursor)
	if len(b.Mentions) != 1 || b.Mentions[0].Author != (core.Author{ID: "-1001001", Handle: "koala_news", Name: "Koala News", Followers: 1200}) {
		t.Errorf("channel post author: %+v", b.Mentions)
	}
}

func TestChannel_FloodWaitAndBadAnswers(t *testing.T) {
	f := mtprototest.New(t)
	f.AddChannel(1001, "koala_news", "Koala News")
	f.Post("koala_news", "koala", t0, 0)
	c := signedIn(t, f, Config{Channels: []string{"koala_news"}}, t.TempDir())
	src := c.Channels()[0]

	f.Fault(tg.MessagesGetHistoryRequestTypeID, mtprototest.FloodWait("7"))
	_, err := src.Fetch(bg, "0")
	if ra, ok := core.RetryAfter(err); !ok || ra != 7*time.Second {
		t.Fatalf("FLOOD_WAIT_7: %v, want a 7s rate-limit wait", err)
	}
	// The wait holds for every request of the account.
	var slept time.Duration
	c.sleep = func(_ context.Context, d time.Duration) error { slept += d; return nil }
	if _, err := src.Fetch(bg, "0"); err != nil {
		t.Fatal(err)
	}
	if slept < 7*time.Second {
		t.Errorf("the next request waited %s, want the 7s Telegram asked", slept)
	}

	f.Fault(tg.MessagesGetHistoryRequestTypeID, mtprototest.WrongType)
	if _, err := src.Fetch(bg, "0"); err == nil {
		t.Error("an answer of the wrong type was accepted")
	}
	if _, err := src.Fetch(bg, "x"); !errors.Is(err, core.ErrInvalid) {
		t.Errorf("bad cursor: %v", err)
	}
	// An empty channel: no mention, cursor unchanged.
	f.AddChannel(1002, "koala_empty", "Empty")
	c2 := &ChannelSource{c: c, username: "koala_empty"}
	b, err := c2.Fetch(bg, "")
	if err != nil || len(b.Mentions) != 0 || b.Cursor != "0" {
		t.Errorf("empty channel: %v %+v", err, b)
	}
	f.Fault(tg.ContactsResolveUsernameRequestTypeID, mtprototest.FloodWait("3"))
	c3 := &ChannelSource{c: c, username: "koala_other"}
	if _, err := c3.Fetch(bg, ""); err == nil {
		t.Error("resolve under FLOOD_WAIT succeeded")
	} else if _, ok := core.RetryAfter(err); !ok {
		t.Errorf("resolve FLOOD_WAIT: %v", err)
	}
}

func TestSearch_PagesAndCursor(t *testing.T) {
	f := mtprototest.New(t)
	f.AddChannel(1001, "koala_news", "Koala News")
	f.AddChannel(1003, "iran_food", "Iran Food")
	var all []*tg.Message
	for i := range 230 {
		ch := "koala_news"
		if i%2 == 0 {
			ch = "iran_food"
		}
		all = append(all, f.Post(ch, "koala review "+itoa(i), t0.Add(-time.Duration(230-i)*time.Minute), 0))
	}
	// Newest first, as Telegram answers.
	var newestFirst []*tg.Message
	for i := len(all) - 1; i >= 0; i-- {
		newestFirst = append(newestFirst, all[i])
	}
	f.SetSearch("koala", newestFirst)
	dir := t.TempDir()
	cfg := Config{Search: []string{"koala"}, SearchInterval: time.Hour, MaxPages: 2}
	c := signedIn(t, f, cfg, dir)
	got := map[string]int{}
	cursor := ""
	for calls := 0; ; calls++ {
		b, err := c.Search().Fetch(bg, cursor)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range b.Mentions {
			got[m.Key()]++
		}
		cursor = b.Cursor
		if !b.More {
			break
		}
		if calls > 5 {
			t.Fatal("never done")
		}
	}
	if len(got) != 230 {
		t.Fatalf("search found %d distinct, want 230", len(got))
	}
	for k, n := range got {
		if n != 1 {
			t.Fatalf("%s found %d times", k, n)
		}
	}
	// Later: only what is new (and the newest second again, deduplicated
	// downstream).
	n := f.Post("koala_news", "koala is great", t0.Add(time.Minute), 0)
	f.SetSearch("koala", append([]*tg.Message{n}, f.Search("koala")...))
	b, err := c.Search().Fetch(bg, cursor)
	if err != nil || len(b.Mentions) == 0 || len(b.Mentions) > 2 || b.Mentions[0].URL != "https://t.me/koala_news/"+itoa(n.ID) {
		t.Errorf("second search: %v, %d mentions", err, len(b.Mentions))
	}
	f.Fault(tg.MessagesSearchGlobalRequestTypeID, mtprototest.FloodWait("30"))
	if _, err := c.Search().Fetch(bg, cursor); err == nil {
		t.Error("FLOOD_WAIT ignored")
	}
	// Every request waited its turn: with the clock standing still, each
	// waits one request interval more than the one before.
	waits := slept(c)
	if len(waits) < 3 {
		t.Fatalf("requests were not paced: slept %v", waits)
	}
	for i := 1; i < len(waits); i++ {
		if waits[i]-waits[i-1] != MinRequestInterval {
			t.Fatalf("request %d waited %v after %v, want %v more: %v", i, waits[i], waits[i-1], MinRequestInterval, waits)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
