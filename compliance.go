package spotcheck

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The compliance check of an annual plan (issue 10, spec/cli.md `plan
// check`): a pure function of the plan, its tasks and the facts the store
// gathers with aggregate queries, so that the store, the command and the
// live panel of the plan page give the same findings. One finding per rule
// broken and place, each saying what, where and by how much.

// The rules of the compliance check, as `spotcheck plan check` prints them.
const (
	RuleCoverage   = "coverage"   // a target type × division below its floor ratio over the year
	RuleRounds     = "rounds"     // fewer rounds a year than required
	RuleRiskRatio  = "risk-ratio" // C/D or 重点 drawn at a lower ratio than A/B or 一般, or outside the local class ratios
	RuleItem       = "item"       // an item inactive, out of force or without legal basis
	RuleInspectors = "inspectors" // too few certified inspectors for a task's expected visits
	RuleCap        = "cap"        // annual caps leave too few eligible entities
)

var ruleOrder = []string{RuleCoverage, RuleRounds, RuleRiskRatio, RuleItem, RuleInspectors, RuleCap}

// Finding is one rule a plan breaks: Rule, Where by code (a task, an item,
// or type/division such as "T06/350102") and the message people read.
type Finding struct {
	Rule     string `json:"rule"`
	Where    string `json:"where"`
	Message  string `json:"message"`
	RuleName string `json:"rule_name"` // RuleNames[Rule], for people
}

// RuleNames name the rules as pages show them.
var RuleNames = map[string]string{
	RuleCoverage: "抽查比例", RuleRounds: "抽查轮次", RuleRiskRatio: "分类抽查比例",
	RuleItem: "抽查事项", RuleInspectors: "执法人员配备", RuleCap: "年度检查上限",
}

// Defaults of an item's floor and rounds where it gives none (国办发〔2015〕58号).
const (
	DefaultFloorRatio = "3%"
	DefaultRounds     = 2
)

// PopulationCell is the count of active, operating entities of the plan
// department's jurisdiction with one target type, division, credit class
// and 重点 flag (one row of the store's GROUP BY).
type PopulationCell struct {
	Type, Division, Class string
	Key                   bool
	Count                 int
}

// CappedCell counts the entities (not 重点, which caps exempt) of one type
// and division that an authority has already inspected Times times this
// year.
type CappedCell struct {
	Authority, Type, Division string
	Times, Count              int
}

// ClassBand is the local range of the sampling ratio of one credit class,
// percentages such as "5%" and "20%" ("" = no bound).
type ClassBand struct{ Class, Min, Max string }

// ClassRatios is the local configuration of ratios by credit class, with
// its source (the notice that sets it). Empty: only the order C/D ≥ A/B is
// checked. Class A may be set below the general floor (无事不扰); the
// floor is then met per type × division by the coverage rule.
type ClassRatios struct {
	Source string
	Bands  []ClassBand
}

// ComplianceFacts are the facts a plan is checked against.
type ComplianceFacts struct {
	Population    []PopulationCell
	Items         map[string]Item       // latest version by code, of every item the plan names
	ClassRatios   ClassRatios           // local configuration
	Pools         map[string][]UnitPool // by task code: its team's rosters
	Capped        []CappedCell
	TypeNames     map[string]string
	DivisionNames map[string]string
}

// Expectation is a task's expected sample over the population: per
// stratum n_h as spec §3 computes it on the whole population of its scope,
// spread over type × division in proportion, scaled to Task.Expected when
// the task states one.
type Expectation struct {
	Cells   map[[2]string]float64 // (type, division) → expected entities
	Strata  map[string]int        // stratum → entities in scope
	InScope int
	Total   float64
}

