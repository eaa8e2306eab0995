package staff

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
	"spotcheck/xlsx"
)

// Annual plans (年度抽查计划, issue 10): planners draft their department's
// plan, import its tasks from the template, see the compliance findings
// after every save (and live while editing, through the JSON check), and
// publish it when there are none; a published plan changes only by a
// revision with its reason. A department's page lists its own plans and
// those of the departments below it, which are filed with it (上报备案).

// ShowPlans lists the plans the user may see and those filed with the
// user's department.
func (s *Handler) ShowPlans(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := view.StaffUser(r)
	q := r.URL.Query()
	f := spotcheck.PlanFilter{Limit: spotcheck.MaxPageSize}
	f.Year, _ = strconv.Atoi(q.Get("year"))
	own, err := s.svc.Plans.FindPlans(ctx, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.FiledWith = u.Dept
	filed, err := s.svc.Plans.FindPlans(ctx, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type section struct {
		Title, Empty string
		Plans        []spotcheck.Plan
	}
	mine := slices.DeleteFunc(own.Items, func(p spotcheck.Plan) bool { return !u.InScope(p.Dept) })
	sections := []section{{"本部门及下级部门的计划", "暂无年度抽查计划", mine}}
	if len(filed.Items) > 0 {
		sections = append(sections, section{"报本部门备案的计划（上报备案）", "", filed.Items})
	}
	s.renderTitled(w, r, http.StatusOK, "plans", "年度抽查计划", map[string]any{
		"Sections": sections, "States": spotcheck.PlanStateNames,
	})
}

// ShowPlanForm shows the form of a new plan, or of the draft revision of
// plan {key}.
func (s *Handler) ShowPlanForm(w http.ResponseWriter, r *http.Request) {
	u := view.StaffUser(r)
	form := url.Values{"dept": {u.Dept}, "year": {strconv.Itoa(s.year() + 1)}}
	if key := r.PathValue("key"); key != "" {
		p, err := s.draftRevision(r, key)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		form = planValues(p)
	}
	s.renderPlanForm(w, r, http.StatusOK, form, nil, "")
}

// draftRevision returns the latest revision of plan key when it is a
// draft the user may edit.
func (s *Handler) draftRevision(r *http.Request, key string) (*spotcheck.Plan, error) {
	revs, err := s.svc.Plans.FindPlanRevisions(r.Context(), key)
	if err != nil {
		return nil, err
	}
	p := &revs[0]
	if err := p.Can(spotcheck.PlanActEdit, view.StaffUser(r)); err != nil {
		return nil, err
	}
	return p, nil
}

// planValues are a plan's form values.
func planValues(p *spotcheck.Plan) url.Values {
	return url.Values{"dept": {p.Dept}, "year": {strconv.Itoa(p.Year)}, "revision": {strconv.Itoa(p.Revision)},
		"name": {p.Name}, "office": {p.Office}, "key_items": {strings.Join(p.KeyItems, "、")},
		"key_tasks": {strings.Join(p.KeyTasks, "\n")}, "note": {p.Note}, "revision_note": {p.RevisionNote}}
}

// planFromForm reads the form; a year that is not a number is a problem.
func planFromForm(form url.Values) (*spotcheck.Plan, spotcheck.Problems) {
	var ps spotcheck.Problems
	year, err := strconv.Atoi(strings.TrimSpace(form.Get("year")))
	if err != nil {
		ps = append(ps, spotcheck.FieldError{Field: "year", Label: "年度", Message: "应为四位年份，如2026"})
	}
	rev, _ := strconv.Atoi(form.Get("revision"))
	return &spotcheck.Plan{Dept: form.Get("dept"), Year: year, Revision: rev, Name: form.Get("name"),
		Office: form.Get("office"), KeyItems: spotcheck.SplitList(form.Get("key_items")),
		KeyTasks: strings.Split(strings.ReplaceAll(form.Get("key_tasks"), "\r\n", "\n"), "\n"),
		Note:     form.Get("note"), RevisionNote: form.Get("revision_note")}, ps
}

func (s *Handler) renderPlanForm(w http.ResponseWriter, r *http.Request, status int, form url.Values,
	problems spotcheck.Problems, msg string) {
	ctx := r.Context()
	depts, err := s.namingDepts(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key := r.PathValue("key")
	title := "新建年度抽查计划"
	if key != "" {
		title = "编辑计划 " + key
	}
	s.renderTitled(w, r, status, "plan_form", title, map[string]any{
		"Form": form, "Errors": view.FieldErrors(problems), "Problems": problems, "Message": msg, "Key": key,
		"Depts": scopedDepts(view.StaffUser(r), deptTree(depts)),
	})
}

// SavePlan creates a plan (POST /staff/plans) or saves the draft revision
// of {key}; problems come back beside their fields with everything as
// typed, and a saved plan's page shows its findings anew.
func (s *Handler) SavePlan(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.EINVALID, "表单格式错误"))
		return
	}
	form := r.PostForm
	key := r.PathValue("key")
	if key != "" {
		dept, year, ok := spotcheck.ParsePlanKey(key)
		if !ok {
			s.fail(w, r, spotcheck.NoPlan(key))
			return
		}
		form.Set("dept", dept)
		form.Set("year", strconv.Itoa(year))
	}
	p, ps := planFromForm(form)
	var err error
	switch {
	case len(ps) > 0:
		check := *p
		check.Normalize()
		err = append(ps, check.Validate()...).Err()
	case key == "":
		err = s.svc.Plans.CreatePlan(r.Context(), p)
	default:
		err = s.svc.Plans.UpdatePlan(r.Context(), p)
	}
	if err != nil {
		if problems, msg, ok := view.FormProblems(err); ok {
			s.renderPlanForm(w, r, http.StatusBadRequest, form, problems, msg)
			return
		}
		s.fail(w, r, err)
		return
	}
	view.Redirect(w, r, view.WithFlash("/staff/plans/"+url.PathEscape(p.Key()), "saved"))
}

