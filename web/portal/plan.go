package portal

import (
	"bytes"
	"net/http"
	"net/url"

	"spotcheck"
	"spotcheck/xlsx"
)

// Published annual plans (年度抽查计划, issue 10): the list, each plan with
// its tasks, and its downloads — the JSON document whose SHA-256 the
// plan's log entry holds, and the task sheet. The handlers run as the
// public, so the store gives them published revisions only.

// ShowPublicPlans lists the published plans, newest year first.
func (s *Handler) ShowPublicPlans(w http.ResponseWriter, r *http.Request) {
	list, err := s.svc.Plans.FindPlans(r.Context(), spotcheck.PlanFilter{State: spotcheck.PlanPublished,
		Limit: spotcheck.MaxPageSize})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "public_plans", "年度抽查计划", map[string]any{"Plans": list.Items})
}

// publishedPlan returns the published revision of plan {key} and its tasks.
func (s *Handler) publishedPlan(r *http.Request) (*spotcheck.Plan, []spotcheck.Task, error) {
	ctx := r.Context()
	key := r.PathValue("key")
	p, err := s.svc.Plans.FindPlanByKey(ctx, key)
	if err != nil {
		return nil, nil, err
	}
	if p.State != spotcheck.PlanPublished {
		return nil, nil, spotcheck.NoPlan(key)
	}
	tasks, err := s.svc.Plans.FindPlanTasks(ctx, key)
	if err != nil {
		return nil, nil, err
	}
	return p, p.TasksAsPublished(tasks), nil
}

// ShowPublicPlan shows a published plan with its tasks.
func (s *Handler) ShowPublicPlan(w http.ResponseWriter, r *http.Request) {
	p, tasks, err := s.publishedPlan(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "public_plan", p.Name, map[string]any{"P": p, "Tasks": tasks})
}

// DownloadPlanJSON sends the plan's public document (Plan.Document).
func (s *Handler) DownloadPlanJSON(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	doc, err := s.svc.Plans.FindPlanDocument(r.Context(), key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(key+".json"))
	s.files.Send(w, r, bytes.NewReader(doc), int64(len(doc)))
}

// DownloadPlanTasks sends the plan's tasks as an .xlsx sheet.
func (s *Handler) DownloadPlanTasks(w http.ResponseWriter, r *http.Request) {
	p, tasks, err := s.publishedPlan(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := xlsx.WritePlanTasks(&buf, xlsx.XLSX, tasks); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(p.Key()+"年度计划任务.xlsx"))
	s.files.Send(w, r, &buf, int64(buf.Len()))
}
