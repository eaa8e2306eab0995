package spotcheck

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Scheduled jobs (issue 13, items 4 and 6): work the servers do on their
// own — refreshing the planner's statistics, rebuilding the search index,
// counting the publications that are late — on a schedule that holds for
// the whole installation, not for each server: several servers on one
// database run each job once per schedule (the store's lease, package
// jobs). Every run is recorded (JobRun) and never deleted, so that the
// system administrator sees on /staff/jobs what ran where, when, and how
// it ended.

// JobSchedule says when a job is due: every Every, or, when Every is zero,
// daily at Hour:Minute China time (ChinaTime, the bureaus' clock).
type JobSchedule struct {
	Every        time.Duration
	Hour, Minute int
}

// JobEvery returns the schedule of a job due every d.
func JobEvery(d time.Duration) JobSchedule { return JobSchedule{Every: d} }

// JobDailyAt returns the schedule of a job due every day at hour:minute China
// time.
func JobDailyAt(hour, minute int) JobSchedule { return JobSchedule{Hour: hour, Minute: minute} }

// Validate reports a schedule that can never be due, or is due so often
// that the lease cannot separate two runs: every at least a minute, a
// time of day that exists.
func (s JobSchedule) Validate() error {
	switch {
	case s.Every < 0 || (s.Every > 0 && s.Every < time.Minute):
		return Errorf(EINVALID, "任务的运行间隔不能短于 1 分钟")
	case s.Every == 0 && (s.Hour < 0 || s.Hour > 23 || s.Minute < 0 || s.Minute > 59):
		return Errorf(EINVALID, "任务的每日运行时间 %d:%02d 无效", s.Hour, s.Minute)
	}
	return nil
}

// Next returns when the job is next due after a run due at or started at
// t: t+Every, or the first Hour:Minute China time strictly after t. A run
// that starts late (no server was up) does not make the daily time drift.
func (s JobSchedule) Next(t time.Time) time.Time {
	if s.Every > 0 {
		return t.Add(s.Every)
	}
	c := t.In(ChinaTime)
	at := time.Date(c.Year(), c.Month(), c.Day(), s.Hour, s.Minute, 0, 0, ChinaTime)
	if !at.After(c) {
		at = at.AddDate(0, 0, 1)
	}
	return at.UTC()
}

// Spec is the schedule as the store keeps it and ParseJobSchedule reads
// it: "every 1h0m0s" or "daily 03:00".
func (s JobSchedule) Spec() string {
	if s.Every > 0 {
		return "every " + s.Every.String()
	}
	return fmt.Sprintf("daily %02d:%02d", s.Hour, s.Minute)
}

// String describes the schedule for the page: 每 1 小时, 每天 03:00（北京时间）.
func (s JobSchedule) String() string {
	if s.Every == 0 {
		return fmt.Sprintf("每天 %02d:%02d（北京时间）", s.Hour, s.Minute)
	}
	switch d := s.Every; {
	case d%time.Hour == 0:
		return fmt.Sprintf("每 %d 小时", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("每 %d 分钟", d/time.Minute)
	default:
		return "每 " + d.String()
	}
}

// ParseJobSchedule reads a schedule written by Spec.
func ParseJobSchedule(spec string) (JobSchedule, error) {
	kind, arg, _ := strings.Cut(spec, " ")
	var s JobSchedule
	switch kind {
	case "every":
		d, err := time.ParseDuration(arg)
		if err != nil {
			return s, Errorf(EINVALID, "任务计划“%s”的间隔无效", spec)
		}
		s.Every = d
	case "daily":
		h, m, ok := strings.Cut(arg, ":")
		hour, err1 := strconv.Atoi(h)
		minute, err2 := strconv.Atoi(m)
		if !ok || err1 != nil || err2 != nil || len(m) != 2 {
			return s, Errorf(EINVALID, "任务计划“%s”的时间无效", spec)
		}
		s.Hour, s.Minute = hour, minute
	default:
		return s, Errorf(EINVALID, "任务计划“%s”无法识别", spec)
	}
	return s, s.Validate()
}

// The outcomes of a job run.
const (
	JobRunning   = "running"   // started, not finished (or its server died: see JobAbandoned)
	JobOK        = "ok"        // finished without error
	JobFailed    = "failed"    // finished with an error (JobRun.Error)
	JobAbandoned = "abandoned" // its lease ran out before it finished: the server died or lost the database
	JobCancelled = "cancelled" // its server shut down while it ran; the run is due again at once
)

// JobOutcomeName names an outcome for pages.
func JobOutcomeName(outcome string) string {
	switch outcome {
	case JobRunning:
		return "运行中"
	case JobOK:
		return "成功"
	case JobFailed:
		return "失败"
	case JobAbandoned:
		return "中断（租约过期）"
	case JobCancelled:
		return "因服务停止而取消"
	}
	return outcome
}

// JobRun is one run of a job: which server ran it, why (its schedule, or
// an administrator's "run now"), when, and how it ended.
type JobRun struct {
	ID          int64
	Job         string
	Instance    string // the server that ran it (serve --instance-name)
	RequestedBy string // the login of the administrator who asked for it; "" for a scheduled run
	Started     time.Time
	Finished    time.Time // zero while running
	Outcome     string    // JobRunning, JobOK…
	Error       string    // the error of a failed run, without secrets
	Counts      map[string]int64
}

// Duration is how long the run took; zero while it runs.
func (r JobRun) Duration() time.Duration {
	if r.Finished.IsZero() {
		return 0
	}
	return r.Finished.Sub(r.Started)
}

// OutcomeName names the run's outcome for pages.
func (r JobRun) OutcomeName() string { return JobOutcomeName(r.Outcome) }

// CountsText is what the run counted, for pages: "due_soon=2 overdue=1",
// by name.
func (r JobRun) CountsText() string {
	parts := make([]string, 0, len(r.Counts))
	for k, v := range r.Counts {
		parts = append(parts, k+"="+strconv.FormatInt(v, 10))
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}

// DurationText is how long the run took, for pages: to the millisecond
// below a minute, to the second above; "" while it runs.
func (r JobRun) DurationText() string {
	d := r.Duration()
	switch {
	case r.Finished.IsZero():
		return ""
	case d < time.Minute:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

// JobStatus is a job as the scheduler registered it, with its lease and
// its last run.
type JobStatus struct {
	Name        string
	Title       string // what it does, in Chinese
	Schedule    JobSchedule
	NextDue     time.Time
	Holder      string    // the server running it now; "" when none
	LeaseUntil  time.Time // the holder's lease ends then unless renewed
	RequestedBy string    // a "run now" waiting to be taken: who asked
	RequestedAt time.Time
	Last        *JobRun // nil before the first run
}

// JobService is the system administrator's view of the scheduled jobs
// (/staff/jobs). Every method needs PermManageJobs.
type JobService interface {
	// FindJobs lists the registered jobs by name with their last run.
	FindJobs(ctx context.Context) ([]JobStatus, error)
	// FindJobRuns lists the latest runs of job (every job when ""),
	// newest first.
	FindJobRuns(ctx context.Context, job string, limit int) ([]JobRun, error)
	// RequestJobRun asks for one run of job as soon as a server can take
	// it, recorded with the acting user. ENOTFOUND for an unknown job;
	// ECONFLICT when a run asked for is still waiting.
	RequestJobRun(ctx context.Context, job string) error
}
