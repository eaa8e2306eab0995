package main

import (
	"context"
	"fmt"

	"spotcheck"
	"spotcheck/store"
)

// demoRules publishes the demo's 一细则 (issue 12, item 4) as the
// department admins would, through the same service and rules: the city
// bureau's in two versions (the second adds the team size and the
// due-soon reminder, with its note), so that the portal shows a version
// history, and the Gulou district bureau's first version. Each clause
// that sets a number the platform enforces names its parameter, so the
// portal shows the value in force beside it.
func demoRules(ctx context.Context, db *store.DB) error {
	as, err := demoStaff(ctx, db, "cityadmin", "gladmin")
	if err != nil {
		return err
	}
	sv := db.Rules()
	city := &spotcheck.RulesDoc{Dept: "FZWL", Title: "福州市文化和旅游局“双随机、一公开”监管工作实施细则",
		EffectiveFrom: "2026-01-01", Rules: demoCityRules, Workflow: demoCityWorkflow}
	if err := sv.PublishRulesDoc(as("cityadmin"), city); err != nil {
		return fmt.Errorf("演示实施细则（市局第1版）：%w", err)
	}
	city.EffectiveFrom, city.Note = "2026-07-01", "依据《行政处罚法》第四十二条补充检查组人数要求，增加公示到期提醒"
	city.Rules += "\n# 第五章 检查实施\n" +
		"12. 每次现场检查由不少于两名具有行政执法资格的检查人员实施{参数:team-size}，出示执法证件，并依法回避。\n"
	city.Workflow += "\n9. 公示期限届满前5个工作日起，平台在工作台提醒审核人员{参数:due-soon}；逾期未公示的列为已逾期，由监督人员督办。\n"
	if err := sv.PublishRulesDoc(as("cityadmin"), city); err != nil {
		return fmt.Errorf("演示实施细则（市局第2版）：%w", err)
	}
	gl := &spotcheck.RulesDoc{Dept: "GLWL", Title: "鼓楼区文化体育和旅游局“双随机、一公开”监管工作实施细则",
		EffectiveFrom: "2026-03-01", Rules: demoGulouRules, Workflow: demoGulouWorkflow}
	if err := sv.PublishRulesDoc(as("gladmin"), gl); err != nil {
		return fmt.Errorf("演示实施细则（鼓楼区）：%w", err)
	}
	return nil
}

const demoCityRules = `# 第一章 总则
1. 为规范本局文化和旅游市场“双随机、一公开”监管工作，依据《国务院办公厅关于推广随机抽查规范事中事后监管的通知》（国办发〔2015〕58号）、《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》（国发〔2019〕5号），结合本市实际，制定本细则。
2. 本细则适用于本局及所属执法机构对旅行社、A级旅游景区、星级饭店、互联网上网服务营业场所、娱乐场所、营业性演出、艺术品经营等市场主体实施的随机抽查。
# 第二章 两单两库
3. 本局依据法律法规规章编制随机抽查事项清单，列明抽查依据、主体、内容、方式等，并向社会公开；没有法律法规依据的事项不得列入。
4. 检查对象名录库和执法检查人员名录库实行动态管理；信用风险高或投诉举报多的对象列入重点检查对象名录。
# 第三章 抽查比例和频次
5. 对本行政区域内检查对象的抽查比例不低于3%{参数:floor-ratio}，事项清单规定更高比例的，从其规定。
6. 每年对同一类检查对象的随机抽查不少于两轮{参数:rounds}。
7. 对信用风险分类为C类、D类和重点检查对象，提高抽查比例和频次。
8. 同一部门对同一检查对象一年内的检查次数不超过规定上限{参数:annual-cap}，信用风险高的对象除外，防止重复检查、多头检查。
# 第四章 结果公示
9. 抽查检查结果自检查完成之日起20个工作日内通过本平台和国家企业信用信息公示系统向社会公示{参数:publication-deadline}。
10. 公示的检查结果有误的，依法更正并说明更正事项和理由，原公示内容和更正内容一并公开。
11. 随机抽取的全过程记入公开日志，任何人可以核验抽取结果。`

const demoCityWorkflow = `1. 制定年度抽查计划：计划员编制年度抽查计划，经合规检查通过后发布，并报上级部门备案。
2. 发布抽查任务公告：任务公告记入公开日志，公告中不列明被抽取的检查对象。
3. 随机抽取检查对象和检查人员：平台与监督人员共同提交承诺、揭示后抽取，结果在检查结果公示前保密。
4. 送达检查通知书：检查组在检查前或检查时送达，企业可扫码核验检查任务和检查人员。
5. 实施检查：检查组按照事项清单逐项检查，制作现场检查笔录，检查对象签字确认。
6. 审核检查结果：审核人员审核检查组提交的检查结果，不予通过的退回修改。
7. 公示检查结果：审核通过的结果按期公示{参数:publication-deadline}，同时推送信用信息共享平台。
8. 后续处置：发现问题的依法责令改正或移交处理，处置结果记入检查记录。`

const demoGulouRules = `# 第一章 总则
1. 为落实市局“双随机、一公开”监管工作实施细则，规范本区文化和旅游市场随机抽查工作，制定本细则。
# 第二章 抽查安排
2. 本区对检查对象的抽查比例不低于3%{参数:floor-ratio}；互联网上网服务营业场所、娱乐场所的抽查比例按事项清单的规定执行。
3. 每年不少于两轮随机抽查{参数:rounds}，第一轮在上半年完成，第二轮在十月底前完成。
4. 现场检查由不少于两名执法人员实施{参数:team-size}，与检查对象有利害关系的应当回避。
# 第三章 结果运用
5. 检查结果在规定期限内公示{参数:publication-deadline}，并作为信用风险分类的依据。`

const demoGulouWorkflow = `1. 区局计划员按市局年度计划分解本区抽查任务并发布任务公告。
2. 随机抽取检查对象和检查人员，监督人员全程参与。
3. 检查组实施检查并录入检查结果，区局审核人员审核。
4. 审核通过的检查结果按期公示{参数:publication-deadline}，发现问题的跟踪整改到位。`
