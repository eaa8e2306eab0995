package store_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"slices"
	"strconv"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/store"
)

// signaturePNG is a drawn signature: a dark stroke on a transparent pad,
// as the phone's canvas exports it; blank leaves the pad empty.
func signaturePNG(t *testing.T, blank bool) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 300, 120))
	if !blank {
		for x := 20; x < 280; x++ {
			for d := 0; d < 3; d++ {
				img.Set(x, 60+(x%40)/4+d, color.NRGBA{A: 255})
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSignRecord: the representative signs the record on a team member's
// phone once every item has its finding; the image is stored as evidence
// the inspection cites, with who held the phone; a confirmation leaves the
// signature valid, an edit makes it stale but keeps it; a refusal needs
// its note; someone off the team may not take a signature (EFORBIDDEN),
// another district does not see the record (ENOTFOUND), and a submitted
// record takes none (ECONFLICT). Each refusal changes nothing.
func TestSignRecord(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in := inspectionWorld(t, db)
		db.Now = func() time.Time { return time.Date(2026, 3, 12, 4, 0, 0, 0, time.UTC) }
		sv, insp := db.Signatures(), db.Inspections()
		m1, m2 := as("member1"), as("member2")
		ink := signaturePNG(t, false)
		sign := spotcheck.SignatureInput{Signer: "王经理", Role: "法定代表人", PNG: ink}
		refused := func(what string, err error, code string) {
			t.Helper()
			before := countChanges(t, db)
			wantCode(t, what, err, code, "")
			if after := countChanges(t, db); after != before {
				t.Fatalf("%s: refused, yet %d changes recorded", what, after-before)
			}
		}
		shown := func() string { // the digest of the record as the page shows it now
			t.Helper()
			cur, err := insp.FindInspectionByID(m1, in.ID)
			if err != nil {
				t.Fatal(err)
			}
			return cur.RecordDigest()
		}
		evidence := func() []spotcheck.Attachment {
			t.Helper()
			l, err := db.Attachments().FindAttachments(m1, spotcheck.Citation{Kind: "inspection", Key: strconv.FormatInt(in.ID, 10)})
			if err != nil {
				t.Fatal(err)
			}
			return l
		}

		_, err := sv.SignRecord(m1, in.ID, sign)
		refused("sign an empty record", err, spotcheck.ECONFLICT)
		if err := insp.SaveInspection(m1, recorded(in.ID, "2026-03-12")); err != nil {
			t.Fatalf("SaveInspection: %v", err)
		}
		sign.Digest = shown()
		_, err = sv.SignRecord(as("approver"), in.ID, sign)
		refused("the department's approver takes a signature", err, spotcheck.EFORBIDDEN)
		_, err = sv.SignRecord(as("glplanner"), in.ID, sign)
		refused("another district takes a signature", err, spotcheck.ENOTFOUND)
		_, err = sv.SignRecord(context.Background(), in.ID, sign)
		refused("no principal", err, spotcheck.EUNAUTHORIZED)
		_, err = sv.SignRecord(m1, in.ID, spotcheck.SignatureInput{Signer: "王经理", Role: "法定代表人", PNG: ink})
		refused("a signature without the record shown", err, spotcheck.ECONFLICT)
		_, err = sv.SignRecord(m1, in.ID, spotcheck.SignatureInput{Role: "法定代表人", PNG: ink, Digest: sign.Digest})
		refused("no signer's name", err, spotcheck.EINVALID)
		_, err = sv.SignRecord(m1, in.ID, spotcheck.SignatureInput{Signer: "王经理", Role: "法定代表人", PNG: signaturePNG(t, true), Digest: sign.Digest})
		refused("an empty pad", err, spotcheck.EINVALID)
		var jb bytes.Buffer
		if err := jpeg.Encode(&jb, image.NewGray(image.Rect(0, 0, 80, 40)), nil); err != nil {
			t.Fatal(err)
		}
		_, err = sv.SignRecord(m1, in.ID, spotcheck.SignatureInput{Signer: "王经理", Role: "法定代表人", PNG: jb.Bytes(), Digest: sign.Digest})
		refused("a JPEG for a signature", err, spotcheck.EINVALID)
		_, err = sv.SignRecord(m1, in.ID, spotcheck.SignatureInput{Refused: true, Digest: sign.Digest})
		refused("a refusal without its note", err, spotcheck.EINVALID)
		if l, err := sv.FindSignatures(m1, in.ID); err != nil || len(l) != 0 || len(evidence()) != 0 {
			t.Fatalf("after refusals: %d signatures (%v), %d attachments; want none", len(l), err, len(evidence()))
		}

		g, err := sv.SignRecord(m1, in.ID, sign)
		if err != nil {
			t.Fatalf("SignRecord: %v", err)
		}
		if g.HeldBy != "member1" || g.Staff != in.Team[0] || g.Revision != 1 || g.SHA256 == "" || g.Refused {
			t.Fatalf("signature %+v", g)
		}
		ev := evidence()
		if len(ev) != 1 || ev[0].SHA256 != g.SHA256 || ev[0].Type != spotcheck.TypePNG {
			t.Fatalf("the signature is not the inspection's evidence: %+v", ev)
		}
		// A confirmation is not an edit of what was signed.
		if err := insp.ConfirmInspection(m2, in.ID); err != nil {
			t.Fatalf("ConfirmInspection: %v", err)
		}
		l, err := sv.FindSignatures(as("approver"), in.ID)
		if err != nil || len(l) != 1 || l[0].Stale || l[0].Signer != "王经理" || l[0].Role != "法定代表人" || !l[0].At.Equal(g.At) {
			t.Fatalf("after a confirmation: %+v, %v; want the signature valid", l, err)
		}
		_, err = sv.FindSignatures(as("glplanner"), in.ID)
		wantCode(t, "another district reads the signatures", err, spotcheck.ENOTFOUND, "")

		// An edit makes it stale; it stays.
		edited := recorded(in.ID, "2026-03-12")
		edited.Findings[0].Description = "未与游客签订书面合同，且未公示投诉电话"
		if err := insp.SaveInspection(m2, edited); err != nil {
			t.Fatalf("SaveInspection: %v", err)
		}
		l, err = sv.FindSignatures(m1, in.ID)
		if err != nil || len(l) != 1 || !l[0].Stale || l[0].SHA256 != g.SHA256 {
			t.Fatalf("after an edit: %+v, %v; want the signature kept and stale", l, err)
		}

		// The page the representative read before the edit is not the record now.
		_, err = sv.SignRecord(m1, in.ID, sign)
		refused("a signature of the record before the edit", err, spotcheck.ECONFLICT)
		// The representative now refuses; the refusal is on the record as it is.
		r, err := sv.SignRecord(m2, in.ID, spotcheck.SignatureInput{Refused: true, Role: "现场负责人", Note: "当事人对问题描述有异议，拒绝签字",
			Digest: shown()})
		if err != nil || !r.Refused || r.SHA256 != "" || r.Staff != in.Team[1] {
			t.Fatalf("refusal: %+v, %v", r, err)
		}
		l, _ = sv.FindSignatures(m1, in.ID)
		if len(l) != 2 || !l[0].Stale || l[1].Stale || spotcheck.Latest(l).ID != r.ID {
			t.Fatalf("signatures %+v; want the first stale, the refusal current", l)
		}
		chs, err := db.Changes().FindChanges(as("auditor"), spotcheck.ChangeFilter{Kind: "signature", Key: strconv.FormatInt(in.ID, 10)})
		if err != nil {
			t.Fatal(err)
		}
		var acts []string
		for _, c := range chs.Items {
			acts = append(acts, c.Action)
		}
		slices.Sort(acts)
		if !slices.Equal(acts, []string{"refuse", "sign"}) {
			t.Fatalf("recorded %v", acts)
		}

		// Submitted: no more signatures.
		for _, c := range []context.Context{m1, m2} {
			if err := insp.ConfirmInspection(c, in.ID); err != nil {
				t.Fatalf("ConfirmInspection: %v", err)
			}
		}
		if err := insp.SubmitInspection(m1, in.ID); err != nil {
			t.Fatalf("SubmitInspection: %v", err)
		}
		sign.Digest = shown()
		_, err = sv.SignRecord(m1, in.ID, sign)
		refused("sign a submitted record", err, spotcheck.ECONFLICT)
	})
}

// TestVisitRecord: the combined record of an accepted joint visit has one
// part per department, each with that department's inspection of the
// entity and its signatures; the visit's departments and any member of
// its team (even of the other department's part) read all of it; a
// department outside the visit does not see it, and a user who reaches
// no inspection at all is refused.
func TestVisitRecord(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := drawWorld(t, db)
		db.Now = func() time.Time { return time.Date(2026, 4, 15, 2, 0, 0, 0, time.UTC) }
		city := fullTask("2026-FZWL-LH-011", "FZWL", "WL-LXS-001", "2026-03-10", "2026-04-30")
		city.Scope.Divisions = []string{"350102"}
		district := fullTask("2026-GLWL-LH-011", "GLWL", "WL-LXS-003", "2026-04-01", "2026-05-31")
		for _, tk := range []*spotcheck.Task{city, district} {
			if err := db.Tasks().CreateTask(as("planner"), tk); err != nil {
				t.Fatalf("CreateTask %s: %v", tk.Code, err)
			}
			publishTask(t, db, as, tk.Code)
			completeDraw(t, db, as, tk.Code, 0)
		}
		vs, err := db.Visits().FindVisits(as("planner"), spotcheck.VisitFilter{Year: "2026"})
		if err != nil || len(vs) == 0 {
			t.Fatalf("FindVisits: %d, %v", len(vs), err)
		}
		var v spotcheck.Visit
		for _, c := range vs {
			if len(c.Unstaffed()) == 0 {
				v = c
				break
			}
		}
		if v.ID == 0 {
			t.Fatal("no proposed visit is staffed by both departments")
		}
		if err := db.Visits().AcceptVisit(as("planner"), v.ID, spotcheck.VisitDecision{Date: "2026-04-15"}); err != nil {
			t.Fatalf("AcceptVisit: %v", err)
		}
		sv := db.Signatures()
		rec, err := sv.FindVisitRecord(as("planner"), v.ID)
		if err != nil {
			t.Fatalf("FindVisitRecord: %v", err)
		}
		if rec.Visit.State != spotcheck.VisitAccepted || len(rec.Parts) != 2 || rec.Parts[0].Dept != "FZWL" || rec.Parts[1].Dept != "GLWL" {
			t.Fatalf("record %+v", rec)
		}
		for _, p := range rec.Parts {
			if p.Inspection == nil || p.Inspection.Visit != v.ID || p.Inspection.Dept != p.Dept || p.Inspection.Entity != v.Entity ||
				len(p.Inspection.Team) == 0 || p.Inspection.Names[p.Inspection.Team[0]] == "" {
				t.Fatalf("part %+v: inspection %+v", p.VisitPart, p.Inspection)
			}
		}
		if !rec.Unsigned() {
			t.Fatal("a record nobody signed is complete")
		}

		// A member of the district's part signs its record, and reads the
		// whole combined record, the city's part included.
		district0 := rec.Parts[1].Inspection
		// The demo's 鼓楼区 inspector may be on the team already (one account per person).
		member := "inspector"
		if di, err := db.Accounts().FindUserByUsername(ctx, member); err != nil || !slices.Contains(district0.Team, di.StaffID) {
			member = "glmember"
			u := &spotcheck.User{Username: member, Name: "区检查员", Dept: "GLWL", Roles: []string{spotcheck.RoleInspector},
				StaffID: district0.Team[0]}
			if err := db.Accounts().CreateUser(ctx, u, pw); err != nil {
				t.Fatal(err)
			}
		}
		gm := as(member)
		f := spotcheck.Inspection{ID: district0.ID, Findings: []spotcheck.ItemFinding{{Item: district0.Items[0], Outcome: spotcheck.FindingNone}}}
		if err := db.Inspections().SaveInspection(gm, &f); err != nil {
			t.Fatalf("SaveInspection: %v", err)
		}
		cur, err := db.Inspections().FindInspectionByID(gm, district0.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sv.SignRecord(gm, district0.ID, spotcheck.SignatureInput{Signer: "李店长", Role: "主要负责人",
			PNG: signaturePNG(t, false), Digest: cur.RecordDigest()}); err != nil {
			t.Fatalf("SignRecord: %v", err)
		}
		rec, err = sv.FindVisitRecord(gm, v.ID)
		if err != nil {
			t.Fatalf("FindVisitRecord by a team member: %v", err)
		}
		if rec.Parts[0].Inspection == nil || len(rec.Parts[1].Signatures) != 1 || rec.Parts[1].Signatures[0].Stale ||
			len(rec.Parts[0].Signatures) != 0 || !rec.Unsigned() {
			t.Fatalf("record read by the team member: %+v", rec.Parts)
		}
		if _, err := sv.FindVisitRecord(as("glplanner"), v.ID); err != nil {
			t.Fatalf("FindVisitRecord by the partner's planner: %v", err)
		}
		_, err = sv.FindVisitRecord(as("firedept"), v.ID)
		wantCode(t, "a department outside the visit", err, spotcheck.ENOTFOUND, "")
		_, err = sv.FindVisitRecord(as("gladmin"), v.ID)
		wantCode(t, "a department admin", err, spotcheck.EFORBIDDEN, "")
		_, err = sv.FindVisitRecord(as("planner"), v.ID+1000)
		wantCode(t, "no such visit", err, spotcheck.ENOTFOUND, "")
	})
}
