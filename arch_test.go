package spotcheck_test

import (
	"bytes"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The import table of design §3, checked on `go list -deps`, that is on
// everything a package's non-test code pulls in, directly or not. Test files
// may import anything.

const module = "spotcheck"

// A rule says what the packages under one directory (and its subdirectories)
// may depend on besides themselves. Directories are relative to the module
// root; "" is the root package spotcheck.
type rule struct {
	// Our own packages: if anyOurs, all but denyOurs; otherwise only ours.
	ours     []string
	anyOurs  bool
	denyOurs []string
	// Everything else: stdlibOnly allows nothing outside the standard library;
	// otherwise libs, when not nil, lists the only import-path prefixes
	// allowed, and deny lists prefixes never allowed.
	stdlibOnly bool
	libs       []string
	deny       []string
}

// Database drivers: only store (and test helpers) talk to a database.
var drivers = []string{
	"modernc.org/sqlite",
	"github.com/jackc/pgx",
	"github.com/lib/pq",
	"github.com/mattn/go-sqlite3",
	"github.com/ncruces/go-sqlite3",
	"zombiezen.com/go/sqlite",
}

// webLeaf is what the packages below web may import of ours; the view last.
var webLeaf = []string{"", "draw", "ledger", "workday", "xlsx", "web/internal/view"}

var rules = map[string]rule{
	"":        {stdlibOnly: true},
	"draw":    {stdlibOnly: true},
	"ledger":  {ours: []string{""}},
	"workday": {ours: []string{""}},
	"xlsx":    {ours: []string{""}},
	"store":   {anyOurs: true, denyOurs: []string{"web", "xlsx", "demo"}},
	"web":     {anyOurs: true, denyOurs: []string{"store"}, deny: drivers},
	// Below web, one package per audience and the view they share: each
	// may use the domain, the libraries of ours and the view, never
	// another audience's package, the store or a driver.
	"web/staff":         {ours: webLeaf, deny: drivers},
	"web/api":           {ours: webLeaf, deny: drivers},
	"web/portal":        {ours: webLeaf, deny: drivers},
	"web/internal/view": {ours: webLeaf[:len(webLeaf)-1], deny: drivers},
	"demo":              {ours: []string{""}, stdlibOnly: true},
	"credit":            {ours: []string{""}, stdlibOnly: true}, // the credit platform's HTTPS client
	"metrics":           {deny: drivers},                        // the Prometheus registry, nothing of ours
	"internal/pgtest":   {libs: []string{"github.com/jackc/", "golang.org/x/"}},
	"internal/ziptest":  {stdlibOnly: true},
	// The web packages' test harness: the real store on a temporary
	// database behind the real server, so it may import everything, like
	// cmd and e2e; only tests import it.
	"internal/webtest": {anyOurs: true},
	// The dashboard's independent count, for the tests of the store and
	// of the demo: it reads the store's raw rows and asks the domain's
	// rules; only tests import it.
	"internal/statscount": {anyOurs: true, denyOurs: []string{"web", "cmd", "e2e"}},
	// The program and the browser tests wire everything together.
	"cmd": {anyOurs: true},
	"e2e": {anyOurs: true},

	// The scheduled jobs: the scheduler over the store's leases, and the
	// jobs, which call the store; never the web.
	"jobs": {anyOurs: true, denyOurs: []string{"web", "xlsx", "demo"}},

	// The risk model file (issue 14): the domain and its TOML parser.
	"riskfile": {ours: []string{""}, libs: []string{"github.com/pelletier/go-toml/"}},
}

// ourDir returns the module-relative directory of one of our packages and
// whether importPath is ours at all.
func ourDir(importPath string) (string, bool) {
	if importPath == module {
		return "", true
	}
	if rest, ok := strings.CutPrefix(importPath, module+"/"); ok {
		return rest, true
	}
	return "", false
}

// isStdlib: the first path element of a standard-library package has no dot.
// Our module path has none either, so check ourDir first.
func isStdlib(importPath string) bool {
	first, _, _ := strings.Cut(importPath, "/")
	return !strings.Contains(first, ".")
}

// under reports whether dir is root or lies below it.
func under(dir, root string) bool {
	if root == "" {
		return dir == ""
	}
	return dir == root || strings.HasPrefix(dir, root+"/")
}

func hasPathPrefix(importPath string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasSuffix(p, "/") {
			if strings.HasPrefix(importPath, p) {
				return true
			}
		} else if importPath == p || strings.HasPrefix(importPath, p+"/") {
			return true
		}
	}
	return false
}

