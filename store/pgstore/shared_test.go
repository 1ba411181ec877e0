package pgstore

import (
	"context"
	"time"
)

// Shared by the package's outbox, bot and web tests.
var (
	ctx = context.Background()
	t0  = time.Date(2026, 11, 22, 6, 30, 0, 0, time.UTC)
)
