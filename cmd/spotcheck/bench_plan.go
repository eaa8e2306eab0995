package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/store"
	"spotcheck/xlsx"
)

// benchPlan measures the compliance check of an annual plan (issue 10):
//
//	bench plan [--entities 1000000] [--inspectors 2000] [--tasks 200] [--runs 7] [--db FILE] [--pg postgres://…]
//
// It loads the demo's departments and items, the synthetic entities of
// `bench import` and synthetic certified inspectors into a temporary
// SQLite database (or --db, reused when it already holds the entities)
// and, with --pg, into a temporary database created on that PostgreSQL
// server and dropped afterwards; makes the city bureau's plan with tasks
// over every target type in two rounds; and times PlanService.CheckPlan,
// the whole check as the page and `plan check` run it (aggregate queries,
// rosters, the pure check).
func (m *Main) benchPlan(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench plan", flag.ContinueOnError)
	n := fs.Int("entities", 1000000, "检查对象数量")
	inspectors := fs.Int("inspectors", 2000, "执法检查人员数量")
	tasks := fs.Int("tasks", 200, "计划中的任务数")
	runs := fs.Int("runs", 7, "测量次数")
	dsn := fs.String("db", "", "SQLite 文件（默认临时文件；已有数据则直接使用）")
	pg := fs.String("pg", "", "PostgreSQL 服务器地址（postgres://…，建临时库，用后删除）")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("bench plan 不接受位置参数")
	}
	tmp, err := os.MkdirTemp("", "spotcheck-bench-plan-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if *dsn == "" {
		*dsn = filepath.Join(tmp, "plan.db")
	}
	csv := filepath.Join(tmp, "entities.csv")
	targets := []string{*dsn}
	if *pg != "" {
		name := fmt.Sprintf("spotcheck_bench_plan_%d", os.Getpid())
		if err := pgAdmin(ctx, *pg, "CREATE DATABASE "+name); err != nil {
			return err
		}
		defer pgAdmin(context.Background(), *pg, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		u, err := url.Parse(*pg)
		if err != nil {
			return usagef("--pg 地址无效：%v", err)
		}
		u.Path, u.RawPath = "/"+name, ""
		targets = append(targets, u.String())
	}
	for _, target := range targets {
		if err := m.benchPlanOn(ctx, target, csv, *n, *inspectors, *tasks, *runs); err != nil {
			return err
		}
	}
	return nil
}

// pgAdmin runs one statement on the PostgreSQL database of url.
func pgAdmin(ctx context.Context, url, stmt string) error {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, stmt)
	return err
}

