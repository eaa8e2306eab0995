package api

import (
	"context"
	"time"

	"spotcheck"
)

// agencyJSON is a 专业机构 in the API.
type agencyJSON struct {
	Code          string    `json:"code" doc:"统一社会信用代码（18位）"`
	Name          string    `json:"name" doc:"名称"`
	Field         string    `json:"field" doc:"服务领域"`
	Qualification string    `json:"qualification" doc:"资质"`
	Contact       string    `json:"contact" doc:"联系人"`
	Phone         string    `json:"phone" doc:"联系电话（内部，不公开）"`
	Active        bool      `json:"active" doc:"名录状态：true 有效，false 已停用（新增时默认 true）"`
	Version       int       `json:"version" doc:"版本号；修改时须等于当前版本（乐观锁）"`
	UpdatedAt     time.Time `json:"updated_at" doc:"最后修改时间" api:"readonly"`
}

func agencyToJSON(a *spotcheck.Agency) agencyJSON {
	return agencyJSON{a.Code, a.Name, a.Field, a.Qualification, a.Contact, a.Phone, a.Active, a.Version, a.UpdatedAt}
}

func (j *agencyJSON) toAgency() *spotcheck.Agency {
	return &spotcheck.Agency{Code: j.Code, Name: j.Name, Field: j.Field, Qualification: j.Qualification,
		Contact: j.Contact, Phone: j.Phone, Active: j.Active, Version: j.Version}
}

var apiAgencies = apiKind[spotcheck.Agency, agencyJSON]{
	keys:     []string{"code"},
	key:      func(a *spotcheck.Agency) []*string { return []*string{&a.Code} },
	version:  func(a *spotcheck.Agency) *int { return &a.Version },
	toJSON:   agencyToJSON,
	fromJSON: (*agencyJSON).toAgency,
	newJSON:  func() agencyJSON { return agencyJSON{Active: true} },
	find: func(d services, ctx context.Context, a *spotcheck.Agency) (*spotcheck.Agency, error) {
		return d.Agencies.FindAgencyByCode(ctx, spotcheck.NormalizeCode(a.Code))
	},
	save: func(d services, ctx context.Context, v *spotcheck.Agency) error { return d.Agencies.SaveAgency(ctx, v) },
}

// agencyQuery are the parameters view.AgencyFilter reads.
var agencyQuery = append([]apiParam{
	textParam("q", "名称子串或代码前缀"),
	flagParam("active", "true 有效 / false 已停用"),
}, pageQuery...)
