package spotcheck

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// The risk model (信用风险分类, issue 14, item 1). A RiskModel is data: an
// administrator reads it as a file (riskfile), reviews it and loads it as a
// new version, all or nothing; the code only knows the fixed registry of
// factors (RiskFactorKinds) and how each turns an entity's facts into
// points (RiskModel.Score, riskscore.go). Every rule a model must obey is
// in Validate, here.
//
// Scoring: each factor gives 0 to Weight points, in proportion to how much
// of it the entity has (a count up to its cap, a share of a type, months
// up to the maximum interval, or all or nothing); the score is their sum.
// The score falls into a class by three thresholds (below B is A, 低;
// then B 一般, C 较高, D 高 — the four classes of 国市监信发〔2022〕6号,
// design §11). An entity is put on the key list (重点抽查名录库) by its
// class, by a factor that reaches its key_at value, or by going longer
// than the maximum interval without an inspection, which also raises its
// class to at least Overdue.MinClass, so that no entity goes uninspected
// for ever (the FDA Site Selection Model's maximum interval,
// notes/domain-rules.md §3). docs/risk-model.md describes the file.

// The ids of the risk factors the platform knows how to measure. A model
// names factors by these ids; any other id is refused.
const (
	FactorAdverseResults  = "adverse-results"  // inspections that found a problem, last N years
	FactorOpenFollowUps   = "open-followups"   // rectification orders and follow-ups still open
	FactorAbnormalList    = "abnormal-list"    // on the 经营异常名录 now
	FactorComplaints      = "complaints"       // complaints received, last N years
	FactorPenalties       = "penalties"        // administrative penalties, last N years
	FactorEntityType      = "entity-type"      // inherent risk of the entity's type and items
	FactorSinceInspection = "since-inspection" // months since the last inspection
	FactorNewEntity       = "new-entity"       // founded within N months
)

// The parameters a factor may take, as a set of bits (RiskFactorKind.Params).
const (
	RiskParamYears   = 1 << iota // years: the look-back window of a count
	RiskParamCap                 // cap: the count that earns the full weight
	RiskParamKeyAt               // key_at: the value that puts the entity on the key list
	RiskParamResults             // results: the national result codes that count as adverse
	RiskParamMonths              // months: how recent a founding makes a new entity
	RiskParamShares              // types, default_share, key_item_share
)

// RiskFactorKind is one entry of the registry of factors: what the factor
// measures and which parameters it takes. The registry is written once,
// here; a model chooses among these factors and weighs them.
type RiskFactorKind struct {
	ID       string
	Name     string // as pages show it
	Measures string // what its value is, for the documentation and the entity page
	Params   int    // RiskParam… bits
}

// RiskFactorKinds is the registry of factors, in the order a page lists them.
var RiskFactorKinds = []RiskFactorKind{
	{FactorAdverseResults, "近年检查发现问题", "近N年内检查结果含所列问题类别的检查次数",
		RiskParamYears | RiskParamCap | RiskParamKeyAt | RiskParamResults},
	{FactorOpenFollowUps, "未完结的责令整改", "处置中的责令整改和后续处理的件数", RiskParamCap | RiskParamKeyAt},
	{FactorAbnormalList, "经营异常名录", "现列入经营异常名录为1，否则为0", RiskParamKeyAt},
	{FactorComplaints, "投诉举报", "近N年内经查属实或部分属实的投诉举报件数（CountedComplaintOutcomes）", RiskParamYears | RiskParamCap | RiskParamKeyAt},
	{FactorPenalties, "行政处罚", "近N年内受到行政处罚的次数", RiskParamYears | RiskParamCap | RiskParamKeyAt},
	{FactorEntityType, "许可类型与事项类别", "对象类型的风险系数（百分比），属重点检查事项对象的取其较高者", RiskParamShares},
	{FactorSinceInspection, "距上次检查时间", "距上次检查的整月数；从未检查的，自成立日期或检查记录起算日起算", 0},
	{FactorNewEntity, "新设主体", "成立以来的整月数；成立日期不详为-1", RiskParamMonths},
}

// RiskFactorKindOf returns the registry entry of id.
func RiskFactorKindOf(id string) (RiskFactorKind, bool) {
	for _, k := range RiskFactorKinds {
		if k.ID == id {
			return k, true
		}
	}
	return RiskFactorKind{}, false
}

