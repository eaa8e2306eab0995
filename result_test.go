package spotcheck

import (
	"strings"
	"testing"
)

// TestValidateResults is the table of result sets: what may be chosen
// together, and what each refusal says.
func TestValidateResults(t *testing.T) {
	cat := DefaultResultCatalogue()
	ly := map[string][]string{"WL01": {"LY"}}
	tests := []struct {
		name   string
		codes  []string
		subs   map[string][]string
		remark string
		want   string // "" valid, else a part of the message
	}{
		{"未发现问题", []string{"R01"}, nil, "", ""},
		{"nothing chosen", nil, nil, "", "至少选择一项"},
		{"an unknown code", []string{"R09"}, nil, "", "“R09”不是结果目录中的结果类别"},
		{"twice", []string{"R05", "R05"}, nil, "", "重复选择"},
		{"未发现问题 with a problem", []string{"R01", "R05"}, nil, "", "“未发现问题”不能与“发现问题已责令改正”同时选择"},
		{"未发现问题 with a local problem", []string{"R01", "WL02"}, map[string][]string{"WL02": {"WH"}}, "", "不能与“发现问题，待后续调查处理”同时选择"},
		{"未发现问题 with no activity", []string{"R01", "R07"}, nil, "", "不能与"},
		{"未发现问题 with a remark", []string{"R01", "WL04"}, nil, "检查时正在装修", ""},
		{"corrected and to follow up", []string{"R05", "R08"}, nil, "", ""},
		{"unreachable at its address and hiding", []string{"R03", "R04"}, nil, "", ""},
		{"deregistered", []string{"S02"}, nil, "", ""},
		{"closed and no activity", []string{"S01", "R07"}, nil, "", ""},
		{"deregistered with a problem", []string{"S02", "R05"}, nil, "", "登记状态为“已注销”的主体未实施检查，不能同时选择“发现问题已责令改正”"},
		{"deregistered with 未发现问题", []string{"S02", "R01"}, nil, "", "不能与"},
		{"two statuses", []string{"S02", "S03"}, nil, "", "登记状态类结果只能选择一项"},
		{"a local problem with its sub-code", []string{"WL01"}, ly, "", ""},
		{"a local problem without a sub-code", []string{"WL01"}, nil, "", "须注明违反了哪一类规定"},
		{"a sub-code the category has not", []string{"WL01"}, map[string][]string{"WL01": {"XX"}}, "", "“XX”不是"},
		{"a sub-code of a result not chosen", []string{"R05"}, map[string][]string{"WL01": {"LY"}}, "", "未选择"},
		{"a sub-code on a national category", []string{"R05"}, map[string][]string{"R05": {"LY"}}, "", "“LY”不是"},
		{"不合格 and 已责令改正", []string{"WL03", "WL01"}, map[string][]string{"WL01": {"LY"}, "WL03": {"QT", "WH"}}, "", ""},
		{"其他情况 alone", []string{"WL04"}, nil, "说明", "须至少选择一项国家企业信用信息公示系统显示的结果类别"},
		{"其他情况 without its remark", []string{"WL04", "R08"}, nil, " ", "须写明具体情况"},
		{"其他情况 with its remark", []string{"WL04", "R08"}, nil, "已移交", ""},
		{"a local correction after deregistration", []string{"S02", "WL01"}, ly, "", "不能同时选择"},
	}
	for _, tt := range tests {
		ps := ValidateResults(tt.codes, tt.subs, tt.remark, cat)
		switch {
		case tt.want == "" && len(ps) > 0:
			t.Errorf("%s: refused: %v", tt.name, ps.Err())
		case tt.want != "" && (len(ps) == 0 || !strings.Contains(ps.Err().Error(), tt.want)):
			t.Errorf("%s: %v, want a refusal with %q", tt.name, ps.Err(), tt.want)
		}
	}
}

