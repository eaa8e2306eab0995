package e2e

import (
	"context"
	"fmt"

	"spotcheck"
)

// makePlanFixtures makes the plans the matrix names: a draft plan of the
// city bureau without tasks (its staff routes; a publication of it is
// refused with findings, so the matrix's requests change nothing), and a
// published plan of 鼓楼区 (the portal's routes, which show published plans
// only).
func makePlanFixtures(ctx context.Context, a *app, item string) (draft, published string, err error) {
	plans := a.DB.Plans()
	d := &spotcheck.Plan{Dept: cityBureau, Year: 2027, Name: "福州市2027年度抽查计划（矩阵）", Office: "市场管理处"}
	if err := plans.CreatePlan(ctx, d); err != nil {
		return "", "", fmt.Errorf("CreatePlan: %w", err)
	}
	p := &spotcheck.Plan{Dept: homeDept, Year: 2026, Name: "鼓楼区2026年度抽查计划（矩阵）", Office: "文化市场管理科"}
	if err := plans.CreatePlan(ctx, p); err != nil {
		return "", "", fmt.Errorf("CreatePlan: %w", err)
	}
	var tasks []spotcheck.Task
	for round, window := range [][2]string{{"2026-04-01", "2026-06-30"}, {"2026-09-01", "2026-11-30"}} {
		tasks = append(tasks, spotcheck.Task{Code: fmt.Sprintf("2026-%s-JH-%03d", homeDept, round+1), Name: "年度抽查",
			Round: round + 1, Items: []string{item},
			Strata: []spotcheck.StratumRule{{ID: "A", Rate: "20/100"}, {ID: "B", Rate: "20/100"}, {ID: "C", Rate: "30/100"},
				{ID: "D", Rate: "50/100"}},
			Team: []spotcheck.TeamSlot{{Unit: homeDept, Size: 2}}, CapSlack: 100, Start: window[0], End: window[1]})
	}
	if err := plans.CreatePlanTasks(ctx, p.Key(), spotcheck.SliceSource("matrix", tasks)); err != nil {
		return "", "", fmt.Errorf("CreatePlanTasks: %w", err)
	}
	if fs, err := plans.PublishPlan(ctx, p.Key(), 0); err != nil {
		return "", "", fmt.Errorf("PublishPlan: %w %+v", err, fs)
	}
	return d.Key(), p.Key(), nil
}
