package spotcheck

import (
	"testing"
	"time"
)

// TestOutboxBackoff: the wait doubles from BaseDelay up to MaxDelay, the
// jitter scales its second half only, and the record gives up at
// MaxAttempts.
func TestOutboxBackoff(t *testing.T) {
	p := OutboxPolicy{MaxAttempts: 5, BaseDelay: 10 * time.Second, MaxDelay: time.Minute}
	for _, c := range []struct {
		attempt int
		jitter  float64
		want    time.Duration
	}{
		{1, 0, 5 * time.Second}, {1, 0.5, 7500 * time.Millisecond}, {2, 0, 10 * time.Second},
		{3, 0.999999, 40 * time.Second}, {4, 1, 60 * time.Second}, {40, 0, 30 * time.Second}, {40, 2, time.Minute},
	} {
		got := p.Backoff(c.attempt, c.jitter)
		if d := got - c.want; d < -time.Millisecond || d > time.Millisecond {
			t.Errorf("Backoff(%d, %v) = %v, want %v", c.attempt, c.jitter, got, c.want)
		}
	}
	if p.GivesUp(4) || !p.GivesUp(5) {
		t.Error("GivesUp")
	}
}