// violations lists the dependencies in deps (import paths, as printed by
// go list -deps for the packages under dir) that dir's rule forbids.
func violations(dir string, deps []string) []string {
	r, ok := rules[dir]
	if !ok {
		return []string{"no rule for " + dir}
	}
	var bad []string
	for _, d := range deps {
		if od, ours := ourDir(d); ours {
			switch {
			case under(od, dir):
				// itself
			case r.anyOurs && !slices.ContainsFunc(r.denyOurs, func(x string) bool { return under(od, x) }):
			case !r.anyOurs && slices.ContainsFunc(r.ours, func(x string) bool { return under(od, x) }):
			default:
				bad = append(bad, d)
			}
			continue
		}
		if isStdlib(d) {
			continue
		}
		switch {
		case r.stdlibOnly:
			bad = append(bad, d)
		case r.libs != nil && !hasPathPrefix(d, r.libs):
			bad = append(bad, d)
		case hasPathPrefix(d, r.deny):
			bad = append(bad, d)
		}
	}
	return bad
}

// ruleFor returns the rule that governs the package in dir (module-relative,
// "" for the root): the rule of the deepest directory that holds it.
func ruleFor(dir string) (string, bool) {
	best, found := "", false
	for root := range rules {
		if under(dir, root) && (!found || len(root) > len(best)) {
			best, found = root, true
		}
	}
	return best, found
}

// goList runs the go command with args and returns its output's lines.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	cmd := exec.Command("go", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	var lines []string
	for line := range strings.Lines(string(out)) {
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
	}
	return lines
}

// TestImportTable checks every package of the module against its rule. A
// package that no rule governs fails, so that a new package cannot pass
// unchecked: give it a rule (design §3) when adding it. A rule whose
// packages do not exist yet has nothing to check; nothing here is
// skipped.
func TestImportTable(t *testing.T) {
	patterns := map[string][]string{} // rule → the packages it governs, as go list patterns
	for _, p := range goList(t, "list", "-f", "{{.ImportPath}}", "./...") {
		dir, ours := ourDir(p)
		if !ours {
			t.Errorf("go list ./... printed %s, which is not in module %s", p, module)
			continue
		}
		r, ok := ruleFor(dir)
		if !ok {
			t.Errorf("%s has no rule in the import table: add one to rules in arch_test.go (design §3)", p)
			continue
		}
		patterns[r] = append(patterns[r], "./"+dir)
	}
	dirs := make([]string, 0, len(patterns))
	for dir := range patterns {
		dirs = append(dirs, dir)
	}
	slices.Sort(dirs)
	for _, dir := range dirs {
		name := dir
		if name == "" {
			name = module
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// One line per package: its path, then its direct imports.
			args := append([]string{"list", "-deps", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}"}, patterns[dir]...)
			var deps []string
			imports := map[string][]string{}
			for _, line := range goList(t, args...) {
				f := strings.Fields(line)
				deps = append(deps, f[0])
				imports[f[0]] = f[1:]
			}
			bad := violations(dir, deps)
			// Report where each forbidden dependency comes in, and not what it
			// pulls in after it.
			for _, v := range bad {
				var by []string
				for _, p := range deps {
					if !slices.Contains(bad, p) && slices.Contains(imports[p], v) {
						by = append(by, p)
					}
				}
				if len(by) > 0 {
					t.Errorf("%s must not depend on %s, imported by %s (design §3 import table)", name, v, strings.Join(by, ", "))
				}
			}
		})
	}
}

func TestRuleFor(t *testing.T) {
	for dir, want := range map[string]string{
		"":                  "",
		"store":             "store",
		"web":               "web",
		"web/staff":         "web/staff",
		"web/staff/forms":   "web/staff",
		"cmd/spotcheck":     "cmd",
		"e2e":               "e2e",
		"internal/pgtest":   "internal/pgtest",
		"internal/newthing": "-",
		"newpkg":            "-",
		"storex":            "-",
	} {
		got, ok := ruleFor(dir)
		if !ok {
			got = "-"
		}
		if got != want {
			t.Errorf("ruleFor(%q) = %q, want %q", dir, got, want)
		}
	}
}

