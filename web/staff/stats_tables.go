package staff

import (
	"strconv"

	"spotcheck"
)

// The dashboard's tables: what the page shows, what each .xlsx download
// holds and what stats.js draws its charts from are the same rows.

// statsTable is one table of the dashboard. Key names its download
// (Key.xlsx); Numeric marks the columns of whole numbers.
type statsTable struct {
	Key     string     `json:"key"`
	Title   string     `json:"title"`
	Note    string     `json:"-"`
	Headers []string   `json:"headers"`
	Rows    [][]string `json:"rows"`
	Numeric []bool     `json:"numeric"`
}

// statsTableKeys are the tables in the order the page shows them.
var statsTableKeys = []string{"divisions", "types", "coverage", "results", "strata", "items", "models", "timeliness",
	"workload", "repeats", "multi", "joint"}

// statsChart is a chart of one table: stats.js draws column Value (and
// Stack, stacked on it, for a stacked bar) against the labels of column
// Label; Kind is "bar", "stack" or "pie". Percent marks a value column of
// percentages.
type statsChart struct {
	Table   string `json:"table"`
	Kind    string `json:"kind"`
	Label   int    `json:"label"`
	Values  []int  `json:"values"`
	Percent bool   `json:"percent"`
}

// statsCharts are the charts, each above its table.
var statsCharts = []statsChart{
	{Table: "divisions", Kind: "bar", Label: 0, Values: []int{4}, Percent: true},
	{Table: "types", Kind: "bar", Label: 0, Values: []int{4}, Percent: true},
	{Table: "results", Kind: "pie", Label: 0, Values: []int{2}},
	{Table: "strata", Kind: "bar", Label: 0, Values: []int{3}, Percent: true},
	{Table: "items", Kind: "bar", Label: 0, Values: []int{4}, Percent: true},
	{Table: "models", Kind: "bar", Label: 0, Values: []int{4, 6}, Percent: true},
	{Table: "timeliness", Kind: "stack", Label: 0, Values: []int{1, 2, 3}},
	{Table: "workload", Kind: "bar", Label: 0, Values: []int{3}},
	{Table: "joint", Kind: "pie", Label: 0, Values: []int{1}},
}

// pct shows a percentage with one decimal.
func pct(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) + "%" }

// floorPct shows a floor in tenths of a percent.
func floorPct(tenths int) string {
	if tenths%10 == 0 {
		return strconv.Itoa(tenths/10) + "%"
	}
	return strconv.Itoa(tenths/10) + "." + strconv.Itoa(tenths%10) + "%"
}

func itoa(n int) string { return strconv.Itoa(n) }