// Expect computes a task's expectation over the population cells.
func (t *Task) Expect(pop []PopulationCell) Expectation {
	e := Expectation{Cells: map[[2]string]float64{}, Strata: map[string]int{}}
	byCell := map[string]map[[2]string]int{}
	for _, c := range pop {
		if !t.inScope(c.Type, c.Division) || c.Count <= 0 {
			continue
		}
		h := t.Stratum(c.Class, c.Key)
		e.Strata[h] += c.Count
		e.InScope += c.Count
		if byCell[h] == nil {
			byCell[h] = map[[2]string]int{}
		}
		byCell[h][[2]string{c.Type, c.Division}] += c.Count
	}
	for h, n := range e.Strata {
		var r StratumRule
		for _, x := range t.Strata {
			if x.ID == h {
				r = x
			}
		}
		a, b, ok := ParseRate(r.Rate)
		if !ok {
			continue
		}
		k := min(n, max(r.Min, ceilDiv(n*a, b)))
		if r.Max > 0 {
			k = min(k, r.Max)
		}
		e.Total += float64(k)
		for cell, m := range byCell[h] {
			e.Cells[cell] += float64(k) * float64(m) / float64(n)
		}
	}
	if t.Expected > 0 && e.Total > 0 && float64(t.Expected) != e.Total {
		f := float64(t.Expected) / e.Total
		for cell := range e.Cells {
			e.Cells[cell] *= f
		}
		e.Total = float64(t.Expected)
	}
	return e
}

func (t *Task) inScope(typ, division string) bool {
	return (len(t.Scope.Types) == 0 || slices.Contains(t.Scope.Types, typ)) &&
		(len(t.Scope.Divisions) == 0 || slices.Contains(t.Scope.Divisions, division))
}

// CheckCompliance returns the findings of plan p with its tasks against
// the facts, sorted by rule and place; none for a compliant plan.
// Cancelled tasks do not count.
func CheckCompliance(p *Plan, tasks []Task, f ComplianceFacts) []Finding {
	c := checker{p: p, f: f}
	for _, t := range tasks {
		if t.State != TaskCancelled {
			c.tasks = append(c.tasks, t)
			c.exp = append(c.exp, t.Expect(f.Population))
		}
	}
	c.coverage()
	c.riskRatio()
	c.items()
	c.inspectors()
	c.caps()
	slices.SortStableFunc(c.out, func(a, b Finding) int {
		if d := slices.Index(ruleOrder, a.Rule) - slices.Index(ruleOrder, b.Rule); d != 0 {
			return d
		}
		return strings.Compare(a.Where, b.Where)
	})
	return c.out
}

type checker struct {
	p     *Plan
	f     ComplianceFacts
	tasks []Task
	exp   []Expectation
	out   []Finding
}

func (c *checker) add(rule, where, format string, args ...any) {
	c.out = append(c.out, Finding{rule, where, fmt.Sprintf(format, args...), RuleNames[rule]})
}

func (c *checker) cellName(typ, div string) string {
	return orDefault(c.f.TypeNames[typ], typ) + "/" + orDefault(c.f.DivisionNames[div], div)
}

// coverage checks the floor ratio and the rounds of every type × division
// with entities, against the items of the tasks that reach it.
func (c *checker) coverage() {
	pop := map[[2]string]int{}
	for _, x := range c.f.Population {
		pop[[2]string{x.Type, x.Division}] += x.Count
	}
	cells := make([][2]string, 0, len(pop))
	for cell, n := range pop {
		if n > 0 {
			cells = append(cells, cell)
		}
	}
	slices.SortFunc(cells, func(a, b [2]string) int { return strings.Compare(a[0]+"/"+a[1], b[0]+"/"+b[1]) })
	for _, cell := range cells {
		n := pop[cell]
		floor, rounds := c.requirement(cell[0])
		expected := 0.0
		seen := map[int]bool{}
		for i, t := range c.tasks {
			if x := c.exp[i].Cells[cell]; x > 0 {
				expected += x
				if t.Round > 0 {
					seen[t.Round] = true
				}
			}
		}
		where := cell[0] + "/" + cell[1]
		if BelowFloor(expected, n, floor) {
			c.add(RuleCoverage, where, "%s：全年预计抽查 %s 户，占 %d 户的 %s%%，低于 %s",
				c.cellName(cell[0], cell[1]), count(expected), n, below(expected*100/float64(n), floor), tenths(floor))
		}
		if len(seen) < rounds {
			c.add(RuleRounds, where, "%s：全年安排 %d 轮抽查，少于每年 %d 轮", c.cellName(cell[0], cell[1]), len(seen), rounds)
		}
	}
}