func (m *Main) benchPlanOn(ctx context.Context, dsn, csv string, n, nInspectors, nTasks, runs int) error {
	db, err := m.openDB(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	count, err := db.Count(ctx, spotcheck.KindEntities)
	if err != nil {
		return err
	}
	if count == 0 {
		if err := m.benchPlanLoad(ctx, db, csv, n, nInspectors); err != nil {
			return err
		}
		if count, err = db.Count(ctx, spotcheck.KindEntities); err != nil {
			return err
		}
	}
	key := spotcheck.PlanKey("FZWL", 2026)
	if _, err := db.Plans().FindPlanByKey(ctx, key); spotcheck.ErrorCode(err) == spotcheck.ENOTFOUND {
		if err := benchPlanTasks(ctx, db, key, nTasks); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	var times []time.Duration
	var findings []spotcheck.Finding
	for i := range runs + 1 {
		start := time.Now()
		if findings, err = db.Plans().CheckPlan(ctx, key, 0); err != nil {
			return err
		}
		if i > 0 { // the first run warms the caches
			times = append(times, time.Since(start))
		}
	}
	slices.Sort(times)
	fmt.Fprintf(m.Stdout, "check plan %s: %d tasks, %d entities, %d inspectors, %d findings; %d runs: median %.3f s, min %.3f s, max %.3f s; peak RSS %d MB\n",
		db.Dialect(), nTasks, count, nInspectors, len(findings), len(times), times[len(times)/2].Seconds(),
		times[0].Seconds(), times[len(times)-1].Seconds(), peakRSSMB())
	return nil
}

// benchPlanLoad loads the demo's departments and items, n synthetic
// entities and nInspectors certified inspectors (a third may lead), spread
// over the city bureau and the district bureaus.
func (m *Main) benchPlanLoad(ctx context.Context, db *store.DB, csv string, n, nInspectors int) error {
	start := time.Now()
	d := demo.Generate(demoSeed, 0, "2026-03-01")
	var bureaus []string
	for _, dp := range d.Departments {
		if dp.Kind == spotcheck.DeptBureau {
			bureaus = append(bureaus, dp.Code)
		}
	}
	d.Inspectors = d.Inspectors[:0]
	for i := range nInspectors {
		d.Inspectors = append(d.Inspectors, spotcheck.Inspector{StaffID: fmt.Sprintf("B%06d", i+1),
			Name: fmt.Sprintf("检查员%04d", i+1), Dept: bureaus[i%len(bureaus)],
			CertNo: fmt.Sprintf("闽文旅执字第BENCH%06d号", i+1), CertExpiry: "2030-12-31", Lead: i%3 == 0, Active: true})
	}
	d.Conflicts = nil
	if err := demo.Load(ctx, db.Transfers(), db.Accounts(), d, nil); err != nil {
		return err
	}
	if _, err := os.Stat(csv); err != nil {
		if err := writeSyntheticEntities(csv, n); err != nil {
			return err
		}
	}
	if _, err := xlsx.Transfers(db.Transfers())[spotcheck.KindEntities].ImportFile(ctx, csv); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "load %s: %d entities, %d inspectors in %.1f s\n", db.Dialect(), n, nInspectors, time.Since(start).Seconds())
	return nil
}

// benchPlanTasks makes the city bureau's plan: nTasks tasks, each over one
// target type (in turn) city-wide, alternately in rounds 1 and 2, on the
// active items in turn.
func benchPlanTasks(ctx context.Context, db *store.DB, key string, nTasks int) error {
	if err := db.Plans().CreatePlan(ctx, &spotcheck.Plan{Dept: "FZWL", Year: 2026, Name: "福州市2026年度抽查计划（测量）",
		Office: "市场管理处"}); err != nil {
		return err
	}
	ref, err := db.ReferenceData().FindReference(ctx)
	if err != nil {
		return err
	}
	var items []string
	for _, it := range demo.Generate(demoSeed, 0, "2026-03-01").Items {
		if it.Status == spotcheck.ItemActive && it.Parent == "" {
			items = append(items, it.Code)
		}
	}
	var ts []spotcheck.Task
	for i := range nTasks {
		ty := ref.Types[i%len(ref.Types)].Code
		start, end := "2026-04-01", "2026-06-30"
		if i%2 == 1 {
			start, end = "2026-09-01", "2026-11-30"
		}
		ts = append(ts, spotcheck.Task{Code: fmt.Sprintf("2026-FZWL-JH-%03d", i+1), Name: "年度抽查（测量）",
			Round: 1 + i%2, Items: []string{items[i%len(items)]}, Scope: spotcheck.TaskScope{Types: []string{ty}},
			StrataBy: spotcheck.StrataByKeyCredit,
			Strata: []spotcheck.StratumRule{{ID: "A", Rate: "3/100"}, {ID: "B", Rate: "3/100"}, {ID: "C", Rate: "5/100"},
				{ID: "D", Rate: "10/100"}, {ID: "key", Rate: "10/100"}},
			Team: []spotcheck.TeamSlot{{Unit: "FZWL", Size: 2}}, Start: start, End: end})
	}
	return db.Plans().CreatePlanTasks(ctx, key, spotcheck.SliceSource("bench", ts))
}
