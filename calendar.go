package spotcheck

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// ChinaTime is China Standard Time (UTC+8, no daylight saving), in which
// working days, deadlines and draw windows are counted.
var ChinaTime = time.FixedZone("CST", 8*3600)

// CalendarOverride sets one day of the working-day calendar (package
// workday) against lunar-go's built-in data: a day off (休) or a working day
// (班), from the State Council's notice for a year the library does not
// cover yet or as a correction. Overrides are kept, never deleted: a
// correction is a new override of the same day, which supersedes the
// earlier ones (the one with the highest ID wins).
type CalendarOverride struct {
	ID   int64
	Date string // YYYY-MM-DD
	Work bool   // true: 班 (a working day); false: 休 (a day off)
	Note string // where it comes from, e.g. 国办发明电〔2027〕x号
	By   string // who added it (the actor's ID)
	At   time.Time
}

// Kind is the override's kind as the CSV and the pages write it: 班 or 休.
func (o CalendarOverride) Kind() string {
	if o.Work {
		return "班"
	}
	return "休"
}

// MaxCalendarNote bounds an override's note.
const MaxCalendarNote = 200

// Normalize trims the date and note.
func (o *CalendarOverride) Normalize() {
	o.Date = strings.TrimSpace(o.Date)
	o.Note = strings.TrimSpace(o.Note)
}

// Validate checks the date is a real YYYY-MM-DD day and the note's length.
func (o *CalendarOverride) Validate() Problems {
	var ps Problems
	if !ValidDate(o.Date) {
		ps.Add("date", "日期", "“%s”不是 YYYY-MM-DD 格式的日期", o.Date)
	}
	if n := len([]rune(o.Note)); n > MaxCalendarNote {
		ps.Add("note", "说明", "不能超过%d字（现有%d字）", MaxCalendarNote, n)
	}
	return ps
}

// CalendarService keeps the calendar's overrides (store/calendar.go).
type CalendarService interface {
	// FindCalendarOverrides returns every override, oldest first (the
	// order in which they apply). Anyone with a principal may read them:
	// every computed deadline needs them.
	FindCalendarOverrides(ctx context.Context) ([]CalendarOverride, error)
	// AddCalendarOverride records one override (ID, By and At are set).
	// PermManageDepartments (the system administrator); EINVALID.
	AddCalendarOverride(ctx context.Context, o *CalendarOverride) error
	// ImportCalendar records the overrides of a CSV file
	// (ParseCalendarCSV), all or nothing, each with note; it returns how
	// many days it recorded. PermManageDepartments; EINVALID with an
	// *ImportError naming each bad row.
	ImportCalendar(ctx context.Context, name string, r io.Reader, note string) (int, error)
	// FindDrawWindows returns the departments' fixed draw windows
	// (DrawWindow) that are set. Any principal may read them.
	FindDrawWindows(ctx context.Context) ([]DrawWindow, error)
	// SetDrawWindow sets a bureau's window, or clears it with Days 0; the
	// change is recorded. PermManageDepartments; EINVALID (also for a
	// department that is not an active bureau).
	SetDrawWindow(ctx context.Context, w *DrawWindow) error
}

// ParseCalendarCSV reads a year's arrangement: lines `YYYY-MM-DD,休` or
// `YYYY-MM-DD,班` (spec/cli.md), an optional header row (a first row whose
// first cell is not a date, e.g. 日期,类型), blank lines skipped. Every bad
// row is reported, as for the directory imports (`第N行 列名：原因`); a day
// listed twice is an error, since the file would contradict itself.
func ParseCalendarCSV(r io.Reader) ([]CalendarOverride, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var out []CalendarOverride
	ie := &ImportError{}
	seen := map[string]int{}
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			ie.Add(RowError{Row: line, Message: "不是有效的 CSV：" + err.Error()})
			break
		}
		if line == 1 && len(rec) > 0 {
			rec[0] = strings.TrimPrefix(rec[0], "\uFEFF") // a BOM from Excel
			if !startsWithDigit(rec[0]) {
				continue // the header row
			}
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != 2 {
			ie.Add(RowError{Row: line, Message: fmt.Sprintf("应有 2 列（日期,休/班），现有 %d 列", len(rec))})
			continue
		}
		o := CalendarOverride{Date: rec[0]}
		o.Normalize()
		ie.AddProblems(line, o.Validate())
		switch strings.TrimSpace(rec[1]) {
		case "休":
		case "班":
			o.Work = true
		default:
			ie.Add(RowError{Row: line, Column: "类型", Message: fmt.Sprintf("“%s”应为“休”或“班”", strings.TrimSpace(rec[1]))})
		}
		if first, dup := seen[o.Date]; dup && o.Date != "" {
			ie.Add(RowError{Row: line, Column: "日期", Message: fmt.Sprintf("%s 已在第%d行出现", o.Date, first)})
		}
		seen[o.Date] = line
		out = append(out, o)
	}
	if len(out) == 0 && ie.Total == 0 {
		ie.Add(RowError{Message: "文件中没有日期"})
	}
	if err := ie.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func startsWithDigit(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && s[0] >= '0' && s[0] <= '9'
}
