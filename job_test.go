package spotcheck

import (
	"testing"
	"time"
)

// TestJobSchedule: a daily time is China time whatever the clock's zone,
// the next one strictly after the moment (a run at 03:00 is next due the
// day after); an interval adds up; the spec reads back; schedules that
// cannot work are refused.
func TestJobSchedule(t *testing.T) {
	at := func(s string) time.Time {
		tt, err := time.ParseInLocation("2006-01-02 15:04:05", s, ChinaTime)
		if err != nil {
			t.Fatal(err)
		}
		return tt.UTC()
	}
	tests := []struct {
		s        JobSchedule
		from     string
		next     string
		spec, cn string
	}{
		{JobDailyAt(3, 0), "2026-03-01 16:00:00", "2026-03-02 03:00:00", "daily 03:00", "每天 03:00（北京时间）"},
		{JobDailyAt(3, 0), "2026-03-02 02:59:59", "2026-03-02 03:00:00", "daily 03:00", "每天 03:00（北京时间）"},
		{JobDailyAt(3, 0), "2026-03-02 03:00:00", "2026-03-03 03:00:00", "daily 03:00", "每天 03:00（北京时间）"},
		{JobDailyAt(8, 30), "2026-12-31 23:00:00", "2027-01-01 08:30:00", "daily 08:30", "每天 08:30（北京时间）"},
		{JobEvery(time.Hour), "2026-03-01 16:00:00", "2026-03-01 17:00:00", "every 1h0m0s", "每 1 小时"},
		{JobEvery(15 * time.Minute), "2026-03-01 16:00:00", "2026-03-01 16:15:00", "every 15m0s", "每 15 分钟"},
	}
	for _, tt := range tests {
		if got := tt.s.Next(at(tt.from)); !got.Equal(at(tt.next)) {
			t.Errorf("%s after %s: %s, want %s", tt.spec, tt.from, got.In(ChinaTime), tt.next)
		}
		if tt.s.Spec() != tt.spec || tt.s.String() != tt.cn {
			t.Errorf("%+v: %q %q", tt.s, tt.s.Spec(), tt.s.String())
		}
		if back, err := ParseJobSchedule(tt.spec); err != nil || back != tt.s {
			t.Errorf("ParseJobSchedule(%q) = %+v, %v", tt.spec, back, err)
		}
	}
	for _, bad := range []string{"every 30s", "every -1h", "daily 24:00", "daily 3:5", "hourly", "every x", "daily 03:60"} {
		if _, err := ParseJobSchedule(bad); ErrorCode(err) != EINVALID {
			t.Errorf("ParseJobSchedule(%q): %v", bad, err)
		}
	}
}
