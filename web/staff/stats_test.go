package staff_test

import (
	"bytes"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/internal/webtest"
	"spotcheck/web"
)

// cellRe finds the cells of a table's body rows.
var (
	rowRe  = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	cellRe = regexp.MustCompile(`(?s)<td>(.*?)</td>`)
)

// tableRows returns the cells of the rows of the body of the table with
// id in body.
func tableRows(body, id string) [][]string {
	tb := section(body, id)
	if i := strings.Index(tb, "<tbody>"); i >= 0 {
		tb = tb[i:]
	}
	var out [][]string
	for _, r := range rowRe.FindAllStringSubmatch(tb, -1) {
		var cells []string
		for _, c := range cellRe.FindAllStringSubmatch(r[1], -1) {
			cells = append(cells, html.UnescapeString(c[1]))
		}
		if len(cells) > 0 {
			out = append(out, cells)
		}
	}
	return out
}

// TestStatsScoped: 鼓楼区's and 台江区's department admins each see the
// figures of their own district and never the other's — asking for the
// other's with ?dept= is refused — while the supervisor sees both and may
// narrow to either; each table's .xlsx holds the rows the page shows.
func TestStatsScoped(t *testing.T) {
	a := webtest.New(t, func(c *web.Config) { c.Now = deadlineClock })
	a.DB.Now = deadlineClock
	districtDeadlines(t, a, "2026-GL-DUE", "GLWL", "350102", "glapprover")
	districtDeadlines(t, a, "2026-TJ-DUE", "TJWL", "350103", "tjapprover")
	u := &spotcheck.User{Username: "tjadmin", Name: "台江区部门管理员", Dept: "TJWL", Roles: []string{spotcheck.RoleDeptAdmin}}
	if err := a.DB.Accounts().CreateUser(webtest.System(), u, demo.Password); err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, d := range []string{"GLWL", "TJWL"} {
		dp, err := a.DB.Departments().FindDepartmentByCode(webtest.System(), d)
		if err != nil {
			t.Fatal(err)
		}
		names[d] = dp.Name
	}
	depts := func(body string) []string {
		var out []string
		for _, r := range tableRows(body, "table-timeliness") {
			out = append(out, r[0])
		}
		slices.Sort(out)
		return out
	}
	for user, own := range map[string]string{"gladmin": "GLWL", "tjadmin": "TJWL"} {
		other := map[string]string{"GLWL": "TJWL", "TJWL": "GLWL"}[own]
		rec, body := a.Page(t, user, "GET", "/staff/stats?year=2026", nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d\n%s", user, rec.Code, body)
		}
		if got := depts(body); !slices.Equal(got, []string{names[own]}) {
			t.Errorf("%s: timeliness of %v, want only %s", user, got, names[own])
		}
		if !strings.Contains(body, `href="/staff/stats"`) || !strings.Contains(body, `id="stats-data"`) ||
			!strings.Contains(body, "/assets/echarts.min.") || !strings.Contains(body, map[string]string{"GLWL": "鼓楼区", "TJWL": "台江区"}[own]) {
			t.Errorf("%s: the page lacks its link, its JSON, ECharts or the division names", user)
		}
		if rec, _ := a.Page(t, user, "GET", "/staff/stats?year=2026&dept="+other, nil); rec.Code != http.StatusForbidden {
			t.Errorf("%s asking for %s: %d, want 403", user, other, rec.Code)
		}
		if rec, _ := a.Page(t, user, "GET", "/staff/stats/timeliness.xlsx?year=2026&dept="+other, nil); rec.Code != http.StatusForbidden {
			t.Errorf("%s downloading %s's: %d, want 403", user, other, rec.Code)
		}
	}
	_, body := a.Page(t, "supervisor", "GET", "/staff/stats?year=2026", nil)
	if got := depts(body); !slices.Contains(got, names["GLWL"]) || !slices.Contains(got, names["TJWL"]) {
		t.Errorf("the supervisor's timeliness: %v", got)
	}
	_, body = a.Page(t, "supervisor", "GET", "/staff/stats?year=2026&dept=TJWL", nil)
	if got := depts(body); !slices.Equal(got, []string{names["TJWL"]}) {
		t.Errorf("the supervisor narrowed to 台江区: %v", got)
	}
	// Each table's download holds the page's rows, under its headers.
	_, body = a.Page(t, "gladmin", "GET", "/staff/stats?year=2026", nil)
	for _, key := range []string{"divisions", "types", "results", "strata", "items", "timeliness", "workload", "joint"} {
		rec, _ := a.Page(t, "gladmin", "GET", "/staff/stats/"+key+".xlsx?year=2026", nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s.xlsx: %d", key, rec.Code)
		}
		f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatalf("%s.xlsx: %v", key, err)
		}
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil || len(rows) == 0 {
			t.Fatalf("%s.xlsx: %v, %d rows", key, err, len(rows))
		}
		want := tableRows(body, "table-"+key)
		if len(want) == 1 && len(want[0]) == 1 && want[0][0] == "没有数据" {
			want = nil
		}
		if len(want) == 0 && key != "repeats" {
			t.Errorf("%s: the page's table is empty; the test world should fill it", key)
		}
		if got := rows[1:]; !slices.EqualFunc(got, want, slices.Equal[[]string]) {
			t.Errorf("%s.xlsx rows %q, the page's %q", key, got, want)
		}
	}
	for path, code := range map[string]int{"/staff/stats/nothing.xlsx": http.StatusNotFound,
		"/staff/stats/coverage.pdf": http.StatusNotFound} {
		if rec, _ := a.Page(t, "gladmin", "GET", path, nil); rec.Code != code {
			t.Errorf("%s: %d, want %d", path, rec.Code, code)
		}
	}
	for _, user := range []string{"inspector", "approver", "sysadmin"} {
		if rec, _ := a.Page(t, user, "GET", "/staff/stats", nil); rec.Code != http.StatusForbidden {
			t.Errorf("%s opens the dashboard: %d", user, rec.Code)
		}
	}
}
