package webtest

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"spotcheck"
	"spotcheck/store"
	"spotcheck/web"
)

// Helpers of the tests of several web packages.

// Path is the staff page of a draw.
func (d Draw) Path() string { return "/staff/draws/" + strconv.FormatInt(d.ID, 10) }

// StaffView returns a draw and its picks as a planner of its task sees
// them.
func (a *App) StaffView(t testing.TB, d Draw) (*spotcheck.Draw, []spotcheck.DrawPick) {
	t.Helper()
	ctx := a.As(t, "planner")
	dr, err := a.DB.Draws().FindDrawByID(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	picks, err := a.DB.Draws().FindDrawPicks(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	return dr, picks
}

// Commit returns the participant's commitment to draw id as stored.
func (a *App) Commit(t testing.TB, id int64, participant string) spotcheck.DrawCommit {
	t.Helper()
	d, err := a.DB.Draws().FindDrawByID(a.As(t, "planner"), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range d.Commits {
		if c.Participant == participant {
			return c
		}
	}
	t.Fatalf("draw %d has no participant %s", id, participant)
	return spotcheck.DrawCommit{}
}

// Substitutable returns a selected entity of the draw, in a stratum with
// reserves, that no change names yet.
func (a *App) Substitutable(t testing.TB, d Draw) string {
	t.Helper()
	ctx := a.As(t, "planner")
	picks, err := a.DB.Draws().FindDrawPicks(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	changes, err := a.DB.Draws().FindDrawChanges(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	reserves := map[string]bool{}
	for _, p := range picks {
		reserves[p.Stratum] = reserves[p.Stratum] || p.Reserve
	}
	for _, p := range picks {
		if !p.Reserve && reserves[p.Stratum] &&
			!slices.ContainsFunc(changes, func(c spotcheck.DrawChange) bool { return c.Entity == p.Entity }) {
			return p.Entity
		}
	}
	t.Fatalf("draw %d has no entity left to substitute", d.ID)
	return ""
}

// ErrorOf returns the code and fields of an API error body, failing when
// the body does not have the one error shape.
func ErrorOf(t testing.TB, m map[string]any) (string, map[string]any) {
	t.Helper()
	e, ok := m["error"].(map[string]any)
	if !ok || len(m) != 1 {
		t.Fatalf("not an error body: %v", m)
	}
	if msg, _ := e["message"].(string); msg == "" {
		t.Errorf("error without message: %v", m)
	}
	fields, _ := e["fields"].(map[string]any)
	code, _ := e["code"].(string)
	return code, fields
}

// leaky is the store as a supervisor sees it, whoever asks: the public
// pages are given everything of a draw, so that tests can show that the
// pages themselves never show what is sealed. It changes no rule; it
// only asks the real store in the supervisor's name.
type leaky struct {
	spotcheck.DrawService
	as context.Context // the supervisor's
}

func (l *leaky) FindDrawByID(_ context.Context, id int64) (*spotcheck.Draw, error) {
	return l.DrawService.FindDrawByID(l.as, id)
}

func (l *leaky) FindDraws(_ context.Context, f spotcheck.DrawFilter) (spotcheck.List[spotcheck.Draw], error) {
	return l.DrawService.FindDraws(l.as, f)
}

func (l *leaky) FindDrawPicks(_ context.Context, id int64) ([]spotcheck.DrawPick, error) {
	return l.DrawService.FindDrawPicks(l.as, id)
}

func (l *leaky) FindDrawFiles(_ context.Context, id int64) (*spotcheck.DrawFiles, error) {
	return l.DrawService.FindDrawFiles(l.as, id)
}

// NewLeaky returns the application with the draws of a leaky store.
func NewLeaky(t testing.TB) *App {
	var l leaky
	a := New(t, func(c *web.Config) { l.DrawService = c.Services.Draws; c.Services.Draws = &l })
	l.as = a.As(t, "supervisor")
	return a
}

// Services returns the store's services as the web layer takes them, as
// cmd/spotcheck wires them for serve.
func Services(db *store.DB) web.Services {
	return web.Services{Accounts: db.Accounts(), Entities: db.Entities(), Inspectors: db.Inspectors(),
		Agencies: db.Agencies(), Items: db.Items(), Responsibilities: db.Responsibilities(),
		Departments: db.Departments(), Conflicts: db.Conflicts(), RiskEvents: db.RiskEvents(), Risk: db.Risk(), RiskOverrides: db.RiskOverrides(), Reference: db.ReferenceData(),
		Changes: db.Changes(), Tasks: db.Tasks(), Draws: db.Draws(), Calendar: db.Calendar(),
		Visits: db.Visits(), Caps: db.Caps(), Stats: db.Stats(),
		Plans: db.Plans(), Inspections: db.Inspections(), Attachments: db.Attachments(),
		Notices: db.Notices(), Signatures: db.Signatures(), FollowUps: db.FollowUps(),
		Recusals: db.Recusals(), Feedback: db.Feedback(),
		Rules: db.Rules(), Publications: db.Publications(),
		AfterPublication: db.AfterPublication(),
		Outbox:           store.NewOutboxService(db, nil), Jobs: db.Jobs()}
}
