package e2e

import (
	"context"
	"fmt"

	"spotcheck"
)

// Publication of results (issue 12; web/staff/publish.go,
// web/portal/results.go). The portal's 抽查结果公告 (/results/…) is public
// (publicPaths). Publishing — an inspection's result, a correction, a
// task's results at once — is the approvers' (design §1: the approvers
// publicize the reviewed results), as is the department's choice of how
// it publishes; the timeliness page /staff/publications is for those who
// watch publication — the department's viewers of tasks, its approvers
// and the supervisors — and not for the team, who record and do not
// publish. It names no record of its own (which departments each user
// sees is the store's scope: store TestPublicationTimeliness).
func init() {
	inspectionSteps["publish"] = inspApprove
	taskSteps["publish-results"] = inspApprove
	resources = append(resources, resource{"publications", drawView, inspApprove, false, false, "", ""})
}

// makePublicationFixture publishes the approved result of task (the
// follow-up fixture's inspection), as the system, so that the task has a
// 抽查结果公告 for the matrix's /results/{task}.
func makePublicationFixture(ctx context.Context, a *app, task string) error {
	list, err := a.DB.Inspections().FindInspections(ctx, spotcheck.InspectionFilter{Task: task})
	if err != nil {
		return err
	}
	for _, in := range list {
		if in.State == spotcheck.InspectionApproved {
			_, err := a.DB.Publications().PublishInspection(ctx, in.ID, "")
			return err
		}
	}
	return fmt.Errorf("task %s has no approved result to publish", task)
}
