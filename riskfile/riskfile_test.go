package riskfile

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"spotcheck"
)

// goodFile is a small valid model; the bad files below each change one
// thing of it, and their problems name its lines.
const goodFile = `version = "2026.1"
name = "测试模型"
effective_from = "2026-01-01"

[classes]
b = 10
c = 20
d = 30
legal_source = "国市监信发〔2022〕6号"

[key]
classes = ["D"]
expiry_months = 12
legal_source = "国发〔2019〕5号"

[overdue]
max_months = 36
min_class = "B"
key = false
records_from = 2023-01-01
legal_source = "国发〔2019〕5号"

[[factors]]
id = "complaints"
weight = 20
data_source = "投诉举报台账"
legal_source = "国办发〔2015〕58号"
years = 2
cap = 3
key_at = 3

[[factors]]
id = "abnormal-list"
weight = 15
data_source = "经营异常名录"
legal_source = "《企业信息公示暂行条例》"

[[factors]]
id = "entity-type"
weight = 10
data_source = "名录库"
legal_source = "国发〔2019〕5号"
types = { T01 = 70, T07 = 90 }
default_share = 30
key_item_share = 100
`

func TestParseGoodFile(t *testing.T) {
	m, err := Parse([]byte(goodFile))
	if err != nil {
		t.Fatal(err)
	}
	want := &spotcheck.RiskModel{
		Version: "2026.1", Name: "测试模型", EffectiveFrom: "2026-01-01",
		Classes: spotcheck.RiskClasses{B: 10, C: 20, D: 30, LegalSource: "国市监信发〔2022〕6号"},
		Key:     spotcheck.RiskKeyRule{Classes: []string{"D"}, ExpiryMonths: 12, LegalSource: "国发〔2019〕5号"},
		Overdue: spotcheck.RiskOverdue{MaxMonths: 36, MinClass: "B", RecordsFrom: "2023-01-01", LegalSource: "国发〔2019〕5号"},
		Factors: []spotcheck.RiskFactor{
			{ID: "complaints", Weight: 20, DataSource: "投诉举报台账", LegalSource: "国办发〔2015〕58号", Years: 2, Cap: 3, KeyAt: 3},
			{ID: "abnormal-list", Weight: 15, DataSource: "经营异常名录", LegalSource: "《企业信息公示暂行条例》"},
			{ID: "entity-type", Weight: 10, DataSource: "名录库", LegalSource: "国发〔2019〕5号",
				Types: map[string]int{"T01": 70, "T07": 90}, DefaultShare: 30, KeyItemShare: 100},
		},
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("got  %+v\nwant %+v", m, want)
	}
}

