package e2e

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"unicode"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/xlsx"
)

// fixtures are the demo records the tests work on, picked once per
// instance. Each test that changes data has a record of its own, so that
// the tests sharing an instance cannot disturb each other.
type fixtures struct {
	home  *spotcheck.Entity // an active firm of 鼓楼区, owned by GLWL: in every bureau user's scope (read only)
	other *spotcheck.Entity // an active firm of another district, outside gladmin's scope (read only)

	search      *spotcheck.Entity // found by searchTerm
	searchTerm  string            // two Chinese characters of its name
	searchCount int               // how many demo entities have searchTerm in their name

	inspector *spotcheck.Inspector // an inspector of GLWL
	expert    *spotcheck.Inspector // an expert
	item      *spotcheck.Item      // a published top-level item
	agency    *spotcheck.Agency
	resp      *spotcheck.Responsibility // a responsibility for item
	itemDept  string                    // the department that initiates (发起) item
	// conflict is a conflict of an inspector of GLWL, with an entity of
	// GLWL when there is one, so that its department is conflictDept.
	conflict     *spotcheck.Conflict
	conflictDept string
	tokenID      int64 // the API token of e2e.owner, which the matrix tries to revoke

	// A task of the city bureau with a draw that is drawn and sealed, and
	// a pending substitution of it (makeDrawFixture).
	drawTask           string
	drawID, drawChange int64
	// A proposed joint visit led by the city bureau (makeVisitFixture).
	visitID int64
	// A draft inspection of the draw fixture and the account of a member
	// of its team (makeInspectionFixture).
	inspectionID     int64
	inspectionMember string
	// A photo the inspection cites (makeEvidenceFixture).
	evidenceSHA string
	// An accepted joint visit and a representative's signature on its
	// 联合总表 (makeVisitSignatureFixture).
	signedVisitID  int64
	visitSignature string
	// A previewed reclassification of the city bureau that can never be
	// applied (makeRiskFixture, matrix_risk_test.go).
	riskRun int64
	// The token of that inspection's notice, for the public /v/{token}.
	noticeToken string
	// The follow-up of another inspection of the draw fixture, approved
	// with a problem to follow up (makeFollowUpFixture).
	followUpID int64
	// A pending recusal request and a proposed visit time filed with that
	// token, and the department of the entity (makePublicFixture).
	recusalID, appointmentID int64
	recusalDept              string
	// The follow-up's inspection published, with an objection filed
	// (makeEnterpriseFixture, matrix_enterprise_test.go).
	enterprise enterpriseFixture

	// A draft plan of the city bureau and a published one of 鼓楼区
	// (makePlanFixtures).
	planDraft, planPublished string

	// secrets are internal values (phone numbers, key-list reasons) that no
	// public page may show.
	secrets []string
	codes   map[string]bool // every demo entity id
}

// homeDept and homeDivision are gladmin's department and its division.
const (
	homeDept     = "GLWL"
	homeDivision = "350102"
)

