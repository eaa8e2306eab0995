package xlsx

import (
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"spotcheck"
)

// ResultColumns are the headers of the 抽查结果公告 sheet (issue 12, item
// 1): the national system's result fields, one row per publication, a
// correction on its own row after what it corrects.
var ResultColumns = []string{"序号", "抽查计划编号", "抽查计划名称", "抽查任务编号", "抽查任务名称", "抽查类型", "抽查机关",
	"抽查完成日期", "企业（主体）名称", "统一社会信用代码", "检查事项及结果", "检查结果", "公示日期", "版本", "更正原因"}

// WritePublications writes pubs as an .xlsx sheet with ResultColumns. Every
// cell is text, so a credit code stays as typed.
func WritePublications(out io.Writer, pubs []spotcheck.Publication) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "抽查结果公告"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	row := func(n int, cells []string) error {
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = excelize.Cell{Value: c}
		}
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, vals)
	}
	if err := row(1, ResultColumns); err != nil {
		return err
	}
	for i, p := range pubs {
		r := p.Record
		var items, results []string
		for _, it := range r.Items {
			s := it.Name + "：" + it.Outcome
			if it.Basis != "" {
				s += "（" + it.Basis + "）"
			}
			items = append(items, s)
		}
		for _, res := range r.Results {
			results = append(results, res.Name)
		}
		version := "原始公示"
		if r.Version > 1 {
			version = "第" + strconv.Itoa(r.Version) + "版（更正）"
		}
		if err := row(i+2, []string{strconv.Itoa(i + 1), r.PlanCode, r.PlanName, r.TaskCode, r.TaskName, r.DrawType,
			r.Authority, r.Completed, r.EntityName, r.CreditCode, strings.Join(items, "；"), strings.Join(results, "；"),
			r.Published, version, r.CorrectionReason}); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(out)
}
