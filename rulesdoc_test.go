package spotcheck

import (
	"strings"
	"testing"
)

func TestParseClauses(t *testing.T) {
	params := RuleParams(DefaultCapPolicy())
	t.Run("headings, continuations and tags", func(t *testing.T) {
		text := "# 第一章 总则\n1. 本细则适用于本局。\n\n2、抽查比例不低于3%。{参数:floor-ratio}\n比例由事项清单规定。\n# 第二章 检查\n2.1 每年不少于两轮{参数：rounds}，检查组至少两人{参数:team-size}{参数:rounds}\n"
		cs, p := ParseClauses("rules", "实施细则", text, params)
		if len(p) != 0 {
			t.Fatalf("problems: %v", p)
		}
		if len(cs) != 3 || cs[0].Heading != "第一章 总则" || cs[2].Heading != "第二章 检查" || cs[2].Number != "2.1" {
			t.Fatalf("clauses %+v", cs)
		}
		if cs[1].Text != "抽查比例不低于3%。{参数:floor-ratio}\n比例由事项清单规定。" || len(cs[1].Params) != 1 {
			t.Errorf("clause 2: %+v", cs[1])
		}
		if got := strings.Join(cs[2].Params, ","); got != "rounds,team-size" {
			t.Errorf("params of 2.1: %s", got)
		}
		if got := ClauseText(cs[1].Text, params); !strings.Contains(got, "〔抽查比例下限〕") || strings.Contains(got, "{") {
			t.Errorf("display text %q", got)
		}
	})
	refused := []struct{ name, text, want string }{
		{"unknown parameter", "1. 每年检查不超过三次{参数:max-visits}", "第1条引用的参数“max-visits”不存在，平台执行的参数只有：floor-ratio（抽查比例下限）"},
		{"broken tag", "1. 比例{参数:floor-ratio", "第1条的参数标记不完整"},
		{"text before the first clause", "本细则如下\n1. 正文", "第1行：第一条之前的文字"},
		{"duplicate number", "1. 甲\n2. 乙\n1. 丙", "第3行：条款编号“1”与第1行重复"},
		{"no clause", "# 标题\n\n", "至少应有一条编号的条款"},
		{"empty clause", "1. {参数:rounds}", "第1条没有正文"},
		{"invalid UTF-8", "1. \xff\xfe", "无效字符"},
		{"NUL", "1. 甲\x00乙", "无效字符"},
		{"too long", "1. " + strings.Repeat("长", MaxRulesText), "超过60000字的上限"},
	}
	for _, c := range refused {
		t.Run("refused: "+c.name, func(t *testing.T) {
			_, p := ParseClauses("rules", "实施细则", c.text, params)
			if err := p.Err(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
}

func TestRulesDocValidate(t *testing.T) {
	params := RuleParams(DefaultCapPolicy())
	d := RulesDoc{Dept: "FZWL", Title: "实施细则", Rules: "1. 甲", Workflow: "1. 乙", EffectiveFrom: "2026-01-01"}
	if p := d.Validate(0, params); len(p) != 0 {
		t.Fatalf("first version: %v", p)
	}
	if err := d.Validate(1, params).Err(); err == nil || !strings.Contains(err.Error(), "修订说明") {
		t.Errorf("a second version without a note: %v", err)
	}
	d.Title = "细则\xff"
	if err := d.Validate(0, params).Err(); err == nil || !strings.Contains(err.Error(), "标题：含有无效字符") {
		t.Errorf("a title of invalid UTF-8: %v", err)
	}
	d.Title = "实施细则"
	d.Workflow, d.EffectiveFrom = "", "2026-02-30"
	err := d.Validate(0, params).Err()
	if err == nil || !strings.Contains(err.Error(), "工作流程：至少应有一条") || !strings.Contains(err.Error(), "施行日期") {
		t.Errorf("missing workflow, bad date: %v", err)
	}
}

// TestRuleParamsFollowTheRules checks that the values shown are the ones
// the checks use: the cap setting's, and the team size the task form
// refuses below.
func TestRuleParamsFollowTheRules(t *testing.T) {
	ps := RuleParams(CapPolicy{Limit: 3, Source: "某文件"})
	byID := map[string]RuleParam{}
	for _, p := range ps {
		byID[p.ID] = p
	}
	if v := byID[ParamAnnualCap]; v.Value != "同一部门对同一检查对象每年不超过3次" || !strings.HasPrefix(v.Source, "某文件") {
		t.Errorf("cap %+v", v)
	}
	if v := byID[ParamPublication].Value; !strings.Contains(v, "20个工作日") {
		t.Errorf("publication %q", v)
	}
	if len(byID) != 6 {
		t.Errorf("%d parameters", len(byID))
	}
	var p Problems
	tk := Task{Authority: "FZWL", Team: []TeamSlot{{Unit: "FZWL", Size: MinTeamSize - 1}}}
	tk.validateTeam(&p)
	if !strings.Contains(p.Err().Error(), byID[ParamTeamSize].Value[len("每次检查"):]) {
		t.Errorf("task team check %v does not say %q", p.Err(), byID[ParamTeamSize].Value)
	}
}
