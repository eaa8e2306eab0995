package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"spotcheck/workday"
)

const calendarUsage = `用法：
  spotcheck calendar add 日期 N [--db 数据库]      日期之后第 N 个工作日（日期本身不计）
  spotcheck calendar is 日期 [--db 数据库]         workday 或 holiday
  spotcheck calendar import 文件 [--note 说明] [--db 数据库]   导入放假调休安排（CSV：日期,休 或 日期,班）`

// runCalendar answers working-day questions on the calendar of lunar-go's
// data and the database's overrides (spec/cli.md "Calendar and plans"),
// and imports a year's arrangement. A year without data exits 1.
func (m *Main) runCalendar(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("%s", calendarUsage)
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("calendar "+sub, flag.ContinueOnError)
	dsn := dbFlag(fs)
	note := fs.String("note", "", "说明（如通知文号）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	var date time.Time
	var n int
	switch sub {
	case "add", "is":
		want := map[string]int{"add": 2, "is": 1}[sub]
		if len(pos) != want {
			return usagef("%s", calendarUsage)
		}
		if date, err = time.Parse(time.DateOnly, pos[0]); err != nil {
			return usagef("日期“%s”应为 YYYY-MM-DD 格式", pos[0])
		}
		if sub == "add" {
			if n, err = strconv.Atoi(pos[1]); err != nil || n < 0 {
				return usagef("N“%s”应为不小于 0 的整数", pos[1])
			}
		}
	case "import":
		if len(pos) != 1 {
			return usagef("%s", calendarUsage)
		}
	default:
		return usagef("未知的子命令“%s”\n%s", sub, calendarUsage)
	}

	db, err := m.openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if sub == "import" {
		f, err := os.Open(pos[0])
		if err != nil {
			return usagef("无法打开文件：%v", err)
		}
		defer f.Close()
		if *note == "" {
			*note = "导入自 " + filepath.Base(pos[0])
		}
		count, err := db.Calendar().ImportCalendar(ctx, filepath.Base(pos[0]), f, *note)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "导入完成：%d 天\n", count)
		return nil
	}
	cal, err := workday.Load(ctx, db.Calendar())
	if err != nil {
		return err
	}
	if sub == "is" {
		work, err := cal.IsWorkday(date)
		if err != nil {
			return err
		}
		if work {
			fmt.Fprintln(m.Stdout, "workday")
		} else {
			fmt.Fprintln(m.Stdout, "holiday")
		}
		return nil
	}
	d, err := cal.AddWorkdays(date, n)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, d.Format(time.DateOnly))
	return nil
}
