package staff

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The staff pages of a draw (design §5, spec/draw-v1.md): the list of
// draws, the page of one draw that walks planner and officials through its
// states, and the form that plans a draw for a task. The POSTs of the
// workflow are in draw_action.go; the public pages are the portal's.

// officialSummary counts what one person did in the draws of a list: the
// supervisors' view of every draw, re-draw and change per official.
type officialSummary struct {
	Name                                 string
	Plans, Redraws                       int
	Requested, Approved, Rejected, Queue int
}

// ShowDraws lists draws: those of the user's departments, and every draw
// for supervisors, with their re-draws and changes per official.
func (s *Handler) ShowDraws(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := view.DrawFilter(r.URL.Query())
	list, err := s.svc.Draws.FindDraws(ctx, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type row struct {
		view.DrawRow
		Changes []spotcheck.DrawChange
	}
	rows := make([]row, len(list.Items))
	people := map[string]*officialSummary{}
	person := func(name string) *officialSummary {
		if people[name] == nil {
			people[name] = &officialSummary{Name: name}
		}
		return people[name]
	}
	for i, d := range list.Items {
		rows[i].DrawRow = view.NewDrawRow(d)
		p := person(d.CreatedBy)
		p.Plans++
		if d.Supersedes != "" {
			p.Redraws++
		}
		cs, err := s.svc.Draws.FindDrawChanges(ctx, d.ID)
		if err != nil && spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
			s.fail(w, r, err)
			return
		}
		rows[i].Changes = cs
		for _, c := range cs {
			person(c.RequestedBy).Requested++
			switch c.State {
			case spotcheck.ChangeApproved:
				person(c.DecidedBy).Approved++
			case spotcheck.ChangeRejected:
				person(c.DecidedBy).Rejected++
			default:
				person(c.RequestedBy).Queue++
			}
		}
	}
	var summary []officialSummary
	for _, k := range slices.Sorted(maps.Keys(people)) {
		summary = append(summary, *people[k])
	}
	states := make([]struct{ Value, Name string }, len(view.DrawStates))
	for i, st := range view.DrawStates {
		states[i].Value, states[i].Name = st, spotcheck.DrawStateNames[st]
	}
	s.renderTitled(w, r, http.StatusOK, "draws", "随机抽取", map[string]any{
		"Rows": rows, "F": f, "States": states, "Summary": summary,
		"All":   view.StaffUser(r).Has(spotcheck.PermSuperviseDraws),
		"Pager": view.ListPager(r, list),
	})
}

// drawStep is one step of the stepper on a draw's page.
type drawStep struct {
	N            int
	Name, Status string // done, current, failed (a reveal was withheld), stopped (superseded) or todo
}

// drawSteps works out the stepper from what has happened, so that a
// failed or superseded draw shows how far it came.
func drawSteps(d *spotcheck.Draw) []drawStep {
	committed, revealed := true, true
	for _, c := range d.Commits {
		committed = committed && c.Commitment != ""
		revealed = revealed && (c.Revealed || c.Participant == spotcheck.SystemParticipant)
	}
	drawn := !d.DrawnAt.IsZero() || d.State == spotcheck.DrawDrawn || d.State == spotcheck.DrawPublished
	published := d.State == spotcheck.DrawPublished
	done := []bool{true, committed && d.State != spotcheck.DrawCommitting,
		drawn || revealed && committed && d.State == spotcheck.DrawRevealing, drawn && d.State != spotcheck.DrawDrawn,
		published}
	names := []string{"方案已记入日志", "收集承诺", "揭示", "抽取（保密中）", "已公开"}
	steps := make([]drawStep, len(names))
	current := false
	for i, n := range names {
		steps[i] = drawStep{N: i + 1, Name: n, Status: "todo"}
		switch {
		case done[i]:
			steps[i].Status = "done"
		case !current:
			current = true
			steps[i].Status = "current"
			switch d.State {
			case spotcheck.DrawFailed:
				steps[i].Status = "failed"
			case spotcheck.DrawSuperseded:
				steps[i].Status = "stopped"
			}
		}
	}
	return steps
}

// ShowDraw is the page of one draw for staff of its departments and
// supervisors.
func (s *Handler) ShowDraw(w http.ResponseWriter, r *http.Request) {
	s.renderDraw(w, r, http.StatusOK, "", nil, nil)
}

