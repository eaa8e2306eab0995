package web

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

// showSecurity shows the policy in force in its form.
func (s *Server) showSecurity(w http.ResponseWriter, r *http.Request) {
	p, err := s.accounts.FindSecurityPolicy(r.Context())
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	s.renderSecurity(w, r, http.StatusOK, map[string]string{
		"password_min_length": strconv.Itoa(p.PasswordMinLength), "password_classes": strconv.Itoa(p.PasswordClasses),
		"password_history": strconv.Itoa(p.PasswordHistory), "idle_minutes": strconv.Itoa(p.IdleMinutes),
	}, nil)
}

func (s *Server) renderSecurity(w http.ResponseWriter, r *http.Request, status int, form map[string]string,
	problems spotcheck.Problems) {
	s.views.Render(w, r, status, "security", "安全策略", map[string]any{"F": form, "Errors": view.FieldErrors(problems),
		"Problems": problems, "Default": spotcheck.DefaultSecurityPolicy(),
		"Lifetime": fmt.Sprintf("%d小时", int(spotcheck.SessionLifetime.Hours())), "MaxFailures": spotcheck.MaxLoginFailures})
}

// saveSecurity stores the policy of the form (POST /staff/security).
func (s *Server) saveSecurity(w http.ResponseWriter, r *http.Request) {
	var p spotcheck.SecurityPolicy
	type field struct {
		key, label string
		dst        *int
	}
	form := map[string]string{}
	var problems spotcheck.Problems
	for _, f := range []field{
		{"password_min_length", "密码最小长度", &p.PasswordMinLength},
		{"password_classes", "字符类别数", &p.PasswordClasses},
		{"password_history", "不得重复的历史密码数", &p.PasswordHistory},
		{"idle_minutes", "空闲超时（分钟）", &p.IdleMinutes},
	} {
		v := strings.TrimSpace(r.PostFormValue(f.key))
		form[f.key] = v
		n, err := strconv.Atoi(v)
		if err != nil {
			problems.Add(f.key, f.label, "应为整数")
			continue
		}
		*f.dst = n
	}
	if problems != nil {
		s.renderSecurity(w, r, http.StatusBadRequest, form, problems)
		return
	}
	if err := s.accounts.UpdateSecurityPolicy(r.Context(), &p); err != nil {
		ps, msg, ok := view.FormProblems(err)
		if !ok {
			s.views.Fail(w, r, err)
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
