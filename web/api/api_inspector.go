package api

import (
	"context"
	"strings"
	"time"

	"spotcheck"
)

// inspectorJSON is an inspector (执法检查人员) or an expert (专家) in the API.
type inspectorJSON struct {
	StaffID     string      `json:"staff_id" doc:"工号（抽取算法中的 inspector_id）"`
	Name        string      `json:"name" doc:"姓名"`
	Dept        string      `json:"dept" doc:"所属部门代码"`
	CertNo      string      `json:"cert_no" doc:"执法证号（专家可无）"`
	CertExpiry  string      `json:"cert_expiry" doc:"执法证有效期至 YYYY-MM-DD"`
	Lead        bool        `json:"lead" doc:"可任主检"`
	Expert      bool        `json:"expert" doc:"专家名录库中的专家"`
	Field       string      `json:"field" doc:"专家的专业领域"`
	Title       string      `json:"title" doc:"专家的职称"`
	Employer    string      `json:"employer" doc:"专家的工作单位"`
	Specialties []string    `json:"specialties" doc:"专长"`
	ItemScope   []string    `json:"items" doc:"执法事项范围：抽查事项编码（空为不限）"`
	Phone       string      `json:"phone" doc:"联系电话（内部，不公开）"`
	Leaves      []leaveJSON `json:"leaves" doc:"请假期间（期间内不参与抽取）"`
	Active      bool        `json:"active" doc:"名录状态：true 有效，false 已停用（新增时默认 true）"`
	Version     int         `json:"version" doc:"版本号；修改时须等于当前版本（乐观锁）"`
	UpdatedAt   time.Time   `json:"updated_at" doc:"最后修改时间" api:"readonly"`
}

// leaveJSON is a leave period, both ends inclusive.
type leaveJSON struct {
	From string `json:"from" doc:"起 YYYY-MM-DD"`
	To   string `json:"to" doc:"止 YYYY-MM-DD（含）"`
}

func inspectorToJSON(in *spotcheck.Inspector) inspectorJSON {
	leaves := make([]leaveJSON, len(in.Leaves))
	for i, l := range in.Leaves {
		leaves[i] = leaveJSON(l)
	}
	return inspectorJSON{in.StaffID, in.Name, in.Dept, in.CertNo, in.CertExpiry, in.Lead, in.Expert, in.Field,
		in.Title, in.Employer, nonNil(in.Specialties), nonNil(in.Items), in.Phone, leaves, in.Active, in.Version, in.UpdatedAt}
}

func (j *inspectorJSON) toInspector() *spotcheck.Inspector {
	var leaves []spotcheck.Leave
	for _, l := range j.Leaves {
		leaves = append(leaves, spotcheck.Leave(l))
	}
	return &spotcheck.Inspector{StaffID: j.StaffID, Name: j.Name, Dept: j.Dept, CertNo: j.CertNo,
		CertExpiry: j.CertExpiry, Lead: j.Lead, Expert: j.Expert, Field: j.Field, Title: j.Title,
		Employer: j.Employer, Specialties: j.Specialties, Items: j.ItemScope, Phone: j.Phone, Leaves: leaves, Active: j.Active,
		Version: j.Version}
}

var apiInspectors = apiKind[spotcheck.Inspector, inspectorJSON]{
	keys:     []string{"staff_id"},
	key:      func(in *spotcheck.Inspector) []*string { return []*string{&in.StaffID} },
	version:  func(in *spotcheck.Inspector) *int { return &in.Version },
	toJSON:   inspectorToJSON,
	fromJSON: (*inspectorJSON).toInspector,
	newJSON:  func() inspectorJSON { return inspectorJSON{Active: true} },
	find: func(d services, ctx context.Context, in *spotcheck.Inspector) (*spotcheck.Inspector, error) {
		return d.Inspectors.FindInspectorByID(ctx, strings.TrimSpace(in.StaffID))
	},
	save: func(d services, ctx context.Context, v *spotcheck.Inspector) error {
		return d.Inspectors.SaveInspector(ctx, v)
	},
}

// inspectorQuery are the parameters view.InspectorFilter reads.
var inspectorQuery = append([]apiParam{
	textParam("q", "姓名子串或工号前缀"),
	textParam("dept", "部门代码"),
	flagParam("expert", "true 专家 / false 执法检查人员"),
	flagParam("active", "true 有效 / false 已停用"),
}, pageQuery...)
