package demo

import (
	"slices"
	"strings"

	"spotcheck"
)

// Inspecting bodies (检查主体). Tourism items are inspected by the bureau
// itself; culture-market items by its 综合执法支队, which holds the
// enforcement powers there.
const (
	bodyBureau  = "福州市文化和旅游局"
	bodyBrigade = "福州市文化市场综合执法支队"
	// itemsFrom is when the demo item list takes effect.
	itemsFrom = "2026-01-01"
)

// itemSpec is one row of the item list as written here; items() completes
// it with the fields every item shares.
type itemSpec struct {
	code, name, basis  string
	types              []string
	content, standards string
	methods            []string
	key                bool   // 重点检查事项: 5 % instead of 3 %
	parent             string // set for a checklist point
}

// itemSpecs is the 随机抽查事项清单 of a city culture & tourism bureau. The
// legal bases cite the law and the article that imposes the duty checked;
// where an article number was not confirmed, only the law is named. A
// checklist point (Parent set) follows its item; one draft item has no
// legal basis yet and so cannot be activated.
var itemSpecs = []itemSpec{
	// 旅行社
	{"WL-LXS-001", "旅行社经营许可及分社、服务网点备案情况检查",
		"《中华人民共和国旅游法》第二十八条、第三十条；《旅行社条例》第六条、第七条；《旅行社条例实施细则》第十六条", []string{"T01"},
		"检查旅行社是否取得旅行社业务经营许可证，实际经营业务是否超出许可范围，是否出租、出借或以其他形式非法转让许可；分社、服务网点是否按规定备案。",
		"许可证在有效状态并悬挂于经营场所显著位置；经营业务不超出许可范围；分社、服务网点已取得备案登记证明，名称、地址与备案一致。",
		[]string{"M01", "M02"}, false, ""},
	{"WL-LXS-002", "旅游合同签订情况检查", "《中华人民共和国旅游法》第五十七条、第五十八条；《旅行社条例》第二十八条", []string{"T01"},
		"抽查旅游合同，检查是否与旅游者订立书面合同，合同是否载明法定事项，行程单是否作为合同组成部分交付旅游者。",
		"包价旅游合同采用书面形式；载明旅行社名称及许可证编号、行程安排、交通住宿餐饮标准、费用及交纳方式、购物及另行付费项目、违约责任和投诉电话等事项；合同与实际行程一致。",
		[]string{"M01", "M02"}, false, ""},
	{"WL-LXS-002-01", "包价旅游合同法定事项逐项核对", "《旅行社条例》第二十八条", nil,
		"逐项核对抽取的合同是否载明《旅行社条例》第二十八条所列事项。", "所列事项齐全；缺少任一事项的记为发现问题。",
		[]string{"M02"}, false, "WL-LXS-002"},
	{"WL-LXS-003", "导游、领队委派情况检查", "《中华人民共和国旅游法》第三十八条、第四十条；《旅行社条例》第三十二条", []string{"T01"},
		"检查旅行社委派的导游、领队是否持有有效导游证，是否与导游依法订立劳动合同或支付导游服务费用，有无要求导游垫付或向导游收取费用的情形。",
		"委派记录（电子行程单）与导游证信息一致；劳动合同或聘用协议、报酬支付凭证齐全。",
		[]string{"M01", "M04"}, false, ""},
	{"WL-LXS-004", "旅游服务质量保证金交存情况检查", "《中华人民共和国旅游法》第三十一条；《旅行社条例》第十三条", []string{"T01"},
		"核查旅行社是否按规定交存旅游服务质量保证金或提交银行担保，数额是否与经营业务相符，被使用后是否及时补足。",
		"保证金存款证明或银行担保在有效期内，数额符合所经营业务对应的标准。",
		[]string{"M02", "M04"}, false, ""},
	{"WL-LXS-005", "不合理低价游及强迫购物情况检查", "《中华人民共和国旅游法》第三十五条", []string{"T01"},
		"检查旅行社是否以不合理的低价组织旅游活动，是否通过安排购物或另行付费旅游项目获取回扣等不正当利益，是否未经协商一致指定购物场所。",
		"团队报价不低于接待成本；购物及另行付费项目经双方协商一致或应旅游者要求，并在合同中载明；无回扣收入。",
		[]string{"M01", "M02"}, true, ""},
	{"WL-LXS-006", "旅行社安全管理及应急预案检查", "《中华人民共和国旅游法》第七十九条、第八十条", []string{"T01"},
		"检查旅行社是否建立旅游者安全保护制度和应急预案，是否就旅游活动中的安全事项以明示方式向旅游者作出说明或警示。",
		"安全管理制度、应急预案和演练记录齐全；行程中的安全提示书面告知有记录。",
		[]string{"M01", "M02"}, false, ""},
	// 导游
	{"WL-DY-001", "导游执业行为检查", "《中华人民共和国旅游法》第四十条、第四十一条；《导游管理办法》", []string{"T05"},
		"检查导游是否经旅行社委派执业，执业时是否携带电子导游证、佩戴导游身份标识，是否按行程计划提供服务，有无擅自变更行程、诱导或强迫购物、索要小费等行为。",
		"电子导游证状态正常且与委派信息一致；服务与合同行程一致；无私自承揽导游业务的情形。",
		[]string{"M01", "M04"}, false, ""},
	// 在线旅游经营者
	{"WL-ZX-001", "在线旅游经营许可及平台内经营者资质核验情况检查", "《在线旅游经营服务管理暂行规定》第十条、第十一条", []string{"T02"},
		"检查经营旅行社业务的在线旅游经营者是否取得旅行社业务经营许可；平台经营者是否对平台内经营者的身份、地址、联系方式、行政许可、质量标准等级、信用等级等信息进行真实性核验、登记并定期核验更新。",
		"许可信息公示完整；平台内经营者登记档案齐全，核验记录可查。",
		[]string{"M03", "M02"}, false, ""},
	{"WL-ZX-002", "在线旅游服务信息及旅游者评价权保障情况检查", "《在线旅游经营服务管理暂行规定》第十二条、第十三条", []string{"T02"},
		"检查是否提供真实、准确的旅游服务信息，有无虚假宣传或擅用质量等级称谓和标识；是否擅自屏蔽、删除旅游者评价，或误导、引诱、替代、强制旅游者作出评价。",
		"产品页面信息与实际服务一致；自营业务与平台内经营者业务以显著方式区分；评价保存并向社会公开。",
		[]string{"M03"}, false, ""},
	{"WL-ZX-003", "旅游者个人信息保护及大数据“杀熟”情况检查", "《在线旅游经营服务管理暂行规定》第十四条、第十五条", []string{"T02"},
		"检查收集旅游者个人信息是否事先明示目的、方式和范围并经同意；是否滥用大数据分析等技术手段，基于消费记录、旅游偏好等设置不公平的交易条件。",
		"个人信息收集规则明示并取得同意；同一产品在相同条件下对不同账户报价一致。",
		[]string{"M03", "M02"}, true, ""},
	// A级旅游景区
	{"WL-JQ-001", "A级旅游景区质量等级及开放条件检查",
		"《中华人民共和国旅游法》第四十二条、第四十四条；《旅游景区质量等级管理办法》；《旅游景区质量等级的划分与评定》（GB/T 17775—2003）", []string{"T03"},
		"检查景区旅游交通、游览、安全、卫生、购物、综合管理、资源和环境保护等是否符合所评质量等级标准，是否在醒目位置公示门票价格及另行收费项目价格。",
		"对照相应等级的评定细则逐项核对；门票及另行收费项目价格公示完整。",
		[]string{"M01"}, false, ""},
	{"WL-JQ-002", "景区最大承载量公布及流量控制情况检查", "《中华人民共和国旅游法》第四十五条", []string{"T03"},
		"检查景区是否公布核定的最大承载量，是否制定并实施旅游者流量控制方案，节假日是否落实门票预约和限流措施。",
		"最大承载量在入口及线上渠道公示；流量控制方案、预警和分流记录齐全；接待人数不超过核定承载量。",
		[]string{"M01", "M03"}, true, ""},
	// 星级饭店
	{"WL-FD-001", "星级饭店服务质量及星级标准符合情况检查", "《中华人民共和国旅游法》第五十条；《旅游饭店星级的划分与评定》（GB/T 14308—2010）", []string{"T04"},
		"检查星级饭店设施设备、服务质量、卫生及安全管理是否达到所评星级标准，是否使用未取得或已被取消的星级称谓和标识。",
		"对照相应星级的必备项目检查表逐项核对，必备项目全部达标。",
		[]string{"M01"}, false, ""},
	{"WL-FD-002", "旅游饭店消防安全管理情况检查", "《中华人民共和国消防法》第十六条、第二十八条；《中华人民共和国旅游法》第七十九条", []string{"T04"},
		"检查饭店消防安全责任制落实、消防设施器材、疏散通道和安全出口、消防控制室值班及员工消防培训情况。",
		"消防设施完好有效；疏散通道、安全出口畅通，无锁闭、占用；消防控制室值班人员持证在岗。",
		[]string{"M01"}, true, ""},
	// 互联网上网服务营业场所
	{"WL-WB-001", "网吧经营许可及证照悬挂情况检查", "《互联网上网服务营业场所管理条例》第七条、第二十条", []string{"T06"},
		"检查是否取得《网络文化经营许可证》，是否在营业场所显著位置悬挂许可证和营业执照，经营地址、面积、计算机台数等是否与许可一致。",
		"许可证在有效期内并悬挂于显著位置；实际经营地址、面积、终端数量与许可事项一致。",
		[]string{"M01"}, false, ""},
	{"WL-WB-002", "网吧接纳未成年人情况检查", "《互联网上网服务营业场所管理条例》第二十一条", []string{"T06"},
		"检查营业场所内是否有未成年人上网，入口处是否悬挂未成年人禁入标志。",
		"场内上网人员均为成年人；禁入标志悬挂在入口处显著位置。",
		[]string{"M01"}, true, ""},
	{"WL-WB-002-01", "未成年人禁入标志悬挂情况", "《互联网上网服务营业场所管理条例》第二十一条第二款", nil,
		"检查营业场所入口处是否悬挂未成年人禁入标志。", "标志悬挂在入口处显著位置，清晰可见。",
		[]string{"M01"}, true, "WL-WB-002"},
	{"WL-WB-003", "上网消费者身份核对、登记情况检查", "《互联网上网服务营业场所管理条例》第二十三条", []string{"T06"},
		"检查是否对上网消费者的身份证等有效证件进行核对、登记，是否记录有关上网信息，登记内容和记录备份是否保存不少于60日。",
		"实名登记系统运行正常，一人一证一机；抽查在线人员身份与登记信息一致；备份保存不少于60日且未修改或删除。",
		[]string{"M01", "M04"}, true, ""},
	{"WL-WB-004", "网吧营业时间及场内巡查情况检查", "《互联网上网服务营业场所管理条例》第十九条、第二十二条", []string{"T06"},
		"检查是否在规定的营业时间以外营业，是否实施经营管理技术措施并建立场内巡查制度，发现违法行为是否及时制止并报告。",
		"营业时间符合规定；巡查记录完整；经营管理技术措施未擅自停止。",
		[]string{"M01", "M03"}, false, ""},
	{"WL-WB-005", "网吧经营内容检查", "《互联网上网服务营业场所管理条例》第十四条、第十七条、第十八条", []string{"T06"},
		"检查是否经营非网络游戏，是否利用网络游戏或其他方式进行赌博或变相赌博，终端中有无含禁止内容的信息。",
		"终端未安装非网络游戏或含禁止内容的游戏；无赌博、变相赌博活动。",
		[]string{"M01", "M03"}, false, ""},
	{"WL-WB-006", "网吧消防安全情况检查", "《互联网上网服务营业场所管理条例》第二十四条；《中华人民共和国消防法》第二十八条", []string{"T06"},
		"检查场内是否禁止吸烟、带入易燃易爆物品，是否安装固定的封闭门窗栅栏，营业期间是否封堵或锁闭门窗、安全疏散通道和安全出口。",
		"安全出口、疏散通道畅通；无固定封闭门窗栅栏；灭火器、应急照明、疏散指示标志完好有效。",
		[]string{"M01"}, true, ""},
	// 歌舞、游艺娱乐场所
	{"WL-YL-001", "娱乐经营许可及变更情况检查", "《娱乐场所管理条例》第九条、第十二条", []string{"T07", "T08"},
		"检查是否取得娱乐经营许可证；改建、扩建或变更场地、主要设施设备、投资人员及许可证载明事项时，是否重新申请核发。",
		"许可证在有效期内并悬挂；包厢（间）数量、面积、设施设备与许可一致。",
		[]string{"M01", "M02"}, false, ""},
	{"WL-YL-002", "娱乐场所消防安全检查", "《娱乐场所管理条例》第二十条、第二十一条；《中华人民共和国消防法》第十六条、第二十八条", []string{"T07", "T08"},
		"检查消防安全责任落实、消防设施器材维护、安全工作方案和应急疏散预案的制定与演练、营业期间疏散通道和安全出口畅通情况。",
		"消防设施定期检查维护并有记录；应急疏散预案有演练记录；疏散通道和安全出口畅通，指示标志明显。",
		[]string{"M01"}, true, ""},
	{"WL-YL-002-01", "营业期间疏散通道和安全出口畅通情况", "《娱乐场所管理条例》第二十一条第一款", nil,
		"检查营业期间是否封堵、锁闭疏散通道和安全出口，是否设置栅栏等影响疏散的障碍物。", "疏散通道和安全出口全部畅通，无障碍物。",
		[]string{"M01"}, true, "WL-YL-002"},
	{"WL-YL-002-02", "疏散指示标志设置情况", "《娱乐场所管理条例》第二十一条第二款", nil,
		"检查疏散通道和安全出口是否设置明显指示标志，标志是否被遮挡、覆盖。", "指示标志齐全、明显，未被遮挡或覆盖。",
		[]string{"M01"}, true, "WL-YL-002"},
	{"WL-YL-003", "娱乐场所接纳未成年人情况检查", "《娱乐场所管理条例》第二十三条、第三十条", []string{"T07", "T08"},
		"检查歌舞娱乐场所是否接纳未成年人；游艺娱乐场所除国家法定节假日外是否向未成年人提供电子游戏机；是否悬挂未成年人禁入或限入标志。",
		"歌舞娱乐场所内无未成年人；非法定节假日无未成年人使用电子游戏机；标志悬挂于显著位置并注明举报电话。",
		[]string{"M01"}, true, ""},
	{"WL-YL-004", "娱乐场所演出及娱乐活动内容检查", "《娱乐场所管理条例》第十三条；《营业性演出管理条例》第二十五条", []string{"T07"},
		"检查娱乐活动、点播曲库及场所内演出节目是否含有法律法规禁止的内容，场所内举办营业性演出是否依法报批。",
		"点播曲库及演出节目无禁止内容；举办的营业性演出有批准文件。",
		[]string{"M01", "M03"}, false, ""},
	{"WL-YL-005", "游艺娱乐场所游戏设施设备及奖品检查", "《娱乐场所管理条例》第十九条", []string{"T08"},
		"检查是否设置具有赌博功能的电子游戏机机型、机种、电路板等游戏设施设备，是否以现金或有价证券作为奖品，是否回购奖品。",
		"游戏设施设备均为合规机型；无现金、有价证券奖品；无回购奖品行为。",
		[]string{"M01"}, true, ""},
	{"WL-YL-006", "娱乐场所营业时间、从业人员名簿及营业日志检查", "《娱乐场所管理条例》第二十五条、第二十八条", []string{"T07", "T08"},
		"检查是否在每日凌晨2时至上午8时营业，是否建立从业人员名簿和营业日志，营业日志是否留存60日备查。",
		"禁止时段无营业；从业人员名簿信息完整；营业日志未删改并留存60日。",
		[]string{"M01", "M02"}, false, ""},
	// 营业性演出
	{"WL-YC-001", "营业性演出经营主体资质检查", "《营业性演出管理条例》第六条", []string{"T09"},
		"检查文艺表演团体、演出经纪机构是否取得营业性演出许可证，演出经纪机构专职演出经纪人员是否符合要求。",
		"许可证在有效期内；演出经纪机构有3名以上专职演出经纪人员。",
		[]string{"M02", "M01"}, false, ""},
	{"WL-YC-002", "营业性演出审批及演出内容检查", "《营业性演出管理条例》第十三条、第二十五条", []string{"T09"},
		"检查举办的营业性演出是否经文化和旅游主管部门批准，实际演出的节目、演员与批准内容是否一致，演出是否含有法律法规禁止的内容。",
		"持有演出批准文件；节目、演员与批准一致；无禁止内容。",
		[]string{"M01"}, true, ""},
	{"WL-YC-003", "假唱、假演奏情况检查", "《营业性演出管理条例》第二十八条", []string{"T09"},
		"检查演员是否以假唱欺骗观众，演出举办单位是否组织演员假唱、假演奏。", "演出现场无假唱、假演奏；现场监督记录完整。",
		[]string{"M01"}, false, ""},
	// 艺术品经营单位
	{"WL-YSP-001", "艺术品经营单位备案情况检查", "《艺术品经营管理办法》第五条", []string{"T10"},
		"检查艺术品经营单位是否在领取营业执照之日起15日内到住所地文化和旅游主管部门备案。", "备案证明与营业执照信息一致。",
		[]string{"M02", "M04"}, false, ""},
	{"WL-YSP-002", "艺术品经营行为规范检查", "《艺术品经营管理办法》第六条、第七条、第九条", []string{"T10"},
		"检查是否经营禁止经营的艺术品，有无隐瞒艺术品来源、误导消费者等行为，是否明示艺术品作者、年代、尺寸、材料、保存状况和销售价格，并保留交易凭证、销售合同和台账。",
		"无禁止经营的艺术品；明示信息完整；交易记录保存不少于5年。",
		[]string{"M01"}, false, ""},
	// 经营性互联网文化单位
	{"WL-WH-001", "网络文化经营许可及许可证编号标明情况检查", "《互联网文化管理暂行规定》", []string{"T11"},
		"检查从事经营性互联网文化活动的单位是否取得《网络文化经营许可证》，是否在网站主页或应用显著位置标明许可证编号，实际经营范围是否与许可一致。",
		"许可证在有效期内；编号标明位置显著；无超范围经营。",
		[]string{"M03", "M02"}, false, ""},
	{"WL-WH-002", "互联网文化产品内容及自审制度检查", "《互联网文化管理暂行规定》第十六条、第十八条", []string{"T11"},
		"检查提供的网络音乐、网络游戏、网络表演、网络动漫等产品是否含有禁止内容，是否建立自审制度并配备审核人员，发现违法内容是否立即停止提供并报告。",
		"抽查的产品无禁止内容；自审制度和审核记录齐全；网络表演者实名管理。",
		[]string{"M03"}, true, ""},
	// 出版物发行、印刷；电影放映
	{"WL-CB-001", "出版物发行及印刷经营活动检查", "《出版管理条例》；《出版物市场管理规定》；《印刷业管理条例》", []string{"T13"},
		"检查出版物发行单位和印刷企业是否取得相应许可，是否发行、印刷非法出版物或侵权盗版出版物，印刷企业是否落实承印验证、登记、保管、交付、销毁等制度。",
		"许可证在有效期内；无非法、盗版出版物；承印制度记录完整。",
		[]string{"M01"}, false, ""},
	{"WL-DYY-001", "电影放映经营活动检查", "《中华人民共和国电影产业促进法》；《电影管理条例》", []string{"T14"},
		"检查电影院是否放映取得电影公映许可证的影片，是否如实统计并上报票房收入，是否落实防范盗录措施。",
		"放映影片均有公映许可证；售票系统数据与上报数据一致。",
		[]string{"M01", "M04"}, false, ""},
	// 草稿: no legal basis yet, so it cannot be activated.
	{"WL-QT-001", "剧本娱乐经营场所内容及安全检查", "", []string{"T17"},
		"检查剧本杀、密室逃脱等剧本娱乐经营场所的剧本内容及场所安全情况。", "待检查依据明确后补充。",
		[]string{"M01"}, false, ""},
}

