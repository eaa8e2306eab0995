package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/internal/pgtest"
	"spotcheck/jobs"
	"spotcheck/store"
)

// The scheduler's tests run two schedulers — two servers — on one
// database, once on a SQLite file and once on PostgreSQL, with one clock
// that the test moves: nothing waits on real time.

// clock is the servers' shared clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// start is the clock's start: 2026-03-01 16:00 China time.
var start = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// forEachDSN runs fn on a fresh SQLite file and a fresh PostgreSQL
// database, each opened as many times as fn likes (one DB per server).
func forEachDSN(t *testing.T, fn func(t *testing.T, open func() *store.DB)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "test.db")
		fn(t, opener(t, path))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, opener(t, pgtest.URL(t)))
	})
}

// opener opens dsn; the test sets each DB's clock.
func opener(t *testing.T, dsn string) func() *store.DB {
	return func() *store.DB {
		db, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
}

// counter is a job that counts its runs per server.
func counter(name string, s spotcheck.JobSchedule, n *atomic.Int64) jobs.Job {
	return jobs.Job{Name: name, Title: "计数（测试）", Schedule: s, Run: func(ctx context.Context) (map[string]int64, error) {
		p, err := spotcheck.ActingPrincipal(ctx)
		if err != nil || p.Username != "job:"+name {
			return nil, fmt.Errorf("the job runs as %v (%v)", p, err)
		}
		return map[string]int64{"n": n.Add(1)}, nil
	}}
}

var sys = spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.System("tester"))

// admin is a system administrator's context (the page's user).
func admin(username string) context.Context {
	return spotcheck.NewContextWithPrincipal(context.Background(),
		spotcheck.NewPrincipal(spotcheck.User{Username: username, Roles: []string{spotcheck.RoleSystemAdmin}, Active: true}, nil))
}

