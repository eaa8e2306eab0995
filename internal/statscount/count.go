// Package statscount counts the statistics dashboard's figures afresh
// from the raw rows, for the tests that check spotcheck.StatsService
// against it (store/stats_test.go on a world built in the test,
// cmd/spotcheck/demo_stats_test.go on the demo): plain SELECTs of the raw
// rows and Go loops, with the domain's rules (CoverageRequirement,
// MeetsFloor, FoundProblem, HighRisk, RepeatAlerts, ModelHitRate) asked,
// never re-implemented, and sharing nothing with store/stats*.go. The
// definitions written again here are the dashboard's own: a pick counts
// as an inspection when it was selected and not substituted, or is a
// promoted reserve, of a drawn or published draw; an inspection is
// completed when approved or published, in the year of its current
// revision's completion date.
package statscount

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

// Query runs a query on the database under test.
type Query func(query string) (*sql.Rows, error)

// each runs q and calls row with the Scan of each row.
func each(t testing.TB, query Query, q string, row func(scan func(...any) error) error) {
	t.Helper()
	rows, err := query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

type rawEntity struct {
	typ, div, dept, name, class, status string
	active, key                         int
}

type rawPick struct {
	draw                       int64
	entity, stratum            string
	reserve, replaced, promote int
	control                    int
}

type rawDraw struct {
	task, year, authority, state, model string
	control                             int
}

type rawInspection struct {
	id, draw                int64
	entity, dept, team      string
	visit                   int64
	revision                int
	state                   string
	completed, due, content string
	results                 []string
	findings                []spotcheck.ItemFinding
}

// Count counts the dashboard's figures of year for the departments of
// scope (nil: every one) from the raw rows.
func Count(ctx context.Context, t testing.TB, db *store.DB, query Query, scope []string, year int) *spotcheck.Stats {
	t.Helper()
	in := func(d string) bool { return scope == nil || slices.Contains(scope, d) }
	y := fmt.Sprint(year)
	ents := map[string]rawEntity{}
	each(t, query, "SELECT id, type, division, dept, name, credit_class, status, active, key_flag FROM entities", func(scan func(...any) error) error {
		var id string
		var e rawEntity
		err := scan(&id, &e.typ, &e.div, &e.dept, &e.name, &e.class, &e.status, &e.active, &e.key)
		ents[id] = e
		return err
	})
	draws := map[int64]rawDraw{}
	each(t, query, "SELECT id, task, year, authority, state, risk_model, control FROM draws", func(scan func(...any) error) error {
		var id int64
		var d rawDraw
		err := scan(&id, &d.task, &d.year, &d.authority, &d.state, &d.model, &d.control)
		draws[id] = d
		return err
	})
	var picks []rawPick
	each(t, query, "SELECT draw_id, entity_id, stratum, reserve, replaced, promoted, control FROM draw_picks", func(scan func(...any) error) error {
		var p rawPick
		err := scan(&p.draw, &p.entity, &p.stratum, &p.reserve, &p.replaced, &p.promote, &p.control)
		picks = append(picks, p)
		return err
	})
	counted := func(p rawPick) bool {
		d := draws[p.draw]
		return d.year == y && (p.reserve == 0 && p.replaced == 0 || p.promote == 1) && (d.state == "drawn" || d.state == "published")
	}
	s := &spotcheck.Stats{Year: year}

	// Coverage.
	type cell struct{ typ, div string }
	pop, ents2, rounds := map[cell]int{}, map[cell]map[string]bool{}, map[cell]map[int64]bool{}
	operating := func(e rawEntity) bool { return e.active == 1 && e.status == spotcheck.StatusOperating && in(e.dept) }
	cells := func(e rawEntity) []cell { return []cell{{e.typ, e.div}, {e.typ, ""}, {"", e.div}} }
	for _, e := range ents {
		if operating(e) {
			for _, c := range cells(e) {
				pop[c]++
			}
		}
	}
	for _, p := range picks {
		e, ok := ents[p.entity]
		if !ok || !counted(p) || !in(draws[p.draw].authority) || !operating(e) {
			continue
		}
		for _, c := range cells(e) {
			if ents2[c] == nil {
				ents2[c], rounds[c] = map[string]bool{}, map[int64]bool{}
			}
			ents2[c][p.entity], rounds[c][p.draw] = true, true
		}
	}
	tasks := map[string]bool{}
	for _, d := range draws {
		if d.year == y && (d.state == "drawn" || d.state == "published") && in(d.authority) {
			tasks[d.task] = true
		}
	}
	codes := map[string]bool{}
	each(t, query, "SELECT task, item FROM task_items", func(scan func(...any) error) error {
		var task, item string
		err := scan(&task, &item)
		if tasks[task] {
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
	all := map[cell]bool{}
	for c := range pop {
		all[c] = true
	}
	for c := range ents2 {
		all[c] = true
	}
	req := map[cell][2]int{}
	for c := range all {
		if c.typ != "" {
			f, r := spotcheck.CoverageRequirement(c.typ, items)
			req[c] = [2]int{f, r}
			if c.div != "" {
				d := req[cell{"", c.div}]
				req[cell{"", c.div}] = [2]int{max(d[0], f), max(d[1], r)}
			}
		}
	}
	for c := range all {
		r := spotcheck.CoverageRow{Type: c.typ, Division: c.div, Entities: pop[c], Inspected: len(ents2[c]),
			Rounds: len(rounds[c]), Floor: req[c][0], RoundsRequired: req[c][1]}
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

	// Inspections: results, hit rates, workload, joint visits.
	revs := map[[2]int64][3]string{}
	each(t, query, "SELECT inspection_id, revision, completed, publication_due, content FROM inspection_revisions", func(scan func(...any) error) error {
		var id, rev int64
		var v [3]string
		err := scan(&id, &rev, &v[0], &v[1], &v[2])
		revs[[2]int64{id, rev}] = v
		return err
	})
	var ins []rawInspection
	each(t, query, "SELECT id, draw_id, entity_id, dept, team, visit_id, revision, state FROM inspections", func(scan func(...any) error) error {
		var i rawInspection
		if err := scan(&i.id, &i.draw, &i.entity, &i.dept, &i.team, &i.visit, &i.revision, &i.state); err != nil {
			return err
		}
		v := revs[[2]int64{i.id, int64(i.revision)}]
		i.completed, i.due, i.content = v[0], v[1], v[2]
		var c struct {
			Results  []string                `json:"results"`
			Findings []spotcheck.ItemFinding `json:"findings"`
		}
		if err := json.Unmarshal([]byte(i.content), &c); err != nil {
			return err
		}
		i.results, i.findings = c.Results, c.Findings
		ins = append(ins, i)
		return nil
	})
	cat, err := db.Inspections().ResultCatalogue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	done := func(i rawInspection) bool {
		return i.state == spotcheck.InspectionApproved || i.state == spotcheck.InspectionPublished
	}
	completedIn := func(completed string) bool { return strings.HasPrefix(completed, y+"-") }
	byNational := map[string]map[int64]bool{}
	strata, itemHits := map[string]*spotcheck.HitRate{}, map[string]*spotcheck.HitRate{}
	models := map[string]*spotcheck.ModelHitRate{} // by model version (ModelHitRate.Count)
	hit := func(m map[string]*spotcheck.HitRate, k string, problem bool) {
		if m[k] == nil {
			m[k] = &spotcheck.HitRate{Key: k}
		}
		m[k].Inspections++
		if problem {
			m[k].Problems++
		}
	}
	work := map[string]*spotcheck.Workload{}
	for _, i := range ins {
		if draws[i.draw].year == y && i.state != spotcheck.InspectionWithdrawn && in(i.dept) {
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
		if !done(i) || !completedIn(i.completed) || !in(i.dept) {
			continue
		}
		s.Completed++
		for _, r := range i.results {
			if k, _ := cat.Category(r); k.National != "" {
				if byNational[k.National] == nil {
					byNational[k.National] = map[int64]bool{}
				}
				byNational[k.National][i.id] = true
			}
		}
		for _, p := range picks {
			if p.draw == i.draw && p.entity == i.entity {
				found := cat.FoundProblem(i.results)
				hit(strata, p.stratum, found)
				d := draws[p.draw]
				if models[d.model] == nil {
					models[d.model] = &spotcheck.ModelHitRate{Model: d.model}
				}
				one := spotcheck.HitRate{Inspections: 1}
				if found {
					one.Problems = 1
				}
				models[d.model].Count(one, d.control > 0, p.control == 1)
			}
		}
		for _, f := range i.findings {
			if f.Outcome == spotcheck.FindingNone || f.Outcome == spotcheck.FindingProblem || f.Outcome == spotcheck.FindingOther {
				hit(itemHits, f.Item, f.Outcome == spotcheck.FindingProblem)
			}
		}
	}
	for code, ids := range byNational {
		s.Results = append(s.Results, spotcheck.CategoryCount{Code: code, Inspections: len(ids)})
	}
	for _, h := range strata {
		s.HitByStratum = append(s.HitByStratum, *h)
	}
	for _, h := range itemHits {
		s.HitByItem = append(s.HitByItem, *h)
	}
	for _, m := range models {
		s.ByModel = append(s.ByModel, *m)
	}
	for _, w := range work {
		s.Workload = append(s.Workload, *w)
	}

	// Publication timeliness.
	tl := map[string]*spotcheck.Timeliness{}
	get := func(d string) *spotcheck.Timeliness {
		if tl[d] == nil {
			tl[d] = &spotcheck.Timeliness{Dept: d}
		}
		return tl[d]
	}
	published := map[int64]bool{}
	each(t, query, "SELECT inspection_id, revision, version, dept, due, published_on FROM publications", func(scan func(...any) error) error {
		var id, rev int64
		var version int
		var dept, due, on string
		if err := scan(&id, &rev, &version, &dept, &due, &on); err != nil {
			return err
		}
		published[id] = true
		if version != 1 || !in(dept) || !completedIn(revs[[2]int64{id, rev}][0]) {
			return nil
		}
		if due != "" && on > due {
			get(dept).Late++
		} else {
			get(dept).OnTime++
		}
		return nil
	})
	today := db.Now().In(spotcheck.ChinaTime).Format(spotcheck.DateLayout)
	for _, i := range ins {
		if i.state == spotcheck.InspectionApproved && !published[i.id] && in(i.dept) && completedIn(i.completed) {
			get(i.dept).Pending++
			if i.due != "" && i.due < today {
				get(i.dept).PendingOverdue++
			}
		}
	}
	for _, v := range tl {
		s.Timeliness = append(s.Timeliness, spotcheck.StatsTimeliness{Timeliness: *v})
	}

	// Repeats: by one authority over the cap, by several authorities.
	if s.Cap, err = db.Caps().FindCapPolicy(ctx); err != nil {
		t.Fatal(err)
	}
	byAuth, byEntity := map[[2]string]map[int64]bool{}, map[string][2]map[string]bool{}
	for _, p := range picks {
		d := draws[p.draw]
		if !counted(p) {
			continue
		}
		if in(d.authority) {
			k := [2]string{d.authority, p.entity}
			if byAuth[k] == nil {
				byAuth[k] = map[int64]bool{}
			}
			byAuth[k][p.draw] = true
		}
		if e, ok := ents[p.entity]; ok && in(e.dept) {
			if byEntity[p.entity][0] == nil {
				byEntity[p.entity] = [2]map[string]bool{{}, {}}
			}
			byEntity[p.entity][0][d.authority] = true
			byEntity[p.entity][1][fmt.Sprint(p.draw)] = true
		}
	}
	var counts []spotcheck.RepeatAlert
	for k, ds := range byAuth {
		e := ents[k[1]]
		counts = append(counts, spotcheck.RepeatAlert{Authority: k[0], Entity: k[1], Count: len(ds),
			HighRisk: spotcheck.HighRisk(e.class, e.key == 1)})
	}
	s.Repeats = spotcheck.RepeatAlerts(counts, s.Cap)
	for id, m := range byEntity {
		if len(m[0]) > 1 {
			s.Multi = append(s.Multi, spotcheck.MultiAuthority{Entity: id, Authorities: len(m[0]), Inspections: len(m[1])})
		}
	}
	return s
}

// Figures flattens the counts of s (not the names) to compare them.
func Figures(s *spotcheck.Stats) map[string]string {
	out := map[string]string{
		"completed": fmt.Sprint(s.Completed),
		"joint":     fmt.Sprint(s.Joint.Joint, "/", s.Joint.All),
		"cap":       fmt.Sprint(s.Cap.Limit),
	}
	for _, rows := range [][]spotcheck.CoverageRow{s.Coverage, s.ByType, s.ByDiv} {
		for _, r := range rows {
			out["coverage/"+r.Type+"/"+r.Division] = fmt.Sprint(r.Entities, " ", r.Inspected, " ", r.Rounds, " ",
				r.Floor, " ", r.RoundsRequired, " ", r.MeetsFloor, " ", r.MeetsRounds)
		}
	}
	for _, r := range s.Results {
		out["result/"+r.Code] = fmt.Sprint(r.Inspections)
	}
	for _, h := range s.HitByStratum {
		out["stratum/"+h.Key] = fmt.Sprint(h.Problems, "/", h.Inspections)
	}
	for _, h := range s.HitByItem {
		out["item/"+h.Key] = fmt.Sprint(h.Problems, "/", h.Inspections)
	}
	for _, m := range s.ByModel {
		out["model/"+m.Model] = fmt.Sprint(m.All.Problems, "/", m.All.Inspections, " ", m.Chosen.Problems, "/",
			m.Chosen.Inspections, " ", m.Control.Problems, "/", m.Control.Inspections, " ", m.Verdict())
	}
	for _, x := range s.Timeliness {
		out["timeliness/"+x.Dept] = fmt.Sprint(x.OnTime, " ", x.Late, " ", x.Pending, " ", x.PendingOverdue)
	}
	for _, w := range s.Workload {
		out["workload/"+w.Staff] = fmt.Sprint(w.Completed, "/", w.Inspections)
	}
	for _, a := range s.Repeats {
		out["repeat/"+a.Authority+"/"+a.Entity] = fmt.Sprint(a.Count, " ", a.Limit)
	}
	for _, m := range s.Multi {
		out["multi/"+m.Entity] = fmt.Sprint(m.Authorities, " ", m.Inspections)
	}
	return out
}

// Compare reports every figure of got that differs from want.
func Compare(t testing.TB, got, want *spotcheck.Stats) {
	t.Helper()
	g, w := Figures(got), Figures(want)
	for _, k := range slices.Sorted(maps.Keys(w)) {
		if g[k] != w[k] {
			t.Errorf("%s: got %q, counted %q", k, g[k], w[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(g)) {
		if _, ok := w[k]; !ok {
			t.Errorf("%s: got %q, not counted", k, g[k])
		}
	}
}
