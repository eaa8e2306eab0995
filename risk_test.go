package spotcheck

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// testRiskModel is a valid model with every factor of the registry, its
// weights summing to 100.
func testRiskModel() *RiskModel {
	src := "国市监信发〔2022〕6号"
	return &RiskModel{
		Version: "2026.1", Name: "测试模型", EffectiveFrom: "2026-01-01",
		Factors: []RiskFactor{
			{ID: FactorAdverseResults, Weight: 25, DataSource: "检查结果", LegalSource: src, Years: 3, Cap: 2, KeyAt: 2,
				Results: []string{"R03", "R04", "R05", "R06", "R08"}},
			{ID: FactorOpenFollowUps, Weight: 15, DataSource: "后续处置", LegalSource: src, Cap: 2},
			{ID: FactorAbnormalList, Weight: 15, DataSource: "经营异常名录", LegalSource: src, KeyAt: 1},
			{ID: FactorComplaints, Weight: 15, DataSource: "投诉", LegalSource: src, Years: 2, Cap: 3, KeyAt: 3},
			{ID: FactorPenalties, Weight: 10, DataSource: "处罚", LegalSource: src, Years: 3, Cap: 2},
			{ID: FactorEntityType, Weight: 10, DataSource: "名录库", LegalSource: src,
				Types: map[string]int{"T01": 70, "T07": 90}, DefaultShare: 30, KeyItemShare: 100},
			{ID: FactorSinceInspection, Weight: 5, DataSource: "检查记录", LegalSource: src},
			{ID: FactorNewEntity, Weight: 5, DataSource: "名录库", LegalSource: src, Months: 12},
		},
		Classes: RiskClasses{B: 15, C: 35, D: 60, LegalSource: src},
		Key:     RiskKeyRule{Classes: []string{"D"}, ExpiryMonths: 12, LegalSource: src},
		Overdue: RiskOverdue{MaxMonths: 36, MinClass: "B", RecordsFrom: "2023-01-01", LegalSource: src},
	}
}

func TestRiskModelValidate(t *testing.T) {
	if err := testRiskModel().Validate(); err != nil {
		t.Fatalf("valid model refused: %v", err)
	}
	tests := []struct {
		name   string
		change func(m *RiskModel)
		field  string
		msg    string
	}{
		{"unknown factor refused", func(m *RiskModel) { m.Factors[1].ID = "weather" }, "factors[2].id", "未知的因子“weather”"},
		{"duplicate factor refused", func(m *RiskModel) { m.Factors[4].ID = FactorComplaints; m.Factors[4].KeyAt = 0 },
			"factors[5].id", "因子“complaints”重复（第4个因子已有）"},
		{"weight above range refused", func(m *RiskModel) { m.Factors[0].Weight = 120 }, "factors[1].weight", "权重应在0–100之间（实际120）"},
		{"negative weight refused", func(m *RiskModel) { m.Factors[0].Weight = -1 }, "factors[1].weight", "权重应在0–100之间（实际-1）"},
		{"missing legal source refused", func(m *RiskModel) { m.Factors[2].LegalSource = " " }, "factors[3].legal_source", "法律政策依据不能为空"},
		{"missing data source refused", func(m *RiskModel) { m.Factors[2].DataSource = "" }, "factors[3].data_source", "数据来源不能为空"},
		{"thresholds not increasing refused", func(m *RiskModel) { m.Classes.C = 15 }, "classes.c", "C类门槛（15）应高于B类门槛（15）"},
		{"unreachable D refused", func(m *RiskModel) { m.Classes.D = 101 }, "classes.d", "超过各因子权重之和（100）"},
		{"zero B threshold refused", func(m *RiskModel) { m.Classes.B = 0 }, "classes.b", "应在1–100之间（实际0）"},
		{"missing class source refused", func(m *RiskModel) { m.Classes.LegalSource = "" }, "classes.legal_source", "不能为空"},
		{"bad effective date refused", func(m *RiskModel) { m.EffectiveFrom = "2026-02-30" }, "effective_from", "“2026-02-30”不是有效日期"},
		{"bad version refused", func(m *RiskModel) { m.Version = "第一版" }, "version", "版本号“第一版”"},
		{"parameter of another kind refused", func(m *RiskModel) { m.Factors[2].Years = 3 }, "factors[3].years", "因子“abnormal-list”没有参数years"},
		{"missing window refused", func(m *RiskModel) { m.Factors[3].Years = 0 }, "factors[4].years", "统计年限应在1–10之间（实际0）"},
		{"key_at of a flag above 1 refused", func(m *RiskModel) { m.Factors[2].KeyAt = 2 }, "factors[3].key_at", "应在0–1之间"},
		{"non-adverse result refused", func(m *RiskModel) { m.Factors[0].Results = []string{"R01"} }, "factors[1].results[1]", "“R01”不是发现问题的检查结果类别"},
		{"repeated result refused", func(m *RiskModel) { m.Factors[0].Results = []string{"R05", "R05"} }, "factors[1].results[2]", "重复"},
		{"no results refused", func(m *RiskModel) { m.Factors[0].Results = nil }, "factors[1].results", "应列出"},
		{"bad type code refused", func(m *RiskModel) { m.Factors[5].Types["T7"] = 50 }, "factors[6].types.T7", "不是检查对象类型代码"},
		{"share above 100 refused", func(m *RiskModel) { m.Factors[5].Types["T01"] = 150 }, "factors[6].types.T01", "应在0–100之间（实际150）"},
		{"unknown key class refused", func(m *RiskModel) { m.Key.Classes = []string{"E"} }, "key.classes[1]", "“E”不是信用风险分类"},
		{"repeated key class refused", func(m *RiskModel) { m.Key.Classes = []string{"D", "D"} }, "key.classes[2]", "分类D重复"},
		{"bad overdue class refused", func(m *RiskModel) { m.Overdue.MinClass = "X" }, "overdue.min_class", "不是信用风险分类"},
		{"interval out of range refused", func(m *RiskModel) { m.Overdue.MaxMonths = 0 }, "overdue.max_months", "最长检查间隔（月）应在1–120之间"},
		{"records after effective date refused", func(m *RiskModel) { m.Overdue.RecordsFrom = "2026-06-01" }, "overdue.records_from", "不能晚于模型生效日期"},
		{"no factors refused", func(m *RiskModel) { m.Factors = nil }, "factors", "至少要有一个因子"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := testRiskModel()
			tt.change(m)
			err := m.Validate()
			if ErrorCode(err) != EINVALID {
				t.Fatalf("code %q, want invalid (err %v)", ErrorCode(err), err)
			}
			var ie *InvalidError
			if !errors.As(err, &ie) {
				t.Fatalf("%T is no *InvalidError", err)
			}
			for _, fe := range ie.Fields {
				if fe.Field == tt.field && strings.Contains(fe.Message, tt.msg) {
					return
				}
			}
			t.Errorf("no problem %s containing %q in %v", tt.field, tt.msg, ie.Fields)
		})
	}
}

