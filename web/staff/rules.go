package staff

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The department admin's 一细则 (issue 12, item 4): the departments they
// keep with their current documents, and the form that publishes a new
// version, prefilled with the current one. "预览" shows the clauses as
// the portal will, parameters beside them, without publishing; the store
// checks the same rules again when "发布" is pressed.

// rulesSkeleton is the first version's text until the admin writes one:
// the format by example.
var rulesSkeleton = map[string]string{
	"rules": "# 第一章 总则\n1. 为规范本部门“双随机、一公开”监管工作，制定本细则。\n" +
		"# 第二章 抽查比例和频次\n2. 对检查对象的抽查比例不低于3%{参数:floor-ratio}，每年不少于两轮{参数:rounds}。\n",
	"workflow": "1. 制定并公布年度抽查计划。\n2. 检查结果自检查完成之日起20个工作日内公示{参数:publication-deadline}。\n",
}

// ShowRulesDocs lists the departments the admin keeps, with their
// current documents (GET /staff/rules).
func (s *Handler) ShowRulesDocs(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := view.StaffUser(r)
	depts, err := s.svc.Departments.FindDepartments(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	docs, err := s.svc.Rules.FindRulesDocs(ctx, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	current := map[string]spotcheck.RulesDoc{}
	for _, d := range docs {
		current[d.Dept] = d
	}
	type row struct {
		Dept string
		Doc  *spotcheck.RulesDoc
	}
	var rows []row
	for _, d := range depts {
		if !d.Active || p.Authorize(spotcheck.PermEditLists, d.Code) != nil {
			continue
		}
		rw := row{Dept: d.Code}
		if doc, ok := current[d.Code]; ok {
			rw.Doc = &doc
		}
		rows = append(rows, rw)
	}
	s.renderTitled(w, r, http.StatusOK, "rules", "实施细则和工作流程", map[string]any{"Rows": rows})
}

// ShowRulesForm shows the form of dept's next version (GET /staff/rules/{dept}).
func (s *Handler) ShowRulesForm(w http.ResponseWriter, r *http.Request) {
	dept := r.PathValue("dept")
	if err := keepsRules(r, dept); err != nil {
		s.fail(w, r, err)
		return
	}
	f := map[string]string{"base": "0", "effective_from": s.today(), "rules": rulesSkeleton["rules"],
		"workflow": rulesSkeleton["workflow"]}
	d, err := s.svc.Rules.FindRulesDoc(r.Context(), dept, 0)
	switch {
	case err == nil:
		f = map[string]string{"base": strconv.Itoa(d.Version), "title": d.Title, "effective_from": d.EffectiveFrom,
			"rules": d.Rules, "workflow": d.Workflow}
	case spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND:
		s.fail(w, r, err)
		return
	}
	s.renderRulesForm(w, r, http.StatusOK, dept, f, nil, nil)
}

// keepsRules returns nil when the user keeps dept's document; a
// department outside their scope does not exist for them (ENOTFOUND), as
// records of other departments do not.
func keepsRules(r *http.Request, dept string) error {
	p := view.StaffUser(r)
	if !p.InScope(dept) {
		return spotcheck.Errorf(spotcheck.ENOTFOUND, "没有部门“%s”，或不在您的管辖范围", dept)
	}
	return p.Authorize(spotcheck.PermEditLists, dept)
}

func (s *Handler) renderRulesForm(w http.ResponseWriter, r *http.Request, status int, dept string,
	f map[string]string, ps spotcheck.Problems, preview *view.RulesPage) {
	ctx := r.Context()
	params, err := s.svc.Rules.FindRuleParams(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	versions, err := s.svc.Rules.FindRulesDocs(ctx, dept)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, status, "rules_form", "发布实施细则", map[string]any{"Dept": dept, "F": f,
		"Errors": view.FieldErrors(ps), "Problems": ps, "Params": params, "Versions": versions, "Preview": preview})
}

// PublishRulesDoc previews or publishes dept's next version from the
// form (POST /staff/rules/{dept}).
func (s *Handler) PublishRulesDoc(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	dept := r.PathValue("dept")
	if err := keepsRules(r, dept); err != nil {
		s.fail(w, r, err) // before reading the form: refused, whatever it holds
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.EINVALID, "表单格式错误"))
		return
	}
	f := map[string]string{}
	for _, k := range []string{"base", "title", "effective_from", "note", "rules", "workflow"} {
		f[k] = r.PostFormValue(k)
	}
	base, err := strconv.Atoi(strings.TrimSpace(f["base"]))
	if err != nil || base < 0 {
		s.fail(w, r, spotcheck.Errorf(spotcheck.EINVALID, "表单缺少所依据的版本号，请重新打开发布页面"))
		return
	}
	d := &spotcheck.RulesDoc{Dept: dept, Version: base, Title: f["title"], EffectiveFrom: f["effective_from"],
		Note: f["note"], Rules: f["rules"], Workflow: f["workflow"]}
	if r.PostFormValue("action") == "preview" {
		params, err := s.svc.Rules.FindRuleParams(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Normalize()
		d.Params = params
		ps := d.Validate(base, params)
		pg := view.NewRulesPage(d, params)
		status := http.StatusOK
		if len(ps) > 0 {
			status = http.StatusBadRequest
		}
		s.renderRulesForm(w, r, status, dept, f, ps, &pg)
		return
	}
	err = s.svc.Rules.PublishRulesDoc(ctx, d)
	if err == nil {
		view.Redirect(w, r, view.WithFlash("/staff/rules/"+url.PathEscape(dept), "rules-published"))
		return
	}
	ps, msg, ok := view.FormProblems(err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	if msg != "" {
		ps.Add("", "发布", "%s", msg)
	}
	s.renderRulesForm(w, r, http.StatusBadRequest, dept, f, ps, nil)
}
