package xlsx

import (
	"strings"

	"spotcheck"
)

// The headers below are also the labels the domain's Validate methods put
// in their problems; they must stay equal character for character.

// Entities is the codec of the 检查对象名录库 (KIND entities).
var Entities = newCodec(spotcheck.KindEntities,
	func() spotcheck.Entity { return spotcheck.Entity{Active: true} },
	str(Column{Key: "id", Header: "统一社会信用代码", Required: true, Text: true, Width: 22,
		Help: "18位统一社会信用代码，老企业可填15位注册号；导游/领队不填（由导游证号生成）；请保持单元格为文本格式"},
		func(e *spotcheck.Entity) *string { return &e.ID }),
	str(Column{Key: "name", Header: "名称", Required: true, Width: 30}, func(e *spotcheck.Entity) *string { return &e.Name }),
	str(Column{Key: "type", Header: "类型", Required: true, Width: 16, Help: "检查对象类型的代码或名称：" + targetTypesHelp()},
		func(e *spotcheck.Entity) *string { return &e.Type }),
	str(Column{Key: "division", Header: "区划代码", Required: true, Text: true, Width: 10, Help: "6位GB/T 2260行政区划代码，如350102"},
		func(e *spotcheck.Entity) *string { return &e.Division }),
	str(Column{Key: "address", Header: "地址", Required: true, Width: 36}, func(e *spotcheck.Entity) *string { return &e.Address }),
	str(Column{Key: "legal_rep", Header: "法定代表人", Width: 12, Help: "法定代表人或负责人"},
		func(e *spotcheck.Entity) *string { return &e.LegalRep }),
	str(Column{Key: "licence_no", Header: "许可证号", Text: true, Width: 20}, func(e *spotcheck.Entity) *string { return &e.LicenceNo }),
	str(Column{Key: "guide_card_no", Header: "导游证号", Text: true, Width: 20, Help: "导游/领队必填"},
		func(e *spotcheck.Entity) *string { return &e.GuideCardNo }),
	str(Column{Key: "status", Header: "经营状态", Required: true, Width: 10, Options: spotcheck.EntityStatuses},
		func(e *spotcheck.Entity) *string { return &e.Status }),
	str(Column{Key: "credit_class", Header: "信用风险分类", Required: true, Width: 12, Options: spotcheck.CreditClasses,
		Help: "A 信用风险低、B 信用风险一般、C 信用风险较高、D 信用风险高"},
		func(e *spotcheck.Entity) *string { return &e.CreditClass }),
	yesNo(Column{Key: "key", Header: "重点检查对象", Width: 12, Help: "不填视为“否”；填“是”时须填写重点原因"},
		func(e *spotcheck.Entity) *bool { return &e.Key }),
	str(Column{Key: "key_reason", Header: "重点原因", Width: 24}, func(e *spotcheck.Entity) *string { return &e.KeyReason }),
	date(Column{Key: "key_expiry", Header: "重点有效期至", Width: 12}, func(e *spotcheck.Entity) *string { return &e.KeyExpiry }),
	list(Column{Key: "tags", Header: "标签", Width: 20}, func(e *spotcheck.Entity) *[]string { return &e.Tags }),
	date(Column{Key: "founded", Header: "成立日期", Width: 12}, func(e *spotcheck.Entity) *string { return &e.Founded }),
	str(Column{Key: "phone", Header: "联系电话", Text: true, Width: 16, Help: "仅内部使用，不公开"},
		func(e *spotcheck.Entity) *string { return &e.Phone }),
	active(func(e *spotcheck.Entity) *bool { return &e.Active }),
)

// Inspectors is the codec of the 执法检查人员名录库 (KIND inspectors).
var Inspectors = newCodec(spotcheck.KindInspectors,
	func() spotcheck.Inspector { return spotcheck.Inspector{Active: true} },
	staffID(), personName(), staffDept(),
	str(Column{Key: "cert_no", Header: "执法证号", Required: true, Text: true, Width: 20},
		func(in *spotcheck.Inspector) *string { return &in.CertNo }),
	date(Column{Key: "cert_expiry", Header: "执法证有效期至", Required: true, Width: 14},
		func(in *spotcheck.Inspector) *string { return &in.CertExpiry }),
	yesNo(Column{Key: "lead", Header: "可任主检", Width: 10, Help: "不填视为“否”"},
		func(in *spotcheck.Inspector) *bool { return &in.Lead }),
	list(Column{Key: "items", Header: "执法事项范围", Width: 24, Help: "抽查事项编码，用顿号分隔；不填视为不限"},
		func(in *spotcheck.Inspector) *[]string { return &in.Items }),
	specialties(), staffPhone(), staffLeaves(),
	active(func(in *spotcheck.Inspector) *bool { return &in.Active }),
).keeping(func(d, s *spotcheck.Inspector) {
	// A person may also be in the expert directory; an inspectors file
	// must not erase what only an experts file holds.
	d.Field, d.Title, d.Employer = s.Field, s.Title, s.Employer
})

