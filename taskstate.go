package spotcheck

import (
	"fmt"
	"strings"
)

// The task's state machine (design §3, issue 10): a task is drafted,
// published (announced on the portal, entity list sealed), drawn, inspected,
// reviewed, publicized, followed up and closed; it may be cancelled, with
// a reason, until inspections start. The store enforces it inside the
// transaction of each step (Task.Can, then Task.Next for the state it
// stores) and records every step; pages show the buttons Task.Can allows.
// The draw of spec/draw-v1.md runs on a published task and moves it to
// TaskDrawn; the later steps are driven by the inspections.

// The states of a task.
const (
	TaskDraft      = "draft"      // 草稿: edited freely, not public
	TaskPublished  = "published"  // 已发布: announced; may be drawn
	TaskDrawn      = "drawn"      // 已抽取
	TaskInspecting = "inspecting" // 检查中
	TaskReviewing  = "reviewing"  // 待审核
	TaskPublicized = "publicized" // 已公示
	TaskFollowUp   = "follow-up"  // 后续处置
	TaskClosed     = "closed"     // 办结
	TaskCancelled  = "cancelled"  // 已撤销
)

// TaskStateNames are the task's states as pages show them.
var TaskStateNames = map[string]string{
	TaskDraft: "草稿", TaskPublished: "已发布", TaskDrawn: "已抽取", TaskInspecting: "检查中",
	TaskReviewing: "待审核", TaskPublicized: "已公示", TaskFollowUp: "后续处置", TaskClosed: "办结",
	TaskCancelled: "已撤销",
}

// The actions of a task.
const (
	TaskActEdit      Action = "edit"      // change a draft in place
	TaskActPublish   Action = "publish"   // announce it (抽查任务公告)
	TaskActDraw      Action = "draw"      // a draw of the task was run
	TaskActStart     Action = "start"     // inspections begin
	TaskActSubmit    Action = "submit"    // every inspection recorded, results to review
	TaskActPublicize Action = "publicize" // results approved and published
	TaskActFollowUp  Action = "follow-up" // problems found: follow-up measures
	TaskActClose     Action = "close"     // 办结
	TaskActCancel    Action = "cancel"    // 撤销, with a reason
)

var taskStates = []string{TaskDraft, TaskPublished, TaskDrawn, TaskInspecting, TaskReviewing,
	TaskPublicized, TaskFollowUp, TaskClosed, TaskCancelled}

// TaskMachine is the table of the task's workflow.
var TaskMachine = Machine{
	States: taskStates,
	Names:  TaskStateNames,
	Table: []Transition{
		{TaskActEdit, []string{TaskDraft}, "", PermManageDraws},
		{TaskActPublish, []string{TaskDraft}, TaskPublished, PermManageDraws},
		{TaskActDraw, []string{TaskPublished}, TaskDrawn, PermManageDraws},
		{TaskActStart, []string{TaskDrawn}, TaskInspecting, PermManageDraws},
		{TaskActSubmit, []string{TaskInspecting}, TaskReviewing, PermManageDraws},
		{TaskActPublicize, []string{TaskReviewing}, TaskPublicized, PermApproveDraws},
		{TaskActFollowUp, []string{TaskPublicized}, TaskFollowUp, PermManageDraws},
		{TaskActClose, []string{TaskPublicized, TaskFollowUp}, TaskClosed, PermManageDraws},
		{TaskActCancel, []string{TaskDraft, TaskPublished, TaskDrawn}, TaskCancelled, PermManageDraws},
	},
}

// Can decides whether p may take action a on the task now: a principal
// (EUNAUTHORIZED), the permission for the task's authority — or, for
// PermApproveDraws, one of its departments — (EFORBIDDEN, or NoTask for a
// user who may not see the task), then the state (ECONFLICT).
func (t *Task) Can(a Action, p *Principal) error {
	tr, ok := TaskMachine.Transition(a)
	if !ok {
		return TaskMachine.Check(t.record(), t.State, a)
	}
	if p == nil {
		return Errorf(EUNAUTHORIZED, msgNoPrincipal)
	}
	if err := p.AuthorizeTask(tr.Perm, t.Departments(), NoTask(t.Code)); err != nil {
		// A bureau a 市抽县查 task handed entities to sees the task, and
		// takes none of its steps.
		if ErrorCode(err) == ENOTFOUND && len(t.HandedTo) > 0 && p.AuthorizeTask(PermViewDraws, t.Viewers(), nil) == nil {
			return Errorf(EFORBIDDEN, "任务 %s 由 %s 发起，本部门只检查指派的对象，不能办理任务本身", t.Code, t.Authority)
		}
		return err
	}
	return TaskMachine.Check(t.record(), t.State, a)
}

// Next returns the task's state after action a, which Can allowed.
func (t *Task) Next(a Action) (string, error) {
	return TaskMachine.Next(t.record(), t.State, a)
}

// CanCancel decides whether p may cancel the task now, with reason: Can
// with TaskActCancel, and a reason that says why (EINVALID without one),
// since a cancelled task stays on the portal as 已撤销 with it.
func (t *Task) CanCancel(p *Principal, reason string) error {
	if err := t.Can(TaskActCancel, p); err != nil {
		return err
	}
	if strings.TrimSpace(reason) == "" {
		return Errorf(EINVALID, "撤销任务 %s 须说明理由", t.Code)
	}
	if len([]rune(reason)) > 500 {
		return Errorf(EINVALID, "撤销理由不能超过500字")
	}
	return nil
}

// TaskActions lists the actions that pages offer as buttons, in the order
// they show them (edit and draw have pages of their own).
var TaskActions = []Action{TaskActPublish, TaskActStart, TaskActSubmit, TaskActPublicize,
	TaskActFollowUp, TaskActClose, TaskActCancel}

// TaskActionNames name the actions on buttons and in the history.
var TaskActionNames = map[Action]string{
	TaskActEdit: "编辑", TaskActPublish: "发布", TaskActDraw: "抽取", TaskActStart: "开始检查",
	TaskActSubmit: "提交审核", TaskActPublicize: "审核公示", TaskActFollowUp: "转入后续处置",
	TaskActClose: "办结", TaskActCancel: "撤销",
}

// Announced reports whether the task is public (抽查任务公告): published
// or later, cancelled ones included once they had been published.
func (t *Task) Announced() bool {
	return t.State != TaskDraft && t.State != "" && !(t.State == TaskCancelled && t.PublishedAt.IsZero())
}

// Announcement returns what the 抽查任务公告 tells the public of the task:
// who checks what, where and when, whether the enterprise may propose a
// visit time (双预约), its state and, once cancelled, why — not the strata, teams, workload or sample sizes (which, with the
// published list, would tell entities their risk class), and no entity.
func (t *Task) Announcement() Task {
	return Task{Code: t.Code, Name: t.Name, Authority: t.Authority, Partners: t.Partners, Items: t.Items,
		Scope: TaskScope{Types: t.Scope.Types, Divisions: t.Scope.Divisions}, Start: t.Start, End: t.End,
		Source: t.Source, Plan: t.Plan, Round: t.Round, Kind: t.Kind, Joint: t.Joint, Mode: t.Mode,
		State: t.State, CancelReason: t.CancelReason, PublishedAt: t.PublishedAt, LogIndex: t.LogIndex,
		Appointments: t.Appointments}
}

// record names the task in messages.
func (t *Task) record() string { return fmt.Sprintf("任务 %s", t.Code) }
