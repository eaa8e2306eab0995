// Package web is the HTTP face of spotcheck: the server, its one route
// table (web/routes.go: every route with who may reach it, the permission
// it needs and its transport class), the guard that enforces the table,
// and the transport every route shares (deadlines, body limits, export
// slots, proxies, CSRF). The handlers live with their audience below it:
// web/staff (the staff workspace), web/api (the JSON API and its OpenAPI
// document) and web/portal (the public portal and /log), all rendering
// through web/internal/view. It knows the store only through the domain's
// service interfaces.
package web

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime/debug"
	"spotcheck/web/api"
	"spotcheck/web/portal"
	"spotcheck/web/staff"
	"sync/atomic"
	"time"

	"spotcheck"
	"spotcheck/ledger"
	"spotcheck/metrics"
	"spotcheck/web/internal/view"
)

// Server serves the application. Create it with New.
type Server struct {
	svc     Services
	ledger  ledger.Reader // the log of spec §8 (web/portal/log.go); nil: none
	log     *slog.Logger
	now     func() time.Time
	tls     bool
	views   *view.Views
	handler http.Handler

	// The audiences' handlers and the route table that names them.
	staff  *staff.Handler
	portal *portal.Handler
	api    *api.Handler
	table  []route

	// Transport (web/transport.go, web/proxy.go).
	limits     [len(defaultLimits)]limits  // by route class
	exports    chan struct{}               // export slots
	exportWait time.Duration               // how long a download waits for a slot
	trusted    []netip.Prefix              // trusted reverse proxies
	ping       func(context.Context) error // Config.Health

	// Observability (web/requestid.go, web/metrics.go, web/ready.go).
	metrics      *metrics.Metrics
	metricsToken []byte       // nil: /metrics is 404
	state        atomic.Int32 // starting, ready, draining
}

// Services are the domain's services that the pages and the API use,
// one per aggregate; cmd/spotcheck wires them from the store.
type Services = view.Services

// Config is what New needs.
type Config struct {
	Services Services      // one per aggregate (spotcheck's doc.go)
	Ledger   ledger.Reader // the log served under /log/ (web/portal/log.go); nil: none
	Log      *slog.Logger
	Now      func() time.Time // nil: time.Now
	// TLS marks cookies Secure (and names the session cookie __Host-) and
	// sends Strict-Transport-Security; set it when serving HTTPS, also
	// behind a proxy that terminates TLS (serve --behind-tls-proxy).
	TLS bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For gives
	// the client's address (serve --trusted-proxy; web/proxy.go). Without
	// them the peer is the client.
	TrustedProxies []netip.Prefix
	// Health checks the database for /healthz with a short timeout; nil:
	// /healthz checks nothing.
	Health func(context.Context) error
	// PortalAnswers bounds the result pages the portal keeps for visitors
	// (web/portal/answers.go): 0 is the default, < 0 keeps none.
	PortalAnswers int
	// Metrics counts the requests and serves /metrics (web/metrics.go);
	// nil: nothing is counted and /metrics is 404.
	Metrics *metrics.Metrics
	// MetricsToken is the bearer token /metrics asks for (serve
	// --metrics-token-file); "": /metrics is 404 even with Metrics.
	MetricsToken string
	// Background is the server's lifetime: the work the pages start in
	// the background (a reclassification, which outlasts a request's
	// deadline) runs on it and is cancelled when it ends; Wait waits for
	// that work. nil: context.Background().
	Background context.Context
}

