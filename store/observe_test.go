package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/store"
)

// failingSender is a credit platform that is down.
type failingSender struct{}

func (failingSender) Send(context.Context, *spotcheck.OutboxRecord) (string, error) {
	return "", errors.New("connection refused")
}

// TestObserve: the figures /metrics reads at scrape time are the whole
// system's, for the system only: the log's size as LogSize says, the draws
// by state as the table holds them, an approved result counted overdue
// from the day after its due date (as FindPublicationsOverdue lists it),
// and the outbox's pending, retrying and dead records with their failed
// attempts and the age of the oldest one waiting.
func TestObserve(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in := inspectionWorld(t, db)
		sys := spotcheck.NewContextWithPrincipal(ctx, spotcheck.System("metrics"))
		if _, err := db.Observe(as("supervisor")); spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
			t.Errorf("a supervisor observes: %v", err)
		}
		if _, err := db.Observe(context.Background()); spotcheck.ErrorCode(err) != spotcheck.EUNAUTHORIZED {
			t.Errorf("nobody observes: %v", err)
		}
		at := func(s string) {
			ts, err := time.Parse(time.RFC3339, s)
			if err != nil {
				t.Fatal(err)
			}
			db.Now = func() time.Time { return ts }
		}
		observe := func() store.Observation {
			t.Helper()
			o, err := db.Observe(sys)
			if err != nil {
				t.Fatal(err)
			}
			return o
		}

		// Approved on 03-12 after completion on 01-22: due 02-26 (the
		// boundaries are TestPublicationDueBoundaries').
		at("2026-03-12T04:00:00Z")
		sv, m1, m2 := db.Inspections(), as("member1"), as("member2")
		if err := sv.SaveInspection(m1, recorded(in.ID, "2026-01-22")); err != nil {
			t.Fatal(err)
		}
		for _, c := range []context.Context{m1, m2} {
			if err := sv.ConfirmInspection(c, in.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := sv.SubmitInspection(m1, in.ID); err != nil {
			t.Fatal(err)
		}
		if err := sv.ApproveInspection(as("approver"), in.ID, ""); err != nil {
			t.Fatal(err)
		}
		for day, want := range map[string]int64{"2026-02-26T04:00:00Z": 0, "2026-02-27T04:00:00Z": 1, "2026-03-12T04:00:00Z": 1} {
			at(day)
			if got := observe().PublicationsOverdue; got != want {
				t.Errorf("%s: %d overdue, want %d", day, got, want)
			}
		}

		o := observe()
		size, err := db.LogSize(sys)
		if err != nil || o.LogEntries != size || size == 0 {
			t.Errorf("log entries %d, LogSize %d (%v)", o.LogEntries, size, err)
		}
		var draws, sum int64
		if err := db.QueryRowForTest(ctx, `SELECT count(*) FROM draws`).Scan(&draws); err != nil {
			t.Fatal(err)
		}
		for _, n := range o.Draws {
			sum += n
		}
		if draws == 0 || sum != draws {
			t.Errorf("draws by state %v, the table has %d", o.Draws, draws)
		}
		if len(o.Outbox) != 0 || o.OutboxFailures != 0 || o.OutboxOldest != 0 {
			t.Errorf("an empty outbox: %+v", o)
		}

		// A dies after one failure; B fails once and waits for an hour;
		// C is new. The oldest waiting is B.
		enqueue := func(key string) {
			t.Helper()
			if err := db.EnqueueForTest(ctx, &spotcheck.OutboxRecord{Kind: spotcheck.OutboxKindCredit, Key: key, Version: 1,
				Payload: []byte(`{}`)}); err != nil {
				t.Fatal(err)
			}
		}
		run := func(p spotcheck.OutboxPolicy) {
			t.Helper()
			if _, err := db.NewOutboxWorker(failingSender{}, p).RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
		}
		at("2026-03-13T01:00:00Z")
		enqueue("pub-a")
		run(spotcheck.OutboxPolicy{MaxAttempts: 1, BaseDelay: time.Hour, MaxDelay: time.Hour, Lease: time.Minute})
		enqueue("pub-b")
		run(spotcheck.OutboxPolicy{MaxAttempts: 5, BaseDelay: 2 * time.Hour, MaxDelay: 2 * time.Hour, Lease: time.Minute})
		at("2026-03-13T01:30:00Z")
		enqueue("pub-c")
		at("2026-03-13T02:00:00Z")
		o = observe()
		want := map[string]int64{"pending": 1, "retrying": 1, "dead": 1}
		for k, n := range want {
			if o.Outbox[k] != n {
				t.Errorf("outbox %v, want %v", o.Outbox, want)
				break
			}
		}
		if o.OutboxFailures != 2 || o.OutboxOldest != time.Hour {
			t.Errorf("outbox: %d failures, oldest %s; want 2 and 1h", o.OutboxFailures, o.OutboxOldest)
		}
	})
}
