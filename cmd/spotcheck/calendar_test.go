package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"spotcheck/internal/pgtest"
)

// TestCalendarCommands runs calendar add, is and import as spec/cli.md
// fixes them, on both databases: the built-in data, a year without data
// (exit 1), a refused import that changes nothing, and an import that
// gives 2028 data and overrides a day.
func TestCalendarCommands(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	good := filepath.Join(dir, "2028.csv")
	os.WriteFile(bad, []byte("日期,类型\n2028-01-01,休\n2028-02-30,班\n2028-01-02,放\n"), 0o644)
	os.WriteFile(good, []byte("日期,类型\n2028-01-01,休\n2028-01-02,休\n2028-01-03,休\n2028-01-08,班\n2026-10-09,休\n"), 0o644)
	for name, db := range map[string]func() string{
		"sqlite":   func() string { return filepath.Join(t.TempDir(), "c.db") },
		"postgres": func() string { return pgtest.URL(t) },
	} {
		t.Run(name, func(t *testing.T) {
			db := db()
			for _, tc := range []struct {
				args     []string
				code     int
				out, err string
			}{
				{[]string{"add", "2020-09-25", "20"}, 0, "2020-10-29\n", ""},
				{[]string{"add", "2026-09-25", "20"}, 0, "2026-10-29\n", ""},
				{[]string{"is", "2020-01-19"}, 0, "workday\n", ""},
				{[]string{"is", "2026-02-16"}, 0, "holiday\n", ""},
				{[]string{"is", "2026-02-28"}, 0, "workday\n", ""},
				{[]string{"is", "2028-01-04"}, 1, "", "2028 年没有节假日安排数据"},
				{[]string{"add", "2027-12-20", "30"}, 1, "", "2028 年没有节假日安排数据"},
				{[]string{"add", "2027-12-20", "x"}, 2, "", "N“x”"},
				{[]string{"is", "2027-02-30"}, 2, "", "YYYY-MM-DD"},
				{[]string{"import", bad}, 1, "", "第3行 日期：“2028-02-30”不是 YYYY-MM-DD 格式的日期\n第4行 类型：“放”应为“休”或“班”\n导入失败：共2处错误，未写入任何数据\n"},
				{[]string{"is", "2028-01-04"}, 1, "", "2028 年没有节假日安排数据"},
				{[]string{"import", good}, 0, "导入完成：5 天\n", ""},
				{[]string{"is", "2028-01-04"}, 0, "workday\n", ""},
				{[]string{"is", "2028-01-08"}, 0, "workday\n", ""},
				{[]string{"is", "2026-10-09"}, 0, "holiday\n", ""},
				{[]string{"add", "2027-12-31", "1"}, 0, "2028-01-04\n", ""},
			} {
				code, out, errs := run(t, append(append([]string{"calendar"}, tc.args...), "--db", db)...)
				if code != tc.code || out != tc.out || !strings.Contains(errs, tc.err) {
					t.Errorf("calendar %v: exit %d, stdout %q, stderr %q; want %d, %q, %q", tc.args, code, out, errs, tc.code, tc.out, tc.err)
				}
			}
		})
	}
}
