package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"spotcheck"
)

// benchMerge measures the joint merge of issue 10 (figure: 5 departments'
// draws of 50,000 entities each, ≤ 2 s):
//
//	bench merge [--depts 5] [--entities 50000] [--population 125000] [--runs 5] [--pg postgres://…]
//
// The selections (spotcheck.SyntheticSelections) are written as drawn
// draws into a new SQLite database in a temporary folder and, with --pg,
// into a new database created on that server and dropped afterwards; then
// each run times store's ProposeVisits over the year (load the
// selections, detect, store the proposals, record the event: one
// transaction), the proposals taken out again between runs.
func (m *Main) benchMerge(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench merge", flag.ContinueOnError)
	depts := fs.Int("depts", 5, "部门（任务）数")
	per := fs.Int("entities", 50000, "每个部门抽中的检查对象数")
	population := fs.Int("population", 125000, "检查对象总数（各部门从中抽取，部分重叠）")
	runs := fs.Int("runs", 5, "测量次数")
	pg := fs.String("pg", "", "另在此 PostgreSQL 服务器上新建临时数据库测量（postgres://…，用后删除）")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 || *depts < 2 || *per < 1 || *population < *per || *runs < 1 {
		return usagef("用法：spotcheck bench merge [--depts 5] [--entities 50000] [--population 125000] [--runs 5] [--pg 地址]")
	}
	start := time.Now()
	sels := spotcheck.SyntheticSelections(*depts, *per, *population)
	t0 := time.Now()
	pure := spotcheck.ProposeVisits(sels)
	fmt.Fprintf(m.Stdout, "generate: %d departments × %d selections of %d entities in %.2f s; detection alone (in memory): %d visits in %.3f s\n",
		*depts, *per, *population, t0.Sub(start).Seconds(), len(pure), time.Since(t0).Seconds())

	tmp, err := os.MkdirTemp("", "spotcheck-bench-merge-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := m.mergeOn(ctx, "SQLite", filepath.Join(tmp, "merge.db"), sels, *runs); err != nil {
		return err
	}
	if *pg == "" {
		return nil
	}
	dsn, drop, err := tempPostgres(ctx, *pg)
	if err != nil {
		return err
	}
	defer drop()
	return m.mergeOn(ctx, "PostgreSQL", dsn, sels, *runs)
}

// mergeOn loads the selections into the database dsn and prints the
// runs' median, minimum and maximum.
func (m *Main) mergeOn(ctx context.Context, name, dsn string, sels []spotcheck.TaskSelection, runs int) error {
	db, err := m.openDB(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	sys := spotcheck.NewContextWithPrincipal(ctx, spotcheck.System("bench"))
	start := time.Now()
	runsOut, visits, err := db.BenchMerge(sys, sels, runs, processCPU)
	if err != nil {
		return err
	}
	total := time.Since(start)
	var times, cpus []time.Duration
	for _, r := range runsOut {
		total -= r.Wall
		times, cpus = append(times, r.Wall), append(cpus, r.CPU)
	}
	slices.Sort(times)
	slices.Sort(cpus)
	fmt.Fprintf(m.Stdout, "merge %s: %d visits proposed; load (not timed) %.1f s; %d runs: median %.3f s, min %.3f s, max %.3f s (CPU of this process: median %.3f s); peak RSS %d MB\n",
		name, visits, total.Seconds(), len(times), times[len(times)/2].Seconds(), times[0].Seconds(), times[len(times)-1].Seconds(),
		cpus[len(cpus)/2].Seconds(), peakRSSMB())
	return nil
}

// processCPU is the CPU time (user + system) the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// tempPostgres creates a new database on the server of base and returns
// its address and a function that drops it.
func tempPostgres(ctx context.Context, base string) (string, func(), error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, usagef("--pg 地址无效：%v", err)
	}
	b := make([]byte, 4)
	rand.Read(b)
	name := "spotcheck_bench_merge_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("创建临时数据库：%w", err)
	}
	u.Path = "/" + name
	return u.String(), func() {
		admin.ExecContext(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+name)
		admin.Close()
	}, nil
}
