package store

import (
	"context"
	"strconv"

	"spotcheck"
)

// withdrawInspections withdraws, within t, the records of draw that the
// team has not submitted, of the entities the draw no longer inspects:
// those an approved substitution took out (replaced picks), or, when all
// is set, every entity (the draw superseded by a re-draw). A submitted or
// decided record stays as it is: the visit happened. Each withdrawal is
// InspActWithdraw of the inspection's machine (from its editable states),
// recorded on the inspection with the reason.
func withdrawInspections(ctx context.Context, t *tx, draw int64, all bool, reason string) error {
	tr, _ := spotcheck.InspectionMachine.Transition(spotcheck.InspActWithdraw)
	q := `SELECT i.id, i.state FROM inspections i WHERE i.draw_id = $1 AND i.state IN ($2, $3)`
	if !all {
		q += ` AND EXISTS (SELECT 1 FROM draw_picks p WHERE p.draw_id = i.draw_id AND p.entity_id = i.entity_id AND p.replaced = 1)`
	}
	rows, err := t.QueryContext(ctx, q, draw, tr.From[0], tr.From[1])
	if err != nil {
		return err
	}
	type row struct {
		id    int64
		state string
	}
	var ins []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.state); err != nil {
			rows.Close()
			return err
		}
		ins = append(ins, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range ins {
		key := strconv.FormatInt(r.id, 10)
		next, err := spotcheck.InspectionMachine.Next("检查记录 "+key, r.state, spotcheck.InspActWithdraw)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE inspection_revisions SET state = $1, updated_by = $2, updated_at = $3
			WHERE inspection_id = $4 AND state = $5 AND revision = (SELECT revision FROM inspections WHERE id = $4)`,
			next, actorID(ctx), t.db.now(), r.id, r.state); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE inspections SET state = $1 WHERE id = $2`, next, r.id); err != nil {
			return err
		}
		if err := recordEvent(ctx, t, "inspection", key, string(spotcheck.InspActWithdraw), reason); err != nil {
			return err
		}
	}
	return nil
}
