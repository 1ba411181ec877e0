package storetest

import (
	"testing"
	"time"
)

var _ = add(
	test{"Web/SignInLinkUsedOnce", testUseWebLink},
	test{"Web/SessionsPutGetPrune", testWebSessions},
)

func testUseWebLink(t *testing.T, open Opener) {
	db := empty(t, open)
	exp := t0.Add(10 * time.Minute)
	if ok, err := db.UseWebLink(ctx, "n1", exp, t0); err != nil || !ok {
		t.Fatalf("first use = %v, %v; want true", ok, err)
	}
	if ok, err := db.UseWebLink(ctx, "n1", exp, t0.Add(time.Minute)); err != nil || ok {
		t.Fatalf("second use = %v, %v; want false", ok, err)
	}
	if ok, err := db.UseWebLink(ctx, "n2", exp, t0.Add(time.Minute)); err != nil || !ok {
		t.Fatalf("another link's first use = %v, %v; want true", ok, err)
	}
}

func testWebSessions(t *testing.T, open Opener) {
	db := empty(t, open)
	if _, ok, err := db.WebSession(ctx, "a"); err != nil || ok {
		t.Fatalf("session a on a new database: %v, %v; want none", ok, err)
	}
	if err := db.PutWebSession(ctx, "a", []byte("1")); err != nil {
		t.Fatal(err)
	}
	if err := db.PutWebSession(ctx, "b", []byte("2")); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := db.WebSession(ctx, "a"); err != nil || !ok || string(v) != "1" {
		t.Fatalf("session a = %q %v %v", v, ok, err)
	}
	n, err := db.PruneWebSessions(ctx, func(rec []byte) bool { return string(rec) == "2" })
	if err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want 1", n, err)
	}
	if _, ok, _ := db.WebSession(ctx, "a"); ok {
		t.Fatal("pruned session a is still there")
	}
	if err := db.PutWebSession(ctx, "b", nil); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.WebSession(ctx, "b"); ok {
		t.Fatal("deleted session b is still there")
	}
}
