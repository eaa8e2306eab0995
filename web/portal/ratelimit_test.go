package portal

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"
)

// TestLimiterFlood: a flood from more addresses than LimiterKeys within
// one window holds at most LimiterKeys counts — the next new address
// waits for the window's end, an address already counted goes on — and
// the next window starts empty. No request walks the counts, so the
// flood costs each request the same.
func TestLimiterFlood(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	l := newLimiter(func() time.Time { return now }, time.Minute)
	now = now.Add(20 * time.Second)
	for i := range LimiterKeys {
		if _, ok := l.allow([]string{fmt.Sprint("addr ", i)}, []int{2}); !ok {
			t.Fatalf("address %d refused before the bound", i)
		}
	}
	wait, ok := l.allow([]string{"addr new"}, []int{2})
	if ok || wait != 40*time.Second {
		t.Fatalf("a new address beyond the bound: %v, wait %v", ok, wait)
	}
	if _, ok := l.allow([]string{"addr 7"}, []int{2}); !ok {
		t.Fatal("an address already counted was refused within its limit")
	}
	if _, ok := l.allow([]string{"addr 7"}, []int{2}); ok {
		t.Fatal("an address over its limit was allowed")
	}
	now = now.Add(40*time.Second + 2*time.Minute) // three windows after the start
	if _, ok := l.allow([]string{"addr new"}, []int{2}); !ok || len(l.counts) != 1 {
		t.Fatalf("the next window: %v, %d counts", ok, len(l.counts))
	}
	if wait, ok := l.allow([]string{"addr new"}, []int{1}); ok || wait != time.Minute {
		t.Fatalf("the window's start is not where it began: %v, wait %v", ok, wait)
	}
}

// TestClientKey: an IPv6 client counts by its /64, which one subscriber
// usually holds whole; IPv4 by its address.
func TestClientKey(t *testing.T) {
	key := func(addr string) string {
		r := httptest.NewRequest("GET", "/results", nil)
		r.RemoteAddr = addr
		return clientKey(r)
	}
	if a, b := key("[2001:db8:1:2::1]:443"), key("[2001:db8:1:2:ffff::9]:80"); a != b || a != "2001:db8:1:2::/64" {
		t.Errorf("one /64: %q and %q", a, b)
	}
	if a, b := key("[2001:db8:1:2::1]:443"), key("[2001:db8:1:3::1]:443"); a == b {
		t.Errorf("two /64s count as one: %q", a)
	}
	if a, b := key("192.0.2.1:1"), key("192.0.2.2:1"); a != "192.0.2.1" || a == b {
		t.Errorf("IPv4: %q and %q", a, b)
	}
}
