package api

import (
	"net/http"
	"net/url"
	"time"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// taskJSON is a task (抽查任务) in the API. (Its items are ItemCodes in
// Go: a field named Items would be taken for a list's by fieldDoc.) Tasks are created, never
// updated: a draw's plan names the task as it was.
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
		Strata: []stratumRuleJSON{}, Team: []teamSlotJSON{}}
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
			FoundedBefore: j.Scope.FoundedBefore, EligibleStatus: j.Scope.EligibleStatus}}
	for _, s := range j.Strata {
		t.Strata = append(t.Strata, spotcheck.StratumRule{ID: s.ID, Rate: s.Rate, Min: s.Min, Max: s.Max, Reserve: s.Reserve})
	}
	for _, s := range j.Team {
		t.Team = append(t.Team, spotcheck.TeamSlot{Unit: s.Unit, Size: s.Size})
	}
	return t
}

// taskQuery are the parameters view.TaskFilter reads.
var taskQuery = append([]apiParam{textParam("q", "任务编号前缀或名称子串")}, pageQuery...)

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
