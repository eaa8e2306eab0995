package spotcheck

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Complaints (投诉举报) and administrative penalties (行政处罚) are two
// inputs of the risk model (issue 14, item 1; factors FactorComplaints and
// FactorPenalties, docs/risk-model.md §6). Both are imported from Excel
// like the directories (KindComplaints, KindPenalties), all or nothing,
// and both concern an entity of the 检查对象名录库 named by its credit code.
// The rules of their fields are here; that the entity exists, and that it
// and the recording department lie in the user's scope, the store checks.

// Complaint channels (受理渠道).
const (
	Channel12345  = "12345"
	Channel12318  = "12318"
	ChannelLetter = "来信"
	ChannelVisit  = "来访"
	ChannelOnline = "网络"
	ChannelOther  = "其他"
)

// ComplaintChannels lists the channels a complaint may come by.
var ComplaintChannels = []string{Channel12345, Channel12318, ChannelLetter, ChannelVisit, ChannelOnline, ChannelOther}

// Complaint outcomes (办理结果).
const (
	OutcomeTrue      = "属实"
	OutcomePartTrue  = "部分属实"
	OutcomeUntrue    = "不属实"
	OutcomeInProcess = "办理中"
)

// ComplaintOutcomes lists the outcomes a complaint may have.
var ComplaintOutcomes = []string{OutcomeTrue, OutcomePartTrue, OutcomeUntrue, OutcomeInProcess}

// CountedComplaintOutcomes are the outcomes that make a complaint count
// for the risk model: only a complaint found true, wholly or in part. An
// untrue complaint or one still in process says nothing about the entity
// (a competitor's complaint must not raise its class). This is the one
// home of the rule: Complaint.CountsForRisk and the store's grouped count
// (CountRiskEvents) both read it.
var CountedComplaintOutcomes = []string{OutcomeTrue, OutcomePartTrue}

// Penalty kinds (行政处罚种类, 《行政处罚法》第九条, as culture and tourism
// decisions use them).
const (
	PenaltyWarning    = "警告"
	PenaltyFine       = "罚款"
	PenaltyConfiscate = "没收违法所得"
	PenaltySuspend    = "责令停业整顿"
	PenaltyRevoke     = "吊销许可证"
	PenaltyOther      = "其他"
)

// PenaltyKinds lists the kinds a penalty may combine (警告并处罚款 is
// two).
var PenaltyKinds = []string{PenaltyWarning, PenaltyFine, PenaltyConfiscate, PenaltySuspend, PenaltyRevoke, PenaltyOther}

