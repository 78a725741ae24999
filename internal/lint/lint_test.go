// Package lint holds repository-wide rules checked as ordinary tests: every
// package says what it is for, and imports flow one way
// (cmd -> server -> ingest/api -> guard/store/... -> event).
package lint

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/sieve-analytics/sieve/"

// packages returns the non-test Go files of every package, by directory.
func packages(t *testing.T) map[string][]string {
	t.Helper()
	root := filepath.Join("..", "..")
	out := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			rel, _ := filepath.Rel(root, filepath.Dir(path))
			out[filepath.ToSlash(rel)] = append(out[filepath.ToSlash(rel)], path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestEveryPackageHasADocComment(t *testing.T) {
	for dir, files := range packages(t) {
		documented := false
		for _, f := range files {
			af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ParseComments|parser.PackageClauseOnly)
			if err != nil {
				t.Fatal(err)
			}
			if af.Doc != nil && strings.TrimSpace(af.Doc.Text()) != "" {
				documented = true
			}
		}
		if !documented {
			t.Errorf("package %s has no doc comment saying what it is for", dir)
		}
	}
}

// forbidden lists, for a package directory prefix, the module packages it must not import.
var forbidden = map[string][]string{
	"internal/event":         {"internal/"},
	"internal/jsontext":      {"internal/"},
	"internal/atomicfile":    {"internal/"},
	"internal/metrics":       {"internal/"},
	"internal/logx":          {"internal/"},
	"internal/wire/":         {"internal/ingest", "internal/api", "internal/server", "internal/store", "internal/guard", "internal/project"},
	"internal/guard":         {"internal/ingest", "internal/api", "internal/server", "internal/store", "internal/project", "internal/wire"},
	"internal/store":         {"internal/ingest", "internal/api", "internal/server", "internal/guard", "internal/project", "internal/wire"},
	"internal/profile":       {"internal/ingest", "internal/api", "internal/server", "internal/store", "internal/guard"},
	"internal/project":       {"internal/ingest", "internal/api", "internal/server", "internal/store", "internal/guard"},
	"internal/auth":          {"internal/ingest", "internal/api", "internal/server", "internal/store"},
	"internal/guardcache":    {"internal/ingest", "internal/api", "internal/server"},
	"internal/ingest":        {"internal/api", "internal/server"},
	"internal/api":           {"internal/ingest", "internal/server"},
	"internal/purge":         {"internal/ingest", "internal/api", "internal/server", "internal/audit", "internal/auth", "internal/wire"},
	"internal/audit":         {"internal/"},
	"internal/selftest":      {"internal/ingest", "internal/api", "internal/server", "internal/store", "internal/purge", "internal/guard", "internal/project", "internal/wire"},
	"internal/findingstream": {"internal/ingest", "internal/api", "internal/server", "internal/store", "internal/purge", "internal/guard", "internal/project", "internal/wire", "internal/audit"},
	"internal/plan":          {"internal/ingest", "internal/api", "internal/server", "internal/store", "internal/purge", "internal/guard", "internal/project", "internal/wire", "internal/audit", "internal/lexicon"},
	"internal/sign":          {"internal/ingest", "internal/api", "internal/server", "internal/store", "internal/guard", "internal/project", "internal/purge", "internal/audit", "internal/wire"},
	"internal/query/expr":    {"internal/"},
	"internal/pii":           {"internal/"},
	"internal/lexicon":       {"internal/ingest", "internal/api", "internal/server", "internal/store", "internal/guard", "internal/wire"},
	"internal/advisory":      {"internal/ingest", "internal/api", "internal/server", "internal/store", "internal/guard", "internal/wire"},
	"internal/valueshape":    {"internal/ingest", "internal/api", "internal/server", "internal/store", "internal/guard", "internal/wire", "internal/project", "internal/lexicon", "internal/alert"},
	"internal/forward":       {"internal/ingest", "internal/api", "internal/server", "internal/store", "internal/guard", "internal/wire", "internal/project"},
	"internal/alert":         {"internal/ingest", "internal/api", "internal/server", "internal/store", "internal/guard", "internal/wire"},
	"internal/scope":         {"internal/ingest", "internal/api", "internal/server", "internal/purge", "internal/wire"},
	"internal/query":         {"internal/ingest", "internal/api", "internal/server", "internal/store", "internal/guard", "internal/project", "internal/wire"},
	// The row engine is a second implementation of the query semantics,
	// checked against the reference evaluator, not built on it.
	"internal/query/rowengine": {"internal/query/reference"},
	"sdk/":                     {"internal/"},
	"web":                      {"internal/"},
	"internal/session":         {"internal/ingest", "internal/api", "internal/server", "internal/store", "internal/guard", "internal/audit"},
	"internal/backup":          {"internal/ingest", "internal/api", "internal/server", "internal/store", "internal/guard", "internal/project", "internal/wire", "internal/purge"},

	// A backend is one package: backends do not reach into each other,
	// nor into the packages that use them through package store.
	"internal/store/duckdb":     {"internal/store/clickhouse", "internal/scope", "internal/api"},
	"internal/store/clickhouse": {"internal/store/duckdb", "internal/scope", "internal/api", "internal/project"},

	// The second corpus of the guard is written without the guard's code.
	"internal/guard/internal/corpus2gen": {"internal/"},
	// Nor is the development corpus.
	"internal/guard/internal/devcorpusgen": {"internal/"},
	// Nor is the fourth corpus.
	"internal/guard/internal/corpus4gen": {"internal/"},
	// Nor is the fifth.
	"internal/guard/internal/corpus5gen": {"internal/"},
	// Nor is the sixth.
	"internal/guard/internal/corpus6gen": {"internal/"},
	// Nor is the seventh.
	"internal/guard/internal/corpus7gen": {"internal/"},
	// Nor is the eighth.
	"internal/guard/internal/corpus8gen": {"internal/"},
}

// backendFree lists package directory prefixes that reach stored data only
// through package store's interfaces: no backend package and no
// database/sql, so that no SQL is written outside a backend and a second
// backend (store/clickhouse) needs no change in them.
var backendFree = []string{"internal/scope", "internal/purge", "internal/query", "internal/api"}

// backendPackages are what backendFree packages must not import.
var backendPackages = []string{module + "internal/store/duckdb", module + "internal/store/clickhouse", "database/sql", "github.com/duckdb/duckdb-go/v2"}

func TestBackendBehindStore(t *testing.T) {
	for dir, files := range packages(t) {
		free := false
		for _, p := range backendFree {
			free = free || dir == p || strings.HasPrefix(dir, p+"/")
		}
		if !free {
			continue
		}
		for _, f := range files {
			af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range af.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				for _, ban := range backendPackages {
					if path == ban || strings.HasPrefix(path, ban+"/") {
						t.Errorf("%s imports %s: it must reach stored data through package store's interfaces", f, path)
					}
				}
			}
		}
	}
}

