package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/draw"
	"spotcheck/internal/webtest"
)

// TestBrowserPhoneFlow is an inspection from the visit to the approved
// result on a phone-sized browser (issue 11, items 3–7): an inspector
// opens the visit, records findings and chooses a photo, loses the
// network, saves, reloads the page (served by the service worker), finishes
// the record, and gets the network back: the draft and the photo arrive,
// exactly one save. Both inspectors confirm and one submits; the approver
// returns it, the inspector fixes it and it is confirmed and resubmitted;
// the approver approves and the publication due date shows, 20 working
// days after completion across 国庆 2026; the enterprise opens the notice's
// /v/ link and sees the genuine visit and its team.
func TestBrowserPhoneFlow(t *testing.T) {
	a := sharedApp(t)
	in, members := phoneInspection(t, a)
	token := phoneNotice(t, a, in.ID)
	pa, cut := cutOff(t, a)
	path := "/staff/inspections/" + strconv.FormatInt(in.ID, 10)
	photo := phonePhoto(t)

	phone := newBrowser(t, pa)
	phone.viewport(t, phoneW, phoneH)
	step := func(b *browser, name string, f func(t *testing.T)) {
		if !t.Run(name, func(t *testing.T) { b.shootOnFailure(t); f(t) }) {
			t.FailNow()
		}
	}
	step(phone, "the inspector opens the visit and records findings", func(t *testing.T) {
		signIn(t, phone, members[0])
		phone.open(t, path)
		// The service worker controls the page and keeps a copy of it.
		poll(t, phone, "the page kept for offline use", `navigator.serviceWorker.controller !== null && `+
			`caches.open("spotcheck-pages-v1").then(c => c.match(location.origin + location.pathname)).then(r => !!r)`)
		phone.do(t, "recording the findings",
			chromedp.Click(chromedp.CSS(`input[name="methods"][value="`+spotcheck.MethodSite+`"]`)),
			chromedp.Click(chromedp.CSS(`input[name="findings.0.outcome"][value="`+spotcheck.FindingProblem+`"]`)))
		setField(t, phone, `input[name="check_in"]`, "2026-09-29T09:30")
		phone.do(t, "typing the problem",
			chromedp.SendKeys(chromedp.CSS(`input[name="findings.0.basis"]`), "《旅行社条例》第二十九条"),
			chromedp.SendKeys(chromedp.CSS(`textarea[name="findings.0.description"]`), "未与游客签订书面合同"))
	})
	step(phone, "the network drops: a photo and the draft stay on the phone, through a reload", func(t *testing.T) {
		setOffline(t, phone, cut, true)
		phone.do(t, "choosing a photo offline", chromedp.SetUploadFiles(chromedp.CSS(`#evidence-form input[type="file"]`), []string{photo}))
		poll(t, phone, "the photo shrunk and the button enabled", `!document.querySelector("#evidence-form button").disabled`)
		phone.do(t, "uploading offline", chromedp.Click(chromedp.CSS(`#evidence-form button`)))
		waitText(t, phone, "#offline-status", "待上传照片 1 张")
		phone.do(t, "saving offline", chromedp.Click(chromedp.CSS(`#inspection-form button.primary`)))
		waitText(t, phone, "#offline-status", "已保存在本机")
		phone.do(t, "reloading without network", chromedp.Reload())
		waitText(t, phone, "#offline-status", "联网后自动提交")
		if got := phone.value(t, `input[name="findings.0.basis"]`); got != "《旅行社条例》第二十九条" {
			t.Fatalf("after the reload the basis is %q: the draft was not put back", got)
		}
		// Finishing the record offline.
		phone.do(t, "choosing the result", chromedp.Click(chromedp.CSS(`input[name="results"][value="R05"]`)))
		setField(t, phone, `input[name="completed"]`, "2026-09-29")
		setField(t, phone, `input[name="rectify_by"]`, "2026-10-16") // R05 orders a correction: its 整改期限
		phone.do(t, "saving again offline", chromedp.Click(chromedp.CSS(`#inspection-form button.primary`)))
		waitText(t, phone, "#offline-status", "已保存在本机")
		if n := saves(t, a, in.ID); n != 0 {
			t.Fatalf("%d saves reached the server while offline", n)
		}
	})
	step(phone, "the network is back: one submission, the photo with it", func(t *testing.T) {
		setOffline(t, phone, cut, false)
		poll(t, phone, "the photo on the page", `document.querySelector("#inspection-evidence img") !== null && `+
			`!document.querySelector("#offline-status").textContent`)
		// Another "online" and another opening of the page send nothing again.
		poll(t, phone, "another online event", `(window.dispatchEvent(new Event("online")), true)`)
		phone.open(t, path)
		poll(t, phone, "the outbox empty", `new Promise(r => { const q = indexedDB.open("spotcheck-offline", 1); `+
			`q.onsuccess = () => { const g = q.result.transaction("outbox").objectStore("outbox").count(); g.onsuccess = () => r(g.result === 0); }; })`)
		if n := saves(t, a, in.ID); n != 1 {
			t.Fatalf("%d saves recorded, want exactly 1", n)
		}
		got, err := a.DB.Inspections().FindInspectionByID(sysCtx, in.ID)
		if err != nil || got.Completed != "2026-09-29" || len(got.Results) != 1 || got.Results[0] != "R05" || got.RectifyBy != "2026-10-16" ||
			len(got.Findings) != 1 || got.Findings[0].Basis != "《旅行社条例》第二十九条" || got.CheckIn.IsZero() {
			t.Fatalf("the record saved: %+v, %v", got, err)
		}
		ev, err := a.DB.Attachments().FindAttachments(sysCtx, spotcheck.Citation{Kind: "inspection", Key: strconv.FormatInt(in.ID, 10)})
		if err != nil || len(ev) != 1 {
			t.Fatalf("evidence: %d, %v; want the one photo", len(ev), err)
		}
	})

	second := newBrowser(t, pa)
	second.viewport(t, phoneW, phoneH)
	confirm := func(t *testing.T, b *browser) {
		b.load(t, "confirming", chromedp.Click(chromedp.CSS(`form[action$="/confirm"] button`)))
	}
	submit := func(t *testing.T, b *browser) {
		acceptConfirms(t, b)
		b.load(t, "submitting", chromedp.Click(chromedp.CSS(`form[action$="/submit"] button`)))
		waitText(t, b, "#inspection-state", "待审核")
	}
	step(phone, "both inspectors confirm, one submits", func(t *testing.T) {
		confirm(t, phone)
		signIn(t, second, members[1])
		second.open(t, path)
		confirm(t, second)
		submit(t, second)
	})
	approver := newBrowser(t, pa)
	step(approver, "the approver returns it", func(t *testing.T) {
		signIn(t, approver, "approver")
		approver.open(t, path)
		approver.do(t, "opening the return form", chromedp.Click(chromedp.CSS(`details:has(form[action$="/return"]) > summary`)))
		approver.do(t, "writing why", chromedp.SendKeys(chromedp.CSS(`form[action$="/return"] textarea`), "问题描述须写明合同缺失的团次"))
		approver.load(t, "returning", chromedp.Click(chromedp.CSS(`form[action$="/return"] button`)))
		waitText(t, approver, "#inspection-state", "退回")
	})
	step(phone, "the inspector fixes it; both confirm; resubmitted", func(t *testing.T) {
		phone.open(t, path)
		waitText(t, phone, "#inspection-comment", "合同缺失的团次")
		phone.do(t, "fixing the description", retype(`textarea[name="findings.0.description"]`, "2026年9月“福州三日游”团未与游客签订书面合同")...)
		phone.load(t, "saving the fix", chromedp.Click(chromedp.CSS(`#inspection-form button.primary`)))
		confirm(t, phone)
		second.open(t, path)
		confirm(t, second)
		submit(t, phone)
		if n := saves(t, a, in.ID); n != 2 {
			t.Fatalf("%d saves recorded, want 2 (the offline draft and the fix)", n)
		}
	})
	step(approver, "the approver approves; the due date is 20 working days on", func(t *testing.T) {
		approver.open(t, path)
		acceptConfirms(t, approver)
		approver.load(t, "approving", chromedp.Click(chromedp.CSS(`form[action$="/approve"] button`)))
		waitText(t, approver, "#inspection-state", "已审核")
		// Completed 2026-09-29 (Tue): 9-30, then 国庆 (10-01…10-07) off and
		// Saturday 10-10 a working day, so the 20th working day is 11-02.
		if got := approver.text(t, "#inspection-publication-due"); got != "2026-11-02" {
			t.Fatalf("publication due %q, want 2026-11-02", got)
		}
	})
	visitor := newBrowser(t, pa)
	visitor.viewport(t, phoneW, phoneH)
	step(visitor, "the enterprise opens the notice's link and sees the genuine visit", func(t *testing.T) {
		phone.open(t, path+"/notice")
		link := phone.text(t, "#notice-url a")
		if !strings.HasSuffix(link, "/v/"+token) {
			t.Fatalf("the notice links %q, want its token %s", link, token)
		}
		if st := visitor.open(t, strings.TrimPrefix(link, pa.URL)); st != http.StatusOK {
			t.Fatalf("/v/ link: status %d", st)
		}
		team := visitor.text(t, "#visit-team")
		for _, s := range in.Team {
			if !strings.Contains(team, in.Names[s]) || in.CertNos[s] != "" && !strings.Contains(team, in.CertNos[s]) {
				t.Errorf("the enterprise's page does not show %s (%s): %q", in.Names[s], in.CertNos[s], team)
			}
		}
		if task := visitor.text(t, "#visit-task"); !strings.Contains(task, in.Task) {
			t.Errorf("the enterprise's page names task %q, want %s", task, in.Task)
		}
	})
}

