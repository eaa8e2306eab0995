package store

import (
	"context"
	"database/sql"
	"errors"

	"spotcheck"
)

// Idempotency keys (spotcheck.Submission; table submissions, migration
// 0021). A step that honours them calls claimSubmission first in its
// transaction and answerSubmission last: the key's row is inserted
// before the step's work, so a second transaction with the same key
// waits on it (PostgreSQL: the primary key's lock; SQLite: the one
// writer) and then finds it, and never applies the step again.

// claimSubmission claims the key of the submission ctx carries, if any,
// for action on kind target by p, within t. It reports replay when the
// key was recorded already: then err is nil for the same submission again
// (the caller returns the first answer and changes nothing) and ECONFLICT
// for a key used for another step. A malformed key is EINVALID.
func claimSubmission(ctx context.Context, t *tx, p *spotcheck.Principal, kind, target string,
	action spotcheck.Action) (replay bool, err error) {
	sub, ok := spotcheck.SubmissionFrom(ctx)
	if !ok {
		return false, nil
	}
	if err := sub.Validate(); err != nil {
		return false, err
	}
	res, err := t.ExecContext(ctx, `INSERT INTO submissions (idem_key, actor, kind, record_key, action, at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idem_key) DO NOTHING`,
		sub.Key, p.Username, kind, target, string(action), t.db.now())
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return false, err
	} else if n == 1 {
		return false, nil
	}
	rec, err := findSubmission(ctx, t, sub.Key)
	if err != nil {
		return true, err
	}
	return true, rec.Replay(p.Username, kind, target, action)
}

// answerSubmission records, within t, the answer of the submission ctx
// carries (claimed by claimSubmission): the state the step left the
// record in.
func answerSubmission(ctx context.Context, t *tx, answer string) error {
	sub, ok := spotcheck.SubmissionFrom(ctx)
	if !ok {
		return nil
	}
	_, err := t.ExecContext(ctx, `UPDATE submissions SET answer = $1 WHERE idem_key = $2`, answer, sub.Key)
	return err
}

// staleSubmission refuses a submission made from a page that showed
// another state than the record has now (Submission.From), inside the
// step's transaction, where the state cannot move on meanwhile.
func staleSubmission(ctx context.Context, record, state string, names map[string]string) error {
	sub, ok := spotcheck.SubmissionFrom(ctx)
	if !ok || sub.From == "" || sub.From == state {
		return nil
	}
	return spotcheck.Errorf(spotcheck.ECONFLICT, "%s当前状态为“%s”，页面已过期，请查看后重新操作", record, names[state])
}

// findSubmission reads the record of key (ENOTFOUND).
func findSubmission(ctx context.Context, q querier, key string) (*spotcheck.SubmissionRecord, error) {
	var r spotcheck.SubmissionRecord
	var action string
	err := q.QueryRowContext(ctx, `SELECT idem_key, actor, kind, record_key, action, answer, at FROM submissions
		WHERE idem_key = $1`, key).Scan(&r.Key, &r.Actor, &r.Kind, &r.Target, &action, &r.Answer, timeCol{&r.At})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("提交标识", key)
	}
	r.Action = spotcheck.Action(action)
	return &r, err
}

// FindSubmission returns the record of an idempotency key the signed-in
// user submitted (ENOTFOUND for another's or an unknown key), so that a
// client that lost the answer of a send can learn it.
func (db *DB) FindSubmission(ctx context.Context, key string) (_ *spotcheck.SubmissionRecord, err error) {
	defer wrap(&err, "find submission")
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	r, err := findSubmission(ctx, db.read, key)
	if err != nil {
		return nil, err
	}
	if r.Actor != p.Username {
		return nil, notFound("提交标识", key)
	}
	return r, nil
}