// Experts is the codec of the 专家名录库 (KIND experts): inspectors with
// Expert set and an expert's own columns instead of the 执法证.
var Experts = newCodec(spotcheck.KindExperts,
	func() spotcheck.Inspector { return spotcheck.Inspector{Expert: true, Active: true} },
	staffID(), personName(), staffDept(),
	str(Column{Key: "field", Header: "专业领域", Required: true, Width: 16},
		func(in *spotcheck.Inspector) *string { return &in.Field }),
	str(Column{Key: "title", Header: "职称", Width: 12}, func(in *spotcheck.Inspector) *string { return &in.Title }),
	str(Column{Key: "employer", Header: "工作单位", Width: 24}, func(in *spotcheck.Inspector) *string { return &in.Employer }),
	specialties(), staffPhone(), staffLeaves(),
	active(func(in *spotcheck.Inspector) *bool { return &in.Active }),
).keeping(func(d, s *spotcheck.Inspector) {
	// Likewise the 执法证 of an inspector who is also an expert. 可任主检 is
	// not kept: an expert may not lead, and the file could not say so.
	d.CertNo, d.CertExpiry, d.Items = s.CertNo, s.CertExpiry, s.Items
})

// The columns inspectors and experts share.

func staffID() field[spotcheck.Inspector] {
	return str(Column{Key: "staff_id", Header: "工号", Required: true, Text: true, Width: 12,
		Help: "1–32位字母、数字、点、下划线或连字符"},
		func(in *spotcheck.Inspector) *string { return &in.StaffID })
}

func personName() field[spotcheck.Inspector] {
	return str(Column{Key: "name", Header: "姓名", Required: true, Width: 10},
		func(in *spotcheck.Inspector) *string { return &in.Name })
}

func staffDept() field[spotcheck.Inspector] {
	return str(Column{Key: "dept", Header: "所属部门", Required: true, Text: true, Width: 12, Help: "部门代码，如FZWL"},
		func(in *spotcheck.Inspector) *string { return &in.Dept })
}

func specialties() field[spotcheck.Inspector] {
	return list(Column{Key: "specialties", Header: "专长", Width: 20},
		func(in *spotcheck.Inspector) *[]string { return &in.Specialties })
}

func staffPhone() field[spotcheck.Inspector] {
	return str(Column{Key: "phone", Header: "联系电话", Text: true, Width: 16, Help: "仅内部使用，不公开"},
		func(in *spotcheck.Inspector) *string { return &in.Phone })
}

func staffLeaves() field[spotcheck.Inspector] {
	return leaves(Column{Key: "leaves", Header: "请假期间", Width: 24},
		func(in *spotcheck.Inspector) *[]spotcheck.Leave { return &in.Leaves })
}

// Agencies is the codec of the 专业机构 directory (KIND agencies).
var Agencies = newCodec(spotcheck.KindAgencies,
	func() spotcheck.Agency { return spotcheck.Agency{Active: true} },
	str(Column{Key: "code", Header: "统一社会信用代码", Required: true, Text: true, Width: 22,
		Help: "18位统一社会信用代码；请保持单元格为文本格式"},
		func(a *spotcheck.Agency) *string { return &a.Code }),
	str(Column{Key: "name", Header: "名称", Required: true, Width: 30}, func(a *spotcheck.Agency) *string { return &a.Name }),
	str(Column{Key: "field", Header: "服务领域", Required: true, Width: 16}, func(a *spotcheck.Agency) *string { return &a.Field }),
	str(Column{Key: "qualification", Header: "资质", Width: 24}, func(a *spotcheck.Agency) *string { return &a.Qualification }),
	str(Column{Key: "contact", Header: "联系人", Width: 10}, func(a *spotcheck.Agency) *string { return &a.Contact }),
	str(Column{Key: "phone", Header: "联系电话", Text: true, Width: 16, Help: "仅内部使用，不公开"},
		func(a *spotcheck.Agency) *string { return &a.Phone }),
	active(func(a *spotcheck.Agency) *bool { return &a.Active }),
)

