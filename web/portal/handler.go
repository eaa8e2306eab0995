// Package portal is the public face of the platform (design §6): the
// published item lists, the draws with their bundles and ticket checks,
// and the log of spec §8.1 under /log, for anyone without signing in.
// Its handlers run as spotcheck.Public(), so the store shows them only
// what is published; the draw pages keep to the public view themselves
// as well, whatever they are given.
package portal

import (
	"net/http"
	"time"

	"spotcheck/ledger"
	"spotcheck/web/internal/view"
)

// Handler serves the public pages. Create it with New.
type Handler struct {
	svc    view.Services
	ledger ledger.Reader // the log; nil: none
	views  *view.Views
	files  view.Downloads
	now    func() time.Time
	forms  *limiter // the public forms of a visit (ratelimit.go)
	// searches: the public results search (results.go)
	searches *limiter
	answers  *answers // the kept result pages (answers.go); nil: none
}

// Config is what New needs.
type Config struct {
	Services view.Services
	Ledger   ledger.Reader
	Views    *view.Views
	Files    view.Downloads // export slots and slow-client-safe sending (web/transport.go)
	Now      func() time.Time
	// AnswersKept bounds the result pages kept for visitors (answers.go):
	// 0 is AnswersKept, < 0 keeps none.
	AnswersKept int
}

// New returns the public pages' handler.
func New(c Config) *Handler {
	h := &Handler{svc: c.Services, ledger: c.Ledger, views: c.Views, files: c.Files, now: c.Now}
	now := h.now
	if now == nil {
		now = time.Now
	}
	h.forms = newLimiter(now, FormWindow)
	h.searches = newLimiter(now, SearchWindow)
	if c.AnswersKept == 0 {
		c.AnswersKept = AnswersKept
	}
	h.answers = newAnswers(c.AnswersKept, now)
	return h
}

// fail answers with the error page.
func (s *Handler) fail(w http.ResponseWriter, r *http.Request, err error) { s.views.Fail(w, r, err) }

// renderTitled writes page name with status and title.
func (s *Handler) renderTitled(w http.ResponseWriter, r *http.Request, status int, name, title string, d any) {
	s.views.Render(w, r, status, name, title, d)
}

// DownloadDrawBundle serves a draw's bundle as the public sees it, to
// anyone (spec §9, amendment 1): the files DrawFiles.Public keeps.
func (s *Handler) DownloadDrawBundle(w http.ResponseWriter, r *http.Request) {
	id, err := view.DrawID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.views.SendBundle(w, r, view.Bundle{Draws: s.svc.Draws, Ledger: s.ledger, Files: s.files, Now: s.now}, id, true)
}
