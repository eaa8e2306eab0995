package spotcheck

import (
	"reflect"
	"testing"
)

// TestFrameAnnualCap: the setting's cap becomes annual-cap exclusions, its
// high-risk exemption (class D or 重点) spares those entities when on, and
// a task may only be stricter than the setting.
func TestFrameAnnualCap(t *testing.T) {
	cands := []FrameCandidate{
		{ID: "A2", Status: StatusOperating, CreditClass: "A"},            // twice
		{ID: "D2", Status: StatusOperating, CreditClass: "D"},            // twice, high-risk by class
		{ID: "K2", Status: StatusOperating, CreditClass: "B", Key: true}, // twice, high-risk as 重点
		{ID: "B1", Status: StatusOperating, CreditClass: "B"},            // once
		{ID: "C0", Status: StatusOperating, CreditClass: "C"},            // never
	}
	by := map[string]int{"A2": 2, "D2": 2, "K2": 2, "B1": 1}
	tests := []struct {
		name    string
		cap     CapPolicy
		taskCap int
		want    []string
	}{
		{"no setting: the task's cap, no exemption", CapPolicy{}, 2, []string{"A2", "D2", "K2"}},
		{"the default setting exempts high-risk entities", DefaultCapPolicy(), 2, []string{"A2"}},
		{"without the exemption everyone is capped", CapPolicy{Limit: 2, Source: "x"}, 2, []string{"A2", "D2", "K2"}},
		{"a cap of 1", CapPolicy{Limit: 1, ExemptHighRisk: true, Source: "x"}, 2, []string{"A2", "B1"}},
		{"a task may be stricter than the setting", CapPolicy{Limit: 3, ExemptHighRisk: true, Source: "x"}, 1, []string{"A2", "B1"}},
		{"but not laxer", CapPolicy{Limit: 1, Source: "x"}, 5, []string{"A2", "D2", "K2", "B1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := validTask()
			tk.Normalize()
			tk.AnnualCap = tt.taskCap
			_, excl := tk.Frame(cands, EntityHistory{ByAuthority: by, Cap: tt.cap})
			var got []string
			for _, e := range excl {
				if e.Reason == ExcludeAnnualCap {
					got = append(got, e.Entity)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("capped %v, want %v", got, tt.want)
			}
		})
	}
}

// TestFrameInspectedByOthers: a task that skips entities inspected by
// other departments excludes them with their own reason; one that does
// not keeps them eligible.
func TestFrameInspectedByOthers(t *testing.T) {
	cands := []FrameCandidate{{ID: "E1", Status: StatusOperating, CreditClass: "A"}, {ID: "E2", Status: StatusOperating, CreditClass: "A"}}
	h := EntityHistory{ByOthers: map[string]bool{"E2": true}}
	for _, skip := range []bool{false, true} {
		tk := validTask()
		tk.Normalize()
		tk.SkipInspectedByOthers = skip
		_, excl := tk.Frame(cands, h)
		var want []FrameExclusion
		if skip {
			want = []FrameExclusion{{"E2", ExcludeByOthers}}
		}
		if !reflect.DeepEqual(excl, want) {
			t.Errorf("skip=%v: %v, want %v", skip, excl, want)
		}
	}
	if ExclusionNames[ExcludeByOthers] == "" {
		t.Error("the reason has no Chinese name")
	}
}

func TestCapPolicyValidate(t *testing.T) {
	for _, tt := range []struct {
		c     CapPolicy
		field string
	}{
		{DefaultCapPolicy(), ""},
		{CapPolicy{Limit: 0, Source: "x"}, "limit"},
		{CapPolicy{Limit: 13, Source: "x"}, "limit"},
		{CapPolicy{Limit: 2, Source: "  "}, "source"},
	} {
		tt.c.Normalize()
		ps := tt.c.Validate()
		got := ""
		if len(ps) > 0 {
			got = ps[0].Field
		}
		if got != tt.field {
			t.Errorf("%+v: %v, want %q", tt.c, ps, tt.field)
		}
	}
}

func TestRepeatAlerts(t *testing.T) {
	counts := []RepeatAlert{
		{Entity: "A", Count: 3},
		{Entity: "B", Count: 2},
		{Entity: "D", Count: 4, HighRisk: true},
	}
	names := func(as []RepeatAlert) []string {
		var out []string
		for _, a := range as {
			out = append(out, a.Entity)
		}
		return out
	}
	if got := names(RepeatAlerts(counts, DefaultCapPolicy())); !reflect.DeepEqual(got, []string{"A"}) {
		t.Errorf("default: %v", got)
	}
	strict := CapPolicy{Limit: 1, Source: "x"}
	got := RepeatAlerts(counts, strict)
	if !reflect.DeepEqual(names(got), []string{"A", "B", "D"}) || got[0].Limit != 1 {
		t.Errorf("strict: %+v", got)
	}
}
