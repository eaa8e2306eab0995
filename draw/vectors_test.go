package draw

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"
)

// vectorDirs lists the test vectors of spec/vectors, copied to testdata.
func vectorDirs(t testing.TB) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("testdata", "vectors", "*"))
	if err != nil || len(dirs) < 3 {
		t.Fatalf("vectors: %v %v", dirs, err)
	}
	var out []string
	for _, d := range dirs {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			out = append(out, d)
		}
	}
	return out
}

func readVector(t testing.TB, dir string) *Bundle {
	t.Helper()
	b, err := ReadBundle(dir)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every vector replays byte for byte and verifies.
func TestVectorsReplay(t *testing.T) {
	for _, dir := range vectorDirs(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			b := readVector(t, dir)
			o, err := Run(b.Plan, b.Randomness, b.Inputs)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []struct {
				name      string
				got, want []byte
			}{{FileResult, o.Result, b.Result}, {FileSelected, o.Selected, b.Selected}, {FileAssignment, o.Assignment, b.Assignment}} {
				if !bytes.Equal(f.got, f.want) {
					t.Errorf("%s differs:\n got %s\nwant %s", f.name, f.got, f.want)
				}
			}
			sum, err := Verify(b)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%+v", sum)
		})
	}
}

// The plan and randomness records of every vector are what MakePlan and
// MakeRandomness write for the same decisions, and the input files are
// what BuildInputs writes for their lines given in any order.
func TestVectorsMakeRecords(t *testing.T) {
	for _, dir := range vectorDirs(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			b := readVector(t, dir)
			lines, err := ParseInputs(b.Inputs)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			shuffle := func(n int, swap func(i, j int)) { rng.Shuffle(n, swap) }
			shuffle(len(lines.Frame), func(i, j int) { lines.Frame[i], lines.Frame[j] = lines.Frame[j], lines.Frame[i] })
			shuffle(len(lines.Roster), func(i, j int) { lines.Roster[i], lines.Roster[j] = lines.Roster[j], lines.Roster[i] })
			// Exact duplicates of exclusion and conflict lines are dropped.
			lines.Exclusions = append(lines.Exclusions, lines.Exclusions...)
			lines.Conflicts = append(lines.Conflicts, lines.Conflicts...)
			shuffle(len(lines.Exclusions), func(i, j int) { lines.Exclusions[i], lines.Exclusions[j] = lines.Exclusions[j], lines.Exclusions[i] })
			shuffle(len(lines.Conflicts), func(i, j int) { lines.Conflicts[i], lines.Conflicts[j] = lines.Conflicts[j], lines.Conflicts[i] })
			in, err := BuildInputs(lines.Frame, lines.Exclusions, lines.Roster, lines.Conflicts)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(in, b.Inputs) {
				t.Fatal("BuildInputs does not reproduce the input files")
			}

			p, err := ParsePlan(b.Plan)
			if err != nil {
				t.Fatal(err)
			}
			created, _ := time.Parse(TimeLayout, p.Created)
			spec := PlanSpec{Task: p.Task, Authority: p.Authority, Operator: p.Operator, Created: created.In(time.FixedZone("CST", 8*3600)),
				CapSlack: p.CapSlack, Team: p.Team, Randomness: p.Randomness, Supersedes: p.Supersedes}
			spec.Randomness.Commit = slices.Clone(p.Randomness.Commit)
			slices.Reverse(spec.Randomness.Commit)
			for i := len(p.Strata) - 1; i >= 0; i-- {
				s := p.Strata[i]
				spec.Strata = append(spec.Strata, StratumRule{ID: s.ID, Rate: s.Rate, Min: s.Min, Max: s.Max, Reserve: s.Reserve})
			}
			spec.Strata = append(spec.Strata, StratumRule{ID: "absent", Rate: "1/1"})
			plan, err := MakePlan(spec, in)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(plan, b.Plan) {
				t.Fatalf("MakePlan:\n got %s\nwant %s", plan, b.Plan)
			}

			r, err := ParseRandomness(b.Randomness)
			if err != nil {
				t.Fatal(err)
			}
			slices.Reverse(r.Commits)
			slices.Reverse(r.Reveals)
			rnd, err := MakeRandomness(plan, r.Commits, r.Reveals, r.Beacon, r.Dice)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(rnd, b.Randomness) {
				t.Fatalf("MakeRandomness:\n got %s\nwant %s", rnd, b.Randomness)
			}
			res, err := ParseResult(b.Result)
			if err != nil {
				t.Fatal(err)
			}
			if seed, err := Seed(plan, rnd); err != nil || seed != res.Seed {
				t.Fatalf("Seed = %s, %v; want %s", seed, err, res.Seed)
			}
		})
	}
}

// Write and ReadBundle round-trip, and a missing file is named.
func TestBundleWriteRead(t *testing.T) {
	b := readVector(t, vectorDirs(t)[0])
	dir := t.TempDir()
	if err := b.Write(dir); err != nil {
		t.Fatal(err)
	}
	again, err := ReadBundle(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, b) {
		t.Fatal("bundle changed in a write and read")
	}
	os.Remove(filepath.Join(dir, FileRoster))
	_, err = ReadBundle(dir)
	var e *Error
	if !errors.As(err, &e) || e.File != FileRoster {
		t.Fatalf("missing roster: %v", err)
	}
	if _, err := ReadInputs(dir); err == nil {
		t.Fatal("ReadInputs without roster.tsv")
	}
}
