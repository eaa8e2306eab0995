package portal

import (
	"net/http"

	"spotcheck"
)

// The enterprise's check of a visit (issue 11, item 6): the QR code of
// the 检查通知书 opens /v/{token}, where, without signing in, the
// enterprise sees that the visit is genuine — the task, the window, the
// inspectors with their 执法证号, the department, and the draw it came
// from — and reads the notice online. The token is the only key: the page
// shows this one inspection and never another entity, and an unknown
// token is a plain 404 that does not say why. The first view is recorded
// as the enterprise's first reading (NoticeService.ReadNotice).

// ShowVisitCheck shows the visit and the notice of the token of the path.
func (s *Handler) ShowVisitCheck(w http.ResponseWriter, r *http.Request) {
	s.renderVisitCheck(w, r, http.StatusOK, &visitForms{}) // with the enterprise's forms: recusal.go
}

// visitDraw is the draw the visit came from as the public may see it: a
// published draw itself, or, while its result is sealed, the draw as the
// task's public list shows it (its plan's log entry, the commitments).
// nil when neither is readable.
func (s *Handler) visitDraw(r *http.Request, task string, id int64) *spotcheck.Draw {
	ctx := r.Context()
	if d, err := s.svc.Draws.FindDrawByID(ctx, id); err == nil {
		return d
	}
	list, err := s.svc.Draws.FindDraws(ctx, spotcheck.DrawFilter{Task: task, Limit: 50})
	if err != nil {
		return nil
	}
	for i := range list.Items {
		if list.Items[i].ID == id {
			return &list.Items[i]
		}
	}
	return nil
}
