package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/draw"
)

// TestBrowserDraw walks a draw through its states in Chromium as the
// people do it: the planner logs the plan from the task page, the
// supervisor (纪检) commits with a secret that the page hashes with
// WebCrypto and never sends, then reveals it (a mistyped secret is caught
// in the browser), the planner runs the draw, the supervisor lifts the
// embargo, and a visitor of the public page checks an entity's ticket,
// computed in the browser, with WebCrypto and with the page's own SHA-256.
func TestBrowserDraw(t *testing.T) {
	a := sharedApp(t)
	ctx, err := a.asUser(context.Background(), "planner")
	if err != nil {
		t.Fatal(err)
	}
	tk := spotcheck.Task{Code: fmt.Sprintf("2026-E2E-DRAW-%d", time.Now().UnixNano()%1e9), // a new task each run
		Name: "浏览器抽取检验任务", Authority: cityBureau, Items: []string{a.fx.item.Code},
		StrataBy: spotcheck.StrataByKey, Strata: []spotcheck.StratumRule{{ID: "general", Rate: "5/100", Min: 1, Reserve: 1},
			{ID: "key", Rate: "10/100", Min: 1, Reserve: 1}},
		Team: []spotcheck.TeamSlot{{Unit: cityBureau, Size: 2}}, Start: demoToday, End: "2026-12-20"}
	if err := a.DB.Tasks().CreateTask(ctx, &tk); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.Tasks().PublishTask(ctx, tk.Code); err != nil {
		t.Fatal(err)
	}
	planner, officer, visitor := newBrowser(t, a), newBrowser(t, a), newBrowser(t, a)
	const secret = "纪检监察室 浏览器见证 秘密值 2026"
	var drawPath string
	step := func(b *browser, name string, f func(t *testing.T)) {
		if !t.Run(name, func(t *testing.T) { b.shootOnFailure(t); f(t) }) {
			t.FailNow()
		}
	}
	step(planner, "planner logs the plan", func(t *testing.T) {
		signIn(t, planner, "planner")
		planner.open(t, "/staff/tasks/"+tk.Code+"/draws/new")
		planner.do(t, "naming the official", chromedp.SendKeys(chromedp.CSS(`input[name="officials"]`), "supervisor"))
		acceptConfirms(t, planner)
		planner.load(t, "logging the plan", chromedp.Click(chromedp.CSS(`form[action$="/draws"] button.primary`)))
		drawPath = planner.path()
		if !strings.HasPrefix(drawPath, "/staff/draws/") || !strings.Contains(planner.text(t, "#state"), "收集承诺") {
			t.Fatalf("after planning at %s: %s", drawPath, planner.text(t, "main"))
		}
		drawPath = strings.SplitN(drawPath, "?", 2)[0]
	})
	d := a.findDraw(t, tk.Code)
	step(officer, "supervisor commits in the browser", func(t *testing.T) {
		signIn(t, officer, "supervisor")
		officer.open(t, drawPath)
		officer.do(t, "typing the secret twice", chromedp.SendKeys(chromedp.CSS("[data-secret]"), secret),
			chromedp.SendKeys(chromedp.CSS("[data-secret-again]"), secret))
		acceptConfirms(t, officer)
		officer.load(t, "committing", chromedp.Click(chromedp.CSS(`#commit button.primary`)))
		want := draw.Commitment(d.PlanHash, "supervisor", secret)
		got := a.findDraw(t, tk.Code)
		for _, c := range got.Commits {
			if c.Participant == "supervisor" && c.Commitment != want {
				t.Fatalf("stored commitment %q, want %q (SHA-256 of spec §4)", c.Commitment, want)
			}
		}
		if got.State != spotcheck.DrawRevealing {
			t.Fatalf("state after the last commitment: %s", got.State)
		}
	})
	step(officer, "a mistyped secret is caught, the right one revealed", func(t *testing.T) {
		officer.do(t, "mistyping", chromedp.SendKeys(chromedp.CSS(`#reveal input[name="secret"]`), secret+"x"),
			chromedp.Click(chromedp.CSS(`#reveal button.primary`)))
		waitText(t, officer, "[data-reveal-error]", "不符")
		officer.checkA11y(t) // the page with the error the script shows
		clearField(t, officer, `#reveal input[name="secret"]`)
		officer.do(t, "retyping", chromedp.SendKeys(chromedp.CSS(`#reveal input[name="secret"]`), secret))
		officer.load(t, "revealing", chromedp.Click(chromedp.CSS(`#reveal button.primary`)))
		if !strings.Contains(officer.path(), "ok=revealed") {
			t.Fatalf("after the reveal at %s: %s", officer.path(), officer.text(t, "main"))
		}
	})
	step(planner, "planner runs the draw", func(t *testing.T) {
		planner.open(t, drawPath)
		acceptConfirms(t, planner)
		planner.load(t, "running", chromedp.Click(chromedp.CSS(`#run button.primary`)))
		if got := a.findDraw(t, tk.Code); got.State != spotcheck.DrawDrawn {
			t.Fatalf("state after running: %s; page: %s", got.State, planner.text(t, "main"))
		}
		if !planner.exists(t, "#picks tbody tr") {
			t.Fatal("the planner does not see the picks")
		}
	})
	step(visitor, "the public sees the plan but not the result", func(t *testing.T) {
		visitor.open(t, "/draws/"+strconv.FormatInt(d.ID, 10))
		if visitor.exists(t, "[data-ticket-form]") || strings.Contains(visitor.text(t, "main"), a.findDraw(t, tk.Code).Seed) {
			t.Fatal("the sealed draw shows its seed or the ticket check")
		}
	})
	step(officer, "supervisor lifts the embargo", func(t *testing.T) {
		officer.open(t, drawPath)
		acceptConfirms(t, officer)
		officer.do(t, "giving a reason", chromedp.SendKeys(chromedp.CSS(`#embargo textarea[name="reason"]`), "检查结果已公示"))
		officer.load(t, "lifting", chromedp.Click(chromedp.CSS(`#embargo button`)))
		if got := a.findDraw(t, tk.Code); got.State != spotcheck.DrawPublished {
			t.Fatalf("state: %s", got.State)
		}
	})
	step(visitor, "anyone checks a ticket in the browser", func(t *testing.T) {
		got := a.findDraw(t, tk.Code)
		picks, err := a.DB.Draws().FindDrawPicks(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		var chosen string
		for _, p := range picks {
			if !p.Reserve {
				chosen = p.Entity
				break
			}
		}
		visitor.open(t, "/draws/"+strconv.FormatInt(d.ID, 10))
		// No table by stratum and no cutoff on a public page (spec §8,
		// amendment 1): strata are credit risk classes.
		if visitor.exists(t, "#cutoffs") || visitor.exists(t, "#strata") {
			t.Fatal("the public page shows a table by stratum")
		}
		check := func(id, want string) {
			clearField(t, visitor, "[data-entity-input]")
			visitor.do(t, "asking for "+id, chromedp.SendKeys(chromedp.CSS("[data-entity-input]"), id),
				chromedp.Click(chromedp.CSS("[data-ticket-form] button")))
			waitText(t, visitor, "[data-ticket-result]", want)
		}
		// Typed in lower case with a full-width input method, it is still found.
		check(fullWidth(strings.ToLower(chosen)), draw.Ticket(got.Seed, chosen))
		if res := visitor.text(t, "[data-ticket-result]"); !strings.Contains(res, "已被抽中") {
			t.Errorf("a selected entity is told %q", res)
		}
		visitor.checkA11y(t) // the page with the answer the script shows
		check(a.fx.other.ID, draw.Ticket(got.Seed, a.fx.other.ID)[:20])
		if _, err := chromedp.Run(visitor.step(t), chromedp.Evaluate[bool](
			`(Object.defineProperty(window.crypto, "subtle", {value: undefined}), true)`)); err != nil {
			t.Fatal(err)
		}
		check(chosen, draw.Ticket(got.Seed, chosen))
		if res := visitor.text(t, "[data-ticket-result]"); !strings.Contains(res, "内置") {
			t.Errorf("without WebCrypto the page does not say it used its own SHA-256: %q", res)
		}
	})
}

// fullWidth writes ASCII as a Chinese input method's full-width forms.
func fullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '!' && r <= '~' {
			return r + 0xFEE0
		}
		return r
	}, s)
}

