package store

import (
	"errors"
	"fmt"
	"strings"

	"spotcheck"
)

// opError is an internal failure of a service method, with the operation
// and the key it failed on: “store: find entity 91350100M000100Y43: sql:
// database is closed”. The log then says what failed, where a bare
// driver error would not.
type opError struct {
	op  string
	err error
}

func (e *opError) Error() string { return "store: " + e.op + ": " + e.err.Error() }
func (e *opError) Unwrap() error { return e.err }

// wrap, deferred at the top of every service method, gives an internal
// failure (*errp that carries no *spotcheck.Error) the operation and the
// key. A *spotcheck.Error, an *spotcheck.ImportError and the like pass
// unchanged, so that users still read their message and code; an error
// already wrapped by a service method this one called keeps the inner
// operation, which is where it failed.
func wrap(errp *error, op string, key ...any) {
	err := *errp
	if err == nil || spotcheck.ErrorCode(err) != spotcheck.EINTERNAL {
		return
	}
	if _, ok := errors.AsType[*opError](err); ok {
		return
	}
	if len(key) > 0 {
		parts := make([]string, len(key))
		for i, k := range key {
			parts[i] = fmt.Sprint(k)
		}
		op += " " + strings.Join(parts, "/")
	}
	*errp = &opError{op: op, err: err}
}