var riskToday = time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)

func TestRiskScore(t *testing.T) {
	m := testRiskModel()
	tests := []struct {
		name      string
		facts     RiskFacts
		score     int
		class     string
		key       bool
		keyReason string
	}{
		{"clean recently inspected entity is class A",
			RiskFacts{Type: "T04", Founded: "2015-03-01", LastInspected: "2026-06-07"}, 3 + 1, "A", false, ""},
		{"problems, orders and complaints make class C",
			RiskFacts{Type: "T01", Founded: "2015-03-01", LastInspected: "2026-06-07", AdverseResults: 1, OpenFollowUps: 1, Complaints: 2},
			13 + 8 + 10 + 7 + 1, "C", false, ""},
		{"class D puts the entity on the key list",
			RiskFacts{Type: "T07", Founded: "2015-03-01", LastInspected: "2026-06-07", AdverseResults: 1, OpenFollowUps: 2, Abnormal: true, Penalties: 2},
			13 + 15 + 15 + 10 + 9 + 1, "D", true, "信用风险D类（信用风险高）；经营异常名录达到列入标准（列入经营异常名录，计15分（满分15分））"},
		{"counts above the cap give the full weight only",
			RiskFacts{Type: "T01", Founded: "2015-03-01", LastInspected: "2026-06-07", Complaints: 9},
			15 + 7 + 1, "B", true, "投诉举报达到列入标准（近2年投诉举报经查属实9次，计15分（满分15分，3次及以上计满分））"},
		{"overdue entity is raised to the minimum class",
			RiskFacts{Type: "T04", Founded: "2015-03-01", LastInspected: "2023-10-01"}, 3 + 5, "B", false, ""},
		{"never inspected counts from the start of the records",
			RiskFacts{Type: "T04"}, 3 + 5, "B", false, ""},
		{"new entity counts from its founding",
			RiskFacts{Type: "T04", Founded: "2026-08-20"}, 3 + 0 + 5, "A", false, ""},
		{"a key item raises the type's share",
			RiskFacts{Type: "T04", KeyItem: true, Founded: "2015-03-01", LastInspected: "2026-06-07"}, 10 + 1, "A", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := m.Score(tt.facts, riskToday)
			sum := 0
			for _, c := range a.Contributions {
				sum += c.Points
			}
			if a.Score != tt.score || sum != a.Score || a.Class != tt.class || a.Key != tt.key || a.KeyReason != tt.keyReason {
				t.Errorf("score %d (sum %d) class %s key %v %q, want %d %s %v %q\n%s",
					a.Score, sum, a.Class, a.Key, a.KeyReason, tt.score, tt.class, tt.key, tt.keyReason, explain(a))
			}
			if a.Model != "2026.1" || len(a.Contributions) != len(m.Factors) {
				t.Errorf("model %q, %d contributions", a.Model, len(a.Contributions))
			}
			if tt.key != (a.KeyExpiry == "2027-12-07") {
				t.Errorf("key expiry %q", a.KeyExpiry)
			}
		})
	}
}

