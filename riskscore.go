package spotcheck

import (
	"strconv"
	"strings"
	"time"
)

// RiskFacts are what the risk model needs to know of one entity. The
// store gathers them for every entity of a reclassification run; the
// counts are already limited to each factor's window (RiskModel.Since),
// so that the database counts with one grouped query and Score stays a
// little arithmetic.
type RiskFacts struct {
	Type          string // target type code, T01…
	KeyItem       bool   // an active 重点 item (Item.Class 重点) targets its type
	Founded       string // 成立日期 YYYY-MM-DD, "" = unknown
	LastInspected string // day of its last completed inspection, "" = none on record
	// Inspections since Since(FactorAdverseResults) with a result whose
	// national code is among the factor's Results.
	AdverseResults int
	OpenFollowUps  int  // follow-ups (责令整改, 后续处理) still open
	Abnormal       bool // on the 经营异常名录 now
	Complaints     int  // complaints since Since(FactorComplaints)
	Penalties      int  // administrative penalties since Since(FactorPenalties)
}

// FactorContribution is what one factor made of an entity's facts: the
// value it measured (a count, 0/1, a share in percent or months, as
// RiskFactorKind.Measures says), the points it gave of its weight (the
// most it gives) and a sentence that says why, in Chinese, for the
// entity's page.
type FactorContribution struct {
	Factor      string
	Value       int
	Points      int
	Weight      int
	Explanation string
}

// RiskAssessment is the model's verdict on one entity.
type RiskAssessment struct {
	Model         string // the model's Version
	Score         int
	ScoreClass    string // the class the score alone gives
	Class         string // the class, after the maximum interval raised it
	Overdue       bool   // not inspected for Overdue.MaxMonths or more
	Key           bool   // on the key list (重点抽查名录库)
	KeyReason     string // why, "；"-separated; "" when not Key
	KeyExpiry     string // YYYY-MM-DD until which the model's membership lasts; "" when not Key
	Contributions []FactorContribution
}

// Since returns the first day a windowed factor counts (today less its
// Years, the same calendar day) as YYYY-MM-DD, or false for a factor
// without a window or not in the model. The store counts events on or
// after that day into RiskFacts.
func (m *RiskModel) Since(factor string, today time.Time) (string, bool) {
	f, ok := m.Factor(factor)
	if !ok || f.Years <= 0 {
		return "", false
	}
	return today.AddDate(-f.Years, 0, 0).Format(DateLayout), true
}