// requirement is the floor (tenths of a percent) and rounds for a target
// type under the plan's items (CoverageRequirement).
func (c *checker) requirement(typ string) (floor, rounds int) {
	var items []Item
	for _, code := range c.planItems() {
		if it, ok := c.f.Items[code]; ok {
			items = append(items, it)
		}
	}
	return CoverageRequirement(typ, items)
}

func (c *checker) planItems() []string {
	var out []string
	for _, t := range c.tasks {
		for _, it := range t.Items {
			if !slices.Contains(out, it) {
				out = append(out, it)
			}
		}
	}
	for _, it := range c.p.KeyItems {
		if !slices.Contains(out, it) {
			out = append(out, it)
		}
	}
	slices.Sort(out)
	return out
}

// ParsePercent reads a percentage such as "3%" or "2.5%" in tenths of a
// percent.
func ParsePercent(s string) (int, bool) {
	s = strings.TrimSuffix(strings.ReplaceAll(strings.TrimSpace(s), "％", "%"), "%")
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || v > 100 {
		return 0, false
	}
	return int(math.Round(v * 10)), true
}

// count shows an expected number of entities: whole when it is, else
// with one decimal (an expectation spread over strata).
func count(x float64) string {
	if r := math.Round(x); math.Abs(x-r) < 0.05 {
		return strconv.Itoa(int(r))
	}
	return strconv.FormatFloat(x, 'f', 1, 64)
}

// below shows a percentage that is below floor (tenths of a percent)
// rounded to one decimal, or truncated to two where rounding would reach
// the floor (2.958 % of a 3 % floor shows as 2.95, not 3.0).
func below(pct float64, floor int) string {
	if s := strconv.FormatFloat(pct, 'f', 1, 64); math.Round(pct*10) < float64(floor) {
		return s
	}
	return strconv.FormatFloat(math.Floor(pct*100)/100, 'f', 2, 64)
}

func tenths(n int) string {
	if n%10 == 0 {
		return fmt.Sprintf("%d%%", n/10)
	}
	return fmt.Sprintf("%d.%d%%", n/10, n%10)
}

type rate struct{ a, b int }

func (r rate) less(o rate) bool { return r.a*o.b < o.a*r.b }
func (r rate) String() string {
	pct := strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", float64(r.a)*100/float64(r.b)), "0"), ".")
	return fmt.Sprintf("%s%%（%d/%d）", pct, r.a, r.b)
}

var stratumNames = map[string]string{"A": "A类", "B": "B类", "C": "C类", "D": "D类", "key": "重点", "general": "一般"}

// riskRatio checks, in every task that draws high-risk entities, that
// their ratio is not below that of the low-risk ones, and that each class
// ratio lies in its local band.
func (c *checker) riskRatio() {
	for i, t := range c.tasks {
		rates := map[string]rate{}
		for _, r := range t.Strata {
			if a, b, ok := ParseRate(r.Rate); ok && c.exp[i].Strata[r.ID] > 0 {
				rates[r.ID] = rate{a, b}
			}
		}
		var pairs [][2]string
		if t.StrataBy != StrataByKey {
			pairs = append(pairs, [2]string{"C", "A"}, [2]string{"C", "B"}, [2]string{"D", "A"}, [2]string{"D", "B"})
		}
		switch t.StrataBy {
		case StrataByKey:
			pairs = append(pairs, [2]string{"key", "general"})
		case StrataByKeyCredit:
			pairs = append(pairs, [2]string{"key", "A"}, [2]string{"key", "B"}, [2]string{"key", "C"}, [2]string{"key", "D"})
		}
		// One finding per high-risk stratum, against the highest ratio above it.
		worst := map[string]string{}
		for _, pr := range pairs {
			hi, okh := rates[pr[0]]
			lo, okl := rates[pr[1]]
			if w, ok := worst[pr[0]]; okh && okl && hi.less(lo) && (!ok || rates[w].less(lo)) {
				worst[pr[0]] = pr[1]
			}
		}
		for _, h := range []string{"C", "D", "key"} {
			if lo, ok := worst[h]; ok {
				c.add(RuleRiskRatio, t.Code+"/"+h, "任务 %s：%s抽查比例 %s，低于%s的 %s",
					t.Code, stratumNames[h], rates[h], stratumNames[lo], rates[lo])
			}
		}
		for _, band := range c.f.ClassRatios.Bands {
			r, ok := rates[band.Class]
			if !ok {
				continue
			}
			lo, okl := ParsePercent(band.Min)
			hi, okh := ParsePercent(band.Max)
			if (okl && r.a*1000 < lo*r.b) || (okh && r.a*1000 > hi*r.b) {
				c.add(RuleRiskRatio, t.Code+"/"+band.Class, "任务 %s：%s抽查比例 %s 不在本地规定的 %s–%s 之内（%s）",
					t.Code, stratumNames[band.Class], r, orDefault(band.Min, "0%"), orDefault(band.Max, "100%"),
					orDefault(c.f.ClassRatios.Source, "本地配置"))
			}
		}
	}
}

