package spotcheck

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// Department kinds.
const (
	// DeptBureau is a culture & tourism bureau: it owns the entities of its
	// division and everything below it.
	DeptBureau = "文旅部门"
	// DeptPartner is a partner department (消防, 公安, 市场监管…) that joins
	// joint tasks and sees only what those tasks touch.
	DeptPartner = "协作部门"
	// DeptOffice is an internal office or brigade under a bureau.
	DeptOffice = "内设机构"
)

// DeptKinds lists the department kinds.
var DeptKinds = []string{DeptBureau, DeptPartner, DeptOffice}

// Department is a node of the department tree. Code is a short ASCII code
// (e.g. FZWL); it is the `unit` of spec/draw-v1.md §1.
type Department struct {
	Code     string
	Name     string
	Parent   string // parent department code, "" for a root
	Division string // GB/T 2260 code of the division it serves
	Kind     string
	Active   bool

	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

var deptCode = regexp.MustCompile(`^[A-Z][A-Z0-9_]{1,15}$`)

// Normalize canonicalises the codes and trims the other fields.
func (d *Department) Normalize() {
	d.Code, d.Parent = NormalizeCode(d.Code), NormalizeCode(d.Parent)
	d.Name, d.Division, d.Kind = strings.TrimSpace(d.Name), strings.TrimSpace(d.Division), strings.TrimSpace(d.Kind)
}

// Validate checks a normalized department's own fields and changes
// nothing. Tree checks (parent exists, no cycle) need the other
// departments and are done by ValidateDepartmentTree.
func (d *Department) Validate(ref *Reference) Problems {
	var p Problems
	if p.checkRequired("code", "部门代码", d.Code) && !deptCode.MatchString(d.Code) {
		p.Add("code", "部门代码", "“%s”无效，应为2–16位大写字母、数字或下划线，以字母开头", d.Code)
	}
	if p.checkRequired("name", "部门名称", d.Name) {
		p.checkLen("name", "部门名称", d.Name, 64)
	}
	if d.Parent == d.Code && d.Code != "" {
		p.Add("parent", "上级部门代码", "不能是部门自身")
	}
	if p.checkRequired("division", "区划代码", d.Division) {
		if _, ok := ref.Division(d.Division); !ok {
			p.Add("division", "区划代码", "“%s”不是已知的行政区划代码", d.Division)
		}
	}
	p.checkOneOf("kind", "部门类型", d.Kind, DeptKinds...)
	return p
}

// ValidateDepartmentTree checks that every parent exists and that the parent
// links form no cycle. depts is the whole tree after a change.
func ValidateDepartmentTree(depts []Department) error {
	byCode := make(map[string]Department, len(depts))
	for _, d := range depts {
		byCode[d.Code] = d
	}
	for _, d := range depts {
		seen := map[string]bool{d.Code: true}
		for p := d.Parent; p != ""; p = byCode[p].Parent {
			if _, ok := byCode[p]; !ok {
				return Errorf(EINVALID, "部门“%s”的上级部门“%s”不存在", d.Code, p)
			}
			if seen[p] {
				return Errorf(EINVALID, "部门“%s”的上级关系形成循环", d.Code)
			}
			seen[p] = true
		}
	}
	return nil
}

// OwnerBureau returns the code of the bureau that owns entities of division:
// the active bureau serving that division, else the one serving the nearest
// ancestor division (a district without its own bureau falls to the city).
// It returns "" when no bureau serves the division or any ancestor.
func OwnerBureau(depts []Department, ref *Reference, division string) string {
	for d := division; d != ""; {
		for _, dep := range depts {
			if dep.Kind == DeptBureau && dep.Active && dep.Division == d {
				return dep.Code
			}
		}
		div, ok := ref.Division(d)
		if !ok {
			return ""
		}
		d = div.Parent
	}
	return ""
}

// Subtree returns the codes of root and all its descendants.
func Subtree(depts []Department, root string) []string {
	children := map[string][]string{}
	for _, d := range depts {
		children[d.Parent] = append(children[d.Parent], d.Code)
	}
	out := []string{root}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}

// UnitOf returns the unit (spec/draw-v1.md §1) an inspector of department
// code serves: the department itself, or for an internal office (内设机构)
// the nearest department above it that is not one. It returns "" for an
// unknown code.
func UnitOf(depts []Department, code string) string {
	byCode := make(map[string]*Department, len(depts))
	for i := range depts {
		byCode[depts[i].Code] = &depts[i]
	}
	for seen := 0; seen <= len(depts); seen++ {
		d := byCode[code]
		switch {
		case d == nil:
			return ""
		case d.Kind != DeptOffice || d.Parent == "":
			return d.Code
		}
		code = d.Parent
	}
	return ""
}

// DepartmentService keeps the department tree. The common contract of
// every service is in doc.go.
type DepartmentService interface {
	// FindDepartments returns every department, by code.
	// EUNAUTHORIZED, EFORBIDDEN (no PermViewDepartments).
	FindDepartments(ctx context.Context) ([]Department, error)
	// FindDepartmentByCode returns the department with code. ENOTFOUND,
	// EUNAUTHORIZED, EFORBIDDEN.
	FindDepartmentByCode(ctx context.Context, code string) (*Department, error)
	// SaveDepartment creates (Version 0) or updates d and sets its new
	// Version. EINVALID, ECONFLICT, ENOTFOUND, EFORBIDDEN, EUNAUTHORIZED.
	SaveDepartment(ctx context.Context, d *Department) error
	// ImportDepartments imports src all or nothing. EINVALID
	// (*ImportError), EFORBIDDEN, EUNAUTHORIZED.
	ImportDepartments(ctx context.Context, src ImportSource[Department]) (ImportSummary, error)
	// ExportDepartments calls fn with every department. EFORBIDDEN,
	// EUNAUTHORIZED.
	ExportDepartments(ctx context.Context, fn func(*Department) error) error
}