// TestOncePerSchedule: two servers on one database, each looking at the
// jobs three times at once in every hour of a day, run the hourly job
// once an hour and the daily job once — not once per server — and every
// run is recorded, with the server that ran it.
func TestOncePerSchedule(t *testing.T) {
	forEachDSN(t, func(t *testing.T, open func() *store.DB) {
		var hourly, daily [2]atomic.Int64
		var scheds [2]*jobs.Scheduler
		dbs := [2]*store.DB{open(), open()}
		c := &clock{t: start}
		for i, db := range dbs {
			db.Now = c.Now
			scheds[i] = jobs.New(db, fmt.Sprintf("server-%d", i+1), quiet,
				counter("hourly", spotcheck.JobEvery(time.Hour), &hourly[i]),
				counter("daily", spotcheck.JobDailyAt(3, 0), &daily[i]))
			if err := scheds[i].Register(sys); err != nil {
				t.Fatal(err)
			}
		}
		const hours = 24
		for h := 0; h <= hours; h++ {
			var wg sync.WaitGroup
			for i := range 6 {
				wg.Go(func() {
					if _, err := scheds[i%2].RunDue(sys); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			c.Add(time.Hour)
		}
		if got := hourly[0].Load() + hourly[1].Load(); got != hours {
			t.Errorf("the hourly job ran %d times in %d hours (%d and %d)", got, hours, hourly[0].Load(), hourly[1].Load())
		}
		if got := daily[0].Load() + daily[1].Load(); got != 1 {
			t.Errorf("the daily job ran %d times in a day", got)
		}
		runs, err := dbs[1].Jobs().FindJobRuns(admin("sysadmin"), "hourly", 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != hours {
			t.Fatalf("%d runs recorded", len(runs))
		}
		for i, r := range runs {
			if r.Outcome != spotcheck.JobOK || !strings.HasPrefix(r.Instance, "server-") || r.Finished.IsZero() {
				t.Errorf("run %+v", r)
			}
			// Newest first, an hour apart: one per schedule.
			if i > 0 && runs[i-1].Started.Sub(r.Started) != time.Hour {
				t.Errorf("runs %d and %d started %v apart", runs[i-1].ID, r.ID, runs[i-1].Started.Sub(r.Started))
			}
		}
		// The daily job ran at the first 03:00 China time after the start.
		d, _ := dbs[0].Jobs().FindJobRuns(admin("sysadmin"), "daily", 10)
		if want := time.Date(2026, 3, 2, 3, 0, 0, 0, spotcheck.ChinaTime); len(d) != 1 || !d[0].Started.Equal(want) {
			t.Errorf("daily runs %+v, want one at %v", d, want)
		}
		st, err := dbs[0].Jobs().FindJobs(admin("sysadmin"))
		if err != nil || len(st) != 2 || st[0].Name != "daily" || st[0].Last == nil || st[0].Holder != "" ||
			!st[0].NextDue.Equal(time.Date(2026, 3, 3, 3, 0, 0, 0, spotcheck.ChinaTime)) {
			t.Errorf("jobs %+v, %v", st, err)
		}
	})
}

// TestDeadServerLosesLease: a server that dies while it runs a job — its
// context cancelled and its database gone, so that it can record nothing
// and release nothing — keeps the job from the other server until its
// lease runs out; then the other server runs the job, and the dead run is
// recorded as abandoned.
func TestDeadServerLosesLease(t *testing.T) {
	forEachDSN(t, func(t *testing.T, open func() *store.DB) {
		c := &clock{t: start}
		dead, alive := open(), open()
		dead.Now, alive.Now = c.Now, c.Now
		started, release := make(chan struct{}), make(chan struct{})
		hang := jobs.Job{Name: "work", Title: "测试", Schedule: spotcheck.JobEvery(time.Hour),
			Run: func(ctx context.Context) (map[string]int64, error) {
				close(started)
				<-release
				return nil, ctx.Err()
			}}
		var n atomic.Int64
		a := jobs.New(dead, "dead", quiet, hang)
		b := jobs.New(alive, "alive", quiet, counter("work", spotcheck.JobEvery(time.Hour), &n))
		for _, s := range []*jobs.Scheduler{a, b} {
			if err := s.Register(sys); err != nil {
				t.Fatal(err)
			}
		}
		c.Add(time.Hour)
		ctx, cancel := context.WithCancel(sys)
		done := make(chan error, 1)
		go func() {
			_, err := a.RunDue(ctx)
			done <- err
		}()
		<-started
		// The server dies: its database is gone and its context ends.
		dead.Close()
		cancel()
		close(release)
		if err := <-done; err == nil {
			t.Fatal("the dead server recorded its run")
		}
		c.Add(jobs.DefaultLease - time.Second)
		if ran, err := b.RunDue(sys); err != nil || ran != 0 || n.Load() != 0 {
			t.Fatalf("within the dead server's lease: ran %d, %v", ran, err)
		}
		c.Add(2 * time.Second)
		if ran, err := b.RunDue(sys); err != nil || ran != 1 || n.Load() != 1 {
			t.Fatalf("after the lease: ran %d, %v", ran, err)
		}
		runs, err := alive.Jobs().FindJobRuns(admin("sysadmin"), "work", 10)
		if err != nil || len(runs) != 2 {
			t.Fatalf("runs %+v, %v", runs, err)
		}
		if r := runs[1]; r.Instance != "dead" || r.Outcome != spotcheck.JobAbandoned || !strings.Contains(r.Error, "dead") {
			t.Errorf("the dead server's run: %+v", r)
		}
		if r := runs[0]; r.Instance != "alive" || r.Outcome != spotcheck.JobOK || r.Counts["n"] != 1 {
			t.Errorf("the takeover: %+v", r)
		}
		// The takeover served the schedule: the job is next due an hour
		// after the time the dead server's run was due.
		st, _ := alive.Jobs().FindJobs(admin("sysadmin"))
		if len(st) != 1 || !st[0].NextDue.Equal(start.Add(2*time.Hour)) {
			t.Errorf("next due %+v", st)
		}
	})
}

// TestLeaseRenewalAndFence: a holder that renews keeps the job past its
// first lease; once it stops, another server takes the job over, and the
// first can neither renew nor record an outcome over the second's.
func TestLeaseRenewalAndFence(t *testing.T) {
	forEachDSN(t, func(t *testing.T, open func() *store.DB) {
		c := &clock{t: start}
		one, two := open(), open()
		one.Now, two.Now = c.Now, c.Now
		if err := one.RegisterJob(sys, "work", "测试", spotcheck.JobEvery(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := one.ClaimJob(sys, "work", "one", time.Minute); ok || err != nil {
			t.Fatalf("claimed before due: %v", err)
		}
		c.Add(time.Hour)
		l1, ok, err := one.ClaimJob(sys, "work", "one", time.Minute)
		if !ok || err != nil {
			t.Fatalf("claim: %v", err)
		}
		if _, ok, _ := two.ClaimJob(sys, "work", "two", time.Minute); ok {
			t.Fatal("two servers hold the lease")
		}
		c.Add(50 * time.Second)
		if err := l1.Renew(sys); err != nil {
			t.Fatal(err)
		}
		c.Add(30 * time.Second) // past the first lease, within the renewed one
		if _, ok, _ := two.ClaimJob(sys, "work", "two", time.Minute); ok {
			t.Fatal("taken over within a renewed lease")
		}
		c.Add(31 * time.Second)
		l2, ok, err := two.ClaimJob(sys, "work", "two", time.Minute)
		if !ok || err != nil {
			t.Fatalf("takeover: %v", err)
		}
		if err := l1.Renew(sys); !errors.Is(err, store.ErrJobLeaseLost) {
			t.Errorf("renewal after the takeover: %v", err)
		}
		if err := l1.Finish(sys, spotcheck.JobOK, nil, nil); !errors.Is(err, store.ErrJobLeaseLost) {
			t.Errorf("finish after the takeover: %v", err)
		}
		if err := l2.Finish(sys, spotcheck.JobFailed, map[string]int64{"x": 2}, errors.New("出错了")); err != nil {
			t.Fatal(err)
		}
		runs, _ := two.Jobs().FindJobRuns(admin("sysadmin"), "", 10)
		if len(runs) != 2 || runs[0].Outcome != spotcheck.JobFailed || runs[0].Error != "出错了" || runs[0].Counts["x"] != 2 ||
			runs[1].Outcome != spotcheck.JobAbandoned {
			t.Errorf("runs %+v", runs)
		}
	})
}

// TestRunNow: an administrator's "run now" is run once by one of the
// servers, recorded with who asked, and leaves the schedule alone; a
// second request while one waits, an unknown job and anyone but the
// system administrator are refused.
func TestRunNow(t *testing.T) {
	forEachDSN(t, func(t *testing.T, open func() *store.DB) {
		var n [2]atomic.Int64
		c := &clock{t: start}
		var scheds [2]*jobs.Scheduler
		for i := range scheds {
			db := open()
			db.Now = c.Now
			scheds[i] = jobs.New(db, fmt.Sprintf("server-%d", i+1), quiet, counter("work", spotcheck.JobEvery(time.Hour), &n[i]))
			if err := scheds[i].Register(sys); err != nil {
				t.Fatal(err)
			}
		}
		db := open()
		db.Now = c.Now
		svc := db.Jobs()
		if err := svc.RequestJobRun(admin("sysadmin"), "work"); err != nil {
			t.Fatal(err)
		}
		if err := svc.RequestJobRun(admin("sysadmin2"), "work"); spotcheck.ErrorCode(err) != spotcheck.ECONFLICT {
			t.Errorf("a second request: %v", err)
		}
		if err := svc.RequestJobRun(admin("sysadmin"), "nothing"); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
			t.Errorf("an unknown job: %v", err)
		}
		planner := spotcheck.NewContextWithPrincipal(context.Background(),
			spotcheck.NewPrincipal(spotcheck.User{Username: "p", Roles: []string{spotcheck.RolePlanner}, Active: true}, nil))
		if err := svc.RequestJobRun(planner, "work"); spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
			t.Errorf("a planner's request: %v", err)
		}
		if _, err := svc.FindJobs(planner); spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
			t.Errorf("a planner's list: %v", err)
		}
		st, _ := svc.FindJobs(admin("sysadmin"))
		if len(st) != 1 || st[0].RequestedBy != "sysadmin" {
			t.Fatalf("waiting request: %+v", st)
		}
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Go(func() { scheds[i%2].RunDue(sys) })
		}
		wg.Wait()
		if got := n[0].Load() + n[1].Load(); got != 1 {
			t.Fatalf("the requested run ran %d times", got)
		}
		runs, _ := svc.FindJobRuns(admin("sysadmin"), "work", 10)
		if len(runs) != 1 || runs[0].RequestedBy != "sysadmin" || runs[0].Outcome != spotcheck.JobOK {
			t.Errorf("runs %+v", runs)
		}
		st, _ = svc.FindJobs(admin("sysadmin"))
		if len(st) != 1 || st[0].RequestedBy != "" || !st[0].NextDue.Equal(start.Add(time.Hour)) || st[0].Last.ID != runs[0].ID {
			t.Errorf("after the run: %+v", st)
		}
	})
}

// TestFailureAndShutdown: a job that fails or panics is recorded as
// failed with its error and waits for its next time; a run that its
// server's shutdown cancels is recorded as cancelled and is due again at
// once, for the other server, with the administrator's request it served.
func TestFailureAndShutdown(t *testing.T) {
	forEachDSN(t, func(t *testing.T, open func() *store.DB) {
		c := &clock{t: start}
		db, other := open(), open()
		db.Now, other.Now = c.Now, c.Now
		fail := jobs.Job{Name: "fail", Title: "失败（测试）", Schedule: spotcheck.JobEvery(time.Hour),
			Run: func(context.Context) (map[string]int64, error) { return nil, errors.New("连接信用平台失败") }}
		boom := jobs.Job{Name: "boom", Title: "崩溃（测试）", Schedule: spotcheck.JobEvery(time.Hour),
			Run: func(context.Context) (map[string]int64, error) { panic("越界") }}
		ctx, cancel := context.WithCancel(sys)
		stop := jobs.Job{Name: "stop", Title: "停止（测试）", Schedule: spotcheck.JobEvery(time.Hour),
			Run: func(ctx context.Context) (map[string]int64, error) { cancel(); <-ctx.Done(); return nil, ctx.Err() }}
		s := jobs.New(db, "one", quiet, fail, boom)
		down := jobs.New(db, "one", quiet, stop) // the same server, shut down while it runs stop
		for _, s := range []*jobs.Scheduler{s, down} {
			if err := s.Register(sys); err != nil {
				t.Fatal(err)
			}
		}
		c.Add(time.Hour)
		if ran, err := s.RunDue(sys); ran != 2 || err != nil {
			t.Fatalf("ran %d, %v", ran, err)
		}
		if err := db.Jobs().RequestJobRun(admin("sysadmin"), "stop"); err != nil {
			t.Fatal(err)
		}
		if ran, err := down.RunDue(ctx); ran != 1 || err != nil {
			t.Fatalf("ran %d, %v", ran, err)
		}
		st, _ := db.Jobs().FindJobs(admin("sysadmin"))
		got := map[string]spotcheck.JobStatus{}
		for _, j := range st {
			got[j.Name] = j
		}
		if j := got["fail"]; j.Last.Outcome != spotcheck.JobFailed || j.Last.Error != "连接信用平台失败" || !j.NextDue.Equal(start.Add(2*time.Hour)) {
			t.Errorf("fail: %+v %+v", j, j.Last)
		}
		if j := got["boom"]; j.Last.Outcome != spotcheck.JobFailed || !strings.Contains(j.Last.Error, "越界") {
			t.Errorf("boom: %+v", j.Last)
		}
		if j := got["stop"]; j.Last.Outcome != spotcheck.JobCancelled || j.Holder != "" || !j.NextDue.Equal(start.Add(time.Hour)) ||
			j.RequestedBy != "sysadmin" {
			t.Errorf("stop: %+v %+v", j, j.Last)
		}
		var n atomic.Int64
		if ran, err := jobs.New(other, "two", quiet, counter("stop", spotcheck.JobEvery(time.Hour), &n)).RunDue(sys); ran != 1 || err != nil {
			t.Errorf("the other server after the shutdown: ran %d, %v", ran, err)
		}
		if runs, _ := other.Jobs().FindJobRuns(admin("sysadmin"), "stop", 1); len(runs) != 1 || runs[0].RequestedBy != "sysadmin" ||
			runs[0].Instance != "two" || runs[0].Outcome != spotcheck.JobOK {
			t.Errorf("the run after the shutdown: %+v", runs)
		}
	})
}
