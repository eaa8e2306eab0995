package view

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"strings"

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

// StatusError is an HTTP-level error with no domain code, such as 405 or
// 413; its message is shown as it is.
type StatusError struct {
	Status int
	Code   string // for the API, in the style of the domain's codes
	Msg    string
}

func (e *StatusError) Error() string { return e.Msg }

// ErrBodyTimeout answers a request whose body came too slowly.
var ErrBodyTimeout = &StatusError{Status: http.StatusRequestTimeout, Code: "timeout", Msg: "请求内容发送超时，请重试"}

// IsTimeout reports whether err is a deadline passing, such as a body that
// did not arrive within its route's read time.
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || errors.Is(err, os.ErrDeadlineExceeded)
}

// ErrorStatus returns the status and user message of err, and the error
// code the API reports.
func ErrorStatus(err error) (status int, code, msg string) {
	if se, ok := errors.AsType[*StatusError](err); ok {
		return se.Status, se.Code, se.Msg
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge, "too_large", "提交的内容过大"
	}
	code = spotcheck.ErrorCode(err)
	return statusByCode[code], code, spotcheck.ErrorMessage(err)
}

// IsAPI reports whether r is for the JSON API, which answers in JSON.
func IsAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// Fail answers a request with an error: a JSON body for the API, a page
// otherwise. Internal errors are logged and shown as 内部错误.
func (v *Views) Fail(w http.ResponseWriter, r *http.Request, err error) {
	status, code, msg := ErrorStatus(err)
	if status == http.StatusInternalServerError {
		v.log.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if IsAPI(r) {
		WriteJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
		return
	}
	d := map[string]any{"Status": status, "Message": msg}
	if status == http.StatusInternalServerError {
		// The user quotes it; the log has the error under it.
		d["RequestID"] = RequestID(r.Context())
	}
	v.Render(w, r, status, "error", http.StatusText(status), d)
}

// WriteJSON writes v as a JSON response.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
