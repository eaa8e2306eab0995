package store_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/credit"
	"spotcheck/internal/pgtest"
	"spotcheck/store"
)

// receiver is a credit platform that misbehaves on purpose. It applies a
// record once per idempotency key, as the real one must; behave decides,
// for the n-th request (1 for the first) carrying a key, what it does.
type receiver struct {
	mu       sync.Mutex
	applied  map[string]string // key → body, applied once
	requests map[string]int
	inflight map[string]bool
	overlaps int // a key sent while another send of it was in flight
	behave   func(key string, n int) string
	srv      *httptest.Server
}

// The behaviours: ok, fail (HTTP 500), hang (apply, then answer only
// after the client gave up), drop (apply, then close the connection
// without an answer), errbody (HTTP 200 with an error body, not applied),
// down (close the connection before reading: unreachable).
func newReceiver(t *testing.T, behave func(key string, n int) string) *receiver {
	rc := &receiver{applied: map[string]string{}, requests: map[string]int{}, inflight: map[string]bool{}, behave: behave}
	rc.srv = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	if rc.inflight[key] {
		rc.overlaps++
	}
	rc.inflight[key] = true
	rc.requests[key]++
	n := rc.requests[key]
	how := "ok"
	if rc.behave != nil {
		how = rc.behave(key, n)
	}
	if how == "ok" || how == "hang" || how == "drop" {
		if prev, ok := rc.applied[key]; ok && prev != string(body) {
			rc.overlaps += 1000 // the same key with another body: a broken key
		}
		rc.applied[key] = string(body)
	}
	rc.mu.Unlock()
	defer func() {
		rc.mu.Lock()
		delete(rc.inflight, key)
		rc.mu.Unlock()
	}()
	switch how {
	case "fail":
		http.Error(w, "internal error", http.StatusInternalServerError)
	case "hang":
		<-r.Context().Done() // the client's timeout ends the request
	case "drop", "down":
		panic(http.ErrAbortHandler)
	case "errbody":
		fmt.Fprint(w, `{"success":false,"error":"字段缺失：抽查机关"}`)
	default:
		fmt.Fprintf(w, `{"success":true,"receipt":"R-%s"}`, key)
	}
}

// testPolicy: few attempts, short waits on the test's clock; the lease
// bounds the real time of one send (half of it).
var testPolicy = spotcheck.OutboxPolicy{MaxAttempts: 6, BaseDelay: 10 * time.Second, MaxDelay: 10 * time.Minute,
	Lease: 10 * time.Second}

// clock is a DB clock the test moves by hand.
type clock struct{ ns atomic.Int64 }

func (c *clock) now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) add(d time.Duration) { c.ns.Add(int64(d)) }
func newClock(db *store.DB) *clock {
	c := &clock{}
	c.ns.Store(db.Now().UnixNano())
	db.Now = c.now
	return c
}
func recordKey(i int) string           { return fmt.Sprintf("pub-%d", i) }
func idemKey(key string, v int) string { return fmt.Sprintf("spotcheck/credit/%s/v%d", key, v) }

