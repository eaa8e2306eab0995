package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"spotcheck"
)

// Follow-ups of approved inspections (spotcheck.FollowUp): a header per
// inspection and kind (followups) and its events (followup_events), which
// are only ever appended — the migration's triggers refuse an UPDATE or a
// DELETE of one. The header's seq, dept and state repeat its last event
// for the lists. ApproveInspection makes them (createFollowUps); the
// changes are in followup_state.go.

// FollowUpService implements spotcheck.FollowUpService.
type FollowUpService struct{ db *DB }

var _ spotcheck.FollowUpService = (*FollowUpService)(nil)

// FollowUps returns the follow-up service.
func (db *DB) FollowUps() *FollowUpService { return &FollowUpService{db} }

// followUpBody is an event's body: the follow-up as it stood after it.
type followUpBody struct {
	Dept     string   `json:"dept"`
	Measures []string `json:"measures,omitempty"`
	Other    string   `json:"other,omitempty"`
	State    string   `json:"state"`
	Closed   string   `json:"closed,omitempty"`
	Note     string   `json:"note,omitempty"`
}

func bodyOf(f *spotcheck.FollowUp) followUpBody {
	return followUpBody{Dept: f.Dept, Measures: f.Measures, Other: f.Other, State: f.State, Closed: f.Closed, Note: f.Note}
}

// createFollowUps makes, within the transaction that approves in, the
// follow-ups its results start (spotcheck.FollowUpsFor), each with its
// first event; a kind the inspection has already (an approved correction
// of a record that started it) is not made twice. The task moves on when
// it must (followTask), also when nothing was made.
func createFollowUps(ctx context.Context, t *tx, in *spotcheck.Inspection, cal spotcheck.WorkdayAdder, by string) error {
	cat, err := resultCatalogue(ctx, t)
	if err != nil {
		return err
	}
	fs, err := spotcheck.FollowUpsFor(in, cat, t.db.today(), cal)
	if err != nil {
		return err
	}
	for i := range fs {
		f := &fs[i]
		err := t.QueryRowContext(ctx, `INSERT INTO followups (inspection_id, revision, kind, task, entity_id, insp_dept,
			team, results, due, created_at, seq, dept, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $12)
			ON CONFLICT (inspection_id, kind) DO NOTHING RETURNING id`,
			f.Inspection, f.Revision, f.Kind, f.Task, f.Entity, f.InspDept, commaList(f.Team), strings.Join(f.Results, ","),
			f.Due, t.db.now(), f.Dept, f.State).Scan(&f.ID)
		if errors.Is(err, sql.ErrNoRows) {
			continue // made by an earlier revision
		}
		if err != nil {
			return err
		}
		if err := appendFollowUpEvent(ctx, t, f, 1, spotcheck.FollowActCreate, by, ""); err != nil {
			return err
		}
	}
	// Approving the last inspection of a task whose follow-ups are all
	// closed closes it too.
	return followTask(ctx, t, in.Task, in.ID)
}

// appendFollowUpEvent appends event seq (action, by) with f as it stands
// now, and records it in the change history with before (the follow-up's
// JSON before, "" for a new one).
func appendFollowUpEvent(ctx context.Context, t *tx, f *spotcheck.FollowUp, seq int, action, by, before string) error {
	body, err := json.Marshal(bodyOf(f))
	if err != nil {
		return err
	}
	if _, err := t.ExecContext(ctx, `INSERT INTO followup_events (followup_id, seq, action, body, actor, at)
		VALUES ($1, $2, $3, $4, $5, $6)`, f.ID, seq, action, string(body), by, t.db.now()); err != nil {
		return err
	}
	f.Seq = seq
	after, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return writeChange(ctx, t, change{kind: "followup", key: strconv.FormatInt(f.ID, 10), action: action,
		version: seq, before: before, after: string(after)})
}

