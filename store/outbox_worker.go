package store

import (
	"cmp"
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"spotcheck"
)

// The outbox's worker: it claims due records, hands each to a sender and
// records the outcome under spotcheck.OutboxPolicy.
//
// A claim is a short transaction that takes a lease on the records: it
// moves their next_at to the lease's end and increments attempts, so no
// other worker (another server process on the same PostgreSQL) claims
// them before the lease ends. On PostgreSQL the claim's SELECT … FOR
// UPDATE SKIP LOCKED passes over the rows another worker is claiming at
// that moment instead of waiting for them; on SQLite the one writer does
// the same by queueing. No transaction is open while a record is on the
// network (design §4), and the send's timeout is half the lease, so a
// record is never sent by two workers at once. The outcome is recorded
// only where attempts is still the claimed value (a fence): a worker that
// lost its lease, however slow, overwrites nothing. A crash between the
// receiver's answer and the record of it leaves the record pending; it is
// sent again when the lease ends and the receiver, which counts the
// idempotency key, applies it once.

// OutboxWorker sends the outbox of one DB. Make it with NewOutboxWorker;
// run it with Run, or step it with RunOnce (tests, the benchmark).
type OutboxWorker struct {
	db     *DB
	send   spotcheck.OutboxSender
	policy spotcheck.OutboxPolicy
	// Batch is how many records one claim takes (and then sends one by
	// one); Jitter draws the backoff's jitter in [0, 1).
	Batch  int
	Jitter func() float64

	mu         sync.Mutex
	status     spotcheck.OutboxTransport
	failed     int   // records that failed in a row since the last success
	lastFailed int64 // the last of them
}

// NewOutboxWorker returns the worker of db that sends with send under
// policy (zero fields take DefaultOutboxPolicy's). A nil send is a worker
// without an endpoint: it sends nothing and its status says so.
func (db *DB) NewOutboxWorker(send spotcheck.OutboxSender, policy spotcheck.OutboxPolicy) *OutboxWorker {
	def := spotcheck.DefaultOutboxPolicy
	if policy.MaxAttempts <= 0 {
		policy.MaxAttempts = def.MaxAttempts
	}
	if policy.BaseDelay <= 0 {
		policy.BaseDelay = def.BaseDelay
	}
	if policy.MaxDelay <= 0 {
		policy.MaxDelay = def.MaxDelay
	}
	if policy.Lease <= 0 {
		policy.Lease = def.Lease
	}
	return &OutboxWorker{db: db, send: send, policy: policy, Batch: 50, Jitter: rand.Float64,
		status: spotcheck.OutboxTransport{Configured: send != nil}}
}

// SetTransport sets what the page shows of the connection beyond what the
// worker learns: the endpoint, or why there is none (a bad address).
func (w *OutboxWorker) SetTransport(endpoint, problem string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.status.Endpoint, w.status.Problem = endpoint, problem
	if problem != "" {
		w.status.ProblemAt = w.db.Now()
	}
}

// Transport returns the worker's view of the connection.
func (w *OutboxWorker) Transport() spotcheck.OutboxTransport {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.status
}

// claimed is one record this worker holds a lease on, with the attempts
// value that fences its outcome.
type claimed struct {
	rec      spotcheck.OutboxRecord
	attempts int
	base     int
}

// claim leases up to n due records, oldest first.
func (w *OutboxWorker) claim(ctx context.Context, n int) ([]claimed, error) {
	now := w.db.Now().UTC()
	var out []claimed
	err := w.db.inTx(ctx, func(t *tx) error {
		rows, err := t.QueryContext(ctx, `UPDATE outbox SET attempts = attempts + 1, next_at = $1
			WHERE id IN (SELECT id FROM outbox WHERE state = $2 AND next_at <= $3 ORDER BY next_at, id LIMIT $4`+
			t.db.dialect.skipLocked()+`)
			RETURNING id, kind, record_key, version, payload, attempts, retry_base`,
			now.Add(w.policy.Lease).Format(time.RFC3339), spotcheck.OutboxPending, now.Format(time.RFC3339), n)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c claimed
			var payload string
			if err := rows.Scan(&c.rec.ID, &c.rec.Kind, &c.rec.Key, &c.rec.Version, &payload, &c.attempts, &c.base); err != nil {
				return err
			}
			c.rec.Payload = []byte(payload)
			out = append(out, c)
		}
		return rows.Err()
	})
	// RETURNING gives no order; send the oldest first.
	slices.SortFunc(out, func(a, b claimed) int { return cmp.Compare(a.rec.ID, b.rec.ID) })
	return out, err
}

