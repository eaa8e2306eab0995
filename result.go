package spotcheck

import (
	"fmt"
	"slices"
	"strings"
)

// The results of an inspection (design §11). Entity-level results are
// chosen, several at once, from a result catalogue that is reference data
// (the store keeps it in result_categories, seeded with
// DefaultResultCatalogue): another city or another sector changes rows,
// not code. Every entry maps to the national display category that
// 国家企业信用信息公示系统 shows (R01–R08, S01–S05), and the combination
// rules are stated once on the national codes, so that a local category
// obeys the rules of the national one it is shown as.

// The kinds of a result category.
const (
	ResultKindResult = "result" // 检查结果 (R01–R08 and the local ones)
	ResultKindStatus = "status" // 登记状态 outcome: the entity is not there to inspect (S01–S05)
)

// ResultSubCode says whose rules a problem breaks (违反哪一类规定), for
// the local categories that ask for it.
type ResultSubCode struct{ Code, Name string }

// ResultCategory is one entry of the result catalogue.
type ResultCategory struct {
	Code     string
	Name     string
	Kind     string // ResultKindResult or ResultKindStatus
	National string // the national display code it is shown as; "" for a local remark only
	Problem  bool   // a problem was found (the entity broke a rule)
	// Exclusive categories admit no other category with a national code
	// beside them (R01 未发现问题).
	Exclusive bool
	// Remark: the category says nothing by itself, so the inspection must
	// say what it means (其他情况).
	Remark   bool
	SubCodes []ResultSubCode // allowed sub-codes; a problem category that has some requires one
	Sector   string          // 市场监管 or 文化和旅游: who uses it
}

// ResultCatalogue is the catalogue in display order.
type ResultCatalogue []ResultCategory

// Category returns the entry of code.
func (c ResultCatalogue) Category(code string) (ResultCategory, bool) {
	for _, r := range c {
		if r.Code == code {
			return r, true
		}
	}
	return ResultCategory{}, false
}

// cultureSubCodes are the bodies of rules a culture & tourism problem
// breaks (the typical legal bases of design §11).
var cultureSubCodes = []ResultSubCode{
	{"LY", "旅游管理法规（《旅游法》《旅行社条例》等）"},
	{"WH", "文化市场管理法规（《娱乐场所管理条例》《互联网上网服务营业场所管理条例》等）"},
	{"YC", "营业性演出管理法规（《营业性演出管理条例》）"},
	{"WW", "文物管理法规（《文物保护法》等）"},
	{"QT", "其他规定"},
}

// DefaultResultCatalogue returns the categories the store seeds: the
// national market-supervision ones (design §11), then those of culture &
// tourism inspections, each mapped to a national one.
//
// 不合格 maps to R08 发现问题待后续处理: it says that a problem was found
// and nothing about a correction ordered on the spot, which R05 would
// claim; what follows it (an order, a penalty) is decided later, which is
// what R08 shows. 其他情况 maps to no national category: it is a remark,
// and must stand beside a category the publicity system can show.
func DefaultResultCatalogue() ResultCatalogue {
	const sc, wl = "市场监管", "文化和旅游"
	r := func(code, name string, problem bool) ResultCategory {
		return ResultCategory{Code: code, Name: name, Kind: ResultKindResult, National: code, Problem: problem, Sector: sc}
	}
	s := func(code, name string) ResultCategory {
		return ResultCategory{Code: code, Name: name, Kind: ResultKindStatus, National: code, Sector: sc}
	}
	r01 := r("R01", "未发现问题", false)
	r01.Exclusive = true
	sub := slices.Clone(cultureSubCodes)
	return ResultCatalogue{
		r01,
		r("R02", "未按规定公示应当公示的信息", true),
		r("R03", "公示信息隐瞒真实情况、弄虚作假", true),
		r("R04", "通过登记的住所（经营场所）无法联系", true),
		r("R05", "发现问题已责令改正", true),
		r("R06", "不配合检查情节严重", true),
		r("R07", "未发现开展本次抽查涉及的经营活动", false),
		r("R08", "发现问题待后续处理", true),
		s("S01", "已关闭停业或正在组织清算"),
		s("S02", "已注销"),
		s("S03", "已被吊销"),
		s("S04", "已被撤销"),
		s("S05", "已迁出"),
		{Code: "WL01", Name: "发现问题，依法责令立即改正或者限期改正", Kind: ResultKindResult, National: "R05",
			Problem: true, SubCodes: sub, Sector: wl},
		{Code: "WL02", Name: "发现问题，待后续调查处理", Kind: ResultKindResult, National: "R08",
			Problem: true, SubCodes: sub, Sector: wl},
		{Code: "WL03", Name: "不合格", Kind: ResultKindResult, National: "R08", Problem: true, SubCodes: sub, Sector: wl},
		{Code: "WL04", Name: "其他情况", Kind: ResultKindResult, Remark: true, Sector: wl},
	}
}

