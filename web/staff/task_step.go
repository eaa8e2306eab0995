package staff

import (
	"net/http"
	"net/url"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The steps of a task's workflow (spotcheck.TaskMachine): each one POST
// from the task's page to /staff/tasks/{code}/{action}, one call of the
// task service, which checks the permission and the state again and
// records the step. The page shows exactly the buttons Task.Can allows.
// Each form carries the state the page showed: a step posted from a page
// that is out of date, or twice, is refused and changes nothing.

// taskStep is a button of the task's page.
type taskStep struct {
	Action, Name string
	Primary      bool   // the step the task is waiting for
	Confirm      string // asked before posting; "" for none
	Reason       bool   // the step needs a reason (cancel)
}

// taskStepConfirm are the confirmations of the steps that need one.
var taskStepConfirm = map[spotcheck.Action]string{
	spotcheck.TaskActPublish: "发布后任务将在门户公示（抽查任务公告）并记入日志，不能再修改。确定发布？",
	spotcheck.TaskActCancel:  "撤销后任务不能再抽取或继续办理，撤销理由将记录并在门户公示。确定撤销？",
	spotcheck.TaskActClose:   "办结后任务不再变更。确定办结？",
}

// taskSteps lists the steps p may take on tk now, in TaskActions order.
func taskSteps(tk *spotcheck.Task, p *spotcheck.Principal) []taskStep {
	var out []taskStep
	for _, a := range spotcheck.TaskActions {
		if tk.Can(a, p) != nil {
			continue
		}
		out = append(out, taskStep{Action: string(a), Name: spotcheck.TaskActionNames[a],
			Primary: a != spotcheck.TaskActCancel && len(out) == 0, Confirm: taskStepConfirm[a],
			Reason: a == spotcheck.TaskActCancel})
	}
	return out
}

// TaskStep returns the handler of POST /staff/tasks/{code}/{action} for
// action a.
func (s *Handler) TaskStep(a spotcheck.Action) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		code := r.PathValue("code")
		var f view.TaskStepForm
		s.decode(r, &f) // text fields only: nothing to misparse
		tk, err := s.svc.Tasks.FindTaskByCode(ctx, code)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if f.From != tk.State {
			err = spotcheck.Errorf(spotcheck.ECONFLICT, "任务 %s 当前状态为“%s”，页面已过期，请查看后重新操作",
				code, spotcheck.TaskStateNames[tk.State])
		} else {
			err = s.svc.Tasks.TaskStep(ctx, code, a, f.Reason)
		}
		if err == nil {
			view.Redirect(w, r, view.WithFlash("/staff/tasks/"+url.PathEscape(code), "task-"+string(a)))
			return
		}
		if _, msg, ok := view.FormProblems(err); ok {
			status, _, _ := view.ErrorStatus(err)
			s.renderTaskPage(w, r, status, tk, msg)
			return
		}
		s.fail(w, r, err)
	}
}

// ShowTaskEditForm shows the form of a draft task, filled with it; for a
// task past its draft it shows the task's page, saying why there is none.
func (s *Handler) ShowTaskEditForm(w http.ResponseWriter, r *http.Request) {
	tk, err := s.svc.Tasks.FindTaskByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := tk.Can(spotcheck.TaskActEdit, view.StaffUser(r)); err != nil {
		if spotcheck.ErrorCode(err) == spotcheck.ECONFLICT {
			// The task's page, which says why there is no form.
			s.renderTaskPage(w, r, http.StatusOK, tk, "任务当前状态为“"+spotcheck.TaskStateNames[tk.State]+
				"”，不能直接修改；如需变更，请撤销后重新起草")
			return
		}
		s.fail(w, r, err)
		return
	}
	s.renderTaskForm(w, r, http.StatusOK, view.TaskValues(tk), nil, "")
}

// taskChoices are the enumerations of the task form, by name.
var taskChoices = map[string][]struct{ Value, Name string }{
	"source": choices(spotcheck.TaskSourceNames, spotcheck.TaskFromPlan, spotcheck.TaskAdHoc),
	"kind":   choices(spotcheck.TaskKindNames, spotcheck.TaskUndirected, spotcheck.TaskDirected),
	"joint":  choices(spotcheck.TaskJointNames, spotcheck.TaskOwn, spotcheck.TaskJointInternal, spotcheck.TaskJointCross),
	"mode":   choices(spotcheck.TaskModeNames, spotcheck.ModeSameLevel, spotcheck.ModeCityDrawsDistrict),
	"state": choices(spotcheck.TaskStateNames, spotcheck.TaskDraft, spotcheck.TaskPublished, spotcheck.TaskDrawn,
		spotcheck.TaskInspecting, spotcheck.TaskReviewing, spotcheck.TaskPublicized, spotcheck.TaskFollowUp,
		spotcheck.TaskClosed, spotcheck.TaskCancelled),
}

func choices(names map[string]string, values ...string) []struct{ Value, Name string } {
	out := make([]struct{ Value, Name string }, len(values))
	for i, v := range values {
		out[i].Value, out[i].Name = v, names[v]
	}
	return out
}

// taskNames names a task's enumerations as its page shows them.
func taskNames(tk *spotcheck.Task) map[string]string {
	return map[string]string{"source": spotcheck.TaskSourceNames[tk.Source], "kind": spotcheck.TaskKindNames[tk.Kind],
		"joint": spotcheck.TaskJointNames[tk.Joint], "mode": spotcheck.TaskModeNames[tk.Mode],
		"state": spotcheck.TaskStateNames[tk.State], "stateClass": TaskStateClass(tk.State)}
}

// TaskStateClass is the colour of a task's state tag.
func TaskStateClass(state string) string {
	switch state {
	case spotcheck.TaskDraft:
		return "gray"
	case spotcheck.TaskCancelled:
		return "red"
	case spotcheck.TaskClosed:
		return "green"
	}
	return "blue"
}
