package api

import (
	"net/http"
	"net/url"
	"time"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// taskJSON is a task (抽查任务) in the API. (Its items are ItemCodes in
// Go: a field named Items would be taken for a list's by fieldDoc.) Tasks
// are created as drafts and updated only as drafts (PUT); then they move
// through their states by the steps of task_step_api.go, and a draw's plan
// names the task as it was.
type taskJSON struct {
	Code      string            `json:"code" doc:"任务编号（字母、数字或连字符），如 2026-FZWL-SJ-001"`
	Name      string            `json:"name" doc:"任务名称"`
	Authority string            `json:"authority" doc:"发起部门代码（文旅部门）"`
	Partners  []string          `json:"partners" doc:"联合部门代码"`
	ItemCodes []string          `json:"items" doc:"抽查事项编码（须已启用）"`
	Scope     taskScopeJSON     `json:"scope" doc:"抽取范围"`
	StrataBy  string            `json:"strata_by" doc:"分层方式：credit（A–D）、key（key/general）、key+credit"`
	Strata    []stratumRuleJSON `json:"strata" doc:"各层的抽查比例，每个分层一项"`
	Team      []teamSlotJSON    `json:"team" doc:"检查组构成，第一项为发起部门（主检）"`
	Start     string            `json:"start" doc:"检查开始日期 YYYY-MM-DD"`
	End       string            `json:"end" doc:"检查结束日期 YYYY-MM-DD（同一年度）"`
	CapSlack  int               `json:"cap_slack" doc:"人员工作量上限的余量（0–100）"`
	AnnualCap int               `json:"annual_cap" doc:"同一对象每年被本部门抽查的次数上限（默认2）"`
	CreatedBy string            `json:"created_by" doc:"创建人" api:"readonly"`
	CreatedAt time.Time         `json:"created_at" doc:"创建时间" api:"readonly"`

	Source                string           `json:"source" doc:"任务来源：plan 年度计划，adhoc 临时任务（默认）"`
	Plan                  string           `json:"plan" doc:"所属年度计划编号（发起部门代码-年度，如 FZWL-2026），年度计划任务必填"`
	Round                 int              `json:"round" doc:"计入本年度第几轮抽查，0 为不计入"`
	Kind                  string           `json:"kind" doc:"抽查类型：undirected 不定向（默认），directed 定向"`
	Joint                 string           `json:"joint" doc:"联合方式：own 本部门，joint-internal 部门内联合，joint-cross 跨部门联合（空则按有无联合部门）"`
	Mode                  string           `json:"mode" doc:"抽查模式：same-level 本级抽取、本级检查（默认），city-district 市抽县查"`
	ItemTargets           []itemTargetJSON `json:"item_targets" doc:"各事项的目标户数"`
	Experts               int              `json:"experts" doc:"每组专家人数（0–5）"`
	Control               int              `json:"control" doc:"对照样本户数（0–500）：从全部可抽对象中均匀抽出，检验信用风险模型"`
	Agency                string           `json:"agency" doc:"协助的专业机构（统一社会信用代码），空为无"`
	DrawWindow            bool             `json:"draw_window" doc:"须在本部门固定抽取窗口内抽取"`
	SkipInspectedByOthers bool             `json:"skip_inspected_by_others" doc:"排除检查期间已被其他部门检查的对象"`
	Appointments          bool             `json:"appointments" doc:"双预约：检查对象可在检查期间内预约检查时间"`
	Expected              int              `json:"expected" doc:"预计抽取户数（年度计划合规检查）"`
	State                 string           `json:"state" doc:"任务状态：draft 草稿、published 已发布、drawn 已抽取、inspecting 检查中、reviewing 待审核、publicized 已公示、follow-up 后续处置、closed 办结、cancelled 已撤销" api:"readonly"`
	CancelReason          string           `json:"cancel_reason" doc:"撤销理由" api:"readonly"`
	PublishedAt           *time.Time       `json:"published_at" doc:"发布（公告）时间，草稿为 null" api:"readonly"`
	LogIndex              *int64           `json:"log_index" doc:"抽查任务公告在日志中的序号，草稿为 null" api:"readonly"`
}

type itemTargetJSON struct {
	Item   string `json:"item" doc:"抽查事项编码（本任务的事项）"`
	Target int    `json:"target" doc:"目标户数（至少1）"`
}

type taskScopeJSON struct {
	Types          []string `json:"types" doc:"检查对象类型代码（T01…），空为全部"`
	Divisions      []string `json:"divisions" doc:"行政区划代码，空为发起部门辖区全部"`
	FoundedBefore  string   `json:"founded_before" doc:"成立日期早于 YYYY-MM-DD，空为不限"`
	EligibleStatus []string `json:"eligible_status" doc:"可抽查的经营状态（默认在营）"`
}

type stratumRuleJSON struct {
	ID      string `json:"id" doc:"分层标识：A–D、key、general"`
	Rate    string `json:"rate" doc:"抽查比例 a/b，不低于 3/100"`
	Min     int    `json:"min" doc:"至少抽取数"`
	Max     int    `json:"max" doc:"至多抽取数，0 为不限"`
	Reserve int    `json:"reserve" doc:"备选数"`
}

type teamSlotJSON struct {
	Unit string `json:"unit" doc:"派员部门代码"`
	Size int    `json:"size" doc:"每组人数"`
}

func taskToJSON(t spotcheck.Task) taskJSON {
	j := taskJSON{Code: t.Code, Name: t.Name, Authority: t.Authority, Partners: nonNil(t.Partners),
		ItemCodes: nonNil(t.Items), StrataBy: t.StrataBy, Start: t.Start, End: t.End, CapSlack: t.CapSlack,
		AnnualCap: t.AnnualCap, CreatedBy: t.CreatedBy, CreatedAt: t.CreatedAt,
		Scope: taskScopeJSON{nonNil(t.Scope.Types), nonNil(t.Scope.Divisions), t.Scope.FoundedBefore,
			nonNil(t.Scope.EligibleStatus)},
		Strata: []stratumRuleJSON{}, Team: []teamSlotJSON{},
		Source: t.Source, Plan: t.Plan, Round: t.Round, Kind: t.Kind, Joint: t.Joint, Mode: t.Mode,
		ItemTargets: []itemTargetJSON{}, Experts: t.Experts, Control: t.Control, Agency: t.Agency, DrawWindow: t.DrawWindow,
		SkipInspectedByOthers: t.SkipInspectedByOthers, Expected: t.Expected, Appointments: t.Appointments, State: t.State, CancelReason: t.CancelReason}
	if !t.PublishedAt.IsZero() {
		at, idx := t.PublishedAt, t.LogIndex
		j.PublishedAt, j.LogIndex = &at, &idx
	}
	for _, it := range t.ItemTargets {
		j.ItemTargets = append(j.ItemTargets, itemTargetJSON{it.Item, it.Target})
	}
	for _, s := range t.Strata {
		j.Strata = append(j.Strata, stratumRuleJSON{s.ID, s.Rate, s.Min, s.Max, s.Reserve})
	}
	for _, s := range t.Team {
		j.Team = append(j.Team, teamSlotJSON{s.Unit, s.Size})
	}
	return j
}

func (j *taskJSON) toTask() *spotcheck.Task {
	t := &spotcheck.Task{Code: j.Code, Name: j.Name, Authority: j.Authority, Partners: j.Partners, Items: j.ItemCodes,
		StrataBy: j.StrataBy, Start: j.Start, End: j.End, CapSlack: j.CapSlack, AnnualCap: j.AnnualCap,
		Scope: spotcheck.TaskScope{Types: j.Scope.Types, Divisions: j.Scope.Divisions,
			FoundedBefore: j.Scope.FoundedBefore, EligibleStatus: j.Scope.EligibleStatus},
		Source: j.Source, Plan: j.Plan, Round: j.Round, Kind: j.Kind, Joint: j.Joint, Mode: j.Mode, Experts: j.Experts, Control: j.Control,
		Agency: j.Agency, DrawWindow: j.DrawWindow, SkipInspectedByOthers: j.SkipInspectedByOthers, Expected: j.Expected,
		Appointments: j.Appointments}
	for _, it := range j.ItemTargets {
		t.ItemTargets = append(t.ItemTargets, spotcheck.ItemTarget{Item: it.Item, Target: it.Target})
	}
	for _, s := range j.Strata {
		t.Strata = append(t.Strata, spotcheck.StratumRule{ID: s.ID, Rate: s.Rate, Min: s.Min, Max: s.Max, Reserve: s.Reserve})
	}
	for _, s := range j.Team {
		t.Team = append(t.Team, spotcheck.TeamSlot{Unit: s.Unit, Size: s.Size})
	}
	return t
}

// taskQuery are the parameters view.TaskFilter reads.
var taskQuery = append([]apiParam{textParam("q", "任务编号前缀或名称子串"),
	textParam("state", "任务状态（draft、published、drawn…），空为全部")}, pageQuery...)

func (s *Handler) ListTasks(w http.ResponseWriter, r *http.Request) {
	l, err := s.svc.Tasks.FindTasks(r.Context(), view.TaskFilter(r.URL.Query()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view.WriteJSON(w, http.StatusOK, toListJSON(l, taskToJSON))
}

func (s *Handler) GetTask(w http.ResponseWriter, r *http.Request) {
	t, err := s.svc.Tasks.FindTaskByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view.WriteJSON(w, http.StatusOK, taskToJSON(*t))
}

// CreateTask creates a task; the authority defaults to the token
// user's department, as on the form.
func (s *Handler) CreateTask(w http.ResponseWriter, r *http.Request) {
	var j taskJSON
	if err := readJSON(r, &j); err != nil {
		s.fail(w, r, err)
		return
	}
	if j.Authority == "" {
		j.Authority = spotcheck.PrincipalFromContext(r.Context()).Dept
	}
	t := j.toTask()
	if err := s.svc.Tasks.CreateTask(r.Context(), t); err != nil {
		s.fail(w, r, err)
		return
	}
	saved, err := s.svc.Tasks.FindTaskByCode(r.Context(), t.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", apiBase+"/tasks/"+url.PathEscape(saved.Code))
	view.WriteJSON(w, http.StatusCreated, taskToJSON(*saved))
}
