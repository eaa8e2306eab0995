package main

import (
	"strings"
	"testing"

	"spotcheck"
)

// TestDemoRules: the demo's documents pass the rules the admins' do —
// every tag names a known parameter — and the portal has the city
// bureau's two versions and the Gulou bureau's one, each clause that sets
// an enforced number tagged.
func TestDemoRules(t *testing.T) {
	db := demoDirectoryDB(t, 7, 200, "2026-03-01")
	if err := demoRules(sysCtx, db); err != nil {
		t.Fatalf("demoRules: %v", err)
	}
	latest, err := db.Rules().FindRulesDocs(sysCtx, "")
	if err != nil || len(latest) != 2 || latest[0].Dept != "FZWL" || latest[0].Version != 2 || latest[1].Dept != "GLWL" {
		t.Fatalf("documents %+v: %v", latest, err)
	}
	tagged := map[string]bool{}
	for _, d := range latest {
		for _, s := range spotcheck.RuleSections {
			cs, p := spotcheck.ParseClauses(s.Field, s.Name, d.Section(s.Field), d.Params)
			if len(p) > 0 {
				t.Errorf("%s %s: %v", d.Dept, s.Name, p)
			}
			for _, c := range cs {
				for _, id := range c.Params {
					tagged[id] = true
				}
			}
		}
	}
	for _, p := range latest[0].Params {
		if !tagged[p.ID] {
			t.Errorf("no demo clause names %s (%s)", p.ID, p.Name)
		}
	}
	if v1, err := db.Rules().FindRulesDoc(sysCtx, "FZWL", 1); err != nil || strings.Contains(v1.Rules, "team-size") {
		t.Errorf("the city's first version: %v", err)
	}
}