func enqueueN(t *testing.T, db *store.DB, n int) {
	t.Helper()
	for i := range n {
		r := &spotcheck.OutboxRecord{Kind: spotcheck.OutboxKindCredit, Key: recordKey(i), Version: 1,
			Payload: fmt.Appendf(nil, `{"抽查任务编号":"T-%d"}`, i)}
		if err := db.EnqueueForTest(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
}

// drain runs w until nothing is pending, moving the clock on whenever
// nothing is due by step; it fails after limit steps.
func drain(t *testing.T, db *store.DB, w *store.OutboxWorker, c *clock, step time.Duration, limit int) {
	t.Helper()
	sv := store.NewOutboxService(db, w)
	for range limit {
		n, err := w.RunOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			continue
		}
		cs, err := sv.OutboxCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if cs.Pending+cs.Retrying == 0 {
			return
		}
		c.add(step)
	}
	t.Fatalf("the outbox did not drain in %d steps", limit)
}

// TestOutboxUnreliableReceiver: a receiver that fails, hangs past the
// timeout, drops its answer after applying, answers 200 with an error
// body, and is down for good for some records. Every other record is
// delivered with the receiver's receipt and applied once; the records of
// the receiver that stays down are on the dead list with their last error
// and, retried by the administrator once it is back, delivered too.
func TestOutboxUnreliableReceiver(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		const n = 36
		var upAgain atomic.Bool
		script := func(key string, n int) string {
			var i int
			fmt.Sscanf(key, "spotcheck/credit/pub-%d/v1", &i)
			switch i % 6 {
			case 1:
				return map[bool]string{true: "fail", false: "ok"}[n <= 2]
			case 2:
				return map[bool]string{true: "hang", false: "ok"}[n == 1]
			case 3:
				return map[bool]string{true: "drop", false: "ok"}[n == 1]
			case 4:
				return map[bool]string{true: "errbody", false: "ok"}[n <= 2]
			case 5:
				return map[bool]string{true: "down", false: "ok"}[!upAgain.Load()]
			}
			return "ok"
		}
		rc := newReceiver(t, script)
		c := newClock(db)
		enqueueN(t, db, n)
		sender, err := credit.New(rc.srv.URL, credit.Token{}, 300*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		w := db.NewOutboxWorker(sender, testPolicy)
		w.Batch = 7
		drain(t, db, w, c, 30*time.Second, 2000)

		sv := store.NewOutboxService(db, w)
		all, err := sv.FindOutbox(ctx, "", 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		dead := 0
		for _, e := range all.Items {
			var i int
			fmt.Sscanf(e.Key, "pub-%d", &i)
			key := idemKey(e.Key, 1)
			switch {
			case i%6 == 5:
				dead++
				if e.State != spotcheck.OutboxDead || e.Attempts != testPolicy.MaxAttempts || !strings.Contains(e.LastError, "信用平台") {
					t.Errorf("%s: %s after %d attempts, last error %q", e.Key, e.State, e.Attempts, e.LastError)
				}
			case e.State != spotcheck.OutboxDelivered || e.Receipt != "R-"+key || e.SentAt.IsZero() || e.LastError != "":
				t.Errorf("%s: %s, receipt %q, error %q", e.Key, e.State, e.Receipt, e.LastError)
			case rc.applied[key] != string(e.Payload):
				t.Errorf("%s: the receiver applied %q", e.Key, rc.applied[key])
			}
		}
		if dead != n/6 {
			t.Errorf("%d dead records, want %d", dead, n/6)
		}
		if len(rc.applied) != n-n/6 || rc.overlaps != 0 {
			t.Errorf("the receiver applied %d keys (want %d), overlapping sends %d", len(rc.applied), n-n/6, rc.overlaps)
		}

		// The receiver is back; the administrator retries one, then all.
		upAgain.Store(true)
		if _, err := sv.RetryOutbox(ctx, 1, ""); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
			t.Errorf("retry of a delivered record: %v", err)
		}
		if k, err := sv.RetryOutbox(ctx, all.Items[0].ID, "接收端已恢复"); err != nil || k != 1 {
			t.Fatalf("retry one: %d, %v", k, err)
		}
		if k, err := sv.RetryOutbox(ctx, 0, "全部重发"); err != nil || k != n/6-1 {
			t.Fatalf("retry all: %d, %v", k, err)
		}
		drain(t, db, w, c, 30*time.Second, 100)
		cs, _ := sv.OutboxCounts(ctx)
		if cs.Delivered != n || cs.Dead != 0 || len(rc.applied) != n || rc.overlaps != 0 {
			t.Errorf("after the retry: %+v, applied %d, overlaps %d", cs, len(rc.applied), rc.overlaps)
		}
		var events int
		if err := db.QueryRowForTest(ctx, `SELECT count(*) FROM outbox_event WHERE action = 'retry' AND actor = 'system:tester'`).Scan(&events); err != nil || events != n/6 {
			t.Errorf("%d retries recorded (%v), want %d", events, err, n/6)
		}
		evs, err := sv.OutboxEvents(ctx, 100)
		if err != nil || len(evs) != n/6 || evs[0].Note != "全部重发" || evs[len(evs)-1].Note != "接收端已恢复" ||
			evs[len(evs)-1].OutboxID != all.Items[0].ID || evs[0].Actor != "system:tester" || evs[0].At.IsZero() {
			t.Errorf("the retries listed: %+v %v", evs, err)
		}
	})
}