// RunOnce claims one batch of due records and sends them, and returns how
// many it sent (acknowledged or not). Without a sender it does nothing.
func (w *OutboxWorker) RunOnce(ctx context.Context) (int, error) {
	if w.send == nil {
		return 0, nil
	}
	batch, err := w.claim(ctx, max(w.Batch, 1))
	if err != nil {
		return 0, err
	}
	for i, c := range batch {
		if err := w.deliver(ctx, c); err != nil {
			// The rest keep their lease and are claimed again when it ends.
			return i, err
		}
	}
	return len(batch), nil
}

// deliver sends one claimed record and records the outcome.
func (w *OutboxWorker) deliver(ctx context.Context, c claimed) error {
	sctx, cancel := context.WithTimeout(ctx, w.policy.Lease/2)
	receipt, sendErr := w.send.Send(sctx, &c.rec)
	cancel()
	if ctx.Err() != nil {
		return ctx.Err() // shutting down: the lease runs out and another try follows
	}
	now := w.db.Now().UTC()
	if sendErr == nil {
		back := w.note(now, c.rec.ID, "")
		_, err := w.db.write.ExecContext(ctx, `UPDATE outbox SET state = $1, receipt = $2, sent_at = $3, last_error = ''
			WHERE id = $4 AND attempts = $5 AND state = $6`,
			spotcheck.OutboxDelivered, clipBytes(receipt, 4000), now.Format(time.RFC3339), c.rec.ID, c.attempts, spotcheck.OutboxPending)
		if err == nil && back {
			err = w.bringForward(ctx, now)
		}
		return err
	}
	msg := clipBytes(sendErr.Error(), 1000)
	w.note(now, c.rec.ID, msg)
	state, next := spotcheck.OutboxPending, now.Add(w.policy.Backoff(c.attempts-c.base, w.Jitter()))
	if w.policy.GivesUp(c.attempts - c.base) {
		state, next = spotcheck.OutboxDead, now
	}
	_, err := w.db.write.ExecContext(ctx, `UPDATE outbox SET state = $1, next_at = $2, last_error = $3
		WHERE id = $4 AND attempts = $5 AND state = $6`,
		state, next.Format(time.RFC3339), msg, c.rec.ID, c.attempts, spotcheck.OutboxPending)
	return err
}

// note records the last outcome of record id for the page; back reports
// a success after two or more records failed in a row: the receiver is
// back from an outage. (One record failing between successes, however
// often, is a record the receiver refuses, which must not hurry the
// others' backoff — nor its own.)
func (w *OutboxWorker) note(at time.Time, id int64, problem string) (back bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if problem == "" {
		back = w.failed >= 2
		w.failed, w.lastFailed = 0, 0
		w.status.LastOKAt, w.status.Problem = at, ""
		return back
	}
	if id != w.lastFailed {
		w.failed++
		w.lastFailed = id
	}
	w.status.Problem, w.status.ProblemAt = problem, at
	return false
}

// bringForward makes due now the pending records that wait out a backoff
// longer than the lease: after an outage the backoff of the records that
// failed during it has grown to minutes or hours, and the receiver being
// back (a record acknowledged after a failure) is the news they wait
// for. A record claimed by a worker is due at most a lease from now, so
// the condition passes over every record in flight: none is sent twice
// at once. Those with a shorter backoff come back within the lease.
func (w *OutboxWorker) bringForward(ctx context.Context, now time.Time) error {
	_, err := w.db.write.ExecContext(ctx, `UPDATE outbox SET next_at = $1 WHERE state = $2 AND next_at > $3`,
		now.Format(time.RFC3339), spotcheck.OutboxPending, now.Add(w.policy.Lease).Format(time.RFC3339))
	return err
}

// clipBytes cuts s to at most n bytes, dropping a rune cut in two.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// Run sends until ctx ends: a batch at a time while records are due, then
// every idle. Errors of the database are logged and retried after idle.
func (w *OutboxWorker) Run(ctx context.Context, idle time.Duration) {
	if w.send == nil {
		return
	}
	for {
		n, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.db.logger.Error("outbox", "err", err)
		}
		if n > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(idle):
		}
	}
}

// EnqueueOutbox enqueues recs in one transaction of their own. The
// application's records are enqueued by the transaction of what they
// report (enqueueOutbox, a publication's); this is the way in of the
// benchmark (spotcheck bench outbox) and of the tests outside the store.
func (db *DB) EnqueueOutbox(ctx context.Context, recs ...*spotcheck.OutboxRecord) error {
	return db.inTx(ctx, func(t *tx) error {
		for _, r := range recs {
			if err := enqueueOutbox(ctx, t, r); err != nil {
				return err
			}
		}
		return nil
	})
}
