package web

import (
	"net/http"
	"slices"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// Access says who may reach a route.
type Access int

const (
	// Public routes serve anyone; their handlers see the public principal.
	Public Access = iota
	// Staff routes need a signed-in session; others are sent to /login.
	Staff
	// API routes need a personal API token (Authorization: Bearer …).
	API
)

// route is one line of the route table.
type route struct {
	pattern string // method and path, as http.ServeMux takes them
	access  Access
	perm    spotcheck.Permission // "" = any signed-in user
	handle  http.HandlerFunc
	class   class // deadlines and body limit (web/transport.go)
}

// RouteInfo describes a route for tests that walk every route.
type RouteInfo struct {
	Pattern string
	Access  Access
	Perm    spotcheck.Permission
	// Download and Upload say the route's transport class: a file sent
	// for as long as the client reads it, or an import file taken; neither
	// is an ordinary page or API call.
	Download, Upload bool
}

// Routes lists the route table.
func (s *Server) Routes() []RouteInfo {
	var out []RouteInfo
	for _, rt := range s.routes() {
		out = append(out, RouteInfo{rt.pattern, rt.access, rt.perm, rt.class == download, rt.class == upload})
	}
	return out
}

// routes is the route table of the application: the public portal, the
// staff workspace and the JSON API, each section in its own file.
func (s *Server) routes() []route {
	return slices.Concat(s.publicRoutes(), s.staffRoutes(), s.drawRoutes(), s.apiRoutes())
}

// Short names for the permissions in the route tables.
const (
	viewDir   = spotcheck.PermViewDirectory
	editDir   = spotcheck.PermEditDirectory
	viewLists = spotcheck.PermViewLists
	editLists = spotcheck.PermEditLists
	viewDepts = spotcheck.PermViewDepartments
	mngDepts  = spotcheck.PermManageDepartments
	mngUsers  = spotcheck.PermManageUsers
	audit     = spotcheck.PermViewAudit
	useAPI    = spotcheck.PermUseAPI
	viewDraws = spotcheck.PermViewDraws
	mngDraws  = spotcheck.PermManageDraws
	witness   = spotcheck.PermWitnessDraws
	approve   = spotcheck.PermApproveDraws
	supervise = spotcheck.PermSuperviseDraws
)

func (s *Server) publicRoutes() []route {
	return []route{
		{"GET /{$}", Public, "", s.showPortal, interactive},
		{"GET /items", Public, "", s.showPublicItems, interactive},
		{"GET /items/{code}", Public, "", s.showPublicItem, interactive},
		{"GET /plans", Public, "", s.showPublicSoon, interactive},
		{"GET /tasks", Public, "", s.showPublicSoon, interactive},
		{"GET /results", Public, "", s.showPublicSoon, interactive},
		{"GET /healthz", Public, "", s.health, interactive},
		{"GET /login", Public, "", s.showLogin, interactive},
		{"POST /login", Public, "", s.login, interactive},
		{"POST /logout", Staff, "", s.logout, interactive},
		{"POST /logout/all", Staff, "", s.logoutEverywhere, interactive},
		{"GET /api/v1/openapi.json", Public, "", s.openAPI, interactive},
		// The log of spec §8.1 (web/log.go).
		{"GET /log/key", Public, "", s.showLogKey, interactive},
		{"GET /log/checkpoint", Public, "", s.showLogCheckpoint, interactive},
		{"GET /log/entries", Public, "", s.showLogEntries, interactive},
		{"GET /log/proof/inclusion", Public, "", s.showInclusionProof, interactive},
		{"GET /log/proof/consistency", Public, "", s.showConsistencyProof, interactive},
		{"GET /log/records/{sha256}", Public, "", s.showLogRecord, interactive},
	}
}

// notFoundAsPage serves the mux, but answers requests that match no route
// (404) or no method of a route (405) with the application's own page or
// JSON error instead of the mux's plain text.
func (s *Server) notFoundAsPage(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		rec := &muxRecorder{header: http.Header{}}
		mux.ServeHTTP(rec, r)
		if allow := rec.header.Get("Allow"); allow != "" {
			w.Header().Set("Allow", allow)
		}
		var err error = spotcheck.Errorf(spotcheck.ENOTFOUND, "页面不存在")
		if rec.status == http.StatusMethodNotAllowed {
			err = &view.StatusError{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Msg: "不支持该请求方法"}
		}
		s.views.Fail(w, r, err)
	})
}

// muxRecorder keeps the status and headers of the mux's own 404 and 405
// answers and drops their plain-text body.
type muxRecorder struct {
	header http.Header
	status int
}

func (m *muxRecorder) Header() http.Header         { return m.header }
func (m *muxRecorder) WriteHeader(code int)        { m.status = code }
func (m *muxRecorder) Write(b []byte) (int, error) { return len(b), nil }
