package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"spotcheck"
)

// The annual cap setting (spotcheck.CapPolicy), kept in the settings
// table, and the repeat alerts computed from the draws.

// CapService implements spotcheck.CapService.
type CapService struct{ db *DB }

var _ spotcheck.CapService = (*CapService)(nil)

// Caps returns the annual cap service.
func (db *DB) Caps() *CapService { return &CapService{db} }

// settingAnnualCap is the settings key of the spotcheck.CapPolicy, as JSON.
const settingAnnualCap = "annual_cap"

// capPolicy reads the cap in force through q: the stored one, or the
// default while none is stored (or a hand-edited value does not pass).
func capPolicy(ctx context.Context, q querier) (spotcheck.CapPolicy, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, settingAnnualCap).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return spotcheck.DefaultCapPolicy(), nil
	}
	if err != nil {
		return spotcheck.CapPolicy{}, err
	}
	var c spotcheck.CapPolicy
	if json.Unmarshal([]byte(v), &c) != nil || c.Validate().Err() != nil {
		return spotcheck.DefaultCapPolicy(), nil
	}
	return c, nil
}

// FindCapPolicy returns the cap in force.
func (sv *CapService) FindCapPolicy(ctx context.Context) (_ spotcheck.CapPolicy, err error) {
	defer wrap(&err, "find annual cap")
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return spotcheck.CapPolicy{}, err
	}
	return capPolicy(ctx, sv.db.read)
}

// UpdateCapPolicy stores a new cap and records the change, before and
// after, in one transaction.
func (sv *CapService) UpdateCapPolicy(ctx context.Context, c *spotcheck.CapPolicy) (err error) {
	defer wrap(&err, "update annual cap")
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageDepartments, ""); err != nil {
		return err
	}
	c.Normalize()
	if err := c.Validate().Err(); err != nil {
		return err
	}
	value, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return sv.db.inTx(ctx, func(t *tx) error {
		old, err := capPolicy(ctx, t)
		if err != nil {
			return err
		}
		if old == *c {
			return nil // nothing to record
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, settingAnnualCap, string(value)); err != nil {
			return err
		}
		return recordAccountChange(ctx, t, "setting", settingAnnualCap, actionUpdate, &old, c)
	})
}

