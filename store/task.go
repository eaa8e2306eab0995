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

// Tasks are kept whole as JSON (the plans stage will grow them), with the
// columns and side tables that lists, scoping and draw history query.

// CreateTask checks a task against the rules and the reference data and
// stores it as a draft (spotcheck.TaskDraft). The planner needs the
// authority in scope.
func (sv *TaskService) CreateTask(ctx context.Context, tk *spotcheck.Task) (err error) {
	db := sv.db
	defer wrap(&err, "create task", tk.Code)
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageDraws, ""); err != nil {
		return err
	}
	tk.Normalize()
	ps := tk.Validate()
	if err := spotcheck.AuthorizeChangeCtx(ctx, spotcheck.PermManageDraws, tk.Authority, tk.Authority); err != nil &&
		tk.Authority != "" {
		return err
	}
	t, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer t.rollback()
	if err := checkNewTask(ctx, t, tk, nil, &ps); err != nil {
		return err
	}
	if err := ps.Err(); err != nil {
		return err
	}
	if err := insertTask(ctx, t, tk); err != nil {
		return err
	}
	return t.commit()
}

// checkNewTask adds to ps what is wrong with a new task beyond its own
// fields: the reference data it names, its plan when it is a plan's, and
// a code already taken. plan is the task's plan when the caller has
// loaded it and found it open (CreatePlanTasks); with nil, the plan the
// task names is loaded and checked (checkPlanOpen).
func checkNewTask(ctx context.Context, t *tx, tk *spotcheck.Task, plan *spotcheck.Plan, ps *spotcheck.Problems) error {
	if err := checkTaskRefs(ctx, t, tk, ps); err != nil {
		return err
	}
	switch {
	case plan != nil:
		*ps = append(*ps, plan.CheckTask(tk)...)
	case tk.Plan != "":
		if err := checkPlanOpen(ctx, t, tk, ps); err != nil {
			return err
		}
	}
	var n int
	if err := t.QueryRowContext(ctx, `SELECT count(*) FROM tasks WHERE code = $1`, tk.Code).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		ps.Add("code", "任务编号", "“%s”已存在", tk.Code)
	}
	return nil
}