// cutOff returns the application behind a switch that can cut the phone
// off, as a lost signal does: while it is set, connections are dropped,
// whatever the browser's own emulation lets through (its service worker
// included).
func cutOff(t *testing.T, a *app) (*app, *atomic.Bool) {
	t.Helper()
	cut := new(atomic.Bool)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if cut.Load() {
			if c, _, err := http.NewResponseController(w).Hijack(); err == nil {
				c.Close()
			}
			return
		}
		a.Web.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return &app{URL: srv.URL, DB: a.DB, Web: a.Web, Data: a.Data, fx: a.fx, logs: a.logs, tokens: map[string]string{}}, cut
}

// phoneInspection draws a task of its own (so that no other test moves
// its teams) and returns one of its inspections whose two members hold a
// 执法证 valid today, with accounts for them (linked by User.StaffID).
func phoneInspection(t *testing.T, a *app) (spotcheck.Inspection, []string) {
	t.Helper()
	planner, err := a.asUser(context.Background(), "planner")
	if err != nil {
		t.Fatal(err)
	}
	official, err := a.asUser(context.Background(), "supervisor")
	if err != nil {
		t.Fatal(err)
	}
	tk := spotcheck.Task{Code: fmt.Sprintf("2026-E2E-PHONE-%d", time.Now().UnixNano()%1e9), Name: "手机现场检查任务",
		Authority: cityBureau, Items: []string{a.fx.item.Code}, StrataBy: spotcheck.StrataByKey,
		Strata: []spotcheck.StratumRule{{ID: "general", Rate: "5/100", Min: 2}, {ID: "key", Rate: "10/100", Min: 2}},
		Team:   []spotcheck.TeamSlot{{Unit: cityBureau, Size: 2}}, Start: demoToday, End: "2026-12-26"}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	must("CreateTask", a.DB.Tasks().CreateTask(planner, &tk))
	must("PublishTask", a.DB.Tasks().PublishTask(planner, tk.Code))
	d, err := a.DB.Draws().PlanDraw(planner, tk.Code, spotcheck.DrawRequest{Officials: []string{"supervisor"}})
	must("PlanDraw", err)
	const secret = "纪检监察室见证-手机现场检查-2026-11-26"
	must("CommitDraw", a.DB.Draws().CommitDraw(official, d.ID, "supervisor", draw.Commitment(d.PlanHash, "supervisor", secret)))
	must("RevealDraw", a.DB.Draws().RevealDraw(official, d.ID, "supervisor", secret))
	must("RunDraw", a.DB.Draws().RunDraw(planner, d.ID, spotcheck.DrawRun{}))
	list, err := a.DB.Inspections().FindInspections(planner, spotcheck.InspectionFilter{Task: tk.Code})
	must("FindInspections", err)
	today := webtest.Now().In(spotcheck.ChinaTime).Format(spotcheck.DateLayout)
	for _, in := range list {
		if len(in.Team) != 2 {
			continue
		}
		var members []string
		for _, sid := range in.Team {
			who, err := a.DB.Inspectors().FindInspectorByID(sysCtx, sid)
			must("FindInspectorByID", err)
			if !who.CertValidThrough(today) {
				break
			}
			members = append(members, phoneAccount(t, a, who))
		}
		if len(members) == 2 {
			return in, members
		}
	}
	t.Fatalf("the draw of %s made no inspection with two members whose 执法证 is valid on %s", tk.Code, today)
	return spotcheck.Inspection{}, nil
}

