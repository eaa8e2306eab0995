package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"spotcheck"
)

// BenchRiskCounts is what BenchRiskHistory added.
type BenchRiskCounts struct {
	Inspections, Adverse, OpenFollowUps, Abnormal, Complaints, Penalties int
}

// benchResultShares is the result of an inspection of the reclassification
// benchmark by its hash h in [0, 100): 82 % find nothing, 13 % find a
// problem the risk model counts (R03–R06, R08, through the bureau's WL01
// and WL02 for R05 and R08), the rest R02 or R07.
func benchResultShares(h int) (code, followup string) {
	switch {
	case h < 82:
		return "R01", ""
	case h < 88:
		return "WL01", spotcheck.FollowRectify
	case h < 92:
		return "WL02", spotcheck.FollowPending
	case h < 94:
		return "R02", ""
	case h < 95:
		return "R03", spotcheck.FollowAbnormal
	case h < 96:
		return "R04", spotcheck.FollowAbnormal
	case h < 97:
		return "R06", ""
	}
	return "R07", ""
}

// BenchRiskHistory fills the world of the reclassification benchmark
// (spotcheck bench reclassify) with years of results: in tmpl's draw, an
// approved or published inspection for perYear·years entities of the
// directory (one each, spread evenly over the entities by seq), its
// revision cloned from tmpl's with a result drawn by benchResultShares
// and a completion day spread over the years before today; the
// follow-ups those results start (rectification orders and follow-ups
// open for 90 and 180 days after completion, closed after; hand-offs to
// the 经营异常名录 for R03/R04); complaints for 2 % of the entities (3 in
// 4 found true) and penalties for 0.5 %. The rows go in through the
// dialects' bulk insert (COPY on PostgreSQL). Only a system principal
// may call it, and it is never called but by the bench.
func (db *DB) BenchRiskHistory(ctx context.Context, tmpl int64, years, perYear int) (out BenchRiskCounts, err error) {
	defer wrap(&err, "bench risk history")
	if err := spotcheck.AuthorizeSystem(ctx); err != nil {
		return out, err
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM entities WHERE active = 1`).Scan(&total); err != nil {
		return out, err
	}
	want := years * perYear
	if total == 0 || want > total {
		return out, spotcheck.Errorf(spotcheck.EINVALID, "%d 年每年 %d 次检查需要至少 %d 个检查对象，现有 %d 个", years, perYear, want, total)
	}
	var drawID int64
	var task, team, items, dept, content, updatedBy string
	if err := db.read.QueryRowContext(ctx, `SELECT i.draw_id, i.task, i.team, i.items, i.dept, r.content, r.updated_by
		FROM inspections i JOIN inspection_revisions r ON r.inspection_id = i.id AND r.revision = i.revision
		WHERE i.id = $1`, tmpl).Scan(&drawID, &task, &team, &items, &dept, &content, &updatedBy); err != nil {
		return out, err
	}
	var rec map[string]json.RawMessage
	if err := json.Unmarshal([]byte(content), &rec); err != nil {
		return out, err
	}
	today := db.Now().In(spotcheck.ChinaTime)
	now := db.now()
	per := want * 1000 / total // per mille of the entities inspected
	if per == 0 {
		per = 1
	}
	err = db.inTx(ctx, func(t *tx) error {
		_, err := t.ExecContext(ctx, `INSERT INTO inspections (task, draw_id, entity_id, dept, team, items, revision, state, created_at)
			SELECT $1, $2, e.id, e.dept, $3, $4, 1, $5, $6 FROM entities e
			WHERE e.active = 1 AND e.seq % 1000 < $7
				AND NOT EXISTS (SELECT 1 FROM inspections i WHERE i.draw_id = $2 AND i.entity_id = e.id)`,
			task, drawID, team, items, spotcheck.InspectionPublished, now, per)
		return err
	})
	if err != nil {
		return out, err
	}
	type insp struct {
		id               int64
		entity, deptCode string
	}
	var list []insp
	rows, err := db.read.QueryContext(ctx, `SELECT id, entity_id, dept FROM inspections WHERE draw_id = $1 AND id <> $2
		AND NOT EXISTS (SELECT 1 FROM inspection_revisions r WHERE r.inspection_id = inspections.id) ORDER BY id`, drawID, tmpl)
	if err != nil {
		return out, err
	}
	for rows.Next() {
		var in insp
		if err := rows.Scan(&in.id, &in.entity, &in.deptCode); err != nil {
			rows.Close()
			return out, err
		}
		list = append(list, in)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	days := 365 * years
	revCols := []string{"inspection_id", "revision", "state", "content", "completed", "publication_due", "updated_by", "updated_at",
		"results", "findings"}
	fuCols := []string{"inspection_id", "revision", "kind", "task", "entity_id", "insp_dept", "team", "results", "due",
		"created_at", "seq", "dept", "state"}
	var revs, fus [][]any
	flush := func() error {
		err := db.inTx(ctx, func(t *tx) error {
			if err := db.dialect.bulkInsert(ctx, t, "inspection_revisions", revCols, revs); err != nil {
				return err
			}
			return db.dialect.bulkInsert(ctx, t, "followups", fuCols, fus)
		})
		revs, fus = revs[:0], fus[:0]
		return err
	}
	for k, in := range list {
		h := int((uint64(in.id) * 2654435761 >> 7) % 100)
		ago := int((uint64(in.id) * 7919) % uint64(days))
		completed := today.AddDate(0, 0, -ago)
		day := completed.Format(spotcheck.DateLayout)
		code, kind := benchResultShares(h)
		rec["results"], _ = json.Marshal([]string{code})
		rec["completed"], _ = json.Marshal(day)
		b, err := json.Marshal(rec)
		if err != nil {
			return out, err
		}
		state := spotcheck.InspectionPublished
		if ago < 20 {
			state = spotcheck.InspectionApproved
		}
		findings := rec["findings"]
		if findings == nil {
			findings = json.RawMessage("[]")
		}
		revs = append(revs, []any{in.id, 1, state, string(b), day, completed.AddDate(0, 0, 20).Format(spotcheck.DateLayout),
			updatedBy, now, string(rec["results"]), string(findings)})
		out.Inspections++
		if code != "R01" && code != "R02" && code != "R07" {
			out.Adverse++
		}
		if kind != "" {
			fstate := spotcheck.FollowUpClosed
			switch {
			case kind == spotcheck.FollowRectify && ago < 90, kind == spotcheck.FollowPending && ago < 180:
				fstate = spotcheck.FollowUpOpen
				out.OpenFollowUps++
			case kind == spotcheck.FollowAbnormal:
				out.Abnormal++
			}
			fus = append(fus, []any{in.id, 1, kind, task, in.entity, dept, team, code,
				completed.AddDate(0, 0, 30).Format(spotcheck.DateLayout), now, 1, in.deptCode, fstate})
		}
		if len(revs) == 5000 || k == len(list)-1 {
			if err := flush(); err != nil {
				return out, err
			}
		}
	}
	if _, err := db.write.ExecContext(ctx, `UPDATE inspections SET state = $1 WHERE draw_id = $2 AND id <> $3 AND EXISTS (SELECT 1
		FROM inspection_revisions r WHERE r.inspection_id = inspections.id AND r.revision = 1 AND r.state = $1)`,
		spotcheck.InspectionApproved, drawID, tmpl); err != nil {
		return out, err
	}
	if out.Complaints, out.Penalties, err = db.benchRiskEvents(ctx, today, years); err != nil {
		return out, err
	}
	for _, table := range []string{"inspections", "inspection_revisions", "followups", "complaints", "penalties"} {
		if _, err := db.write.ExecContext(ctx, "ANALYZE "+table); err != nil {
			return out, err
		}
	}
	return out, nil
}

// benchRiskEvents adds complaints for 2 % of the active entities (by
// seq; 1 to 3 each, 3 in 4 found true) and penalties for 0.5 %, spread
// over the years before today.
func (db *DB) benchRiskEvents(ctx context.Context, today time.Time, years int) (complaints, penalties int, err error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, dept, seq FROM entities WHERE active = 1 AND seq % 200 < 4 ORDER BY seq`)
	if err != nil {
		return 0, 0, err
	}
	type ent struct {
		id, dept string
		seq      int64
	}
	var list []ent
	for rows.Next() {
		var e ent
		if err := rows.Scan(&e.id, &e.dept, &e.seq); err != nil {
			rows.Close()
			return 0, 0, err
		}
		list = append(list, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	now := db.now()
	days := uint64(365 * years)
	var cs, ps [][]any
	outcomes := []string{spotcheck.OutcomeTrue, spotcheck.OutcomePartTrue, spotcheck.OutcomeTrue, spotcheck.OutcomeUntrue}
	for _, e := range list {
		u := uint64(e.seq)
		for j := range int(u%3) + 1 {
			on := today.AddDate(0, 0, -int((u*31+uint64(j)*97)%days)).Format(spotcheck.DateLayout)
			cs = append(cs, []any{e.dept, fmt.Sprintf("BENCH-TS-%d-%d", e.seq, j), e.id, on, spotcheck.ChannelOnline,
				"性能测试投诉", outcomes[(u+uint64(j))%4], 1, 1, now, now})
		}
		if u%200 == 0 {
			on := today.AddDate(0, 0, -int((u*17)%days)).Format(spotcheck.DateLayout)
			ps = append(ps, []any{fmt.Sprintf("BENCH-CF-%d", e.seq), e.dept, e.id, on, "性能测试处罚", "《旅行社条例》",
				spotcheck.PenaltyWarning, "", 1, 1, now, now})
		}
	}
	err = db.inTx(ctx, func(t *tx) error {
		if err := db.dialect.bulkInsert(ctx, t, "complaints", []string{"dept", "number", "entity_id", "received", "channel",
			"summary", "outcome", "active", "version", "created_at", "updated_at"}, cs); err != nil {
			return err
		}
		return db.dialect.bulkInsert(ctx, t, "penalties", []string{"number", "dept", "entity_id", "decided", "cause",
			"legal_basis", "kinds", "amount", "active", "version", "created_at", "updated_at"}, ps)
	})
	return len(cs), len(ps), err
}

// BenchRiskFacts counts run's entities with each fact (Inspections: with
// a last inspection), to show that a benchmark's facts were found.
func (db *DB) BenchRiskFacts(ctx context.Context, run int64) (out BenchRiskCounts, err error) {
	defer wrap(&err, "bench risk facts", run)
	if err := spotcheck.AuthorizeSystem(ctx); err != nil {
		return out, err
	}
	err = db.read.QueryRowContext(ctx, `SELECT COALESCE(sum(CASE WHEN adverse > 0 THEN 1 ELSE 0 END), 0),
		COALESCE(sum(CASE WHEN open_followups > 0 THEN 1 ELSE 0 END), 0), COALESCE(sum(abnormal), 0),
		COALESCE(sum(CASE WHEN complaints > 0 THEN 1 ELSE 0 END), 0), COALESCE(sum(CASE WHEN penalties > 0 THEN 1 ELSE 0 END), 0),
		COALESCE(sum(CASE WHEN last_inspected <> '' THEN 1 ELSE 0 END), 0)
		FROM entity_risk WHERE run_id = $1`, run).Scan(&out.Adverse, &out.OpenFollowUps, &out.Abnormal, &out.Complaints,
		&out.Penalties, &out.Inspections)
	return out, err
}
