package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

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
	// The log head's lock, which every draw step takes first (loadDraw),
	// serializes detections with the draws that run on PostgreSQL, so
	// that two cannot both propose a visit of one selection.
	if _, err := (logTx{t}).LockHead(ctx); err != nil {
		return 0, err
	}
	sels, depts, err := loadSelections(ctx, t, year, draw)
	if err != nil || len(sels) < 2 {
		return 0, err
	}
	visits := spotcheck.ProposeVisits(sels)
	if len(visits) == 0 {
		return 0, nil
	}
	now := t.db.now()
	rows := make([][]any, 0, len(visits))
	parts := 0
	for _, v := range visits {
		var ds, ts []string
		for _, p := range v.Parts {
			ts = append(ts, p.Task)
			for _, d := range depts[p.Task] {
				if !slices.Contains(ds, d) {
					ds = append(ds, d)
				}
			}
		}
		parts += len(v.Parts)
		rows = append(rows, []any{v.Entity, v.Year, v.Lead, v.Start, v.End, spotcheck.VisitProposed,
			encodeParts(v.Parts), partDraws(v.Parts), commaList(ds), commaList(ts), now})
	}
	if err := insertMany(ctx, t, "visits", []string{"entity_id", "year", "lead", "start_day", "end_day", "state",
		"parts", "draws", "depts", "tasks", "proposed_at"}, rows); err != nil {
		return 0, err
	}
	body, _ := json.Marshal(map[string]any{"draw": draw, "visits": len(visits), "parts": parts})
	if err := recordEvent(ctx, t, "visit", year, "propose", string(body)); err != nil {
		return 0, err
	}
	return len(visits), nil
}

// encodeParts writes a visit's parts as "draw:inspector,inspector;…";
// the draw names the task, its department and its items.
func encodeParts(ps []spotcheck.VisitPart) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(strconv.FormatInt(p.Draw, 10))
		b.WriteByte(':')
		b.WriteString(strings.Join(p.Inspectors, ","))
	}
	return b.String()
}

// partDraws is the ",draw,draw," list of a visit's parts.
func partDraws(ps []spotcheck.VisitPart) string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = strconv.FormatInt(p.Draw, 10)
	}
	return commaList(ids)
}

// commaList writes a ",a,b," list, which `LIKE '%,a,%'` finds on both
// databases.
func commaList(xs []string) string { return "," + strings.Join(xs, ",") + "," }