// followTask moves task on when its follow-ups say so
// (spotcheck.FollowUpTaskStep) through TaskMachine: the step is a
// consequence of the follow-up's change, which was authorised, so only
// the task's state is checked, and the step is recorded as the task's.
// approving is the inspection being approved in t, whose row still shows
// it submitted (0 for none).
func followTask(ctx context.Context, t *tx, task string, approving int64) error {
	var total, open, pending int
	if err := t.QueryRowContext(ctx, `SELECT count(*), COALESCE(SUM(CASE WHEN state = $2 THEN 1 ELSE 0 END), 0)
		FROM followups WHERE task = $1`, task, spotcheck.FollowUpOpen).Scan(&total, &open); err != nil {
		return err
	}
	if total == 0 {
		return nil // a task without follow-ups is closed by hand (TaskService.CloseTask)
	}
	if err := t.QueryRowContext(ctx, `SELECT count(*) FROM inspections WHERE task = $1 AND state NOT IN ($2, $3, $4) AND id <> $5`,
		task, spotcheck.InspectionApproved, spotcheck.InspectionPublished, spotcheck.InspectionRejected, approving).Scan(&pending); err != nil {
		return err
	}
	tk, err := findTask(ctx, t, task)
	if err != nil {
		return err
	}
	a, ok := spotcheck.FollowUpTaskStep(tk.State, open, pending > 0)
	if !ok {
		return nil
	}
	return moveTask(ctx, t, tk, a, nil)
}

const followUpCols = `f.id, f.inspection_id, f.revision, f.kind, f.task, f.entity_id, f.insp_dept, f.team, f.results,
	f.due, f.created_at, f.seq, e.body, e.actor, e.at`

// scanFollowUp reads a row of followUpCols (the header and its last event).
func scanFollowUp(s interface{ Scan(...any) error }) (*spotcheck.FollowUp, error) {
	var f spotcheck.FollowUp
	var team, results, body string
	if err := s.Scan(&f.ID, &f.Inspection, &f.Revision, &f.Kind, &f.Task, &f.Entity, &f.InspDept, &team, &results,
		&f.Due, timeCol{&f.Created}, &f.Seq, &body, &f.UpdatedBy, timeCol{&f.UpdatedAt}); err != nil {
		return nil, err
	}
	f.Team, f.Results = splitList(strings.Trim(team, ",")), splitList(results)
	var b followUpBody
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		return nil, err
	}
	f.Dept, f.Measures, f.Other, f.State, f.Closed, f.Note = b.Dept, b.Measures, b.Other, b.State, b.Closed, b.Note
	return &f, nil
}

const followUpFrom = ` FROM followups f JOIN followup_events e ON e.followup_id = f.id AND e.seq = f.seq`

