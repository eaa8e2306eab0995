package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"spotcheck"
	"spotcheck/riskfile"
)

// RiskService implements spotcheck.RiskService: the versions of the risk
// model (this file) and the reclassification runs (risk_run.go, over the
// facts of risk_facts.go). Migration 0029 holds their tables.
type RiskService struct{ db *DB }

// Risk returns the risk model and reclassification service.
func (db *DB) Risk() *RiskService { return &RiskService{db} }

var _ spotcheck.RiskService = (*RiskService)(nil)

// riskModelCols are the columns scanRiskModel reads.
const riskModelCols = "version, name, effective_from, file_text, sha256, loaded_by, loaded_at"

func scanRiskModel(s interface{ Scan(...any) error }) (*spotcheck.RiskModelVersion, error) {
	var v spotcheck.RiskModelVersion
	if err := s.Scan(&v.Version, &v.Name, &v.EffectiveFrom, &v.Text, &v.SHA256, &v.LoadedBy, timeCol{&v.LoadedAt}); err != nil {
		return nil, err
	}
	return &v, nil
}

// authorizeModel checks that the user may load the installation's model:
// PermManageRisk over every department of riskScopes, since the model
// classes all their entities.
func authorizeModel(ctx context.Context, q querier) error {
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageRisk, ""); err != nil {
		return err
	}
	tops, err := riskScopes(ctx, q)
	if err != nil {
		return err
	}
	for _, code := range tops {
		if err := spotcheck.Authorize(ctx, spotcheck.PermManageRisk, code); err != nil {
			return spotcheck.Errorf(spotcheck.EFORBIDDEN, "没有权限：风险模型适用于全市，只有市级部门管理员可以载入")
		}
	}
	return nil
}

// riskScopes are the top-level departments whose subtrees own entities:
// those the model classes. A partner department that only joins
// inspections (the fire brigade of the demo) owns none and is left out;
// in a directory with no entities yet, every top-level department counts.
func riskScopes(ctx context.Context, q querier) ([]string, error) {
	depts, err := findDepartments(ctx, q)
	if err != nil {
		return nil, err
	}
	var tops, all []string
	for _, d := range depts {
		if d.Parent != "" {
			continue
		}
		all = append(all, d.Code)
		var owns bool
		var c conds
		c.in("dept", spotcheck.Subtree(depts, d.Code))
		if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM entities WHERE `+c.where()+`)`, c.args...).Scan(boolCol{&owns}); err != nil {
			return nil, err
		}
		if owns {
			tops = append(tops, d.Code)
		}
	}
	if len(tops) == 0 {
		return all, nil
	}
	return tops, nil
}

// LoadRiskModel parses text with riskfile (all its rules, line-numbered
// problems), and keeps it as a new version with its SHA-256, recorded in
// the change history (kind risk-model). The identical file under a
// version already loaded is accepted and changes nothing; a different one
// is ECONFLICT.
func (sv *RiskService) LoadRiskModel(ctx context.Context, text []byte) (_ *spotcheck.RiskModelVersion, err error) {
	db := sv.db
	defer wrap(&err, "load risk model")
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageRisk, ""); err != nil {
		return nil, err
	}
	m, err := riskfile.Parse(text)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(text)
	v := &spotcheck.RiskModelVersion{Version: m.Version, Name: m.Name, EffectiveFrom: m.EffectiveFrom,
		Text: string(text), SHA256: hex.EncodeToString(sum[:]), LoadedBy: actorID(ctx),
		LoadedAt: db.Now().UTC().Truncate(time.Second)}
	err = db.inTx(ctx, func(t *tx) error {
		if err := authorizeModel(ctx, t); err != nil {
			return err
		}
		old, err := scanRiskModel(t.QueryRowContext(ctx, "SELECT "+riskModelCols+" FROM risk_models WHERE version = $1", m.Version))
		switch {
		case err == nil && old.SHA256 == v.SHA256:
			v = old
			return nil
		case err == nil:
			return spotcheck.Errorf(spotcheck.ECONFLICT,
				"风险模型版本“%s”已于%s由%s载入，内容与本文件不同；修改后的模型须使用新的版本号",
				m.Version, old.LoadedAt.In(spotcheck.ChinaTime).Format("2006-01-02 15:04"), spotcheck.ActorName(old.LoadedBy))
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO risk_models (`+riskModelCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			v.Version, v.Name, v.EffectiveFrom, v.Text, v.SHA256, v.LoadedBy, timeCol{&v.LoadedAt}); err != nil {
			return err
		}
		after, err := recordJSON(&struct{ Version, Name, EffectiveFrom, SHA256 string }{v.Version, v.Name, v.EffectiveFrom, v.SHA256})
		if err != nil {
			return err
		}
		return writeChange(ctx, t, change{kind: "risk-model", key: v.Version, action: "load", after: after})
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// FindRiskModels lists the loaded versions, newest first. PermViewDirectory
// (the model is what explains every entity's class).
func (sv *RiskService) FindRiskModels(ctx context.Context) (_ []*spotcheck.RiskModelVersion, err error) {
	defer wrap(&err, "find risk models")
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewDirectory, ""); err != nil {
		return nil, err
	}
	rows, err := sv.db.read.QueryContext(ctx, "SELECT "+riskModelCols+" FROM risk_models ORDER BY loaded_at DESC, version DESC")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*spotcheck.RiskModelVersion{}
	for rows.Next() {
		v, err := scanRiskModel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// FindRiskModel returns one loaded version. PermViewDirectory; ENOTFOUND.
func (sv *RiskService) FindRiskModel(ctx context.Context, version string) (_ *spotcheck.RiskModelVersion, err error) {
	defer wrap(&err, "find risk model", version)
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewDirectory, ""); err != nil {
		return nil, err
	}
	return findRiskModel(ctx, sv.db.read, version)
}

