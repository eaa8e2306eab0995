package spotcheck

import (
	"strings"
	"testing"
)

func TestParseCalendarCSV(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"\uFEFF日期,类型\n2027-10-01,休\n\n2027-10-09,班\n", "2027-10-01休 2027-10-09班"},
		{"2027-10-01,休\n2027-10-09 , 班\n", "2027-10-01休 2027-10-09班"},
		{"2027-10-01,休\n2027-13-01,休\n2027-10-02\n2027-10-03,工作\n2027-10-01,班\n",
			"第2行 日期：“2027-13-01”不是 YYYY-MM-DD 格式的日期\n第3行 应有 2 列（日期,休/班），现有 1 列\n" +
				"第4行 类型：“工作”应为“休”或“班”\n第5行 日期：2027-10-01 已在第1行出现"},
		{"日期,类型\n", "文件中没有日期"},
	} {
		os, err := ParseCalendarCSV(strings.NewReader(tc.in))
		var got string
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Errorf("%q: code %q", tc.in, ErrorCode(err))
			}
			got = err.Error()
		} else {
			var s []string
			for _, o := range os {
				s = append(s, o.Date+o.Kind())
			}
			got = strings.Join(s, " ")
		}
		if got != tc.want {
			t.Errorf("%q:\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}
