package spotcheck

import (
	"context"
	"time"
)

// Idempotent submissions (issue 11, item 7). An inspector's phone keeps a
// draft while the signal is gone and sends it when it is back; a send
// whose answer was lost is sent again, and a page may post the same form
// twice (a double tap, a retry after a time-out). So every submission
// carries an idempotency key the client chose once for it, and the store
// records the key in the same transaction as the step it guards: the
// step is applied at most once, and the same submission sent again gets
// the first answer and changes nothing.

// Submission is one submission of a step by a client.
type Submission struct {
	// Key is the idempotency key: chosen by the client once per
	// submission (a random string, ValidSubmissionKey), sent with every
	// attempt of it.
	Key string
	// From is the state the client's page showed when the submission was
	// made: a step from a page that is out of date is refused (ECONFLICT)
	// rather than applied to a record that has moved on. "" checks
	// nothing.
	From string
}

// SubmissionRecord is a key as the store keeps it: who submitted what,
// and the first answer.
type SubmissionRecord struct {
	Key    string
	Actor  string // the username of the principal who submitted it
	Kind   string // the kind of record, as in the change history ("inspection")
	Target string // the record's key
	Action Action
	Answer string // the state the step left the record in
	At     time.Time
}

// ValidSubmissionKey reports whether key can be an idempotency key: 16 to
// 64 characters of A–Z, a–z, 0–9, '-' and '_' (a UUID, or 128 random bits
// in base64url, fit), so that a key is hard to guess and safe to log.
func ValidSubmissionKey(key string) bool {
	if len(key) < 16 || len(key) > 64 {
		return false
	}
	for _, c := range key {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}

// Validate checks the submission's key (EINVALID).
func (s Submission) Validate() error {
	if !ValidSubmissionKey(s.Key) {
		return Errorf(EINVALID, "提交标识无效，请刷新页面后重新提交")
	}
	return nil
}

// Replay decides what a key already recorded means for a submission of
// action on kind target by actor: the same submission again (nil: the
// caller returns the first answer and changes nothing), or a key used for
// something else, which is refused (ECONFLICT) rather than taken as a
// replay of another step.
func (r *SubmissionRecord) Replay(actor, kind, target string, action Action) error {
	if r.Actor != actor || r.Kind != kind || r.Target != target || r.Action != action {
		return Errorf(ECONFLICT, "提交标识已用于另一项操作，本次提交未执行，请刷新页面后重新提交")
	}
	return nil
}

type submissionKey struct{}

// WithSubmission returns ctx carrying the submission s: the store's
// steps that honour idempotency keys (InspectionService's steps) read it
// from there, so that their signatures stay those of a step.
func WithSubmission(ctx context.Context, s Submission) context.Context {
	return context.WithValue(ctx, submissionKey{}, s)
}

// SubmissionFrom returns the submission ctx carries, if any.
func SubmissionFrom(ctx context.Context) (Submission, bool) {
	s, ok := ctx.Value(submissionKey{}).(Submission)
	return s, ok && s.Key != ""
}
