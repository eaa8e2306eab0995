package e2e

import "spotcheck"

// The scheduled jobs (issue 13, item 6; web/staff/jobs.go): the page and
// "run now" are the system administrator's, who runs the installation;
// no department's staff, nor the security or audit admins (三员分立),
// reach them. A job names no department's record.
func init() {
	jobsManage := roles(spotcheck.RoleSystemAdmin)
	resources = append(resources, resource{"jobs", jobsManage, jobsManage, false, false, "", ""})
}
