package demo

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"spotcheck"
)

// streamRiskEvents is the PCG stream of the complaints and penalties.
const streamRiskEvents = 0x7269736b // "risk"

// Numbers of demo complaints and penalties: a few dozen, enough for the
// risk model's complaints and penalties factors to set some classes.
const (
	demoComplaints = 40
	demoPenalties  = 16
)

// complaintTopics are what complaints about an entity of a type are about,
// as 12345 and 12318 work orders summarise them.
var complaintTopics = map[string][]string{
	"T01": {"旅游团导游强迫游客购物", "未按旅游合同约定安排行程", "以不合理低价组织旅游活动", "擅自变更旅游行程并加收费用", "未退还旅游团款"},
	"T02": {"平台展示的酒店信息与实际不符", "订单取消后未按约定退款", "利用大数据对老用户加价"},
	"T03": {"景区超过最大承载量仍售票", "景区内商户强买强卖", "景区游乐设施安全隐患"},
	"T04": {"客房卫生不达标", "实际设施与星级标准不符"},
	"T06": {"接纳未成年人进入营业场所", "未核验上网人员身份证件", "营业场所内吸烟且无人劝阻"},
	"T07": {"深夜营业噪音扰民", "超时营业", "包厢内有违规曲目"},
	"T08": {"游戏游艺设备有赌博功能嫌疑", "接纳未成年人在法定节假日以外进入"},
	"T09": {"演出内容与报批不一致", "演出票务退票纠纷"},
}

var defaultTopics = []string{"虚假宣传", "服务质量差、投诉无人处理", "价格欺诈"}

// penaltyCases are the usual decisions against an entity of a type: the
// cause, the legal basis and the kinds (a fine's amount is drawn).
type penaltyCase struct {
	cause, basis string
	kinds        []string
}

var penaltyCases = map[string][]penaltyCase{
	"T01": {
		{"未与旅游者签订书面旅游合同", "《旅行社条例》第五十五条", []string{spotcheck.PenaltyFine}},
		{"安排旅游者参观另行付费旅游项目", "《中华人民共和国旅游法》第九十八条", []string{spotcheck.PenaltyFine, spotcheck.PenaltyConfiscate}},
		{"未按规定投保旅行社责任险", "《旅行社条例》第四十九条", []string{spotcheck.PenaltyWarning}},
	},
	"T06": {
		{"接纳未成年人进入营业场所", "《互联网上网服务营业场所管理条例》第三十一条", []string{spotcheck.PenaltyWarning, spotcheck.PenaltyFine}},
		{"未按规定核对、登记上网消费者有效身份证件", "《互联网上网服务营业场所管理条例》第三十一条", []string{spotcheck.PenaltySuspend}},
	},
	"T07": {
		{"超过规定营业时间营业", "《娱乐场所管理条例》第四十八条", []string{spotcheck.PenaltyWarning}},
		{"提供含有禁止内容的曲目", "《娱乐场所管理条例》第四十一条", []string{spotcheck.PenaltyFine, spotcheck.PenaltyConfiscate}},
	},
	"T09": {
		{"演出内容与批准的不一致", "《营业性演出管理条例》第四十六条", []string{spotcheck.PenaltyFine}},
	},
}

var defaultCase = penaltyCase{"未按规定办理变更备案", "《中华人民共和国行政处罚法》第二十八条", []string{spotcheck.PenaltyWarning}}

// riskEvents generates the demo's complaints and penalties on ents, in
// the three years before today: most complaints go to the bureau of the
// entity's division, some to the city bureau (12345 and 12318 are city
// hotlines); about half are found true wholly or in part. Penalties fall
// mostly on entities with a true complaint, as they do in practice, and
// are decided by the entity's bureau or the city bureau. Numbers are
// unique per department (complaints) and everywhere (penalties) by
// construction.
func riskEvents(r *rand.Rand, today time.Time, ents []spotcheck.Entity) ([]spotcheck.Complaint, []spotcheck.Penalty) {
	var pool []int
	for i, e := range ents {
		if e.ID != "" && e.Active && e.Status == spotcheck.StatusOperating {
			pool = append(pool, i)
		}
	}
	if len(pool) == 0 {
		return nil, nil
	}
	bureauOf := map[string]district{}
	for _, d := range districts {
		bureauOf[d.code] = d
	}
	// A few entities draw several complaints, so that the factor's cap
	// is reached somewhere.
	targets := make([]int, 0, demoComplaints)
	for len(targets) < demoComplaints {
		i := pick(r, pool)
		for n := 1 + r.IntN(3); n > 0 && len(targets) < demoComplaints; n-- {
			targets = append(targets, i)
		}
	}
	from := today.AddDate(-3, 0, 1)
	seq := map[string]int{}
	var cs []spotcheck.Complaint
	var truthful []int
	for _, i := range targets {
		e := ents[i]
		dept := bureauOf[e.Division].dept
		channel := pick(r, []string{spotcheck.Channel12345, spotcheck.Channel12345, spotcheck.Channel12318,
			spotcheck.ChannelOnline, spotcheck.ChannelLetter, spotcheck.ChannelVisit})
		if dept == "" || (channel == spotcheck.Channel12345 || channel == spotcheck.Channel12318) && chance(r, 30) {
			dept = deptBureau
		}
		received := between(r, from, today)
		seq[dept+received[:4]]++ // numbered by year within each department
		outcome := pick(r, []string{spotcheck.OutcomeTrue, spotcheck.OutcomeTrue, spotcheck.OutcomePartTrue,
			spotcheck.OutcomeUntrue, spotcheck.OutcomeUntrue, spotcheck.OutcomeInProcess})
		if received < day(today, -60) && outcome == spotcheck.OutcomeInProcess {
			outcome = spotcheck.OutcomeUntrue // an old complaint has been dealt with
		}
		topics, ok := complaintTopics[e.Type]
		if !ok {
			topics = defaultTopics
		}
		cs = append(cs, spotcheck.Complaint{Number: fmt.Sprintf("TS-%s-%04d", received[:4], seq[dept+received[:4]]), Dept: dept,
			EntityID: e.ID, Received: received, Channel: channel, Summary: pick(r, topics), Outcome: outcome, Active: true})
		if outcome == spotcheck.OutcomeTrue || outcome == spotcheck.OutcomePartTrue {
			truthful = append(truthful, i)
		}
	}
	var ps []spotcheck.Penalty
	numbers := map[string]int{}
	for len(ps) < demoPenalties {
		i := pick(r, pool)
		if len(truthful) > 0 && chance(r, 70) {
			i = pick(r, truthful)
		}
		e := ents[i]
		d, ok := bureauOf[e.Division]
		dept, prefix := deptBureau, "榕文旅罚"
		if ok && d.dept != "" && chance(r, 60) {
			dept, prefix = d.dept, shortName(&d)+"文旅罚"
		}
		decided := between(r, from, today)
		numbers[prefix+decided[:4]]++
		cases, found := penaltyCases[e.Type]
		c := defaultCase
		if found {
			c = pick(r, cases)
		}
		p := spotcheck.Penalty{Number: fmt.Sprintf("%s〔%s〕%d号", prefix, decided[:4], numbers[prefix+decided[:4]]),
			Dept: dept, EntityID: e.ID, Decided: decided, Cause: c.cause, LegalBasis: c.basis,
			Kinds: append([]string(nil), c.kinds...), Active: true}
		for _, k := range p.Kinds {
			if k == spotcheck.PenaltyFine {
				p.Amount = strconv.Itoa(1000 * (2 + r.IntN(29)))
			}
		}
		ps = append(ps, p)
	}
	return cs, ps
}
