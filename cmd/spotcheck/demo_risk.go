package main

import (
	"context"
	"fmt"
	"strings"

	"spotcheck"
	"spotcheck/riskfile"
	"spotcheck/store"
)

// demoRiskModelFrom is when the demo's copy of the default risk model
// takes effect: the start of the demo's year, so that the model is in
// force on any day the demo is built (the shipped file takes effect on
// 2026-12-01).
func demoRiskModelFrom(today string) string { return today[:4] + "-01-01" }

// demoRisk gives the demo a reclassification history (issue 14, item 5)
// as the city administrator makes it: the default model loaded, 仓山区
// previewed and applied first (classes and key-list memberships set from
// the demo's results, complaints and penalties, each move recorded); then
// a revised model (lower thresholds for classes C and D) loaded to take
// effect today, and the whole city previewed under it and left for the
// administrator to confirm. The other districts keep the classes the demo
// gave them, so that 鼓楼区's draft plan still has high-risk entities to
// check against (TestDemoPlans). It returns the two runs.
func demoRisk(ctx context.Context, db *store.DB, today string) (applied, pending *spotcheck.RiskRun, err error) {
	if applied, err = demoRiskApplied(ctx, db, today); err != nil {
		return nil, nil, err
	}
	pending, err = demoRiskPending(ctx, db, today)
	return applied, pending, err
}

// demoRiskModel is the demo's first model file: the default model in
// force from the start of today's year.
func demoRiskModel(today string) string {
	return strings.Replace(string(riskfile.Default()), "effective_from = 2026-12-01",
		"effective_from = "+demoRiskModelFrom(today), 1)
}

// demoRiskApplied loads the first model and applies it to 仓山区 (see
// demoRisk).
func demoRiskApplied(ctx context.Context, db *store.DB, today string) (*spotcheck.RiskRun, error) {
	as, err := demoStaff(ctx, db, "cityadmin")
	if err != nil {
		return nil, err
	}
	sv := db.Risk()
	if _, err := sv.LoadRiskModel(as("cityadmin"), []byte(demoRiskModel(today))); err != nil {
		return nil, fmt.Errorf("演示风险模型：%w", err)
	}
	run, err := sv.PreviewReclassification(as("cityadmin"), "CSWL")
	if err != nil {
		return nil, fmt.Errorf("演示重新分类预览：%w", err)
	}
	applied, err := sv.ApplyReclassification(as("cityadmin"), run.ID)
	if err != nil {
		return nil, fmt.Errorf("演示重新分类应用：%w", err)
	}
	return applied, nil
}

// demoRiskPending loads the revised model, in force from today, and
// previews the whole city under it (see demoRisk).
func demoRiskPending(ctx context.Context, db *store.DB, today string) (*spotcheck.RiskRun, error) {
	as, err := demoStaff(ctx, db, "cityadmin")
	if err != nil {
		return nil, err
	}
	revised := strings.NewReplacer(`version = "2026.1"`, `version = "2026.2"`,
		"effective_from = "+demoRiskModelFrom(today), "effective_from = "+today,
		"c = 35", "c = 20", "d = 60", "d = 35",
		`note = "首个版本：`, `note = "第二版：首轮重新分类后复核，下调C类、D类门槛（20分、35分）。首个版本说明：`).Replace(demoRiskModel(today))
	if _, err := db.Risk().LoadRiskModel(as("cityadmin"), []byte(revised)); err != nil {
		return nil, fmt.Errorf("演示风险模型（第二版）：%w", err)
	}
	pending, err := db.Risk().PreviewReclassification(as("cityadmin"), "FZWL")
	if err != nil {
		return nil, fmt.Errorf("演示重新分类预览（第二版）：%w", err)
	}
	return pending, nil
}
