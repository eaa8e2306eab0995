package store

import (
	"context"
	"encoding/json"

	"spotcheck"
)

// 市抽县查 (spotcheck.ModeCityDrawsDistrict): when the city's draw runs,
// each selected entity is handed (指派) to the district bureau of its
// division (spotcheck.HandoverDept), in the draw's transaction, one row of
// task_handovers per entity and one recorded change of the task. A
// re-draw hands over its own selection; the superseded draw's handovers
// stay, as history, and no longer count.

// handOver records the handovers of draw id of task tk within t.
func handOver(ctx context.Context, t *tx, tk *spotcheck.Task, id int64) error {
	depts, err := findDepartments(ctx, t)
	if err != nil {
		return err
	}
	rows, err := t.QueryContext(ctx, `SELECT p.entity_id, e.division FROM draw_picks p
		JOIN entities e ON e.id = p.entity_id
		WHERE p.draw_id = $1 AND p.reserve = 0 ORDER BY p.stratum, p.rank`, id)
	if err != nil {
		return err
	}
	type handover struct {
		Entity string `json:"entity"`
		Dept   string `json:"dept"`
	}
	var hs []handover
	for rows.Next() {
		var entity, division string
		if err := rows.Scan(&entity, &division); err != nil {
			rows.Close()
			return err
		}
		hs = append(hs, handover{entity, spotcheck.HandoverDept(depts, tk.Authority, division)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	now := t.db.now()
	for _, h := range hs {
		if _, err := t.ExecContext(ctx, `INSERT INTO task_handovers (task, draw_id, entity_id, dept, actor, at)
			VALUES ($1, $2, $3, $4, $5, $6)`, tk.Code, id, h.Entity, h.Dept, actorID(ctx), now); err != nil {
			return err
		}
	}
	body, err := json.Marshal(map[string]any{"draw": id, "handovers": hs})
	if err != nil {
		return err
	}
	return recordEvent(ctx, t, "task", tk.Code, "handover", string(body))
}

// handedTo returns the departments the live draw of task code handed
// entities to.
func handedTo(ctx context.Context, q querier, code string) ([]string, error) {
	return queryStrings(ctx, q, `SELECT DISTINCT h.dept FROM task_handovers h JOIN draws d ON d.id = h.draw_id
		WHERE h.task = $1 AND d.state <> 'superseded' ORDER BY h.dept`, code)
}

// FindTaskHandovers returns the 指派 of a task's live draw: all of them
// for the task's own departments and supervisors, those to departments in
// scope for a bureau the entities were handed to.
func (sv *TaskService) FindTaskHandovers(ctx context.Context, code string) (_ []spotcheck.TaskHandover, err error) {
	defer wrap(&err, "find task handovers", code)
	tk, err := sv.FindTaskByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	p := spotcheck.PrincipalFromContext(ctx)
	all := p.AuthorizeTask(spotcheck.PermViewDraws, tk.Departments(), spotcheck.NoTask(code)) == nil
	rows, err := sv.db.read.QueryContext(ctx, `SELECT h.task, h.draw_id, h.entity_id, COALESCE(e.name, ''), h.dept, h.actor, h.at
		FROM task_handovers h JOIN draws d ON d.id = h.draw_id
		LEFT JOIN entities e ON e.id = h.entity_id
		WHERE h.task = $1 AND d.state <> 'superseded' ORDER BY h.dept, h.id`, code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []spotcheck.TaskHandover{}
	for rows.Next() {
		var h spotcheck.TaskHandover
		if err := rows.Scan(&h.Task, &h.Draw, &h.Entity, &h.EntityName, &h.Dept, &h.Actor, timeCol{&h.At}); err != nil {
			return nil, err
		}
		if all || p.AuthorizeView(spotcheck.PermViewDraws, h.Dept, spotcheck.NoTask(code)) == nil {
			out = append(out, h)
		}
	}
	return out, rows.Err()
}
