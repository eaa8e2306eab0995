package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// ParseTrustedProxies reads the reverse proxies whose X-Forwarded-For is
// believed: a comma-separated list of CIDR prefixes (10.0.0.0/8,
// fd00::/8) or single addresses (127.0.0.1). An empty string is none.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for part := range strings.SplitSeq(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, spotcheck.Errorf(spotcheck.EINVALID, "“%s”不是 IP 地址或 CIDR 网段（如 10.0.0.0/8）", part)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// withClientAddr puts the client's address into the request's context,
// where view.ClientIP finds it.
func (s *Server) withClientAddr(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(view.WithClientIP(r.Context(), s.clientAddr(r))))
	})
}

// clientAddr finds the client's address. The peer is the client unless it
// is one of the trusted proxies; then X-Forwarded-For, to which every
// proxy appends the address it was connected from, is read from the right,
// skipping the trusted proxies, and the first address that is not one is
// the client. Anything left of it was written by the client (or by
// proxies nobody vouches for) and is ignored, so that a client cannot
// choose the address its failed logins count against. When every address
// is a trusted proxy, or the next one is malformed, the last trusted hop
// is taken.
func (s *Server) clientAddr(r *http.Request) string {
	peer := peerAddr(r)
	if !peer.IsValid() {
		return r.RemoteAddr
	}
	if !s.trustedProxy(peer) {
		return peer.String()
	}
	client := peer
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			break
		}
		client = a
		if !s.trustedProxy(a) {
			break
		}
	}
	return client.String()
}

// trustedProxy reports whether a is one of s's trusted proxies.
func (s *Server) trustedProxy(a netip.Addr) bool {
	for _, p := range s.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peerAddr is the address the connection came from.
func peerAddr(r *http.Request) netip.Addr {
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		return ap.Addr().Unmap()
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}

// parseHop reads one X-Forwarded-For element: an address, perhaps with a
// port ("203.0.113.7:41236", "[2001:db8::1]:41236"), as some proxies write.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}
