package view

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"spotcheck"
)

// The forms of tasks and draws (web/staff; the API fills the same forms
// from its JSON bodies where the checks are the same).

// TaskStrataIDs are all stratum ids the task form offers, in order; each
// applies under some ways of stratifying (spotcheck.StratumIDs).
var TaskStrataIDs = []string{"A", "B", "C", "D", "key", "general"}

// TaskForm is the form of a task, new or a draft edited. The strata and the team are rows of
// fields (rate.A, min.A, …; team_unit and team_size, one pair per row),
// which Task reads from the values the form was decoded from.
type TaskForm struct {
	Code           string   `form:"code"`
	Name           string   `form:"name"`
	Authority      string   `form:"authority"`
	Partners       []string `form:"partners"`
	Items          []string `form:"items"`
	StrataBy       string   `form:"strata_by"`
	Start          string   `form:"start"`
	End            string   `form:"end"`
	Types          []string `form:"types"`
	Divisions      []string `form:"divisions"`
	FoundedBefore  string   `form:"founded_before"`
	EligibleStatus []string `form:"eligible_status"`
	CapSlack       int      `form:"cap_slack" label:"工作量余量"`
	AnnualCap      int      `form:"annual_cap" label:"年度检查上限"`
	TeamUnits      []string `form:"team_unit"`
	TeamSizes      []string `form:"team_size"`
	// The full task's fields (issue 10); the target of each item is the
	// field target.<item code>, read by ParseTaskForm.
	Source        string `form:"source"`
	Plan          string `form:"plan"`
	Round         int    `form:"round" label:"计入轮次"`
	Kind          string `form:"kind"`
	Joint         string `form:"joint"`
	Mode          string `form:"mode"`
	Experts       int    `form:"experts" label:"每组专家人数"`
	Control       int    `form:"control" label:"对照样本户数"`
	Agency        string `form:"agency"`
	DrawWindow    bool   `form:"draw_window"`
	SkipInspected bool   `form:"skip_inspected"`
	Appointments  bool   `form:"appointments"`
	Expected      int    `form:"expected" label:"预计抽取户数"`
}

// TeamRow is one unit's row of the task form, as typed.
type TeamRow struct{ Unit, Size string }

// Team returns the rows of the team that are not empty.
func (f *TaskForm) Team() []TeamRow {
	var out []TeamRow
	for i, u := range f.TeamUnits {
		size := ""
		if i < len(f.TeamSizes) {
			size = f.TeamSizes[i]
		}
		if strings.TrimSpace(u) != "" || strings.TrimSpace(size) != "" {
			out = append(out, TeamRow{u, size})
		}
	}
	return out
}

// ParseTaskForm reads the task form: numbers that are not numbers are
// problems of their fields, so that the form comes back with them marked
// and the text kept as typed.
func ParseTaskForm(values url.Values) (*spotcheck.Task, spotcheck.Problems) {
	var f TaskForm
	ps := Decode(values, &f)
	tk := &spotcheck.Task{Code: f.Code, Name: f.Name, Authority: f.Authority, Partners: f.Partners, Items: f.Items,
		StrataBy: f.StrataBy, Start: f.Start, End: f.End, CapSlack: f.CapSlack, AnnualCap: f.AnnualCap,
		Scope: spotcheck.TaskScope{Types: f.Types, Divisions: f.Divisions, FoundedBefore: f.FoundedBefore,
			EligibleStatus: f.EligibleStatus},
		Source: f.Source, Plan: f.Plan, Round: f.Round, Kind: f.Kind, Joint: f.Joint, Mode: f.Mode, Experts: f.Experts, Control: f.Control,
		Agency: f.Agency, DrawWindow: f.DrawWindow, SkipInspectedByOthers: f.SkipInspected, Expected: f.Expected,
		Appointments: f.Appointments}
	for _, it := range f.Items {
		if text := strings.TrimSpace(values.Get("target." + it)); text != "" {
			tk.ItemTargets = append(tk.ItemTargets, spotcheck.ItemTarget{Item: it,
				Target: IntField(&ps, "item_targets", "事项目标户数", text)})
		}
	}
	by := strings.TrimSpace(tk.StrataBy)
	if by == "" {
		by = spotcheck.StrataByCredit
	}
	for _, id := range spotcheck.StratumIDs(by) {
		rule := spotcheck.StratumRule{ID: id, Rate: strings.TrimSpace(values.Get("rate." + id))}
		field, label := "strata."+id, "分层“"+id+"”"
		rule.Min = IntField(&ps, field, label, values.Get("min."+id))
		rule.Max = IntField(&ps, field, label, values.Get("max."+id))
		rule.Reserve = IntField(&ps, field, label, values.Get("reserve."+id))
		if rule.Rate == "" && rule.Min == 0 && rule.Max == 0 && rule.Reserve == 0 {
			continue // left empty: Validate says the rate is missing
		}
		tk.Strata = append(tk.Strata, rule)
	}
	for _, row := range f.Team() {
		tk.Team = append(tk.Team, spotcheck.TeamSlot{Unit: strings.TrimSpace(row.Unit),
			Size: IntField(&ps, "team", "检查组", row.Size)})
	}
	return tk, ps
}

