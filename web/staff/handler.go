// Package staff is the staff workspace under /staff/: the directories and
// lists, the departments and accounts, the audit trail, imports and
// exports, tasks and draws. Its handlers are named by the route table of
// package web, which checks the permission of each route before they run;
// the store checks the department of every record again.
package staff

import (
	"context"
	"net/http"
	"time"

	"spotcheck"
	"spotcheck/ledger"
	"spotcheck/web/internal/view"
)

// Handler serves the staff pages. Create it with New.
type Handler struct {
	svc     view.Services
	ledger  ledger.Reader // for the log of a draw's bundle; nil: none
	views   *view.Views
	files   view.Downloads
	now     func() time.Time
	session func(w http.ResponseWriter, token string)
	thumbs  thumbCache // evidence photos' thumbnails (thumbnail.go)
	risk    *riskWork  // reclassifications started from the pages (risk_work.go)
}

// Config is what New needs.
type Config struct {
	Services view.Services
	Ledger   ledger.Reader
	Views    *view.Views
	Files    view.Downloads // export slots and slow-client-safe sending (web/transport.go)
	Now      func() time.Time
	// Session sets the session cookie of a new session, after a user's
	// password change has ended every other one (web/auth.go).
	Session func(w http.ResponseWriter, token string)
	// Background is the server's lifetime: work the pages start in the
	// background (reclassification, risk_work.go) runs on it and ends
	// with it; nil: context.Background().
	Background context.Context
}

// New returns the staff pages' handler.
func New(c Config) *Handler {
	return &Handler{svc: c.Services, ledger: c.Ledger, views: c.Views, files: c.Files,
		now: c.Now, session: c.Session, risk: newRiskWork(c.Background)}
}

// fail answers with the error page.
func (s *Handler) fail(w http.ResponseWriter, r *http.Request, err error) { s.views.Fail(w, r, err) }

// renderTitled writes page name with status and title.
func (s *Handler) renderTitled(w http.ResponseWriter, r *http.Request, status int, name, title string, d any) {
	s.views.Render(w, r, status, name, title, d)
}

// today is the current date in China, as forms and records write dates.
func (s *Handler) today() string { return view.Today(s.now()) }

// namingDepts returns the departments for showing names and offering
// choices, or none when the store does not show the tree to the user (the
// roles without PermViewDepartments): their pages then show department
// codes and offer no department filter instead of failing.
func (s *Handler) namingDepts(ctx context.Context) ([]spotcheck.Department, error) {
	depts, err := s.svc.Departments.FindDepartments(ctx)
	if spotcheck.ErrorCode(err) == spotcheck.EFORBIDDEN {
		return nil, nil
	}
	return depts, err
}

// decode reads the posted form into the typed form dst (view.Decode) and
// returns the problems of values that do not parse.
func (s *Handler) decode(r *http.Request, dst any) spotcheck.Problems {
	if err := r.ParseForm(); err != nil {
		return spotcheck.Problems{{Field: "", Label: "表单", Message: "表单格式错误"}}
	}
	return view.Decode(r.PostForm, dst)
}
