package xlsx

import (
	"spotcheck"
)

// Complaints is the codec of the 投诉举报 import (KIND complaints), an
// input of the risk model (docs/risk-model.md §6).
var Complaints = newCodec(spotcheck.KindComplaints,
	func() spotcheck.Complaint { return spotcheck.Complaint{Active: true} },
	str(Column{Key: "number", Header: "投诉编号", Required: true, Text: true, Width: 20,
		Help: "受理部门的投诉举报编号（工单号），同一受理部门内不重复"},
		func(c *spotcheck.Complaint) *string { return &c.Number }),
	str(Column{Key: "dept", Header: "受理部门", Required: true, Text: true, Width: 12, Help: "部门代码，如FZWL"},
		func(c *spotcheck.Complaint) *string { return &c.Dept }),
	eventEntity(func(c *spotcheck.Complaint) *string { return &c.EntityID }),
	date(Column{Key: "received", Header: "受理日期", Required: true, Width: 12},
		func(c *spotcheck.Complaint) *string { return &c.Received }),
	str(Column{Key: "channel", Header: "受理渠道", Required: true, Width: 10, Options: spotcheck.ComplaintChannels,
		Help: "12345、12318（文化市场举报热线）、来信、来访、网络或其他"},
		func(c *spotcheck.Complaint) *string { return &c.Channel }),
	str(Column{Key: "summary", Header: "投诉内容", Required: true, Width: 40, Help: "投诉举报事项摘要，不超过500字"},
		func(c *spotcheck.Complaint) *string { return &c.Summary }),
	str(Column{Key: "outcome", Header: "办理结果", Required: true, Width: 10, Options: spotcheck.ComplaintOutcomes,
		Help: "只有“属实”和“部分属实”计入信用风险分类"},
		func(c *spotcheck.Complaint) *string { return &c.Outcome }),
	recordState(func(c *spotcheck.Complaint) *bool { return &c.Active }),
)

// Penalties is the codec of the 行政处罚 import (KIND penalties), an input
// of the risk model (docs/risk-model.md §6).
var Penalties = newCodec(spotcheck.KindPenalties,
	func() spotcheck.Penalty { return spotcheck.Penalty{Active: true} },
	str(Column{Key: "number", Header: "决定书文号", Required: true, Width: 24, Help: "行政处罚决定书文号，全市不重复"},
		func(p *spotcheck.Penalty) *string { return &p.Number }),
	str(Column{Key: "dept", Header: "处罚机关", Required: true, Text: true, Width: 12, Help: "作出处罚决定的部门代码，如FZWL"},
		func(p *spotcheck.Penalty) *string { return &p.Dept }),
	eventEntity(func(p *spotcheck.Penalty) *string { return &p.EntityID }),
	date(Column{Key: "decided", Header: "决定日期", Required: true, Width: 12},
		func(p *spotcheck.Penalty) *string { return &p.Decided }),
	str(Column{Key: "cause", Header: "违法事实", Required: true, Width: 36, Help: "案由或主要违法事实，不超过500字"},
		func(p *spotcheck.Penalty) *string { return &p.Cause }),
	str(Column{Key: "legal_basis", Header: "处罚依据", Required: true, Width: 30, Help: "法律法规条款"},
		func(p *spotcheck.Penalty) *string { return &p.LegalBasis }),
	list(Column{Key: "kinds", Header: "处罚种类", Required: true, Width: 18,
		Help: "警告、罚款、没收违法所得、责令停业整顿、吊销许可证或其他；并处的用“、”分隔，如“警告、罚款”"},
		func(p *spotcheck.Penalty) *[]string { return &p.Kinds }),
	str(Column{Key: "amount", Header: "罚没金额", Width: 12, Help: "单位：元，至多两位小数；处罚种类含罚款时必填"},
		func(p *spotcheck.Penalty) *string { return &p.Amount }),
	recordState(func(p *spotcheck.Penalty) *bool { return &p.Active }),
)

// eventEntity is the credit-code column of a complaint or penalty.
func eventEntity[T any](ptr func(*T) *string) field[T] {
	return str(Column{Key: "entity_id", Header: "统一社会信用代码", Required: true, Text: true, Width: 22,
		Help: "被投诉、被处罚的检查对象的18位统一社会信用代码，须已在检查对象名录库中；请保持单元格为文本格式"}, ptr)
}

// recordState is the 名录状态 column under the name a record that is not
// a directory entry carries: 已停用 withdraws a complaint or penalty
// (revoked, entered by mistake) from the risk model, keeping it.
func recordState[T any](ptr func(*T) *bool) field[T] {
	f := active(ptr)
	f.col.Header = "记录状态"
	f.col.Help = "不填视为“有效”；已撤销或误录的填“已停用”，不再计入信用风险分类"
	return f
}