// phoneAccount returns the account of inspector who, made as the other
// tests make them (named after the staff id) unless one of them did.
func phoneAccount(t *testing.T, a *app, who *spotcheck.Inspector) string {
	t.Helper()
	name := strings.ToLower(who.StaffID)
	if _, err := a.DB.Accounts().FindUserByUsername(sysCtx, name); err == nil {
		return name
	}
	u := spotcheck.User{Username: name, Name: who.Name, Dept: who.Dept, Roles: []string{spotcheck.RoleInspector}, StaffID: who.StaffID}
	if err := a.DB.Accounts().CreateUser(sysCtx, &u, demo.Password); err != nil {
		t.Fatalf("CreateUser %s: %v", name, err)
	}
	return name
}

// phoneNotice makes the inspection's notice and returns its token.
func phoneNotice(t *testing.T, a *app, id int64) string {
	t.Helper()
	n, err := a.DB.Notices().Notice(sysCtx, id)
	if err != nil {
		t.Fatalf("Notice: %v", err)
	}
	return n.Token
}

// phonePhoto writes a photo of the site (a PNG) and returns its path.
func phonePhoto(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "现场照片.png")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// saves counts the recorded saves of inspection id.
func saves(t *testing.T, a *app, id int64) int {
	t.Helper()
	l, err := a.DB.Changes().FindChanges(sysCtx, spotcheck.ChangeFilter{Kind: "inspection", Key: strconv.FormatInt(id, 10), Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range l.Items {
		if c.Action == string(spotcheck.InspActSave) {
			n++
		}
	}
	return n
}

// setOffline cuts the phone's network (or gives it back): the browser's
// emulation, for the page and its service worker, which also sets
// navigator.onLine and fires "offline"/"online"; and the switch in front
// of the application.
func setOffline(t *testing.T, b *browser, cut *atomic.Bool, offline bool) {
	t.Helper()
	if offline {
		cut.Store(true)
	}
	var rules []*network.Conditions
	if offline {
		rules = []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}}
	}
	b.do(t, fmt.Sprintf("setting the network offline=%v", offline), chromedp.Action[chromedp.Void](
		func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
				return chromedp.Void{}, err
			}
			if _, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
				EmulateOfflineServiceWorker: new(offline), MatchedNetworkConditions: rules}); err != nil {
				return chromedp.Void{}, err
			}
			if !offline {
				cut.Store(false)
			}
			_, err := cdp.Call(ctx, tg, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: offline,
				DownloadThroughput: -1, UploadThroughput: -1})
			return chromedp.Void{}, err
		}))
}

