// Package jobs runs the platform's scheduled jobs (issue 13, item 4):
// work that no request starts — refreshing the planner's statistics,
// rebuilding the search index, counting the publications that are late.
//
// Every server (spotcheck serve) runs a Scheduler with the same jobs. A
// job runs once per schedule across all the servers on one database:
// before running it, a scheduler takes the job's lease in the database
// (store.DB.ClaimJob), renews it while the job runs and records the
// outcome when it ends (store/jobs.go says how the lease is fenced). A
// server that dies stops renewing; when its lease runs out another
// server's scheduler takes the job over. An administrator's "run now"
// (/staff/jobs) is a request in the same row that the next scheduler to
// look takes.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"spotcheck"
	"spotcheck/store"
)

// Job is one scheduled job.
type Job struct {
	// Name is the job's key in the database: its lease and its runs. It
	// must not change between versions.
	Name string
	// Title says what the job does, in Chinese, for /staff/jobs.
	Title    string
	Schedule spotcheck.JobSchedule
	// Run does the work; its context carries the system principal
	// job:<Name> and ends when the server shuts down or the lease is
	// lost. The counts it returns are recorded with the run.
	Run func(ctx context.Context) (map[string]int64, error)
}

// Scheduler runs jobs on one database for one server (instance).
type Scheduler struct {
	db       *store.DB
	instance string
	jobs     []Job
	log      *slog.Logger
	// Lease is how long a claim holds a job without renewal: the longest
	// a dead server delays a job. The holder renews it every Lease/3.
	Lease time.Duration
	// Tick is how often each job is looked at (with a random tenth more
	// or less, so that the servers do not all look at once): the longest
	// a "run now" waits, and how late a due run may start.
	Tick time.Duration
	// Counted, when set, is told of every run this server finished (or
	// lost): the metrics' job-run counter. See countRun.
	Counted func(job, outcome string, took time.Duration)
}

// DefaultLease and DefaultTick are the Scheduler's Lease and Tick unless
// changed.
const (
	DefaultLease = 2 * time.Minute
	DefaultTick  = 15 * time.Second
)

// New returns the scheduler of jobs on db for the server named instance,
// logging to log.
func New(db *store.DB, instance string, log *slog.Logger, jobs ...Job) *Scheduler {
	if log == nil {
		log = slog.Default()
	}
	return &Scheduler{db: db, instance: instance, jobs: jobs, log: log, Lease: DefaultLease, Tick: DefaultTick}
}

// Jobs lists the scheduler's jobs.
func (s *Scheduler) Jobs() []Job { return s.jobs }

// Register records every job with its title and schedule in the
// database; serve calls it before Run.
func (s *Scheduler) Register(ctx context.Context) error {
	for _, j := range s.jobs {
		if err := s.db.RegisterJob(ctx, j.Name, j.Title, j.Schedule); err != nil {
			return fmt.Errorf("定时任务 %s：%w", j.Name, err)
		}
	}
	return nil
}

// Run runs the jobs until ctx ends, each looked at every Tick, and
// returns when every run it started has ended (and been recorded as
// cancelled if ctx ended it).
func (s *Scheduler) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, j := range s.jobs {
		wg.Go(func() {
			for {
				if _, err := s.RunJob(ctx, j); err != nil && ctx.Err() == nil {
					s.log.Error("定时任务出错", "job", j.Name, "err", err)
				}
				wait := s.Tick + time.Duration((rand.Float64()-0.5)*0.2*float64(s.Tick))
				select {
				case <-ctx.Done():
					return
				case <-time.After(wait):
				}
			}
		})
	}
	wg.Wait()
}

// RunDue runs every job that is due or asked for and that no other
// server holds, at once, and returns how many ran: one step of Run, for
// tests and for the command line.
func (s *Scheduler) RunDue(ctx context.Context) (int, error) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var ran int
	var errs []error
	for _, j := range s.jobs {
		wg.Go(func() {
			ok, err := s.RunJob(ctx, j)
			mu.Lock()
			defer mu.Unlock()
			if ok {
				ran++
			}
			if err != nil {
				errs = append(errs, err)
			}
		})
	}
	wg.Wait()
	return ran, errors.Join(errs...)
}

// RunJob runs j if it is due or asked for and this server can take its
// lease, and reports whether it ran. The job's own error is recorded
// with its run, not returned; the error is the database's.
func (s *Scheduler) RunJob(ctx context.Context, j Job) (bool, error) {
	l, ok, err := s.db.ClaimJob(ctx, j.Name, s.instance, s.Lease)
	if err != nil || !ok {
		return false, err
	}
	started := time.Now()
	jctx, cancel := context.WithCancel(spotcheck.NewContextWithPrincipal(ctx, spotcheck.System("job:"+j.Name)))
	var lost bool
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		for {
			select {
			case <-jctx.Done():
				return
			case <-time.After(s.Lease / 3):
			}
			if err := l.Renew(jctx); errors.Is(err, store.ErrJobLeaseLost) {
				lost = true
				cancel()
				return
			} else if err != nil && jctx.Err() == nil {
				s.log.Warn("定时任务续租失败", "job", j.Name, "err", err)
			}
		}
	}()
	counts, runErr := run(jctx, j)
	cancel()
	<-renewed
	took := time.Since(started)
	if lost {
		s.log.Error("定时任务的租约被其他服务接管，本次运行结果不记录", "job", j.Name, "run", l.RunID)
		s.countRun(j.Name, spotcheck.JobAbandoned, took)
		return true, nil
	}
	outcome := spotcheck.JobOK
	switch {
	case runErr != nil && ctx.Err() != nil:
		outcome = spotcheck.JobCancelled
	case runErr != nil:
		outcome = spotcheck.JobFailed
		s.log.Error("定时任务失败", "job", j.Name, "run", l.RunID, "err", runErr)
	}
	// The outcome is recorded even when ctx has ended (the server is
	// shutting down), so that another server runs the job at once.
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer fcancel()
	if err := l.Finish(fctx, outcome, counts, runErr); err != nil {
		if errors.Is(err, store.ErrJobLeaseLost) {
			s.countRun(j.Name, spotcheck.JobAbandoned, took)
			return true, nil
		}
		return true, err
	}
	s.countRun(j.Name, outcome, took)
	return true, nil
}

// run calls j.Run, turning a panic into the run's error: a job that
// panics must not take the server down, and is recorded as failed.
func run(ctx context.Context, j Job) (counts map[string]int64, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return j.Run(ctx)
}

// countRun is the one place where a finished run of this server is
// counted for the metrics (/metrics, issue 13 item 6): outcome is
// spotcheck.JobOK, JobFailed, JobCancelled or JobAbandoned (the lease was
// taken over). METRICS: the lead connects the job-run counter through
// Scheduler.Counted (cmd/spotcheck/jobs.go).
func (s *Scheduler) countRun(job, outcome string, took time.Duration) {
	if s.Counted != nil {
		s.Counted(job, outcome, took)
	}
}
