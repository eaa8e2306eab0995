package staff

import (
	"cmp"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The department admin's reclassification page (issue 14, item 2):
// /staff/risk lists the versions of the risk model with the one in force,
// takes a model file (all or nothing, its problems shown by line), starts
// a preview of a department of the admin's subtree and lists the recent
// runs; /staff/risk/runs/{id} shows a run's summary — moves by class, by
// division, by type, in and out of the key list — and, once applied, its
// moves; a previewed run is applied from there. The store (RiskService)
// checks every permission again: loading needs the city level, a run the
// department it scores.

// riskRunsListed is how many recent runs /staff/risk lists.
const riskRunsListed = 50

// riskChangesShown is how many moves of an applied run its page lists.
const riskChangesShown = 300

// ShowRisk shows the models, the load and preview forms and the recent
// runs (GET /staff/risk).
func (s *Handler) ShowRisk(w http.ResponseWriter, r *http.Request) {
	s.renderRisk(w, r, http.StatusOK, map[string]any{})
}

// renderRisk renders /staff/risk with d's messages (LoadError,
// LoadProblems, PreviewError, Dept).
func (s *Handler) renderRisk(w http.ResponseWriter, r *http.Request, status int, d map[string]any) {
	ctx := r.Context()
	p := view.StaffUser(r)
	models, err := s.svc.Risk.FindRiskModels(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	current := ""
	switch m, err := s.svc.Risk.CurrentRiskModel(ctx, s.today()); {
	case err == nil:
		current = m.Version
	case spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND:
		s.fail(w, r, err)
		return
	}
	runs, err := s.svc.Risk.FindRiskRuns(ctx, riskRunsListed)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	depts, err := s.riskDepts(ctx, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d["Models"], d["Current"], d["Runs"], d["Depts"], d["Listed"] = models, current, runs, depts, riskRunsListed
	d["States"] = spotcheck.RiskRunStateNames
	s.renderTitled(w, r, status, "risk", "信用风险分类", d)
}

// riskDepts are the departments the user may start a run of: the active
// bureaus (which own entities) on which they hold PermManageRisk.
func (s *Handler) riskDepts(ctx context.Context, p *spotcheck.Principal) ([]spotcheck.Department, error) {
	all, err := s.svc.Departments.FindDepartments(ctx)
	if err != nil {
		return nil, err
	}
	var out []spotcheck.Department
	for _, d := range all {
		if d.Active && d.Kind == spotcheck.DeptBureau && p.Authorize(spotcheck.PermManageRisk, d.Code) == nil {
			out = append(out, d)
		}
	}
	return out, nil
}

// LoadRiskModel loads an uploaded model file as a new version (POST
// /staff/risk/models); a file with problems is refused whole, each
// problem shown with its line.
func (s *Handler) LoadRiskModel(w http.ResponseWriter, r *http.Request) {
	up, err := uploadedFile(r, "file")
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			s.fail(w, r, err)
			return
		}
		msg := "请选择要载入的风险模型文件（.toml）"
		if errors.Is(err, multipart.ErrMessageTooLarge) {
			msg = "上传的表单内容过多：每次只选择一个模型文件"
		}
		s.renderRisk(w, r, http.StatusBadRequest, map[string]any{"LoadError": msg})
		return
	}
	defer up.Close()
	text, err := io.ReadAll(up)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, err = s.svc.Risk.LoadRiskModel(r.Context(), text)
	switch spotcheck.ErrorCode(err) {
	case "":
		view.Redirect(w, r, view.WithFlash("/staff/risk", "risk-model-loaded"))
	case spotcheck.EINVALID, spotcheck.ECONFLICT, spotcheck.EFORBIDDEN:
		status, _, msg := view.ErrorStatus(err)
		head, rest, _ := strings.Cut(msg, "\n")
		d := map[string]any{"File": up.Name, "LoadError": head}
		if rest != "" {
			d["LoadProblems"] = strings.Split(rest, "\n")
		}
		s.renderRisk(w, r, status, d)
	default:
		s.fail(w, r, err)
	}
}

// PreviewReclassification starts the preview of a run of the chosen
// department in the background (POST /staff/risk/runs; risk_work.go) and
// shows the run, which computes; a preview refused at once says why on
// /staff/risk.
func (s *Handler) PreviewReclassification(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.EINVALID, "表单格式错误"))
		return
	}
	dept := strings.TrimSpace(r.PostFormValue("dept"))
	if dept == "" {
		s.renderRisk(w, r, http.StatusBadRequest, map[string]any{"PreviewError": "请选择要重新分类的部门"})
		return
	}
	id, err := s.startRisk(r, 0, func(ctx context.Context) (*spotcheck.RiskRun, error) {
		return s.svc.Risk.PreviewReclassification(ctx, dept)
	})
	switch spotcheck.ErrorCode(err) {
	case "":
		if id == 0 { // waiting for another run's apply to end
			view.Redirect(w, r, view.WithFlash("/staff/risk", "risk-preview-waiting"))
			return
		}
		view.Redirect(w, r, view.WithFlash("/staff/risk/runs/"+strconv.FormatInt(id, 10), "risk-previewing"))
	case spotcheck.ECONFLICT, spotcheck.EINVALID:
		status, _, msg := view.ErrorStatus(err)
		s.renderRisk(w, r, status, map[string]any{"PreviewError": msg, "Dept": dept})
	case spotcheck.ENOTFOUND:
		// No model in force, or a department that is none.
		s.renderRisk(w, r, http.StatusNotFound, map[string]any{"PreviewError": spotcheck.ErrorMessage(err), "Dept": dept})
	default:
		s.fail(w, r, err)
	}
}

