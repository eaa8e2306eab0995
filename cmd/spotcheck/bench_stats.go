package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"spotcheck"
)

// benchStats measures the statistics dashboard's queries (issue 14, item
// 4) for the whole city: each section of store/stats*.go (coverage,
// results, hit rates by stratum, by item and by model version,
// timeliness, workload, repeats, joint) run --runs
// times, its median against the target of 500 ms.
//
//	bench stats [--db DSN] [--entities 1000000] [--inspections 100000] [--runs 5] [--cpuprofile FILE]
//
// A new database gets its world first: the demo's directory, a task drawn
// and one result published through the services (benchPublishedOne),
// --entities synthetic entities imported, then --inspections results of
// the last year cloned from the real one, each with its pick of the draw
// and, when published, its publication (store.BenchStatsWorld). The
// year measured is this year (China), which holds all but the few weeks
// of the last year's results that fall in the year before.
func (m *Main) benchStats(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench stats", flag.ContinueOnError)
	dsn := fs.String("db", "", "数据库（默认临时 SQLite 文件）")
	n := fs.Int("entities", 1000000, "新数据库中生成的检查对象数量")
	k := fs.Int("inspections", 100000, "新数据库中近一年的检查数量")
	runs := fs.Int("runs", 5, "每项统计的运行次数（取中位数）")
	cpuProfile := fs.String("cpuprofile", "", "把测量阶段的 CPU profile 写到此文件")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	env, err := m.openBench(ctx, *dsn)
	if err != nil {
		return err
	}
	defer env.close()
	db, sys := env.db, env.sys
	if env.empty {
		start := time.Now()
		tmpl, err := benchPublishedOne(sys, db)
		if err != nil {
			return err
		}
		if err := benchImportEntities(sys, db, *n, env.tmp); err != nil {
			return err
		}
		c, err := db.BenchStatsWorld(sys, tmpl, *k)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "world: %d entities, %d inspections (%d adverse) in %.1f s\n", *n, c.Inspections, c.Adverse,
			time.Since(start).Seconds())
	}
	year := time.Now().In(spotcheck.ChinaTime).Year()
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	times, err := db.Stats().BenchStatsSections(sys, year, max(*runs, 1))
	if err != nil {
		return err
	}
	var worst time.Duration
	for _, t := range times {
		med := t.Median()
		worst = max(worst, med)
		fmt.Fprintf(m.Stdout, "stats %s %-10s median %7.1f ms of %d runs\n", db.Dialect(), t.Section, float64(med.Microseconds())/1000, len(t.Runs))
	}
	verdict := "met"
	if worst > 500*time.Millisecond {
		verdict = "NOT met"
	}
	fmt.Fprintf(m.Stdout, "stats %s: slowest section %.1f ms (target 500 ms: %s)\n", db.Dialect(), float64(worst.Microseconds())/1000, verdict)
	return nil
}
