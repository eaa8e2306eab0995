package web

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/draw"
	"spotcheck/ledger"
)

// The fakes of the draw tests: accounts that know sessions and tokens of
// the users below (the token and the session are the user name), and a
// draw service in memory that asks the domain, as the store does, who may
// do what in which state (spotcheck.Draw.Can and Next,
// spotcheck.Task.CanPlanDraw) and keeps the store's rules on who sees
// what (spec §9) — unless it is made leaky, when it hands everything to
// everyone, so that a test can show that the public pages themselves never
// show what is sealed. It copies no rule of the workflow.

var drawUsers = map[string]spotcheck.User{
	"planner":    {Username: "planner", Name: "计划员", Dept: "FZ", Roles: []string{spotcheck.RolePlanner}},
	"planner2":   {Username: "planner2", Name: "计划员二", Dept: "FZ", Roles: []string{spotcheck.RolePlanner}},
	"supervisor": {Username: "supervisor", Name: "监督员", Dept: "FZ", Roles: []string{spotcheck.RoleSupervisor}},
	"approver":   {Username: "approver", Name: "审核员", Dept: "FZ", Roles: []string{spotcheck.RoleApprover}},
	"inspector":  {Username: "inspector", Name: "检查员", Dept: "FZ", Roles: []string{spotcheck.RoleInspector}},
	"glplanner":  {Username: "glplanner", Name: "鼓楼计划员", Dept: "GL", Roles: []string{spotcheck.RolePlanner}},
	"admin":      {Username: "admin", Name: "部门管理员", Dept: "FZ", Roles: []string{spotcheck.RoleDeptAdmin}},
	// chief plans and approves: the four-eyes rule stops them deciding
	// their own requests.
	"chief": {Username: "chief", Name: "科长", Dept: "FZ", Roles: []string{spotcheck.RolePlanner, spotcheck.RoleApprover}},
}

type drawAccounts struct{ spotcheck.AccountService }

func (drawAccounts) user(name string) (*spotcheck.User, error) {
	u, ok := drawUsers[name]
	if !ok {
		return nil, spotcheck.Errorf(spotcheck.EUNAUTHORIZED, "请先登录")
	}
	u.Active = true
	return &u, nil
}

func (a drawAccounts) FindSession(ctx context.Context, token string) (*spotcheck.Session, *spotcheck.User, error) {
	u, err := a.user(token)
	return &spotcheck.Session{}, u, err
}

func (a drawAccounts) AuthenticateToken(ctx context.Context, secret string) (*spotcheck.User, error) {
	return a.user(secret)
}

// The fixtures: three tasks of FZ, each with one draw in another state.
const (
	fxPlan1 = "1111111111111111111111111111111111111111111111111111111111111111"
	fxPlan2 = "2222222222222222222222222222222222222222222222222222222222222222"
	fxPlan3 = "3333333333333333333333333333333333333333333333333333333333333333"
	// Sealed values of draw 2 that no public page may show.
	fxSeed2    = "5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed"
	fxCutoff2  = "0.123456789012345678"
	fxEntity2  = "91350100SECRET0001"
	fxReserve2 = "91350100SECRET0002"
	fxTeam2    = "INSP-SECRET-LEAD"
	fxSeed3    = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
	fxEntity3  = "91350100PUBLIC0001"
	fxEntity3b = "91350100PUBLIC0002"
	fxReserve3 = "91350100RESERV0003"
	fxTeam3    = "INSP-TEAM-PUBLISHED"
)

type fakeDraws struct {
	mu      sync.Mutex
	leaky   bool
	tasks   map[string]*spotcheck.Task
	draws   map[int64]*spotcheck.Draw
	picks   map[int64][]spotcheck.DrawPick
	changes []spotcheck.DrawChange
	files   map[int64]*spotcheck.DrawFiles
	calls   []string // one line per change of state, for the tests
}

