package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The draws in the API: the same service calls as the pages, with the
// same checks. A workflow step is a POST that answers 201 with the draw
// (or change) as it is after the step; the user of the token acts as
// themselves (commit and reveal as the participant of their user name).

// drawJSON is a draw. The seed, cutoffs and unassigned count are given
// only to those who may see them (staff of the task and supervisors; the
// public after the embargo).
type drawJSON struct {
	ID           int64             `json:"id" doc:"抽取编号"`
	Task         string            `json:"task" doc:"任务编号"`
	TaskName     string            `json:"task_name" doc:"任务名称"`
	Authority    string            `json:"authority" doc:"发起部门代码"`
	Partners     []string          `json:"partners" doc:"联合部门代码"`
	PlanHash     string            `json:"plan_hash" doc:"方案哈希（plan.json 的 SHA-256）"`
	State        string            `json:"state" doc:"状态：committing 收集承诺、revealing 等待揭示、drawn 已抽取（保密中）、published 已公开、failed 揭示未完成、superseded 已被取代"`
	Supersedes   string            `json:"supersedes,omitempty" doc:"重新抽取时，被取代方案的哈希"`
	Reason       string            `json:"reason,omitempty" doc:"重新抽取的原因"`
	SupersededBy int64             `json:"superseded_by,omitempty" doc:"取代本抽取的抽取编号"`
	Dice         bool              `json:"dice" doc:"是否声明公开掷骰"`
	BeaconChain  string            `json:"beacon_chain,omitempty" doc:"随机信标链"`
	BeaconRound  int64             `json:"beacon_round,omitempty" doc:"随机信标轮次"`
	Commits      []drawCommitJSON  `json:"commits" doc:"承诺—揭示的参与人（按标识排序）"`
	Strata       []drawStratumJSON `json:"strata" doc:"各层"`
	FrameCount   int               `json:"frame_count" doc:"抽取范围内的对象数"`
	Excluded     int               `json:"excluded" doc:"排除名单的行数"`
	RosterCount  int               `json:"roster_count" doc:"人员库人数"`
	ConflictPair int               `json:"conflict_pairs" doc:"回避关系对数"`
	Seed         string            `json:"seed,omitempty" doc:"种子（十六进制），保密期内仅对有权人员给出"`
	Unassigned   int               `json:"unassigned" doc:"未能分配检查组的对象数"`
	CreatedBy    string            `json:"created_by" doc:"发起人"`
	CreatedAt    time.Time         `json:"created_at" doc:"方案生成时间"`
	DrawnAt      time.Time         `json:"drawn_at,omitzero" doc:"抽取时间"`
	PublishedAt  time.Time         `json:"published_at,omitzero" doc:"公开时间"`
	PlanIndex    int64             `json:"plan_index" doc:"方案在日志中的位置"`
}

type drawCommitJSON struct {
	Participant string    `json:"participant" doc:"参与人标识（system 为平台）"`
	Commitment  string    `json:"commitment,omitempty" doc:"承诺值，未提交时省略"`
	CommittedAt time.Time `json:"committed_at,omitzero" doc:"提交承诺的时间"`
	Revealed    bool      `json:"revealed" doc:"是否已揭示"`
	RevealedAt  time.Time `json:"revealed_at,omitzero" doc:"揭示时间"`
	Withheld    bool      `json:"withheld" doc:"是否已记为未承诺或未揭示"`
	LogIndex    int64     `json:"log_index,omitempty" doc:"承诺在日志中的位置"`
}

type drawStratumJSON struct {
	ID       string `json:"id" doc:"分层标识"`
	Rate     string `json:"rate" doc:"抽查比例 a/b"`
	Frame    int    `json:"frame" doc:"范围内对象数"`
	Eligible int    `json:"eligible" doc:"可抽对象数"`
	N        int    `json:"n" doc:"抽取数"`
	Reserve  int    `json:"reserve" doc:"备选数"`
	Cutoff   string `json:"cutoff,omitempty" doc:"截止票号（第 n 名的前18位票号），抽取后给出"`
}