// Items is the codec of the 抽查事项清单 (KIND items). Items have no 名录状态:
// their 状态 (草稿/启用/停用) plays that part.
var Items = newCodec(spotcheck.KindItems,
	func() spotcheck.Item { return spotcheck.Item{} },
	str(Column{Key: "code", Header: "事项编码", Required: true, Text: true, Width: 14, Help: "2–32位大写字母、数字或连字符"},
		func(it *spotcheck.Item) *string { return &it.Code }),
	str(Column{Key: "name", Header: "事项名称", Required: true, Width: 30}, func(it *spotcheck.Item) *string { return &it.Name }),
	str(Column{Key: "legal_basis", Header: "检查依据", Width: 30, Help: "法律法规依据"},
		func(it *spotcheck.Item) *string { return &it.LegalBasis }),
	str(Column{Key: "body", Header: "检查主体", Required: true, Width: 16}, func(it *spotcheck.Item) *string { return &it.Body }),
	list(Column{Key: "target_types", Header: "检查对象类型", Required: true, Width: 20,
		Help: "检查对象类型的代码或名称，多个用“、”分隔：" + targetTypesHelp()},
		func(it *spotcheck.Item) *[]string { return &it.TargetTypes }),
	str(Column{Key: "content", Header: "检查内容", Width: 30}, func(it *spotcheck.Item) *string { return &it.Content }),
	str(Column{Key: "standards", Header: "检查标准及要点", Width: 30}, func(it *spotcheck.Item) *string { return &it.Standards }),
	list(Column{Key: "methods", Header: "检查方式", Width: 20,
		Help: "检查方式的代码或名称，多个用“、”分隔：" + methodsHelp() + "；专业机构协助不能作为唯一方式"},
		func(it *spotcheck.Item) *[]string { return &it.Methods }),
	field[spotcheck.Item]{kind: percentCell,
		col:  Column{Key: "ratio", Header: "抽查比例", Width: 10, Help: "百分比，至多一位小数，如3%或2.5%"},
		get:  func(it *spotcheck.Item) string { return it.Ratio },
		set:  func(it *spotcheck.Item, s string) string { it.Ratio = s; return "" },
		copy: func(d, s *spotcheck.Item) { d.Ratio = s.Ratio }},
	integer(Column{Key: "frequency", Header: "抽查频次", Width: 10, Help: "每年抽查次数（次/年），0–366的整数"},
		func(it *spotcheck.Item) *int { return &it.Frequency }),
	str(Column{Key: "class", Header: "事项类别", Width: 10, Options: []string{spotcheck.ClassKey, spotcheck.ClassGeneral},
		Help: "不填视为“一般”"}, func(it *spotcheck.Item) *string { return &it.Class }),
	str(Column{Key: "parent", Header: "上级事项编码", Text: true, Width: 14, Help: "检查要点所属事项的编码"},
		func(it *spotcheck.Item) *string { return &it.Parent }),
	date(Column{Key: "effective_from", Header: "生效日期", Required: true, Width: 12},
		func(it *spotcheck.Item) *string { return &it.EffectiveFrom }),
	date(Column{Key: "effective_to", Header: "失效日期", Width: 12, Help: "日期，格式YYYY-MM-DD；不填表示长期有效"},
		func(it *spotcheck.Item) *string { return &it.EffectiveTo }),
	str(Column{Key: "status", Header: "状态", Width: 8, Options: []string{spotcheck.ItemDraft, spotcheck.ItemActive, spotcheck.ItemRetired},
		Help: "不填视为“草稿”；启用的事项须填齐检查依据、检查内容、检查标准及要点、检查方式、抽查比例和抽查频次（检查要点只须检查依据和检查内容）"},
		func(it *spotcheck.Item) *string { return &it.Status }),
)

// Responsibilities is the codec of the 多部门监管责任事项清单 (KIND
// responsibilities).
var Responsibilities = newCodec(spotcheck.KindResponsibilities,
	func() spotcheck.Responsibility { return spotcheck.Responsibility{Active: true} },
	str(Column{Key: "item", Header: "事项编码", Required: true, Text: true, Width: 14},
		func(r *spotcheck.Responsibility) *string { return &r.Item }),
	str(Column{Key: "dept", Header: "部门代码", Required: true, Text: true, Width: 12},
		func(r *spotcheck.Responsibility) *string { return &r.Dept }),
	str(Column{Key: "role", Header: "职责", Required: true, Width: 8, Options: []string{spotcheck.RoleInitiate, spotcheck.RoleJoin}},
		func(r *spotcheck.Responsibility) *string { return &r.Role }),
	str(Column{Key: "note", Header: "备注", Width: 30}, func(r *spotcheck.Responsibility) *string { return &r.Note }),
	active(func(r *spotcheck.Responsibility) *bool { return &r.Active }),
)

