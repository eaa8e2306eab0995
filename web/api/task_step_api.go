package api

import (
	"net/http"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The task's workflow in the API (spotcheck.TaskMachine): a draft is
// replaced with PUT; each step is a POST to /api/v1/tasks/{code}/{action}
// whose body names the state the caller saw (from), so that a step sent
// twice, or on a task that moved meanwhile, changes nothing.

// taskStepJSON is the body of a task's step.
type taskStepJSON struct {
	From   string `json:"from" doc:"调用方所见的任务当前状态（如 draft）；与实际不符时拒绝，任务不变"`
	Reason string `json:"reason" doc:"撤销理由（撤销时必填）"`
}

// UpdateTask replaces a draft task (the authority defaults to the token
// user's department, as on creation); a task past its draft is refused
// (409) with the reason.
func (s *Handler) UpdateTask(w http.ResponseWriter, r *http.Request) {
	// A task the user may not see is missing, whatever the body.
	if _, err := s.svc.Tasks.FindTaskByCode(r.Context(), r.PathValue("code")); err != nil {
		s.fail(w, r, err)
		return
	}
	var j taskJSON
	if err := readJSON(r, &j); err != nil {
		s.fail(w, r, err)
		return
	}
	if j.Authority == "" {
		j.Authority = spotcheck.PrincipalFromContext(r.Context()).Dept
	}
	t := j.toTask()
	t.Code = r.PathValue("code")
	if err := s.svc.Tasks.UpdateTask(r.Context(), t); err != nil {
		s.fail(w, r, err)
		return
	}
	s.showAPITask(w, r, t.Code, http.StatusOK)
}

// TaskStep returns the handler of POST /api/v1/tasks/{code}/{action} for
// action a; it answers with the task after the step.
func (s *Handler) TaskStep(a spotcheck.Action) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		code := r.PathValue("code")
		var in taskStepJSON
		if err := readJSON(r, &in); err != nil {
			s.fail(w, r, err)
			return
		}
		tk, err := s.svc.Tasks.FindTaskByCode(ctx, code)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if in.From != tk.State {
			s.fail(w, r, spotcheck.Errorf(spotcheck.ECONFLICT, "任务 %s 当前状态为“%s”（%s），与请求的 from 不符，未作更改",
				code, spotcheck.TaskStateNames[tk.State], tk.State))
			return
		}
		if err := s.svc.Tasks.TaskStep(ctx, code, a, in.Reason); err != nil {
			s.fail(w, r, err)
			return
		}
		s.showAPITask(w, r, code, http.StatusOK)
	}
}

func (s *Handler) showAPITask(w http.ResponseWriter, r *http.Request, code string, status int) {
	t, err := s.svc.Tasks.FindTaskByCode(r.Context(), code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view.WriteJSON(w, status, taskToJSON(*t))
}
