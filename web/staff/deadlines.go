package staff

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"time"

	"spotcheck"
	"spotcheck/web/internal/view"
	"spotcheck/workday"
)

// The deadlines of publication (issue 11, §5): /staff/deadlines lists the
// approved results due soon and those overdue, counted per department and
// per person, with the rule and its source. What each user sees is what
// the store lets them see (FindPublicationsDueSoon/Overdue): a team
// member their teams', a department's staff their subtree's, a
// supervisor every department's. A filter (?dept=, ?staff=) narrows
// within that and never widens it.

// deadlineRow is one publication on the page.
type deadlineRow struct {
	In         spotcheck.Inspection
	EntityName string
	Team       string // the team's names, joined
	Late       bool
	Days       int // overdue: calendar days since the due date
}

// deadlineCount is one line of the counts per department or per person.
type deadlineCount struct {
	Key, Name  string
	Soon, Late int
}

// deadlineLists reads the two lists for f; soonErr is the calendar's
// error when the due-soon window cannot be computed (a year without
// holiday data), which leaves the overdue list standing.
func (s *Handler) deadlineLists(r *http.Request, f spotcheck.InspectionFilter) (soon, late []spotcheck.Inspection, soonErr, err error) {
	ctx := r.Context()
	if late, err = s.svc.Inspections.FindPublicationsOverdue(ctx, f); err != nil {
		return nil, nil, nil, err
	}
	soon, err = s.svc.Inspections.FindPublicationsDueSoon(ctx, f, 0)
	if spotcheck.ErrorCode(err) == workday.ErrNoData {
		return nil, late, err, nil
	}
	return soon, late, nil, err
}

// teamNames names the members of the inspection's team.
func teamNames(in *spotcheck.Inspection) string {
	names := make([]string, 0, len(in.Team))
	for _, sid := range in.Team {
		names = append(names, cmp.Or(in.Names[sid], sid))
	}
	return strings.Join(names, "、")
}

// ShowDeadlines shows the publications due soon and overdue.
func (s *Handler) ShowDeadlines(w http.ResponseWriter, r *http.Request) {
	p := view.StaffUser(r)
	if err := mayReadInspections(p); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := spotcheck.InspectionFilter{Dept: strings.TrimSpace(q.Get("dept")), Staff: strings.TrimSpace(q.Get("staff"))}
	soon, late, soonErr, err := s.deadlineLists(r, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	all, err := s.namingDepts(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	deptName := func(code string) string {
		for _, d := range all {
			if d.Code == code {
				return d.Name
			}
		}
		return code
	}
	today := s.today()
	rows := func(l []spotcheck.Inspection, isLate bool) []deadlineRow {
		out := make([]deadlineRow, 0, len(l))
		for i := range l {
			in := &l[i]
			row := deadlineRow{In: *in, EntityName: cmp.Or(in.EntityName, in.Entity), Team: teamNames(in), Late: isLate}
			if isLate {
				row.Days = daysBetween(in.PublicationDue, today)
			}
			out = append(out, row)
		}
		return out
	}
	// The counts: per department and per team member, over both lists.
	depts, people := map[string]*deadlineCount{}, map[string]*deadlineCount{}
	count := func(m map[string]*deadlineCount, key, name string, isLate bool) {
		c := m[key]
		if c == nil {
			c = &deadlineCount{Key: key, Name: name}
			m[key] = c
		}
		if isLate {
			c.Late++
		} else {
			c.Soon++
		}
	}
	personName := f.Staff
	for _, l := range []struct {
		list []spotcheck.Inspection
		late bool
	}{{soon, false}, {late, true}} {
		for i := range l.list {
			in := &l.list[i]
			count(depts, in.Dept, deptName(in.Dept), l.late)
			for _, sid := range in.Team {
				count(people, sid, cmp.Or(in.Names[sid], sid), l.late)
				if sid == f.Staff && in.Names[sid] != "" {
					personName = in.Names[sid]
				}
			}
		}
	}
	sorted := func(m map[string]*deadlineCount) []deadlineCount {
		out := make([]deadlineCount, 0, len(m))
		for _, c := range m {
			out = append(out, *c)
		}
		slices.SortFunc(out, func(a, b deadlineCount) int {
			return cmp.Or(b.Late-a.Late, b.Soon-a.Soon, strings.Compare(a.Key, b.Key))
		})
		return out
	}
	objections, err := s.pendingObjections(r, p) // appeals.go
	if err != nil {
		s.fail(w, r, err)
		return
	}
	title := "公示期限"
	if p.Has(spotcheck.PermSuperviseDraws) {
		title = "公示期限（各部门）"
	}
	d := map[string]any{
		"Title": title, "Rule": spotcheck.DeadlineRule, "Today": today, "Filter": f,
		"DeptName": deptName(f.Dept), "PersonName": personName,
		"Soon": rows(soon, false), "Late": rows(late, true),
		"ByDept": sorted(depts), "ByPerson": sorted(people),
		"Supervisor": p.Has(spotcheck.PermSuperviseDraws), "Depts": all,
		"Objections": objections, "ObjectionRule": spotcheck.ObjectionRule,
	}
	if soonErr != nil {
		d["SoonError"] = soonErr.Error()
	}
	s.renderTitled(w, r, http.StatusOK, "deadlines", title, d)
}

// daysBetween counts the calendar days from day a to day b (YYYY-MM-DD);
// 0 when either does not parse.
func daysBetween(a, b string) int {
	da, err1 := time.Parse(spotcheck.DateLayout, a)
	db, err2 := time.Parse(spotcheck.DateLayout, b)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(db.Sub(da).Hours() / 24)
}
