package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserPlan builds an annual plan in Chromium as a planner does it:
// the plan's header in the form, its tasks from the import sheet; the
// plan's page shows the finding (one round instead of two), the edit
// form's live panel flags an unlisted key item as it is typed; a second
// round's sheet fixes the plan, the planner publishes it after the
// confirmation, and a visitor finds it on the portal.
func TestBrowserPlan(t *testing.T) {
	a := sharedApp(t)
	const key = "GLWL-2028"
	dir := t.TempDir()
	sheet := func(name, code string, round int, start, end string) string {
		p := filepath.Join(dir, name)
		data := "任务编号,任务名称,轮次,抽查事项,分层“A”,分层“B”,分层“C”,分层“D”,检查组,开始日期,结束日期,工作量余量\n" +
			code + ",年度抽查," + string(rune('0'+round)) + "," + a.fx.item.Code + ",20/100,20/100,30/100,50/100,GLWL:2," +
			start + "," + end + ",100\n"
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	first := sheet("round1.csv", "2028-GLWL-JH-001", 1, "2028-04-01", "2028-06-30")
	second := sheet("round2.csv", "2028-GLWL-JH-002", 2, "2028-09-01", "2028-11-30")
	planner, visitor := newBrowser(t, a), newBrowser(t, a)
	step := func(b *browser, name string, f func(t *testing.T)) {
		if !t.Run(name, func(t *testing.T) { b.shootOnFailure(t); f(t) }) {
			t.FailNow()
		}
	}
	upload := func(t *testing.T, file string) {
		planner.do(t, "choosing the sheet", chromedp.SetUploadFiles(chromedp.CSS(`input[name="file"]`), []string{file}))
		planner.load(t, "importing", chromedp.Click(chromedp.CSS(`form[action$="/tasks"] button.primary`)))
	}
	step(planner, "planner drafts the plan", func(t *testing.T) {
		signIn(t, planner, "planner")
		planner.open(t, "/staff/plans/new")
		planner.do(t, "filling in the header", chromedp.SetValue(chromedp.CSS(`select[name="dept"]`), homeDept))
		planner.do(t, "the year", retype(`input[name="year"]`, "2028")...)
		planner.do(t, "name and office", chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "鼓楼区2028年度双随机抽查计划"),
			chromedp.SendKeys(chromedp.CSS(`input[name="office"]`), "文化市场管理科"))
		planner.load(t, "saving", chromedp.Click(chromedp.CSS(`form button.primary`)))
		if !strings.HasPrefix(planner.path(), "/staff/plans/"+key) || !strings.Contains(planner.text(t, "#findings"), "抽查比例") {
			t.Fatalf("after saving at %s: %s", planner.path(), planner.text(t, "main"))
		}
	})
	step(planner, "one round: the page shows the finding", func(t *testing.T) {
		upload(t, first)
		findings := planner.text(t, "#findings")
		if !strings.Contains(findings, "抽查轮次") || !strings.Contains(findings, "少于每年 2 轮") || strings.Contains(findings, "抽查比例") {
			t.Fatalf("findings after the first round: %s", findings)
		}
		if planner.exists(t, `form[action$="/publish"]`) != true {
			t.Fatal("a draft offers no publication")
		}
	})
	step(planner, "the live panel flags a key item as it is typed", func(t *testing.T) {
		planner.open(t, "/staff/plans/"+key+"/edit")
		planner.do(t, "typing an unlisted item", chromedp.SendKeys(chromedp.CSS(`input[name="key_items"]`), "NOPE-9"))
		ctx, cancel := context.WithTimeout(planner.ctx, stepTimeout)
		defer cancel()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("plan-findings").textContent.includes("事项 NOPE-9 不在抽查事项清单中")`)); err != nil {
			t.Fatalf("the live panel: %v; it says %s", err, planner.text(t, "#plan-findings"))
		}
	})
	step(planner, "a second round fixes it; publish", func(t *testing.T) {
		planner.open(t, "/staff/plans/"+key)
		upload(t, second)
		if f := planner.text(t, "#findings"); !strings.Contains(f, "符合规定") {
			t.Fatalf("findings after the second round: %s", f)
		}
		acceptConfirms(t, planner)
		planner.load(t, "publishing", chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`)))
		if s := planner.text(t, "#planstate"); !strings.Contains(s, "已发布") {
			t.Fatalf("state after publishing: %s", s)
		}
	})
	step(visitor, "the plan is on the portal", func(t *testing.T) {
		visitor.open(t, "/plans")
		if !strings.Contains(visitor.text(t, "#publicplans"), "鼓楼区2028年度双随机抽查计划") {
			t.Fatalf("the portal's plans: %s", visitor.text(t, "main"))
		}
		visitor.load(t, "opening the plan", chromedp.Click(chromedp.CSS(`#publicplans a[href="/plans/`+key+`"]`)))
		if tasks := visitor.text(t, "#publicplantasks"); !strings.Contains(tasks, "2028-GLWL-JH-002") {
			t.Fatalf("the portal's plan page: %s", tasks)
		}
	})
}
