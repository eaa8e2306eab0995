package store

import (
	"context"

	"spotcheck"
)

// CreatePlanTasks creates the tasks of an import into a plan's draft
// revision in one transaction, all or nothing: each task is checked as
// CreateTask checks it, and every problem — of the cell formats, which
// the file's reader found, and of the rules — is reported by its row.
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
			if err := checkNewTask(ctx, t, tk, p, &ps); err != nil {
				return err
			}
			if r, dup := seen[tk.Code]; dup && tk.Code != "" {
				ps.Add("code", "任务编号", "与第%d行重复", r)
			}
			seen[tk.Code] = row
			ie.AddProblems(row, ps)
		}
		if err := ie.Err(); err != nil {
			return err
		}
		if len(tasks) == 0 {
			return spotcheck.Errorf(spotcheck.EINVALID, "%s 中没有任务", src.Name)
		}
		for i := range tasks {
			if err := insertTask(ctx, t, &tasks[i]); err != nil {
				return err
			}
		}
		return nil
	})
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
	*ps = append(*ps, p.CheckTask(tk)...)
	return nil
}
