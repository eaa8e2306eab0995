package spotcheck

import (
	"context"
	"strings"
	"time"
)

// Conflict kinds (回避).
const (
	// ConflictDeclared is a relation an inspector declared (申报回避).
	ConflictDeclared = "申报回避"
	// ConflictRequested is an enterprise's recusal request (申请回避); it
	// counts only once approved.
	ConflictRequested = "申请回避"
)

// Review states of a recusal request.
const (
	ReviewPending  = "待审核"
	ReviewApproved = "已通过"
	ReviewRejected = "已驳回"
)

// Conflict is an inspector × entity pair that must not meet in an
// inspection, with its reason and validity period. Active conflicts become
// the draw's conflicts.tsv (spec/draw-v1.md §1).
type Conflict struct {
	StaffID  string
	EntityID string
	Kind     string
	Reason   string
	From     string // YYYY-MM-DD
	To       string // YYYY-MM-DD, "" = open-ended
	Review   string // for requests; declared conflicts are 已通过
	Active   bool

	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Normalize trims the fields, canonicalises the entity's code and fills
// the review state a conflict of its kind starts in: a declared conflict
// is 已通过, a request 待审核.
func (c *Conflict) Normalize() {
	c.StaffID = strings.TrimSpace(c.StaffID)
	c.EntityID = NormalizeCode(c.EntityID)
	for _, f := range []*string{&c.Kind, &c.Reason, &c.From, &c.To, &c.Review} {
		*f = strings.TrimSpace(*f)
	}
	if c.Review == "" {
		c.Review = ReviewApproved
		if c.Kind == ConflictRequested {
			c.Review = ReviewPending
		}
	}
}

// Validate checks a normalized conflict's fields and changes nothing; that
// the inspector and entity exist is checked by the store.
func (c *Conflict) Validate() Problems {
	var p Problems
	p.checkRequired("staff_id", "工号", c.StaffID)
	p.checkRequired("entity_id", "检查对象代码", c.EntityID)
	if p.checkRequired("kind", "回避类型", c.Kind) {
		p.checkOneOf("kind", "回避类型", c.Kind, ConflictDeclared, ConflictRequested)
	}
	p.checkRequired("reason", "回避原因", c.Reason)
	if p.checkRequired("from", "生效日期", c.From) {
		p.checkDate("from", "生效日期", c.From)
	}
	p.checkDate("to", "失效日期", c.To)
	if c.To != "" && c.From != "" && c.To < c.From {
		p.Add("to", "失效日期", "不能早于生效日期")
	}
	p.checkOneOf("review", "审核状态", c.Review, ReviewPending, ReviewApproved, ReviewRejected)
	if c.Kind == ConflictDeclared && c.Review != ReviewApproved {
		p.Add("review", "审核状态", "申报回避无需审核，应为“已通过”")
	}
	return p
}

// ConflictService keeps the conflicts of interest between inspectors and
// entities (回避). The common contract of every service is in doc.go.
type ConflictService interface {
	// FindConflicts returns one page of the conflicts in the user's scope
	// that match f. EUNAUTHORIZED, EFORBIDDEN.
	FindConflicts(ctx context.Context, f ConflictFilter) (List[*Conflict], error)
	// FindConflict returns the conflict of kind between staffID and
	// entityID. ENOTFOUND, EUNAUTHORIZED, EFORBIDDEN.
	FindConflict(ctx context.Context, staffID, entityID, kind string) (*Conflict, error)
	// SaveConflict creates (Version 0) or updates c and sets its new
	// Version. EINVALID, ECONFLICT, ENOTFOUND, EFORBIDDEN, EUNAUTHORIZED.
	SaveConflict(ctx context.Context, c *Conflict) error
	// ImportConflicts imports src all or nothing. EINVALID (*ImportError),
	// EFORBIDDEN, EUNAUTHORIZED.
	ImportConflicts(ctx context.Context, src ImportSource[Conflict]) (ImportSummary, error)
	// ExportConflicts calls fn with every conflict in the user's scope.
	// EFORBIDDEN, EUNAUTHORIZED.
	ExportConflicts(ctx context.Context, fn func(*Conflict) error) error
}
