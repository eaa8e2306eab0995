package web

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/draw"
)

// TestDrawPagesByRole: who reaches the task and draw pages (design §1):
// planners, supervisors and approvers of the task's departments (the
// supervisors everywhere); not inspectors or admins, nor a planner of
// another department; visitors are sent to sign in.
func TestDrawPagesByRole(t *testing.T) {
	s, _ := newDrawTestServer(t)
	viewers := []string{"planner", "supervisor", "approver", "chief"}
	pages := []string{"/staff/tasks", "/staff/tasks/2026-FZ-002", "/staff/draws", "/staff/draws/1", "/staff/draws/2",
		"/staff/draws/3"}
	for _, path := range pages {
		for _, u := range viewers {
			if rec, body := page(t, s, u, "GET", path, nil); rec.Code != 200 {
				t.Errorf("%s GET %s: %d, want 200\n%.400s", u, path, rec.Code, body)
			}
		}
		for _, u := range []string{"inspector", "admin"} {
			if rec, _ := page(t, s, u, "GET", path, nil); rec.Code != 403 {
				t.Errorf("%s GET %s: %d, want 403", u, path, rec.Code)
			}
		}
		if rec, _ := page(t, s, "", "GET", path, nil); rec.Code != 303 || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
			t.Errorf("visitor GET %s: %d %s, want a redirect to /login", path, rec.Code, rec.Header().Get("Location"))
		}
	}
	// A planner of 鼓楼 may use the pages, but not on the city's task,
	// which for them does not exist: the answer is a missing task's.
	for path, want := range map[string]int{"/staff/tasks": 200, "/staff/draws": 200, "/staff/tasks/2026-FZ-002": 404,
		"/staff/draws/2": 404, "/staff/draws/2/bundle.zip": 404, "/staff/tasks/2026-FZ-002/draws/new": 404} {
		rec, body := page(t, s, "glplanner", "GET", path, nil)
		if rec.Code != want || strings.Contains(body, "不属于您的部门") {
			t.Errorf("glplanner GET %s: %d, want %d\n%.300s", path, rec.Code, want, body)
		}
	}
	for _, path := range []string{"/staff/draws/2", "/staff/draws/99"} {
		if _, body := page(t, s, "glplanner", "GET", path, nil); !strings.Contains(body, "没有编号为 "+path[13:]+" 的抽取") {
			t.Errorf("glplanner GET %s: not the answer for a missing draw\n%.300s", path, body)
		}
	}
	_, body := page(t, s, "glplanner", "GET", "/staff/draws", nil)
	if strings.Contains(body, "/staff/draws/2\"") {
		t.Errorf("the list shows glplanner a draw of another department")
	}
	// The forms of planners only.
	for _, path := range []string{"/staff/tasks/new", "/staff/tasks/2026-FZ-002/draws/new"} {
		for u, want := range map[string]int{"planner": 200, "chief": 200, "supervisor": 403, "approver": 403} {
			if rec, _ := page(t, s, u, "GET", path, nil); rec.Code != want {
				t.Errorf("%s GET %s: %d, want %d", u, path, rec.Code, want)
			}
		}
	}
	// The navigation offers the pages to those who may use them.
	for u, want := range map[string]bool{"planner": true, "supervisor": true, "inspector": false} {
		rec, body := page(t, s, u, "GET", "/staff/", nil)
		if rec.Code != 200 {
			t.Fatalf("%s GET /staff/: %d", u, rec.Code)
		}
		if got := strings.Contains(body, `href="/staff/draws"`); got != want {
			t.Errorf("%s: navigation links the draws: %v, want %v", u, got, want)
		}
	}
}

