package store

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"spotcheck"
)

// CreatePlanTasks creates the tasks of an import into a plan's draft
// revision in one transaction, all or nothing: each task is checked as
// CreateTask checks it, and every problem — of the cell formats, which
// the file's reader found, and of the rules — is reported by its row.
//
// The insert repeats CreateTask's (store/task.go) until the task store
// offers its insert within a transaction: keep the two in step.
func (sv *PlanService) CreatePlanTasks(ctx context.Context, key string, src spotcheck.ImportSource[spotcheck.Task]) (err error) {
	defer wrap(&err, "create plan tasks", key)
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return err
	}
	return sv.db.inTx(ctx, func(t *tx) error {
		p, err := loadPlanRevision(ctx, t, key, 0)
		if err != nil {
			return err
		}
		if err := p.Can(spotcheck.PlanActEdit, spotcheck.PrincipalFromContext(ctx)); err != nil {
			return err
		}
		ie := &spotcheck.ImportError{}
		seen := map[string]int{}
		var tasks []spotcheck.Task
		for r, err := range src.Rows {
			if err != nil {
				return err
			}
			tasks = append(tasks, r.Value)
			tk := &tasks[len(tasks)-1]
			row := r.Row
			ps := r.Problems
			tk.Plan, tk.Source = key, spotcheck.TaskFromPlan
			if tk.Authority == "" {
				tk.Authority = p.Dept
			}
			tk.Normalize()
			ps = append(ps, tk.Validate()...)
			if err := checkPlanOpen(ctx, t, tk, &ps); err != nil {
				return err
			}
			if err := checkTaskRefs(ctx, t, tk, &ps); err != nil {
				return err
			}
			if r, dup := seen[tk.Code]; dup && tk.Code != "" {
				ps.Add("code", "任务编号", "与第%d行重复", r)
			}
			seen[tk.Code] = row
			var n int
			if err := t.QueryRowContext(ctx, `SELECT count(*) FROM tasks WHERE code = $1`, tk.Code).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				ps.Add("code", "任务编号", "“%s”已存在", tk.Code)
			}
			ie.AddProblems(row, ps)
		}
		if err := ie.Err(); err != nil {
			return err
		}
		if len(tasks) == 0 {
			return spotcheck.Errorf(spotcheck.EINVALID, "%s 中没有任务", src.Name)
		}
		now := sv.db.Now().UTC().Truncate(time.Second)
		for i := range tasks {
			tk := &tasks[i]
			if tk.State == "" {
				tk.State = spotcheck.TaskDraft
			}
			tk.CreatedBy, tk.CreatedAt = actorID(ctx), now
			if err := insertTask(ctx, t, tk); err != nil {
				return err
			}
		}
		return nil
	})
}

// insertTask writes a checked task and records its creation, as
// CreateTask does.
func insertTask(ctx context.Context, t *tx, tk *spotcheck.Task) error {
	body, err := json.Marshal(tk)
	if err != nil {
		return err
	}
	if _, err := t.ExecContext(ctx, `INSERT INTO tasks (code, name, authority, year, body, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, tk.Code, tk.Name, tk.Authority, tk.Year(), string(body),
		tk.CreatedBy, stamp(tk.CreatedAt)); err != nil {
		return err
	}
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
	return recordEvent(ctx, t, "task", tk.Code, "create", string(body))
}

// checkPlanOpen is the plan's part of writing a task that names one
// (Task.Plan): the plan exists and the user may see it, its latest
// revision is a draft the user may edit — a published plan changes only
// by a revision — and the task is the plan department's, in its year.
// TaskService.CreateTask calls it, within its transaction, for a task of a
// plan; a task of a plan is edited under the same condition.
func checkPlanOpen(ctx context.Context, t *tx, tk *spotcheck.Task, ps *spotcheck.Problems) error {
	p, err := loadPlanRevision(ctx, t, tk.Plan, 0)
	if spotcheck.ErrorCode(err) == spotcheck.ENOTFOUND {
		ps.Add("plan", "年度计划", "“%s”不是已有的年度抽查计划", tk.Plan)
		return nil
	} else if err != nil {
		return err
	}
	if err := p.Can(spotcheck.PlanActEdit, spotcheck.PrincipalFromContext(ctx)); err != nil {
		if spotcheck.ErrorCode(err) == spotcheck.ECONFLICT {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "计划 %s 第%d版已发布，不能直接增改其任务：请先提出修订", tk.Plan, p.Revision)
		}
		return err
	}
	if tk.Authority != p.Dept {
		ps.Add("authority", "发起部门", "计划 %s 的任务应由 %s 发起", tk.Plan, p.Dept)
	}
	if y := strconv.Itoa(p.Year); tk.Year() != "" && tk.Year() != y {
		ps.Add("start", "开始日期", "不在计划的年度 %s 内", y)
	}
	return nil
}
