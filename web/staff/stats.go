package staff

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"spotcheck"
	"spotcheck/xlsx"
)

// The statistics dashboard (统计分析, issue 14 item 4): for a year and a
// department's subtree, each section of spotcheck.Stats as a table
// (statsTables), the same table as a .xlsx download, and a chart drawn by
// stats.js from the same tables, embedded as JSON. Without JavaScript the
// page is its tables; printed, it is its tables without the navigation.

// statsQuery reads ?year= (this year when absent or not a year) and
// ?dept=.
func (s *Handler) statsQuery(r *http.Request) spotcheck.StatsFilter {
	f := spotcheck.StatsFilter{Year: s.year(), Dept: strings.TrimSpace(r.URL.Query().Get("dept"))}
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= 2200 {
		f.Year = y
	}
	return f
}

// ShowStats shows the dashboard (GET /staff/stats?year=&dept=).
func (s *Handler) ShowStats(w http.ResponseWriter, r *http.Request) {
	f := s.statsQuery(r)
	st, err := s.svc.Stats.FindStats(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tables := statsTables(st)
	data, err := json.Marshal(map[string]any{"tables": tables, "charts": statsCharts})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	depts, err := s.statsDepts(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	this := s.year()
	s.renderTitled(w, r, http.StatusOK, "stats", "统计分析", map[string]any{
		"S": st, "Tables": tables, "ByKey": byKey(tables), "Grid": divisionGrid(st.ByDiv),
		"Years": []int{this - 2, this - 1, this}, "Depts": depts,
		// json.Marshal escapes <, > and &, so the JSON cannot end the
		// script element it is embedded in.
		"JSON":  template.JS(data), //nolint:gosec // JSON from json.Marshal
		"Query": "year=" + strconv.Itoa(st.Year) + "&dept=" + st.Dept,
	})
}

// statsDepts are the departments the user may narrow the dashboard to:
// every department for a supervisor, else those of the user's scope.
func (s *Handler) statsDepts(r *http.Request) ([]spotcheck.Department, error) {
	all, err := s.namingDepts(r.Context())
	if err != nil {
		return nil, err
	}
	p := spotcheck.PrincipalFromContext(r.Context())
	if p == nil || p.Has(spotcheck.PermSuperviseDraws) {
		return all, nil
	}
	return slices.DeleteFunc(all, func(d spotcheck.Department) bool { return !p.InScope(d.Code) }), nil
}

// DownloadStats sends one table of the dashboard as .xlsx or .csv (GET
// /staff/stats/{file}, e.g. coverage.xlsx), with the figures the page
// shows for the same ?year=&dept=.
func (s *Handler) DownloadStats(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	format, err := xlsx.FormatOf(file)
	key := strings.TrimSuffix(file, "."+string(format))
	if err != nil || !slices.ContainsFunc(statsTableKeys, func(k string) bool { return k == key }) {
		s.fail(w, r, spotcheck.Errorf(spotcheck.ENOTFOUND, "没有统计表“%s”", file))
		return
	}
	st, err := s.svc.Stats.FindStats(r.Context(), s.statsQuery(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t := byKey(statsTables(st))[key]
	var buf bytes.Buffer
	if err := xlsx.WriteTable(&buf, format, xlsx.Table{Title: t.Title, Headers: t.Headers, Rows: t.Rows,
		Numeric: t.Numeric}); err != nil {
		s.fail(w, r, err)
		return
	}
	attachment(w, t.Title+"（"+strconv.Itoa(st.Year)+"年）."+string(format), format)
	s.files.Send(w, r, &buf, int64(buf.Len()))
}

// byKey indexes the tables by key.
func byKey(ts []statsTable) map[string]statsTable {
	out := make(map[string]statsTable, len(ts))
	for _, t := range ts {
		out[t.Key] = t
	}
	return out
}

// gridCell is one division of the division grid: where it sits, its
// coverage and how it stands against its floor.
type gridCell struct {
	Code, Name, Percent, Class, Status string
	Row, Col                           int
}

// fuzhouGrid places Fuzhou's 13 divisions roughly as they lie on the map
// (row, column; north up). Another city's divisions, which it does not
// know, follow in the grid's own order.
var fuzhouGrid = map[string][2]int{
	"350124": {1, 1}, "350121": {1, 2}, "350111": {1, 3}, "350122": {1, 4}, "350123": {1, 5},
	"350102": {2, 2}, "350103": {2, 3}, "350105": {2, 4},
	"350125": {3, 1}, "350104": {3, 2}, "350112": {3, 3},
	"350181": {4, 2}, "350128": {4, 4},
}

// divisionGrid returns the cells of the division grid.
func divisionGrid(rows []spotcheck.CoverageRow) []gridCell {
	out := make([]gridCell, 0, len(rows))
	for _, r := range rows {
		c := gridCell{Code: r.Division, Name: r.DivisionName, Percent: pct(r.Percent())}
		switch {
		case r.Entities == 0:
			c.Class, c.Status = "none", "无检查对象"
		case r.MeetsFloor:
			c.Class, c.Status = "ok", "达到最低比例"
		default:
			c.Class, c.Status = "below", "低于最低比例"
		}
		if pos, ok := fuzhouGrid[r.Division]; ok {
			c.Row, c.Col = pos[0], pos[1]
		}
		out = append(out, c)
	}
	return out
}
