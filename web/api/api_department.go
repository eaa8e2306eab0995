package api

import (
	"context"
	"net/http"
	"time"

	"spotcheck"
)

// departmentJSON is a node of the department tree in the API.
type departmentJSON struct {
	Code      string    `json:"code" doc:"部门代码（抽取算法中的 unit）"`
	Name      string    `json:"name" doc:"部门名称"`
	Parent    string    `json:"parent" doc:"上级部门代码，根部门为空"`
	Division  string    `json:"division" doc:"所服务的行政区划代码"`
	Kind      string    `json:"kind" doc:"部门类型"`
	Active    bool      `json:"active" doc:"true 有效，false 已停用（新增时默认 true）"`
	Version   int       `json:"version" doc:"版本号；修改时须等于当前版本（乐观锁）"`
	UpdatedAt time.Time `json:"updated_at" doc:"最后修改时间" api:"readonly"`
}

func departmentToJSON(d *spotcheck.Department) departmentJSON {
	return departmentJSON{d.Code, d.Name, d.Parent, d.Division, d.Kind, d.Active, d.Version, d.UpdatedAt}
}

func (j *departmentJSON) toDepartment() *spotcheck.Department {
	return &spotcheck.Department{Code: j.Code, Name: j.Name, Parent: j.Parent, Division: j.Division, Kind: j.Kind,
		Active: j.Active, Version: j.Version}
}

var apiDepartments = apiKind[spotcheck.Department, departmentJSON]{
	keys:     []string{"code"},
	key:      func(d *spotcheck.Department) []*string { return []*string{&d.Code} },
	version:  func(d *spotcheck.Department) *int { return &d.Version },
	toJSON:   departmentToJSON,
	fromJSON: (*departmentJSON).toDepartment,
	newJSON:  func() departmentJSON { return departmentJSON{Active: true} },
	find: func(d services, ctx context.Context, dep *spotcheck.Department) (*spotcheck.Department, error) {
		return d.Departments.FindDepartmentByCode(ctx, spotcheck.NormalizeCode(dep.Code))
	},
	save: func(d services, ctx context.Context, v *spotcheck.Department) error {
		return d.Departments.SaveDepartment(ctx, v)
	},
}

// apiFindDepartments returns the whole department tree, which the service
// gives unpaged: it is small, and every user's scope is computed from it.
func apiFindDepartments(d services, r *http.Request) ([]*spotcheck.Department, error) {
	depts, err := d.Departments.FindDepartments(r.Context())
	out := make([]*spotcheck.Department, len(depts))
	for i := range depts {
		out[i] = &depts[i]
	}
	return out, err
}
