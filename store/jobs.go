package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"spotcheck"
)

// The leases of the scheduled jobs (issue 13, item 4; migration 0027).
// Several servers on one database each run a scheduler (package jobs)
// with the same jobs; each job is one row of the jobs table, and a server
// runs a job only while it holds that row's lease:
//
//   - ClaimJob takes the lease in a short transaction when the job is due
//     (next_due has come) or an administrator asked for a run, and no
//     other server holds an unexpired lease. On PostgreSQL the row is read
//     FOR UPDATE SKIP LOCKED, so a server that finds another claiming it
//     at that moment passes over it instead of waiting; on SQLite the
//     transaction holds the one write lock. The claim increments
//     lease_seq and records the run (job_runs, outcome running) in the
//     same transaction, so every run is recorded, even one whose server
//     dies.
//   - The holder renews the lease (JobLease.Renew) while the job runs; a
//     server that dies stops renewing, its lease runs out, and the next
//     claim by another server takes the job over and marks the dead run
//     abandoned.
//   - JobLease.Finish records the outcome and moves next_due to the next
//     time of the schedule, in one transaction, where lease_seq is still
//     the claimed value (a fence): a server whose lease was taken over
//     writes nothing, however late it finishes.
//
// No transaction is open while a job runs. The lease is wall-clock time
// of the database's clock (DB.Now); the servers' clocks must agree to
// well within a lease (NTP does).

// ErrJobLeaseLost is returned by JobLease.Renew and Finish when another
// server has taken the job over: this server's run must stop, and what it
// did is not recorded as the job's outcome.
var ErrJobLeaseLost = errors.New("任务租约已被其他服务接管")

// runTimeFormat is how the runs' times are stored: RFC 3339 UTC with
// milliseconds, so that a run's duration shows below a second.
const runTimeFormat = "2006-01-02T15:04:05.000Z07:00"

// RegisterJob records the job name with its title and schedule, due first
// at the schedule's next time from now; a job already registered keeps
// its next due time unless its schedule changed. Every server registers
// its jobs at start.
func (db *DB) RegisterJob(ctx context.Context, name, title string, s spotcheck.JobSchedule) (err error) {
	defer wrap(&err, "register job", name)
	if err := s.Validate(); err != nil {
		return err
	}
	next := s.Next(db.Now()).UTC().Format(time.RFC3339)
	_, err = db.write.ExecContext(ctx, `INSERT INTO jobs (name, title, schedule, next_due) VALUES ($1, $2, $3, $4)
		ON CONFLICT (name) DO UPDATE SET title = excluded.title, schedule = excluded.schedule,
			next_due = CASE WHEN jobs.schedule = excluded.schedule THEN jobs.next_due ELSE excluded.next_due END
		WHERE jobs.title <> excluded.title OR jobs.schedule <> excluded.schedule`, name, title, s.Spec(), next)
	return err
}

// JobLease is a server's hold on one run of a job, from ClaimJob to
// Finish.
type JobLease struct {
	db          *DB
	Job         string
	Instance    string
	RunID       int64  // the run's job_runs row
	RequestedBy string // who asked for this run; "" for a scheduled run
	seq         int64  // lease_seq as claimed: the fence
	lease       time.Duration
	sched       spotcheck.JobSchedule
	due         time.Time // the scheduled time this run serves; zero when it was only asked for

	mu    sync.Mutex
	until time.Time
}

// Until is when the lease ends unless renewed.
func (l *JobLease) Until() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.until
}

// jobRow is the lease part of a jobs row.
type jobRow struct {
	schedule, holder, leaseUntil, nextDue, requestedBy, requestedAt string
	seq, runID                                                      int64
}

// claimable reports whether a job in row may be claimed at now: no
// unexpired lease, and due or asked for.
func (r jobRow) claimable(now time.Time) bool {
	if r.holder != "" && parseTime(r.leaseUntil).After(now) {
		return false
	}
	return r.requestedAt != "" || !parseTime(r.nextDue).After(now)
}

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

