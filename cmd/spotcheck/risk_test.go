package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/riskfile"
	"spotcheck/store"
)

// TestRiskCommands runs risk load, preview, apply and show on a demo
// database (SQLite): a bad file is refused with its line, the model is
// loaded once, a preview prints its summary and changes nothing, apply
// moves the entities once, and show prints an entity's class, score and
// each factor with the model version.
func TestRiskCommands(t *testing.T) {
	dir := t.TempDir()
	dsn := filepath.Join(dir, "r.db")
	ctx := spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.System("test"))
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(ctx, db.Transfers(), db.Accounts(), demo.Generate(7, 300, "2026-03-01"), nil); err != nil {
		t.Fatal(err)
	}
	db.Close()

	text := strings.Replace(string(riskfile.Default()), "effective_from = 2026-12-01", "effective_from = 2026-01-01", 1)
	model := filepath.Join(dir, "model.toml")
	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(model, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(strings.Replace(text, "weight = 25", "weight = 250", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	risk := func(args ...string) (int, string, string) {
		return run(t, append(append([]string{"risk"}, args...), "--db", dsn)...)
	}

	if code, _, errs := risk("load", bad); code == 0 || !strings.Contains(errs, "权重应在0–100之间（实际250）") {
		t.Fatalf("a bad file: exit %d, %q", code, errs)
	}
	if code, _, errs := risk("preview"); code == 0 || !strings.Contains(errs, "没有生效的风险模型") {
		t.Fatalf("preview without a model: exit %d, %q", code, errs)
	}
	code, out, errs := risk("load", model)
	if code != 0 || !strings.Contains(out, "风险模型 2026.1") || !strings.Contains(out, "SHA-256") {
		t.Fatalf("load: exit %d, %q %q", code, out, errs)
	}
	if code, _, errs := risk("load", model); code != 0 {
		t.Fatalf("the same file again: exit %d, %q", code, errs)
	}

	code, out, errs = risk("preview", "--dept", "FZWL")
	if code != 0 || !strings.Contains(out, "第1号重新分类（已预览）：部门 FZWL，模型 2026.1，评分日 2026-11-26") ||
		!strings.Contains(out, "按分类变动（原→新）：") || !strings.Contains(out, "spotcheck risk apply 1") {
		t.Fatalf("preview: exit %d, %q %q", code, out, errs)
	}
	moves := regexp.MustCompile(`变动 (\d+) 个`).FindStringSubmatch(out)
	if moves == nil || moves[1] == "0" {
		t.Fatalf("preview moves nothing: %q", out)
	}
	code, out, errs = risk("apply", "1")
	if code != 0 || !strings.Contains(out, "已应用第1号重新分类") || !strings.Contains(out, moves[1]+" 个对象变动") {
		t.Fatalf("apply: exit %d, %q %q", code, out, errs)
	}
	if code, _, errs := risk("apply", "1"); code == 0 || !strings.Contains(errs, "不能再次应用") {
		t.Fatalf("a second apply: exit %d, %q", code, errs)
	}
	if code, _, errs := risk("apply", "x"); code != 2 || !strings.Contains(errs, "应为正整数") {
		t.Fatalf("a bad run number: exit %d, %q", code, errs)
	}

	db, err = store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	list, err := db.Entities().FindEntities(ctx, spotcheck.EntityFilter{Limit: 1})
	db.Close()
	if err != nil || len(list.Items) == 0 {
		t.Fatalf("FindEntities: %v", err)
	}
	e := list.Items[0]
	code, out, errs = risk("show", e.ID)
	if code != 0 || !strings.Contains(out, "信用风险分类："+e.CreditClass+"类") || !strings.Contains(out, "模型 2026.1") ||
		!strings.Contains(out, "距上次检查时间\t") || !strings.Contains(out, "（模型2026.1）") {
		t.Fatalf("show: exit %d, %q %q", code, out, errs)
	}
	if code, _, _ := risk("frobnicate"); code != 2 {
		t.Fatalf("an unknown subcommand: exit %d", code)
	}
}
