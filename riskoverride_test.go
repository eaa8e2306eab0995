package spotcheck

import (
	"strings"
	"testing"
	"time"
)

// TestRiskOverrideValidate: a reason of four characters after trimming, a
// class A–D and an expiry after today and within a year; each problem
// names its field in Chinese.
func TestRiskOverrideValidate(t *testing.T) {
	today := time.Date(2026, 3, 20, 20, 0, 0, 0, time.UTC) // 2026-03-21 04:00 in China
	for _, c := range []struct {
		name                  string
		class, reason, expiry string
		want                  string // "" = valid
	}{
		{"valid", "d", "  群众多次投诉  ", "2026-06-30", ""},
		{"the last day of a year", "A", "现场核查无问题", "2027-03-21", ""},
		{"no reason", "C", "   ", "2026-06-30", "调整原因：必须说明原因"},
		{"a short reason", "C", " 调整 ", "2026-06-30", "调整原因：必须说明原因，至少4个字"},
		{"a bad class", "E", "群众多次投诉", "2026-06-30", "信用风险分类：“E”无效"},
		{"no class", "", "群众多次投诉", "2026-06-30", "信用风险分类：不能为空"},
		{"no expiry", "C", "群众多次投诉", "", "有效期至：不能为空"},
		{"not a date", "C", "群众多次投诉", "2026-02-30", "有效期至：“2026-02-30”不是有效日期"},
		{"today in China", "C", "群众多次投诉", "2026-03-21", "有效期至：“2026-03-21”应晚于今天（2026-03-21）"},
		{"in the past", "C", "群众多次投诉", "2026-01-01", "应晚于今天"},
		{"over a year", "C", "群众多次投诉", "2027-03-22", "超过一年（最迟2027-03-21）"},
	} {
		o := &RiskOverride{Class: c.class, Reason: c.reason, Expires: c.expiry}
		err := o.Validate(today)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), c.want)):
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	o := &RiskOverride{Class: "d", Reason: "  群众多次投诉  ", Expires: "2026-06-30"}
	if err := o.Validate(today); err != nil || o.Class != "D" || o.Reason != "群众多次投诉" {
		t.Fatalf("normalised: %+v, %v", o, err)
	}
}

// TestRiskOverrideActive: an override holds to the end of its expiry day
// and not after; an ended or superseded one does not hold; applying it
// keeps the model's score and sets its class, key flag and note.
func TestRiskOverrideActive(t *testing.T) {
	o := &RiskOverride{Class: "D", Key: true, Reason: "群众多次投诉", Expires: "2026-04-30"}
	if !o.Active("2026-04-30") || o.Expired("2026-04-30") || o.Active("2026-05-01") || !o.Expired("2026-05-01") {
		t.Fatal("the expiry day is the last day it holds")
	}
	ended := *o
	ended.Ended = RiskOverrideRevoke
	if ended.Active("2026-04-01") || ended.Expired("2026-05-01") {
		t.Fatal("an ended override")
	}
	a := o.Apply(RiskAssessment{Score: 12, Class: "B"})
	if a.Score != 12 || a.Class != "D" || !a.Key || a.KeyReason != "人工调整：群众多次投诉（至2026-04-30）" || a.KeyExpiry != "2026-04-30" {
		t.Fatalf("applied: %+v", a)
	}
	o.Key = false
	if a := o.Apply(RiskAssessment{Class: "B", Key: true, KeyReason: "x", KeyExpiry: "2026-12-31"}); a.Key || a.KeyReason != "" || a.KeyExpiry != "" {
		t.Fatalf("off the key list: %+v", a)
	}
	if n := o.ExpiredNote(); !strings.HasPrefix(n, "人工调整（群众多次投诉，至2026-04-30）已到期") {
		t.Fatal(n)
	}
}
