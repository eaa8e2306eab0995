package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"spotcheck"
)

// importChunk is how many rows are looked up and written together: one
// SELECT … IN for the chunk, one COPY or prepared batch for its new rows.
// 2,000 rather than 500 took a million-row PostgreSQL import from 38 s to 30 s.
const importChunk = 2000

// importer imports one kind by its rules (record.go): every row is checked
// and authorised exactly as a Save would be.
type importer[T any] struct {
	*rules[T]
	kindName string // the KIND of the batch record
}

// importRun is the state of one import.
type importRun[T any] struct {
	*importer[T]
	t        *tx
	src      spotcheck.ImportSource[T]
	ref      *spotcheck.Reference
	batch    int64
	problems spotcheck.ImportError
	sum      spotcheck.ImportSummary
	rowOf    map[string]int // key → first row, for duplicates and finish
	chunk    []pendingRow[T]
}

type pendingRow[T any] struct {
	row int
	v   *T
}

// run imports src all or nothing: every row is decoded, checked and written
// in one transaction; after the first problem nothing more is written but
// checking goes on, so that the user sees every problem at once; with any
// problem the transaction is rolled back and an *spotcheck.ImportError
// returned.
func (im *importer[T]) run(ctx context.Context, db *DB, src spotcheck.ImportSource[T]) (spotcheck.ImportSummary, error) {
	if err := spotcheck.Authorize(ctx, im.perm, ""); err != nil {
		return spotcheck.ImportSummary{}, err
	}
	t, err := db.beginWrite(ctx)
	if err != nil {
		return spotcheck.ImportSummary{}, err
	}
	defer t.rollback()
	r := &importRun[T]{importer: im, t: t, src: src, rowOf: map[string]int{}}
	if r.ref, err = loadReference(ctx, t); err != nil {
		return r.sum, err
	}
	if r.batch, err = im.startBatch(ctx, t, src.Name); err != nil {
		return r.sum, err
	}
	if err := r.readAll(ctx); err != nil {
		return spotcheck.ImportSummary{}, err
	}
	if im.finish != nil && r.problems.Total == 0 {
		for _, p := range im.finish(ctx, t, r.rowOf) {
			r.problems.Add(p)
		}
	}
	if r.problems.Total > 0 {
		// Cell problems are found while reading, the others a chunk later:
		// present them in row order.
		slices.SortStableFunc(r.problems.Problems, func(a, b spotcheck.RowError) int { return a.Row - b.Row })
		return spotcheck.ImportSummary{}, &r.problems
	}
	if im.after != nil {
		if err := im.after(ctx, t); err != nil {
			return r.sum, err
		}
	}
	if _, err := t.ExecContext(ctx, `UPDATE import_batches SET added = $1, updated = $2, unchanged = $3 WHERE id = $4`,
		r.sum.Added, r.sum.Updated, r.sum.Unchanged, r.batch); err != nil {
		return r.sum, err
	}
	if err := t.commit(); err != nil {
		return r.sum, err
	}
	if r.sum.Added+r.sum.Updated >= analyzeAfter {
		// Fresh statistics let the planners prefer the primary key for a
		// code prefix over the department index: without them a search
		// by a code prefix in a million rows took 2.5–3.4 s instead of
		// 40 ms on SQLite.
		if err := db.dialect.refreshStats(ctx, db.write); err != nil {
			return r.sum, err
		}
	}
	return r.sum, nil
}

// analyzeAfter is how many written rows make an import refresh the
// table's planner statistics.
const analyzeAfter = 10000

// readAll goes through the rows, checking and writing them a chunk at a
// time. It returns an error only when the import cannot go on; problems
// with the data are collected in r.problems.
func (r *importRun[T]) readAll(ctx context.Context) error {
	for row, err := range r.src.Rows {
		if err != nil {
			ie, ok := errors.AsType[*spotcheck.ImportError](err)
			if !ok {
				if spotcheck.ErrorCode(err) == spotcheck.EINVALID {
					return err
				}
				// The user sees the message; the Go error is for the log.
				return fmt.Errorf("%w: %w", spotcheck.Errorf(spotcheck.EINVALID, "读取文件失败，请重试"), err)
			}
			// The file cannot be read on from here (a broken CSV quote):
			// report it with everything found before it.
			for _, p := range ie.Problems {
				r.problems.Add(p)
			}
			break
		}
		if len(row.Problems) > 0 {
			r.problems.AddProblems(row.Row, row.Problems)
			continue
		}
		v := row.Value
		r.key(&v)
		// A row without any key is left to validation, which names the
		// missing field; a repeated key is reported against its first row.
		if key := r.tb.keyString(&v); strings.Trim(key, "|") != "" {
			if first, dup := r.rowOf[key]; dup {
				r.problems.Add(spotcheck.RowError{Row: row.Row, Column: r.tb.keyLabels[0],
					Message: fmt.Sprintf("“%s”与第%d行重复", key, first)})
				continue
			}
			r.rowOf[key] = row.Row
		}
		r.chunk = append(r.chunk, pendingRow[T]{row.Row, &v})
		if len(r.chunk) == importChunk {
			if err := r.flush(ctx); err != nil {
				return err
			}
		}
	}
	return r.flush(ctx)
}

