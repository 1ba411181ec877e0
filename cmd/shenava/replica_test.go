package main

import (
	"testing"

	"github.com/shenava/shenava/replica"
	"github.com/shenava/shenava/store"
)

// storage.lease_ttl's default (the store package owns the section) is the
// one the replica package documents its timing by.
func TestLeaseTTLDefaultAgrees(t *testing.T) {
	t.Parallel()
	if store.DefaultLeaseTTL != replica.DefaultLeaseTTL {
		t.Fatalf("store.DefaultLeaseTTL %v, replica.DefaultLeaseTTL %v", store.DefaultLeaseTTL, replica.DefaultLeaseTTL)
	}
}
