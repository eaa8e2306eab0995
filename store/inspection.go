package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"spotcheck"
)

// Inspections (spotcheck.Inspection): a header per entity a draw selected
// (inspections) and its revisions (inspection_revisions). The steps of
// the workflow are in inspection_state.go; this file creates, reads and
// lists them, and reads the result catalogue.

// InspectionService implements spotcheck.InspectionService.
type InspectionService struct{ db *DB }

var _ spotcheck.InspectionService = (*InspectionService)(nil)

// Inspections returns the inspection service.
func (db *DB) Inspections() *InspectionService { return &InspectionService{db} }

// inspectionContent is what a revision's content column holds: what the
// team recorded, the confirmations and the approval.
type inspectionContent struct {
	Methods       []string                 `json:"methods,omitempty"`
	CheckIn       time.Time                `json:"check_in"`
	Location      string                   `json:"location,omitempty"`
	Findings      []spotcheck.ItemFinding  `json:"findings,omitempty"`
	Results       []string                 `json:"results,omitempty"`
	SubCodes      map[string][]string      `json:"sub_codes,omitempty"`
	Remark        string                   `json:"remark,omitempty"`
	RectifyBy     string                   `json:"rectify_by,omitempty"`
	Confirmations []spotcheck.Confirmation `json:"confirmations,omitempty"`
	Approver      string                   `json:"approver,omitempty"`
	Comment       string                   `json:"comment,omitempty"`
}

func contentOf(in *spotcheck.Inspection) inspectionContent {
	return inspectionContent{Methods: in.Methods, CheckIn: in.CheckIn, Location: in.Location, Findings: in.Findings,
		Results: in.Results, SubCodes: in.SubCodes, Remark: in.Remark, Confirmations: in.Confirmations,
		Approver: in.Approver, Comment: in.Comment, RectifyBy: in.RectifyBy}
}

