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

// Inspections (issue 11): the inspector's day (我的检查) and the
// approver's queue, one list filtered by state; the inspection's page
// with the team's recording form and the buttons Inspection.Can allows
// (inspection_form.go, inspection_step.go). The store decides every step
// again inside its transaction; the pages only ask the same rules to
// choose what to show.

// mayReadInspections reports whether p holds one of the permissions that
// reach inspections: a team member's, a department's viewer's or its
// approver's. The routes admit any signed-in user (no single permission
// covers the three), so the handlers refuse the others here, as the
// guard would, before the store answers "not found".
func mayReadInspections(p *spotcheck.Principal) error {
	if p.Has(spotcheck.PermRecordInspections) || p.Has(spotcheck.PermViewDraws) || p.Has(spotcheck.PermApproveResults) {
		return nil
	}
	return p.Authorize(spotcheck.PermRecordInspections, "")
}

// inspectionStateOrder orders the list: what is waiting for the user
// first, what is finished last.
var inspectionStateOrder = []string{spotcheck.InspectionReturned, spotcheck.InspectionDraft,
	spotcheck.InspectionSubmitted, spotcheck.InspectionApproved, spotcheck.InspectionRejected,
	spotcheck.InspectionPublished}

// InspectionStateClass is the colour of an inspection's state tag.
func InspectionStateClass(state string) string {
	switch state {
	case spotcheck.InspectionReturned, spotcheck.InspectionRejected:
		return "red"
	case spotcheck.InspectionApproved, spotcheck.InspectionPublished:
		return "green"
	case spotcheck.InspectionDraft:
		return "gray"
	}
	return "blue"
}

// inspectionRow is one line of the list.
type inspectionRow struct {
	In                 spotcheck.Inspection
	EntityName, Addr   string
	TaskName           string
	Start, End         string
	Due                string
	StateName, StateCl string
}

// taskCache reads each task of a list once, as its announcement (every
// drawn task was announced), which any signed-in user may read: an
// inspector, who may not read the department's tasks, still sees the
// window of the visit.
type taskCache struct {
	svc  spotcheck.TaskService
	seen map[string]*spotcheck.Task
}

func (c *taskCache) get(ctx context.Context, code string) *spotcheck.Task {
	if tk, ok := c.seen[code]; ok {
		return tk
	}
	tk, err := c.svc.FindAnnouncedTaskByCode(ctx, code)
	if err != nil {
		tk = nil // shown as its code
	}
	c.seen[code] = tk
	return tk
}

// dueOf says what the inspection waits for, in words.
func dueOf(in *spotcheck.Inspection, tk *spotcheck.Task) string {
	switch in.State {
	case spotcheck.InspectionDraft, spotcheck.InspectionReturned:
		msg := "录入检查结果，检查组成员全部确认后提交审核"
		if in.State == spotcheck.InspectionReturned {
			msg = "按退回意见修改后重新确认、提交"
		}
		if tk != nil {
			msg += "（检查期间至 " + tk.End + "）"
		}
		return msg
	case spotcheck.InspectionSubmitted:
		return "待审核人员审核"
	case spotcheck.InspectionApproved:
		return "公示期限 " + in.PublicationDue
	case spotcheck.InspectionRejected:
		return "审核不通过，可更正后重新提交"
	}
	return "已公示"
}

// ShowInspections lists the inspections the user may see (?state=, and
// ?mine=1 for only the user's own teams): an inspector's are those of
// their teams, a department's staff see the department's; approvers
// find their queue with ?state=submitted.
func (s *Handler) ShowInspections(w http.ResponseWriter, r *http.Request) {
	p := view.StaffUser(r)
	if err := mayReadInspections(p); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := spotcheck.InspectionFilter{State: q.Get("state"), Mine: q.Get("mine") == "1"}
	if _, ok := spotcheck.InspectionStateNames[f.State]; !ok {
		f.State = ""
	}
	ctx := r.Context()
	list, err := s.svc.Inspections.FindInspections(ctx, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tasks := &taskCache{svc: s.svc.Tasks, seen: map[string]*spotcheck.Task{}}
	rows := make([]inspectionRow, 0, len(list))
	for i := range list {
		in := &list[i]
		row := inspectionRow{In: *in, EntityName: cmp.Or(in.EntityName, in.Entity), Addr: in.Address, TaskName: in.Task,
			StateName: spotcheck.InspectionStateNames[in.State], StateCl: InspectionStateClass(in.State)}
		tk := tasks.get(ctx, in.Task)
		if tk != nil {
			row.TaskName, row.Start, row.End = tk.Name, tk.Start, tk.End
		}
		row.Due = dueOf(in, tk)
		rows = append(rows, row)
	}
	slices.SortStableFunc(rows, func(a, b inspectionRow) int {
		if a.Start != b.Start {
			return compareStrings(a.Start, b.Start)
		}
		if d := slices.Index(inspectionStateOrder, a.In.State) - slices.Index(inspectionStateOrder, b.In.State); d != 0 {
			return d
		}
		return int(a.In.ID - b.In.ID)
	})
	states := []option{{"", "全部"}}
	for _, st := range inspectionStateOrder {
		states = append(states, option{st, spotcheck.InspectionStateNames[st]})
	}
	title := "我的检查"
	if !p.Has(spotcheck.PermRecordInspections) {
		title = "检查记录"
	}
	if f.State == spotcheck.InspectionSubmitted && p.Has(spotcheck.PermApproveResults) {
		title = "待审核的检查"
	}
	s.renderTitled(w, r, http.StatusOK, "inspections", title, map[string]any{
		"Rows": rows, "Filter": f, "States": states, "Title": title,
		"Department": p.Has(spotcheck.PermViewDraws) || p.Has(spotcheck.PermApproveResults),
	})
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// inspectionID reads the inspection id of the path.
func inspectionID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, spotcheck.Errorf(spotcheck.ENOTFOUND, "没有编号为“%s”的检查记录", r.PathValue("id"))
	}
	return id, nil
}

