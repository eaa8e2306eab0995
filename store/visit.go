package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"spotcheck"
)

// Joint visits (spotcheck.Visit): detection loads the selections of drawn
// draws, asks spotcheck.ProposeVisits, and stores the proposals in bulk;
// the lead department accepts or declines each, in one recorded
// transaction.

// VisitService implements spotcheck.VisitService.
type VisitService struct{ db *DB }

var _ spotcheck.VisitService = (*VisitService)(nil)

// Visits returns the joint-visit service.
func (db *DB) Visits() *VisitService { return &VisitService{db} }

// ProposeVisits detects the joint visits of the year's drawn draws.
func (sv *VisitService) ProposeVisits(ctx context.Context, year string) (n int, err error) {
	defer wrap(&err, "propose visits", year)
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageDraws, ""); err != nil {
		return 0, err
	}
	if !spotcheck.ValidDate(year + "-01-01") {
		return 0, spotcheck.Errorf(spotcheck.EINVALID, "“%s”不是有效的年度", year)
	}
	err = sv.db.inTx(ctx, func(t *tx) error {
		n, err = proposeVisits(ctx, t, year, 0)
		return err
	})
	return n, err
}

// proposeDrawVisits proposes the visits of the entities a draw that has
// just run selected, in the draw's transaction.
func proposeDrawVisits(ctx context.Context, t *tx, draw int64) error {
	var year string
	if err := t.QueryRowContext(ctx, `SELECT year FROM draws WHERE id = $1`, draw).Scan(&year); err != nil {
		return err
	}
	_, err := proposeVisits(ctx, t, year, draw)
	return err
}

// proposeVisits stores the proposals among the year's drawn draws; with
// draw ≠ 0, only among the entities that draw selected (a draw that has
// just run proposes its own visits in its transaction). Selections that
// are part of a visit already are left out, so that running it again
// proposes nothing new, and a declined proposal stays declined.
func proposeVisits(ctx context.Context, t *tx, year string, draw int64) (int, error) {
	sels, err := loadSelections(ctx, t, year, draw)
	if err != nil || len(sels) < 2 {
		return 0, err
	}
	visits := spotcheck.ProposeVisits(sels)
	if len(visits) == 0 {
		return 0, nil
	}
	now := t.db.now()
	vrows := make([][]any, 0, len(visits))
	var prows [][]any
	for _, v := range visits {
		lead := v.Parts[0].Draw
		vrows = append(vrows, []any{lead, v.Entity, v.Year, v.Lead, v.Start, v.End, spotcheck.VisitProposed, now})
		for i, p := range v.Parts {
			prows = append(prows, []any{lead, v.Entity, i, p.Draw, p.Task, p.Dept,
				strings.Join(p.Items, ","), strings.Join(p.Inspectors, ",")})
		}
	}
	if err := t.insertRows(ctx, "visits", []string{"lead_draw", "entity_id", "year", "lead", "start_day", "end_day",
		"state", "proposed_at"}, vrows); err != nil {
		return 0, err
	}
	if err := t.insertRows(ctx, "visit_parts", []string{"lead_draw", "entity_id", "seq", "draw_id", "task", "dept",
		"items", "inspectors"}, prows); err != nil {
		return 0, err
	}
	body, _ := json.Marshal(map[string]any{"draw": draw, "visits": len(visits), "parts": len(prows)})
	if err := recordEvent(ctx, t, "visit", year, "propose", string(body)); err != nil {
		return 0, err
	}
	return len(visits), nil
}

