package store_test

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"spotcheck"
	"spotcheck/store"
)

// inspectionSteps counts the recorded steps of inspection id with action a.
func inspectionSteps(t *testing.T, db *store.DB, id int64, a spotcheck.Action) int {
	t.Helper()
	l, err := db.Changes().FindChanges(ctx, spotcheck.ChangeFilter{Kind: "inspection", Key: strconv.FormatInt(id, 10), Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range l.Items {
		if c.Action == string(a) {
			n++
		}
	}
	return n
}

// keyed is ctx carrying a submission with key, made from a page in state from.
func keyed(ctx context.Context, key, from string) context.Context {
	return spotcheck.WithSubmission(ctx, spotcheck.Submission{Key: key, From: from})
}

// TestSubmissionReplayChangesNothing: a save sent again with its key (the
// phone's offline draft, sent twice) is answered as the first time and
// changes nothing, even with other content; the key's record holds the
// first answer for its submitter only; a key used for another step or by
// another user, a malformed key and a page out of date are refused with
// nothing changed; a refused step does not use up its key, and a submit
// replayed after it succeeded is absorbed, where the same submit without
// the key is refused.
func TestSubmissionReplayChangesNothing(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in := inspectionWorld(t, db)
		sv := db.Inspections()
		const saveKey = "draft-0001-aaaaaaaaaaaa"
		if err := sv.SaveInspection(keyed(as("member1"), saveKey, spotcheck.InspectionDraft), recorded(in.ID, "2026-03-12")); err != nil {
			t.Fatalf("SaveInspection: %v", err)
		}
		first, err := sv.FindInspectionByID(as("member1"), in.ID)
		if err != nil {
			t.Fatal(err)
		}
		other := recorded(in.ID, "2026-03-13")
		other.Location = "另一个位置"
		if err := sv.SaveInspection(keyed(as("member1"), saveKey, spotcheck.InspectionDraft), other); err != nil {
			t.Fatalf("SaveInspection replayed: %v, want the first answer (nil)", err)
		}
		again, err := sv.FindInspectionByID(as("member1"), in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if again.Location != first.Location || again.Completed != "2026-03-12" || !again.UpdatedAt.Equal(first.UpdatedAt) {
			t.Fatalf("a replay changed the record: %+v, was %+v", again, first)
		}
		if n := inspectionSteps(t, db, in.ID, spotcheck.InspActSave); n != 1 {
			t.Fatalf("%d saves recorded, want 1", n)
		}
		rec, err := db.FindSubmission(as("member1"), saveKey)
		if err != nil || rec.Answer != spotcheck.InspectionDraft || rec.Action != spotcheck.InspActSave ||
			rec.Target != strconv.FormatInt(in.ID, 10) || rec.Actor != "member1" {
			t.Fatalf("FindSubmission: %+v, %v", rec, err)
		}
		if _, err := db.FindSubmission(as("member2"), saveKey); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
			t.Fatalf("FindSubmission by another user: %v, want ENOTFOUND", err)
		}

		refused := []struct {
			name string
			do   func() error
			code string
		}{
			{"the key for another step", func() error { return sv.ConfirmInspection(keyed(as("member1"), saveKey, ""), in.ID) }, spotcheck.ECONFLICT},
			{"the key by another member", func() error { return sv.SaveInspection(keyed(as("member2"), saveKey, ""), other) }, spotcheck.ECONFLICT},
			{"a malformed key", func() error { return sv.SaveInspection(keyed(as("member1"), "short", ""), other) }, spotcheck.EINVALID},
			{"a page out of date", func() error {
				return sv.SaveInspection(keyed(as("member1"), "draft-0002-bbbbbbbbbbbb", spotcheck.InspectionReturned), other)
			}, spotcheck.ECONFLICT},
		}
		for _, c := range refused {
			if err := c.do(); spotcheck.ErrorCode(err) != c.code {
				t.Fatalf("%s: %v, want %s", c.name, err, c.code)
			}
		}
		now, err := sv.FindInspectionByID(as("member1"), in.ID)
		if err != nil || !now.UpdatedAt.Equal(first.UpdatedAt) || len(now.Confirmations) != 0 || now.Completed != "2026-03-12" {
			t.Fatalf("a refused submission changed the record: %+v, %v", now, err)
		}
		// The page-out-of-date save rolled back with its key: the same key
		// from the page as it is now is applied.
		if err := sv.SaveInspection(keyed(as("member1"), "draft-0002-bbbbbbbbbbbb", spotcheck.InspectionDraft), recorded(in.ID, "2026-03-12")); err != nil {
			t.Fatalf("the refused key again: %v", err)
		}

		const submitKey = "submit-0001-cccccccccccc"
		if err := sv.SubmitInspection(keyed(as("member1"), submitKey, spotcheck.InspectionDraft), in.ID); spotcheck.ErrorCode(err) != spotcheck.ECONFLICT {
			t.Fatalf("SubmitInspection unconfirmed: %v, want ECONFLICT", err)
		}
		for _, m := range []string{"member1", "member2"} {
			if err := sv.ConfirmInspection(as(m), in.ID); err != nil {
				t.Fatalf("ConfirmInspection %s: %v", m, err)
			}
		}
		for i := range 2 {
			if err := sv.SubmitInspection(keyed(as("member1"), submitKey, spotcheck.InspectionDraft), in.ID); err != nil {
				t.Fatalf("SubmitInspection with its key, attempt %d: %v", i+1, err)
			}
		}
		if err := sv.SubmitInspection(as("member1"), in.ID); spotcheck.ErrorCode(err) != spotcheck.ECONFLICT {
			t.Fatalf("SubmitInspection again without the key: %v, want ECONFLICT", err)
		}
		if n := inspectionSteps(t, db, in.ID, spotcheck.InspActSubmit); n != 1 {
			t.Fatalf("%d submissions recorded, want 1", n)
		}
		if rec, err := db.FindSubmission(as("member1"), submitKey); err != nil || rec.Answer != spotcheck.InspectionSubmitted {
			t.Fatalf("FindSubmission(submit): %+v, %v", rec, err)
		}
	})
}

// TestSubmissionConcurrentSendsApplyOnce: the same draft sent at once from
// several connections (a phone retrying while its first send is still in
// flight) is applied once: every send gets the first answer.
func TestSubmissionConcurrentSendsApplyOnce(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in := inspectionWorld(t, db)
		sv := db.Inspections()
		c := keyed(as("member1"), "draft-concurrent-dddddddd", spotcheck.InspectionDraft)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() { errs[i] = sv.SaveInspection(c, recorded(in.ID, "2026-03-12")) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("send %d: %v", i+1, err)
			}
		}
		if n := inspectionSteps(t, db, in.ID, spotcheck.InspActSave); n != 1 {
			t.Fatalf("%d saves recorded, want 1", n)
		}
	})
}
