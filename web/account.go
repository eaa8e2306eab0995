package web

import (
	"net/http"
	"strconv"

	"spotcheck"
)

// showAccount shows the user's own account: password and API tokens.
func (s *Server) showAccount(w http.ResponseWriter, r *http.Request) {
	s.renderAccount(w, r, http.StatusOK, map[string]any{})
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, d map[string]any) {
	me := staffUser(r)
	tokens, err := s.accounts.FindAPITokens(r.Context(), me.Username)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d["Tokens"] = tokens
	s.renderTitled(w, r, status, "account", "我的账号", d)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	me := staffUser(r)
	old, pw, pw2 := r.PostFormValue("old"), r.PostFormValue("password"), r.PostFormValue("password2")
	var msg string
	switch {
	case pw != pw2:
		msg = "两次输入的新密码不一致"
	default:
		if _, err := s.accounts.Authenticate(r.Context(), me.Username, old, clientIP(r)); err != nil {
			msg = "原密码错误"
		} else if err := s.accounts.SetPassword(r.Context(), me.Username, pw); err != nil {
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
	// Changing the password ends every session; start a new one here.
	token, err := s.accounts.CreateSession(r.Context(), me.Username)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setSessionCookie(w, token, int(spotcheck.SessionLifetime.Seconds()))
	redirect(w, r, "/staff/account?ok=password")
}

// createToken makes a personal API token and shows its secret, once.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	name := r.PostFormValue("name")
	if name == "" {
		s.renderAccount(w, r, http.StatusBadRequest, map[string]any{"TokenError": "请填写令牌用途"})
		return
	}
	secret, err := s.accounts.CreateAPIToken(r.Context(), staffUser(r).Username, name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderAccount(w, r, http.StatusOK, map[string]any{"NewSecret": secret})
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.ENOTFOUND, "令牌不存在"))
		return
	}
	if err := s.accounts.RevokeAPIToken(r.Context(), staffUser(r).Username, id); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/staff/account?ok=token")
}
