package spotcheck

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// 一细则 (issue 12, item 4): each department publishes its implementing
// rules (实施细则) and standard workflow (工作流程) as versioned documents
// of numbered clauses. A clause that sets a number the software enforces
// names the parameter with a tag, {参数:floor-ratio}, and the portal shows
// beside it the value the platform enforces today and its source, so the
// public can see that the rules and the software agree. The parameters
// are a closed list (RuleParams): a tag naming anything else is refused,
// since a clause that claims an enforcement the software does not do
// would mislead the public.

// The parameters a clause may name, by the id its tag uses.
const (
	ParamFloorRatio  = "floor-ratio"          // DefaultFloorRatio, MinRate
	ParamRounds      = "rounds"               // DefaultRounds
	ParamAnnualCap   = "annual-cap"           // CapPolicy (the administrator's setting)
	ParamPublication = "publication-deadline" // PublicationWorkdays
	ParamTeamSize    = "team-size"            // MinTeamSize
	ParamDueSoon     = "due-soon"             // DueSoonWorkdays
)

// RuleParam is one parameter the platform enforces, as the portal shows
// it beside a clause: what it is, its value today, where the value comes
// from and what in the software applies it.
type RuleParam struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Value    string `json:"value"`
	Source   string `json:"source"`
	Enforced string `json:"enforced"` // where the platform applies it
}

// RuleParams lists the parameters with their values today; the cap is
// the administrator's setting (CapService), the others are constants of
// this package, so the value shown is the value the checks use.
func RuleParams(c CapPolicy) []RuleParam {
	capValue := fmt.Sprintf("同一部门对同一检查对象每年不超过%d次", c.Limit)
	if c.ExemptHighRisk {
		capValue += "；信用风险D类和重点检查对象不受此限"
	}
	return []RuleParam{
		{ParamFloorRatio, "抽查比例下限", "不低于" + DefaultFloorRatio,
			"《国务院办公厅关于推广随机抽查规范事中事后监管的通知》（国办发〔2015〕58号）；事项清单规定更高比例的，从其规定",
			"年度抽查计划合规检查：各类型、各区域的全年抽查比例低于下限的计划不能发布"},
		{ParamRounds, "每年抽查轮次", fmt.Sprintf("每年不少于%d轮", DefaultRounds),
			"《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》（国发〔2019〕5号）及省、市工作要求；事项规定更高频次的，从其规定",
			"年度抽查计划合规检查：轮次不足的计划不能发布"},
		{ParamAnnualCap, "年度检查上限", capValue, c.Source + "（系统管理员设置）",
			"随机抽取：达到上限的检查对象排除在抽取范围之外，并记录排除原因"},
		{ParamPublication, "检查结果公示期限", fmt.Sprintf("检查完成之日起%d个工作日内", PublicationWorkdays), PublicationRule,
			"公示期限清单：按工作日历（含调休）计算到期日，逾期未公示的列为已逾期"},
		{ParamTeamSize, "检查组最少人数", fmt.Sprintf("每次检查至少%d名执法检查人员", MinTeamSize),
			"《中华人民共和国行政处罚法》第四十二条：执法人员不得少于两人",
			"抽查任务的检查组构成少于该人数的，任务不能保存和发布"},
		{ParamDueSoon, "即将到期提醒", fmt.Sprintf("公示到期前%d个工作日内（含当日）", DueSoonWorkdays),
			"本平台的内部提醒设置，不是法定期限",
			"工作台和公示期限清单提醒审核人员"},
	}
}

// RuleSections are the two parts of a rules document, by field name.
var RuleSections = []struct{ Field, Name string }{{"rules", "实施细则"}, {"workflow", "工作流程"}}

// RulesDoc is one version of a department's 一细则: the implementing
// rules and the workflow as their authors wrote them (the text format of
// ParseClauses), published together. A version is never changed; a new
// version is published instead and the old ones stay listed.
type RulesDoc struct {
	Dept          string      `json:"dept"`
	Version       int         `json:"version"`
	Title         string      `json:"title"`
	Rules         string      `json:"rules"`    // 实施细则, clause text
	Workflow      string      `json:"workflow"` // 工作流程, clause text
	EffectiveFrom string      `json:"effective_from"`
	Note          string      `json:"note"`   // 修订说明: required from the second version on
	Params        []RuleParam `json:"params"` // the parameters' values when it was published
	LogIndex      int64       `json:"log_index"`
	Digest        string      `json:"digest"` // SHA-256 of the logged record, hex
	PublishedBy   string      `json:"published_by"`
	PublishedAt   time.Time   `json:"published_at"`
}

