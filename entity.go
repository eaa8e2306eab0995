package spotcheck

import (
	"context"
	"strings"
	"time"
)

// Entity is one record of the 检查对象名录库. ID is the draw's entity_id
// (spec/draw-v1.md §1): the 统一社会信用代码, a legacy 注册号 for old records,
// or for a person (导游/领队) the id GuideEntityID derives from the 导游证号.
type Entity struct {
	ID          string
	Name        string
	Type        string // target type code, T01…
	Division    string // GB/T 2260 code
	Address     string
	LegalRep    string // 法定代表人/负责人
	LicenceNo   string // 许可证号
	GuideCardNo string // 导游证号, persons only
	Status      string // one of EntityStatuses
	CreditClass string // A–D
	Key         bool   // 重点检查对象
	KeyReason   string
	KeyExpiry   string // YYYY-MM-DD, "" = no expiry
	Tags        []string
	Founded     string // 成立日期 YYYY-MM-DD, optional; draws may scope by it
	Phone       string // internal contact, never public
	Active      bool   // false = deactivated (名录状态 已停用); never deleted

	// Set by the store.
	Dept      string // owning bureau, derived from Division
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Directory states (名录状态) as files and forms show them.
const (
	ActiveLabel   = "有效"
	InactiveLabel = "已停用"
)

// Normalize canonicalises what people type, so that equal records compare
// equal: it trims fields, upper-cases codes, drops repeated tags, resolves
// a type given by name to its code and, for a person (导游/领队) without an
// ID, derives the ID from the 导游证号 (GuideEntityID). What it cannot
// resolve it leaves for Validate to name.
func (e *Entity) Normalize(ref *Reference) {
	e.ID = NormalizeCode(e.ID)
	e.GuideCardNo = NormalizeCode(e.GuideCardNo)
	e.CreditClass = NormalizeCode(e.CreditClass)
	for _, f := range []*string{&e.Name, &e.Type, &e.Division, &e.Address, &e.LegalRep, &e.LicenceNo,
		&e.Status, &e.KeyReason, &e.KeyExpiry, &e.Founded, &e.Phone} {
		*f = strings.TrimSpace(*f)
	}
	e.Tags = normalizeTags(e.Tags)
	tt, ok := ref.Type(e.Type)
	if !ok || e.Type == "" {
		return
	}
	e.Type = tt.Code
	if tt.Person && e.ID == "" && e.GuideCardNo != "" {
		if id, err := GuideEntityID(e.GuideCardNo); err == nil {
			e.ID = id
		}
	}
}

// Validate checks a normalized entity (Normalize) against the rules of the
// directory and changes nothing. It returns the problems; an entity with
// none may be stored.
func (e *Entity) Validate(ref *Reference) Problems {
	var p Problems
	tt, typeOK := ref.Type(e.Type)
	switch {
	case e.Type == "":
		p.Add("type", "类型", "不能为空")
	case !typeOK || tt.Code != e.Type:
		p.Add("type", "类型", "“%s”不是已知的检查对象类型", e.Type)
	}
	switch {
	case typeOK && tt.Person:
		if e.GuideCardNo == "" {
			p.Add("guide_card_no", "导游证号", "导游/领队必须填写导游证号")
		} else if id, err := GuideEntityID(e.GuideCardNo); err != nil {
			p.Add("guide_card_no", "导游证号", "%s", ErrorMessage(err))
		} else if e.ID != id {
			p.Add("id", "统一社会信用代码", "导游/领队不填统一社会信用代码（由导游证号生成标识%s）", id)
		}
	case e.GuideCardNo != "" && typeOK:
		p.Add("guide_card_no", "导游证号", "只有导游/领队填写导游证号")
	case e.ID == "":
		p.Add("id", "统一社会信用代码", "不能为空")
	default:
		if _, err := CheckCreditCode(e.ID); err != nil {
			p.Add("id", "统一社会信用代码", "%s", ErrorMessage(err))
		}
	}
	if p.checkRequired("name", "名称", e.Name) {
		p.checkLen("name", "名称", e.Name, 100)
	}
	if p.checkRequired("division", "区划代码", e.Division) {
		if !divisionCode.MatchString(e.Division) {
			p.Add("division", "区划代码", "“%s”应为6位GB/T 2260行政区划代码", e.Division)
		} else if _, ok := ref.Division(e.Division); !ok {
			p.Add("division", "区划代码", "“%s”不是已知的行政区划代码", e.Division)
		}
	}
	p.checkLen("address", "地址", e.Address, 200)
	p.checkLen("legal_rep", "法定代表人", e.LegalRep, 50)
	p.checkLen("licence_no", "许可证号", e.LicenceNo, 64)
	if p.checkRequired("status", "经营状态", e.Status) {
		p.checkOneOf("status", "经营状态", e.Status, EntityStatuses...)
	}
	if p.checkRequired("credit_class", "信用风险分类", e.CreditClass) {
		p.checkOneOf("credit_class", "信用风险分类", e.CreditClass, CreditClasses...)
	}
	if e.Key && e.KeyReason == "" {
		p.Add("key_reason", "重点原因", "列入重点检查对象必须说明原因")
	}
	if !e.Key && (e.KeyReason != "" || e.KeyExpiry != "") {
		p.Add("key", "重点检查对象", "未列入重点检查对象时不应填写重点原因或有效期")
	}
	p.checkDate("key_expiry", "重点有效期至", e.KeyExpiry)
	p.checkDate("founded", "成立日期", e.Founded)
	p.checkLen("phone", "联系电话", e.Phone, 32)
	for _, t := range e.Tags {
		if len([]rune(t)) > 20 {
			p.Add("tags", "标签", "标签“%s”超过20个字符", t)
		}
	}
	return p
}

// normalizeTags trims tags, drops empty and repeated ones, keeps order.
func normalizeTags(tags []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range tags {
		t = strings.TrimSpace(t)
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// SplitList splits a cell or form value that holds several values separated
// by 、，, ; ； or |, as people write lists in spreadsheets.
func SplitList(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		return r == '、' || r == ',' || r == '，' || r == ';' || r == '；' || r == '|'
	})
	return normalizeTags(f)
}

// EntityFilter selects entities for FindEntities. Zero fields do not filter.
type EntityFilter struct {
	Query       string // substring of the name, or a code prefix
	Type        string
	Division    string
	Status      string
	CreditClass string
	Key         *bool
	Active      *bool
	Depts       []string // department scope; nil = unrestricted
	Sort        string   // "id" (default), "name", "-updated"
	Offset      int
	Limit       int
}

// EntityService keeps the directory of market entities (entities.go in
// store). The common contract of every service is in doc.go.
type EntityService interface {
	// FindEntities returns one page of the entities in the user's scope
	// that match f. EUNAUTHORIZED, EFORBIDDEN (no PermViewDirectory).
	FindEntities(ctx context.Context, f EntityFilter) (List[*Entity], error)
	// FindEntityByID returns the entity with credit code id. ENOTFOUND,
	// also for one outside the user's scope; EUNAUTHORIZED, EFORBIDDEN.
	FindEntityByID(ctx context.Context, id string) (*Entity, error)
	// SaveEntity creates (Version 0) or updates e, normalised, and sets its
	// new Version. EINVALID (with Problems), ECONFLICT (the key exists, or
	// a stale Version), ENOTFOUND, EFORBIDDEN (outside the user's scope),
	// EUNAUTHORIZED.
	SaveEntity(ctx context.Context, e *Entity) error
	// RecodeEntity corrects the credit code of entity oldID (a typing
	// error at registration): e, with its new ID and Version equal to the
	// stored version of oldID, becomes a new record; the old one is
	// deactivated, never deleted, and its conflicts, complaints and
	// penalties move to the new code; every change is recorded. One transaction. The errors of
	// SaveEntity, and ECONFLICT when the new code exists.
	RecodeEntity(ctx context.Context, oldID string, e *Entity) error
	// ImportEntities imports src all or nothing and says how many rows it
	// created, updated and left. EINVALID (an *ImportError naming each
	// row's problems), EFORBIDDEN, EUNAUTHORIZED.
	ImportEntities(ctx context.Context, src ImportSource[Entity]) (ImportSummary, error)
	// ExportEntities calls fn with every entity in the user's scope, in
	// key order, and stops at fn's first error. EFORBIDDEN, EUNAUTHORIZED.
	ExportEntities(ctx context.Context, fn func(*Entity) error) error
}
