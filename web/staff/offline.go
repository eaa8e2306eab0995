package staff

import (
	"context"
	"encoding/json"
	"net/http"

	"spotcheck"
)

// The inspection pages as an installable web app that keeps working when
// the signal drops on site (issue 11, item 7). The service worker
// (assets/sw.js, served at /sw.js so that it may control /staff/) keeps
// the inspection pages and the assets seen last, and serves them when the
// network is gone; the pages' script (assets/offline.js) keeps what the
// inspector records — checklist, findings, results, photos — as a draft
// in the phone's IndexedDB and sends it when the network is back. Every
// send carries the idempotency key the phone chose once for that
// submission (the form field idempotency_key), which the store records in
// the transaction of the step (store/idempotency.go): a draft sent again
// is answered as the first time and applied once. Both files are plain
// same-origin scripts, within the content security policy
// (script-src 'self'; the worker and the manifest fall back to
// default-src 'self').

// submissionField is the form field that carries the idempotency key.
const submissionField = "idempotency_key"

// submission returns the request's context with the submission its
// (parsed) form carries — the key, and the state the page showed
// (from) — and whether it carries one. The store then checks the state
// inside the step's transaction, so that a replay of a step that has
// moved the record on is answered as the first time rather than refused
// as out of date.
func submission(r *http.Request) (context.Context, bool) {
	key := r.PostFormValue(submissionField)
	if key == "" {
		return r.Context(), false
	}
	return spotcheck.WithSubmission(r.Context(), spotcheck.Submission{Key: key, From: r.PostFormValue("from")}), true
}

// ServeWorker serves the service worker (GET /sw.js, public: it holds no
// data, and a worker whose update check met a sign-in page would stay
// old). It is revalidated on every check, so that a new version takes
// over at the next visit.
func (s *Handler) ServeWorker(w http.ResponseWriter, r *http.Request) {
	body, ok := s.views.AssetFile("sw.js")
	if !ok {
		s.fail(w, r, spotcheck.Errorf(spotcheck.ENOTFOUND, "页面不存在"))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	w.Write(body)
}

// webManifest is the web app manifest (W3C Web Application Manifest):
// the app opens on the inspector's own inspections, within /staff/.
type webManifest struct {
	Name            string         `json:"name"`
	ShortName       string         `json:"short_name"`
	Lang            string         `json:"lang"`
	StartURL        string         `json:"start_url"`
	Scope           string         `json:"scope"`
	Display         string         `json:"display"`
	BackgroundColor string         `json:"background_color"`
	ThemeColor      string         `json:"theme_color"`
	Icons           []manifestIcon `json:"icons"`
}

type manifestIcon struct {
	Src     string `json:"src"`
	Sizes   string `json:"sizes"`
	Type    string `json:"type"`
	Purpose string `json:"purpose"`
}

// ServeManifest serves the web app manifest (GET /manifest.webmanifest,
// public like any manifest).
func (s *Handler) ServeManifest(w http.ResponseWriter, r *http.Request) {
	m := webManifest{Name: "双随机、一公开 · 现场检查", ShortName: "现场检查", Lang: "zh-CN",
		StartURL: "/staff/inspections?mine=1", Scope: "/staff/", Display: "standalone",
		BackgroundColor: "#ffffff", ThemeColor: "#1d4f91",
		Icons: []manifestIcon{{Src: s.views.AssetURL("icon.svg"), Sizes: "any", Type: "image/svg+xml", Purpose: "any"}}}
	w.Header().Set("Content-Type", "application/manifest+json")
	w.Header().Set("Cache-Control", "no-cache")
	json.NewEncoder(w).Encode(m)
}
