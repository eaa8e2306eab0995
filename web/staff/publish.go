package staff

import (
	"context"
	"net/http"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// Publishing results (issue 12, item 1): the approver's buttons on the
// inspection page (publish an approved result, or publish a correction
// with its reason) and on the task page (publish the task's results at
// once), the publications each page lists, and /staff/publications, the
// timeliness of publication per department with the late ones by person
// for supervisors (item 6) and the department's choice of how it
// publishes. The store decides every step (spotcheck.Inspection.CanPublish,
// CanPublishTask); the pages ask the same functions to show the buttons.

// addPublications puts the inspection's publications and its publish
// form, when p may publish it now, into the page's data.
func (s *Handler) addPublications(ctx context.Context, p *spotcheck.Principal, in *spotcheck.Inspection, data map[string]any) {
	if s.svc.Publications == nil {
		return
	}
	pubs, err := s.svc.Publications.FindInspectionPublications(ctx, in.ID)
	if err != nil {
		return
	}
	data["Pubs"] = pubs
	var prev *spotcheck.Publication
	if len(pubs) > 0 {
		prev = &pubs[len(pubs)-1]
	}
	mode, err := s.svc.Publications.FindPublicationMode(ctx, in.Dept)
	if err != nil {
		return
	}
	// The reason is asked on the form: a stand-in lets CanPublish answer.
	if in.CanPublish(p, mode, prev, "更正") == nil {
		data["CanPublish"], data["IsCorrection"] = true, prev != nil
	} else if in.Can(spotcheck.InspActPublish, p) == nil && mode == spotcheck.PublishByTask {
		data["PublishByTask"] = true
	}
}

// PublishInspection publishes an approved result (POST
// /staff/inspections/{id}/publish), a correction with its reason.
func (s *Handler) PublishInspection(w http.ResponseWriter, r *http.Request) {
	in := s.loadInspection(w, r)
	if in == nil {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.EINVALID, "表单格式错误"))
		return
	}
	var err error
	if r.PostFormValue("from") != in.State {
		err = staleInspection(in)
	} else {
		_, err = s.svc.Publications.PublishInspection(r.Context(), in.ID, r.PostFormValue("reason"))
	}
	if err == nil {
		view.Redirect(w, r, view.WithFlash(inspectionPath(in.ID), "inspection-publish"))
		return
	}
	if code := spotcheck.ErrorCode(err); code != spotcheck.EINVALID && code != spotcheck.ECONFLICT {
		s.fail(w, r, err)
		return
	}
	status, _, _ := view.ErrorStatus(err)
	s.renderInspection(w, r, status, in, nil, nil, spotcheck.ErrorMessage(err))
}

// taskPublish is what the task page shows of its results' publication:
// whether p may publish them at once now, and why not.
func (s *Handler) taskPublish(r *http.Request, tk *spotcheck.Task, p *spotcheck.Principal) map[string]any {
	if s.svc.Publications == nil || !p.Has(spotcheck.PermApproveResults) {
		return nil
	}
	ins, err := s.svc.Inspections.FindInspections(r.Context(), spotcheck.InspectionFilter{Task: tk.Code})
	if err != nil || len(ins) == 0 {
		return nil
	}
	out := map[string]any{}
	for i := range ins {
		if ins[i].State == spotcheck.InspectionPublished {
			out["Published"] = true // the portal has its 抽查结果公告
		}
	}
	if err := spotcheck.CanPublishTask(p, tk.Code, ins); err != nil {
		out["Why"] = spotcheck.ErrorMessage(err)
	} else {
		out["Can"] = true
	}
	return out
}

// PublishTaskResults publishes a task's approved results at once (POST
// /staff/tasks/{code}/publish-results) and lifts its draw's embargo.
func (s *Handler) PublishTaskResults(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	tk, err := s.svc.Tasks.FindTaskByCode(ctx, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err = s.svc.Publications.PublishTaskResults(ctx, tk.Code); err == nil {
		view.Redirect(w, r, view.WithFlash("/staff/tasks/"+tk.Code, "task-results-published"))
		return
	}
	if spotcheck.ErrorCode(err) != spotcheck.ECONFLICT {
		s.fail(w, r, err)
		return
	}
	s.renderTaskPage(w, r, http.StatusConflict, tk, spotcheck.ErrorMessage(err))
}

// ShowPublications is /staff/publications: per department, results
// published on time, late and not yet published; for supervisors the
// late ones by person; for approvers their departments' way of
// publishing.
func (s *Handler) ShowPublications(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := view.StaffUser(r)
	counts, late, err := s.svc.Publications.FindTimeliness(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type modeRow struct{ Dept, Mode string }
	var modes []modeRow
	if p.Has(spotcheck.PermApproveResults) {
		for _, d := range p.Scope() {
			m, err := s.svc.Publications.FindPublicationMode(ctx, d)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			modes = append(modes, modeRow{d, m})
		}
	}
	s.renderTitled(w, r, http.StatusOK, "publications", "结果公示及时性", map[string]any{
		"Counts": counts, "Late": late, "Supervisor": late != nil || p.Has(spotcheck.PermSuperviseDraws),
		"ByPerson": lateByPerson(late),
		"Modes":    modes, "ModeNames": spotcheck.PublishModeNames, "Rule": spotcheck.PublicationRule,
	})
}

// SetPublicationMode sets how a department publishes (POST
// /staff/publications/mode).
func (s *Handler) SetPublicationMode(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.EINVALID, "表单格式错误"))
		return
	}
	if err := s.svc.Publications.SetPublicationMode(r.Context(), r.PostFormValue("dept"), r.PostFormValue("mode")); err != nil {
		s.fail(w, r, err)
		return
	}
	view.Redirect(w, r, view.WithFlash("/staff/publications", "publication-mode"))
}

// latePerson counts one person's late results: published late, and
// approved but still unpublished past the due date.
type latePerson struct {
	User                 string
	Published, Unpublish int
}

// lateByPerson counts late by the person responsible, in the order of
// late (the store sorts it by person).
func lateByPerson(late []spotcheck.LatePublication) []latePerson {
	var out []latePerson
	for _, l := range late {
		if len(out) == 0 || out[len(out)-1].User != l.Approver {
			out = append(out, latePerson{User: l.Approver})
		}
		if l.PublishedOn != "" {
			out[len(out)-1].Published++
		} else {
			out[len(out)-1].Unpublish++
		}
	}
	return out
}
