package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"spotcheck"
	"spotcheck/riskfile"
)

// benchReclassify measures a city-wide reclassification (issue 14): the
// default risk model's preview and apply over every entity of the city.
//
//	bench reclassify [--db DSN] [--entities 1000000] [--years 3] [--inspections-per-year 100000] [--build-only]
//
// A new database gets its world first: the demo's directory, a task drawn
// and one result published through the services (benchPublishedOne),
// --entities synthetic entities imported as bench import does, then
// years of results cloned from the real one with follow-ups, complaints
// and penalties (store.BenchRiskHistory, which documents the shares). The
// default is 100,000 inspections a year over a million entities: the
// 3 % floor twice a year (two rounds, 60,000) and the targeted checks of
// key and high-risk entities and complaints on top; about 13 % of them
// find a problem the model counts. An existing database is reclassified
// as it is (a second run moves only what changed since the first), so
// --build-only makes the world without reclassifying: each measurement
// can then start from a copy of it (cp of the SQLite file, createdb
// --template on PostgreSQL).
// riskfile/default.toml is loaded, in force from today, unless its
// version is already stored. Preview and apply are timed separately.
func (m *Main) benchReclassify(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench reclassify", flag.ContinueOnError)
	dsn := fs.String("db", "", "数据库（默认临时 SQLite 文件）")
	n := fs.Int("entities", 1000000, "新数据库中生成的检查对象数量")
	years := fs.Int("years", 3, "新数据库中生成的检查结果年数")
	perYear := fs.Int("inspections-per-year", 100000, "新数据库中每年的检查数量")
	buildOnly := fs.Bool("build-only", false, "只生成数据（需配合 --db），不重新分类：此后每次测量可从其副本开始")
	cpuProfile := fs.String("cpuprofile", "", "把预览和应用阶段的 CPU profile 写到此文件")
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
		fmt.Fprintf(m.Stdout, "world: %d entities imported in %.1f s\n", *n, time.Since(start).Seconds())
		start = time.Now()
		c, err := db.BenchRiskHistory(sys, tmpl.Inspection, *years, *perYear)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "history: %d inspections over %d years (%d adverse), %d follow-ups open, %d hand-offs to the abnormal list, %d complaints, %d penalties in %.1f s\n",
			c.Inspections, *years, c.Adverse, c.OpenFollowUps, c.Abnormal, c.Complaints, c.Penalties, time.Since(start).Seconds())
	}
	if *buildOnly {
		return nil
	}
	as, err := demoStaff(sys, db, "cityadmin")
	if err != nil {
		return err
	}
	admin := as("cityadmin")
	today := time.Now().In(spotcheck.ChinaTime).Format(spotcheck.DateLayout)
	model := strings.Replace(string(riskfile.Default()), "effective_from = 2026-12-01", "effective_from = "+today, 1)
	if _, err := db.Risk().LoadRiskModel(admin, []byte(model)); err != nil && spotcheck.ErrorCode(err) != spotcheck.ECONFLICT {
		return err
	}
	runtime.GC()
	if resetPeakRSS() {
		fmt.Fprintln(m.Stdout, "memory: from the world ready on (VmHWM reset)")
	}
	mw := watchMemory()
	defer close(mw.stop)
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	start, cpu := time.Now(), cpuSeconds()
	run, err := db.Risk().PreviewReclassification(admin, "FZWL")
	if err != nil {
		return err
	}
	preview := time.Since(start)
	fmt.Fprintf(m.Stdout, "preview %s: run %d, %d entities, %d moves in %.1f s (%.1f s CPU in this process), %s\n",
		db.Dialect(), run.ID, run.Entities, run.Moves, preview.Seconds(), cpuSeconds()-cpu, mw.memory())
	start, cpu = time.Now(), cpuSeconds()
	applied, err := db.Risk().ApplyReclassification(admin, run.ID)
	if err != nil {
		return err
	}
	apply := time.Since(start)
	fmt.Fprintf(m.Stdout, "apply %s: %d moves in %.1f s (%.1f s CPU in this process), %s\n", db.Dialect(), applied.Moves,
		apply.Seconds(), cpuSeconds()-cpu, mw.memory())
	facts, err := db.BenchRiskFacts(sys, run.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "facts: %d entities with adverse results, %d with open follow-ups, %d on the abnormal list, %d with complaints, %d with penalties; %d inspected\n",
		facts.Adverse, facts.OpenFollowUps, facts.Abnormal, facts.Complaints, facts.Penalties, facts.Inspections)
	fmt.Fprintf(m.Stdout, "reclassify %s: preview + apply %.1f s, %s\n", db.Dialect(), (preview + apply).Seconds(), mw.memory())
	return nil
}

// resetPeakRSS makes the kernel's peak resident set size (VmHWM) start
// again from the current one, so that the world's making does not count
// in the figure measured after it; false where that is not possible.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// procStatusMB is a field of /proc/self/status given in kB (VmHWM, the
// peak resident set size since the last resetPeakRSS; RssAnon, the
// resident memory that is no file's), in MB; -1 where it cannot be read.
func procStatusMB(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == field+":" {
			if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				return kb / 1024
			}
		}
	}
	return -1
}

// hwmMB is VmHWM, or the process's peak (peakRSSMB) where it cannot be
// read.
func hwmMB() int64 {
	if mb := procStatusMB("VmHWM"); mb >= 0 {
		return mb
	}
	return peakRSSMB()
}

// memWatch samples RssAnon every 50 ms until stopped: its peak is the
// process's own memory, where the resident set size also counts the
// pages of SQLite's memory-mapped file (mmap_size, up to 1 GB), which
// are the file's, shared and reclaimable.
type memWatch struct {
	peak atomic.Int64
	stop chan struct{}
}

func watchMemory() *memWatch {
	w := &memWatch{stop: make(chan struct{})}
	go func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if mb := procStatusMB("RssAnon"); mb > w.peak.Load() {
				w.peak.Store(mb)
			}
			select {
			case <-w.stop:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// memory describes the peaks so far.
func (w *memWatch) memory() string {
	return fmt.Sprintf("peak RSS %d MB (anonymous %d MB)", hwmMB(), w.peak.Load())
}

// cpuSeconds is the process's user and system CPU time so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
