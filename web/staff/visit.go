package staff

import (
	"net/http"
	"net/url"
	"strconv"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// Joint visits (联合检查, 进一次门、查多项事): the proposals the platform
// made where tasks of several departments drew the same entity in
// overlapping windows, and the visits the lead departments made of them.
// Each department sees the visits of its tasks; the buttons are those
// Visit.Can allows, and the store decides again.

// ShowVisits lists the visits of the user's tasks (?state=, ?year=).
func (s *Handler) ShowVisits(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := spotcheck.VisitFilter{State: q.Get("state"), Year: q.Get("year")}
	if _, ok := spotcheck.VisitStateNames[f.State]; !ok {
		f.State = ""
	}
	vs, err := s.svc.Visits.FindVisits(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	states := []option{{"", "全部"}}
	for _, st := range spotcheck.VisitMachine.States {
		states = append(states, option{st, spotcheck.VisitStateNames[st]})
	}
	s.renderTitled(w, r, http.StatusOK, "visits", "联合检查", map[string]any{
		"Visits": vs, "Filter": f, "States": states, "StateNames": spotcheck.VisitStateNames,
		"Year": strconv.Itoa(s.year()),
	})
}

// ProposeVisits runs the detection over the year's drawn tasks (POST
// /staff/visits/propose); a draw proposes its own visits when it runs, so
// this is for draws made before, or to check.
func (s *Handler) ProposeVisits(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.EINVALID, "表单格式错误"))
		return
	}
	year := r.PostFormValue("year")
	if year == "" {
		year = strconv.Itoa(s.year())
	}
	if _, err := s.svc.Visits.ProposeVisits(r.Context(), year); err != nil {
		s.fail(w, r, err)
		return
	}
	view.Redirect(w, r, view.WithFlash("/staff/visits?state="+spotcheck.VisitProposed, "proposed"))
}

// visitID reads the visit id of the path.
func visitID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, spotcheck.Errorf(spotcheck.ENOTFOUND, "没有编号为“%s”的联合检查", r.PathValue("id"))
	}
	return id, nil
}

// ShowVisit shows one visit: the entity, the window, the date and notice,
// the combined checklist grouped by department, the team, and the lead's
// buttons.
func (s *Handler) ShowVisit(w http.ResponseWriter, r *http.Request) {
	s.renderVisit(w, r, http.StatusOK, "", nil, nil)
}

// visitGroup is one department's share of the combined checklist; Own
// marks the user's own departments' items, whose results they approve.
type visitGroup struct {
	Dept  string
	Own   bool
	Items []spotcheck.VisitItem
}

func (s *Handler) renderVisit(w http.ResponseWriter, r *http.Request, status int, msg string, ps spotcheck.Problems, form url.Values) {
	id, err := visitID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.svc.Visits.FindVisitByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := view.StaffUser(r)
	var groups []visitGroup
	for _, it := range v.Checklist() {
		if n := len(groups); n == 0 || groups[n-1].Dept != it.Dept {
			groups = append(groups, visitGroup{Dept: it.Dept, Own: p != nil && p.Dept == it.Dept})
		}
		groups[len(groups)-1].Items = append(groups[len(groups)-1].Items, it)
	}
	if form == nil {
		form = url.Values{"date": {v.Start}}
	}
	s.renderTitled(w, r, status, "visit", "联合检查 #"+strconv.FormatInt(v.ID, 10)+" · "+v.Name(v.Entity), map[string]any{
		"V": v, "Groups": groups, "Team": v.Team(), "Unstaffed": v.Unstaffed(), "StateNames": spotcheck.VisitStateNames,
		"CanAccept": v.Can(spotcheck.VisitActAccept, p) == nil, "CanDecline": v.Can(spotcheck.VisitActDecline, p) == nil,
		"Message": msg, "Errors": view.FieldErrors(ps), "F": form,
	})
}

// AcceptVisit makes the visit on the date the lead chose (POST
// /staff/visits/{id}/accept).
func (s *Handler) AcceptVisit(w http.ResponseWriter, r *http.Request) {
	s.decideVisit(w, r, spotcheck.VisitActAccept)
}

// DeclineVisit records that the departments inspect separately (POST
// /staff/visits/{id}/decline).
func (s *Handler) DeclineVisit(w http.ResponseWriter, r *http.Request) {
	s.decideVisit(w, r, spotcheck.VisitActDecline)
}

func (s *Handler) decideVisit(w http.ResponseWriter, r *http.Request, a spotcheck.Action) {
	id, err := visitID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.EINVALID, "表单格式错误"))
		return
	}
	d := spotcheck.VisitDecision{Date: r.PostFormValue("date"), Note: r.PostFormValue("note")}
	ok := "visit-accepted"
	if a == spotcheck.VisitActAccept {
		err = s.svc.Visits.AcceptVisit(r.Context(), id, d)
	} else {
		ok = "visit-declined"
		err = s.svc.Visits.DeclineVisit(r.Context(), id, d)
	}
	if err == nil {
		view.Redirect(w, r, view.WithFlash("/staff/visits/"+r.PathValue("id"), ok))
		return
	}
	ps, msg, shown := view.FormProblems(err)
	if !shown {
		s.fail(w, r, err)
		return
	}
	if msg == "" {
		msg = "请修改标红的字段后重新提交。"
	}
	status, _, _ := view.ErrorStatus(err)
	s.renderVisit(w, r, status, msg, ps, r.PostForm)
}
