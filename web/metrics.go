package web

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"spotcheck"
)

// serveMetrics serves /metrics (package metrics) to whoever shows the
// bearer token of serve --metrics-token-file: the figures say how busy
// the bureau is and what is late, which is not the public's business.
// Without a token configured the route does not exist (404), so that no
// deployment exposes it by omission; a missing or wrong token is 401.
// The token is compared in constant time and never logged (the request
// log writes no headers).
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	if s.metrics == nil || len(s.metricsToken) == 0 {
		s.views.Fail(w, r, spotcheck.Errorf(spotcheck.ENOTFOUND, "页面不存在"))
		return
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(got), s.metricsToken) != 1 {
		w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte("需要有效的监控令牌\n"))
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.metrics.Handler().ServeHTTP(w, r)
}
