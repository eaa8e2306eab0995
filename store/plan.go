package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"spotcheck"
)

// Annual plans (migration 0011): one row per revision, the plan as JSON in
// body. Every write is one transaction that asks the plan's machine
// (Plan.Can, Plan.Next), persists, and records the step in the change
// history; publishing also appends the plan's record to the ledger.

// CreatePlan stores revision 1 of a department's plan for a year.
func (sv *PlanService) CreatePlan(ctx context.Context, p *spotcheck.Plan) (err error) {
	defer wrap(&err, "create plan", p.Key())
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return err
	}
	p.Normalize()
	p.Revision, p.State, p.RevisionNote, p.FiledWith, p.LogIndex = 1, spotcheck.PlanDraft, "", "", -1
	if err := p.Can(spotcheck.PlanActEdit, spotcheck.PrincipalFromContext(ctx)); err != nil {
		return err
	}
	return sv.db.inTx(ctx, func(t *tx) error {
		if err := checkPlanRefs(ctx, t, p); err != nil {
			return err
		}
		var n int
		if err := t.QueryRowContext(ctx, `SELECT count(*) FROM plans WHERE plan_key = $1`, p.Key()).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "%s %d 年度已有抽查计划", p.Dept, p.Year)
		}
		p.CreatedBy = actorID(ctx)
		p.CreatedAt = sv.db.Now().UTC().Truncate(time.Second)
		return insertPlan(ctx, t, p, "create")
	})
}

// checkPlanRefs validates a plan and checks that its department is an
// active culture & tourism bureau and that its key items are listed.
func checkPlanRefs(ctx context.Context, t *tx, p *spotcheck.Plan) error {
	ps := p.Validate()
	depts, err := findDepartments(ctx, t)
	if err != nil {
		return err
	}
	if i := slices.IndexFunc(depts, func(d spotcheck.Department) bool { return d.Code == p.Dept }); i < 0 ||
		!depts[i].Active || depts[i].Kind != spotcheck.DeptBureau {
		ps.Add("dept", "部门", "“%s”不是有效的文旅部门", p.Dept)
	}
	for _, code := range p.KeyItems {
		var n int
		if err := t.QueryRowContext(ctx, `SELECT count(*) FROM items WHERE code = $1 AND latest = 1`, code).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			ps.Add("key_items", "年度重点监管事项", "“%s”不在抽查事项清单中", code)
		}
	}
	return ps.Err()
}

