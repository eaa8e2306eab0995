package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"testing"

	"spotcheck"
	"spotcheck/internal/webtest"
)

// zipNames lists the files of a zip.
func zipNames(t *testing.T, b []byte) []string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	var out []string
	for _, f := range zr.File {
		out = append(out, f.Name)
	}
	return out
}

// TestDrawBundle: staff of the task get every file, the public what spec
// §9 lets it see, each with log/ from the ledger: the entries the store
// names for that caller, with their proofs, the checkpoint and the key.
func TestDrawBundle(t *testing.T) {
	all := []string{"plan.json", "randomness.json", "result.json", "frame.tsv", "exclusions.tsv", "roster.tsv",
		"conflicts.tsv", "selected.tsv", "assignment.tsv"}
	public := []string{"plan.json", "randomness.json", "published.tsv"}
	a := webtest.New(t)
	drawn, published := a.Draws.Drawn, a.Draws.Published
	tests := []struct {
		user  string
		draw  webtest.Draw
		staff bool
		want  []string
	}{
		{"planner", drawn, true, all},
		{"supervisor", drawn, true, all},
		{"", drawn, false, []string{"plan.json"}},
		// The public route serves the public bundle, also to staff.
		{"planner", drawn, false, []string{"plan.json"}},
		// After the embargo: the published list, never the result record
		// (spec §9, amendment 1).
		{"", published, false, public},
		{"supervisor", published, true, append(slices.Clone(all), "published.tsv")},
		// The public route keeps to the public files whatever the service
		// hands over.
		{"leaky", published, false, public},
	}
	leaky := newLeaky(t)
	for _, tt := range tests {
		app, user := a, tt.user
		if user == "leaky" {
			app, user = leaky, ""
		}
		p := "/draws/" + strconv.FormatInt(tt.draw.ID, 10) + "/bundle.zip"
		if tt.staff {
			p = "/staff" + p
		}
		rec, body := app.Page(t, user, "GET", p, nil)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/zip" {
			t.Fatalf("%q GET %s: %d %s", tt.user, p, rec.Code, rec.Header().Get("Content-Type"))
		}
		// The log entries are the ones the store gives the caller: the
		// public on the public route (whoever is signed in), the staff user
		// on theirs; the leaky store gives the supervisor's.
		ctx := spotcheck.NewContextWithPrincipal(t.Context(), spotcheck.Public())
		switch {
		case tt.staff:
			ctx = app.As(t, user)
		case tt.user == "leaky":
			ctx = app.As(t, "supervisor")
		}
		files, err := app.DB.DrawFiles(ctx, tt.draw.ID)
		if err != nil {
			t.Fatal(err)
		}
		dir := tt.draw.Task + "-" + tt.draw.PlanHash[:12] + "/"
		var want []string
		for _, n := range tt.want {
			want = append(want, dir+n)
		}
		for _, i := range files.LogIndexes {
			want = append(want, fmt.Sprintf("%slog/%d.json", dir, i), fmt.Sprintf("%slog/%d.proof.json", dir, i))
		}
		want = append(want, dir+"log/checkpoint", dir+"log/key")
		got := zipNames(t, []byte(body))
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("%q GET %s: files\n%v\nwant\n%v", tt.user, p, got, want)
		}
	}
	if rec, _ := a.Page(t, "inspector", "GET", path(drawn)+"/bundle.zip", nil); rec.Code != 403 {
		t.Errorf("inspector gets the staff bundle: %d", rec.Code)
	}
}

// TestDrawAPI: the API serves tasks and draws under the pages' rules.
func TestDrawAPI(t *testing.T) {
	a := webtest.New(t)
	drawn := a.Draws.Drawn
	dr, picks := staffView(t, a, drawn)
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
	rec, m = a.Call(t, "POST", "/api/v1/tasks", "planner", `{"code":"x","strata":[{"id":"A","rate":"1/1000"}]}`)
	if code, fields := errorOf(t, m); rec.Code != 400 || code != "invalid" || fields["code"] == nil || fields["strata.A"] == nil {
		t.Errorf("invalid task: %d %v", rec.Code, m)
	}
	one := strconv.FormatInt(a.Draws.Committing.ID, 10)
	rec, m = a.Call(t, "POST", "/api/v1/draws/"+one+"/withhold", "planner", `{"participant":"supervisor","note":"未到场"}`)
	if rec.Code != 201 || m["state"] != "failed" {
		t.Errorf("withhold: %d %v", rec.Code, m)
	}
	entity := substitutable(t, a, drawn)
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
	if _, err := a.DB.FindTaskByCode(a.As(t, "planner"), "2026-FZ-010"); err != nil {
		t.Errorf("the task created through the API: %v", err)
	}
	if c := commitOf(t, a, a.Draws.Committing.ID); !c.Withheld {
		t.Errorf("the supervisor's commitment as stored: %+v", c)
	}
}
