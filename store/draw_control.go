package store

import (
	"context"
	"database/sql"
	"errors"

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
	if tk.Control > 0 {
		if _, err := t.appendLog(ctx, draw.RecordControl, draw.ControlRecord(planHash, tk.Control)); err != nil {
			return err
		}
	}
	_, err = t.ExecContext(ctx, `UPDATE draws SET control = $1, risk_model = $2 WHERE id = $3`, tk.Control, model, id)
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
