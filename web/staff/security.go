package staff

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The security policy (安全策略): the password rules and the idle timeout
// of sessions, which the security admin sets (PermManageUsers) and the
// store records as a change of kind "setting".

// ShowSecurity shows the policy in force in its form.
func (s *Handler) ShowSecurity(w http.ResponseWriter, r *http.Request) {
	p, err := s.svc.Accounts.FindSecurityPolicy(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderSecurity(w, r, http.StatusOK, map[string]string{
		"password_min_length": strconv.Itoa(p.PasswordMinLength), "password_classes": strconv.Itoa(p.PasswordClasses),
		"password_history": strconv.Itoa(p.PasswordHistory), "idle_minutes": strconv.Itoa(p.IdleMinutes),
		"keep_initial_passwords": checked(p.KeepInitialPasswords),
	}, nil)
}

func (s *Handler) renderSecurity(w http.ResponseWriter, r *http.Request, status int, form map[string]string,
	problems spotcheck.Problems) {
	s.renderTitled(w, r, status, "security", "安全策略", map[string]any{"F": form, "Errors": view.FieldErrors(problems),
		"Problems": problems, "Default": spotcheck.DefaultSecurityPolicy(),
		"Lifetime": fmt.Sprintf("%d小时", int(spotcheck.SessionLifetime.Hours())), "MaxFailures": spotcheck.MaxLoginFailures})
}

// SaveSecurity stores the policy of the form (POST /staff/security).
func (s *Handler) SaveSecurity(w http.ResponseWriter, r *http.Request) {
	var f view.SecurityForm
	problems := s.decode(r, &f)
	form := map[string]string{} // as typed, for the form
	for _, k := range []string{"password_min_length", "password_classes", "password_history", "idle_minutes"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	form["keep_initial_passwords"] = checked(f.KeepInitial)
	if problems != nil {
		s.renderSecurity(w, r, http.StatusBadRequest, form, problems)
		return
	}
	p := f.Policy()
	if err := s.svc.Accounts.UpdateSecurityPolicy(r.Context(), p); err != nil {
		ps, msg, ok := view.FormProblems(err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		if msg != "" {
			ps.Add("", "安全策略", "%s", msg)
		}
		s.renderSecurity(w, r, http.StatusBadRequest, form, ps)
		return
	}
	view.Redirect(w, r, "/staff/security?ok=saved")
}

// checked is a check box's state in a form map: "on" or "".
func checked(b bool) string {
	if b {
		return "on"
	}
	return ""
}
