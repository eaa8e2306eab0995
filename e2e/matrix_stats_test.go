package e2e

import "spotcheck"

// The statistics dashboard (issue 14, item 4; web/staff/stats.go) and the
// downloads of its tables: for those who answer for the work of a
// department — its department admins and planners — and for the
// supervisors, who watch every department (design §1, §6). Not for the
// inspectors and approvers, who do the work it counts, nor the three
// administrators. It names no record of its own: which departments each
// user's figures cover is the store's scope (store TestStatsAgreeWithRawRows,
// web/staff TestStatsScoped).
var statsView = roles(spotcheck.RoleDeptAdmin, spotcheck.RolePlanner, spotcheck.RoleSupervisor)

func init() {
	resources = append(resources, resource{"stats", statsView, statsView, false, false, "", ""})
}