// loadSelections loads the selections that count as inspections (see
// countedPick) of the year's drawn draws, minus those already part of a
// visit, with their tasks' windows and items; with draw ≠ 0, only of the
// entities that draw selected.
func loadSelections(ctx context.Context, t *tx, year string, draw int64) ([]spotcheck.TaskSelection, error) {
	var c conds
	c.add("d.year = " + c.arg(year))
	c.add(countedPick)
	c.add("NOT EXISTS (SELECT 1 FROM visit_parts v WHERE v.draw_id = p.draw_id AND v.entity_id = p.entity_id)")
	if draw != 0 {
		c.add("p.entity_id IN (SELECT q.entity_id FROM draw_picks q WHERE q.draw_id = " + c.arg(draw) + ")")
	}
	rows, err := t.QueryContext(ctx, `SELECT d.id, d.task, d.authority, p.entity_id, p.inspectors
		FROM draw_picks p JOIN draws d ON d.id = p.draw_id WHERE `+c.where()+` ORDER BY d.id`, c.args...)
	if err != nil {
		return nil, err
	}
	var sels []spotcheck.TaskSelection
	for rows.Next() {
		var id int64
		var task, auth, entity, team string
		if err := rows.Scan(&id, &task, &auth, &entity, &team); err != nil {
			rows.Close()
			return nil, err
		}
		if len(sels) == 0 || sels[len(sels)-1].Draw != id {
			sels = append(sels, spotcheck.TaskSelection{Task: task, Authority: auth, Draw: id, Teams: map[string][]string{}})
		}
		var ins []string
		if team != "" {
			ins = strings.Split(team, ",")
		}
		sels[len(sels)-1].Teams[entity] = ins
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range sels {
		tk, err := findTask(ctx, t, sels[i].Task)
		if err != nil {
			return nil, err
		}
		sels[i].Start, sels[i].End, sels[i].Items = tk.Start, tk.End, tk.Items
	}
	return sels, nil
}

// visitCols are the columns visitRow scans, of visits v.
const visitCols = `v.id, v.lead_draw, v.entity_id, v.year, v.lead, v.start_day, v.end_day, v.state, v.visit_date,
	v.notice, v.note, v.proposed_at, v.decided_by, v.decided_at`

type visitRow struct {
	spotcheck.Visit
	leadDraw int64
}

func (r *visitRow) dest() []any {
	v := &r.Visit
	return []any{&v.ID, &r.leadDraw, &v.Entity, &v.Year, &v.Lead, &v.Start, &v.End, &v.State, &v.Date,
		&v.Notice, &v.Note, timeCol{&v.ProposedAt}, &v.DecidedBy, optTimeCol{&v.DecidedAt}}
}

// loadVisit loads a visit and its parts through q.
func loadVisit(ctx context.Context, q querier, id int64) (*visitRow, error) {
	r := &visitRow{}
	err := q.QueryRowContext(ctx, `SELECT `+visitCols+` FROM visits v WHERE v.id = $1`, id).Scan(r.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, spotcheck.NoVisit(id)
	}
	if err != nil {
		return nil, err
	}
	if err := loadParts(ctx, q, []*visitRow{r}); err != nil {
		return nil, err
	}
	return r, nil
}

// nameVisits fills the visits' entity names and the names of their tasks,
// items and inspectors, in one query per kind.
func nameVisits(ctx context.Context, q querier, vs []*visitRow) error {
	kinds := []struct {
		sql   string
		codes map[string]bool
	}{
		{`SELECT id, name FROM entities WHERE id IN `, map[string]bool{}},
		{`SELECT code, name FROM tasks WHERE code IN `, map[string]bool{}},
		{`SELECT code, name FROM items WHERE latest = 1 AND code IN `, map[string]bool{}},
		{`SELECT staff_id, name FROM inspectors WHERE staff_id IN `, map[string]bool{}},
	}
	for _, v := range vs {
		kinds[0].codes[v.Entity] = true
		for _, p := range v.Parts {
			kinds[1].codes[p.Task] = true
			for _, it := range p.Items {
				kinds[2].codes[it] = true
			}
			for _, in := range p.Inspectors {
				kinds[3].codes[in] = true
			}
		}
	}
	names := map[string]string{}
	for _, k := range kinds {
		if len(k.codes) == 0 {
			continue
		}
		var c conds
		ph := make([]string, 0, len(k.codes))
		for code := range k.codes {
			ph = append(ph, c.arg(code))
		}
		rows, err := q.QueryContext(ctx, k.sql+"("+strings.Join(ph, ", ")+")", c.args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var code, name string
			if err := rows.Scan(&code, &name); err != nil {
				rows.Close()
				return err
			}
			names[code] = name
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for _, v := range vs {
		v.EntityName = names[v.Entity]
		v.Names = names
	}
	return nil
}

// loadParts fills the parts of visits, in their order.
func loadParts(ctx context.Context, q querier, vs []*visitRow) error {
	if len(vs) == 0 {
		return nil
	}
	type key struct {
		draw   int64
		entity string
	}
	by := make(map[key]*visitRow, len(vs))
	var c conds
	var ors []string
	for _, v := range vs {
		by[key{v.leadDraw, v.Entity}] = v
		ors = append(ors, "(lead_draw = "+c.arg(v.leadDraw)+" AND entity_id = "+c.arg(v.Entity)+")")
	}
	rows, err := q.QueryContext(ctx, `SELECT lead_draw, entity_id, draw_id, task, dept, items, inspectors FROM visit_parts
		WHERE `+strings.Join(ors, " OR ")+` ORDER BY lead_draw, entity_id, seq`, c.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k key
		var p spotcheck.VisitPart
		var items, ins string
		if err := rows.Scan(&k.draw, &k.entity, &p.Draw, &p.Task, &p.Dept, &items, &ins); err != nil {
			return err
		}
		p.Items = splitList(items)
		p.Inspectors = splitList(ins)
		if v := by[k]; v != nil {
			v.Parts = append(v.Parts, p)
		}
	}
	return rows.Err()
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// AcceptVisit makes the visit (spotcheck.VisitService).
func (sv *VisitService) AcceptVisit(ctx context.Context, id int64, d spotcheck.VisitDecision) (err error) {
	defer wrap(&err, "accept visit", id)
	return sv.decide(ctx, id, spotcheck.VisitActAccept, d)
}

// DeclineVisit records that the tasks inspect separately.
func (sv *VisitService) DeclineVisit(ctx context.Context, id int64, d spotcheck.VisitDecision) (err error) {
	defer wrap(&err, "decline visit", id)
	return sv.decide(ctx, id, spotcheck.VisitActDecline, d)
}

// decide takes action a on a proposal in one transaction: it loads the
// visit, asks Visit.Can and Next, checks the decision, stores the state
// (only if the visit is still proposed, so that two concurrent decisions
// cannot both pass) and records the event. Accepting fixes the notice
// number and freezes the combined checklist and team.
func (sv *VisitService) decide(ctx context.Context, id int64, a spotcheck.Action, d spotcheck.VisitDecision) error {
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return err
	}
	return sv.db.inTx(ctx, func(t *tx) error {
		v, err := loadVisit(ctx, t, id)
		if err != nil {
			return err
		}
		if err := v.Can(a, p); err != nil {
			return err
		}
		next, err := v.Next(a)
		if err != nil {
			return err
		}
		if err := d.Validate(&v.Visit, a).Err(); err != nil {
			return err
		}
		var notice, checklist, team string
		if a == spotcheck.VisitActAccept {
			notice = spotcheck.VisitNotice(v.Year, v.ID)
			cl, _ := json.Marshal(v.Checklist())
			tm, _ := json.Marshal(v.Team())
			checklist, team = string(cl), string(tm)
		}
		res, err := t.ExecContext(ctx, `UPDATE visits SET state = $1, visit_date = $2, notice = $3, checklist = $4, team = $5,
			note = $6, decided_by = $7, decided_at = $8 WHERE id = $9 AND state = $10`,
			next, d.Date, notice, checklist, team, d.Note, actorID(ctx), t.db.now(), id, spotcheck.VisitProposed)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "联合检查 %d 已由他人处理，请刷新后查看", id)
		}
		body, _ := json.Marshal(map[string]any{"state": next, "date": d.Date, "notice": notice, "note": d.Note,
			"checklist": json.RawMessage(orNull(checklist)), "team": json.RawMessage(orNull(team))})
		return recordEvent(ctx, t, "visit", fmt.Sprint(id), string(a), string(body))
	})
}

func orNull(s string) string {
	if s == "" {
		return "null"
	}
	return s
}

// FindVisitByID returns one visit the user may see.
func (sv *VisitService) FindVisitByID(ctx context.Context, id int64) (_ *spotcheck.Visit, err error) {
	defer wrap(&err, "find visit", id)
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	v, err := loadVisit(ctx, sv.db.read, id)
	if err != nil {
		return nil, err
	}
	if err := p.AuthorizeDraw(spotcheck.PermViewDraws, v.Departments()); err != nil {
		return nil, spotcheck.NoVisit(id)
	}
	if err := nameVisits(ctx, sv.db.read, []*visitRow{v}); err != nil {
		return nil, err
	}
	return &v.Visit, nil
}

// FindVisits lists the visits touching a task of the user's departments.
func (sv *VisitService) FindVisits(ctx context.Context, f spotcheck.VisitFilter) (_ []spotcheck.Visit, err error) {
	defer wrap(&err, "find visits")
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewDraws, ""); err != nil {
		return nil, err
	}
	var c conds
	c.eq("v.state", f.State)
	c.eq("v.year", f.Year)
	// The conditions on the parts go into one EXISTS, their placeholders
	// numbered after the visit's own.
	n := len(c.list)
	scopeTasks(ctx, &c, "p.task")
	c.eq("p.task", f.Task)
	if on := c.list[n:]; len(on) > 0 {
		exists := "EXISTS (SELECT 1 FROM visit_parts p WHERE p.lead_draw = v.lead_draw AND p.entity_id = v.entity_id AND " +
			strings.Join(on, " AND ") + ")"
		c.list = append(c.list[:n], exists)
	}
	rows, err := sv.db.read.QueryContext(ctx, `SELECT `+visitCols+` FROM visits v WHERE `+c.where()+
		` ORDER BY v.id DESC LIMIT 500`, c.args...)
	if err != nil {
		return nil, err
	}
	var vs []*visitRow
	for rows.Next() {
		r := &visitRow{}
		if err := rows.Scan(r.dest()...); err != nil {
			rows.Close()
			return nil, err
		}
		vs = append(vs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := loadParts(ctx, sv.db.read, vs); err != nil {
		return nil, err
	}
	if err := nameVisits(ctx, sv.db.read, vs); err != nil {
		return nil, err
	}
	out := make([]spotcheck.Visit, len(vs))
	for i, v := range vs {
		out[i] = v.Visit
	}
	return out, nil
}

// optTimeCol scans a stored time that may be ” (not yet) as the zero time.
type optTimeCol struct{ p *time.Time }

func (c optTimeCol) Scan(v any) error {
	if s, err := asString(v); err == nil && s == "" {
		*c.p = time.Time{}
		return nil
	}
	return timeCol(c).Scan(v)
}
