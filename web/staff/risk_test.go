package staff_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/internal/webtest"
	"spotcheck/riskfile"
	"spotcheck/web"
)

// riskModelFile is the default model under version, in force from the
// start of the tests' year.
func riskModelFile(version string) []byte {
	s := strings.Replace(string(riskfile.Default()), "effective_from = 2026-12-01", "effective_from = 2026-01-01", 1)
	return []byte(strings.Replace(s, `version = "2026.1"`, `version = "`+version+`"`, 1))
}

// postRiskModel posts data as the model file of /staff/risk, as user.
func postRiskModel(t *testing.T, a *webtest.App, user string, data []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "model.toml")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest("POST", "/staff/risk/models", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: "spotcheck_session", Value: a.Session(t, user)})
	rec := httptest.NewRecorder()
	a.Web.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

var runPathRe = regexp.MustCompile(`^/staff/risk/runs/(\d+)\?ok=risk-previewing$`)

// previewRun previews dept's reclassification from the page as user,
// waits until the run's page shows the preview done (waitRun) and returns
// the run's number.
func previewRun(t *testing.T, a *webtest.App, user, dept string) int64 {
	t.Helper()
	id := startPreview(t, a, user, dept)
	waitRun(t, a, user, id)
	return id
}

// startPreview posts the preview of dept's reclassification as user and
// returns the run's number from the redirect, which comes at once.
func startPreview(t *testing.T, a *webtest.App, user, dept string) int64 {
	t.Helper()
	rec, body := a.Page(t, user, "POST", "/staff/risk/runs", url.Values{"dept": {dept}})
	m := runPathRe.FindStringSubmatch(rec.Header().Get("Location"))
	if rec.Code != http.StatusSeeOther || m == nil {
		t.Fatalf("preview of %s by %s: %d %s\n%s", dept, user, rec.Code, rec.Header().Get("Location"), body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// waitRun reloads run id's page as user, as its meta refresh does, until
// it no longer shows work in progress, and returns the page; it fails the
// test after a minute.
func waitRun(t *testing.T, a *webtest.App, user string, id int64) string {
	t.Helper()
	path := "/staff/risk/runs/" + strconv.FormatInt(id, 10)
	deadline := time.Now().Add(time.Minute)
	for {
		rec, body := a.Page(t, user, "GET", path, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d\n%s", path, rec.Code, body)
		}
		working := strings.Contains(body, `id="risk-working"`)
		if working != strings.Contains(body, `<meta http-equiv="refresh" content="3; url=`+path+`">`) {
			t.Fatalf("%s: work in progress %v, but not the refresh:\n%s", path, working, body)
		}
		if !working {
			return body
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still in progress after a minute:\n%s", path, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRiskPage (issue 14, item 2): the city's department admin loads a
// model file (a bad one shows its problems by line and loads nothing),
// previews the city, reads the summary by name, applies it and reads the
// moves; the district admin previews only its subtree, cannot open or
// apply the city's run, and its own preview is stale once the city's is
// applied; a second apply is refused; a cross-site form and a planner
// are refused.
func TestRiskPage(t *testing.T) {
	a := webtest.New(t)
	rec, body := a.Page(t, "cityadmin", "GET", "/staff/risk", nil)
	if rec.Code != http.StatusOK || !strings.Contains(body, "尚未载入风险模型") || !strings.Contains(body, `<a href="/staff/risk">信用风险分类</a>`) ||
		!strings.Contains(body, "鼓楼区文化体育和旅游局</option>") || !strings.Contains(body, "还没有重新分类") {
		t.Fatalf("the empty page: %d\n%s", rec.Code, body)
	}

	// A bad file: every problem with its line, nothing loaded.
	bad := strings.Replace(string(riskModelFile("2026.9")), `id = "penalties"`, `id = "weather"`, 1)
	code, body := postRiskModel(t, a, "cityadmin", []byte(bad))
	problems := regexp.MustCompile(`(?s)<ul id="risk-load-problems">(.*?)</ul>`).FindStringSubmatch(body)
	if code != http.StatusBadRequest || problems == nil || !regexp.MustCompile(`第\d+行 [^：]+：未知的因子“weather”`).MatchString(problems[1]) ||
		!strings.Contains(body, "文件未载入") {
		t.Fatalf("a bad model file: %d\n%s", code, body)
	}
	if ms, err := a.DB.Risk().FindRiskModels(webtest.System()); err != nil || len(ms) != 0 {
		t.Fatalf("a bad file loaded: %v, %v", ms, err)
	}
	// Only the city level loads the city's model.
	if code, body := postRiskModel(t, a, "gladmin", riskModelFile("2026.1")); code != http.StatusForbidden ||
		!strings.Contains(body, "只有市级部门管理员可以载入") {
		t.Fatalf("a district loads a model: %d\n%s", code, body)
	}
	if code, body := postRiskModel(t, a, "cityadmin", riskModelFile("2026.1")); code != http.StatusSeeOther {
		t.Fatalf("load: %d\n%s", code, body)
	}
	_, body = a.Page(t, "cityadmin", "GET", "/staff/risk?ok=risk-model-loaded", nil)
	models := webtest.TableOf(t, body, "risk-models")
	if len(models.Rows) != 1 || models.Rows[0][0] != "2026.1" || models.Rows[0][5] != "现行" || models.Rows[0][3] != "市局部门管理员（示例）" ||
		!strings.Contains(body, "风险模型已载入") {
		t.Fatalf("models: %+v", models)
	}

	// The district previews its own subtree, not the city's.
	if rec, _ := a.Page(t, "gladmin", "POST", "/staff/risk/runs", url.Values{"dept": {"FZWL"}}); rec.Code != http.StatusForbidden {
		t.Errorf("a district previews the city: %d", rec.Code)
	}
	_, body = a.Page(t, "gladmin", "GET", "/staff/risk", nil)
	if strings.Contains(body, `value="FZWL"`) || !strings.Contains(body, `value="GLWL"`) {
		t.Errorf("the district's choice of departments:\n%s", body)
	}
	district := previewRun(t, a, "gladmin", "GLWL")
	city := previewRun(t, a, "cityadmin", "FZWL")
	run, err := a.DB.Risk().FindRiskRun(webtest.System(), city)
	if err != nil || run.State != spotcheck.RiskRunPreviewed || run.Moves == 0 {
		t.Fatalf("the city's run: %+v, %v", run, err)
	}

	// The summary, by name; the button with its sentence.
	rec, body = a.Page(t, "cityadmin", "GET", "/staff/risk/runs/"+strconv.FormatInt(city, 10), nil)
	if rec.Code != http.StatusOK || !strings.Contains(body, "已预览") || !strings.Contains(body, `action="/staff/risk/runs/`+strconv.FormatInt(city, 10)+`/apply"`) ||
		!strings.Contains(body, "福州市文化和旅游局的 "+strconv.Itoa(run.Moves)+" 个检查对象将按本次预览改变") {
		t.Fatalf("the previewed run: %d\n%s", rec.Code, body)
	}
	code6 := regexp.MustCompile(`^(\d{6}|T\d\d)$`)
	total := 0
	for _, c := range []struct{ id, col string }{{"risk-by-division", "区划"}, {"risk-by-type", "类型"}} {
		tb := webtest.TableOf(t, body, c.id)
		for _, name := range tb.Column(t, c.col) {
			if code6.MatchString(name) {
				t.Errorf("%s shows the code %s, not its name", c.id, name)
			}
		}
		if c.id == "risk-by-division" {
			for _, n := range tb.Column(t, "对象数") {
				k, _ := strconv.Atoi(n)
				total += k
			}
		}
	}
	if total != run.Moves {
		t.Errorf("the divisions count %d moves, the run %d", total, run.Moves)
	}
	if !strings.Contains(webtest.Text(body), "鼓楼区") {
		t.Errorf("no division named 鼓楼区 in the summary")
	}

	// The district neither sees nor applies the city's run.
	for _, m := range []string{"GET", "POST"} {
		path := "/staff/risk/runs/" + strconv.FormatInt(city, 10)
		var form url.Values
		if m == "POST" {
			path, form = path+"/apply", url.Values{}
		}
		if rec, _ := a.Page(t, "gladmin", m, path, form); rec.Code != http.StatusNotFound && rec.Code != http.StatusForbidden {
			t.Errorf("the district %s %s: %d", m, path, rec.Code)
		}
	}
	_, body = a.Page(t, "gladmin", "GET", "/staff/risk", nil)
	if runs := webtest.TableOf(t, body, "risk-runs"); len(runs.Rows) != 1 || runs.Rows[0][0] != "第"+strconv.FormatInt(district, 10)+"号" ||
		runs.Rows[0][2] != "鼓楼区文化体育和旅游局" || runs.Rows[0][4] != "已预览" {
		t.Errorf("the district's runs: %+v", runs)
	}

	// A cross-site form is refused; the admin's own applies the run.
	req := httptest.NewRequest("POST", "/staff/risk/runs/"+strconv.FormatInt(city, 10)+"/apply", strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.AddCookie(&http.Cookie{Name: "spotcheck_session", Value: a.Session(t, "cityadmin")})
	rr := httptest.NewRecorder()
	a.Web.ServeHTTP(rr, req)
	if rr.Code != http.StatusForbidden {
		t.Errorf("cross-site apply: %d", rr.Code)
	}
	if r, _ := a.DB.Risk().FindRiskRun(webtest.System(), city); r.State != spotcheck.RiskRunPreviewed {
		t.Fatalf("a cross-site form applied the run: %+v", r)
	}
	rec, body = a.Page(t, "cityadmin", "POST", "/staff/risk/runs/"+strconv.FormatInt(city, 10)+"/apply", url.Values{})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/staff/risk/runs/"+strconv.FormatInt(city, 10)+"?ok=risk-applying" {
		t.Fatalf("apply: %d %s\n%s", rec.Code, rec.Header().Get("Location"), body)
	}
	body = waitRun(t, a, "cityadmin", city)
	changes, err := a.DB.Risk().FindRiskChanges(webtest.System(), city)
	if err != nil || len(changes) != run.Moves {
		t.Fatalf("changes: %d, %v", len(changes), err)
	}
	shown := webtest.TableOf(t, body, "risk-changes")
	if !strings.Contains(body, `<strong id="risk-changes-total">`+strconv.Itoa(len(changes))+`</strong>`) ||
		len(shown.Rows) != min(len(changes), 300) || strings.Contains(body, `id="risk-apply"`) || !strings.Contains(body, "不能再次应用") {
		t.Fatalf("the applied run: %d rows of %d\n%s", len(shown.Rows), len(changes), body)
	}
	c := changes[0]
	e, err := a.DB.Entities().FindEntityByID(webtest.System(), c.Entity)
	if err != nil {
		t.Fatal(err)
	}
	if row := shown.Rows[0]; row[0] != e.Name+" "+e.ID || row[1] != c.OldClass+"类" || !strings.HasPrefix(row[2], c.NewClass+"类（") ||
		row[4] != strconv.Itoa(c.Score) || row[5] != c.Reason || !strings.Contains(body, `href="/staff/entities/`+c.Entity+`"`) {
		t.Errorf("the first move %+v shown as %q", c, row)
	}

	// Applied twice, and the district's preview is stale now.
	rec, body = a.Page(t, "cityadmin", "POST", "/staff/risk/runs/"+strconv.FormatInt(city, 10)+"/apply", url.Values{})
	if rec.Code != http.StatusConflict || !strings.Contains(body, "不能再次应用") {
		t.Errorf("a second apply: %d\n%s", rec.Code, body)
	}
	rec, body = a.Page(t, "gladmin", "POST", "/staff/risk/runs/"+strconv.FormatInt(district, 10)+"/apply", url.Values{})
	if rec.Code != http.StatusConflict || !strings.Contains(body, "已过期") || strings.Contains(body, `id="risk-apply"`) {
		t.Errorf("a stale run: %d\n%s", rec.Code, body)
	}

	// A planner has no part in it; nor a link to it.
	for _, p := range []struct{ method, path string }{{"GET", "/staff/risk"}, {"POST", "/staff/risk/runs"},
		{"GET", "/staff/risk/runs/" + strconv.FormatInt(city, 10)}, {"POST", "/staff/risk/runs/" + strconv.FormatInt(district, 10) + "/apply"}} {
		var form url.Values
		if p.method == "POST" {
			form = url.Values{"dept": {"FZWL"}}
		}
		if rec, _ := a.Page(t, "planner", p.method, p.path, form); rec.Code != http.StatusForbidden {
			t.Errorf("planner %s %s: %d", p.method, p.path, rec.Code)
		}
	}
	if _, body := a.Page(t, "planner", "GET", "/staff/", nil); strings.Contains(body, `href="/staff/risk"`) {
		t.Error("the planner's menu links to the risk page")
	}
}

// busyRisk is a risk service on which another run is computing.
type busyRisk struct{ spotcheck.RiskService }

func (busyRisk) PreviewReclassification(context.Context, string) (*spotcheck.RiskRun, error) {
	return nil, spotcheck.Errorf(spotcheck.ECONFLICT, "已有一次信用风险重新分类正在计算（第7号，FZWL，2026-11-26 09:00由cityadmin开始），请待其完成后再试")
}

// TestRiskPreviewBusy: a preview while another run computes shows why on
// the page, with the department still chosen; a preview without a
// department asks for one.
func TestRiskPreviewBusy(t *testing.T) {
	a := webtest.New(t, func(c *web.Config) { c.Services.Risk = busyRisk{c.Services.Risk} })
	rec, body := a.Page(t, "gladmin", "POST", "/staff/risk/runs", url.Values{"dept": {"GLWL"}})
	if rec.Code != http.StatusConflict || !strings.Contains(body, "已有一次信用风险重新分类正在计算") ||
		!strings.Contains(body, `<option value="GLWL" selected>`) {
		t.Fatalf("a busy preview: %d\n%s", rec.Code, body)
	}
	if rec, body := a.Page(t, "gladmin", "POST", "/staff/risk/runs", url.Values{}); rec.Code != http.StatusBadRequest ||
		!strings.Contains(body, "请选择要重新分类的部门") {
		t.Fatalf("no department: %d\n%s", rec.Code, body)
	}
}
