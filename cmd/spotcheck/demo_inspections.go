package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/store"
)

// demoInspections records the inspections of 鼓楼区's draw along the
// demo's story (demoStory), as the team and the approver would on their
// pages: visits in every state — upcoming, in progress, submitted,
// returned, approved — with findings, photos and a PDF; two approved
// results whose publication is overdue today and one due soon; one
// result that orders rectification and one that hands the entity over
// to the 经营异常名录, both published (the first corrected once); and a
// recusal request pending review. The demo inspector (GL0001) is on the team of the
// visits in progress, submitted and returned whenever the draw allows it.
func (m *Main) demoInspections(ctx context.Context, db *store.DB, s *demoStory) error {
	task := fmt.Sprintf("%d-GLWL-SJ-001", s.days[0].Year())
	users, err := demoTeamAccounts(ctx, db, "GLWL")
	if err != nil {
		return err
	}
	as, err := demoStaff(ctx, db, append([]string{"glplanner", "approver"}, slices.Collect(maps.Values(users))...)...)
	if err != nil {
		return err
	}
	list, err := db.Inspections().FindInspections(as("glplanner"), spotcheck.InspectionFilter{Task: task})
	if err != nil {
		return err
	}
	var mine, others []spotcheck.Inspection
	for _, in := range list {
		if len(in.Team) != 2 {
			continue
		}
		if slices.Contains(in.Team, demo.DemoInspector) {
			mine = append(mine, in)
		} else {
			others = append(others, in)
		}
	}
	take := func(preferMine bool) (spotcheck.Inspection, error) {
		q, alt := &others, &mine
		if preferMine {
			q, alt = &mine, &others
		}
		if len(*q) == 0 {
			q = alt
		}
		if len(*q) == 0 {
			return spotcheck.Inspection{}, fmt.Errorf("%s 的两人检查组不够演示用", task)
		}
		in := (*q)[0]
		*q = (*q)[1:]
		return in, nil
	}
	s.goTo(1, 9, 0)
	if err := db.Tasks().StartTask(as("glplanner"), task); err != nil {
		return err
	}
	n := s.last()
	for _, sc := range demoScenarios(n) {
		in, err := take(sc.mine)
		if err != nil {
			return err
		}
		r := demoRecorder{db: db, s: s, in: in, member: func(staff string) context.Context { return as(users[staff]) },
			approver: as("approver")}
		if err := r.play(sc); err != nil {
			return fmt.Errorf("%s（%s）：%w", sc.name, in.EntityName, err)
		}
	}
	// An enterprise whose notice was delivered this morning asks, from
	// the notice's page, that an inspector recuse: pending review.
	in, err := take(false)
	if err != nil {
		return err
	}
	if err := demoRecusalRequest(ctx, db, s, as(users[in.Team[0]]), in); err != nil {
		return err
	}
	return demoOutbox(ctx, db, s)
}

// demoRecusalRequest delivers in's notice and files the enterprise's
// recusal request against the second member of its team, as the notice's
// page does (no login), pending the department admin's review.
func demoRecusalRequest(ctx context.Context, db *store.DB, s *demoStory, lead context.Context, in spotcheck.Inspection) error {
	s.goTo(s.last(), 8, 30)
	if err := db.Notices().DeliverNotice(lead, in.ID); err != nil {
		return err
	}
	n, err := db.Notices().Notice(lead, in.ID)
	if err != nil {
		return err
	}
	s.goTo(s.last(), 9, 0)
	staff := in.Team[1]
	q := &spotcheck.RecusalRequest{InspectorName: in.Names[staff],
		Reason:  "该检查人员的配偶在本公司担任财务负责人，存在利害关系，申请回避",
		Contact: "公司行政部 0591-87******"}
	return db.Recusals().RequestRecusal(spotcheck.NewContextWithPrincipal(ctx, spotcheck.Public()), n.Token, q)
}

