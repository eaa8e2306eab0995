package store

import (
	"context"
	"database/sql"
	"errors"

	"spotcheck"
)

// Reading after publication: the enterprise's page by credit code
// (anyone; what is displayed today, corrections beside what they
// correct, the follow-ups' public fields, and what a repair or the end
// of the display period stopped, counted or named), what the visit's
// page shows of its result's objections and repairs (the token is the
// key), and the department's lists of them.

const objectionCols = `id, publication_id, inspection_id, dept, task, entity_id, reason, filed_on, filed_at, due, state,
	decision, decided_by, decided_on, correction_id, log_index`

func scanObjection(s interface{ Scan(...any) error }) (*spotcheck.Objection, error) {
	var o spotcheck.Objection
	err := s.Scan(&o.ID, &o.Publication, &o.Inspection, &o.Dept, &o.Task, &o.Entity, &o.Reason, &o.Filed, timeCol{&o.FiledAt},
		&o.Due, &o.State, &o.Decision, &o.DecidedBy, &o.DecidedOn, &o.Correction, &o.LogIndex)
	return &o, err
}

const repairCols = `id, publication_id, inspection_id, dept, task, entity_id, reason, filed_on, filed_at, state,
	decision, decided_by, decided_on, log_index`

func scanRepair(s interface{ Scan(...any) error }) (*spotcheck.RepairApplication, error) {
	var a spotcheck.RepairApplication
	err := s.Scan(&a.ID, &a.Publication, &a.Inspection, &a.Dept, &a.Task, &a.Entity, &a.Reason, &a.Filed, timeCol{&a.FiledAt},
		&a.State, &a.Decision, &a.DecidedBy, &a.DecidedOn, &a.LogIndex)
	return &a, err
}

