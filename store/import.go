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
const importChunk = 2000

// importer holds what differs between kinds in an import: how to derive a
// row's key before it is looked up, and how to check a row (the domain's
// Validate plus the checks that need other tables). finish runs once after
// the last row, inside the transaction, for checks across rows.
type importer[T any] struct {
	tb       *table[T]
	prepKey  func(v *T)
	check    func(ctx context.Context, t *tx, v, existing *T) spotcheck.Problems
	finish   func(ctx context.Context, t *tx, rowOf map[string]int) []spotcheck.RowError
	kindName string // the KIND of the batch record
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
	var sum spotcheck.ImportSummary
	t, err := db.beginWrite(ctx)
	if err != nil {
		return sum, err
	}
	defer t.rollback()
	batch, err := im.startBatch(ctx, t, src.Name)
	if err != nil {
		return sum, err
	}
	problems := &spotcheck.ImportError{}
	rowOf := map[string]int{}
	chunk := make([]pendingRow[T], 0, importChunk)
	flush := func() error {
		err := im.flush(ctx, t, src, chunk, problems, &sum, batch)
		chunk = chunk[:0]
		return err
	}
	for r, err := range src.Rows {
		if err != nil {
			if ie, ok := errors.AsType[*spotcheck.ImportError](err); ok {
				// The file cannot be read on from here (a broken CSV quote):
				// report it with what was found before it.
				for _, p := range ie.Problems {
					problems.Add(p)
				}
				if err := flush(); err != nil { // checks only: a problem is recorded
					return sum, err
				}
				return sum, sortedProblems(problems)
			}
			if spotcheck.ErrorCode(err) == spotcheck.EINVALID {
				return sum, err
			}
			return sum, spotcheck.Errorf(spotcheck.EINVALID, "读取文件失败：%v", err)
		}
		if len(r.Problems) > 0 {
			problems.AddProblems(r.Row, r.Problems)
			continue
		}
		v := r.Value
		im.prepKey(&v)
		// A row without any key is left to validation, which names the
		// missing field; a repeated key is reported against its first row.
		if key := im.tb.keyString(&v); strings.Trim(key, "|") != "" {
			if first, dup := rowOf[key]; dup {
				problems.Add(spotcheck.RowError{Row: r.Row, Column: im.tb.keyLabels[0],
					Message: fmt.Sprintf("“%s”与第%d行重复", key, first)})
				continue
			}
			rowOf[key] = r.Row
		}
		chunk = append(chunk, pendingRow[T]{r.Row, &v})
		if len(chunk) == importChunk {
			if err := flush(); err != nil {
				return sum, err
			}
		}
	}
	if err := flush(); err != nil {
		return sum, err
	}
	if im.finish != nil && problems.Total == 0 {
		for _, p := range im.finish(ctx, t, rowOf) {
			problems.Add(p)
		}
	}
	if problems.Total > 0 {
		return spotcheck.ImportSummary{}, sortedProblems(problems)
	}
	if _, err := t.ExecContext(ctx, `UPDATE import_batches SET added = $1, updated = $2, unchanged = $3 WHERE id = $4`,
		sum.Added, sum.Updated, sum.Unchanged, batch); err != nil {
		return sum, err
	}
	return sum, t.commit()
}

// sortedProblems puts the problems in row order: cell problems are found
// while reading, the others a chunk later.
func sortedProblems(e *spotcheck.ImportError) error {
	slices.SortStableFunc(e.Problems, func(a, b spotcheck.RowError) int { return a.Row - b.Row })
	return e
}

// flush checks a chunk of rows against the stored records and, while no
// problem has been seen, writes the new and changed ones.
func (im *importer[T]) flush(ctx context.Context, t *tx, src spotcheck.ImportSource[T], chunk []pendingRow[T],
	problems *spotcheck.ImportError, sum *spotcheck.ImportSummary, batch int64) error {
	if len(chunk) == 0 {
		return nil
	}
	recs := make([]*T, len(chunk))
	for i, p := range chunk {
		recs[i] = p.v
	}
	existing, err := im.tb.findMany(ctx, t, recs)
	if err != nil {
		return err
	}
	var added []*T
	type change struct{ old, v *T }
	var changed []change
	for _, p := range chunk {
		old := existing[im.tb.keyString(p.v)]
		if old != nil && src.Fill != nil {
			src.Fill(p.v, old)
		}
		if ps := im.check(ctx, t, p.v, old); len(ps) > 0 {
			problems.AddProblems(p.row, ps)
			continue
		}
		switch {
		case old == nil:
			added = append(added, p.v)
		case sameRecord(im.tb, old, p.v):
			sum.Unchanged++
		default:
			changed = append(changed, change{old, p.v})
		}
	}
	sum.Added += len(added)
	sum.Updated += len(changed)
	if problems.Total > 0 {
		return nil
	}
	if err := im.tb.insertRows(ctx, t, added); err != nil {
		return err
	}
	for _, c := range changed {
		if err := im.tb.updateRow(ctx, t, c.old, c.v, "import", batch); err != nil {
			return err
		}
	}
	return nil
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
