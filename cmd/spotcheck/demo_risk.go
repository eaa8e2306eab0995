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
	as, err := demoStaff(ctx, db, "cityadmin")
	if err != nil {
		return nil, nil, err
	}
	first := strings.Replace(string(riskfile.Default()), "effective_from = 2026-12-01",
		"effective_from = "+demoRiskModelFrom(today), 1)
	revised := strings.NewReplacer(`version = "2026.1"`, `version = "2026.2"`,
		"effective_from = "+demoRiskModelFrom(today), "effective_from = "+today,
		"c = 35", "c = 20", "d = 60", "d = 35",
		`note = "首个版本：`, `note = "第二版：首轮重新分类后复核，下调C类、D类门槛（20分、35分）。首个版本说明：`).Replace(first)
	sv := db.Risk()
	if _, err := sv.LoadRiskModel(as("cityadmin"), []byte(first)); err != nil {
		return nil, nil, fmt.Errorf("演示风险模型：%w", err)
	}
	run, err := sv.PreviewReclassification(as("cityadmin"), "CSWL")
	if err != nil {
		return nil, nil, fmt.Errorf("演示重新分类预览：%w", err)
	}
	if applied, err = sv.ApplyReclassification(as("cityadmin"), run.ID); err != nil {
		return nil, nil, fmt.Errorf("演示重新分类应用：%w", err)
	}
	if _, err := sv.LoadRiskModel(as("cityadmin"), []byte(revised)); err != nil {
		return nil, nil, fmt.Errorf("演示风险模型（第二版）：%w", err)
	}
	if pending, err = sv.PreviewReclassification(as("cityadmin"), "FZWL"); err != nil {
		return nil, nil, fmt.Errorf("演示重新分类预览（第二版）：%w", err)
	}
	return applied, pending, nil
}
