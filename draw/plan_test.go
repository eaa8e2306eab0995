package draw

import (
	"math/big"
	"strings"
	"testing"
	"time"
)

func TestSampleSize(t *testing.T) {
	tests := []struct {
		name           string
		eligible       int
		rate           string
		min, max, want int
	}{
		{"rate rounds up to min", 22, "3/100", 1, 0, 1},
		{"nobody eligible", 0, "3/100", 1, 0, 0},
		{"exact", 100, "3/100", 0, 0, 3},
		{"ceil", 101, "3/100", 0, 0, 4},
		{"min 0, tiny stratum", 1, "3/100", 0, 0, 1},
		{"max caps", 229, "5/100", 2, 10, 10},
		{"rate above min", 41, "30/100", 1, 0, 13},
		{"all", 4, "1/1", 0, 0, 4},
		{"min above eligible", 5, "1/2", 10, 0, 5},
		{"a third", 1000, "1/3", 0, 0, 334},
		{"max below min", 10, "1/10", 5, 3, 3},
		{"max above n", 10, "1/2", 0, 100, 5},
		{"min and max", 1000, "1/100", 20, 15, 15},
		{"million at 3%", 250_000, "3/100", 1, 0, 7500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SampleSize(tt.eligible, tt.rate, tt.min, tt.max)
			if err != nil || got != tt.want {
				t.Fatalf("SampleSize(%d, %s, %d, %d) = %d, %v; want %d", tt.eligible, tt.rate, tt.min, tt.max, got, err, tt.want)
			}
		})
	}
	// Large values are exact: compare with math/big.
	e, a, b := int64(1)<<40, int64(999_999_999_999), int64(1_000_000_000_000)
	want := new(big.Int).Mul(big.NewInt(e), big.NewInt(a))
	want.Add(want, big.NewInt(b-1)).Quo(want, big.NewInt(b))
	if got, err := SampleSize(int(e), "999999999999/1000000000000", 0, 0); err != nil || int64(got) != want.Int64() {
		t.Fatalf("large: %d, %v; want %s", got, err, want)
	}
	if got, _ := SampleSize(1<<40, "18446744073709551615/18446744073709551615", 0, 0); got != 1<<40 {
		t.Fatalf("rate 1 with 64-bit terms: %d", got)
	}
}

