package store

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"spotcheck"
)

// The dashboard's figures of what the inspections found, how fast they
// were published, who did them, how often an entity was inspected again
// and how many were joint (store/stats.go gathers them). A revision keeps
// its results and findings beside its content, each as a JSON array of
// its own (migration 0035, revisionArrays); the dialect unfolds them
// inside the grouped query (dialect.jsonStrings, jsonObjects), and an
// inspection's team likewise (commaMembers). Unfolding the whole content
// was most of the result and item charts' time on SQLite.

// problemFound is the condition that the revision r of an inspection has
// a result of a problem category (spotcheck.ResultCatalogue.FoundProblem,
// on the catalogue's rows). The catalogue is a subquery of its own, run
// once: joined to the results inside the EXISTS, SQLite scanned the
// catalogue and unfolded the content's JSON again for each of its rows.
func (sv *StatsService) problemFound() string {
	return sv.db.dialect.jsonHasAny("r.results", "SELECT c.code FROM result_categories c WHERE c.problem = 1")
}

// results counts the inspections completed in the year, and by the
// national category of their results (an inspection once per category).
func (sv *StatsService) results(ctx context.Context, q querier, sc statsScope, s *spotcheck.Stats) error {
	var c conds
	sc.completedIn(&c)
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM inspections i
		JOIN inspection_revisions r ON r.inspection_id = i.id AND r.revision = i.revision WHERE `+c.where(),
		c.args...).Scan(&s.Completed); err != nil {
		return err
	}
	cat, err := resultCatalogue(ctx, q)
	if err != nil {
		return err
	}
	c = conds{}
	sc.completedIn(&c)
	c.add("c.code = x.value AND c.national <> ''")
	err = eachRow(ctx, q, `SELECT c.national, count(DISTINCT i.id) FROM inspections i
		JOIN inspection_revisions r ON r.inspection_id = i.id AND r.revision = i.revision, `+
		sv.db.dialect.jsonStrings("r.results", "x")+`, result_categories c
		WHERE `+c.where()+` GROUP BY c.national`, c.args, func(scan func(...any) error) error {
		var r spotcheck.CategoryCount
		if err := scan(&r.Code, &r.Inspections); err != nil {
			return err
		}
		r.Name = r.Code
		if k, ok := cat.Category(r.Code); ok {
			r.Name = k.Name
		}
		s.Results = append(s.Results, r)
		return nil
	})
	slices.SortFunc(s.Results, func(a, b spotcheck.CategoryCount) int { return strings.Compare(a.Code, b.Code) })
	return err
}

// hitByStratum counts the completed inspections and those that found a
// problem by the stratum their draw picked the entity from (kept with
// the inspection, migration 0034).
func (sv *StatsService) hitByStratum(ctx context.Context, q querier, sc statsScope, s *spotcheck.Stats) error {
	var c conds
	sc.completedIn(&c)
	err := eachRow(ctx, q, `SELECT i.stratum, count(*), COALESCE(sum(CASE WHEN `+sv.problemFound()+` THEN 1 ELSE 0 END), 0)
		FROM inspections i JOIN inspection_revisions r ON r.inspection_id = i.id AND r.revision = i.revision
		WHERE i.stratum <> '' AND `+c.where()+` GROUP BY i.stratum`, c.args, func(scan func(...any) error) error {
		var h spotcheck.HitRate
		if err := scan(&h.Key, &h.Inspections, &h.Problems); err != nil {
			return err
		}
		h.Name = spotcheck.StratumName(h.Key)
		s.HitByStratum = append(s.HitByStratum, h)
		return nil
	})
	slices.SortFunc(s.HitByStratum, func(a, b spotcheck.HitRate) int { return strings.Compare(a.Key, b.Key) })
	return err
}

// hitByItem counts by item the completed inspections that looked at it
// (a finding other than 不涉及) and those that found a problem on it.
func (sv *StatsService) hitByItem(ctx context.Context, q querier, sc statsScope, s *spotcheck.Stats) error {
	d := sv.db.dialect
	item, outcome := d.jsonField("f", "Item"), d.jsonField("f", "Outcome")
	var c conds
	sc.completedIn(&c)
	c.add(outcome + " IN (" + c.arg(spotcheck.FindingNone) + ", " + c.arg(spotcheck.FindingProblem) + ", " +
		c.arg(spotcheck.FindingOther) + ")")
	problem := c.arg(spotcheck.FindingProblem)
	err := eachRow(ctx, q, `SELECT `+item+`, count(*), COALESCE(sum(CASE WHEN `+outcome+` = `+problem+` THEN 1 ELSE 0 END), 0)
		FROM inspections i JOIN inspection_revisions r ON r.inspection_id = i.id AND r.revision = i.revision, `+
		d.jsonObjects("r.findings", "f")+` WHERE `+c.where()+` GROUP BY 1`, c.args,
		func(scan func(...any) error) error {
			var h spotcheck.HitRate
			if err := scan(&h.Key, &h.Inspections, &h.Problems); err != nil {
				return err
			}
			s.HitByItem = append(s.HitByItem, h)
			return nil
		})
	if err != nil || len(s.HitByItem) == 0 {
		return err
	}
	names := map[string]string{}
	var ic conds
	ic.add(items.current())
	codes := make([]string, len(s.HitByItem))
	for i, h := range s.HitByItem {
		codes[i] = h.Key
	}
	ic.in("code", codes)
	if err := eachRow(ctx, q, "SELECT code, name FROM items WHERE "+ic.where(), ic.args, func(scan func(...any) error) error {
		var code, name string
		err := scan(&code, &name)
		names[code] = name
		return err
	}); err != nil {
		return err
	}
	for i := range s.HitByItem {
		s.HitByItem[i].Name = cmp.Or(names[s.HitByItem[i].Key], s.HitByItem[i].Key)
	}
	slices.SortFunc(s.HitByItem, func(a, b spotcheck.HitRate) int { return strings.Compare(a.Key, b.Key) })
	return nil
}

// timeliness counts publication timeliness (timelinessCounts) of the
// results completed in the year, the departments named.
func (sv *StatsService) timeliness(ctx context.Context, q querier, sc statsScope, depts []spotcheck.Department) ([]spotcheck.StatsTimeliness, error) {
	counts, err := timelinessCounts(ctx, q, sc.depts, sc.year, sv.db.today())
	if err != nil {
		return nil, err
	}
	out := make([]spotcheck.StatsTimeliness, len(counts))
	for i, t := range counts {
		out[i] = spotcheck.StatsTimeliness{Timeliness: t, DeptName: deptName(depts, t.Dept)}
	}
	return out, nil
}

// deptName names a department code, or returns it.
func deptName(depts []spotcheck.Department, code string) string {
	for _, d := range depts {
		if d.Code == code {
			return d.Name
		}
	}
	return code
}

// workload counts, per member of the teams of the year's inspections
// (not withdrawn) in the scope, their inspections and the completed ones.
func (sv *StatsService) workload(ctx context.Context, q querier, sc statsScope, s *spotcheck.Stats, depts []spotcheck.Department) error {
	var c conds
	c.add("d.year = " + c.arg(sc.year))
	c.add("i.state <> " + c.arg(spotcheck.InspectionWithdrawn))
	c.add("m.value <> ''")
	sc.in(&c, "i.dept")
	done := "i.state IN (" + c.arg(spotcheck.InspectionApproved) + ", " + c.arg(spotcheck.InspectionPublished) + ")"
	err := eachRow(ctx, q, `SELECT m.value, COALESCE(s.name, ''), COALESCE(s.dept, ''), count(*),
		COALESCE(sum(CASE WHEN `+done+` THEN 1 ELSE 0 END), 0)
		FROM inspections i JOIN draws d ON d.id = i.draw_id, `+sv.db.dialect.commaMembers("i.team", "m")+`
		LEFT JOIN inspectors s ON s.staff_id = m.value
		WHERE `+c.where()+` GROUP BY m.value, s.name, s.dept`, c.args, func(scan func(...any) error) error {
		var w spotcheck.Workload
		if err := scan(&w.Staff, &w.Name, &w.Dept, &w.Inspections, &w.Completed); err != nil {
			return err
		}
		w.DeptName = deptName(depts, w.Dept)
		s.Workload = append(s.Workload, w)
		return nil
	})
	slices.SortFunc(s.Workload, func(a, b spotcheck.Workload) int {
		return cmp.Or(b.Inspections-a.Inspections, strings.Compare(a.Staff, b.Staff))
	})
	return err
}

// repeats lists the entities an authority of the scope inspected in the
// year more often than the cap allows (spotcheck.RepeatAlerts).
func (sv *StatsService) repeats(ctx context.Context, q querier, sc statsScope, s *spotcheck.Stats) error {
	var err error
	if s.Cap, err = capPolicy(ctx, q); err != nil {
		return err
	}
	counts, err := repeatCounts(ctx, q, sc.year, s.Cap.Limit, sc.depts)
	if err != nil {
		return err
	}
	s.Repeats = spotcheck.RepeatAlerts(counts, s.Cap)
	return nil
}

// multiAuthority lists the entities of the scope that several
// authorities' draws of the year picked (spotcheck.MultiAuthority).
func (sv *StatsService) multiAuthority(ctx context.Context, q querier, sc statsScope, s *spotcheck.Stats) error {
	// The picks are grouped by entity before the entities are joined for
	// their names and departments (all of an entity's picks share its
	// department): joined first, each of the year's picks read its entity.
	var c conds
	c.add("d.year = " + c.arg(sc.year))
	c.add(countedPick)
	var ec conds
	ec.args = c.args
	sc.in(&ec, "e.dept")
	c.args = ec.args
	return eachRow(ctx, q, `SELECT x.entity_id, e.name, x.auths, x.draws FROM (SELECT p.entity_id,
			count(DISTINCT d.authority) AS auths, count(DISTINCT d.id) AS draws
			FROM draw_picks p JOIN draws d ON d.id = p.draw_id WHERE `+c.where()+`
			GROUP BY p.entity_id HAVING count(DISTINCT d.authority) > 1) x
		JOIN entities e ON e.id = x.entity_id WHERE `+ec.where()+`
		ORDER BY 3 DESC, 4 DESC, 1 LIMIT `+c.arg(maxAlerts), c.args, func(scan func(...any) error) error {
		var m spotcheck.MultiAuthority
		if err := scan(&m.Entity, &m.EntityName, &m.Authorities, &m.Inspections); err != nil {
			return err
		}
		s.Multi = append(s.Multi, m)
		return nil
	})
}

// joint counts the year's inspections (not withdrawn) in the scope and
// those made in a joint visit.
func (sv *StatsService) joint(ctx context.Context, q querier, sc statsScope, s *spotcheck.Stats) error {
	var c conds
	c.add("d.year = " + c.arg(sc.year))
	c.add("i.state <> " + c.arg(spotcheck.InspectionWithdrawn))
	sc.in(&c, "i.dept")
	return q.QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(CASE WHEN i.visit_id <> 0 THEN 1 ELSE 0 END), 0)
		FROM inspections i JOIN draws d ON d.id = i.draw_id WHERE `+c.where(), c.args...).Scan(&s.Joint.All, &s.Joint.Joint)
}
