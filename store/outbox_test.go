package store_test

import (
	"testing"

	"spotcheck"
	"spotcheck/store"
)

// TestEnqueueOutbox: a record is enqueued pending with its idempotency
// key; the same kind, key and version again is refused, and a bad record
// is refused with its reason, nothing stored.
func TestEnqueueOutbox(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		r := &spotcheck.OutboxRecord{Kind: spotcheck.OutboxKindCredit, Key: "pub-1", Version: 1, Payload: []byte(`{"a":1}`)}
		if err := db.EnqueueForTest(ctx, r); err != nil || r.ID == 0 {
			t.Fatalf("enqueue: %v (id %d)", err, r.ID)
		}
		if err := db.EnqueueForTest(ctx, &spotcheck.OutboxRecord{Kind: r.Kind, Key: r.Key, Version: 1, Payload: []byte(`{}`)}); err == nil {
			t.Error("the same record version enqueued twice")
		}
		if err := db.EnqueueForTest(ctx, &spotcheck.OutboxRecord{Kind: r.Kind, Key: "pub/1", Version: 1, Payload: []byte(`{}`)}); spotcheck.ErrorCode(err) != spotcheck.EINVALID {
			t.Errorf("a key with a slash: %v", err)
		}
		var n int
		var key, state string
		if err := db.QueryRowForTest(ctx, `SELECT count(*), min(idem_key), min(state) FROM outbox`).Scan(&n, &key, &state); err != nil {
			t.Fatal(err)
		}
		if n != 1 || key != "spotcheck/credit/pub-1/v1" || state != spotcheck.OutboxPending {
			t.Errorf("outbox: %d rows, key %q, state %q", n, key, state)
		}
	})
}
