package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"spotcheck"
)

// Attachments live in attachments, one row per distinct content, keyed by
// its SHA-256, the bytes in the same row; attachment_refs links each to the
// records that cite it. Saving records a change of kind "attachment" keyed
// by the hash: "create" when the bytes are new, "cite" when only a new
// citation is added. Saving what is already there records nothing.

// actionCite is a new citation of an attachment already stored.
const actionCite = "cite"

// WithLimits returns the service checking uploads against l (the
// configured sizes) instead of the defaults.
func (sv *AttachmentService) WithLimits(l spotcheck.AttachmentLimits) *AttachmentService {
	return &AttachmentService{db: sv.db, limits: l}
}

// citeRecord is the after_json of a change: the metadata and the citation,
// never the bytes.
type citeRecord struct {
	*spotcheck.Attachment
	Kind string `json:"kind"`
	Key  string `json:"key"`
}

// SaveAttachment checks, stores if new, links and records; see
// spotcheck.AttachmentService.
func (sv *AttachmentService) SaveAttachment(ctx context.Context, name string, data []byte, cites spotcheck.Citation) (_ *spotcheck.Attachment, err error) {
	defer wrap(&err, "save attachment", name)
	if err := spotcheck.AuthorizeUpload(ctx); err != nil {
		return nil, err
	}
	if err := cites.Validate(); err != nil {
		return nil, err
	}
	a, err := spotcheck.CheckAttachment(name, data, sv.limits)
	if err != nil {
		return nil, err
	}
	a.By, a.At = actorID(ctx), sv.db.Now().UTC().Truncate(time.Second)
	err = sv.db.inTx(ctx, func(t *tx) error { return saveAttachment(ctx, t, a, data, cites) })
	if err != nil {
		return nil, err
	}
	return a, nil
}

// saveAttachment stores a (checked by CheckAttachment, with its By and
// At) within t unless its bytes are stored already, links it to cites and
// records the change; citing it there again changes nothing. A signature
// (store/signature.go) is saved with it in the signature's transaction.
func saveAttachment(ctx context.Context, t *tx, a *spotcheck.Attachment, data []byte, cites spotcheck.Citation) error {
	action := actionCite
	var n int
	if err := t.QueryRowContext(ctx, `SELECT count(*) FROM attachments WHERE sha256 = $1`, a.SHA256).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		// ON CONFLICT: a concurrent upload of the same bytes on
		// PostgreSQL, whose writers are not serialised.
		res, err := t.ExecContext(ctx, `INSERT INTO attachments (sha256, type, size, name, actor, at, data)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sha256) DO NOTHING`,
			a.SHA256, a.Type, a.Size, a.Name, a.By, stamp(a.At), data)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			action = actionCreate
		}
	}
	res, err := t.ExecContext(ctx, `INSERT INTO attachment_refs (kind, record_key, sha256, name, actor, at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kind, record_key, sha256) DO NOTHING`,
		cites.Kind, cites.Key, a.SHA256, a.Name, a.By, stamp(a.At))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err // cited there already: nothing to record
	}
	after, err := json.Marshal(citeRecord{a, cites.Kind, cites.Key})
	if err != nil {
		return err
	}
	return writeChange(ctx, t, change{kind: "attachment", key: a.SHA256, action: action, after: string(after)})
}

// FindAttachment returns an attachment's metadata.
func (sv *AttachmentService) FindAttachment(ctx context.Context, sha string) (_ *spotcheck.Attachment, err error) {
	defer wrap(&err, "find attachment", sha)
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	a := &spotcheck.Attachment{SHA256: sha}
	var at string
	err = sv.db.read.QueryRowContext(ctx, `SELECT type, size, name, actor, at FROM attachments WHERE sha256 = $1`, sha).
		Scan(&a.Type, &a.Size, &a.Name, &a.By, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("附件", sha)
	}
	if err != nil {
		return nil, err
	}
	if a.At, err = time.Parse(time.RFC3339, at); err != nil {
		return nil, err
	}
	return a, nil
}

// ReadAttachment returns an attachment and its bytes. The size is checked
// first, so that a row larger than the service's limits (stored under
// other limits) is not read into memory.
func (sv *AttachmentService) ReadAttachment(ctx context.Context, sha string) (_ *spotcheck.Attachment, _ []byte, err error) {
	defer wrap(&err, "read attachment", sha)
	a, err := sv.FindAttachment(ctx, sha)
	if err != nil {
		return nil, nil, err
	}
	if a.Size > sv.limits.MaxSize() {
		return nil, nil, spotcheck.Errorf(spotcheck.EINVALID, "附件“%s”过大，无法读取", a.Name)
	}
	var data []byte
	if err := sv.db.read.QueryRowContext(ctx, `SELECT data FROM attachments WHERE sha256 = $1`, sha).Scan(&data); err != nil {
		return nil, nil, err
	}
	return a, data, nil
}

// FindAttachments returns the attachments one record cites.
func (sv *AttachmentService) FindAttachments(ctx context.Context, c spotcheck.Citation) (_ []spotcheck.Attachment, err error) {
	defer wrap(&err, "find attachments", c.Kind, c.Key)
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	rows, err := sv.db.read.QueryContext(ctx, `SELECT a.sha256, a.type, a.size, r.name, r.actor, r.at
		FROM attachment_refs r JOIN attachments a ON a.sha256 = r.sha256
		WHERE r.kind = $1 AND r.record_key = $2 ORDER BY r.seq`, c.Kind, c.Key)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []spotcheck.Attachment{}
	for rows.Next() {
		var a spotcheck.Attachment
		var at string
		if err := rows.Scan(&a.SHA256, &a.Type, &a.Size, &a.Name, &a.By, &at); err != nil {
			return nil, err
		}
		if a.At, err = time.Parse(time.RFC3339, at); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