// items checks every item the plan names: listed, active, in force in
// the plan's year, with a legal basis.
func (c *checker) items() {
	first, last := fmt.Sprintf("%04d-01-01", c.p.Year), fmt.Sprintf("%04d-12-31", c.p.Year)
	for _, code := range c.planItems() {
		it, ok := c.f.Items[code]
		if !ok {
			c.add(RuleItem, code, "事项 %s 不在抽查事项清单中", code)
			continue
		}
		var why []string
		if it.Status != ItemActive {
			why = append(why, fmt.Sprintf("状态为“%s”，未启用", it.Status))
		}
		if strings.TrimSpace(it.LegalBasis) == "" {
			why = append(why, "没有检查依据")
		}
		if it.EffectiveTo != "" && it.EffectiveTo < first {
			why = append(why, "已于 "+it.EffectiveTo+" 失效")
		}
		if it.EffectiveFrom > last {
			why = append(why, "自 "+it.EffectiveFrom+" 起才生效")
		}
		if len(why) > 0 {
			c.add(RuleItem, code, "事项 %s（%s）%s，不能用于 %d 年度抽查", code, it.Name, strings.Join(why, "，"), c.p.Year)
		}
	}
}

// inspectors checks the expected staffing of every task (EstimateStaffing).
func (c *checker) inspectors() {
	for i, t := range c.tasks {
		s := EstimateStaffing(int(math.Ceil(c.exp[i].Total)), t.CapSlack, c.pools(t))
		if s.Short <= 0 {
			continue
		}
		var parts []string
		for j, u := range s.Units {
			part := fmt.Sprintf("%s 每组 %d 人、可派 %d 人", u.Unit, u.Size, u.Pool)
			if j == 0 {
				part += fmt.Sprintf("（可任主检 %d 人）", u.Leads)
			}
			parts = append(parts, part+fmt.Sprintf("、每人至多 %d 次", u.Cap))
		}
		c.add(RuleInspectors, t.Code, "任务 %s：预计检查 %d 户，只能组成 %d 个检查组，%d 户将无人检查（%s）",
			t.Code, s.Visits, s.Staffed, s.Short, strings.Join(parts, "；"))
	}
}

// pools returns the task's unit pools from the facts, in team order, with
// the team sizes of the task.
func (c *checker) pools(t Task) []UnitPool {
	have := c.f.Pools[t.Code]
	out := make([]UnitPool, len(t.Team))
	for i, slot := range t.Team {
		out[i] = UnitPool{Unit: slot.Unit, Size: slot.Size}
		for _, h := range have {
			if h.Unit == slot.Unit {
				out[i].Pool, out[i].Leads = h.Pool, h.Leads
			}
		}
	}
	return out
}

// caps checks that the entities left eligible under the task's annual cap
// cover its expected sample.
func (c *checker) caps() {
	for i, t := range c.tasks {
		capped := 0
		for _, x := range c.f.Capped {
			if x.Authority == t.Authority && x.Times >= t.AnnualCap && t.inScope(x.Type, x.Division) {
				capped += x.Count
			}
		}
		need := int(math.Ceil(c.exp[i].Total))
		if capped > 0 && c.exp[i].InScope-capped < need {
			c.add(RuleCap, t.Code, "任务 %s：%d 户已达每年 %d 次的检查上限，可抽 %d 户，少于预计抽查的 %d 户",
				t.Code, capped, t.AnnualCap, c.exp[i].InScope-capped, need)
		}
	}
}