func drawToJSON(d spotcheck.Draw) drawJSON {
	j := drawJSON{ID: d.ID, Task: d.Task, TaskName: d.TaskName, Authority: d.Authority, Partners: nonNil(d.Partners),
		PlanHash: d.PlanHash, State: d.State, Supersedes: d.Supersedes, Reason: d.Reason, SupersededBy: d.SupersededBy,
		Dice: d.Dice, BeaconChain: d.BeaconChain, BeaconRound: d.BeaconRound, FrameCount: d.FrameCount,
		Excluded: d.Excluded, RosterCount: d.RosterCount, ConflictPair: d.ConflictPair, Seed: d.Seed,
		Unassigned: d.Unassigned, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt, DrawnAt: d.DrawnAt,
		PublishedAt: d.PublishedAt, PlanIndex: d.PlanIndex, Commits: []drawCommitJSON{}, Strata: []drawStratumJSON{}}
	for _, c := range d.Commits {
		j.Commits = append(j.Commits, drawCommitJSON{c.Participant, c.Commitment, c.CommittedAt, c.Revealed,
			c.RevealedAt, c.Withheld, c.LogIndex})
	}
	for _, s := range d.Strata {
		j.Strata = append(j.Strata, drawStratumJSON{s.ID, s.Rate, s.Frame, s.Eligible, s.N, s.Reserve, s.Cutoff})
	}
	return j
}

// drawPickJSON is a selected or reserve entity.
type drawPickJSON struct {
	Stratum    string   `json:"stratum" doc:"分层"`
	Rank       int      `json:"rank" doc:"层内序号"`
	Entity     string   `json:"entity" doc:"检查对象标识（统一社会信用代码）"`
	EntityName string   `json:"entity_name" doc:"检查对象名称"`
	Ticket     string   `json:"ticket" doc:"票号（0. 加18位数字）"`
	Reserve    bool     `json:"reserve" doc:"是否为备选"`
	Inspectors []string `json:"inspectors" doc:"检查组（按顺序，第一位为主检）；空为未分配"`
	Replaced   bool     `json:"replaced" doc:"已被替补"`
	Promoted   bool     `json:"promoted" doc:"备选递补为抽中"`
}

func drawPickToJSON(p spotcheck.DrawPick) drawPickJSON {
	return drawPickJSON{p.Stratum, p.Rank, p.Entity, p.EntityName, p.Ticket, p.Reserve, nonNil(p.Inspectors),
		p.Replaced, p.Promoted}
}

// drawChangeJSON is a change request and its decision.
type drawChangeJSON struct {
	ID           int64     `json:"id" doc:"变更申请编号"`
	DrawID       int64     `json:"draw_id" doc:"抽取编号"`
	Kind         string    `json:"kind" doc:"类型：substitute 替补检查对象、replace 更换检查人员、assign 指派检查组"`
	Entity       string    `json:"entity" doc:"检查对象标识"`
	Inspector    string    `json:"inspector,omitempty" doc:"被更换的检查人员"`
	NewInspector string    `json:"new_inspector,omitempty" doc:"接替的检查人员"`
	Inspectors   []string  `json:"inspectors" doc:"指派的检查组"`
	Reason       string    `json:"reason" doc:"原因代码"`
	Note         string    `json:"note" doc:"说明（不记入日志）"`
	State        string    `json:"state" doc:"pending 待审批、approved 已批准、rejected 已驳回"`
	RequestedBy  string    `json:"requested_by" doc:"申请人"`
	RequestedAt  time.Time `json:"requested_at" doc:"申请时间"`
	DecidedBy    string    `json:"decided_by,omitempty" doc:"审批人"`
	DecidedAt    time.Time `json:"decided_at,omitzero" doc:"审批时间"`
	LogIndex     int64     `json:"log_index,omitempty" doc:"批准的变更在日志中的位置"`
}

func drawChangeToJSON(c spotcheck.DrawChange) drawChangeJSON {
	return drawChangeJSON{c.ID, c.DrawID, c.Kind, c.Entity, c.Inspector, c.NewInspector, nonNil(c.Inspectors),
		c.Reason, c.Note, c.State, c.RequestedBy, c.RequestedAt, c.DecidedBy, c.DecidedAt, c.LogIndex}
}

