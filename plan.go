package spotcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Plan is a department's 年度抽查计划 (issue 10): the header a bureau
// publishes in advance, and through Task.Plan the tasks it is made of. A
// plan is kept per revision: revision 1 is drafted and published; a
// published plan is never edited in place, a change is revision n+1
// opened by RevisePlan with its reason, drafted, checked and published in
// turn, which supersedes the revision before it.
type Plan struct {
	Dept         string   // the department whose plan it is
	Year         int      // the calendar year it covers
	Revision     int      // 1, 2, …
	State        string   // PlanDraft, PlanPublished, PlanSuperseded
	Name         string   // e.g. 福州市文化和旅游局2026年度双随机抽查工作计划
	Office       string   // 监管责任处室
	KeyItems     []string // 年度重点监管事项: item codes
	KeyTasks     []string // 年度重点监管任务: one line each
	Note         string
	RevisionNote string // why this revision was opened (revisions after the first)
	FiledWith    string // the department above it was filed with (上报备案), set on publishing

	CreatedBy   string
	CreatedAt   time.Time
	PublishedBy string
	PublishedAt time.Time
	LogIndex    int64 // the ledger entry of its publication, -1 before
}

// The states of a plan revision.
const (
	PlanDraft      = "draft"      // 草稿
	PlanPublished  = "published"  // 已发布
	PlanSuperseded = "superseded" // 已被修订: a later revision was published
)

// PlanStateNames are the plan's states as pages show them.
var PlanStateNames = map[string]string{PlanDraft: "草稿", PlanPublished: "已发布", PlanSuperseded: "已修订（作废）"}

// The actions of a plan.
const (
	PlanActEdit      Action = "edit"      // change a draft revision in place, add its tasks
	PlanActPublish   Action = "publish"   // publish a compliant draft (logged, filed with the parent)
	PlanActRevise    Action = "revise"    // open revision n+1 of a published plan, with a reason
	PlanActSupersede Action = "supersede" // the published revision, when the next one is published
)

// PlanMachine is the table of a plan revision's workflow. Revise leaves
// the published revision as it is: it stays the plan in force until its
// successor is published, which supersedes it in the same transaction.
var PlanMachine = Machine{
	States: []string{PlanDraft, PlanPublished, PlanSuperseded},
	Names:  PlanStateNames,
	Table: []Transition{
		{PlanActEdit, []string{PlanDraft}, "", PermManageDraws},
		{PlanActPublish, []string{PlanDraft}, PlanPublished, PermManageDraws},
		{PlanActRevise, []string{PlanPublished}, "", PermManageDraws},
		{PlanActSupersede, []string{PlanPublished}, PlanSuperseded, PermManageDraws},
	},
}

var planKeyForm = regexp.MustCompile(`^([A-Z][A-Z0-9_]{1,15})-([0-9]{4})$`)

// PlanKey is the key of a department's plan for a year: "DEPT-YYYY", as
// Task.Plan holds it.
func PlanKey(dept string, year int) string { return fmt.Sprintf("%s-%04d", dept, year) }

// ParsePlanKey splits a plan key into its department and year.
func ParsePlanKey(key string) (dept string, year int, ok bool) {
	m := planKeyForm.FindStringSubmatch(strings.TrimSpace(key))
	if m == nil {
		return "", 0, false
	}
	year, _ = strconv.Atoi(m[2])
	return m[1], year, true
}

// Key returns the plan's key.
func (p *Plan) Key() string { return PlanKey(p.Dept, p.Year) }

// NoPlan is the answer for a plan that does not exist, or that the user
// may not see.
func NoPlan(key string) error { return Errorf(ENOTFOUND, "没有“%s”年度抽查计划", key) }

// Normalize trims what people type and fills the defaults.
func (p *Plan) Normalize() {
	p.Dept = NormalizeCode(p.Dept)
	for _, f := range []*string{&p.Name, &p.Office, &p.Note, &p.RevisionNote, &p.State} {
		*f = strings.TrimSpace(*f)
	}
	items := trimAll(p.KeyItems)
	for i := range items {
		items[i] = NormalizeCode(items[i])
	}
	p.KeyItems = trimAll(items)
	p.KeyTasks = trimAll(p.KeyTasks)
	if p.Revision == 0 {
		p.Revision = 1
	}
	if p.State == "" {
		p.State = PlanDraft
	}
}