func findRiskModel(ctx context.Context, q querier, version string) (*spotcheck.RiskModelVersion, error) {
	v, err := scanRiskModel(q.QueryRowContext(ctx, "SELECT "+riskModelCols+" FROM risk_models WHERE version = $1", version))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, spotcheck.Errorf(spotcheck.ENOTFOUND, "没有风险模型版本“%s”", version)
	}
	return v, err
}

// CurrentRiskModel returns the model in force on day: of the versions
// whose effective_from is not after day, the one loaded last (a version
// loaded to correct another that takes effect the same day replaces it).
// PermViewDirectory; ENOTFOUND when none is in force.
func (sv *RiskService) CurrentRiskModel(ctx context.Context, day string) (_ *spotcheck.RiskModel, err error) {
	defer wrap(&err, "current risk model", day)
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewDirectory, ""); err != nil {
		return nil, err
	}
	m, _, err := currentRiskModel(ctx, sv.db.read, day)
	return m, err
}

func currentRiskModel(ctx context.Context, q querier, day string) (*spotcheck.RiskModel, *spotcheck.RiskModelVersion, error) {
	v, err := scanRiskModel(q.QueryRowContext(ctx, "SELECT "+riskModelCols+` FROM risk_models WHERE effective_from <= $1
		ORDER BY loaded_at DESC, effective_from DESC, version DESC LIMIT 1`, day))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, spotcheck.Errorf(spotcheck.ENOTFOUND, "%s没有生效的风险模型，请先载入模型文件（spotcheck risk load）", day)
	}
	if err != nil {
		return nil, nil, err
	}
	m, err := parseStoredModel(v)
	return m, v, err
}

// parseStoredModel parses a loaded version's text; it parsed when it was
// loaded, so a failure now is internal.
func parseStoredModel(v *spotcheck.RiskModelVersion) (*spotcheck.RiskModel, error) {
	m, err := riskfile.Parse([]byte(v.Text))
	if err != nil {
		return nil, errors.New("stored risk model " + v.Version + " no longer parses: " + err.Error())
	}
	return m, nil
}
