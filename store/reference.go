package store

import (
	"context"

	"spotcheck"
)

// seedReference fills the reference tables of a new database with the
// defaults of the domain package: the target types and the divisions. It
// only fills empty tables, so that an administrator's edits stay.
func (db *DB) seedReference(ctx context.Context) error {
	return db.inTx(ctx, func(t *tx) error {
		var n int
		if err := t.QueryRowContext(ctx, `SELECT count(*) FROM target_types`).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			for _, tt := range spotcheck.DefaultTargetTypes {
				if _, err := t.ExecContext(ctx, `INSERT INTO target_types (code, name, person) VALUES ($1, $2, $3)`,
					tt.Code, tt.Name, boolCol{&tt.Person}); err != nil {
					return err
				}
			}
		}
		if err := t.QueryRowContext(ctx, `SELECT count(*) FROM divisions`).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			for _, d := range spotcheck.DefaultDivisions {
				if _, err := t.ExecContext(ctx, `INSERT INTO divisions (code, name, parent) VALUES ($1, $2, $3)`,
					d.Code, d.Name, d.Parent); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Reference loads the reference data that validation needs; anyone with a
// principal may read it.
func (sv *ReferenceService) FindReference(ctx context.Context) (_ *spotcheck.Reference, err error) {
	db := sv.db
	defer wrap(&err, "find reference data")
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	return loadReference(ctx, db.read)
}

func loadReference(ctx context.Context, q querier) (*spotcheck.Reference, error) {
	ref := &spotcheck.Reference{}
	rows, err := q.QueryContext(ctx, `SELECT code, name, person FROM target_types WHERE active = 1 ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var tt spotcheck.TargetType
		if err := rows.Scan(&tt.Code, &tt.Name, boolCol{&tt.Person}); err != nil {
			return nil, err
		}
		ref.Types = append(ref.Types, tt)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	drows, err := q.QueryContext(ctx, `SELECT code, name, parent FROM divisions ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer drows.Close()
	for drows.Next() {
		var d spotcheck.Division
		if err := drows.Scan(&d.Code, &d.Name, &d.Parent); err != nil {
			return nil, err
		}
		ref.Divisions = append(ref.Divisions, d)
	}
	return ref, drows.Err()
}
