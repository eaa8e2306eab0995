package store

import (
	"context"
	"database/sql"
	"errors"

	"spotcheck"
)

// ReclassifyDue is the scheduled reclassification (jobs.Reclassify): for
// each department of riskScopes whose run spotcheck.RiskRunDue says is
// due, a preview and its apply, as the caller (the job's principal). A
// department where another run is being computed makes it stop with that
// ECONFLICT; the schedule tries again the next night. PermManageRisk.
func (sv *RiskService) ReclassifyDue(ctx context.Context) (_ []*spotcheck.RiskRun, err error) {
	db := sv.db
	defer wrap(&err, "reclassify due")
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageRisk, ""); err != nil {
		return nil, err
	}
	today := db.Now().In(spotcheck.ChinaTime)
	m, err := sv.CurrentRiskModel(ctx, today.Format(spotcheck.DateLayout))
	if spotcheck.ErrorCode(err) == spotcheck.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	tops, err := riskScopes(ctx, db.read)
	if err != nil {
		return nil, err
	}
	var out []*spotcheck.RiskRun
	for _, dept := range tops {
		last, err := lastAppliedRun(ctx, db.read, dept)
		if err != nil {
			return out, err
		}
		if !spotcheck.RiskRunDue(last, m.Version, today) {
			// An override that expired returns its entity the night after.
			if expired, err := expiredOverridesUnder(ctx, db.read, dept, today.Format(spotcheck.DateLayout)); err != nil {
				return out, err
			} else if len(expired) == 0 {
				continue
			}
		}
		run, err := sv.PreviewReclassification(ctx, dept)
		if err != nil {
			return out, err
		}
		applied, err := sv.ApplyReclassification(ctx, run.ID)
		if err != nil {
			return out, err
		}
		out = append(out, applied)
	}
	return out, nil
}

// lastAppliedRun is the run applied last to dept's subtree; nil for none.
func lastAppliedRun(ctx context.Context, q querier, dept string) (*spotcheck.RiskRun, error) {
	r, _, err := scanRiskRun(q.QueryRowContext(ctx, "SELECT "+riskRunCols+` FROM risk_runs
		WHERE dept = $1 AND state = $2 ORDER BY applied_seq DESC LIMIT 1`, dept, spotcheck.RiskRunApplied))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return r, err
}
