package spotcheck

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Task is the 抽查任务 as far as a draw needs it (design §5): who draws,
// from which entities, in which strata, with which teams, in which window.
// The plans stage grows it into the full task of the annual plan; until
// inspections are recorded, an entity counts as inspected when an earlier
// draw selected it.
type Task struct {
	Code      string // e.g. 2026-FZWL-SJ-001; the draw's task id (ASCII)
	Name      string
	Authority string   // 发起部门: the department that draws and leads
	Partners  []string // 联合抽查: the other departments of a joint task
	Items     []string // 抽查事项 codes
	Scope     TaskScope
	StrataBy  string // StrataByCredit, StrataByKey or StrataByKeyCredit
	Strata    []StratumRule
	Team      []TeamSlot // the first slot's unit is the authority
	Start     string     // YYYY-MM-DD, first day of the inspection window
	End       string     // YYYY-MM-DD, last day
	CapSlack  int        // spec §6 cap_slack
	AnnualCap int        // inspections per entity and authority a year (default DefaultAnnualCap)

	// The full task of the annual plan (issue 10).
	Source                string       // TaskFromPlan or TaskAdHoc
	Plan                  string       // the plan's key (PlanKey) when Source is TaskFromPlan
	Round                 int          // the round of the year it counts toward (1, 2, …), 0 = none
	Kind                  string       // TaskUndirected 不定向 or TaskDirected 定向
	Joint                 string       // TaskOwn 本部门, TaskJointInternal 部门内联合, TaskJointCross 跨部门联合
	Mode                  string       // ModeSameLevel 本级抽查本级检查, ModeCityDrawsDistrict 市抽县查
	ItemTargets           []ItemTarget // expected entities per item, where the plan says so
	Experts               int          // experts drawn from the expert directory for every visit
	Agency                string       // 专业机构 that assists (never inspects); "" = none
	DrawWindow            bool         // the draw must fall in the department's fixed draw window
	SkipInspectedByOthers bool         // exclude entities another department inspected in the window
	Expected              int          // expected sample size, kept when the task is saved (plan compliance)
	Appointments          bool         // 双预约: the enterprise may propose a visit time within the window (feedback.go)
	// Control is how many of the draw's picks the task reserves as its
	// control sample (对照样本, draw/control.go): picks chosen uniformly
	// from the whole frame, whose hit rate the dashboard compares with
	// the strata's other picks to measure the risk model. 0 = none.
	Control int

	State        string // TaskDraft … TaskClosed, TaskCancelled
	CancelReason string // why it was cancelled (已撤销)
	// PublishedAt is when the task was announced (抽查任务公告), zero while
	// it is a draft; LogIndex is then the announcement's entry in the log.
	PublishedAt time.Time
	LogIndex    int64
	// HandedTo are the bureaus the entities of a 市抽县查 task's live draw
	// were handed to (TaskHandover); the store fills it, never the body.
	HandedTo []string `json:"-"`

	CreatedBy string
	CreatedAt time.Time
}

// ItemTarget is the number of entities a task means to inspect for one of
// its items (a provincial task record's 每项事项的目标户数).
type ItemTarget struct {
	Item   string
	Target int
}

// Task sources: a task of the annual plan, or an ad-hoc one (临时任务).
const (
	TaskFromPlan = "plan"
	TaskAdHoc    = "adhoc"
)

// Draw types (抽查类型).
const (
	TaskUndirected = "undirected" // 不定向抽查
	TaskDirected   = "directed"   // 定向抽查
)

// Task scopes by who takes part (design §11).
const (
	TaskOwn           = "own"            // 本部门
	TaskJointInternal = "joint-internal" // 部门内联合
	TaskJointCross    = "joint-cross"    // 跨部门联合
)

// 抽查模式: who draws and who inspects.
const (
	ModeSameLevel         = "same-level"    // the same level draws and inspects
	ModeCityDrawsDistrict = "city-district" // 市抽县查: the city draws, the district bureau inspects
)

// TaskSourceNames, TaskKindNames, TaskJointNames and TaskModeNames name
// the enumerations as pages show them.
var (
	TaskSourceNames = map[string]string{TaskFromPlan: "年度计划", TaskAdHoc: "临时任务"}
	TaskKindNames   = map[string]string{TaskUndirected: "不定向抽查", TaskDirected: "定向抽查"}
	TaskJointNames  = map[string]string{TaskOwn: "本部门", TaskJointInternal: "部门内联合", TaskJointCross: "跨部门联合"}
	TaskModeNames   = map[string]string{ModeSameLevel: "本级抽取、本级检查", ModeCityDrawsDistrict: "市抽县查"}
)

