package demo

// typeSpec describes how entities of one target type are made. The weights
// (per mille) follow the mix of a city culture & tourism directory: 网吧 and
// KTV outnumber everything, then 旅行社, 演出, 艺术品 and online culture.
type typeSpec struct {
	code       string
	weight     int      // per mille of all entities
	individual int      // percent registered as 个体工商户
	company    []string // industry words of company names
	shop       []string // industry words of 个体工商户 names
	branch     int      // percent of company names that are a branch
	tags       []string // optional tags, each drawn with tagChance
}

// tagChance is the percent chance of each optional tag.
const tagChance = 18

// types lists every target type the bureau supervises, in code order; the
// first len(types) entities of every stream take them in this order, so even
// a small demo has each type.
var types = []typeSpec{
	{"T01", 140, 0, []string{"旅行社有限公司", "国际旅行社有限公司", "旅游有限公司", "假期旅行社有限公司", "旅游服务有限公司"}, nil, 10,
		[]string{"入境游", "赴台游", "涉外", "连锁", "研学旅行"}},
	{"T02", 20, 0, []string{"网络科技有限公司", "旅游电子商务有限公司", "智慧旅游科技有限公司", "信息技术有限公司"}, nil, 0,
		[]string{"平台经营者", "平台内经营者", "自建网站", "小程序"}},
	{"T03", 20, 0, []string{"风景区", "生态旅游区", "温泉旅游区", "森林公园", "文化旅游区", "古村落景区", "滨海旅游区"}, nil, 0,
		[]string{"自然景观", "人文景观", "研学基地", "夜游"}},
	{"T04", 30, 0, []string{"大酒店有限公司", "国际酒店有限公司", "温泉大酒店有限公司", "酒店管理有限公司", "大饭店有限公司"}, nil, 0,
		[]string{"涉外", "温泉", "会议型"}},
	{"T05", 80, 0, nil, nil, 0, nil},
	{"T06", 220, 60, []string{"网络科技有限公司", "网咖有限公司", "网络会所有限公司", "电竞文化有限公司"},
		[]string{"网吧", "网咖", "网络会所", "电竞馆", "网络休闲中心"}, 10, []string{"连锁", "电竞", "网咖"}},
	{"T07", 140, 40, []string{"娱乐有限公司", "文化娱乐有限公司", "KTV有限公司", "歌舞娱乐有限公司"},
		[]string{"KTV", "量贩式KTV", "歌舞厅", "歌厅", "音乐会所"}, 8, []string{"连锁", "量贩式", "大型场所"}},
	{"T08", 70, 40, []string{"动漫游艺有限公司", "游乐有限公司", "文化娱乐有限公司", "电玩城有限公司"},
		[]string{"电玩城", "游艺厅", "动漫游乐城", "电玩馆"}, 10, []string{"连锁", "商场内", "含儿童游乐"}},
	{"T09", 80, 0, []string{"文化传播有限公司", "演艺有限公司", "演出经纪有限公司", "艺术团有限公司", "剧院管理有限公司", "剧场有限公司"}, nil, 0,
		[]string{"涉外演出", "旅游演艺"}},
	{"T10", 70, 50, []string{"艺术品有限公司", "文化艺术有限公司", "寿山石文化有限公司", "艺术品经营有限公司"},
		[]string{"画廊", "艺术馆", "寿山石雕艺术馆", "书画院", "工艺品店", "寿山石商行"}, 0, []string{"寿山石", "书画", "脱胎漆器", "网络销售"}},
	{"T11", 60, 0, []string{"网络科技有限公司", "互动娱乐有限公司", "数字文化有限公司", "文化传媒有限公司", "信息科技有限公司", "网络传媒有限公司"}, nil, 0,
		[]string{"网络表演", "网络游戏", "网络音乐", "网络动漫", "网络直播"}},
	{"T12", 5, 0, []string{"艺术培训学校", "艺术培训中心", "艺术教育中心"}, nil, 0, []string{"音乐", "美术", "舞蹈", "书法"}},
	{"T13", 40, 50, []string{"印务有限公司", "彩印有限公司", "图书有限公司", "印刷有限公司", "书店有限公司"},
		[]string{"书店", "书屋", "图书文具店", "图文快印店"}, 0, []string{"出版物零售", "出版物批发", "包装装潢印刷"}},
	{"T14", 20, 0, []string{"影城有限公司", "影院有限公司", "影院管理有限公司", "影城管理有限公司"}, nil, 20, []string{"连锁", "巨幕厅", "激光放映"}},
	{"T16", 5, 0, []string{"文物商店有限公司", "拍卖有限公司", "古玩有限公司"}, nil, 0, []string{"文物拍卖", "文物商店"}},
}

