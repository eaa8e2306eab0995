package view

import (
	"context"
	"net/http"
	"strconv"

	"spotcheck"
)

// What the staff pages, the public pages and the API share of a draw: its
// path's ids, the checks that keep a draw of other departments out of
// staff hands, and how a list shows it.

// DrawID reads the draw id of the path value name; a malformed one is a
// draw that does not exist.
func DrawID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, spotcheck.Errorf(spotcheck.ENOTFOUND, "没有编号为“%s”的抽取", r.PathValue(name))
	}
	return id, nil
}

// ChangeID reads the change id of the path value name.
func ChangeID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil {
		return 0, spotcheck.Errorf(spotcheck.ENOTFOUND, "没有该变更申请")
	}
	return id, nil
}

// StaffDraw returns a draw for a staff page or an API call: only staff of
// its departments and supervisors may see it there (the store would show
// others what the public sees); to others it does not exist
// (spotcheck.AuthorizeTaskCtx).
func StaffDraw(ctx context.Context, draws spotcheck.DrawService, id int64) (*spotcheck.Draw, error) {
	d, err := draws.FindDrawByID(ctx, id)
	if err != nil {
		return nil, err
	}
	missing := spotcheck.Errorf(spotcheck.ENOTFOUND, "没有编号为 %d 的抽取", id)
	if err := spotcheck.AuthorizeTaskCtx(ctx, spotcheck.PermViewDraws, d.Departments(), missing); err != nil {
		return nil, err
	}
	return d, nil
}

// ChangeOfDraw checks that change cid is one of draw id's, so that a path
// cannot decide another draw's change under this draw's name.
func ChangeOfDraw(ctx context.Context, draws spotcheck.DrawService, id, cid int64) error {
	cs, err := draws.FindDrawChanges(ctx, id)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.ID == cid {
			return nil
		}
	}
	return spotcheck.Errorf(spotcheck.ENOTFOUND, "抽取 %d 没有编号为 %d 的变更申请", id, cid)
}

// DrawStates are the states in the order a draw passes them, for filters.
var DrawStates = spotcheck.DrawMachine.States

// DrawRow is a draw in a list, with what the list shows of its state.
type DrawRow struct {
	spotcheck.Draw
	StateName, StateClass, Short string
}

// stateClasses colour the states consistently on every page.
var stateClasses = map[string]string{
	spotcheck.DrawCommitting: "amber", spotcheck.DrawRevealing: "amber", spotcheck.DrawDrawn: "blue",
	spotcheck.DrawPublished: "green", spotcheck.DrawFailed: "red", spotcheck.DrawSuperseded: "gray",
}

// NewDrawRow returns the row of d.
func NewDrawRow(d spotcheck.Draw) DrawRow {
	name := spotcheck.DrawStateNames[d.State]
	if name == "" {
		name = d.State
	}
	return DrawRow{Draw: d, StateName: name, StateClass: stateClasses[d.State], Short: shortHash(d.PlanHash)}
}

// DrawRows returns the rows of ds.
func DrawRows(ds []spotcheck.Draw) []DrawRow {
	out := make([]DrawRow, len(ds))
	for i, d := range ds {
		out[i] = NewDrawRow(d)
	}
	return out
}

// shortHash is the first 16 hex digits of a hash, as lists show it.
func shortHash(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}