func findObjection(ctx context.Context, q querier, id int64) (*spotcheck.Objection, error) {
	o, err := scanObjection(q.QueryRowContext(ctx, `SELECT `+objectionCols+` FROM objections WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, spotcheck.NoObjection(id)
	}
	return o, err
}

func findRepair(ctx context.Context, q querier, id int64) (*spotcheck.RepairApplication, error) {
	a, err := scanRepair(q.QueryRowContext(ctx, `SELECT `+repairCols+` FROM credit_repairs WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, spotcheck.NoRepair(id)
	}
	return a, err
}

func queryObjections(ctx context.Context, q querier, query string, args ...any) ([]spotcheck.Objection, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []spotcheck.Objection{}
	for rows.Next() {
		o, err := scanObjection(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, rows.Err()
}

func queryRepairs(ctx context.Context, q querier, query string, args ...any) ([]spotcheck.RepairApplication, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []spotcheck.RepairApplication{}
	for rows.Next() {
		a, err := scanRepair(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// inspectionFollowUps lists the follow-ups of inspection id, the first
// first.
func inspectionFollowUps(ctx context.Context, q querier, id int64) ([]spotcheck.FollowUp, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+followUpCols+followUpFrom+` WHERE f.inspection_id = $1 ORDER BY f.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []spotcheck.FollowUp
	for rows.Next() {
		f, err := scanFollowUp(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *f)
	}
	return out, rows.Err()
}

// entityName is the name of entity code in the directory, "" if unknown.
func entityName(ctx context.Context, q querier, code string) string {
	var name string
	_ = q.QueryRowContext(ctx, `SELECT name FROM entities WHERE id = $1`, code).Scan(&name)
	return name
}

// MaxEnterpriseInspections bounds the enterprise's page.
const MaxEnterpriseInspections = 500

// FindEnterpriseResults is the enterprise's page: every published
// inspection of credit code (normalised first; a malformed one is
// EINVALID, one never published ENOTFOUND, which says nothing of
// unpublished inspections), grouped by inspection, displayed today or
// stopped by a repair; those past their display period are counted.
func (sv *AfterPublicationService) FindEnterpriseResults(ctx context.Context, code string) (_ *spotcheck.EnterpriseResults, err error) {
	defer wrap(&err, "enterprise results")
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	code = spotcheck.NormalizeCode(code)
	if _, err := spotcheck.CheckCreditCode(code); err != nil {
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "“%s”不是有效的统一社会信用代码：%s", clip(code, 40), spotcheck.ErrorMessage(err))
	}
	pubs, err := queryPublications(ctx, sv.db.read, `SELECT `+publicationCols+` FROM publications WHERE entity_id = $1
		ORDER BY inspection_id DESC, version LIMIT 2000`, code)
	if err != nil {
		return nil, err
	}
	if len(pubs) == 0 {
		return nil, spotcheck.Errorf(spotcheck.ENOTFOUND, "未查询到统一社会信用代码为 %s 的主体的已公示抽查检查结果", code)
	}
	out := &spotcheck.EnterpriseResults{Code: code, Day: sv.db.today(), Name: pubs[0].Record.EntityName}
	for i := 0; i < len(pubs) && len(out.Shown)+len(out.Repaired) < MaxEnterpriseInspections; {
		j := i
		for j < len(pubs) && pubs[j].Inspection == pubs[i].Inspection {
			j++
		}
		e := spotcheck.EnterpriseResult{Inspection: pubs[i].Inspection, Publications: pubs[i:j]}
		i = j
		if e.RepairedOn, err = repairedOn(ctx, sv.db.read, e.Inspection); err != nil {
			return nil, err
		}
		latest := e.Latest()
		switch {
		case !latest.Shown(out.Day):
			out.Expired++
			continue
		case !spotcheck.Displayed(latest, out.Day, e.RepairedOn):
			out.Repaired = append(out.Repaired, e)
			continue
		}
		fs, err := inspectionFollowUps(ctx, sv.db.read, e.Inspection)
		if err != nil {
			return nil, err
		}
		e.FollowUps = spotcheck.PublicFollowUps(fs)
		if err := sv.db.read.QueryRowContext(ctx, `SELECT count(*) FROM objections WHERE inspection_id = $1`,
			e.Inspection).Scan(&e.Objections); err != nil {
			return nil, err
		}
		out.Shown = append(out.Shown, e)
	}
	return out, nil
}

// clip shortens s to n runes for a message.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// FindVisitAppeals is what the visit's page of token shows after
// publication: the latest publication, the objections and repair
// applications of the inspection with their outcomes, and whether the
// forms are open (the domain's rules, asked as the store asks them).
func (sv *AfterPublicationService) FindVisitAppeals(ctx context.Context, token string) (_ *spotcheck.VisitAppeals, err error) {
	defer wrap(&err, "visit appeals")
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	q := sv.db.read
	in, err := inspectionOfToken(ctx, q, token)
	if err != nil {
		return nil, err
	}
	day := sv.db.today()
	c, err := repairCheck(ctx, q, in.ID, day)
	if err != nil {
		return nil, err
	}
	v := &spotcheck.VisitAppeals{Publication: c.Publication, Repaired: c.Repaired, CanRepair: spotcheck.CanApplyRepair(c)}
	if c.Publication != nil {
		v.CreditCode = c.Publication.Record.CreditCode
	}
	if v.Objections, err = queryObjections(ctx, q, `SELECT `+objectionCols+` FROM objections WHERE inspection_id = $1 ORDER BY id`, in.ID); err != nil {
		return nil, err
	}
	pending := false
	for _, o := range v.Objections {
		pending = pending || o.State == spotcheck.AppealPending
	}
	v.CanObject = spotcheck.CanObject(c.Publication, day, c.Repaired, pending)
	v.Repairs, err = queryRepairs(ctx, q, `SELECT `+repairCols+` FROM credit_repairs WHERE inspection_id = $1 ORDER BY id`, in.ID)
	return v, err
}

// appealScope is the condition of the staff's lists: the departments the
// user approves results of (all for a supervisor or the system).
func appealScope(ctx context.Context, f spotcheck.AppealFilter) (conds, error) {
	var c conds
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return c, err
	}
	all := p.IsSystem() || p.Has(spotcheck.PermSuperviseDraws)
	if !all && !p.Has(spotcheck.PermApproveResults) {
		return c, p.Authorize(spotcheck.PermApproveResults, f.Dept)
	}
	if !all {
		c.in("o.dept", p.Scope())
	}
	c.eq("o.dept", f.Dept)
	c.eq("o.state", f.State)
	return c, nil
}

// FindObjections lists the objections of the departments the user
// approves results of, by due date, with the entity's name.
func (sv *AfterPublicationService) FindObjections(ctx context.Context, f spotcheck.AppealFilter) (_ []spotcheck.Objection, err error) {
	defer wrap(&err, "find objections")
	c, err := appealScope(ctx, f)
	if err != nil {
		return nil, err
	}
	out, err := queryObjections(ctx, sv.db.read, `SELECT `+objectionCols+` FROM objections o WHERE `+c.where()+
		` ORDER BY CASE WHEN state = 'pending' THEN 0 ELSE 1 END, due, id LIMIT `+c.arg(limitOf(f.Limit)), c.args...)
	for i := range out {
		out[i].EntityName = entityName(ctx, sv.db.read, out[i].Entity)
	}
	return out, err
}

// FindRepairs lists the credit repair applications as FindObjections
// does.
func (sv *AfterPublicationService) FindRepairs(ctx context.Context, f spotcheck.AppealFilter) (_ []spotcheck.RepairApplication, err error) {
	defer wrap(&err, "find credit repairs")
	c, err := appealScope(ctx, f)
	if err != nil {
		return nil, err
	}
	out, err := queryRepairs(ctx, sv.db.read, `SELECT `+repairCols+` FROM credit_repairs o WHERE `+c.where()+
		` ORDER BY CASE WHEN state = 'pending' THEN 0 ELSE 1 END, filed_on, id LIMIT `+c.arg(limitOf(f.Limit)), c.args...)
	for i := range out {
		out[i].EntityName = entityName(ctx, sv.db.read, out[i].Entity)
	}
	return out, err
}

func limitOf(n int) int {
	if n <= 0 || n > 500 {
		return 500
	}
	return n
}

// notRepaired is the condition that the inspection in column col has no
// credit repair granted on or before day (an argument placeholder): what
// the portal's search adds to its own (store/publication_read.go).
func notRepaired(col, day string) string {
	return "NOT EXISTS (SELECT 1 FROM credit_repairs cr WHERE cr.inspection_id = " + col + " AND cr.state = '" +
		spotcheck.AppealUpheld + "' AND cr.decided_on <= " + day + ")"
}
