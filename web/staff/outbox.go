package staff

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
	"spotcheck/xlsx"
)

// The credit push's outbox for the system administrator (issue 12, item
// 5): /staff/outbox counts the records by state, says whether and how
// this server is connected to the credit platform (without the token),
// lists the dead letters with their last error and the latest deliveries
// with their receipts, retries one dead record or all (recorded by the
// store with the actor and the note), and exports the records as .xlsx
// for a bureau that uploads them by hand.

// outboxListed is how many records of each list the page shows; the
// export has them all.
const outboxListed = 200

// ShowOutbox shows the outbox's page.
func (s *Handler) ShowOutbox(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	counts, err := s.svc.Outbox.OutboxCounts(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tr, err := s.svc.Outbox.OutboxTransport(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	events, err := s.svc.Outbox.OutboxEvents(ctx, 50)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := map[string]any{"Counts": counts, "Transport": tr, "Events": events}
	for key, state := range map[string]string{"Dead": spotcheck.OutboxDead, "Delivered": spotcheck.OutboxDelivered,
		"Pending": spotcheck.OutboxPending} {
		l, err := s.svc.Outbox.FindOutbox(ctx, state, 0, outboxListed)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d[key] = l
	}
	s.renderTitled(w, r, http.StatusOK, "outbox", "信用平台推送", d)
}

// RetryOutbox makes the dead record ?id (or every dead record when the
// form's id is empty) pending again (POST /staff/outbox/retry).
func (s *Handler) RetryOutbox(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.EINVALID, "表单格式错误"))
		return
	}
	var id int64
	if v := strings.TrimSpace(r.PostFormValue("id")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			s.fail(w, r, spotcheck.Errorf(spotcheck.EINVALID, "发送记录的序号“%s”无效", v))
			return
		}
		id = n
	}
	if _, err := s.svc.Outbox.RetryOutbox(r.Context(), id, strings.TrimSpace(r.PostFormValue("note"))); err != nil {
		s.fail(w, r, err)
		return
	}
	view.Redirect(w, r, view.WithFlash("/staff/outbox", "outbox-retried"))
}

// ExportOutbox sends every record (or those of ?state=) as outbox.xlsx or
// outbox.csv.
func (s *Handler) ExportOutbox(w http.ResponseWriter, r *http.Request) {
	f, err := xlsx.FormatOf(r.PathValue("file"))
	if err != nil {
		http.Error(w, "不支持的文件格式", http.StatusNotFound)
		return
	}
	state := r.URL.Query().Get("state")
	var all []spotcheck.OutboxEntry
	for offset := 0; ; {
		l, err := s.svc.Outbox.FindOutbox(r.Context(), state, offset, 10000)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		all = append(all, l.Items...)
		offset += len(l.Items)
		if !l.More || len(l.Items) == 0 {
			break
		}
	}
	var buf bytes.Buffer
	if err := xlsx.WriteOutbox(&buf, f, all, view.ChinaTime); err != nil {
		http.Error(w, "生成文件失败", http.StatusInternalServerError)
		return
	}
	name := "信用平台推送记录"
	if state != "" {
		name += "（" + xlsx.OutboxStateName(state) + "）"
	}
	attachment(w, name+"."+string(f), f)
	s.files.Send(w, r, &buf, int64(buf.Len()))
}
