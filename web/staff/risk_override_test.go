package staff_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/internal/webtest"
)

// TestEntityPageRiskOverride (issue 14, item 2): 鼓楼区's administrator
// overrides an entity's class from its page — a short reason and an
// expiry over a year are shown beside their fields and change nothing —
// sees the override with its reason, expiry and author, and revokes it;
// a planner of the district sees the override but no form and may not
// post one; another district's entity is not found; a cross-site form is
// refused.
func TestEntityPageRiskOverride(t *testing.T) {
	a := webtest.New(t)
	ctx := webtest.System()
	var e, other *spotcheck.Entity
	for _, d := range a.Data.Entities {
		stored, err := a.DB.Entities().FindEntityByID(ctx, d.ID)
		if err != nil || !stored.Active {
			continue
		}
		switch {
		case e == nil && stored.Dept == "GLWL" && stored.CreditClass != "D":
			e = stored
		case other == nil && stored.Dept == "TJWL":
			other = stored
		}
	}
	if e == nil || other == nil {
		t.Fatal("no entity of 鼓楼区 and of 台江区 in the demo data")
	}
	path := "/staff/entities/" + url.PathEscape(e.ID)
	_, body := a.Page(t, "gladmin", "GET", path, nil)
	if !strings.Contains(body, `id="risk-override-form"`) || !strings.Contains(webtest.Text(body), "当前没有人工调整") {
		t.Fatalf("the administrator's page has no override form")
	}

	for _, c := range []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"a short reason", url.Values{"class": {"D"}, "reason": {" 抽查 "}, "expires": {"2027-01-31"}}, 422, "必须说明原因，至少4个字"},
		{"over a year", url.Values{"class": {"D"}, "reason": {"群众多次投诉"}, "expires": {"2027-11-27"}}, 422, "超过一年（最迟2027-11-26）"},
		{"a bad class", url.Values{"class": {"X"}, "reason": {"群众多次投诉"}, "expires": {"2027-01-31"}}, 422, "“X”无效"},
	} {
		rec, body := a.Page(t, "gladmin", "POST", path+"/risk-override", c.form)
		if rec.Code != c.status || !strings.Contains(body, c.want) || !strings.Contains(body, `class="invalid"`) {
			t.Errorf("%s: %d, want %d with %q", c.name, rec.Code, c.status, c.want)
		}
	}
	if got, _ := a.DB.Entities().FindEntityByID(ctx, e.ID); got.Version != e.Version || got.CreditClass != e.CreditClass {
		t.Fatalf("a refused form changed the entity: %+v", got)
	}

	// A cross-site form and a planner are refused; another district's
	// entity does not exist for 鼓楼区.
	good := url.Values{"class": {"D"}, "key": {"1"}, "reason": {"群众多次投诉噪音扰民"}, "expires": {"2027-01-31"}}
	req := httptest.NewRequest("POST", path+"/risk-override", strings.NewReader(good.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.AddCookie(&http.Cookie{Name: "spotcheck_session", Value: a.Session(t, "gladmin")})
	rr := httptest.NewRecorder()
	a.Web.ServeHTTP(rr, req)
	if rr.Code != http.StatusForbidden {
		t.Errorf("cross-site override: %d", rr.Code)
	}
	if rec, _ := a.Page(t, "glplanner", "POST", path+"/risk-override", good); rec.Code != http.StatusForbidden {
		t.Errorf("a planner overrides: %d", rec.Code)
	}
	if rec, _ := a.Page(t, "gladmin", "POST", "/staff/entities/"+url.PathEscape(other.ID)+"/risk-override", good); rec.Code != http.StatusNotFound {
		t.Errorf("another district's entity: %d", rec.Code)
	}
	if got, _ := a.DB.Entities().FindEntityByID(ctx, e.ID); got.Version != e.Version {
		t.Fatalf("a refused post changed the entity: %+v", got)
	}

	rec, body := a.Page(t, "gladmin", "POST", path+"/risk-override", good)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != path+"?ok=risk-overridden" {
		t.Fatalf("override: %d %s\n%s", rec.Code, rec.Header().Get("Location"), body)
	}
	got, _ := a.DB.Entities().FindEntityByID(ctx, e.ID)
	if got.CreditClass != "D" || !got.Key {
		t.Fatalf("the entity after the override: %+v", got)
	}
	_, body = a.Page(t, "gladmin", "GET", path, nil)
	text := webtest.Text(body)
	for _, want := range []string{"调整为 D 信用风险高，重点检查对象", "调整原因 群众多次投诉噪音扰民", "有效期至 2027-01-31", "调整人 鼓楼区部门管理员（示例）"} {
		if !strings.Contains(text, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if !strings.Contains(body, `id="risk-override-revoke"`) {
		t.Error("no revoke form")
	}
	_, body = a.Page(t, "glplanner", "GET", path, nil)
	if !strings.Contains(webtest.Text(body), "调整原因 群众多次投诉噪音扰民") || strings.Contains(body, `id="risk-override-form"`) {
		t.Error("the planner's page: the override not shown, or a form offered")
	}

	revoke := path + "/risk-override/revoke"
	rec, _ = a.Page(t, "gladmin", "POST", revoke, url.Values{"reason": {"核查有误"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != path+"?ok=risk-override-revoked" {
		t.Fatalf("revoke: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if got, _ := a.DB.Entities().FindEntityByID(ctx, e.ID); got.CreditClass != e.CreditClass || got.Key != e.Key {
		t.Fatalf("after the revoke: %+v, before %+v", got, e)
	}
	rec, body = a.Page(t, "gladmin", "POST", revoke, url.Values{})
	if rec.Code != http.StatusConflict || !strings.Contains(body, "当前没有生效的人工调整") {
		t.Errorf("a second revoke: %d", rec.Code)
	}
	if !strings.Contains(webtest.Text(body), "已撤销：核查有误") {
		t.Error("the history does not show the revoke")
	}
}