// Clause is one numbered clause of a section: its number as written, the
// heading it sits under, its text and the parameters its tags name.
type Clause struct {
	Number  string
	Heading string
	Text    string
	Params  []string
}

// Limits of a rules document.
const (
	MaxRulesText   = 60000 // characters of one section
	MaxClauses     = 300   // clauses of one section
	MaxClauseChars = 3000
)

var (
	clauseStart = regexp.MustCompile(`^([0-9]{1,3}(?:\.[0-9]{1,3}){0,3})(?:[.．、]\s*|\s+)(.*)$`)
	paramTag    = regexp.MustCompile(`\{参数[:：]\s*([^{}]*?)\s*\}`)
)

// ParseClauses reads a section written as numbered clauses:
//
//	# 第一章 总则              a heading (optional) for the clauses below it
//	1. 本细则适用于……            a clause: a number 1, 2.3 … then “.”, “、” or a space
//	继续上一条的文字             a line without a number continues the clause
//	3. 抽查比例不低于3%{参数:floor-ratio}
//
// Blank lines are ignored. A tag {参数:id} names a parameter of params by
// its id; an unknown id is refused with the ids there are. Problems carry
// the line and the clause, under field and label.
func ParseClauses(field, label, text string, params []RuleParam) ([]Clause, Problems) {
	var p Problems
	if badText(text) {
		p.Add(field, label, "含有无效字符（不是UTF-8文本，或含有空字符）")
		return nil, p
	}
	if n := utf8.RuneCountInString(text); n > MaxRulesText {
		p.Add(field, label, "共%d字，超过%d字的上限", n, MaxRulesText)
		return nil, p
	}
	var out []Clause
	heading := ""
	seen := map[string]int{}
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasPrefix(line, "#"):
			heading = strings.TrimSpace(strings.TrimLeft(line, "#"))
		case clauseStart.MatchString(line):
			m := clauseStart.FindStringSubmatch(line)
			if first, ok := seen[m[1]]; ok {
				p.Add(field, label, "第%d行：条款编号“%s”与第%d行重复", i+1, m[1], first)
			}
			seen[m[1]] = i + 1
			out = append(out, Clause{Number: m[1], Heading: heading, Text: m[2]})
		case len(out) == 0:
			p.Add(field, label, "第%d行：第一条之前的文字应为以“#”开头的标题，条款应以编号开头，如“1.”或“2.3 ”", i+1)
		default:
			c := &out[len(out)-1]
			c.Text += "\n" + line
		}
		if len(p) >= 20 {
			break
		}
	}
	if len(out) == 0 && len(p) == 0 {
		p.Add(field, label, "至少应有一条编号的条款")
	}
	if len(out) > MaxClauses {
		p.Add(field, label, "共%d条，超过%d条的上限", len(out), MaxClauses)
	}
	for i := range out {
		c := &out[i]
		if n := utf8.RuneCountInString(c.Text); n > MaxClauseChars {
			p.Add(field, label, "第%s条共%d字，超过%d字的上限", c.Number, n, MaxClauseChars)
		}
		if strings.TrimSpace(paramTag.ReplaceAllString(c.Text, "")) == "" {
			p.Add(field, label, "第%s条没有正文", c.Number)
		}
		for _, m := range paramTag.FindAllStringSubmatch(c.Text, -1) {
			if !slices.ContainsFunc(params, func(x RuleParam) bool { return x.ID == m[1] }) {
				p.Add(field, label, "第%s条引用的参数“%s”不存在，平台执行的参数只有：%s", c.Number, m[1], paramList(params))
				continue
			}
			if !slices.Contains(c.Params, m[1]) {
				c.Params = append(c.Params, m[1])
			}
		}
		if rest := paramTag.ReplaceAllString(c.Text, ""); strings.Contains(rest, "{参数") {
			p.Add(field, label, "第%s条的参数标记不完整，应写作{参数:编号}，如{参数:%s}", c.Number, ParamFloorRatio)
		}
	}
	return out, p
}

