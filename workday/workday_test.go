package workday

import (
	"strings"
	"testing"
	"time"

	"spotcheck"
)

func day(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// span expands "2020-01-24..02-02" into its days; a single date is itself.
func span(t *testing.T, s string) []time.Time {
	from, to, ok := strings.Cut(s, "..")
	d := day(t, from)
	if !ok {
		return []time.Time{d}
	}
	end := day(t, from[:5]+to)
	var out []time.Time
	for ; !d.After(end); d = d.AddDate(0, 0, 1) {
		out = append(out, d)
	}
	return out
}

// arrangements are the State Council's published arrangements of
// 2020–2026 (国务院办公厅关于部分节假日安排的通知): per year, the days off
// of 元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆, and the 调休 working days,
// which fall on Saturdays and Sundays. 2020's Spring Festival is the
// extended one (to 02-02; the make-up Saturday 02-01 became a day off).
var arrangements = []struct {
	year      int
	off, work []string
}{
	{2020, []string{"2020-01-01", "2020-01-24..01-31", "2020-02-01..02-02", "2020-04-04..04-06",
		"2020-05-01..05-05", "2020-06-25..06-27", "2020-10-01..10-08"},
		[]string{"2020-01-19", "2020-04-26", "2020-05-09", "2020-06-28", "2020-09-27", "2020-10-10"}},
	{2021, []string{"2021-01-01..01-03", "2021-02-11..02-17", "2021-04-03..04-05", "2021-05-01..05-05",
		"2021-06-12..06-14", "2021-09-19..09-21", "2021-10-01..10-07"},
		[]string{"2021-02-07", "2021-02-20", "2021-04-25", "2021-05-08", "2021-09-18", "2021-09-26", "2021-10-09"}},
	{2022, []string{"2022-01-01..01-03", "2022-01-31", "2022-02-01..02-06", "2022-04-03..04-05", "2022-04-30",
		"2022-05-01..05-04", "2022-06-03..06-05", "2022-09-10..09-12", "2022-10-01..10-07"},
		[]string{"2022-01-29", "2022-01-30", "2022-04-02", "2022-04-24", "2022-05-07", "2022-10-08", "2022-10-09"}},
	{2023, []string{"2023-01-01..01-02", "2023-01-21..01-27", "2023-04-05", "2023-04-29..04-30", "2023-05-01..05-03",
		"2023-06-22..06-24", "2023-09-29..09-30", "2023-10-01..10-06"},
		[]string{"2023-01-28", "2023-01-29", "2023-04-23", "2023-05-06", "2023-06-25", "2023-10-07", "2023-10-08"}},
	{2024, []string{"2024-01-01", "2024-02-10..02-17", "2024-04-04..04-06", "2024-05-01..05-05", "2024-06-10",
		"2024-09-15..09-17", "2024-10-01..10-07"},
		[]string{"2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14", "2024-09-29", "2024-10-12"}},
	{2025, []string{"2025-01-01", "2025-01-28..01-31", "2025-02-01..02-04", "2025-04-04..04-06", "2025-05-01..05-05",
		"2025-05-31", "2025-06-01..06-02", "2025-10-01..10-08"},
		[]string{"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"}},
	{2026, []string{"2026-01-01..01-03", "2026-02-15..02-23", "2026-04-04..04-06", "2026-05-01..05-05",
		"2026-06-19..06-21", "2026-09-25..09-27", "2026-10-01..10-07"},
		[]string{"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}},
}

// TestPublishedArrangements checks every listed day off and make-up day,
// and that every other day of the year follows the weekday rule.
func TestPublishedArrangements(t *testing.T) {
	c := New(nil)
	for _, a := range arrangements {
		want := map[time.Time]bool{}
		for _, s := range a.off {
			for _, d := range span(t, s) {
				want[d] = false
			}
		}
		for _, s := range a.work {
			d := day(t, s)
			if w := d.Weekday(); w != time.Saturday && w != time.Sunday {
				t.Errorf("%s is listed as a make-up day but is a %s", s, w)
			}
			want[d] = true
		}
		for d := time.Date(a.year, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == a.year; d = d.AddDate(0, 0, 1) {
			exp, listed := want[d]
			if !listed {
				exp = d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
			}
			got, err := c.IsWorkday(d)
			if err != nil {
				t.Fatalf("%s: %v", d.Format(time.DateOnly), err)
			}
			if got != exp {
				t.Errorf("%s (%s): workday %v, want %v", d.Format(time.DateOnly), d.Weekday(), got, exp)
			}
		}
	}
}

func TestAddWorkdays(t *testing.T) {
	c := New(nil)
	for _, tc := range []struct {
		from string
		n    int
		want string
	}{
		{"2020-09-25", 20, "2020-10-29"}, // across 国庆中秋 with 09-27 and 10-10 worked
		{"2026-09-25", 20, "2026-10-29"},
		{"2026-02-13", 1, "2026-02-14"}, // the make-up Saturday counts
		{"2026-02-14", 1, "2026-02-24"}, // the Spring Festival does not
		{"2025-12-31", 1, "2026-01-04"}, // 01-01..03 off, 01-04 (a Sunday) worked
		{"2025-12-31", 2, "2026-01-05"},
		{"2026-09-19", 0, "2026-09-19"}, // n = 0: the day itself
		{"2024-12-31", 2, "2025-01-03"}, // across a year end
	} {
		got, err := c.AddWorkdays(day(t, tc.from), tc.n)
		if err != nil {
			t.Errorf("%s + %d: %v", tc.from, tc.n, err)
			continue
		}
		if got.Format(time.DateOnly) != tc.want {
			t.Errorf("%s + %d = %s, want %s", tc.from, tc.n, got.Format(time.DateOnly), tc.want)
		}
	}
}

// TestYearWithoutData: 2028 has no data in lunar-go v1.4.7; every
// computation touching it is refused, never "weekdays only".
func TestYearWithoutData(t *testing.T) {
	c := New(nil)
	if c.HasYear(2028) || !c.HasYear(2027) || !c.HasYear(2020) {
		t.Fatalf("HasYear: 2020 %v, 2027 %v, 2028 %v", c.HasYear(2020), c.HasYear(2027), c.HasYear(2028))
	}
	if _, err := c.IsWorkday(day(t, "2028-03-01")); spotcheck.ErrorCode(err) != ErrNoData {
		t.Errorf("IsWorkday 2028: %v", err)
	}
	if _, err := c.AddWorkdays(day(t, "2027-12-20"), 30); spotcheck.ErrorCode(err) != ErrNoData || !strings.Contains(err.Error(), "2028") {
		t.Errorf("AddWorkdays into 2028: %v", err)
	}
	if _, err := c.AddWorkdays(day(t, "2027-12-20"), 5); err != nil {
		t.Errorf("AddWorkdays within 2027: %v", err)
	}
	if _, err := c.AddWorkdays(day(t, "2020-01-01"), -1); spotcheck.ErrorCode(err) != spotcheck.EINVALID {
		t.Errorf("negative n: %v", err)
	}
}

// TestOverrides: an override wins over the built-in data, a later one over
// an earlier one, and overrides give a year data.
func TestOverrides(t *testing.T) {
	c := New([]Override{
		{Date: day(t, "2026-10-08"), Work: false}, // a day added to the holiday
		{Date: day(t, "2026-10-10"), Work: false}, // the make-up Saturday cancelled
		{Date: day(t, "2026-02-14"), Work: false}, // corrected …
		{Date: day(t, "2026-02-14"), Work: true},  // … and corrected back
		{Date: day(t, "2028-01-03"), Work: false}, // 2028 imported
	})
	for _, tc := range []struct {
		d    string
		want bool
	}{{"2026-10-08", false}, {"2026-10-10", false}, {"2026-02-14", true}, {"2026-10-09", true},
		{"2028-01-03", false}, {"2028-01-04", true}, {"2028-01-08", false}} {
		got, err := c.IsWorkday(day(t, tc.d))
		if err != nil || got != tc.want {
			t.Errorf("%s: %v %v, want %v", tc.d, got, err, tc.want)
		}
	}
	if !c.HasYear(2028) {
		t.Error("2028 has overrides but no data")
	}
	if plain, _ := New(nil).IsWorkday(day(t, "2026-10-10")); !plain {
		t.Error("building a calendar with overrides changed another calendar")
	}
}

// BenchmarkAddWorkdays counts about 20 years of working days per call
// (issue 10: ≤ 1 ms per call).
func BenchmarkAddWorkdays(b *testing.B) {
	c := New(nil)
	from := day(b, "2005-01-04")
	for b.Loop() {
		d, err := c.AddWorkdays(from, 20*249)
		if err != nil || d.Year() < 2024 {
			b.Fatal(d, err)
		}
	}
}
