package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/store"
)

// The dashboard's figures counted afresh from the demo's raw tables
// (TestDemoStats): plain SELECTs over entities, draws, draw_picks,
// inspections, inspection_revisions, publications and task_items,
// written here and sharing nothing with store/stats*.go, and Go loops
// over their rows. The rules come from the root package
// (CoverageRequirement, MeetsFloor, RepeatAlerts, HighRisk, the result
// catalogue's FoundProblem and categories, Subtree); the definitions
// written again here are the dashboard's own (docs and the StatsFilter
// comment): a pick counts as an inspection when it was selected and not
// substituted, or is a promoted reserve, of a drawn or published draw;
// an inspection is completed when approved or published, in the year of
// its current revision's completion date.

// rawQuery runs query on raw and calls row with the Scan of each row.
func rawQuery(t *testing.T, raw *sql.DB, query string, row func(scan func(...any) error) error) {
	t.Helper()
	rows, err := raw.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// demoPick is a counted pick of the year with its draw and entity.
type demoPick struct {
	draw                          int64
	entity, authority             string
	typ, div, dept, status, class string
	active, key                   int
	known                         bool // the entity is in the directory
}

// demoInspection is an inspection with its current revision and its
// draw's year.
type demoInspection struct {
	id, draw, visit           int64
	entity, dept, team, state string
	year, completed, due      string
	results                   []string
	findings                  []spotcheck.ItemFinding
}

// countDemoStats counts the figures of year for scope (nil: every
// department) from the raw tables of raw; db gives the rules' inputs that
// are not figures (the items, the result catalogue, the cap) and today.
func countDemoStats(t *testing.T, raw *sql.DB, db *store.DB, scope []string, year int) *spotcheck.Stats {
	t.Helper()
	ctx := sysCtx
	in := func(dept string) bool { return scope == nil || slices.Contains(scope, dept) }
	y := fmt.Sprintf("%04d", year)
	s := &spotcheck.Stats{Year: year}

	// Coverage: the population of operating entities by type × division.
	type cell struct{ typ, div string }
	pop := map[cell]int{}
	rawQuery(t, raw, `SELECT type, division, dept, count(*) FROM entities
		WHERE active = 1 AND status = '`+spotcheck.StatusOperating+`' GROUP BY type, division, dept`,
		func(scan func(...any) error) error {
			var typ, div, dept string
			var n int
			if err := scan(&typ, &div, &dept, &n); err != nil {
				return err
			}
			if in(dept) {
				pop[cell{typ, div}] += n
				pop[cell{typ, ""}] += n
				pop[cell{"", div}] += n
			}
			return nil
		})
	var picks []demoPick
	rawQuery(t, raw, `SELECT p.draw_id, p.entity_id, d.authority, COALESCE(e.type, ''), COALESCE(e.division, ''),
		COALESCE(e.dept, ''), COALESCE(e.status, ''), COALESCE(e.credit_class, ''), COALESCE(e.active, 0),
		COALESCE(e.key_flag, 0), CASE WHEN e.id IS NULL THEN 0 ELSE 1 END
		FROM draw_picks p JOIN draws d ON d.id = p.draw_id LEFT JOIN entities e ON e.id = p.entity_id
		WHERE d.year = '`+y+`' AND d.state IN ('drawn', 'published')
		AND ((p.reserve = 0 AND p.replaced = 0) OR p.promoted = 1)`, func(scan func(...any) error) error {
		var p demoPick
		var known int
		err := scan(&p.draw, &p.entity, &p.authority, &p.typ, &p.div, &p.dept, &p.status, &p.class,
			&p.active, &p.key, &known)
		p.known = known == 1
		picks = append(picks, p)
		return err
	})
	inspected, rounds := map[cell]map[string]bool{}, map[cell]map[int64]bool{}
	for _, p := range picks {
		if !p.known || p.active != 1 || p.status != spotcheck.StatusOperating || !in(p.dept) || !in(p.authority) {
			continue
		}
		for _, c := range []cell{{p.typ, p.div}, {p.typ, ""}, {"", p.div}} {
			if inspected[c] == nil {
				inspected[c], rounds[c] = map[string]bool{}, map[int64]bool{}
			}
			inspected[c][p.entity], rounds[c][p.draw] = true, true
		}
	}
	codes := map[string]bool{}
	rawQuery(t, raw, `SELECT DISTINCT ti.item, d.authority FROM task_items ti JOIN draws d ON d.task = ti.task
		WHERE d.year = '`+y+`' AND d.state IN ('drawn', 'published')`, func(scan func(...any) error) error {
		var item, authority string
		err := scan(&item, &authority)
		if in(authority) {
			codes[item] = true
		}
		return err
	})
	var items []spotcheck.Item
	for _, code := range slices.Sorted(maps.Keys(codes)) {
		it, err := db.Items().FindItemByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, *it)
	}
	cells := map[cell]bool{}
	for c := range pop {
		cells[c] = true
	}
	for c := range inspected {
		cells[c] = true
	}
	need := map[cell][2]int{}
	for c := range cells {
		if c.typ == "" {
			continue
		}
		floor, rnds := spotcheck.CoverageRequirement(c.typ, items)
		need[c] = [2]int{floor, rnds}
		if c.div != "" { // a division needs the strictest of its types
			d := need[cell{"", c.div}]
			need[cell{"", c.div}] = [2]int{max(d[0], floor), max(d[1], rnds)}
		}
	}
	for c := range cells {
		r := spotcheck.CoverageRow{Type: c.typ, Division: c.div, Entities: pop[c], Inspected: len(inspected[c]),
			Rounds: len(rounds[c]), Floor: need[c][0], RoundsRequired: need[c][1]}
		r.MeetsFloor = spotcheck.MeetsFloor(r.Inspected, r.Entities, r.Floor)
		r.MeetsRounds = r.Rounds >= r.RoundsRequired
		switch {
		case c.div == "":
			s.ByType = append(s.ByType, r)
		case c.typ == "":
			s.ByDiv = append(s.ByDiv, r)
		default:
			s.Coverage = append(s.Coverage, r)
		}
	}

	// Repeats by one authority over the cap; entities several authorities inspected.
	var err error
	if s.Cap, err = db.Caps().FindCapPolicy(ctx); err != nil {
		t.Fatal(err)
	}
	type pair struct{ authority, entity string }
	byAuthority, authorities, drawsOf := map[pair]map[int64]bool{}, map[string]map[string]bool{}, map[string]map[int64]bool{}
	ent := map[string]demoPick{}
	for _, p := range picks {
		ent[p.entity] = p
		if in(p.authority) {
			k := pair{p.authority, p.entity}
			if byAuthority[k] == nil {
				byAuthority[k] = map[int64]bool{}
			}
			byAuthority[k][p.draw] = true
		}
		if p.known && in(p.dept) {
			if authorities[p.entity] == nil {
				authorities[p.entity], drawsOf[p.entity] = map[string]bool{}, map[int64]bool{}
			}
			authorities[p.entity][p.authority], drawsOf[p.entity][p.draw] = true, true
		}
	}
	var counts []spotcheck.RepeatAlert
	for k, ds := range byAuthority {
		e := ent[k.entity]
		counts = append(counts, spotcheck.RepeatAlert{Authority: k.authority, Entity: k.entity, Count: len(ds),
			HighRisk: spotcheck.HighRisk(e.class, e.key == 1)})
	}
	s.Repeats = spotcheck.RepeatAlerts(counts, s.Cap)
	for id, as := range authorities {
		if len(as) > 1 {
			s.Multi = append(s.Multi, spotcheck.MultiAuthority{Entity: id, Authorities: len(as), Inspections: len(drawsOf[id])})
		}
	}

	countDemoInspections(t, raw, db, in, y, s)
	return s
}

