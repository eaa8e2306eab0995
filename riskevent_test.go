package spotcheck

import (
	"strings"
	"testing"
)

const testCode = "91350100M000100Y43"

func problemsText(ps Problems) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Field + " " + p.String()
	}
	return strings.Join(parts, "\n")
}

func TestComplaintValidate(t *testing.T) {
	good := func() Complaint {
		return Complaint{Number: " TS-1 ", Dept: "glwl", EntityID: " 91350100m000100y43 ", Received: "2026-02-01",
			Channel: "12345热线", Summary: "强迫购物", Outcome: OutcomeTrue, Active: true}
	}
	c := good()
	c.Normalize()
	if ps := c.Validate("2026-03-01"); len(ps) != 0 {
		t.Fatalf("valid complaint: %s", problemsText(ps))
	}
	if c.Number != "TS-1" || c.Dept != "GLWL" || c.EntityID != testCode || c.Channel != Channel12345 {
		t.Fatalf("normalised %+v", c)
	}
	for _, tc := range []struct {
		name string
		edit func(*Complaint)
		want string
	}{
		{"bad checksum", func(c *Complaint) { c.EntityID = "91350100M000100Y44" }, "entity_id 统一社会信用代码：校验位错误：第18位应为“3”，实际为“4”"},
		{"no code", func(c *Complaint) { c.EntityID = "" }, "entity_id 统一社会信用代码：不能为空"},
		{"no number", func(c *Complaint) { c.Number = "" }, "number 投诉编号：不能为空"},
		{"no dept", func(c *Complaint) { c.Dept = "" }, "dept 受理部门：不能为空"},
		{"future", func(c *Complaint) { c.Received = "2026-03-02" }, "received 受理日期：“2026-03-02”晚于今天"},
		{"bad date", func(c *Complaint) { c.Received = "2026-02-30" }, "received 受理日期：“2026-02-30”不是有效日期"},
		{"bad channel", func(c *Complaint) { c.Channel = "电话" }, "channel 受理渠道：“电话”无效，应为12345、12318、来信、来访、网络、其他之一"},
		{"bad outcome", func(c *Complaint) { c.Outcome = "已办结" }, "outcome 办理结果：“已办结”无效"},
		{"long summary", func(c *Complaint) { c.Summary = strings.Repeat("长", 501) }, "summary 投诉内容：不能超过500个字符"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			tc.edit(&c)
			c.Normalize()
			got := problemsText(c.Validate("2026-03-01"))
			if !strings.Contains(got, tc.want) || strings.Count(got, "\n") != 0 {
				t.Errorf("got %q, want one problem containing %q", got, tc.want)
			}
		})
	}
}

func TestComplaintCountsForRisk(t *testing.T) {
	for _, tc := range []struct {
		outcome string
		active  bool
		want    bool
	}{
		{OutcomeTrue, true, true},
		{OutcomePartTrue, true, true},
		{OutcomeUntrue, true, false},
		{OutcomeInProcess, true, false},
		{OutcomeTrue, false, false},
	} {
		c := Complaint{Outcome: tc.outcome, Active: tc.active}
		if got := c.CountsForRisk(); got != tc.want {
			t.Errorf("%s active=%v: counts %v, want %v", tc.outcome, tc.active, got, tc.want)
		}
	}
	if p := (Penalty{Active: false}); p.CountsForRisk() {
		t.Error("a withdrawn penalty counts")
	}
}

func TestPenaltyValidate(t *testing.T) {
	good := func() Penalty {
		return Penalty{Number: "榕文旅罚〔2025〕12号", Dept: "FZWL", EntityID: testCode, Decided: "2025-09-01",
			Cause: "未签合同", LegalBasis: "《旅行社条例》第五十五条", Kinds: []string{"警告", "罚款", "警告"}, Amount: "5,000.50元", Active: true}
	}
	p := good()
	p.Normalize()
	if ps := p.Validate("2026-03-01"); len(ps) != 0 {
		t.Fatalf("valid penalty: %s", problemsText(ps))
	}
	if p.Amount != "5000.5" || len(p.Kinds) != 2 {
		t.Fatalf("normalised %+v", p)
	}
	for in, want := range map[string]string{"0100": "100", "0.50": "0.5", "12.00": "12", "7": "7", "0": "0"} {
		q := Penalty{Amount: in}
		if q.Normalize(); q.Amount != want {
			t.Errorf("amount %q → %q, want %q", in, q.Amount, want)
		}
	}
	for _, tc := range []struct {
		name string
		edit func(*Penalty)
		want string
	}{
		{"bad checksum", func(p *Penalty) { p.EntityID = "91350100M000100Y44" }, "entity_id 统一社会信用代码：校验位错误：第18位应为“3”，实际为“4”"},
		{"excel number", func(p *Penalty) { p.EntityID = "9.13501E+17" }, "entity_id 统一社会信用代码：代码“9.13501E+17”已被表格软件存为数字"},
		{"no number", func(p *Penalty) { p.Number = "" }, "number 决定书文号：不能为空"},
		{"no kinds", func(p *Penalty) { p.Kinds, p.Amount = nil, "" }, "kinds 处罚种类：不能为空"},
		{"bad kind", func(p *Penalty) { p.Kinds, p.Amount = []string{"通报批评"}, "" }, "kinds 处罚种类：“通报批评”无效"},
		{"fine without amount", func(p *Penalty) { p.Amount = "" }, "amount 罚没金额：处罚种类含罚款时必须填写罚没金额"},
		{"zero fine", func(p *Penalty) { p.Amount = "0" }, "amount 罚没金额：罚款金额应大于0"},
		{"bad amount", func(p *Penalty) { p.Amount = "五千" }, "amount 罚没金额：“五千”不是有效金额"},
		{"three decimals", func(p *Penalty) { p.Amount = "1.005" }, "不是有效金额"},
		{"amount without money", func(p *Penalty) { p.Kinds = []string{"警告"} }, "amount 罚没金额：只有罚款或没收违法所得才填写罚没金额"},
		{"future", func(p *Penalty) { p.Decided = "2027-01-01" }, "decided 决定日期：“2027-01-01”晚于今天"},
		{"no basis", func(p *Penalty) { p.LegalBasis = " " }, "legal_basis 处罚依据：不能为空"},
		{"no cause", func(p *Penalty) { p.Cause = "" }, "cause 违法事实：不能为空"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := good()
			tc.edit(&p)
			p.Normalize()
			got := problemsText(p.Validate("2026-03-01"))
			if !strings.Contains(got, tc.want) || strings.Count(got, "\n") != 0 {
				t.Errorf("got %q, want one problem containing %q", got, tc.want)
			}
		})
	}
	// Confiscation alone may have an amount or none.
	p = good()
	p.Kinds, p.Amount = []string{PenaltyConfiscate}, ""
	if ps := p.Validate("2026-03-01"); len(ps) != 0 {
		t.Errorf("confiscation without amount: %s", problemsText(ps))
	}
}
