package spotcheck

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// Item states. Only 启用 items may be used by plans and tasks.
const (
	ItemDraft    = "草稿"
	ItemActive   = "启用"
	ItemRetired  = "停用"
	ClassKey     = "重点"
	ClassGeneral = "一般"
)

// Item is one 随机抽查事项 of the 抽查事项清单 with the nine elements the
// national guidance asks for: name, legal basis, inspecting body, target
// types, content, standards and key points, method, ratio and frequency.
// A checklist point is an item with a Parent. Items are versioned: a change
// is a new Version with its own effective date, never an edit in place.
type Item struct {
	Code          string
	Version       int
	Name          string
	LegalBasis    string   // 检查依据
	Body          string   // 检查主体 (inspecting body)
	TargetTypes   []string // target type codes
	Content       string   // 检查内容
	Standards     string   // 检查标准及要点
	Methods       []string // method codes M01…
	Ratio         string   // 抽查比例, percent such as "3%" or "2.5%"
	Frequency     int      // 抽查频次, rounds a year
	Class         string   // 重点 / 一般
	Parent        string   // parent item code for a checklist point
	EffectiveFrom string   // YYYY-MM-DD
	EffectiveTo   string   // YYYY-MM-DD, "" = open
	Status        string

	CreatedAt time.Time
}

