package staff

import (
	"context"
	"net/http"
	"sync"
	"time"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// Reclassification from the page runs in the background: a city-wide
// preview or apply of a million entities takes longer than a request may
// (the route's deadline). The POST starts the work detached from the
// request — on the server's lifetime context (Config.Background), as the
// user, for at most riskWorkTimeout — waits only until the store accepts
// it (spotcheck.WithRiskRunStarted: the refusals that come at once, such
// as another run computing, no model in force, a run applied or stale,
// are still answered on the page) and redirects to the run's page, which
// refreshes itself every riskRefresh seconds while the run computes (its
// state in the database) or is being applied (riskWork, in this process)
// and then shows the result or the error. The store keeps its rules (one
// run computing at a time, an apply once); the server's shutdown cancels
// the work and waits for it (Handler.Wait).

// riskWorkTimeout bounds a reclassification started from the page; the
// store takes a run computing longer than its lease (an hour) for dead.
const riskWorkTimeout = 30 * time.Minute

// riskRefresh is how often, in seconds, a run's page reloads itself while
// the run computes or is being applied.
const riskRefresh = 3

// riskStartWait is how long a POST waits for the store to start or refuse
// the work; past it (the store waits for another apply to end) the page
// answers anyway and the work goes on.
const riskStartWait = 5 * time.Second

// riskWork is the reclassification work the pages started in this
// process: the runs being applied, and the error of work that failed
// after it started, by run, for the run's page.
type riskWork struct {
	ctx context.Context // the server's lifetime
	wg  sync.WaitGroup

	mu       sync.Mutex
	applying map[int64]int // applies under way, by run
	failed   map[int64]string
}

func newRiskWork(ctx context.Context) *riskWork {
	if ctx == nil {
		ctx = context.Background()
	}
	return &riskWork{ctx: ctx, applying: map[int64]int{}, failed: map[int64]string{}}
}

// status returns whether run id is being applied here and the message of
// its work that failed here ("" for none).
func (k *riskWork) status(id int64) (applying bool, failed string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.applying[id] > 0, k.failed[id]
}

// Wait waits for the reclassification work the pages started to end;
// the server calls it on shutdown, after its lifetime context ended.
func (s *Handler) Wait() { s.risk.wg.Wait() }

// startRisk runs work — a preview, or the apply of run apply (0 for a
// preview) — in the background as r's user, and returns the run's number
// once the store has started it, or the work's error when it was refused
// (or ended) before that; apply (0 for a preview) and no error when the
// store has done neither within riskStartWait or the request ended, the
// outcome then going to the run's page. A run being applied counts as
// such from the start of the work, also while the store waits for
// another apply to end.
func (s *Handler) startRisk(r *http.Request, apply int64, work func(ctx context.Context) (*spotcheck.RiskRun, error)) (int64, error) {
	p, err := spotcheck.ActingPrincipal(r.Context())
	if err != nil {
		return 0, err
	}
	k := s.risk
	ctx, cancel := context.WithTimeout(spotcheck.NewContextWithPrincipal(k.ctx, p), riskWorkTimeout)
	// j is shared, under k.mu, by the hook, the work's goroutine and this
	// request: which run, whether the store began it, whether the request
	// answered without its outcome (which then goes to the run's page),
	// and the outcome once the work ended.
	var j struct {
		id                      int64
		begun, handedOff, ended bool
		run                     *spotcheck.RiskRun
		err                     error
	}
	j.id = apply
	started, done := make(chan struct{}), make(chan struct{})
	ctx = spotcheck.WithRiskRunStarted(ctx, func(run int64) {
		k.mu.Lock()
		defer k.mu.Unlock()
		if !j.begun {
			j.id, j.begun = run, true
			delete(k.failed, run)
			close(started)
		}
	})
	if apply != 0 {
		k.mu.Lock()
		k.applying[apply]++
		k.mu.Unlock()
	}
	k.wg.Add(1)
	go func() {
		defer k.wg.Done()
		defer cancel()
		run, err := work(ctx)
		k.mu.Lock()
		defer k.mu.Unlock()
		if apply != 0 {
			if k.applying[apply]--; k.applying[apply] <= 0 {
				delete(k.applying, apply)
			}
		}
		j.run, j.err, j.ended = run, err, true
		if err != nil && j.id != 0 && (j.begun || j.handedOff) {
			status, _, msg := view.ErrorStatus(err)
			if k.ctx.Err() != nil {
				msg = "服务已停止，本次重新分类未完成"
			} else if status == http.StatusInternalServerError {
				s.views.Log().Error("reclassification failed", "run", j.id, "apply", apply != 0, "user", p.Username, "err", err)
			}
			k.failed[j.id] = msg
		}
		close(done)
	}()
	wait := time.NewTimer(riskStartWait)
	defer wait.Stop()
	select {
	case <-started:
	case <-done:
	case <-wait.C:
	case <-r.Context().Done():
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case j.begun:
		return j.id, nil
	case j.ended && j.err != nil:
		return 0, j.err
	case j.ended:
		return j.run.ID, nil
	}
	j.handedOff = true
	return apply, nil
}
