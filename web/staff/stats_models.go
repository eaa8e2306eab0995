package staff

import (
	"strconv"

	"spotcheck"
)

// modelTable is the dashboard's answer to "does the model find more?"
// (issue 14, item 3): per risk model version, the hit rate of every
// inspection of its draws, and in draws with a control sample that of the
// strata's other picks against the control sample's, with the difference,
// its 95 % interval and the verdict of spotcheck.ModelHitRate.
func modelTable(s *spotcheck.Stats) statsTable {
	t := statsTable{Key: "models", Title: "按风险模型版本的问题发现率（模型选出与对照样本）",
		Headers: []string{"分类来源", "检查数", "问题发现率", "模型选出·检查数", "模型选出·发现率", "对照样本·检查数", "对照样本·发现率",
			"差异（百分点）", "95%置信区间", "结论"},
		Numeric: nums(10, 1, 3, 5),
		Note: "对照样本从任务全部可抽对象中按票号均匀抽出，不看信用风险分类；模型选出指同一批抽取中对照样本以外的抽中对象。" +
			"差异为模型选出减对照样本的问题发现率，区间按 Newcombe 混合得分法计算；区间高于 0 才说明模型找得更准。"}
	for _, m := range s.ByModel {
		diff, interval := "", ""
		if d, lo, hi, ok := m.Difference(); ok {
			diff = points(d)
			interval = points(lo) + " 至 " + points(hi)
		}
		t.Rows = append(t.Rows, []string{spotcheck.ModelName(m.Model), itoa(m.All.Inspections), rate(m.All),
			itoa(m.Chosen.Inspections), rate(m.Chosen), itoa(m.Control.Inspections), rate(m.Control),
			diff, interval, m.Verdict()})
	}
	return t
}

// points shows a difference of fractions in percentage points.
func points(f float64) string { return strconv.FormatFloat(100*f, 'f', 1, 64) }

// rate shows a hit rate, or a dash when nothing was inspected.
func rate(h spotcheck.HitRate) string {
	if h.Inspections == 0 {
		return "—"
	}
	return pct(h.Percent())
}
