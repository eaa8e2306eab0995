package spotcheck

import (
	"context"
	"strings"
)

// Annual caps and repeat alerts (issue 10 item 5). Against repeated
// inspections of the same entity, an authority inspects one entity at
// most a number of times a calendar year; the cap is an installation
// setting that names its legal source, kept by the system administrator.
// It becomes the `annual-cap` exclusions of the next draw's frame
// (Task.Frame); supervisors see the entities inspected more often than
// the cap all the same (RepeatAlert), e.g. by draws planned before a
// change of the setting.

// CapPolicy is the annual cap setting.
type CapPolicy struct {
	Limit          int    `json:"limit"`            // inspections of one entity by one authority a calendar year
	ExemptHighRisk bool   `json:"exempt_high_risk"` // credit class D and 重点 entities are not capped
	Source         string `json:"source"`           // the legal source the cap follows
}

// DefaultCapPolicy is the cap until the administrator sets one: twice a
// year, high-risk entities exempt (they are to be inspected more often).
func DefaultCapPolicy() CapPolicy {
	return CapPolicy{Limit: DefaultAnnualCap, ExemptHighRisk: true,
		Source: "《国务院办公厅关于严格规范涉企行政检查的意见》（国办发〔2024〕54号）"}
}

// Normalize trims the source.
func (c *CapPolicy) Normalize() { c.Source = strings.TrimSpace(c.Source) }

// Validate checks the bounds: a cap of 1–12 and a named source.
func (c *CapPolicy) Validate() Problems {
	var p Problems
	if c.Limit < 1 || c.Limit > 12 {
		p.Add("limit", "年度检查上限", "应为1–12次")
	}
	if p.checkRequired("source", "依据", c.Source) && len([]rune(c.Source)) > 200 {
		p.Add("source", "依据", "不能超过200字")
	}
	return p
}

// HighRisk reports whether an entity counts as high-risk for the cap:
// credit risk class D, or a 重点检查对象.
func HighRisk(creditClass string, key bool) bool { return creditClass == "D" || key }

// Exempt reports whether the cap spares an entity.
func (c CapPolicy) Exempt(creditClass string, key bool) bool {
	return c.ExemptHighRisk && HighRisk(creditClass, key)
}

// LimitFor returns the cap a task's frame applies: the setting's, or the
// task's own when it is stricter (a task may ask for fewer visits, never
// more than the setting allows).
func (c CapPolicy) LimitFor(t *Task) int {
	if t.AnnualCap > 0 && t.AnnualCap < c.Limit {
		return t.AnnualCap
	}
	return c.Limit
}

// Capped reports whether an entity inspected n times this year by the
// task's authority has reached the cap for the task's next draw.
func (c CapPolicy) Capped(t *Task, n int, creditClass string, key bool) bool {
	return n >= c.LimitFor(t) && !c.Exempt(creditClass, key)
}

// RepeatInspection is one draw that counted an entity as inspected: its
// task, the task's department and the draw.
type RepeatInspection struct {
	Task, TaskName, Dept, DeptName string
	Draw                           int64
	Start                          string
}

// RepeatAlert is an entity inspected by one authority more often in a year
// than the cap allows, with the inspections that count.
type RepeatAlert struct {
	Year          string
	Entity        string
	EntityName    string
	Authority     string
	AuthorityName string
	Count, Limit  int
	HighRisk      bool // credit class D or 重点 (HighRisk)
	By            []RepeatInspection
}

// RepeatAlerts keeps, of the per-(year, authority, entity) counts, those
// over the cap that the policy does not exempt.
func RepeatAlerts(counts []RepeatAlert, c CapPolicy) []RepeatAlert {
	var out []RepeatAlert
	for _, a := range counts {
		if a.Count <= c.Limit || (c.ExemptHighRisk && a.HighRisk) {
			continue
		}
		a.Limit = c.Limit
		out = append(out, a)
	}
	return out
}

// CapService keeps the cap setting and lists the repeat alerts
// (store/cap.go).
type CapService interface {
	// FindCapPolicy returns the cap in force (DefaultCapPolicy until one
	// is set). Anyone with a principal may read it.
	FindCapPolicy(ctx context.Context) (CapPolicy, error)
	// UpdateCapPolicy stores a new cap, recorded as a change of kind
	// "setting", key "annual_cap", before and after; the next draws'
	// frames apply it. PermManageDepartments (the system administrator);
	// EINVALID.
	UpdateCapPolicy(ctx context.Context, c *CapPolicy) error
	// FindRepeatAlerts lists the entities inspected (selected by draws
	// that were drawn and not superseded) in year more often by one
	// authority than the cap allows, with the tasks that did, names
	// resolved. PermSuperviseDraws.
	FindRepeatAlerts(ctx context.Context, year string) ([]RepeatAlert, error)
}
