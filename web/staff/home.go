package staff

import (
	"net/http"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// homeCard is one box of the home page: a count of what the user works
// on, and where to go.
type homeCard struct {
	Title string
	Count string
	Link  string
	Note  string
}

// ShowHome shows each role its own work: counts within the user's scope
// and the next steps its permissions allow. The counts come from the same
// list queries as the pages, so a card never promises what its page
// would not show.
func (s *Handler) ShowHome(w http.ResponseWriter, r *http.Request) {
	p := view.StaffUser(r)
	cards, err := s.homeCards(r, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The administrators see when this or next year has no holiday data:
	// deadlines in it cannot be computed until they import it.
	gaps, err := s.calendarGaps(r, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// What is the user's to do now (home_todo.go).
	todos, err := s.homeTodos(r, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "home", "工作台", map[string]any{"Cards": cards, "CalendarGaps": gaps, "Todos": todos})
}

func (s *Handler) homeCards(r *http.Request, p *spotcheck.Principal) ([]homeCard, error) {
	ctx := r.Context()
	var cards []homeCard
	var err error
	// add appends a card from a list total, unless an earlier count failed.
	add := func(title, link, note string, total int, more bool, e error) {
		if err == nil && e != nil {
			err = e
		}
		if err == nil {
			cards = append(cards, homeCard{title, view.CountText(total, more), link, note})
		}
	}
	yes, no := true, false
	if p.Has(spotcheck.PermViewDirectory) {
		l, e := s.svc.Entities.FindEntities(ctx, spotcheck.EntityFilter{Limit: 1})
		add("检查对象", "/staff/entities", "本部门及下级部门管辖的检查对象", l.Total, l.More, e)
		l, e = s.svc.Entities.FindEntities(ctx, spotcheck.EntityFilter{Key: &yes, Limit: 1})
		add("重点检查对象", "/staff/entities?key=1", "高风险、投诉多等列入重点名录的对象", l.Total, l.More, e)
		in, e := s.svc.Inspectors.FindInspectors(ctx, spotcheck.InspectorFilter{Expert: &no, Active: &yes, Limit: 1})
		add("执法检查人员", "/staff/inspectors?active=1", "有效的执法检查人员", in.Total, in.More, e)
		in, e = s.svc.Inspectors.FindInspectors(ctx, spotcheck.InspectorFilter{Expert: &yes, Active: &yes, Limit: 1})
		add("专家", "/staff/experts?active=1", "有效的专家名录", in.Total, in.More, e)
		c, e := s.svc.Conflicts.FindConflicts(ctx, spotcheck.ConflictFilter{Review: spotcheck.ReviewPending, Limit: 1})
		add("待审核的回避申请", "/staff/conflicts?review="+spotcheck.ReviewPending, "检查对象提出、尚未审核的回避申请", c.Total, c.More, e)
	}
	if p.Has(spotcheck.PermViewLists) {
		l, e := s.svc.Items.FindItems(ctx, spotcheck.ItemFilter{Status: spotcheck.ItemActive, Limit: 1})
		add("启用的抽查事项", "/staff/items?status="+spotcheck.ItemActive, "两单之一：随机抽查事项清单", l.Total, l.More, e)
		if p.Has(spotcheck.PermEditLists) {
			l, e = s.svc.Items.FindItems(ctx, spotcheck.ItemFilter{Status: spotcheck.ItemDraft, Limit: 1})
			add("草稿事项", "/staff/items?status="+spotcheck.ItemDraft, "尚未启用的事项，补全检查依据等要素后启用", l.Total, l.More, e)
		}
		rs, e := s.svc.Responsibilities.FindResponsibilities(ctx, spotcheck.ResponsibilityFilter{Limit: 1})
		add("监管责任", "/staff/responsibilities", "两单之二：多部门监管责任事项清单", rs.Total, rs.More, e)
	}
	if p.Has(spotcheck.PermViewDepartments) {
		ds, e := s.svc.Departments.FindDepartments(ctx)
		add("部门", "/staff/departments", "部门树决定每个用户可见的数据范围", len(ds), false, e)
	}
	if p.Has(spotcheck.PermManageDepartments) {
		os, e := s.svc.Calendar.FindCalendarOverrides(ctx)
		add("工作日历", "/staff/calendar", "法定节假日与调休：按国务院办公厅通知导入或更正", len(os), false, e)
	}
	if p.Has(spotcheck.PermManageUsers) {
		us, e := s.svc.Accounts.FindUsers(ctx)
		add("用户", "/staff/users", "账号、角色与密码", len(us), false, e)
	}
	if p.Has(spotcheck.PermViewAudit) {
		ch, e := s.svc.Changes.FindChanges(ctx, spotcheck.ChangeFilter{Limit: 1})
		add("操作记录", "/staff/audit", "所有人员（含各管理员）的变更记录", ch.Total, ch.More, e)
	}
	s.followUpCards(r, p, add) // web/staff/home_followups.go
	return cards, err
}
