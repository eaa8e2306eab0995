package view

import "strings"

// AssetFile returns the content of the asset with the unhashed name, for
// the few files whose URL must not change with their content: a service
// worker's URL is its identity (a new URL would be a second worker) and
// its path bounds the pages it may control (web/staff/offline.go).
func (v *Views) AssetFile(name string) ([]byte, bool) {
	a, ok := v.assets[strings.TrimPrefix(v.urls[name], "/assets/")]
	return a.body, ok
}

// AssetURL returns the hashed URL of the asset with the unhashed name, as
// the templates' asset function does, for URLs written outside templates
// (the web app manifest's icon); "" for an unknown asset.
func (v *Views) AssetURL(name string) string { return v.urls[name] }