// demoTeamAccounts makes an account for each active inspector of dept
// (the demo inspector has one already) and returns the user name of each
// staff id; they sign in with the demo password.
func demoTeamAccounts(ctx context.Context, db *store.DB, dept string) (map[string]string, error) {
	yes := true
	l, err := db.Inspectors().FindInspectors(ctx, spotcheck.InspectorFilter{Dept: dept, Active: &yes, Limit: 1000})
	if err != nil {
		return nil, err
	}
	users := map[string]string{demo.DemoInspector: "inspector"}
	for _, in := range l.Items {
		if in.Expert || users[in.StaffID] != "" {
			continue
		}
		u := &spotcheck.User{Username: strings.ToLower(in.StaffID), Name: in.Name, Dept: in.Dept,
			Roles: []string{spotcheck.RoleInspector}, StaffID: in.StaffID, Active: true}
		if err := db.Accounts().CreateUser(ctx, u, demo.Password); err != nil {
			return nil, err
		}
		users[in.StaffID] = u.Username
	}
	return users, nil
}

// demoScenario is what happens to one demo inspection: on working day
// visit (an index of the story) the team checks in and records, confirms
// and submits on submit (-1: not yet), the approver returns it on
// returned or approves it on approve (-1: not yet).
type demoScenario struct {
	name                  string
	mine                  bool // the demo inspector's, if the draw allows
	visit, submit         int
	returned, approve     int
	findings              func(items []string) []spotcheck.ItemFinding
	results               []string
	subCodes              map[string][]string
	remark, returnComment string
	photos                int
	pdf                   bool
	partial               bool // in progress: one item recorded, no confirmation
	approveComment        string
	methods               []string
	rectifyDays           int    // the 整改期限, days after the visit, of a result that orders a correction
	publishAfter          int    // working days from approval to publication; 0: not published (demo_publish.go)
	correction, corrected string // a correction's reason and the first finding's corrected basis
}

// demoScenarios are the demo's inspections along a story whose last
// working day is n (today): publication is due 20 working days after the
// visit, so the visits of days 2 and 3 are overdue and the visit of day
// n-16 is due within 5 working days.
func demoScenarios(n int) []demoScenario {
	none := func(items []string) []spotcheck.ItemFinding {
		out := make([]spotcheck.ItemFinding, len(items))
		for i, it := range items {
			out[i] = spotcheck.ItemFinding{Item: it, Outcome: spotcheck.FindingNone}
		}
		return out
	}
	problem := func(basis, what string) func([]string) []spotcheck.ItemFinding {
		return func(items []string) []spotcheck.ItemFinding {
			out := none(items)
			out[0] = spotcheck.ItemFinding{Item: items[0], Outcome: spotcheck.FindingProblem, Basis: basis, Description: what}
			return out
		}
	}
	unreachable := func(items []string) []spotcheck.ItemFinding {
		out := make([]spotcheck.ItemFinding, len(items))
		for i, it := range items {
			out[i] = spotcheck.ItemFinding{Item: it, Outcome: spotcheck.FindingOther,
				Remark: "登记的经营场所已人去楼空，电话无人接听，无法开展检查"}
		}
		return out
	}
	site := []string{spotcheck.MethodSite}
	return []demoScenario{
		{name: "逾期未公示（一）", visit: 2, submit: 2, returned: -1, approve: 4, findings: none, results: []string{"R01"},
			photos: 2, methods: site, approveComment: "记录完整，同意"},
		{name: "逾期未公示（二）", visit: 3, submit: 3, returned: -1, approve: 5, findings: none, results: []string{"R01"},
			photos: 1, pdf: true, methods: append(site, "M02"), approveComment: "同意"},
		{name: "即将到期", visit: n - 16, submit: n - 16, returned: -1, approve: n - 14, findings: none, results: []string{"R01"},
			photos: 2, methods: site, approveComment: "同意"},
		{name: "责令改正", mine: true, visit: n - 9, submit: n - 9, returned: -1, approve: n - 7,
			findings: problem("《娱乐场所管理条例》第三十条", "未在显著位置悬挂未成年人禁入标志；包厢内发现两名未成年人，未核验身份证件"),
			results:  []string{"WL01"}, subCodes: map[string][]string{"WL01": {"WH"}}, photos: 2, pdf: true, methods: site,
			approveComment: "同意，责令限期改正并复查", rectifyDays: 15, publishAfter: 1,
			correction: "违反条款引用不全：接纳未成年人另违反第二十三条，已按现场检查笔录更正",
			corrected:  "《娱乐场所管理条例》第二十三条、第三十条"},
		{name: "移送经营异常名录", visit: n - 6, submit: n - 6, returned: -1, approve: n - 4, findings: unreachable,
			results: []string{"R04"}, photos: 1, methods: site, approveComment: "同意，移送市场监管部门列入经营异常名录",
			publishAfter: 4},
		{name: "已提交待审核", mine: true, visit: n - 1, submit: n - 1, returned: -1, approve: -1, findings: none,
			results: []string{"R01"}, photos: 2, methods: site},
		{name: "已退回", mine: true, visit: n - 3, submit: n - 3, returned: n - 2, approve: -1,
			findings: problem("《娱乐场所管理条例》第二十八条", "营业日志记录不全"), results: []string{"WL02"},
			subCodes: map[string][]string{"WL02": {"WH"}}, photos: 1, methods: site,
			returnComment: "问题描述不完整：请补充营业日志缺失的具体日期和涉及的包厢，再重新提交"},
		{name: "检查中", mine: true, visit: n, submit: -1, returned: -1, approve: -1, findings: none, photos: 1,
			partial: true, methods: site},
	}
}

