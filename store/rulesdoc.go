package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"spotcheck"
)

// The departments' 一细则 (spotcheck.RulesDoc), one row per published
// version. Publishing locks the log head first, so that two admins who
// publish at once are serialized there and the second sees the first's
// version (and is refused with ECONFLICT unless it built on it); the
// version, its log entry and its change-history row are written in one
// transaction.

// RulesService implements spotcheck.RulesService.
type RulesService struct{ db *DB }

var _ spotcheck.RulesService = (*RulesService)(nil)

// Rules returns the rules document service.
func (db *DB) Rules() *RulesService { return &RulesService{db} }

// TypeRulesDoc is the log entry type of a published rules document.
const TypeRulesDoc = "rules_doc"

const rulesDocCols = "dept, version, title, rules, workflow, effective_from, note, params, log_index, digest, published_by, published_at"

func scanRulesDoc(s interface{ Scan(...any) error }) (*spotcheck.RulesDoc, error) {
	var d spotcheck.RulesDoc
	var params string
	if err := s.Scan(&d.Dept, &d.Version, &d.Title, &d.Rules, &d.Workflow, &d.EffectiveFrom, &d.Note, &params,
		&d.LogIndex, &d.Digest, &d.PublishedBy, timeCol{&d.PublishedAt}); err != nil {
		return nil, err
	}
	return &d, json.Unmarshal([]byte(params), &d.Params)
}

// FindRuleParams returns the parameters with the cap in force.
func (sv *RulesService) FindRuleParams(ctx context.Context) (_ []spotcheck.RuleParam, err error) {
	defer wrap(&err, "find rule parameters")
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	c, err := capPolicy(ctx, sv.db.read)
	if err != nil {
		return nil, err
	}
	return spotcheck.RuleParams(c), nil
}

// FindRulesDocs lists dept's versions, or the latest of every department.
func (sv *RulesService) FindRulesDocs(ctx context.Context, dept string) (_ []spotcheck.RulesDoc, err error) {
	defer wrap(&err, "find rules documents", dept)
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	q := `SELECT ` + rulesDocCols + ` FROM rules_docs WHERE dept = $1 ORDER BY version DESC`
	args := []any{dept}
	if dept == "" {
		q = `SELECT ` + rulesDocCols + ` FROM rules_docs r
			WHERE version = (SELECT MAX(version) FROM rules_docs l WHERE l.dept = r.dept) ORDER BY dept`
		args = nil
	}
	rows, err := sv.db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []spotcheck.RulesDoc{}
	for rows.Next() {
		d, err := scanRulesDoc(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, rows.Err()
}

// FindRulesDoc returns one version, the latest when version ≤ 0.
func (sv *RulesService) FindRulesDoc(ctx context.Context, dept string, version int) (_ *spotcheck.RulesDoc, err error) {
	defer wrap(&err, "find rules document", dept, version)
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	return findRulesDoc(ctx, sv.db.read, dept, version)
}

func findRulesDoc(ctx context.Context, q querier, dept string, version int) (*spotcheck.RulesDoc, error) {
	row := q.QueryRowContext(ctx, `SELECT `+rulesDocCols+` FROM rules_docs WHERE dept = $1 AND version = $2`, dept, version)
	if version <= 0 {
		row = q.QueryRowContext(ctx, `SELECT `+rulesDocCols+` FROM rules_docs WHERE dept = $1
			ORDER BY version DESC LIMIT 1`, dept)
	}
	d, err := scanRulesDoc(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, spotcheck.NoRulesDoc(dept, version)
	}
	return d, err
}

// PublishRulesDoc publishes d as the next version of its department's
// document (spotcheck.RulesService).
func (sv *RulesService) PublishRulesDoc(ctx context.Context, d *spotcheck.RulesDoc) (err error) {
	defer wrap(&err, "publish rules document", d.Dept)
	d.Normalize()
	if err := spotcheck.Authorize(ctx, spotcheck.PermEditLists, d.Dept); err != nil {
		return err
	}
	return sv.db.inTx(ctx, func(t *tx) error {
		if _, err := t.beginLog(ctx); err != nil { // serializes publishers (see above)
			return err
		}
		depts, err := findDepartments(ctx, t)
		if err != nil {
			return err
		}
		known := false
		for _, x := range depts {
			known = known || (x.Code == d.Dept && x.Active)
		}
		if !known {
			return spotcheck.Problems{{Field: "dept", Label: "部门", Message: "部门“" + d.Dept + "”不存在或已停用"}}.Err()
		}
		latest := 0
		if err := t.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM rules_docs WHERE dept = $1`,
			d.Dept).Scan(&latest); err != nil {
			return err
		}
		if d.Version != latest {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "实施细则已有第%d版（您是在第%d版的基础上修改的），请在最新版本的基础上修改后再发布",
				latest, d.Version)
		}
		c, err := capPolicy(ctx, t)
		if err != nil {
			return err
		}
		d.Params = spotcheck.RuleParams(c)
		if err := d.Validate(latest, d.Params).Err(); err != nil {
			return err
		}
		d.Version = latest + 1
		d.PublishedBy = actorID(ctx)
		d.PublishedAt = t.db.Now().UTC().Truncate(time.Second)
		rec, err := rulesDocRecord(d)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(rec)
		d.Digest = hex.EncodeToString(sum[:])
		if d.LogIndex, err = t.appendLog(ctx, TypeRulesDoc, rec); err != nil {
			return err
		}
		params, err := json.Marshal(d.Params)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO rules_docs (`+rulesDocCols+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			d.Dept, d.Version, d.Title, d.Rules, d.Workflow, d.EffectiveFrom, d.Note, string(params), d.LogIndex,
			d.Digest, d.PublishedBy, timeCol{&d.PublishedAt}); err != nil {
			return err
		}
		after, err := json.Marshal(d)
		if err != nil {
			return err
		}
		return writeChange(ctx, t, change{kind: "rules_doc", key: d.Dept, version: d.Version, action: "publish",
			after: string(after)})
	})
}

// rulesDocRecord is the log record of a published version, canonical
// JSON: the department, version, title, dates, the SHA-256 of each
// section's text as stored and served, and the parameters' values then.
func rulesDocRecord(d *spotcheck.RulesDoc) ([]byte, error) {
	rules, workflow := sha256.Sum256([]byte(d.Rules)), sha256.Sum256([]byte(d.Workflow))
	params := make([]map[string]string, len(d.Params)) // maps, so that the keys are sorted
	for i, x := range d.Params {
		params[i] = map[string]string{"id": x.ID, "name": x.Name, "value": x.Value, "source": x.Source}
	}
	return canonical(map[string]any{"v": "spotcheck-rules/1", "dept": d.Dept, "version": strconv.Itoa(d.Version),
		"title": d.Title, "effective_from": d.EffectiveFrom, "note": d.Note,
		"rules_sha256": hex.EncodeToString(rules[:]), "workflow_sha256": hex.EncodeToString(workflow[:]),
		"params": params, "published_at": d.PublishedAt.Format(time.RFC3339)})
}
