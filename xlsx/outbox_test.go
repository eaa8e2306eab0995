package xlsx

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"spotcheck"
)

// TestWriteOutbox: one row per record with its state and receipt, one
// column per key of the bodies (in the order they first appear, a key
// missing from a record left empty) and the body as sent; a cell that
// begins with "=" is text, not a formula.
func TestWriteOutbox(t *testing.T) {
	at := time.Date(2026, 12, 7, 2, 3, 4, 0, time.UTC)
	recs := []spotcheck.OutboxEntry{
		{OutboxRecord: spotcheck.OutboxRecord{ID: 7, Kind: "credit", Key: "pub-1", Version: 1,
			Payload: []byte(`{"抽查计划编号":"2026-GLWL-JH-001","检查结果":"未发现问题","次数":2}`)},
			State: spotcheck.OutboxDelivered, Attempts: 1, Receipt: "FJ-0001", CreatedAt: at, SentAt: at},
		{OutboxRecord: spotcheck.OutboxRecord{ID: 8, Kind: "credit", Key: "pub-2", Version: 2,
			Payload: []byte(`{"检查结果":"=1+1","更正原因":"笔误"}`)},
			State: spotcheck.OutboxDead, Attempts: 14, LastError: "信用平台应答 HTTP 503", CreatedAt: at},
	}
	var buf bytes.Buffer
	if err := WriteOutbox(&buf, XLSX, recs, time.FixedZone("CST", 8*3600)); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil || len(rows) != 3 {
		t.Fatalf("rows %v %v", rows, err)
	}
	hdr := rows[0]
	col := func(h string) int { return slices.Index(hdr, h) }
	for _, h := range []string{"幂等键", "状态", "回执", "最后错误", "抽查计划编号", "检查结果", "次数", "更正原因", "记录内容（JSON）"} {
		if col(h) < 0 {
			t.Fatalf("no column %s in %v", h, hdr)
		}
	}
	if col("抽查计划编号") > col("检查结果") || col("检查结果") > col("更正原因") {
		t.Errorf("body keys out of order: %v", hdr)
	}
	cell := func(r int, h string) string {
		if i := col(h); i < len(rows[r]) {
			return rows[r][i]
		}
		return ""
	}
	if cell(1, "幂等键") != "spotcheck/credit/pub-1/v1" || cell(1, "状态") != "已送达" || cell(1, "回执") != "FJ-0001" ||
		cell(1, "送达时间") != "2026-12-07 10:03:04" || cell(1, "次数") != "2" || cell(1, "更正原因") != "" ||
		cell(2, "状态") != "已放弃" || cell(2, "最后错误") != "信用平台应答 HTTP 503" || cell(2, "抽查计划编号") != "" ||
		cell(2, "记录内容（JSON）") != string(recs[1].Payload) {
		t.Errorf("cells: %q", rows)
	}
	for c := range hdr {
		name, _ := excelize.CoordinatesToCellName(c+1, 3)
		if fm, _ := f.GetCellFormula(f.GetSheetName(0), name); fm != "" {
			t.Errorf("a body's value became a formula at %s: %q", name, fm)
		}
	}
}
