package api

import (
	"net/http"
	"strconv"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// Joint visits (联合检查) in the API: the proposals and visits of the token
// user's tasks, and the lead department's decision.

type visitJSON struct {
	ID        int64           `json:"id" doc:"编号" api:"readonly"`
	Entity    string          `json:"entity" doc:"检查对象统一社会信用代码" api:"readonly"`
	Year      string          `json:"year" doc:"年度" api:"readonly"`
	Lead      string          `json:"lead" doc:"牵头部门代码（最先完成抽取的任务所属部门）" api:"readonly"`
	Start     string          `json:"start" doc:"各任务检查期间重叠部分的开始日期" api:"readonly"`
	End       string          `json:"end" doc:"重叠部分的结束日期" api:"readonly"`
	State     string          `json:"state" doc:"状态：proposed 待确认、accepted 已合并、declined 不合并" api:"readonly"`
	Date      string          `json:"date" doc:"检查日期（已合并时）" api:"readonly"`
	Notice    string          `json:"notice" doc:"联合检查通知书编号（已合并时）" api:"readonly"`
	Note      string          `json:"note" doc:"牵头部门的说明或不合并的原因" api:"readonly"`
	Parts     []visitPartJSON `json:"parts" doc:"参与的任务，牵头任务在前" api:"readonly"`
	DecidedBy string          `json:"decided_by" doc:"确认人" api:"readonly"`
}

type visitPartJSON struct {
	Task       string   `json:"task" doc:"任务编号"`
	Dept       string   `json:"dept" doc:"任务的发起部门代码"`
	Draw       int64    `json:"draw" doc:"抽取编号"`
	ItemCodes  []string `json:"items" doc:"该部门的抽查事项编码"`
	Inspectors []string `json:"inspectors" doc:"该部门抽取的检查人员"`
}

type visitDecisionJSON struct {
	Date string `json:"date" doc:"检查日期 YYYY-MM-DD（确认合并时，须在重叠期间内）"`
	Note string `json:"note" doc:"说明；不合并时必填原因"`
}

func visitToJSON(v spotcheck.Visit) visitJSON {
	j := visitJSON{ID: v.ID, Entity: v.Entity, Year: v.Year, Lead: v.Lead, Start: v.Start, End: v.End, State: v.State,
		Date: v.Date, Notice: v.Notice, Note: v.Note, DecidedBy: v.DecidedBy, Parts: []visitPartJSON{}}
	for _, p := range v.Parts {
		j.Parts = append(j.Parts, visitPartJSON{p.Task, p.Dept, p.Draw, nonNil(p.Items), nonNil(p.Inspectors)})
	}
	return j
}

// visitQuery are the filters of the visit list.
var visitQuery = []apiParam{
	oneOfParam("state", "状态", spotcheck.VisitProposed, spotcheck.VisitAccepted, spotcheck.VisitDeclined),
	textParam("year", "年度 YYYY"), textParam("task", "含该任务的联合检查"),
}

// ListVisits lists the visits of the token user's tasks (at most 500,
// newest first; narrow with the filters).
func (s *Handler) ListVisits(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	vs, err := s.svc.Visits.FindVisits(r.Context(), spotcheck.VisitFilter{State: q.Get("state"), Year: q.Get("year"), Task: q.Get("task")})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := spotcheck.List[spotcheck.Visit]{Items: vs, Total: len(vs), Limit: len(vs)}
	view.WriteJSON(w, http.StatusOK, toListJSON(l, visitToJSON))
}

func (s *Handler) visitOf(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, spotcheck.NoVisit(0))
		return 0, false
	}
	return id, true
}

func (s *Handler) GetVisit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.visitOf(w, r)
	if !ok {
		return
	}
	v, err := s.svc.Visits.FindVisitByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view.WriteJSON(w, http.StatusOK, visitToJSON(*v))
}

// AcceptVisit and DeclineVisit are the lead department's decision.
func (s *Handler) AcceptVisit(w http.ResponseWriter, r *http.Request) {
	s.decideVisit(w, r, spotcheck.VisitActAccept)
}

func (s *Handler) DeclineVisit(w http.ResponseWriter, r *http.Request) {
	s.decideVisit(w, r, spotcheck.VisitActDecline)
}

func (s *Handler) decideVisit(w http.ResponseWriter, r *http.Request, a spotcheck.Action) {
	id, ok := s.visitOf(w, r)
	if !ok {
		return
	}
	var j visitDecisionJSON
	if err := readJSON(r, &j); err != nil {
		s.fail(w, r, err)
		return
	}
	d := spotcheck.VisitDecision{Date: j.Date, Note: j.Note}
	var err error
	if a == spotcheck.VisitActAccept {
		err = s.svc.Visits.AcceptVisit(r.Context(), id, d)
	} else {
		err = s.svc.Visits.DeclineVisit(r.Context(), id, d)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.GetVisit(w, r)
}
