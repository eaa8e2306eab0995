package staff

import (
	"net/http"
	"strconv"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// ShowAccount shows the user's own account: password and API tokens.
func (s *Handler) ShowAccount(w http.ResponseWriter, r *http.Request) {
	s.renderAccount(w, r, http.StatusOK, map[string]any{})
}

func (s *Handler) renderAccount(w http.ResponseWriter, r *http.Request, status int, d map[string]any) {
	me := view.StaffUser(r)
	tokens, err := s.svc.Accounts.FindAPITokens(r.Context(), me.Username)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	policy, err := s.svc.Accounts.FindSecurityPolicy(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	valid := 0
	for _, k := range tokens {
		if k.Valid(s.now()) {
			valid++
		}
	}
	d["Tokens"], d["ValidTokens"], d["Now"] = tokens, valid, s.now()
	d["TokenDays"], d["DefaultTokenDays"] = spotcheck.TokenLifetimeDays, spotcheck.DefaultTokenDays
	d["Policy"] = policy
	s.renderTitled(w, r, status, "account", "我的账号", d)
}

func (s *Handler) ChangePassword(w http.ResponseWriter, r *http.Request) {
	me := view.StaffUser(r)
	var f view.PasswordForm
	s.decode(r, &f) // text fields only: nothing to misparse
	var msg string
	switch {
	case f.Mismatch():
		msg = "两次输入的新密码不一致"
	default:
		if _, err := s.svc.Accounts.Authenticate(r.Context(), me.Username, f.Old, view.ClientIP(r)); err != nil {
			msg = "原密码错误"
		} else if err := s.svc.Accounts.SetPassword(r.Context(), me.Username, f.Password); err != nil {
			if spotcheck.ErrorCode(err) != spotcheck.EINVALID {
				s.fail(w, r, err)
				return
			}
			msg = spotcheck.ErrorMessage(err)
		}
	}
	if msg != "" {
		s.renderAccount(w, r, http.StatusBadRequest, map[string]any{"PasswordError": msg})
		return
	}
	// Changing the password ends every session and revokes every API
	// token; start a new session here.
	token, err := s.svc.Accounts.CreateSession(r.Context(), me.Username)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.session(w, token)
	view.Redirect(w, r, "/staff/account?ok=password")
}

// CreateToken makes a personal API token, valid for the chosen number of
// days, and shows its secret, once.
func (s *Handler) CreateToken(w http.ResponseWriter, r *http.Request) {
	var f view.TokenForm
	s.decode(r, &f) // days are checked by the store, which names the choices
	if f.Name == "" {
		s.renderAccount(w, r, http.StatusBadRequest, map[string]any{"TokenError": "请填写令牌用途"})
		return
	}
	secret, err := s.svc.Accounts.CreateAPIToken(r.Context(), view.StaffUser(r).Username, f.Name, f.DaysOrInvalid())
	if err != nil {
		problems, msg, ok := view.FormProblems(err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		for _, p := range problems {
			msg = p.Label + "：" + p.Message
		}
		s.renderAccount(w, r, http.StatusBadRequest, map[string]any{"TokenError": msg})
		return
	}
	s.renderAccount(w, r, http.StatusOK, map[string]any{"NewSecret": secret})
}

// RevokeAllTokens revokes every valid token of the signed-in user, for
// example when a script's machine was lost.
func (s *Handler) RevokeAllTokens(w http.ResponseWriter, r *http.Request) {
	if _, err := s.svc.Accounts.RevokeAPITokens(r.Context(), view.StaffUser(r).Username); err != nil {
		s.fail(w, r, err)
		return
	}
	view.Redirect(w, r, "/staff/account?ok=tokens")
}

func (s *Handler) RevokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.ENOTFOUND, "令牌不存在"))
		return
	}
	if err := s.svc.Accounts.RevokeAPIToken(r.Context(), view.StaffUser(r).Username, id); err != nil {
		s.fail(w, r, err)
		return
	}
	view.Redirect(w, r, "/staff/account?ok=token")
}
