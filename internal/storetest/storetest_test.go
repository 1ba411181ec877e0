package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/shenava/shenava/store"
)

func TestMustOpen(t *testing.T) {
	t.Parallel()
	tehran := time.FixedZone("Asia/Tehran", 3*3600+1800)
	a := MustOpen(t, store.Options{Location: tehran})
	b := MustOpen(t, store.Options{})
	if a == b {
		t.Fatal("two calls gave the same store, want one each")
	}
	if day, err := a.LastDigestDay(context.Background()); err != nil || day != "" {
		t.Fatalf("LastDigestDay=%q, %v; want an empty store", day, err)
	}
}