func newFakeDraws() *fakeDraws {
	f := &fakeDraws{tasks: map[string]*spotcheck.Task{}, draws: map[int64]*spotcheck.Draw{},
		picks: map[int64][]spotcheck.DrawPick{}, files: map[int64]*spotcheck.DrawFiles{}}
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	for i, code := range []string{"2026-FZ-001", "2026-FZ-002", "2026-FZ-003"} {
		f.tasks[code] = &spotcheck.Task{Code: code, Name: "旅行社抽查" + code[len(code)-1:], Authority: "FZ",
			Items: []string{"FZ-001"}, StrataBy: spotcheck.StrataByKey,
			Strata: []spotcheck.StratumRule{{ID: "general", Rate: "5/100", Min: 1, Reserve: 1},
				{ID: "key", Rate: "7/100", Min: 1, Reserve: 1}},
			Team: []spotcheck.TeamSlot{{Unit: "FZ", Size: 2}}, Start: "2026-03-01", End: "2026-03-31",
			AnnualCap: 2, CreatedBy: "planner", CreatedAt: at}
		id := int64(i + 1)
		d := &spotcheck.Draw{ID: id, Task: code, TaskName: f.tasks[code].Name, Authority: "FZ",
			PlanHash: []string{fxPlan1, fxPlan2, fxPlan3}[i], CreatedBy: "planner", CreatedAt: at, PlanIndex: id * 10,
			FrameCount: 120, Excluded: 3, RosterCount: 9, ConflictPair: 2,
			Strata: []spotcheck.DrawStratum{{ID: "general", Rate: "5/100", Frame: 100, Eligible: 98, N: 5, Reserve: 1},
				{ID: "key", Rate: "7/100", Frame: 20, Eligible: 19, N: 2, Reserve: 1}},
			Commits: []spotcheck.DrawCommit{
				{Participant: "supervisor", Commitment: strings.Repeat("b", 64), CommittedAt: at, LogIndex: id*10 + 2, Revealed: true},
				{Participant: spotcheck.SystemParticipant, Commitment: strings.Repeat("a", 64), CommittedAt: at, LogIndex: id*10 + 1}}}
		f.draws[id] = d
		f.files[id] = &spotcheck.DrawFiles{Dir: code + "-" + d.PlanHash[:12], Plan: []byte(`{"plan":true}`),
			Randomness: []byte(`{"randomness":true}`), Result: []byte(`{"result":true}`), Frame: []byte("F\tA\n"),
			Exclusions: []byte{}, Roster: []byte("I1\tFZ\tL\n"), Conflicts: []byte{}, Selected: []byte("S\n"),
			Assignment: []byte("A\n"), LogIndexes: []int64{0, 1, 2}}
	}
	// Draw 1 waits for the supervisor's commitment.
	d1 := f.draws[1]
	d1.State = spotcheck.DrawCommitting
	d1.Commits[0] = spotcheck.DrawCommit{Participant: "supervisor"}
	// Draw 2 is drawn and sealed, with a change the planner requested.
	d2 := f.draws[2]
	d2.State, d2.Seed, d2.DrawnAt, d2.Unassigned = spotcheck.DrawDrawn, fxSeed2, at.Add(time.Hour), 1
	d2.Strata[0].Cutoff, d2.Strata[1].Cutoff = fxCutoff2, "0.223456789012345678"
	f.picks[2] = []spotcheck.DrawPick{
		{Stratum: "general", Rank: 1, Entity: fxEntity2, EntityName: "保密旅行社", Ticket: fxCutoff2, Inspectors: []string{fxTeam2, "INSP-2"}},
		{Stratum: "general", Rank: 2, Entity: fxReserve2, EntityName: "备选旅行社", Ticket: "0.9", Reserve: true},
	}
	f.changes = append(f.changes, spotcheck.DrawChange{ID: 7, DrawID: 2, Kind: spotcheck.ChangeSubstitute, Entity: fxEntity2,
		Reason: "closed", Note: "已停业", State: spotcheck.ChangePending, RequestedBy: "chief", RequestedAt: at.Add(2 * time.Hour)})
	// Draw 3 is published: its tickets are the real ones of its seed.
	d3 := f.draws[3]
	d3.State, d3.Seed, d3.DrawnAt, d3.PublishedAt = spotcheck.DrawPublished, fxSeed3, at.Add(time.Hour), at.Add(48*time.Hour)
	t18 := func(e string) string { return draw.Ticket(fxSeed3, e)[:20] }
	d3.Strata[0].Cutoff, d3.Strata[1].Cutoff = t18(fxEntity3), t18(fxEntity3b)
	f.picks[3] = []spotcheck.DrawPick{
		{Stratum: "general", Rank: 1, Entity: fxEntity3, EntityName: "公开旅行社", Ticket: t18(fxEntity3), Inspectors: []string{fxTeam3, "INSP-3"}},
		{Stratum: "general", Rank: 2, Entity: fxReserve3, EntityName: "备选社", Ticket: t18(fxReserve3), Reserve: true},
		{Stratum: "key", Rank: 1, Entity: fxEntity3b, EntityName: "重点旅行社", Ticket: t18(fxEntity3b), Inspectors: []string{fxTeam3, "INSP-4"}},
	}
	return f
}

