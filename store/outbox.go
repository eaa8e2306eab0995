package store

import (
	"context"

	"spotcheck"
)

// The outbox (migration 0022; spotcheck.OutboxRecord): enqueueOutbox
// writes a record to send in the transaction of what it reports, so a
// publication and its push commit or roll back together. The worker that
// sends the records, retries and gives up is store/outbox_*.go.

// enqueueOutbox adds r, pending from now, within t. The same kind, key
// and version twice is a conflict: a correction is a new version.
func enqueueOutbox(ctx context.Context, t *tx, r *spotcheck.OutboxRecord) error {
	if err := r.Validate(); err != nil {
		return err
	}
	now := t.db.now()
	return t.QueryRowContext(ctx, `INSERT INTO outbox (kind, record_key, version, idem_key, payload, state, next_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
		r.Kind, r.Key, r.Version, r.IdempotencyKey(), string(r.Payload), spotcheck.OutboxPending, now).Scan(&r.ID)
}
