package staff

import (
	"net/http"
	"strconv"

	"spotcheck/web/internal/view"
)

// The 检查通知书 (issue 11, item 2): the print view of an inspection's
// notice, A4 on paper and readable on a phone, with the QR code and short
// link of the enterprise's page (web/portal/visitcheck.go). Opening it
// makes the notice's token the first time (NoticeService.Notice); a team
// member records its delivery here too.

// ShowNotice shows the notice of the inspection of the path to those who
// may see the inspection.
func (s *Handler) ShowNotice(w http.ResponseWriter, r *http.Request) {
	in := s.loadInspection(w, r)
	if in == nil {
		return
	}
	ctx := r.Context()
	n, err := s.svc.Notices.Notice(ctx, in.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := view.NoticeData(ctx, s.svc, r, n, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "notice", "检查通知书 · "+d.Entity, map[string]any{
		"Notice": d, "CanDeliver": n.DeliveredBy == "" && in.CanDeliver(view.StaffUser(r)) == nil,
	})
}

// DeliverNotice records that a team member delivered the notice (送达).
func (s *Handler) DeliverNotice(w http.ResponseWriter, r *http.Request) {
	in := s.loadInspection(w, r)
	if in == nil {
		return
	}
	if err := s.svc.Notices.DeliverNotice(r.Context(), in.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	view.Redirect(w, r, "/staff/inspections/"+strconv.FormatInt(in.ID, 10)+"/notice")
}