func TestParseRate(t *testing.T) {
	for _, ok := range []string{"1/1", "3/100", "99/100", "1/18446744073709551615"} {
		if _, _, err := ParseRate(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "0/1", "1/0", "01/2", "1/02", "2/1", "+1/2", "-1/2", "1/2/3", "a/b", "1.5/2", "1 /2", "3%", "1/18446744073709551616"} {
		if _, _, err := ParseRate(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCheckSecret(t *testing.T) {
	for _, c := range []struct {
		secret string
		ok     bool
	}{
		{strings.Repeat("中", 20), true},
		{strings.Repeat("中", 19), false}, // 57 bytes but 19 code points
		{strings.Repeat("a", 20), true},
		{strings.Repeat("a", 19), false},
		{strings.Repeat("a", 20) + "\n", false},
		{strings.Repeat("a", 20) + "\t", false},
		{strings.Repeat("a", 20) + "\r", false},
		{strings.Repeat("a", 20) + "\xff", false},
		{strings.Repeat("a", 20) + "\u2028", false},
		{"  leading and trailing spaces  ", true},
	} {
		if err := CheckSecret(c.secret); (err == nil) != c.ok {
			t.Errorf("CheckSecret(%q) = %v", c.secret, err)
		}
	}
}

func TestBuildInputsErrors(t *testing.T) {
	frame := []FrameLine{{"E2", "A"}, {"E1", "B"}}
	roster := []RosterLine{{"I1", "U", "L"}, {"I2", "U", ""}}
	cases := []struct {
		name   string
		frame  []FrameLine
		excl   []Exclusion
		roster []RosterLine
		conf   []Conflict
		file   string
		reason string
	}{
		{"duplicate entity", append(frame, FrameLine{"E1", "C"}), nil, roster, nil, FileFrame, "重复"},
		{"space in entity", append(frame, FrameLine{"E 3", "C"}), nil, roster, nil, FileFrame, "不允许的字符"},
		{"empty stratum", append(frame, FrameLine{"E3", ""}), nil, roster, nil, FileFrame, "为空"},
		{"exclusion outside frame", frame, []Exclusion{{"E9", "x"}}, roster, nil, FileExclusions, "不在名录"},
		{"duplicate inspector", frame, nil, append(roster, RosterLine{"I1", "V", "-"}), nil, FileRoster, "重复"},
		{"bad flags", frame, nil, append(roster, RosterLine{"I3", "V", "LE"}), nil, FileRoster, "flags"},
		{"tab in reason", frame, nil, roster, []Conflict{{"I1", "E1", "a\tb"}}, FileConflicts, "不允许的字符"},
	}
	for _, c := range cases {
		_, err := BuildInputs(c.frame, c.excl, c.roster, c.conf)
		wantError(t, c.name, err, c.file, 0, c.reason)
	}
	in, err := BuildInputs(frame, []Exclusion{{"E1", "x"}, {"E1", "x"}, {"E1", "a"}}, roster,
		[]Conflict{{"I9", "E7", "r"}, {"I1", "E2", "r"}, {"I9", "E7", "r"}})
	if err != nil {
		t.Fatal(err)
	}
	want := Inputs{
		Frame:      []byte("E1\tB\nE2\tA\n"),
		Exclusions: []byte("E1\ta\nE1\tx\n"),
		Roster:     []byte("I1\tU\tL\nI2\tU\t-\n"),
		Conflicts:  []byte("I1\tE2\tr\nI9\tE7\tr\n"),
	}
	if string(in.Frame) != string(want.Frame) || string(in.Exclusions) != string(want.Exclusions) ||
		string(in.Roster) != string(want.Roster) || string(in.Conflicts) != string(want.Conflicts) {
		t.Fatalf("BuildInputs = %q", in)
	}
}

func TestMakePlanErrors(t *testing.T) {
	in, err := BuildInputs([]FrameLine{{"E1", "A"}, {"E2", "B"}}, nil, []RosterLine{{"I1", "U", "L"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	good := PlanSpec{
		Task: "T", Authority: "U", Operator: "op", Created: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC),
		Team:       []TeamSlot{{Unit: "U", Size: 1}},
		Strata:     []StratumRule{{ID: "A", Rate: "1/2"}, {ID: "B", Rate: "1/2"}},
		Randomness: Sources{Dice: true},
	}
	if _, err := MakePlan(good, in); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		edit   func(*PlanSpec)
		reason string
	}{
		{"missing rule", func(s *PlanSpec) { s.Strata = s.Strata[:1] }, "没有它的抽查规则"},
		{"duplicate rule", func(s *PlanSpec) { s.Strata = append(s.Strata, s.Strata[0]) }, "重复"},
		{"fractional seconds", func(s *PlanSpec) { s.Created = s.Created.Add(time.Millisecond) }, "整秒"},
		{"no time", func(s *PlanSpec) { s.Created = time.Time{} }, "整秒"},
		{"no team", func(s *PlanSpec) { s.Team = nil }, "team"},
		{"no source", func(s *PlanSpec) { s.Randomness = Sources{} }, "随机源"},
		{"bad participant", func(s *PlanSpec) { s.Randomness.Commit = []string{"张三"} }, "参与方"},
		{"duplicate participant", func(s *PlanSpec) { s.Randomness.Commit = []string{"a", "a"} }, "互不重复"},
		{"beacon round 0", func(s *PlanSpec) { s.Randomness.Beacon = &Beacon{Chain: "c", Round: 0} }, "round"},
		{"negative slack", func(s *PlanSpec) { s.CapSlack = -1 }, "cap_slack"},
		{"empty task", func(s *PlanSpec) { s.Task = " " }, "task"},
		{"control character", func(s *PlanSpec) { s.Operator = "a\tb" }, "控制字符"},
		{"bad rate", func(s *PlanSpec) { s.Strata[0].Rate = "3%" }, "比例"},
	}
	for _, c := range cases {
		s := good
		s.Strata = append([]StratumRule(nil), good.Strata...)
		c.edit(&s)
		_, err := MakePlan(s, in)
		wantError(t, c.name, err, FilePlan, 0, c.reason)
	}
	empty, _ := BuildInputs(nil, nil, nil, nil)
	_, err = MakePlan(good, empty)
	wantError(t, "empty frame", err, FileFrame, 0, "为空")
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(TimeLayout, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
