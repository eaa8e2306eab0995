package draw

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// Bundle is the nine files of a draw bundle (spec §9), as bytes, and
// published.tsv when the draw has been published (nil otherwise).
type Bundle struct {
	Plan, Randomness, Result []byte
	Inputs
	Selected, Assignment []byte
	Published            []byte
	// ControlRecord and Control are control.json and control.tsv when
	// the task asked for a control sample (control.go), nil otherwise.
	ControlRecord, Control []byte
}

// file returns a pointer to the field holding the named file.
func (b *Bundle) file(name string) *[]byte {
	switch name {
	case FilePlan:
		return &b.Plan
	case FileRandomness:
		return &b.Randomness
	case FileResult:
		return &b.Result
	case FileFrame:
		return &b.Frame
	case FileExclusions:
		return &b.Exclusions
	case FileRoster:
		return &b.Roster
	case FileConflicts:
		return &b.Conflicts
	case FileSelected:
		return &b.Selected
	case FileAssignment:
		return &b.Assignment
	case FilePublished:
		return &b.Published
	case FileControlRecord:
		return &b.ControlRecord
	case FileControl:
		return &b.Control
	}
	return nil
}

// File returns the bytes of the bundle file name (one of BundleFiles), or
// nil for another name.
func (b *Bundle) File(name string) []byte {
	if f := b.file(name); f != nil {
		return *f
	}
	return nil
}

// ReadBundle reads the nine files of the bundle in dir, and published.tsv
// if it is there. A missing file of the nine is an *Error naming it.
func ReadBundle(dir string) (*Bundle, error) {
	b, err := readFiles(dir, BundleFiles)
	if err != nil {
		return nil, err
	}
	for _, name := range []string{FilePublished, FileControlRecord, FileControl} {
		if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, fs.ErrNotExist) {
			if *b.file(name), err = readBundleFile(dir, name); err != nil {
				return nil, err
			}
		}
	}
	return b, nil
}

// ReadInputs reads the six files a replay needs (plan.json,
// randomness.json and the four input files) from dir; Result, Selected and
// Assignment are left nil.
func ReadInputs(dir string) (*Bundle, error) {
	return readFiles(dir, []string{FilePlan, FileRandomness, FileFrame, FileExclusions, FileRoster, FileConflicts})
}

func readFiles(dir string, names []string) (*Bundle, error) {
	b := &Bundle{}
	for _, name := range names {
		data, err := readBundleFile(dir, name)
		if err != nil {
			return nil, err
		}
		if data == nil {
			data = []byte{}
		}
		*b.file(name) = data
	}
	return b, nil
}

// Write writes the nine files of the bundle into dir, and published.tsv
// when the bundle has it, creating dir if needed. Each file is written to
// a temporary name and renamed, so that a reader never sees half a file.
func (b *Bundle) Write(dir string) error {
	names := BundleFiles
	if b.Published != nil {
		names = append(slices.Clone(names), FilePublished)
	}
	return b.write(dir, names)
}

// WriteOutputs writes only result.json, selected.tsv and assignment.tsv
// into dir, as a replay does.
func (b *Bundle) WriteOutputs(dir string) error {
	return b.write(dir, []string{FileResult, FileSelected, FileAssignment})
}

func (b *Bundle) write(dir string, names []string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range names {
		path := filepath.Join(dir, name)
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, *b.file(name), 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, path); err != nil {
			os.Remove(tmp)
			return err
		}
	}
	return nil
}

// Summary is what a successful verification reports.
type Summary struct {
	Task, Seed, PlanHash string
	// Selected counts the selected entities (K), Reserves the reserve
	// lines of selected.tsv, Unassigned the UNASSIGNED lines.
	Selected, Reserves, Unassigned int
}

