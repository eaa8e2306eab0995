package staff

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"

	"spotcheck"
	"spotcheck/workday"
)

// The home page's to-dos (issue 11, §5): what is each person's to do
// now, from the same store queries as the pages they link to, so that a
// to-do never names a record its page would not show. A team member sees
// the visits to record, the returned records, the records waiting for
// their confirmation, those ready to submit and the visits coming up; an
// approver the submitted records they may decide (never their own
// team's); the department's staff the publications due soon and
// overdue; a supervisor the overdue ones of every department.

// homeTodoShown is how many records a to-do lists; its link shows all.
const homeTodoShown = 5

// homeTodo is one group of things to do.
type homeTodo struct {
	ID, Title, Link string
	Note            string // what it is, or why it cannot be listed
	Urgent          bool   // overdue or returned: shown in red
	Failed          bool   // the list could not be computed (Note says why)
	Total           int
	Items           []todoItem
}

// todoItem is one record to act on.
type todoItem struct{ Link, Text, When string }

// add appends an item, keeping the first homeTodoShown.
func (t *homeTodo) add(it todoItem) {
	t.Total++
	if len(t.Items) < homeTodoShown {
		t.Items = append(t.Items, it)
	}
}

func inspectionLink(in *spotcheck.Inspection) string {
	return "/staff/inspections/" + strconv.FormatInt(in.ID, 10)
}

// homeTodos returns the user's to-dos that have something in them.
func (s *Handler) homeTodos(r *http.Request, p *spotcheck.Principal) ([]homeTodo, error) {
	var out []homeTodo
	keep := func(ts ...*homeTodo) {
		for _, t := range ts {
			if t.Total > 0 || t.Failed {
				out = append(out, *t)
			}
		}
	}
	if p.Has(spotcheck.PermRecordInspections) && p.StaffID != "" {
		ts, err := s.teamTodos(r, p)
		if err != nil {
			return nil, err
		}
		keep(ts...)
	}
	ctx := r.Context()
	if p.Has(spotcheck.PermApproveResults) {
		l, err := s.svc.Inspections.FindInspections(ctx, spotcheck.InspectionFilter{State: spotcheck.InspectionSubmitted})
		if err != nil {
			return nil, err
		}
		t := &homeTodo{ID: "todo-approve", Title: "待审核的检查记录", Link: "/staff/inspections?state=" + spotcheck.InspectionSubmitted,
			Note: "检查组已提交，请审核通过、退回或不通过"}
		for i := range l {
			if l[i].Can(spotcheck.InspActApprove, p) == nil { // never one's own team's
				t.add(todoItem{inspectionLink(&l[i]), cmp.Or(l[i].EntityName, l[i].Entity), l[i].Task})
			}
		}
		keep(t)
	}
	if p.Has(spotcheck.PermSuperviseDraws) || p.Has(spotcheck.PermApproveResults) || p.Has(spotcheck.PermViewDraws) {
		late, err := s.svc.Inspections.FindPublicationsOverdue(ctx, spotcheck.InspectionFilter{})
		if err != nil {
			return nil, err
		}
		t := &homeTodo{ID: "todo-overdue", Title: "逾期未公示的检查结果", Link: "/staff/deadlines", Urgent: true,
			Note: "已超过公示期限（" + spotcheck.PublicationRule + "）"}
		if p.Has(spotcheck.PermSuperviseDraws) {
			t.Title = "各部门逾期未公示的检查结果"
		}
		for i := range late {
			t.add(todoItem{inspectionLink(&late[i]), cmp.Or(late[i].EntityName, late[i].Entity), "应于 " + late[i].PublicationDue + " 前公示"})
		}
		keep(t)
	}
	// Objections and credit repairs to decide (appeals.go).
	ts, err := s.appealTodos(r, p)
	if err != nil {
		return nil, err
	}
	keep(ts...)
	if !p.Has(spotcheck.PermSuperviseDraws) && (p.Has(spotcheck.PermApproveResults) || p.Has(spotcheck.PermViewDraws)) {
		t := &homeTodo{ID: "todo-due", Title: "即将到期的公示", Link: "/staff/deadlines",
			Note: "5个工作日内到期（含当日）"}
		soon, err := s.svc.Inspections.FindPublicationsDueSoon(ctx, spotcheck.InspectionFilter{}, 0)
		switch {
		case spotcheck.ErrorCode(err) == workday.ErrNoData:
			t.Note, t.Urgent, t.Failed = "无法计算："+err.Error(), true, true
		case err != nil:
			return nil, err
		}
		for i := range soon {
			t.add(todoItem{inspectionLink(&soon[i]), cmp.Or(soon[i].EntityName, soon[i].Entity), "公示期限 " + soon[i].PublicationDue})
		}
		keep(t)
	}
	return out, nil
}

