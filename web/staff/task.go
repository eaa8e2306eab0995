package staff

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// Tasks (抽查任务, design §5, issue 10): planners draft them, edit the
// drafts, publish them (抽查任务公告) and take them through their states
// (task_step.go); everyone who may see draws reads those of their
// departments (supervisors all). A published task is never edited: a
// wrong one is cancelled, with a reason.

func (s *Handler) ShowTasks(w http.ResponseWriter, r *http.Request) {
	f := view.TaskFilter(r.URL.Query())
	list, err := s.svc.Tasks.FindTasks(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "tasks", "抽查任务", map[string]any{
		"List": list, "F": f, "States": taskChoices["state"], "StateName": spotcheck.TaskStateNames,
		"StateClass": TaskStateClass,
		"Pager":      view.ListPager(r, list),
	})
}

func (s *Handler) ShowTask(w http.ResponseWriter, r *http.Request) {
	tk, err := s.svc.Tasks.FindTaskByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTaskPage(w, r, http.StatusOK, tk, "")
}

// renderTaskPage shows a task with its draws and the steps the user may
// take now, and msg when a step was refused.
func (s *Handler) renderTaskPage(w http.ResponseWriter, r *http.Request, status int, tk *spotcheck.Task, msg string) {
	draws, err := s.drawsOfTask(r.Context(), tk.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var handovers []spotcheck.TaskHandover
	if tk.Mode == spotcheck.ModeCityDrawsDistrict {
		if handovers, err = s.svc.Tasks.FindTaskHandovers(r.Context(), tk.Code); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	// Before the draw, the expected staffing says whether every expected
	// visit will get a full team (spec §6), so that a shortfall is fixed
	// before it is drawn.
	var staffing *spotcheck.Staffing
	if tk.State == spotcheck.TaskDraft || tk.State == spotcheck.TaskPublished {
		if staffing, err = s.svc.Plans.FindTaskStaffing(r.Context(), tk.Code); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	p := view.StaffUser(r)
	var redraw int64
	live := tk.LiveDraw(draws)
	if live != nil {
		redraw = live.ID
	}
	s.renderTitled(w, r, status, "task", tk.Name, map[string]any{
		"T": tk, "Draws": view.DrawRows(draws), "Live": live != nil, "Message": msg, "Handovers": handovers, "Staffing": staffing,
		"StrataBy": strataByNames[tk.StrataBy], "Names": taskNames(tk),
		"Steps": taskSteps(tk, p), "CanEdit": tk.Can(spotcheck.TaskActEdit, p) == nil,
		"CanDraw": tk.CanPlanDraw(p, draws, redraw) == nil,
		"Publish": s.taskPublish(r, tk, p), // publishing its results at once: publish.go
	})
}

// strataByNames names the ways of stratifying.
var strataByNames = map[string]string{
	spotcheck.StrataByCredit:    "按信用风险分类（A、B、C、D）",
	spotcheck.StrataByKey:       "按重点/一般检查对象（key、general）",
	spotcheck.StrataByKeyCredit: "重点对象单列，其余按信用风险分类",
}

// stratumNames names stratum ids where the pages show them.
var stratumNames = map[string]string{
	"A": "信用风险低", "B": "信用风险一般", "C": "信用风险较高", "D": "信用风险高",
	"key": "重点检查对象", "general": "一般检查对象",
}

// defaultRates are the rates a new task's form proposes: the 3 % floor,
// higher for riskier strata (国办发〔2019〕5号: 信用风险高的提高比例).
var defaultRates = map[string]string{"A": "3/100", "B": "5/100", "C": "10/100", "D": "20/100", "key": "20/100",
	"general": "5/100"}

// newTaskForm returns the form values of a new task: the planner's
// department as the authority and the usual defaults.
func newTaskForm(p *spotcheck.Principal) url.Values {
	v := url.Values{"authority": {p.Dept}, "strata_by": {spotcheck.StrataByCredit}, "cap_slack": {"0"},
		"annual_cap": {strconv.Itoa(spotcheck.DefaultAnnualCap)}, "eligible_status": {spotcheck.StatusOperating},
		"team_unit": {p.Dept}, "team_size": {"2"}, "source": {spotcheck.TaskAdHoc}, "kind": {spotcheck.TaskUndirected},
		"mode": {spotcheck.ModeSameLevel}, "round": {"0"}, "experts": {"0"}, "expected": {"0"}}
	for _, id := range view.TaskStrataIDs {
		v.Set("rate."+id, defaultRates[id])
		v.Set("min."+id, "1")
		v.Set("max."+id, "0")
		v.Set("reserve."+id, "2")
	}
	return v
}

func (s *Handler) ShowTaskForm(w http.ResponseWriter, r *http.Request) {
	s.renderTaskForm(w, r, http.StatusOK, newTaskForm(view.StaffUser(r)), nil, "")
}

// stratumRow is one stratum's row of the task form, as typed.
type stratumRow struct {
	ID, Name, For           string
	Rate, Min, Max, Reserve string
	Error                   string
}

func (s *Handler) renderTaskForm(w http.ResponseWriter, r *http.Request, status int, form url.Values,
	problems spotcheck.Problems, msg string) {
	ctx := r.Context()
	agencies, err := view.AllPages(func(off int) (spotcheck.List[*spotcheck.Agency], error) {
		return s.svc.Agencies.FindAgencies(ctx, spotcheck.AgencyFilter{Offset: off, Limit: 200})
	})
	if err != nil && spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
		s.fail(w, r, err)
		return
	}
	agencies = slices.DeleteFunc(agencies, func(a *spotcheck.Agency) bool { return !a.Active })
	depts, err := s.namingDepts(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ref, err := s.svc.Reference.FindReference(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, err := view.AllPages(func(off int) (spotcheck.List[*spotcheck.Item], error) {
		return s.svc.Items.FindItems(ctx, spotcheck.ItemFilter{Status: spotcheck.ItemActive, Offset: off, Limit: 200})
	})
	if err != nil && spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
		s.fail(w, r, err)
		return
	}
	items = slices.DeleteFunc(items, func(it *spotcheck.Item) bool { return it.Parent != "" })
	errs := view.FieldErrors(problems)
	var strata []stratumRow
	for _, id := range view.TaskStrataIDs {
		var for_ []string
		for _, by := range []string{spotcheck.StrataByCredit, spotcheck.StrataByKey, spotcheck.StrataByKeyCredit} {
			if slices.Contains(spotcheck.StratumIDs(by), id) {
				for_ = append(for_, by)
			}
		}
		strata = append(strata, stratumRow{ID: id, Name: stratumNames[id], For: strings.Join(for_, " "),
			Rate: form.Get("rate." + id), Min: form.Get("min." + id), Max: form.Get("max." + id),
			Reserve: form.Get("reserve." + id), Error: errs["strata."+id]})
	}
	team := (&view.TaskForm{TeamUnits: form["team_unit"], TeamSizes: form["team_size"]}).Team()
	for len(team) < 3 {
		team = append(team, view.TeamRow{})
	}
	tree := deptTree(depts)
	title, action := "新增抽查任务", "/staff/tasks"
	if code := r.PathValue("code"); code != "" {
		title, action = "编辑草稿："+code, "/staff/tasks/"+url.PathEscape(code)
	}
	s.renderTitled(w, r, status, "task_form", title, map[string]any{
		"Action": action, "Editing": r.PathValue("code") != "", "Agencies": agencies, "Choices": taskChoices,
		"Form": form, "Errors": errs, "Problems": problems, "Message": msg,
		"Authorities": scopedDepts(view.StaffUser(r), tree), "Depts": tree, "Items": items, "Ref": ref,
		"Statuses": spotcheck.EntityStatuses, "Strata": strata, "Team": team,
		"StrataBy": []struct{ Value, Name string }{
			{spotcheck.StrataByCredit, strataByNames[spotcheck.StrataByCredit]},
			{spotcheck.StrataByKey, strataByNames[spotcheck.StrataByKey]},
			{spotcheck.StrataByKeyCredit, strataByNames[spotcheck.StrataByKeyCredit]},
		},
		"Set": func(field, v string) bool { return view.Checked(form, field, v) },
	})
}

// SaveTask creates a task from the form (POST /staff/tasks) or replaces a
// draft (POST /staff/tasks/{code}); problems come back beside their
// fields with everything as typed.
func (s *Handler) SaveTask(w http.ResponseWriter, r *http.Request) {
	form := r.PostForm
	tk, ps := view.ParseTaskForm(form)
	editing := r.PathValue("code") != ""
	if editing {
		// A task the user may not see is missing, whatever the form says.
		if _, err := s.svc.Tasks.FindTaskByCode(r.Context(), r.PathValue("code")); err != nil {
			s.fail(w, r, err)
			return
		}
		tk.Code = r.PathValue("code")
		form.Set("code", tk.Code)
	}
	var err error
	switch {
	case len(ps) > 0:
		// Show the other problems too, not one round trip per field.
		check := *tk
		check.Normalize()
		err = append(ps, check.Validate()...).Err()
	case editing:
		err = s.svc.Tasks.UpdateTask(r.Context(), tk)
	default:
		err = s.svc.Tasks.CreateTask(r.Context(), tk)
	}
	if err != nil {
		if problems, msg, ok := view.FormProblems(err); ok {
			status, _, _ := view.ErrorStatus(err) // 400, or 409 for a task past its draft
			s.renderTaskForm(w, r, status, form, problems, msg)
			return
		}
		s.fail(w, r, err)
		return
	}
	flash := "created"
	if editing {
		flash = "saved"
	}
	view.Redirect(w, r, view.WithFlash("/staff/tasks/"+url.PathEscape(tk.Code), flash))
}

// drawsOfTask lists every draw of a task, newest first, superseded ones
// included.
func (s *Handler) drawsOfTask(ctx context.Context, task string) ([]spotcheck.Draw, error) {
	return view.AllPages(func(off int) (spotcheck.List[spotcheck.Draw], error) {
		return s.svc.Draws.FindDraws(ctx, spotcheck.DrawFilter{Task: task, Offset: off, Limit: 200})
	})
}