// insertMany inserts many rows: PostgreSQL's COPY (insertRows), and on
// SQLite statements of many rows each, since a statement per row costs
// more than the row (a merge of 5 × 50,000 selections writes some 300,000
// rows in its one transaction).
func insertMany(ctx context.Context, t *tx, table string, cols []string, rows [][]any) error {
	if t.db.dialect.name() != "sqlite" || len(rows) < 64 {
		return t.insertRows(ctx, table, cols, rows)
	}
	const per = 256 // rows a statement; × columns stays far below SQLite's 32,766 parameters
	var stmt *sql.Stmt
	defer func() {
		if stmt != nil {
			stmt.Close()
		}
	}()
	args := make([]any, 0, per*len(cols))
	for len(rows) > 0 {
		n := min(per, len(rows))
		if stmt == nil || n < per {
			if stmt != nil {
				stmt.Close()
			}
			var err error
			if stmt, err = t.PrepareContext(ctx, valuesSQL(table, cols, n)); err != nil {
				return err
			}
		}
		args = args[:0]
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// valuesSQL is INSERT INTO table (cols) VALUES (?, …), … with n rows, for
// SQLite only: with numbered parameters ($1…) the driver looks each name
// up in a list of all of them, which makes a statement of thousands of
// parameters quadratic; anonymous ones bind by position.
func valuesSQL(table string, cols []string, n int) string {
	row := "(" + strings.Repeat("?, ", len(cols)-1) + "?)"
	return "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " +
		strings.Repeat(row+", ", n-1) + row
}

// loadSelections loads the selections that count as inspections (see
// countedPick) of the year's drawn draws, minus those already part of a
// visit, with their tasks' windows and items, and the departments of each
// task (authority and partners); with draw ≠ 0, only of the entities that
// draw selected.
func loadSelections(ctx context.Context, t *tx, year string, draw int64) ([]spotcheck.TaskSelection, map[string][]string, error) {
	taken, err := takenSelections(ctx, t, year)
	if err != nil {
		return nil, nil, err
	}
	// The draws first, then their picks by the primary key's order: the
	// picks' rows carry only what differs per row.
	drows, err := t.QueryContext(ctx, `SELECT id, task, authority FROM draws d
		WHERE d.year = $1 AND d.state IN ('drawn', 'published') ORDER BY id`, year)
	if err != nil {
		return nil, nil, err
	}
	var sels []spotcheck.TaskSelection
	var c conds
	var ids []string
	for drows.Next() {
		var s spotcheck.TaskSelection
		if err := drows.Scan(&s.Draw, &s.Task, &s.Authority); err != nil {
			drows.Close()
			return nil, nil, err
		}
		sels = append(sels, s)
		ids = append(ids, c.arg(s.Draw))
	}
	drows.Close()
	if err := drows.Err(); err != nil || len(sels) < 2 {
		return nil, nil, err
	}
	// The picks that count, as in countedPick (whose draw part is above).
	where := "p.draw_id IN (" + strings.Join(ids, ", ") + ") AND ((p.reserve = 0 AND p.replaced = 0) OR p.promoted = 1)"
	if draw != 0 {
		where += " AND p.entity_id IN (SELECT q.entity_id FROM draw_picks q WHERE q.draw_id = " + c.arg(draw) + ")"
	}
	rows, err := t.QueryContext(ctx, `SELECT p.draw_id, p.entity_id, p.inspectors FROM draw_picks p WHERE `+where+
		` ORDER BY p.draw_id`, c.args...)
	if err != nil {
		return nil, nil, err
	}
	i := 0
	for rows.Next() {
		var id int64
		var entity, team string
		if err := rows.Scan(&id, &entity, &team); err != nil {
			rows.Close()
			return nil, nil, err
		}
		for sels[i].Draw != id {
			i++
		}
		if slices.Contains(taken[entity], id) {
			continue
		}
		var ins []string
		if team != "" {
			ins = strings.Split(team, ",")
		}
		sels[i].Picks = append(sels[i].Picks, spotcheck.SelectedEntity{Entity: entity, Inspectors: ins})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	depts := map[string][]string{}
	for i := range sels {
		tk, err := findTask(ctx, t, sels[i].Task)
		if err != nil {
			return nil, nil, err
		}
		sels[i].Start, sels[i].End, sels[i].Items = tk.Start, tk.End, tk.Items
		depts[tk.Code] = tk.Departments()
	}
	return sels, depts, nil
}

// takenSelections returns, per entity, the draws whose selection of it is
// part of a visit of the year already.
func takenSelections(ctx context.Context, t *tx, year string) (map[string][]int64, error) {
	rows, err := t.QueryContext(ctx, `SELECT entity_id, draws FROM visits WHERE year = $1`, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]int64{}
	for rows.Next() {
		var e, ds string
		if err := rows.Scan(&e, &ds); err != nil {
			return nil, err
		}
		for _, d := range strings.Split(strings.Trim(ds, ","), ",") {
			if id, err := strconv.ParseInt(d, 10, 64); err == nil {
				out[e] = append(out[e], id)
			}
		}
	}
	return out, rows.Err()
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
			if err := checkStillSelected(ctx, t, v); err != nil {
				return err
			}
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
		if a == spotcheck.VisitActAccept {
			if err := linkVisitInspections(ctx, t, id, v.Entity); err != nil { // store/inspection.go
				return err
			}
		}
		body, _ := json.Marshal(map[string]any{"state": next, "date": d.Date, "notice": notice, "note": d.Note,
			"checklist": json.RawMessage(orNull(checklist)), "team": json.RawMessage(orNull(team))})
		return recordEvent(ctx, t, "visit", fmt.Sprint(id), string(a), string(body))
	})
}

// checkStillSelected refuses to make a visit when one of its draws no
// longer counts the entity as selected: the draw was superseded by a
// re-draw, or the entity was substituted. The proposal can then only be
// declined; the re-draw proposes its own visits.
func checkStillSelected(ctx context.Context, t *tx, v *visitRow) error {
	var c conds
	ids := make([]string, len(v.Parts))
	for i, p := range v.Parts {
		ids[i] = c.arg(p.Draw)
	}
	rows, err := t.QueryContext(ctx, `SELECT DISTINCT p.draw_id FROM draw_picks p JOIN draws d ON d.id = p.draw_id
		WHERE p.entity_id = `+c.arg(v.Entity)+` AND p.draw_id IN (`+strings.Join(ids, ", ")+`) AND `+countedPick, c.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	still := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		still[id] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, p := range v.Parts {
		if !still[p.Draw] {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "抽取 #%d（任务 %s）已不再抽中该对象（已重新抽取或已替补），不能合并，请选择不合并", p.Draw, p.Task)
		}
	}
	return nil
}

func orNull(s string) string {
	if s == "" {
		return "null"
	}
	return s
}
