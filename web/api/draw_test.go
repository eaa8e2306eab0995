package api_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"spotcheck/internal/webtest"
)

// TestDrawAPI: the API serves tasks and draws under the pages' rules.
func TestDrawAPI(t *testing.T) {
	a := webtest.New(t)
	drawn := a.Draws.Drawn
	dr, picks := a.StaffView(t, drawn)
	id := strconv.FormatInt(drawn.ID, 10)
	rec, m := a.Call(t, "GET", "/api/v1/draws/"+id, "planner", "")
	if rec.Code != 200 || m["seed"] != dr.Seed || m["state"] != "drawn" {
		t.Errorf("draw for planner: %d %v", rec.Code, m)
	}
	if rec, m := a.Call(t, "GET", "/api/v1/draws/"+id, "glplanner", ""); rec.Code != 404 {
		t.Errorf("draw of another department: %d %v", rec.Code, m)
	}
	if rec, m := a.Call(t, "POST", "/api/v1/draws/"+id+"/run", "glplanner", "{}"); rec.Code != 404 {
		t.Errorf("running a draw of another department: %d %v", rec.Code, m)
	}
	rec, m = a.Call(t, "GET", "/api/v1/draws/"+id+"/picks?limit=1", "planner", "")
	if items, _ := m["items"].([]any); rec.Code != 200 || len(items) != 1 || m["total"] != float64(len(picks)) {
		t.Errorf("picks: %d %v", rec.Code, m)
	}
	rec, m = a.Call(t, "GET", "/api/v1/draws?state=drawn", "planner", "")
	if items, _ := m["items"].([]any); rec.Code != 200 || len(items) != 1 {
		t.Errorf("draws: %d %v", rec.Code, m)
	}
	if rec, _ := a.Call(t, "GET", "/api/v1/draws?colour=red", "planner", ""); rec.Code != 400 {
		t.Errorf("unknown filter: %d", rec.Code)
	}
	task := `{"code":"2026-FZ-010","name":"网吧抽查","items":["` + a.Draws.Item + `"],"strata_by":"key",` +
		`"strata":[{"id":"key","rate":"10/100","min":1},{"id":"general","rate":"3/100"}],` +
		`"team":[{"unit":"FZWL","size":2}],"start":"2026-12-01","end":"2026-12-31"}`
	rec, m = a.Call(t, "POST", "/api/v1/tasks", "planner", task)
	if rec.Code != 201 || rec.Header().Get("Location") != "/api/v1/tasks/2026-FZ-010" || m["authority"] != "FZWL" {
		t.Errorf("create task: %d %s %v", rec.Code, rec.Header().Get("Location"), m)
	}
	rec, m = a.Call(t, "POST", "/api/v1/tasks", "planner", `{"code":"x","strata":[{"id":"B","rate":"1/1000"}]}`)
	if code, fields := webtest.ErrorOf(t, m); rec.Code != 400 || code != "invalid" || fields["code"] == nil || fields["strata.B"] == nil {
		t.Errorf("invalid task: %d %v", rec.Code, m)
	}
	one := strconv.FormatInt(a.Draws.Committing.ID, 10)
	rec, m = a.Call(t, "POST", "/api/v1/draws/"+one+"/withhold", "planner", `{"participant":"supervisor","note":"未到场"}`)
	if rec.Code != 201 || m["state"] != "failed" {
		t.Errorf("withhold: %d %v", rec.Code, m)
	}
	entity := a.Substitutable(t, drawn)
	rec, m = a.Call(t, "POST", "/api/v1/draws/"+id+"/changes", "planner",
		`{"kind":"substitute","entity":"`+entity+`","reason":"closed"}`)
	if rec.Code != 201 || m["state"] != "pending" || m["requested_by"] != "planner" || m["entity"] != entity {
		t.Errorf("change: %d %v", rec.Code, m)
	}
	rec, _ = a.Call(t, "POST", "/api/v1/draws/"+id+"/changes/"+strconv.FormatInt(a.Draws.Change, 10)+"/decide",
		"planner", `{"approve":true}`)
	if rec.Code != 403 {
		t.Errorf("planner decides: %d", rec.Code)
	}
	var doc map[string]any
	rec2, _ := a.Page(t, "", "GET", "/api/v1/openapi.json", nil)
	json.Unmarshal(rec2.Body.Bytes(), &doc)
	paths := doc["paths"].(map[string]any)
	for _, p := range []string{"/tasks", "/tasks/{code}", "/tasks/{task}/draws", "/draws/{id}/commit",
		"/draws/{draw_id}/changes/{id}/decide", "/draws/{id}/embargo"} {
		if paths[p] == nil {
			t.Errorf("OpenAPI document lacks %s", p)
		}
	}
	if _, err := a.DB.Tasks().FindTaskByCode(a.As(t, "planner"), "2026-FZ-010"); err != nil {
		t.Errorf("the task created through the API: %v", err)
	}
	if c := a.Commit(t, a.Draws.Committing.ID, "supervisor"); !c.Withheld {
		t.Errorf("the supervisor's commitment as stored: %+v", c)
	}
}