// Bounds of a model's numbers. They are wide enough for any sensible
// model and narrow enough that a typing error (300 for 30) is caught.
const (
	MaxRiskWeight       = 100 // points of one factor
	MaxRiskYears        = 10  // look-back window
	MaxRiskCap          = 100 // count that earns the full weight
	MaxRiskNewMonths    = 60  // how recent a new entity is
	MaxRiskInterval     = 120 // the maximum interval between inspections, months
	MaxRiskKeyExpiry    = 60  // months a key-list membership by the model lasts
	MaxRiskShare        = 100 // percent of the weight
	maxRiskSourceChars  = 300
	maxRiskDataChars    = 200
	maxRiskNameChars    = 100
	maxRiskNoteChars    = 1000
	maxRiskTypeEntries  = 100
	maxRiskFactorsTotal = 32
)

// RiskModel is one version of the risk model. Version names it for ever:
// every class and key-list change it causes records it.
type RiskModel struct {
	Version       string // e.g. 2026.1
	Name          string
	EffectiveFrom string // YYYY-MM-DD
	Note          string // 修订说明, optional
	Factors       []RiskFactor
	Classes       RiskClasses
	Key           RiskKeyRule
	Overdue       RiskOverdue
}

// RiskFactor is one factor of a model: a factor of the registry with its
// weight, where its data comes from and the policy it implements, and the
// parameters its kind takes (RiskFactorKind.Params); the others stay zero.
type RiskFactor struct {
	ID          string
	Weight      int    // the points it gives at most, 0–MaxRiskWeight
	DataSource  string // the table or import its data comes from (数据来源)
	LegalSource string // the law or policy it implements (依据)

	Years   int      // look-back window in years
	Cap     int      // the count that earns the full weight
	KeyAt   int      // the value at which it alone puts the entity on the key list; 0 = never
	Results []string // national result codes (R02–R08) that make an inspection adverse
	Months  int      // an entity founded less than this many months ago is new

	Types        map[string]int // target type code → share of the weight, percent
	DefaultShare int            // share of a type not in Types
	KeyItemShare int            // share of a type that a 重点 item targets, if higher
}

// RiskClasses are the thresholds of the classes: a score of at least B is
// class B, of at least C class C, of at least D class D, and below B class
// A. They increase strictly.
type RiskClasses struct {
	B, C, D     int
	LegalSource string
}

// RiskKeyRule says which classes put an entity on the key list (重点抽查
// 名录库) and how long a membership by the model lasts before a new run
// must renew it. Factors add their own triggers (RiskFactor.KeyAt).
type RiskKeyRule struct {
	Classes      []string
	ExpiryMonths int
	LegalSource  string
}

// RiskOverdue is the maximum interval: an entity not inspected for
// MaxMonths months or more is raised to at least MinClass ("" = not
// raised) and, when Key, put on the key list. An entity never inspected
// counts from its founding or, when that is unknown or earlier, from
// RecordsFrom, the day from which the platform holds inspection records.
type RiskOverdue struct {
	MaxMonths   int
	MinClass    string
	Key         bool
	RecordsFrom string // YYYY-MM-DD
	LegalSource string
}

