package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"spotcheck"
)

// BenchMerge measures the joint merge at scale for `spotcheck bench
// merge`: it writes the selections as drawn draws of tasks (directly, not
// through the draw workflow: no frames, no log entries) and then times
// ProposeVisits over the year — loading the selections, detecting, storing
// the proposals and recording the event, one transaction — runs times,
// taking the proposals out again between runs. It is the program's own
// (a system principal) and refuses a database that holds any draw, so
// that it never touches real data; give it a new, empty database. It
// returns each run's time and the number of visits proposed; cpu, when
// given, reads the process's CPU time, so that a run also says how much of
// its time the process computed (on a shared machine the rest is waiting).
func (db *DB) BenchMerge(ctx context.Context, sels []spotcheck.TaskSelection, runs int, cpu func() time.Duration) ([]BenchRun, int, error) {
	if err := spotcheck.AuthorizeSystem(ctx); err != nil {
		return nil, 0, err
	}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM draws`).Scan(&n); err != nil {
		return nil, 0, err
	}
	if n > 0 {
		return nil, 0, spotcheck.Errorf(spotcheck.ECONFLICT, "数据库中已有 %d 次抽取：合并测量只在新的空数据库上进行", n)
	}
	if err := db.inTx(ctx, func(t *tx) error { return loadBenchDraws(ctx, t, sels) }); err != nil {
		return nil, 0, err
	}
	year := sels[0].Start[:4]
	var out []BenchRun
	visits := 0
	if cpu == nil {
		cpu = func() time.Duration { return 0 }
	}
	for range runs {
		start, cpu0 := time.Now(), cpu()
		err := db.inTx(ctx, func(t *tx) error {
			var err error
			visits, err = proposeVisits(ctx, t, year, 0)
			return err
		})
		if err != nil {
			return nil, 0, err
		}
		out = append(out, BenchRun{Wall: time.Since(start), CPU: cpu() - cpu0})
		if err := db.inTx(ctx, func(t *tx) error {
			_, err := t.ExecContext(ctx, `DELETE FROM visits`)
			return err
		}); err != nil {
			return nil, 0, err
		}
	}
	return out, visits, nil
}

// loadBenchDraws writes a task, a drawn draw and its picks per selection.
func loadBenchDraws(ctx context.Context, t *tx, sels []spotcheck.TaskSelection) error {
	now := t.db.now()
	if _, err := t.ExecContext(ctx, `INSERT INTO divisions (code, name) VALUES ('350100', '福州市') ON CONFLICT (code) DO NOTHING`); err != nil {
		return err
	}
	for i, s := range sels {
		if _, err := t.ExecContext(ctx, `INSERT INTO departments (code, name, division, kind, active, version, created_at, updated_at)
			VALUES ($1, $2, '350100', $3, 1, 1, $4, $4) ON CONFLICT (code) DO NOTHING`,
			s.Authority, "测量部门 "+s.Authority, spotcheck.DeptBureau, now); err != nil {
			return err
		}
		tk := spotcheck.Task{Code: s.Task, Name: "合并测量任务 " + s.Task, Authority: s.Authority, Items: s.Items,
			Start: s.Start, End: s.End}
		body, err := json.Marshal(&tk)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO tasks (code, name, authority, year, body, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, 'bench', $6)`, tk.Code, tk.Name, tk.Authority, tk.Year(), string(body), now); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO task_depts (task, dept) VALUES ($1, $2)`, tk.Code, tk.Authority); err != nil {
			return err
		}
		var id int64
		if err := t.QueryRowContext(ctx, `INSERT INTO draws (task, authority, year, plan_hash, state, plan, frame, exclusions,
			roster, conflicts, system_secret, plan_index, created_by, created_at)
			VALUES ($1, $2, $3, $4, 'drawn', '', '', '', '', '', '', 0, 'bench', $5) RETURNING id`,
			tk.Code, tk.Authority, tk.Year(), fmt.Sprintf("bench-%d", i), now).Scan(&id); err != nil {
			return err
		}
		rows := make([][]any, 0, len(s.Picks))
		for rank, p := range s.Picks {
			rows = append(rows, []any{id, "A", rank + 1, p.Entity, fmt.Sprintf("%018d", rank+1), 0, strings.Join(p.Inspectors, ",")})
		}
		if err := t.insertRows(ctx, "draw_picks", []string{"draw_id", "stratum", "rank", "entity_id", "ticket", "reserve",
			"inspectors"}, rows); err != nil {
			return err
		}
	}
	return nil
}

// BenchRun is one timed run of BenchMerge: wall-clock and process CPU time.
type BenchRun struct{ Wall, CPU time.Duration }
