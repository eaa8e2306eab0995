package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/draw"
	"spotcheck/ledger"
	"spotcheck/store"
)

// rulesWorld makes the departments and a department admin of each bureau.
func rulesWorld(t *testing.T, db *store.DB) {
	t.Helper()
	seedDepartments(t, db)
	signer, vkey, err := ledger.NewKey("spotcheck.test/log")
	if err != nil {
		t.Fatal(err)
	}
	db.UseLogKey(signer, vkey)
	for _, u := range []spotcheck.User{
		{Username: "cityadmin", Name: "市局管理员", Dept: "FZWL", Roles: []string{spotcheck.RoleDeptAdmin}},
		{Username: "gladmin", Name: "鼓楼管理员", Dept: "GLWL", Roles: []string{spotcheck.RoleDeptAdmin}},
		{Username: "planner", Name: "计划员", Dept: "GLWL", Roles: []string{spotcheck.RolePlanner}},
	} {
		if err := db.Accounts().CreateUser(ctx, &u, pw); err != nil {
			t.Fatal(err)
		}
	}
}

func rulesDoc(dept string, version int) *spotcheck.RulesDoc {
	return &spotcheck.RulesDoc{Dept: dept, Version: version, Title: "“双随机、一公开”监管工作实施细则",
		Rules:    "# 第一章 总则\n1. 本细则适用于本部门。\n2. 抽查比例不低于3%{参数:floor-ratio}，每年不少于两轮{参数:rounds}。",
		Workflow: "1. 制定年度抽查计划。\n2. 检查结果在20个工作日内公示{参数:publication-deadline}。", EffectiveFrom: "2026-03-01"}
}

