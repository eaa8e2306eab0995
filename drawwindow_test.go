package spotcheck

import (
	"testing"
	"time"
)

// weekdays is a made-up calendar of 2026: weekdays work, except a holiday
// of 1–8 October and a 调休 Saturday on 10 October; other years have no
// data. (The real arrangement is package workday's business.)
type weekdays struct{}

func (weekdays) IsWorkday(d time.Time) (bool, error) {
	if d.Year() != 2026 {
		return false, Errorf(EINVALID, "%d 年没有节假日数据", d.Year())
	}
	switch {
	case d.Month() == 10 && d.Day() <= 8:
		return false, nil
	case d.Month() == 10 && d.Day() == 10:
		return true, nil
	}
	return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday, nil
}

func TestDrawWindow(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(DateLayout, s); return d }
	w := DrawWindow{Dept: "FZWL", Days: 5}
	first, last, err := w.Span(weekdays{}, day("2026-11-20"))
	if err != nil || first.Format(DateLayout) != "2026-10-09" || last.Format(DateLayout) != "2026-10-14" {
		t.Fatalf("Q4 window: %v–%v, %v; want 2026-10-09 (the first working day after the holiday) to 2026-10-14 (10-10 is 调休)", first, last, err)
	}
	for _, c := range []struct {
		day  string
		code string
	}{
		{"2026-10-09", ""}, {"2026-10-10", ""}, {"2026-10-14", ""}, {"2026-10-15", ECONFLICT}, {"2026-10-08", ECONFLICT},
		{"2026-01-07", ""}, {"2026-01-08", ECONFLICT},
	} {
		if got := ErrorCode(w.Check(weekdays{}, day(c.day))); got != c.code {
			t.Errorf("%s: %q, want %q", c.day, got, c.code)
		}
	}
	if ErrorCode((DrawWindow{Days: 0}).Check(weekdays{}, day("2026-10-09"))) != EINVALID {
		t.Error("a department without a window was not refused")
	}
	if _, _, err := w.Span(weekdays{}, day("2027-01-05")); err == nil {
		t.Error("a year without holiday data computed a window")
	}
	if ps := (&DrawWindow{Dept: "FZWL", Days: 21}).Validate(); ps.Err() == nil {
		t.Error("21 days accepted")
	}
}
