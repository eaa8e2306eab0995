package api

import (
	"context"
	"net/http"
	"time"

	"spotcheck"
)

// itemJSON is one version of a 随机抽查事项 in the API. Items are versioned:
// PUT does not edit a version in place but stores the next one.
type itemJSON struct {
	Code          string    `json:"code" doc:"事项编码"`
	Version       int       `json:"version" doc:"版本号；修改时须等于当前版本，修改生成下一版本"`
	Name          string    `json:"name" doc:"事项名称"`
	LegalBasis    string    `json:"legal_basis" doc:"检查依据（启用的事项必填）"`
	Body          string    `json:"body" doc:"检查主体"`
	TargetTypes   []string  `json:"target_types" doc:"检查对象类型代码（T01…），也可填名称"`
	Content       string    `json:"content" doc:"检查内容"`
	Standards     string    `json:"standards" doc:"检查标准及要点"`
	Methods       []string  `json:"methods" doc:"检查方式代码（M01…），也可填名称"`
	Ratio         string    `json:"ratio" doc:"抽查比例，如 3% 或 2.5%"`
	Frequency     int       `json:"frequency" doc:"抽查频次（次/年）"`
	Class         string    `json:"class" doc:"事项类别（默认一般）"`
	Parent        string    `json:"parent" doc:"上级事项编码（检查要点才有）"`
	EffectiveFrom string    `json:"effective_from" doc:"生效日期 YYYY-MM-DD"`
	EffectiveTo   string    `json:"effective_to" doc:"失效日期 YYYY-MM-DD，空为长期"`
	Status        string    `json:"status" doc:"状态（默认草稿）"`
	CreatedAt     time.Time `json:"created_at" doc:"本版本的生成时间" api:"readonly"`
}

func itemToJSON(it *spotcheck.Item) itemJSON {
	return itemJSON{it.Code, it.Version, it.Name, it.LegalBasis, it.Body, nonNil(it.TargetTypes), it.Content,
		it.Standards, nonNil(it.Methods), it.Ratio, it.Frequency, it.Class, it.Parent, it.EffectiveFrom,
		it.EffectiveTo, it.Status, it.CreatedAt}
}

func (j *itemJSON) toItem() *spotcheck.Item {
	return &spotcheck.Item{Code: j.Code, Version: j.Version, Name: j.Name, LegalBasis: j.LegalBasis, Body: j.Body,
		TargetTypes: j.TargetTypes, Content: j.Content, Standards: j.Standards, Methods: j.Methods, Ratio: j.Ratio,
		Frequency: j.Frequency, Class: j.Class, Parent: j.Parent, EffectiveFrom: j.EffectiveFrom,
		EffectiveTo: j.EffectiveTo, Status: j.Status}
}

var apiItems = apiKind[spotcheck.Item, itemJSON]{
	keys:     []string{"code"},
	key:      func(it *spotcheck.Item) []*string { return []*string{&it.Code} },
	version:  func(it *spotcheck.Item) *int { return &it.Version },
	toJSON:   itemToJSON,
	fromJSON: (*itemJSON).toItem,
	find: func(d services, ctx context.Context, it *spotcheck.Item) (*spotcheck.Item, error) {
		return d.Items.FindItemByCode(ctx, spotcheck.NormalizeCode(it.Code))
	},
	save: func(d services, ctx context.Context, v *spotcheck.Item) error { return d.Items.SaveItem(ctx, v) },
}

// itemQuery are the parameters view.ItemFilter reads.
var itemQuery = append([]apiParam{
	textParam("q", "编码前缀或名称子串"),
	textParam("type", "检查对象类型代码"),
	oneOfParam("status", "状态", spotcheck.ItemDraft, spotcheck.ItemActive, spotcheck.ItemRetired),
	oneOfParam("class", "事项类别", spotcheck.ClassKey, spotcheck.ClassGeneral),
	textParam("dept", "有监管责任的部门代码"),
}, pageQuery...)

// apiFindItemVersions returns every version of the item of the path, oldest first.
func apiFindItemVersions(d services, r *http.Request) ([]*spotcheck.Item, error) {
	return d.Items.FindItemVersions(r.Context(), r.PathValue("code"))
}

// responsibilityJSON says which department initiates or joins an item.
type responsibilityJSON struct {
	Item      string    `json:"item" doc:"事项编码"`
	Dept      string    `json:"dept" doc:"部门代码"`
	Role      string    `json:"role" doc:"职责"`
	Note      string    `json:"note" doc:"备注"`
	Active    bool      `json:"active" doc:"true 有效，false 已停用（新增时默认 true）"`
	Version   int       `json:"version" doc:"版本号；修改时须等于当前版本（乐观锁）"`
	UpdatedAt time.Time `json:"updated_at" doc:"最后修改时间" api:"readonly"`
}

func responsibilityToJSON(r *spotcheck.Responsibility) responsibilityJSON {
	return responsibilityJSON{r.Item, r.Dept, r.Role, r.Note, r.Active, r.Version, r.UpdatedAt}
}

func (j *responsibilityJSON) toResponsibility() *spotcheck.Responsibility {
	return &spotcheck.Responsibility{Item: j.Item, Dept: j.Dept, Role: j.Role, Note: j.Note, Active: j.Active,
		Version: j.Version}
}

var apiResponsibilities = apiKind[spotcheck.Responsibility, responsibilityJSON]{
	keys:     []string{"item", "dept"},
	key:      func(r *spotcheck.Responsibility) []*string { return []*string{&r.Item, &r.Dept} },
	version:  func(r *spotcheck.Responsibility) *int { return &r.Version },
	toJSON:   responsibilityToJSON,
	fromJSON: (*responsibilityJSON).toResponsibility,
	newJSON:  func() responsibilityJSON { return responsibilityJSON{Active: true} },
	find:     apiFindResponsibility,
	save: func(d services, ctx context.Context, v *spotcheck.Responsibility) error {
		return d.Responsibilities.SaveResponsibility(ctx, v)
	},
}

// apiFindResponsibility finds the responsibility of r's item and department.
func apiFindResponsibility(d services, ctx context.Context, r *spotcheck.Responsibility) (*spotcheck.Responsibility, error) {
	return d.Responsibilities.FindResponsibility(ctx, r.Item, r.Dept)
}

// responsibilityQuery are the parameters view.ResponsibilityFilter reads.
var responsibilityQuery = append([]apiParam{
	textParam("item", "事项编码"),
	textParam("dept", "部门代码"),
}, pageQuery...)
