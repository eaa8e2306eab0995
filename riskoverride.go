package spotcheck

import (
	"context"
	"strings"
	"time"
)

// Manual overrides (issue 14, item 2: 人工调整). A department
// administrator may set an entity's credit class and key-list membership
// by hand, against the model, for a stated reason and until a stated day.
// While the override is active every reclassification run still scores
// the entity (its facts and score are shown) but leaves it at the
// override's class and key flag; the first run after it expires returns
// the entity to the model's class and records that the override expired.
// Overrides are appended and never changed: revoking one, and its ending
// by expiry, are new rows (RiskOverrideRevoke, RiskOverrideExpire).

// The kinds of rows of the override record.
const (
	RiskOverrideSet    = "override" // 人工调整
	RiskOverrideRevoke = "revoke"   // 撤销
	RiskOverrideExpire = "expire"   // 到期恢复
)

// RiskOverrideMinReason is the shortest reason accepted, in characters
// after trimming: "调整" alone says nothing a reviewer can check.
const RiskOverrideMinReason = 4

// RiskOverride is one manual override of an entity's class and key flag.
type RiskOverride struct {
	ID      int64
	Entity  string
	Dept    string // the entity's department when the override was made
	Class   string // A–D
	Key     bool   // on the key list (重点检查对象)
	Reason  string
	Expires string // YYYY-MM-DD, the last day it holds
	By      string
	At      time.Time
	// Ended is "" while the override stands, else RiskOverrideRevoke or
	// RiskOverrideExpire; EndedBy, EndedAt and EndReason say who, when
	// and why. A later override of the same entity supersedes an earlier
	// one without ending it (Superseded).
	Ended      string
	EndedBy    string
	EndedAt    time.Time
	EndReason  string
	Superseded bool
}

// Validate normalises o (trimmed reason, upper-case class) and checks it
// against today (China): a reason of at least RiskOverrideMinReason
// characters, a class A–D, and an expiry after today and at most one
// year ahead. The limit is a review period: 国家市场监管总局 reclassifies
// enterprises monthly (notes/domain-rules.md, 信用风险分类) and the model
// is reviewed at least yearly, so a hand-set class must come back for
// review rather than outlive the evidence it was set on.
func (o *RiskOverride) Validate(today time.Time) error {
	var p Problems
	o.Reason = strings.TrimSpace(o.Reason)
	o.Class = NormalizeCode(o.Class)
	o.Expires = strings.TrimSpace(o.Expires)
	if n := len([]rune(o.Reason)); n < RiskOverrideMinReason {
		p.Add("reason", "调整原因", "必须说明原因，至少%d个字", RiskOverrideMinReason)
	} else {
		p.checkLen("reason", "调整原因", o.Reason, 200)
	}
	if p.checkRequired("class", "信用风险分类", o.Class) {
		p.checkOneOf("class", "信用风险分类", o.Class, CreditClasses...)
	}
	day := today.In(ChinaTime).Format(DateLayout)
	last := today.In(ChinaTime).AddDate(1, 0, 0).Format(DateLayout)
	switch {
	case o.Expires == "":
		p.Add("expires", "有效期至", "不能为空，人工调整必须设定到期日")
	case !ValidDate(o.Expires):
		p.Add("expires", "有效期至", "“%s”不是有效日期，应为YYYY-MM-DD", o.Expires)
	case o.Expires <= day:
		p.Add("expires", "有效期至", "“%s”应晚于今天（%s）", o.Expires, day)
	case o.Expires > last:
		p.Add("expires", "有效期至", "“%s”超过一年（最迟%s）：人工调整须定期复核", o.Expires, last)
	}
	return p.Err()
}

// Active reports whether o holds on day (YYYY-MM-DD): not ended, not
// superseded, and day not after Expires.
func (o *RiskOverride) Active(day string) bool {
	return o.Ended == "" && !o.Superseded && day <= o.Expires
}

// Expired reports whether o ran out before day and has not been ended
// yet: the next run returns the entity to the model's class.
func (o *RiskOverride) Expired(day string) bool {
	return o.Ended == "" && !o.Superseded && day > o.Expires
}

// Note is the reason a run gives for keeping an entity at o's class.
func (o *RiskOverride) Note() string {
	return o.KeyReason() + "（至" + o.Expires + "）"
}

// KeyReason is the entity's key-list reason while the override puts it on
// the list; the list's expiry, the override's, is kept beside it.
func (o *RiskOverride) KeyReason() string { return "人工调整：" + o.Reason }

// ExpiredNote is how the move that returns an entity to the model's
// class begins its reason.
func (o *RiskOverride) ExpiredNote() string {
	return "人工调整（" + o.Reason + "，至" + o.Expires + "）已到期，恢复模型分类："
}

// Apply returns a as o sets it: the model's score and contributions kept,
// the class and key flag o's, the key reason and expiry o's note and day.
func (o *RiskOverride) Apply(a RiskAssessment) RiskAssessment {
	a.Class, a.Key, a.KeyReason, a.KeyExpiry = o.Class, o.Key, "", ""
	if o.Key {
		a.KeyReason, a.KeyExpiry = o.Note(), o.Expires
	}
	return a
}

// RiskOverrideService keeps the manual overrides (store/risk_override.go).
// Making and revoking one need PermManageRisk on the entity's department;
// an entity outside the user's scope is ENOTFOUND, as if it did not exist.
type RiskOverrideService interface {
	// OverrideRiskClass validates the override (Validate: EINVALID with
	// the field), records it and sets the entity's class and key flag at
	// once, in one transaction, so that the next draw's frame takes them.
	OverrideRiskClass(ctx context.Context, entity, class string, key bool, reason, expires string) (*RiskOverride, error)
	// RevokeRiskOverride ends an active override for reason and returns
	// the entity to the model's class of the last applied run that
	// scored it, or, with none, to the class it had before the override.
	// ECONFLICT for an override that is no longer active; ENOTFOUND.
	RevokeRiskOverride(ctx context.Context, id int64, reason string) (*RiskOverride, error)
	// FindRiskOverrides lists the overrides of an entity, newest first.
	FindRiskOverrides(ctx context.Context, entity string) ([]*RiskOverride, error)
	// FindActiveRiskOverrides lists the overrides active today in the
	// user's scope, by entity.
	FindActiveRiskOverrides(ctx context.Context) ([]*RiskOverride, error)
}