// leaf packages import nothing of Sieve, so anything may import them.
// piidetect is the e-mail and phone detector that the guard and package
// pii share (so that pii need not import the guard).
var leaf = map[string]bool{"internal/event": true, "internal/jsontext": true, "internal/atomicfile": true,
	"internal/metrics": true, "internal/logx": true, "internal/piidetect": true}

// TestLeavesImportNothing: a leaf package imports no package of Sieve,
// not even another leaf, so that anything may import it without a cycle.
func TestLeavesImportNothing(t *testing.T) {
	pkgs := packages(t)
	for dir := range leaf {
		if len(pkgs[dir]) == 0 {
			t.Errorf("leaf package %s has no Go files", dir)
		}
		for _, f := range pkgs[dir] {
			af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range af.Imports {
				if path, _ := strconv.Unquote(imp.Path.Value); strings.HasPrefix(path, module) {
					t.Errorf("%s imports %s: a leaf package imports nothing of Sieve", f, path)
				}
			}
		}
	}
}

// leavesAbove are packages that import nothing of Sieve but the leaf
// packages listed (and the standard library), so that almost anything may
// import them. eventgen makes the query benchmarks' datasets for both the
// DuckDB store's benchmark and `sieve bench query`.
var leavesAbove = map[string][]string{"internal/eventgen": {"internal/event"}}

// TestLeavesAboveImportOnlyTheirLeaves: a package of leavesAbove imports
// only the leaves listed for it.
func TestLeavesAboveImportOnlyTheirLeaves(t *testing.T) {
	pkgs := packages(t)
	for dir, allowed := range leavesAbove {
		if len(pkgs[dir]) == 0 {
			t.Errorf("package %s has no Go files", dir)
		}
		for _, a := range allowed {
			if !leaf[a] {
				t.Errorf("%s may import %s, which is not a leaf package", dir, a)
			}
		}
		for _, f := range pkgs[dir] {
			af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range af.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if target := strings.TrimPrefix(path, module); strings.HasPrefix(path, module) && !slices.Contains(allowed, target) {
					t.Errorf("%s imports %s: it may import only %v of Sieve", f, path, allowed)
				}
			}
		}
	}
}

func TestImportsFlowOneWay(t *testing.T) {
	for dir, files := range packages(t) {
		for _, f := range files {
			af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range af.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if !strings.HasPrefix(path, module) {
					continue
				}
				target := strings.TrimPrefix(path, module)
				if target == "internal/server" && dir != "cmd/sieve" && dir != "internal/bench" {
					t.Errorf("%s imports internal/server: only cmd/sieve and internal/bench may", dir)
				}
				for prefix, bans := range forbidden {
					if p := strings.TrimSuffix(prefix, "/"); dir != p && !strings.HasPrefix(dir, p+"/") {
						continue
					}
					for _, ban := range bans {
						if strings.HasPrefix(target, ban) && !strings.HasPrefix(target, dir) && !leaf[target] {
							t.Errorf("%s imports %s, which it must not", dir, target)
						}
					}
				}
			}
		}
	}
}