// items builds the item list from itemSpecs: 重点 items at 5 %, the others
// at 3 %, all twice a year from itemsFrom. A checklist point takes its
// parent's types, body, ratio and class, since it is checked in the same
// visit.
func items() []spotcheck.Item {
	out := make([]spotcheck.Item, 0, len(itemSpecs))
	byCode := map[string]spotcheck.Item{}
	for _, s := range itemSpecs {
		it := spotcheck.Item{
			Code: s.code, Name: s.name, LegalBasis: s.basis, TargetTypes: slices.Clone(s.types), Content: s.content,
			Standards: s.standards, Methods: slices.Clone(s.methods), Ratio: "3%", Frequency: 2, Class: spotcheck.ClassGeneral, Parent: s.parent,
			EffectiveFrom: itemsFrom, Status: spotcheck.ItemActive, Body: bodyBureau,
		}
		if s.key {
			it.Ratio, it.Class = "5%", spotcheck.ClassKey
		}
		if isCultureMarket(s.code) {
			it.Body = bodyBrigade
		}
		if p, ok := byCode[s.parent]; ok {
			it.TargetTypes, it.Body, it.Ratio, it.Class = slices.Clone(p.TargetTypes), p.Body, p.Ratio, p.Class
		}
		if it.LegalBasis == "" {
			it.Status = spotcheck.ItemDraft
		}
		byCode[it.Code] = it
		out = append(out, it)
	}
	return out
}

