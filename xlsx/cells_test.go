package xlsx

import (
	"path/filepath"
	"testing"

	"spotcheck"
)

func TestNormalizeDate(t *testing.T) {
	for in, want := range map[string]string{
		"2024/1/1": "2024-01-01", "2024-1-9": "2024-01-09", "2024.12.31": "2024-12-31",
		"2024年3月5日": "2024-03-05", "2024-03-05": "2024-03-05", "明天": "明天", "2024/13": "2024/13",
	} {
		if got := normalizeDate(in); got != want {
			t.Errorf("normalizeDate(%q) = %q, want %q", in, got, want)
		}
	}
}

// A name that a spreadsheet would run as a formula is escaped in CSV and
// still re-imports unchanged.
func TestCSVFormulaEscapeRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "e.csv")
	w, err := Create(path, Agencies)
	if err != nil {
		t.Fatal(err)
	}
	a := spotcheck.Agency{Code: "91350100M000100Y43", Name: `=HYPERLINK("http://x","点击")`, Field: "@审计", Active: true}
	if err := w.Write(&a); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	src, err := Open(path, Agencies)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r, err := range src.Rows {
		if err != nil || len(r.Problems) > 0 {
			t.Fatalf("row %d: %v %v", r.Row, err, r.Problems)
		}
		if r.Value.Name != a.Name || r.Value.Field != a.Field {
			t.Fatalf("read back %q %q", r.Value.Name, r.Value.Field)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("%d rows", n)
	}
}
