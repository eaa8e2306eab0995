package portal

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"spotcheck"
	"spotcheck/web/internal/view"
	"spotcheck/xlsx"
)

// The 抽查结果公告 (issue 12, item 1): the published results of each task —
// plan, task, draw type, authority, completion date, and per entity its
// name, credit code, item-level and entity-level results — with every
// correction beside what it corrects, and a search by enterprise name or
// credit code. The store gives the public fields only (CreditRecord) and
// leaves out what is past its display period; the page says how many.
// The search is rate-limited per address (ratelimit.go) and its input is
// checked by spotcheck.ParsePublicQuery, whose Chinese message the page
// shows.

// Limits of the public search, per window.
const (
	SearchWindow       = time.Minute
	SearchesPerAddress = 30
)

// limitSearch counts one search for the client's address; beyond the
// limit the answer is 429 with Retry-After and nothing is searched.
func (s *Handler) limitSearch(w http.ResponseWriter, r *http.Request) bool {
	wait, ok := s.searches.allow([]string{"search " + clientKey(r)}, []int{SearchesPerAddress})
	if ok {
		return true
	}
	secs := int((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.fail(w, r, &view.StatusError{Status: http.StatusTooManyRequests, Code: "rate_limited",
		Msg: fmt.Sprintf("查询过于频繁，请 %d 秒后再试", secs)})
	return false
}

// resultTable is what the "resultrows" template shows.
type resultTable struct {
	ID       string
	Pubs     []spotcheck.Publication
	WithTask bool
}

// ShowPublicResults is /results: the tasks with published results, or the
// results of the enterprises a search names.
func (s *Handler) ShowPublicResults(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query().Get("q")
	if q != "" && !s.limitSearch(w, r) {
		return
	}
	key, err := s.answers.key(r, s.svc.Publications, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if body, ok := s.answers.get(key); ok {
		view.WriteHTML(w, http.StatusOK, body)
		return
	}
	data := map[string]any{"Q": q, "Rule": spotcheck.DisplayRule}
	status := http.StatusOK
	if q != "" {
		pubs, err := s.svc.Publications.FindPublications(ctx, spotcheck.PublicationFilter{Query: q, Limit: searchRows})
		switch {
		case spotcheck.ErrorCode(err) == spotcheck.EINVALID:
			status, data["Message"], data["Q"] = http.StatusBadRequest, spotcheck.ErrorMessage(err), ""
		case err != nil:
			s.fail(w, r, err)
			return
		default:
			data["Found"], data["Searched"] = resultTable{ID: "found", Pubs: pubs, WithTask: true}, true
			n := distinctEntities(pubs)
			data["Narrow"], data["NarrowTo"] = len(pubs) == searchRows || n >= spotcheck.PublicSearchEntities, n
		}
	}
	// The list of tasks reads every publication shown: the landing page
	// has it, a search's answer its results alone.
	if data["Searched"] == nil {
		tasks, err := s.svc.Publications.FindResultTasks(ctx, "", 50)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		data["Tasks"] = tasks
	}
	body, err := s.views.Page(r, "public_results", "抽查结果公告", data)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if status == http.StatusOK {
		s.answers.keep(key, body)
	}
	view.WriteHTML(w, status, body)
}

// ShowPublicTaskResults is /results/{task}: the task's 抽查结果公告.
func (s *Handler) ShowPublicTaskResults(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	task := r.PathValue("task")
	pubs, err := s.taskResults(r, task)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	expired, err := s.svc.Publications.CountExpired(ctx, task, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(pubs) == 0 && expired == 0 {
		s.fail(w, r, spotcheck.Errorf(spotcheck.ENOTFOUND, "任务 %s 没有已公示的检查结果", task))
		return
	}
	var head *spotcheck.CreditRecord
	if len(pubs) > 0 {
		head = &pubs[len(pubs)-1].Record
	}
	s.renderTitled(w, r, http.StatusOK, "public_task_results", "抽查结果公告 · "+task, map[string]any{
		"Task": task, "Head": head, "Pubs": pubs, "Table": resultTable{ID: "taskresults", Pubs: pubs}, "Expired": expired, "Rule": spotcheck.DisplayRule,
	})
}

// DownloadTaskResults sends the task's 抽查结果公告 as an .xlsx sheet.
func (s *Handler) DownloadTaskResults(w http.ResponseWriter, r *http.Request) {
	task := r.PathValue("task")
	pubs, err := s.taskResults(r, task)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(pubs) == 0 {
		s.fail(w, r, spotcheck.Errorf(spotcheck.ENOTFOUND, "任务 %s 没有公示中的检查结果", task))
		return
	}
	var buf bytes.Buffer
	if err := xlsx.WritePublications(&buf, pubs); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(task+"抽查结果公告.xlsx"))
	s.files.Send(w, r, &buf, int64(buf.Len()))
}

// taskResults reads the publications of task shown today, all of them
// (the store pages by MaxPublicationsPage; a task has rarely more).
func (s *Handler) taskResults(r *http.Request, task string) ([]spotcheck.Publication, error) {
	var out []spotcheck.Publication
	for off := 0; off < 50000; {
		page, err := s.svc.Publications.FindPublications(r.Context(), spotcheck.PublicationFilter{Task: task, Offset: off})
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) == 0 || len(page) < 200 {
			break
		}
		off += len(page)
	}
	return out, nil
}

// searchRows is the most results one search shows: a page a phone can
// scroll, and a bound on what one request costs.
const searchRows = 60

// distinctEntities counts the enterprises among pubs.
func distinctEntities(pubs []spotcheck.Publication) int {
	seen := map[string]bool{}
	for _, p := range pubs {
		seen[p.Entity] = true
	}
	return len(seen)
}
