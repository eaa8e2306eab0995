package e2e

import (
	"context"
	"strconv"
	"strings"

	"spotcheck/riskfile"
)

// The risk model and its reclassification runs (issue 14, item 2;
// web/staff/risk.go): the department admins' pages. A run belongs to the
// department it scores, so another district's admin does not see the
// city's run (404) nor apply it; loading a model (the city level) and
// previewing a department are the store's to refuse, which the matrix's
// empty forms do not reach (no file, no department: 400).
func init() {
	resources = append(resources, resource{"risk", dirEdit, dirEdit, true, true, "", ""})
}

// riskParam fills {id} of the risk routes: the fixture's run of the city.
func riskParam(fx *fixtures) (value, dept string, err error) {
	return strconv.FormatInt(fx.riskRun, 10), cityBureau, nil
}

// makeRiskFixture loads a model, previews the city bureau's
// reclassification under it and then loads a second model in force the
// same day, so that the run can be read but never applied: an apply is
// refused as stale (409) and the directory's classes never change under
// the other tests.
func makeRiskFixture(ctx context.Context, a *app) (int64, error) {
	model := func(version string) []byte {
		s := strings.Replace(string(riskfile.Default()), "effective_from = 2026-12-01", "effective_from = "+demoToday[:4]+"-01-01", 1)
		return []byte(strings.Replace(s, `version = "2026.1"`, `version = "`+version+`"`, 1))
	}
	sv := a.DB.Risk()
	if _, err := sv.LoadRiskModel(ctx, model("e2e.1")); err != nil {
		return 0, err
	}
	run, err := sv.PreviewReclassification(ctx, cityBureau)
	if err != nil {
		return 0, err
	}
	if _, err := sv.LoadRiskModel(ctx, model("e2e.2")); err != nil {
		return 0, err
	}
	return run.ID, nil
}