// ValidateResults checks an inspection's entity-level results: codes from
// the catalogue, each once, subCodes (result code → its sub-codes) among
// those the category allows and present where a problem category asks for
// one, remark where a category needs one, and a combination that makes
// sense on the national codes:
//
//   - at least one category the publicity system shows (national code);
//   - 未发现问题 (exclusive) with no other national category;
//   - at most one status outcome (S01–S05), and beside it no result but
//     R07: an entity that is closed, deregistered, revoked or gone was not
//     inspected, so nothing was or was not found.
func ValidateResults(codes []string, subCodes map[string][]string, remark string, cat ResultCatalogue) Problems {
	var ps Problems
	const field, label = "results", "检查结果"
	if len(codes) == 0 {
		ps.Add(field, label, "至少选择一项检查结果")
		return ps
	}
	var chosen []ResultCategory
	for _, c := range codes {
		r, ok := cat.Category(c)
		switch {
		case !ok:
			ps.Add(field, label, "“%s”不是结果目录中的结果类别", c)
			continue
		case slices.ContainsFunc(chosen, func(x ResultCategory) bool { return x.Code == c }):
			ps.Add(field, label, "“%s %s”重复选择", c, r.Name)
			continue
		}
		chosen = append(chosen, r)
	}
	for c, subs := range subCodes {
		r, ok := cat.Category(c)
		if !ok || !slices.Contains(codes, c) {
			if len(subs) > 0 {
				ps.Add("subcodes", "违反规定类别", "结果“%s”未选择，不能填写其违反规定类别", c)
			}
			continue
		}
		for _, s := range subs {
			if !slices.ContainsFunc(r.SubCodes, func(x ResultSubCode) bool { return x.Code == s }) {
				ps.Add("subcodes", "违反规定类别", "“%s”不是结果“%s”可选的违反规定类别", s, r.Name)
			}
		}
	}
	national, statuses := 0, []ResultCategory{}
	for _, r := range chosen {
		if r.Problem && len(r.SubCodes) > 0 && len(subCodes[r.Code]) == 0 {
			ps.Add("subcodes", "违反规定类别", "结果“%s”须注明违反了哪一类规定", r.Name)
		}
		if r.Remark && strings.TrimSpace(remark) == "" {
			ps.Add("remark", "结果说明", "选择“%s”须写明具体情况", r.Name)
		}
		if r.National != "" {
			national++
		}
		if r.Kind == ResultKindStatus {
			statuses = append(statuses, r)
		}
	}
	if len(chosen) < len(codes) {
		return ps // the combination of what was not understood says nothing
	}
	if national == 0 {
		ps.Add(field, label, "须至少选择一项国家企业信用信息公示系统显示的结果类别（R01–R08、S01–S05 或对应的类别）")
	}
	for _, r := range chosen {
		if !r.Exclusive {
			continue
		}
		for _, o := range chosen {
			if o.Code != r.Code && o.National != "" {
				ps.Add(field, label, "“%s”不能与“%s”同时选择", r.Name, o.Name)
			}
		}
	}
	if len(statuses) > 1 {
		ps.Add(field, label, "登记状态类结果只能选择一项（已选：%s）", names(statuses))
	}
	if len(statuses) > 0 {
		for _, o := range chosen {
			if o.Kind == ResultKindResult && o.National != "" && o.National != "R07" && !o.Exclusive {
				ps.Add(field, label, "登记状态为“%s”的主体未实施检查，不能同时选择“%s”", statuses[0].Name, o.Name)
			}
		}
	}
	return ps
}

// names joins the names of categories for a message.
func names(rs []ResultCategory) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Name
	}
	return strings.Join(out, "、")
}

// FoundProblem reports whether one of the results is a problem category.
func (c ResultCatalogue) FoundProblem(codes []string) bool {
	return slices.ContainsFunc(codes, func(code string) bool { r, _ := c.Category(code); return r.Problem })
}

