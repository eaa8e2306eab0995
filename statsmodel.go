package spotcheck

import (
	"fmt"
	"math"
)

// Does the model find more? (issue 14, item 3.) The dashboard groups the
// completed inspections by the risk model version whose classes their
// draw's strata took, and, for draws with a control sample
// (Task.Control, draw/control.go), compares the share of inspections that
// found a problem among the control sample — entities drawn uniformly from
// the whole frame, what inspecting without the model would find — with
// that among the strata's other picks, the entities the model's strata
// sent inspectors to. The difference comes with a 95 % confidence
// interval, and no improvement is claimed unless the interval lies above
// zero.

// ModelHitRate is the comparison for one model version ("" when the
// classes were set by hand). All counts every completed inspection of the
// version's draws; Chosen and Control only those of draws with a control
// sample.
type ModelHitRate struct {
	Model           string
	All             HitRate
	Chosen, Control HitRate
}

// Count adds h, inspections of picks of one draw whose strata took
// m.Model's classes, to the comparison: to All always; to Control when
// the picks are of the draw's control sample; to Chosen when the draw has
// a control sample and they are not of it. Draws without one count in
// All only.
func (m *ModelHitRate) Count(h HitRate, drawHasControl, control bool) {
	add := func(sum *HitRate) {
		sum.Inspections += h.Inspections
		sum.Problems += h.Problems
	}
	add(&m.All)
	switch {
	case control:
		add(&m.Control)
	case drawHasControl:
		add(&m.Chosen)
	}
}

// MinControlInspections is the fewest completed inspections each side of
// a comparison needs before the dashboard states an interval: below it the
// normal approximations behind the interval mislead.
const MinControlInspections = 10

// confidenceZ is the normal quantile of a two-sided 95 % interval.
const confidenceZ = 1.959964

// Wilson returns the Wilson score interval (95 %) of the proportion x/n,
// which stays inside [0, 1] and behaves at rates near 0 or 1, where hit
// rates of inspections often are.
func Wilson(x, n int) (lo, hi float64) {
	if n == 0 {
		return 0, 1
	}
	p, nf, z2 := float64(x)/float64(n), float64(n), confidenceZ*confidenceZ
	centre := (p + z2/(2*nf)) / (1 + z2/nf)
	half := confidenceZ / (1 + z2/nf) * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return max(0, centre-half), min(1, centre+half)
}

// Difference returns the chosen picks' hit rate minus the control
// sample's, with the 95 % interval of Newcombe's hybrid score method
// (Newcombe 1998, method 10: Wilson intervals of each side combined),
// all as fractions; ok is false while either side has fewer than
// MinControlInspections inspections.
func (m ModelHitRate) Difference() (d, lo, hi float64, ok bool) {
	c, k := m.Chosen, m.Control
	if c.Inspections < MinControlInspections || k.Inspections < MinControlInspections {
		return 0, 0, 0, false
	}
	p1, p2 := float64(c.Problems)/float64(c.Inspections), float64(k.Problems)/float64(k.Inspections)
	l1, u1 := Wilson(c.Problems, c.Inspections)
	l2, u2 := Wilson(k.Problems, k.Inspections)
	d = p1 - p2
	return d, d - math.Sqrt((p1-l1)*(p1-l1)+(u2-p2)*(u2-p2)), d + math.Sqrt((u1-p1)*(u1-p1)+(p2-l2)*(p2-l2)), true
}

// Verdict says in one sentence what the comparison shows, and claims an
// improvement only when the interval lies above zero.
func (m ModelHitRate) Verdict() string {
	d, lo, hi, ok := m.Difference()
	pp := func(f float64) string { return fmt.Sprintf("%.1f", 100*f) }
	switch {
	case m.Control.Inspections == 0 && m.Chosen.Inspections == 0:
		return "没有设对照样本的抽取，无法检验模型"
	case !ok:
		return fmt.Sprintf("对照样本与模型选出的对象各需至少 %d 次已完成检查才能比较（现为 %d 与 %d）",
			MinControlInspections, m.Control.Inspections, m.Chosen.Inspections)
	case lo > 0:
		return fmt.Sprintf("模型选出的对象问题发现率高出对照样本 %s 个百分点（95%%置信区间 %s 至 %s），模型找得更准",
			pp(d), pp(lo), pp(hi))
	case hi < 0:
		return fmt.Sprintf("模型选出的对象问题发现率低于对照样本 %s 个百分点（95%%置信区间 %s 至 %s），模型需要复核",
			pp(-d), pp(lo), pp(hi))
	}
	return fmt.Sprintf("差异 %s 个百分点，95%%置信区间 %s 至 %s 含 0：尚不能说明模型找得更准", pp(d), pp(lo), pp(hi))
}

// ModelName names a model version as pages show it.
func ModelName(version string) string {
	if version == "" {
		return "人工设定的分类"
	}
	return "风险模型 " + version
}