// flush checks the pending chunk against the stored records and, while no
// problem has been seen, writes the new and changed ones.
func (r *importRun[T]) flush(ctx context.Context) error {
	if len(r.chunk) == 0 {
		return nil
	}
	recs := make([]*T, len(r.chunk))
	for i, p := range r.chunk {
		recs[i] = p.v
	}
	existing, err := r.tb.findMany(ctx, r.t, recs)
	if err != nil {
		return err
	}
	var added []*T
	type change struct{ old, v *T }
	var changed []change
	for _, p := range r.chunk {
		old := existing[r.tb.keyString(p.v)]
		ps, err := r.authorizeRow(ctx, p.v, old)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			if old != nil && r.src.Fill != nil {
				r.src.Fill(p.v, old)
			}
			ps = r.check(ctx, r.t, r.ref, p.v, old)
		}
		if len(ps) == 0 && r.owners != nil && !spotcheck.PrincipalFromContext(ctx).IsSystem() {
			os, err := r.owners(ctx, r.t, p.v, old)
			if err != nil {
				return err
			}
			ps = r.refused(ctx, os)
		}
		if len(ps) > 0 {
			r.problems.AddProblems(p.row, ps)
			continue
		}
		switch {
		case old == nil:
			added = append(added, p.v)
		case sameRecord(r.tb, old, p.v):
			r.sum.Unchanged++
		default:
			changed = append(changed, change{old, p.v})
		}
	}
	r.chunk = r.chunk[:0]
	r.sum.Added += len(added)
	r.sum.Updated += len(changed)
	if r.problems.Total > 0 {
		return nil
	}
	if err := r.tb.insertRows(ctx, r.t, added); err != nil {
		return err
	}
	for _, c := range changed {
		if err := r.tb.updateRow(ctx, r.t, c.old, c.v, "import", r.batch); err != nil {
			return err
		}
	}
	return nil
}

// authorizeRow returns the problem of a row that the user may not write
// whatever it holds: its key is a record they may not see (said without
// saying whose it is), or, for a city-wide kind, any record.
func (r *importRun[T]) authorizeRow(ctx context.Context, v, old *T) (spotcheck.Problems, error) {
	var ps spotcheck.Problems
	if old != nil {
		err := r.authorizeView(ctx, r.t, old)
		if spotcheck.ErrorCode(err) == spotcheck.ENOTFOUND {
			ps.Add(r.tb.keyCols[0], r.tb.keyLabels[0], "%s“%s”已由其他部门登记", r.tb.label, r.tb.keyString(old))
			return ps, nil
		}
		if err != nil {
			return nil, err
		}
	}
	if r.ownersFirst && r.owners != nil {
		os, err := r.owners(ctx, r.t, v, nil)
		if err != nil {
			return nil, err
		}
		ps = r.refused(ctx, os)
	}
	return ps, nil
}

// sameRecord compares the stored data columns of two records.
func sameRecord[T any](tb *table[T], a, b *T) bool {
	va, vb := mustValues(tb.fields(a)), mustValues(tb.fields(b))
	for i := range va {
		if fmt.Sprint(va[i]) != fmt.Sprint(vb[i]) {
			return false
		}
	}
	return true
}

// startBatch records the import itself: kind, file, actor and time; the
// counts are filled in when it succeeds.
func (im *importer[T]) startBatch(ctx context.Context, t *tx, name string) (int64, error) {
	var id int64
	err := t.QueryRowContext(ctx, `INSERT INTO import_batches (kind, file_name, actor, at, added, updated, unchanged)
		VALUES ($1, $2, $3, $4, 0, 0, 0) RETURNING id`, im.kindName, name, actorID(ctx), t.db.now()).Scan(&id)
	return id, err
}