// Score assesses one entity on today. It is pure and deterministic and is
// meant for a validated model (Validate); it allocates the contributions
// and one string that holds all their explanations, and the key reason
// of an entity on the key list, nothing else, since a run scores every
// entity of the city. Points are whole numbers rounded half up: a factor
// gives Weight × level, where level is min(value, Cap)/Cap for a count,
// 0 or 1 for the abnormal list and a new entity, the share for the type,
// and min(months, Overdue.MaxMonths)/MaxMonths for the time since the
// last inspection.
func (m *RiskModel) Score(f RiskFacts, today time.Time) RiskAssessment {
	ty, tm, td := today.Date()
	now := ymd{ty, int(tm), td}
	a := RiskAssessment{Model: m.Version, Contributions: make([]FactorContribution, len(m.Factors))}
	var buf [1024]byte
	text := buf[:0]
	ends := make([]int, 0, 16)
	var keyBy [8]int // indexes of the factors that put the entity on the key list
	nKey := 0
	months, measured := 0, false // since the last inspection (or its substitute)
	for i := range m.Factors {
		fc := &m.Factors[i]
		c := &a.Contributions[i]
		c.Factor, c.Weight = fc.ID, fc.Weight
		switch fc.ID {
		case FactorAdverseResults:
			c.Value, c.Points = f.AdverseResults, countPoints(fc, f.AdverseResults)
			text = appendCount(text, fc, c, "检查发现问题", "次", "检查未发现问题")
		case FactorOpenFollowUps:
			c.Value, c.Points = f.OpenFollowUps, countPoints(fc, f.OpenFollowUps)
			if c.Value == 0 {
				text = append(text, "没有未完结的责令整改或后续处理"...)
			} else {
				text = append(text, "有"...)
				text = strconv.AppendInt(text, int64(c.Value), 10)
				text = append(text, "件责令整改或后续处理未完结"...)
			}
			text = appendPoints(text, fc, c, "件")
		case FactorAbnormalList:
			if f.Abnormal {
				c.Value, c.Points = 1, fc.Weight
				text = append(text, "列入经营异常名录"...)
			} else {
				text = append(text, "未列入经营异常名录"...)
			}
			text = appendPoints(text, fc, c, "")
		case FactorComplaints:
			c.Value, c.Points = f.Complaints, countPoints(fc, f.Complaints)
			text = appendCount(text, fc, c, "投诉举报经查属实", "次", "没有经查属实的投诉举报")
		case FactorPenalties:
			c.Value, c.Points = f.Penalties, countPoints(fc, f.Penalties)
			text = appendCount(text, fc, c, "受到行政处罚", "次", "没有行政处罚")
		case FactorEntityType:
			text = scoreType(text, fc, c, f)
		case FactorSinceInspection:
			text, months = m.scoreSince(text, fc, c, f, now)
			measured = true
		case FactorNewEntity:
			text = scoreNew(text, fc, c, f, now)
		}
		ends = append(ends, len(text))
		if fc.KeyAt > 0 && c.Value >= fc.KeyAt && nKey < len(keyBy) {
			keyBy[nKey] = i
			nKey++
		}
		a.Score += c.Points
	}
	all := string(text)
	start := 0
	for i, end := range ends {
		a.Contributions[i].Explanation = all[start:end]
		start = end
	}

	a.ScoreClass = m.Classes.classOf(a.Score)
	a.Class = a.ScoreClass
	if !measured {
		months = m.monthsUninspected(f, now)
	}
	a.Overdue = months >= m.Overdue.MaxMonths
	if a.Overdue && classRank(m.Overdue.MinClass) > classRank(a.Class) {
		a.Class = m.Overdue.MinClass
	}
	byClass := false
	for _, c := range m.Key.Classes {
		byClass = byClass || c == a.Class
	}
	byOverdue := a.Overdue && m.Overdue.Key
	if a.Key = byClass || byOverdue || nKey > 0; a.Key {
		a.KeyReason = m.keyReason(a, byClass, byOverdue, keyBy[:nKey])
		a.KeyExpiry = today.AddDate(0, m.Key.ExpiryMonths, 0).Format(DateLayout)
	}
	return a
}

// classOf is the class of a score.
func (c RiskClasses) classOf(score int) string {
	switch {
	case score >= c.D:
		return "D"
	case score >= c.C:
		return "C"
	case score >= c.B:
		return "B"
	}
	return "A"
}

// keyReason says why an entity is on the key list, each reason once.
func (m *RiskModel) keyReason(a RiskAssessment, byClass, byOverdue bool, factors []int) string {
	var b strings.Builder
	sep := func() {
		if b.Len() > 0 {
			b.WriteString("；")
		}
	}
	if byClass {
		b.WriteString("信用风险")
		b.WriteString(a.Class)
		b.WriteString("类（")
		b.WriteString(CreditClassNames[a.Class])
		b.WriteString("）")
	}
	for _, i := range factors {
		sep()
		name := m.Factors[i].ID
		if k, ok := RiskFactorKindOf(name); ok {
			name = k.Name
		}
		b.WriteString(name)
		b.WriteString("达到列入标准（")
		b.WriteString(a.Contributions[i].Explanation)
		b.WriteString("）")
	}
	if byOverdue {
		sep()
		b.WriteString("超过最长检查间隔")
		b.WriteString(strconv.Itoa(m.Overdue.MaxMonths))
		b.WriteString("个月未检查")
	}
	return b.String()
}

