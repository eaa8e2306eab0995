package portal_test

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"spotcheck/draw"
	"spotcheck/internal/webtest"
)

// secretsOf are the values of a drawn draw that no public page may show
// before the embargo ends: seed, cutoffs and rates of the strata, selected
// and reserve entities, team members.
func secretsOf(t *testing.T, a *webtest.App, d webtest.Draw) []string {
	dr, picks := a.StaffView(t, d)
	out := []string{dr.Seed, "data-ticket-check", `id="cutoffs"`, `id="strata"`}
	for _, st := range dr.Strata {
		out = append(out, st.Cutoff, ">"+st.Rate+"<")
	}
	for _, p := range picks {
		out = append(out, p.Entity, p.EntityName)
		out = append(out, p.Inspectors...)
	}
	if dr.Seed == "" || len(picks) == 0 {
		t.Fatalf("draw %d: no seed or picks for the planner", d.ID)
	}
	return out
}

// TestPublicDrawSealed: before the embargo the public pages show the plan
// and the commitments, and nothing of the result, even when the service
// hands it over (a leaky store), and say that the result is sealed.
func TestPublicDrawSealed(t *testing.T) {
	for _, isLeaky := range []bool{false, true} {
		a := webtest.New(t)
		if isLeaky {
			a = webtest.NewLeaky(t)
		}
		d := a.Draws.Drawn
		secrets := secretsOf(t, a, d)
		id := strconv.FormatInt(d.ID, 10)
		for _, p := range []string{"/draws", "/draws/" + id} {
			for _, u := range []string{"", "planner"} { // a signed-in planner gets the public page too
				rec, body := a.Page(t, u, "GET", p, nil)
				if rec.Code != 200 {
					t.Fatalf("GET %s: %d", p, rec.Code)
				}
				for _, secret := range secrets {
					if strings.Contains(body, secret) {
						t.Errorf("leaky=%v %q GET %s shows %q", isLeaky, u, p, secret)
					}
				}
			}
		}
		dr, _ := a.StaffView(t, d)
		_, body := a.Page(t, "", "GET", "/draws/"+id, nil)
		want := []string{d.PlanHash, draw.Commitment(d.PlanHash, "supervisor", webtest.Secret), "抽取结果保密中",
			"第 " + strconv.FormatInt(dr.PlanIndex, 10) + " 条", "/draws/" + id + "/bundle.zip"}
		for _, c := range dr.Commits {
			want = append(want, "第 "+strconv.FormatInt(c.LogIndex, 10)+" 条")
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("leaky=%v: the sealed page lacks %q", isLeaky, w)
			}
		}
	}
}

// TestPublicDrawPublished: after the embargo the page gives the browser
// what draw.js needs — the seed and the published tickets as data
// attributes, in ticket order — and the tickets are those of spec §5;
// never the strata, cutoffs, ranks, teams or reserves (spec §8 and §9,
// amendment 1), even when the service hands them over. Staff still see
// the cutoffs on their page.
func TestPublicDrawPublished(t *testing.T) {
	a := webtest.NewLeaky(t)
	d := a.Draws.Published
	dr, picks := a.StaffView(t, d)
	rec, body := a.Page(t, "", "GET", "/draws/"+strconv.FormatInt(d.ID, 10), nil)
	if rec.Code != 200 {
		t.Fatalf("GET /draws/%d: %d", d.ID, rec.Code)
	}
	if !strings.Contains(body, `data-ticket-check data-seed="`+dr.Seed+`"`) {
		t.Errorf("no ticket check with the seed")
	}
	if !strings.Contains(body, `<script src="/assets/draw.`) {
		t.Errorf("the page does not load draw.js")
	}
	rows := regexp.MustCompile(`<tr data-entity="([^"]+)" data-ticket="([^"]+)">`).FindAllStringSubmatch(body, -1)
	var got, tickets []string
	for _, m := range rows {
		got = append(got, m[1])
		tickets = append(tickets, m[2])
		if want := draw.Ticket(dr.Seed, m[1])[:20]; m[2] != want {
			t.Errorf("%s: published ticket %s, spec §5 gives %s", m[1], m[2], want)
		}
	}
	if !slices.IsSorted(tickets) {
		t.Errorf("the list is not in ticket order: %v", tickets)
	}
	var selected, hidden []string
	for _, p := range picks {
		if p.Reserve {
			hidden = append(hidden, p.Entity, p.EntityName)
		} else {
			selected = append(selected, p.Entity)
		}
		hidden = append(hidden, p.Inspectors...)
	}
	sort.Strings(got)
	sort.Strings(selected)
	if !slices.Equal(got, selected) {
		t.Errorf("published entities %v, want %v", got, selected)
	}
	// A stratum's cutoff is the ticket of its last selected entity, which
	// the list shows as one ticket among the others; what must not be
	// shown is which ones are cutoffs, and the strata.
	hidden = append(hidden, `id="strata"`, `id="cutoffs"`)
	for _, st := range dr.Strata {
		hidden = append(hidden, ">"+st.ID+"<", ">"+st.Rate+"<")
	}
	for _, h := range hidden {
		if strings.Contains(body, h) {
			t.Errorf("the published page shows %q", h)
		}
	}
	if _, staff := a.Page(t, "planner", "GET", d.Path(), nil); !strings.Contains(staff, dr.Strata[0].Cutoff) {
		t.Errorf("the staff page lost the cutoffs")
	}
}

// TestPublicDrawShowsNames: the public draw page names the departments
// and each participant by role and unit (issue 9, item 8), not by user
// name, which stays in the tooltip (the commitment is computed with it).
func TestPublicDrawShowsNames(t *testing.T) {
	a := webtest.New(t)
	for _, d := range []webtest.Draw{a.Draws.Drawn, a.Draws.Published} {
		_, body := a.Page(t, "", "GET", "/draws/"+strconv.FormatInt(d.ID, 10), nil)
		cells := webtest.TableOf(t, body, "commits").Column(t, "参与人")
		if !slices.Equal(cells, []string{"监督员（福州市文化和旅游局）", "平台"}) {
			t.Errorf("draw %d: participants %q", d.ID, cells)
		}
		text := webtest.Text(body)
		for _, want := range []string{"发起部门 福州市文化和旅游局", "承诺—揭示（平台及 监督员（福州市文化和旅游局）",
			"监督员（福州市文化和旅游局）的承诺"} {
			if !strings.Contains(text, want) {
				t.Errorf("draw %d: the page lacks %q", d.ID, want)
			}
		}
		for _, code := range []string{"supervisor", "FZWL"} {
			if slices.Contains(strings.Fields(text), code) || strings.Contains(text, " "+code+" 的") {
				t.Errorf("draw %d: the page shows %s", d.ID, code)
			}
		}
		if !strings.Contains(body, `title="supervisor"`) || !strings.Contains(body, `title="FZWL"`) {
			t.Errorf("draw %d: the user name or department code is not in a tooltip", d.ID)
		}
	}
}