// seesAll is the store's rule: staff of the draw's departments and
// supervisors see everything (the command line too).
func seesAll(ctx context.Context, depts []string) bool {
	return spotcheck.AuthorizeDrawCtx(ctx, spotcheck.PermViewDraws, depts) == nil
}

func (f *fakeDraws) CreateTask(ctx context.Context, t *spotcheck.Task) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	t.Normalize()
	if err := t.Validate().Err(); err != nil {
		return err
	}
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageDraws, t.Authority); err != nil {
		return err
	}
	if f.tasks[t.Code] != nil {
		return spotcheck.Problems{{Field: "code", Label: "任务编号", Message: "已存在"}}.Err()
	}
	c := *t
	f.tasks[t.Code] = &c
	f.calls = append(f.calls, "CreateTask "+t.Code)
	return nil
}

func (f *fakeDraws) FindTaskByCode(ctx context.Context, code string) (*spotcheck.Task, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.tasks[code]
	if t == nil {
		return nil, spotcheck.Errorf(spotcheck.ENOTFOUND, "没有该任务")
	}
	if err := spotcheck.AuthorizeTaskCtx(ctx, spotcheck.PermViewDraws, t.Departments(),
		spotcheck.Errorf(spotcheck.ENOTFOUND, "没有该任务")); err != nil {
		return nil, err
	}
	c := *t
	return &c, nil
}

func (f *fakeDraws) FindTasks(ctx context.Context, flt spotcheck.TaskFilter) (spotcheck.List[spotcheck.Task], error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out spotcheck.List[spotcheck.Task]
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewDraws, ""); err != nil {
		return out, err
	}
	for _, code := range slices.Sorted(maps.Keys(f.tasks)) {
		t := f.tasks[code]
		if seesAll(ctx, t.Departments()) && strings.Contains(t.Code+t.Name, flt.Query) {
			out.Items = append(out.Items, *t)
		}
	}
	out.Total, out.Limit = len(out.Items), 20
	return out, nil
}

// view returns what the caller in ctx sees of draw d (a copy).
func (f *fakeDraws) view(ctx context.Context, d *spotcheck.Draw) spotcheck.Draw {
	c := *d
	c.Commits = slices.Clone(d.Commits)
	c.Strata = slices.Clone(d.Strata)
	if !f.leaky && !seesAll(ctx, d.Departments()) {
		for i := range c.Strata { // never public (spec §8, amendment 1)
			c.Strata[i].Cutoff = ""
		}
		if d.Embargoed() {
			c.Seed, c.Unassigned = "", 0
		}
	}
	return c
}

func (f *fakeDraws) find(id int64) (*spotcheck.Draw, error) {
	d := f.draws[id]
	if d == nil {
		return nil, noFakeDraw(id)
	}
	return d, nil
}

// noFakeDraw is the answer for a draw that does not exist, and, as from
// the store, for one the user may not see.
func noFakeDraw(id int64) error {
	return spotcheck.Errorf(spotcheck.ENOTFOUND, "没有编号为 %d 的抽取", id)
}

func (f *fakeDraws) FindDrawByID(ctx context.Context, id int64) (*spotcheck.Draw, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, err := f.find(id)
	if err != nil {
		return nil, err
	}
	v := f.view(ctx, d)
	return &v, nil
}

func (f *fakeDraws) FindDraws(ctx context.Context, flt spotcheck.DrawFilter) (spotcheck.List[spotcheck.Draw], error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out spotcheck.List[spotcheck.Draw]
	p := spotcheck.PrincipalFromContext(ctx)
	for id := int64(len(f.draws)); id >= 1; id-- {
		d := f.draws[id]
		if d == nil || flt.Task != "" && d.Task != flt.Task || flt.State != "" && d.State != flt.State {
			continue
		}
		if p != nil && p.Has(spotcheck.PermViewDraws) && !seesAll(ctx, d.Departments()) {
			continue
		}
		out.Items = append(out.Items, f.view(ctx, d))
	}
	out.Total, out.Limit = len(out.Items), 20
	return out, nil
}

