package staff_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/internal/webtest"
)

// TestOfflineDraftSentTwiceIsSavedOnce: the phone's draft, posted with its
// idempotency key a second time (its first answer lost), is answered as
// the first time — a redirect to the page — and saved once, even when the
// record has moved on since (a submit replayed after it was applied is
// not refused as out of date); a key from another step is refused on the
// page and changes nothing.
func TestOfflineDraftSentTwiceIsSavedOnce(t *testing.T) {
	a := webtest.New(t)
	in, members := a.Inspection(t)
	path := fmt.Sprintf("/staff/inspections/%d", in.ID)
	form := recordForm(in, "未与游客签订书面合同")
	form.Set("idempotency_key", "0123456789abcdef0123456789abcdef")
	post(t, a, members[0], path+"/save", form)
	post(t, a, members[0], path+"/save", form)
	if n := steps(t, a, in.ID, spotcheck.InspActSave); n != 1 {
		t.Fatalf("%d saves recorded, want 1", n)
	}
	for _, m := range members {
		post(t, a, m, path+"/confirm", url.Values{"from": {in.State}})
	}
	submit := url.Values{"from": {spotcheck.InspectionDraft}, "idempotency_key": {"submit-key-0000000000000001"}}
	post(t, a, members[0], path+"/submit", submit)
	post(t, a, members[0], path+"/submit", submit)
	if n := steps(t, a, in.ID, spotcheck.InspActSubmit); n != 1 {
		t.Fatalf("%d submissions recorded, want 1", n)
	}
	reused := url.Values{"from": {spotcheck.InspectionSubmitted}, "comment": {"退回"}, "idempotency_key": submit["idempotency_key"]}
	rec, body := a.Page(t, "approver", "POST", path+"/return", reused)
	if rec.Code != http.StatusConflict || !strings.Contains(body, "提交标识已用于另一项操作") {
		t.Fatalf("a key of another step: %d\n%s", rec.Code, body)
	}
	cur, err := a.DB.Inspections().FindInspectionByID(a.As(t, "approver"), in.ID)
	if err != nil || cur.State != spotcheck.InspectionSubmitted {
		t.Fatalf("after the refused return: %+v, %v", cur, err)
	}
}

// steps counts the recorded steps a of inspection id.
func steps(t *testing.T, a *webtest.App, id int64, act spotcheck.Action) int {
	t.Helper()
	l, err := a.DB.Changes().FindChanges(a.As(t, "supervisor"), spotcheck.ChangeFilter{Kind: "inspection",
		Key: strconv.FormatInt(id, 10), Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range l.Items {
		if c.Action == string(act) {
			n++
		}
	}
	return n
}

// TestOfflineAppFiles: the service worker is served at the root (so that
// it may control /staff/), revalidated on every check, under the same
// content security policy; the manifest opens the inspector's work within
// /staff/ and its icon is an asset that exists; staff pages link it.
func TestOfflineAppFiles(t *testing.T) {
	a := webtest.New(t)
	rec, body := a.Page(t, "", "GET", "/sw.js", nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/javascript") ||
		rec.Header().Get("Cache-Control") != "no-cache" || !strings.Contains(body, `addEventListener("fetch"`) {
		t.Fatalf("/sw.js: %d %v", rec.Code, rec.Header())
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self';") {
		t.Errorf("/sw.js without the policy: %q", csp)
	}
	rec, body = a.Page(t, "", "GET", "/manifest.webmanifest", nil)
	var m struct {
		StartURL string `json:"start_url"`
		Scope    string `json:"scope"`
		Icons    []struct{ Src string }
	}
	if rec.Code != http.StatusOK || json.Unmarshal([]byte(body), &m) != nil || m.Scope != "/staff/" ||
		!strings.HasPrefix(m.StartURL, "/staff/inspections") || len(m.Icons) != 1 {
		t.Fatalf("manifest: %d %s", rec.Code, body)
	}
	if rec, _ := a.Page(t, "", "GET", m.Icons[0].Src, nil); rec.Code != http.StatusOK {
		t.Errorf("the manifest's icon %s: %d", m.Icons[0].Src, rec.Code)
	}
	if _, body := a.Page(t, "planner", "GET", "/staff/", nil); !strings.Contains(body, `<link rel="manifest" href="/manifest.webmanifest">`) {
		t.Error("the staff pages do not link the manifest")
	}
}
