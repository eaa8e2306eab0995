package xlsx

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"spotcheck"
)

// PlanTasks is the codec of an annual plan's task sheet (issue 10): one
// row per task, downloaded as a template or with the plan's tasks, and
// imported all or nothing (PlanService.CreatePlanTasks). Its headers are
// the labels of Task.Validate's problems, so that a row error names the
// column people see. The kind is the sheet's Chinese name: plans are not
// a directory kind of `spotcheck import`.
var PlanTasks = newCodec("计划任务",
	func() spotcheck.Task { return spotcheck.Task{} },
	str(Column{Key: "code", Header: "任务编号", Required: true, Text: true, Width: 20,
		Help: "3–48位字母、数字或连字符，如2026-GLWL-JH-001"},
		func(t *spotcheck.Task) *string { return &t.Code }),
	str(Column{Key: "name", Header: "任务名称", Required: true, Width: 30}, func(t *spotcheck.Task) *string { return &t.Name }),
	integer(Column{Key: "round", Header: "轮次", Width: 8, Help: "计入全年第几轮抽查（1、2…）"},
		func(t *spotcheck.Task) *int { return &t.Round }),
	list(Column{Key: "items", Header: "抽查事项", Required: true, Width: 24, Help: "事项编码，多个用“、”分隔"},
		func(t *spotcheck.Task) *[]string { return &t.Items }),
	list(Column{Key: "types", Header: "检查对象类型", Width: 20, Help: "类型代码，多个用“、”分隔；不填为全部类型"},
		func(t *spotcheck.Task) *[]string { return &t.Scope.Types }),
	list(Column{Key: "divisions", Header: "行政区划", Width: 20, Help: "6位区划代码，多个用“、”分隔；不填为本部门辖区全部"},
		func(t *spotcheck.Task) *[]string { return &t.Scope.Divisions }),
	list(Column{Key: "partners", Header: "联合部门", Width: 16, Help: "联合抽查的部门代码，多个用“、”分隔"},
		func(t *spotcheck.Task) *[]string { return &t.Partners }),
	str(Column{Key: "strata_by", Header: "分层方式", Width: 12, Options: []string{spotcheck.StrataByCredit, spotcheck.StrataByKey, spotcheck.StrataByKeyCredit},
		Help: "credit 按信用风险分类A–D；key 按重点/一般；key+credit 重点单列，其余按A–D。不填为credit"},
		func(t *spotcheck.Task) *string { return &t.StrataBy }),
	stratum("A"), stratum("B"), stratum("C"), stratum("D"), stratum("general"), stratum("key"),
	teamField(),
	date(Column{Key: "start", Header: "开始日期", Required: true, Width: 12}, func(t *spotcheck.Task) *string { return &t.Start }),
	date(Column{Key: "end", Header: "结束日期", Required: true, Width: 12}, func(t *spotcheck.Task) *string { return &t.End }),
	integer(Column{Key: "expected", Header: "预计抽查户数", Width: 12, Help: "不填时按分层比例估算"},
		func(t *spotcheck.Task) *int { return &t.Expected }),
	integer(Column{Key: "cap_slack", Header: "工作量余量", Width: 10, Help: "每人检查次数上限的余量（0–100），不填为0"},
		func(t *spotcheck.Task) *int { return &t.CapSlack }),
)

// stratum is the column of one stratum's rate "a/b", headed with the label
// Task.Validate gives it (分层“A”).
func stratum(id string) field[spotcheck.Task] {
	find := func(t *spotcheck.Task) int {
		for i, r := range t.Strata {
			if r.ID == id {
				return i
			}
		}
		return -1
	}
	return field[spotcheck.Task]{
		col: Column{Key: "strata." + id, Header: "分层“" + id + "”", Width: 10,
			Help: "该层抽查比例，写成 a/b，如3/100；只填所选分层方式的层"},
		get: func(t *spotcheck.Task) string {
			if i := find(t); i >= 0 {
				return t.Strata[i].Rate
			}
			return ""
		},
		set: func(t *spotcheck.Task, s string) string {
			t.Strata = append(t.Strata, spotcheck.StratumRule{ID: id, Rate: s})
			return ""
		},
		copy: func(d, s *spotcheck.Task) {
			if i := find(s); i >= 0 {
				d.Strata = append(d.Strata, s.Strata[i])
			}
		},
	}
}

// teamField is the 检查组 column: "FZWL:2、FZXF:1", the units in team
// order with the inspectors each sends to every visit.
func teamField() field[spotcheck.Task] {
	return field[spotcheck.Task]{
		col: Column{Key: "team", Header: "检查组", Required: true, Width: 18,
			Help: "部门代码:人数，多个用“、”分隔，第一个为发起部门，如GLWL:2、FZXF:1"},
		get: func(t *spotcheck.Task) string {
			parts := make([]string, len(t.Team))
			for i, s := range t.Team {
				parts[i] = fmt.Sprintf("%s:%d", s.Unit, s.Size)
			}
			return strings.Join(parts, "、")
		},
		set: func(t *spotcheck.Task, s string) string {
			t.Team = nil
			for _, part := range spotcheck.SplitList(s) {
				unit, size, ok := strings.Cut(strings.ReplaceAll(part, "：", ":"), ":")
				n, err := strconv.Atoi(strings.TrimSpace(size))
				if !ok || err != nil {
					return "“" + part + "”应写成 部门代码:人数，如GLWL:2"
				}
				t.Team = append(t.Team, spotcheck.TeamSlot{Unit: spotcheck.NormalizeCode(unit), Size: n})
			}
			return ""
		},
		copy: func(d, s *spotcheck.Task) { d.Team = append([]spotcheck.TeamSlot(nil), s.Team...) },
	}
}

// WritePlanTasks writes a plan's tasks (none: the template) to out, one
// row per task; the .xlsx template has its 填写说明 sheet.
func WritePlanTasks(out io.Writer, format Format, tasks []spotcheck.Task) error {
	if len(tasks) == 0 && format == XLSX {
		f := excelize.NewFile()
		defer f.Close()
		if err := fillTemplate(f, PlanTasks.Kind, PlanTasks.Columns); err != nil {
			return err
		}
		return f.Write(out)
	}
	w, err := NewWriter(out, format, PlanTasks)
	if err != nil {
		return err
	}
	for i := range tasks {
		if err := w.Write(&tasks[i]); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}

// ReadPlanTasks opens a task sheet for PlanService.CreatePlanTasks: the
// rows with their file row numbers and the problems of cells in the wrong
// format, which the store reports with those of the rules, row by row, as
// for the directories.
func ReadPlanTasks(name string, r io.ReaderAt, size int64) (*spotcheck.ImportSource[spotcheck.Task], error) {
	return Read(name, r, size, PlanTasks)
}