// demoRecorder plays one scenario on one inspection.
type demoRecorder struct {
	db       *store.DB
	s        *demoStory
	in       spotcheck.Inspection
	member   func(staff string) context.Context
	approver context.Context
}

func (r demoRecorder) play(sc demoScenario) error {
	sv, in := r.db.Inspections(), r.in
	lead := r.member(in.Team[0])
	r.s.goTo(sc.visit, 9, 10)
	if err := r.db.Notices().DeliverNotice(lead, in.ID); err != nil {
		return err
	}
	r.s.goTo(sc.visit, 10, 0)
	rec := &spotcheck.Inspection{ID: in.ID, Methods: sc.methods, CheckIn: r.s.at, Location: "26.0824,119.2965",
		Findings: sc.findings(in.Items), Results: sc.results, SubCodes: sc.subCodes, Remark: sc.remark,
		Completed: r.s.date(sc.visit)}
	if sc.rectifyDays > 0 {
		rec.RectifyBy = r.s.days[sc.visit].AddDate(0, 0, sc.rectifyDays).Format(spotcheck.DateLayout)
	}
	if sc.partial {
		rec.Findings, rec.Results, rec.Completed = rec.Findings[:1], nil, ""
	}
	if err := sv.SaveInspection(lead, rec); err != nil {
		return err
	}
	for i := range sc.photos {
		photo := demoPhoto(in.ID, i)
		if _, err := r.db.Attachments().SaveAttachment(lead, fmt.Sprintf("现场照片%d.jpg", i+1), photo,
			spotcheck.Citation{Kind: "inspection", Key: strconv.FormatInt(in.ID, 10)}); err != nil {
			return err
		}
	}
	if sc.pdf {
		if _, err := r.db.Attachments().SaveAttachment(lead, "营业日志（复印件）.pdf", demoPDF(in.EntityName),
			spotcheck.Citation{Kind: "inspection", Key: strconv.FormatInt(in.ID, 10)}); err != nil {
			return err
		}
	}
	if sc.submit < 0 {
		return nil
	}
	r.s.goTo(sc.submit, 16, 30)
	for _, staff := range in.Team {
		if err := sv.ConfirmInspection(r.member(staff), in.ID); err != nil {
			return err
		}
	}
	if err := sv.SubmitInspection(lead, in.ID); err != nil {
		return err
	}
	if sc.returned >= 0 {
		r.s.goTo(sc.returned, 10, 30)
		return sv.ReturnInspection(r.approver, in.ID, sc.returnComment)
	}
	if sc.approve >= 0 {
		r.s.goTo(sc.approve, 11, 0)
		if err := sv.ApproveInspection(r.approver, in.ID, sc.approveComment); err != nil {
			return err
		}
		return r.publish(sc, rec)
	}
	return nil
}