// Validate checks a normalized plan on its own and changes nothing; that
// the department and the key items exist is checked by the store.
func (p *Plan) Validate() Problems {
	var ps Problems
	ps.checkRequired("dept", "部门", p.Dept)
	if p.Year < 2000 || p.Year > 2100 {
		ps.Add("year", "年度", "应为2000–2100之间的年份")
	}
	ps.checkRequired("name", "计划名称", p.Name)
	ps.checkLen("name", "计划名称", p.Name, 100)
	ps.checkRequired("office", "监管责任处室", p.Office)
	ps.checkLen("office", "监管责任处室", p.Office, 60)
	ps.checkLen("note", "说明", p.Note, 2000)
	for _, t := range p.KeyTasks {
		if len([]rune(t)) > 200 {
			ps.Add("key_tasks", "年度重点监管任务", "每行至多200字")
			break
		}
	}
	if p.Revision > 1 && p.RevisionNote == "" {
		ps.Add("revision_note", "修订原因", "修订计划须写明原因")
	}
	ps.checkOneOf("state", "状态", p.State, PlanDraft, PlanPublished, PlanSuperseded)
	return ps
}

// Can decides whether pr may take action a on the plan revision now: a
// principal (EUNAUTHORIZED), the permission for the plan's department
// (EFORBIDDEN, or NoPlan for a user who may not see it), then the state
// (ECONFLICT).
func (p *Plan) Can(a Action, pr *Principal) error {
	tr, ok := PlanMachine.Transition(a)
	if !ok {
		return PlanMachine.Check(p.record(), p.State, a)
	}
	if pr == nil {
		return Errorf(EUNAUTHORIZED, msgNoPrincipal)
	}
	if err := pr.AuthorizeTask(tr.Perm, []string{p.Dept}, NoPlan(p.Key())); err != nil {
		return err
	}
	return PlanMachine.Check(p.record(), p.State, a)
}

// Next returns the revision's state after action a, which Can allowed.
func (p *Plan) Next(a Action) (string, error) {
	return PlanMachine.Next(p.record(), p.State, a)
}

func (p *Plan) record() string { return fmt.Sprintf("计划 %s 第%d版", p.Key(), p.Revision) }

// CheckTask checks that a task belongs in the plan: drawn by the plan's
// department, within the plan's year.
func (p *Plan) CheckTask(t *Task) Problems {
	var ps Problems
	if t.Authority != p.Dept {
		ps.Add("authority", "发起部门", "计划 %s 的任务应由 %s 发起", p.Key(), p.Dept)
	}
	if y := strconv.Itoa(p.Year); t.Year() != "" && t.Year() != y {
		ps.Add("start", "开始日期", "不在计划的年度 %s 内", y)
	}
	return ps
}

// PlanFilter selects plans: of one department or those filed with it,
// of a year, in a state.
type PlanFilter struct {
	Dept      string // the plan's department
	FiledWith string // plans filed with this department (上报备案)
	Year      int
	State     string
	Offset    int
	Limit     int
}

// PlanService keeps the annual plans. The common contract of every
// service is in doc.go. A department sees its own plans and those of the
// departments below it (which file theirs with it); the public sees
// published revisions only.
type PlanService interface {
	// CreatePlan stores revision 1 of a new plan as a draft. EINVALID,
	// ECONFLICT (the department has a plan for the year), EFORBIDDEN (no
	// PermManageDraws for p.Dept), EUNAUTHORIZED.
	CreatePlan(ctx context.Context, p *Plan) error
	// UpdatePlan changes the header of a draft revision (p.Dept, p.Year
	// and p.Revision name it). EINVALID, ENOTFOUND, ECONFLICT (not a
	// draft), EFORBIDDEN, EUNAUTHORIZED.
	UpdatePlan(ctx context.Context, p *Plan) error
	// FindPlanByKey returns the plan in force: the published revision,
	// else the latest draft (the public: the published one only).
	// ENOTFOUND, EUNAUTHORIZED.
	FindPlanByKey(ctx context.Context, key string) (*Plan, error)
	// FindPlanRevisions returns every revision the user may see, newest
	// first. ENOTFOUND, EUNAUTHORIZED.
	FindPlanRevisions(ctx context.Context, key string) ([]Plan, error)
	// FindPlans lists the latest visible revision of each plan that
	// matches f. EUNAUTHORIZED.
	FindPlans(ctx context.Context, f PlanFilter) (List[Plan], error)
	// FindPlanTasks returns the tasks of a plan (Task.Plan), by code.
	// ENOTFOUND, EUNAUTHORIZED.
	FindPlanTasks(ctx context.Context, key string) ([]Task, error)
	// CheckPlan runs the compliance check (Check) on a revision of the
	// plan (0: the one FindPlanByKey returns) and its tasks.
	// ENOTFOUND, EFORBIDDEN, EUNAUTHORIZED.
	CheckPlan(ctx context.Context, key string, revision int) ([]Finding, error)
	// CheckPlanDraft runs the check on p as typed (not saved) with the
	// stored tasks of its plan: the live panel of the edit form.
	// ENOTFOUND, EFORBIDDEN, EUNAUTHORIZED.
	CheckPlanDraft(ctx context.Context, p *Plan) ([]Finding, error)
	// PublishPlan publishes the draft revision: refused with EINVALID and
	// the findings when the check finds any; logs it in the ledger, files
	// it with the parent department and supersedes the revision before.
	// ENOTFOUND, ECONFLICT, EFORBIDDEN, EUNAUTHORIZED.
	PublishPlan(ctx context.Context, key string, revision int) ([]Finding, error)
	// RevisePlan opens revision n+1 of a published plan as a draft, with
	// its reason. EINVALID (no reason), ECONFLICT (not published, or a
	// revision is already open), ENOTFOUND, EFORBIDDEN, EUNAUTHORIZED.
	RevisePlan(ctx context.Context, key, reason string) (*Plan, error)
	// FindPlanDocument returns the public JSON (Plan.Document) of the
	// plan's published revision as it was published, the bytes whose
	// SHA-256 its ledger record holds. ENOTFOUND (also for a plan not
	// published), EUNAUTHORIZED.
	FindPlanDocument(ctx context.Context, key string) ([]byte, error)
	// FindTaskStaffing estimates the staffing of a task before its draw
	// (EstimateStaffing over its expected sample and its team's rosters),
	// for the task's page. ENOTFOUND, EUNAUTHORIZED.
	FindTaskStaffing(ctx context.Context, code string) (*Staffing, error)
	// CreatePlanTasks creates the tasks of src (an import file, or
	// SliceSource) in one transaction, all or nothing, each as
	// TaskService.CreateTask would, with Task.Plan set to key; the plan
	// must have a draft revision. EINVALID (*ImportError naming the rows
	// of src), ENOTFOUND, ECONFLICT, EFORBIDDEN, EUNAUTHORIZED.
	CreatePlanTasks(ctx context.Context, key string, src ImportSource[Task]) error
}