// performanceKinds names the kind of 营业性演出主体 that each T09 company word
// implies; it becomes a tag, so that draws can stratify by it.
var performanceKinds = map[string]string{
	"文化传播有限公司": "演出经纪机构", "演艺有限公司": "文艺表演团体", "演出经纪有限公司": "演出经纪机构",
	"艺术团有限公司": "文艺表演团体", "剧院管理有限公司": "演出场所经营单位", "剧场有限公司": "演出场所经营单位",
}

// district is one of Fuzhou's 13 county-level divisions with what the
// generator needs to place entities and staff there. Weights follow
// population and economy (the five big urban areas first), so a sample of
// the demo directory looks like the real one: most 网吧 and KTV in 鼓楼,
// 台江, 仓山, 晋安 and 福清, few in the mountain counties.
type district struct {
	code       string
	name       string // 鼓楼区, as names and addresses write it
	weight     int    // share of entities
	scenic     int    // share of A级景区, which sit in the countryside
	addr       string // address prefix
	towns      []string
	roads      []string
	dept       string // bureau code (the draw's unit)
	deptName   string
	staff      string // staff id prefix
	inspectors int
}

// districts are Fuzhou's divisions in GB/T 2260 order. Road and town names
// are those of the real district, so addresses read as local; only the
// house numbers are invented.
var districts = []district{
	{"350102", "鼓楼区", 16, 3, "福州市鼓楼区", nil,
		[]string{"五四路", "东街", "杨桥中路", "湖东路", "鼓屏路", "古田路", "乌山路", "铜盘路", "北大路", "华林路", "温泉支路", "白马北路", "西洪路", "工业路"},
		"GLWL", "鼓楼区文化体育和旅游局", "GL", 6},
	{"350103", "台江区", 12, 1, "福州市台江区", nil,
		[]string{"八一七中路", "五一中路", "宁化路", "达道路", "江滨中大道", "六一中路", "广达路", "群众路", "鳌峰路", "国货西路"},
		"TJWL", "台江区文化体育和旅游局", "TJ", 5},
	{"350104", "仓山区", 13, 2, "福州市仓山区", nil,
		[]string{"则徐大道", "金山大道", "建新北路", "福湾路", "浦上大道", "南江滨西大道", "对湖路", "仓前路", "梅坞路", "首山路", "上三路"},
		"CSWL", "仓山区文化体育和旅游局", "CS", 5},
	{"350105", "马尾区", 4, 2, "福州市马尾区", []string{"罗星街道", "马尾镇", "亭江镇", "琅岐镇"},
		[]string{"江滨东大道", "儒江西路", "君竹路", "沿山西路"},
		"MWWL", "马尾区文化体育和旅游局", "MW", 3},
	{"350111", "晋安区", 12, 4, "福州市晋安区", nil,
		[]string{"福马路", "化工路", "福新中路", "连江北路", "鹤林路", "秀峰路", "前横路", "象园路", "晋连路", "战坂路"},
		"JAWL", "晋安区文化体育和旅游局", "JA", 5},
	{"350112", "长乐区", 7, 3, "福州市长乐区", []string{"吴航街道", "航城街道", "营前街道", "潭头镇", "金峰镇"},
		[]string{"郑和中路", "郑和西路", "吴航路"},
		"CLWL", "长乐区文化体育和旅游局", "CL", 4},
	{"350121", "闽侯县", 8, 5, "福州市闽侯县", []string{"甘蔗街道", "上街镇", "南屿镇", "青口镇", "荆溪镇"},
		[]string{"乌龙江大道", "高新大道", "溪源江路"},
		"MHWL", "闽侯县文化体育和旅游局", "MH", 4},
	{"350122", "连江县", 4, 4, "福州市连江县", []string{"凤城镇", "敖江镇", "琯头镇", "丹阳镇", "黄岐镇"},
		[]string{"江滨路", "丹凤东路", "府前路", "人民路"},
		"LJWL", "连江县文化体育和旅游局", "LJ", 3},
	{"350123", "罗源县", 2, 3, "福州市罗源县", []string{"凤山镇", "松山镇", "起步镇"},
		[]string{"府前路", "人民路", "滨湖路"},
		"LYWL", "罗源县文化体育和旅游局", "LY", 2},
	{"350124", "闽清县", 2, 3, "福州市闽清县", []string{"梅城镇", "白樟镇", "坂东镇"},
		[]string{"府前路", "人民路", "梅溪路"},
		"MQWL", "闽清县文化体育和旅游局", "MQ", 2},
	{"350125", "永泰县", 3, 6, "福州市永泰县", []string{"樟城镇", "城峰镇", "嵩口镇", "葛岭镇"},
		[]string{"府前路", "人民路", "南门路"},
		"YTWL", "永泰县文化体育和旅游局", "YT", 2},
	{"350128", "平潭综合实验区", 4, 5, "福建省平潭综合实验区", []string{"潭城镇", "苏澳镇", "流水镇", "澳前镇", "北厝镇", "敖东镇"},
		[]string{"金井湾大道", "城中路", "环岛路"},
		"PTWL", "平潭综合实验区旅游与文化体育局", "PT", 3},
	{"350181", "福清市", 11, 4, "福建省福清市", []string{"玉屏街道", "龙山街道", "音西街道", "宏路街道", "龙江街道", "阳下街道", "江阴镇", "龙田镇"},
		[]string{"清昌大道", "福清大道", "石竹路", "龙江路"},
		"FQWL", "福清市文化体育和旅游局", "FQ", 5},
}

