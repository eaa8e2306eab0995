package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"spotcheck/draw"
)

// benchDraw measures the draw on the synthetic frame of draw.Synthetic
// (four strata at 3/100, teams of two, a quarter of the inspectors may
// lead, a few thousand conflicts):
//
//	bench draw [--entities 1000000] [--inspectors 2000] [--pg postgres://…] [--cpuprofile FILE]
//
// The draw (checks of the files, seed, tickets, selection with reserves,
// assignment) runs on one core (GOMAXPROCS 1). The bundle is then written
// to a temporary folder and replayed and verified from the files, on one
// core too. Last, the same frame is loaded (not timed) into a temporary
// SQLite database and, with --pg, a temporary PostgreSQL table, and the
// usual `ORDER BY random() LIMIT k` per stratum is timed against the draw.
// Peak memory is the process's maximum resident set size (getrusage).
func (m *Main) benchDraw(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench draw", flag.ContinueOnError)
	n := fs.Int("entities", 1000000, "检查对象数量")
	inspectors := fs.Int("inspectors", 2000, "执法检查人员数量")
	pg := fs.String("pg", "", "对比用的 PostgreSQL 地址（postgres://…，建临时表，用后删除）")
	cpuProfile := fs.String("cpuprofile", "", "把抽取阶段的 CPU profile 写到此文件")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("bench draw 不接受位置参数")
	}
	start := time.Now()
	b, err := draw.Synthetic(*n, *inspectors)
	if err != nil {
		return m.drawFailed(err)
	}
	plan, _ := draw.ParsePlan(b.Plan)
	fmt.Fprintf(m.Stdout, "generate: %d entities (%.1f MB frame.tsv), %d exclusions, %d inspectors, %d conflicts in %.2f s\n",
		plan.Frame.Count, float64(len(b.Frame))/1e6, plan.Exclusions.Count, plan.Roster.Count, plan.Conflicts.Count, time.Since(start).Seconds())

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	var o draw.Outcome
	d, err := oneCore(func() (err error) {
		o, err = draw.Run(b.Plan, b.Randomness, b.Inputs)
		return err
	})
	if err != nil {
		return m.drawFailed(err)
	}
	runtime.ReadMemStats(&after)
	unassigned := 0
	for _, t := range o.Teams {
		if t.Inspectors == nil {
			unassigned++
		}
	}
	fmt.Fprintf(m.Stdout, "draw: %d selected + %d reserves, %d unassigned, in %.3f s on 1 core (checks, seed, tickets, selection, assignment); %d MB allocated, peak RSS %d MB\n",
		len(o.Teams), len(o.Picks)-len(o.Teams), unassigned, d.Seconds(), (after.TotalAlloc-before.TotalAlloc)>>20, peakRSSMB())

	tmp, err := os.MkdirTemp("", "spotcheck-bench-draw-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	b.Result, b.Selected, b.Assignment = o.Result, o.Selected, o.Assignment
	dir := filepath.Join(tmp, "bundle")
	if err := b.Write(dir); err != nil {
		return err
	}
	dReplay, err := oneCore(func() error {
		r, err := draw.ReadInputs(dir)
		if err != nil {
			return err
		}
		ro, err := draw.Run(r.Plan, r.Randomness, r.Inputs)
		if err != nil {
			return err
		}
		r.Result, r.Selected, r.Assignment = ro.Result, ro.Selected, ro.Assignment
		return r.WriteOutputs(dir)
	})
	if err != nil {
		return m.drawFailed(err)
	}
	dVerify, err := oneCore(func() error {
		v, err := draw.ReadBundle(dir)
		if err != nil {
			return err
		}
		_, err = draw.Verify(v)
		return err
	})
	if err != nil {
		return m.drawFailed(err)
	}
	fmt.Fprintf(m.Stdout, "from files (1 core): replay %.3f s, verify %.3f s, replay+verify %.3f s; peak RSS %d MB\n",
		dReplay.Seconds(), dVerify.Seconds(), (dReplay + dVerify).Seconds(), peakRSSMB())

	lines, err := draw.ParseInputs(b.Inputs)
	if err != nil {
		return m.drawFailed(err)
	}
	frame := newBenchFrame(lines)
	if err := m.benchOrderByRandom(ctx, "sqlite", "file:"+filepath.Join(tmp, "bench.db")+"?_pragma=journal_mode(off)&_pragma=synchronous(off)", frame, plan.Strata, d); err != nil {
		return err
	}
	if *pg != "" {
		if err := m.benchOrderByRandom(ctx, "pgx", *pg, frame, plan.Strata, d); err != nil {
			return err
		}
	}
	return nil
}

// oneCore runs f with GOMAXPROCS 1 and returns how long it took.
func oneCore(f func() error) (time.Duration, error) {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	start := time.Now()
	err := f()
	return time.Since(start), err
}