// pickFixtures chooses the fixtures from the demo data and reads the
// chosen entities back from the store, which sets their department.
func pickFixtures(ctx context.Context, a *app) (*fixtures, error) {
	fx := &fixtures{codes: map[string]bool{}}
	used := map[string]bool{}
	firm := func(ok func(e *spotcheck.Entity) bool) (*spotcheck.Entity, error) {
		for i := range a.Data.Entities {
			e := &a.Data.Entities[i]
			if e.Active && e.GuideCardNo == "" && e.Phone != "" && !used[e.ID] && ok(e) {
				used[e.ID] = true
				return a.DB.Entities().FindEntityByID(ctx, e.ID)
			}
		}
		return nil, fmt.Errorf("the demo data has no entity for a fixture")
	}
	for _, e := range a.Data.Entities {
		fx.codes[e.ID] = true
	}
	var err error
	if fx.home, err = firm(func(e *spotcheck.Entity) bool { return e.Division == homeDivision }); err != nil {
		return nil, err
	}
	if fx.home.Dept != homeDept {
		return nil, fmt.Errorf("entity %s of division %s belongs to %q, want %s", fx.home.ID, homeDivision, fx.home.Dept, homeDept)
	}
	if fx.other, err = firm(func(e *spotcheck.Entity) bool { return e.Division != homeDivision }); err != nil {
		return nil, err
	}
	if fx.other.Dept == homeDept || fx.other.Dept == "" {
		return nil, fmt.Errorf("entity %s of division %s belongs to %q, want another district's bureau", fx.other.ID, fx.other.Division, fx.other.Dept)
	}
	if err := fx.pickSearch(a.Data.Entities, used); err != nil {
		return nil, err
	}
	if fx.search, err = a.DB.Entities().FindEntityByID(ctx, fx.search.ID); err != nil {
		return nil, err
	}
	for i := range a.Data.Inspectors {
		in := &a.Data.Inspectors[i]
		if in.Dept == homeDept && !in.Expert && in.Active && fx.inspector == nil {
			fx.inspector = in
		}
		if in.Expert && in.Active && fx.expert == nil {
			fx.expert = in
		}
	}
	for i := range a.Data.Items {
		if it := &a.Data.Items[i]; it.Parent == "" && it.Status == spotcheck.ItemActive && fx.item == nil {
			fx.item = it
		}
	}
	if len(a.Data.Agencies) > 0 {
		fx.agency = &a.Data.Agencies[0]
	}
	for i := range a.Data.Responsibilities {
		r := &a.Data.Responsibilities[i]
		if fx.item != nil && r.Item == fx.item.Code && fx.resp == nil {
			fx.resp = r
		}
		if fx.item != nil && r.Item == fx.item.Code && r.Role == spotcheck.RoleInitiate {
			fx.itemDept = r.Dept
		}
	}
	fx.pickConflict(a)
	if fx.inspector == nil || fx.expert == nil || fx.item == nil || fx.agency == nil || fx.resp == nil || fx.conflict == nil {
		return nil, fmt.Errorf("the demo data lacks an inspector of %s, an expert, an active item with a "+
			"responsibility, an agency or a conflict", homeDept)
	}
	if _, err := a.DB.Accounts().CreateAPIToken(ctx, "e2e.owner", "矩阵吊销测试", 0); err != nil {
		return nil, err
	}
	toks, err := a.DB.Accounts().FindAPITokens(ctx, "e2e.owner")
	if err != nil || len(toks) == 0 {
		return nil, fmt.Errorf("FindAPITokens(e2e.owner): %d tokens, %v", len(toks), err)
	}
	fx.tokenID = toks[0].ID
	fx.pickSecrets(a)
	if fx.drawTask, fx.drawID, fx.drawChange, err = makeDrawFixture(ctx, a, fx.item.Code); err != nil {
		return nil, fmt.Errorf("draw fixture: %w", err)
	}
	if fx.inspectionID, fx.inspectionMember, err = makeInspectionFixture(ctx, a, fx.drawTask, fx.drawID); err != nil {
		return nil, fmt.Errorf("inspection fixture: %w", err)
	}
	if fx.evidenceSHA, err = makeEvidenceFixture(ctx, a, fx.inspectionID); err != nil {
		return nil, fmt.Errorf("evidence fixture: %w", err)
	}
	if n, err := a.DB.Notices().Notice(ctx, fx.inspectionID); err != nil {
		return nil, fmt.Errorf("notice fixture: %w", err)
	} else {
		fx.noticeToken = n.Token
	}
	if fx.followUpID, err = makeFollowUpFixture(ctx, a, fx.drawTask, fx.inspectionID); err != nil {
		return nil, fmt.Errorf("follow-up fixture: %w", err)
	}
	if err = makePublicationFixture(ctx, a, fx.drawTask); err != nil {
		return nil, fmt.Errorf("publication fixture: %w", err)
	}
	if fx.recusalID, fx.recusalDept, fx.appointmentID, err = makePublicFixture(ctx, a, fx.noticeToken); err != nil {
		return nil, fmt.Errorf("public forms fixture: %w", err)
	}
	if fx.enterprise, err = makeEnterpriseFixture(ctx, a, fx.followUpID); err != nil {
		return nil, fmt.Errorf("enterprise fixture: %w", err)
	}
	if fx.visitID, err = makeVisitFixture(ctx, a); err != nil {
		return nil, fmt.Errorf("visit fixture: %w", err)
	}
	if fx.signedVisitID, fx.visitSignature, err = makeVisitSignatureFixture(ctx, a, fx.visitID); err != nil {
		return nil, fmt.Errorf("visit signature fixture: %w", err)
	}
	if fx.planDraft, fx.planPublished, err = makePlanFixtures(ctx, a, fx.item.Code); err != nil {
		return nil, fmt.Errorf("plan fixture: %w", err)
	}
	if err := makeRulesFixture(ctx, a); err != nil {
		return nil, fmt.Errorf("rules fixture: %w", err)
	}
	if fx.riskRun, err = makeRiskFixture(ctx, a); err != nil {
		return nil, fmt.Errorf("risk fixture: %w", err)
	}
	return fx, nil
}

