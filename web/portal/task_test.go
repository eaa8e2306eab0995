package portal_test

import (
	"net/url"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/internal/webtest"
)

// TestPublicTaskAnnouncements: the portal announces published tasks with
// their items, window, types, divisions and departments, shows cancelled
// ones as 已撤销 with the reason, never shows a draft, and lists no entity
// of a task whose draw is sealed.
func TestPublicTaskAnnouncements(t *testing.T) {
	a := webtest.New(t)
	drawn := a.Draws.Drawn
	planner := a.As(t, "planner")
	for _, code := range []string{"2026-FZ-GG-DRAFT", "2026-FZ-GG-OFF"} {
		tk := &spotcheck.Task{Code: code, Name: "公告测试任务" + code, Authority: "FZWL", Items: []string{a.Draws.Item},
			StrataBy: spotcheck.StrataByKey, Strata: []spotcheck.StratumRule{{ID: "key", Rate: "10/100"}, {ID: "general", Rate: "5/100"}},
			Scope: spotcheck.TaskScope{Types: []string{"T01"}}, Start: "2026-12-01", End: "2026-12-30"}
		if err := a.DB.Tasks().CreateTask(planner, tk); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.DB.Tasks().PublishTask(planner, "2026-FZ-GG-OFF"); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.Tasks().CancelTask(planner, "2026-FZ-GG-OFF", "抽查安排调整"); err != nil {
		t.Fatal(err)
	}
	rec, body := a.Page(t, "", "GET", "/tasks", nil)
	if rec.Code != 200 || !strings.Contains(body, drawn.Task) || !strings.Contains(body, "2026-FZ-GG-OFF") ||
		strings.Contains(body, "2026-FZ-GG-DRAFT") {
		t.Fatalf("the announcements: %d\n%s", rec.Code, body)
	}
	rec, body = a.Page(t, "", "GET", "/tasks/"+url.PathEscape(drawn.Task), nil)
	if rec.Code != 200 {
		t.Fatalf("the drawn task's announcement: %d", rec.Code)
	}
	for _, want := range []string{a.Draws.Item, "检查期间", "福州市文化和旅游局", "/draws/"} {
		if !strings.Contains(body, want) {
			t.Errorf("the announcement lacks %q", want)
		}
	}
	for _, secret := range secretsOf(t, a, drawn) {
		if secret != "" && strings.Contains(body, secret) {
			t.Errorf("the announcement of a sealed draw's task shows %q", secret)
		}
	}
	_, body = a.Page(t, "", "GET", "/tasks/2026-FZ-GG-OFF", nil)
	if !strings.Contains(body, "已撤销") || !strings.Contains(body, "撤销理由：抽查安排调整") {
		t.Errorf("the cancelled announcement:\n%s", body)
	}
	if rec, _ := a.Page(t, "", "GET", "/tasks/2026-FZ-GG-DRAFT", nil); rec.Code != 404 {
		t.Errorf("a draft's announcement: %d", rec.Code)
	}
}
