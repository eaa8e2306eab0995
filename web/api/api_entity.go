package api

import (
	"context"
	"time"

	"spotcheck"
)

// entityJSON is an entity (检查对象) in the API.
type entityJSON struct {
	ID          string    `json:"id" doc:"统一社会信用代码（导游/领队为由导游证号生成的标识）"`
	Name        string    `json:"name" doc:"名称"`
	Type        string    `json:"type" doc:"检查对象类型代码（T01…），也可填类型名称"`
	Division    string    `json:"division" doc:"行政区划代码（GB/T 2260，6位）"`
	Address     string    `json:"address" doc:"地址"`
	LegalRep    string    `json:"legal_rep" doc:"法定代表人/负责人"`
	LicenceNo   string    `json:"licence_no" doc:"许可证号"`
	GuideCardNo string    `json:"guide_card_no" doc:"导游证号，仅导游/领队"`
	Status      string    `json:"status" doc:"经营状态"`
	CreditClass string    `json:"credit_class" doc:"信用风险分类 A–D"`
	Key         bool      `json:"key" doc:"重点检查对象"`
	KeyReason   string    `json:"key_reason" doc:"列为重点的原因"`
	KeyExpiry   string    `json:"key_expiry" doc:"重点有效期至 YYYY-MM-DD，空为长期"`
	Tags        []string  `json:"tags" doc:"标签"`
	Founded     string    `json:"founded" doc:"成立日期 YYYY-MM-DD"`
	Phone       string    `json:"phone" doc:"联系电话（内部，不公开）"`
	Active      bool      `json:"active" doc:"名录状态：true 有效，false 已停用（新增时默认 true）"`
	Dept        string    `json:"dept" doc:"所属部门（由区划推定）" api:"readonly"`
	Version     int       `json:"version" doc:"版本号；修改时须等于当前版本（乐观锁）"`
	UpdatedAt   time.Time `json:"updated_at" doc:"最后修改时间" api:"readonly"`
}

func entityToJSON(e *spotcheck.Entity) entityJSON {
	return entityJSON{e.ID, e.Name, e.Type, e.Division, e.Address, e.LegalRep, e.LicenceNo, e.GuideCardNo, e.Status,
		e.CreditClass, e.Key, e.KeyReason, e.KeyExpiry, nonNil(e.Tags), e.Founded, e.Phone, e.Active, e.Dept, e.Version,
		e.UpdatedAt}
}

func (j *entityJSON) toEntity() *spotcheck.Entity {
	return &spotcheck.Entity{ID: j.ID, Name: j.Name, Type: j.Type, Division: j.Division, Address: j.Address,
		LegalRep: j.LegalRep, LicenceNo: j.LicenceNo, GuideCardNo: j.GuideCardNo, Status: j.Status,
		CreditClass: j.CreditClass, Key: j.Key, KeyReason: j.KeyReason, KeyExpiry: j.KeyExpiry, Tags: j.Tags,
		Founded: j.Founded, Phone: j.Phone, Active: j.Active, Version: j.Version}
}

var apiEntities = apiKind[spotcheck.Entity, entityJSON]{
	keys:     []string{"id"},
	key:      func(e *spotcheck.Entity) []*string { return []*string{&e.ID} },
	version:  func(e *spotcheck.Entity) *int { return &e.Version },
	toJSON:   entityToJSON,
	fromJSON: (*entityJSON).toEntity,
	newJSON:  func() entityJSON { return entityJSON{Active: true} },
	find: func(d services, ctx context.Context, e *spotcheck.Entity) (*spotcheck.Entity, error) {
		return d.Entities.FindEntityByID(ctx, e.ID)
	},
	save: func(d services, ctx context.Context, v *spotcheck.Entity) error { return d.Entities.SaveEntity(ctx, v) },
}

// entityQuery are the parameters view.EntityFilter reads.
var entityQuery = append([]apiParam{
	textParam("q", "名称子串或代码前缀"),
	textParam("type", "检查对象类型代码（T01…）"),
	textParam("division", "行政区划代码"),
	oneOfParam("status", "经营状态", spotcheck.EntityStatuses...),
	oneOfParam("class", "信用风险分类", spotcheck.CreditClasses...),
	flagParam("key", "true 重点 / false 非重点"),
	flagParam("active", "true 有效 / false 已停用"),
	oneOfParam("sort", "排序：id（默认）、name、-updated（最近修改在前）", "id", "name", "-updated"),
}, pageQuery...)