func explain(a RiskAssessment) string {
	var b strings.Builder
	for _, c := range a.Contributions {
		b.WriteString(c.Factor + " " + c.Explanation + "\n")
	}
	return b.String()
}

// TestRiskScoreExplains: every contribution says in Chinese what it saw.
func TestRiskScoreExplains(t *testing.T) {
	m := testRiskModel()
	a := m.Score(RiskFacts{Type: "T07", KeyItem: true, Founded: "2026-08-20", AdverseResults: 1, Complaints: 1}, riskToday)
	want := []string{
		"近3年检查发现问题1次，计13分（满分25分，2次及以上计满分）",
		"没有未完结的责令整改或后续处理，计0分（满分15分，2件及以上计满分）",
		"未列入经营异常名录，计0分（满分15分）",
		"近2年投诉举报经查属实1次，计5分（满分15分，3次及以上计满分）",
		"近3年没有行政处罚，计0分（满分10分，2次及以上计满分）",
		"歌舞娱乐场所（T07）属重点检查事项的对象，风险系数100%，计10分（满分10分）",
		"无检查记录，自成立（2026-08-20）起3个月，计0分（满分5分，36个月及以上计满分）",
		"成立3个月，属新设主体（不满12个月），计5分（满分5分）",
	}
	for i, c := range a.Contributions {
		if c.Explanation != want[i] {
			t.Errorf("%s: %q\nwant %q", c.Factor, c.Explanation, want[i])
		}
		if f := m.Factors[i]; c.Factor != f.ID || c.Weight != f.Weight || c.Points > c.Weight {
			t.Errorf("%s: %d points of weight %d, the model's factor %s weighs %d", c.Factor, c.Points, c.Weight, f.ID, f.Weight)
		}
	}
	if got := m.ExplainClass(a); got != "得分33，达到B类门槛15分，为B类（模型2026.1）" {
		t.Errorf("class: %s", got)
	}
	for facts, want := range map[RiskFacts]string{
		{Type: "T04"}: "星级饭店（T04）未单列，按默认风险系数30%，计3分（满分10分）",
		{Type: "T99"}: "T99未单列，按默认风险系数30%，计3分（满分10分）",
		{}:            "类型不详，按默认风险系数30%，计3分（满分10分）",
		{Type: "T01"}: "旅行社（T01）风险系数70%，计7分（满分10分）",
	} {
		if got := m.Score(facts, riskToday).Contributions[5].Explanation; got != want {
			t.Errorf("type %q: %s", facts.Type, got)
		}
	}
	over := m.Score(RiskFacts{Type: "T04"}, riskToday)
	if got := m.ExplainClass(over); !strings.Contains(got, "超过最长检查间隔36个月未检查，提升为B类") {
		t.Errorf("overdue class: %s", got)
	}
	if over.Contributions[6].Explanation != "无检查记录，自检查记录起算日（2023-01-01）起47个月，已达最长检查间隔，计5分（满分5分，36个月及以上计满分）" {
		t.Errorf("overdue: %s", over.Contributions[6].Explanation)
	}
}

// TestRiskOverdueWithoutFactor: the maximum interval holds even when the
// model gives no points for the time since the last inspection, and an
// overdue rule with Key puts the entity on the key list.
func TestRiskOverdueWithoutFactor(t *testing.T) {
	m := testRiskModel()
	m.Factors = slices.DeleteFunc(m.Factors, func(f RiskFactor) bool { return f.ID == FactorSinceInspection })
	m.Overdue.MinClass, m.Overdue.Key = "C", true
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	a := m.Score(RiskFacts{Type: "T04", LastInspected: "2022-12-08"}, riskToday)
	if !a.Overdue || a.ScoreClass != "A" || a.Class != "C" || !a.Key || a.KeyReason != "超过最长检查间隔36个月未检查" {
		t.Errorf("%+v", a)
	}
	a = m.Score(RiskFacts{Type: "T04", LastInspected: "2023-12-08"}, riskToday)
	if a.Overdue || a.Class != "A" || a.Key {
		t.Errorf("35 months: %+v", a)
	}
}

