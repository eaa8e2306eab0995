package api

import (
	"net/http"
	"strconv"
	"time"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// planJSON is an annual plan (年度抽查计划) revision in the API, with the
// codes of its tasks (TaskCodes: a field named Tasks would be taken for a
// list's by fieldDoc). Plans are read here; they are drafted, checked and
// published on the staff pages.
type planJSON struct {
	Key          string    `json:"key" doc:"计划标识：部门代码-年度，如 GLWL-2026"`
	Dept         string    `json:"dept" doc:"部门代码"`
	Year         int       `json:"year" doc:"年度"`
	Revision     int       `json:"revision" doc:"版本（修订后递增）"`
	State        string    `json:"state" doc:"状态：draft 草稿、published 已发布、superseded 已被修订"`
	Name         string    `json:"name" doc:"计划名称"`
	Office       string    `json:"office" doc:"监管责任处室"`
	KeyItems     []string  `json:"key_items" doc:"年度重点监管事项编码"`
	KeyTasks     []string  `json:"key_tasks" doc:"年度重点监管任务"`
	Note         string    `json:"note" doc:"说明"`
	RevisionNote string    `json:"revision_note" doc:"修订原因"`
	FiledWith    string    `json:"filed_with" doc:"上报备案的上级部门代码（发布后）"`
	PublishedAt  string    `json:"published_at" doc:"发布时间（RFC 3339，未发布为空）"`
	LogIndex     int64     `json:"log_index" doc:"发布记入日志的条目序号，未发布为 -1"`
	CreatedBy    string    `json:"created_by" doc:"创建人"`
	CreatedAt    time.Time `json:"created_at" doc:"创建时间"`
	TaskCodes    []string  `json:"tasks" doc:"计划任务编号（仅详情）"`
}

type findingJSON struct {
	Rule     string `json:"rule" doc:"规则：coverage、rounds、risk-ratio、item、inspectors、cap"`
	Where    string `json:"where" doc:"位置：任务编号、事项编码或 类型/区划"`
	Message  string `json:"message" doc:"说明（中文，含差距）"`
	RuleName string `json:"rule_name" doc:"规则名称（中文）"`
}

type checkJSON struct {
	Compliant bool          `json:"compliant" doc:"是否符合规定"`
	Findings  []findingJSON `json:"findings" doc:"不符合规定之处，每条规则和位置一条"`
}

func planToJSON(p spotcheck.Plan) planJSON {
	j := planJSON{Key: p.Key(), Dept: p.Dept, Year: p.Year, Revision: p.Revision, State: p.State, Name: p.Name,
		Office: p.Office, KeyItems: nonNil(p.KeyItems), KeyTasks: nonNil(p.KeyTasks), Note: p.Note,
		RevisionNote: p.RevisionNote, FiledWith: p.FiledWith, LogIndex: p.LogIndex, CreatedBy: p.CreatedBy,
		CreatedAt: p.CreatedAt, TaskCodes: []string{}}
	if !p.PublishedAt.IsZero() {
		j.PublishedAt = p.PublishedAt.UTC().Format(time.RFC3339)
	}
	return j
}

// planQuery are the parameters of the plan list.
var planQuery = append([]apiParam{textParam("dept", "部门代码"), textParam("filed_with", "上报备案的部门代码"),
	textParam("year", "年度")}, pageQuery...)

func (s *Handler) ListPlans(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := spotcheck.PlanFilter{Dept: q.Get("dept"), FiledWith: q.Get("filed_with")}
	f.Year, _ = strconv.Atoi(q.Get("year"))
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	l, err := s.svc.Plans.FindPlans(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view.WriteJSON(w, http.StatusOK, toListJSON(l, planToJSON))
}

func (s *Handler) GetPlan(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, err := s.svc.Plans.FindPlanByKey(ctx, r.PathValue("key"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tasks, err := s.svc.Plans.FindPlanTasks(ctx, p.Key())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	j := planToJSON(*p)
	for _, t := range tasks {
		j.TaskCodes = append(j.TaskCodes, t.Code)
	}
	view.WriteJSON(w, http.StatusOK, j)
}

// CheckPlan runs the compliance check on the plan in force (the published
// revision, else the latest draft), as `spotcheck plan check` does.
func (s *Handler) CheckPlan(w http.ResponseWriter, r *http.Request) {
	fs, err := s.svc.Plans.CheckPlan(r.Context(), r.PathValue("key"), 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := checkJSON{Compliant: len(fs) == 0, Findings: []findingJSON{}}
	for _, f := range fs {
		out.Findings = append(out.Findings, findingJSON(f))
	}
	view.WriteJSON(w, http.StatusOK, out)
}
