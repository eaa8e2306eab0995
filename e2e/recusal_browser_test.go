package e2e

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"spotcheck"
	"spotcheck/draw"
)

// recusalVisit draws a new task of the city bureau, so that the test
// changes nothing that others use, and returns an inspection with a team
// of two and its notice token.
func recusalVisit(t *testing.T, a *app) (*spotcheck.Inspection, string) {
	t.Helper()
	staff := map[string]context.Context{}
	for _, u := range []string{"planner", "supervisor"} {
		ctx, err := a.asUser(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		staff[u] = ctx
	}
	tk := spotcheck.Task{Code: fmt.Sprintf("2026-E2E-RECUSE-%d", time.Now().UnixNano()%1e9), Name: "浏览器回避申请检验任务",
		Authority: cityBureau, Items: []string{a.fx.item.Code}, StrataBy: spotcheck.StrataByCredit,
		Strata: []spotcheck.StratumRule{{ID: "A", Rate: "5/100", Min: 1}, {ID: "B", Rate: "5/100", Min: 1},
			{ID: "C", Rate: "10/100", Min: 1}, {ID: "D", Rate: "30/100", Min: 1}},
		Team: []spotcheck.TeamSlot{{Unit: cityBureau, Size: 2}}, Start: demoToday, End: "2026-12-26"}
	dr := a.DB.Draws()
	steps := []func() error{
		func() error { return a.DB.Tasks().CreateTask(staff["planner"], &tk) },
		func() error { return a.DB.Tasks().PublishTask(staff["planner"], tk.Code) },
	}
	for _, f := range steps {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	d, err := dr.PlanDraw(staff["planner"], tk.Code, spotcheck.DrawRequest{Officials: []string{"supervisor"}})
	if err != nil {
		t.Fatal(err)
	}
	const secret = "纪检监察室见证-回避申请-浏览器检验-2026年"
	if err := dr.CommitDraw(staff["supervisor"], d.ID, "supervisor", draw.Commitment(d.PlanHash, "supervisor", secret)); err != nil {
		t.Fatal(err)
	}
	if err := dr.RevealDraw(staff["supervisor"], d.ID, "supervisor", secret); err != nil {
		t.Fatal(err)
	}
	if err := dr.RunDraw(staff["planner"], d.ID, spotcheck.DrawRun{}); err != nil {
		t.Fatal(err)
	}
	list, err := a.DB.Inspections().FindInspections(staff["planner"], spotcheck.InspectionFilter{Task: tk.Code})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(list, func(in spotcheck.Inspection) bool { return len(in.Team) == 2 })
	if i < 0 {
		t.Fatalf("no inspection of %s with a team of two", tk.Code)
	}
	n, err := a.DB.Notices().Notice(staff["planner"], list[i].ID)
	if err != nil {
		t.Fatal(err)
	}
	in, err := a.DB.Inspections().FindInspectionByID(staff["planner"], list[i].ID)
	if err != nil {
		t.Fatal(err)
	}
	return in, n.Token
}

// TestBrowserRecusal: the enterprise opens its visit's page from the
// notice, asks for the recusal of one of the two inspectors by name
// (first forgetting the reason, which the page says and keeps the
// choice); the department admin approves it on the recusal list; the
// conflict is then in force and a replacement of the inspector in this
// draw, chosen by the draw's rules, waits on the draw's page, where the
// approver (a second official) approves it and the inspection's team
// changes.
func TestBrowserRecusal(t *testing.T) {
	a := sharedApp(t)
	in, token := recusalVisit(t, a)
	recused := in.Team[1]
	name := in.Names[recused]
	visitor, admin, approver := newBrowser(t, a), newBrowser(t, a), newBrowser(t, a)
	step := func(b *browser, label string, f func(t *testing.T)) {
		if !t.Run(label, func(t *testing.T) { b.shootOnFailure(t); f(t) }) {
			t.FailNow()
		}
	}
	sys := context.Background()
	step(visitor, "the enterprise asks for a recusal", func(t *testing.T) {
		visitor.open(t, "/v/"+token)
		visitor.do(t, "choosing the inspector", chromedp.SetValue(chromedp.CSS("#recusal-inspector"), name))
		visitor.load(t, "sending without a reason", chromedp.Click(chromedp.CSS("#recusal-submit")))
		if got := visitor.text(t, "#recusal-form"); !strings.Contains(got, "回避理由") || !strings.Contains(got, "不能为空") {
			t.Fatalf("no reason refused: %s", got)
		}
		if got := visitor.value(t, "#recusal-inspector"); got != name {
			t.Fatalf("the choice was not kept: %q", got)
		}
		visitor.do(t, "giving the reason", chromedp.SendKeys(chromedp.CSS("#recusal-reason"), "该检查人员系本企业负责人的近亲属"))
		visitor.load(t, "sending", chromedp.Click(chromedp.CSS("#recusal-submit")))
		waitText(t, visitor, "#visit-flash", "回避申请已提交")
	})
	var id int64
	step(admin, "the department admin approves it", func(t *testing.T) {
		signIn(t, admin, "cityadmin")
		admin.open(t, "/staff/recusals")
		if got := admin.text(t, "#recusals-pending"); !strings.Contains(got, name) || !strings.Contains(got, "近亲属") {
			t.Fatalf("the pending requests: %s", got)
		}
		acceptConfirms(t, admin)
		admin.load(t, "approving", chromedp.SendKeys(chromedp.CSS(`#recusals-pending input[name="note"]`), "经核实属实"),
			chromedp.Click(chromedp.CSS("#recusals-pending button.recusal-approve")))
		waitText(t, admin, "main", "已批准回避申请")
		l, err := a.DB.Recusals().FindRecusals(asSystem(sys), spotcheck.RecusalFilter{Inspection: in.ID})
		if err != nil || len(l) != 1 || l[0].State != spotcheck.ReviewApproved || l[0].Change == 0 {
			t.Fatalf("the request after approval: %+v, %v", l, err)
		}
		id = l[0].Change
		c, err := a.DB.Conflicts().FindConflict(asSystem(sys), recused, in.Entity, spotcheck.ConflictRequested)
		if err != nil || c.Review != spotcheck.ReviewApproved || !c.Active {
			t.Fatalf("the conflict: %+v, %v", c, err)
		}
		if got := admin.text(t, "#recusals-decided"); !strings.Contains(got, "变更申请 #"+strconv.FormatInt(id, 10)) {
			t.Fatalf("the decided list: %s", got)
		}
	})
	step(approver, "a second official approves the replacement", func(t *testing.T) {
		signIn(t, approver, "approver")
		approver.open(t, "/staff/draws/"+strconv.FormatInt(in.Draw, 10))
		if got := approver.text(t, "#changes"); !strings.Contains(got, recused+" →") || !strings.Contains(got, "发现应回避关系") {
			t.Fatalf("the draw's changes: %s", got)
		}
		acceptConfirms(t, approver)
		approver.load(t, "approving the change", chromedp.Click(chromedp.CSS(
			fmt.Sprintf(`form[action$="/changes/%d/decide"] button.primary`, id))))
		after, err := a.DB.Inspections().FindInspectionByID(asSystem(sys), in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(after.Team, recused) || len(after.Team) != 2 {
			t.Fatalf("the team after the replacement: %v (recused %s)", after.Team, recused)
		}
	})
}

// asSystem is ctx with the system principal, for checking the database.
func asSystem(ctx context.Context) context.Context {
	return spotcheck.NewContextWithPrincipal(ctx, spotcheck.System("e2e"))
}