func TestRiskScoreDeterministic(t *testing.T) {
	m := testRiskModel()
	f := RiskFacts{Type: "T06", Founded: "2019-05-05", LastInspected: "2024-01-31", AdverseResults: 3, Complaints: 1, Abnormal: true}
	first := m.Score(f, riskToday)
	for range 10 {
		again := m.Score(f, riskToday)
		if again.Score != first.Score || again.KeyReason != first.KeyReason || explain(again) != explain(first) {
			t.Fatal("two scores of the same facts differ")
		}
	}
}

func TestRiskShareRounds(t *testing.T) {
	for _, tt := range []struct{ w, n, of, want int }{
		{25, 1, 2, 13}, {15, 1, 3, 5}, {15, 2, 3, 10}, {10, 70, 100, 7}, {5, 12, 36, 2}, {5, 6, 36, 1},
		{5, 3, 36, 0}, {25, 5, 2, 25}, {25, 0, 2, 0}, {25, -1, 2, 0}, {25, 1, 0, 0},
	} {
		if got := share(tt.w, tt.n, tt.of); got != tt.want {
			t.Errorf("share(%d, %d, %d) = %d, want %d", tt.w, tt.n, tt.of, got, tt.want)
		}
	}
}

func TestMonthsBetween(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"2025-01-31", "2025-02-28", 0}, {"2025-01-31", "2025-03-31", 2}, {"2024-02-29", "2025-02-28", 11},
		{"2023-12-07", "2026-12-07", 36}, {"2023-12-08", "2026-12-07", 35}, {"2027-01-01", "2026-12-07", 0},
	} {
		a, _ := parseYMD(tt.a)
		b, _ := parseYMD(tt.b)
		if got := monthsBetween(a, b); got != tt.want {
			t.Errorf("%s → %s: %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	for _, bad := range []string{"", "2025-1-01", "2025-13-01", "2025-01-00", "20x5-01-01"} {
		if _, ok := parseYMD(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestRiskSince(t *testing.T) {
	m := testRiskModel()
	if got, ok := m.Since(FactorComplaints, riskToday); !ok || got != "2024-12-07" {
		t.Errorf("complaints since %q %v", got, ok)
	}
	if _, ok := m.Since(FactorAbnormalList, riskToday); ok {
		t.Error("abnormal list has a window")
	}
}

// BenchmarkRiskScore scores one entity with every factor, as a
// reclassification run does a million times.
func BenchmarkRiskScore(b *testing.B) {
	m := testRiskModel()
	facts := []RiskFacts{
		{Type: "T07", KeyItem: true, Founded: "2019-05-05", LastInspected: "2024-01-31", AdverseResults: 3, Complaints: 1, Abnormal: true},
		{Type: "T04", Founded: "2015-03-01", LastInspected: "2026-06-07"},
		{Type: "T01", Founded: "2026-08-20", OpenFollowUps: 1},
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = m.Score(facts[i%len(facts)], riskToday)
	}
}

// TestRiskRunDue: a department is due when never reclassified, when the
// model in force is not its last run's, and a calendar month after its
// last run (China time), not a day before.
func TestRiskRunDue(t *testing.T) {
	applied := time.Date(2026, 1, 30, 18, 40, 0, 0, time.UTC) // 2026-01-31 02:40 in China
	last := &RiskRun{Model: "2026.1", AppliedAt: applied}
	china := func(s string) time.Time {
		d, err := time.ParseInLocation("2006-01-02 15:04", s, ChinaTime)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, c := range []struct {
		last    *RiskRun
		inForce string
		today   string
		want    bool
	}{
		{nil, "2026.1", "2026-02-01 02:30", true},
		{last, "2026.2", "2026-02-01 02:30", true},
		{last, "2026.1", "2026-02-01 02:30", false},
		{last, "2026.1", "2026-03-02 02:30", false}, // 01-31 plus a month is 03-03
		{last, "2026.1", "2026-03-03 02:40", true},
	} {
		if got := RiskRunDue(c.last, c.inForce, china(c.today)); got != c.want {
			t.Errorf("last %+v, in force %s, on %s: %v, want %v", c.last, c.inForce, c.today, got, c.want)
		}
	}
}
