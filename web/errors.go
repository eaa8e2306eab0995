package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"spotcheck"
)

// statusByCode is the one table from error codes to HTTP statuses, for
// pages and API alike.
var statusByCode = map[string]int{
	spotcheck.EINVALID:      http.StatusBadRequest,
	spotcheck.ENOTFOUND:     http.StatusNotFound,
	spotcheck.ECONFLICT:     http.StatusConflict,
	spotcheck.EUNAUTHORIZED: http.StatusUnauthorized,
	spotcheck.EFORBIDDEN:    http.StatusForbidden,
	spotcheck.EINTERNAL:     http.StatusInternalServerError,
}

// statusError is an HTTP-level error with no domain code, such as 405 or
// 413; its message is shown as it is.
type statusError struct {
	status int
	code   string // for the API, in the style of the domain's codes
	msg    string
}

func (e *statusError) Error() string { return e.msg }

// errorStatus returns the status and user message of err, and the error
// code the API reports.
func errorStatus(err error) (status int, code, msg string) {
	if se, ok := errors.AsType[*statusError](err); ok {
		return se.status, se.code, se.msg
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge, "too_large", "提交的内容过大"
	}
	code = spotcheck.ErrorCode(err)
	return statusByCode[code], code, spotcheck.ErrorMessage(err)
}

// fail answers a request with an error: a JSON body for the API, a page
// otherwise. Internal errors are logged and shown as 内部错误.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, code, msg := errorStatus(err)
	if status == http.StatusInternalServerError {
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if isAPI(r) {
		writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
		return
	}
	s.render(w, r, status, "error", map[string]any{"Title": http.StatusText(status), "Status": status, "Message": msg})
}

// writeJSON writes v as a JSON response.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