var (
	riskVersion  = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$`)
	riskTypeCode = regexp.MustCompile(`^T[0-9]{2,3}$`)
)

// RiskAdverseCodes are the national result codes a model may count as
// adverse: those of DefaultResultCatalogue that find a problem.
func RiskAdverseCodes() []string {
	var out []string
	for _, c := range DefaultResultCatalogue() {
		if c.Kind == ResultKindResult && c.Code == c.National && c.Problem {
			out = append(out, c.Code)
		}
	}
	return out
}

// classRank is the order of the classes, A lowest; -1 for anything else.
func classRank(c string) int { return slices.Index(CreditClasses, c) }

// Validate checks every rule of a model and changes nothing. Each problem's
// Field and Label are the path of the value in the file format —
// "factors[3].weight", factors counted from 1 as people count them — so
// that riskfile can name the line. It returns nil or an EINVALID
// *InvalidError.
func (m *RiskModel) Validate() error {
	var p Problems
	add := func(path, format string, args ...any) { p.Add(path, path, format, args...) }
	required := func(path, what, s string, max int) {
		switch n := utf8.RuneCountInString(strings.TrimSpace(s)); {
		case n == 0:
			add(path, "%s不能为空", what)
		case n > max:
			add(path, "%s不能超过%d个字符（实际%d个）", what, max, n)
		}
	}
	between := func(path, what string, v, lo, hi int) {
		if v < lo || v > hi {
			add(path, "%s应在%d–%d之间（实际%d）", what, lo, hi, v)
		}
	}

	if m.Version == "" {
		add("version", "版本号不能为空")
	} else if !riskVersion.MatchString(m.Version) {
		add("version", "版本号“%s”只能由字母、数字和 . _ - 组成，不超过32个字符，如 2026.1", m.Version)
	}
	required("name", "模型名称", m.Name, maxRiskNameChars)
	switch {
	case m.EffectiveFrom == "":
		add("effective_from", "生效日期不能为空")
	case !ValidDate(m.EffectiveFrom):
		add("effective_from", "生效日期“%s”不是有效日期，应为YYYY-MM-DD", m.EffectiveFrom)
	}
	if n := utf8.RuneCountInString(m.Note); n > maxRiskNoteChars {
		add("note", "修订说明不能超过%d个字符（实际%d个）", maxRiskNoteChars, n)
	}

	total := m.validateFactors(add, required, between)

	c := m.Classes
	between("classes.b", "B类（信用风险一般）门槛", c.B, 1, max(total, 1))
	if c.C <= c.B {
		add("classes.c", "C类门槛（%d）应高于B类门槛（%d）", c.C, c.B)
	}
	if c.D <= c.C {
		add("classes.d", "D类门槛（%d）应高于C类门槛（%d）", c.D, c.C)
	}
	if c.D > total {
		add("classes.d", "D类门槛（%d）超过各因子权重之和（%d），任何对象都达不到D类", c.D, total)
	}
	required("classes.legal_source", "分类门槛的依据", c.LegalSource, maxRiskSourceChars)

	for i, cl := range m.Key.Classes {
		path := fmt.Sprintf("key.classes[%d]", i+1)
		if classRank(cl) < 0 {
			add(path, "“%s”不是信用风险分类，应为A、B、C、D之一", cl)
		} else if slices.Index(m.Key.Classes, cl) < i {
			add(path, "分类%s重复", cl)
		}
	}
	between("key.expiry_months", "重点检查对象的有效期（月）", m.Key.ExpiryMonths, 1, MaxRiskKeyExpiry)
	required("key.legal_source", "重点检查对象规则的依据", m.Key.LegalSource, maxRiskSourceChars)

	o := m.Overdue
	between("overdue.max_months", "最长检查间隔（月）", o.MaxMonths, 1, MaxRiskInterval)
	if o.MinClass != "" && classRank(o.MinClass) < 0 {
		add("overdue.min_class", "“%s”不是信用风险分类，应为A、B、C、D之一，或不填（不提升分类）", o.MinClass)
	}
	switch {
	case o.RecordsFrom == "":
		add("overdue.records_from", "检查记录起算日不能为空")
	case !ValidDate(o.RecordsFrom):
		add("overdue.records_from", "检查记录起算日“%s”不是有效日期，应为YYYY-MM-DD", o.RecordsFrom)
	case ValidDate(m.EffectiveFrom) && o.RecordsFrom > m.EffectiveFrom:
		add("overdue.records_from", "检查记录起算日（%s）不能晚于模型生效日期（%s）", o.RecordsFrom, m.EffectiveFrom)
	}
	required("overdue.legal_source", "最长检查间隔的依据", o.LegalSource, maxRiskSourceChars)
	return p.Err()
}

// validateFactors checks the factors and returns the sum of their weights.
func (m *RiskModel) validateFactors(add func(string, string, ...any), required func(string, string, string, int),
	between func(string, string, int, int, int)) int {
	if len(m.Factors) == 0 {
		add("factors", "模型至少要有一个因子")
	}
	if len(m.Factors) > maxRiskFactorsTotal {
		add("factors", "因子不能超过%d个（实际%d个）", maxRiskFactorsTotal, len(m.Factors))
	}
	total := 0
	seen := map[string]int{}
	for i, f := range m.Factors {
		at := fmt.Sprintf("factors[%d]", i+1)
		kind, known := RiskFactorKindOf(f.ID)
		switch {
		case f.ID == "":
			add(at+".id", "因子编号不能为空")
		case !known:
			add(at+".id", "未知的因子“%s”，应为%s之一", f.ID, strings.Join(riskFactorIDs(), "、"))
		case seen[f.ID] > 0:
			add(at+".id", "因子“%s”重复（第%d个因子已有）", f.ID, seen[f.ID])
		default:
			seen[f.ID] = i + 1
		}
		if f.Weight < 0 || f.Weight > MaxRiskWeight {
			add(at+".weight", "权重应在0–%d之间（实际%d）", MaxRiskWeight, f.Weight)
		} else {
			total += f.Weight
		}
		required(at+".data_source", "数据来源", f.DataSource, maxRiskDataChars)
		required(at+".legal_source", "法律政策依据", f.LegalSource, maxRiskSourceChars)
		if known {
			f.validateParams(at, kind, add, between)
		}
	}
	if len(m.Factors) > 0 && total == 0 {
		add("factors", "各因子权重之和为0，模型不能区分任何对象")
	}
	return total
}

// validateParams checks the parameters of f, whose kind is known: those
// its kind takes within their bounds, the others absent.
func (f *RiskFactor) validateParams(at string, kind RiskFactorKind, add func(string, string, ...any),
	between func(string, string, int, int, int)) {
	has := func(bit int) bool { return kind.Params&bit != 0 }
	notTaken := func(key string) { add(at+"."+key, "因子“%s”没有参数%s", f.ID, key) }
	switch {
	case has(RiskParamYears):
		between(at+".years", "统计年限", f.Years, 1, MaxRiskYears)
	case f.Years != 0:
		notTaken("years")
	}
	switch {
	case has(RiskParamCap):
		between(at+".cap", "计满分的次数", f.Cap, 1, MaxRiskCap)
	case f.Cap != 0:
		notTaken("cap")
	}
	switch {
	case !has(RiskParamKeyAt):
		if f.KeyAt != 0 {
			notTaken("key_at")
		}
	case has(RiskParamCap):
		between(at+".key_at", "列入重点的次数（0为不列入）", f.KeyAt, 0, MaxRiskCap)
	default:
		between(at+".key_at", "列入重点的取值（1为列入，0为不列入）", f.KeyAt, 0, 1)
	}
	switch {
	case has(RiskParamResults):
		if len(f.Results) == 0 {
			add(at+".results", "应列出计为发现问题的检查结果类别，如 [\"R05\", \"R08\"]")
		}
		allowed := RiskAdverseCodes()
		for j, r := range f.Results {
			path := fmt.Sprintf("%s.results[%d]", at, j+1)
			if !slices.Contains(allowed, r) {
				add(path, "“%s”不是发现问题的检查结果类别，应为%s之一", r, strings.Join(allowed, "、"))
			} else if slices.Index(f.Results, r) < j {
				add(path, "检查结果类别%s重复", r)
			}
		}
	case len(f.Results) != 0:
		notTaken("results")
	}
	switch {
	case has(RiskParamMonths):
		between(at+".months", "新设主体的月数", f.Months, 1, MaxRiskNewMonths)
	case f.Months != 0:
		notTaken("months")
	}
	if !has(RiskParamShares) {
		if len(f.Types) != 0 {
			notTaken("types")
		}
		if f.DefaultShare != 0 {
			notTaken("default_share")
		}
		if f.KeyItemShare != 0 {
			notTaken("key_item_share")
		}
		return
	}
	if len(f.Types) > maxRiskTypeEntries {
		add(at+".types", "类型不能超过%d个（实际%d个）", maxRiskTypeEntries, len(f.Types))
	}
	for _, code := range sortedKeys(f.Types) {
		path := at + ".types." + code
		if !riskTypeCode.MatchString(code) {
			add(path, "“%s”不是检查对象类型代码，应如T01", code)
		}
		between(path, "类型风险系数（%）", f.Types[code], 0, MaxRiskShare)
	}
	between(at+".default_share", "未列出类型的风险系数（%）", f.DefaultShare, 0, MaxRiskShare)
	between(at+".key_item_share", "重点检查事项对象的风险系数（%）", f.KeyItemShare, 0, MaxRiskShare)
}

// riskFactorIDs lists the registry's ids.
func riskFactorIDs() []string {
	ids := make([]string, len(RiskFactorKinds))
	for i, k := range RiskFactorKinds {
		ids[i] = k.ID
	}
	return ids
}

// sortedKeys returns the keys of m in order, so that problems come out
// in the same order every time.
func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Factor returns the factor of m with id.
func (m *RiskModel) Factor(id string) (RiskFactor, bool) {
	for _, f := range m.Factors {
		if f.ID == id {
			return f, true
		}
	}
	return RiskFactor{}, false
}

// MaxScore is the highest score an entity can have: the sum of the weights.
func (m *RiskModel) MaxScore() int {
	total := 0
	for _, f := range m.Factors {
		total += f.Weight
	}
	return total
}
