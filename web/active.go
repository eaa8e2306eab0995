package web

import (
	"context"
	"net/http"
	"strconv"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// setActive deactivates (active=0) or reactivates (active=1) one record:
// find loads it, the form gives the version it was shown at (optimistic
// locking) and the new state, save stores it as a recorded change, and the
// browser goes to back(record) with the flash. Nothing is ever deleted.
func setActive[T any](s *Server, w http.ResponseWriter, r *http.Request,
	find func(context.Context) (*T, error), fields func(*T) (version *int, active *bool),
	save func(context.Context, *T) error, back func(*T) string) {
	v, err := find(r.Context())
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	version, active := fields(v)
	*version, _ = strconv.Atoi(r.PostFormValue("version"))
	*active = r.PostFormValue("active") == "1"
	if err := save(r.Context(), v); err != nil {
		s.views.Fail(w, r, err)
		return
	}
	view.Redirect(w, r, view.WithFlash(back(v), view.ActiveFlash(*active)))
}

// saveForm saves v from a create or edit form and answers: the form again,
// with the problems beside their fields or a message above it, when the
// store refuses the input; otherwise the record's page (at(v)) with the
// flash created or saved.
func saveForm[T any](s *Server, w http.ResponseWriter, r *http.Request, v *T, created bool,
	save func(context.Context, *T) error, form func(status int, problems spotcheck.Problems, msg string),
	at func(*T) string) {
	if err := save(r.Context(), v); err != nil {
		if problems, msg, ok := view.FormProblems(err); ok {
			form(http.StatusBadRequest, problems, msg)
			return
		}
		s.views.Fail(w, r, err)
		return
	}
	ok := "saved"
	if created {
		ok = "created"
	}
	view.Redirect(w, r, view.WithFlash(at(v), ok))
}