// The bodies of the workflow steps.
type (
	drawRequestJSON struct {
		Officials   []string `json:"officials" doc:"参与承诺的监督人员用户名（至少一名）"`
		Dice        bool     `json:"dice" doc:"声明公开掷骰"`
		BeaconChain string   `json:"beacon_chain" doc:"随机信标链（与轮次同时给出）"`
		BeaconRound int64    `json:"beacon_round" doc:"随机信标的未来轮次"`
		Supersedes  int64    `json:"supersedes" doc:"重新抽取时，被取代的抽取编号"`
		Reason      string   `json:"reason" doc:"重新抽取的原因（至少4个字）"`
	}
	drawCommitmentJSON struct {
		Commitment string `json:"commitment" doc:"承诺值：hex(SHA-256(\"spotcheck-commit/1\\n\" + 方案哈希 + \"\\n\" + 用户名 + \"\\n\" + 秘密))"`
	}
	drawRevealJSON struct {
		Secret string `json:"secret" doc:"提交承诺时使用的秘密（至少20个字符，不含换行）"`
	}
	drawWithholdJSON struct {
		Participant string `json:"participant" doc:"未承诺或未揭示的参与人"`
		Note        string `json:"note" doc:"说明（记入操作记录）"`
	}
	drawRunJSON struct {
		Dice             string `json:"dice" doc:"公开掷骰的数字（方案声明掷骰时，至少20位）"`
		BeaconRandomness string `json:"beacon_randomness" doc:"信标该轮次的随机数（64位十六进制，方案声明信标时）"`
	}
	drawChangeRequestJSON struct {
		Kind         string   `json:"kind" doc:"substitute、replace 或 assign"`
		Entity       string   `json:"entity" doc:"抽中的检查对象标识"`
		Inspector    string   `json:"inspector" doc:"replace：被更换的检查人员"`
		NewInspector string   `json:"new_inspector" doc:"replace：接替的检查人员"`
		Inspectors   []string `json:"inspectors" doc:"assign：检查组成员，按顺序，第一位为主检"`
		Reason       string   `json:"reason" doc:"原因代码：closed、unreachable、moved、conflict、illness、left、no-team"`
		Note         string   `json:"note" doc:"说明（不记入日志）"`
	}
	drawDecisionJSON struct {
		Approve bool   `json:"approve" doc:"true 批准，false 驳回"`
		Note    string `json:"note" doc:"审批意见"`
	}
	drawEmbargoJSON struct {
		Reason string `json:"reason" doc:"提前解除保密的原因"`
	}
)

// drawQuery are the parameters view.DrawFilter reads.
var drawQuery = append([]apiParam{textParam("task", "任务编号"), oneOfParam("state", "状态", view.DrawStates...)}, pageQuery...)