// findFollowUp loads follow-up id as its last event says, or NoFollowUp.
func findFollowUp(ctx context.Context, q querier, id int64) (*spotcheck.FollowUp, error) {
	f, err := scanFollowUp(q.QueryRowContext(ctx, `SELECT `+followUpCols+followUpFrom+` WHERE f.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, spotcheck.NoFollowUp(id)
	}
	return f, err
}

// FindFollowUpByID returns a follow-up the user may see, with its events.
func (sv *FollowUpService) FindFollowUpByID(ctx context.Context, id int64) (_ *spotcheck.FollowUp, err error) {
	defer wrap(&err, "find follow-up", id)
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	q := sv.db.read
	f, err := findFollowUp(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if err := f.CanView(p); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT seq, action, body, actor, at FROM followup_events
		WHERE followup_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e spotcheck.FollowUpEvent
		var body string
		if err := rows.Scan(&e.Seq, &e.Action, &body, &e.By, timeCol{&e.At}); err != nil {
			return nil, err
		}
		var b followUpBody
		if err := json.Unmarshal([]byte(body), &b); err != nil {
			return nil, err
		}
		e.Dept, e.Measures, e.Other, e.State, e.Closed, e.Note = b.Dept, b.Measures, b.Other, b.State, b.Closed, b.Note
		f.Events = append(f.Events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return f, nameFollowUps(ctx, q, []*spotcheck.FollowUp{f})
}

// FindFollowUps lists the follow-ups the user may see: those of the
// user's teams, and for staff who view the tasks or approve the results
// of departments, those their departments are responsible for or
// inspected (every one for a supervisor); open ones first, by due day.
func (sv *FollowUpService) FindFollowUps(ctx context.Context, ff spotcheck.FollowUpFilter) (_ []spotcheck.FollowUp, err error) {
	defer wrap(&err, "find follow-ups")
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	var c conds
	if ff.Inspection > 0 {
		c.add("f.inspection_id = " + c.arg(ff.Inspection))
	}
	c.eq("f.task", ff.Task)
	c.eq("f.dept", ff.Dept)
	c.eq("f.kind", ff.Kind)
	c.eq("f.state", ff.State)
	mine := "1 = 0"
	if p.StaffID != "" {
		mine = "f.team LIKE " + c.arg("%,"+escapeLike(p.StaffID)+",%") + ` ESCAPE '\'`
	}
	switch {
	case ff.Mine:
		c.add(mine)
	case p.IsSystem() || p.Has(spotcheck.PermSuperviseDraws):
	case p.Has(spotcheck.PermViewDraws) || p.Has(spotcheck.PermApproveResults):
		scope := p.Scope()
		ph := make([]string, len(scope))
		for i, d := range scope {
			ph[i] = c.arg(d)
		}
		if len(ph) == 0 {
			c.add(mine)
			break
		}
		in := "(" + strings.Join(ph, ", ") + ")"
		c.add("(f.dept IN " + in + " OR f.insp_dept IN " + in + " OR " + mine + ")")
	default:
		c.add(mine)
	}
	rows, err := sv.db.read.QueryContext(ctx, `SELECT `+followUpCols+followUpFrom+` WHERE `+c.where()+`
		ORDER BY f.state DESC, CASE WHEN f.due = '' THEN 1 ELSE 0 END, f.due, f.id LIMIT 5000`, c.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []spotcheck.FollowUp{}
	for rows.Next() {
		f, err := scanFollowUp(rows)
		if err != nil {
			return nil, err
		}
		if f.CanView(p) == nil {
			out = append(out, *f)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ptrs := make([]*spotcheck.FollowUp, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	return out, nameFollowUps(ctx, sv.db.read, ptrs)
}

// nameFollowUps fills the entities' names, for the pages.
func nameFollowUps(ctx context.Context, q querier, fs []*spotcheck.FollowUp) error {
	codes := map[string]bool{}
	for _, f := range fs {
		codes[f.Entity] = true
	}
	names := map[string]string{}
	if err := queryIn(ctx, q, `SELECT id, name, address FROM entities WHERE id IN `, codes, func(code, name, _ string) {
		names[code] = name
	}); err != nil {
		return err
	}
	for _, f := range fs {
		f.EntityName = names[f.Entity]
	}
	return nil
}

// FollowUpCompletion counts the follow-ups the user may see per
// responsible department: total, closed, and open past their due day
// (today in China), in department order.
func (sv *FollowUpService) FollowUpCompletion(ctx context.Context) (_ []spotcheck.FollowUpTally, err error) {
	defer wrap(&err, "follow-up completion")
	fs, err := sv.FindFollowUps(ctx, spotcheck.FollowUpFilter{})
	if err != nil {
		return nil, err
	}
	today := sv.db.today()
	var out []spotcheck.FollowUpTally
	at := map[string]int{}
	for _, f := range fs {
		i, ok := at[f.Dept]
		if !ok {
			i = len(out)
			at[f.Dept] = i
			out = append(out, spotcheck.FollowUpTally{Dept: f.Dept})
		}
		out[i].Total++
		if f.State == spotcheck.FollowUpClosed {
			out[i].Closed++
		}
		if f.Overdue(today) {
			out[i].Overdue++
		}
	}
	slices.SortFunc(out, func(a, b spotcheck.FollowUpTally) int { return strings.Compare(a.Dept, b.Dept) })
	return out, nil
}

// chinaDay is the day in China of t, YYYY-MM-DD.
func chinaDay(t time.Time) string { return t.In(spotcheck.ChinaTime).Format(spotcheck.DateLayout) }