func insertPlan(ctx context.Context, t *tx, p *spotcheck.Plan, action string) error {
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if _, err := t.ExecContext(ctx, `INSERT INTO plans (plan_key, dept, year, revision, state, filed_with, body,
		created_by, created_at, log_index) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		p.Key(), p.Dept, p.Year, p.Revision, p.State, p.FiledWith, string(body), p.CreatedBy, stamp(p.CreatedAt),
		p.LogIndex); err != nil {
		return err
	}
	return recordEvent(ctx, t, "plan", planRecordKey(p), action, string(body))
}

// savePlan writes a revision's body and columns back after a step.
func savePlan(ctx context.Context, t *tx, p *spotcheck.Plan, action string) error {
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	published := ""
	if !p.PublishedAt.IsZero() {
		published = stamp(p.PublishedAt)
	}
	if _, err := t.ExecContext(ctx, `UPDATE plans SET state = $1, filed_with = $2, body = $3, published_at = $4,
		log_index = $5 WHERE plan_key = $6 AND revision = $7`,
		p.State, p.FiledWith, string(body), published, p.LogIndex, p.Key(), p.Revision); err != nil {
		return err
	}
	return recordEvent(ctx, t, "plan", planRecordKey(p), action, string(body))
}

// planRecordKey names a revision in the change history: "GLWL-2026#2".
func planRecordKey(p *spotcheck.Plan) string { return fmt.Sprintf("%s#%d", p.Key(), p.Revision) }

// UpdatePlan changes the header of a draft revision.
func (sv *PlanService) UpdatePlan(ctx context.Context, p *spotcheck.Plan) (err error) {
	defer wrap(&err, "update plan", p.Key())
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return err
	}
	p.Normalize()
	return sv.db.inTx(ctx, func(t *tx) error {
		old, err := loadPlanRevision(ctx, t, p.Key(), p.Revision)
		if err != nil {
			return err
		}
		if err := old.Can(spotcheck.PlanActEdit, spotcheck.PrincipalFromContext(ctx)); err != nil {
			return err
		}
		p.State, p.FiledWith, p.LogIndex = old.State, old.FiledWith, old.LogIndex
		p.CreatedBy, p.CreatedAt, p.PublishedBy, p.PublishedAt = old.CreatedBy, old.CreatedAt, "", time.Time{}
		if err := checkPlanRefs(ctx, t, p); err != nil {
			return err
		}
		return savePlan(ctx, t, p, "edit")
	})
}

// loadPlanRevision loads one revision, the latest when revision is 0.
func loadPlanRevision(ctx context.Context, q querier, key string, revision int) (*spotcheck.Plan, error) {
	revs, err := loadPlans(ctx, q, key)
	if err != nil {
		return nil, err
	}
	for i := range revs {
		if revision == 0 || revs[i].Revision == revision {
			return &revs[i], nil
		}
	}
	return nil, spotcheck.NoPlan(key)
}

// FindPlanDocument returns the public JSON of the plan's published
// revision as it was published.
func (sv *PlanService) FindPlanDocument(ctx context.Context, key string) (_ []byte, err error) {
	defer wrap(&err, "find plan document", key)
	p, err := sv.FindPlanByKey(ctx, key) // authorizes
	if err != nil {
		return nil, err
	}
	if p.State != spotcheck.PlanPublished {
		return nil, spotcheck.NoPlan(key)
	}
	var doc string
	if err := sv.db.read.QueryRowContext(ctx, `SELECT document FROM plans WHERE plan_key = $1 AND revision = $2`,
		key, p.Revision).Scan(&doc); err != nil {
		return nil, err
	}
	return []byte(doc), nil
}

// loadPlans loads every revision of a plan, newest first.
func loadPlans(ctx context.Context, q querier, key string) ([]spotcheck.Plan, error) {
	rows, err := q.QueryContext(ctx, `SELECT body FROM plans WHERE plan_key = $1 ORDER BY revision DESC`, key)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []spotcheck.Plan
	for rows.Next() {
		var body string
		var p spotcheck.Plan
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, spotcheck.NoPlan(key)
	}
	return out, nil
}

// seesDrafts reports whether the principal sees the drafts (and the whole
// history) of dept's plans: those who view the tasks of the department
// and supervisors. Everybody else, the public included, sees what is
// published.
func seesDrafts(ctx context.Context, dept string) bool {
	p := spotcheck.PrincipalFromContext(ctx)
	return p != nil && p.AuthorizeDraw(spotcheck.PermViewDraws, []string{dept}) == nil
}

// visiblePlans keeps the revisions the principal may see.
func visiblePlans(ctx context.Context, revs []spotcheck.Plan) []spotcheck.Plan {
	if len(revs) == 0 || seesDrafts(ctx, revs[0].Dept) {
		return revs
	}
	return slices.DeleteFunc(slices.Clone(revs), func(p spotcheck.Plan) bool { return p.State == spotcheck.PlanDraft })
}

// inForce returns the published revision, else the latest draft.
func inForce(revs []spotcheck.Plan) *spotcheck.Plan {
	for i := range revs {
		if revs[i].State == spotcheck.PlanPublished {
			return &revs[i]
		}
	}
	for i := range revs {
		if revs[i].State == spotcheck.PlanDraft {
			return &revs[i]
		}
	}
	return nil
}

// FindPlanByKey returns the plan in force that the user may see.
func (sv *PlanService) FindPlanByKey(ctx context.Context, key string) (_ *spotcheck.Plan, err error) {
	defer wrap(&err, "find plan", key)
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	revs, err := loadPlans(ctx, sv.db.read, key)
	if err != nil {
		return nil, err
	}
	if p := inForce(visiblePlans(ctx, revs)); p != nil {
		return p, nil
	}
	return nil, spotcheck.NoPlan(key)
}

// FindPlanRevisions returns the revisions the user may see, newest first.
func (sv *PlanService) FindPlanRevisions(ctx context.Context, key string) (_ []spotcheck.Plan, err error) {
	defer wrap(&err, "find plan revisions", key)
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	revs, err := loadPlans(ctx, sv.db.read, key)
	if err != nil {
		return nil, err
	}
	if revs = visiblePlans(ctx, revs); len(revs) == 0 {
		return nil, spotcheck.NoPlan(key)
	}
	return revs, nil
}

// FindPlans lists the latest visible revision of each plan that matches
// f, by year (newest first) and department. Plans are few (a department
// has one a year), so the page is cut in Go after the visibility filter.
func (sv *PlanService) FindPlans(ctx context.Context, f spotcheck.PlanFilter) (_ spotcheck.List[spotcheck.Plan], err error) {
	defer wrap(&err, "find plans")
	var out spotcheck.List[spotcheck.Plan]
	out.Offset, out.Limit = pageOf(f.Offset, f.Limit)
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return out, err
	}
	var c conds
	c.eq("dept", f.Dept)
	if f.FiledWith != "" {
		c.add("plan_key IN (SELECT plan_key FROM plans WHERE filed_with = " + c.arg(f.FiledWith) + ")")
	}
	if f.Year > 0 {
		c.add("year = " + c.arg(f.Year))
	}
	rows, err := sv.db.read.QueryContext(ctx, "SELECT body FROM plans WHERE "+c.where()+
		" ORDER BY year DESC, dept, revision DESC", c.args...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	var all []spotcheck.Plan
	for rows.Next() {
		var body string
		var p spotcheck.Plan
		if err := rows.Scan(&body); err != nil {
			return out, err
		}
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			return out, err
		}
		all = append(all, p)
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	var keep []spotcheck.Plan
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].Key() == all[i].Key() {
			j++
		}
		if revs := visiblePlans(ctx, all[i:j]); len(revs) > 0 && (f.State == "" || revs[0].State == f.State) {
			keep = append(keep, revs[0])
		}
		i = j
	}
	out.Total = len(keep)
	out.Items = keep[min(out.Offset, len(keep)):min(out.Offset+out.Limit, len(keep))]
	out.More = out.Offset+out.Limit < len(keep)
	return out, nil
}

// FindPlanTasks returns the tasks of a plan the user may see.
func (sv *PlanService) FindPlanTasks(ctx context.Context, key string) (_ []spotcheck.Task, err error) {
	defer wrap(&err, "find plan tasks", key)
	if _, err := sv.FindPlanByKey(ctx, key); err != nil {
		return nil, err
	}
	return planTasks(ctx, sv.db.read, key)
}

// planTasks loads the tasks whose body names the plan. The plan's tasks
// are its department's tasks of its year (CreatePlanTasks sets the
// authority), which the columns of tasks select.
func planTasks(ctx context.Context, q querier, key string) ([]spotcheck.Task, error) {
	dept, year, ok := spotcheck.ParsePlanKey(key)
	if !ok {
		return nil, spotcheck.NoPlan(key)
	}
	rows, err := q.QueryContext(ctx, `SELECT body FROM tasks WHERE authority = $1 AND year = $2 ORDER BY code`,
		dept, fmt.Sprintf("%04d", year))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []spotcheck.Task
	for rows.Next() {
		var body string
		var tk spotcheck.Task
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(body), &tk); err != nil {
			return nil, err
		}
		if tk.Plan == key {
			out = append(out, tk)
		}
	}
	return out, rows.Err()
}

// RevisePlan opens the next revision of a published plan as a draft.
func (sv *PlanService) RevisePlan(ctx context.Context, key, reason string) (_ *spotcheck.Plan, err error) {
	defer wrap(&err, "revise plan", key)
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	var next spotcheck.Plan
	err = sv.db.inTx(ctx, func(t *tx) error {
		latest, err := loadPlanRevision(ctx, t, key, 0)
		if errors.Is(err, sql.ErrNoRows) {
			return spotcheck.NoPlan(key)
		} else if err != nil {
			return err
		}
		if err := latest.Can(spotcheck.PlanActRevise, spotcheck.PrincipalFromContext(ctx)); err != nil {
			if latest.State == spotcheck.PlanDraft && spotcheck.ErrorCode(err) == spotcheck.ECONFLICT {
				return spotcheck.Errorf(spotcheck.ECONFLICT, "计划 %s 已有未发布的第%d版，请先完成或发布该版", key, latest.Revision)
			}
			return err
		}
		next = *latest
		next.Revision++
		next.State, next.RevisionNote, next.FiledWith, next.LogIndex = spotcheck.PlanDraft, reason, "", -1
		next.PublishedBy, next.PublishedAt = "", time.Time{}
		next.Normalize()
		if ps := next.Validate(); len(ps) > 0 {
			return ps.Err()
		}
		next.CreatedBy = actorID(ctx)
		next.CreatedAt = sv.db.Now().UTC().Truncate(time.Second)
		return insertPlan(ctx, t, &next, "revise")
	})
	if err != nil {
		return nil, err
	}
	return &next, nil
}
