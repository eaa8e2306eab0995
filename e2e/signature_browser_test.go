package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"spotcheck"
	"spotcheck/demo"
)

// TestBrowserSignature: on a phone-sized screen a team member opens the
// 现场检查笔录 of a recorded inspection, the representative signs on the
// pad with a finger (pointer events, as a touch screen sends them), and
// the record shows the signature image, served as the inspection's
// evidence, with the signer's name and role.
func TestBrowserSignature(t *testing.T) {
	a := sharedApp(t)
	ctx := sysCtx
	planner, err := a.asUser(ctx, "planner")
	if err != nil {
		t.Fatal(err)
	}
	list, err := a.DB.Inspections().FindInspections(planner, spotcheck.InspectionFilter{Task: a.fx.drawTask})
	if err != nil {
		t.Fatal(err)
	}
	// Another inspection than the matrix's fixture, which stays a draft
	// without findings, led by someone who has no account yet (the tests
	// share one app: another may have made one).
	users, err := a.DB.Accounts().FindUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	linked := map[string]bool{}
	for _, u := range users {
		linked[u.StaffID] = true
	}
	var in *spotcheck.Inspection
	for i := range list {
		if list[i].ID != a.fx.inspectionID && len(list[i].Team) > 0 && !linked[list[i].Team[0]] {
			in = &list[i]
			break
		}
	}
	if in == nil {
		t.Fatalf("the draw of %s made no second inspection with a team", a.fx.drawTask)
	}
	sid := in.Team[0]
	user := "sign-" + strings.ToLower(sid)
	who, err := a.DB.Inspectors().FindInspectorByID(ctx, sid)
	if err != nil {
		t.Fatal(err)
	}
	u := spotcheck.User{Username: user, Name: who.Name, Dept: who.Dept, Roles: []string{spotcheck.RoleInspector}, StaffID: sid}
	if err := a.DB.Accounts().CreateUser(ctx, &u, demo.Password); err != nil {
		t.Fatalf("CreateUser %s: %v", user, err)
	}
	member, err := a.asUser(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	f := spotcheck.Inspection{ID: in.ID}
	for _, it := range in.Items {
		f.Findings = append(f.Findings, spotcheck.ItemFinding{Item: it, Outcome: spotcheck.FindingNone})
	}
	if err := a.DB.Inspections().SaveInspection(member, &f); err != nil {
		t.Fatalf("SaveInspection: %v", err)
	}

	b := newBrowser(t, a)
	b.shootOnFailure(t)
	b.viewport(t, 390, 844)
	signIn(t, b, user)
	path := fmt.Sprintf("/staff/inspections/%d/record", in.ID)
	if st := b.open(t, path); st != 200 || !b.exists(t, "#signature-form canvas.signpad") {
		t.Fatalf("the record at %s: %d, pad %v", path, st, b.exists(t, "#signature-form canvas.signpad"))
	}
	// A stroke across the pad, as a finger draws it.
	draw := `(() => {
		const c = document.querySelector("canvas.signpad");
		c.scrollIntoView();
		const r = c.getBoundingClientRect();
		const ev = (type, x, y) => c.dispatchEvent(new PointerEvent(type, {clientX: r.left + x, clientY: r.top + y,
			pointerId: 7, pointerType: "touch", isPrimary: true, bubbles: true, cancelable: true}));
		ev("pointerdown", 15, r.height / 2);
		for (let i = 1; i <= 40; i++) ev("pointermove", 15 + i * (r.width - 30) / 40, r.height / 2 + (i % 6) * 4);
		ev("pointerup", r.width - 15, r.height / 2);
	})()`
	b.do(t, "drawing the signature", chromedp.Evaluate[chromedp.Void](draw),
		chromedp.SendKeys(chromedp.CSS(`#signature-form input[name="signer"]`), "王经理"),
		chromedp.SendKeys(chromedp.CSS(`#signature-form input[name="role"]`), "法定代表人"))
	b.load(t, "signing", chromedp.Click(chromedp.CSS(`#signature-form button.primary`)))
	if got := b.text(t, fmt.Sprintf("#record-signature-%d", in.ID)); !strings.Contains(got, "王经理（法定代表人）") {
		t.Fatalf("after signing at %s the record says: %s", b.path(), got)
	}
	pctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Run(pctx, chromedp.Poll[bool](`(() => { const i = document.querySelector("img.signimg"); return !!i && i.complete && i.naturalWidth > 0; })()`)); err != nil {
		t.Fatalf("the signature image does not load: %v", err)
	}
	sigs, err := a.DB.Signatures().FindSignatures(member, in.ID)
	if err != nil || len(sigs) != 1 || sigs[0].HeldBy != user || sigs[0].Stale {
		t.Fatalf("stored signatures %+v, %v", sigs, err)
	}
}
