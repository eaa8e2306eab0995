package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"spotcheck"
)

// The statistics dashboard (spotcheck.StatsService, issue 14 item 4).
// Every figure is one grouped query over the year's rows, limited to the
// departments of the scope; Go only names codes and asks the domain's
// rules (CoverageRequirement, MeetsFloor, RepeatAlerts) of the grouped
// counts, so that the work of a query grows with the year's draws and
// inspections, never with a loop over rows in Go. This file gathers the
// figures and computes coverage; stats_results.go the rest.

// StatsService implements spotcheck.StatsService.
type StatsService struct{ db *DB }

var _ spotcheck.StatsService = (*StatsService)(nil)

// Stats returns the dashboard's service.
func (db *DB) Stats() *StatsService { return &StatsService{db} }

// statsScope is the departments a dashboard counts (nil: every one) and
// the year as the tables write it.
type statsScope struct {
	depts []string
	year  string
}

// in adds "col IN (the scope)" to c.
func (s statsScope) in(c *conds, col string) { c.in(col, s.depts) }

// completedIn adds the conditions of an inspection (i, its current
// revision r) completed in the year: approved or published, with its
// completion date in the year.
func (s statsScope) completedIn(c *conds) {
	c.add("i.state IN (" + c.arg(spotcheck.InspectionApproved) + ", " + c.arg(spotcheck.InspectionPublished) + ")")
	c.add("r.completed >= " + c.arg(s.year+"-01-01") + " AND r.completed <= " + c.arg(s.year+"-12-31"))
	s.in(c, "i.dept")
}

// FindStats computes the dashboard's figures.
func (sv *StatsService) FindStats(ctx context.Context, f spotcheck.StatsFilter) (_ *spotcheck.Stats, err error) {
	defer wrap(&err, "find stats", f.Year, f.Dept)
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	if err := p.Authorize(spotcheck.PermViewStats, ""); err != nil {
		return nil, err
	}
	if f.Year < 2000 || f.Year > 2200 {
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "年度“%d”无效", f.Year)
	}
	q := sv.db.read
	depts, err := findDepartments(ctx, q)
	if err != nil {
		return nil, err
	}
	all := p.IsSystem() || p.Has(spotcheck.PermSuperviseDraws)
	var scope []string
	if !all {
		scope = p.Scope()
	}
	if f.Dept != "" {
		if !slices.ContainsFunc(depts, func(d spotcheck.Department) bool { return d.Code == f.Dept }) {
			return nil, spotcheck.Errorf(spotcheck.ENOTFOUND, "没有部门“%s”", f.Dept)
		}
		if !all && !p.InScope(f.Dept) {
			return nil, spotcheck.Errorf(spotcheck.EFORBIDDEN, "没有权限：“%s”不在您的管辖范围", f.Dept)
		}
		scope = spotcheck.Subtree(depts, f.Dept)
	}
	sc := statsScope{depts: scope, year: fmt.Sprintf("%04d", f.Year)}
	s := &spotcheck.Stats{Year: f.Year, Dept: f.Dept, Scope: scope}
	if err := sv.coverage(ctx, q, sc, s); err != nil {
		return nil, err
	}
	if err := sv.results(ctx, q, sc, s); err != nil {
		return nil, err
	}
	if err := sv.hitByStratum(ctx, q, sc, s); err != nil {
		return nil, err
	}
	if err := sv.hitByItem(ctx, q, sc, s); err != nil {
		return nil, err
	}
	if err := sv.modelHitRates(ctx, q, sc, s); err != nil { // store/stats_model.go
		return nil, err
	}
	if s.Timeliness, err = sv.timeliness(ctx, q, sc, depts); err != nil {
		return nil, err
	}
	if err := sv.workload(ctx, q, sc, s, depts); err != nil {
		return nil, err
	}
	if err := sv.repeats(ctx, q, sc, s); err != nil {
		return nil, err
	}
	if err := sv.multiAuthority(ctx, q, sc, s); err != nil {
		return nil, err
	}
	return s, sv.joint(ctx, q, sc, s)
}

// coverKey is a row of coverage: a type and a division, either "" in the
// totals.
type coverKey struct{ typ, div string }

