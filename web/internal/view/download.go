package view

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
)

// Downloads produce files in the server's export slots and send them to
// clients that may read slowly or not at all (web/transport.go implements
// it; the handlers of every audience use it).
type Downloads interface {
	// Produce runs build, which writes a file at the path it is given
	// (named by pattern, as os.CreateTemp takes it), in an export slot,
	// and returns the file to send; it sets Retry-After and gives up
	// when no slot frees in time. build holds the only database read of
	// the download: the file is complete, and the read closed, before a
	// byte of it is sent.
	Produce(w http.ResponseWriter, r *http.Request, pattern string,
		build func(ctx context.Context, path string) error) (*Spool, error)
	// Send writes size bytes of body as the answer, whose headers the
	// caller has set, letting go of a client that stops reading.
	Send(w http.ResponseWriter, r *http.Request, body io.Reader, size int64) error
}

// Spool is a file produced for one download, in a temporary file that
// Close removes.
type Spool struct {
	*os.File
	Size int64
}

// Close closes and removes the temporary file.
func (f *Spool) Close() error {
	err := f.File.Close()
	if rerr := os.Remove(f.Name()); err == nil {
		err = rerr
	}
	return err
}

type requestIDKey struct{}

// WithRequestID returns a context that carries the request's id
// (web/requestid.go), which an internal error's page shows.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the id of the request ctx belongs to, "" outside one.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

type clientKey struct{}

// WithClientIP returns a context that carries the client's address, as
// the server found it behind its trusted proxies (web/proxy.go).
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientKey{}, ip)
}

// ClientIP is the address of the client of r, which sign-in attempts are
// counted against: the one the server found, or else the peer's.
func ClientIP(r *http.Request) string {
	if a, ok := r.Context().Value(clientKey{}).(string); ok {
		return a
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}
