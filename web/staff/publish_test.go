package staff_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/internal/webtest"
)

// TestPublishPages: the approver publishes an approved result from its
// page; the portal's 抽查结果公告 shows it by task and by search, without
// the team's names or words, and as .xlsx; a correction needs its reason
// (the form says so and nothing is published) and then shows beside the
// original; the public search refuses a 10 KB query and invalid UTF-8
// with a Chinese message and is rate-limited per address; the timeliness
// page counts the department's results.
func TestPublishPages(t *testing.T) {
	a := webtest.New(t)
	in, members := a.Inspection(t)
	path := fmt.Sprintf("/staff/inspections/%d", in.ID)
	step := stepper(t, a, in.ID)
	approve := func(description string) {
		t.Helper()
		step(members[0], "save", recordForm(in, description))
		step(members[0], "confirm", nil)
		step(members[1], "confirm", nil)
		step(members[0], "submit", nil)
		step("approver", "approve", nil)
	}
	// Not yet approved: refused with the reason, nothing published.
	rec, body := a.Page(t, "approver", "POST", path+"/publish", url.Values{"from": {in.State}})
	if rec.Code != http.StatusConflict || !strings.Contains(body, "公示") {
		t.Errorf("publishing a draft: %d\n%s", rec.Code, body)
	}
	if pubs, err := a.DB.Publications().FindInspectionPublications(a.As(t, "approver"), in.ID); err != nil || len(pubs) != 0 {
		t.Fatalf("a draft published: %d, %v", len(pubs), err)
	}
	approve("未与游客签订书面合同")
	_, body = a.Page(t, members[0], "GET", path, nil)
	if strings.Contains(body, path+"/publish") {
		t.Error("a team member is offered the publish button")
	}
	_, body = a.Page(t, "approver", "GET", path, nil)
	if !strings.Contains(body, path+"/publish") || !strings.Contains(body, "公示检查结果") {
		t.Fatalf("the approver's page lacks the publish button:\n%s", body)
	}
	rec, _ = a.Page(t, members[0], "POST", path+"/publish", url.Values{"from": {spotcheck.InspectionApproved}})
	if rec.Code != http.StatusForbidden {
		t.Errorf("a member publishes: %d", rec.Code)
	}
	step("approver", "publish", nil)
	_, body = a.Page(t, "approver", "GET", path, nil)
	if !strings.Contains(body, ">已公示<") || len(webtest.TableOf(t, body, "inspection-publications").Rows) != 1 {
		t.Fatalf("the published page:\n%s", body)
	}

	// The portal, as anyone.
	results := "/results/" + url.PathEscape(in.Task)
	rec, body = a.Page(t, "", "GET", results, nil)
	if rec.Code != http.StatusOK || !strings.Contains(body, in.EntityName) || !strings.Contains(body, in.Entity) ||
		!strings.Contains(body, "发现问题已责令改正") || !strings.Contains(body, "公示期为自公示之日起三年") {
		t.Fatalf("the 抽查结果公告: %d\n%s", rec.Code, body)
	}
	for _, s := range in.Team {
		if strings.Contains(body, in.Names[s]) || strings.Contains(body, in.CertNos[s]) {
			t.Errorf("the portal names team member %s", s)
		}
	}
	if strings.Contains(body, "未与游客签订书面合同") {
		t.Error("the portal shows the team's description")
	}
	rec, _ = a.Page(t, "", "GET", results+"/results.xlsx", nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), "PK") {
		t.Errorf("the .xlsx: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}

	// A correction: refused without its reason, then published.
	step(members[0], "revise", url.Values{"reason": {"合同份数有误"}})
	approve("2 份团队合同未与游客签订书面合同")
	_, body = a.Page(t, "approver", "GET", path, nil)
	if !strings.Contains(body, "公示更正") || !strings.Contains(body, `name="reason"`) {
		t.Fatalf("the correction form:\n%s", body)
	}
	rec, body = a.Page(t, "approver", "POST", path+"/publish", url.Values{"from": {spotcheck.InspectionApproved}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "更正已公示的检查结果须说明更正原因") {
		t.Fatalf("a correction without a reason: %d", rec.Code)
	}
	step("approver", "publish", url.Values{"reason": {"经复核合同份数为2份"}})
	_, body = a.Page(t, "", "GET", results, nil)
	if rows := webtest.TableOf(t, body, "taskresults").Rows; len(rows) != 2 || !strings.Contains(body, "经复核合同份数为2份") ||
		!strings.Contains(body, "更正（第2版）") {
		t.Errorf("the original and its correction: %d rows\n%s", len(rows), body)
	}

	// Search by part of the name and by credit code; bad input refused.
	name := []rune(in.EntityName)
	for _, q := range []string{string(name[:2]), in.Entity} {
		rec, body = a.Page(t, "", "GET", "/results?q="+url.QueryEscape(q), nil)
		if rec.Code != http.StatusOK || len(webtest.TableOf(t, body, "found").Rows) < 2 {
			t.Errorf("search %q: %d", q, rec.Code)
		}
	}
	for what, q := range map[string]string{"10 KB": url.QueryEscape(strings.Repeat("旅", 3500)), "invalid UTF-8": "%FF%FE"} {
		rec, body = a.Page(t, "", "GET", "/results?q="+q, nil)
		if rec.Code != http.StatusBadRequest || !strings.Contains(body, "请输入企业名称或统一社会信用代码") {
			t.Errorf("%s: %d", what, rec.Code)
		}
	}
	limited := false
	for i := 0; i < 40 && !limited; i++ {
		rec, _ = a.Page(t, "", "GET", "/results?q="+url.QueryEscape("' OR 1=1 --"), nil)
		limited = rec.Code == http.StatusTooManyRequests
	}
	if !limited || rec.Header().Get("Retry-After") == "" {
		t.Errorf("the search is not rate-limited: %d", rec.Code)
	}

	// Timeliness: the department's one result, published on time.
	_, body = a.Page(t, "approver", "GET", "/staff/publications", nil)
	if rows := webtest.TableOf(t, body, "timeliness").Rows; len(rows) != 1 || !strings.Contains(body, "按任务统一公示") {
		t.Errorf("the timeliness page:\n%s", body)
	}
	rec, _ = a.Page(t, members[0], "GET", "/staff/publications", nil)
	if rec.Code != http.StatusForbidden {
		t.Errorf("an inspector's timeliness page: %d", rec.Code)
	}
}

// TestPublishTaskPage: the approver sets the department to publish by
// task; the task page says why its results cannot be published yet, a
// publish posted anyway is refused with that reason, and one entity's
// result is no longer published on its own.
func TestPublishTaskPage(t *testing.T) {
	a := webtest.New(t)
	in, _ := a.Inspection(t)
	rec, _ := a.Page(t, "planner", "POST", "/staff/publications/mode", url.Values{"dept": {in.Dept}, "mode": {spotcheck.PublishByTask}})
	if rec.Code != http.StatusForbidden {
		t.Errorf("a planner sets the mode: %d", rec.Code)
	}
	post(t, a, "approver", "/staff/publications/mode", url.Values{"dept": {in.Dept}, "mode": {spotcheck.PublishByTask}})
	if m, err := a.DB.Publications().FindPublicationMode(a.As(t, "approver"), in.Dept); err != nil || m != spotcheck.PublishByTask {
		t.Fatalf("mode %q, %v", m, err)
	}
	task := "/staff/tasks/" + url.PathEscape(in.Task)
	_, body := a.Page(t, "approver", "GET", task, nil)
	if !strings.Contains(body, `id="publish-why"`) || !strings.Contains(body, "尚有检查结果未审核") {
		t.Errorf("the task page does not say why:\n%s", body)
	}
	rec, body = a.Page(t, "approver", "POST", task+"/publish-results", nil)
	if rec.Code != http.StatusConflict || !strings.Contains(body, "尚有检查结果未审核") {
		t.Errorf("publish the open task: %d", rec.Code)
	}
	rec, _ = a.Page(t, "planner", "POST", task+"/publish-results", nil)
	if rec.Code != http.StatusForbidden {
		t.Errorf("a planner publishes the task: %d", rec.Code)
	}
}

// TestPublicationsLateByPerson: a result approved on time but published
// two months later is late: its page marks the publication 逾期, the
// timeliness page counts it as late for the department, and the
// supervisor sees it by person — the approver who published it, by name
// — while the approver sees the counts only.
func TestPublicationsLateByPerson(t *testing.T) {
	a := webtest.New(t)
	in, members := a.Inspection(t)
	rec := &spotcheck.Inspection{ID: in.ID, Methods: []string{spotcheck.MethodWritten},
		Completed: webtest.Now().In(spotcheck.ChinaTime).Format(spotcheck.DateLayout), Results: []string{"R01"}}
	for _, it := range in.Items {
		rec.Findings = append(rec.Findings, spotcheck.ItemFinding{Item: it, Outcome: spotcheck.FindingNone})
	}
	a.Approve(t, rec, members, "approver")
	a.DB.Now = func() time.Time { return webtest.Now().AddDate(0, 2, 0) }
	path := fmt.Sprintf("/staff/inspections/%d", in.ID)
	post(t, a, "approver", path+"/publish", url.Values{"from": {spotcheck.InspectionApproved}})
	_, body := a.Page(t, "approver", "GET", path, nil)
	if !strings.Contains(webtest.TableOf(t, body, "inspection-publications").Rows[0][1], "逾期") {
		t.Errorf("the inspection's publication is not marked late:\n%s", body)
	}
	approver, err := a.DB.Accounts().FindUserByUsername(webtest.System(), "approver")
	if err != nil {
		t.Fatal(err)
	}
	_, body = a.Page(t, "supervisor", "GET", "/staff/publications", nil)
	counts := webtest.TableOf(t, body, "timeliness").Rows
	if len(counts) != 1 || counts[0][1] != "0" || counts[0][2] != "1" {
		t.Errorf("the timeliness counts: %q", counts)
	}
	persons := webtest.TableOf(t, body, "late-persons").Rows
	if len(persons) != 1 || persons[0][0] != approver.Name || persons[0][1] != "1" || persons[0][2] != "0" {
		t.Errorf("late by person: %q, want %s with one late publication", persons, approver.Name)
	}
	if rows := webtest.TableOf(t, body, "late-by-person").Rows; len(rows) != 1 || !strings.Contains(rows[0][2], in.EntityName) {
		t.Errorf("the late ones: %q", rows)
	}
	_, body = a.Page(t, "approver", "GET", "/staff/publications", nil)
	if strings.Contains(body, `id="late-persons"`) || len(webtest.TableOf(t, body, "timeliness").Rows) != 1 {
		t.Errorf("the approver's timeliness page:\n%s", body)
	}
}

// TestPublishTaskResultsPage: once every result of the task is decided,
// the approver's task page offers to publish them at once; doing so
// publishes each approved result (the portal's 抽查结果公告 lists them all)
// and the button is gone.
func TestPublishTaskResultsPage(t *testing.T) {
	a := webtest.New(t)
	in, _ := a.Inspection(t)
	post(t, a, "approver", "/staff/publications/mode", url.Values{"dept": {in.Dept}, "mode": {spotcheck.PublishByTask}})
	sys := webtest.System()
	list, err := a.DB.Inspections().FindInspections(sys, spotcheck.InspectionFilter{Task: in.Task})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range list {
		var members []string
		for _, sid := range x.Team {
			name := strings.ToLower(sid)
			if _, err := a.DB.Accounts().FindUserByUsername(sys, name); err != nil {
				who, err := a.DB.Inspectors().FindInspectorByID(sys, sid)
				if err != nil {
					t.Fatal(err)
				}
				u := &spotcheck.User{Username: name, Name: who.Name, Dept: who.Dept, Roles: []string{spotcheck.RoleInspector}, StaffID: sid}
				if err := a.DB.Accounts().CreateUser(sys, u, demo.Password); err != nil {
					t.Fatal(err)
				}
			}
			members = append(members, name)
		}
		if len(members) == 0 {
			t.Fatalf("inspection %d has no team", x.ID)
		}
		rec := &spotcheck.Inspection{ID: x.ID, Methods: []string{spotcheck.MethodWritten},
			Completed: webtest.Now().In(spotcheck.ChinaTime).Format(spotcheck.DateLayout), Results: []string{"R01"}}
		for _, it := range x.Items {
			rec.Findings = append(rec.Findings, spotcheck.ItemFinding{Item: it, Outcome: spotcheck.FindingNone})
		}
		a.Approve(t, rec, members, "approver")
	}
	task := "/staff/tasks/" + url.PathEscape(in.Task)
	_, body := a.Page(t, "approver", "GET", task, nil)
	if !strings.Contains(body, task+"/publish-results") || strings.Contains(body, `id="publish-why"`) ||
		strings.Contains(body, `href="/results/`) {
		t.Fatalf("the task page lacks the button:\n%s", body)
	}
	_, body = a.Page(t, "planner", "GET", task, nil)
	if strings.Contains(body, "/publish-results") {
		t.Error("the planner is offered the button")
	}
	post(t, a, "approver", task+"/publish-results", nil)
	_, body = a.Page(t, "", "GET", "/results/"+url.PathEscape(in.Task), nil)
	if rows := webtest.TableOf(t, body, "taskresults").Rows; len(rows) != len(list) {
		t.Errorf("the 抽查结果公告 lists %d results, want %d", len(rows), len(list))
	}
	_, body = a.Page(t, "approver", "GET", task, nil)
	if strings.Contains(body, task+"/publish-results") || !strings.Contains(body, "没有待公示") ||
		!strings.Contains(body, `href="/results/`+in.Task+`"`) {
		t.Errorf("the task page after publishing:\n%s", body)
	}
}
