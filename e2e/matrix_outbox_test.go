package e2e

import "spotcheck"

// The credit push's outbox (issue 12, item 5; web/staff/outbox.go): the
// page, the retries and the export are the system administrator's, who
// runs the installation and its connection to the credit platform; no
// department's staff, nor the security or audit admins (三员分立), reach
// it. The outbox names no department's record.
func init() {
	outboxManage := roles(spotcheck.RoleSystemAdmin)
	resources = append(resources, resource{"outbox", outboxManage, outboxManage, false, false, "", ""})
}
