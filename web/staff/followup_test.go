package staff_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/internal/webtest"
)

// TestFollowUpPages: a correction ordered (R05) is refused on submission
// without its 整改期限; once approved, the inspection's page links its
// rectification order and re-inspection; the list shows them with the
// completion rate of the department; a member records measures (refused,
// with the reason and nothing recorded, when 其他 says nothing or the
// page is out of date) and closes the order, each change a new line of
// its history. Another district gets "not found", a role that reaches no
// inspection "forbidden", a supervisor may read and not handle.
func TestFollowUpPages(t *testing.T) {
	a := webtest.New(t)
	in, members := a.Inspection(t)
	path := fmt.Sprintf("/staff/inspections/%d", in.ID)
	step := stepper(t, a, in.ID)
	form := recordForm(in, "未与游客签订书面合同")
	form.Del("rectify_by")
	step(members[0], "save", form)
	step(members[0], "confirm", nil)
	step(members[1], "confirm", nil)
	rec, body := a.Page(t, members[0], "POST", path+"/submit", url.Values{"from": {spotcheck.InspectionDraft}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "须填写整改期限") {
		t.Fatalf("a correction ordered without its 整改期限: %d\n%s", rec.Code, body)
	}
	step(members[0], "save", recordForm(in, "未与游客签订书面合同"))
	step(members[0], "confirm", nil)
	step(members[1], "confirm", nil)
	step(members[0], "submit", nil)
	step("approver", "approve", nil)

	_, body = a.Page(t, members[0], "GET", path, nil)
	if !strings.Contains(body, `id="inspection-followups"`) || !strings.Contains(body, "责令整改") ||
		!strings.Contains(body, "整改复查") || !strings.Contains(body, `id="inspection-rectify-by">2026-12-11<`) {
		t.Fatalf("the approved inspection's page lacks its follow-ups:\n%s", body)
	}
	fs, err := a.DB.FollowUps().FindFollowUps(a.As(t, "approver"), spotcheck.FollowUpFilter{Inspection: in.ID})
	if err != nil || len(fs) != 2 || fs[0].Kind != spotcheck.FollowRectify {
		t.Fatalf("follow-ups: %+v, %v", fs, err)
	}
	fpath := "/staff/followups/" + strconv.FormatInt(fs[0].ID, 10)
	if !strings.Contains(body, `href="`+fpath+`"`) {
		t.Errorf("the inspection's page does not link %s", fpath)
	}
	rec, body = a.Page(t, "approver", "GET", "/staff/followups", nil)
	if rec.Code != http.StatusOK || len(webtest.TableOf(t, body, "followups").Rows) != 2 ||
		!strings.Contains(body, `href="`+fpath+`"`) {
		t.Fatalf("the list: %d\n%s", rec.Code, body)
	}
	if rows := webtest.TableOf(t, body, "followup-completion").Rows; len(rows) != 1 ||
		!strings.Contains(strings.Join(rows[0], "|"), "|2|0|0|0.0%") {
		t.Errorf("the completion rate: %v", rows)
	}

	// Refused: 其他 without its text, and a page out of date.
	rec, body = a.Page(t, members[0], "POST", fpath+"/record", url.Values{"seq": {"1"}, "dept": {in.Dept},
		"measures": {"order", "other"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "选择“其他”须写明具体措施") ||
		!strings.Contains(body, `value="other" checked`) {
		t.Fatalf("其他 without its text: %d\n%s", rec.Code, body)
	}
	rec, _ = a.Page(t, members[0], "POST", fpath+"/record", url.Values{"seq": {"7"}, "dept": {in.Dept},
		"measures": {"order"}})
	if rec.Code != http.StatusConflict {
		t.Errorf("a change from a page out of date: %d, want 409", rec.Code)
	}
	if f, _ := a.DB.FollowUps().FindFollowUpByID(a.As(t, "approver"), fs[0].ID); len(f.Events) != 1 {
		t.Fatalf("a refused change was recorded: %+v", f.Events)
	}
	post(t, a, members[0], fpath+"/record", url.Values{"seq": {"1"}, "dept": {in.Dept},
		"measures": {"order", "other"}, "other": {"当场约谈负责人"}})
	_, body = a.Page(t, members[1], "GET", fpath, nil)
	if !strings.Contains(body, "责令限期改正、其他") || !strings.Contains(body, "当场约谈负责人") ||
		len(webtest.TableOf(t, body, "followup-events").Rows) != 2 || !strings.Contains(body, `id="followup-close"`) {
		t.Fatalf("after recording:\n%s", body)
	}
	today := webtest.Now().In(spotcheck.ChinaTime).Format(spotcheck.DateLayout)
	post(t, a, members[1], fpath+"/close", url.Values{"seq": {"2"}, "closed": {today}, "note": {"已整改到位"}})
	_, body = a.Page(t, "approver", "GET", fpath, nil)
	if !strings.Contains(body, `id="followup-closed">`+today+`<`) || strings.Contains(body, `id="followup-record"`) ||
		len(webtest.TableOf(t, body, "followup-events").Rows) != 3 {
		t.Fatalf("after closing:\n%s", body)
	}
	_, body = a.Page(t, "approver", "GET", "/staff/followups", nil)
	if rows := webtest.TableOf(t, body, "followup-completion").Rows; len(rows) != 1 ||
		!strings.Contains(strings.Join(rows[0], "|"), "|2|1|0|50.0%") {
		t.Errorf("the completion rate after closing: %v", rows)
	}

	// Who may see and handle it.
	for user, want := range map[string]int{"glplanner": http.StatusNotFound, "inspector": http.StatusNotFound,
		"sysadmin": http.StatusForbidden, "supervisor": http.StatusOK, "planner": http.StatusOK} {
		if rec, _ := a.Page(t, user, "GET", fpath, nil); rec.Code != want {
			t.Errorf("%s GET %s: %d, want %d", user, fpath, rec.Code, want)
		}
	}
	other := "/staff/followups/" + strconv.FormatInt(fs[1].ID, 10)
	for user, want := range map[string]int{"supervisor": http.StatusForbidden, "inspector": http.StatusNotFound} {
		if rec, _ := a.Page(t, user, "POST", other+"/record", url.Values{"seq": {"1"}, "dept": {in.Dept},
			"measures": {"order"}}); rec.Code != want {
			t.Errorf("%s records: %d, want %d", user, rec.Code, want)
		}
	}
	_, body = a.Page(t, members[0], "GET", "/staff/", nil)
	if !strings.Contains(body, "处置中的后续处置") || !strings.Contains(body, "/staff/followups?state=open") {
		t.Errorf("the home page lacks the follow-ups' card")
	}
}
