package staff

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// Follow-ups of approved results (后续处置, issue 11 item 4): the list with
// the completion rate per responsible department, and a follow-up's page
// with its history and the forms FollowUp.CanRecord and CanClose allow.
// The store decides again inside its transaction; every change is a new
// event on the page's history, nothing is edited in place.

// mayHandleFollowUps reports whether p holds a permission that handles
// follow-ups at all: a team member's, a task runner's or an approver's
// (a supervisor watches and does not handle them).
func mayHandleFollowUps(p *spotcheck.Principal) error {
	if p.Has(spotcheck.PermRecordInspections) || p.Has(spotcheck.PermManageDraws) || p.Has(spotcheck.PermApproveResults) {
		return nil
	}
	return spotcheck.Errorf(spotcheck.EFORBIDDEN, "没有权限：办理后续处置")
}

// FollowUpStateClass is the colour of a follow-up's state tag.
func FollowUpStateClass(f *spotcheck.FollowUp, today string) string {
	switch {
	case f.State == spotcheck.FollowUpClosed:
		return "green"
	case f.Overdue(today):
		return "red"
	}
	return "blue"
}

// followUpRow is one line of a list of follow-ups.
type followUpRow struct {
	F                   spotcheck.FollowUp
	EntityName, Kind    string
	StateName, StateCls string
	Overdue             bool
}

func followUpRows(fs []spotcheck.FollowUp, today string) []followUpRow {
	out := make([]followUpRow, len(fs))
	for i := range fs {
		f := &fs[i]
		out[i] = followUpRow{F: *f, EntityName: cmp.Or(f.EntityName, f.Entity), Kind: spotcheck.FollowUpKindNames[f.Kind],
			StateName: spotcheck.FollowUpStateNames[f.State], StateCls: FollowUpStateClass(f, today), Overdue: f.Overdue(today)}
	}
	return out
}