// countDemoInspections counts the figures of the inspections: results,
// hit rates, workload, joint visits and publication timeliness.
func countDemoInspections(t *testing.T, raw *sql.DB, db *store.DB, in func(string) bool, y string, s *spotcheck.Stats) {
	t.Helper()
	var ins []demoInspection
	rawQuery(t, raw, `SELECT i.id, i.draw_id, i.visit_id, i.entity_id, i.dept, i.team, i.state,
		COALESCE(d.year, ''), r.completed, r.publication_due, r.content
		FROM inspections i JOIN inspection_revisions r ON r.inspection_id = i.id AND r.revision = i.revision
		LEFT JOIN draws d ON d.id = i.draw_id`, func(scan func(...any) error) error {
		var i demoInspection
		var content string
		if err := scan(&i.id, &i.draw, &i.visit, &i.entity, &i.dept, &i.team, &i.state, &i.year,
			&i.completed, &i.due, &content); err != nil {
			return err
		}
		var c struct {
			Results  []string                `json:"results"`
			Findings []spotcheck.ItemFinding `json:"findings"`
		}
		if err := json.Unmarshal([]byte(content), &c); err != nil {
			return fmt.Errorf("inspection %d: %w", i.id, err)
		}
		i.results, i.findings = c.Results, c.Findings
		ins = append(ins, i)
		return nil
	})
	strata := map[[2]string]string{} // (draw, entity) → stratum
	side := map[[2]string]string{}   // (draw, entity) → model version and "/control", "/chosen" or "/other"
	rawQuery(t, raw, `SELECT p.draw_id, p.entity_id, p.stratum, p.control, d.control, d.risk_model
		FROM draw_picks p JOIN draws d ON d.id = p.draw_id`, func(scan func(...any) error) error {
		var d int64
		var e, st, model string
		var control, asked int
		err := scan(&d, &e, &st, &control, &asked, &model)
		strata[[2]string{fmt.Sprint(d), e}] = st
		switch {
		case control == 1:
			side[[2]string{fmt.Sprint(d), e}] = model + "/control"
		case asked > 0:
			side[[2]string{fmt.Sprint(d), e}] = model + "/chosen"
		default:
			side[[2]string{fmt.Sprint(d), e}] = model + "/other"
		}
		return err
	})
	cat, err := db.Inspections().ResultCatalogue(sysCtx)
	if err != nil {
		t.Fatal(err)
	}
	done := func(i demoInspection) bool {
		return i.state == spotcheck.InspectionApproved || i.state == spotcheck.InspectionPublished
	}
	inYear := func(day string) bool { return day >= y+"-01-01" && day <= y+"-12-31" }
	national := map[string]map[int64]bool{}
	byStratum, byItem, bySide := map[string]*spotcheck.HitRate{}, map[string]*spotcheck.HitRate{}, map[string]*spotcheck.HitRate{}
	count := func(m map[string]*spotcheck.HitRate, key string, problem bool) {
		if m[key] == nil {
			m[key] = &spotcheck.HitRate{Key: key}
		}
		m[key].Inspections++
		if problem {
			m[key].Problems++
		}
	}
	work := map[string]*spotcheck.Workload{}
	for _, i := range ins {
		if i.year == y && i.state != spotcheck.InspectionWithdrawn && in(i.dept) {
			s.Joint.All++
			if i.visit != 0 {
				s.Joint.Joint++
			}
			for _, m := range strings.Split(i.team, ",") {
				if m == "" {
					continue
				}
				if work[m] == nil {
					work[m] = &spotcheck.Workload{Staff: m}
				}
				work[m].Inspections++
				if done(i) {
					work[m].Completed++
				}
			}
		}
		if !done(i) || !inYear(i.completed) || !in(i.dept) {
			continue
		}
		s.Completed++
		for _, code := range i.results {
			if k, ok := cat.Category(code); ok && k.National != "" {
				if national[k.National] == nil {
					national[k.National] = map[int64]bool{}
				}
				national[k.National][i.id] = true
			}
		}
		if st, ok := strata[[2]string{fmt.Sprint(i.draw), i.entity}]; ok {
			count(byStratum, st, cat.FoundProblem(i.results))
			count(bySide, side[[2]string{fmt.Sprint(i.draw), i.entity}], cat.FoundProblem(i.results))
		}
		for _, f := range i.findings {
			switch f.Outcome {
			case spotcheck.FindingNone, spotcheck.FindingProblem, spotcheck.FindingOther:
				count(byItem, f.Item, f.Outcome == spotcheck.FindingProblem)
			}
		}
	}
	for code, ids := range national {
		s.Results = append(s.Results, spotcheck.CategoryCount{Code: code, Inspections: len(ids)})
	}
	for _, h := range byStratum {
		s.HitByStratum = append(s.HitByStratum, *h)
	}
	for _, h := range byItem {
		s.HitByItem = append(s.HitByItem, *h)
	}
	models := map[string]*spotcheck.ModelHitRate{}
	for k, h := range bySide {
		model, which, _ := strings.Cut(k, "/")
		if models[model] == nil {
			models[model] = &spotcheck.ModelHitRate{Model: model}
		}
		m := models[model]
		m.All.Inspections += h.Inspections
		m.All.Problems += h.Problems
		switch which {
		case "control":
			m.Control = *h
		case "chosen":
			m.Chosen = *h
		}
	}
	for _, m := range models {
		s.ByModel = append(s.ByModel, *m)
	}
	for _, w := range work {
		s.Workload = append(s.Workload, *w)
	}

	// Publication timeliness of the results completed in the year: first
	// publications on time or late, approved results not published yet.
	tl := map[string]*spotcheck.Timeliness{}
	get := func(dept string) *spotcheck.Timeliness {
		if tl[dept] == nil {
			tl[dept] = &spotcheck.Timeliness{Dept: dept}
		}
		return tl[dept]
	}
	published := map[int64]bool{}
	rawQuery(t, raw, `SELECT p.inspection_id, p.version, p.dept, p.due, p.published_on, r.completed
		FROM publications p JOIN inspection_revisions r ON r.inspection_id = p.inspection_id AND r.revision = p.revision`,
		func(scan func(...any) error) error {
			var id int64
			var version int
			var dept, due, on, completed string
			if err := scan(&id, &version, &dept, &due, &on, &completed); err != nil {
				return err
			}
			published[id] = true
			if version == 1 && in(dept) && inYear(completed) {
				if due != "" && on > due {
					get(dept).Late++
				} else {
					get(dept).OnTime++
				}
			}
			return nil
		})
	today := db.Now().In(spotcheck.ChinaTime).Format(spotcheck.DateLayout)
	for _, i := range ins {
		if i.state == spotcheck.InspectionApproved && !published[i.id] && in(i.dept) && inYear(i.completed) {
			get(i.dept).Pending++
			if i.due != "" && i.due < today {
				get(i.dept).PendingOverdue++
			}
		}
	}
	for _, v := range tl {
		s.Timeliness = append(s.Timeliness, spotcheck.StatsTimeliness{Timeliness: *v})
	}
}
