package api_test

import (
	"testing"

	"spotcheck"
	"spotcheck/internal/webtest"
)

// TestTaskStepsAPI: a task made by the API is a draft, replaced with PUT;
// each step names the state the caller saw; a refused step says why and
// changes nothing.
func TestTaskStepsAPI(t *testing.T) {
	a := webtest.New(t)
	const path = "/api/v1/tasks/2026-FZ-API-1"
	task := `{"code":"2026-FZ-API-1","name":"网吧抽查","items":["` + a.Draws.Item + `"],"strata_by":"key",` +
		`"strata":[{"id":"key","rate":"10/100","min":1},{"id":"general","rate":"3/100"}],` +
		`"team":[{"unit":"FZWL","size":2}],"start":"2026-12-01","end":"2026-12-31",` +
		`"source":"plan","plan":"FZWL-2026","round":2,"item_targets":[{"item":"` + a.Draws.Item + `","target":5}]}`
	if err := a.DB.Plans().CreatePlan(a.As(t, "planner"), &spotcheck.Plan{Dept: "FZWL", Year: 2026, Name: "2026年度计划", Office: "市场管理处"}); err != nil {
		t.Fatal(err)
	}
	rec, m := a.Call(t, "POST", "/api/v1/tasks", "planner", task)
	if rec.Code != 201 || m["state"] != "draft" || m["plan"] != "FZWL-2026" || m["published_at"] != nil {
		t.Fatalf("create: %d %v", rec.Code, m)
	}
	rec, m = a.Call(t, "PUT", path, "planner", task[:len(task)-1]+`,"kind":"directed"}`)
	if rec.Code != 200 || m["kind"] != "directed" {
		t.Fatalf("update a draft: %d %v", rec.Code, m)
	}
	rec, m = a.Call(t, "POST", path+"/publish", "planner", `{"from":"published"}`)
	if code, _ := webtest.ErrorOf(t, m); rec.Code != 409 || code != "conflict" {
		t.Errorf("a publish from the wrong state: %d %v", rec.Code, m)
	}
	rec, m = a.Call(t, "POST", path+"/publish", "planner", `{"from":"draft"}`)
	if rec.Code != 200 || m["state"] != "published" || m["published_at"] == nil || m["log_index"] == nil {
		t.Fatalf("publish: %d %v", rec.Code, m)
	}
	rec, m = a.Call(t, "PUT", path, "planner", task)
	if code, _ := webtest.ErrorOf(t, m); rec.Code != 409 || code != "conflict" {
		t.Errorf("update a published task: %d %v", rec.Code, m)
	}
	rec, m = a.Call(t, "POST", path+"/cancel", "planner", `{"from":"published"}`)
	if code, _ := webtest.ErrorOf(t, m); rec.Code != 400 || code != "invalid" {
		t.Errorf("cancel without a reason: %d %v", rec.Code, m)
	}
	rec, m = a.Call(t, "POST", path+"/publicize", "approver", `{"from":"published"}`)
	if code, _ := webtest.ErrorOf(t, m); rec.Code != 409 || code != "conflict" {
		t.Errorf("publicize a published task: %d %v", rec.Code, m)
	}
	rec, m = a.Call(t, "POST", path+"/cancel", "planner", `{"from":"published","reason":"范围有误"}`)
	if rec.Code != 200 || m["state"] != "cancelled" || m["cancel_reason"] != "范围有误" {
		t.Errorf("cancel: %d %v", rec.Code, m)
	}
	rec, m = a.Call(t, "GET", "/api/v1/tasks?state=cancelled", "planner", "")
	if items, _ := m["items"].([]any); rec.Code != 200 || len(items) != 1 {
		t.Errorf("cancelled tasks: %d %v", rec.Code, m)
	}
}
