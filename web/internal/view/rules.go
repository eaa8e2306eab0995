package view

import "spotcheck"

// The page model of a rules document (一细则), shared by the portal's
// pages and the admin's preview so that both show a clause the same way:
// its text with each parameter tag as the parameter's name, and beside it
// the value the platform enforces today, its source and where it is
// applied; when the value has changed since the version was published,
// the value then as well.

// RulesPage is a document laid out for a page.
type RulesPage struct {
	Doc      *spotcheck.RulesDoc
	Sections []RulesSection
	Params   []spotcheck.RuleParam // today's, all of them
}

// RulesSection is 实施细则 or 工作流程 with its clauses.
type RulesSection struct {
	Field, Name string
	Clauses     []RulesClause
}

// RulesClause is one clause as shown: NewHeading when its heading starts here.
type RulesClause struct {
	Number, Heading, Text string
	NewHeading            bool
	Params                []RulesParam
}

// RulesParam is a parameter beside a clause: today's value, and Then,
// the value when the version was published if it differs.
type RulesParam struct {
	spotcheck.RuleParam
	Then string
}

// NewRulesPage lays d out with today's parameters.
func NewRulesPage(d *spotcheck.RulesDoc, today []spotcheck.RuleParam) RulesPage {
	then := map[string]string{}
	for _, x := range d.Params {
		then[x.ID] = x.Value
	}
	byID := map[string]spotcheck.RuleParam{}
	for _, x := range today {
		byID[x.ID] = x
	}
	pg := RulesPage{Doc: d, Params: today}
	for _, s := range spotcheck.RuleSections {
		cs, _ := spotcheck.ParseClauses(s.Field, s.Name, d.Section(s.Field), today)
		sec := RulesSection{Field: s.Field, Name: s.Name}
		heading := ""
		for _, c := range cs {
			rc := RulesClause{Number: c.Number, Heading: c.Heading, Text: spotcheck.ClauseText(c.Text, today),
				NewHeading: c.Heading != "" && c.Heading != heading}
			heading = c.Heading
			for _, id := range c.Params {
				p := RulesParam{RuleParam: byID[id]}
				if v, ok := then[id]; ok && v != p.Value {
					p.Then = v
				}
				rc.Params = append(rc.Params, p)
			}
			sec.Clauses = append(sec.Clauses, rc)
		}
		pg.Sections = append(pg.Sections, sec)
	}
	return pg
}
