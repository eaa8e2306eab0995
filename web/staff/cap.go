package staff

import (
	"net/http"
	"strconv"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The annual cap (年度检查上限) kept by the system administrator, and the
// repeated-inspection alerts for supervisors.

// ShowCaps shows the cap setting's form.
func (s *Handler) ShowCaps(w http.ResponseWriter, r *http.Request) {
	c, err := s.svc.Caps.FindCapPolicy(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderCaps(w, r, http.StatusOK, capForm(c), nil)
}

func capForm(c spotcheck.CapPolicy) map[string]string {
	exempt := ""
	if c.ExemptHighRisk {
		exempt = "1"
	}
	return map[string]string{"limit": strconv.Itoa(c.Limit), "exempt": exempt, "source": c.Source}
}

func (s *Handler) renderCaps(w http.ResponseWriter, r *http.Request, status int, f map[string]string, ps spotcheck.Problems) {
	s.renderTitled(w, r, status, "caps", "年度检查上限", map[string]any{
		"F": f, "Errors": view.FieldErrors(ps), "Problems": ps, "Default": spotcheck.DefaultCapPolicy(),
	})
}

// SaveCaps stores the cap from the form (POST /staff/caps).
func (s *Handler) SaveCaps(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.EINVALID, "表单格式错误"))
		return
	}
	f := map[string]string{"limit": r.PostFormValue("limit"), "exempt": r.PostFormValue("exempt"), "source": r.PostFormValue("source")}
	var ps spotcheck.Problems
	limit, err := strconv.Atoi(strings.TrimSpace(f["limit"]))
	if err != nil {
		ps.Add("limit", "年度检查上限", "应为1–12的整数")
	}
	if ps == nil {
		c := spotcheck.CapPolicy{Limit: limit, ExemptHighRisk: f["exempt"] == "1", Source: f["source"]}
		err := s.svc.Caps.UpdateCapPolicy(r.Context(), &c)
		if err == nil {
			view.Redirect(w, r, view.WithFlash("/staff/caps", "saved"))
			return
		}
		var msg string
		var ok bool
		if ps, msg, ok = view.FormProblems(err); !ok {
			s.fail(w, r, err)
			return
		}
		if msg != "" {
			ps.Add("", "年度检查上限", "%s", msg)
		}
	}
	s.renderCaps(w, r, http.StatusBadRequest, f, ps)
}

// ShowAlerts lists the entities inspected more often than the cap in
// ?year= (default: this year).
func (s *Handler) ShowAlerts(w http.ResponseWriter, r *http.Request) {
	year := r.URL.Query().Get("year")
	if y, err := strconv.Atoi(year); err != nil || y < 2000 || y > 2200 {
		year = strconv.Itoa(s.year())
	}
	alerts, err := s.svc.Caps.FindRepeatAlerts(r.Context(), year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.svc.Caps.FindCapPolicy(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	this := s.year()
	years := []int{this - 2, this - 1, this}
	s.renderTitled(w, r, http.StatusOK, "alerts", "重复检查预警", map[string]any{
		"Alerts": alerts, "Year": year, "Years": years, "Cap": c,
	})
}
