package e2e

import (
	"context"

	"spotcheck"
)

// makePublicFixture files, as the enterprise holding the notice's token,
// a recusal request against the inspection's first inspector and a
// proposed visit time (the draw fixture's task allows 双预约), so that the
// matrix asks for a review and an answer that exist. It returns the
// request, the department of its entity (who may review it) and the
// proposal.
func makePublicFixture(ctx context.Context, a *app, token string) (recusal int64, dept string, appointment int64, err error) {
	public := spotcheck.NewContextWithPrincipal(ctx, spotcheck.Public())
	_, in, err := a.DB.Notices().ReadNotice(public, token)
	if err != nil {
		return 0, "", 0, err
	}
	q := &spotcheck.RecusalRequest{InspectorName: in.Names[in.Team[0]], Reason: "权限矩阵：该人员与本企业有利害关系"}
	if err := a.DB.Recusals().RequestRecusal(public, token, q); err != nil {
		return 0, "", 0, err
	}
	e, err := a.DB.Entities().FindEntityByID(ctx, in.Entity)
	if err != nil {
		return 0, "", 0, err
	}
	// The last day of the task's window, which is not past while the
	// fixture's task can be drawn at all.
	ap := &spotcheck.Appointment{At: "2026-12-26 10:00"}
	if err := a.DB.Feedback().ProposeAppointment(public, token, ap); err != nil {
		return 0, "", 0, err
	}
	return q.ID, e.Dept, ap.ID, nil
}
