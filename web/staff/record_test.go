package staff_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/internal/webtest"
)

// padPNG is what the signature pad posts: a PNG data URL, drawn or blank.
func padPNG(t *testing.T, blank bool) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 600, 240))
	if !blank {
		for x := 40; x < 560; x++ {
			img.Set(x, 120+(x%60)/6, color.NRGBA{A: 255})
			img.Set(x, 121+(x%60)/6, color.NRGBA{A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())
}

// TestRecordAndSignature: the 现场检查笔录 prints the team with signature
// lines and a blank line for the representative; a team member gets the
// pad once every item has its finding; a blank pad or a page out of date
// is refused with the reason, the name kept; the signature then shows on
// the record as evidence the department reads; another team member
// records a refusal, which needs its note; an edit makes the refusal
// stale; the department's approver may read but not take a signature,
// and another district's user does not see the record at all.
func TestRecordAndSignature(t *testing.T) {
	a := webtest.New(t)
	in, members := a.Inspection(t)
	path := fmt.Sprintf("/staff/inspections/%d/record", in.ID)
	if _, body := a.Page(t, members[0], "GET", fmt.Sprintf("/staff/inspections/%d", in.ID), nil); !strings.Contains(body, `href="`+path+`"`) {
		t.Errorf("the inspection's page does not link to its record")
	}
	rec, body := a.Page(t, members[0], "GET", path, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("the record: %d\n%s", rec.Code, body)
	}
	for _, want := range []string{"现场检查笔录", in.Task, "当事人签名", "被检查单位意见", "各事项检查情况尚未填写完整"} {
		if !strings.Contains(body, want) {
			t.Errorf("the record lacks %q", want)
		}
	}
	for _, s := range in.Team {
		if !strings.Contains(body, "检查人员："+in.Names[s]) || !strings.Contains(body, in.CertNos[s]) {
			t.Errorf("the record has no signature line for %s", in.Names[s])
		}
	}
	if strings.Contains(body, `id="signature-form"`) {
		t.Fatal("the pad is offered before the findings are recorded")
	}

	m1 := a.As(t, members[0])
	save := func(desc string) {
		t.Helper()
		f := spotcheck.Inspection{ID: in.ID, Findings: []spotcheck.ItemFinding{{Item: in.Items[0], Outcome: spotcheck.FindingOther, Remark: desc}}}
		for _, it := range in.Items[1:] {
			f.Findings = append(f.Findings, spotcheck.ItemFinding{Item: it, Outcome: spotcheck.FindingNone})
		}
		if err := a.DB.Inspections().SaveInspection(m1, &f); err != nil {
			t.Fatalf("SaveInspection: %v", err)
		}
	}
	save("经营场所正在装修")
	cur, err := a.DB.Inspections().FindInspectionByID(m1, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	digest := cur.RecordDigest()
	_, body = a.Page(t, members[0], "GET", path, nil)
	if !strings.Contains(body, `id="signature-form"`) || !strings.Contains(body, `value="`+digest+`"`) || !strings.Contains(body, "经营场所正在装修") {
		t.Fatalf("the record offers no pad for the record shown:\n%s", body)
	}
	sign := url.Values{"signer": {"王经理"}, "role": {"法定代表人"}, "digest": {digest}, "png": {padPNG(t, false)}}

	// Who may take a signature.
	if rec, _ := a.Page(t, "approver", "POST", path[:len(path)-len("record")]+"signature", sign); rec.Code != http.StatusForbidden {
		t.Errorf("the approver takes a signature: %d, want 403", rec.Code)
	}
	for _, u := range []string{"inspector", "glplanner"} {
		if rec, _ := a.Page(t, u, "GET", path, nil); rec.Code != http.StatusNotFound {
			t.Errorf("%s of another district reads the record: %d, want 404", u, rec.Code)
		}
	}
	if rec, _ := a.Page(t, "inspector", "POST", path[:len(path)-len("record")]+"signature", sign); rec.Code != http.StatusNotFound {
		t.Errorf("another district's inspector takes a signature: %d, want 404", rec.Code)
	}
	if rec, _ := a.Page(t, "approver", "GET", path, nil); rec.Code != http.StatusOK {
		t.Errorf("the department's approver reads the record: %d", rec.Code)
	}

	signPath := path[:len(path)-len("record")] + "signature"
	blank := url.Values{"signer": {"王经理"}, "role": {"法定代表人"}, "digest": {digest}, "png": {padPNG(t, true)}}
	rec, body = a.Page(t, members[0], "POST", signPath, blank)
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "签名框内没有签名") || !strings.Contains(body, `value="王经理"`) {
		t.Fatalf("a blank pad: %d\n%s", rec.Code, body)
	}
	old := url.Values{"signer": {"王经理"}, "role": {"法定代表人"}, "digest": {in.RecordDigest()}, "png": {padPNG(t, false)}}
	rec, body = a.Page(t, members[0], "POST", signPath, old)
	if rec.Code != http.StatusConflict || !strings.Contains(body, "在当事人阅读后已被修改") {
		t.Fatalf("a signature of a page out of date: %d\n%s", rec.Code, body)
	}
	if rec, _ := a.Page(t, members[0], "POST", signPath, sign); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign: %d %s", rec.Code, rec.Body)
	}
	sigs, err := a.DB.Signatures().FindSignatures(m1, in.ID)
	if err != nil || len(sigs) != 1 {
		t.Fatalf("signatures %+v, %v", sigs, err)
	}
	img := fmt.Sprintf("/staff/inspections/%d/evidence/%s", in.ID, sigs[0].SHA256)
	_, body = a.Page(t, "approver", "GET", path, nil)
	if !strings.Contains(body, `src="`+img+`"`) || !strings.Contains(body, "王经理（法定代表人）") {
		t.Fatalf("the record does not show the signature:\n%s", body)
	}
	if rec, _ := a.Page(t, "approver", "GET", img, nil); rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != spotcheck.TypePNG {
		t.Fatalf("the signature image: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}

	// The other member records a refusal: its note is required.
	refuse := signPath + "/refuse"
	rec, body = a.Page(t, members[1], "POST", refuse, url.Values{"digest": {digest}, "signer": {"王经理"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "拒签情况") || !strings.Contains(body, "<details open>") {
		t.Fatalf("a refusal without its note: %d\n%s", rec.Code, body)
	}
	if rec, _ := a.Page(t, members[1], "POST", refuse, url.Values{"digest": {digest}, "note": {"当事人认为检查结论有误，拒绝签字"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("refuse: %d %s", rec.Code, rec.Body)
	}
	_, body = a.Page(t, members[0], "GET", path, nil)
	if !strings.Contains(body, "拒绝签字。情况说明：当事人认为检查结论有误") {
		t.Fatalf("the record does not show the refusal:\n%s", body)
	}
	save("经营场所正在装修，暂停营业")
	_, body = a.Page(t, members[0], "GET", path, nil)
	if !strings.Contains(body, "此后笔录已修改") || strings.Count(body, "笔录已修改，签字失效") != 2 {
		t.Fatalf("after an edit the signatures are not shown stale:\n%s", body)
	}
}

// TestVisitRecordPage: the 联合总表 of an accepted joint visit shows each
// department's part with its own signature lines, to the lead's planner
// and to a member of the other department's team; a department outside
// the visit gets 404, a department admin, who reaches no inspection, 403.
func TestVisitRecordPage(t *testing.T) {
	a := webtest.New(t)
	a.DrawEvery(t, "2026-WEB-REC-1", "FZWL", "WL-LXS-004")
	a.DrawEvery(t, "2026-WEB-REC-2", "GLWL", "WL-LXS-005")
	vs, err := a.DB.Visits().FindVisits(a.As(t, "planner"), spotcheck.VisitFilter{State: spotcheck.VisitProposed})
	if err != nil || len(vs) == 0 {
		t.Fatalf("no proposals: %v", err)
	}
	var v spotcheck.Visit
	for _, c := range vs {
		if len(c.Unstaffed()) == 0 {
			v = c
			break
		}
	}
	if v.ID == 0 {
		t.Fatal("no proposal is staffed by both departments")
	}
	path := fmt.Sprintf("/staff/visits/%d", v.ID)
	if rec, _ := a.Page(t, "planner", "POST", path+"/accept", url.Values{"date": {"2026-12-01"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("accept: %d", rec.Code)
	}
	if _, body := a.Page(t, "planner", "GET", path, nil); !strings.Contains(body, `href="`+path+`/record"`) {
		t.Error("the visit's page does not link to its 联合总表")
	}
	rec, body := a.Page(t, "planner", "GET", path+"/record", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("the 联合总表: %d\n%s", rec.Code, body)
	}
	for _, want := range []string{"联合总表", spotcheck.VisitNotice("2026", v.ID), "福州市文化和旅游局", "鼓楼区文化体育和旅游局",
		`id="record-part-0"`, `id="record-part-1"`, "被检查单位负责人对联合检查的意见及签名", "尚有部门的笔录未经当事人签字"} {
		if !strings.Contains(body, want) {
			t.Errorf("the 联合总表 lacks %q", want)
		}
	}
	rc, err := a.DB.Signatures().FindVisitRecord(a.As(t, "planner"), v.ID)
	if err != nil || len(rc.Parts) < 2 {
		t.Fatalf("FindVisitRecord: %+v, %v", rc, err)
	}
	if d := webtest.Text(body); !strings.Contains(d, "参加部门 福州市文化和旅游局、鼓楼区文化体育和旅游局") {
		t.Errorf("the departments are not named once each")
	}
	if n := strings.Count(body, "当事人签名："); n != len(rc.Parts) {
		t.Errorf("%d representative's lines, want one per part (%d)", n, len(rc.Parts))
	}

	// A member of the district's team reads the whole of it.
	last := rc.Parts[len(rc.Parts)-1]
	if last.Dept != "GLWL" || last.Inspection == nil {
		t.Fatalf("the district's part: %+v", last)
	}
	member := "inspector"
	if u, err := a.DB.Accounts().FindUserByUsername(webtest.System(), member); err != nil || u.StaffID != last.Inspection.Team[0] {
		member = "glteam"
		sid := last.Inspection.Team[0]
		u := &spotcheck.User{Username: member, Name: "区检查员", Dept: "GLWL", Roles: []string{spotcheck.RoleInspector}, StaffID: sid}
		if err := a.DB.Accounts().CreateUser(webtest.System(), u, demo.Password); err != nil {
			t.Fatalf("CreateUser for team member %s: %v", sid, err)
		}
	}
	if rec, body := a.Page(t, member, "GET", path+"/record", nil); rec.Code != http.StatusOK || !strings.Contains(body, `id="record-part-0"`) {
		t.Fatalf("the 联合总表 to a team member: %d", rec.Code)
	}
	if rec, _ := a.Page(t, "firedept", "GET", path+"/record", nil); rec.Code != http.StatusNotFound {
		t.Errorf("a department outside the visit: %d, want 404", rec.Code)
	}
	if rec, _ := a.Page(t, "gladmin", "GET", path+"/record", nil); rec.Code != http.StatusForbidden {
		t.Errorf("a department admin: %d, want 403", rec.Code)
	}

	// The city's representative signs the city's part: the district's
	// team member sees the signature on the 联合总表, though not the
	// city's inspection; outside the visit, no one does.
	city := rc.Parts[0].Inspection
	if rc.Parts[0].Dept != "FZWL" || city == nil {
		t.Fatalf("the city's part: %+v", rc.Parts[0])
	}
	u := &spotcheck.User{Username: "fzteam", Name: "市局检查员", Dept: "FZWL", Roles: []string{spotcheck.RoleInspector}, StaffID: city.Team[0]}
	if err := a.DB.Accounts().CreateUser(webtest.System(), u, demo.Password); err != nil {
		t.Fatal(err)
	}
	fz := a.As(t, "fzteam")
	f := spotcheck.Inspection{ID: city.ID}
	for _, it := range city.Items {
		f.Findings = append(f.Findings, spotcheck.ItemFinding{Item: it, Outcome: spotcheck.FindingNone})
	}
	if err := a.DB.Inspections().SaveInspection(fz, &f); err != nil {
		t.Fatal(err)
	}
	cur, err := a.DB.Inspections().FindInspectionByID(fz, city.ID)
	if err != nil {
		t.Fatal(err)
	}
	pad, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(padPNG(t, false), "data:image/png;base64,"))
	sig, err := a.DB.Signatures().SignRecord(fz, city.ID, spotcheck.SignatureInput{Signer: "林经理", Role: "现场负责人", PNG: pad, Digest: cur.RecordDigest()})
	if err != nil {
		t.Fatal(err)
	}
	src := path + "/record/signatures/" + sig.SHA256
	if _, body := a.Page(t, member, "GET", path+"/record", nil); !strings.Contains(body, `src="`+src+`"`) {
		t.Fatalf("the 联合总表 does not show the city's signature from the visit:\n%s", body)
	}
	if rec, body := a.Page(t, member, "GET", src, nil); rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != spotcheck.TypePNG || body != string(pad) {
		t.Errorf("the district's member reading the city's signature: %d %v", rec.Code, rec.Header())
	}
	if rec, _ := a.Page(t, member, "GET", fmt.Sprintf("/staff/inspections/%d/evidence/%s", city.ID, sig.SHA256), nil); rec.Code != http.StatusNotFound {
		t.Errorf("the district's member reading it through the city's inspection: %d, want 404", rec.Code)
	}
	if rec, _ := a.Page(t, "firedept", "GET", src, nil); rec.Code != http.StatusNotFound {
		t.Errorf("a department outside the visit reading the signature: %d, want 404", rec.Code)
	}
	if rec, _ := a.Page(t, member, "GET", path+"/record/signatures/"+strings.Repeat("0", 64), nil); rec.Code != http.StatusNotFound {
		t.Errorf("a signature the visit does not have: %d, want 404", rec.Code)
	}
}