// TaskValues returns the form values of a task, for editing a draft on
// the form it was made with (the inverse of ParseTaskForm).
func TaskValues(tk *spotcheck.Task) url.Values {
	v := url.Values{"code": {tk.Code}, "name": {tk.Name}, "authority": {tk.Authority}, "partners": tk.Partners,
		"items": tk.Items, "strata_by": {tk.StrataBy}, "start": {tk.Start}, "end": {tk.End},
		"types": tk.Scope.Types, "divisions": tk.Scope.Divisions, "founded_before": {tk.Scope.FoundedBefore},
		"eligible_status": tk.Scope.EligibleStatus, "cap_slack": {strconv.Itoa(tk.CapSlack)},
		"annual_cap": {strconv.Itoa(tk.AnnualCap)}, "source": {tk.Source}, "plan": {tk.Plan},
		"round": {strconv.Itoa(tk.Round)}, "kind": {tk.Kind}, "joint": {tk.Joint}, "mode": {tk.Mode},
		"experts": {strconv.Itoa(tk.Experts)}, "control": {strconv.Itoa(tk.Control)}, "agency": {tk.Agency}, "expected": {strconv.Itoa(tk.Expected)}}
	if tk.DrawWindow {
		v.Set("draw_window", "1")
	}
	if tk.SkipInspectedByOthers {
		v.Set("skip_inspected", "1")
	}
	if tk.Appointments {
		v.Set("appointments", "1")
	}
	for _, it := range tk.ItemTargets {
		v.Set("target."+it.Item, strconv.Itoa(it.Target))
	}
	for _, s := range tk.Strata {
		v.Set("rate."+s.ID, s.Rate)
		v.Set("min."+s.ID, strconv.Itoa(s.Min))
		v.Set("max."+s.ID, strconv.Itoa(s.Max))
		v.Set("reserve."+s.ID, strconv.Itoa(s.Reserve))
	}
	for _, s := range tk.Team {
		v.Add("team_unit", s.Unit)
		v.Add("team_size", strconv.Itoa(s.Size))
	}
	return v
}

// TaskStepForm is the form of a task's step: the state the page showed
// (a step posted from a page that is out of date, or twice, is refused)
// and a cancellation's reason.
type TaskStepForm struct {
	From   string `form:"from,trim"`
	Reason string `form:"reason,trim"`
}

// DrawRequestForm plans a draw for a task, or a re-draw that supersedes
// one of its draws.
type DrawRequestForm struct {
	Officials   string `form:"officials"` // user names, separated by commas, 顿号 or spaces
	Dice        bool   `form:"dice"`
	BeaconChain string `form:"beacon_chain,trim"`
	BeaconRound string `form:"beacon_round,trim"`
	Supersedes  string `form:"supersedes,trim"`
	Reason      string `form:"reason,trim"`
}

