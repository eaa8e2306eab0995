package staff_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"spotcheck"
	"spotcheck/internal/webtest"
	"spotcheck/web"
)

// gatedRisk is the real risk service whose work, once the store has
// started it, waits for the test to open a gate: a preview after its run
// is recorded as computing, an apply before the store's transaction (as
// one waits on PostgreSQL behind another apply). The store keeps every
// rule.
type gatedRisk struct {
	spotcheck.RiskService
	mu   sync.Mutex
	gate chan struct{} // nil: open
}

// hold closes the gate for the next work and returns the function that
// opens it.
func (g *gatedRisk) hold() (open func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	c := make(chan struct{})
	g.gate = c
	return sync.OnceFunc(func() { close(c) })
}

func (g *gatedRisk) wait() {
	g.mu.Lock()
	c := g.gate
	g.mu.Unlock()
	if c != nil {
		<-c
	}
}

func (g *gatedRisk) PreviewReclassification(ctx context.Context, dept string) (*spotcheck.RiskRun, error) {
	return g.RiskService.PreviewReclassification(spotcheck.WithRiskRunStarted(ctx, func(id int64) {
		spotcheck.RiskRunStarted(ctx, id)
		g.wait()
	}), dept)
}

func (g *gatedRisk) ApplyReclassification(ctx context.Context, id int64) (*spotcheck.RiskRun, error) {
	spotcheck.RiskRunStarted(ctx, id)
	g.wait()
	return g.RiskService.ApplyReclassification(ctx, id)
}

// runPage returns run id's page as user.
func runPage(t *testing.T, a *webtest.App, user string, id int64) string {
	t.Helper()
	rec, body := a.Page(t, user, "GET", "/staff/risk/runs/"+strconv.FormatInt(id, 10), nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("run %d: %d\n%s", id, rec.Code, body)
	}
	return body
}

