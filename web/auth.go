package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// cookieName is the session cookie. Over TLS it carries the __Host-
// prefix, which browsers only accept with Secure, Path=/ and no Domain.
func (s *Server) cookieName() string {
	if s.tls {
		return "__Host-spotcheck_session"
	}
	return "spotcheck_session"
}

// guard authenticates and authorises a request for rt before its handler
// runs: public routes run as the public principal, staff routes need a
// session, API routes a token; rt.perm is checked here (deny by default: a
// route without a permission serves nobody), and the store checks each
// record's department again. It first applies the limits of rt.class:
// deadlines and body size (web/transport.go).
func (s *Server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = applyLimits(w, r, s.limits[rt.class])
		// Parse a form body here, so that an over-long one is refused as
		// such (413) instead of reaching the handler as empty fields.
		if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			if err := r.ParseForm(); err != nil {
				if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
					s.views.Fail(w, r, err)
					return
				}
				if view.IsTimeout(err) {
					s.views.Fail(w, r, view.ErrBodyTimeout)
					return
				}
				s.views.Fail(w, r, spotcheck.Errorf(spotcheck.EINVALID, "表单格式错误"))
				return
			}
		}
		ctx := r.Context()
		var p *spotcheck.Principal
		switch rt.access {
		case Public:
			if staff, err := s.sessionPrincipal(r); err == nil {
				ctx = view.WithStaffUser(ctx, staff)
			}
			p = spotcheck.Public()
		case Staff:
			staff, err := s.sessionPrincipal(r)
			if err != nil {
				if r.Method == http.MethodGet {
					view.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()))
					return
				}
				s.views.Fail(w, r, err)
				return
			}
			p = staff
			ctx = view.WithStaffUser(ctx, staff)
			if staff.ChangeAtSignIn && !changesPassword[rt.pattern] {
				if r.Method == http.MethodGet {
					view.Redirect(w, r, "/staff/account?ok=initial-password")
					return
				}
				s.views.Fail(w, r, errInitialPassword)
				return
			}
		case API:
			var err error
			if p, err = s.tokenPrincipal(r); err != nil {
				if spotcheck.ErrorCode(err) == spotcheck.EUNAUTHORIZED {
					w.Header().Set("WWW-Authenticate", `Bearer realm="spotcheck"`)
				}
				s.views.Fail(w, r, err)
				return
			}
			if p.ChangeAtSignIn {
				s.views.Fail(w, r, errInitialPassword)
				return
			}
		}
		noteUser(ctx, p.Username)
		if err := permitted(rt, p); err != nil {
			s.views.Fail(w, r.WithContext(ctx), err)
			return
		}
		rt.handle(w, r.WithContext(spotcheck.NewContextWithPrincipal(ctx, p)))
	})
}

// changesPassword are the routes a user whose password is an initial one
// (spotcheck.InitialPassword) may reach: the account page, its password
// form and signing out. Every other staff page redirects to the account
// page, and the API refuses.
var changesPassword = map[string]bool{"GET /staff/account": true, "POST /staff/account/password": true,
	"POST /logout": true, "POST /logout/all": true}

var errInitialPassword = spotcheck.Errorf(spotcheck.EFORBIDDEN, "请先在网页上修改管理员设置的初始密码")

// permitted reports whether p, admitted by rt's access, holds the
// permission rt needs. PermPublic serves anyone on a public route and
// PermAnySignedIn whoever the access authenticated; any other permission
// must be one of p's; "" (a route that forgot to say) serves nobody.
func permitted(rt route, p *spotcheck.Principal) error {
	switch rt.perm {
	case spotcheck.PermPublic:
		if rt.access == Public {
			return nil
		}
	case spotcheck.PermAnySignedIn:
		if rt.access != Public {
			return nil
		}
	case "":
	default:
		if p.Has(rt.perm) {
			return nil
		}
		return p.Authorize(rt.perm, "")
	}
	return spotcheck.Errorf(spotcheck.EFORBIDDEN, "没有权限：该页面未声明所需的权限")
}