func yes(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// nums marks the columns at these indexes numeric, of n columns.
func nums(n int, idx ...int) []bool {
	out := make([]bool, n)
	for _, i := range idx {
		out[i] = true
	}
	return out
}

// statsTables turns the figures into the dashboard's tables, in the order
// of statsTableKeys.
func statsTables(s *spotcheck.Stats) []statsTable {
	coverRow := func(name, code string, r spotcheck.CoverageRow) []string {
		return []string{name, code, itoa(r.Entities), itoa(r.Inspected), pct(r.Percent()), floorPct(r.Floor),
			itoa(r.Rounds), itoa(r.RoundsRequired), yes(r.MeetsFloor), yes(r.MeetsRounds)}
	}
	coverHead := []string{"对象数", "已抽查", "抽查比例", "最低比例", "轮次", "要求轮次", "比例达标", "轮次达标"}
	divs := statsTable{Key: "divisions", Title: "按区县的抽查覆盖率", Headers: append([]string{"区县", "区划代码"}, coverHead...),
		Numeric: nums(10, 2, 3, 6, 7), Note: "各区县全部类型合计；最低比例取该区县各类型要求中最高者。"}
	for _, r := range s.ByDiv {
		divs.Rows = append(divs.Rows, coverRow(r.DivisionName, r.Division, r))
	}
	types := statsTable{Key: "types", Title: "按对象类型的抽查覆盖率", Headers: append([]string{"对象类型", "类型代码"}, coverHead...),
		Numeric: nums(10, 2, 3, 6, 7)}
	for _, r := range s.ByType {
		types.Rows = append(types.Rows, coverRow(r.TypeName, r.Type, r))
	}
	cells := statsTable{Key: "coverage", Title: "按类型和区县的抽查覆盖率",
		Headers: append([]string{"对象类型", "区县", "类型代码", "区划代码"}, coverHead...), Numeric: nums(12, 4, 5, 8, 9)}
	for _, r := range s.Coverage {
		row := coverRow(r.TypeName, r.DivisionName, r)
		cells.Rows = append(cells.Rows, append([]string{row[0], row[1], r.Type, r.Division}, row[2:]...))
	}
	results := statsTable{Key: "results", Title: "检查结果分类", Headers: []string{"结果类别", "代码", "检查数", "占已完成检查"},
		Numeric: nums(4, 2), Note: "一次检查可有多个结果类别，各类别分别计数。"}
	for _, r := range s.Results {
		share := 0.0
		if s.Completed > 0 {
			share = float64(r.Inspections) * 100 / float64(s.Completed)
		}
		results.Rows = append(results.Rows, []string{r.Name, r.Code, itoa(r.Inspections), pct(share)})
	}
	strata := statsTable{Key: "strata", Title: "按抽取分层的问题发现率", Headers: []string{"分层", "检查数", "发现问题", "问题发现率"},
		Numeric: nums(4, 1, 2)}
	for _, h := range s.HitByStratum {
		strata.Rows = append(strata.Rows, []string{h.Name, itoa(h.Inspections), itoa(h.Problems), pct(h.Percent())})
	}
	items := statsTable{Key: "items", Title: "按抽查事项的问题发现率", Headers: []string{"抽查事项", "事项编码", "检查数", "发现问题", "问题发现率"},
		Numeric: nums(5, 2, 3), Note: "不计“不涉及”的事项。"}
	for _, h := range s.HitByItem {
		items.Rows = append(items.Rows, []string{h.Name, h.Key, itoa(h.Inspections), itoa(h.Problems), pct(h.Percent())})
	}
	tl := statsTable{Key: "timeliness", Title: "结果公示及时性", Headers: []string{"部门", "按期公示", "逾期公示", "未公示", "其中已逾期"},
		Numeric: nums(5, 1, 2, 3, 4)}
	for _, t := range s.Timeliness {
		tl.Rows = append(tl.Rows, []string{t.DeptName, itoa(t.OnTime), itoa(t.Late), itoa(t.Pending), itoa(t.PendingOverdue)})
	}
	work := statsTable{Key: "workload", Title: "执法检查人员工作量", Headers: []string{"执法检查人员", "工号", "部门", "检查数", "已完成"},
		Numeric: nums(5, 3, 4)}
	for _, x := range s.Workload {
		work.Rows = append(work.Rows, []string{x.Name, x.Staff, x.DeptName, itoa(x.Inspections), itoa(x.Completed)})
	}
	rep := statsTable{Key: "repeats", Title: "超过年度检查上限的对象", Headers: []string{"检查对象", "统一社会信用代码", "部门", "抽中次数", "上限"},
		Numeric: nums(5, 3, 4), Note: "同一部门本年度抽中同一对象的次数超过上限（" + itoa(s.Cap.Limit) + "次）。"}
	for _, a := range s.Repeats {
		rep.Rows = append(rep.Rows, []string{a.EntityName, a.Entity, a.AuthorityName, itoa(a.Count), itoa(a.Limit)})
	}
	multi := statsTable{Key: "multi", Title: "被多个部门抽中的对象", Headers: []string{"检查对象", "统一社会信用代码", "部门数", "抽中次数"},
		Numeric: nums(4, 2, 3)}
	for _, m := range s.Multi {
		multi.Rows = append(multi.Rows, []string{m.EntityName, m.Entity, itoa(m.Authorities), itoa(m.Inspections)})
	}
	joint := statsTable{Key: "joint", Title: "联合检查占比", Headers: []string{"检查方式", "检查数", "占比"}, Numeric: nums(3, 1)}
	if s.Joint.All > 0 {
		joint.Rows = [][]string{
			{"联合检查（进一次门、查多项事）", itoa(s.Joint.Joint), pct(s.Joint.Percent())},
			{"单独检查", itoa(s.Joint.All - s.Joint.Joint), pct(100 - s.Joint.Percent())},
		}
	}
	return []statsTable{divs, types, cells, results, strata, items, modelTable(s), tl, work, rep, multi, joint}
}