// TestPublishRulesDoc: the department admin publishes versions of their
// own department's document, each logged with the digests of its texts
// and recorded; the old versions stay; a stale base version, another
// department, a planner and an unknown parameter are refused, and a
// refused publication writes nothing.
func TestPublishRulesDoc(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		rulesWorld(t, db)
		sv := db.Rules()
		public := spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.Public())
		if _, err := sv.FindRulesDoc(public, "GLWL", 0); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
			t.Fatalf("before publishing: %v, want ENOTFOUND", err)
		}

		d := rulesDoc("GLWL", 0)
		if err := sv.PublishRulesDoc(as(t, db, "gladmin"), d); err != nil {
			t.Fatalf("PublishRulesDoc: %v", err)
		}
		if d.Version != 1 || d.PublishedBy != "gladmin" || len(d.Params) != 6 || d.Digest == "" {
			t.Fatalf("published %+v", d)
		}
		wantCode(t, "a second version without a note", sv.PublishRulesDoc(as(t, db, "gladmin"), rulesDoc("GLWL", 1)),
			spotcheck.EINVALID, "修订说明：发布新版本时应说明修订了什么、为什么修订")
		v2 := rulesDoc("GLWL", 1)
		v2.Note, v2.Workflow = "增加检查组人数条款", v2.Workflow+"\n3. 检查组至少两人{参数:team-size}。"
		if err := sv.PublishRulesDoc(as(t, db, "cityadmin"), v2); err != nil { // the city bureau's admin: GLWL is in its tree
			t.Fatalf("PublishRulesDoc v2 by the city admin: %v", err)
		}
		err := sv.PublishRulesDoc(as(t, db, "gladmin"), &spotcheck.RulesDoc{Dept: "GLWL", Version: 1, Title: "x",
			Rules: "1. 甲", Workflow: "1. 乙", EffectiveFrom: "2026-03-01", Note: "旧版本上改"})
		wantCode(t, "publishing on a stale version", err, spotcheck.ECONFLICT, "")
		if !strings.Contains(spotcheck.ErrorMessage(err), "已有第2版") {
			t.Errorf("stale version message: %s", spotcheck.ErrorMessage(err))
		}
		wantCode(t, "another department's", sv.PublishRulesDoc(as(t, db, "gladmin"), rulesDoc("FZWL", 0)), spotcheck.EFORBIDDEN, "")
		wantCode(t, "a planner", sv.PublishRulesDoc(as(t, db, "planner"), rulesDoc("GLWL", 2)), spotcheck.EFORBIDDEN, "")
		wantCode(t, "the public", sv.PublishRulesDoc(public, rulesDoc("GLWL", 2)), spotcheck.EFORBIDDEN, "")
		bad := rulesDoc("FZWL", 0)
		bad.Rules += "\n3. 每年检查同一对象不超过一次{参数:visits-per-year}"
		err = sv.PublishRulesDoc(as(t, db, "cityadmin"), bad)
		if spotcheck.ErrorCode(err) != spotcheck.EINVALID ||
			!strings.Contains(spotcheck.ErrorMessage(err), "实施细则：第3条引用的参数“visits-per-year”不存在") {
			t.Fatalf("unknown parameter: %v", err)
		}
		wantCode(t, "an unknown department", sv.PublishRulesDoc(ctx, rulesDoc("NOPE", 0)), spotcheck.EINVALID,
			"部门：部门“NOPE”不存在或已停用")

		all, err := sv.FindRulesDocs(public, "GLWL")
		if err != nil || len(all) != 2 || all[0].Version != 2 || all[1].Version != 1 || all[1].Note != "" {
			t.Fatalf("versions %+v: %v", all, err)
		}
		latest, err := sv.FindRulesDocs(public, "")
		if err != nil || len(latest) != 1 || latest[0].Dept != "GLWL" || latest[0].Version != 2 {
			t.Fatalf("latest of each department %+v: %v", latest, err)
		}
		got, err := sv.FindRulesDoc(public, "GLWL", 1)
		if err != nil || got.Rules != d.Rules || got.LogIndex != d.LogIndex || got.Params[0].Value != "不低于3%" {
			t.Fatalf("version 1: %+v, %v", got, err)
		}
		wantCode(t, "version 3", func() error { _, err := sv.FindRulesDoc(public, "GLWL", 3); return err }(),
			spotcheck.ENOTFOUND, "部门“GLWL”没有第3版实施细则")

		var logged []ledger.Entry
		for _, e := range allEntries(t, db) {
			pe, err := ledger.ParseEntry(e)
			if err != nil {
				t.Fatal(err)
			}
			if pe.Type == store.TypeRulesDoc {
				logged = append(logged, pe)
			}
		}
		if len(logged) != 2 {
			t.Fatalf("%d rules entries in the log, want 2", len(logged))
		}
		sum := sha256.Sum256([]byte(d.Rules))
		if err := draw.CheckCanonical(logged[0].Body); err != nil || !strings.Contains(string(logged[0].Body), hex.EncodeToString(sum[:])) {
			t.Errorf("log record %s: %v", logged[0].Body, err)
		}
		body := sha256.Sum256(logged[1].Body)
		if hex.EncodeToString(body[:]) != v2.Digest {
			t.Errorf("digest %s is not the SHA-256 of the logged record", v2.Digest)
		}
		ch, err := db.Changes().FindChanges(ctx, spotcheck.ChangeFilter{Kind: "rules_doc", Key: "GLWL", Limit: 10})
		if err != nil || len(ch.Items) != 2 || ch.Items[0].Actor != "cityadmin" || ch.Items[0].Version != 2 {
			t.Fatalf("changes %+v: %v", ch.Items, err)
		}
	})
}

// TestRuleParamsShowTheCapInForce: the cap's value and source shown
// beside a clause are the administrator's setting, the one the draws use.
func TestRuleParamsShowTheCapInForce(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedDepartments(t, db)
		c := spotcheck.CapPolicy{Limit: 1, Source: "福州市文旅局关于严格规范涉企检查的通知"}
		if err := db.Caps().UpdateCapPolicy(ctx, &c); err != nil {
			t.Fatal(err)
		}
		ps, err := db.Rules().FindRuleParams(spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.Public()))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.ID == spotcheck.ParamAnnualCap && (p.Value != "同一部门对同一检查对象每年不超过1次" || !strings.HasPrefix(p.Source, c.Source)) {
				t.Errorf("cap parameter %+v", p)
			}
		}
	})
}
