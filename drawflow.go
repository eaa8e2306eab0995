package spotcheck

import (
	"context"
	"regexp"
	"slices"
	"time"
)

// The draw as a workflow (design §5, spec/draw-v1.md): a planner logs the
// plan, the platform and the officials commit, then reveal, the draw runs
// and its randomness and result are logged sealed until the embargo is
// lifted. Every step is one logged, recorded act; a draw is never edited,
// only superseded by a new plan that names it.

// Draw states, in the order a draw passes them.
const (
	DrawCommitting = "committing" // plan logged; commitments being collected
	DrawRevealing  = "revealing"  // all committed; secrets being revealed
	DrawDrawn      = "drawn"      // result logged sealed (embargoed)
	DrawPublished  = "published"  // embargo lifted, records unsealed
	DrawFailed     = "failed"     // a reveal was withheld; only a new plan can redo it
	DrawSuperseded = "superseded" // a later plan replaced it
)

// DrawStateNames are the states as pages show them.
var DrawStateNames = map[string]string{
	DrawCommitting: "收集承诺", DrawRevealing: "等待揭示", DrawDrawn: "已抽取（保密中）",
	DrawPublished: "已公开", DrawFailed: "揭示未完成", DrawSuperseded: "已被重新抽取取代",
}

// SystemParticipant is the platform's own participant id in commit–reveal.
const SystemParticipant = "system"

// Draw is a draw of a task as pages and the API show it. Seed and picks
// are filled only for those allowed to see them; strata cutoffs only for
// staff who may audit the draw, never for the public (spec §8, amendment 1).
type Draw struct {
	ID        int64
	Task      string
	TaskName  string
	Authority string
	Partners  []string
	PlanHash  string
	State     string
	// Supersedes is the plan hash this draw replaces, with the reason
	// given for the re-draw; SupersededBy the draw that replaced it.
	Supersedes   string
	Reason       string
	SupersededBy int64
	Dice         bool
	BeaconChain  string
	BeaconRound  int64
	Commits      []DrawCommit
	Strata       []DrawStratum
	FrameCount   int
	Excluded     int
	RosterCount  int
	ConflictPair int
	Seed         string
	Unassigned   int
	CreatedBy    string
	CreatedAt    time.Time
	DrawnAt      time.Time
	PublishedAt  time.Time
	PlanIndex    int64 // the plan's entry in the log
	// For auditors only (FindDrawByID): the control sample size the task
	// asked for and how many picks form it (draw/control.go), and the
	// risk model version whose classes the frame's strata took ("" when
	// set by hand).
	Control, ControlDrawn int
	RiskModel             string
}

// Embargoed reports whether who was drawn is still secret.
func (d *Draw) Embargoed() bool { return d.State != DrawPublished }

// Departments lists the authority and partners: whose staff see the draw.
func (d *Draw) Departments() []string { return append([]string{d.Authority}, d.Partners...) }

// DrawCommit is one participant of the commit–reveal.
type DrawCommit struct {
	Participant string
	Commitment  string // "" until committed
	CommittedAt time.Time
	Revealed    bool
	RevealedAt  time.Time
	Withheld    bool
	LogIndex    int64
	// Roles and Unit say who the participant is, for the pages that name
	// participants by role and unit rather than by user name: the roles
	// of their account and the name of its department, as they are now
	// (none for the platform, or a user name without an account).
	Roles []string
	Unit  string
}

// DrawStratum is a stratum of the plan, with the cutoff once drawn.
type DrawStratum struct {
	ID       string
	Rate     string
	Frame    int
	Eligible int
	N        int
	Reserve  int
	Cutoff   string // ticket18 of rank N: auditors only
}

// DrawPick is a selected or reserve entity with its team.
type DrawPick struct {
	Stratum    string
	Rank       int
	Entity     string
	EntityName string
	Ticket     string // ticket18
	Reserve    bool
	// Inspectors in slot order; nil = unassigned.
	Inspectors []string
	// Replaced is set when an approved substitution took the entity out;
	// Promoted when a reserve took a selected entity's place.
	Replaced bool
	Promoted bool
	// Control marks a pick of the control sample (draw/control.go), for
	// auditors only.
	Control bool
}

// Kinds of later events (spec §7), each requested with a reason and
// approved by a second official.
const (
	ChangeSubstitute = "substitute" // a selected entity replaced by the next reserve
	ChangeReplace    = "replace"    // an inspector replaced by another of the roster
	ChangeAssign     = "assign"     // a team given to an unassigned entity
)

// DrawChangeNames are the kinds as pages show them.
var DrawChangeNames = map[string]string{
	ChangeSubstitute: "替补检查对象", ChangeReplace: "更换检查人员", ChangeAssign: "为未分配对象指派检查组",
}

