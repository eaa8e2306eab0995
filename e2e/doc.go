// Package e2e tests the whole application from the outside: the real store
// on a temporary database (SQLite, and PostgreSQL where a server is
// configured), loaded with the demo data, behind the real web server, driven
// over HTTP and through Chromium (design §9).
//
// It holds tests only. Unlike the other packages it may import everything,
// because its subject is the wiring between them: the scenario tables
// (request → status and page text), the role × route permission matrix,
// which walks web.Server.Routes so that a new route cannot escape it, and
// browser journeys of a user doing a job.
//
// Every page a browser test opens is checked for accessibility with
// axe-core (WCAG 2.0 and 2.1, levels A and AA, which GB/T 37668-2019 follows
// for government sites), vendored in testdata/axe; a violation fails the
// test, and TestBrowserAccessibility opens every page of the route table,
// at a desktop's and at a phone's width.
package e2e
