package spotcheck

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"slices"
	"strings"
	"time"
)

// Notice is the 检查通知书 of one inspection (issue 11, item 2): its
// token makes the short link and QR code by which the enterprise checks,
// without logging in, that the visit is genuine (item 6). The token is
// random and unguessable, because the public page it opens names the
// inspectors and the task: a guessable one would let anyone list visits.
// Delivery (送达) and the first reading are recorded, so that a dispute
// about whether the enterprise was told can be settled from the record.
type Notice struct {
	Inspection  int64
	Token       string
	CreatedBy   string
	CreatedAt   time.Time
	DeliveredBy string    // the team member who recorded the delivery, "" until then
	DeliveredAt time.Time // zero until delivered
	FirstReadAt time.Time // the first public view, zero until then
}

// NoticeTokenLen is the length of a notice token: 128 random bits in
// unpadded lowercase base32 (26 characters), short enough to type.
const NoticeTokenLen = 26

var noticeEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewNoticeToken returns a fresh random notice token.
func NewNoticeToken() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("spotcheck: no randomness: " + err.Error())
	}
	return strings.ToLower(noticeEncoding.EncodeToString(b))
}

// ValidNoticeToken reports whether s has the shape of a notice token, so
// that a malformed one is answered as unknown without a query.
func ValidNoticeToken(s string) bool {
	if len(s) != NoticeTokenLen {
		return false
	}
	return strings.Trim(s, "abcdefghijklmnopqrstuvwxyz234567") == ""
}

// readsAsPublic reports whether p is the portal's visitor, whose view of
// a notice is the enterprise's reading (a staff preview is not).
func readsAsPublic(p *Principal) bool { return p != nil && slices.Contains(p.Roles, rolePublic) }

// FirstReading reports whether p's view of n is the first reading to record.
func (n *Notice) FirstReading(p *Principal) bool { return n.FirstReadAt.IsZero() && readsAsPublic(p) }

// NoNotice is the answer for an unknown token: it says nothing of why.
func NoNotice() error { return Errorf(ENOTFOUND, "没有这份检查通知书") }

// CanDeliver decides whether p may record the notice's delivery: only a
// member of the inspection's team (or the system), who hands it over.
func (in *Inspection) CanDeliver(p *Principal) error {
	if err := in.CanView(p); err != nil {
		return err
	}
	if p.IsSystem() || in.Member(p) != "" {
		return nil
	}
	return Errorf(EFORBIDDEN, "没有权限：只有检查组成员可以登记%s的通知书送达", in.record())
}

// NoticeService keeps the inspections' notices (store/notice.go).
type NoticeService interface {
	// Notice returns the notice of inspection id, creating its token the
	// first time a user who may see the inspection (its team, its
	// department's staff; Inspection.CanView) asks. EUNAUTHORIZED;
	// ENOTFOUND for an inspection the user may not see.
	Notice(ctx context.Context, id int64) (*Notice, error)
	// DeliverNotice records that the notice was delivered (送达), once:
	// a team member (CanDeliver). ECONFLICT if already recorded.
	DeliverNotice(ctx context.Context, id int64) error
	// ReadNotice returns the notice with that token and its inspection
	// (with the team's names and 执法证号) to any principal, the
	// public's included, and records the first reading by the public.
	// ENOTFOUND for an unknown or malformed token.
	ReadNotice(ctx context.Context, token string) (*Notice, *Inspection, error)
}