// Substitution and replacement reason codes (ASCII: they go into the log).
var ChangeReasons = map[string]string{
	"closed": "已停业或关闭", "unreachable": "无法联系（住所无法联系）", "moved": "已迁出",
	"conflict": "发现应回避关系", "illness": "检查人员因病或公务无法参加", "left": "检查人员已调离",
	"no-team": "无符合条件的检查组（未分配）",
}

// Change states.
const (
	ChangePending  = "pending"
	ChangeApproved = "approved"
	ChangeRejected = "rejected"
)

// DrawChange is a requested later event and its decision.
type DrawChange struct {
	ID           int64
	DrawID       int64
	Kind         string
	Entity       string
	Inspector    string   // replace: the one leaving
	NewInspector string   // replace: the one coming
	Inspectors   []string // assign: the team
	Reason       string   // a code of ChangeReasons
	Note         string   // free text, kept in the database, never in the log
	State        string
	RequestedBy  string
	RequestedAt  time.Time
	DecidedBy    string
	DecidedAt    time.Time
	LogIndex     int64
}

// DrawRequest is what a planner gives to log a plan for a task.
type DrawRequest struct {
	Officials   []string // supervisor usernames who commit besides the platform
	Dice        bool
	BeaconChain string
	BeaconRound int64
	// Supersedes names the draw a re-draw replaces; Reason is then required.
	Supersedes int64
	Reason     string
}

var participantID = regexp.MustCompile(`^[a-z][a-z0-9._-]{1,31}$`)

// Normalize trims the officials' user names and drops repeated ones.
func (r *DrawRequest) Normalize() {
	r.Officials = trimAll(r.Officials)
}

// Validate checks a normalized draw request on its own; it changes
// nothing.
func (r *DrawRequest) Validate() Problems {
	var p Problems
	if len(r.Officials) == 0 {
		p.Add("officials", "监督人员", "至少一名监督人员参与承诺（如纪检、法制）")
	}
	for _, o := range r.Officials {
		if !participantID.MatchString(o) || o == SystemParticipant {
			p.Add("officials", "监督人员", "“%s”不是有效的用户名", o)
		}
	}
	if (r.BeaconChain == "") != (r.BeaconRound == 0) {
		p.Add("beacon", "随机信标", "信标链和轮次须同时填写")
	}
	if r.Supersedes != 0 && len([]rune(r.Reason)) < 4 {
		p.Add("reason", "重新抽取原因", "重新抽取必须说明原因（至少4个字）")
	}
	return p
}

// Participants returns the commit–reveal participants: the platform and
// the officials, sorted (spec §3).
func (r *DrawRequest) Participants() []string {
	out := append([]string{SystemParticipant}, r.Officials...)
	slices.Sort(out)
	return slices.Compact(out)
}

// DrawRun is what the planner gives when all secrets are revealed: the
// dice digits and beacon randomness the plan declared.
type DrawRun struct {
	Dice             string
	BeaconRandomness string
}

// DrawFiles are the files of a draw's bundle (spec §9), and the log
// entries of its records, for export. A file the caller may not see, or
// that does not exist yet, is nil.
type DrawFiles struct {
	Dir                                  string // <task>-<plan hash[:12]>
	Plan, Randomness, Result             []byte
	Frame, Exclusions, Roster, Conflicts []byte
	Selected, Assignment                 []byte
	// Published is published.tsv once the draw is published (spec §8,
	// amendment 1: the selected entities without strata, entity_id TAB
	// ticket18 lines in ticket order), named by the publication entry.
	Published []byte
	// ControlRecord and Control are control.json and control.tsv
	// (draw/control.go) of a draw whose task asked for a control sample,
	// for auditors only.
	ControlRecord, Control []byte
	LogIndexes             []int64 // plan, control, commits, randomness/sealed, result/sealed, publication, unseal or events
}

// Public returns the files of f that the public bundle may hold (spec §9,
// amendment 1): plan.json, randomness.json and published.tsv, with the
// same log entries. Whatever a service hands over, a public download
// passes through it, so that result.json (its per-stratum cutoffs),
// selected.tsv (strata) and the input files never reach the public.
func (f *DrawFiles) Public() *DrawFiles {
	return &DrawFiles{Dir: f.Dir, Plan: f.Plan, Randomness: f.Randomness, Published: f.Published, LogIndexes: f.LogIndexes}
}

// NamedFile is a file of a bundle.
type NamedFile struct {
	Name string
	Data []byte
}

// Files lists the bundle's files that are there, under their names.
func (f *DrawFiles) Files() []NamedFile {
	all := []NamedFile{{"plan.json", f.Plan}, {"randomness.json", f.Randomness}, {"result.json", f.Result},
		{"frame.tsv", f.Frame}, {"exclusions.tsv", f.Exclusions}, {"roster.tsv", f.Roster},
		{"conflicts.tsv", f.Conflicts}, {"selected.tsv", f.Selected}, {"assignment.tsv", f.Assignment},
		{"published.tsv", f.Published}, {"control.json", f.ControlRecord}, {"control.tsv", f.Control}}
	out := all[:0]
	for _, nf := range all {
		if nf.Data != nil {
			out = append(out, nf)
		}
	}
	return out
}