// setField sets a field that has no keyboard entry in headless Chromium
// (date and time pickers) as a user's choice does: the value, then the
// input and change events.
func setField(t *testing.T, b *browser, sel, value string) {
	t.Helper()
	js := `(el => { el.value = ` + jsString(value) + `; el.dispatchEvent(new Event("input", {bubbles: true})); ` +
		`el.dispatchEvent(new Event("change", {bubbles: true})); return true; })(document.querySelector(` + jsString(sel) + `))`
	if _, err := chromedp.Run(b.step(t), chromedp.Evaluate[bool](js)); err != nil {
		t.Fatalf("setting %s: %v", sel, err)
	}
}

// poll waits until the JavaScript condition (a boolean or a promise of
// one) holds on the page.
func poll(t *testing.T, b *browser, what, cond string) {
	t.Helper()
	var last error
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		ok, err := chromedp.Run(b.step(t), chromedp.Evaluate[bool](`Promise.resolve(`+cond+`).catch(() => false)`, chromedp.EvalAwaitPromise))
		if err == nil && ok {
			return
		}
		last = err
	}
	t.Fatalf("waiting for %s: it did not happen (%v; at %s)", what, last, b.location())
}

// TestBrowserOfflineDraftSentFromList: a draft saved without network on
// the inspection's page is sent from the list of the inspector's work
// (kept by the service worker too) when the network comes back there,
// once; the list then shows nothing pending.
func TestBrowserOfflineDraftSentFromList(t *testing.T) {
	a := sharedApp(t)
	in, members := phoneInspection(t, a)
	pa, cut := cutOff(t, a)
	path := "/staff/inspections/" + strconv.FormatInt(in.ID, 10)
	phone := newBrowser(t, pa)
	phone.viewport(t, phoneW, phoneH)
	phone.shootOnFailure(t)
	signIn(t, phone, members[0])
	phone.open(t, "/staff/inspections")
	poll(t, phone, "the list kept for offline use", `navigator.serviceWorker.ready.then(() => `+
		`caches.open("spotcheck-pages-v1")).then(c => c.match(location.origin + "/staff/inspections")).then(r => !!r)`)
	phone.open(t, path)
	poll(t, phone, "the page kept for offline use", `caches.open("spotcheck-pages-v1").then(c => c.match(location.origin + location.pathname)).then(r => !!r)`)
	setOffline(t, phone, cut, true)
	phone.do(t, "recording offline",
		chromedp.Click(chromedp.CSS(`input[name="findings.0.outcome"][value="`+spotcheck.FindingNone+`"]`)),
		chromedp.Click(chromedp.CSS(`#inspection-form button.primary`)))
	waitText(t, phone, "#offline-status", "已保存在本机")
	phone.do(t, "opening my work offline", chromedp.Navigate(pa.URL+"/staff/inspections"))
	waitText(t, phone, "#offline-status", "1 项检查记录")
	if n := saves(t, a, in.ID); n != 0 {
		t.Fatalf("%d saves reached the server while offline", n)
	}
	setOffline(t, phone, cut, false)
	poll(t, phone, "the list with nothing pending", `document.querySelector("#offline-status") !== null && `+
		`!document.querySelector("#offline-status").textContent`)
	if n := saves(t, a, in.ID); n != 1 {
		t.Fatalf("%d saves recorded, want exactly 1", n)
	}
	got, err := a.DB.Inspections().FindInspectionByID(sysCtx, in.ID)
	if err != nil || len(got.Findings) != 1 || got.Findings[0].Outcome != spotcheck.FindingNone {
		t.Fatalf("the record saved: %+v, %v", got, err)
	}
}
