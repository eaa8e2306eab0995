package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"spotcheck"
	"spotcheck/jobs"
	"spotcheck/metrics"
	"spotcheck/store"
)

// The scheduled jobs in serve (issue 13, item 4; package jobs): every
// server runs the scheduler, and the database's leases make each job run
// once per schedule across them. --instance-name names this server in
// the leases and the runs (/staff/jobs); --jobs=false keeps a server out
// of the jobs altogether (a server that only serves the portal, say).

// jobFlags are serve's flags of the scheduled jobs.
type jobFlags struct {
	instance *string
	run      *bool
}

func addJobFlags(fs *flag.FlagSet) jobFlags {
	return jobFlags{
		instance: fs.String("instance-name", "",
			"本服务在多台服务共用一个数据库时的名称，记入定时任务的租约和运行记录；不填则为“主机名:进程号”"),
		run: fs.Bool("jobs", true, "运行定时任务（多台服务时，每项任务按计划只由其中一台运行）"),
	}
}

// name is the server's name: the flag's, or host:pid.
func (f jobFlags) name() string {
	if *f.instance != "" {
		return *f.instance
	}
	host, err := os.Hostname()
	if err != nil {
		host = "localhost"
	}
	return fmt.Sprintf("%s:%d", host, os.Getpid())
}

// startJobs registers the platform's jobs of db and runs them until ctx
// ends; the function it returns waits until the running jobs have ended
// and recorded their outcome (before the database closes).
func startJobs(ctx context.Context, db *store.DB, f jobFlags, logger *slog.Logger, mx *metrics.Metrics) (func(), error) {
	if !*f.run {
		return func() {}, nil
	}
	s := jobs.New(db, f.name(), logger, jobs.Platform(db, logger)...)
	s.Counted = mx.JobRun // spotcheck_job_runs_total and _duration_seconds on /metrics
	rctx := spotcheck.NewContextWithPrincipal(ctx, spotcheck.System("job:register"))
	if err := s.Register(rctx); err != nil {
		return nil, err
	}
	logger.Info("scheduled jobs", "instance", f.name(), "jobs", len(s.Jobs()))
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	return func() { <-done }, nil
}
