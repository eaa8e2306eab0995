package staff

import (
	"net/http"

	"spotcheck/web/internal/view"
)

// The scheduled jobs for the system administrator (issue 13, item 6):
// /staff/jobs lists each job with its schedule, its last run (which
// server, when, how long, how it ended and its error), when it is next
// due, which server holds it now, and the latest runs of all jobs; "run
// now" asks for one run, which the next server to look takes and which
// records who asked (the store's JobService).

// jobRunsListed is how many recent runs the page lists.
const jobRunsListed = 50

// ShowJobs shows the jobs' page.
func (s *Handler) ShowJobs(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	jobs, err := s.svc.Jobs.FindJobs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	runs, err := s.svc.Jobs.FindJobRuns(ctx, "", jobRunsListed)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	titles := map[string]string{}
	for _, j := range jobs {
		titles[j.Name] = j.Title
	}
	s.renderTitled(w, r, http.StatusOK, "jobs", "定时任务",
		map[string]any{"Jobs": jobs, "Runs": runs, "Titles": titles, "Listed": jobRunsListed})
}

// RunJobNow asks for one run of the job {name} (POST
// /staff/jobs/{name}/run).
func (s *Handler) RunJobNow(w http.ResponseWriter, r *http.Request) {
	if err := s.svc.Jobs.RequestJobRun(r.Context(), r.PathValue("name")); err != nil {
		s.fail(w, r, err)
		return
	}
	view.Redirect(w, r, view.WithFlash("/staff/jobs", "job-requested"))
}