// benchFrame is the frame as SQL rows: entity, stratum, eligible.
type benchFrame struct {
	entity, stratum []string
	eligible        []bool
}

func newBenchFrame(l *draw.Lines) *benchFrame {
	excluded := map[string]bool{}
	for _, e := range l.Exclusions {
		excluded[e.Entity] = true
	}
	f := &benchFrame{}
	for _, fl := range l.Frame {
		f.entity = append(f.entity, fl.Entity)
		f.stratum = append(f.stratum, fl.Stratum)
		f.eligible = append(f.eligible, !excluded[fl.Entity])
	}
	return f
}

// benchOrderByRandom loads the frame into a temporary table draw_frame (not
// timed), then times `SELECT … WHERE stratum = ? AND eligible ORDER BY
// random() LIMIT n+reserve` for every stratum and compares it with the
// draw, which took d. The table is dropped afterwards.
func (m *Main) benchOrderByRandom(ctx context.Context, driver, dsn string, f *benchFrame, strata []draw.PlanStratum, d time.Duration) error {
	name := map[string]string{"sqlite": "SQLite", "pgx": "PostgreSQL"}[driver]
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return fmt.Errorf("%s：%w", name, err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx) // a temporary table lives in one session
	if err != nil {
		return fmt.Errorf("%s：连接失败（%s）：%w", name, redact(dsn), err)
	}
	defer conn.Close()
	temp := "TEMPORARY "
	if driver == "sqlite" {
		temp = "" // the database file is temporary itself
	}
	if _, err := conn.ExecContext(ctx, "CREATE "+temp+"TABLE draw_frame (entity_id TEXT PRIMARY KEY, stratum TEXT NOT NULL, eligible BOOLEAN NOT NULL)"); err != nil {
		return fmt.Errorf("%s：%w", name, err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE draw_frame")
	start := time.Now()
	if driver == "pgx" {
		err = conn.Raw(func(dc any) error {
			_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{"draw_frame"}, []string{"entity_id", "stratum", "eligible"},
				pgx.CopyFromSlice(len(f.entity), func(i int) ([]any, error) {
					return []any{f.entity[i], f.stratum[i], f.eligible[i]}, nil
				}))
			return err
		})
	} else {
		err = insertFrame(ctx, conn, f)
	}
	if err == nil {
		_, err = conn.ExecContext(ctx, "CREATE INDEX draw_frame_stratum ON draw_frame (stratum, eligible)")
	}
	if err == nil {
		_, err = conn.ExecContext(ctx, "ANALYZE draw_frame")
	}
	if err != nil {
		return fmt.Errorf("%s：载入失败：%w", name, err)
	}
	load := time.Since(start)

	query := "SELECT entity_id FROM draw_frame WHERE stratum = ? AND eligible ORDER BY random() LIMIT ?"
	if driver == "pgx" {
		query = "SELECT entity_id FROM draw_frame WHERE stratum = $1 AND eligible ORDER BY random() LIMIT $2"
	}
	rows := 0
	start = time.Now()
	for _, s := range strata {
		rs, err := conn.QueryContext(ctx, query, s.ID, s.N+s.Reserve)
		if err != nil {
			return fmt.Errorf("%s：%w", name, err)
		}
		for rs.Next() {
			var e string
			if err := rs.Scan(&e); err != nil {
				rs.Close()
				return err
			}
			rows++
		}
		if err := rs.Close(); err != nil {
			return err
		}
	}
	q := time.Since(start)
	fmt.Fprintf(m.Stdout, "%s: loaded %d rows in %.2f s (not timed); ORDER BY random() LIMIT k in %d strata: %d rows in %.3f s = %.1f× the draw (which also assigns inspectors and can be verified)\n",
		strings.ToLower(name), len(f.entity), load.Seconds(), len(strata), rows, q.Seconds(), q.Seconds()/d.Seconds())
	return nil
}

// insertFrame loads the frame into SQLite in one transaction, 300 rows per
// INSERT.
func insertFrame(ctx context.Context, conn *sql.Conn, f *benchFrame) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	const batch = 300
	full := "INSERT INTO draw_frame VALUES " + strings.TrimSuffix(strings.Repeat("(?,?,?),", batch), ",")
	stmt, err := tx.PrepareContext(ctx, full)
	if err != nil {
		return err
	}
	defer stmt.Close()
	args := make([]any, 0, 3*batch)
	for i := 0; i < len(f.entity); i += batch {
		k := min(batch, len(f.entity)-i)
		args = args[:0]
		for j := i; j < i+k; j++ {
			args = append(args, f.entity[j], f.stratum[j], f.eligible[j])
		}
		if k == batch {
			_, err = stmt.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, "INSERT INTO draw_frame VALUES "+strings.TrimSuffix(strings.Repeat("(?,?,?),", k), ","), args...)
		}
		if err != nil {
			return err
		}
	}
	return tx.Commit()
}