// renderDraw shows a draw's page; after a refused action, with the
// message above it, the problems beside the form's fields and what was
// typed into the change form.
func (s *Handler) renderDraw(w http.ResponseWriter, r *http.Request, status int, msg string,
	problems spotcheck.Problems, changeForm url.Values) {
	ctx := r.Context()
	id, err := view.DrawID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := view.StaffDraw(ctx, s.svc.Draws, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := view.StaffUser(r)
	var picks []spotcheck.DrawPick
	if !d.DrawnAt.IsZero() || d.State == spotcheck.DrawDrawn || d.State == spotcheck.DrawPublished {
		if picks, err = s.svc.Draws.FindDrawPicks(ctx, id); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	changes, err := s.svc.Draws.FindDrawChanges(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	siblings, err := s.drawsOfTask(ctx, d.Task)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var supersedesID int64
	for _, o := range siblings {
		if d.Supersedes != "" && o.PlanHash == d.Supersedes {
			supersedesID = o.ID
		}
	}
	me := d.Commit(p.Username)
	var officials []spotcheck.DrawCommit
	waiting := false // an official has not revealed yet
	for _, c := range d.Commits {
		if c.Participant != spotcheck.SystemParticipant {
			officials = append(officials, c)
			waiting = waiting || !c.Revealed
		}
	}
	// The buttons are those the draw's state machine allows this user now
	// (spotcheck.Draw.Can), which the store checks again when they are used.
	can := func(a spotcheck.Action) bool { return d.Can(a, p) == nil }
	decide := map[int64]bool{} // pending changes this user may decide
	for i := range changes {
		decide[changes[i].ID] = d.CanDecide(&changes[i], false, p) == nil
	}
	var current []spotcheck.DrawPick // entities that stand selected, for the change form
	for _, pk := range picks {
		if (!pk.Reserve || pk.Promoted) && !pk.Replaced {
			current = append(current, pk)
		}
	}
	if changeForm == nil {
		changeForm = url.Values{"kind": {spotcheck.ChangeSubstitute}}
	}
	s.renderTitled(w, r, status, "draw", "抽取 #"+strconv.FormatInt(d.ID, 10)+" · "+d.TaskName, map[string]any{
		"D": d, "Row": view.NewDrawRow(*d), "Steps": drawSteps(d), "Picks": picks, "Current": current,
		"Changes": changes, "SupersedesID": supersedesID, "Me": me, "Officials": officials,
		"Message": msg, "Problems": problems, "Errors": view.FieldErrors(problems), "ChangeForm": changeForm,
		"CanCommit":   can(spotcheck.DrawActCommit),
		"CanReveal":   can(spotcheck.DrawActReveal),
		"CanWithhold": can(spotcheck.DrawActWithhold),
		"CanRun":      can(spotcheck.DrawActRun),
		"Waiting":     waiting,
		"CanRequest":  can(spotcheck.DrawActRequestChange) && len(current) > 0,
		"CanRedraw":   can(spotcheck.DrawActRedraw),
		"CanDecide":   can(spotcheck.DrawActRejectChange),
		"Decide":      decide,
		"CanLift":     can(spotcheck.DrawActLiftEmbargo),
		"Kinds":       drawChangeKinds(), "Reasons": drawChangeReasons(),
		"Command": "spotcheck draw commit --plan " + d.PlanHash + " --participant " + p.Username,
		"ChangeNames": map[string]string{spotcheck.ChangePending: "待审批", spotcheck.ChangeApproved: "已批准",
			spotcheck.ChangeRejected: "已驳回"},
	})
}

type option struct{ Value, Name string }

// drawChangeKinds are the kinds of later events, in the order forms offer them.
func drawChangeKinds() []option {
	var out []option
	for _, k := range []string{spotcheck.ChangeSubstitute, spotcheck.ChangeReplace, spotcheck.ChangeAssign} {
		out = append(out, option{k, spotcheck.DrawChangeNames[k]})
	}
	return out
}

// drawChangeReasons are the reason codes with their names, sorted by code.
func drawChangeReasons() []option {
	var out []option
	for _, k := range slices.Sorted(maps.Keys(spotcheck.ChangeReasons)) {
		out = append(out, option{k, spotcheck.ChangeReasons[k]})
	}
	return out
}

// ShowDrawForm is the form that plans a draw for a task, or a re-draw
// that supersedes one of its draws.
func (s *Handler) ShowDrawForm(w http.ResponseWriter, r *http.Request) {
	form := url.Values{"supersedes": {r.URL.Query().Get("supersedes")}}
	s.renderDrawForm(w, r, http.StatusOK, form, nil, "")
}

func (s *Handler) renderDrawForm(w http.ResponseWriter, r *http.Request, status int, form url.Values,
	problems spotcheck.Problems, msg string) {
	ctx := r.Context()
	tk, err := s.svc.Tasks.FindTaskByCode(ctx, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	draws, err := s.drawsOfTask(ctx, tk.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var live []view.DrawRow // a task has one live draw at most (spotcheck.Task.LiveDraw)
	if l := tk.LiveDraw(draws); l != nil {
		live = append(live, view.NewDrawRow(*l))
	}
	if form.Get("supersedes") == "" && len(live) > 0 && status == http.StatusOK {
		form.Set("supersedes", strconv.FormatInt(live[0].ID, 10))
	}
	title := "发起随机抽取"
	if len(live) > 0 {
		title = "重新抽取"
	}
	s.renderTitled(w, r, status, "draw_form", title, map[string]any{"T": tk, "Live": live, "Form": form,
		"Errors": view.FieldErrors(problems), "Problems": problems, "Message": msg})
}

// PlanDraw logs a plan for the task: the frame, exclusions, roster and
// conflicts are frozen from the directories as they are now.
func (s *Handler) PlanDraw(w http.ResponseWriter, r *http.Request) {
	var f view.DrawRequestForm
	s.decode(r, &f) // text fields only: Request reads the numbers
	form := r.PostForm
	req, ps := f.Request()
	var d *spotcheck.Draw
	var err error
	req.Normalize()
	if ps = append(ps, req.Validate()...); len(ps) > 0 {
		err = ps.Err()
	} else {
		d, err = s.svc.Draws.PlanDraw(r.Context(), r.PathValue("code"), req)
	}
	if err != nil {
		if problems, msg, ok := view.FormProblems(err); ok {
			status, _, _ := view.ErrorStatus(err)
			s.renderDrawForm(w, r, status, form, problems, msg)
			return
		}
		s.fail(w, r, err)
		return
	}
	view.Redirect(w, r, view.WithFlash("/staff/draws/"+strconv.FormatInt(d.ID, 10), "planned"))
}

// DownloadDrawBundle serves the whole bundle to staff of the draw's
// departments and supervisors; the public bundle is the portal's.
func (s *Handler) DownloadDrawBundle(w http.ResponseWriter, r *http.Request) {
	id, err := view.DrawID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := view.StaffDraw(r.Context(), s.svc.Draws, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.views.SendBundle(w, r, view.Bundle{Draws: s.svc.Draws, Ledger: s.ledger, Files: s.files, Now: s.now}, id, false)
}