// TestDefaultResultCatalogue: every national category is there, and every
// local one maps to a national one of its kind (or none, for a remark).
func TestDefaultResultCatalogue(t *testing.T) {
	cat := DefaultResultCatalogue()
	for _, c := range []string{"R01", "R02", "R03", "R04", "R05", "R06", "R07", "R08", "S01", "S02", "S03", "S04", "S05"} {
		r, ok := cat.Category(c)
		if !ok || r.National != c || r.Name == "" {
			t.Errorf("%s: %+v", c, r)
		}
	}
	want := map[string]string{"发现问题，依法责令立即改正或者限期改正": "R05", "发现问题，待后续调查处理": "R08",
		"不合格": "R08", "其他情况": ""}
	for _, r := range cat {
		if n, ok := want[r.Name]; ok && r.National != n {
			t.Errorf("%s maps to %q, want %q", r.Name, r.National, n)
		}
		if r.National != "" {
			nat, _ := cat.Category(r.National)
			if nat.Kind != r.Kind || nat.Problem != r.Problem {
				t.Errorf("%s is not of the kind of %s", r.Code, r.National)
			}
		}
		if r.Remark && r.National != "" || r.Code == "R01" && !r.Exclusive {
			t.Errorf("%s: %+v", r.Code, r)
		}
	}
}

// TestItemFindings: a problem needs its legal basis and a description,
// another case a remark, every item of the checklist exactly one finding.
func TestItemFindings(t *testing.T) {
	items := []string{"I1", "I2"}
	tests := []struct {
		name string
		fs   []ItemFinding
		want string
	}{
		{"none and not concerned", []ItemFinding{{Item: "I1", Outcome: FindingNone}, {Item: "I2", Outcome: FindingNA}}, ""},
		{"a problem in full", []ItemFinding{{Item: "I1", Outcome: FindingProblem, Basis: "《旅行社条例》第二十九条",
			Description: "未与游客签订合同"}, {Item: "I2", Outcome: FindingNone}}, ""},
		{"a problem without its basis", []ItemFinding{{Item: "I1", Outcome: FindingProblem, Description: "未签合同"},
			{Item: "I2", Outcome: FindingNone}}, "第1项（I1）：发现问题须填写法律依据"},
		{"a problem without a description", []ItemFinding{{Item: "I1", Outcome: FindingNone},
			{Item: "I2", Outcome: FindingProblem, Basis: "第二十九条", Description: " "}}, "第2项（I2）：发现问题须填写问题描述"},
		{"another case without a remark", []ItemFinding{{Item: "I1", Outcome: FindingOther},
			{Item: "I2", Outcome: FindingNone}}, "其他情形须填写说明"},
		{"another case with one", []ItemFinding{{Item: "I1", Outcome: FindingOther, Remark: "停业整顿中"},
			{Item: "I2", Outcome: FindingNone}}, ""},
		{"an item left out", []ItemFinding{{Item: "I1", Outcome: FindingNone}}, "事项“I2”尚未填写检查情况"},
		{"an item not on the list", []ItemFinding{{Item: "I1", Outcome: FindingNone}, {Item: "I2", Outcome: FindingNone},
			{Item: "I3", Outcome: FindingNone}}, "“I3”不是本次检查的事项"},
		{"an item twice", []ItemFinding{{Item: "I1", Outcome: FindingNone}, {Item: "I1", Outcome: FindingNA},
			{Item: "I2", Outcome: FindingNone}}, "重复填写"},
		{"no outcome", []ItemFinding{{Item: "I1"}, {Item: "I2", Outcome: FindingNone}}, "尚未填写检查情况"},
		{"an unknown outcome", []ItemFinding{{Item: "I1", Outcome: "ok"}, {Item: "I2", Outcome: FindingNone}}, "不是有效的检查情况"},
	}
	for _, tt := range tests {
		ps := ValidateFindings(items, tt.fs)
		switch {
		case tt.want == "" && len(ps) > 0:
			t.Errorf("%s: refused: %v", tt.name, ps.Err())
		case tt.want != "" && (len(ps) == 0 || !strings.Contains(ps.Err().Error(), tt.want)):
			t.Errorf("%s: %v, want a refusal with %q", tt.name, ps.Err(), tt.want)
		}
	}
}

// TestMethods: the methods, and which need a check-in.
func TestMethods(t *testing.T) {
	for _, tt := range []struct {
		methods []string
		valid   bool
		checkIn bool
	}{
		{[]string{"M01"}, true, true}, {[]string{"M02", "M03", "M04", "M05", "M06"}, true, false},
		{[]string{"M06", "M01"}, true, true}, {nil, false, false}, {[]string{"M07"}, false, false},
		{[]string{"M02", "M02"}, false, false},
	} {
		if got := len(ValidateMethods(tt.methods)) == 0; got != tt.valid {
			t.Errorf("%v valid: %v", tt.methods, got)
		}
		if got := NeedsCheckIn(tt.methods); got != tt.checkIn {
			t.Errorf("%v needs a check-in: %v", tt.methods, got)
		}
	}
}
