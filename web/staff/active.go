package staff

import (
	"context"
	"net/http"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// setActive deactivates (active=0) or reactivates (active=1) one record:
// find loads it, the form gives the version it was shown at (optimistic
// locking) and the new state, save stores it as a recorded change, and the
// browser goes to back(record, the form's next page) with the flash.
// Nothing is ever deleted.
func setActive[T any](s *Handler, w http.ResponseWriter, r *http.Request,
	find func(context.Context) (*T, error), fields func(*T) (version *int, active *bool),
	save func(context.Context, *T) error, back func(v *T, next string) string) {
	v, err := find(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f view.StateForm
	if ps := s.decode(r, &f); ps != nil {
		s.fail(w, r, ps.Err())
		return
	}
	version, active := fields(v)
	*version, *active = f.Version, f.Active
	if err := save(r.Context(), v); err != nil {
		s.fail(w, r, err)
		return
	}
	view.Redirect(w, r, view.WithFlash(back(v, f.Next), view.ActiveFlash(*active)))
}

// saveForm saves v from a create or edit form and answers: the form again,
// with the problems beside their fields or a message above it, when the
// form did not parse (ps) or the store refuses the input; otherwise the
// record's page (at(v)) with the flash created or saved.
func saveForm[T any](s *Handler, w http.ResponseWriter, r *http.Request, v *T, ps spotcheck.Problems, created bool,
	save func(context.Context, *T) error, form func(status int, problems spotcheck.Problems, msg string),
	at func(*T) string) {
	if ps != nil {
		form(http.StatusBadRequest, ps, "")
		return
	}
	if err := save(r.Context(), v); err != nil {
		if problems, msg, ok := view.FormProblems(err); ok {
			form(http.StatusBadRequest, problems, msg)
			return
		}
		s.fail(w, r, err)
		return
	}
	ok := "saved"
	if created {
		ok = "created"
	}
	view.Redirect(w, r, view.WithFlash(at(v), ok))
}
