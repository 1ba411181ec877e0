package instagram

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

func igMention(id, conv string, at time.Time) core.Mention {
	return core.Mention{Platform: core.PlatformInstagram, NativeID: id, ConversationID: conv, ReplyToID: conv,
		Author: core.Author{ID: "u-sara", Handle: "sara"}, Text: "where is my order", CreatedAt: at}
}

func TestReply_Public(t *testing.T) {
	f := newFakeGraph(t)
	c := f.client(f.config())
	for _, tc := range []struct {
		name string
		m    core.Mention
		edge string
		form string
	}{
		{"Comment", igMention("c1", "m1", t0), "c1/replies", "message=Sorry"},
		{"Caption", igMention("m1", "m1", t0), "m1/comments", "message=Sorry"},
		{"MentionedComment", igMention("c9", mentionedPrefix+"m9", t0), testUser + "/mentions", "comment_id=c9&media_id=m9&message=Sorry"},
		{"MentionedCaption", igMention("m9", mentionedPrefix+"m9", t0), testUser + "/mentions", "media_id=m9&message=Sorry"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref, err := c.Reply(bg, tc.m, "Sorry")
			if err != nil || ref == "" {
				t.Fatalf("Reply = %q, %v", ref, err)
			}
			got := f.replies[len(f.replies)-1]
			edge := got.Get("_edge")
			got.Del("_edge")
			if edge != tc.edge || got.Encode() != tc.form {
				t.Errorf("POST %s %s, want %s %s", edge, got.Encode(), tc.edge, tc.form)
			}
		})
	}
}

func TestReply_Private(t *testing.T) {
	f := newFakeGraph(t)
	c := f.client(f.config())
	ref, err := c.DirectMessage(bg, igMention("c1", "m1", t0.Add(-6*24*time.Hour)), "Please DM us your order number")
	if err != nil || !strings.HasPrefix(ref, "m_") {
		t.Fatalf("DirectMessage = %q, %v", ref, err)
	}
	got := fmt.Sprint(f.messages)
	want := "[map[_sender:" + testUser + " message:map[text:Please DM us your order number] recipient:map[comment_id:c1]]]"
	if got != want {
		t.Errorf("messages body %s, want %s", got, want)
	}
	// After the window: refused without a call, permanently, saying why.
	n := len(f.log())
	_, err = c.DirectMessage(bg, igMention("c2", "m1", t0.Add(-8*24*time.Hour)), "late")
	if !errors.Is(err, core.ErrUnsupported) || !errors.Is(err, core.ErrPermanent) || !strings.Contains(err.Error(), "window") {
		t.Errorf("after the window: %v", err)
	}
	if len(f.log()) != n {
		t.Error("a private reply after the window reached the API")
	}
	if c.PrivateReplyOpen(igMention("c2", "m1", t0.Add(-8*24*time.Hour))) {
		t.Error("PrivateReplyOpen after 8 days")
	}
	// With Facebook Login the message is sent as the linked Page.
	cfg := f.config()
	cfg.Login, cfg.PageID = LoginFacebook, "104000000000001"
	if _, err := f.client(cfg).DirectMessage(bg, igMention("c3", "m1", t0), "hi"); err != nil {
		t.Fatal(err)
	}
	if s := f.messages[len(f.messages)-1]["_sender"]; s != "104000000000001" {
		t.Errorf("facebook login sender %v, want the page", s)
	}
	if q := f.log()[len(f.log())-1]; !strings.Contains(q, "appsecret_proof="+appSecretProof(testToken, testSecret)) {
		t.Errorf("facebook login call without appsecret_proof: %s", q)
	}
}

