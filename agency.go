package spotcheck

import (
	"context"
	"strings"
	"time"
)

// Agency is a 专业机构 (audit firm, testing lab…) that may assist a task but
// is never the inspecting party (国办发〔2024〕54号).
type Agency struct {
	Code          string // 统一社会信用代码
	Name          string
	Field         string // 服务领域
	Qualification string // 资质
	Contact       string
	Phone         string // internal, never public
	Active        bool

	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Normalize canonicalises the credit code and trims the other fields.
func (a *Agency) Normalize() {
	a.Code = NormalizeCode(a.Code)
	for _, f := range []*string{&a.Name, &a.Field, &a.Qualification, &a.Contact, &a.Phone} {
		*f = strings.TrimSpace(*f)
	}
}

// Validate checks a normalized agency's fields; it changes nothing.
func (a *Agency) Validate() Problems {
	var p Problems
	if p.checkRequired("code", "统一社会信用代码", a.Code) {
		if c, err := CheckCreditCode(a.Code); err != nil {
			p.Add("code", "统一社会信用代码", "%s", ErrorMessage(err))
		} else if c.Kind != CodeUSCC {
			p.Add("code", "统一社会信用代码", "专业机构须使用18位统一社会信用代码")
		}
	}
	if p.checkRequired("name", "名称", a.Name) {
		p.checkLen("name", "名称", a.Name, 100)
	}
	p.checkRequired("field", "服务领域", a.Field)
	return p
}

// AgencyService keeps the directory of agencies. The common contract of
// every service is in doc.go.
type AgencyService interface {
	// FindAgencies returns one page of the agencies that match f.
	// EUNAUTHORIZED, EFORBIDDEN.
	FindAgencies(ctx context.Context, f AgencyFilter) (List[*Agency], error)
	// FindAgencyByCode returns the agency with code. ENOTFOUND,
	// EUNAUTHORIZED, EFORBIDDEN.
	FindAgencyByCode(ctx context.Context, code string) (*Agency, error)
	// SaveAgency creates (Version 0) or updates a and sets its new
	// Version. EINVALID, ECONFLICT, ENOTFOUND, EFORBIDDEN, EUNAUTHORIZED.
	SaveAgency(ctx context.Context, a *Agency) error
	// ImportAgencies imports src all or nothing. EINVALID (*ImportError),
	// EFORBIDDEN, EUNAUTHORIZED.
	ImportAgencies(ctx context.Context, src ImportSource[Agency]) (ImportSummary, error)
	// ExportAgencies calls fn with every agency. EFORBIDDEN, EUNAUTHORIZED.
	ExportAgencies(ctx context.Context, fn func(*Agency) error) error
}