func (f *fakeDraws) PlanDraw(ctx context.Context, task string, r spotcheck.DrawRequest) (*spotcheck.Draw, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r.Normalize()
	ps := r.Validate()
	t := f.tasks[task]
	if t == nil {
		return nil, spotcheck.NoTask(task)
	}
	var draws []spotcheck.Draw
	for id := int64(1); id <= int64(len(f.draws)); id++ {
		draws = append(draws, *f.draws[id])
	}
	if err := t.CanPlanDraw(spotcheck.PrincipalFromContext(ctx), draws, r.Supersedes); err != nil {
		return nil, err
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	if old := f.draws[r.Supersedes]; old != nil {
		old.State, _ = old.Next(spotcheck.DrawActRedraw)
	}
	id := int64(len(f.draws) + 1)
	d := &spotcheck.Draw{ID: id, Task: task, TaskName: t.Name, Authority: t.Authority, State: spotcheck.DrawCommitting,
		PlanHash: strings.Repeat("9", 64), Dice: r.Dice, Reason: r.Reason, CreatedBy: spotcheck.PrincipalFromContext(ctx).Username}
	for _, p := range r.Participants() {
		d.Commits = append(d.Commits, spotcheck.DrawCommit{Participant: p})
	}
	f.draws[id] = d
	f.calls = append(f.calls, "PlanDraw "+task+" "+strings.Join(r.Officials, ","))
	v := *d
	return &v, nil
}

func (f *fakeDraws) FindDrawPicks(ctx context.Context, id int64) ([]spotcheck.DrawPick, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, err := f.find(id)
	if err != nil {
		return nil, err
	}
	full := seesAll(ctx, d.Departments()) || f.leaky
	if !full && d.Embargoed() {
		return nil, spotcheck.Errorf(spotcheck.EFORBIDDEN, "抽取结果在检查结果公示前保密")
	}
	var out []spotcheck.DrawPick
	for _, p := range f.picks[id] {
		if !full {
			if p.Reserve {
				continue
			}
			p = spotcheck.DrawPick{Entity: p.Entity, EntityName: p.EntityName, Ticket: p.Ticket}
		}
		out = append(out, p)
	}
	return out, nil
}

// step checks that the principal in ctx may take action a on draw id now
// and returns the draw and its state afterwards, as the store's steps do.
func (f *fakeDraws) step(ctx context.Context, id int64, a spotcheck.Action) (*spotcheck.Draw, string, error) {
	d, err := f.find(id)
	if err != nil {
		return nil, "", err
	}
	if err := d.Can(a, spotcheck.PrincipalFromContext(ctx)); err != nil {
		return nil, "", err
	}
	next, err := d.Next(a)
	return d, next, err
}

// actingAs checks, as the store does, that the principal in ctx is the
// participant a request names.
func actingAs(ctx context.Context, participant string) error {
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return err
	}
	return p.ActsAs(participant)
}

var hex64Re = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (f *fakeDraws) CommitDraw(ctx context.Context, id int64, participant, commitment string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := actingAs(ctx, participant); err != nil {
		return err
	}
	if !hex64Re.MatchString(commitment) {
		return spotcheck.Errorf(spotcheck.EINVALID, "承诺值应为64位十六进制（SHA-256）")
	}
	d, next, err := f.step(ctx, id, spotcheck.DrawActCommit)
	if err != nil {
		return err
	}
	d.Commit(participant).Commitment = commitment
	d.State = next
	f.calls = append(f.calls, "CommitDraw "+participant+" "+commitment)
	return nil
}

func (f *fakeDraws) RevealDraw(ctx context.Context, id int64, participant, secret string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := actingAs(ctx, participant); err != nil {
		return err
	}
	d, next, err := f.step(ctx, id, spotcheck.DrawActReveal)
	if err != nil {
		return err
	}
	d.Commit(participant).Revealed = true
	d.State = next
	f.calls = append(f.calls, "RevealDraw "+participant)
	return nil
}

func (f *fakeDraws) WithholdReveal(ctx context.Context, id int64, participant, note string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, err := f.find(id)
	if err != nil {
		return err
	}
	if err := d.CanWithhold(spotcheck.PrincipalFromContext(ctx), participant); err != nil {
		return err
	}
	d.Commit(participant).Withheld = true
	d.State, _ = d.Next(spotcheck.DrawActWithhold)
	f.calls = append(f.calls, "WithholdReveal "+participant)
	return nil
}

