package portal_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/internal/webtest"
)

// TestResultsAnswersKept: a visitor's search answer is kept and given
// again while nothing is written in the log — renaming the entity in the
// directory, which is not logged, leaves it as it was although the store
// no longer finds the old name — and the next logged event anywhere makes
// the search read the store again. A signed-in user is never given a kept
// answer (their page leads to their workspace) nor leaves one; a refused search is
// not kept.
func TestResultsAnswersKept(t *testing.T) {
	a := webtest.New(t)
	in := publishApproved(t, a)
	piece := string([]rune(in.EntityName)[:4])
	search := "/results?q=" + url.QueryEscape(piece)
	if rec, body := a.Page(t, "", "GET", search, nil); rec.Code != http.StatusOK || !strings.Contains(body, in.Entity) {
		t.Fatalf("search %q: %d\n%s", piece, rec.Code, body)
	}

	admin := a.As(t, "cityadmin")
	e, err := a.DB.Entities().FindEntityByID(admin, in.Entity)
	if err != nil {
		t.Fatal(err)
	}
	e.Name = "更名测试文旅发展有限公司"
	if err := a.DB.Entities().SaveEntity(admin, e); err != nil {
		t.Fatalf("SaveEntity: %v", err)
	}
	pubs, err := a.DB.Publications().FindPublications(spotcheck.NewContextWithPrincipal(t.Context(), spotcheck.Public()),
		spotcheck.PublicationFilter{Query: piece})
	if err != nil || len(pubs) != 0 {
		t.Fatalf("the store still finds the old name: %v %+v", err, pubs)
	}
	if _, body := a.Page(t, "", "GET", search, nil); !strings.Contains(body, in.Entity) {
		t.Errorf("the second search was not given the kept answer:\n%s", body)
	}
	staff, body := a.Page(t, "chief", "GET", search, nil)
	if staff.Code != http.StatusOK || strings.Contains(body, in.Entity) || !strings.Contains(body, "进入工作台") {
		t.Errorf("a signed-in user was given the visitors' kept answer: %d\n%s", staff.Code, body)
	}
	if _, body := a.Page(t, "", "GET", search, nil); strings.Contains(body, "进入工作台") {
		t.Errorf("a visitor was given a signed-in user's page:\n%s", body)
	}

	// Any logged event: here a department's rules.
	doc := &spotcheck.RulesDoc{Dept: "FZWL", Title: "实施细则", EffectiveFrom: "2026-01-01", Rules: "1. 每年检查不超过两次{参数:annual-cap}。",
		Workflow: "1. 检查组至少两人{参数:team-size}。"}
	if err := a.DB.Rules().PublishRulesDoc(admin, doc); err != nil {
		t.Fatal(err)
	}
	if _, body := a.Page(t, "", "GET", search, nil); strings.Contains(body, in.Entity) || !strings.Contains(body, `id="no-match"`) {
		t.Errorf("a kept answer outlived a logged event:\n%s", body)
	}

	// A refused search is not kept.
	if rec, _ := a.Page(t, "", "GET", "/results?q="+url.QueryEscape("旅"), nil); rec.Code != http.StatusBadRequest {
		t.Fatalf("one character: %d", rec.Code)
	}
	if rec, _ := a.Page(t, "", "GET", "/results?q="+url.QueryEscape("旅"), nil); rec.Code != http.StatusBadRequest {
		t.Errorf("a refused search was kept as a 200: %d", rec.Code)
	}
}
