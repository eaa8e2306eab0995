package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"spotcheck"
	"spotcheck/draw"
)

// The task's workflow (spotcheck.TaskMachine). Each step is one write
// transaction: load the task, ask the domain (Task.Can or its named
// variant, then Task.Next), persist the state, record the step in the
// change history and, for the publication, append the 抽查任务公告 to the
// log. A refused step changes nothing.

// TaskTypeAnnouncement is the log entry of a task's publication: the
// announcement as the portal shows it (taskAnnouncement), in the clear.
const TaskTypeAnnouncement = "task_announcement"

// UpdateTask replaces a draft task in place (TaskActEdit); a published
// task is changed only by cancelling it and drafting a new one. The code,
// state and creation stay; the new authority must be in the planner's
// scope too.
func (sv *TaskService) UpdateTask(ctx context.Context, tk *spotcheck.Task) (err error) {
	db := sv.db
	defer wrap(&err, "update task", tk.Code)
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return err
	}
	tk.Normalize()
	ps := tk.Validate()
	t, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer t.rollback()
	old, err := findTask(ctx, t, tk.Code)
	if err != nil {
		return err
	}
	if err := old.Can(spotcheck.TaskActEdit, p); err != nil {
		if spotcheck.ErrorCode(err) == spotcheck.ECONFLICT {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "任务 %s 当前状态为“%s”，不能直接修改；如需变更，请撤销后重新起草",
				tk.Code, spotcheck.TaskStateNames[old.State])
		}
		return err
	}
	if tk.Authority != old.Authority {
		if err := spotcheck.AuthorizeChangeCtx(ctx, spotcheck.PermManageDraws, old.Authority, tk.Authority); err != nil {
			return err
		}
	}
	if err := checkTaskRefs(ctx, t, tk, &ps); err != nil {
		return err
	}
	// A plan's tasks change only while the plan is a draft: the plan it
	// leaves and the plan it joins or stays in (store/plan_tasks.go).
	if old.Plan != "" && old.Plan != tk.Plan {
		if err := checkPlanOpen(ctx, t, old, &ps); err != nil {
			return err
		}
	}
	if tk.Plan != "" {
		if err := checkPlanOpen(ctx, t, tk, &ps); err != nil {
			return err
		}
	}
	if err := ps.Err(); err != nil {
		return err
	}
	tk.CreatedBy, tk.CreatedAt, tk.State = old.CreatedBy, old.CreatedAt, old.State
	tk.CancelReason, tk.PublishedAt, tk.LogIndex = "", time.Time{}, 0
	before, err := json.Marshal(old)
	if err != nil {
		return err
	}
	body, err := json.Marshal(tk)
	if err != nil {
		return err
	}
	res, err := t.ExecContext(ctx, `UPDATE tasks SET name = $1, authority = $2, year = $3, body = $4
		WHERE code = $5 AND state = $6`, tk.Name, tk.Authority, tk.Year(), string(body), tk.Code, old.State)
	if err := oneRow(res, err, tk.Code); err != nil {
		return err
	}
	// The side tables are an index of the body, rewritten with it.
	for _, q := range []string{`DELETE FROM task_depts WHERE task = $1`, `DELETE FROM task_items WHERE task = $1`} {
		if _, err := t.ExecContext(ctx, q, tk.Code); err != nil {
			return err
		}
	}
	if err := indexTask(ctx, t, tk); err != nil {
		return err
	}
	if err := writeChange(ctx, t, change{kind: "task", key: tk.Code, action: string(spotcheck.TaskActEdit),
		before: string(before), after: string(body)}); err != nil {
		return err
	}
	return t.commit()
}

// oneRow turns an update that matched no row — the task's state changed
// since it was loaded, by a concurrent step — into ECONFLICT.
func oneRow(res interface{ RowsAffected() (int64, error) }, err error, code string) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return spotcheck.Errorf(spotcheck.ECONFLICT, "任务 %s 刚被他人更改，请刷新后重试", code)
	}
	return nil
}

// taskStep runs one transition of task code: check decides (Task.Can or a
// named variant), change adjusts the task to its new state besides the
// state itself (nil for none), and the step is stored and recorded with
// detail (the reason, "" for none) as its change.
func (db *DB) taskStep(ctx context.Context, code string, a spotcheck.Action,
	check func(tk *spotcheck.Task, p *spotcheck.Principal) error,
	change func(t *tx, tk *spotcheck.Task) error) error {
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return err
	}
	t, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer t.rollback()
	if a == spotcheck.TaskActPublish { // see loadDraw: the log's lock comes first
		if _, err := t.beginLog(ctx); err != nil {
			return err
		}
	}
	tk, err := findTask(ctx, t, code)
	if err != nil {
		return err
	}
	if err := check(tk, p); err != nil {
		return err
	}
	if err := moveTask(ctx, t, tk, a, change); err != nil {
		return err
	}
	return t.commit()
}

