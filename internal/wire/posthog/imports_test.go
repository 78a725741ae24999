package posthog

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports enforces the package doc: no net/http, and no Sieve package
// but internal/event, internal/jsontext, internal/wire/inflate and internal/wire/reqerr.
func TestImports(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		seen++
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if path == "net/http" || strings.HasPrefix(path, "net/http/") ||
				(strings.HasPrefix(path, "github.com/sieve-analytics/sieve/") && path != "github.com/sieve-analytics/sieve/internal/event" &&
					path != "github.com/sieve-analytics/sieve/internal/jsontext" &&
					path != "github.com/sieve-analytics/sieve/internal/wire/inflate" &&
					path != "github.com/sieve-analytics/sieve/internal/wire/reqerr") {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
	if seen == 0 {
		t.Fatal("no source files found")
	}
}
