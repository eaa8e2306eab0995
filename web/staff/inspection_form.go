package staff

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The recording form of an inspection. Its field names are the field
// keys of the domain's problems (methods, check_in, findings.0.basis,
// results, subcodes, remark, completed, rectify_by), so that each message stands
// beside its field; a refused save shows the form as typed.

// checkInLayout is how the form writes the check-in time (an HTML
// datetime-local input), in China time.
const checkInLayout = "2006-01-02T15:04"

// methodOrder is the order of the methods on the form and the page.
var methodOrder = []string{spotcheck.MethodSite, spotcheck.MethodWritten, spotcheck.MethodOnline,
	spotcheck.MethodCompare, spotcheck.MethodAgency, spotcheck.MethodVideo}

// findingField is the form name of finding i's field part.
func findingField(i int, part string) string { return fmt.Sprintf("findings.%d.%s", i, part) }

// inspectionValues returns the form of a stored inspection.
func inspectionValues(in *spotcheck.Inspection) url.Values {
	v := url.Values{"methods": slices.Clone(in.Methods), "results": slices.Clone(in.Results),
		"location": {in.Location}, "remark": {in.Remark}, "completed": {in.Completed}, "rectify_by": {in.RectifyBy}}
	if !in.CheckIn.IsZero() {
		v.Set("check_in", in.CheckIn.In(view.ChinaTime).Format(checkInLayout))
	}
	for code, subs := range in.SubCodes {
		v["subcodes."+code] = slices.Clone(subs)
	}
	for i, it := range in.Items {
		for _, f := range in.Findings {
			if f.Item == it {
				v.Set(findingField(i, "outcome"), f.Outcome)
				v.Set(findingField(i, "basis"), f.Basis)
				v.Set(findingField(i, "description"), f.Description)
				v.Set(findingField(i, "remark"), f.Remark)
			}
		}
	}
	return v
}

// parseInspectionForm reads the posted form into the record's editable
// fields: one finding per item of the checklist that has an outcome or
// any text, sub-codes of the results chosen. A check-in time that does
// not parse is a problem of its own; everything else the domain checks.
func parseInspectionForm(in *spotcheck.Inspection, form url.Values) (*spotcheck.Inspection, spotcheck.Problems) {
	var ps spotcheck.Problems
	out := &spotcheck.Inspection{ID: in.ID, Methods: form["methods"], Results: form["results"],
		Location: form.Get("location"), Remark: form.Get("remark"), Completed: form.Get("completed"),
		RectifyBy: form.Get("rectify_by")}
	if t := strings.TrimSpace(form.Get("check_in")); t != "" {
		at, err := time.ParseInLocation(checkInLayout, t, view.ChinaTime)
		if err != nil {
			ps.Add("check_in", "签到", "签到时间格式应为 YYYY-MM-DD HH:MM")
		}
		out.CheckIn = at
	}
	for i, it := range in.Items {
		f := spotcheck.ItemFinding{Item: it, Outcome: form.Get(findingField(i, "outcome")),
			Basis: form.Get(findingField(i, "basis")), Description: form.Get(findingField(i, "description")),
			Remark: form.Get(findingField(i, "remark"))}
		if f.Outcome != "" || strings.TrimSpace(f.Basis+f.Description+f.Remark) != "" {
			out.Findings = append(out.Findings, f)
		}
	}
	for key, subs := range form {
		code, ok := strings.CutPrefix(key, "subcodes.")
		if !ok || len(subs) == 0 {
			continue
		}
		if out.SubCodes == nil {
			out.SubCodes = map[string][]string{}
		}
		out.SubCodes[code] = subs
	}
	return out, ps
}

// findingRow is one item of the checklist on the page and in the form.
type findingRow struct {
	Index                               int
	Item                                string
	Outcome, Basis, Description, Remark string
}

// findingRows lists the checklist with what the form holds for it.
func findingRows(in *spotcheck.Inspection, form url.Values) []findingRow {
	out := make([]findingRow, len(in.Items))
	for i, it := range in.Items {
		out[i] = findingRow{Index: i, Item: it, Outcome: form.Get(findingField(i, "outcome")),
			Basis: form.Get(findingField(i, "basis")), Description: form.Get(findingField(i, "description")),
			Remark: form.Get(findingField(i, "remark"))}
	}
	return out
}

// choice is a checkbox of the form.
type choice struct {
	Value, Name string
	Checked     bool
}

// methodChoices are the methods' checkboxes.
func methodChoices(form url.Values) []choice {
	out := make([]choice, len(methodOrder))
	for i, m := range methodOrder {
		out[i] = choice{m, spotcheck.MethodNames[m], slices.Contains(form["methods"], m)}
	}
	return out
}

// resultChoice is a category of the catalogue with its sub-codes.
type resultChoice struct {
	choice
	National, Sector string
	Remark           bool
	SubCodes         []choice
}

// resultChoices are the catalogue's checkboxes, in its order.
func resultChoices(cat spotcheck.ResultCatalogue, form url.Values) []resultChoice {
	out := make([]resultChoice, len(cat))
	for i, c := range cat {
		rc := resultChoice{choice: choice{c.Code, c.Name, slices.Contains(form["results"], c.Code)},
			National: c.National, Sector: c.Sector, Remark: c.Remark}
		for _, sc := range c.SubCodes {
			rc.SubCodes = append(rc.SubCodes, choice{sc.Code, sc.Name, slices.Contains(form["subcodes."+c.Code], sc.Code)})
		}
		out[i] = rc
	}
	return out
}

// methodNames names the methods recorded.
func methodNames(ms []string) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = spotcheck.MethodNames[m]
	}
	return out
}

// resultNames names the results recorded, with their codes.
func resultNames(codes []string, cat spotcheck.ResultCatalogue) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = c
		if r, ok := cat.Category(c); ok {
			out[i] = c + " " + r.Name
		}
	}
	return out
}
