package spotcheck

import (
	"context"
	"sort"
	"time"
)

// Reclassification (issue 14, item 2): a loaded version of the risk model
// (RiskModelVersion) scores every active entity of a department's subtree
// in a run. A run is first previewed — every entity scored, nothing in
// the directory changed, a summary of who would move — and then applied
// as it was previewed, in one transaction: each entity whose class or
// key-list membership changes gets its new class, key flag and reason,
// and the move is appended to the run's changes (RiskChange) and to the
// entity's change history. docs/risk-model.md §6 describes the rules.

// RiskModelVersion is one loaded version of the risk model: the file as
// the administrator loaded it, never changed afterwards.
type RiskModelVersion struct {
	Version       string
	Name          string
	EffectiveFrom string // YYYY-MM-DD
	Text          string // the file as loaded
	SHA256        string // of Text, lower-case hex
	LoadedBy      string
	LoadedAt      time.Time
}

// The states of a reclassification run.
const (
	RiskRunRunning   = "running"   // 计算中: the preview is scoring
	RiskRunPreviewed = "previewed" // 已预览: may be applied
	RiskRunApplied   = "applied"   // 已应用
	RiskRunStale     = "stale"     // 已过期: another run was applied, or the model is no longer current
	RiskRunFailed    = "failed"    // 未完成: the preview failed or its process stopped
)

// RiskRunStateNames are the states as pages show them.
var RiskRunStateNames = map[string]string{RiskRunRunning: "计算中", RiskRunPreviewed: "已预览",
	RiskRunApplied: "已应用", RiskRunStale: "已过期", RiskRunFailed: "未完成"}

// RiskRun is one reclassification run of a department's subtree.
type RiskRun struct {
	ID        int64
	Model     string // the model version
	Dept      string // the department whose subtree was scored
	Day       string // the day the entities were scored on (China)
	State     string // one of RiskRun…
	Entities  int    // active entities scored
	Moves     int    // entities whose class or key-list membership changes
	Summary   RiskRunSummary
	CreatedBy string
	CreatedAt time.Time
	AppliedBy string // "" until applied
	AppliedAt time.Time
}

// RiskRunSummary counts the moves of a run: by division, by target type
// and by class change ("A→B"; "B→B" for a change of key membership
// only), each sorted by key, and the entities entering and leaving the
// key list.
type RiskRunSummary struct {
	ByDivision []RiskCount
	ByType     []RiskCount
	ByClass    []RiskCount
	KeyIn      int
	KeyOut     int
}

// RiskCount is one line of a summary.
type RiskCount struct {
	Key   string
	Count int
}

// RiskMoves reports whether an assessment moves an entity that stands at
// class with key flag key: its class or its key-list membership changes.
// A key-list member that stays one keeps its reason and expiry.
func RiskMoves(class string, key bool, a RiskAssessment) bool {
	return class != a.Class || key != a.Key
}

// RiskTally builds a RiskRunSummary one move at a time.
type RiskTally struct {
	div, typ, class map[string]int
	in, out         int
}

// Add counts one entity of division and type that moves from class and
// key to a's (RiskMoves must hold).
func (t *RiskTally) Add(division, typ, class string, key bool, a RiskAssessment) {
	if t.div == nil {
		t.div, t.typ, t.class = map[string]int{}, map[string]int{}, map[string]int{}
	}
	t.div[division]++
	t.typ[typ]++
	t.class[class+"→"+a.Class]++
	switch {
	case a.Key && !key:
		t.in++
	case key && !a.Key:
		t.out++
	}
}

// Summary returns the counts so far.
func (t *RiskTally) Summary() RiskRunSummary {
	return RiskRunSummary{ByDivision: riskCounts(t.div), ByType: riskCounts(t.typ), ByClass: riskCounts(t.class),
		KeyIn: t.in, KeyOut: t.out}
}