// ExplainClass says in one sentence how a's class came about: the score
// against the thresholds, and the maximum interval if it raised the class.
func (m *RiskModel) ExplainClass(a RiskAssessment) string {
	var b strings.Builder
	b.WriteString("得分")
	b.WriteString(strconv.Itoa(a.Score))
	switch a.ScoreClass {
	case "A":
		b.WriteString("，低于B类门槛" + strconv.Itoa(m.Classes.B) + "分，为A类")
	case "B":
		b.WriteString("，达到B类门槛" + strconv.Itoa(m.Classes.B) + "分，为B类")
	case "C":
		b.WriteString("，达到C类门槛" + strconv.Itoa(m.Classes.C) + "分，为C类")
	case "D":
		b.WriteString("，达到D类门槛" + strconv.Itoa(m.Classes.D) + "分，为D类")
	}
	if a.Class != a.ScoreClass {
		b.WriteString("；超过最长检查间隔" + strconv.Itoa(m.Overdue.MaxMonths) + "个月未检查，提升为" + a.Class + "类")
	}
	b.WriteString("（模型" + a.Model + "）")
	return b.String()
}

// countPoints is Weight × min(n, Cap)/Cap, rounded half up.
func countPoints(f *RiskFactor, n int) int {
	return share(f.Weight, n, f.Cap)
}

// share is w × min(n, of)/of rounded half up; 0 when of is not positive.
func share(w, n, of int) int {
	if of <= 0 || n <= 0 {
		return 0
	}
	n = min(n, of)
	return (w*n*2 + of) / (2 * of)
}

// appendCount explains a count in a window: 近3年被投诉举报2次.
func appendCount(text []byte, f *RiskFactor, c *FactorContribution, what, unit, none string) []byte {
	text = append(text, "近"...)
	text = strconv.AppendInt(text, int64(f.Years), 10)
	text = append(text, "年"...)
	if c.Value == 0 {
		text = append(text, none...)
	} else {
		text = append(text, what...)
		text = strconv.AppendInt(text, int64(c.Value), 10)
		text = append(text, unit...)
	}
	return appendPoints(text, f, c, unit)
}

// appendPoints ends an explanation with the points: ，计20分（满分30分，3次及以上计满分）.
func appendPoints(text []byte, f *RiskFactor, c *FactorContribution, unit string) []byte {
	text = append(text, "，计"...)
	text = strconv.AppendInt(text, int64(c.Points), 10)
	text = append(text, "分（满分"...)
	text = strconv.AppendInt(text, int64(f.Weight), 10)
	text = append(text, "分"...)
	if f.Cap > 1 {
		text = append(text, "，"...)
		text = strconv.AppendInt(text, int64(f.Cap), 10)
		text = append(text, unit...)
		text = append(text, "及以上计满分"...)
	}
	return append(text, "）"...)
}

// scoreType scores the type factor: the type's share, or the key-item
// share when a 重点 item targets the type and that share is higher.
func scoreType(text []byte, f *RiskFactor, c *FactorContribution, facts RiskFacts) []byte {
	s, listed := f.Types[facts.Type]
	if !listed {
		s = f.DefaultShare
	}
	keyItem := facts.KeyItem && f.KeyItemShare > s
	if keyItem {
		s = f.KeyItemShare
	}
	c.Value, c.Points = s, share(f.Weight, s, 100)
	name := facts.Type
	for _, t := range DefaultTargetTypes {
		if t.Code == facts.Type {
			name = t.Name
		}
	}
	switch {
	case facts.Type == "":
		text = append(text, "类型不详，按默认"...)
	default:
		text = append(text, name...)
		if name != facts.Type {
			text = append(text, "（"...)
			text = append(text, facts.Type...)
			text = append(text, "）"...)
		}
		if keyItem {
			text = append(text, "属重点检查事项的对象，"...)
		} else if !listed {
			text = append(text, "未单列，按默认"...)
		}
	}
	text = append(text, "风险系数"...)
	text = strconv.AppendInt(text, int64(s), 10)
	text = append(text, "%"...)
	return appendPoints(text, f, c, "")
}

