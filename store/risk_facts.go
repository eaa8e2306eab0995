package store

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"spotcheck"
)

// The facts of a reclassification (spotcheck.RiskFacts), gathered for
// every active entity of a set of departments with one grouped query per
// source, never one query per entity (docs/risk-model.md §6):
//
//   - adverse results: the inspections whose latest approved (or
//     published) revision was completed on or after
//     Since(adverse-results) and has a result whose national code
//     (result_categories.national, so WL01 counts as R05) is among the
//     factor's results; one per inspection, however many such results;
//   - last inspection: the latest completion day of any approved or
//     published revision;
//   - open follow-ups: rectification orders (rectify) and follow-ups
//     (pending) still open;
//   - the 经营异常名录: the platform holds no list of its own, so an entity
//     counts as listed when one of its inspections started the R03/R04
//     hand-off to the list (a follow-up of kind abnormal, open or done);
//   - complaints and penalties: those that count (countedComplaints,
//     countedPenalties in store/riskevent.go) since the factor's Since;
//   - key item: an active 重点 item in force on the day targets the type.

// riskEntity is one entity of a run with the facts it is scored on.
type riskEntity struct {
	id, typ, division, class string
	key                      bool
	facts                    spotcheck.RiskFacts
}

// riskFactSource holds the grouped counts, by entity id.
type riskFactSource struct {
	keyTypes map[string]bool
	adverse  map[string]int
	last     map[string]string
	open     map[string]int
	abnormal map[string]bool
	// complaints and penalties that count, in the factors' windows
	complaints, penalties map[string]int
}

// riskScope adds to c the condition that limits col, an entity id, to
// the active entities of depts; nothing for nil (every department: the
// facts of an inactive entity are then read but never asked for).
func riskScope(col string, depts []string, c *conds) {
	if depts == nil {
		return
	}
	var in conds
	in.args = c.args
	in.add("e.active = 1")
	in.in("e.dept", depts)
	c.args = in.args
	c.add(col + " IN (SELECT e.id FROM entities e WHERE " + in.where() + ")")
}