// ShowFollowUps lists the follow-ups the user may see (?state=, ?kind=,
// ?dept=, ?inspection=, ?mine=1) under the completion rate of each
// responsible department.
func (s *Handler) ShowFollowUps(w http.ResponseWriter, r *http.Request) {
	if err := mayReadInspections(view.StaffUser(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := spotcheck.FollowUpFilter{State: q.Get("state"), Kind: q.Get("kind"), Dept: q.Get("dept"), Mine: q.Get("mine") == "1"}
	if _, ok := spotcheck.FollowUpStateNames[f.State]; !ok {
		f.State = ""
	}
	if _, ok := spotcheck.FollowUpKindNames[f.Kind]; !ok {
		f.Kind = ""
	}
	f.Inspection, _ = strconv.ParseInt(q.Get("inspection"), 10, 64)
	ctx := r.Context()
	list, err := s.svc.FollowUps.FindFollowUps(ctx, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tally, err := s.svc.FollowUps.FollowUpCompletion(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	kinds := []option{{"", "全部类型"}}
	for _, k := range spotcheck.FollowUpKinds {
		kinds = append(kinds, option{k, spotcheck.FollowUpKindNames[k]})
	}
	states := []option{{"", "全部状态"}, {spotcheck.FollowUpOpen, "处置中"}, {spotcheck.FollowUpClosed, "已完结"}}
	s.renderTitled(w, r, http.StatusOK, "followups", "后续处置", map[string]any{
		"Rows": followUpRows(list, s.today()), "Tally": tally, "Filter": f, "Kinds": kinds, "States": states,
		"AbnormalRule": spotcheck.AbnormalListRule,
	})
}

// followUpID reads the follow-up id of the path.
func followUpID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, spotcheck.Errorf(spotcheck.ENOTFOUND, "没有编号为“%s”的后续处置", r.PathValue("id"))
	}
	return id, nil
}

// loadFollowUp reads the follow-up of the path for a user who reaches
// follow-ups at all (403 otherwise, then 404 for one they may not see).
func (s *Handler) loadFollowUp(w http.ResponseWriter, r *http.Request, may func(*spotcheck.Principal) error) *spotcheck.FollowUp {
	if err := may(view.StaffUser(r)); err != nil {
		s.fail(w, r, err)
		return nil
	}
	id, err := followUpID(r)
	if err == nil {
		var f *spotcheck.FollowUp
		if f, err = s.svc.FollowUps.FindFollowUpByID(r.Context(), id); err == nil {
			return f
		}
	}
	s.fail(w, r, err)
	return nil
}

// ShowFollowUp shows one follow-up: what started it, what was done, its
// history, and the forms the user may use now.
func (s *Handler) ShowFollowUp(w http.ResponseWriter, r *http.Request) {
	f := s.loadFollowUp(w, r, mayReadInspections)
	if f == nil {
		return
	}
	s.renderFollowUp(w, r, http.StatusOK, f, nil, "")
}

// renderFollowUp writes the follow-up's page; form holds what was typed
// in a refused change (nil: the follow-up as stored), msg why.
func (s *Handler) renderFollowUp(w http.ResponseWriter, r *http.Request, status int, f *spotcheck.FollowUp,
	form url.Values, msg string) {
	p := view.StaffUser(r)
	// Each form keeps what was typed in it; the other shows the
	// follow-up as stored.
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["dept"]; !ok {
		form["measures"], form["other"], form["dept"] = f.Measures, []string{f.Other}, []string{f.Dept}
	}
	if _, ok := form["closed"]; !ok {
		form["closed"] = []string{s.today()}
	}
	measures := make([]choice, len(spotcheck.FollowUpMeasures))
	for i, m := range spotcheck.FollowUpMeasures {
		measures[i] = choice{m.Code, m.Name, slices.Contains(form["measures"], m.Code)}
	}
	names := make([]string, len(f.Measures))
	for i, m := range f.Measures {
		names[i] = spotcheck.MeasureName(m)
	}
	depts, err := s.namingDepts(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	can := f.CanHandle(p) == nil
	title := spotcheck.FollowUpKindNames[f.Kind] + " · " + cmp.Or(f.EntityName, f.Entity)
	s.renderTitled(w, r, status, "followup", title, map[string]any{
		"F": f, "Title": title, "Kind": spotcheck.FollowUpKindNames[f.Kind], "Measures": names,
		"StateName": spotcheck.FollowUpStateNames[f.State], "StateClass": FollowUpStateClass(f, s.today()),
		"Overdue": f.Overdue(s.today()), "AbnormalRule": spotcheck.AbnormalListRule,
		"Actions": spotcheck.FollowUpActionNames, "MeasureName": spotcheck.MeasureName,
		"CanRecord": can, "CanClose": can && len(f.Measures) > 0, "Choices": measures, "Depts": depts,
		"Form": form, "Message": msg,
	})
}

// RecordFollowUp records measures and the responsible department (POST
// /staff/followups/{id}/record); a refused change shows the form as typed
// with the reason, and nothing is recorded.
func (s *Handler) RecordFollowUp(w http.ResponseWriter, r *http.Request) {
	s.followUpStep(w, r, "followup-record", func(ctx context.Context, f *spotcheck.FollowUp, form url.Values) error {
		return s.svc.FollowUps.RecordFollowUp(ctx, f.ID, spotcheck.FollowUpChange{Dept: form.Get("dept"),
			Measures: form["measures"], Other: form.Get("other")})
	})
}

// CloseFollowUp closes the follow-up (POST /staff/followups/{id}/close).
func (s *Handler) CloseFollowUp(w http.ResponseWriter, r *http.Request) {
	s.followUpStep(w, r, "followup-close", func(ctx context.Context, f *spotcheck.FollowUp, form url.Values) error {
		return s.svc.FollowUps.CloseFollowUp(ctx, f.ID, form.Get("closed"), form.Get("note"))
	})
}

// followUpStep runs one change from the page. The form carries the event
// number the page showed (seq), so that a change posted from a page that
// is out of date, or twice, is refused and changes nothing.
func (s *Handler) followUpStep(w http.ResponseWriter, r *http.Request, flash string,
	do func(ctx context.Context, f *spotcheck.FollowUp, form url.Values) error) {
	f := s.loadFollowUp(w, r, mayHandleFollowUps)
	if f == nil {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.EINVALID, "表单格式错误"))
		return
	}
	var err error
	if r.PostFormValue("seq") != strconv.Itoa(f.Seq) {
		err = spotcheck.Errorf(spotcheck.ECONFLICT, "后续处置 %d 已有新的记录，页面已过期，请查看后重新操作", f.ID)
	} else {
		err = do(r.Context(), f, r.PostForm)
	}
	path := "/staff/followups/" + strconv.FormatInt(f.ID, 10)
	if err == nil {
		view.Redirect(w, r, view.WithFlash(path, flash))
		return
	}
	ps, msg, ok := view.FormProblems(err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	for i, p := range ps {
		if i > 0 || msg != "" {
			msg += "；"
		}
		msg += p.Label + "：" + p.Message
	}
	status, _, _ := view.ErrorStatus(err)
	s.renderFollowUp(w, r, status, f, r.PostForm, msg)
}

// inspectionFollowUps lists the follow-ups of an inspection for its page
// (none where the server has no follow-up service).
func (s *Handler) inspectionFollowUps(ctx context.Context, in *spotcheck.Inspection) []followUpRow {
	if s.svc.FollowUps == nil || in.State != spotcheck.InspectionApproved && in.State != spotcheck.InspectionPublished &&
		in.Revision == 1 {
		return nil
	}
	fs, err := s.svc.FollowUps.FindFollowUps(ctx, spotcheck.FollowUpFilter{Inspection: in.ID})
	if err != nil {
		return nil // the page stands without them; the list page says why
	}
	return followUpRows(fs, s.today())
}
