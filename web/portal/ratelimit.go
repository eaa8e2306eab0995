package portal

import (
	"fmt"
	"net/http"
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
	FormWindow       = 10 * time.Minute
	FormsPerAddress  = 60 // any visit's forms from one client address, which an office's NAT may share
	FormsPerToken    = 8  // one visit's forms from anywhere
	limiterSweepSize = 10000
)

// limiter counts submissions per key in fixed windows.
type limiter struct {
	mu     sync.Mutex
	now    func() time.Time
	window time.Duration
	counts map[string]*windowCount
}

type windowCount struct {
	start time.Time
	n     int
}

func newLimiter(now func() time.Time, window time.Duration) *limiter {
	return &limiter{now: now, window: window, counts: map[string]*windowCount{}}
}

// allow counts one submission against every key with its limit, and
// reports how long to wait when one of them is spent (nothing is counted
// then).
func (l *limiter) allow(keys []string, limits []int) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.counts) > limiterSweepSize {
		for k, c := range l.counts {
			if now.Sub(c.start) >= l.window {
				delete(l.counts, k)
			}
		}
	}
	var wait time.Duration
	for i, k := range keys {
		c := l.counts[k]
		if c == nil || now.Sub(c.start) >= l.window {
			continue
		}
		if c.n >= limits[i] {
			if w := c.start.Add(l.window).Sub(now); w > wait {
				wait = w
			}
		}
	}
	if wait > 0 {
		return wait, false
	}
	for _, k := range keys {
		c := l.counts[k]
		if c == nil || now.Sub(c.start) >= l.window {
			c = &windowCount{start: now}
			l.counts[k] = c
		}
		c.n++
	}
	return 0, true
}

// limitForm counts a public form's submission for the client's address
// and the token of the path, and answers 429 when either has submitted
// too often; it reports whether the form may be processed.
func (s *Handler) limitForm(w http.ResponseWriter, r *http.Request) bool {
	ip := view.ClientIP(r)
	wait, ok := s.forms.allow([]string{"addr " + ip, "token " + r.PathValue("token")}, []int{FormsPerAddress, FormsPerToken})
	if ok {
		return true
	}
	secs := int((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.fail(w, r, &view.StatusError{Status: http.StatusTooManyRequests, Code: "rate_limited",
		Msg: fmt.Sprintf("提交过于频繁，请 %d 分钟后再试", (secs+59)/60)})
	return false
}
