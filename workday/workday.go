// Package workday answers the two questions deadlines need on the Chinese
// calendar (design §7): is a date a working day, and which date is the N-th
// working day after another. The statutory holidays and 调休 make-up days
// come from lunar-go's HolidayUtil data; the system administrator adds the
// years the library does not know yet, and corrects single days, through
// overrides (the State Council's notice is the source). A Calendar is a pure
// value built from both: it reads no clock and mutates no global (lunar-go's
// Fix patches a package-level string and is never called here).
//
// A year "has data" when lunar-go lists at least one holiday or make-up day
// in it (2001–2027 in v1.4.7), or when at least one override falls in it
// (importing a year's arrangement adds one override per listed day). A date
// in a year without data is an error, never "weekdays only": a deadline
// computed on guessed days would be wrong in a way nobody notices.
package workday

import (
	"context"
	"sync"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"

	"spotcheck"
)

// ErrNoData is the error code of a computation that reached a year
// without holiday data.
const ErrNoData = "calendar_no_data"

// Override sets one day to a day off (Work false, 休) or a working day
// (Work true, 班), whatever lunar-go says. Later overrides of the same day
// win over earlier ones, so a correction is a new override.
type Override struct {
	Date time.Time
	Work bool
}

// year holds the working days of one year, indexed by day of year − 1.
type year [366]bool

// Calendar is the built-in data plus a list of overrides, immutable once
// built; safe for concurrent use.
type Calendar struct {
	years map[int]*year
}

// builtin is lunar-go's data read once: year → date (YYYY-MM-DD) → work.
// It is a cache of constant library data, not state: nothing writes it
// after the first read.
var builtin = sync.OnceValue(func() map[int]map[string]bool {
	m := map[int]map[string]bool{}
	// lunar-go's data starts in 2001; years outside 1900–2200 are not
	// looked up at all (no holiday law reaches them).
	for y := 2001; y <= 2100; y++ {
		l := HolidayUtil.GetHolidaysByYear(y)
		if l.Len() == 0 {
			continue
		}
		days := map[string]bool{}
		for e := l.Front(); e != nil; e = e.Next() {
			h := e.Value.(*HolidayUtil.Holiday)
			days[h.GetDay()] = h.IsWork()
		}
		m[y] = days
	}
	return m
})

// New builds the calendar of lunar-go's data with overrides applied in
// order (a later override of a day wins).
func New(overrides []Override) *Calendar {
	c := &Calendar{years: map[int]*year{}}
	for y, days := range builtin() {
		c.years[y] = fill(y, days)
	}
	for _, o := range overrides {
		y := o.Date.Year()
		if c.years[y] == nil {
			c.years[y] = fill(y, nil)
		}
		c.years[y][o.Date.YearDay()-1] = o.Work
	}
	return c
}

// fill sets a year's days from the weekday rule, then from days.
func fill(y int, days map[string]bool) *year {
	var yr year
	d := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	for ; d.Year() == y; d = d.AddDate(0, 0, 1) {
		w := d.Weekday()
		work := w != time.Saturday && w != time.Sunday
		if v, ok := days[d.Format(time.DateOnly)]; ok {
			work = v
		}
		yr[d.YearDay()-1] = work
	}
	return &yr
}

// HasYear reports whether year y has data (see the package comment).
func (c *Calendar) HasYear(y int) bool { return c.years[y] != nil }

// Day returns date's calendar day at midnight UTC, the form every result
// of this package takes (the clock time and location of date are ignored).
func Day(date time.Time) time.Time {
	y, m, d := date.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// IsWorkday reports whether date is a working day; an error for a year
// without data.
func (c *Calendar) IsWorkday(date time.Time) (bool, error) {
	d := Day(date)
	yr := c.years[d.Year()]
	if yr == nil {
		return false, noData(d.Year())
	}
	return yr[d.YearDay()-1], nil
}

// AddWorkdays returns the n-th working day after date, date not counted
// (n = 0 gives date's own day). It fails when a year on the way has no
// data, and for a negative n.
func (c *Calendar) AddWorkdays(date time.Time, n int) (time.Time, error) {
	d := Day(date)
	if n < 0 {
		return time.Time{}, spotcheck.Errorf(spotcheck.EINVALID, "工作日数不能为负数：%d", n)
	}
	y := d.Year()
	yr := c.years[y]
	if yr == nil {
		return time.Time{}, noData(y)
	}
	i := d.YearDay() - 1
	last := time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC).YearDay() - 1
	for n > 0 {
		i++
		if i > last {
			y++
			if yr = c.years[y]; yr == nil {
				return time.Time{}, noData(y)
			}
			i = 0
			last = time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC).YearDay() - 1
		}
		if yr[i] {
			n--
		}
	}
	return time.Date(y, 1, 1+i, 0, 0, 0, 0, time.UTC), nil
}

func noData(y int) error {
	return spotcheck.Errorf(ErrNoData, "%d 年没有节假日安排数据：请系统管理员按国务院办公厅通知导入该年的放假调休安排", y)
}

// Load builds the calendar of the overrides svc keeps (ctx carries the
// principal that reads them).
func Load(ctx context.Context, svc spotcheck.CalendarService) (*Calendar, error) {
	os, err := svc.FindCalendarOverrides(ctx)
	if err != nil {
		return nil, err
	}
	return New(Overrides(os)), nil
}

// Overrides turns stored overrides, oldest first, into the calendar's.
// A stored date that does not parse (the store validates them) is skipped.
func Overrides(os []spotcheck.CalendarOverride) []Override {
	out := make([]Override, 0, len(os))
	for _, o := range os {
		d, err := time.Parse(time.DateOnly, o.Date)
		if err != nil {
			continue
		}
		out = append(out, Override{Date: d, Work: o.Work})
	}
	return out
}