// moveTask takes action a, which the caller checked, on tk within t: the
// state after it (Task.Next), change's adjustments, the row and the
// recorded change.
func moveTask(ctx context.Context, t *tx, tk *spotcheck.Task, a spotcheck.Action, change func(t *tx, tk *spotcheck.Task) error) error {
	from := tk.State
	next, err := tk.Next(a)
	if err != nil {
		return err
	}
	tk.State = next
	if change != nil {
		if err := change(t, tk); err != nil {
			return err
		}
	}
	body, err := json.Marshal(tk)
	if err != nil {
		return err
	}
	res, err := t.ExecContext(ctx, `UPDATE tasks SET state = $1, body = $2 WHERE code = $3 AND state = $4`,
		next, string(body), tk.Code, from)
	if err := oneRow(res, err, tk.Code); err != nil {
		return err
	}
	return recordEvent(ctx, t, "task", tk.Code, string(a), string(body))
}

// PublishTask publishes a draft task: the 抽查任务公告 goes into the log
// (TaskTypeAnnouncement) and onto the portal, and the task may be drawn.
func (sv *TaskService) PublishTask(ctx context.Context, code string) (err error) {
	defer wrap(&err, "publish task", code)
	return sv.db.taskStep(ctx, code, spotcheck.TaskActPublish,
		func(tk *spotcheck.Task, p *spotcheck.Principal) error { return tk.Can(spotcheck.TaskActPublish, p) },
		func(t *tx, tk *spotcheck.Task) error {
			if err := checkTaskTeams(ctx, t, tk); err != nil {
				return err
			}
			tk.PublishedAt = t.db.Now().UTC().Truncate(time.Second)
			rec, err := draw.Canonical(announcementOf(tk))
			if err != nil {
				return err
			}
			if tk.LogIndex, err = t.appendLog(ctx, TaskTypeAnnouncement, rec); err != nil {
				return err
			}
			_, err = t.ExecContext(ctx, `UPDATE tasks SET announcement_index = $1 WHERE code = $2`, tk.LogIndex, tk.Code)
			return err
		})
}

// taskAnnouncement is the log record of a 抽查任务公告: what the public is
// told before the draw (no entity is named), in canonical JSON.
type taskAnnouncement struct {
	Task        string   `json:"task"`
	Name        string   `json:"name"`
	Authority   string   `json:"authority"`
	Departments []string `json:"departments"`
	Items       []string `json:"items"`
	Types       []string `json:"types"`
	Divisions   []string `json:"divisions"`
	Kind        string   `json:"kind"`
	Mode        string   `json:"mode"`
	Source      string   `json:"source"`
	Plan        string   `json:"plan"`
	Start       string   `json:"start"`
	End         string   `json:"end"`
	Published   string   `json:"published"`
	V           string   `json:"v"`
}

func announcementOf(tk *spotcheck.Task) taskAnnouncement {
	nonNil := func(s []string) []string { return append([]string{}, s...) }
	return taskAnnouncement{Task: tk.Code, Name: tk.Name, Authority: tk.Authority,
		Departments: nonNil(tk.Departments()), Items: nonNil(tk.Items), Types: nonNil(tk.Scope.Types),
		Divisions: nonNil(tk.Scope.Divisions), Kind: tk.Kind, Mode: tk.Mode, Source: tk.Source, Plan: tk.Plan,
		Start: tk.Start, End: tk.End, Published: tk.PublishedAt.Format(time.RFC3339), V: "spotcheck-task/1"}
}

// CancelTask cancels a task (已撤销) from draft, published or drawn, with
// a reason, which the portal shows beside a task it had announced.
func (sv *TaskService) CancelTask(ctx context.Context, code, reason string) (err error) {
	defer wrap(&err, "cancel task", code)
	return sv.db.taskStep(ctx, code, spotcheck.TaskActCancel,
		func(tk *spotcheck.Task, p *spotcheck.Principal) error { return tk.CanCancel(p, reason) },
		func(_ *tx, tk *spotcheck.Task) error {
			tk.CancelReason = strings.TrimSpace(reason)
			return nil
		})
}

// simpleStep is a transition that needs nothing but Task.Can.
func (sv *TaskService) simpleStep(ctx context.Context, code string, a spotcheck.Action) (err error) {
	defer wrap(&err, string(a)+" task", code)
	return sv.db.taskStep(ctx, code, a,
		func(tk *spotcheck.Task, p *spotcheck.Principal) error { return tk.Can(a, p) }, nil)
}

