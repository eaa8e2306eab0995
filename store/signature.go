package store

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"spotcheck"
)

// Signatures of inspection records (spotcheck.Signature): one row per
// signature or refusal in inspection_signatures, never updated or
// deleted. A signature's image is an attachment the inspection cites,
// saved in the signature's transaction (saveAttachment), so that either
// both are stored or neither. Each is recorded in the change history under
// kind "signature", keyed by the inspection, action "sign" or "refuse".
// Staleness is not stored: it is the record's current digest against the
// one signed, decided when read.

// SignatureService implements spotcheck.SignatureService.
type SignatureService struct{ db *DB }

var _ spotcheck.SignatureService = (*SignatureService)(nil)

// Signatures returns the signature service.
func (db *DB) Signatures() *SignatureService { return &SignatureService{db} }

const signatureCols = "id, inspection_id, revision, digest, refused, signer, role, note, COALESCE(sha256, ''), held_by, staff_id, at"

func scanSignature(s interface{ Scan(...any) error }) (spotcheck.Signature, error) {
	var g spotcheck.Signature
	var refused int
	err := s.Scan(&g.ID, &g.Inspection, &g.Revision, &g.Digest, &refused, &g.Signer, &g.Role, &g.Note, &g.SHA256,
		&g.HeldBy, &g.Staff, timeCol{&g.At})
	g.Refused = refused != 0
	return g, err
}

// SignRecord records a signature or refusal of the current revision.
func (sv *SignatureService) SignRecord(ctx context.Context, id int64, in spotcheck.SignatureInput) (_ *spotcheck.Signature, err error) {
	defer wrap(&err, "sign record", id)
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	in.Normalize()
	// Who may sign is decided before the input is judged, so that someone
	// who may not sees no more than that.
	cur, err := findInspection(ctx, sv.db.read, id)
	if err != nil {
		return nil, err
	}
	if err := cur.CanSign(p); err != nil {
		return nil, err
	}
	if err := in.Validate().Err(); err != nil {
		return nil, err
	}
	var att *spotcheck.Attachment
	if !in.Refused {
		if att, err = spotcheck.CheckSignatureImage(in.PNG); err != nil {
			return nil, err
		}
		att.Name = spotcheck.AttachmentName("当事人签名-" + in.Signer + ".png")
	}
	now := sv.db.Now().UTC().Truncate(time.Second)
	var g spotcheck.Signature
	err = sv.db.inTx(ctx, func(t *tx) error {
		rec, err := findInspection(ctx, t, id)
		if err != nil {
			return err
		}
		if err := rec.CanSign(p); err != nil {
			return err
		}
		if err := rec.CheckShown(in.Digest); err != nil {
			return err
		}
		g = spotcheck.Signature{Inspection: id, Revision: rec.Revision, Digest: rec.RecordDigest(), Refused: in.Refused,
			Signer: in.Signer, Role: in.Role, Note: in.Note, HeldBy: p.Username, Staff: rec.Member(p), At: now}
		var sha any // NULL for a refusal
		if att != nil {
			att.By, att.At = actorID(ctx), now
			if err := saveAttachment(ctx, t, att, in.PNG, spotcheck.Citation{Kind: "inspection", Key: strconv.FormatInt(id, 10)}); err != nil {
				return err
			}
			g.SHA256, sha = att.SHA256, att.SHA256
		}
		refused := 0
		if g.Refused {
			refused = 1
		}
		if err := t.QueryRowContext(ctx, `INSERT INTO inspection_signatures (inspection_id, revision, digest, refused, signer,
			role, note, sha256, held_by, staff_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			id, g.Revision, g.Digest, refused, g.Signer, g.Role, g.Note, sha, g.HeldBy, g.Staff, stamp(now)).Scan(&g.ID); err != nil {
			return err
		}
		after, err := json.Marshal(g)
		if err != nil {
			return err
		}
		action := "sign"
		if g.Refused {
			action = "refuse"
		}
		return writeChange(ctx, t, change{kind: "signature", key: strconv.FormatInt(id, 10), action: action, after: string(after)})
	})
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// FindSignatures lists an inspection's signatures, oldest first.
func (sv *SignatureService) FindSignatures(ctx context.Context, id int64) (_ []spotcheck.Signature, err error) {
	defer wrap(&err, "find signatures", id)
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	in, err := findInspection(ctx, sv.db.read, id)
	if err != nil {
		return nil, err
	}
	if err := in.CanView(p); err != nil {
		return nil, err
	}
	m, err := signaturesOf(ctx, sv.db.read, []*spotcheck.Inspection{in})
	return m[id], err
}

// signaturesOf reads the signatures of the inspections, oldest first, each
// marked stale against its inspection's current record.
func signaturesOf(ctx context.Context, q querier, ins []*spotcheck.Inspection) (map[int64][]spotcheck.Signature, error) {
	out := map[int64][]spotcheck.Signature{}
	for _, in := range ins {
		rows, err := q.QueryContext(ctx, `SELECT `+signatureCols+` FROM inspection_signatures
			WHERE inspection_id = $1 ORDER BY id`, in.ID)
		if err != nil {
			return nil, err
		}
		digest := in.RecordDigest()
		list := []spotcheck.Signature{}
		for rows.Next() {
			g, err := scanSignature(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			g.Stale = g.Digest != digest
			list = append(list, g)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
		out[in.ID] = list
	}
	return out, nil
}