func riskCounts(m map[string]int) []RiskCount {
	out := make([]RiskCount, 0, len(m))
	for k, n := range m {
		out = append(out, RiskCount{k, n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// RiskChange is one entity's move in an applied run, appended and never
// changed.
type RiskChange struct {
	Run      int64
	Entity   string
	OldClass string
	NewClass string
	OldKey   bool
	NewKey   bool
	Score    int
	Reason   string // the class explanation and, on the key list, why
	Model    string
	At       time.Time
}

// EntityRisk is an entity's latest applied assessment, for its page: the
// facts it was scored on, the day, and the assessment Score gives for
// them, with the sentence that explains the class.
type EntityRisk struct {
	Entity     string
	Run        int64
	Day        string
	Facts      RiskFacts
	Assessment RiskAssessment
	Explain    string // RiskModel.ExplainClass
}

// RiskRunDue reports whether the scheduled reclassification of a
// department is due on today: its subtree was never reclassified, the
// model in force is not the one of its last applied run, or that run was
// applied a month or more ago. SAMR reclassifies its enterprises monthly
// (notes/domain-rules.md, 信用风险分类); a new model is applied the night
// it comes into force.
func RiskRunDue(last *RiskRun, inForce string, today time.Time) bool {
	if last == nil || last.Model != inForce {
		return true
	}
	return !today.Before(last.AppliedAt.In(ChinaTime).AddDate(0, 1, 0))
}

// RiskService keeps the versions of the risk model and runs the
// reclassifications (store/risk.go, store/risk_run.go). Loading a model
// and running a reclassification need PermManageRisk: loading on every
// top-level department (the model serves the whole installation), a run
// on the department it scores.
type RiskService interface {
	// LoadRiskModel parses and validates a model file and keeps it as a
	// new version. The same file again changes nothing; a different file
	// under a version already loaded is ECONFLICT; a bad file EINVALID.
	LoadRiskModel(ctx context.Context, text []byte) (*RiskModelVersion, error)
	// FindRiskModels lists the loaded versions, newest first.
	FindRiskModels(ctx context.Context) ([]*RiskModelVersion, error)
	// FindRiskModel returns one version. ENOTFOUND.
	FindRiskModel(ctx context.Context, version string) (*RiskModelVersion, error)
	// CurrentRiskModel returns the model in force on day (YYYY-MM-DD):
	// the latest loaded version whose EffectiveFrom is not after day.
	// ENOTFOUND when there is none.
	CurrentRiskModel(ctx context.Context, day string) (*RiskModel, error)
	// PreviewReclassification scores every active entity of dept's
	// subtree with the current model and keeps the run as previewed.
	// ECONFLICT while another run is being computed. Once the run is
	// recorded as computing, before the scoring, it calls the function
	// of WithRiskRunStarted with the run's number.
	PreviewReclassification(ctx context.Context, dept string) (*RiskRun, error)
	// ApplyReclassification applies a previewed run. ECONFLICT for a run
	// already applied, or stale (another run applied since its preview,
	// or its model no longer current); ENOTFOUND. Once the run is checked
	// and its directory changes begin, it calls the function of
	// WithRiskRunStarted with the run's number.
	ApplyReclassification(ctx context.Context, id int64) (*RiskRun, error)
	// FindRiskRun returns one run. ENOTFOUND.
	FindRiskRun(ctx context.Context, id int64) (*RiskRun, error)
	// FindRiskRuns lists the latest runs of the departments in the
	// user's scope, at most limit, newest first.
	FindRiskRuns(ctx context.Context, limit int) ([]*RiskRun, error)
	// FindRiskChanges lists the moves a run applied, by entity.
	FindRiskChanges(ctx context.Context, run int64) ([]RiskChange, error)
	// ReclassifyDue previews and applies the reclassification of every
	// top-level department whose subtree owns entities and for which
	// RiskRunDue says so, with the model in force; it returns the runs
	// applied, none when no model is in force. For the schedule.
	ReclassifyDue(ctx context.Context) ([]*RiskRun, error)
	// FindEntityRisk returns the entity's latest applied assessment.
	// ENOTFOUND when no applied run scored it (or it is outside the
	// user's scope).
	FindEntityRisk(ctx context.Context, entity string) (*EntityRisk, error)
}

type riskRunStartedKey struct{}

// WithRiskRunStarted returns a context under which PreviewReclassification
// and ApplyReclassification call started with the run's number when the
// work has been accepted and begins — after the refusals that come at
// once (permission, another run computing, no model in force, a run
// applied or stale) — so that a page running them in the background can
// show the run while it works (web/staff/risk_work.go). started must not
// block for long: the work waits for it.
func WithRiskRunStarted(ctx context.Context, started func(id int64)) context.Context {
	return context.WithValue(ctx, riskRunStartedKey{}, started)
}

// RiskRunStarted calls the function of WithRiskRunStarted in ctx, if any,
// with id.
func RiskRunStarted(ctx context.Context, id int64) {
	if f, ok := ctx.Value(riskRunStartedKey{}).(func(int64)); ok && f != nil {
		f(id)
	}
}
