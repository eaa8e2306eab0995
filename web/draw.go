package web

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The staff pages of a draw (design §5, spec/draw-v1.md): the list of
// draws, the page of one draw that walks planner and officials through its
// states, and the form that plans a draw for a task. The POSTs of the
// workflow are in draw_action.go; the public pages in draw_public.go.

// drawRow is a draw in a list, with what the list shows of its state.
type drawRow struct {
	spotcheck.Draw
	StateName, StateClass, Short string
}

// stateClasses colour the states consistently on every page.
var stateClasses = map[string]string{
	spotcheck.DrawCommitting: "amber", spotcheck.DrawRevealing: "amber", spotcheck.DrawDrawn: "blue",
	spotcheck.DrawPublished: "green", spotcheck.DrawFailed: "red", spotcheck.DrawSuperseded: "gray",
}

func newDrawRow(d spotcheck.Draw) drawRow {
	name := spotcheck.DrawStateNames[d.State]
	if name == "" {
		name = d.State
	}
	return drawRow{Draw: d, StateName: name, StateClass: stateClasses[d.State], Short: shortHash(d.PlanHash)}
}

func drawRows(ds []spotcheck.Draw) []drawRow {
	out := make([]drawRow, len(ds))
	for i, d := range ds {
		out[i] = newDrawRow(d)
	}
	return out
}

// shortHash is the first 16 hex digits of a hash, as lists show it.
func shortHash(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}

// drawID reads the {id} of a draw's path; a malformed one is a draw that
// does not exist.
func drawID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, spotcheck.Errorf(spotcheck.ENOTFOUND, "没有编号为“%s”的抽取", r.PathValue(name))
	}
	return id, nil
}

// drawListParams reads the filters of the draw lists.
func drawListParams(q url.Values) spotcheck.DrawFilter {
	f := spotcheck.DrawFilter{Task: strings.TrimSpace(q.Get("task")), State: q.Get("state")}
	f.Offset, f.Limit = pageParams(q)
	return f
}

// drawStates are the states in the order a draw passes them, for filters.
var drawStates = []string{spotcheck.DrawCommitting, spotcheck.DrawRevealing, spotcheck.DrawDrawn,
	spotcheck.DrawPublished, spotcheck.DrawFailed, spotcheck.DrawSuperseded}

// officialSummary counts what one person did in the draws of a list: the
// supervisors' view of every draw, re-draw and change per official.
type officialSummary struct {
	Name                                 string
	Plans, Redraws                       int
	Requested, Approved, Rejected, Queue int
}

