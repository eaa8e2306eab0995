package api_test

import (
	"strconv"
	"testing"

	"spotcheck/internal/webtest"
)

// TestVisitAPI: the API lists the proposals of the user's tasks, refuses
// the partner's planner the decision and a date outside the overlap, and
// makes the visit for the lead's planner.
func TestVisitAPI(t *testing.T) {
	a := webtest.New(t)
	a.DrawEvery(t, "2026-API-VISIT-1", "FZWL", "WL-LXS-004")
	a.DrawEvery(t, "2026-API-VISIT-2", "GLWL", "WL-LXS-005")
	rec, m := a.Call(t, "GET", "/api/v1/visits?state=proposed", "planner", "")
	items, _ := m["items"].([]any)
	if rec.Code != 200 || len(items) == 0 {
		t.Fatalf("list: %d %v", rec.Code, m)
	}
	// A visit of the two tasks (the demo's own draws may join it too).
	var v map[string]any
	for _, it := range items {
		for _, p := range it.(map[string]any)["parts"].([]any) {
			if p.(map[string]any)["task"] == "2026-API-VISIT-2" {
				v = it.(map[string]any)
			}
		}
	}
	if v == nil || v["lead"] != "FZWL" || len(v["parts"].([]any)) < 2 {
		t.Fatalf("visit %v", v)
	}
	id := strconv.FormatFloat(v["id"].(float64), 'f', 0, 64)
	if rec, _ := a.Call(t, "GET", "/api/v1/visits?state=maybe", "planner", ""); rec.Code != 400 {
		t.Errorf("a bad state: %d", rec.Code)
	}
	if rec, _ := a.Call(t, "POST", "/api/v1/visits/"+id+"/accept", "glplanner", `{"date":"2026-12-01"}`); rec.Code != 403 {
		t.Errorf("the partner accepts: %d", rec.Code)
	}
	if rec, _ := a.Call(t, "POST", "/api/v1/visits/"+id+"/accept", "planner", `{"date":"2027-01-04"}`); rec.Code != 400 {
		t.Errorf("a date outside the overlap: %d", rec.Code)
	}
	rec, m = a.Call(t, "POST", "/api/v1/visits/"+id+"/accept", "planner", `{"date":"2026-12-01","note":"一次进门"}`)
	if rec.Code != 200 || m["state"] != "accepted" || m["date"] != "2026-12-01" || m["notice"] != "联检〔2026〕"+id+"号" {
		t.Errorf("accept: %d %v", rec.Code, m)
	}
	if rec, _ := a.Call(t, "GET", "/api/v1/visits/"+id, "glplanner", ""); rec.Code != 200 {
		t.Errorf("the partner reads it: %d", rec.Code)
	}
}