// TestParseTypesSubTable: a factor's types may also be written as a
// sub-table after its [[factors]], and as dotted keys.
func TestParseTypesSubTable(t *testing.T) {
	want, err := Parse([]byte(goodFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, form := range []string{
		"default_share = 30\nkey_item_share = 100\n[factors.types]\nT01 = 70\nT07 = 90\n",
		"types.T01 = 70\ntypes.T07 = 90\ndefault_share = 30\nkey_item_share = 100\n",
	} {
		file := strings.Replace(goodFile, "types = { T01 = 70, T07 = 90 }\ndefault_share = 30\nkey_item_share = 100\n", form, 1)
		if file == goodFile {
			t.Fatal("the good file has no types table to rewrite")
		}
		got, err := Parse([]byte(file))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %v\n%+v", form, err, got)
		}
	}
}

// TestFormatRoundTrip: a model written by Format reads back the same,
// for the small file and the default one.
func TestFormatRoundTrip(t *testing.T) {
	for name, data := range map[string][]byte{"good": []byte(goodFile), "default": Default()} {
		m, err := Parse(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out := Format(m)
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("%s: formatted file refused: %v\n%s", name, err, out)
		}
		if !reflect.DeepEqual(m, again) {
			t.Errorf("%s: round trip changed the model\n%+v\n%+v", name, m, again)
		}
	}
}

// TestDefaultModel: the default model file parses, validates and
// scores as its comments say.
func TestDefaultModel(t *testing.T) {
	m, err := Parse(Default())
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != "2026.1" || m.MaxScore() != 100 || len(m.Factors) != len(spotcheck.RiskFactorKinds) {
		t.Errorf("version %s, max score %d, %d factors", m.Version, m.MaxScore(), len(m.Factors))
	}
	for _, f := range m.Factors {
		if !strings.ContainsAny(f.LegalSource, "《〔") {
			t.Errorf("%s: legal source %q cites no document", f.ID, f.LegalSource)
		}
	}
	for _, tt := range spotcheck.DefaultTargetTypes {
		if _, ok := m.Factors[5].Types[tt.Code]; !ok {
			t.Errorf("type %s has no share", tt.Code)
		}
	}
	today := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	clean := m.Score(spotcheck.RiskFacts{Type: "T04", Founded: "2010-01-01", LastInspected: "2026-03-01"}, today)
	bad := m.Score(spotcheck.RiskFacts{Type: "T07", Founded: "2010-01-01", LastInspected: "2026-03-01",
		AdverseResults: 2, OpenFollowUps: 1, Complaints: 2, Penalties: 1, Abnormal: true}, today)
	if clean.Class != "A" || clean.Key || bad.Class != "D" || !bad.Key {
		t.Errorf("clean %d %s %v, bad %d %s %v", clean.Score, clean.Class, clean.Key, bad.Score, bad.Class, bad.Key)
	}
}

func TestParseBadFiles(t *testing.T) {
	tests := []struct {
		name     string
		old, new string // replace old by new in goodFile
		want     string // one of the problems, as String prints it
	}{
		{"unknown factor refused", `id = "abnormal-list"`, `id = "weather"`,
			"第33行 factors[2].id：未知的因子“weather”，应为adverse-results、open-followups、abnormal-list、complaints、penalties、entity-type、since-inspection、new-entity之一"},
		{"weight out of range refused", "weight = 15", "weight = 120", "第34行 factors[2].weight：权重应在0–100之间（实际120）"},
		{"missing legal source refused", "legal_source = \"《企业信息公示暂行条例》\"\n", "",
			"第32行 factors[2].legal_source：未填写；法律政策依据不能为空"},
		{"empty legal source refused", `legal_source = "《企业信息公示暂行条例》"`, `legal_source = ""`,
			"第36行 factors[2].legal_source：法律政策依据不能为空"},
		{"duplicate factor refused", `id = "abnormal-list"`, `id = "complaints"`,
			"第33行 factors[2].id：因子“complaints”重复（第1个因子已有）"},
		{"thresholds not increasing refused", "c = 20", "c = 5", "第7行 classes.c：C类门槛（5）应高于B类门槛（10）"},
		{"unreachable threshold refused", "d = 30", "d = 50", "第8行 classes.d：D类门槛（50）超过各因子权重之和（45），任何对象都达不到D类"},
		{"bad date refused", `effective_from = "2026-01-01"`, `effective_from = "2026-13-01"`,
			"第3行 effective_from：生效日期“2026-13-01”不是有效日期，应为YYYY-MM-DD"},
		{"impossible TOML date refused", "records_from = 2023-01-01", "records_from = 2023-02-30",
			"第20行 overdue.records_from：检查记录起算日“2023-02-30”不是有效日期，应为YYYY-MM-DD"},
		{"unknown key refused", "cap = 3", "cap = 3\nweigth = 5",
			"第30行 factors[1].weigth：未知的键（[[factors]]可用的键：id、weight、data_source、legal_source、years、cap、key_at、results、months、types、default_share、key_item_share）"},
		{"unknown table refused", "[key]", "[keys]", "第12行 keys.classes：未知的键（文件只有顶层键和 [classes]、[key]、[overdue]、[[factors]] 表）"},
		{"wrong type refused", "weight = 20", `weight = "20"`, "第25行 factors[1].weight：应为整数"},
		{"fraction refused", "weight = 20", `weight = 20.5`, "第25行 factors[1].weight：应为整数"},
		{"duplicate key refused", "cap = 3", "cap = 3\ncap = 4", "第30行 factors[1].cap：重复设置（第29行已设置）"},
		{"duplicate table refused", "[overdue]", "[classes]\n[overdue]", "第16行 classes：表重复（第5行已有）"},
		{"parameter of another factor refused", "data_source = \"经营异常名录\"", "data_source = \"经营异常名录\"\nyears = 3",
			"第36行 factors[2].years：因子“abnormal-list”没有参数years"},
		{"bad share refused", "T07 = 90", "T07 = 190", "第43行 factors[3].types.T07：类型风险系数（%）应在0–100之间（实际190）"},
		{"missing table refused", "[overdue]\nmax_months = 36\nmin_class = \"B\"\nkey = false\nrecords_from = 2023-01-01\nlegal_source = \"国发〔2019〕5号\"\n", "",
			"overdue.max_months：未填写；最长检查间隔（月）应在1–120之间（实际0）"},
		{"bad key class refused", `classes = ["D"]`, `classes = ["D", "E"]`, "第12行 key.classes[2]：“E”不是信用风险分类，应为A、B、C、D之一"},
		{"factors as a plain key refused", "version = \"2026.1\"", "version = \"2026.1\"\nfactors = 3", "第2行 factors：因子应逐个写成 [[factors]] 表"},
		{"syntax error refused", "c = 20", "c = = 20", "第7行 TOML：格式错误："},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(goodFile, tt.old) {
				t.Fatalf("%q not in the good file", tt.old)
			}
			file := strings.Replace(goodFile, tt.old, tt.new, 1)
			m, err := Parse([]byte(file))
			if m != nil || err == nil {
				t.Fatal("bad file accepted")
			}
			if spotcheck.ErrorCode(err) != spotcheck.EINVALID {
				t.Errorf("code %q", spotcheck.ErrorCode(err))
			}
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("%T: %v", err, err)
			}
			for _, p := range e.Problems {
				if strings.HasPrefix(p.String(), tt.want) {
					return
				}
			}
			t.Errorf("no problem %q in\n%v", tt.want, err)
		})
	}
}