// signIn signs b in as a demo user.
func signIn(t *testing.T, b *browser, user string) {
	t.Helper()
	b.open(t, "/login")
	b.do(t, "filling in the login form", chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), user),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demo.Password))
	b.load(t, "signing in", chromedp.Click(chromedp.CSS(`form[action="/login"] button`)))
}

// acceptConfirms answers the page's confirmation dialogs with yes.
func acceptConfirms(t *testing.T, b *browser) {
	t.Helper()
	if _, err := chromedp.Run(b.step(t), chromedp.Evaluate[bool](`(window.confirm = () => true, true)`)); err != nil {
		t.Fatalf("accepting confirmations: %v", err)
	}
}

// clearField empties a field (chromedp.Clear leaves password fields as
// they are).
func clearField(t *testing.T, b *browser, sel string) {
	t.Helper()
	if _, err := chromedp.Run(b.step(t), chromedp.Evaluate[bool](`(document.querySelector(`+jsString(sel)+`).value = "", true)`)); err != nil {
		t.Fatalf("clearing %s: %v", sel, err)
	}
}

// waitText waits until the element sel shows want (the page computes it
// asynchronously).
func waitText(t *testing.T, b *browser, sel, want string) {
	t.Helper()
	var got string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if got = b.text(t, sel); strings.Contains(got, want) {
			return
		}
	}
	t.Fatalf("%s shows %q, want it to contain %q", sel, got, want)
}

// findDraw returns the task's live draw as the command line sees it.
func (a *app) findDraw(t *testing.T, task string) *spotcheck.Draw {
	t.Helper()
	l, err := a.DB.Draws().FindDraws(sysCtx, spotcheck.DrawFilter{Task: task})
	if err != nil || len(l.Items) == 0 {
		t.Fatalf("no draw of %s: %v", task, err)
	}
	d, err := a.DB.Draws().FindDrawByID(sysCtx, l.Items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