// loadRiskFacts runs the grouped queries for the entities of depts.
func loadRiskFacts(ctx context.Context, q querier, m *spotcheck.RiskModel, today time.Time, depts []string) (*riskFactSource, error) {
	day := today.Format(spotcheck.DateLayout)
	s := &riskFactSource{keyTypes: map[string]bool{}, adverse: map[string]int{}, last: map[string]string{},
		open: map[string]int{}, abnormal: map[string]bool{}, complaints: map[string]int{}, penalties: map[string]int{}}

	// Types that an active 重点 item in force today targets.
	rows, err := q.QueryContext(ctx, `SELECT target_types FROM items WHERE latest = 1 AND status = $1 AND class = $2
		AND effective_from <= $3 AND (effective_to = '' OR effective_to >= $3)`, spotcheck.ItemActive, spotcheck.ClassKey, day)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var types string
		if err := rows.Scan(&types); err != nil {
			rows.Close()
			return nil, err
		}
		for _, t := range strings.Split(types, listSep) {
			s.keyTypes[t] = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// The last completed inspection.
	var c conds
	riskScope("i.entity_id", depts, &c)
	if err := groupRows(ctx, q, `SELECT i.entity_id, MAX(r.completed) FROM inspections i
		JOIN inspection_revisions r ON r.inspection_id = i.id
		WHERE r.state IN ('approved', 'published') AND r.completed <> '' AND `+c.where()+` GROUP BY i.entity_id`, c.args,
		func(id string, v string) { s.last[id] = v }); err != nil {
		return nil, err
	}

	// Open rectification orders and follow-ups.
	c = conds{}
	riskScope("f.entity_id", depts, &c)
	if err := groupRows(ctx, q, `SELECT f.entity_id, COUNT(*) FROM followups f
		WHERE f.state = 'open' AND f.kind IN ('rectify', 'pending') AND `+c.where()+` GROUP BY f.entity_id`, c.args,
		func(id string, n int) { s.open[id] = n }); err != nil {
		return nil, err
	}

	// The hand-off to the 经营异常名录.
	if _, ok := m.Factor(spotcheck.FactorAbnormalList); ok {
		c = conds{}
		riskScope("f.entity_id", depts, &c)
		if err := groupRows(ctx, q, `SELECT f.entity_id, COUNT(*) FROM followups f
			WHERE f.kind = 'abnormal' AND `+c.where()+` GROUP BY f.entity_id`, c.args,
			func(id string, n int) { s.abnormal[id] = n > 0 }); err != nil {
			return nil, err
		}
	}

	// Complaints and penalties.
	for _, ev := range []struct {
		factor, table string
		counted       func(*conds, string)
		into          map[string]int
	}{
		{spotcheck.FactorComplaints, "complaints", countedComplaints, s.complaints},
		{spotcheck.FactorPenalties, "penalties", countedPenalties, s.penalties},
	} {
		since, windowed := m.Since(ev.factor, today) // false when the model has no such factor
		if !windowed {
			continue
		}
		c = conds{}
		ev.counted(&c, since)
		riskScope(ev.table+".entity_id", depts, &c)
		if err := countGrouped(ctx, q, ev.table, &c, func(id string, n int) { ev.into[id] = n }); err != nil {
			return nil, err
		}
	}

	if err := s.loadAdverse(ctx, q, m, today, depts); err != nil {
		return nil, err
	}
	return s, nil
}

// loadAdverse counts the adverse inspections in the factor's window. The
// results are a JSON array beside each revision's content (migration
// 0035), which the two databases query differently, so the rows of the
// window are read once and their results decoded here.
func (s *riskFactSource) loadAdverse(ctx context.Context, q querier, m *spotcheck.RiskModel, today time.Time, depts []string) error {
	f, ok := m.Factor(spotcheck.FactorAdverseResults)
	since, windowed := m.Since(spotcheck.FactorAdverseResults, today)
	if !ok || !windowed {
		return nil
	}
	national := map[string]string{}
	rows, err := q.QueryContext(ctx, `SELECT code, national FROM result_categories`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var code, nat string
		if err := rows.Scan(&code, &nat); err != nil {
			rows.Close()
			return err
		}
		national[code] = nat
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var c conds
	c.add("r.completed >= " + c.arg(since))
	riskScope("i.entity_id", depts, &c)
	rows, err = q.QueryContext(ctx, `SELECT i.entity_id, r.results FROM inspections i
		JOIN inspection_revisions r ON r.inspection_id = i.id
		WHERE r.state IN ('approved', 'published') AND r.revision = (SELECT MAX(r2.revision) FROM inspection_revisions r2
			WHERE r2.inspection_id = i.id AND r2.state IN ('approved', 'published'))
		AND `+c.where(), c.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var list []byte
	for rows.Next() {
		var id string
		if err := rows.Scan(&id, &list); err != nil {
			return err
		}
		var results []string
		if err := json.Unmarshal(list, &results); err != nil {
			return err
		}
		for _, r := range results {
			if slices.Contains(f.Results, national[r]) {
				s.adverse[id]++
				break
			}
		}
	}
	return rows.Err()
}

// groupRows runs a query of (entity id, value) rows and hands each to fn.
func groupRows[V any](ctx context.Context, q querier, query string, args []any, fn func(string, V)) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var v V
		if err := rows.Scan(&id, &v); err != nil {
			return err
		}
		fn(id, v)
	}
	return rows.Err()
}

// eachRiskEntity calls fn with every active entity of depts and its
// facts, in id order, streaming from the database.
func eachRiskEntity(ctx context.Context, q querier, s *riskFactSource, depts []string, fn func(*riskEntity) error) error {
	var c conds
	c.add("active = 1")
	c.in("dept", depts)
	rows, err := q.QueryContext(ctx, `SELECT id, type, division, founded, credit_class, key_flag FROM entities
		WHERE `+c.where()+` ORDER BY id`, c.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var e riskEntity
	for rows.Next() {
		if err := rows.Scan(&e.id, &e.typ, &e.division, &e.facts.Founded, &e.class, boolCol{&e.key}); err != nil {
			return err
		}
		e.facts = spotcheck.RiskFacts{Type: e.typ, KeyItem: s.keyTypes[e.typ], Founded: e.facts.Founded,
			LastInspected: s.last[e.id], AdverseResults: s.adverse[e.id], OpenFollowUps: s.open[e.id],
			Abnormal: s.abnormal[e.id], Complaints: s.complaints[e.id], Penalties: s.penalties[e.id]}
		if err := fn(&e); err != nil {
			return err
		}
	}
	return rows.Err()
}
