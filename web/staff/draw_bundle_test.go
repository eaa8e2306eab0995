package staff_test

import (
	"archive/zip"
	"bytes"
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
	leaky := webtest.NewLeaky(t)
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
		files, err := app.DB.Draws().FindDrawFiles(ctx, tt.draw.ID)
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
	if rec, _ := a.Page(t, "inspector", "GET", drawn.Path()+"/bundle.zip", nil); rec.Code != 403 {
		t.Errorf("inspector gets the staff bundle: %d", rec.Code)
	}
}
