package staff_test

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/internal/webtest"
	"spotcheck/riskfile"
)

// classifyGulou loads the default risk model, in force from 2026-01-01,
// and applies a reclassification of 鼓楼区's subtree (GLWL) only, so that
// the other districts' entities have no applied run. It returns a 鼓楼区
// entity with a complaint that counts for risk and its assessment.
func classifyGulou(t *testing.T, a *webtest.App) (*spotcheck.Entity, *spotcheck.EntityRisk) {
	t.Helper()
	ctx := webtest.System()
	text := strings.Replace(string(riskfile.Default()), "effective_from = 2026-12-01", "effective_from = 2026-01-01", 1)
	if _, err := a.DB.Risk().LoadRiskModel(ctx, []byte(text)); err != nil {
		t.Fatal(err)
	}
	run, err := a.DB.Risk().PreviewReclassification(ctx, "GLWL")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.Risk().ApplyReclassification(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	for _, c := range a.Data.Complaints {
		if !c.CountsForRisk() {
			continue
		}
		e, err := a.DB.Entities().FindEntityByID(ctx, c.EntityID)
		if err != nil {
			t.Fatal(err)
		}
		if e.Dept != "GLWL" || !e.Active {
			continue
		}
		er, err := a.DB.Risk().FindEntityRisk(ctx, e.ID)
		if err != nil {
			t.Fatalf("FindEntityRisk(%s): %v", e.ID, err)
		}
		if er.Facts.Complaints > 0 {
			return e, er
		}
	}
	t.Fatal("no 鼓楼区 entity of the demo has a complaint that counts")
	return nil, nil
}

// TestEntityPageShowsRisk (issue 14, item 1): the entity page shows the
// class the model gave, with its Chinese name, the score, the key list
// and why, the model version and the run, the sentence that explains the
// class and every factor by its name with its points of its weight; the
// entity's complaints and penalties; a note when the class was changed
// by hand since. An entity no applied run scored says so; a district
// still cannot open another district's entity, risk section or not.
func TestEntityPageShowsRisk(t *testing.T) {
	a := webtest.New(t)
	e, er := classifyGulou(t, a)
	as := er.Assessment
	path := "/staff/entities/" + url.PathEscape(e.ID)

	for _, user := range []string{"gladmin", "cityadmin"} {
		rec, body := a.Page(t, user, "GET", path, nil)
		if rec.Code != 200 {
			t.Fatalf("%s GET %s: %d", user, path, rec.Code)
		}
		text := webtest.Text(body)
		for _, want := range []string{
			"信用风险分类",
			"分类 " + as.Class + " " + spotcheck.CreditClassNames[as.Class],
			"得分 " + strconv.Itoa(as.Score) + " 分",
			"说明 " + er.Explain,
			"模型版本 " + as.Model,
			"第" + strconv.FormatInt(er.Run, 10) + "号重新分类，评分日 " + er.Day,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the page lacks %q", user, want)
			}
		}
		if as.Key && !strings.Contains(text, "重点检查对象 是："+as.KeyReason) {
			t.Errorf("%s: the key reason %q is not shown", user, as.KeyReason)
		}
		if !as.Key && !strings.Contains(text, "重点检查对象 否 模型版本") {
			t.Errorf("%s: the page does not say the entity is off the key list", user)
		}
		if strings.Contains(text, "尚未经风险模型分类") || strings.Contains(text, "人工修改") {
			t.Errorf("%s: a classified, unedited entity reads as unclassified or edited", user)
		}

		factors := webtest.TableOf(t, body, "risk-factors")
		if len(factors.Rows) != len(as.Contributions) {
			t.Fatalf("%d factor rows, want %d", len(factors.Rows), len(as.Contributions))
		}
		i := slices.IndexFunc(as.Contributions, func(c spotcheck.FactorContribution) bool {
			return c.Factor == spotcheck.FactorComplaints
		})
		c := as.Contributions[i]
		row := factors.Rows[i]
		want := []string{"投诉举报", strconv.Itoa(c.Value), strconv.Itoa(c.Points) + " / " + strconv.Itoa(c.Weight), c.Explanation}
		if !slices.Equal(row, want) {
			t.Errorf("the complaints factor's row: %q, want %q", row, want)
		}
		if c.Weight == 0 || c.Value == 0 || !strings.Contains(c.Explanation, "投诉举报经查属实") {
			t.Errorf("the complaints factor: %+v", c)
		}
		for _, name := range factors.Column(t, "因子") {
			if _, ok := spotcheck.RiskFactorKindOf(name); ok || name == "" {
				t.Errorf("a factor is shown by its id: %q", name)
			}
		}

		numbers := webtest.TableOf(t, body, "risk-complaints").Column(t, "投诉编号")
		for _, cp := range a.Data.Complaints {
			if cp.EntityID == e.ID && !slices.Contains(numbers, cp.Number) {
				t.Errorf("complaint %s of the entity is not listed: %q", cp.Number, numbers)
			}
		}
		if depts := webtest.TableOf(t, body, "risk-complaints").Column(t, "受理部门"); !slices.Contains(depts, "鼓楼区文化体育和旅游局") {
			t.Errorf("the complaints' departments are not named: %q", depts)
		}
	}

	// A class changed by hand since the run: the page says so.
	ctx := a.As(t, "gladmin")
	var err error
	edited := *e
	edited.CreditClass = "D"
	if as.Class == "D" {
		edited.CreditClass = "A"
	}
	if err = a.DB.Entities().SaveEntity(ctx, &edited); err != nil {
		t.Fatal(err)
	}
	_, body := a.Page(t, "gladmin", "GET", path, nil)
	if text := webtest.Text(body); !strings.Contains(text, "名录库中该对象现为"+edited.CreditClass+"类") ||
		!strings.Contains(text, "此后有人工修改") || !strings.Contains(text, "分类 "+as.Class+" ") {
		t.Errorf("a class changed by hand is not noted beside the model's")
	}

	// An entity of another district: no applied run scored it.
	var other *spotcheck.Entity
	for _, x := range a.Data.Entities {
		if x.Division == "350102" || x.ID == "" {
			continue
		}
		if other, err = a.DB.Entities().FindEntityByID(webtest.System(), x.ID); err != nil {
			t.Fatal(err)
		}
		if other.Dept != "GLWL" {
			break
		}
	}
	otherPath := "/staff/entities/" + url.PathEscape(other.ID)
	rec, body := a.Page(t, "cityadmin", "GET", otherPath, nil)
	if rec.Code != 200 {
		t.Fatalf("cityadmin GET %s: %d", otherPath, rec.Code)
	}
	if text := webtest.Text(body); !strings.Contains(text, "信用风险分类 尚未经风险模型分类") || strings.Contains(text, "模型版本") {
		t.Errorf("an entity no run scored: %s", text)
	}
	if strings.Contains(body, `id="risk-factors"`) {
		t.Errorf("an entity no run scored has a factors table")
	}

	// 鼓楼区 still cannot open it, and learns nothing of its class (the
	// page's content, not its menu, which links to /staff/risk).
	rec, body = a.Page(t, "gladmin", "GET", otherPath, nil)
	_, content, _ := strings.Cut(body, `<main class="content">`)
	if rec.Code == 200 || content == "" || strings.Contains(content, "信用风险分类") || strings.Contains(body, other.Name) {
		t.Errorf("gladmin GET %s: %d, shows the entity or its class", otherPath, rec.Code)
	}
}
