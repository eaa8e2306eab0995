package spotcheck

import (
	"fmt"
	"strings"
)

// The credit platform push (issue 12, item 5) goes through an outbox: a
// record is written in the transaction of what it reports and sent later
// by a worker, with retries, until the receiver acknowledges it. The
// store's outbox (store/outbox.go) keeps the records; CreditRecord is the
// body of the kind the credit platform receives.

// OutboxKindCredit is the outbox kind of the credit platform's records.
const OutboxKindCredit = "credit"

// OutboxKindCreditStop is the kind of the credit platform's CreditStop
// messages: stop displaying a record whose repair was granted.
const OutboxKindCreditStop = "credit-stop"

// The states of an outbox record.
const (
	OutboxPending   = "pending"   // to send, at NextAt
	OutboxDelivered = "delivered" // the receiver acknowledged it; Receipt holds its answer
	OutboxDead      = "dead"      // gave up after its attempts; an administrator may retry it
)

// OutboxRecord is one record to send: Kind and Key name what it reports
// (the credit kind and a publication), Version counts its corrections (1
// for the first), Payload is the JSON body as sent.
type OutboxRecord struct {
	ID      int64
	Kind    string
	Key     string
	Version int
	Payload []byte
}

// IdempotencyKey is the key the receiver counts the record by: a record
// sent twice, or after a crash between sending and recording the
// receipt, is applied once. A correction is a new version and so a new
// key.
func (r *OutboxRecord) IdempotencyKey() string {
	return fmt.Sprintf("spotcheck/%s/%s/v%d", r.Kind, r.Key, r.Version)
}

// Validate checks what the store needs of a record to enqueue.
func (r *OutboxRecord) Validate() error {
	switch {
	case r.Kind == "" || strings.ContainsAny(r.Kind, "/ "):
		return Errorf(EINVALID, "发送记录的类型“%s”无效", r.Kind)
	case r.Key == "" || strings.ContainsAny(r.Key, "/ "):
		return Errorf(EINVALID, "发送记录的编号“%s”无效", r.Key)
	case r.Version < 1:
		return Errorf(EINVALID, "发送记录的版本须从 1 开始")
	case len(r.Payload) == 0:
		return Errorf(EINVALID, "发送记录没有内容")
	}
	return nil
}
