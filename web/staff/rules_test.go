package staff_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"spotcheck/internal/webtest"
)

// TestRulesForm: the district's department admin drafts the first
// version from the skeleton, previews it (the clauses with the
// parameters beside them, nothing published), is told which clause names
// an unknown parameter and which parameters there are, publishes, and
// the next version needs a note; a planner has no such page, and the
// admin may not publish for the city bureau.
func TestRulesForm(t *testing.T) {
	a := webtest.New(t)
	rec, body := a.Page(t, "gladmin", "GET", "/staff/rules", nil)
	if rec.Code != http.StatusOK || !strings.Contains(body, `href="/staff/rules/GLWL"`) || strings.Contains(body, `href="/staff/rules/FZWL"`) {
		t.Fatalf("the admin's list: %d\n%s", rec.Code, body)
	}
	_, body = a.Page(t, "gladmin", "GET", "/staff/rules/GLWL", nil)
	if !strings.Contains(body, `name="base" value="0"`) || !strings.Contains(body, "{参数:floor-ratio}") || !strings.Contains(body, "不低于3%") {
		t.Fatalf("the first version's form lacks the skeleton or the parameters:\n%s", body)
	}
	form := url.Values{"base": {"0"}, "title": {"鼓楼区“双随机、一公开”监管工作实施细则"}, "effective_from": {"2026-03-01"},
		"rules":    {"# 第一章 总则\n1. 抽查比例不低于3%{参数:floor-ratio}。\n2. 每年检查同一对象不超过两次{参数:max-visits}。"},
		"workflow": {"1. 检查结果20个工作日内公示{参数:publication-deadline}。"}, "action": {"preview"}}
	rec, body = a.Page(t, "gladmin", "POST", "/staff/rules/GLWL", form)
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "第2条引用的参数“max-visits”不存在，平台执行的参数只有：floor-ratio（抽查比例下限）") ||
		!strings.Contains(body, "每年检查同一对象不超过两次{参数:max-visits}") {
		t.Fatalf("preview with an unknown parameter: %d\n%s", rec.Code, body)
	}
	form.Set("rules", "# 第一章 总则\n1. 抽查比例不低于3%{参数:floor-ratio}。\n2. 每年检查同一对象不超过两次{参数:annual-cap}。")
	rec, body = a.Page(t, "gladmin", "POST", "/staff/rules/GLWL", form)
	if rec.Code != http.StatusOK || !strings.Contains(body, "预览（尚未发布）") || !strings.Contains(body, "〔年度检查上限〕") ||
		!strings.Contains(body, "同一部门对同一检查对象每年不超过2次") {
		t.Fatalf("preview: %d\n%s", rec.Code, body)
	}
	if _, err := a.DB.Rules().FindRulesDoc(webtest.System(), "GLWL", 0); err == nil {
		t.Fatal("a preview published the document")
	}
	form.Set("action", "publish")
	rec, _ = a.Page(t, "gladmin", "POST", "/staff/rules/GLWL", form)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/staff/rules/GLWL?ok=rules-published" {
		t.Fatalf("publish: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	_, body = a.Page(t, "gladmin", "GET", "/staff/rules/GLWL?ok=rules-published", nil)
	if !strings.Contains(body, "新版本已发布") || !strings.Contains(body, `name="base" value="1"`) || !strings.Contains(body, "第1版") {
		t.Fatalf("after publishing:\n%s", body)
	}
	rec, body = a.Page(t, "gladmin", "POST", "/staff/rules/GLWL", form) // base 0 again: someone published meanwhile
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "实施细则已有第1版") {
		t.Fatalf("publishing on a stale base: %d\n%s", rec.Code, body)
	}
	form.Set("base", "1")
	rec, body = a.Page(t, "gladmin", "POST", "/staff/rules/GLWL", form)
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "发布新版本时应说明修订了什么") {
		t.Fatalf("a second version without a note: %d\n%s", rec.Code, body)
	}
	if rec, _ := a.Page(t, "gladmin", "POST", "/staff/rules/FZWL", form); rec.Code != http.StatusNotFound {
		t.Errorf("the district admin publishing the city's (outside their scope: not found): %d", rec.Code)
	}
	if rec, _ := a.Page(t, "gladmin", "GET", "/staff/rules/FZWL", nil); rec.Code != http.StatusNotFound {
		t.Errorf("the district admin's form of the city's: %d", rec.Code)
	}
	if rec, _ := a.Page(t, "planner", "GET", "/staff/rules", nil); rec.Code != http.StatusForbidden {
		t.Errorf("a planner's rules page: %d", rec.Code)
	}
}
