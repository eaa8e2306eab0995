package spotcheck

import (
	"strings"
	"time"
)

// DrawWindow is a department's fixed draw window: its draws take place in
// the first Days working days of each quarter (天津's practice, notes
// domain-rules (d)), so that a planner cannot pick the day that suits a
// draw. A task opts in (Task.DrawWindow); planning its draw outside the
// window is refused. Days 0 means the department has no fixed window.
type DrawWindow struct {
	Dept string
	Days int
	Note string // where it comes from, e.g. the bureau's 实施细则
	By   string
	At   time.Time
}

// MaxDrawWindowDays bounds a window: a quarter has about 60 working days,
// and a window longer than a month fixes nothing.
const MaxDrawWindowDays = 20

// Normalize trims the department code and the note.
func (w *DrawWindow) Normalize() {
	w.Dept = NormalizeCode(w.Dept)
	w.Note = strings.TrimSpace(w.Note)
}

// Validate checks the number of days and the note's length.
func (w *DrawWindow) Validate() Problems {
	var ps Problems
	ps.checkRequired("dept", "部门", w.Dept)
	if w.Days < 0 || w.Days > MaxDrawWindowDays {
		ps.Add("days", "固定抽取窗口", "应为0–%d个工作日（0表示不设窗口）", MaxDrawWindowDays)
	}
	if n := len([]rune(w.Note)); n > MaxCalendarNote {
		ps.Add("note", "依据", "不能超过%d字（现有%d字）", MaxCalendarNote, n)
	}
	return ps
}

// Workdays answers whether a day is a working day; package workday's
// Calendar is one. It errs for a year without holiday data.
type Workdays interface {
	IsWorkday(day time.Time) (bool, error)
}

// Span returns the first and the last day of the window in the quarter
// that contains day: the quarter's first w.Days working days.
func (w DrawWindow) Span(cal Workdays, day time.Time) (first, last time.Time, err error) {
	y, m, _ := day.Date()
	d := time.Date(y, (m-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC)
	for n := 0; n < w.Days; d = d.AddDate(0, 0, 1) {
		work, err := cal.IsWorkday(d)
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		if work {
			if n == 0 {
				first = d
			}
			last = d
			n++
		}
	}
	return first, last, nil
}

// Check returns nil when day (a date in China) falls in the window of its
// quarter; ECONFLICT naming the window otherwise, and EINVALID when the
// department has no window to check against.
func (w DrawWindow) Check(cal Workdays, day time.Time) error {
	if w.Days == 0 {
		return Errorf(EINVALID, "任务要求在固定抽取窗口内抽取，但发起部门未设置固定抽取窗口")
	}
	first, last, err := w.Span(cal, day)
	if err != nil {
		return err
	}
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	if day.Before(first) || day.After(last) {
		return Errorf(ECONFLICT, "本部门的抽取只能在每季度前 %d 个工作日内进行（本季度为 %s 至 %s），今天（%s）不在窗口内",
			w.Days, first.Format(DateLayout), last.Format(DateLayout), day.Format(DateLayout))
	}
	return nil
}
