package xlsx

import (
	"bytes"
	"reflect"
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

// readPlanSheet collects the rows of a task sheet and their problems.
func readPlanSheet(t *testing.T, name string, data []byte) ([]spotcheck.Task, []spotcheck.RowError) {
	t.Helper()
	src, err := ReadPlanTasks(name, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var tasks []spotcheck.Task
	ie := &spotcheck.ImportError{}
	for row, err := range src.Rows {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		tasks = append(tasks, row.Value)
		ie.AddProblems(row.Row, row.Problems)
	}
	return tasks, ie.Problems
}

// TestPlanTasksRoundTrip: the plan's tasks written to .xlsx and .csv read
// back as they were.
func TestPlanTasksRoundTrip(t *testing.T) {
	for _, format := range []Format{XLSX, CSV} {
		var b bytes.Buffer
		if err := WritePlanTasks(&b, format, planTasks()); err != nil {
			t.Fatal(err)
		}
		got, problems := readPlanSheet(t, "plan."+string(format), b.Bytes())
		if len(problems) > 0 || !reflect.DeepEqual(got, planTasks()) {
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
	if got, problems := readPlanSheet(t, "template.xlsx", b.Bytes()); len(got) != 0 || len(problems) != 0 {
		t.Fatalf("empty template: %v %v", got, problems)
	}
}

// TestPlanTasksRowErrors: cells in the wrong format are problems of their
// row that name the column, all of them; an empty row does not shift the
// numbers.
func TestPlanTasksRowErrors(t *testing.T) {
	csv := "\ufeff任务编号,任务名称,轮次,抽查事项,检查组,开始日期,结束日期\r\n" +
		"2026-GLWL-JH-001,第一轮,1,WL-WB-003,GLWL:2,2026-04-01,2026-06-30\r\n" +
		",,,,,,\r\n" +
		"2026-GLWL-JH-002,第二轮,二,WL-WB-003,GLWL两人,2026-09-01,2026-11-30\r\n"
	got, problems := readPlanSheet(t, "plan.csv", []byte(csv))
	want := []spotcheck.RowError{{Row: 4, Column: "轮次", Message: "“二”不是整数"},
		{Row: 4, Column: "检查组", Message: "“GLWL两人”应写成 部门代码:人数，如GLWL:2"}}
	if len(got) != 2 || !reflect.DeepEqual(problems, want) {
		t.Errorf("%d rows, problems %+v, want 2 rows, %+v", len(got), problems, want)
	}
}
