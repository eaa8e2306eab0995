package e2e

import (
	"context"
	"fmt"

	"spotcheck"
)

// makeInspectionFixture makes the inspections of the draw fixture (the
// city bureau's drawn task) and returns one of them, in draft. No demo
// user is on its team, so the matrix's recording steps by the demo's
// inspector (of 鼓楼区) meet a record they may not see, and the
// approver's steps a record in the wrong state: nothing changes.
func makeInspectionFixture(ctx context.Context, a *app, task string, drawID int64) (int64, error) {
	planner, err := a.asUser(ctx, "planner")
	if err != nil {
		return 0, err
	}
	// A draw may already have made them (issue 11: draws create their
	// inspections); making them again creates none twice.
	if _, err := a.DB.Inspections().CreateInspections(planner, task, drawID); err != nil {
		return 0, fmt.Errorf("CreateInspections: %w", err)
	}
	list, err := a.DB.Inspections().FindInspections(planner, spotcheck.InspectionFilter{Task: task})
	if err != nil {
		return 0, err
	}
	if len(list) == 0 {
		return 0, fmt.Errorf("the draw of %s made no inspection", task)
	}
	return list[0].ID, nil
}