// New parses the templates once and builds the route table.
func New(c Config) (*Server, error) {
	if c.Log == nil {
		c.Log = slog.Default()
	}
	// Every line logged with a request's context names the request.
	c.Log = slog.New(requestIDHandler{c.Log.Handler()})
	v, err := view.New(c.Log, c.Services.Names())
	if err != nil {
		return nil, err
	}
	s := &Server{svc: c.Services, log: c.Log, now: c.Now, tls: c.TLS, views: v}
	s.metrics = c.Metrics
	if c.MetricsToken != "" {
		s.metricsToken = []byte(c.MetricsToken)
	}
	s.ledger = c.Ledger
	s.limits, s.exports, s.exportWait = defaultLimits, make(chan struct{}, exportSlots), 10*time.Second
	s.trusted, s.ping = c.TrustedProxies, c.Health
	if s.now == nil {
		s.now = time.Now
	}
	files := downloads{s}
	s.staff = staff.New(staff.Config{Services: c.Services, Ledger: c.Ledger, Views: v,
		Files: files, Now: s.now, Session: s.startSession, Background: c.Background})
	s.portal = portal.New(portal.Config{Services: c.Services, Ledger: c.Ledger, Views: v, Files: files, Now: s.now,
		AnswersKept: c.PortalAnswers})
	s.api = api.New(api.Config{Services: c.Services, Views: v})
	s.table = s.routes()
	var ops []api.Op
	for _, rt := range s.table {
		if rt.access == API {
			ops = append(ops, api.Op{Pattern: rt.pattern, Perm: rt.perm, MaxBody: s.limits[rt.class].body})
		}
	}
	s.api.Describe(ops)
	s.handler = s.buildHandler()
	return s, nil
}

// Wait waits for the work the pages started in the background to end
// (Config.Background); call it once the server is shut down and the
// Background context has ended.
func (s *Server) Wait() { s.staff.Wait() }

// ServeHTTP serves a request through the whole middleware chain.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// buildHandler wires the route table into a mux and wraps it with the
// middleware every request passes: deadlines, the client's address, the
// request's id, logging and metrics, recovery (inside the log, so that a
// panic is logged and counted as the 500 it answers), security headers
// and cross-origin protection against CSRF.
func (s *Server) buildHandler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.table {
		mux.Handle(rt.pattern, s.guard(rt))
	}
	mux.Handle("GET /assets/", s.views.Assets())
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.views.Fail(w, r, spotcheck.Errorf(spotcheck.EFORBIDDEN, "跨站请求被拒绝"))
	}))
	return s.withDeadlines(s.withClientAddr(s.withRequestID(s.logRequests(s.recoverPanics(
		securityHeaders(s.tls, csrf.Handler(s.notFoundAsPage(mux))))))))
}

// statusWriter remembers the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests writes one log line per request: method, path (never the
// query, which may hold search terms), status, duration, user and the
// request's id; and counts it in the metrics by its route's pattern.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		holder := &userHolder{}
		inner := r.WithContext(context.WithValue(r.Context(), userHolderKey{}, holder))
		next.ServeHTTP(sw, inner)
		took := time.Since(start)
		if sw.status == 0 {
			sw.status = http.StatusOK // a handler that wrote nothing
		}
		s.log.InfoContext(r.Context(), "request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"ms", took.Milliseconds(), "user", holder.name)
		// The mux set the pattern on the request it was given (inner);
		// a path no route matches is one series, not one per path.
		s.metrics.ObserveRequest(cmp.Or(inner.Pattern, "unmatched"), sw.status, took)
	})
}

// userHolder lets the request log learn who the request was from.
type userHolder struct{ name string }
type userHolderKey struct{}

func noteUser(ctx context.Context, name string) {
	if h, ok := ctx.Value(userHolderKey{}).(*userHolder); ok {
		h.name = name
	}
}

// recoverPanics turns a panic into a logged internal error.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic", "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.views.Fail(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets the headers every response carries: a content
// security policy without inline script, no MIME sniffing, no framing;
// over TLS also HSTS, so that browsers never again reach the site over
// plain HTTP (one year; not includeSubDomains, since other hosts of the
// same domain are not ours to decide for).
func securityHeaders(tls bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if tls {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// health answers a load balancer or monitor: 200 "ok" when the database
// answers a query within healthTimeout, 503 otherwise, so that an instance
// whose database is gone, or whose read pool is all taken, is seen as
// down.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if s.ping != nil {
		ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
		defer cancel()
		if err := s.ping(ctx); err != nil {
			s.log.WarnContext(r.Context(), "health check", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("数据库无响应\n"))
			return
		}
	}
	w.Write([]byte("ok\n"))
}

// healthTimeout bounds the database check of /healthz.
const healthTimeout = 2 * time.Second