// Complaint is one 投诉举报 about an entity. Its number is unique within
// the department that received it (Dept, Number is its key).
type Complaint struct {
	Number   string // 投诉编号, as the receiving department numbers it
	Dept     string // 受理部门: the department code
	EntityID string // 统一社会信用代码 of the entity complained about
	Received string // 受理日期 YYYY-MM-DD
	Channel  string // one of ComplaintChannels
	Summary  string // 投诉内容摘要
	Outcome  string // one of ComplaintOutcomes
	Active   bool   // false = withdrawn from the records (never deleted)

	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// CountsForRisk reports whether the complaint counts for the risk model's
// complaints factor: it is active and its outcome is among
// CountedComplaintOutcomes. Whether it falls in the factor's window is
// the model's (RiskModel.Since).
func (c *Complaint) CountsForRisk() bool {
	return c.Active && slices.Contains(CountedComplaintOutcomes, c.Outcome)
}

// Penalty is one 行政处罚决定 against an entity. Its 决定书文号 is unique.
type Penalty struct {
	Number     string   // 处罚决定书文号, e.g. 榕文旅罚〔2025〕12号
	Dept       string   // 处罚机关: the department code
	EntityID   string   // 统一社会信用代码 of the entity penalised
	Decided    string   // 处罚决定日期 YYYY-MM-DD
	Cause      string   // 违法事实（案由）
	LegalBasis string   // 处罚依据
	Kinds      []string // 处罚种类, among PenaltyKinds, at least one
	Amount     string   // 罚没金额（元）, a decimal with at most 2 places; "" = none
	Active     bool     // false = revoked or withdrawn (never deleted)

	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// CountsForRisk reports whether the penalty counts for the risk model's
// penalties factor: every active penalty does.
func (p *Penalty) CountsForRisk() bool { return p.Active }

// Normalize trims the fields and canonicalises the codes of a complaint.
func (c *Complaint) Normalize() {
	c.Number = strings.TrimSpace(c.Number)
	c.Dept = NormalizeCode(c.Dept)
	c.EntityID = NormalizeCode(c.EntityID)
	for _, f := range []*string{&c.Received, &c.Channel, &c.Summary, &c.Outcome} {
		*f = strings.TrimSpace(*f)
	}
	c.Channel = strings.TrimSuffix(c.Channel, "热线")
}

// Validate checks a normalized complaint against its rules, on today
// (YYYY-MM-DD: no complaint is received in the future), and changes
// nothing. That its entity and department exist is the store's check.
func (c *Complaint) Validate(today string) Problems {
	var p Problems
	if p.checkRequired("number", "投诉编号", c.Number) {
		p.checkLen("number", "投诉编号", c.Number, 64)
	}
	p.checkRequired("dept", "受理部门", c.Dept)
	checkEntityCode(&p, c.EntityID)
	checkPastDate(&p, "received", "受理日期", c.Received, today)
	if p.checkRequired("channel", "受理渠道", c.Channel) {
		p.checkOneOf("channel", "受理渠道", c.Channel, ComplaintChannels...)
	}
	if p.checkRequired("summary", "投诉内容", c.Summary) {
		p.checkLen("summary", "投诉内容", c.Summary, 500)
	}
	if p.checkRequired("outcome", "办理结果", c.Outcome) {
		p.checkOneOf("outcome", "办理结果", c.Outcome, ComplaintOutcomes...)
	}
	return p
}

// Normalize trims the fields, canonicalises the codes, drops repeated
// kinds and writes the amount in its shortest form (5000.50 → 5000.5).
func (p *Penalty) Normalize() {
	p.Number = strings.TrimSpace(p.Number)
	p.Dept = NormalizeCode(p.Dept)
	p.EntityID = NormalizeCode(p.EntityID)
	for _, f := range []*string{&p.Decided, &p.Cause, &p.LegalBasis, &p.Amount} {
		*f = strings.TrimSpace(*f)
	}
	p.Kinds = normalizeTags(p.Kinds)
	p.Amount = strings.TrimSuffix(strings.ReplaceAll(p.Amount, ",", ""), "元")
	if amountRe.MatchString(p.Amount) && strings.Contains(p.Amount, ".") {
		p.Amount = strings.TrimRight(strings.TrimRight(p.Amount, "0"), ".")
	}
	if amountRe.MatchString(p.Amount) {
		p.Amount = strings.TrimLeft(p.Amount, "0")
		if p.Amount == "" || p.Amount[0] == '.' {
			p.Amount = "0" + p.Amount
		}
	}
}

// amountRe is a sum of money in yuan: digits with at most two decimals.
var amountRe = regexp.MustCompile(`^[0-9]{1,12}(\.[0-9]{1,2})?$`)

// Validate checks a normalized penalty against its rules, on today
// (YYYY-MM-DD), and changes nothing. A fine (罚款) needs its amount; an
// amount needs a kind that has one (罚款 or 没收违法所得).
func (p *Penalty) Validate(today string) Problems {
	var ps Problems
	if ps.checkRequired("number", "决定书文号", p.Number) {
		ps.checkLen("number", "决定书文号", p.Number, 64)
	}
	ps.checkRequired("dept", "处罚机关", p.Dept)
	checkEntityCode(&ps, p.EntityID)
	checkPastDate(&ps, "decided", "决定日期", p.Decided, today)
	if ps.checkRequired("cause", "违法事实", p.Cause) {
		ps.checkLen("cause", "违法事实", p.Cause, 500)
	}
	if ps.checkRequired("legal_basis", "处罚依据", p.LegalBasis) {
		ps.checkLen("legal_basis", "处罚依据", p.LegalBasis, 300)
	}
	if len(p.Kinds) == 0 {
		ps.Add("kinds", "处罚种类", "不能为空")
	}
	for _, k := range p.Kinds {
		ps.checkOneOf("kinds", "处罚种类", k, PenaltyKinds...)
	}
	monetary := slices.Contains(p.Kinds, PenaltyFine) || slices.Contains(p.Kinds, PenaltyConfiscate)
	switch {
	case p.Amount == "":
		if slices.Contains(p.Kinds, PenaltyFine) {
			ps.Add("amount", "罚没金额", "处罚种类含罚款时必须填写罚没金额")
		}
	case !amountRe.MatchString(p.Amount):
		ps.Add("amount", "罚没金额", "“%s”不是有效金额，应为以元为单位的数字，至多两位小数", p.Amount)
	case !monetary:
		ps.Add("amount", "罚没金额", "只有罚款或没收违法所得才填写罚没金额")
	case p.amountZero() && slices.Contains(p.Kinds, PenaltyFine):
		ps.Add("amount", "罚没金额", "罚款金额应大于0")
	}
	return ps
}

func (p *Penalty) amountZero() bool {
	f, err := strconv.ParseFloat(p.Amount, 64)
	return err == nil && f == 0
}

// checkEntityCode checks the credit code of the entity a complaint or
// penalty concerns: it must be a valid 统一社会信用代码 (or a legacy 注册号),
// checksum included.
func checkEntityCode(p *Problems, code string) {
	if !p.checkRequired("entity_id", "统一社会信用代码", code) {
		return
	}
	if _, err := CheckCreditCode(code); err != nil {
		p.Add("entity_id", "统一社会信用代码", "%s", ErrorMessage(err))
	}
}

// checkPastDate checks a required date that may not lie after today.
func checkPastDate(p *Problems, field, label, s, today string) {
	if !p.checkRequired(field, label, s) {
		return
	}
	if !ValidDate(s) {
		p.Add(field, label, "“%s”不是有效日期，应为YYYY-MM-DD", s)
	} else if today != "" && s > today {
		p.Add(field, label, "“%s”晚于今天", s)
	}
}

// ComplaintFilter selects complaints for FindComplaints. Zero fields do
// not filter.
type ComplaintFilter struct {
	EntityID string
	Dept     string // the receiving department
	Since    string // received on or after, YYYY-MM-DD
	Outcome  string
	Offset   int
	Limit    int
}

// PenaltyFilter selects penalties for FindPenalties. Zero fields do not
// filter.
type PenaltyFilter struct {
	EntityID string
	Dept     string // the deciding department
	Since    string // decided on or after, YYYY-MM-DD
	Offset   int
	Limit    int
}

// RiskEvents are the counts of one entity's complaints and penalties in
// the windows of the risk model, as RiskFacts.Complaints and
// RiskFacts.Penalties take them.
type RiskEvents struct {
	Complaints int
	Penalties  int
}

// RiskEventService keeps the complaints and penalties, the imported
// inputs of the risk model (store/complaint.go, store/penalty.go). Both
// are kept by the department that recorded them and concern an entity of
// the directory: a user writes them with PermEditDirectory when both the
// department and the entity lie in their scope, and sees those of the
// entities in their scope (PermViewDirectory). The common contract of
// every service is in doc.go.
type RiskEventService interface {
	// FindComplaints returns one page of the complaints about entities in
	// the user's scope that match f, newest first. EUNAUTHORIZED,
	// EFORBIDDEN.
	FindComplaints(ctx context.Context, f ComplaintFilter) (List[*Complaint], error)
	// ImportComplaints imports src all or nothing, matching stored
	// complaints by department and number. EINVALID (an *ImportError
	// naming each row's problems: a bad credit code, an entity not in the
	// directory or not in the user's scope, a repeated number),
	// EFORBIDDEN, EUNAUTHORIZED.
	ImportComplaints(ctx context.Context, src ImportSource[Complaint]) (ImportSummary, error)
	// ExportComplaints calls fn with every complaint about an entity in
	// the user's scope. EFORBIDDEN, EUNAUTHORIZED.
	ExportComplaints(ctx context.Context, fn func(*Complaint) error) error
	// FindPenalties returns one page of the penalties of entities in the
	// user's scope that match f, newest first. EUNAUTHORIZED, EFORBIDDEN.
	FindPenalties(ctx context.Context, f PenaltyFilter) (List[*Penalty], error)
	// ImportPenalties imports src all or nothing, matching stored
	// penalties by 决定书文号. The errors of ImportComplaints.
	ImportPenalties(ctx context.Context, src ImportSource[Penalty]) (ImportSummary, error)
	// ExportPenalties calls fn with every penalty of an entity in the
	// user's scope. EFORBIDDEN, EUNAUTHORIZED.
	ExportPenalties(ctx context.Context, fn func(*Penalty) error) error
	// CountRiskEvents counts, per entity in the user's scope, the
	// complaints received on or after complaintsSince that count for risk
	// (CountedComplaintOutcomes) and the active penalties decided on or
	// after penaltiesSince (YYYY-MM-DD; "" leaves that count at 0, for a
	// model without the factor). Entities with neither are absent. One
	// grouped query per kind. EFORBIDDEN, EUNAUTHORIZED.
	CountRiskEvents(ctx context.Context, complaintsSince, penaltiesSince string) (map[string]RiskEvents, error)
}
