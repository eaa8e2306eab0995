package spotcheck

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Inspector is one person of the 执法检查人员名录库; experts (专家名录库) live in
// the same directory with Expert set. StaffID is the draw's inspector_id
// (spec/draw-v1.md §1), so it is ASCII.
type Inspector struct {
	StaffID     string
	Name        string
	Dept        string // department code; the draw's unit
	CertNo      string // 执法证号; experts may have none
	CertExpiry  string // YYYY-MM-DD
	Lead        bool   // may lead a team (主检)
	Expert      bool
	Field       string // expert's field (专业领域)
	Title       string // expert's professional title (职称)
	Employer    string // expert's employer (工作单位)
	Specialties []string
	Items       []string // 执法事项范围: the item codes they may inspect; empty = unrestricted (Covers)
	Phone       string   // internal, never public
	Leaves      []Leave
	Active      bool

	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Leave is a period, both ends inclusive, when an inspector cannot be drawn.
type Leave struct {
	From, To string // YYYY-MM-DD
}

// Normalize trims what people type.
func (in *Inspector) Normalize() {
	for _, f := range []*string{&in.StaffID, &in.Name, &in.Dept, &in.CertNo, &in.CertExpiry,
		&in.Field, &in.Title, &in.Employer, &in.Phone} {
		*f = strings.TrimSpace(*f)
	}
	in.Dept = strings.ToUpper(in.Dept)
	in.Specialties = normalizeTags(in.Specialties)
	for i, it := range in.Items {
		in.Items[i] = NormalizeCode(it)
	}
	in.Items = trimAll(in.Items)
}

// Covers reports whether the inspector's 执法事项范围 includes every one
// of items. An empty range covers all, for now: the department's list of
// responsibilities is not at hand where the roster is made (the pure
// Task.Roster), and directories kept before the field existed must keep
// drawing.
func (in *Inspector) Covers(items []string) bool {
	if len(in.Items) == 0 {
		return true
	}
	for _, it := range items {
		if !slices.Contains(in.Items, it) {
			return false
		}
	}
	return true
}

// Validate checks a normalized inspector's own fields (Normalize) and
// changes nothing; that Dept exists is checked by the store, which knows
// the departments.
func (in *Inspector) Validate() Problems {
	var p Problems
	if p.checkRequired("staff_id", "工号", in.StaffID) && !asciiID.MatchString(in.StaffID) {
		p.Add("staff_id", "工号", "“%s”无效，应为1–32位字母、数字、点、下划线或连字符", in.StaffID)
	}
	if p.checkRequired("name", "姓名", in.Name) {
		p.checkLen("name", "姓名", in.Name, 50)
	}
	p.checkRequired("dept", "所属部门", in.Dept)
	if in.Expert {
		p.checkRequired("field", "专业领域", in.Field)
	} else {
		p.checkRequired("cert_no", "执法证号", in.CertNo)
		p.checkRequired("cert_expiry", "执法证有效期至", in.CertExpiry)
	}
	if in.Lead && in.Expert {
		p.Add("lead", "可任主检", "专家不能担任主检")
	}
	p.checkLen("cert_no", "执法证号", in.CertNo, 32)
	p.checkDate("cert_expiry", "执法证有效期至", in.CertExpiry)
	for _, l := range in.Leaves {
		if !ValidDate(l.From) || !ValidDate(l.To) || l.To < l.From {
			p.Add("leaves", "请假期间", "“%s~%s”不是有效的期间（起止日期YYYY-MM-DD，止不早于起）", l.From, l.To)
		}
	}
	return p
}

// CertValidThrough reports whether the 执法证 is valid on every day up to and
// including date (YYYY-MM-DD). Only holders of a valid certificate may
// inspect (spec/draw-v1.md §1, roster).
func (in *Inspector) CertValidThrough(date string) bool {
	return in.CertNo != "" && in.CertExpiry >= date
}

// FormatLeaves writes leave periods the way files hold them:
// "2026-03-01~2026-03-10；2026-05-01~2026-05-03".
func FormatLeaves(ls []Leave) string {
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = l.From + "~" + l.To
	}
	return strings.Join(parts, "；")
}

// ParseLeaves reads what FormatLeaves writes; "至" and "-" between two
// dates are accepted as well as "~". Malformed parts are kept as given so
// that Validate can name them.
func ParseLeaves(s string) []Leave {
	var out []Leave
	for _, part := range SplitList(s) {
		part = strings.NewReplacer("至", "~", "～", "~").Replace(part)
		from, to, ok := strings.Cut(part, "~")
		if !ok && len(part) == 21 && part[10] == '-' {
			from, to = part[:10], part[11:]
		}
		out = append(out, Leave{From: strings.TrimSpace(from), To: strings.TrimSpace(to)})
	}
	return out
}

// InspectorFilter selects inspectors for FindInspectors.
type InspectorFilter struct {
	Query  string // name substring or staff id prefix
	Dept   string
	Expert *bool
	Active *bool
	Depts  []string // scope; nil = unrestricted
	Offset int
	Limit  int
}

// InspectorService keeps the directories of inspectors and of experts
// (expert set). The common contract of every service is in doc.go.
type InspectorService interface {
	// FindInspectors returns one page of the inspectors or experts in the
	// user's scope that match f. EUNAUTHORIZED, EFORBIDDEN.
	FindInspectors(ctx context.Context, f InspectorFilter) (List[*Inspector], error)
	// FindInspectorByID returns the inspector or expert with staffID.
	// ENOTFOUND, also outside the user's scope; EUNAUTHORIZED, EFORBIDDEN.
	FindInspectorByID(ctx context.Context, staffID string) (*Inspector, error)
	// SaveInspector creates (Version 0) or updates in, normalised, and sets
	// its new Version. EINVALID, ECONFLICT, ENOTFOUND, EFORBIDDEN,
	// EUNAUTHORIZED.
	SaveInspector(ctx context.Context, in *Inspector) error
	// ImportInspectors imports src (experts when expert) all or nothing.
	// EINVALID (*ImportError), EFORBIDDEN, EUNAUTHORIZED.
	ImportInspectors(ctx context.Context, expert bool, src ImportSource[Inspector]) (ImportSummary, error)
	// ExportInspectors calls fn with every inspector (expert) in the
	// user's scope. EFORBIDDEN, EUNAUTHORIZED.
	ExportInspectors(ctx context.Context, expert bool, fn func(*Inspector) error) error
}
