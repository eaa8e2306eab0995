package store_test

import (
	"errors"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/store"
)

// An internal failure (here a closed database) says which operation of
// which service failed and on which key, and stays an internal error; a
// domain error passes unchanged, its code and Chinese message intact.
func TestErrorsNameTheOperation(t *testing.T) {
	const id = "91350100M000100Y43"
	forEachDB(t, func(t *testing.T, db *store.DB) {
		_, err := db.Entities().FindEntityByID(ctx, id)
		var e *spotcheck.Error
		if !errors.As(err, &e) || e.Code != spotcheck.ENOTFOUND || err.Error() != e.Message {
			t.Fatalf("FindEntityByID of a missing entity = %v, want the ENOTFOUND *spotcheck.Error itself", err)
		}
		db.Close()
		for _, c := range []struct {
			op   string
			call func() error
		}{
			{"store: find entity " + id + ": ", func() error { _, err := db.Entities().FindEntityByID(ctx, id); return err }},
			{"store: save agency FZLX01: ", func() error {
				return db.Agencies().SaveAgency(ctx, &spotcheck.Agency{Code: "FZLX01", Name: "福州旅行社", Active: true})
			}},
			{"store: find user cityadmin: ", func() error {
				_, err := db.Accounts().FindUserByUsername(ctx, "cityadmin")
				return err
			}},
			{"store: find draws: ", func() error { _, err := db.Draws().FindDraws(ctx, spotcheck.DrawFilter{}); return err }},
			{"store: find changes entity/" + id + ": ", func() error {
				_, err := db.Changes().FindChanges(ctx, spotcheck.ChangeFilter{Kind: "entity", Key: id})
				return err
			}},
		} {
			err := c.call()
			if err == nil || !strings.HasPrefix(err.Error(), c.op) {
				t.Errorf("on a closed database: %v, want it to start %q", err, c.op)
			}
			if spotcheck.ErrorCode(err) != spotcheck.EINTERNAL {
				t.Errorf("%s: code %q, want %q", c.op, spotcheck.ErrorCode(err), spotcheck.EINTERNAL)
			}
		}
	})
}