// formsOf returns the actions of the POST forms of a page.
func formsOf(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<form method="post" action="([^"]+)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestDrawActionsByRole: each role is offered the steps that are theirs,
// in the states they belong to.
func TestDrawActionsByRole(t *testing.T) {
	s, _ := newDrawTestServer(t)
	tests := []struct {
		user, path string
		has, lacks []string
	}{
		{"supervisor", "/staff/draws/1", []string{"/staff/draws/1/commit"},
			[]string{"/staff/draws/1/withhold", "/staff/draws/1/run", "/staff/draws/1/reveal"}},
		{"planner", "/staff/draws/1", []string{"/staff/draws/1/withhold"},
			[]string{"/staff/draws/1/commit", "/staff/draws/1/reveal", "/staff/draws/1/embargo"}},
		{"approver", "/staff/draws/1", nil, []string{"/staff/draws/1/commit", "/staff/draws/1/withhold"}},
		{"planner", "/staff/draws/2", []string{"/staff/draws/2/changes"},
			[]string{"/staff/draws/2/changes/7/decide", "/staff/draws/2/embargo", "/staff/draws/2/run"}},
		{"approver", "/staff/draws/2", []string{"/staff/draws/2/changes/7/decide"},
			[]string{"/staff/draws/2/changes", "/staff/draws/2/embargo"}},
		{"supervisor", "/staff/draws/2", []string{"/staff/draws/2/changes/7/decide", "/staff/draws/2/embargo"},
			[]string{"/staff/draws/2/changes"}},
		// chief requested change 7: no buttons to decide it.
		{"chief", "/staff/draws/2", []string{"/staff/draws/2/changes"}, []string{"/staff/draws/2/changes/7/decide"}},
		{"supervisor", "/staff/draws/3", nil, []string{"/staff/draws/3/embargo", "/staff/draws/3/commit"}},
	}
	for _, tt := range tests {
		rec, body := page(t, s, tt.user, "GET", tt.path, nil)
		if rec.Code != 200 {
			t.Fatalf("%s GET %s: %d", tt.user, tt.path, rec.Code)
		}
		forms := formsOf(body)
		for _, a := range tt.has {
			if !slices.Contains(forms, a) {
				t.Errorf("%s on %s: no form for %s (forms %v)", tt.user, tt.path, a, forms)
			}
		}
		for _, a := range tt.lacks {
			if slices.Contains(forms, a) {
				t.Errorf("%s on %s: offered %s", tt.user, tt.path, a)
			}
		}
	}
	_, body := page(t, s, "chief", "GET", "/staff/draws/2", nil)
	if !strings.Contains(body, "本人申请，须由他人审批") {
		t.Errorf("the requester is not told that another must decide")
	}
	// The stepper shows where each draw stands.
	for path, current := range map[string]string{"/staff/draws/1": "收集承诺", "/staff/draws/2": "抽取（保密中）"} {
		_, body := page(t, s, "planner", "GET", path, nil)
		if !regexp.MustCompile(`class="step current"[^>]*><span class="stepno">\d</span> ` + current).MatchString(body) {
			t.Errorf("%s: current step is not %s", path, current)
		}
	}
}

// sealedSecrets are the values of the sealed draw 2 that no public page
// may show before the embargo ends: seed, cutoffs, selected and reserve
// entities, team members, and the per-stratum table.
var sealedSecrets = []string{fxSeed2, fxCutoff2, "0.223456789012345678", fxEntity2, fxReserve2, fxTeam2, "保密旅行社",
	"data-ticket-check", `id="cutoffs"`, `id="strata"`, "7/100"}

// TestPublicDrawSealed: before the embargo the public pages show the plan
// and the commitments, and nothing of the result, even when the service
// hands it over (a leaky fake), and say that the result is sealed.
func TestPublicDrawSealed(t *testing.T) {
	for _, leaky := range []bool{false, true} {
		s, fd := newDrawTestServer(t)
		fd.leaky = leaky
		for _, path := range []string{"/draws", "/draws/2"} {
			for _, u := range []string{"", "planner"} { // a signed-in planner gets the public page too
				rec, body := page(t, s, u, "GET", path, nil)
				if rec.Code != 200 {
					t.Fatalf("GET %s: %d", path, rec.Code)
				}
				for _, secret := range sealedSecrets {
					if strings.Contains(body, secret) {
						t.Errorf("leaky=%v %q GET %s shows %q", leaky, u, path, secret)
					}
				}
			}
		}
		_, body := page(t, s, "", "GET", "/draws/2", nil)
		for _, want := range []string{fxPlan2, strings.Repeat("b", 64), "抽取结果保密中", "第 20 条", "第 22 条", "/draws/2/bundle.zip"} {
			if !strings.Contains(body, want) {
				t.Errorf("leaky=%v: the sealed page lacks %q", leaky, want)
			}
		}
	}
}

