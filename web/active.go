package web

import (
	"context"
	"net/http"
	"strconv"
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
		s.fail(w, r, err)
		return
	}
	version, active := fields(v)
	*version, _ = strconv.Atoi(r.PostFormValue("version"))
	*active = r.PostFormValue("active") == "1"
	if err := save(r.Context(), v); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, withFlash(back(v), activeFlash(*active)))
}

// activeFlash is the flash of a deactivation or reactivation.
func activeFlash(active bool) string {
	if active {
		return "reactivated"
	}
	return "deactivated"
}