func (s *Handler) ListDraws(w http.ResponseWriter, r *http.Request) {
	l, err := s.svc.Draws.FindDraws(r.Context(), view.DrawFilter(r.URL.Query()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view.WriteJSON(w, http.StatusOK, toListJSON(l, drawToJSON))
}

// apiDrawOf returns the draw of the path for the token's user, who must
// be staff of its departments or a supervisor (as on the pages).
func (s *Handler) apiDrawOf(r *http.Request, name string) (*spotcheck.Draw, error) {
	id, err := view.DrawID(r, name)
	if err != nil {
		return nil, err
	}
	return view.StaffDraw(r.Context(), s.svc.Draws, id)
}

// showAPIDraw answers with draw id as it is now, with status.
func (s *Handler) showAPIDraw(w http.ResponseWriter, r *http.Request, id int64, status int) {
	d, err := s.svc.Draws.FindDrawByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view.WriteJSON(w, status, drawToJSON(*d))
}

func (s *Handler) GetDraw(w http.ResponseWriter, r *http.Request) {
	d, err := s.apiDrawOf(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view.WriteJSON(w, http.StatusOK, drawToJSON(*d))
}

func (s *Handler) ListDrawPicks(w http.ResponseWriter, r *http.Request) {
	d, err := s.apiDrawOf(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	picks, err := s.svc.Draws.FindDrawPicks(r.Context(), d.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view.WriteJSON(w, http.StatusOK, toListJSON(view.PageOf(picks, r.URL.Query()), drawPickToJSON))
}

func (s *Handler) ListDrawChanges(w http.ResponseWriter, r *http.Request) {
	d, err := s.apiDrawOf(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cs, err := s.svc.Draws.FindDrawChanges(r.Context(), d.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view.WriteJSON(w, http.StatusOK, toListJSON(view.PageOf(cs, r.URL.Query()), drawChangeToJSON))
}

// apiStep runs one workflow step on the draw of the path: it decodes the
// body into in and answers with the draw after step. As on the pages, the
// draw must be one the user may see: staff of another department learn
// nothing from the answers to a malformed body.
func apiStep[J any](s *Handler, step func(r *http.Request, id int64, in *J) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d, err := s.apiDrawOf(r, "id")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		id := d.ID
		var in J
		if err := readJSON(r, &in); err != nil {
			s.fail(w, r, err)
			return
		}
		if err := step(r, id, &in); err != nil {
			s.fail(w, r, err)
			return
		}
		s.showAPIDraw(w, r, id, http.StatusCreated)
	}
}

// PlanDraw logs a plan for the task of the path.
func (s *Handler) PlanDraw(w http.ResponseWriter, r *http.Request) {
	var in drawRequestJSON
	if err := readJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	req := spotcheck.DrawRequest{Officials: in.Officials, Dice: in.Dice, BeaconChain: in.BeaconChain,
		BeaconRound: in.BeaconRound, Supersedes: in.Supersedes, Reason: in.Reason}
	d, err := s.svc.Draws.PlanDraw(r.Context(), r.PathValue("task"), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", apiBase+"/draws/"+strconv.FormatInt(d.ID, 10))
	view.WriteJSON(w, http.StatusCreated, drawToJSON(*d))
}

func (s *Handler) CommitDraw(w http.ResponseWriter, r *http.Request) {
	apiStep(s, func(r *http.Request, id int64, in *drawCommitmentJSON) error {
		if in.Commitment == "" {
			return view.FieldError("commitment", "承诺值", "请提供承诺值")
		}
		return s.svc.Draws.CommitDraw(r.Context(), id, spotcheck.PrincipalFromContext(r.Context()).Username, in.Commitment)
	})(w, r)
}

func (s *Handler) RevealDraw(w http.ResponseWriter, r *http.Request) {
	apiStep(s, func(r *http.Request, id int64, in *drawRevealJSON) error {
		if in.Secret == "" {
			return view.FieldError("secret", "秘密", "请提供秘密")
		}
		return s.svc.Draws.RevealDraw(r.Context(), id, spotcheck.PrincipalFromContext(r.Context()).Username, in.Secret)
	})(w, r)
}

func (s *Handler) WithholdReveal(w http.ResponseWriter, r *http.Request) {
	apiStep(s, func(r *http.Request, id int64, in *drawWithholdJSON) error {
		if in.Participant == "" {
			return view.FieldError("participant", "参与人", "请提供未揭示的参与人")
		}
		return s.svc.Draws.WithholdReveal(r.Context(), id, in.Participant, in.Note)
	})(w, r)
}

func (s *Handler) RunDraw(w http.ResponseWriter, r *http.Request) {
	apiStep(s, func(r *http.Request, id int64, in *drawRunJSON) error {
		return s.svc.Draws.RunDraw(r.Context(), id, spotcheck.DrawRun{Dice: in.Dice, BeaconRandomness: in.BeaconRandomness})
	})(w, r)
}

func (s *Handler) LiftEmbargo(w http.ResponseWriter, r *http.Request) {
	apiStep(s, func(r *http.Request, id int64, in *drawEmbargoJSON) error {
		if len([]rune(in.Reason)) < 2 {
			return view.FieldError("reason", "原因", "请说明解除保密的原因")
		}
		return s.svc.Draws.LiftEmbargo(r.Context(), id, in.Reason)
	})(w, r)
}

// RequestDrawChange records a change request and answers with it.
func (s *Handler) RequestDrawChange(w http.ResponseWriter, r *http.Request) {
	d, err := s.apiDrawOf(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id := d.ID
	var in drawChangeRequestJSON
	if err := readJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	c, ps := view.DrawChange(&spotcheck.DrawChange{DrawID: id, Kind: in.Kind, Entity: strings.TrimSpace(in.Entity),
		Inspector: strings.TrimSpace(in.Inspector), NewInspector: strings.TrimSpace(in.NewInspector),
		Inspectors: in.Inspectors, Reason: in.Reason, Note: strings.TrimSpace(in.Note)})
	if err := ps.Err(); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.svc.Draws.RequestDrawChange(r.Context(), c); err != nil {
		s.fail(w, r, err)
		return
	}
	s.showAPIChange(w, r, id, c.ID, http.StatusCreated)
}

// DecideDrawChange approves or rejects change {id} of draw {draw_id}.
func (s *Handler) DecideDrawChange(w http.ResponseWriter, r *http.Request) {
	id, err := view.DrawID(r, "draw_id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cid, err := view.ChangeID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in drawDecisionJSON
	if err := readJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := view.ChangeOfDraw(r.Context(), s.svc.Draws, id, cid); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.svc.Draws.DecideDrawChange(r.Context(), cid, in.Approve, in.Note); err != nil {
		s.fail(w, r, err)
		return
	}
	s.showAPIChange(w, r, id, cid, http.StatusCreated)
}

// showAPIChange answers with change cid of draw id as stored.
func (s *Handler) showAPIChange(w http.ResponseWriter, r *http.Request, id, cid int64, status int) {
	cs, err := s.svc.Draws.FindDrawChanges(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, c := range cs {
		if c.ID == cid {
			view.WriteJSON(w, status, drawChangeToJSON(c))
			return
		}
	}
	s.fail(w, r, spotcheck.Errorf(spotcheck.ENOTFOUND, "抽取 %d 没有编号为 %d 的变更申请", id, cid))
}
