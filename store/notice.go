package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"

	"spotcheck"
)

// Notices (spotcheck.Notice): one row per inspection whose notice was
// asked for, keyed by the inspection and found by its random token. The
// token is made once, in the transaction of the first request; delivery
// and the first public reading fill their columns once, each recorded in
// the change history under kind "notice".

// NoticeService implements spotcheck.NoticeService.
type NoticeService struct{ db *DB }

var _ spotcheck.NoticeService = (*NoticeService)(nil)

// Notices returns the notice service.
func (db *DB) Notices() *NoticeService { return &NoticeService{db} }

const noticeCols = "inspection_id, token, created_by, created_at, delivered_by, delivered_at, first_read_at"

func scanNotice(s interface{ Scan(...any) error }) (*spotcheck.Notice, error) {
	var n spotcheck.Notice
	err := s.Scan(&n.Inspection, &n.Token, &n.CreatedBy, timeCol{&n.CreatedAt}, &n.DeliveredBy,
		timeText{&n.DeliveredAt}, timeText{&n.FirstReadAt})
	return &n, err
}

// noticeChange records a step of notice n in the change history.
func noticeChange(ctx context.Context, t *tx, action string, before, after *spotcheck.Notice) error {
	c := change{kind: "notice", key: strconv.FormatInt(after.Inspection, 10), action: action}
	for _, x := range []struct {
		n *spotcheck.Notice
		s *string
	}{{before, &c.before}, {after, &c.after}} {
		if x.n == nil {
			continue
		}
		b, err := json.Marshal(x.n)
		if err != nil {
			return err
		}
		*x.s = string(b)
	}
	return writeChange(ctx, t, c)
}

// Notice returns the notice of an inspection the user may see, making its
// token on the first request (a concurrent first request makes none more:
// the insert yields to the row already there).
func (sv *NoticeService) Notice(ctx context.Context, id int64) (n *spotcheck.Notice, err error) {
	defer wrap(&err, "notice", id)
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	err = sv.db.inTx(ctx, func(t *tx) error {
		in, err := findInspection(ctx, t, id)
		if err != nil {
			return err
		}
		if err := in.CanView(p); err != nil {
			return err
		}
		n, err = scanNotice(t.QueryRowContext(ctx, `SELECT `+noticeCols+` FROM notices WHERE inspection_id = $1`, id))
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		res, err := t.ExecContext(ctx, `INSERT INTO notices (inspection_id, token, created_by, created_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (inspection_id) DO NOTHING`,
			id, spotcheck.NewNoticeToken(), p.Username, t.db.now())
		if err != nil {
			return err
		}
		n, err = scanNotice(t.QueryRowContext(ctx, `SELECT `+noticeCols+` FROM notices WHERE inspection_id = $1`, id))
		if err != nil {
			return err
		}
		if k, err := res.RowsAffected(); err != nil || k != 1 {
			return err
		}
		return noticeChange(ctx, t, "create", nil, n)
	})
	return n, err
}

// DeliverNotice records the delivery of the notice, once, by a team member.
func (sv *NoticeService) DeliverNotice(ctx context.Context, id int64) (err error) {
	defer wrap(&err, "deliver notice", id)
	if _, err := sv.Notice(ctx, id); err != nil {
		return err
	}
	p, _ := spotcheck.ActingPrincipal(ctx)
	return sv.db.inTx(ctx, func(t *tx) error {
		in, err := findInspection(ctx, t, id)
		if err != nil {
			return err
		}
		if err := in.CanDeliver(p); err != nil {
			return err
		}
		before, err := scanNotice(t.QueryRowContext(ctx, `SELECT `+noticeCols+` FROM notices WHERE inspection_id = $1`, id))
		if err != nil {
			return err
		}
		if before.DeliveredBy != "" {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "检查记录 %d 的通知书已于 %s 登记送达", id,
				before.DeliveredAt.In(spotcheck.ChinaTime).Format("2006-01-02 15:04"))
		}
		res, err := t.ExecContext(ctx, `UPDATE notices SET delivered_by = $1, delivered_at = $2
			WHERE inspection_id = $3 AND delivered_by = ''`, p.Username, t.db.now(), id)
		if err != nil {
			return err
		}
		if k, err := res.RowsAffected(); err != nil {
			return err
		} else if k != 1 {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "检查记录 %d 的通知书刚被他人登记送达", id)
		}
		after, err := scanNotice(t.QueryRowContext(ctx, `SELECT `+noticeCols+` FROM notices WHERE inspection_id = $1`, id))
		if err != nil {
			return err
		}
		return noticeChange(ctx, t, "deliver", before, after)
	})
}

// ReadNotice returns the notice with that token and its inspection, and
// records the public's first reading. The inspection is read without the
// reader's sight of it: the token is the permission, and the page shows
// only this one inspection.
func (sv *NoticeService) ReadNotice(ctx context.Context, token string) (n *spotcheck.Notice, in *spotcheck.Inspection, err error) {
	defer wrap(&err, "read notice")
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return nil, nil, err
	}
	if !spotcheck.ValidNoticeToken(token) {
		return nil, nil, spotcheck.NoNotice()
	}
	n, err = scanNotice(sv.db.read.QueryRowContext(ctx, `SELECT `+noticeCols+` FROM notices WHERE token = $1`, token))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, spotcheck.NoNotice()
	} else if err != nil {
		return nil, nil, err
	}
	if n.FirstReading(p) {
		err = sv.db.inTx(ctx, func(t *tx) error {
			res, err := t.ExecContext(ctx, `UPDATE notices SET first_read_at = $1 WHERE token = $2 AND first_read_at = ''`,
				t.db.now(), token)
			if err != nil {
				return err
			}
			if k, err := res.RowsAffected(); err != nil || k != 1 {
				return err // read first by a concurrent view: recorded there
			}
			before := *n
			n, err = scanNotice(t.QueryRowContext(ctx, `SELECT `+noticeCols+` FROM notices WHERE token = $1`, token))
			if err != nil {
				return err
			}
			return noticeChange(ctx, t, "read", &before, n)
		})
		if err != nil {
			return nil, nil, err
		}
	}
	in, err = findInspection(ctx, sv.db.read, n.Inspection)
	if err != nil {
		return nil, nil, err
	}
	return n, in, nameInspections(ctx, sv.db.read, []*spotcheck.Inspection{in})
}
