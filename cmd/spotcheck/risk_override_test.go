package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/store"
)

// TestRiskOverrideCommands: risk override refuses a missing reason and an
// expiry over a year with the field named, sets the class otherwise, and
// risk revoke returns the entity to its class before (no run scored it).
func TestRiskOverrideCommands(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "o.db")
	ctx := spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.System("test"))
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	data := demo.Generate(7, 50, "2026-03-01")
	if err := demo.Load(ctx, db.Transfers(), db.Accounts(), data, nil); err != nil {
		t.Fatal(err)
	}
	e, err := db.Entities().FindEntityByID(ctx, data.Entities[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	class := "D"
	if e.CreditClass == "D" {
		class = "A"
	}
	risk := func(args ...string) (int, string, string) {
		return run(t, append(append([]string{"risk"}, args...), "--db", dsn)...)
	}
	if code, _, errs := risk("override", e.ID, "--class", class, "--expires", "2027-01-31"); code == 0 || !strings.Contains(errs, "调整原因") {
		t.Fatalf("no reason: exit %d, %q", code, errs)
	}
	if code, _, errs := risk("override", e.ID, "--class", class, "--reason", "群众多次投诉", "--expires", "2027-12-31"); code == 0 ||
		!strings.Contains(errs, "有效期至") {
		t.Fatalf("over a year: exit %d, %q", code, errs)
	}
	code, out, errs := risk("override", e.ID, "--class", class, "--key", "--reason", "群众多次投诉", "--expires", "2027-01-31")
	if code != 0 || !strings.Contains(out, "第1号人工调整："+e.ID+" 调整为"+class+"类") || !strings.Contains(out, "有效期至 2027-01-31") {
		t.Fatalf("override: exit %d, %q %q", code, out, errs)
	}
	code, out, errs = risk("revoke", "1", "--reason", "核查有误")
	if code != 0 || !strings.Contains(out, "已撤销第1号人工调整："+e.ID+" 现为"+e.CreditClass+"类") {
		t.Fatalf("revoke: exit %d, %q %q", code, out, errs)
	}
	if code, _, errs := risk("revoke", "1"); code == 0 || !strings.Contains(errs, "已结束") {
		t.Fatalf("a second revoke: exit %d, %q", code, errs)
	}
}
