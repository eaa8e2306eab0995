package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"spotcheck"
	"spotcheck/store"
)

// demoOutbox plays the credit push of the demo's published results as the
// server's worker would have, under the server's own retry policy, against
// a receiver inside the demo (the demo configures no credit platform), so
// that /staff/outbox shows each state: the first publication acknowledged
// with the platform's receipt; its correction refused by the platform
// until the worker gives up — a dead letter for the administrator to look
// at and retry; and the hand-off's result, published this morning while
// the platform is down, retrying. The worker runs every 37 minutes of the
// story from the first publication on, and once more now.
func demoOutbox(ctx context.Context, db *store.DB, s *demoStory) error {
	n := s.last()
	rx := &demoReceiver{now: db.Now, down: s.day(n, 8, 0)}
	w := db.NewOutboxWorker(rx, spotcheck.DefaultOutboxPolicy)
	w.Jitter = func() float64 { return 0.5 }
	end := s.now()
	for s.goTo(n-6, 15, 30); s.at.Before(end); s.at = s.at.Add(37 * time.Minute) {
		if _, err := w.RunOnce(ctx); err != nil {
			return err
		}
	}
	s.at = end // a last run now, after this morning's publication
	_, err := w.RunOnce(ctx)
	return err
}

// demoReceiver is the demo's credit platform: it acknowledges a first
// publication with a receipt number, refuses a correction, and is
// unreachable from down on.
type demoReceiver struct {
	now  func() time.Time
	down time.Time
	n    int
}

func (r *demoReceiver) Send(_ context.Context, rec *spotcheck.OutboxRecord) (string, error) {
	switch {
	case !r.now().Before(r.down):
		return "", errors.New("连接信用平台超时（演示：接收端停机维护）")
	case rec.Version > 1:
		return "", errors.New("信用平台拒收（HTTP 422）：更正记录须附原记录的登记编号（演示）")
	}
	r.n++
	return fmt.Sprintf(`{"code":0,"message":"已接收","receipt":"FJXY-DEMO-%06d"}`, r.n), nil
}