// TaskScope narrows the entity directory to the task's population before
// exclusions: target types and divisions (empty = all in the authority's
// jurisdiction), entities founded before a date, and the business statuses
// that may be inspected (others stay in the frame as exclusions, with the
// status as reason, so that auditors see them).
type TaskScope struct {
	Types          []string
	Divisions      []string
	FoundedBefore  string   // YYYY-MM-DD, "" = any
	EligibleStatus []string // default: 在营
}

// StratumRule is the sampling rule of one stratum (spec §3): a rate "a/b",
// at least Min, at most Max when Max > 0, and Reserve entities kept in line
// for substitutions.
type StratumRule struct {
	ID      string
	Rate    string
	Min     int
	Max     int
	Reserve int
}

// TeamSlot is the number of inspectors a unit sends to every visit.
type TeamSlot struct {
	Unit string
	Size int
}

// How a task divides its frame into strata (spec §1: an ASCII id per stratum).
const (
	StrataByCredit    = "credit"     // A, B, C, D: the credit-risk class
	StrataByKey       = "key"        // key / general: the 重点检查对象 flag
	StrataByKeyCredit = "key+credit" // key entities apart, the others by credit class
)

// DefaultAnnualCap is how often one authority may inspect one entity in a
// year unless the task says otherwise (国办发〔2024〕54号 against repeated
// inspections).
const DefaultAnnualCap = 2

// MinTeamSize is the fewest inspectors a task's team may have: 执法人员不得
// 少于两人 (《行政处罚法》第四十二条). The portal's rules pages show it.
const MinTeamSize = 2

// MinRate is the 3 % floor of the sampling ratio (国办发〔2015〕58号).
var MinRate = [2]int{3, 100}

var taskCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{2,47}$`)
var rateForm = regexp.MustCompile(`^([1-9][0-9]{0,8})/([1-9][0-9]{0,8})$`)

// Stratum returns the stratum id of an entity under a task's StrataBy.
func (t *Task) Stratum(creditClass string, key bool) string {
	switch t.StrataBy {
	case StrataByKey:
		if key {
			return "key"
		}
		return "general"
	case StrataByKeyCredit:
		if key {
			return "key"
		}
	}
	return creditClass
}

// StratumIDs lists the strata a task's StrataBy can produce, in the order
// forms show them.
func StratumIDs(by string) []string {
	switch by {
	case StrataByKey:
		return []string{"general", "key"}
	case StrataByKeyCredit:
		return []string{"A", "B", "C", "D", "key"}
	}
	return []string{"A", "B", "C", "D"}
}

// Year is the calendar year of the task's window, the year its annual caps
// and "inspected this year" count in.
func (t *Task) Year() string {
	if len(t.Start) >= 4 {
		return t.Start[:4]
	}
	return ""
}

// Units lists the departments that send inspectors, in team order.
func (t *Task) Units() []string {
	out := make([]string, len(t.Team))
	for i, s := range t.Team {
		out[i] = s.Unit
	}
	return out
}

// Departments lists the authority and the partners.
func (t *Task) Departments() []string {
	return append([]string{t.Authority}, t.Partners...)
}

// Normalize trims what people type, fills the defaults and puts the strata
// in order of their ids.
func (t *Task) Normalize() {
	for _, f := range []*string{&t.Code, &t.Name, &t.Authority, &t.StrataBy, &t.Start, &t.End,
		&t.Scope.FoundedBefore, &t.Plan} {
		*f = strings.TrimSpace(*f)
	}
	t.Partners = trimAll(t.Partners)
	t.Items = trimAll(t.Items)
	t.Scope.Types = trimAll(t.Scope.Types)
	t.Scope.Divisions = trimAll(t.Scope.Divisions)
	t.Scope.EligibleStatus = trimAll(t.Scope.EligibleStatus)
	if len(t.Scope.EligibleStatus) == 0 {
		t.Scope.EligibleStatus = []string{StatusOperating}
	}
	if t.StrataBy == "" {
		t.StrataBy = StrataByCredit
	}
	if t.AnnualCap == 0 {
		t.AnnualCap = DefaultAnnualCap
	}
	t.Source = orDefault(strings.TrimSpace(t.Source), TaskAdHoc)
	t.Kind = orDefault(strings.TrimSpace(t.Kind), TaskUndirected)
	t.Mode = orDefault(strings.TrimSpace(t.Mode), ModeSameLevel)
	if t.Joint = strings.TrimSpace(t.Joint); t.Joint == "" {
		t.Joint = TaskOwn
		if len(t.Partners) > 0 {
			t.Joint = TaskJointCross
		}
	}
	t.Agency = NormalizeCode(t.Agency)
	for i := range t.ItemTargets {
		t.ItemTargets[i].Item = strings.TrimSpace(t.ItemTargets[i].Item)
	}
	if len(t.Team) == 0 && t.Authority != "" {
		t.Team = []TeamSlot{{Unit: t.Authority, Size: 2}}
	}
	slices.SortStableFunc(t.Strata, func(a, b StratumRule) int { return strings.Compare(a.ID, b.ID) })
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func trimAll(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Validate checks a normalized task (Normalize) on its own and changes
// nothing; that its departments, items, types and divisions exist is
// checked by the store against the reference data.
func (t *Task) Validate() Problems {
	var p Problems
	if p.checkRequired("code", "任务编号", t.Code) && !taskCode.MatchString(t.Code) {
		p.Add("code", "任务编号", "应为3–48位字母、数字或连字符，如 2026-FZWL-SJ-001")
	}
	p.checkRequired("name", "任务名称", t.Name)
	p.checkRequired("authority", "发起部门", t.Authority)
	if slices.Contains(t.Partners, t.Authority) {
		p.Add("partners", "联合部门", "发起部门不必再列为联合部门")
	}
	if len(t.Items) == 0 {
		p.Add("items", "抽查事项", "至少选择一个抽查事项")
	}
	if p.checkRequired("start", "开始日期", t.Start) && !ValidDate(t.Start) {
		p.Add("start", "开始日期", "“%s”不是有效日期（YYYY-MM-DD）", t.Start)
	}
	if p.checkRequired("end", "结束日期", t.End) && !ValidDate(t.End) {
		p.Add("end", "结束日期", "“%s”不是有效日期（YYYY-MM-DD）", t.End)
	} else if ValidDate(t.Start) && t.End < t.Start {
		p.Add("end", "结束日期", "不能早于开始日期")
	} else if ValidDate(t.Start) && t.End[:4] != t.Start[:4] {
		p.Add("end", "结束日期", "任务不能跨年度")
	}
	if t.Scope.FoundedBefore != "" && !ValidDate(t.Scope.FoundedBefore) {
		p.Add("founded_before", "成立日期早于", "“%s”不是有效日期（YYYY-MM-DD）", t.Scope.FoundedBefore)
	}
	for _, s := range t.Scope.EligibleStatus {
		if !slices.Contains(EntityStatuses, s) {
			p.Add("eligible_status", "可抽查的经营状态", "“%s”不是已知的经营状态", s)
		}
	}
	t.validateStrata(&p)
	t.validateTeam(&p)
	if t.CapSlack < 0 || t.CapSlack > 100 {
		p.Add("cap_slack", "工作量余量", "应为0–100")
	}
	if t.AnnualCap < 1 || t.AnnualCap > 12 {
		p.Add("annual_cap", "年度检查上限", "应为1–12次")
	}
	t.validatePlanning(&p)
	return p
}

// planKey is the form of a plan's key: the department's code and the year.
var planKey = regexp.MustCompile(`^([A-Z0-9]{2,16})-([0-9]{4})$`)

// validatePlanning checks the fields of the full task (issue 10): where it
// comes from, what kind of draw it is, who takes part, and its targets.
// Whether the agency is active and the authority has district bureaus
// (市抽县查) is the store's check, against the directories.
func (t *Task) validatePlanning(p *Problems) {
	switch t.Source {
	case TaskFromPlan:
		m := planKey.FindStringSubmatch(t.Plan)
		switch {
		case t.Plan == "":
			p.Add("plan", "所属年度计划", "年度计划任务应写明所属计划，如 %s-%s", orDefault(t.Authority, "FZWL"), orDefault(t.Year(), "2026"))
		case m == nil:
			p.Add("plan", "所属年度计划", "“%s”不是有效的计划编号（部门代码-年度，如 FZWL-2026）", t.Plan)
		case m[1] != t.Authority || (t.Year() != "" && m[2] != t.Year()):
			p.Add("plan", "所属年度计划", "计划“%s”不是发起部门 %s 的 %s 年度计划", t.Plan, t.Authority, t.Year())
		}
	case TaskAdHoc:
		if t.Plan != "" {
			p.Add("plan", "所属年度计划", "临时任务不属于年度计划")
		}
	default:
		p.Add("source", "任务来源", "“%s”无效，应为年度计划或临时任务", t.Source)
	}
	if t.Round < 0 || t.Round > 12 {
		p.Add("round", "计入轮次", "应为0–12（0 表示不计入轮次）")
	}
	if TaskKindNames[t.Kind] == "" {
		p.Add("kind", "抽查类型", "“%s”无效，应为定向或不定向抽查", t.Kind)
	}
	if TaskModeNames[t.Mode] == "" {
		p.Add("mode", "抽查模式", "“%s”无效，应为本级抽取、本级检查或市抽县查", t.Mode)
	}
	switch {
	case TaskJointNames[t.Joint] == "":
		p.Add("joint", "联合方式", "“%s”无效，应为本部门、部门内联合或跨部门联合", t.Joint)
	case t.Joint == TaskOwn && len(t.Partners) > 0:
		p.Add("partners", "联合部门", "本部门任务不能有联合部门")
	case t.Joint != TaskOwn && len(t.Partners) == 0:
		p.Add("partners", "联合部门", "%s任务至少需要一个联合部门", TaskJointNames[t.Joint])
	}
	seen := map[string]bool{}
	for _, it := range t.ItemTargets {
		switch {
		case !slices.Contains(t.Items, it.Item):
			p.Add("item_targets", "事项目标户数", "“%s”不是本任务的抽查事项", it.Item)
		case seen[it.Item]:
			p.Add("item_targets", "事项目标户数", "事项“%s”重复", it.Item)
		case it.Target < 1:
			p.Add("item_targets", "事项目标户数", "事项“%s”的目标户数应至少为1", it.Item)
		}
		seen[it.Item] = true
	}
	if t.Experts < 0 || t.Experts > 5 {
		p.Add("experts", "每组专家人数", "应为0–5")
	}
	if t.Expected < 0 {
		p.Add("expected", "预计抽取户数", "不能为负")
	}
	if t.Control < 0 || t.Control > MaxControl {
		p.Add("control", "对照样本户数", "应为0–%d", MaxControl)
	}
}

// MaxControl bounds a task's control sample: enough for a hit rate with
// a confidence interval a few points wide, while the control sample stays
// a small part of what a draw selects.
const MaxControl = 500

func (t *Task) validateStrata(p *Problems) {
	if !slices.Contains([]string{StrataByCredit, StrataByKey, StrataByKeyCredit}, t.StrataBy) {
		p.Add("strata_by", "分层方式", "“%s”无效，应为 credit、key 或 key+credit", t.StrataBy)
		return
	}
	want := StratumIDs(t.StrataBy)
	seen := map[string]bool{}
	for _, r := range t.Strata {
		field := "strata." + r.ID
		label := "分层“" + r.ID + "”"
		if !slices.Contains(want, r.ID) {
			p.Add(field, label, "不是此分层方式的层（应为 %s）", strings.Join(want, "、"))
			continue
		}
		if seen[r.ID] {
			p.Add(field, label, "重复")
		}
		seen[r.ID] = true
		a, b, ok := ParseRate(r.Rate)
		switch {
		case !ok:
			p.Add(field, label, "抽查比例“%s”应写成 a/b，如 3/100", r.Rate)
		case a*MinRate[1] < MinRate[0]*b && r.ID != "A":
			// Class A may be drawn below the floor (无事不扰) as long as
			// the plan's coverage rule finds every type × division at it.
			p.Add(field, label, "抽查比例 %s 低于 3%%（国办发〔2015〕58号；只有 A 类可低于 3%%）", r.Rate)
		}
		if r.Min < 0 || r.Max < 0 || r.Reserve < 0 {
			p.Add(field, label, "最少、最多和备选数不能为负")
		} else if r.Max > 0 && r.Min > r.Max {
			p.Add(field, label, "最少 %d 大于最多 %d", r.Min, r.Max)
		}
	}
	for _, id := range want {
		if !seen[id] {
			p.Add("strata."+id, "分层“"+id+"”", "缺少抽查比例")
		}
	}
}

func (t *Task) validateTeam(p *Problems) {
	if len(t.Team) == 0 {
		p.Add("team", "检查组", "至少一个部门派出检查人员")
		return
	}
	if t.Team[0].Unit != t.Authority {
		p.Add("team", "检查组", "第一个派员部门应为发起部门（主检由其担任）")
	}
	total := 0
	seen := map[string]bool{}
	for _, s := range t.Team {
		if seen[s.Unit] {
			p.Add("team", "检查组", "部门 %s 重复", s.Unit)
		}
		seen[s.Unit] = true
		if s.Unit != t.Authority && !slices.Contains(t.Partners, s.Unit) {
			p.Add("team", "检查组", "部门 %s 不是本任务的发起或联合部门", s.Unit)
		}
		if s.Size < 1 || s.Size > 10 {
			p.Add("team", "检查组", "部门 %s 的人数应为1–10", s.Unit)
		}
		total += s.Size
	}
	if total < MinTeamSize {
		p.Add("team", "检查组", "每次检查至少%d名执法检查人员", MinTeamSize)
	}
}

// ParseRate reads a rate "a/b" of spec §2 (positive integers without
// leading zeros, a ≤ b).
func ParseRate(s string) (a, b int, ok bool) {
	m := rateForm.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, false
	}
	fmt.Sscan(m[1], &a)
	fmt.Sscan(m[2], &b)
	return a, b, a <= b
}

// TaskService keeps the tasks that draws are planned for. The common
// contract of every service is in doc.go.
type TaskService interface {
	// CreateTask stores a new task t, normalised, as a draft. EINVALID,
	// ECONFLICT (its code exists), EFORBIDDEN (no PermManageDraws),
	// EUNAUTHORIZED.
	CreateTask(ctx context.Context, t *Task) error
	// UpdateTask replaces a draft task (TaskActEdit); a published one is
	// ECONFLICT. EINVALID, ENOTFOUND, EFORBIDDEN, EUNAUTHORIZED.
	UpdateTask(ctx context.Context, t *Task) error
	// PublishTask publishes a draft: logged, announced on the portal.
	PublishTask(ctx context.Context, code string) error
	// CancelTask cancels a task with a reason (EINVALID without one).
	CancelTask(ctx context.Context, code, reason string) error
	// StartTask, SubmitTask, PublicizeTask, FollowUpTask and CloseTask are
	// the later steps of TaskMachine. Each refuses, changing nothing, with
	// ECONFLICT in a state that does not allow it, EFORBIDDEN, ENOTFOUND or
	// EUNAUTHORIZED as Task.Can says.
	StartTask(ctx context.Context, code string) error
	SubmitTask(ctx context.Context, code string) error
	PublicizeTask(ctx context.Context, code string) error
	FollowUpTask(ctx context.Context, code string) error
	CloseTask(ctx context.Context, code string) error
	// FindAnnouncedTasks lists the tasks announced on the portal (抽查任务公告:
	// published or later, and cancelled ones that had been published),
	// newest first, as Task.Announcement shows them; any principal, the
	// public's included. EUNAUTHORIZED.
	FindAnnouncedTasks(ctx context.Context, f TaskFilter) (List[Task], error)
	// FindAnnouncedTaskByCode returns one announced task likewise; a draft
	// is ENOTFOUND.
	FindAnnouncedTaskByCode(ctx context.Context, code string) (*Task, error)
	// FindTaskHandovers returns the 指派 of a 市抽县查 task's live draw: all
	// for the task's departments, a district bureau's own for it.
	// ENOTFOUND, EUNAUTHORIZED, EFORBIDDEN.
	FindTaskHandovers(ctx context.Context, code string) ([]TaskHandover, error)
	// TaskStep takes one action of TaskActions by its name (for the pages
	// and the API); reason is a cancellation's.
	TaskStep(ctx context.Context, code string, a Action, reason string) error
	// FindTaskByCode returns the task with code. ENOTFOUND, EUNAUTHORIZED,
	// EFORBIDDEN.
	FindTaskByCode(ctx context.Context, code string) (*Task, error)
	// FindTasks returns one page of the tasks that match f.
	// EUNAUTHORIZED, EFORBIDDEN.
	FindTasks(ctx context.Context, f TaskFilter) (List[Task], error)
}