func TestReply_Refused(t *testing.T) {
	f := newFakeGraph(t)
	c := f.client(f.config())
	own := igMention("c1", "m1", t0)
	own.Author = core.Author{ID: testUser, Handle: "shenava.cafe"}
	for name, call := range map[string]func() error{
		"OwnPublic":  func() error { _, err := c.Reply(bg, own, "x"); return err },
		"OwnPrivate": func() error { _, err := c.DirectMessage(bg, own, "x"); return err },
		"Empty":      func() error { _, err := c.Reply(bg, igMention("c1", "m1", t0), " "); return err },
		"TooLong":    func() error { _, err := c.Reply(bg, igMention("c1", "m1", t0), strings.Repeat("a", 2201)); return err },
		"OtherPlatform": func() error {
			m := igMention("c1", "m1", t0)
			m.Platform = core.PlatformX
			_, err := c.Reply(bg, m, "x")
			return err
		},
		"CaptionPrivately": func() error {
			_, err := c.DirectMessage(bg, igMention("m9", mentionedPrefix+"m9", t0), "x")
			return err
		},
	} {
		if err := call(); !errors.Is(err, core.ErrPermanent) {
			t.Errorf("%s: %v, want a permanent refusal", name, err)
		}
	}
	if len(f.log()) != 0 {
		t.Errorf("refused answers reached the API: %v", f.log())
	}
}

func TestReply_APIErrors(t *testing.T) {
	f := newFakeGraph(t)
	c := f.client(f.config())
	f.failNext("POST c1/replies", fakeFailure{status: 400, file: "error_10.json"})
	_, err := c.Reply(bg, igMention("c1", "m1", t0), "x")
	if !errors.Is(err, core.ErrPermanent) || !strings.Contains(err.Error(), "permission") {
		t.Errorf("missing permission: %v", err)
	}
	f.failNext("POST c1/replies", fakeFailure{status: 500, file: "error_100_33.json"})
	if _, err := c.Reply(bg, igMention("c1", "m1", t0), "x"); err == nil || errors.Is(err, core.ErrPermanent) {
		t.Errorf("5xx: %v, want a retryable error", err)
	}
}

func TestHide(t *testing.T) {
	f := newFakeGraph(t)
	c := f.client(f.config())
	if err := c.Hide(bg, igMention("c1", "m1", t0), true); err != nil {
		t.Fatal(err)
	}
	if f.hidden["c1"] != "true" {
		t.Errorf("hidden %v", f.hidden)
	}
	if err := c.Hide(bg, igMention("c9", mentionedPrefix+"m9", t0), true); !errors.Is(err, core.ErrUnsupported) {
		t.Errorf("hiding a comment on someone else's post: %v", err)
	}
	own := igMention("c2", "m1", t0)
	own.Author = core.Author{ID: testUser}
	if err := c.Hide(bg, own, true); !errors.Is(err, core.ErrUnsupported) {
		t.Errorf("hiding the brand's own comment: %v", err)
	}
	if err := c.Hide(bg, igMention("m1", "m1", t0), true); !errors.Is(err, core.ErrUnsupported) {
		t.Errorf("hiding a post: %v", err)
	}
	if n := f.count("POST"); n != 1 {
		t.Errorf("%d hide requests, want only the one allowed: %q", n, f.log())
	}
}

func TestCapabilitiesFor(t *testing.T) {
	f := newFakeGraph(t)
	c := f.client(f.config())
	own := igMention("c1", "m1", t0)
	own.Author = core.Author{ID: testUser}
	for name, tc := range map[string]struct {
		m    core.Mention
		want core.Capabilities
	}{
		"Fresh":          {igMention("c1", "m1", t0.Add(-time.Hour)), core.Capabilities{Reply: true, DirectMessage: true, Hide: true}},
		"WindowPassed":   {igMention("c1", "m1", t0.Add(-8*24*time.Hour)), core.Capabilities{Reply: true, Hide: true, Limit: core.LimitPrivateWindow}},
		"OldCaption":     {igMention("m9", mentionedPrefix+"m9", t0.Add(-8*24*time.Hour)), core.Capabilities{Reply: true}},
		"MentionComment": {igMention("c9", mentionedPrefix+"m9", t0), core.Capabilities{Reply: true, DirectMessage: true}},
		"CaptionMention": {igMention("m9", mentionedPrefix+"m9", t0), core.Capabilities{Reply: true}},
		"Own":            {own, core.Capabilities{}},
	} {
		if got := c.CapabilitiesFor(tc.m); got != tc.want {
			t.Errorf("%s: %+v, want %+v", name, got, tc.want)
		}
	}
}