// pickConflict chooses a conflict of an inspector of GLWL, best with an
// entity of GLWL too, so that the same users may see both sides.
func (fx *fixtures) pickConflict(a *app) {
	dept := map[string]string{}
	for _, in := range a.Data.Inspectors {
		dept[in.StaffID] = in.Dept
	}
	division := map[string]string{}
	for _, e := range a.Data.Entities {
		division[e.ID] = e.Division
	}
	for i := range a.Data.Conflicts {
		c := &a.Data.Conflicts[i]
		if dept[c.StaffID] != homeDept {
			continue
		}
		if fx.conflict == nil || division[c.EntityID] == homeDivision {
			fx.conflict, fx.conflictDept = c, homeDept
		}
		if division[c.EntityID] == homeDivision {
			return
		}
	}
	if fx.conflict == nil && len(a.Data.Conflicts) > 0 {
		fx.conflict = &a.Data.Conflicts[0]
		fx.conflictDept = dept[fx.conflict.StaffID]
	}
}

// pickSearch chooses an entity and two Chinese characters of its name
// that between 2 and 10 demo names contain: a real substring search (more
// than one hit) whose hits all fit on the first page.
func (fx *fixtures) pickSearch(all []spotcheck.Entity, used map[string]bool) error {
	count := func(term string) int {
		n := 0
		for _, e := range all {
			if strings.Contains(e.Name, term) {
				n++
			}
		}
		return n
	}
	for i := range all {
		e := &all[i]
		if !e.Active || e.GuideCardNo != "" || used[e.ID] {
			continue
		}
		name := []rune(strings.TrimSuffix(e.Name, "（示例）"))
		for j := 0; j+2 <= len(name); j++ {
			if !unicode.Is(unicode.Han, name[j]) || !unicode.Is(unicode.Han, name[j+1]) {
				continue
			}
			term := string(name[j : j+2])
			if n := count(term); n >= 2 && n <= 10 {
				used[e.ID] = true
				fx.search, fx.searchTerm, fx.searchCount = e, term, n
				return nil
			}
		}
	}
	return fmt.Errorf("no two-character substring of a demo name occurs in 2–10 names")
}

// pickSecrets collects internal values of the directories that the public
// portal must never show, leaving out any that happens to occur in the
// published items' text (where it would not be a leak).
func (fx *fixtures) pickSecrets(a *app) {
	var published strings.Builder
	for _, it := range a.Data.Items {
		fmt.Fprintln(&published, it.Name, it.LegalBasis, it.Body, it.Content, it.Standards)
	}
	cands := []string{fx.home.Phone, fx.other.Phone, fx.search.Phone, fx.inspector.Phone, fx.agency.Phone}
	for _, e := range a.Data.Entities {
		if e.Key && e.KeyReason != "" {
			cands = append(cands, e.KeyReason)
			break
		}
	}
	for _, s := range cands {
		if s != "" && !strings.Contains(published.String(), s) {
			fx.secrets = append(fx.secrets, s)
		}
	}
}

