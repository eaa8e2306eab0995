package spotcheck_test

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"spotcheck"
)

// TestCreditExportSchemas: docs/credit-export.md is the receiver's
// contract, so its JSON Schemas must hold for what the platform sends —
// a first publication, a correction and a stop after a credit repair, as
// MakeCreditRecord and StopCredit make them — and for the document's own
// examples; and a record missing a required field or carrying one the
// schema does not know is refused by it.
func TestCreditExportSchemas(t *testing.T) {
	doc, err := os.ReadFile("docs/credit-export.md")
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	schemas := map[string]*jsonschema.Schema{} // by the "schema" its records name
	var examples []any
	for _, m := range regexp.MustCompile("(?s)```json\n(.*?)```").FindAllSubmatch(doc, -1) {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(m[1]))
		if err != nil {
			t.Fatalf("a JSON block of the document: %v\n%s", err, m[1])
		}
		obj := v.(map[string]any)
		id, ok := obj["$id"].(string)
		if !ok {
			examples = append(examples, v)
			continue
		}
		if err := c.AddResource(id, v); err != nil {
			t.Fatal(err)
		}
		sch, err := c.Compile(id)
		if err != nil {
			t.Fatalf("schema %s: %v", id, err)
		}
		name := obj["properties"].(map[string]any)["schema"].(map[string]any)["const"].(string)
		schemas[name] = sch
	}
	if schemas[spotcheck.CreditSchema] == nil || schemas[spotcheck.CreditStopSchema] == nil || len(examples) < 3 {
		t.Fatalf("the document has schemas for %v and %d examples", schemas, len(examples))
	}
	check := func(what string, rec any) {
		t.Helper()
		b, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		name, _ := v.(map[string]any)["schema"].(string)
		if schemas[name] == nil {
			t.Fatalf("%s: no schema for %q", what, name)
		}
		if err := schemas[name].Validate(v); err != nil {
			t.Errorf("%s does not follow %s: %v\n%s", what, name, err, b)
		}
	}
	for i, ex := range examples {
		check("example "+string(rune('1'+i)), ex)
	}

	in := &spotcheck.Inspection{Dept: "FZWL", Entity: "91350100M000100Y43", EntityName: "福州海峡国际旅行社有限公司",
		Completed: "2026-09-29", Items: []string{"WL-LXS-001", "WL-LXS-002"}, Results: []string{"R08"},
		Findings: []spotcheck.ItemFinding{{Item: "WL-LXS-001", Outcome: spotcheck.FindingProblem, Basis: "《旅行社条例》第二十九条"},
			{Item: "WL-LXS-002", Outcome: spotcheck.FindingNone}}}
	src := spotcheck.CreditSource{Inspection: in, Task: &spotcheck.Task{Code: "2026-FZWL-SJ-001", Name: "2026年旅行社经营行为双随机抽查"},
		PlanCode: "FZWL-2026", PlanName: "年度计划", AuthorityName: "福州市文化和旅游局",
		ItemNames: map[string]string{"WL-LXS-001": "旅行社经营行为检查", "WL-LXS-002": "导游执业检查"},
		Catalogue: spotcheck.DefaultResultCatalogue(), Published: "2026-10-12", RecordID: "pub-17", Version: 1}
	first := spotcheck.MakeCreditRecord(src)
	check("a first publication", first)
	src.Version, src.Corrects, src.CorrectionReason, src.Published = 2, 1, "经核实原结果有误", "2026-10-20"
	correction := spotcheck.MakeCreditRecord(src)
	check("a correction", correction)
	check("a stop after a credit repair", spotcheck.StopCredit(&spotcheck.Publication{Version: 2, Record: correction}, "2027-03-22"))

	// The schema refuses what a receiver must not be sent.
	for what, change := range map[string]func(m map[string]any){
		"no credit code key":   func(m map[string]any) { delete(m, "credit_code") },
		"an inspector's phone": func(m map[string]any) { m["inspector_phone"] = "13800000000" },
		"a version 0":          func(m map[string]any) { m["version"] = 0 },
	} {
		b, _ := json.Marshal(first)
		v, _ := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		change(v.(map[string]any))
		if err := schemas[spotcheck.CreditSchema].Validate(v); err == nil {
			t.Errorf("%s: the schema accepts it", what)
		}
	}
}
