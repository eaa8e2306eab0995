package store

import (
	"context"
	"strings"

	"spotcheck"
)

// Who may write a record of a directory or list is decided by
// spotcheck.AuthorizeChange and spotcheck.AuthorizeView (access.go); the
// kinds' rules say who keeps a record (owners), and the helpers below ask
// those two inside the transaction that writes, with the record as stored
// in it.

// owner says who keeps a record, as spotcheck.AuthorizeChange takes it:
// from is the keeper as stored (to for a new record), to the keeper after
// the change, spotcheck.CityWide for the city-wide records. The field
// decides it, for the message shown when the user may not make the change.
type owner struct {
	from, to     string
	field, label string
	message      string // without the field's label; "" for spotcheck.AuthorizeChange's
}

// refused returns the problems of the owners that the user in ctx may not
// change.
func (r *rules[T]) refused(ctx context.Context, os []owner) spotcheck.Problems {
	var ps spotcheck.Problems
	for _, o := range os {
		if err := spotcheck.AuthorizeChangeCtx(ctx, r.perm, o.from, o.to); err != nil {
			msg := o.message
			if msg == "" {
				msg = strings.TrimPrefix(spotcheck.ErrorMessage(err), "没有权限：")
			}
			ps.Add(o.field, o.label, "%s", msg)
		}
	}
	return ps
}

// authorizeOwners returns EFORBIDDEN unless the user in ctx may change old
// (nil for a new record) into v, EUNAUTHORIZED without a principal.
func (r *rules[T]) authorizeOwners(ctx context.Context, t *tx, v, old *T) error {
	if p, err := spotcheck.ActingPrincipal(ctx); err != nil || r.owners == nil || p.IsSystem() {
		return err // a system principal keeps every record: no keeper to look up
	}
	os, err := r.owners(ctx, t, v, old)
	if err != nil {
		return err
	}
	if ps := r.refused(ctx, os); len(ps) > 0 {
		return spotcheck.Errorf(spotcheck.EFORBIDDEN, "没有权限：%s", ps[0].Message)
	}
	return nil
}

// authorizeStored checks, before anything else is said about it, that
// the user in ctx may see the stored record old and change it. One they
// may not see is answered as missing: the not-found error of its key.
func (r *rules[T]) authorizeStored(ctx context.Context, t *tx, old *T) error {
	if err := r.authorizeView(ctx, t, old); err != nil {
		return err
	}
	return r.authorizeOwners(ctx, t, old, old)
}

// authorizeView returns the not-found error of old's key when the user in
// ctx may not see old (see rules.view).
func (r *rules[T]) authorizeView(ctx context.Context, t *tx, old *T) error {
	if p, err := spotcheck.ActingPrincipal(ctx); err != nil || r.view == "" || r.owners == nil || p.IsSystem() {
		return err
	}
	os, err := r.owners(ctx, t, old, old)
	if err != nil {
		return err
	}
	for _, o := range os {
		if err := spotcheck.AuthorizeViewCtx(ctx, r.view, o.from, r.tb.missing(r.tb.keyOfValue(old)...)); err != nil {
			return err
		}
	}
	return nil
}