// The rules must be able to fail: fake dependency lists with forbidden imports.
func TestViolations(t *testing.T) {
	tests := []struct {
		dir  string
		deps []string
		want []string
	}{
		{"", []string{"fmt", "spotcheck", "vendor/golang.org/x/crypto/cryptobyte"}, nil},
		{"", []string{"spotcheck/store", "spotcheck"}, []string{"spotcheck/store"}},
		{"", []string{"golang.org/x/text/width", "spotcheck"}, []string{"golang.org/x/text/width"}},
		{"draw", []string{"crypto/sha256", "spotcheck/draw", "spotcheck/draw/internal/x"}, nil},
		{"draw", []string{"spotcheck", "spotcheck/draw"}, []string{"spotcheck"}},
		{"xlsx", []string{"github.com/xuri/excelize/v2", "spotcheck", "spotcheck/xlsx"}, nil},
		{"xlsx", []string{"spotcheck/store", "spotcheck/web/assets", "spotcheck/xlsx"}, []string{"spotcheck/store", "spotcheck/web/assets"}},
		{"ledger", []string{"golang.org/x/mod/sumdb/tlog", "spotcheck/draw", "spotcheck/ledger"}, []string{"spotcheck/draw"}},
		{"store", []string{"modernc.org/sqlite", "github.com/jackc/pgx/v5/stdlib", "spotcheck", "spotcheck/draw", "spotcheck/ledger", "spotcheck/workday", "spotcheck/store"}, nil},
		{"store", []string{"spotcheck/web", "spotcheck/xlsx", "spotcheck/demo", "spotcheck/store"}, []string{"spotcheck/web", "spotcheck/xlsx", "spotcheck/demo"}},
		{"web", []string{"html/template", "spotcheck", "spotcheck/xlsx", "github.com/xuri/excelize/v2", "spotcheck/web"}, nil},
		{"web", []string{"spotcheck/store", "modernc.org/sqlite/lib", "github.com/jackc/pgx/v5", "spotcheck/web"}, []string{"spotcheck/store", "modernc.org/sqlite/lib", "github.com/jackc/pgx/v5"}},
		{"web", []string{"modernc.org/sqlitex"}, nil}, // a prefix is a path, not a string prefix
		{"web/staff", []string{"spotcheck", "spotcheck/xlsx", "spotcheck/web/internal/view", "github.com/xuri/excelize/v2", "spotcheck/web/staff"}, nil},
		{"web/staff", []string{"spotcheck/web/portal", "spotcheck/web/api", "spotcheck/web", "spotcheck/store", "spotcheck/web/staff"},
			[]string{"spotcheck/web/portal", "spotcheck/web/api", "spotcheck/web", "spotcheck/store"}},
		{"web/portal", []string{"spotcheck/web/staff", "modernc.org/sqlite", "spotcheck/web/portal"}, []string{"spotcheck/web/staff", "modernc.org/sqlite"}},
		{"web/internal/view", []string{"spotcheck/ledger", "spotcheck/web/api", "spotcheck/web/internal/view"}, []string{"spotcheck/web/api"}},
		{"demo", []string{"math/rand/v2", "spotcheck", "spotcheck/demo"}, nil},
		{"demo", []string{"spotcheck/store", "github.com/google/uuid", "spotcheck/demo"}, []string{"spotcheck/store", "github.com/google/uuid"}},
		{"internal/pgtest", []string{"database/sql", "github.com/jackc/pgx/v5/stdlib", "github.com/jackc/puddle/v2", "golang.org/x/text/width", "spotcheck/internal/pgtest"}, nil},
		{"internal/pgtest", []string{"modernc.org/sqlite", "spotcheck"}, []string{"modernc.org/sqlite", "spotcheck"}},
		{"nosuch", []string{"fmt"}, []string{"no rule for nosuch"}},
	}
	for _, tt := range tests {
		got := violations(tt.dir, tt.deps)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("violations(%q, %q) = %q, want %q", tt.dir, tt.deps, got, tt.want)
		}
	}
}