// TestParseReportsEveryProblem: all the problems of a file at once, in
// line order, and the message users see names them.
func TestParseReportsEveryProblem(t *testing.T) {
	file := strings.NewReplacer("weight = 20", "weight = 101", "c = 20", "c = 5", `id = "abnormal-list"`, `id = "x"`).Replace(goodFile)
	_, err := Parse([]byte(file))
	e, ok := err.(*Error)
	if !ok || len(e.Problems) < 3 {
		t.Fatalf("%v", err)
	}
	for i := 1; i < len(e.Problems); i++ {
		if e.Problems[i].Line != 0 && e.Problems[i].Line < e.Problems[i-1].Line {
			t.Errorf("problems out of order: %v", e.Problems)
		}
	}
	msg := spotcheck.ErrorMessage(err)
	for _, want := range []string{"风险模型文件有误", "第7行 classes.c", "第25行 factors[1].weight", "第33行 factors[2].id"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
}

func TestParseRefusesHugeFile(t *testing.T) {
	_, err := Parse(make([]byte, MaxFileSize+1))
	if spotcheck.ErrorCode(err) != spotcheck.EINVALID {
		t.Errorf("%v", err)
	}
}

// FuzzParse: no input makes Parse panic, and whatever it accepts is a
// valid model that Format writes back to the same model.
func FuzzParse(f *testing.F) {
	f.Add([]byte(goodFile))
	f.Add(Default())
	f.Add([]byte("[[factors]]\n[factors.types]\nT01 = 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data)
		if err != nil {
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("accepted an invalid model: %v", err)
		}
		again, err := Parse(Format(m))
		if err != nil || !reflect.DeepEqual(m, again) {
			t.Fatalf("round trip: %v", err)
		}
	})
}
