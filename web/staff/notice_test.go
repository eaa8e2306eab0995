package staff_test

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/internal/webtest"
)

// TestNoticeAndVisitCheck: a team member opens the 检查通知书, which names
// the team with their 执法证号, the window and the refusal sentence, and
// whose QR link is the enterprise's public page; the visitor's page
// shows the inspectors and the department and no other entity of the
// draw; the first reading is recorded once (a staff preview is none); a
// team member records the delivery; an unknown token is a plain 404.
func TestNoticeAndVisitCheck(t *testing.T) {
	a := webtest.New(t)
	in, members := a.Inspection(t)
	path := fmt.Sprintf("/staff/inspections/%d/notice", in.ID)
	if _, body := a.Page(t, members[0], "GET", fmt.Sprintf("/staff/inspections/%d", in.ID), nil); !strings.Contains(body, `href="`+path+`"`) {
		t.Errorf("the inspection's page does not link to its notice")
	}
	rec, body := a.Page(t, members[0], "GET", path, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("the notice: %d\n%s", rec.Code, body)
	}
	for _, want := range []string{"检查通知书", in.Task, "拒绝检查的情况向社会公示", "（盖章）", "<svg", "企业尚未在线查阅"} {
		if !strings.Contains(body, want) {
			t.Errorf("the notice lacks %q", want)
		}
	}
	for _, s := range in.Team {
		if !strings.Contains(body, in.Names[s]) || !strings.Contains(body, in.CertNos[s]) {
			t.Errorf("the notice does not name team member %s (%s, %s)", s, in.Names[s], in.CertNos[s])
		}
	}
	m := regexp.MustCompile(`id="notice-url"><a href="(http://[^"]+/v/([a-z2-7]+))"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the notice has no link to the public page:\n%s", body)
	}
	link, token := html.UnescapeString(m[1]), m[2]
	n, err := a.DB.Notices().Notice(webtest.System(), in.ID)
	if err != nil || n.Token != token || !strings.HasSuffix(link, "/v/"+n.Token) {
		t.Fatalf("the QR link %s is not the notice's public page (%+v, %v)", link, n, err)
	}

	// A staff member's own view of the public page is not the enterprise's reading.
	if rec, _ := a.Page(t, members[0], "GET", "/v/"+token, nil); rec.Code != http.StatusOK {
		t.Fatalf("the public page to a team member: %d", rec.Code)
	}
	rec, body = a.Page(t, "", "GET", "/v/"+token, nil)
	if rec.Code != http.StatusOK || !strings.Contains(body, "本次检查真实有效") {
		t.Fatalf("the public page: %d\n%s", rec.Code, body)
	}
	for _, s := range in.Team {
		if !strings.Contains(body, in.Names[s]) || !strings.Contains(body, in.CertNos[s]) {
			t.Errorf("the public page does not name team member %s", s)
		}
	}
	if !strings.Contains(body, in.EntityName) {
		t.Errorf("the public page does not name its own entity %q", in.EntityName)
	}
	others, err := a.DB.Inspections().FindInspections(webtest.System(), spotcheck.InspectionFilter{Task: in.Task})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range others {
		if o.ID != in.ID && o.EntityName != "" && o.EntityName != in.EntityName && strings.Contains(body, o.EntityName) {
			t.Errorf("the public page shows another entity: %s", o.EntityName)
		}
	}
	a.Page(t, "", "GET", "/v/"+token, nil)
	l, err := a.DB.Changes().FindChanges(webtest.System(), spotcheck.ChangeFilter{Kind: "notice", Key: fmt.Sprint(in.ID), Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	reads := 0
	for _, c := range l.Items {
		if c.Action == "read" {
			reads++
		}
	}
	if reads != 1 {
		t.Errorf("%d first readings recorded, want 1", reads)
	}

	post(t, a, members[1], path+"/deliver", nil)
	_, body = a.Page(t, members[0], "GET", path, nil)
	if !strings.Contains(body, `id="notice-delivered"`) || !strings.Contains(body, "企业首次查阅") {
		t.Errorf("the notice does not show its delivery and first reading:\n%s", body)
	}

	for _, bad := range []string{spotcheck.NewNoticeToken(), "x", token + "a"} {
		rec, body := a.Page(t, "", "GET", "/v/"+bad, nil)
		if rec.Code != http.StatusNotFound || strings.Contains(body, in.EntityName) {
			t.Errorf("GET /v/%s: %d, want a plain 404", bad, rec.Code)
		}
	}
}