// isCultureMarket reports whether an item belongs to the culture market,
// which the 综合执法支队 inspects, rather than to tourism.
func isCultureMarket(code string) bool {
	for _, p := range []string{"WL-LXS-", "WL-DY-", "WL-ZX-", "WL-JQ-", "WL-FD-"} {
		if strings.HasPrefix(code, p) {
			return false
		}
	}
	return true
}

// joins are the partner departments that join an item (配合), with why:
// fire rescue judges fire safety, the police run the 网吧 real-name system,
// market regulation supervises contract terms, prices and online trade.
var joins = []struct{ item, dept, note string }{
	{"WL-FD-002", deptFire, "消防救援机构负责消防设施及疏散条件的专业判定"},
	{"WL-WB-006", deptFire, "消防救援机构负责消防设施及疏散条件的专业判定"},
	{"WL-YL-002", deptFire, "消防救援机构负责消防设施及疏散条件的专业判定"},
	{"WL-WB-003", deptPolice, "公安机关负责上网实名登记系统及治安管理"},
	{"WL-LXS-002", deptMarket, "市场监管部门负责合同格式条款监管"},
	{"WL-LXS-005", deptMarket, "市场监管部门负责价格行为监管"},
	{"WL-ZX-001", deptMarket, "市场监管部门负责网络交易经营者主体信息监管"},
	{"WL-ZX-002", deptMarket, "市场监管部门负责虚假宣传及网络交易监管"},
	{"WL-ZX-003", deptMarket, "市场监管部门负责网络交易及个人信息保护相关监管"},
}

// responsibilities returns the 多部门监管责任事项清单: the city bureau initiates
// every item of the list (checklist points go with their item), and the
// partners join where their field is touched.
func responsibilities(list []spotcheck.Item) []spotcheck.Responsibility {
	var out []spotcheck.Responsibility
	for _, it := range list {
		if it.Parent == "" {
			out = append(out, spotcheck.Responsibility{Item: it.Code, Dept: deptBureau, Role: spotcheck.RoleInitiate, Active: true})
		}
	}
	for _, j := range joins {
		out = append(out, spotcheck.Responsibility{Item: j.item, Dept: j.dept, Role: spotcheck.RoleJoin, Note: j.note, Active: true})
	}
	return out
}