// badText reports text a database cannot keep as it is: invalid UTF-8,
// or a NUL, which PostgreSQL's text refuses.
func badText(s string) bool { return !utf8.ValidString(s) || strings.ContainsRune(s, 0) }

// paramList names the parameters for a message: id（name）、…
func paramList(params []RuleParam) string {
	s := make([]string, len(params))
	for i, x := range params {
		s[i] = x.ID + "（" + x.Name + "）"
	}
	return strings.Join(s, "、")
}

// ClauseText is a clause's text as the public reads it: each tag becomes
// the parameter's name in 〔〕, its value and source shown beside.
func ClauseText(text string, params []RuleParam) string {
	return paramTag.ReplaceAllStringFunc(text, func(tag string) string {
		id := paramTag.FindStringSubmatch(tag)[1]
		for _, x := range params {
			if x.ID == id {
				return "〔" + x.Name + "〕"
			}
		}
		return tag
	})
}

// Normalize trims the fields people type.
func (d *RulesDoc) Normalize() {
	d.Dept = strings.TrimSpace(d.Dept)
	d.Title = strings.TrimSpace(d.Title)
	d.EffectiveFrom = strings.TrimSpace(d.EffectiveFrom)
	d.Note = strings.TrimSpace(d.Note)
}

// Validate checks a document to publish against the parameters there
// are: a title, an effective date, a note from the second version on
// (prev is the version published before it, 0 for none), and both
// sections as numbered clauses whose tags name known parameters.
func (d *RulesDoc) Validate(prev int, params []RuleParam) Problems {
	var p Problems
	for _, f := range []struct{ field, label, s string }{{"title", "标题", d.Title}, {"note", "修订说明", d.Note},
		{"effective_from", "施行日期", d.EffectiveFrom}} {
		if badText(f.s) {
			p.Add(f.field, f.label, "含有无效字符（不是UTF-8文本，或含有空字符）")
			return p
		}
	}
	if p.checkRequired("title", "标题", d.Title) {
		p.checkLen("title", "标题", d.Title, 100)
	}
	if p.checkRequired("effective_from", "施行日期", d.EffectiveFrom) {
		p.checkDate("effective_from", "施行日期", d.EffectiveFrom)
	}
	if prev > 0 && d.Note == "" {
		p.Add("note", "修订说明", "发布新版本时应说明修订了什么、为什么修订")
	}
	p.checkLen("note", "修订说明", d.Note, 500)
	for _, s := range RuleSections {
		_, q := ParseClauses(s.Field, s.Name, d.Section(s.Field), params)
		p = append(p, q...)
	}
	return p
}

// Section returns the text of a section by its field name.
func (d *RulesDoc) Section(field string) string {
	if field == "workflow" {
		return d.Workflow
	}
	return d.Rules
}

// NoRulesDoc is the error for a department or version without a
// published document.
func NoRulesDoc(dept string, version int) error {
	if version > 0 {
		return Errorf(ENOTFOUND, "部门“%s”没有第%d版实施细则", dept, version)
	}
	return Errorf(ENOTFOUND, "部门“%s”尚未发布实施细则和工作流程", dept)
}

// RulesService keeps the departments' rules documents (store/rulesdoc.go).
type RulesService interface {
	// FindRuleParams returns RuleParams with the cap in force. Anyone
	// with a principal, the public included.
	FindRuleParams(ctx context.Context) ([]RuleParam, error)
	// FindRulesDocs lists published versions, newest first: every version
	// of dept, or the latest of each department when dept is "". Anyone.
	FindRulesDocs(ctx context.Context, dept string) ([]RulesDoc, error)
	// FindRulesDoc returns version of dept's document, the latest when
	// version ≤ 0. Anyone; ENOTFOUND (NoRulesDoc).
	FindRulesDoc(ctx context.Context, dept string, version int) (*RulesDoc, error)
	// PublishRulesDoc publishes d as the next version of d.Dept's
	// document: d.Version must be the latest version (0 for the first),
	// else ECONFLICT; it is set to the new one. The record goes into the
	// log and the change history in the same transaction. PermEditLists
	// in d.Dept's scope (the department admin); EINVALID (unknown
	// department, Validate), ECONFLICT.
	PublishRulesDoc(ctx context.Context, d *RulesDoc) error
}
