package portal_test

import (
	"net/http"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/internal/webtest"
)

// TestPublicRules: anyone reads every department's current document,
// each clause with the value the platform enforces today and its source
// beside it, and the earlier versions; once the administrator changes
// the cap, the page shows today's value and the value when the version
// was published. Clause text is shown as text, never as markup; unknown
// departments and versions are not found.
func TestPublicRules(t *testing.T) {
	a := webtest.New(t)
	sv := a.DB.Rules()
	d := &spotcheck.RulesDoc{Dept: "FZWL", Title: "福州市文化和旅游局“双随机、一公开”监管工作实施细则", EffectiveFrom: "2026-01-01",
		Rules:    "# 第一章 总则\n1. 同一部门对同一对象每年检查不超过两次{参数:annual-cap}。\n2. 不得<script>alert(1)</script>重复检查。",
		Workflow: "1. 检查组至少两人{参数:team-size}。"}
	if err := sv.PublishRulesDoc(a.As(t, "cityadmin"), d); err != nil {
		t.Fatal(err)
	}
	d.Note, d.Workflow = "增加公示期限", d.Workflow+"\n2. 结果按期公示{参数:publication-deadline}。"
	if err := sv.PublishRulesDoc(a.As(t, "cityadmin"), d); err != nil {
		t.Fatal(err)
	}
	c := spotcheck.CapPolicy{Limit: 1, Source: "市局涉企检查规定"}
	if err := a.DB.Caps().UpdateCapPolicy(a.As(t, "sysadmin"), &c); err != nil {
		t.Fatal(err)
	}

	rec, body := a.Page(t, "", "GET", "/rules", nil)
	if rec.Code != http.StatusOK || !strings.Contains(body, `href="/rules/FZWL"`) || !strings.Contains(body, "第2版") ||
		!strings.Contains(body, "{参数:publication-deadline}") || !strings.Contains(body, "《中华人民共和国行政处罚法》第四十二条") {
		t.Fatalf("/rules: %d\n%s", rec.Code, body)
	}
	rec, body = a.Page(t, "", "GET", "/rules/FZWL", nil)
	for _, want := range []string{"〔年度检查上限〕", "年度检查上限：同一部门对同一检查对象每年不超过1次", "本版发布时为：同一部门对同一检查对象每年不超过2次",
		"依据：市局涉企检查规定", "检查组最少人数：每次检查至少2名执法检查人员", "检查结果公示期限：检查完成之日起20个工作日内",
		"第一章 总则", "&lt;script&gt;", `href="/rules/FZWL/1"`, "增加公示期限"} {
		if !strings.Contains(body, want) {
			t.Errorf("/rules/FZWL lacks %q", want)
		}
	}
	if rec.Code != http.StatusOK || strings.Contains(body, "<script>alert") || strings.Contains(body, "已被新版本取代") {
		t.Fatalf("/rules/FZWL: %d\n%s", rec.Code, body)
	}
	_, body = a.Page(t, "", "GET", "/rules/FZWL/1", nil)
	if !strings.Contains(body, "这是第1版，已被新版本取代") || strings.Contains(body, "检查结果公示期限：") {
		t.Errorf("/rules/FZWL/1:\n%s", body)
	}
	for _, p := range []string{"/rules/FZWL/3", "/rules/GLWL", "/rules/FZWL/0", "/rules/FZWL/x", "/rules/" + strings.Repeat("长", 100)} {
		if rec, body := a.Page(t, "", "GET", p, nil); rec.Code != http.StatusNotFound || !strings.Contains(body, "实施细则") {
			t.Errorf("%s: %d", p, rec.Code)
		}
	}
}
