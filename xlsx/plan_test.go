package xlsx

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"spotcheck"
)

func planTasks() []spotcheck.Task {
	return []spotcheck.Task{
		{Code: "2026-GLWL-JH-001", Name: "网吧第一轮", Round: 1, Items: []string{"WL-WB-003"},
			Scope: spotcheck.TaskScope{Types: []string{"T06"}, Divisions: []string{"350102"}}, Partners: []string{"FZXF"},
			StrataBy: spotcheck.StrataByCredit, Strata: []spotcheck.StratumRule{{ID: "A", Rate: "3/100"}, {ID: "B", Rate: "5/100"},
				{ID: "C", Rate: "20/100"}, {ID: "D", Rate: "60/100"}},
			Team: []spotcheck.TeamSlot{{Unit: "GLWL", Size: 2}, {Unit: "FZXF", Size: 1}}, Start: "2026-04-01", End: "2026-06-30",
			Expected: 12, CapSlack: 1},
		{Code: "2026-GLWL-JH-002", Name: "重点对象", Round: 2, Items: []string{"WL-LXS-001", "WL-WB-003"},
			StrataBy: spotcheck.StrataByKey, Strata: []spotcheck.StratumRule{{ID: "general", Rate: "3/100"}, {ID: "key", Rate: "30/100"}},
			Team: []spotcheck.TeamSlot{{Unit: "GLWL", Size: 2}}, Start: "2026-09-01", End: "2026-11-30"},
	}
}

// TestPlanTasksRoundTrip: the plan's tasks written to .xlsx and .csv read
// back as they were.
func TestPlanTasksRoundTrip(t *testing.T) {
	for _, format := range []Format{XLSX, CSV} {
		var b bytes.Buffer
		if err := WritePlanTasks(&b, format, planTasks()); err != nil {
			t.Fatal(err)
		}
		got, err := ReadPlanTasks("plan."+string(format), bytes.NewReader(b.Bytes()), int64(b.Len()))
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if !reflect.DeepEqual(got, planTasks()) {
			t.Errorf("%s: read back\n%+v\nwant\n%+v", format, got, planTasks())
		}
	}
}

// TestPlanTasksTemplate: the template has the headers and its notes, and
// reads as a file without tasks.
func TestPlanTasksTemplate(t *testing.T) {
	var b bytes.Buffer
	if err := WritePlanTasks(&b, XLSX, nil); err != nil {
		t.Fatal(err)
	}
	_, err := ReadPlanTasks("template.xlsx", bytes.NewReader(b.Bytes()), int64(b.Len()))
	if spotcheck.ErrorCode(err) != spotcheck.EINVALID || !strings.Contains(spotcheck.ErrorMessage(err), "没有任务") {
		t.Fatalf("empty template: %v", err)
	}
}

// TestPlanTasksRowErrors: cells in the wrong format are row errors that
// name the row and the column, all of them, and no task is returned.
func TestPlanTasksRowErrors(t *testing.T) {
	csv := "\ufeff任务编号,任务名称,轮次,抽查事项,检查组,开始日期,结束日期\r\n" +
		"2026-GLWL-JH-001,第一轮,1,WL-WB-003,GLWL:2,2026-04-01,2026-06-30\r\n" +
		"2026-GLWL-JH-002,第二轮,二,WL-WB-003,GLWL两人,2026-09-01,2026-11-30\r\n"
	got, err := ReadPlanTasks("plan.csv", strings.NewReader(csv), int64(len(csv)))
	var ie *spotcheck.ImportError
	if !errors.As(err, &ie) || got != nil {
		t.Fatalf("got %v, %v; want an *ImportError", got, err)
	}
	want := []spotcheck.RowError{{Row: 3, Column: "轮次", Message: "“二”不是整数"},
		{Row: 3, Column: "检查组", Message: "“GLWL两人”应写成 部门代码:人数，如GLWL:2"}}
	if !reflect.DeepEqual(ie.Problems, want) {
		t.Errorf("problems %+v, want %+v", ie.Problems, want)
	}
}