// Document is the public JSON of a published plan with its tasks, made
// when the plan is published, kept and served as it was then
// (PlanService.FindPlanDocument); its SHA-256 is in the plan's ledger
// record. Tasks cancelled by then are left out.
func (p *Plan) Document(tasks []Task) ([]byte, error) {
	type task struct {
		Code      string   `json:"code"`
		Name      string   `json:"name"`
		Round     int      `json:"round"`
		Items     []string `json:"items"`
		Types     []string `json:"types,omitempty"`
		Divisions []string `json:"divisions,omitempty"`
		Start     string   `json:"start"`
		End       string   `json:"end"`
		Expected  int      `json:"expected,omitempty"`
		Partners  []string `json:"partners,omitempty"`
	}
	doc := struct {
		Plan         string   `json:"plan"`
		Dept         string   `json:"dept"`
		Year         int      `json:"year"`
		Revision     int      `json:"revision"`
		Name         string   `json:"name"`
		Office       string   `json:"office"`
		KeyItems     []string `json:"key_items"`
		KeyTasks     []string `json:"key_tasks"`
		Note         string   `json:"note,omitempty"`
		RevisionNote string   `json:"revision_note,omitempty"`
		FiledWith    string   `json:"filed_with,omitempty"`
		Published    string   `json:"published,omitempty"`
		Tasks        []task   `json:"tasks"`
	}{Plan: p.Key(), Dept: p.Dept, Year: p.Year, Revision: p.Revision, Name: p.Name, Office: p.Office,
		KeyItems: orEmpty(p.KeyItems), KeyTasks: orEmpty(p.KeyTasks), Note: p.Note, RevisionNote: p.RevisionNote,
		FiledWith: p.FiledWith, Tasks: []task{}}
	if !p.PublishedAt.IsZero() {
		doc.Published = p.PublishedAt.UTC().Format("2006-01-02T15:04:05Z")
	}
	for _, t := range tasks {
		if t.State == TaskCancelled {
			continue
		}
		doc.Tasks = append(doc.Tasks, task{t.Code, t.Name, t.Round, orEmpty(t.Items), t.Scope.Types, t.Scope.Divisions,
			t.Start, t.End, t.Expected, t.Partners})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(doc)
	return b.Bytes(), err
}

// TasksAsPublished keeps the tasks of a published revision as it was
// published: those created by then and not cancelled. Tasks added while
// the next revision is drafted are not public before it is published.
func (p *Plan) TasksAsPublished(tasks []Task) []Task {
	var out []Task
	for _, t := range tasks {
		if t.State != TaskCancelled && (p.PublishedAt.IsZero() || !t.CreatedAt.After(p.PublishedAt)) {
			out = append(out, t)
		}
	}
	return out
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