// coverage counts the population (the plan check's population query),
// the entities inspected and the draws that inspected them, by type ×
// division and in the totals by type and by division, and sets each
// row's requirement from the items of the year's draws.
func (sv *StatsService) coverage(ctx context.Context, q querier, sc statsScope, s *spotcheck.Stats) error {
	// The population (a million entities counted) and the picks below
	// are independent: on the pool they run at once.
	type counted struct {
		cells []spotcheck.PopulationCell
		err   error
	}
	popc := make(chan counted, 1)
	countPop := func() {
		cells, err := population(ctx, q, sc.depts, conds{})
		popc <- counted{cells, err}
	}
	if _, ok := q.(*sql.DB); ok {
		go countPop()
	} else {
		countPop()
	}
	rows := map[coverKey]*spotcheck.CoverageRow{}
	get := func(k coverKey) *spotcheck.CoverageRow {
		if rows[k] == nil {
			rows[k] = &spotcheck.CoverageRow{Type: k.typ, Division: k.div}
		}
		return rows[k]
	}
	// The year's counted picks joined to their entities once (a CTE
	// materialized), then two groupings: the entities inspected of each
	// type × division, and the draws that inspected each. An entity has
	// one type and one division, so a type's or a division's inspected
	// entities are the sum of its cells'; its rounds are the draws of its
	// cells together, gathered here. (Counting distinct entities and
	// draws by cell, by type and by division in SQL sorted the picks six
	// times: 0.64 s on PostgreSQL for 100,000 picks of a million entities.
	// A DISTINCT below the count hashes where count(DISTINCT) sorts:
	// 0.43 s to 0.31 s there.)
	var c conds
	c.add("d.year = " + c.arg(sc.year))
	c.add(countedPick)
	c.add("e.active = 1 AND e.status = " + c.arg(spotcheck.StatusOperating))
	sc.in(&c, "d.authority")
	sc.in(&c, "e.dept")
	rounds := map[coverKey]map[int64]bool{}
	err := eachRow(ctx, q, `WITH y AS MATERIALIZED (SELECT e.type AS typ, e.division AS div, p.entity_id AS ent, d.id AS draw
			FROM draws d JOIN draw_picks p ON p.draw_id = d.id JOIN entities e ON e.id = p.entity_id WHERE `+c.where()+`)
		SELECT typ, div, count(*), 0 FROM (SELECT DISTINCT typ, div, ent FROM y) u GROUP BY typ, div
		UNION ALL SELECT typ, div, 0, draw FROM y GROUP BY typ, div, draw`, c.args,
		func(scan func(...any) error) error {
			var typ, div string
			var n int
			var draw int64
			if err := scan(&typ, &div, &n, &draw); err != nil {
				return err
			}
			for _, k := range []coverKey{{typ, div}, {typ, ""}, {"", div}} {
				if draw == 0 {
					get(k).Inspected += n
					continue
				}
				if rounds[k] == nil {
					rounds[k] = map[int64]bool{}
				}
				rounds[k][draw] = true
			}
			return nil
		})
	for k, ds := range rounds {
		get(k).Rounds = len(ds)
	}
	pop := <-popc
	if err != nil {
		return err
	}
	if pop.err != nil {
		return pop.err
	}
	for _, c := range pop.cells {
		for _, k := range []coverKey{{c.Type, c.Division}, {c.Type, ""}, {"", c.Division}} {
			get(k).Entities += c.Count
		}
	}
	items, err := sv.yearItems(ctx, q, sc)
	if err != nil {
		return err
	}
	ref, err := loadReference(ctx, q)
	if err != nil {
		return err
	}
	// A type's requirement; a division's is the strictest of its types'.
	for k, r := range rows {
		if k.typ != "" {
			r.Floor, r.RoundsRequired = spotcheck.CoverageRequirement(k.typ, items)
		}
	}
	for k, r := range rows {
		if k.typ != "" && k.div != "" {
			d := get(coverKey{"", k.div})
			d.Floor, d.RoundsRequired = max(d.Floor, r.Floor), max(d.RoundsRequired, r.RoundsRequired)
		}
	}
	for k, r := range rows {
		r.MeetsFloor = spotcheck.MeetsFloor(r.Inspected, r.Entities, r.Floor)
		r.MeetsRounds = r.Rounds >= r.RoundsRequired
		if t, ok := ref.Type(k.typ); ok && k.typ != "" {
			r.TypeName = t.Name
		}
		if d, ok := ref.Division(k.div); ok && k.div != "" {
			r.DivisionName = d.Name
		}
		row := *r
		switch {
		case k.div == "":
			s.ByType = append(s.ByType, row)
		case k.typ == "":
			s.ByDiv = append(s.ByDiv, row)
		default:
			s.Coverage = append(s.Coverage, row)
		}
	}
	order := func(a, b spotcheck.CoverageRow) int {
		return cmp.Or(strings.Compare(a.Type, b.Type), strings.Compare(a.Division, b.Division))
	}
	slices.SortFunc(s.Coverage, order)
	slices.SortFunc(s.ByType, order)
	slices.SortFunc(s.ByDiv, order)
	return nil
}

// yearItems loads the latest version of the items of the tasks whose
// draws of the year counted (drawn or published) in the scope.
func (sv *StatsService) yearItems(ctx context.Context, q querier, sc statsScope) ([]spotcheck.Item, error) {
	var c conds
	c.add("d.year = " + c.arg(sc.year))
	c.add("d.state IN ('drawn', 'published')")
	sc.in(&c, "d.authority")
	var codes []string
	err := eachRow(ctx, q, `SELECT DISTINCT ti.item FROM task_items ti JOIN draws d ON d.task = ti.task WHERE `+c.where(),
		c.args, func(scan func(...any) error) error {
			var code string
			if err := scan(&code); err != nil {
				return err
			}
			codes = append(codes, code)
			return nil
		})
	if err != nil || len(codes) == 0 {
		return nil, err
	}
	var ic conds
	ic.add(items.current())
	ic.in("code", codes)
	list, err := scanAll(ctx, q, items, "SELECT "+items.selectCols()+" FROM items WHERE "+ic.where(), ic.args)
	if err != nil {
		return nil, err
	}
	out := make([]spotcheck.Item, len(list))
	for i, it := range list {
		out[i] = *it
	}
	return out, nil
}

// eachRow runs query and calls row for each of its rows with the rows'
// Scan.
func eachRow(ctx context.Context, q querier, query string, args []any, row func(scan func(...any) error) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}
