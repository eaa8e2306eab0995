package e2e

// The publication deadlines (issue 11, §5; web/staff/deadlines.go): the
// page is for those who reach inspections — team members, the
// department's viewers of tasks and its approvers, the supervisors — and
// lists no record of its own (which items each user sees is the store's
// scope: web/staff TestDeadlinesScoped).
func init() {
	resources = append(resources, resource{"deadlines", inspView, inspView, false, false, "", ""})
}