func (f *fakeDraws) RunDraw(ctx context.Context, id int64, r spotcheck.DrawRun) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, next, err := f.step(ctx, id, spotcheck.DrawActRun)
	if err != nil {
		return err
	}
	d.State = next
	f.calls = append(f.calls, "RunDraw "+r.Dice)
	return nil
}

func (f *fakeDraws) RequestDrawChange(ctx context.Context, c *spotcheck.DrawChange) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, _, err := f.step(ctx, c.DrawID, spotcheck.DrawActRequestChange); err != nil {
		return err
	}
	c.ID, c.State, c.RequestedBy = int64(100+len(f.changes)), spotcheck.ChangePending, spotcheck.PrincipalFromContext(ctx).Username
	f.changes = append(f.changes, *c)
	f.calls = append(f.calls, "RequestDrawChange "+c.Kind+" "+c.Entity)
	return nil
}

func (f *fakeDraws) DecideDrawChange(ctx context.Context, id int64, approve bool, note string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.changes {
		c := &f.changes[i]
		if c.ID != id {
			continue
		}
		d, _ := f.find(c.DrawID)
		p := spotcheck.PrincipalFromContext(ctx)
		if err := d.CanDecide(c, approve, p); err != nil {
			return err
		}
		c.State, c.DecidedBy = spotcheck.ChangeRejected, p.Username
		if approve {
			c.State = spotcheck.ChangeApproved
		}
		f.calls = append(f.calls, "DecideDrawChange "+c.State)
		return nil
	}
	return spotcheck.NoDrawChange(id)
}

func (f *fakeDraws) FindDrawChanges(ctx context.Context, id int64) ([]spotcheck.DrawChange, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, err := f.find(id)
	if err != nil {
		return nil, err
	}
	if err := spotcheck.AuthorizeTaskCtx(ctx, spotcheck.PermViewDraws, d.Departments(), noFakeDraw(id)); err != nil {
		return nil, err
	}
	var out []spotcheck.DrawChange
	for _, c := range f.changes {
		if c.DrawID == id {
			out = append(out, c)
		}
	}
	return out, nil
}

func (f *fakeDraws) LiftEmbargo(ctx context.Context, id int64, reason string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, next, err := f.step(ctx, id, spotcheck.DrawActLiftEmbargo)
	if err != nil {
		return err
	}
	d.State = next
	f.calls = append(f.calls, "LiftEmbargo "+reason)
	return nil
}

// DrawFiles follows spec §9 (amendment 1) like the store: everything for
// staff of the task; the plan, and after the embargo the randomness and
// published.tsv, for the public.
func (f *fakeDraws) DrawFiles(ctx context.Context, id int64) (*spotcheck.DrawFiles, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, err := f.find(id)
	if err != nil {
		return nil, err
	}
	all := *f.files[id]
	if !d.Embargoed() {
		all.Published = []byte("public\n")
	}
	if f.leaky || seesAll(ctx, d.Departments()) {
		return &all, nil
	}
	pub := &spotcheck.DrawFiles{Dir: all.Dir, Plan: all.Plan, LogIndexes: all.LogIndexes[:1]}
	if !d.Embargoed() {
		pub.Randomness, pub.Published = all.Randomness, all.Published
	}
	return pub, nil
}

var _ spotcheck.DrawService = (*fakeDraws)(nil)

// newDrawTestServer serves the fakes, with a log in memory holding a few
// entries for the bundles.
func newDrawTestServer(t *testing.T) (*Server, *fakeDraws) {
	t.Helper()
	signer, key, err := ledger.NewKey("test.spotcheck/log")
	if err != nil {
		t.Fatal(err)
	}
	mem := ledger.NewMemory(signer, key)
	for range 4 {
		if _, err := mem.Append("plan", []byte(`{"x":1}`)); err != nil {
			t.Fatal(err)
		}
	}
	fd := newFakeDraws()
	s, err := New(Config{Accounts: drawAccounts{}, Dir: newFakeDir(), Draws: fd, Ledger: mem,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return s, fd
}

// page sends a request as user ("" for a visitor) with a form body
// (nil for none) and returns the response and its body.
func page(t *testing.T, s *Server, user, method, path string, form url.Values) (*httptest.ResponseRecorder, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if user != "" {
		req.AddCookie(&http.Cookie{Name: "spotcheck_session", Value: user})
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec, rec.Body.String()
}