// showDraws lists draws: those of the user's departments, and every draw
// for supervisors, with their re-draws and changes per official.
func (s *Server) showDraws(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := drawListParams(r.URL.Query())
	list, err := s.draws.FindDraws(ctx, f)
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	type row struct {
		drawRow
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
		rows[i].drawRow = newDrawRow(d)
		p := person(d.CreatedBy)
		p.Plans++
		if d.Supersedes != "" {
			p.Redraws++
		}
		cs, err := s.draws.FindDrawChanges(ctx, d.ID)
		if err != nil && spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
			s.views.Fail(w, r, err)
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
	states := make([]struct{ Value, Name string }, len(drawStates))
	for i, st := range drawStates {
		states[i].Value, states[i].Name = st, spotcheck.DrawStateNames[st]
	}
	s.views.Render(w, r, http.StatusOK, "draws", "随机抽取", map[string]any{
		"Rows": rows, "F": f, "States": states, "Summary": summary, "Kinds": spotcheck.DrawChangeNames,
		"All":   view.StaffUser(r).Has(spotcheck.PermSuperviseDraws),
		"Pager": newPager(r, list.Total, list.Offset, list.Limit, len(list.Items), list.More),
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

// showDraw is the page of one draw for staff of its departments and
// supervisors.
func (s *Server) showDraw(w http.ResponseWriter, r *http.Request) {
	s.renderDraw(w, r, http.StatusOK, "", nil, nil)
}

// renderDraw shows a draw's page; after a refused action, with the
// message above it, the problems beside the form's fields and what was
// typed into the change form.
func (s *Server) renderDraw(w http.ResponseWriter, r *http.Request, status int, msg string,
	problems spotcheck.Problems, changeForm url.Values) {
	ctx := r.Context()
	id, err := drawID(r, "id")
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	d, err := s.staffDraw(ctx, id)
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	p := view.StaffUser(r)
	var picks []spotcheck.DrawPick
	if !d.DrawnAt.IsZero() || d.State == spotcheck.DrawDrawn || d.State == spotcheck.DrawPublished {
		if picks, err = s.draws.FindDrawPicks(ctx, id); err != nil {
			s.views.Fail(w, r, err)
			return
		}
	}
	changes, err := s.draws.FindDrawChanges(ctx, id)
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	siblings, err := s.drawsOfTask(ctx, d.Task)
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	var supersedesID int64
	for _, o := range siblings {
		if d.Supersedes != "" && o.PlanHash == d.Supersedes {
			supersedesID = o.ID
		}
	}
	var me *spotcheck.DrawCommit
	var officials []string
	waiting := false // an official has not revealed yet
	for i, c := range d.Commits {
		if c.Participant == p.Username {
			me = &d.Commits[i]
		}
		if c.Participant != spotcheck.SystemParticipant {
			officials = append(officials, c.Participant)
			waiting = waiting || !c.Revealed
		}
	}
	state := d.State
	witness := p.Has(spotcheck.PermWitnessDraws) && me != nil
	manage := p.Has(spotcheck.PermManageDraws) && p.AuthorizeDraw(spotcheck.PermManageDraws, d.Departments()[:1]) == nil
	var current []spotcheck.DrawPick // entities that stand selected, for the change form
	for _, pk := range picks {
		if (!pk.Reserve || pk.Promoted) && !pk.Replaced {
			current = append(current, pk)
		}
	}
	if changeForm == nil {
		changeForm = url.Values{"kind": {spotcheck.ChangeSubstitute}}
	}
	s.views.Render(w, r, status, "draw", "抽取 #"+strconv.FormatInt(d.ID, 10)+" · "+d.TaskName, map[string]any{
		"D": d, "Row": newDrawRow(*d), "Steps": drawSteps(d), "Picks": picks, "Current": current,
		"Changes": changes, "SupersedesID": supersedesID, "Me": me, "Officials": officials,
		"Message": msg, "Problems": problems, "Errors": view.FieldErrors(problems), "ChangeForm": changeForm,
		"CanCommit":   witness && state == spotcheck.DrawCommitting && me.Commitment == "",
		"CanReveal":   witness && state == spotcheck.DrawRevealing && me.Commitment != "" && !me.Revealed,
		"CanWithhold": manage && (state == spotcheck.DrawCommitting || state == spotcheck.DrawRevealing),
		"CanRun":      manage && state == spotcheck.DrawRevealing,
		"Waiting":     waiting,
		"CanRequest":  manage && (state == spotcheck.DrawDrawn || state == spotcheck.DrawPublished) && len(current) > 0,
		"CanRedraw":   manage && state != spotcheck.DrawSuperseded,
		"CanDecide":   p.Has(spotcheck.PermApproveDraws),
		"CanLift":     p.Has(spotcheck.PermSuperviseDraws) && state == spotcheck.DrawDrawn,
		"Kinds":       drawChangeKinds(), "Reasons": drawChangeReasons(), "KindNames": spotcheck.DrawChangeNames,
		"ReasonNames": spotcheck.ChangeReasons,
		"Command":     "spotcheck draw commit --plan " + d.PlanHash + " --participant " + p.Username,
		"ChangeNames": map[string]string{spotcheck.ChangePending: "待审批", spotcheck.ChangeApproved: "已批准",
			spotcheck.ChangeRejected: "已驳回"},
	})
}

// staffDraw returns a draw for a staff page: only staff of its
// departments and supervisors may see it there (the store would show
// others what the public sees); to others it does not exist.
func (s *Server) staffDraw(ctx context.Context, id int64) (*spotcheck.Draw, error) {
	d, err := s.draws.FindDrawByID(ctx, id)
	if err != nil {
		return nil, err
	}
	missing := spotcheck.Errorf(spotcheck.ENOTFOUND, "没有编号为 %d 的抽取", id)
	if err := spotcheck.AuthorizeTaskCtx(ctx, spotcheck.PermViewDraws, d.Departments(), missing); err != nil {
		return nil, err
	}
	return d, nil
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

// showDrawForm is the form that plans a draw for a task, or a re-draw
// that supersedes one of its draws.
func (s *Server) showDrawForm(w http.ResponseWriter, r *http.Request) {
	form := url.Values{"supersedes": {r.URL.Query().Get("supersedes")}}
	s.renderDrawForm(w, r, http.StatusOK, form, nil, "")
}

func (s *Server) renderDrawForm(w http.ResponseWriter, r *http.Request, status int, form url.Values,
	problems spotcheck.Problems, msg string) {
	ctx := r.Context()
	tk, err := s.draws.FindTaskByCode(ctx, r.PathValue("code"))
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	draws, err := s.drawsOfTask(ctx, tk.Code)
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	var live []drawRow
	for _, d := range draws {
		if d.State != spotcheck.DrawSuperseded {
			live = append(live, newDrawRow(d))
		}
	}
	if form.Get("supersedes") == "" && len(live) > 0 && status == http.StatusOK {
		form.Set("supersedes", strconv.FormatInt(live[0].ID, 10)) // a task has one live draw
	}
	title := "发起随机抽取"
	if len(live) > 0 {
		title = "重新抽取"
	}
	s.views.Render(w, r, status, "draw_form", title, map[string]any{"T": tk, "Live": live, "Form": form,
		"Errors": view.FieldErrors(problems), "Problems": problems, "Message": msg})
}

// drawRequestFromForm reads the plan form.
func drawRequestFromForm(form url.Values) (spotcheck.DrawRequest, spotcheck.Problems) {
	var ps spotcheck.Problems
	req := spotcheck.DrawRequest{Officials: splitNames(form.Get("officials")), Dice: form.Get("dice") == "1",
		BeaconChain: strings.TrimSpace(form.Get("beacon_chain")), Reason: strings.TrimSpace(form.Get("reason"))}
	if t := strings.TrimSpace(form.Get("beacon_round")); t != "" {
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil || n <= 0 {
			ps.Add("beacon", "随机信标", "轮次“%s”应为正整数", t)
		}
		req.BeaconRound = n
	}
	if t := strings.TrimSpace(form.Get("supersedes")); t != "" {
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil || n <= 0 {
			ps.Add("supersedes", "被取代的抽取", "“%s”不是抽取编号", t)
		}
		req.Supersedes = n
	}
	return req, ps
}

// splitNames splits a list of user names or ids typed with commas,
// 顿号 or spaces.
func splitNames(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
}

// planDraw logs a plan for the task: the frame, exclusions, roster and
// conflicts are frozen from the directories as they are now.
func (s *Server) planDraw(w http.ResponseWriter, r *http.Request) {
	form := r.PostForm
	req, ps := drawRequestFromForm(form)
	var d *spotcheck.Draw
	var err error
	if ps = append(ps, req.Validate()...); len(ps) > 0 {
		err = ps.Err()
	} else {
		d, err = s.draws.PlanDraw(r.Context(), r.PathValue("code"), req)
	}
	if err != nil {
		if problems, msg, ok := view.FormProblems(err); ok {
			status, _, _ := view.ErrorStatus(err)
			s.renderDrawForm(w, r, status, form, problems, msg)
			return
		}
		s.views.Fail(w, r, err)
		return
	}
	view.Redirect(w, r, view.WithFlash("/staff/draws/"+strconv.FormatInt(d.ID, 10), "planned"))
}
