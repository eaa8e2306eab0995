package spotcheck

import (
	"math"
	"strings"
	"testing"
)

// Newcombe (1998), Statistics in Medicine 17:873–890, table II, example
// (a): 56/70 against 48/80, method 10 gives 0.0524 to 0.3339; and the
// Wilson interval of 81/263 is 0.2553 to 0.3662 (Newcombe 1998,
// "Two-sided confidence intervals for the single proportion", table I).
func TestNewcombeInterval(t *testing.T) {
	m := ModelHitRate{Chosen: HitRate{Inspections: 70, Problems: 56}, Control: HitRate{Inspections: 80, Problems: 48}}
	d, lo, hi, ok := m.Difference()
	if !ok || math.Abs(d-0.2) > 1e-9 || math.Abs(lo-0.0524) > 5e-5 || math.Abs(hi-0.3339) > 5e-5 {
		t.Fatalf("Difference = %.4f [%.4f, %.4f] %v, want 0.2000 [0.0524, 0.3339]", d, lo, hi, ok)
	}
	if lo, hi := Wilson(81, 263); math.Abs(lo-0.2553) > 5e-5 || math.Abs(hi-0.3662) > 5e-5 {
		t.Fatalf("Wilson(81, 263) = [%.4f, %.4f], want [0.2553, 0.3662]", lo, hi)
	}
	if lo, hi := Wilson(0, 10); lo != 0 || math.Abs(hi-0.2775) > 5e-5 {
		t.Fatalf("Wilson(0, 10) = [%.4f, %.4f], want [0, 0.2775]", lo, hi)
	}
}

func TestModelVerdict(t *testing.T) {
	for _, c := range []struct {
		chosen, control HitRate
		want            string
	}{
		{HitRate{Inspections: 70, Problems: 56}, HitRate{Inspections: 80, Problems: 48}, "模型找得更准"},
		{HitRate{Inspections: 80, Problems: 48}, HitRate{Inspections: 70, Problems: 56}, "模型需要复核"},
		{HitRate{Inspections: 40, Problems: 10}, HitRate{Inspections: 30, Problems: 6}, "含 0"},
		{HitRate{Inspections: 40, Problems: 10}, HitRate{Inspections: 9, Problems: 1}, "至少 10 次"},
		{HitRate{}, HitRate{}, "没有设对照样本"},
	} {
		if v := (ModelHitRate{Chosen: c.chosen, Control: c.control}).Verdict(); !strings.Contains(v, c.want) {
			t.Errorf("%v vs %v: %q, want it to say %q", c.chosen, c.control, v, c.want)
		}
	}
}

// Count puts a draw's control picks in Control, its other picks in
// Chosen, and a draw without a control sample in All only.
func TestModelHitRateCount(t *testing.T) {
	var m ModelHitRate
	m.Count(HitRate{Inspections: 3, Problems: 1}, true, true)
	m.Count(HitRate{Inspections: 5, Problems: 2}, true, false)
	m.Count(HitRate{Inspections: 7, Problems: 4}, false, false)
	if m.All != (HitRate{Inspections: 15, Problems: 7}) || m.Control != (HitRate{Inspections: 3, Problems: 1}) ||
		m.Chosen != (HitRate{Inspections: 5, Problems: 2}) {
		t.Fatalf("%+v", m)
	}
}