// Verify performs steps 1–4 of spec §9 on the bundle: the canonical form
// and fields of the three records, the format, order, counts and digests of
// every file, the strata's frame, eligible and n, every commitment against
// its reveal and the seed, and a recomputation of the selection, reserves,
// cutoffs and assignment compared with selected.tsv, assignment.tsv and
// result.json; and, when the bundle holds published.tsv, that it is the
// list selected.tsv gives (Published). The error is an *Error naming the file and, where there is
// one, the line of the first problem.
func Verify(b *Bundle) (Summary, error) {
	d, err := prepare(b.Plan, b.Randomness, b.Inputs)
	if err != nil {
		return Summary{}, err
	}
	res, err := ParseResult(b.Result)
	if err != nil {
		return Summary{}, err
	}
	if res.Plan != d.planHash {
		return Summary{}, errorf(FileResult, 0, "plan 与 plan.json 的哈希不符")
	}
	if res.Randomness != d.rndHash {
		return Summary{}, errorf(FileResult, 0, "randomness 与 randomness.json 的哈希不符")
	}
	if res.Seed != d.seedHex {
		return Summary{}, errorf(FileResult, 0, "seed 应为 %s（由 plan.json 与 randomness.json 算出）", d.seedHex)
	}
	o, err := d.run()
	if err != nil {
		return Summary{}, err
	}
	if err := sameLines(FileSelected, o.Selected, b.Selected); err != nil {
		return Summary{}, err
	}
	if err := sameLines(FileAssignment, o.Assignment, b.Assignment); err != nil {
		return Summary{}, err
	}
	want, _ := ParseResult(o.Result)
	for i, f := range []struct {
		name      string
		got, want FileDigest
	}{{"selected", res.Selected, want.Selected}, {"assignment", res.Assignment, want.Assignment}} {
		if f.got != f.want {
			return Summary{}, errorf(FileResult, 0, "%s 的 count 或 sha256 与 %s 不符", f.name, []string{FileSelected, FileAssignment}[i])
		}
	}
	if len(res.Strata) != len(want.Strata) {
		return Summary{}, errorf(FileResult, 0, "strata 应有 %d 个分层，记录为 %d 个", len(want.Strata), len(res.Strata))
	}
	for i, s := range want.Strata {
		if res.Strata[i] != s {
			return Summary{}, errorf(FileResult, 0, "分层“%s”应为 n=%d、cutoff=“%s”，记录为“%s”的 n=%d、cutoff=“%s”",
				s.ID, s.N, s.Cutoff, res.Strata[i].ID, res.Strata[i].N, res.Strata[i].Cutoff)
		}
	}
	if res.Unassigned != want.Unassigned {
		return Summary{}, errorf(FileResult, 0, "unassigned 应为 %d，记录为 %d", want.Unassigned, res.Unassigned)
	}
	if !bytes.Equal(o.Result, b.Result) {
		return Summary{}, errorf(FileResult, 0, "与重算的结果不符")
	}
	if b.Published != nil {
		if err := checkPublished(b.Published, b.Selected); err != nil {
			return Summary{}, err
		}
	}
	if err := verifyControl(b, d.planHash, o); err != nil {
		return Summary{}, err
	}
	sum := Summary{Task: d.plan.Task, Seed: d.seedHex, PlanHash: d.planHash,
		Selected: len(o.Teams), Reserves: len(o.Picks) - len(o.Teams), Unassigned: want.Unassigned}
	return sum, nil
}

// sameLines compares a file with its recomputed bytes and names the first
// line that differs.
func sameLines(file string, want, got []byte) error {
	if bytes.Equal(want, got) {
		return nil
	}
	line := 1
	for {
		wl, wrest, wok := bytes.Cut(want, []byte{'\n'})
		gl, grest, gok := bytes.Cut(got, []byte{'\n'})
		switch {
		case len(want) == 0:
			return errorf(file, line, "多余的行“%s”（重算结果只有 %d 行）", printable(string(gl)), line-1)
		case len(got) == 0:
			return errorf(file, line, "缺少此行及以后各行（应为“%s”）", printable(string(wl)))
		case !bytes.Equal(wl, gl):
			return errorf(file, line, "应为“%s”，实际为“%s”", printable(string(wl)), printable(string(gl)))
		case wok != gok:
			return errorf(file, line, "最后一行没有以换行（LF）结束")
		}
		want, got, line = wrest, grest, line+1
	}
}

// String formats the summary as the one line `spotcheck draw verify`
// prints: "ok <task> <seed_hex[:16]>".
func (s Summary) String() string {
	return fmt.Sprintf("ok %s %s", s.Task, s.Seed[:min(16, len(s.Seed))])
}
