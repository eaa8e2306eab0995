package draw

import (
	"runtime"
	"testing"
)

// BenchmarkDraw1M is selection and assignment over 1,000,000 entities in
// four strata at 3/100 with 2,000 inspectors (teams of two, a quarter of
// them lead-capable) and a few thousand conflicts: Run, from the bytes of
// the files (checks included), as replay does.
func BenchmarkDraw1M(b *testing.B) {
	bundle, err := Synthetic(1_000_000, 2000)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	b.ResetTimer()
	var o Outcome
	for b.Loop() {
		o, err = Run(bundle.Plan, bundle.Randomness, bundle.Inputs)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(len(o.Teams)), "selected")
}

// BenchmarkVerify1M verifies the bundle of BenchmarkDraw1M.
func BenchmarkVerify1M(b *testing.B) {
	bundle, err := Synthetic(1_000_000, 2000)
	if err != nil {
		b.Fatal(err)
	}
	o, err := Run(bundle.Plan, bundle.Randomness, bundle.Inputs)
	if err != nil {
		b.Fatal(err)
	}
	bundle.Result, bundle.Selected, bundle.Assignment = o.Result, o.Selected, o.Assignment
	runtime.GC()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Verify(bundle); err != nil {
			b.Fatal(err)
		}
	}
}
