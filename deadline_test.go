package spotcheck

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// notice2026 is the working-day calendar of 2026 as the State Council's
// notice has it (国务院办公厅关于2026年部分节假日安排的通知, 4 November
// 2025), transcribed day by day so that the tables below are checked
// against the notice, not against the library the product uses (package
// workday checks that the library agrees with these same days).
func notice2026() fakeCalendar {
	off := map[string]bool{}
	span := func(from, to string) {
		d, _ := time.Parse(DateLayout, from)
		for ; d.Format(DateLayout) <= to; d = d.AddDate(0, 0, 1) {
			off[d.Format(DateLayout)] = true
		}
	}
	span("2026-01-01", "2026-01-03") // 元旦
	span("2026-02-15", "2026-02-23") // 春节
	span("2026-04-04", "2026-04-06") // 清明节
	span("2026-05-01", "2026-05-05") // 劳动节
	span("2026-06-19", "2026-06-21") // 端午节
	span("2026-09-25", "2026-09-27") // 中秋节
	span("2026-10-01", "2026-10-07") // 国庆节
	on := map[string]bool{"2026-01-04": true, "2026-02-14": true, "2026-02-28": true, "2026-05-09": true,
		"2026-09-20": true, "2026-10-10": true}
	return fakeCalendar{off: off, on: on, years: []int{2026}}
}

// publicationDue2026 is the hand-counted table of publication due dates
// (20 working days after completion) across 春节 and 国庆 2026; each row
// says how it was counted.
var publicationDue2026 = []struct{ completed, due, why string }{
	// 春节: 02-15…02-23 off; the Saturdays 02-14 and 02-28 worked.
	{"2026-01-22", "2026-02-26", "01-23, 01-26…02-13 (16), 02-14 (17), 02-24…02-26"},
	{"2026-01-30", "2026-03-05", "02-02…02-13 (10), 02-14, 02-24…02-27 (15), 02-28, 03-02…03-05"},
	{"2026-02-06", "2026-03-12", "02-09…02-13, 02-14, 02-24…02-28 (11), 03-02…03-12"},
	{"2026-02-13", "2026-03-19", "the make-up Saturday 02-14 is the first working day"},
	{"2026-02-14", "2026-03-20", "completed on the make-up Saturday: counting starts on 02-24"},
	{"2026-02-18", "2026-03-20", "completed in the holiday: counting starts on 02-24"},
	// 国庆: 10-01…10-07 off (and 中秋 09-25…09-27); Sunday 09-20 and
	// Saturday 10-10 worked.
	{"2026-09-07", "2026-10-10", "due on the make-up Saturday"},
	{"2026-09-10", "2026-10-14", "09-20 counted, 09-25 not, 10-08…10-10, 10-12…10-14"},
	{"2026-09-18", "2026-10-22", "the make-up Sunday 09-20 is the first working day"},
	{"2026-09-19", "2026-10-22", "completed on the Saturday before the make-up Sunday"},
	{"2026-09-29", "2026-11-02", "09-30, 10-08…10-10, then four plain weeks less a day"},
	{"2026-09-30", "2026-11-03", "10-08 is the first working day"},
	{"2026-10-03", "2026-11-03", "completed in the holiday"},
}

// TestPublicationDueAcrossHolidays: the due dates of publicationDue2026
// on the notice's calendar.
func TestPublicationDueAcrossHolidays(t *testing.T) {
	cal := notice2026()
	for _, tt := range publicationDue2026 {
		got, err := PublicationDue(cal, tt.completed)
		if err != nil || got != tt.due {
			t.Errorf("PublicationDue(%s) = %s, %v; want %s (%s)", tt.completed, got, err, tt.due, tt.why)
		}
	}
}

// TestDueSoonWindow: the last day a due date counts as due soon, counted
// by hand on the notice's calendar across 春节 and 国庆 2026. The window
// opens on the day itself and reaches the fifth working day after it, so
// on the last working days before a holiday it reaches past the holiday.
func TestDueSoonWindow(t *testing.T) {
	cal := notice2026()
	tests := []struct {
		today string
		days  int
		to    string
	}{
		{"2026-02-11", 0, "2026-02-25"}, // 02-12, 02-13, 02-14 (班), 02-24, 02-25
		{"2026-02-12", 0, "2026-02-26"},
		{"2026-02-13", 5, "2026-02-27"},
		{"2026-02-15", 0, "2026-02-28"}, // in the holiday: 02-24…02-27, 02-28 (班)
		{"2026-02-23", 1, "2026-02-24"}, // the last day off
		{"2026-09-18", 0, "2026-09-24"}, // 09-20 (班), 09-21…09-24
		{"2026-09-24", 0, "2026-10-09"}, // 09-28…09-30, 10-08, 10-09
		{"2026-09-27", 0, "2026-10-09"}, // 中秋, a Sunday off
		{"2026-09-28", 0, "2026-10-10"}, // 09-29, 09-30, 10-08, 10-09, 10-10 (班)
		{"2026-10-01", 0, "2026-10-13"}, // 10-08…10-10, 10-12, 10-13
		{"2026-10-07", 7, "2026-10-15"}, // 10-08…10-10, 10-12…10-15
		{"2026-10-08", 0, "2026-10-14"},
	}
	for _, tt := range tests {
		d, err := time.Parse(DateLayout, tt.today)
		if err != nil {
			t.Fatal(err)
		}
		from, to, err := DueSoonWindow(cal, d.In(ChinaTime), tt.days)
		if err != nil || from != tt.today || to != tt.to {
			t.Errorf("DueSoonWindow(%s, %d) = %s…%s, %v; want %s…%s", tt.today, tt.days, from, to, err, tt.today, tt.to)
		}
	}
	// A day late in China is late, whatever the hour in UTC: 23:30 on
	// 10-14 in Beijing is 15:30 UTC the same day, 00:30 on 10-15 is 16:30
	// UTC on 10-14.
	if from, _, _ := DueSoonWindow(cal, time.Date(2026, 10, 14, 16, 30, 0, 0, time.UTC).In(ChinaTime), 0); from != "2026-10-15" {
		t.Errorf("00:30 in China on 10-15 is day %s", from)
	}
	if _, _, err := DueSoonWindow(cal, time.Date(2026, 12, 28, 0, 0, 0, 0, ChinaTime), 0); err == nil {
		t.Error("a window reaching a year without data gives no error")
	}
	for _, tt := range []struct {
		due, today string
		late       bool
	}{{"2026-10-14", "2026-10-14", false}, {"2026-10-14", "2026-10-15", true}, {"", "2026-10-15", false},
		{"2026-02-26", "2026-02-25", false}} {
		if got := PublicationOverdue(tt.due, tt.today); got != tt.late {
			t.Errorf("PublicationOverdue(%q, %s) = %v", tt.due, tt.today, got)
		}
	}
	if !strings.Contains(DeadlineRule, strconv.Itoa(DueSoonWorkdays)+"个工作日") || !strings.Contains(DeadlineRule, PublicationRule) {
		t.Errorf("DeadlineRule does not say the rule it applies: %s", DeadlineRule)
	}
}
