package lint

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// requestPackages log only while serving a request: their log lines must
// carry the request's id, so they call the Context variants of slog
// (ErrorContext(r.Context(), ...)), never Error/Warn/Info/Debug.
var requestPackages = []string{"internal/api", "internal/ingest"}

func TestRequestLogLinesCarryContext(t *testing.T) {
	plain := map[string]bool{"Error": true, "Warn": true, "Info": true, "Debug": true}
	for dir, files := range packages(t) {
		in := false
		for _, p := range requestPackages {
			in = in || dir == p || strings.HasPrefix(dir, p+"/")
		}
		if !in {
			continue
		}
		for _, f := range files {
			fset := token.NewFileSet()
			af, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(af, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || !plain[sel.Sel.Name] {
					return true
				}
				if recv, ok := sel.X.(*ast.SelectorExpr); ok && recv.Sel.Name == "log" {
					t.Errorf("%s: %s.log.%s without the request's context: use %sContext(ctx, ...) so the line carries request_id",
						fset.Position(call.Pos()), exprName(recv.X), sel.Sel.Name, sel.Sel.Name)
				}
				return true
			})
		}
	}
}

func exprName(e ast.Expr) string {
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return "?"
}
