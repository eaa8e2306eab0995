// Package api is the JSON API under /api/v1 (design §6) and its OpenAPI
// document: the same services as the pages, under the same permissions,
// for scripts with a personal API token. Its handlers are named by the
// route table of package web, which authenticates the token and checks
// each route's permission before they run, and which wraps every route in
// Strict, so that the query parameters this package documents are the
// only ones taken.
package api

import (
	"net/http"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// Handler serves the API. Create it with New.
type Handler struct {
	svc   view.Services
	views *view.Views
	ops   []Op // the API routes of the route table, for the document
}

// Config is what New needs.
type Config struct {
	Services view.Services
	Views    *view.Views
}

// New returns the API's handler.
func New(c Config) *Handler { return &Handler{svc: c.Services, views: c.Views} }

// Op is an API route as the route table of package web declares it: the
// document describes each with what docs says of it, the permission the
// route needs and the size its request body may have.
type Op struct {
	Pattern string
	Perm    spotcheck.Permission
	MaxBody int64 // bytes
}

// Describe gives the handler the API routes of the route table, which the
// OpenAPI document (GET /api/v1/openapi.json) describes.
func (s *Handler) Describe(ops []Op) { s.ops = ops }

// OpenAPI serves the OpenAPI 3 description of /api/v1.
func (s *Handler) OpenAPI(w http.ResponseWriter, r *http.Request) {
	view.WriteJSON(w, http.StatusOK, Document(s.ops))
}
