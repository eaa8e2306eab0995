package web

import (
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"spotcheck"
)

// Issue 8, item 7: behind a reverse proxy the login limits count against
// the visitor's address, which only a trusted proxy may tell, and no
// client can choose it.
func TestClientAddr(t *testing.T) {
	trusted, err := ParseTrustedProxies("10.0.0.0/8, 127.0.0.1,fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{trusted: trusted}
	tests := []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"untrusted peer: its forwarded-for is ignored", "203.0.113.5:4000", []string{"198.51.100.7"}, "203.0.113.5"},
		{"untrusted peer claiming a trusted address", "203.0.113.5:4000", []string{"10.0.0.1"}, "203.0.113.5"},
		{"trusted proxy without forwarded-for", "10.0.0.2:4000", nil, "10.0.0.2"},
		{"trusted proxy", "10.0.0.2:4000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"client spoofs a hop in front of the proxy", "10.0.0.2:4000", []string{"1.1.1.1, 198.51.100.7"}, "198.51.100.7"},
		{"client spoofs a trusted address", "10.0.0.2:4000", []string{"10.9.9.9, 198.51.100.7"}, "198.51.100.7"},
		{"two trusted proxies", "10.0.0.2:4000", []string{"6.6.6.6, 198.51.100.7, 10.0.0.9"}, "198.51.100.7"},
		{"hops over several header lines", "10.0.0.2:4000", []string{"6.6.6.6", "198.51.100.7, 10.0.0.9"}, "198.51.100.7"},
		{"an untrusted proxy's claim stops the walk", "10.0.0.2:4000", []string{"6.6.6.6, 203.0.113.80, 10.0.0.9"}, "203.0.113.80"},
		{"every hop trusted", "10.0.0.2:4000", []string{"10.0.0.5, 10.0.0.9"}, "10.0.0.5"},
		{"garbage next to the proxy", "10.0.0.2:4000", []string{"198.51.100.7, not-an-ip"}, "10.0.0.2"},
		{"empty element", "10.0.0.2:4000", []string{"198.51.100.7,"}, "10.0.0.2"},
		{"hop with a port", "10.0.0.2:4000", []string{"198.51.100.7:5555"}, "198.51.100.7"},
		{"IPv6 hop with a port", "10.0.0.2:4000", []string{"[2001:db8::7]:443"}, "2001:db8::7"},
		{"IPv6 proxy", "[fd00::1]:4000", []string{"2001:db8::7"}, "2001:db8::7"},
		{"IPv4-mapped peer", "[::ffff:10.0.0.2]:4000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"IPv4-mapped hop", "127.0.0.1:4000", []string{"::ffff:198.51.100.7"}, "198.51.100.7"},
		{"loopback proxy", "127.0.0.1:4000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"other loopback address is not the proxy", "127.0.0.2:4000", []string{"198.51.100.7"}, "127.0.0.2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := s.clientAddr(r); got != tt.want {
				t.Errorf("client = %s, want %s", got, tt.want)
			}
		})
	}
	// Without trusted proxies, forwarded-for is never read.
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "127.0.0.1:4000"
	r.Header.Set("X-Forwarded-For", "198.51.100.7")
	if got := (&Server{}).clientAddr(r); got != "127.0.0.1" {
		t.Errorf("no trusted proxies: client = %s", got)
	}
}

func TestParseTrustedProxies(t *testing.T) {
	got, err := ParseTrustedProxies(" 10.1.2.3/8 ,192.0.2.1,, ::1 ")
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.1/32"), netip.MustParsePrefix("::1/128")}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %v, want %v", got, want)
		}
	}
	for _, bad := range []string{"proxy.example", "10.0.0.0/33", "10.0.0.1-10.0.0.9", "*"} {
		if _, err := ParseTrustedProxies(bad); spotcheck.ErrorCode(err) != spotcheck.EINVALID ||
			!strings.Contains(spotcheck.ErrorMessage(err), "CIDR") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
