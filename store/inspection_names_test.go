package store_test

import (
	"testing"

	"spotcheck"
	"spotcheck/store"
)

// TestInspectionNames: an inspection read by a member of its team, who
// may not read the entity or a teammate in the directory, carries the
// entity's name and address and the team's names and 执法证号, in the
// list and on its own.
func TestInspectionNames(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in := inspectionWorld(t, db)
		m1 := as("member1") // linked to in.Team[0] (inspectionWorld)
		e, err := db.Entities().FindEntityByID(as("planner"), in.Entity)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Inspections().FindInspectionByID(m1, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		list, err := db.Inspections().FindInspections(m1, spotcheck.InspectionFilter{Mine: true})
		if err != nil || len(list) == 0 {
			t.Fatalf("FindInspections: %d, %v", len(list), err)
		}
		for _, x := range []spotcheck.Inspection{*got, list[0]} {
			if x.EntityName != e.Name || x.Address != e.Address || e.Name == "" {
				t.Errorf("inspection %d names its entity %q at %q, want %q at %q", x.ID, x.EntityName, x.Address, e.Name, e.Address)
			}
			for _, s := range x.Team {
				who, err := db.Inspectors().FindInspectorByID(as("planner"), s)
				if err != nil {
					t.Fatal(err)
				}
				if x.Names[s] != who.Name || x.CertNos[s] != who.CertNo {
					t.Errorf("team member %s is named %q (%q), want %q (%q)", s, x.Names[s], x.CertNos[s], who.Name, who.CertNo)
				}
			}
		}
	})
}
