package store

import (
	"context"
	"slices"
	"strings"

	"spotcheck"
)

// modelHitRates counts the completed inspections of the year and those
// that found a problem by the risk model version whose classes their
// draw's strata took (draws.risk_model) and, in draws with a control
// sample, by whether the pick was of the control sample
// (spotcheck.ModelHitRate). Each inspection keeps its pick's stratum and
// control mark (migration 0034); one without a stratum was not drawn.
func (sv *StatsService) modelHitRates(ctx context.Context, q querier, sc statsScope, s *spotcheck.Stats) error {
	var c conds
	sc.completedIn(&c)
	byModel := map[string]*spotcheck.ModelHitRate{}
	err := eachRow(ctx, q, `SELECT d.risk_model, CASE WHEN d.control > 0 THEN 1 ELSE 0 END, i.control,
		count(*), COALESCE(sum(CASE WHEN `+sv.problemFound()+` THEN 1 ELSE 0 END), 0)
		FROM inspections i JOIN inspection_revisions r ON r.inspection_id = i.id AND r.revision = i.revision
		JOIN draws d ON d.id = i.draw_id
		WHERE i.stratum <> '' AND `+c.where()+` GROUP BY 1, 2, 3`, c.args, func(scan func(...any) error) error {
		var model string
		var withControl, control bool
		var h spotcheck.HitRate
		if err := scan(&model, boolCol{&withControl}, boolCol{&control}, &h.Inspections, &h.Problems); err != nil {
			return err
		}
		m := byModel[model]
		if m == nil {
			m = &spotcheck.ModelHitRate{Model: model}
			byModel[model] = m
		}
		m.Count(h, withControl, control)
		return nil
	})
	for _, m := range byModel {
		for _, h := range []*spotcheck.HitRate{&m.All, &m.Chosen, &m.Control} {
			h.Key, h.Name = m.Model, spotcheck.ModelName(m.Model)
		}
		s.ByModel = append(s.ByModel, *m)
	}
	// Newest version first; the hand-set classes ("") last.
	slices.SortFunc(s.ByModel, func(a, b spotcheck.ModelHitRate) int {
		switch {
		case a.Model == b.Model:
			return 0
		case a.Model == "":
			return 1
		case b.Model == "":
			return -1
		}
		return strings.Compare(b.Model, a.Model)
	})
	return err
}
