package spotcheck

import (
	"context"
	"time"
)

// How the outbox is sent (issue 12, item 5 and its Reliability section):
// the retry policy is decided here, once, as a pure function of the
// attempt; the store's worker (store/outbox_worker.go) claims records,
// hands them to an OutboxSender (the credit package's HTTPS client) and
// records what the policy says.

// OutboxPolicy is how often and how long the worker tries a record.
type OutboxPolicy struct {
	// MaxAttempts: a record that failed this many times (since an
	// administrator's last retry) is dead.
	MaxAttempts int
	// BaseDelay is the wait after the first failure; each further failure
	// doubles it, up to MaxDelay.
	BaseDelay, MaxDelay time.Duration
	// Lease is how long a claimed record is the claiming worker's: no
	// other worker claims it before the lease ends, and the worker gives
	// up its send before then (the send's timeout is half the lease), so
	// two workers never send one record at the same time.
	Lease time.Duration
}

// DefaultOutboxPolicy: 14 attempts, waiting 30 s, 1 min, 2 min … up to
// 6 h (each halved at most by the jitter), so that the last attempt comes
// 15 to 31 hours after the first: a receiver down for a night loses
// nothing, and a record that can never be delivered reaches the
// dead-letter list within a day and a half. The lease of 40 s gives one
// send 20 s, more than an acknowledgement should ever take, and bounds
// how long a backlog waits once the receiver is back from an outage
// (store/outbox_worker.go bringForward: a record whose backoff is shorter
// than the lease waits it out; docs/performance.md, "The credit push").
var DefaultOutboxPolicy = OutboxPolicy{MaxAttempts: 14, BaseDelay: 30 * time.Second, MaxDelay: 6 * time.Hour,
	Lease: 40 * time.Second}

// Backoff is the wait before the next attempt after the attempt-th failure
// (1 for the first), given jitter in [0, 1): the exponential delay d =
// BaseDelay·2^(attempt−1) capped at MaxDelay, of which the second half is
// scaled by jitter. The jitter spreads the retries of many records that
// failed together (a receiver outage) so they do not come back at once;
// keeping the first half keeps the backoff growing.
func (p OutboxPolicy) Backoff(attempt int, jitter float64) time.Duration {
	d := p.BaseDelay
	for i := 1; i < attempt && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	jitter = min(max(jitter, 0), 1)
	return d/2 + time.Duration(float64(d/2)*jitter)
}

// GivesUp reports whether a record that failed its attempt-th attempt
// (counted since its last retry) is dead.
func (p OutboxPolicy) GivesUp(attempt int) bool { return attempt >= p.MaxAttempts }

// OutboxSender sends one record to its receiver and returns the
// receiver's receipt. An error means not acknowledged: the record is
// tried again later. The sender must honour ctx's deadline.
type OutboxSender interface {
	Send(ctx context.Context, r *OutboxRecord) (receipt string, err error)
}

// OutboxEntry is an outbox record as the administrator sees it.
type OutboxEntry struct {
	OutboxRecord
	State     string
	Attempts  int // all attempts, including those before a retry
	NextAt    time.Time
	LastError string
	Receipt   string
	CreatedAt time.Time
	SentAt    time.Time // zero until delivered
}

// OutboxCounts counts the records by state.
type OutboxCounts struct {
	Pending, Retrying, Delivered, Dead int // Retrying: pending after a failed attempt
}

// OutboxTransport is what the running program knows of its connection to
// the receiver, for the administrator's page: whether an endpoint is
// configured, and the worker's last problem, in Chinese, without the
// token.
type OutboxTransport struct {
	Configured bool
	Endpoint   string // the configured address, without credentials or query
	Problem    string // why records are not being sent, if known
	ProblemAt  time.Time
	LastOKAt   time.Time
}

// OutboxEvent is one thing an administrator did to an outbox record (a
// retry), by whom, when and why.
type OutboxEvent struct {
	OutboxID int64
	Action   string // "retry"
	Actor    string // the user's login
	Note     string
	At       time.Time
}

// OutboxService is the administrator's view of the outbox. Every method
// needs PermManageOutbox (the system admin).
type OutboxService interface {
	// OutboxCounts counts the records by state.
	OutboxCounts(ctx context.Context) (OutboxCounts, error)
	// FindOutbox lists records of a state ("" for all), newest first.
	FindOutbox(ctx context.Context, state string, offset, limit int) (List[OutboxEntry], error)
	// RetryOutbox makes a dead record (id, or every dead record when id is
	// 0) pending again with its attempts anew, recorded with the actor and
	// note; it returns how many. ENOTFOUND for an id that is not dead.
	RetryOutbox(ctx context.Context, id int64, note string) (int, error)
	// OutboxEvents lists the administrators' latest acts on the outbox,
	// newest first.
	OutboxEvents(ctx context.Context, limit int) ([]OutboxEvent, error)
	// OutboxTransport reports the connection's state in this process.
	OutboxTransport(ctx context.Context) (OutboxTransport, error)
}
