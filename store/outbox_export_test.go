package store

import (
	"context"

	"spotcheck"
)

// EnqueueForTest enqueues r in a transaction of its own, as a publication
// does in its own (the tests of the outbox have no publications).
func (db *DB) EnqueueForTest(ctx context.Context, r *spotcheck.OutboxRecord) error {
	return db.inTx(ctx, func(t *tx) error { return enqueueOutbox(ctx, t, r) })
}