// userSeq numbers the spare accounts the tests make.
var userSeq atomic.Int64

// spareUser makes a new account with role in the city bureau, for a test
// that uses it up (locks it out, for instance), so that the test can run
// again on the same instance.
func (a *app) spareUser(t testing.TB, prefix, role string) string {
	t.Helper()
	u := spotcheck.User{Username: fmt.Sprintf("e2e.%s%d", prefix, userSeq.Add(1)), Name: "测试账号", Dept: cityBureau,
		Roles: []string{role}}
	if err := a.DB.Accounts().CreateUser(sysCtx, &u, demo.Password); err != nil {
		t.Fatalf("CreateUser(%s): %v", u.Username, err)
	}
	return u.Username
}

// codeSeq numbers the credit codes the tests make up.
var codeSeq atomic.Int64

// newCreditCode returns a valid 统一社会信用代码 that no demo entity has and
// no other call returned: 91 (an enterprise), 350102, a post-2015 MA
// organisation code with its GB 11714 check, and the GB 32100 check
// character.
func (a *app) newCreditCode() string {
	for {
		org8 := fmt.Sprintf("MA%06d", 900000+codeSeq.Add(1))
		first17 := "91350102" + org8 + string(spotcheck.OrgCodeCheckChar(org8))
		c, err := spotcheck.USCCCheckChar(first17)
		if err != nil {
			panic(err) // the prefix is made of valid characters: a bug here
		}
		if code := first17 + string(c); !a.fx.codes[code] {
			return code
		}
	}
}

// createFirm saves a new travel agency of 鼓楼区 named name, with a fresh
// code, for a test that changes it: a record of the test's own, which no
// other test reads and which a second run (-count=2) makes anew.
func (a *app) createFirm(t testing.TB, name string) *spotcheck.Entity {
	t.Helper()
	e := &spotcheck.Entity{ID: a.newCreditCode(), Name: name, Type: "T01", Division: homeDivision,
		Address: "福州市鼓楼区五四路100号", LegalRep: "林测试", Status: spotcheck.StatusOperating, CreditClass: "B",
		Phone: "0591-87000000", Active: true}
	if err := a.DB.Entities().SaveEntity(sysCtx, e); err != nil {
		t.Fatalf("SaveEntity(%s %s): %v", e.ID, name, err)
	}
	saved, err := a.DB.Entities().FindEntityByID(sysCtx, e.ID)
	if err != nil {
		t.Fatalf("FindEntityByID(%s) after saving it: %v", e.ID, err)
	}
	return saved
}

// wrongCheck returns code with a wrong check character (the 18th).
func wrongCheck(code string) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	i := strings.IndexByte(alphabet, code[17])
	return code[:17] + string(alphabet[(i+1)%len(alphabet)])
}

// entityCSV builds an entities import file from rows keyed by column key
// (id, name, type…), in the header order of the entities template.
func entityCSV(t testing.TB, rows ...map[string]string) []byte {
	t.Helper()
	cols, ok := xlsx.ColumnsOf(spotcheck.KindEntities)
	if !ok {
		t.Fatal("xlsx.ColumnsOf(entities): unknown kind")
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	rec := make([]string, len(cols))
	for i, c := range cols {
		rec[i] = c.Header
	}
	w.Write(rec)
	for _, r := range rows {
		for i, c := range cols {
			rec[i] = r[c.Key]
		}
		w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// firmRow is an import row for a travel agency of 鼓楼区 with the given
// code and name.
func firmRow(code, name string) map[string]string {
	return map[string]string{"id": code, "name": name, "type": "T01", "division": homeDivision,
		"address": "福州市鼓楼区测试路1号", "status": spotcheck.StatusOperating, "credit_class": "B"}
}