// ClaimJob takes the lease of job name for instance for the duration
// lease, when the job is due or asked for and no other server holds it;
// ok is false when it is not to be run now. ENOTFOUND for a job never
// registered.
func (db *DB) ClaimJob(ctx context.Context, name, instance string, lease time.Duration) (l *JobLease, ok bool, err error) {
	defer wrap(&err, "claim job", name)
	now := db.Now().UTC()
	// A read first: most claims find nothing due, and on SQLite a write
	// transaction would take the one write lock every time.
	var r jobRow
	err = db.read.QueryRowContext(ctx, `SELECT holder, lease_until, next_due, requested_at FROM jobs WHERE name = $1`, name).
		Scan(&r.holder, &r.leaseUntil, &r.nextDue, &r.requestedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, spotcheck.Errorf(spotcheck.ENOTFOUND, "定时任务“%s”未登记", name)
	}
	if err != nil || !r.claimable(now) {
		return nil, false, err
	}
	err = db.inTx(ctx, func(t *tx) error {
		err := t.QueryRowContext(ctx, `SELECT schedule, holder, lease_until, lease_seq, run_id, next_due, requested_by, requested_at
			FROM jobs WHERE name = $1`+t.db.dialect.skipLocked(), name).
			Scan(&r.schedule, &r.holder, &r.leaseUntil, &r.seq, &r.runID, &r.nextDue, &r.requestedBy, &r.requestedAt)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // another server is claiming it (PostgreSQL's SKIP LOCKED)
		}
		if err != nil || !r.claimable(now) {
			return err
		}
		sched, err := spotcheck.ParseJobSchedule(r.schedule)
		if err != nil {
			return err
		}
		if r.holder != "" {
			// The holder's lease ran out before it finished: its server
			// died or lost the database. Its run ends here.
			if _, err := t.ExecContext(ctx, `UPDATE job_runs SET outcome = $1, finished_at = $2, error = $3
				WHERE id = $4 AND outcome = $5`, spotcheck.JobAbandoned, parseTime(r.leaseUntil).Format(runTimeFormat),
				fmt.Sprintf("服务 %s 的租约于 %s 过期，运行未完成；由 %s 接管", r.holder,
					parseTime(r.leaseUntil).In(spotcheck.ChinaTime).Format("2006-01-02 15:04:05"), instance),
				r.runID, spotcheck.JobRunning); err != nil {
				return err
			}
		}
		var runID int64
		if err := t.QueryRowContext(ctx, `INSERT INTO job_runs (job, instance, requested_by, started_at, outcome)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, name, instance, r.requestedBy, now.Format(runTimeFormat),
			spotcheck.JobRunning).Scan(&runID); err != nil {
			return err
		}
		until := now.Add(lease)
		if _, err := t.ExecContext(ctx, `UPDATE jobs SET holder = $1, lease_until = $2, lease_seq = lease_seq + 1,
			run_id = $3, requested_by = '', requested_at = '' WHERE name = $4`,
			instance, until.Format(time.RFC3339), runID, name); err != nil {
			return err
		}
		l = &JobLease{db: db, Job: name, Instance: instance, RunID: runID, RequestedBy: r.requestedBy,
			seq: r.seq + 1, lease: lease, sched: sched, until: until}
		if due := parseTime(r.nextDue); !due.After(now) {
			l.due = due
		}
		return nil
	})
	return l, l != nil && err == nil, err
}

// Renew extends the lease by its duration from now. ErrJobLeaseLost when
// another server has taken the job over.
func (l *JobLease) Renew(ctx context.Context) error {
	until := l.db.Now().UTC().Add(l.lease)
	res, err := l.db.write.ExecContext(ctx, `UPDATE jobs SET lease_until = $1 WHERE name = $2 AND lease_seq = $3`,
		until.Format(time.RFC3339), l.Job, l.seq)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrJobLeaseLost
	}
	l.mu.Lock()
	l.until = until
	l.mu.Unlock()
	return nil
}

// Finish records the run's outcome — JobOK, JobFailed with runErr, or
// JobCancelled (its server is shutting down) — with what it counted, and
// releases the lease. A run that served the schedule moves next_due to
// the schedule's next time (a failed one too: it is tried again at its
// next time, not at once); a cancelled run leaves it, and puts back the
// request it served, so that another server runs the job at once. ErrJobLeaseLost, writing nothing, when
// another server has taken the job over.
func (l *JobLease) Finish(ctx context.Context, outcome string, counts map[string]int64, runErr error) error {
	now := l.db.Now().UTC()
	msg := ""
	if runErr != nil {
		msg = clipBytes(spotcheck.ErrorMessage(runErr), 1000)
		if spotcheck.ErrorCode(runErr) == spotcheck.EINTERNAL {
			msg = clipBytes(runErr.Error(), 1000)
		}
	}
	if counts == nil {
		counts = map[string]int64{}
	}
	cj, err := json.Marshal(counts)
	if err != nil {
		return err
	}
	return l.db.inTx(ctx, func(t *tx) error {
		set := ""
		args := []any{l.Job, l.seq}
		if outcome == spotcheck.JobCancelled && l.RequestedBy != "" {
			// The administrator's request is not lost with the run.
			set = ", requested_by = $3, requested_at = $4"
			args = append(args, l.RequestedBy, now.Format(time.RFC3339))
		}
		if !l.due.IsZero() && outcome != spotcheck.JobCancelled {
			next := l.sched.Next(l.due)
			if !next.After(now) {
				next = l.sched.Next(now) // periods missed while no server ran it are not made up
			}
			set = ", next_due = $3"
			args = append(args, next.Format(time.RFC3339))
		}
		res, err := t.ExecContext(ctx, `UPDATE jobs SET holder = '', lease_until = '', run_id = 0`+set+`
			WHERE name = $1 AND lease_seq = $2`, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrJobLeaseLost
		}
		_, err = t.ExecContext(ctx, `UPDATE job_runs SET finished_at = $1, outcome = $2, error = $3, counts = $4 WHERE id = $5`,
			now.Format(runTimeFormat), outcome, msg, string(cj), l.RunID)
		return err
	})
}
