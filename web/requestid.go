package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"

	"spotcheck/web/internal/view"
)

// Request ids (issue 13, item 6): every request gets one, sent back as
// X-Request-Id and added to every log line written with the request's
// context — the request log, internal errors, panics — so that one line
// an operator or a user quotes leads to all the others. A trusted reverse
// proxy's id (serve --trusted-proxy) is kept when it is sane, so that the
// proxy's log and ours share it; anyone else's is replaced, since a
// client could otherwise forge ids or fill the logs with whatever it
// likes.

// RequestIDHeader carries a request's id, in and out.
const RequestIDHeader = "X-Request-Id"

// RequestID returns the id of the request ctx belongs to, "" outside one.
func RequestID(ctx context.Context) string { return view.RequestID(ctx) }

// withRequestID gives the request its id.
func (s *Server) withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !saneRequestID(id) || !s.trustedProxy(peerAddr(r)) {
			id = newRequestID()
		}
		w.Header().Set(RequestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(view.WithRequestID(r.Context(), id)))
	})
}

// newRequestID returns 16 random hex digits: unique enough among the
// requests of years (64 bits), short enough to read out on the phone.
func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// saneRequestID accepts a proxy's id of 1 to 64 letters, digits, '-', '_',
// '.' or ':' (UUIDs, nginx's $request_id, AWS's trace ids): nothing that
// could break a log line or a header.
func saneRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '-', c == '_', c == '.', c == ':':
		default:
			return false
		}
	}
	return true
}

// requestIDHandler adds request_id to every record logged with the
// context of a request; web.New wraps the configured logger's handler in
// it, so the handlers below web need only log with their request's
// context (slog's …Context methods).
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, rec slog.Record) error {
	if id := RequestID(ctx); id != "" {
		rec.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, rec)
}

func (h requestIDHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(as)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}
