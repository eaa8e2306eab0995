package portal

import (
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"spotcheck/web/internal/view"
)

// The public forms of a visit (recusal, rating, 双预约) need no login, so
// they are limited per client address and per notice token: a script can
// neither flood one enterprise's visit with requests nor walk many tokens
// from one address. Each key may submit at most its limit within a fixed
// window; beyond it the answer is 429 with a Chinese message and
// Retry-After, and the form is not processed. The counts live in the
// process: several instances behind a load balancer each count their
// share, which still bounds the rate by the number of instances.

// Limits of the public forms, per window.
const (
	FormWindow      = 10 * time.Minute
	FormsPerAddress = 60 // any visit's forms from one client address, which an office's NAT may share
	FormsPerToken   = 8  // one visit's forms from anywhere
	// LimiterKeys bounds the keys one window counts, so that a flood from
	// many addresses costs a bounded memory (some 10 MB): once it is
	// reached, new keys wait for the next window.
	LimiterKeys = 100000
)

// limiter counts submissions per key in fixed windows that all keys share
// — consecutive windows from the limiter's start — so that a new window is
// one new map and no request ever walks the counts.
type limiter struct {
	mu     sync.Mutex
	now    func() time.Time
	window time.Duration
	start  time.Time      // the current window's
	counts map[string]int // in the current window
}

func newLimiter(now func() time.Time, window time.Duration) *limiter {
	return &limiter{now: now, window: window, start: now(), counts: map[string]int{}}
}

// allow counts one submission against every key with its limit, and
// reports how long to wait when one of them is spent or the window holds
// LimiterKeys keys already (nothing is counted then).
func (l *limiter) allow(keys []string, limits []int) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if passed := now.Sub(l.start); passed >= l.window {
		l.start, l.counts = l.start.Add(passed-passed%l.window), map[string]int{}
	}
	for i, k := range keys {
		n, seen := l.counts[k]
		if n >= limits[i] || !seen && len(l.counts) >= LimiterKeys {
			return l.start.Add(l.window).Sub(now), false
		}
	}
	for _, k := range keys {
		l.counts[k]++
	}
	return 0, true
}

// clientKey is the address that r's submissions count against: the
// client's, or for IPv6 its /64, which one subscriber usually holds whole
// and could otherwise walk to escape the limit.
func clientKey(r *http.Request) string {
	ip := view.ClientIP(r)
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is6() || a.Is4In6() {
		return ip
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// limitForm counts a public form's submission for the client's address
// and the token of the path, and answers 429 when either has submitted
// too often; it reports whether the form may be processed.
func (s *Handler) limitForm(w http.ResponseWriter, r *http.Request) bool {
	wait, ok := s.forms.allow([]string{"addr " + clientKey(r), "token " + r.PathValue("token")}, []int{FormsPerAddress, FormsPerToken})
	if ok {
		return true
	}
	secs := int((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.fail(w, r, &view.StatusError{Status: http.StatusTooManyRequests, Code: "rate_limited",
		Msg: fmt.Sprintf("提交过于频繁，请 %d 分钟后再试", (secs+59)/60)})
	return false
}