// StartTask records that the inspections of a drawn task begin (检查中).
func (sv *TaskService) StartTask(ctx context.Context, code string) error {
	return sv.simpleStep(ctx, code, spotcheck.TaskActStart)
}

// SubmitTask sends the results of an inspected task to review (待审核).
func (sv *TaskService) SubmitTask(ctx context.Context, code string) error {
	return sv.simpleStep(ctx, code, spotcheck.TaskActSubmit)
}

// PublicizeTask approves the reviewed results and publicizes them (已公示).
func (sv *TaskService) PublicizeTask(ctx context.Context, code string) error {
	return sv.simpleStep(ctx, code, spotcheck.TaskActPublicize)
}

// FollowUpTask records that problems found call for follow-up measures
// (后续处置).
func (sv *TaskService) FollowUpTask(ctx context.Context, code string) error {
	return sv.simpleStep(ctx, code, spotcheck.TaskActFollowUp)
}

// CloseTask closes a publicized or followed-up task (办结).
func (sv *TaskService) CloseTask(ctx context.Context, code string) error {
	return sv.simpleStep(ctx, code, spotcheck.TaskActClose)
}

// TaskStep takes one of the transitions that pages offer as buttons
// (spotcheck.TaskActions) by its action; reason is for a cancellation.
func (sv *TaskService) TaskStep(ctx context.Context, code string, a spotcheck.Action, reason string) error {
	switch a {
	case spotcheck.TaskActPublish:
		return sv.PublishTask(ctx, code)
	case spotcheck.TaskActCancel:
		return sv.CancelTask(ctx, code, reason)
	}
	if !slices.Contains(spotcheck.TaskActions, a) {
		return spotcheck.Errorf(spotcheck.EINVALID, "任务没有“%s”这一操作", a)
	}
	return sv.simpleStep(ctx, code, a)
}

// drawTaskState moves the task of a draw that runs within t: published →
// drawn (Task.CanRunDraw), recorded; a re-draw of a drawn task leaves it
// drawn; a task in any other state (cancelled meanwhile) refuses the run.
func drawTaskState(ctx context.Context, t *tx, code string) (*spotcheck.Task, error) {
	tk, err := findTask(ctx, t, code)
	if err != nil {
		return nil, err
	}
	next, err := tk.CanRunDraw()
	if err != nil || next == tk.State {
		return tk, err
	}
	return tk, moveTask(ctx, t, tk, spotcheck.TaskActDraw, nil)
}

// announced is the condition of the tasks the portal shows: published or
// later, and cancelled ones that had been published (已撤销, with why).
const announced = "state <> 'draft' AND (state <> 'cancelled' OR announcement_index IS NOT NULL)"

// FindAnnouncedTasks lists the announced tasks, newest publication first,
// as spotcheck.Task.Announcement shows them.
func (sv *TaskService) FindAnnouncedTasks(ctx context.Context, f spotcheck.TaskFilter) (_ spotcheck.List[spotcheck.Task], err error) {
	db := sv.db
	defer wrap(&err, "find announced tasks")
	var out spotcheck.List[spotcheck.Task]
	out.Offset, out.Limit = pageOf(f.Offset, f.Limit)
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return out, err
	}
	var c conds
	c.add(announced)
	if q := strings.TrimSpace(f.Query); q != "" {
		c.add("(code LIKE " + c.arg(q+"%") + " OR name LIKE " + c.arg("%"+q+"%") + ")")
	}
	c.eq("state", f.State)
	where := c.where()
	out.Total, out.More, err = countCapped(ctx, db.read, "SELECT 1 FROM tasks WHERE "+where, c.args)
	if err != nil {
		return out, err
	}
	rows, err := db.read.QueryContext(ctx, fmt.Sprintf(`SELECT body, state FROM tasks WHERE %s
		ORDER BY announcement_index DESC, code LIMIT %d OFFSET %d`, where, out.Limit, out.Offset), c.args...)
	if err != nil {
		return out, err
	}
	tasks, err := scanTasks(rows)
	for _, tk := range tasks {
		out.Items = append(out.Items, tk.Announcement())
	}
	return out, err
}

// FindAnnouncedTaskByCode returns an announced task as the public sees it.
func (sv *TaskService) FindAnnouncedTaskByCode(ctx context.Context, code string) (_ *spotcheck.Task, err error) {
	defer wrap(&err, "find announced task", code)
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	tk, err := findTask(ctx, sv.db.read, code)
	if err != nil {
		return nil, err
	}
	if !tk.Announced() {
		return nil, spotcheck.NoTask(code)
	}
	a := tk.Announcement()
	return &a, nil
}