// loadInspection reads the inspection of the path for a user who may
// read inspections at all (403 otherwise; 404 for one they may not see).
func (s *Handler) loadInspection(w http.ResponseWriter, r *http.Request) *spotcheck.Inspection {
	if err := mayReadInspections(view.StaffUser(r)); err != nil {
		s.fail(w, r, err)
		return nil
	}
	id, err := inspectionID(r)
	if err != nil {
		s.fail(w, r, err)
		return nil
	}
	in, err := s.svc.Inspections.FindInspectionByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return nil
	}
	return in
}

// ShowInspection shows one inspection: the entity with a map link, the
// items, the team and its confirmations, the methods, the recording form
// while the team may edit it, the buttons the user may press now, the
// approver's decision and the revisions.
func (s *Handler) ShowInspection(w http.ResponseWriter, r *http.Request) {
	in := s.loadInspection(w, r)
	if in == nil {
		return
	}
	s.renderInspection(w, r, http.StatusOK, in, nil, nil, "")
}

// teamMember is one line of the team.
type teamMember struct {
	StaffID, Name, CertNo string
	Confirmed             bool
}

// mapLink is a search for address on a public map, which opens the
// phone's map app; the platform sends nothing to it.
func mapLink(address string) string {
	if address == "" {
		return ""
	}
	return "https://uri.amap.com/search?keyword=" + url.QueryEscape(address)
}

// renderInspection writes the inspection's page; form holds what was
// typed (nil: the record as stored), ps the problems of a refused save
// and msg the reason of a refused step.
func (s *Handler) renderInspection(w http.ResponseWriter, r *http.Request, status int, in *spotcheck.Inspection,
	form url.Values, ps spotcheck.Problems, msg string) {
	ctx := r.Context()
	p := view.StaffUser(r)
	cat, err := s.svc.Inspections.ResultCatalogue(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	revs, err := s.svc.Inspections.FindInspectionRevisions(ctx, in.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	evidence, err := s.findEvidence(ctx, in.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var team []teamMember
	for _, sid := range in.Team {
		team = append(team, teamMember{StaffID: sid, Name: cmp.Or(in.Names[sid], sid), CertNo: in.CertNos[sid],
			Confirmed: in.Confirmed(sid)})
	}
	tasks := &taskCache{svc: s.svc.Tasks, seen: map[string]*spotcheck.Task{}}
	tk := tasks.get(ctx, in.Task)
	canSave := in.Can(spotcheck.InspActSave, p) == nil
	if form == nil {
		form = inspectionValues(in)
	}
	member := in.Member(p)
	data := map[string]any{
		"In": in, "Task": tk, "EntityName": cmp.Or(in.EntityName, in.Entity), "Map": mapLink(in.Address), "Bring": view.InspectorDocuments, "Team": team, "Revisions": revs, "Message": msg,
		"StateName": spotcheck.InspectionStateNames[in.State], "StateClass": InspectionStateClass(in.State),
		"StateNames": spotcheck.InspectionStateNames, "Due": dueOf(in, tk),
		"Methods": methodNames(in.Methods), "Results": resultNames(in.Results, cat),
		"Findings": findingRows(in, form), "FindingNames": spotcheck.FindingNames,
		"Outcomes":    []string{spotcheck.FindingNone, spotcheck.FindingProblem, spotcheck.FindingOther, spotcheck.FindingNA},
		"CanSave":     canSave,
		"CanConfirm":  in.Can(spotcheck.InspActConfirm, p) == nil && member != "" && !in.Confirmed(member),
		"CanSubmit":   in.Can(spotcheck.InspActSubmit, p) == nil,
		"Unconfirmed": in.Unconfirmed(),
		"CanApprove":  in.Can(spotcheck.InspActApprove, p) == nil,
		"CanReturn":   in.Can(spotcheck.InspActReturn, p) == nil,
		"CanReject":   in.Can(spotcheck.InspActReject, p) == nil,
		"CanRevise":   in.Can(spotcheck.InspActRevise, p) == nil,
		"Errors":      view.FieldErrors(ps), "F": form,
		"Evidence": evidence, "CanUpload": canSave && s.svc.Attachments != nil,
		"FollowUps": s.inspectionFollowUps(ctx, in), // web/staff/followup.go
	}
	if canSave {
		data["MethodChoices"] = methodChoices(form)
		data["ResultChoices"] = resultChoices(cat, form)
		// Sub-codes show under a chosen result (CSS), and always where the
		// browser cannot tell: a result chosen as stored or typed, or a
		// problem with them.
		shown := map[string]bool{"all": slices.ContainsFunc(ps, func(p spotcheck.FieldError) bool { return p.Field == "subcodes" })}
		for _, c := range form["results"] {
			shown[c] = true
		}
		data["ShowSubCodes"] = shown
	}
	s.addVisitPublic(ctx, p, in, data) // what the enterprise said: recusal.go
	// Its publications and the publish form: publish.go.
	s.addPublications(ctx, p, in, data)
	s.renderTitled(w, r, status, "inspection", "检查记录 #"+strconv.FormatInt(in.ID, 10)+" · "+cmp.Or(in.EntityName, in.Entity), data)
}
