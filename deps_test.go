package spotcheck_test

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

// TestDependenciesDocumented: every module go.mod requires directly has
// its purpose written in docs/dependencies.md.
func TestDependenciesDocumented(t *testing.T) {
	data, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("docs/dependencies.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range f.Require {
		if !r.Indirect && !strings.Contains(string(doc), "`"+r.Mod.Path+"`") {
			t.Errorf("docs/dependencies.md does not say what %s is for", r.Mod.Path)
		}
	}
}