var (
	itemCode = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{1,31}$`)
	percent  = regexp.MustCompile(`^(100(\.0)?|[1-9]?[0-9](\.[0-9])?)%$`)
)

// Normalize canonicalises an item: codes, the full-width percent sign of
// the ratio, trimmed fields, target types and methods given by name
// resolved to their codes (unknown ones kept as given, for Validate to
// name), and the default class (一般) and status (草稿).
func (it *Item) Normalize(ref *Reference) {
	it.Code = NormalizeCode(it.Code)
	it.Parent = NormalizeCode(it.Parent)
	it.Ratio = strings.ReplaceAll(strings.TrimSpace(it.Ratio), "％", "%")
	for _, f := range []*string{&it.Name, &it.LegalBasis, &it.Body, &it.Content, &it.Standards,
		&it.Class, &it.EffectiveFrom, &it.EffectiveTo, &it.Status} {
		*f = strings.TrimSpace(*f)
	}
	it.TargetTypes = append([]string{}, normalizeTags(it.TargetTypes)...) // never nil, as stored
	for i, t := range it.TargetTypes {
		if tt, ok := ref.Type(t); ok {
			it.TargetTypes[i] = tt.Code
		}
	}
	it.Methods = append([]string{}, normalizeTags(it.Methods)...)
	for i, m := range it.Methods {
		if code, ok := MethodByCodeOrName(m); ok {
			it.Methods[i] = code
		}
	}
	if it.Class == "" {
		it.Class = ClassGeneral
	}
	if it.Status == "" {
		it.Status = ItemDraft
	}
}

// Validate checks a normalized item (Normalize) and changes nothing.
func (it *Item) Validate(ref *Reference) Problems {
	var p Problems
	if p.checkRequired("code", "事项编码", it.Code) && !itemCode.MatchString(it.Code) {
		p.Add("code", "事项编码", "“%s”无效，应为2–32位大写字母、数字或连字符", it.Code)
	}
	if p.checkRequired("name", "事项名称", it.Name) {
		p.checkLen("name", "事项名称", it.Name, 200)
	}
	p.checkRequired("body", "检查主体", it.Body)
	types := 0
	for _, t := range it.TargetTypes {
		if tt, ok := ref.Type(t); ok && tt.Code == t {
			types++
		} else {
			p.Add("target_types", "检查对象类型", "“%s”不是已知的检查对象类型", t)
		}
	}
	if types == 0 && it.Parent == "" {
		p.Add("target_types", "检查对象类型", "至少填写一种检查对象类型")
	}
	var methods []string
	for _, m := range it.Methods {
		if code, ok := MethodByCodeOrName(m); ok && code == m {
			methods = append(methods, code)
		} else {
			p.Add("methods", "检查方式", "“%s”不是已知的检查方式", m)
		}
	}
	if len(methods) == 1 && methods[0] == "M05" {
		p.Add("methods", "检查方式", "专业机构协助不能作为唯一检查方式（专业机构不得作为检查主体）")
	}
	if it.Ratio != "" && !percent.MatchString(it.Ratio) {
		p.Add("ratio", "抽查比例", "“%s”应为0–100之间、至多一位小数的百分比，如3%%或2.5%%", it.Ratio)
	}
	if it.Frequency < 0 || it.Frequency > 366 {
		p.Add("frequency", "抽查频次", "应为0–366之间的整数（次/年）")
	}
	p.checkOneOf("class", "事项类别", it.Class, ClassKey, ClassGeneral)
	if it.Parent == it.Code && it.Code != "" {
		p.Add("parent", "上级事项编码", "不能是事项自身")
	}
	if p.checkRequired("effective_from", "生效日期", it.EffectiveFrom) {
		p.checkDate("effective_from", "生效日期", it.EffectiveFrom)
	}
	p.checkDate("effective_to", "失效日期", it.EffectiveTo)
	if it.EffectiveTo != "" && it.EffectiveTo < it.EffectiveFrom {
		p.Add("effective_to", "失效日期", "不能早于生效日期")
	}
	p.checkOneOf("status", "状态", it.Status, ItemDraft, ItemActive, ItemRetired)
	if it.Status == ItemActive {
		it.checkComplete(&p, len(methods))
	}
	return p
}

// checkComplete adds a problem for each of the nine elements an item must
// have before it is used (国办发〔2015〕58号): above all its legal basis. A
// checklist point inherits the rest from its parent item.
func (it *Item) checkComplete(p *Problems, methods int) {
	if it.LegalBasis == "" {
		p.Add("legal_basis", "检查依据", "没有法律法规依据的事项不能启用")
	}
	if it.Content == "" {
		p.Add("content", "检查内容", "启用的事项须写明检查内容")
	}
	if it.Parent != "" {
		return
	}
	if it.Standards == "" {
		p.Add("standards", "检查标准及要点", "启用的事项须写明检查标准及要点")
	}
	if methods == 0 {
		p.Add("methods", "检查方式", "启用的事项须写明检查方式")
	}
	if it.Ratio == "" {
		p.Add("ratio", "抽查比例", "启用的事项须写明抽查比例")
	}
	if it.Frequency < 1 {
		p.Add("frequency", "抽查频次", "启用的事项须写明每年抽查次数")
	}
}

// Responsibility roles in the 多部门监管责任事项清单.
const (
	RoleInitiate = "发起"
	RoleJoin     = "配合"
)

// Responsibility says which department initiates or joins an item.
type Responsibility struct {
	Item   string // item code
	Dept   string // department code
	Role   string // 发起 / 配合
	Note   string
	Active bool

	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Normalize canonicalises the codes and trims role and note.
func (r *Responsibility) Normalize() {
	r.Item = NormalizeCode(r.Item)
	r.Dept = NormalizeCode(r.Dept)
	r.Role = strings.TrimSpace(r.Role)
	r.Note = strings.TrimSpace(r.Note)
}

// Validate checks a normalized responsibility's own fields and changes
// nothing; that item and department exist is checked by the store.
func (r *Responsibility) Validate() Problems {
	var p Problems
	p.checkRequired("item", "事项编码", r.Item)
	p.checkRequired("dept", "部门代码", r.Dept)
	if p.checkRequired("role", "职责", r.Role) {
		p.checkOneOf("role", "职责", r.Role, RoleInitiate, RoleJoin)
	}
	return p
}

// ItemService keeps the list of inspection items (抽查事项清单), each code
// with its versions. The common contract of every service is in doc.go.
type ItemService interface {
	// FindItems returns one page of the current versions of the items
	// that match f, by code; items are a city-wide list. EUNAUTHORIZED,
	// EFORBIDDEN (no PermViewLists).
	FindItems(ctx context.Context, f ItemFilter) (List[*Item], error)
	// FindItemByCode returns the current version of the item with code.
	// ENOTFOUND, EUNAUTHORIZED, EFORBIDDEN.
	FindItemByCode(ctx context.Context, code string) (*Item, error)
	// FindItemVersions returns every version of the item with code, oldest
	// first. ENOTFOUND, EUNAUTHORIZED, EFORBIDDEN.
	FindItemVersions(ctx context.Context, code string) ([]*Item, error)
	// SaveItem creates (Version 0) or updates it and sets its new Version.
	// EINVALID, ECONFLICT, ENOTFOUND, EFORBIDDEN, EUNAUTHORIZED.
	SaveItem(ctx context.Context, it *Item) error
	// ImportItems imports src all or nothing. EINVALID (*ImportError),
	// EFORBIDDEN, EUNAUTHORIZED.
	ImportItems(ctx context.Context, src ImportSource[Item]) (ImportSummary, error)
	// ExportItems calls fn with every item. EFORBIDDEN, EUNAUTHORIZED.
	ExportItems(ctx context.Context, fn func(*Item) error) error
}

// ResponsibilityService keeps which department is responsible for which
// item (the responsibility list). The common contract of every service is
// in doc.go.
type ResponsibilityService interface {
	// FindResponsibilities returns one page of the responsibilities that
	// match f. EUNAUTHORIZED, EFORBIDDEN.
	FindResponsibilities(ctx context.Context, f ResponsibilityFilter) (List[*Responsibility], error)
	// FindResponsibility returns the responsibility of dept for item.
	// ENOTFOUND, EUNAUTHORIZED, EFORBIDDEN.
	FindResponsibility(ctx context.Context, item, dept string) (*Responsibility, error)
	// SaveResponsibility creates (Version 0) or updates r and sets its new
	// Version. EINVALID, ECONFLICT, ENOTFOUND, EFORBIDDEN, EUNAUTHORIZED.
	SaveResponsibility(ctx context.Context, r *Responsibility) error
	// ImportResponsibilities imports src all or nothing. EINVALID
	// (*ImportError), EFORBIDDEN, EUNAUTHORIZED.
	ImportResponsibilities(ctx context.Context, src ImportSource[Responsibility]) (ImportSummary, error)
	// ExportResponsibilities calls fn with every responsibility in the
	// user's scope. EFORBIDDEN, EUNAUTHORIZED.
	ExportResponsibilities(ctx context.Context, fn func(*Responsibility) error) error
}
