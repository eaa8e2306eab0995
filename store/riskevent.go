package store

import (
	"context"

	"spotcheck"
)

// CountRiskEvents counts, per entity in the user's scope, the complaints
// that count for risk received since complaintsSince and the active
// penalties decided since penaltiesSince: one grouped query per kind, so
// that a reclassification of a million entities reads each table once
// (docs/risk-model.md §2). An empty since skips that kind.
func (sv *RiskEventService) CountRiskEvents(ctx context.Context, complaintsSince, penaltiesSince string) (_ map[string]spotcheck.RiskEvents, err error) {
	defer wrap(&err, "count risk events")
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewDirectory, ""); err != nil {
		return nil, err
	}
	out := map[string]spotcheck.RiskEvents{}
	if complaintsSince != "" {
		var c conds
		countedComplaints(&c, complaintsSince)
		entityInScope(ctx, &c, "complaints.entity_id")
		if err := countGrouped(ctx, sv.db.read, "complaints", &c, func(id string, n int) {
			ev := out[id]
			ev.Complaints = n
			out[id] = ev
		}); err != nil {
			return nil, err
		}
	}
	if penaltiesSince != "" {
		var c conds
		countedPenalties(&c, penaltiesSince)
		entityInScope(ctx, &c, "penalties.entity_id")
		if err := countGrouped(ctx, sv.db.read, "penalties", &c, func(id string, n int) {
			ev := out[id]
			ev.Penalties = n
			out[id] = ev
		}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// countedComplaints adds to c the conditions of a complaint that counts
// for the risk model from day since on: active, received since then, and
// found true wholly or in part (spotcheck.CountedComplaintOutcomes).
func countedComplaints(c *conds, since string) {
	c.add("active = 1")
	c.add("received >= " + c.arg(since))
	c.in("outcome", spotcheck.CountedComplaintOutcomes)
}

// countedPenalties adds to c the conditions of a penalty that counts for
// the risk model from day since on: active and decided since then.
func countedPenalties(c *conds, since string) {
	c.add("active = 1")
	c.add("decided >= " + c.arg(since))
}

// countGrouped runs SELECT entity_id, count(*) … GROUP BY entity_id on
// table under c and hands each group to fn.
func countGrouped(ctx context.Context, q querier, table string, c *conds, fn func(id string, n int)) error {
	rows, err := q.QueryContext(ctx, "SELECT entity_id, count(*) FROM "+table+" WHERE "+c.where()+" GROUP BY entity_id", c.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		fn(id, n)
	}
	return rows.Err()
}