// CheckPlanForm answers the live check of the edit form: the findings of
// the plan as typed, with its stored tasks, as JSON.
func (s *Handler) CheckPlanForm(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.EINVALID, "表单格式错误"))
		return
	}
	dept, year, ok := spotcheck.ParsePlanKey(r.PathValue("key"))
	if !ok {
		s.fail(w, r, spotcheck.NoPlan(r.PathValue("key")))
		return
	}
	r.PostForm.Set("dept", dept)
	r.PostForm.Set("year", strconv.Itoa(year))
	p, _ := planFromForm(r.PostForm)
	findings, err := s.svc.Plans.CheckPlanDraft(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(map[string]any{"findings": orNone(findings)})
}

func orNone(fs []spotcheck.Finding) []spotcheck.Finding {
	if fs == nil {
		return []spotcheck.Finding{}
	}
	return fs
}

// ShowPlan shows a plan: its latest revision the user may see (?rev= for
// another), its tasks and the compliance findings.
func (s *Handler) ShowPlan(w http.ResponseWriter, r *http.Request) {
	s.renderPlan(w, r, http.StatusOK, nil)
}

func (s *Handler) renderPlan(w http.ResponseWriter, r *http.Request, status int, extra map[string]any) {
	ctx := r.Context()
	key := r.PathValue("key")
	revs, err := s.svc.Plans.FindPlanRevisions(ctx, key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &revs[0]
	if n, err := strconv.Atoi(r.URL.Query().Get("rev")); err == nil {
		for i := range revs {
			if revs[i].Revision == n {
				p = &revs[i]
			}
		}
	}
	tasks, err := s.svc.Plans.FindPlanTasks(ctx, key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	findings, err := s.svc.Plans.CheckPlan(ctx, key, p.Revision)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := view.StaffUser(r)
	d := map[string]any{"P": p, "Revs": revs, "Tasks": tasks, "Findings": findings,
		"State": spotcheck.PlanStateNames[p.State], "States": spotcheck.PlanStateNames, "TaskStates": spotcheck.TaskStateNames,
		"CanEdit":    p.Can(spotcheck.PlanActEdit, u) == nil,
		"CanPublish": p.Can(spotcheck.PlanActPublish, u) == nil,
		"CanRevise":  p == &revs[0] && p.Can(spotcheck.PlanActRevise, u) == nil,
	}
	for k, v := range extra {
		d[k] = v
	}
	s.renderTitled(w, r, status, "plan", p.Name, d)
}

// PublishPlan publishes the draft revision; a refusal shows the findings.
func (s *Handler) PublishPlan(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	rev, _ := strconv.Atoi(r.PostFormValue("revision"))
	findings, err := s.svc.Plans.PublishPlan(r.Context(), key, rev)
	if len(findings) > 0 || spotcheck.ErrorCode(err) == spotcheck.ECONFLICT || spotcheck.ErrorCode(err) == spotcheck.EINVALID {
		s.renderPlan(w, r, http.StatusConflict, map[string]any{"Error": spotcheck.ErrorMessage(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view.Redirect(w, r, view.WithFlash("/staff/plans/"+url.PathEscape(key), "published"))
}

// RevisePlan opens the next revision with its reason.
func (s *Handler) RevisePlan(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	_, err := s.svc.Plans.RevisePlan(r.Context(), key, r.PostFormValue("reason"))
	if c := spotcheck.ErrorCode(err); c == spotcheck.EINVALID || c == spotcheck.ECONFLICT {
		s.renderPlan(w, r, http.StatusBadRequest, map[string]any{"ReviseError": spotcheck.ErrorMessage(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view.Redirect(w, r, view.WithFlash("/staff/plans/"+url.PathEscape(key), "saved"))
}

// ImportPlanTasks imports the tasks of the uploaded sheet into the draft
// revision, all or nothing; row errors are listed on the plan's page.
func (s *Handler) ImportPlanTasks(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	up, err := uploadedFile(r, "file")
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok || view.IsTimeout(err) {
			s.fail(w, r, err)
			return
		}
		s.renderPlan(w, r, http.StatusBadRequest, map[string]any{"ImportError": "请选择要导入的 .xlsx 或 .csv 文件"})
		return
	}
	defer up.Close()
	src, err := xlsx.ReadPlanTasks(up.Name, up, up.Size)
	if err == nil {
		err = s.svc.Plans.CreatePlanTasks(r.Context(), key, *src)
	}
	if ie, ok := errors.AsType[*spotcheck.ImportError](err); ok {
		s.renderPlan(w, r, http.StatusBadRequest, map[string]any{"File": up.Name, "ImportProblems": ie})
		return
	}
	if c := spotcheck.ErrorCode(err); c == spotcheck.EINVALID || c == spotcheck.ECONFLICT {
		s.renderPlan(w, r, http.StatusBadRequest, map[string]any{"File": up.Name, "ImportError": spotcheck.ErrorMessage(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view.Redirect(w, r, view.WithFlash("/staff/plans/"+url.PathEscape(key), "imported"))
}

// DownloadPlanTasks sends the plan's tasks as the import sheet ({file}:
// tasks.xlsx or tasks.csv), or the empty template when it has none.
func (s *Handler) DownloadPlanTasks(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	tasks, err := s.svc.Plans.FindPlanTasks(r.Context(), key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendPlanTasks(w, r, s.files, key, r.PathValue("file"), tasks)
}

// DownloadPlanTemplate sends the empty task sheet with its notes.
func (s *Handler) DownloadPlanTemplate(w http.ResponseWriter, r *http.Request) {
	sendPlanTasks(w, r, s.files, "", "template.xlsx", nil)
}

func sendPlanTasks(w http.ResponseWriter, r *http.Request, files view.Downloads, key, file string, tasks []spotcheck.Task) {
	f, err := xlsx.FormatOf(file)
	if err != nil {
		http.Error(w, "不支持的文件格式", http.StatusNotFound)
		return
	}
	var buf bytes.Buffer
	if err := xlsx.WritePlanTasks(&buf, f, tasks); err != nil {
		http.Error(w, "生成文件失败", http.StatusInternalServerError)
		return
	}
	name := "年度计划任务导入模板." + string(f)
	if key != "" {
		name = key + "年度计划任务." + string(f)
	}
	attachment(w, name, f)
	files.Send(w, r, &buf, int64(buf.Len()))
}
