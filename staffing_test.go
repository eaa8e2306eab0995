package spotcheck

import (
	"strings"
	"testing"
)

func TestCheckTeams(t *testing.T) {
	name := func(code string) string {
		return map[string]string{"GLWL": "鼓楼区文化体育和旅游局", "FZXF": "福州市消防救援支队"}[code]
	}
	cases := []struct {
		name  string
		units []UnitPool
		want  string // a part of the message, "" for none
	}{
		{"a pool that can form a team", []UnitPool{{Unit: "GLWL", Size: 2, Pool: 2, Leads: 1}}, ""},
		{"a partner without leads is fine", []UnitPool{{Unit: "GLWL", Size: 2, Pool: 6, Leads: 5}, {Unit: "FZXF", Size: 1, Pool: 3}}, ""},
		{"a pool smaller than the team", []UnitPool{{Unit: "GLWL", Size: 7, Pool: 6, Leads: 5}}, "鼓楼区文化体育和旅游局持有效执法证且执法事项范围覆盖本任务事项的人员有 6 人，少于每组 7 人"},
		{"a partner with nobody", []UnitPool{{Unit: "GLWL", Size: 2, Pool: 6, Leads: 5}, {Unit: "FZXF", Size: 1}}, "福州市消防救援支队持有效执法证且执法事项范围覆盖本任务事项的人员有 0 人"},
		{"nobody may lead", []UnitPool{{Unit: "GLWL", Size: 2, Pool: 6}}, "没有可任主检的人员"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckTeams(c.units, name)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.want != "" && (ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), c.want)):
				t.Fatalf("got %v, want EINVALID with %q", err, c.want)
			}
		})
	}
}