// TestOutboxLongOutage: the receiver is down for ten hours; with the
// default policy nothing gives up, and when it is back every record is
// delivered once.
func TestOutboxLongOutage(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		var up atomic.Bool
		rc := newReceiver(t, func(string, int) string { return map[bool]string{true: "ok", false: "down"}[up.Load()] })
		c := newClock(db)
		start := c.now()
		enqueueN(t, db, 20)
		sender, err := credit.New(rc.srv.URL, credit.Token{}, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		w := db.NewOutboxWorker(sender, spotcheck.DefaultOutboxPolicy)
		for c.now().Sub(start) < 10*time.Hour {
			if n, err := w.RunOnce(ctx); err != nil {
				t.Fatal(err)
			} else if n == 0 {
				c.add(5 * time.Minute)
			}
		}
		sv := store.NewOutboxService(db, w)
		if cs, _ := sv.OutboxCounts(ctx); cs.Retrying != 20 || cs.Dead != 0 {
			t.Fatalf("during the outage: %+v", cs)
		}
		if tr := w.Transport(); !strings.Contains(tr.Problem, "信用平台") {
			t.Errorf("the page's problem during the outage: %q", tr.Problem)
		}
		up.Store(true)
		drain(t, db, w, c, 10*time.Minute, 500)
		if cs, _ := sv.OutboxCounts(ctx); cs.Delivered != 20 || len(rc.applied) != 20 || rc.overlaps != 0 {
			t.Errorf("after the outage: %+v, applied %d, overlaps %d", cs, len(rc.applied), rc.overlaps)
		}
		if tr := w.Transport(); tr.Problem != "" || tr.LastOKAt.IsZero() {
			t.Errorf("the page's problem after the outage: %+v", tr)
		}
	})
}

// TestOutboxTwoWorkers: two workers, each on a database handle of its own
// (two server processes) on one database, send a backlog together: each
// record is sent exactly once and never while another send of it is in
// flight. On PostgreSQL the claims run concurrently (FOR UPDATE SKIP
// LOCKED); on SQLite the one writer serialises them.
func TestOutboxTwoWorkers(t *testing.T) {
	run := func(t *testing.T, dsn string) {
		const n = 300
		rc := newReceiver(t, nil)
		rc.behave = func(string, int) string { time.Sleep(time.Millisecond); return "ok" } // widen the window
		dbs := []*store.DB{openDB(t, dsn), openDB(t, dsn)}
		for _, db := range dbs {
			db.Now = func() time.Time { return time.Now().UTC() }
		}
		enqueueN(t, dbs[0], n)
		sender, err := credit.New(rc.srv.URL, credit.Token{}, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var sent [2]int
		for i, db := range dbs {
			w := db.NewOutboxWorker(sender, testPolicy)
			w.Batch = 5
			wg.Go(func() {
				for {
					k, err := w.RunOnce(ctx)
					if err != nil {
						t.Error(err)
						return
					}
					if k == 0 {
						return
					}
					sent[i] += k
				}
			})
		}
		wg.Wait()
		cs, _ := store.NewOutboxService(dbs[1], nil).OutboxCounts(ctx)
		if cs.Delivered != n || rc.overlaps != 0 || len(rc.applied) != n {
			t.Errorf("%+v, overlaps %d, applied %d", cs, rc.overlaps, len(rc.applied))
		}
		for key, k := range rc.requests {
			if k != 1 {
				t.Errorf("%s sent %d times", key, k)
			}
		}
		t.Logf("the workers sent %d and %d", sent[0], sent[1])
	}
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); run(t, filepath.Join(t.TempDir(), "test.db")) })
	t.Run("postgres", func(t *testing.T) { t.Parallel(); run(t, pgtest.URL(t)) })
}

// TestOutboxWithoutEndpoint: without a sender the worker sends nothing,
// the records stay pending and the transport says it is not configured.
func TestOutboxWithoutEndpoint(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		enqueueN(t, db, 3)
		w := db.NewOutboxWorker(nil, spotcheck.OutboxPolicy{})
		if n, err := w.RunOnce(ctx); n != 0 || err != nil {
			t.Fatalf("sent %d without an endpoint: %v", n, err)
		}
		sv := store.NewOutboxService(db, w)
		cs, _ := sv.OutboxCounts(ctx)
		tr, _ := sv.OutboxTransport(ctx)
		if cs.Pending != 3 || tr.Configured {
			t.Errorf("%+v, %+v", cs, tr)
		}
		if _, err := sv.OutboxCounts(context.Background()); spotcheck.ErrorCode(err) != spotcheck.EUNAUTHORIZED {
			t.Errorf("counts without a principal: %v", err)
		}
	})
}
