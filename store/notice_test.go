package store_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"spotcheck"
	"spotcheck/store"
)

// noticeActions lists the recorded steps of inspection id's notice.
func noticeActions(t *testing.T, db *store.DB, id int64) []string {
	t.Helper()
	l, err := db.Changes().FindChanges(ctx, spotcheck.ChangeFilter{Kind: "notice", Key: strconv.FormatInt(id, 10), Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(l.Items) - 1; i >= 0; i-- {
		out = append(out, l.Items[i].Action)
	}
	return out
}

// TestNoticeTokenDeliveryAndFirstReading: the token is made once, on the
// first request of a team member, and the department's staff get the same;
// the public cannot ask for it; only a team member records the delivery,
// once; the first public reading is recorded once, a staff preview is not
// a reading, and an unknown or malformed token is simply not found.
func TestNoticeTokenDeliveryAndFirstReading(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in := inspectionWorld(t, db)
		sv := db.Notices()
		public := spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.Public())

		if _, err := sv.Notice(public, in.ID); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
			t.Fatalf("Notice by the public: %v, want ENOTFOUND", err)
		}
		n, err := sv.Notice(as("member1"), in.ID)
		if err != nil {
			t.Fatalf("Notice: %v", err)
		}
		if !spotcheck.ValidNoticeToken(n.Token) || n.CreatedBy != "member1" || !n.DeliveredAt.IsZero() || !n.FirstReadAt.IsZero() {
			t.Fatalf("new notice: %+v", n)
		}
		again, err := sv.Notice(as("approver"), in.ID)
		if err != nil || again.Token != n.Token {
			t.Fatalf("Notice by the department's approver: %+v, %v; want the same token %s", again, err, n.Token)
		}

		if err := sv.DeliverNotice(as("approver"), in.ID); spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
			t.Fatalf("DeliverNotice by the approver: %v, want EFORBIDDEN", err)
		}
		if err := sv.DeliverNotice(as("member2"), in.ID); err != nil {
			t.Fatalf("DeliverNotice: %v", err)
		}
		if err := sv.DeliverNotice(as("member1"), in.ID); spotcheck.ErrorCode(err) != spotcheck.ECONFLICT {
			t.Fatalf("DeliverNotice again: %v, want ECONFLICT", err)
		}

		// A staff preview is not the enterprise's reading.
		if seen, got, err := sv.ReadNotice(as("member1"), n.Token); err != nil || got.ID != in.ID || !seen.FirstReadAt.IsZero() {
			t.Fatalf("ReadNotice by a team member: %+v, %v", seen, err)
		}
		first, got, err := sv.ReadNotice(public, n.Token)
		if err != nil || got.ID != in.ID || first.FirstReadAt.IsZero() || first.DeliveredBy != "member2" {
			t.Fatalf("ReadNotice by the public: %+v, %v", first, err)
		}
		if got.CertNos == nil || got.Names[got.Team[0]] == "" {
			t.Fatalf("the public reading names the team: %+v", got)
		}
		second, _, err := sv.ReadNotice(public, n.Token)
		if err != nil || !second.FirstReadAt.Equal(first.FirstReadAt) {
			t.Fatalf("second reading: %+v, %v; want the first reading kept", second, err)
		}
		if got, want := noticeActions(t, db, in.ID), []string{"create", "deliver", "read"}; !slices.Equal(got, want) {
			t.Fatalf("recorded steps %v, want %v", got, want)
		}

		for _, tok := range []string{"", "x", spotcheck.NewNoticeToken(), n.Token + "a", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"} {
			if _, _, err := sv.ReadNotice(public, tok); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
				t.Errorf("ReadNotice(%q): %v, want ENOTFOUND", tok, err)
			}
		}
	})
}
