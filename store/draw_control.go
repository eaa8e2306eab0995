package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"spotcheck"
	"spotcheck/draw"
)

// The control sample of a draw (issue 14, item 3; draw/control.go): the
// size the task asks for is fixed and logged with the plan, and the
// picks that form it are marked with the picks.

// planControl records, when the plan of draw id is logged, the control
// sample size task tk asks for (logged in the clear right after the plan,
// before any randomness exists) and the risk model version whose classes
// the frozen frame took.
func planControl(ctx context.Context, t *tx, id int64, tk *spotcheck.Task, planHash string) error {
	model, err := drawRiskModel(ctx, t, tk.Authority)
	if err != nil {
		return err
	}
	var index any // NULL without a control sample
	if tk.Control > 0 {
		if index, err = t.appendLog(ctx, draw.RecordControl, draw.ControlRecord(planHash, tk.Control)); err != nil {
			return err
		}
	}
	_, err = t.ExecContext(ctx, `UPDATE draws SET control = $1, control_index = $2, risk_model = $3 WHERE id = $4`,
		tk.Control, index, model, id)
	return err
}

// drawRiskModel returns the model version of the latest reclassification
// applied to the authority's department or to one above it, whose
// subtree therefore holds the authority's entities: the model whose
// classes a frame frozen now takes. "" when none was applied (the
// classes were set by hand).
func drawRiskModel(ctx context.Context, q querier, authority string) (string, error) {
	depts, err := findDepartments(ctx, q)
	if err != nil {
		return "", err
	}
	parent := map[string]string{}
	for _, d := range depts {
		parent[d.Code] = d.Parent
	}
	chain := []string{}
	for c, n := authority, 0; c != "" && n <= len(depts); c, n = parent[c], n+1 {
		chain = append(chain, c)
	}
	var c conds
	c.eq("state", spotcheck.RiskRunApplied)
	c.in("dept", chain)
	var model string
	err = q.QueryRowContext(ctx, `SELECT model FROM risk_runs WHERE `+c.where()+`
		ORDER BY applied_seq DESC LIMIT 1`, c.args...).Scan(&model)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return model, err
}

// controlFiles adds control.json and control.tsv to the auditors' bundle
// of drawn draw d whose task asked for a control sample, and the control
// entry to its log entries. The sample is the first picks of the
// assignment order (draw.Outcome.ControlTSV), which are the ones marked.
func controlFiles(ctx context.Context, q querier, d *spotcheck.Draw, f *spotcheck.DrawFiles) error {
	if d.Control == 0 {
		return nil
	}
	var index int64
	if err := q.QueryRowContext(ctx, `SELECT control_index FROM draws WHERE id = $1`, d.ID).Scan(&index); err != nil {
		return err
	}
	f.ControlRecord = draw.ControlRecord(d.PlanHash, d.Control)
	f.LogIndexes = append(f.LogIndexes, index)
	ticket := map[string]string{}
	if err := eachRow(ctx, q, `SELECT entity_id, ticket FROM draw_picks WHERE draw_id = $1 AND control = 1`, []any{d.ID},
		func(scan func(...any) error) error {
			var e, t string
			err := scan(&e, &t)
			ticket[e] = t
			return err
		}); err != nil {
		return err
	}
	f.Control = []byte{}
	for line := range strings.Lines(string(f.Assignment)) {
		e, _, _ := strings.Cut(line, "\t")
		t, ok := ticket[e]
		if !ok {
			break
		}
		f.Control = fmt.Appendf(f.Control, "%s\t%s\n", e, t)
	}
	return nil
}