// insertTask stores a checked new task as a draft and records its
// creation.
func insertTask(ctx context.Context, t *tx, tk *spotcheck.Task) error {
	tk.CreatedBy = actorID(ctx)
	tk.CreatedAt = t.db.Now().UTC().Truncate(time.Second)
	tk.State, tk.CancelReason, tk.PublishedAt, tk.LogIndex = spotcheck.TaskDraft, "", time.Time{}, 0
	body, err := json.Marshal(tk)
	if err != nil {
		return err
	}
	if _, err := t.ExecContext(ctx, `INSERT INTO tasks (code, name, authority, year, body, created_by, created_at, state)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, tk.Code, tk.Name, tk.Authority, tk.Year(), string(body),
		tk.CreatedBy, stamp(tk.CreatedAt), tk.State); err != nil {
		return err
	}
	if err := indexTask(ctx, t, tk); err != nil {
		return err
	}
	return recordEvent(ctx, t, "task", tk.Code, "create", string(body))
}

// indexTask writes the side tables of a task's departments and items,
// which scoping and the draw history query.
func indexTask(ctx context.Context, t *tx, tk *spotcheck.Task) error {
	for _, d := range tk.Departments() {
		if _, err := t.ExecContext(ctx, `INSERT INTO task_depts (task, dept) VALUES ($1, $2)`, tk.Code, d); err != nil {
			return err
		}
	}
	for _, it := range tk.Items {
		if _, err := t.ExecContext(ctx, `INSERT INTO task_items (task, item) VALUES ($1, $2)`, tk.Code, it); err != nil {
			return err
		}
	}
	return nil
}

// checkTaskRefs checks that the departments, items, types and divisions a
// task names exist and may be used: the authority a culture & tourism
// bureau, the items active (an active item has its legal basis).
func checkTaskRefs(ctx context.Context, t *tx, tk *spotcheck.Task, ps *spotcheck.Problems) error {
	depts, err := findDepartments(ctx, t)
	if err != nil {
		return err
	}
	kinds := map[string]string{}
	for _, d := range depts {
		if d.Active {
			kinds[d.Code] = d.Kind
		}
	}
	if k, ok := kinds[tk.Authority]; tk.Authority != "" && (!ok || k != spotcheck.DeptBureau) {
		ps.Add("authority", "发起部门", "“%s”不是有效的文旅部门", tk.Authority)
	}
	for _, p := range tk.Partners {
		if _, ok := kinds[p]; !ok {
			ps.Add("partners", "联合部门", "“%s”不是有效的部门", p)
		}
	}
	for _, code := range tk.Items {
		var status string
		err := t.QueryRowContext(ctx, `SELECT status FROM items WHERE code = $1 AND latest = 1`, code).Scan(&status)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			ps.Add("items", "抽查事项", "“%s”不在抽查事项清单中", code)
		case err != nil:
			return err
		case status != spotcheck.ItemActive:
			ps.Add("items", "抽查事项", "“%s”状态为“%s”，只有已启用的事项可用于抽查", code, status)
		}
	}
	if tk.Mode == spotcheck.ModeCityDrawsDistrict && tk.Authority != "" && !hasSubBureau(depts, tk.Authority) {
		ps.Add("mode", "抽查模式", "“%s”没有下级区县局，不能采用市抽县查", tk.Authority)
	}
	if tk.Agency != "" {
		a, err := agencies.findOne(ctx, t, tk.Agency)
		switch {
		case spotcheck.ErrorCode(err) == spotcheck.ENOTFOUND:
			ps.Add("agency", "专业机构", "“%s”不在专业机构名录中", tk.Agency)
		case err != nil:
			return err
		case !a.Active:
			ps.Add("agency", "专业机构", "“%s”（%s）已停用", a.Name, tk.Agency)
		}
	}
	ref, err := loadReference(ctx, t)
	if err != nil {
		return err
	}
	for _, ty := range tk.Scope.Types {
		if _, ok := ref.Type(ty); !ok {
			ps.Add("types", "检查对象类型", "“%s”不是已知的类型", ty)
		}
	}
	for _, dv := range tk.Scope.Divisions {
		if _, ok := ref.Division(dv); !ok {
			ps.Add("divisions", "行政区划", "“%s”不是已知的区划代码", dv)
		}
	}
	return nil
}

// hasSubBureau reports whether an active bureau reports to dept: a city
// bureau with district bureaus, which 市抽县查 hands entities to.
func hasSubBureau(depts []spotcheck.Department, dept string) bool {
	for _, d := range depts {
		if d.Parent == dept && d.Kind == spotcheck.DeptBureau && d.Active {
			return true
		}
	}
	return false
}

// recordEvent appends a step of a task or a draw, which have no version
// column, to the change history; writeChange numbers it.
func recordEvent(ctx context.Context, t *tx, kind, key, action, after string) error {
	return writeChange(ctx, t, change{kind: kind, key: key, action: action, after: after})
}

// FindTaskByCode returns a task the user may see; another is answered as
// a missing one.
func (sv *TaskService) FindTaskByCode(ctx context.Context, code string) (_ *spotcheck.Task, err error) {
	db := sv.db
	defer wrap(&err, "find task", code)
	tk, err := findTask(ctx, db.read, code)
	if err != nil {
		return nil, err
	}
	if err := spotcheck.AuthorizeTaskCtx(ctx, spotcheck.PermViewDraws, tk.Viewers(), spotcheck.NoTask(code)); err != nil {
		return nil, err
	}
	return tk, nil
}

func findTask(ctx context.Context, q querier, code string) (*spotcheck.Task, error) {
	var body, state string
	err := q.QueryRowContext(ctx, `SELECT body, state FROM tasks WHERE code = $1`, code).Scan(&body, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, spotcheck.NoTask(code)
	}
	if err != nil {
		return nil, err
	}
	var tk spotcheck.Task
	if err := json.Unmarshal([]byte(body), &tk); err != nil {
		return nil, err
	}
	tk.State = state // tasks stored before migration 0010 have none in their body
	tk.HandedTo, err = handedTo(ctx, q, code)
	return &tk, err
}

// FindTasks lists the tasks of the user's departments (as authority or
// partner), newest first; supervisors see all.
func (sv *TaskService) FindTasks(ctx context.Context, f spotcheck.TaskFilter) (_ spotcheck.List[spotcheck.Task], err error) {
	db := sv.db
	defer wrap(&err, "find tasks")
	var out spotcheck.List[spotcheck.Task]
	out.Offset, out.Limit = pageOf(f.Offset, f.Limit)
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewDraws, ""); err != nil {
		return out, err
	}
	var c conds
	if q := strings.TrimSpace(f.Query); q != "" {
		c.add("(code LIKE " + c.arg(q+"%") + " OR name LIKE " + c.arg("%"+q+"%") + ")")
	}
	c.eq("state", f.State)
	scopeTasks(ctx, &c, "code", true)
	where := c.where()
	out.Total, out.More, err = countCapped(ctx, db.read, "SELECT 1 FROM tasks WHERE "+where, c.args)
	if err != nil {
		return out, err
	}
	rows, err := db.read.QueryContext(ctx, fmt.Sprintf("SELECT body, state FROM tasks WHERE %s ORDER BY created_at DESC, code LIMIT %d OFFSET %d",
		where, out.Limit, out.Offset), c.args...)
	if err != nil {
		return out, err
	}
	out.Items, err = scanTasks(rows)
	return out, err
}

// scanTasks reads rows of (body, state) into tasks and closes rows.
func scanTasks(rows *sql.Rows) ([]spotcheck.Task, error) {
	defer rows.Close()
	var out []spotcheck.Task
	for rows.Next() {
		var body, state string
		var tk spotcheck.Task
		if err := rows.Scan(&body, &state); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(body), &tk); err != nil {
			return nil, err
		}
		tk.State = state
		out = append(out, tk)
	}
	return out, rows.Err()
}

// scopeTasks limits a query to tasks one of whose departments is in the
// user's scope, unless the user supervises draws (sees all); to none
// without a principal. With handed, also the tasks whose live draw handed
// entities to a department in scope (市抽县查, spotcheck.Task.Viewers).
func scopeTasks(ctx context.Context, c *conds, taskCol string, handed bool) {
	p := spotcheck.PrincipalFromContext(ctx)
	switch {
	case p == nil:
		c.add("1 = 0")
		return
	case p.Has(spotcheck.PermSuperviseDraws):
		return
	}
	scope := p.Scope()
	ph := make([]string, len(scope))
	for i, d := range scope {
		ph[i] = c.arg(d)
	}
	if len(ph) == 0 {
		c.add("1 = 0")
		return
	}
	in := strings.Join(ph, ", ")
	if !handed {
		c.add(taskCol + " IN (SELECT task FROM task_depts WHERE dept IN (" + in + "))")
		return
	}
	c.add("(" + taskCol + " IN (SELECT task FROM task_depts WHERE dept IN (" + in + ")) OR " + taskCol +
		" IN (SELECT h.task FROM task_handovers h JOIN draws d ON d.id = h.draw_id WHERE d.state <> 'superseded' AND h.dept IN (" +
		in + ")))")
}