// TestPublicDrawPublished: after the embargo the page gives the browser
// what draw.js needs — the seed and the published tickets as data
// attributes, in ticket order — and the tickets are those of spec §5;
// never the strata, cutoffs, ranks, teams or reserves (spec §8 and §9,
// amendment 1), even when the service hands them over. Staff still see
// the cutoffs on their page.
func TestPublicDrawPublished(t *testing.T) {
	s, fd := newDrawTestServer(t)
	fd.leaky = true
	const cutoffG, cutoffK = "0.987654321098765432", "0.876543210987654321"
	fd.draws[3].Strata[0].Cutoff, fd.draws[3].Strata[1].Cutoff = cutoffG, cutoffK
	rec, body := page(t, s, "", "GET", "/draws/3", nil)
	if rec.Code != 200 {
		t.Fatalf("GET /draws/3: %d", rec.Code)
	}
	if !strings.Contains(body, `data-ticket-check data-seed="`+fxSeed3+`"`) {
		t.Errorf("no ticket check with the seed")
	}
	if !strings.Contains(body, `<script src="/assets/draw.`) {
		t.Errorf("the page does not load draw.js")
	}
	rows := regexp.MustCompile(`<tr data-entity="([^"]+)" data-ticket="([^"]+)">`).FindAllStringSubmatch(body, -1)
	var got, tickets []string
	for _, m := range rows {
		got = append(got, m[1])
		tickets = append(tickets, m[2])
		if want := draw.Ticket(fxSeed3, m[1])[:20]; m[2] != want {
			t.Errorf("%s: published ticket %s, spec §5 gives %s", m[1], m[2], want)
		}
	}
	if !slices.IsSorted(tickets) {
		t.Errorf("the list is not in ticket order: %v", tickets)
	}
	sort.Strings(got)
	if want := []string{fxEntity3, fxEntity3b}; !slices.Equal(got, want) {
		t.Errorf("published entities %v, want %v", got, want)
	}
	for _, secret := range []string{fxTeam3, "INSP-4", fxReserve3, "备选社", `id="strata"`, `id="cutoffs"`,
		cutoffG, cutoffK, ">general<", ">key<", "5/100", "7/100"} {
		if strings.Contains(body, secret) {
			t.Errorf("the published page shows %q", secret)
		}
	}
	if _, staff := page(t, s, "planner", "GET", "/staff/draws/3", nil); !strings.Contains(staff, cutoffG) {
		t.Errorf("the staff page lost the cutoffs")
	}
}