// surnames are weighted towards those common in Fujian (陈 and 林 above all)
// by repetition.
var surnames = []rune("陈陈陈陈林林林林黄黄黄张张李李王王吴吴刘郑郑杨蔡许翁游詹叶徐高周谢何施卢潘江朱邱魏庄薛苏余罗杜吕曾胡邓")

// givenChars make one- or two-character given names.
var givenChars = []rune("伟芳敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国文辉鑫鹏晓婷雪琳晨宇浩凯欣颖志斌玲燕梅宏峰亮锋榕闽清海彬毅晶莹丹阳娜倩慧琴荣坤炜煌")

// brands are 字号 (trade names). They are generic words, deliberately not the
// marks of real chains, and combine with brandTails and the industry words
// into enough distinct names for a million-row stream.
var brands = []string{
	"闽都", "榕城", "海峡", "三山", "闽江", "鼓岭", "福海", "瑞丰", "鑫源", "恒泰", "华宇", "佳和", "盛世", "金榜",
	"星际", "天成", "嘉禾", "东方", "南方", "聚贤", "宏图", "新乐", "欢唱", "至尊", "皇冠", "金色", "银河", "蓝海",
	"青橙", "凯旋", "龙腾", "凤鸣", "百灵", "飞扬", "云端", "极速", "锦程", "鸿运", "祥和", "瑞安", "永盛", "泰和",
	"安达", "宏达", "华安", "福瑞", "源丰", "聚福", "乐途", "悦游", "畅游", "远航", "启航", "星辰", "晨光", "朝阳",
	"阳光", "海韵", "山水", "闽韵", "茉莉", "榕树", "榕荫", "三坊", "乌山", "西湖", "左海", "温泉", "江滨", "金山",
	"琅岐", "旗山", "青云", "紫阳", "鑫盛", "富华", "银杏", "翰林", "墨香", "雅韵", "清风", "明月", "星河", "名仕",
	"尚品", "优品", "汇金", "聚能", "博雅", "博文", "德馨", "和美", "鼎盛", "昌隆", "兴旺", "万和", "千禧", "百盛",
	"正通", "大唐", "汉韵", "古韵", "新航", "纵横", "环宇", "环球", "四海", "五洲", "天下", "九州", "金桥", "银桥",
	"彩虹", "蓝天", "白鹭", "海鸥", "天鹅", "雄鹰", "骏马", "麒麟", "凤凰", "玉兰", "梅花", "兰亭", "竹林", "松风",
	"晴川", "润泽", "沐阳", "熙和", "嘉怡", "欣悦", "乐游", "童趣", "逸品", "卓越", "超越", "领航", "先锋", "英豪",
	"鑫海", "瑞祥", "福缘", "金鼎", "华美", "锦华", "汇源", "聚星", "明珠", "天骄", "腾飞", "宏远", "永安", "长青",
	"春晖", "秋实", "海天", "江南", "岭南", "闽南", "闽北", "东南", "西岸", "北辰", "南星", "朗逸", "盛唐", "鸿福",
}

// brandTails optionally lengthen a 字号 to four characters.
var brandTails = []string{
	"时代", "阳光", "星光", "海湾", "之星", "印象", "天地", "假日", "家园", "港湾", "风尚", "经典", "传奇",
	"未来", "空间", "部落", "联盟", "之家", "世纪", "新城", "都市", "乐园", "花园", "丽景", "锦绣", "嘉园", "名门",
	"悦享", "乐享", "优选", "盛景", "金港", "云上", "星空", "蓝湾", "雅居", "同创", "恒通", "天悦",
}

// scenicWords name scenic areas; they sound like mountains, waters and
// villages rather than firms.
var scenicWords = []string{
	"青云", "云顶", "天门", "白云", "金鸡", "翠屏", "凤凰", "龙潭", "九龙", "仙岩", "双龙", "五虎", "飞瀑", "桃源",
	"丹霞", "石门", "云居", "百丈", "龙湫", "莲花", "紫云", "碧水", "清溪", "月洲", "梅溪", "樟溪", "雪峰", "天池",
	"东湖", "西峰", "南山", "北峰", "蓝湾", "金沙", "银滩", "海坛", "象山", "鹿鸣", "观音", "罗汉",
}

// mobilePrefixes are mainland mobile prefixes for contact phones.
var mobilePrefixes = []string{"133", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "177", "180", "186", "187", "188", "189"}