// scoreSince scores the time since the last inspection and returns the
// months it measured.
func (m *RiskModel) scoreSince(text []byte, f *RiskFactor, c *FactorContribution, facts RiskFacts, now ymd) ([]byte, int) {
	limit := m.Overdue.MaxMonths
	if last, ok := parseYMD(facts.LastInspected); ok {
		c.Value = monthsBetween(last, now)
		text = append(text, "距上次检查（"...)
		text = append(text, facts.LastInspected...)
		text = append(text, "）"...)
	} else {
		from, founded := m.uninspectedFrom(facts)
		if founded {
			text = append(text, "无检查记录，自成立（"...)
		} else {
			text = append(text, "无检查记录，自检查记录起算日（"...)
		}
		start, _ := parseYMD(from)
		c.Value = monthsBetween(start, now)
		text = append(text, from...)
		text = append(text, "）起"...)
	}
	c.Points = share(f.Weight, c.Value, limit)
	text = strconv.AppendInt(text, int64(c.Value), 10)
	text = append(text, "个月"...)
	if c.Value >= limit {
		text = append(text, "，已达最长检查间隔"...)
	}
	text = append(text, "，计"...)
	text = strconv.AppendInt(text, int64(c.Points), 10)
	text = append(text, "分（满分"...)
	text = strconv.AppendInt(text, int64(f.Weight), 10)
	text = append(text, "分，"...)
	text = strconv.AppendInt(text, int64(limit), 10)
	text = append(text, "个月及以上计满分）"...)
	return text, c.Value
}

// monthsUninspected measures what scoreSince measures, for a model that
// weighs no time since the last inspection but still keeps its maximum
// interval.
func (m *RiskModel) monthsUninspected(facts RiskFacts, now ymd) int {
	if last, ok := parseYMD(facts.LastInspected); ok {
		return monthsBetween(last, now)
	}
	from, _ := m.uninspectedFrom(facts)
	start, _ := parseYMD(from)
	return monthsBetween(start, now)
}

// uninspectedFrom is the day from which an entity with no inspection on
// record counts as uninspected: its founding, or the day the platform's
// records begin when that is later or the founding is unknown.
func (m *RiskModel) uninspectedFrom(facts RiskFacts) (day string, founded bool) {
	if _, ok := parseYMD(facts.Founded); ok && facts.Founded > m.Overdue.RecordsFrom {
		return facts.Founded, true
	}
	return m.Overdue.RecordsFrom, false
}

// scoreNew scores a new entity: founded less than Months months ago.
func scoreNew(text []byte, f *RiskFactor, c *FactorContribution, facts RiskFacts, now ymd) []byte {
	founded, ok := parseYMD(facts.Founded)
	if !ok {
		c.Value = -1
		text = append(text, "成立日期不详，不按新设主体计"...)
		return appendPoints(text, f, c, "")
	}
	c.Value = monthsBetween(founded, now)
	text = append(text, "成立"...)
	text = strconv.AppendInt(text, int64(c.Value), 10)
	text = append(text, "个月"...)
	if c.Value < f.Months {
		c.Points = f.Weight
		text = append(text, "，属新设主体（不满"...)
	} else {
		text = append(text, "，不属新设主体（不满"...)
	}
	text = strconv.AppendInt(text, int64(f.Months), 10)
	text = append(text, "个月）"...)
	return appendPoints(text, f, c, "")
}

// ymd is a calendar day.
type ymd struct{ y, m, d int }

// parseYMD reads YYYY-MM-DD without allocating; anything else is not ok.
func parseYMD(s string) (ymd, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return ymd{}, false
	}
	num := func(s string) int {
		n := 0
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return -1
			}
			n = n*10 + int(s[i]-'0')
		}
		return n
	}
	d := ymd{num(s[:4]), num(s[5:7]), num(s[8:])}
	if d.y < 0 || d.m < 1 || d.m > 12 || d.d < 1 || d.d > 31 {
		return ymd{}, false
	}
	return d, true
}

// monthsBetween counts the whole months from a to b (0 if b is not after
// a): from 2025-01-31 to 2025-02-28 is 0 months, to 2025-03-31 is 2.
func monthsBetween(a, b ymd) int {
	n := (b.y-a.y)*12 + b.m - a.m
	if b.d < a.d {
		n--
	}
	return max(n, 0)
}