// namesInForm returns the names of the fields of the form posting to action.
func namesInForm(body, action string) []string {
	i := strings.Index(body, `action="`+action+`"`)
	if i < 0 {
		return nil
	}
	form := body[i:]
	form = form[:strings.Index(form, "</form>")]
	var out []string
	for _, m := range regexp.MustCompile(`\sname="([^"]+)"`).FindAllStringSubmatch(form, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestCommitPostsOnlyCommitment: the commit form has one named field, the
// commitment (the secret fields have no name, so nothing of them is ever
// posted), with what draw.js needs and the command-line way; the server
// refuses a form carrying a secret without passing it on.
func TestCommitPostsOnlyCommitment(t *testing.T) {
	s, fd := newDrawTestServer(t)
	_, body := page(t, s, "supervisor", "GET", "/staff/draws/1", nil)
	if names := namesInForm(body, "/staff/draws/1/commit"); !slices.Equal(names, []string{"commitment"}) {
		t.Errorf("commit form posts %v, want only commitment", names)
	}
	for _, want := range []string{`data-commit-form data-plan="` + fxPlan1 + `" data-participant="supervisor"`,
		"spotcheck draw commit --plan " + fxPlan1 + " --participant supervisor", "data-nocrypto", "data-secret"} {
		if !strings.Contains(body, want) {
			t.Errorf("commit page lacks %q", want)
		}
	}
	secret := "纪检监察室见证-测试秘密值-二〇二六年三月"
	rec, body := page(t, s, "supervisor", "POST", "/staff/draws/1/commit",
		url.Values{"commitment": {draw.Commitment(fxPlan1, "supervisor", secret)}, "secret": {secret}})
	if rec.Code != 400 || strings.Contains(body, secret) || len(fd.calls) != 0 {
		t.Errorf("a commit with a secret: %d, calls %v", rec.Code, fd.calls)
	}
	rec, body = page(t, s, "supervisor", "POST", "/staff/draws/1/commit", url.Values{"commitment": {""}})
	if rec.Code != 400 || !strings.Contains(body, "请填写承诺值") {
		t.Errorf("an empty commitment: %d", rec.Code)
	}
	c := draw.Commitment(fxPlan1, "supervisor", secret)
	rec, _ = page(t, s, "supervisor", "POST", "/staff/draws/1/commit", url.Values{"commitment": {c}})
	if rec.Code != 303 || rec.Header().Get("Location") != "/staff/draws/1?ok=committed" {
		t.Errorf("commit: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if want := []string{"CommitDraw supervisor " + c}; !slices.Equal(fd.calls, want) {
		t.Errorf("calls %v, want %v", fd.calls, want)
	}
	// Now the draw waits for the reveal, which posts the secret.
	_, body = page(t, s, "supervisor", "GET", "/staff/draws/1", nil)
	if names := namesInForm(body, "/staff/draws/1/reveal"); !slices.Equal(names, []string{"secret"}) {
		t.Errorf("reveal form posts %v", names)
	}
	if !strings.Contains(body, `data-commitment="`+c+`"`) {
		t.Errorf("the reveal form lacks the commitment draw.js checks against")
	}
	// Others may not commit; a planner is refused by the route.
	if rec, _ := page(t, s, "planner", "POST", "/staff/draws/1/commit", url.Values{"commitment": {c}}); rec.Code != 403 {
		t.Errorf("planner commits: %d", rec.Code)
	}
}

// TestTaskFormErrors: a malformed task form comes back with the problems
// beside their fields and everything as typed.
func TestTaskFormErrors(t *testing.T) {
	s, fd := newDrawTestServer(t)
	form := url.Values{"code": {"x"}, "name": {"测试任务名称"}, "authority": {"FZ"}, "strata_by": {"credit"},
		"rate.A": {"abc"}, "min.A": {"1"}, "rate.B": {"1/100"}, "min.B": {"zz"}, "rate.C": {"5/100"}, "rate.D": {"5/100"},
		"team_unit": {"FZ", ""}, "team_size": {"two", ""}, "start": {"2026-13-01"}, "end": {"2026-03-31"},
		"cap_slack": {"0"}, "annual_cap": {"2"}, "partners": {"GL"}}
	rec, body := page(t, s, "planner", "POST", "/staff/tasks", form)
	if rec.Code != 400 {
		t.Fatalf("POST /staff/tasks: %d", rec.Code)
	}
	for _, want := range []string{"应为3–48位字母", "抽查比例“abc”应写成 a/b", "低于 3%", "“zz”不是整数", "“two”不是整数",
		"不是有效日期", "至少选择一个抽查事项",
		`value="测试任务名称"`, `value="abc"`, `value="zz"`, `value="two"`, `value="2026-13-01"`,
		`name="partners" value="GL" checked`} {
		if !strings.Contains(body, want) {
			t.Errorf("form lacks %q", want)
		}
	}
	if len(fd.calls) != 0 {
		t.Errorf("a malformed form reached the service: %v", fd.calls)
	}
	// A good one is created.
	form = url.Values{"code": {"2026-FZ-009"}, "name": {"演出市场抽查"}, "authority": {"FZ"}, "strata_by": {"key"},
		"rate.key": {"10/100"}, "min.key": {"1"}, "rate.general": {"5/100"}, "rate.A": {"bogus, not this stratification"},
		"items": {"FZ-001"}, "team_unit": {"FZ"}, "team_size": {"2"}, "start": {"2026-04-01"}, "end": {"2026-04-30"},
		"annual_cap": {"2"}, "cap_slack": {"0"}, "eligible_status": {spotcheck.StatusOperating}}
	rec, body = page(t, s, "planner", "POST", "/staff/tasks", form)
	if rec.Code != 303 || rec.Header().Get("Location") != "/staff/tasks/2026-FZ-009?ok=created" {
		t.Fatalf("create: %d %s\n%s", rec.Code, rec.Header().Get("Location"), body)
	}
	tk := fd.tasks["2026-FZ-009"]
	if len(tk.Strata) != 2 || tk.Strata[0].ID != "general" || tk.Team[0] != (spotcheck.TeamSlot{Unit: "FZ", Size: 2}) {
		t.Errorf("task saved as %+v", tk)
	}
	// The new form proposes the planner's department.
	_, body = page(t, s, "planner", "GET", "/staff/tasks/new", nil)
	if !strings.Contains(body, `<option value="FZ" selected>`) {
		t.Errorf("the new task form does not propose the planner's department")
	}
}

// TestDrawFormsErrors: the change request and the plan forms keep what was
// typed and name the fields that are wrong; refused steps say why.
func TestDrawFormsErrors(t *testing.T) {
	s, fd := newDrawTestServer(t)
	rec, body := page(t, s, "planner", "POST", "/staff/draws/2/changes",
		url.Values{"kind": {"replace"}, "entity": {fxEntity2}, "note": {"人员调整说明"}})
	if rec.Code != 400 {
		t.Fatalf("change without reason: %d", rec.Code)
	}
	for _, want := range []string{"请选择原因", "请填写被更换的检查人员编号", "请填写接替的检查人员编号",
		`value="人员调整说明"`, `<option value="replace" selected>`, `<option value="` + fxEntity2 + `" selected>`} {
		if !strings.Contains(body, want) {
			t.Errorf("change form lacks %q", want)
		}
	}
	rec, _ = page(t, s, "planner", "POST", "/staff/draws/2/changes",
		url.Values{"kind": {"substitute"}, "entity": {fxEntity2}, "reason": {"closed"}})
	if rec.Code != 303 {
		t.Errorf("change request: %d", rec.Code)
	}
	rec, body = page(t, s, "planner", "POST", "/staff/tasks/2026-FZ-002/draws",
		url.Values{"officials": {"Bad Name"}, "beacon_round": {"soon"}, "reason": {"重抽"}, "supersedes": {"2"}})
	if rec.Code != 400 {
		t.Fatalf("plan: %d", rec.Code)
	}
	for _, want := range []string{"不是有效的用户名", "轮次“soon”应为正整数", "至少4个字", `value="Bad Name"`, ">重抽</textarea>"} {
		if !strings.Contains(body, want) {
			t.Errorf("plan form lacks %q", want)
		}
	}
	// Without naming the draw it supersedes, the store refuses; the form says why.
	rec, body = page(t, s, "planner", "POST", "/staff/tasks/2026-FZ-002/draws", url.Values{"officials": {"supervisor"}})
	if rec.Code != 409 || !strings.Contains(body, "已有抽取") {
		t.Errorf("second draw without supersedes: %d", rec.Code)
	}
	// A step refused in the draw's state shows the page with the reason.
	rec, body = page(t, s, "planner", "POST", "/staff/draws/2/run", url.Values{})
	if rec.Code != 409 || !strings.Contains(body, "当前状态为“已抽取（保密中）”，不能进行此操作") {
		t.Errorf("run of a drawn draw: %d", rec.Code)
	}
	// The approver decides chief's request; chief may not.
	rec, _ = page(t, s, "chief", "POST", "/staff/draws/2/changes/7/decide", url.Values{"decision": {"approve"}})
	if rec.Code != 403 {
		t.Errorf("the requester decides: %d", rec.Code)
	}
	rec, body = page(t, s, "approver", "POST", "/staff/draws/2/changes/7/decide", url.Values{})
	if rec.Code != 400 || !strings.Contains(body, "请选择批准或驳回") {
		t.Errorf("decision without approve/reject: %d", rec.Code)
	}
	rec, _ = page(t, s, "approver", "POST", "/staff/draws/3/changes/7/decide", url.Values{"decision": {"approve"}})
	if rec.Code != 404 {
		t.Errorf("decision of another draw's change: %d", rec.Code)
	}
	rec, _ = page(t, s, "approver", "POST", "/staff/draws/2/changes/7/decide", url.Values{"decision": {"approve"}})
	if rec.Code != 303 || rec.Header().Get("Location") != "/staff/draws/2?ok=approved" {
		t.Errorf("approval: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	// Lifting the embargo needs a reason and a supervisor.
	rec, body = page(t, s, "supervisor", "POST", "/staff/draws/2/embargo", url.Values{})
	if rec.Code != 400 || !strings.Contains(body, "请说明解除保密的原因") {
		t.Errorf("lift without reason: %d", rec.Code)
	}
	if rec, _ = page(t, s, "approver", "POST", "/staff/draws/2/embargo", url.Values{"reason": {"检查结果已公示"}}); rec.Code != 403 {
		t.Errorf("approver lifts: %d", rec.Code)
	}
	rec, _ = page(t, s, "supervisor", "POST", "/staff/draws/2/embargo", url.Values{"reason": {"检查结果已公示"}})
	if rec.Code != 303 || fd.draws[2].State != spotcheck.DrawPublished {
		t.Errorf("lift: %d, state %s", rec.Code, fd.draws[2].State)
	}
	// A re-draw names the draw it supersedes, and says why.
	rec, _ = page(t, s, "planner", "POST", "/staff/tasks/2026-FZ-002/draws",
		url.Values{"officials": {"supervisor"}, "supersedes": {"2"}, "reason": {"检查对象名录更新后重新抽取"}})
	if rec.Code != 303 || !strings.HasPrefix(rec.Header().Get("Location"), "/staff/draws/4?ok=planned") {
		t.Errorf("re-draw: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if fd.draws[2].State != spotcheck.DrawSuperseded {
		t.Errorf("the re-draw left draw 2 %s", fd.draws[2].State)
	}
	want := []string{"RequestDrawChange substitute " + fxEntity2, "DecideDrawChange approved",
		"LiftEmbargo 检查结果已公示", "PlanDraw 2026-FZ-002 supervisor"}
	if !slices.Equal(fd.calls, want) {
		t.Errorf("calls %v, want %v", fd.calls, want)
	}
}

// zipNames lists the files of a zip.
func zipNames(t *testing.T, b []byte) []string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	var out []string
	for _, f := range zr.File {
		out = append(out, f.Name)
	}
	return out
}

// TestDrawBundle: staff of the task get every file, the public what spec
// §9 lets it see, each with log/ from the ledger.
func TestDrawBundle(t *testing.T) {
	s, fd := newDrawTestServer(t)
	dir := "2026-FZ-002-222222222222/"
	all := []string{"plan.json", "randomness.json", "result.json", "frame.tsv", "exclusions.tsv", "roster.tsv",
		"conflicts.tsv", "selected.tsv", "assignment.tsv", "log/0.json", "log/0.proof.json", "log/1.json",
		"log/1.proof.json", "log/2.json", "log/2.proof.json", "log/checkpoint", "log/key"}
	tests := []struct {
		user, path string
		want       []string
	}{
		{"planner", "/staff/draws/2/bundle.zip", all},
		{"supervisor", "/staff/draws/2/bundle.zip", all},
		{"", "/draws/2/bundle.zip", []string{"plan.json", "log/0.json", "log/0.proof.json", "log/checkpoint", "log/key"}},
		// The public route serves the public bundle, also to staff.
		{"planner", "/draws/2/bundle.zip", []string{"plan.json", "log/0.json", "log/0.proof.json", "log/checkpoint", "log/key"}},
		// After the embargo: the published list, never the result record
		// (spec §9, amendment 1).
		{"", "/draws/3/bundle.zip", []string{"plan.json", "randomness.json", "published.tsv", "log/0.json",
			"log/0.proof.json", "log/checkpoint", "log/key"}},
		{"supervisor", "/staff/draws/3/bundle.zip", append(slices.Clone(all), "published.tsv")},
		// The public route keeps to the public files whatever the service
		// hands over.
		{"leaky", "/draws/3/bundle.zip", []string{"plan.json", "randomness.json", "published.tsv", "log/0.json",
			"log/0.proof.json", "log/1.json", "log/1.proof.json", "log/2.json", "log/2.proof.json", "log/checkpoint", "log/key"}},
	}
	for _, tt := range tests {
		fd.leaky = tt.user == "leaky"
		if fd.leaky {
			tt.user = ""
		}
		rec, body := page(t, s, tt.user, "GET", tt.path, nil)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/zip" {
			t.Fatalf("%q GET %s: %d %s", tt.user, tt.path, rec.Code, rec.Header().Get("Content-Type"))
		}
		d := dir
		if strings.Contains(tt.path, "/3/") {
			d = "2026-FZ-003-333333333333/"
		}
		var want []string
		for _, n := range tt.want {
			want = append(want, d+n)
		}
		got := zipNames(t, []byte(body))
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("%q GET %s: files\n%v\nwant\n%v", tt.user, tt.path, got, want)
		}
	}
	if rec, _ := page(t, s, "inspector", "GET", "/staff/draws/2/bundle.zip", nil); rec.Code != 403 {
		t.Errorf("inspector gets the staff bundle: %d", rec.Code)
	}
}

// TestDrawAPI: the API serves tasks and draws under the pages' rules.
func TestDrawAPI(t *testing.T) {
	s, fd := newDrawTestServer(t)
	rec, m := call(t, s, "GET", "/api/v1/draws/2", "planner", "")
	if rec.Code != 200 || m["seed"] != fxSeed2 || m["state"] != "drawn" {
		t.Errorf("draw for planner: %d %v", rec.Code, m)
	}
	if rec, m := call(t, s, "GET", "/api/v1/draws/2", "glplanner", ""); rec.Code != 404 {
		t.Errorf("draw of another department: %d %v", rec.Code, m)
	}
	if rec, m := call(t, s, "POST", "/api/v1/draws/2/run", "glplanner", "{}"); rec.Code != 404 {
		t.Errorf("running a draw of another department: %d %v", rec.Code, m)
	}
	rec, m = call(t, s, "GET", "/api/v1/draws/2/picks?limit=1", "planner", "")
	if items, _ := m["items"].([]any); rec.Code != 200 || len(items) != 1 || m["total"] != 2.0 {
		t.Errorf("picks: %d %v", rec.Code, m)
	}
	rec, m = call(t, s, "GET", "/api/v1/draws?state=drawn", "planner", "")
	if items, _ := m["items"].([]any); rec.Code != 200 || len(items) != 1 {
		t.Errorf("draws: %d %v", rec.Code, m)
	}
	if rec, _ := call(t, s, "GET", "/api/v1/draws?colour=red", "planner", ""); rec.Code != 400 {
		t.Errorf("unknown filter: %d", rec.Code)
	}
	task := `{"code":"2026-FZ-010","name":"网吧抽查","items":["FZ-001"],"strata_by":"key",` +
		`"strata":[{"id":"key","rate":"10/100","min":1},{"id":"general","rate":"3/100"}],` +
		`"team":[{"unit":"FZ","size":2}],"start":"2026-05-01","end":"2026-05-31"}`
	rec, m = call(t, s, "POST", "/api/v1/tasks", "planner", task)
	if rec.Code != 201 || rec.Header().Get("Location") != "/api/v1/tasks/2026-FZ-010" || m["authority"] != "FZ" {
		t.Errorf("create task: %d %s %v", rec.Code, rec.Header().Get("Location"), m)
	}
	rec, m = call(t, s, "POST", "/api/v1/tasks", "planner", `{"code":"x","strata":[{"id":"A","rate":"1/1000"}]}`)
	if code, fields := errorOf(t, m); rec.Code != 400 || code != spotcheck.EINVALID || fields["code"] == nil || fields["strata.A"] == nil {
		t.Errorf("invalid task: %d %v", rec.Code, m)
	}
	rec, m = call(t, s, "POST", "/api/v1/draws/1/withhold", "planner", `{"participant":"supervisor","note":"未到场"}`)
	if rec.Code != 201 || m["state"] != "failed" {
		t.Errorf("withhold: %d %v", rec.Code, m)
	}
	rec, m = call(t, s, "POST", "/api/v1/draws/2/changes", "planner", `{"kind":"assign","entity":"`+fxEntity2+`","reason":"no-team","inspectors":["I1","I2"]}`)
	if rec.Code != 201 || m["state"] != "pending" || m["requested_by"] != "planner" {
		t.Errorf("change: %d %v", rec.Code, m)
	}
	rec, _ = call(t, s, "POST", "/api/v1/draws/2/changes/7/decide", "planner", `{"approve":true}`)
	if rec.Code != 403 {
		t.Errorf("planner decides: %d", rec.Code)
	}
	var doc map[string]any
	rec2, _ := page(t, s, "", "GET", "/api/v1/openapi.json", nil)
	json.Unmarshal(rec2.Body.Bytes(), &doc)
	paths := doc["paths"].(map[string]any)
	for _, p := range []string{"/tasks", "/tasks/{code}", "/tasks/{task}/draws", "/draws/{id}/commit",
		"/draws/{draw_id}/changes/{id}/decide", "/draws/{id}/embargo"} {
		if paths[p] == nil {
			t.Errorf("OpenAPI document lacks %s", p)
		}
	}
	if want := []string{"CreateTask 2026-FZ-010", "WithholdReveal supervisor", "RequestDrawChange assign " + fxEntity2}; !slices.Equal(fd.calls, want) {
		t.Errorf("calls %v, want %v", fd.calls, want)
	}
}