// Departments is the codec of the department tree (KIND departments).
var Departments = newCodec(spotcheck.KindDepartments,
	func() spotcheck.Department { return spotcheck.Department{Active: true} },
	str(Column{Key: "code", Header: "部门代码", Required: true, Text: true, Width: 12,
		Help: "2–16位大写字母、数字或下划线，以字母开头，如FZWL"},
		func(d *spotcheck.Department) *string { return &d.Code }),
	str(Column{Key: "name", Header: "部门名称", Required: true, Width: 24}, func(d *spotcheck.Department) *string { return &d.Name }),
	str(Column{Key: "parent", Header: "上级部门代码", Text: true, Width: 12, Help: "顶级部门不填"},
		func(d *spotcheck.Department) *string { return &d.Parent }),
	str(Column{Key: "division", Header: "区划代码", Required: true, Text: true, Width: 10, Help: "6位GB/T 2260行政区划代码，如350100"},
		func(d *spotcheck.Department) *string { return &d.Division }),
	str(Column{Key: "kind", Header: "部门类型", Required: true, Width: 10, Options: spotcheck.DeptKinds},
		func(d *spotcheck.Department) *string { return &d.Kind }),
	active(func(d *spotcheck.Department) *bool { return &d.Active }),
)

// Conflicts is the codec of the 回避关系 list (KIND conflicts).
var Conflicts = newCodec(spotcheck.KindConflicts,
	func() spotcheck.Conflict { return spotcheck.Conflict{Active: true} },
	str(Column{Key: "staff_id", Header: "工号", Required: true, Text: true, Width: 12},
		func(c *spotcheck.Conflict) *string { return &c.StaffID }),
	str(Column{Key: "entity_id", Header: "检查对象代码", Required: true, Text: true, Width: 22,
		Help: "检查对象的统一社会信用代码（导游/领队为系统生成的标识）；请保持单元格为文本格式"},
		func(c *spotcheck.Conflict) *string { return &c.EntityID }),
	str(Column{Key: "kind", Header: "回避类型", Required: true, Width: 10,
		Options: []string{spotcheck.ConflictDeclared, spotcheck.ConflictRequested}},
		func(c *spotcheck.Conflict) *string { return &c.Kind }),
	str(Column{Key: "reason", Header: "回避原因", Required: true, Width: 30}, func(c *spotcheck.Conflict) *string { return &c.Reason }),
	date(Column{Key: "from", Header: "生效日期", Required: true, Width: 12}, func(c *spotcheck.Conflict) *string { return &c.From }),
	date(Column{Key: "to", Header: "失效日期", Width: 12, Help: "日期，格式YYYY-MM-DD；不填表示长期有效"},
		func(c *spotcheck.Conflict) *string { return &c.To }),
	str(Column{Key: "review", Header: "审核状态", Width: 10,
		Options: []string{spotcheck.ReviewPending, spotcheck.ReviewApproved, spotcheck.ReviewRejected},
		Help:    "不填时申报回避为“已通过”，申请回避为“待审核”"},
		func(c *spotcheck.Conflict) *string { return &c.Review }),
	active(func(c *spotcheck.Conflict) *bool { return &c.Active }),
)

// schemas indexes the codecs by kind for the functions that take a KIND.
var schemas = map[string]schema{
	spotcheck.KindEntities:         Entities,
	spotcheck.KindInspectors:       Inspectors,
	spotcheck.KindExperts:          Experts,
	spotcheck.KindAgencies:         Agencies,
	spotcheck.KindItems:            Items,
	spotcheck.KindResponsibilities: Responsibilities,
	spotcheck.KindDepartments:      Departments,
	spotcheck.KindConflicts:        Conflicts,
	spotcheck.KindComplaints:       Complaints,
	spotcheck.KindPenalties:        Penalties,
}

// targetTypesHelp lists the default target types for the template notes;
// an installation may have edited them, which the notes cannot know.
func targetTypesHelp() string {
	parts := make([]string, len(spotcheck.DefaultTargetTypes))
	for i, t := range spotcheck.DefaultTargetTypes {
		parts[i] = t.Code + " " + t.Name
	}
	return strings.Join(parts, "、")
}

func methodsHelp() string {
	parts := make([]string, len(spotcheck.Methods))
	for i, m := range spotcheck.Methods {
		parts[i] = m.Code + " " + m.Name
	}
	return strings.Join(parts, "、")
}