// teamTodos are a team member's to-dos, from the inspections of their
// teams. A draft not yet recorded (no completion date) is to record once
// its task's window has opened, and coming up before that.
func (s *Handler) teamTodos(r *http.Request, p *spotcheck.Principal) ([]*homeTodo, error) {
	ctx := r.Context()
	list, err := s.svc.Inspections.FindInspections(ctx, spotcheck.InspectionFilter{Mine: true})
	if err != nil {
		return nil, err
	}
	today := s.today()
	tasks := &taskCache{svc: s.svc.Tasks, seen: map[string]*spotcheck.Task{}}
	type dated struct {
		in    *spotcheck.Inspection
		start string
	}
	var upcoming []dated
	mine := "/staff/inspections?mine=1&state="
	record := &homeTodo{ID: "todo-record", Title: "待录入的检查", Link: mine + spotcheck.InspectionDraft, Note: "检查期间已开始，请到现场检查并录入结果"}
	returned := &homeTodo{ID: "todo-returned", Title: "被退回的检查记录", Link: mine + spotcheck.InspectionReturned, Urgent: true,
		Note: "按审核意见修改后重新确认、提交"}
	confirm := &homeTodo{ID: "todo-confirm", Title: "等待您确认的检查记录", Link: mine + spotcheck.InspectionDraft, Note: "检查组全体成员确认后方可提交"}
	submit := &homeTodo{ID: "todo-submit", Title: "待提交审核的检查记录", Link: mine + spotcheck.InspectionDraft, Note: "检查组成员均已确认"}
	coming := &homeTodo{ID: "todo-upcoming", Title: "即将开始的检查", Link: "/staff/inspections?mine=1", Note: "检查期间尚未开始"}
	for i := range list {
		in := &list[i]
		name := cmp.Or(in.EntityName, in.Entity)
		tk := tasks.get(ctx, in.Task)
		window := ""
		if tk != nil {
			window = "检查期间 " + tk.Start + " 至 " + tk.End
		}
		switch {
		case in.State == spotcheck.InspectionReturned:
			returned.add(todoItem{inspectionLink(in), name, "退回意见：" + in.Comment})
		case in.State != spotcheck.InspectionDraft:
		case in.Completed != "" && !in.Confirmed(p.StaffID):
			confirm.add(todoItem{inspectionLink(in), name, "完成日期 " + in.Completed})
		case in.Completed != "" && len(in.Unconfirmed()) == 0:
			submit.add(todoItem{inspectionLink(in), name, "完成日期 " + in.Completed})
		case in.Completed != "":
			// Confirmed by the user, waiting for a colleague: nothing to do.
		case tk != nil && tk.Start > today:
			upcoming = append(upcoming, dated{in, tk.Start})
		default:
			record.add(todoItem{inspectionLink(in), name, window})
		}
	}
	slices.SortStableFunc(upcoming, func(a, b dated) int { return compareStrings(a.start, b.start) })
	for _, u := range upcoming {
		tk := tasks.get(ctx, u.in.Task)
		coming.add(todoItem{inspectionLink(u.in), cmp.Or(u.in.EntityName, u.in.Entity), "检查期间 " + tk.Start + " 至 " + tk.End})
	}
	return []*homeTodo{returned, confirm, submit, record, coming}, nil
}
