package store

import (
	"context"
	"database/sql"
	"fmt"

	"spotcheck"
	"spotcheck/draw"
	"spotcheck/ledger"
)

// Publication of a draw (spec/draw-v1.md §8 and §9, amendment 1): at the
// embargo's end the public gets published.tsv — the selected entities with
// their tickets, no strata — and a publication record in the clear that
// names it by count and digest and names the sealed result record by its
// digest. The result record itself, with its per-stratum cutoffs, is never
// unsealed (ledger.Servable).

// publishDraw appends the publication record of draw d within t and keeps
// published.tsv and the entry's index (migration 0008).
func publishDraw(ctx context.Context, t *tx, d *drawRow) error {
	var selected string
	if err := t.QueryRowContext(ctx, `SELECT selected FROM draws WHERE id = $1`, d.id).Scan(&selected); err != nil {
		return err
	}
	published, err := draw.Published([]byte(selected))
	if err != nil {
		return err
	}
	rec, err := draw.MakePublication(d.planHash, published, d.resSHA)
	if err != nil {
		return err
	}
	idx, err := t.appendLog(ctx, ledger.TypePublication, rec)
	if err != nil {
		return err
	}
	_, err = t.ExecContext(ctx, `UPDATE draws SET published = $1, publication_index = $2 WHERE id = $3`,
		string(published), idx, d.id)
	return err
}

// PublishOldDraws brings the draws published before amendment 1 of the
// specification into its form, and returns how many it changed. Those
// draws had their result record unsealed (an unseal entry in the log, the
// record served at /log/records/) and no publication record. The log is
// append-only, so that unseal entry stays in it as history; from now on
// the record is not served (LogRecord asks ledger.Servable), and each such
// draw gets its publication record appended here, as LiftEmbargo does now.
// Running it again changes nothing. It needs the log key (UseLogKey) only
// when there is a draw to bring over; the program calls it whenever it
// opens the database with its key, and `spotcheck migrate`, as a system
// principal: the changes it records name it.
func (db *DB) PublishOldDraws(ctx context.Context) (int, error) {
	if err := spotcheck.AuthorizeSystem(ctx); err != nil {
		return 0, err
	}
	// published_at rather than the state: a published draw may have been
	// superseded by a re-draw since.
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM draws WHERE published_at <> '' AND publication_index IS NULL ORDER BY id`)
	if err != nil {
		return 0, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		err := db.drawStep(ctx, id, func(t *tx, d *drawRow) error {
			var idx sql.NullInt64
			if err := t.QueryRowContext(ctx, `SELECT publication_index FROM draws WHERE id = $1`, id).Scan(&idx); err != nil {
				return err
			}
			if idx.Valid { // done meanwhile by another instance
				return nil
			}
			if err := publishDraw(ctx, t, d); err != nil {
				return err
			}
			n++
			return recordEvent(ctx, t, "draw", fmt.Sprint(id), "publication",
				"规范修订1：结果记录不再公开，补记 publication 记录（原 unseal 记录作为历史保留在日志中）")
		})
		if err != nil {
			return n, fmt.Errorf("抽取 %d：%w", id, err)
		}
	}
	return n, nil
}
