package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"spotcheck"
)

// JobService implements spotcheck.JobService: the system administrator's
// view of the scheduled jobs (/staff/jobs) and "run now".
type JobService struct{ db *DB }

// Jobs returns the service of the scheduled jobs.
func (db *DB) Jobs() *JobService { return &JobService{db: db} }

var _ spotcheck.JobService = (*JobService)(nil)

// jobRunCols are the columns scanJobRun reads.
const jobRunCols = `r.id, r.job, r.instance, r.requested_by, r.started_at, r.finished_at, r.outcome, r.error, r.counts`

func scanJobRun(rows *sql.Rows) (spotcheck.JobRun, error) {
	var r spotcheck.JobRun
	var started, finished, counts string
	if err := rows.Scan(&r.ID, &r.Job, &r.Instance, &r.RequestedBy, &started, &finished, &r.Outcome, &r.Error, &counts); err != nil {
		return r, err
	}
	r.Started, _ = time.Parse(time.RFC3339, started)
	r.Finished, _ = time.Parse(time.RFC3339, finished) // "" while running: the zero time
	if err := json.Unmarshal([]byte(counts), &r.Counts); err != nil {
		return r, err
	}
	return r, nil
}

// FindJobs lists the registered jobs by name with their last run.
// PermManageJobs.
func (sv *JobService) FindJobs(ctx context.Context) (out []spotcheck.JobStatus, err error) {
	defer wrap(&err, "find jobs")
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageJobs, ""); err != nil {
		return nil, err
	}
	last := map[string]*spotcheck.JobRun{}
	rows, err := sv.db.read.QueryContext(ctx, `SELECT `+jobRunCols+` FROM job_runs r
		WHERE r.id IN (SELECT max(id) FROM job_runs GROUP BY job)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanJobRun(rows)
		if err != nil {
			return nil, err
		}
		last[r.Job] = &r
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	rows, err = sv.db.read.QueryContext(ctx, `SELECT name, title, schedule, next_due, holder, lease_until,
		requested_by, requested_at FROM jobs ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var j spotcheck.JobStatus
		var spec, next, until, reqAt string
		if err := rows.Scan(&j.Name, &j.Title, &spec, &next, &j.Holder, &until, &j.RequestedBy, &reqAt); err != nil {
			return nil, err
		}
		if j.Schedule, err = spotcheck.ParseJobSchedule(spec); err != nil {
			return nil, err
		}
		j.NextDue, j.LeaseUntil, j.RequestedAt = parseTime(next), parseTime(until), parseTime(reqAt)
		j.Last = last[j.Name]
		out = append(out, j)
	}
	return out, rows.Err()
}

// FindJobRuns lists the latest runs of job ("" for every job), newest
// first. PermManageJobs.
func (sv *JobService) FindJobRuns(ctx context.Context, job string, limit int) (out []spotcheck.JobRun, err error) {
	defer wrap(&err, "find job runs", job)
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageJobs, ""); err != nil {
		return nil, err
	}
	rows, err := sv.db.read.QueryContext(ctx, `SELECT `+jobRunCols+` FROM job_runs r WHERE $1 = '' OR r.job = $1
		ORDER BY r.id DESC LIMIT $2`, job, min(max(limit, 1), 1000))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanJobRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RequestJobRun asks for one run of job, recorded with the acting user;
// the next server to look (within its scheduler's tick) runs it and the
// run records who asked. PermManageJobs; ENOTFOUND for a job never
// registered, ECONFLICT while an earlier request waits.
func (sv *JobService) RequestJobRun(ctx context.Context, job string) (err error) {
	defer wrap(&err, "request job run", job)
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageJobs, ""); err != nil {
		return err
	}
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return err
	}
	res, err := sv.db.write.ExecContext(ctx, `UPDATE jobs SET requested_by = $1, requested_at = $2
		WHERE name = $3 AND requested_at = ''`, p.Username, sv.db.now(), job)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	var by string
	err = sv.db.read.QueryRowContext(ctx, `SELECT requested_by FROM jobs WHERE name = $1`, job).Scan(&by)
	if errors.Is(err, sql.ErrNoRows) {
		return spotcheck.Errorf(spotcheck.ENOTFOUND, "定时任务“%s”不存在", job)
	}
	if err != nil {
		return err
	}
	return spotcheck.Errorf(spotcheck.ECONFLICT, "定时任务“%s”已有一次立即运行的请求在等待执行", job)
}
