package web

import (
	"context"
	"net/http"
)

// Readiness for a load balancer (issue 13, item 4): /readyz says whether
// this instance should get requests now, /healthz whether it is alive at
// all. An instance is not ready while it starts (cmd/spotcheck's serve
// calls MarkReady once the migrations are applied and it listens), while
// it drains before a graceful shutdown (Drain, so that the balancer stops
// sending before the listener closes), and while its database does not
// answer within healthTimeout.

// The states of a Server, in Server.state.
const (
	stateStarting int32 = iota
	stateReady
	stateDraining
)

// MarkReady makes /readyz answer 200 (while the database answers). A
// draining server stays draining.
func (s *Server) MarkReady() { s.state.CompareAndSwap(stateStarting, stateReady) }

// Drain makes /readyz answer 503 from now on: serve calls it when asked
// to stop, before it shuts down.
func (s *Server) Drain() { s.state.Store(stateDraining) }

// ready answers /readyz: 200 "ok", or 503 with the reason.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	notReady := func(msg string) {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(msg + "\n"))
	}
	switch s.state.Load() {
	case stateStarting:
		notReady("正在启动")
		return
	case stateDraining:
		notReady("正在停止")
		return
	}
	if s.ping != nil {
		ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
		defer cancel()
		if err := s.ping(ctx); err != nil {
			s.log.WarnContext(r.Context(), "readiness check", "err", err)
			notReady("数据库无响应")
			return
		}
	}
	w.Write([]byte("ok\n"))
}
