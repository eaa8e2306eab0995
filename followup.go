package spotcheck

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Follow-ups (后续处置) of approved results (issue 11, item 4; design
// §11). Approving an inspection starts, in the same transaction, the
// follow-ups its results call for, on the national codes they are shown
// as, so that a local category (发现问题，依法责令立即改正或者限期改正 →
// R05) starts what its national one does:
//
//   - R05 发现问题已责令改正: a rectification order (责令整改), due on the
//     整改期限 the team entered on the record, and a re-inspection (复查)
//     once that day has come;
//   - R03/R04: the hand-off to the 经营异常名录, due AbnormalListWorkdays
//     working days after approval;
//   - R08 发现问题待后续处理: a follow-up (后续处理) without a fixed day.
//
// A follow-up records its 处置措施 (from FollowUpMeasures, plus 其他 with
// its text), the responsible department, and its closing (完结, with date
// and note), after publication too. Nothing is edited in place: every
// change is a new FollowUpEvent, and the follow-up is what its last event
// says. Closing the last open follow-up of a task moves the task on
// (FollowUpTaskStep).

// The kinds of follow-up.
const (
	FollowRectify  = "rectify"  // 责令整改
	FollowRecheck  = "recheck"  // 整改后复查
	FollowAbnormal = "abnormal" // 列入经营异常名录（移交）
	FollowPending  = "pending"  // 后续处理
)

// FollowUpKinds lists the kinds in display order.
var FollowUpKinds = []string{FollowRectify, FollowRecheck, FollowAbnormal, FollowPending}

// FollowUpKindNames are the kinds as pages show them.
var FollowUpKindNames = map[string]string{FollowRectify: "责令整改", FollowRecheck: "整改复查",
	FollowAbnormal: "经营异常名录移交", FollowPending: "后续处理"}

// AbnormalListWorkdays is the time, in working days after the result is
// established (its approval), within which an entity whose disclosures
// were false (R03) or that cannot be reached at its registered address
// (R04) is put on the 经营异常名录 (notes/domain-rules.md §4, R03/R04).
const AbnormalListWorkdays = 10

// AbnormalListRule names the source of AbnormalListWorkdays for pages.
const AbnormalListRule = "《企业经营异常名录管理暂行办法》第八条、第九条：公示信息隐瞒真实情况、弄虚作假，" +
	"或通过登记的住所（经营场所）无法联系的，自查实之日起10个工作日内作出列入经营异常名录的决定"

// The states of a follow-up.
const (
	FollowUpOpen   = "open"   // 处置中
	FollowUpClosed = "closed" // 已完结
)

// FollowUpStateNames are the states as pages show them.
var FollowUpStateNames = map[string]string{FollowUpOpen: "处置中", FollowUpClosed: "已完结"}

// The events of a follow-up.
const (
	FollowActCreate = "create" // started by an approval
	FollowActRecord = "record" // 处置措施 or responsible department recorded
	FollowActClose  = "close"  // 完结
)

// FollowUpActionNames name the events in the history.
var FollowUpActionNames = map[string]string{FollowActCreate: "审核通过后生成", FollowActRecord: "记录处置措施",
	FollowActClose: "完结"}

// MeasureOther is the 其他 measure, which needs its text.
const MeasureOther = "other"

// FollowUpMeasures is the checklist of 处置措施, in display order.
var FollowUpMeasures = []ResultSubCode{
	{"order", "责令限期改正"}, {"recheck", "跟踪复查"}, {"interview", "约谈告诫"},
	{"abnormal", "列入经营异常名录"}, {"case", "立案调查"}, {"penalty", "行政处罚"},
	{"transfer", "移送有关部门处理"}, {"key", "列入重点监管对象"}, {MeasureOther, "其他"},
}

// MeasureName names measure code.
func MeasureName(code string) string {
	for _, m := range FollowUpMeasures {
		if m.Code == code {
			return m.Name
		}
	}
	return code
}

// FollowUp is one follow-up of an approved inspection: what started it
// (never changed) and what its last event says.
type FollowUp struct {
	ID         int64
	Inspection int64
	Revision   int // the approved revision that started it
	Kind       string
	Task       string
	Entity     string
	// InspDept is the inspection's department: its staff keep seeing the
	// follow-up when another department is made responsible.
	InspDept string
	Team     []string // the inspection's team (staff ids)
	Results  []string // the result codes that started it
	Due      string   // YYYY-MM-DD; "" for none
	Created  time.Time
	// What the last event says.
	Seq       int // the number of the last event
	Dept      string
	Measures  []string
	Other     string // the text of 其他
	State     string
	Closed    string // 完结日期, YYYY-MM-DD
	Note      string // 完结说明
	UpdatedBy string
	UpdatedAt time.Time
	Events    []FollowUpEvent // FindFollowUpByID only, the first first
	// EntityName is read with it, for the pages.
	EntityName string
}

// FollowUpEvent is one recorded change of a follow-up: the follow-up as
// it stood after it.
type FollowUpEvent struct {
	Seq      int
	Action   string
	Dept     string
	Measures []string
	Other    string
	State    string
	Closed   string
	Note     string
	By       string
	At       time.Time
}

// FollowUpChange is what a user records on an open follow-up.
type FollowUpChange struct {
	Dept     string
	Measures []string
	Other    string
}

// NoFollowUp is the answer for a follow-up that does not exist, and for
// one the user may not see.
func NoFollowUp(id int64) error { return Errorf(ENOTFOUND, "没有编号为 %d 的后续处置", id) }

// record names the follow-up in messages.
func (f *FollowUp) record() string {
	return fmt.Sprintf("后续处置 %d（%s）", f.ID, FollowUpKindNames[f.Kind])
}

// Overdue reports whether an open follow-up's due day is before today
// (YYYY-MM-DD).
func (f *FollowUp) Overdue(today string) bool {
	return f.State == FollowUpOpen && f.Due != "" && f.Due < today
}

// national returns the national codes the results are shown as.
func national(codes []string, cat ResultCatalogue) []string {
	var out []string
	for _, c := range codes {
		if r, ok := cat.Category(c); ok && r.National != "" && !slices.Contains(out, r.National) {
			out = append(out, r.National)
		}
	}
	return out
}

// OrdersRectification reports whether the results include one shown as
// R05 (责令改正), which needs a 整改期限 on the record.
func OrdersRectification(codes []string, cat ResultCatalogue) bool {
	return slices.Contains(national(codes, cat), "R05")
}

// ValidateRectification checks the record's 整改期限 (RectifyBy): required,
// a date, and not before the completion day where a result orders a
// rectification; absent otherwise, since no order was given.
func (in *Inspection) ValidateRectification(cat ResultCatalogue) Problems {
	var ps Problems
	const field, label = "rectify_by", "整改期限"
	if !OrdersRectification(in.Results, cat) {
		if in.RectifyBy != "" {
			ps.Add(field, label, "未选择责令改正类检查结果，不应填写整改期限")
		}
		return ps
	}
	switch {
	case in.RectifyBy == "":
		ps.Add(field, label, "选择了责令改正类检查结果（公示为 R05），须填写整改期限")
	case !ValidDate(in.RectifyBy):
		ps.Add(field, label, "“%s”不是有效日期，应为YYYY-MM-DD", in.RectifyBy)
	case in.Completed != "" && in.RectifyBy < in.Completed:
		ps.Add(field, label, "整改期限（%s）不能早于完成日期（%s）", in.RectifyBy, in.Completed)
	}
	return ps
}

// FollowUpsFor returns the follow-ups that approving in on day approved
// (YYYY-MM-DD, in China) starts, by kind, responsible department the
// inspection's: see the list at the top of this file. cal gives the
// working days of the 经营异常名录 hand-off.
func FollowUpsFor(in *Inspection, cat ResultCatalogue, approved string, cal WorkdayAdder) ([]FollowUp, error) {
	nat := national(in.Results, cat)
	from := func(codes ...string) []string {
		var out []string
		for _, c := range in.Results {
			if r, ok := cat.Category(c); ok && slices.Contains(codes, r.National) {
				out = append(out, c)
			}
		}
		return out
	}
	base := FollowUp{Inspection: in.ID, Revision: in.Revision, Task: in.Task, Entity: in.Entity, InspDept: in.Dept,
		Team: slices.Clone(in.Team), Dept: in.Dept, State: FollowUpOpen}
	var out []FollowUp
	add := func(kind, due string, codes []string) {
		f := base
		f.Kind, f.Due, f.Results = kind, due, codes
		out = append(out, f)
	}
	if slices.Contains(nat, "R05") {
		add(FollowRectify, in.RectifyBy, from("R05"))
		add(FollowRecheck, in.RectifyBy, from("R05"))
	}
	if slices.Contains(nat, "R03") || slices.Contains(nat, "R04") {
		d, err := time.Parse(DateLayout, approved)
		if err != nil {
			return nil, Errorf(EINVALID, "审核日期“%s”无效", approved)
		}
		due, err := cal.AddWorkdays(d, AbnormalListWorkdays)
		if err != nil {
			return nil, err
		}
		add(FollowAbnormal, due.Format(DateLayout), from("R03", "R04"))
	}
	if slices.Contains(nat, "R08") {
		add(FollowPending, "", from("R08"))
	}
	return out, nil
}

// CanView decides whether p may see the follow-up: a member of the
// inspection's team, staff who view the tasks or approve the results of
// the responsible department or of the inspection's, or a supervisor.
// Anyone else gets NoFollowUp, which says nothing.
func (f *FollowUp) CanView(p *Principal) error {
	switch {
	case p == nil:
		return Errorf(EUNAUTHORIZED, msgNoPrincipal)
	case p.IsSystem(), p.Has(PermSuperviseDraws), p.StaffID != "" && slices.Contains(f.Team, p.StaffID):
		return nil
	case (p.Has(PermViewDraws) || p.Has(PermApproveResults)) && (p.InScope(f.Dept) || p.InScope(f.InspDept)):
		return nil
	}
	return NoFollowUp(f.ID)
}

// CanHandle decides whether p may record on the follow-up or close it:
// sight of it (ENOTFOUND), then a member of the team who records
// inspections, or staff who run the tasks or approve the results of the
// responsible or the inspection's department (EFORBIDDEN: a supervisor
// watches, and does not handle), then an open follow-up (ECONFLICT).
func (f *FollowUp) CanHandle(p *Principal) error {
	if err := f.CanView(p); err != nil {
		return err
	}
	member := p.StaffID != "" && slices.Contains(f.Team, p.StaffID) && p.Has(PermRecordInspections)
	dept := (p.Has(PermManageDraws) || p.Has(PermApproveResults)) && (p.InScope(f.Dept) || p.InScope(f.InspDept))
	if !p.IsSystem() && !member && !dept {
		return Errorf(EFORBIDDEN, "没有权限：只有检查组成员和责任部门、检查部门的计划或审核人员可以办理%s", f.record())
	}
	if f.State != FollowUpOpen {
		return Errorf(ECONFLICT, "%s已于 %s 完结，不能再更改", f.record(), f.Closed)
	}
	return nil
}

// Normalize trims what people typed and drops empty measures.
func (c *FollowUpChange) Normalize() {
	c.Dept, c.Other = strings.TrimSpace(c.Dept), strings.TrimSpace(c.Other)
	c.Measures = slices.DeleteFunc(slices.Clone(c.Measures), func(s string) bool { return strings.TrimSpace(s) == "" })
}

// CanRecord decides whether p may record change on the follow-up:
// CanHandle, then measures from the checklist, each once, 其他 with its
// text (and text only with 其他), a responsible department, and a change
// at all (EINVALID: an event that changes nothing says nothing).
func (f *FollowUp) CanRecord(p *Principal, c FollowUpChange) error {
	if err := f.CanHandle(p); err != nil {
		return err
	}
	var ps Problems
	for i, m := range c.Measures {
		switch {
		case !slices.ContainsFunc(FollowUpMeasures, func(x ResultSubCode) bool { return x.Code == m }):
			ps.Add("measures", "处置措施", "“%s”不是处置措施清单中的措施", m)
		case slices.Index(c.Measures, m) < i:
			ps.Add("measures", "处置措施", "“%s”重复选择", MeasureName(m))
		}
	}
	other := slices.Contains(c.Measures, MeasureOther)
	switch {
	case other && c.Other == "":
		ps.Add("other", "其他措施", "选择“其他”须写明具体措施")
	case !other && c.Other != "":
		ps.Add("other", "其他措施", "未选择“其他”，不应填写其他措施")
	}
	ps.checkLen("other", "其他措施", c.Other, 500)
	if c.Dept == "" {
		ps.Add("dept", "责任部门", "须选择责任部门")
	}
	if err := ps.Err(); err != nil {
		return err
	}
	if c.Dept == f.Dept && c.Other == f.Other && slices.Equal(c.Measures, f.Measures) {
		return Errorf(EINVALID, "%s的处置措施和责任部门没有变化", f.record())
	}
	return nil
}

// CanClose decides whether p may close the follow-up on day (完结日期,
// YYYY-MM-DD) with note, today being today: CanHandle, a measure recorded
// (ECONFLICT: a follow-up closed without one says nothing of what was
// done), a date not after today nor before the follow-up began (created,
// YYYY-MM-DD), and a note.
func (f *FollowUp) CanClose(p *Principal, day, note, today, created string) error {
	if err := f.CanHandle(p); err != nil {
		return err
	}
	if len(f.Measures) == 0 {
		return Errorf(ECONFLICT, "%s尚未记录处置措施，不能完结", f.record())
	}
	var ps Problems
	switch {
	case strings.TrimSpace(day) == "":
		ps.Add("closed", "完结日期", "须填写完结日期")
	case !ValidDate(day):
		ps.Add("closed", "完结日期", "“%s”不是有效日期，应为YYYY-MM-DD", day)
	case day > today:
		ps.Add("closed", "完结日期", "完结日期（%s）不能晚于今天（%s）", day, today)
	case day < created:
		ps.Add("closed", "完结日期", "完结日期（%s）不能早于生成后续处置的日期（%s）", day, created)
	}
	if strings.TrimSpace(note) == "" {
		ps.Add("note", "完结说明", "须写明处置结果")
	}
	ps.checkLen("note", "完结说明", note, 1000)
	return ps.Err()
}

// FollowUpTaskStep says which step of TaskMachine a task in state takes
// when its follow-ups change: with open follow-ups, a task whose results
// are public (已公示) goes to 后续处置; with none open and no inspection
// of it still in the works (pending), a task in 已公示 or 后续处置 is
// 办结. ok is false when it stays.
func FollowUpTaskStep(state string, open int, pending bool) (a Action, ok bool) {
	switch {
	case open > 0 && state == TaskPublicized:
		return TaskActFollowUp, true
	case open == 0 && !pending && (state == TaskPublicized || state == TaskFollowUp):
		return TaskActClose, true
	}
	return "", false
}

// FollowUpTally counts the follow-ups of one responsible department.
type FollowUpTally struct {
	Dept                   string
	Total, Closed, Overdue int
}

// Rate is the completion rate (完结率) in per cent, one decimal; "—" for
// a department without follow-ups.
func (t FollowUpTally) Rate() string {
	if t.Total == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", float64(t.Closed)*100/float64(t.Total))
}

// FollowUpFilter selects follow-ups; zero fields match everything the
// user may see.
type FollowUpFilter struct {
	Inspection int64
	Task       string
	Dept       string // responsible department
	Kind       string
	State      string
	Mine       bool // only those of the user's teams
}

// FollowUpService keeps the follow-ups (store/followup*.go). Every method
// needs a principal (EUNAUTHORIZED); a follow-up the user may not see is
// ENOTFOUND. Each change is one transaction that appends an event and is
// recorded in the change history; a refused one changes nothing. The
// follow-ups themselves are made by InspectionService.ApproveInspection.
type FollowUpService interface {
	// FindFollowUps lists the follow-ups the user may see (CanView),
	// the longest due first.
	FindFollowUps(ctx context.Context, f FollowUpFilter) ([]FollowUp, error)
	// FindFollowUpByID returns a follow-up with its events.
	FindFollowUpByID(ctx context.Context, id int64) (*FollowUp, error)
	// RecordFollowUp records measures and the responsible department
	// (CanRecord; EINVALID for a department that does not exist).
	RecordFollowUp(ctx context.Context, id int64, c FollowUpChange) error
	// CloseFollowUp closes it (CanClose) and moves its task on
	// (FollowUpTaskStep).
	CloseFollowUp(ctx context.Context, id int64, day, note string) error
	// FollowUpCompletion counts, per responsible department, the
	// follow-ups the user may see: total, closed and overdue today.
	FollowUpCompletion(ctx context.Context) ([]FollowUpTally, error)
}