// selectedByOthers returns the entities selected (countedPick) by draws of
// the task's year whose task belongs to another authority and whose window
// overlaps the task's: what SkipInspectedByOthers excludes.
func selectedByOthers(ctx context.Context, t *tx, tk *spotcheck.Task) (map[string]bool, error) {
	rows, err := t.QueryContext(ctx, `SELECT DISTINCT d.id, d.task FROM draws d
		WHERE d.year = $1 AND d.authority <> $2 AND d.state IN ('drawn', 'published')`, tk.Year(), tk.Authority)
	if err != nil {
		return nil, err
	}
	type drawTask struct {
		id   int64
		task string
	}
	var ds []drawTask
	for rows.Next() {
		var d drawTask
		if err := rows.Scan(&d.id, &d.task); err != nil {
			rows.Close()
			return nil, err
		}
		ds = append(ds, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var c conds
	var ids []string
	for _, d := range ds {
		o, err := findTask(ctx, t, d.task)
		if err != nil {
			return nil, err
		}
		if o.Start <= tk.End && o.End >= tk.Start {
			ids = append(ids, c.arg(d.id))
		}
	}
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err = t.QueryContext(ctx, `SELECT DISTINCT p.entity_id FROM draw_picks p JOIN draws d ON d.id = p.draw_id
		WHERE d.id IN (`+strings.Join(ids, ", ")+`) AND `+countedPick, c.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, err
		}
		out[e] = true
	}
	return out, rows.Err()
}

// maxAlerts bounds the alerts page: more than this many repeated
// inspections is a problem of the setting, not of single entities.
const maxAlerts = 1000

// FindRepeatAlerts lists the entities inspected more often than the cap.
func (sv *CapService) FindRepeatAlerts(ctx context.Context, year string) (_ []spotcheck.RepeatAlert, err error) {
	defer wrap(&err, "find repeat alerts", year)
	if err := spotcheck.Authorize(ctx, spotcheck.PermSuperviseDraws, ""); err != nil {
		return nil, err
	}
	q := sv.db.read
	c, err := capPolicy(ctx, q)
	if err != nil {
		return nil, err
	}
	counts, err := repeatCounts(ctx, q, year, c.Limit, nil)
	if err != nil {
		return nil, err
	}
	alerts := spotcheck.RepeatAlerts(counts, c)
	for i := range alerts {
		if alerts[i].By, err = repeatBy(ctx, q, &alerts[i]); err != nil {
			return nil, err
		}
	}
	return alerts, nil
}

// repeatCounts counts, per authority of scope (nil: every one) and
// entity, the draws of year that counted the entity (countedPick), for
// those counted more than limit times: the most first, at most maxAlerts.
// spotcheck.RepeatAlerts keeps those the cap does not exempt.
func repeatCounts(ctx context.Context, q querier, year string, limit int, scope []string) ([]spotcheck.RepeatAlert, error) {
	var cs conds
	cs.add("d.year = " + cs.arg(year))
	cs.add(countedPick)
	cs.in("d.authority", scope)
	// Grouped first, then joined to the entities and departments for the
	// few counted too often (joined before grouping, each of a year's
	// 100,000 picks read its entity).
	rows, err := q.QueryContext(ctx, `SELECT x.authority, x.entity_id, x.n, COALESCE(e.name, ''),
		COALESCE(e.credit_class, ''), COALESCE(e.key_flag, 0), COALESCE(dp.name, x.authority)
		FROM (SELECT d.authority, p.entity_id, count(DISTINCT d.id) AS n
			FROM draw_picks p JOIN draws d ON d.id = p.draw_id WHERE `+cs.where()+`
			GROUP BY d.authority, p.entity_id HAVING count(DISTINCT d.id) > `+cs.arg(limit)+`) x
		LEFT JOIN entities e ON e.id = x.entity_id LEFT JOIN departments dp ON dp.code = x.authority
		ORDER BY x.n DESC, x.authority, x.entity_id LIMIT `+cs.arg(maxAlerts), cs.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var counts []spotcheck.RepeatAlert
	for rows.Next() {
		a := spotcheck.RepeatAlert{Year: year}
		var class string
		var key bool
		if err := rows.Scan(&a.Authority, &a.Entity, &a.Count, &a.EntityName, &class, boolCol{&key}, &a.AuthorityName); err != nil {
			return nil, err
		}
		a.HighRisk = spotcheck.HighRisk(class, key)
		counts = append(counts, a)
	}
	return counts, rows.Err()
}

// repeatBy lists the draws that counted an alert's entity, with their
// tasks' names and windows.
func repeatBy(ctx context.Context, q querier, a *spotcheck.RepeatAlert) ([]spotcheck.RepeatInspection, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT d.id, d.task, t.name FROM draw_picks p JOIN draws d ON d.id = p.draw_id
		JOIN tasks t ON t.code = d.task
		WHERE p.entity_id = $1 AND d.authority = $2 AND d.year = $3 AND `+countedPick+` ORDER BY d.id`,
		a.Entity, a.Authority, a.Year)
	if err != nil {
		return nil, err
	}
	var out []spotcheck.RepeatInspection
	for rows.Next() {
		r := spotcheck.RepeatInspection{Dept: a.Authority, DeptName: a.AuthorityName}
		if err := rows.Scan(&r.Draw, &r.Task, &r.TaskName); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		tk, err := findTask(ctx, q, out[i].Task)
		if err != nil {
			return nil, err
		}
		out[i].Start = tk.Start
	}
	return out, nil
}
