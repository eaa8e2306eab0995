package xlsx

import (
	"bytes"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"spotcheck"
)

// TestWritePublications: the 抽查结果公告 sheet has the national system's
// columns, one row per publication with the correction after its
// original, its version and reason, and a credit code kept as text.
func TestWritePublications(t *testing.T) {
	rec := spotcheck.CreditRecord{Version: 1, PlanCode: "2026-GLWL-JH", PlanName: "2026年度抽查计划",
		TaskCode: "2026-GLWL-JH-001", TaskName: "网吧第一轮", DrawType: "不定向抽查", Authority: "鼓楼区文化体育和旅游局",
		Completed: "2026-11-20", EntityName: "福州某网吧（示例）", CreditCode: "0123456789ABCDEFGH", Published: "2026-11-26",
		Items:   []spotcheck.CreditItem{{Name: "经营资质", Outcome: "发现问题", Basis: "《互联网上网服务营业场所管理条例》第七条"}},
		Results: []spotcheck.CreditResult{{Name: "发现问题已责令改正"}}}
	fix := rec
	fix.Version, fix.Corrects, fix.CorrectionReason, fix.Results = 2, 1, "经复核为未发现问题", []spotcheck.CreditResult{{Name: "未发现问题"}}
	var buf bytes.Buffer
	if err := WritePublications(&buf, []spotcheck.Publication{{Record: rec}, {Record: fix}}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("抽查结果公告")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || !slices.Equal(rows[0], ResultColumns) {
		t.Fatalf("rows: %q", rows)
	}
	want := []string{"1", "2026-GLWL-JH", "2026年度抽查计划", "2026-GLWL-JH-001", "网吧第一轮", "不定向抽查", "鼓楼区文化体育和旅游局",
		"2026-11-20", "福州某网吧（示例）", "0123456789ABCDEFGH", "经营资质：发现问题（《互联网上网服务营业场所管理条例》第七条）",
		"发现问题已责令改正", "2026-11-26", "原始公示"}
	if !slices.Equal(rows[1], want) {
		t.Errorf("the original:\n got %q\nwant %q", rows[1], want)
	}
	if got := rows[2]; got[11] != "未发现问题" || got[13] != "第2版（更正）" || got[14] != "经复核为未发现问题" {
		t.Errorf("the correction: %q", got)
	}
	cell, _ := f.GetCellType("抽查结果公告", "J2")
	if cell != excelize.CellTypeSharedString && cell != excelize.CellTypeInlineString {
		t.Errorf("the credit code's cell is of type %v, not text", cell)
	}
}
