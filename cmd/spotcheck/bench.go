package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/xlsx"
)

// runBench measures the end-to-end figures of the issues on synthetic data:
//
//	bench import --entities N [--db DSN] [--csv FILE]   CSV → database
//	bench export [--db DSN] --out FILE                  database → .xlsx/.csv
//	bench search --db DSN [--clients 20] [--duration 30s]  search under load (bench_search.go)
//	bench merge [--depts 5] [--entities 50000] [--pg URL]   joint merge (bench_merge.go)
//	bench inspections [--clients 200] [--pg URL]        results with photos (bench_inspect.go)
//	bench results [--db DSN] [--results 1000000]        the portal's result search (bench_results.go)
//	bench outbox [--records 5000] [--workers 2]         the credit push (bench_outbox.go)
//	bench taskdraw --db DSN [--types T09,T14]           a task's draw from the directory (bench_taskdraw.go)
//	bench reclassify [--db DSN] [--entities 1000000]    preview and apply of the risk model (bench_reclassify.go)
//	bench stats [--db DSN] [--inspections 100000]       the dashboard's queries (bench_stats.go)
//
// Without --db the import goes to a new SQLite file in a temporary folder.
// Peak memory is the process's maximum resident set size (getrusage).
func (m *Main) runBench(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("用法：spotcheck bench import|export …")
	}
	switch args[0] {
	case "import":
		return m.benchImport(ctx, args[1:])
	case "export":
		return m.benchExport(ctx, args[1:])
	case "search":
		return m.benchSearch(ctx, args[1:])
	case "draw":
		return m.benchDraw(ctx, args[1:])
	case "log":
		return m.benchLog(ctx, args[1:])
	case "plan":
		return m.benchPlan(ctx, args[1:])
	case "merge":
		return m.benchMerge(ctx, args[1:])
	case "inspections":
		return m.benchInspections(ctx, args[1:])
	case "outbox":
		return m.benchOutbox(ctx, args[1:])
	case "results":
		return m.benchResults(ctx, args[1:])
	case "load":
		return m.benchLoad(ctx, args[1:])
	case "taskdraw":
		return m.benchTaskDraw(ctx, args[1:])
	case "reclassify":
		return m.benchReclassify(ctx, args[1:])
	case "stats":
		return m.benchStats(ctx, args[1:])
	}
	return usagef("未知的测量“%s”，应为 import、export、search、draw、log、plan、merge、inspections、outbox、results、load、taskdraw、reclassify 或 stats", args[0])
}

func (m *Main) benchImport(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench import", flag.ContinueOnError)
	n := fs.Int("entities", 1000000, "检查对象数量")
	dsn := fs.String("db", "", "目标数据库（默认临时 SQLite 文件）")
	csvPath := fs.String("csv", "", "CSV 文件：存在则直接导入，否则生成到此处")
	cpuProfile := fs.String("cpuprofile", "", "把导入阶段的 CPU profile 写到此文件")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "spotcheck-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if *dsn == "" {
		*dsn = filepath.Join(tmp, "bench.db")
	}
	if *csvPath == "" {
		*csvPath = filepath.Join(tmp, "entities.csv")
	}
	if _, err := os.Stat(*csvPath); err != nil {
		start := time.Now()
		if err := writeSyntheticEntities(*csvPath, *n); err != nil {
			return err
		}
		fi, _ := os.Stat(*csvPath)
		fmt.Fprintf(m.Stdout, "generate: %d entities, %.1f MB CSV in %.2f s\n", *n, float64(fi.Size())/1e6, time.Since(start).Seconds())
	}
	db, err := m.openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	deps := demo.Generate(demoSeed, 0, m.Now().Format(spotcheck.DateLayout)).Departments
	if _, err := db.Departments().ImportDepartments(ctx, spotcheck.SliceSource("bench", deps)); err != nil {
		return err
	}
	runtime.GC()
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	start := time.Now()
	sum, err := xlsx.Transfers(db.Transfers())[spotcheck.KindEntities].ImportFile(ctx, *csvPath)
	if err != nil {
		return err
	}
	d := time.Since(start)
	fmt.Fprintf(m.Stdout, "import %s: %d added, %d updated in %.2f s (%.0f rows/s), peak RSS %d MB\n",
		db.Dialect(), sum.Added, sum.Updated, d.Seconds(), float64(sum.Added+sum.Updated+sum.Unchanged)/d.Seconds(), peakRSSMB())
	return nil
}

func (m *Main) benchExport(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench export", flag.ContinueOnError)
	dsn := dbFlag(fs)
	out := fs.String("out", "", "输出文件（.xlsx 或 .csv）")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("用法：spotcheck bench export --db 数据库 --out 文件")
	}
	db, err := m.openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	n, err := xlsx.Transfers(db.Transfers())[spotcheck.KindEntities].ExportFile(ctx, *out)
	if err != nil {
		return err
	}
	d := time.Since(start)
	fi, _ := os.Stat(*out)
	fmt.Fprintf(m.Stdout, "export %s: %d entities to %s (%.1f MB) in %.2f s, peak RSS %d MB\n",
		db.Dialect(), n, filepath.Base(*out), float64(fi.Size())/1e6, d.Seconds(), peakRSSMB())
	return nil
}

// writeSyntheticEntities writes n synthetic entities as an import file.
func writeSyntheticEntities(path string, n int) error {
	w, err := xlsx.Create(path, xlsx.Entities)
	if err != nil {
		return err
	}
	for e := range demo.Entities(demoSeed, n) {
		if err := w.Write(&e); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}

// startCPUProfile writes a CPU profile to path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// peakRSSMB is the process's peak resident set size in MB (Linux reports
// ru_maxrss in KiB).
func peakRSSMB() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return ru.Maxrss / 1024
}
