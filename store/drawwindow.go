package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"spotcheck"
	"spotcheck/workday"
)

// The departments' fixed draw windows live in draw_windows, one row per
// bureau that has one; each change is a change of kind "draw-window" keyed
// by the department, with the row before and after.

// FindDrawWindows returns the windows that are set, by department code.
func (sv *CalendarService) FindDrawWindows(ctx context.Context) (_ []spotcheck.DrawWindow, err error) {
	defer wrap(&err, "find draw windows")
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	rows, err := sv.db.read.QueryContext(ctx, `SELECT dept, days, note, actor, at FROM draw_windows ORDER BY dept`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []spotcheck.DrawWindow{}
	for rows.Next() {
		var w spotcheck.DrawWindow
		var at string
		if err := rows.Scan(&w.Dept, &w.Days, &w.Note, &w.By, &at); err != nil {
			return nil, err
		}
		if w.At, err = time.Parse(time.RFC3339, at); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// SetDrawWindow sets or clears a bureau's window. PermManageDepartments;
// EINVALID.
func (sv *CalendarService) SetDrawWindow(ctx context.Context, w *spotcheck.DrawWindow) (err error) {
	defer wrap(&err, "set draw window", w.Dept)
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageDepartments, ""); err != nil {
		return err
	}
	w.Normalize()
	if err := w.Validate().Err(); err != nil {
		return err
	}
	return sv.db.inTx(ctx, func(t *tx) error {
		var kind string
		var active int
		err := t.QueryRowContext(ctx, `SELECT kind, active FROM departments WHERE code = $1`, w.Dept).Scan(&kind, &active)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (kind != spotcheck.DeptBureau || active != 1)) {
			var ps spotcheck.Problems
			ps.Add("dept", "部门", "“%s”不是有效的文旅部门", w.Dept)
			return ps.Err()
		}
		if err != nil {
			return err
		}
		before, err := drawWindowOf(ctx, t, w.Dept)
		if err != nil {
			return err
		}
		w.By, w.At = actorID(ctx), t.db.Now().UTC().Truncate(time.Second)
		if _, err := t.ExecContext(ctx, `INSERT INTO draw_windows (dept, days, note, actor, at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (dept) DO UPDATE SET days = excluded.days, note = excluded.note, actor = excluded.actor, at = excluded.at`,
			w.Dept, w.Days, w.Note, w.By, stamp(w.At)); err != nil {
			return err
		}
		c := change{kind: "draw-window", key: w.Dept, action: actionCreate}
		if before.Dept != "" {
			b, _ := json.Marshal(before)
			c.action, c.before = actionUpdate, string(b)
		}
		after, _ := json.Marshal(w)
		c.after = string(after)
		return writeChange(ctx, t, c)
	})
}

// drawWindowOf returns dept's window, a zero one (Days 0) when it has none.
func drawWindowOf(ctx context.Context, q querier, dept string) (spotcheck.DrawWindow, error) {
	w := spotcheck.DrawWindow{}
	var at string
	err := q.QueryRowContext(ctx, `SELECT dept, days, note, actor, at FROM draw_windows WHERE dept = $1`, dept).
		Scan(&w.Dept, &w.Days, &w.Note, &w.By, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return spotcheck.DrawWindow{}, nil
	}
	if err != nil {
		return w, err
	}
	w.At, err = time.Parse(time.RFC3339, at)
	return w, err
}

// checkDrawWindow refuses to plan a draw of a task that asks for its
// authority's fixed window (Task.DrawWindow) on a day outside it; today is
// the day in China.
func checkDrawWindow(ctx context.Context, t *tx, tk *spotcheck.Task, today time.Time) error {
	if !tk.DrawWindow {
		return nil
	}
	w, err := drawWindowOf(ctx, t, tk.Authority)
	if err != nil {
		return err
	}
	cal, err := workday.Load(ctx, &CalendarService{t.db})
	if err != nil {
		return err
	}
	return w.Check(cal, today)
}