// sessionPrincipal resolves the session cookie to a principal.
func (s *Server) sessionPrincipal(r *http.Request) (*spotcheck.Principal, error) {
	c, err := r.Cookie(s.cookieName())
	if err != nil || c.Value == "" {
		return nil, spotcheck.Errorf(spotcheck.EUNAUTHORIZED, "请先登录")
	}
	_, u, err := s.svc.Accounts.FindSession(r.Context(), c.Value)
	if err != nil {
		return nil, err
	}
	return s.principal(r.Context(), u)
}

// tokenPrincipal resolves an "Authorization: Bearer …" API token.
func (s *Server) tokenPrincipal(r *http.Request) (*spotcheck.Principal, error) {
	secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || secret == "" {
		return nil, spotcheck.Errorf(spotcheck.EUNAUTHORIZED, "缺少接口令牌（Authorization: Bearer …）")
	}
	u, err := s.svc.Accounts.AuthenticateToken(r.Context(), strings.TrimSpace(secret))
	if err != nil {
		return nil, err
	}
	p, err := s.principal(r.Context(), u)
	if err != nil {
		return nil, err
	}
	if !p.Has(spotcheck.PermUseAPI) {
		return nil, p.Authorize(spotcheck.PermUseAPI, "")
	}
	return p, nil
}

// principal resolves u's department scope in the current department tree,
// read as the public reads it: no principal is established yet, and the
// store refuses a call without one.
func (s *Server) principal(ctx context.Context, u *spotcheck.User) (*spotcheck.Principal, error) {
	depts, err := s.svc.Departments.FindDepartments(spotcheck.NewContextWithPrincipal(ctx, spotcheck.Public()))
	if err != nil {
		return nil, err
	}
	return spotcheck.NewPrincipal(*u, depts), nil
}

// startSession sets the cookie of a new session.
func (s *Server) startSession(w http.ResponseWriter, token string) {
	s.setSessionCookie(w, token, int(spotcheck.SessionLifetime.Seconds()))
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.tls, SameSite: http.SameSiteLaxMode})
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request) {
	if view.StaffUser(r) != nil {
		view.Redirect(w, r, "/staff/")
		return
	}
	s.views.Render(w, r, http.StatusOK, "login", "登录", map[string]any{"Next": view.SafeNext(r.URL.Query().Get("next"))})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var f view.LoginForm
	view.Decode(r.PostForm, &f) // text fields only: nothing to misparse
	username, next := f.Username, view.SafeNext(f.Next)
	u, err := s.svc.Accounts.Authenticate(r.Context(), username, f.Password, view.ClientIP(r))
	if err == nil {
		var token string
		if token, err = s.svc.Accounts.CreateSession(r.Context(), u.Username); err == nil {
			s.startSession(w, token)
			view.Redirect(w, r, next)
			return
		}
	}
	if code := spotcheck.ErrorCode(err); code != spotcheck.EUNAUTHORIZED {
		s.views.Fail(w, r, err)
		return
	}
	s.views.Render(w, r, http.StatusUnauthorized, "login", "登录",
		map[string]any{"Next": next, "Username": username, "Error": spotcheck.ErrorMessage(err)})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(s.cookieName()); err == nil {
		if err := s.svc.Accounts.DeleteSession(r.Context(), c.Value); err != nil {
			s.views.Fail(w, r, err)
			return
		}
	}
	s.setSessionCookie(w, "", -1)
	view.Redirect(w, r, "/login")
}

func (s *Server) logoutEverywhere(w http.ResponseWriter, r *http.Request) {
	if err := s.svc.Accounts.DeleteUserSessions(r.Context(), view.StaffUser(r).Username); err != nil {
		s.views.Fail(w, r, err)
		return
	}
	s.setSessionCookie(w, "", -1)
	view.Redirect(w, r, "/login")
}