// revisionArrays returns a revision's results and findings as the JSON
// arrays kept beside its content (migration 0035), "[]" for none.
func revisionArrays(c inspectionContent) (results, findings string, err error) {
	r, err := json.Marshal(orEmpty(c.Results))
	if err != nil {
		return "", "", err
	}
	f, err := json.Marshal(orEmpty(c.Findings))
	return string(r), string(f), err
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// resultCatalogue reads the result catalogue (reference data).
func resultCatalogue(ctx context.Context, q querier) (spotcheck.ResultCatalogue, error) {
	rows, err := q.QueryContext(ctx, `SELECT code, name, kind, national, problem, exclusive, remark, sub_codes, sector
		FROM result_categories ORDER BY position, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out spotcheck.ResultCatalogue
	for rows.Next() {
		var r spotcheck.ResultCategory
		var problem, exclusive, remark int
		var subs string
		if err := rows.Scan(&r.Code, &r.Name, &r.Kind, &r.National, &problem, &exclusive, &remark, &subs, &r.Sector); err != nil {
			return nil, err
		}
		r.Problem, r.Exclusive, r.Remark = problem != 0, exclusive != 0, remark != 0
		for _, s := range strings.Split(subs, ";") {
			if code, name, ok := strings.Cut(s, "="); ok {
				r.SubCodes = append(r.SubCodes, spotcheck.ResultSubCode{Code: code, Name: name})
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ResultCatalogue returns the result catalogue, for the pages that offer
// its categories; any signed-in user may read it.
func (sv *InspectionService) ResultCatalogue(ctx context.Context) (_ spotcheck.ResultCatalogue, err error) {
	defer wrap(&err, "result catalogue")
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	return resultCatalogue(ctx, sv.db.read)
}

// CreateInspections makes the inspections of a drawn draw of task: one
// per entity it selected that counts (countedPick: not a reserve, not
// replaced, or a promoted reserve), with its team, the task's items and
// the accepted joint visit it is part of. Entities that have one already
// are left out, so that running it again creates nothing twice.
func (sv *InspectionService) CreateInspections(ctx context.Context, task string, draw int64) (n int, err error) {
	db := sv.db
	defer wrap(&err, "create inspections", task, draw)
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return 0, err
	}
	err = db.inTx(ctx, func(t *tx) error {
		tk, err := findTask(ctx, t, task)
		if err != nil {
			return err
		}
		if err := p.AuthorizeTask(spotcheck.PermManageDraws, tk.Departments(), spotcheck.NoTask(task)); err != nil {
			return err
		}
		var authority, state string
		err = t.QueryRowContext(ctx, `SELECT authority, state FROM draws WHERE id = $1 AND task = $2`, draw, task).Scan(&authority, &state)
		if errors.Is(err, sql.ErrNoRows) {
			return spotcheck.Errorf(spotcheck.ENOTFOUND, "任务 %s 没有编号为 %d 的抽取", task, draw)
		}
		if err != nil {
			return err
		}
		if state != spotcheck.DrawDrawn && state != spotcheck.DrawPublished {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "抽取 %d 尚未完成，不能生成检查记录", draw)
		}
		n, err = createInspections(ctx, t, tk, draw, authority)
		return err
	})
	return n, err
}

// createInspections makes, within t, the inspections of draw of task tk
// (CreateInspections): one in 未录入 per counted pick that has none yet, in
// the department authority, with the team the draw assigned, the task's
// items and the accepted joint visit it is part of. RunDraw calls it in
// the draw's own transaction, so that a drawn entity always has its
// inspection; CreateInspections, for draws run before that, and finds
// nothing twice. It records one event on the draw when it made any.
func createInspections(ctx context.Context, t *tx, tk *spotcheck.Task, draw int64, authority string) (int, error) {
	visits, err := drawVisits(ctx, t, draw)
	if err != nil {
		return 0, err
	}
	rows, err := t.QueryContext(ctx, `SELECT p.entity_id, p.inspectors, p.stratum, p.control FROM draw_picks p
		WHERE p.draw_id = $1 AND ((p.reserve = 0 AND p.replaced = 0) OR p.promoted = 1)
		AND NOT EXISTS (SELECT 1 FROM inspections i WHERE i.draw_id = p.draw_id AND i.entity_id = p.entity_id)
		ORDER BY p.stratum, p.rank`, draw)
	if err != nil {
		return 0, err
	}
	now := t.db.now()
	var ins [][]any
	for rows.Next() {
		var entity, team, stratum string
		var control int
		if err := rows.Scan(&entity, &team, &stratum, &control); err != nil {
			rows.Close()
			return 0, err
		}
		ins = append(ins, []any{tk.Code, draw, entity, authority, "," + team + ",", commaList(tk.Items),
			visits[entity], 1, spotcheck.InspectionDraft, now, stratum, control})
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ins) == 0 {
		return 0, err
	}
	if err := insertMany(ctx, t, "inspections", []string{"task", "draw_id", "entity_id", "dept", "team", "items",
		"visit_id", "revision", "state", "created_at", "stratum", "control"}, ins); err != nil {
		return 0, err
	}
	if _, err := t.ExecContext(ctx, `INSERT INTO inspection_revisions (inspection_id, revision, state, content, updated_by, updated_at)
		SELECT i.id, 1, $2, '{}', $3, $4 FROM inspections i WHERE i.draw_id = $1
		AND NOT EXISTS (SELECT 1 FROM inspection_revisions r WHERE r.inspection_id = i.id)`,
		draw, spotcheck.InspectionDraft, actorID(ctx), now); err != nil {
		return 0, err
	}
	body, _ := json.Marshal(map[string]any{"task": tk.Code, "draw": draw, "inspections": len(ins)})
	return len(ins), recordEvent(ctx, t, "draw", strconv.FormatInt(draw, 10), "create-inspections", string(body))
}

// syncDrawInspections follows an approved change of draw (store/
// draw_change.go) in its transaction: a promoted reserve gets its
// inspection (createInspections), the entity it replaces has its record
// withdrawn unless submitted (withdrawInspections), and an inspection not
// yet submitted takes the team the draw now assigns (an inspector replaced, a team given
// to an entity the draw left without one). A submitted or decided record
// keeps the team that recorded it.
func syncDrawInspections(ctx context.Context, t *tx, draw int64) error {
	var task, authority string
	if err := t.QueryRowContext(ctx, `SELECT task, authority FROM draws WHERE id = $1`, draw).Scan(&task, &authority); err != nil {
		return err
	}
	tk, err := findTask(ctx, t, task)
	if err != nil {
		return err
	}
	if _, err := createInspections(ctx, t, tk, draw, authority); err != nil {
		return err
	}
	if err := withdrawInspections(ctx, t, draw, false, "检查对象已被替补"); err != nil {
		return err
	}
	_, err = t.ExecContext(ctx, `UPDATE inspections SET team = (SELECT ',' || p.inspectors || ',' FROM draw_picks p
			WHERE p.draw_id = inspections.draw_id AND p.entity_id = inspections.entity_id)
		WHERE draw_id = $1 AND state IN ($2, $3) AND EXISTS (SELECT 1 FROM draw_picks p
			WHERE p.draw_id = inspections.draw_id AND p.entity_id = inspections.entity_id
			AND ',' || p.inspectors || ',' <> inspections.team)`,
		draw, spotcheck.InspectionDraft, spotcheck.InspectionReturned)
	return err
}

// linkVisitInspections records, when joint visit id of entity is accepted
// (store/visit.go), that the inspections of its draws are part of it, as
// createInspections does for a visit accepted before the inspections were
// made.
func linkVisitInspections(ctx context.Context, t *tx, id int64, entity string) error {
	_, err := t.ExecContext(ctx, `UPDATE inspections SET visit_id = $1 WHERE entity_id = $2 AND visit_id = 0
		AND (SELECT v.draws FROM visits v WHERE v.id = $1) LIKE '%,' || CAST(draw_id AS TEXT) || ',%'`, id, entity)
	return err
}

// drawVisits maps the entities of the draw's accepted joint visits to
// their visit.
func drawVisits(ctx context.Context, t *tx, draw int64) (map[string]int64, error) {
	rows, err := t.QueryContext(ctx, `SELECT id, entity_id FROM visits WHERE state = $1 AND draws LIKE $2`,
		spotcheck.VisitAccepted, "%,"+strconv.FormatInt(draw, 10)+",%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id int64
		var entity string
		if err := rows.Scan(&id, &entity); err != nil {
			return nil, err
		}
		out[entity] = id
	}
	return out, rows.Err()
}

const inspectionCols = `i.id, i.task, i.draw_id, i.entity_id, i.dept, i.team, i.items, i.visit_id, r.revision, r.state,
	r.reason, r.content, r.completed, r.publication_due, r.updated_by, r.updated_at`

// scanInspection reads a row of inspectionCols.
func scanInspection(s interface{ Scan(...any) error }) (*spotcheck.Inspection, error) {
	var in spotcheck.Inspection
	var team, items, content string
	if err := s.Scan(&in.ID, &in.Task, &in.Draw, &in.Entity, &in.Dept, &team, &items, &in.Visit, &in.Revision,
		&in.State, &in.Reason, &content, &in.Completed, &in.PublicationDue, &in.UpdatedBy, timeCol{&in.UpdatedAt}); err != nil {
		return nil, err
	}
	in.Team, in.Items = splitList(strings.Trim(team, ",")), splitList(strings.Trim(items, ","))
	var c inspectionContent
	if err := json.Unmarshal([]byte(content), &c); err != nil {
		return nil, err
	}
	in.Methods, in.CheckIn, in.Location, in.Findings, in.Results = c.Methods, c.CheckIn, c.Location, c.Findings, c.Results
	in.SubCodes, in.Remark, in.Confirmations, in.Approver, in.Comment = c.SubCodes, c.Remark, c.Confirmations, c.Approver, c.Comment
	in.RectifyBy = c.RectifyBy
	return &in, nil
}

// findInspection loads the current revision of inspection id, or NoInspection.
func findInspection(ctx context.Context, q querier, id int64) (*spotcheck.Inspection, error) {
	in, err := scanInspection(q.QueryRowContext(ctx, `SELECT `+inspectionCols+` FROM inspections i
		JOIN inspection_revisions r ON r.inspection_id = i.id AND r.revision = i.revision WHERE i.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, spotcheck.NoInspection(id)
	}
	return in, err
}

// FindInspectionByID returns the current revision of an inspection the
// user may see (Inspection.CanView); another is answered as missing.
func (sv *InspectionService) FindInspectionByID(ctx context.Context, id int64) (_ *spotcheck.Inspection, err error) {
	defer wrap(&err, "find inspection", id)
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	in, err := findInspection(ctx, sv.db.read, id)
	if err != nil {
		return nil, err
	}
	if err := in.CanView(p); err != nil {
		return nil, err
	}
	return in, nameInspections(ctx, sv.db.read, []*spotcheck.Inspection{in})
}

// FindInspectionRevisions returns every revision of an inspection the user
// may see, the first first.
func (sv *InspectionService) FindInspectionRevisions(ctx context.Context, id int64) (_ []spotcheck.Inspection, err error) {
	defer wrap(&err, "inspection revisions", id)
	if _, err := sv.FindInspectionByID(ctx, id); err != nil {
		return nil, err
	}
	rows, err := sv.db.read.QueryContext(ctx, `SELECT `+inspectionCols+` FROM inspections i
		JOIN inspection_revisions r ON r.inspection_id = i.id WHERE i.id = $1 ORDER BY r.revision`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []spotcheck.Inspection
	for rows.Next() {
		in, err := scanInspection(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *in)
	}
	return out, rows.Err()
}

// FindInspections lists the current revisions the user may see: those of
// the user's teams, and, for staff who view the tasks or approve the
// results of departments, those of their departments (all for a
// supervisor), by task and entity.
func (sv *InspectionService) FindInspections(ctx context.Context, f spotcheck.InspectionFilter) (_ []spotcheck.Inspection, err error) {
	defer wrap(&err, "find inspections")
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	return sv.find(ctx, p, f, nil, "i.task, i.id")
}

// find lists the current revisions p may see that match f and the
// conditions more adds, in order.
func (sv *InspectionService) find(ctx context.Context, p *spotcheck.Principal, f spotcheck.InspectionFilter,
	more func(c *conds), order string) ([]spotcheck.Inspection, error) {
	var c conds
	c.eq("i.task", f.Task)
	c.eq("i.entity_id", f.Entity)
	c.eq("i.state", f.State)
	if f.State == "" {
		// A withdrawn record is out of everyone's work; it is listed
		// when asked for by its state.
		c.add("i.state <> " + c.arg(spotcheck.InspectionWithdrawn))
	}
	c.eq("i.dept", f.Dept)
	if f.Staff != "" {
		c.add("i.team LIKE " + c.arg("%,"+escapeLike(f.Staff)+",%") + ` ESCAPE '\'`)
	}
	if more != nil {
		more(&c)
	}
	// The user's teams are those with the staff id their account is
	// linked to (User.StaffID); an account without one has none.
	mine := "1 = 0"
	if p.StaffID != "" {
		mine = "i.team LIKE " + c.arg("%,"+escapeLike(p.StaffID)+",%") + ` ESCAPE '\'`
	}
	switch {
	case f.Mine:
		c.add(mine)
	case p.IsSystem() || p.Has(spotcheck.PermSuperviseDraws):
	case p.Has(spotcheck.PermViewDraws) || p.Has(spotcheck.PermApproveResults):
		scope := p.Scope()
		if len(scope) == 0 {
			c.add(mine)
			break
		}
		ph := make([]string, len(scope))
		for i, d := range scope {
			ph[i] = c.arg(d)
		}
		c.add("(i.dept IN (" + strings.Join(ph, ", ") + ") OR " + mine + ")")
	default:
		c.add(mine)
	}
	rows, err := sv.db.read.QueryContext(ctx, `SELECT `+inspectionCols+` FROM inspections i
		JOIN inspection_revisions r ON r.inspection_id = i.id AND r.revision = i.revision
		WHERE `+c.where()+` ORDER BY `+order+` LIMIT 5000`, c.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []spotcheck.Inspection{}
	for rows.Next() {
		in, err := scanInspection(rows)
		if err != nil {
			return nil, err
		}
		if in.CanView(p) == nil {
			out = append(out, *in)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ptrs := make([]*spotcheck.Inspection, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	return out, nameInspections(ctx, sv.db.read, ptrs)
}