// TaskFilter selects tasks.
type TaskFilter struct {
	Query  string
	State  string // one of the task's states; "" = any
	Offset int
	Limit  int
}

// DrawFilter selects draws.
type DrawFilter struct {
	Task   string
	State  string
	Offset int
	Limit  int
}

// DrawService is the draw workflow (drawstate.go has its machine): a
// draw is planned for a task, its participants commit and reveal, it runs,
// and its result stays under embargo until published. Each transition
// loads the draw in its transaction and asks Draw.Can, so it gives
// EUNAUTHORIZED, EFORBIDDEN (the role or the department), ENOTFOUND (a
// draw the user may not see) or ECONFLICT (the draw's state) as Can does.
// The common contract of every service is in doc.go.
type DrawService interface {
	// PlanDraw plans a draw of r for task and returns it, in state
	// planned. EINVALID (r's problems), ENOTFOUND (the task), ECONFLICT
	// (the task has a live draw: Task.CanPlanDraw), EFORBIDDEN,
	// EUNAUTHORIZED.
	PlanDraw(ctx context.Context, task string, r DrawRequest) (*Draw, error)
	// FindDrawByID returns the draw with id: staff in its scope see all of
	// it, the public only a published one. ENOTFOUND, EUNAUTHORIZED.
	FindDrawByID(ctx context.Context, id int64) (*Draw, error)
	// FindDraws returns one page of the draws that match f and that the
	// user may see. EUNAUTHORIZED.
	FindDraws(ctx context.Context, f DrawFilter) (List[Draw], error)
	// FindDrawPicks lists the selected and reserve entities; only for
	// staff who may see the draw, or, after the embargo, to anyone the
	// lines of published.tsv (entity, name, ticket; no stratum).
	// ENOTFOUND, EFORBIDDEN (under embargo), EUNAUTHORIZED.
	FindDrawPicks(ctx context.Context, id int64) ([]DrawPick, error)
	// CommitDraw records participant's commitment. EINVALID (the
	// commitment's form), ECONFLICT (state, or already committed),
	// ENOTFOUND, EFORBIDDEN, EUNAUTHORIZED.
	CommitDraw(ctx context.Context, id int64, participant, commitment string) error
	// RevealDraw records participant's secret, which must open the
	// commitment. EINVALID, ECONFLICT, ENOTFOUND, EFORBIDDEN,
	// EUNAUTHORIZED.
	RevealDraw(ctx context.Context, id int64, participant, secret string) error
	// WithholdReveal records that participant will not reveal, with a
	// note. EINVALID (no note), ECONFLICT, ENOTFOUND, EFORBIDDEN,
	// EUNAUTHORIZED.
	WithholdReveal(ctx context.Context, id int64, participant, note string) error
	// RunDraw runs the draw with the public randomness of r and appends it
	// to the log. EINVALID, ECONFLICT, ENOTFOUND, EFORBIDDEN,
	// EUNAUTHORIZED.
	RunDraw(ctx context.Context, id int64, r DrawRun) error

	// RequestDrawChange asks to change a run draw's result (c.DrawID)
	// and sets c.ID. EINVALID, ECONFLICT, ENOTFOUND, EFORBIDDEN,
	// EUNAUTHORIZED.
	RequestDrawChange(ctx context.Context, c *DrawChange) error
	// DecideDrawChange approves or refuses a requested change; a second
	// person must decide. EINVALID, ECONFLICT (decided, or one's own
	// request), ENOTFOUND, EFORBIDDEN, EUNAUTHORIZED.
	DecideDrawChange(ctx context.Context, changeID int64, approve bool, note string) error
	// FindDrawChanges returns the change requests of a draw, oldest
	// first. ENOTFOUND, EFORBIDDEN, EUNAUTHORIZED.
	FindDrawChanges(ctx context.Context, drawID int64) ([]DrawChange, error)
	// LiftEmbargo publishes a run draw's result before its embargo ends,
	// for reason. EINVALID (no reason), ECONFLICT, ENOTFOUND, EFORBIDDEN,
	// EUNAUTHORIZED.
	LiftEmbargo(ctx context.Context, id int64, reason string) error

	// FindDrawFiles returns the bundle: all of it for staff who may audit
	// the draw; for the public, per spec §9 (amendment 1), the plan and
	// commitments, and after the embargo also the randomness and
	// published.tsv with the publication entry — never the result.
	// ENOTFOUND, EUNAUTHORIZED.
	FindDrawFiles(ctx context.Context, id int64) (*DrawFiles, error)
}
