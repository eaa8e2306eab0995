package xlsx

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"spotcheck"
)

var sampleComplaints = []spotcheck.Complaint{
	{Number: "12345-2026-000123", Dept: "GLWL", EntityID: "91350100MA2XYZ1234", Received: "2026-02-03", Channel: "12345",
		Summary: "导游强迫购物，\"引号\"\n第二行", Outcome: "属实", Active: true},
	{Number: "LX-7", Dept: "FZWL", EntityID: "91350100MA2XYZ1234", Received: "2025-11-30", Channel: "来信",
		Summary: "噪音扰民", Outcome: "办理中"},
}

var samplePenalties = []spotcheck.Penalty{
	{Number: "榕文旅罚〔2025〕12号", Dept: "FZWL", EntityID: "91350100MA2XYZ1234", Decided: "2025-09-01",
		Cause: "未按规定签订旅游合同", LegalBasis: "《旅行社条例》第五十五条", Kinds: []string{"警告", "罚款"}, Amount: "5000.5",
		Active: true},
	{Number: "鼓文体罚〔2026〕1号", Dept: "GLWL", EntityID: "91350100MA2XYZ1234", Decided: "2026-01-05",
		Cause: "接纳未成年人", LegalBasis: "《互联网上网服务营业场所管理条例》第三十一条", Kinds: []string{"责令停业整顿"}},
}

func TestRiskEventsRoundTrip(t *testing.T) {
	t.Run("complaints", func(t *testing.T) { roundTrip(t, Complaints, sampleComplaints) })
	t.Run("penalties", func(t *testing.T) { roundTrip(t, Penalties, samplePenalties) })
}

// The headers are the labels of the domain's problems.
func TestRiskEventHeadersMatchDomainLabels(t *testing.T) {
	check := func(kind string, ps spotcheck.Problems) {
		t.Helper()
		cols, _ := ColumnsOf(kind)
		for _, p := range ps {
			ok := false
			for _, c := range cols {
				ok = ok || (c.Key == p.Field && c.Header == p.Label)
			}
			if !ok {
				t.Errorf("%s: problem %s/%s does not match a column", kind, p.Field, p.Label)
			}
		}
		if len(ps) < 5 {
			t.Errorf("%s: expected problems in every field, got %v", kind, ps)
		}
	}
	c := spotcheck.Complaint{Number: strings.Repeat("1", 65), EntityID: "x", Received: "x", Channel: "x", Outcome: "x"}
	c.Normalize()
	check(spotcheck.KindComplaints, c.Validate("2026-03-01"))
	p := spotcheck.Penalty{EntityID: "x", Decided: "2099-01-01", Kinds: []string{"x"}, Amount: "x"}
	p.Normalize()
	check(spotcheck.KindPenalties, p.Validate("2026-03-01"))
}

// A cell in a bad format is reported with its row and column; a file
// without a required column is refused whole.
func TestRiskEventRowErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.csv")
	writeFile(t, path, "投诉编号,受理部门,统一社会信用代码,受理日期,受理渠道,投诉内容,办理结果,记录状态\n"+
		"A1,GLWL,91350100MA2XYZ1234,2026-01-02,12345热线,内容,属实,\n"+
		"A2,GLWL,91350100MA2XYZ1234,2026/1/3,网络,内容,不属实,作废\n")
	rows := readAll(t, path, Complaints)
	if len(rows) != 2 || len(rows[0].Problems) != 0 || !rows[0].Value.Active {
		t.Fatalf("rows %+v", rows)
	}
	if ps := rows[1].Problems; rows[1].Row != 3 || len(ps) != 1 || ps[0].Label != "记录状态" {
		t.Errorf("row 3 problems %v", ps)
	}
	if rows[1].Value.Received != "2026-01-03" {
		t.Errorf("date normalised to %q", rows[1].Value.Received)
	}
	c := rows[0].Value
	c.Normalize()
	if c.Channel != "12345" {
		t.Errorf("channel %q", c.Channel)
	}

	path = filepath.Join(dir, "p.csv")
	writeFile(t, path, "决定书文号,处罚机关,决定日期,违法事实,处罚依据,处罚种类\nX,FZWL,2026-01-01,a,b,警告\n")
	_, err := Open(path, Penalties)
	var ie *spotcheck.ImportError
	if !errors.As(err, &ie) || !strings.Contains(ie.Error(), "统一社会信用代码：缺少必填列") {
		t.Errorf("missing column: %v", err)
	}
}