// riskChangeRow is one move of an applied run, with the entity's name.
type riskChangeRow struct {
	spotcheck.RiskChange
	Name string // "" when the entity is no longer in the user's scope
}

// ShowRiskRun shows a run (GET /staff/risk/runs/{id}); while it computes
// or is being applied (risk_work.go) the page reloads itself every
// riskRefresh seconds.
func (s *Handler) ShowRiskRun(w http.ResponseWriter, r *http.Request) {
	s.renderRiskRun(w, r, http.StatusOK, "")
}

func (s *Handler) renderRiskRun(w http.ResponseWriter, r *http.Request, status int, applyErr string) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, spotcheck.Errorf(spotcheck.ENOTFOUND, "没有第%s号重新分类", r.PathValue("id")))
		return
	}
	run, err := s.svc.Risk.FindRiskRun(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	applying, failed := s.risk.status(id)
	d := map[string]any{"Run": run, "State": spotcheck.RiskRunStateNames[run.State], "ApplyError": cmp.Or(applyErr, failed),
		"CanApply": run.State == spotcheck.RiskRunPreviewed && !applying &&
			view.StaffUser(r).Authorize(spotcheck.PermManageRisk, run.Dept) == nil,
		"Shown": riskChangesShown, "Applying": applying, "Every": riskRefresh}
	if applying {
		d["State"] = "应用中"
	}
	if applying || run.State == spotcheck.RiskRunRunning {
		d["Refresh"] = strconv.Itoa(riskRefresh) + "; url=/staff/risk/runs/" + strconv.FormatInt(id, 10)
	}
	if run.State == spotcheck.RiskRunApplied {
		changes, err := s.svc.Risk.FindRiskChanges(ctx, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d["Total"] = len(changes)
		rows := make([]riskChangeRow, 0, min(len(changes), riskChangesShown))
		for _, c := range changes[:min(len(changes), riskChangesShown)] {
			row := riskChangeRow{RiskChange: c}
			switch e, err := s.svc.Entities.FindEntityByID(ctx, c.Entity); {
			case err == nil:
				row.Name = e.Name
			case spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND:
				s.fail(w, r, err)
				return
			}
			rows = append(rows, row)
		}
		d["Changes"] = rows
	}
	s.renderTitled(w, r, status, "risk_run", "第"+strconv.FormatInt(id, 10)+"号重新分类", d)
}

// ApplyReclassification starts applying a previewed run in the
// background (POST /staff/risk/runs/{id}/apply; risk_work.go) and shows
// the run; a run that cannot be applied says why on its page, at once
// or, when the apply fails later, once it has.
func (s *Handler) ApplyReclassification(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, spotcheck.Errorf(spotcheck.ENOTFOUND, "没有第%s号重新分类", r.PathValue("id")))
		return
	}
	_, err = s.startRisk(r, id, func(ctx context.Context) (*spotcheck.RiskRun, error) {
		return s.svc.Risk.ApplyReclassification(ctx, id)
	})
	switch spotcheck.ErrorCode(err) {
	case "":
		view.Redirect(w, r, view.WithFlash("/staff/risk/runs/"+strconv.FormatInt(id, 10), "risk-applying"))
	case spotcheck.ECONFLICT:
		s.renderRiskRun(w, r, http.StatusConflict, spotcheck.ErrorMessage(err))
	default:
		s.fail(w, r, err)
	}
}