// Item-level findings (检查事项的检查情况).
const (
	FindingNone    = "none"    // 未发现问题
	FindingProblem = "problem" // 发现问题: legal basis and description required
	FindingOther   = "other"   // 其他情形: remark required
	FindingNA      = "na"      // 不涉及
)

// FindingNames are the outcomes as pages show them.
var FindingNames = map[string]string{FindingNone: "未发现问题", FindingProblem: "发现问题",
	FindingOther: "其他情形", FindingNA: "不涉及"}

// ItemFinding is what the inspection found on one item of its checklist.
type ItemFinding struct {
	Item        string
	Outcome     string
	Basis       string // 法律依据: the provision the problem breaks
	Description string // 问题描述
	Remark      string // 其他情形的说明
}

// Validate checks one finding; i numbers it in messages (1-based).
func (f ItemFinding) Validate(i int) Problems {
	var ps Problems
	field := fmt.Sprintf("findings.%d", i-1)
	label := fmt.Sprintf("第%d项（%s）", i, f.Item)
	switch f.Outcome {
	case FindingNone, FindingNA:
	case FindingProblem:
		if strings.TrimSpace(f.Basis) == "" {
			ps.Add(field+".basis", label, "发现问题须填写法律依据")
		}
		if strings.TrimSpace(f.Description) == "" {
			ps.Add(field+".description", label, "发现问题须填写问题描述")
		}
	case FindingOther:
		if strings.TrimSpace(f.Remark) == "" {
			ps.Add(field+".remark", label, "其他情形须填写说明")
		}
	case "":
		ps.Add(field+".outcome", label, "尚未填写检查情况")
	default:
		ps.Add(field+".outcome", label, "“%s”不是有效的检查情况", f.Outcome)
	}
	ps.checkLen(field+".basis", label+"法律依据", f.Basis, 500)
	ps.checkLen(field+".description", label+"问题描述", f.Description, 2000)
	ps.checkLen(field+".remark", label+"说明", f.Remark, 1000)
	return ps
}

// ValidateFindings checks the findings against the checklist: one for
// every item, none for an item not on it, each complete.
func ValidateFindings(items []string, fs []ItemFinding) Problems {
	var ps Problems
	seen := map[string]bool{}
	for i, f := range fs {
		switch {
		case !slices.Contains(items, f.Item):
			ps.Add(fmt.Sprintf("findings.%d.item", i), "检查事项", "“%s”不是本次检查的事项", f.Item)
		case seen[f.Item]:
			ps.Add(fmt.Sprintf("findings.%d.item", i), "检查事项", "事项“%s”重复填写", f.Item)
		}
		seen[f.Item] = true
		ps = append(ps, f.Validate(i+1)...)
	}
	for _, it := range items {
		if !seen[it] {
			ps.Add("findings", "检查事项", "事项“%s”尚未填写检查情况", it)
		}
	}
	return ps
}

// The methods of an inspection (核查方式, design §11).
const (
	MethodSite    = "M01" // 实地检查
	MethodWritten = "M02" // 书面检查
	MethodOnline  = "M03" // 网络监测
	MethodCompare = "M04" // 信息比对
	MethodAgency  = "M05" // 专业机构协助 (never the inspecting party)
	MethodVideo   = "M06" // 远程视频检查
)

// MethodNames are the methods as pages show them, in order.
var MethodNames = map[string]string{MethodSite: "实地检查", MethodWritten: "书面检查", MethodOnline: "网络监测",
	MethodCompare: "信息比对", MethodAgency: "专业机构协助", MethodVideo: "远程视频检查"}

// NeedsCheckIn reports whether the methods include a visit on site, the
// one method whose record needs a check-in time.
func NeedsCheckIn(methods []string) bool { return slices.Contains(methods, MethodSite) }

// ValidateMethods checks the methods: at least one, known, each once.
func ValidateMethods(methods []string) Problems {
	var ps Problems
	if len(methods) == 0 {
		ps.Add("methods", "核查方式", "至少选择一种核查方式")
	}
	for i, m := range methods {
		if MethodNames[m] == "" {
			ps.Add("methods", "核查方式", "“%s”不是有效的核查方式", m)
		} else if slices.Index(methods, m) < i {
			ps.Add("methods", "核查方式", "“%s”重复选择", MethodNames[m])
		}
	}
	return ps
}