// TestRiskWorkInBackground (issue 14, item 2): a preview and an apply
// posted from the page answer with a redirect to the run's page while the
// work goes on; the page says 计算中 or 应用中 and reloads itself (meta
// refresh, no script), offers no apply meanwhile, and shows 已预览 or
// 已应用 once the work is done. An apply that fails after it started (the
// run went stale meanwhile) shows the store's reason on the run's page;
// a preview refused at once (no model in force) still says why on
// /staff/risk, and so does a second preview while one computes.
func TestRiskWorkInBackground(t *testing.T) {
	g := &gatedRisk{}
	a := webtest.New(t, func(c *web.Config) { g.RiskService = c.Services.Risk; c.Services.Risk = g })

	// No model in force: refused at once, on the page.
	rec, body := a.Page(t, "cityadmin", "POST", "/staff/risk/runs", url.Values{"dept": {"FZWL"}})
	if rec.Code != http.StatusNotFound || !strings.Contains(body, `role="alert"`) || strings.Contains(body, `id="risk-working"`) {
		t.Fatalf("a preview without a model: %d\n%s", rec.Code, body)
	}
	if code, body := postRiskModel(t, a, "cityadmin", riskModelFile("2026.1")); code != http.StatusSeeOther {
		t.Fatalf("load: %d\n%s", code, body)
	}

	// The district's preview computes behind the gate: the page answers.
	open := g.hold()
	defer open()
	district := startPreview(t, a, "gladmin", "GLWL")
	body = runPage(t, a, "gladmin", district)
	path := "/staff/risk/runs/" + strconv.FormatInt(district, 10)
	if !strings.Contains(body, "（计算中）") || !strings.Contains(body, `<meta http-equiv="refresh" content="3; url=`+path+`">`) ||
		!strings.Contains(body, `id="risk-working"`) || strings.Contains(body, `id="risk-apply"`) {
		t.Fatalf("a computing run's page:\n%s", body)
	}
	// Another preview meanwhile is refused at once, by the store.
	rec, body = a.Page(t, "cityadmin", "POST", "/staff/risk/runs", url.Values{"dept": {"FZWL"}})
	if rec.Code != http.StatusConflict || !strings.Contains(body, "正在计算") {
		t.Fatalf("a second preview while one computes: %d\n%s", rec.Code, body)
	}
	open()
	body = waitRun(t, a, "gladmin", district)
	if !strings.Contains(body, "（已预览）") || !strings.Contains(body, `id="risk-apply"`) || strings.Contains(body, "http-equiv") {
		t.Fatalf("the previewed run's page:\n%s", body)
	}

	// The city's preview, then its apply behind the gate.
	city := previewRun(t, a, "cityadmin", "FZWL")
	run, err := a.DB.Risk().FindRiskRun(webtest.System(), city)
	if err != nil || run.State != spotcheck.RiskRunPreviewed || run.Moves == 0 {
		t.Fatalf("the city's run: %+v, %v", run, err)
	}
	open = g.hold()
	defer open()
	rec, body = a.Page(t, "cityadmin", "POST", "/staff/risk/runs/"+strconv.FormatInt(city, 10)+"/apply", url.Values{})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/staff/risk/runs/"+strconv.FormatInt(city, 10)+"?ok=risk-applying" {
		t.Fatalf("apply: %d %s\n%s", rec.Code, rec.Header().Get("Location"), body)
	}
	body = runPage(t, a, "cityadmin", city)
	if !strings.Contains(body, "（应用中）") || !strings.Contains(body, `id="risk-working"`) || strings.Contains(body, `id="risk-apply"`) ||
		!strings.Contains(body, `<meta http-equiv="refresh" content="3; url=/staff/risk/runs/`+strconv.FormatInt(city, 10)+`">`) {
		t.Fatalf("a run being applied:\n%s", body)
	}
	open()
	body = waitRun(t, a, "cityadmin", city)
	changes, err := a.DB.Risk().FindRiskChanges(webtest.System(), city)
	if err != nil || len(changes) != run.Moves || !strings.Contains(body, "（已应用）") ||
		!strings.Contains(body, `<strong id="risk-changes-total">`+strconv.Itoa(run.Moves)+`</strong>`) {
		t.Fatalf("the applied run (%d moves, %v):\n%s", len(changes), err, body)
	}

	// The district's run, stale now, fails after its apply started: the
	// reason is on its page.
	open = g.hold()
	defer open()
	rec, _ = a.Page(t, "gladmin", "POST", path+"/apply", url.Values{})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("the stale run's apply: %d", rec.Code)
	}
	open()
	body = waitRun(t, a, "gladmin", district)
	if !strings.Contains(body, `<p class="error" role="alert">第`+strconv.FormatInt(district, 10)+`号重新分类已过期`) ||
		!strings.Contains(body, "（已过期）") {
		t.Fatalf("the stale run's page:\n%s", body)
	}
}

// TestRiskWorkStopsWithServer: when the server's lifetime ends while a
// preview started from the page computes, the work stops — the run is
// recorded as 未完成 and its page says the server stopped — and Wait
// returns once it has.
func TestRiskWorkStopsWithServer(t *testing.T) {
	g := &gatedRisk{}
	life, stop := context.WithCancel(context.Background())
	defer stop()
	a := webtest.New(t, func(c *web.Config) {
		g.RiskService, c.Services.Risk, c.Background = c.Services.Risk, g, life
	})
	if code, body := postRiskModel(t, a, "cityadmin", riskModelFile("2026.1")); code != http.StatusSeeOther {
		t.Fatalf("load: %d\n%s", code, body)
	}
	open := g.hold()
	defer open()
	id := startPreview(t, a, "gladmin", "GLWL")
	stop()
	open()
	a.Web.Wait()
	run, err := a.DB.Risk().FindRiskRun(webtest.System(), id)
	if err != nil || run.State != spotcheck.RiskRunFailed {
		t.Fatalf("the run cut short: %+v, %v", run, err)
	}
	body := runPage(t, a, "gladmin", id)
	if !strings.Contains(body, "（未完成）") || !strings.Contains(body, "服务已停止，本次重新分类未完成") || strings.Contains(body, "http-equiv") {
		t.Fatalf("the page of the run cut short:\n%s", body)
	}
}
