package store_test

import (
	"sync/atomic"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/credit"
	"spotcheck/store"
)

// TestOutboxReceiverBack: after a ten-minute outage the backoff of the
// records that failed during it has grown to minutes; the first record
// acknowledged after the outage (a new publication) brings the backlog
// forward, so that it is delivered within one lease of the receiver's
// return, each record once. A single record the receiver refuses between
// acknowledged ones is not an outage: its backoff stands.
func TestOutboxReceiverBack(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		var up atomic.Bool
		rc := newReceiver(t, func(key string, _ int) string {
			switch {
			case key == idemKey("refused", 1):
				return "errbody"
			case up.Load():
				return "ok"
			}
			return "down"
		})
		c := newClock(db)
		enqueueN(t, db, 40)
		sender, err := credit.New(rc.srv.URL, credit.Token{}, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		policy := spotcheck.DefaultOutboxPolicy
		w := db.NewOutboxWorker(sender, policy)
		for start := c.now(); c.now().Sub(start) < 10*time.Minute; {
			if n, err := w.RunOnce(ctx); err != nil {
				t.Fatal(err)
			} else if n == 0 {
				c.add(5 * time.Second)
			}
		}
		up.Store(true)
		back := c.now()
		if err := db.EnqueueForTest(ctx, &spotcheck.OutboxRecord{Kind: spotcheck.OutboxKindCredit, Key: "new", Version: 1,
			Payload: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
		drain(t, db, w, c, 5*time.Second, 1000)
		if waited := c.now().Sub(back); waited > policy.Lease {
			t.Errorf("the backlog drained %v after the receiver came back, want within the lease %v", waited, policy.Lease)
		}
		sv := store.NewOutboxService(db, w)
		if cs, _ := sv.OutboxCounts(ctx); cs.Delivered != 41 || len(rc.applied) != 41 || rc.overlaps != 0 {
			t.Errorf("after the outage: %+v, applied %d, overlaps %d", cs, len(rc.applied), rc.overlaps)
		}

		// One refused record between good ones: its backoff is not cut.
		for _, k := range []string{"refused", "good-1", "good-2"} {
			if err := db.EnqueueForTest(ctx, &spotcheck.OutboxRecord{Kind: spotcheck.OutboxKindCredit, Key: k, Version: 1,
				Payload: []byte(`{}`)}); err != nil {
				t.Fatal(err)
			}
		}
		for range 4 { // attempts 1–4 of the refused record: its backoff grows past the lease
			c.add(time.Hour)
			if _, err := w.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
		}
		refused := func() spotcheck.OutboxEntry {
			l, err := sv.FindOutbox(ctx, spotcheck.OutboxPending, 0, 10)
			if err != nil || len(l.Items) != 1 || l.Items[0].Key != "refused" {
				t.Fatalf("pending: %+v %v", l.Items, err)
			}
			return l.Items[0]
		}
		before := refused()
		if err := db.EnqueueForTest(ctx, &spotcheck.OutboxRecord{Kind: spotcheck.OutboxKindCredit, Key: "good-3", Version: 1,
			Payload: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if after := refused(); !after.NextAt.Equal(before.NextAt) || before.NextAt.Sub(c.now()) <= policy.Lease {
			t.Errorf("the refused record's next attempt: %v, then %v (now %v)", before.NextAt, after.NextAt, c.now())
		}
	})
}