// Request is the draw request of the form, with the problems of its
// numbers.
func (f *DrawRequestForm) Request() (spotcheck.DrawRequest, spotcheck.Problems) {
	var ps spotcheck.Problems
	req := spotcheck.DrawRequest{Officials: SplitNames(f.Officials), Dice: f.Dice, BeaconChain: f.BeaconChain,
		Reason: f.Reason}
	if t := f.BeaconRound; t != "" {
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil || n <= 0 {
			ps.Add("beacon", "随机信标", "轮次“%s”应为正整数", t)
		}
		req.BeaconRound = n
	}
	if t := f.Supersedes; t != "" {
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil || n <= 0 {
			ps.Add("supersedes", "被取代的抽取", "“%s”不是抽取编号", t)
		}
		req.Supersedes = n
	}
	return req, ps
}

// SplitNames splits a list of user names or ids typed with commas,
// 顿号 or spaces.
func SplitNames(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
}

// DrawChangeForm requests a change of a drawn draw: a substitute entity, a
// replaced inspector, or an assigned team.
type DrawChangeForm struct {
	Kind         string `form:"kind"`
	Entity       string `form:"entity,trim"`
	Inspector    string `form:"inspector,trim"`
	NewInspector string `form:"new_inspector,trim"`
	Inspectors   string `form:"inspectors"` // in order, the lead first (SplitNames)
	Reason       string `form:"reason"`
	Note         string `form:"note,trim"`
}

// Change is the change of the form, with the problems of its missing
// fields.
func (f *DrawChangeForm) Change() (*spotcheck.DrawChange, spotcheck.Problems) {
	return DrawChange(&spotcheck.DrawChange{Kind: f.Kind, Entity: f.Entity, Inspector: f.Inspector,
		NewInspector: f.NewInspector, Inspectors: SplitNames(f.Inspectors), Reason: f.Reason, Note: f.Note})
}

// DrawChange checks that a change request names what its kind needs,
// before the service checks it against the draw; the form and the API
// ask the same.
func DrawChange(c *spotcheck.DrawChange) (*spotcheck.DrawChange, spotcheck.Problems) {
	var ps spotcheck.Problems
	if _, ok := spotcheck.DrawChangeNames[c.Kind]; !ok {
		ps.Add("kind", "变更类型", "请选择变更类型")
	}
	if c.Entity == "" {
		ps.Add("entity", "检查对象", "请选择抽中的检查对象")
	}
	if _, ok := spotcheck.ChangeReasons[c.Reason]; !ok {
		ps.Add("reason", "原因", "请选择原因")
	}
	switch c.Kind {
	case spotcheck.ChangeReplace:
		if c.Inspector == "" {
			ps.Add("inspector", "被更换的人员", "请填写被更换的检查人员编号")
		}
		if c.NewInspector == "" {
			ps.Add("new_inspector", "新的人员", "请填写接替的检查人员编号")
		}
	case spotcheck.ChangeAssign:
		if len(c.Inspectors) == 0 {
			ps.Add("inspectors", "检查组", "请按顺序填写检查组成员编号（第一位为主检）")
		}
	}
	return c, ps
}

// DrawStepForm holds the fields of the steps of a draw's workflow, each
// step's form posting some of them.
type DrawStepForm struct {
	Commitment       string `form:"commitment,trim"`
	Secret           string `form:"secret"` // the reveal's; as typed, every character counts
	Participant      string `form:"participant,trim"`
	Note             string `form:"note,trim"`
	Dice             string `form:"dice,trim"`
	BeaconRandomness string `form:"beacon_randomness,trim"`
	Decision         string `form:"decision"` // approve or reject
	Reason           string `form:"reason,trim"`
}

// HasField reports whether the form posted field at all, empty or not.
func HasField(values url.Values, field string) bool { _, ok := values[field]; return ok }

// Checked reports whether a multiple choice of the form holds v.
func Checked(values url.Values, field, v string) bool { return slices.Contains(values[field], v) }
