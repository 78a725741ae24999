package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query/expr"
	"github.com/sieve-analytics/sieve/internal/store"
)

// Differential test: random expressions over random events, evaluated by
// expr.Eval in Go (the reference) and by DuckDB over the stored rows, read
// through the store's own query path (Events). Every value must agree, and
// every where clause must select the same events.

var (
	diffKeys   = []string{"a", "b", "n", "$x", "a/b", "we~ird\"q", "l", "missing", "distinct_id", "time", "$insert_id"}
	diffScalar = []string{`""`, `"false"`, `"true"`, `"pro"`, `"Pro"`, `"5"`, `"5.0"`, `" 5"`, `"1e3"`, `".5"`, `"-0"`,
		`"x5y"`, `"é"`, `"a\nb"`, `"1e400"`, `"0x10"`, `"+7."`, `"abc"`, `"ab"`,
		`0`, `-0`, `1`, `5`, `2.5`, `-3`, `1e16`, `1e-5`, `0.1`, `12345678901234567890`, `1e300`, `-7.25`, `123456.789`,
		`true`, `false`, `null`}
	diffCompound = []string{`[]`, `["a",1,true,null]`, `[5]`, `[["a"]]`, `["pro","x"]`, `{}`, `{"k":1}`, `[1e16,"5"]`}
	diffLits     = []string{`"pro"`, `"5"`, `"a"`, `""`, `"false"`, `"é"`, `"b"`, `5`, `0`, `2.5`, `-3`, `1e16`, `0.1`, `true`, `false`}
	diffRegexes  = []string{`^p`, `o$`, `(?i)PRO`, `a.b`, `(?s)a.b`, `^$`, `\d+`, `[a-c]+`, `é`, `^\w+$`, `x*`, `^[^a]`, `\bpro\b`, `(?m)^b`}
)

var sqlStrings = regexp.MustCompile(`'([^']*)'`)

func randValue(r *rand.Rand) string {
	if r.IntN(5) == 0 {
		return diffCompound[r.IntN(len(diffCompound))]
	}
	return diffScalar[r.IntN(len(diffScalar))]
}

func randEvents(r *rand.Rand, n int) []event.Row {
	rows := make([]event.Row, n)
	for i := range rows {
		var parts []string
		for _, k := range diffKeys[:7] { // not "missing", nor the lifted keys
			if r.IntN(4) > 0 {
				kb, _ := json.Marshal(k)
				parts = append(parts, string(kb)+":"+randValue(r))
				if r.IntN(10) == 0 { // a repeated key: the first counts
					parts = append(parts, string(kb)+":"+randValue(r))
				}
			}
		}
		rows[i] = event.Row{ProjectID: 1, Time: t0 + int64(i)*1777 - 5000, Name: []string{"A", "B", "pro"}[r.IntN(3)],
			DistinctID: []string{"5", "pro", "u1", ""}[i%4], InsertID: "e" + strconv.Itoa(i), Props: []byte("{" + strings.Join(parts, ",") + "}")}
	}
	return rows
}

// randExpr writes a random expression; many do not type-check, and the
// caller skips those.
func randExpr(r *rand.Rand, depth int) string {
	leaf := func() string {
		if r.IntN(2) == 0 {
			k, _ := json.Marshal(diffKeys[r.IntN(len(diffKeys))])
			return "properties[" + string(k) + "]"
		}
		return diffLits[r.IntN(len(diffLits))]
	}
	if depth == 0 || r.IntN(4) == 0 {
		return leaf()
	}
	sub := func() string { return randExpr(r, depth-1) }
	switch r.IntN(6) {
	case 0:
		return []string{"not ", "-"}[r.IntN(2)] + "(" + sub() + ")"
	case 1, 2:
		ops := []string{"+", "-", "*", "/", "%", "==", "!=", ">", ">=", "<", "<=", "in", "and", "or"}
		return "(" + sub() + " " + ops[r.IntN(len(ops))] + " " + sub() + ")"
	case 3:
		fns := []string{"floor", "round", "ceil", "boolean", "number", "string", "defined"}
		return fns[r.IntN(len(fns))] + "(" + sub() + ")"
	case 4:
		items := make([]string, r.IntN(4))
		for i := range items {
			items[i] = diffLits[r.IntN(len(diffLits))]
		}
		return "(" + sub() + " in [" + strings.Join(items, ", ") + "])"
	default:
		return "(" + sub() + " == " + leaf() + ")"
	}
}

// diffValue is a compiled value as Go sees it, comparable with Eval's.
func diffValue(k kind, raw sql.NullString) (any, error) {
	if !raw.Valid {
		return nil, nil
	}
	switch k {
	case kNum:
		return strconv.ParseFloat(raw.String, 64)
	case kStr:
		return raw.String, nil
	case kBool:
		return raw.String == "true", nil
	}
	var v any
	if err := json.Unmarshal([]byte(raw.String), &v); err != nil {
		return nil, err
	}
	return v, nil
}

func sameValue(a, b any) bool {
	if fa, ok := a.(float64); ok {
		fb, ok := b.(float64)
		return ok && fa == fb
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func TestExprDifferential(t *testing.T) { exprDifferential(t, false) }

// TestExprDifferentialHot: the same with the plain keys as hot columns
// (sealed files), so properties are read from hs/hj.
func TestExprDifferentialHot(t *testing.T) { exprDifferential(t, true) }

func exprDifferential(t *testing.T, hot bool) {
	seed := uint64(rand.Int64())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 7))
	opts := Options{}
	if hot {
		opts.HotProperties = func(int64) []string { return diffKeys }
	}
	s := mustOpen(t, t.TempDir(), opts)
	rows := randEvents(r, 200)
	mustAppend(t, s, rows)
	var props []string
	if hot {
		if err := s.Seal(context.Background()); err != nil {
			t.Fatal(err)
		}
		props = diffKeys
	}

	// The Go side reads what the store kept, through Export.
	envs := map[string]*expr.EventEnv{}
	err := s.Export(context.Background(), store.ExportQuery{ProjectID: 1, From: 0, To: t0 + 1e9}, func(row *event.Row) error {
		env := &expr.EventEnv{Name: row.Name, DistinctID: row.DistinctID, InsertID: row.InsertID, Time: row.Time}
		var err error
		if env.Props, err = expr.DecodeProps(row.Props); err != nil {
			return err
		}
		envs[row.InsertID] = env
		return nil
	})
	if err != nil || len(envs) != len(rows) {
		t.Fatalf("export: %v, %d rows", err, len(envs))
	}

	count := 300
	if testing.Short() {
		count = 60
	}
	var nodes []expr.Node
	for len(nodes) < count {
		n, err := expr.Parse(randExpr(r, 4))
		if err == nil {
			nodes = append(nodes, n)
		}
	}
	for range 40 {
		k := diffKeys[r.IntN(len(diffKeys))]
		var x expr.Node = &expr.Prop{Name: k}
		if r.IntN(3) == 0 {
			x = &expr.Call{Fn: expr.FnString, Arg: x}
		}
		n, err := expr.NewRegex(x, diffRegexes[r.IntN(len(diffRegexes))])
		if err != nil {
			t.Fatal(err)
		}
		nodes = append(nodes, n)
	}
	nodes = append(nodes, &expr.Binary{Op: expr.OpIn, L: &expr.EventName{}, R: &expr.ListLit{Items: []*expr.Literal{{Value: "A"}, {Value: "pro"}}}})

	// What the expressions hold, which must never appear in SQL text. ''
	// and 'false' are also the compiler's own constants.
	inputs := map[string]bool{}
	for _, l := range diffLits {
		var v any
		_ = json.Unmarshal([]byte(l), &v)
		inputs[fmt.Sprint(v)] = true
	}
	for _, k := range diffKeys {
		inputs[k], inputs[jsonPointer(k)] = true, true
	}
	for _, re := range diffRegexes {
		inputs[re] = true
	}
	delete(inputs, "")
	delete(inputs, "false")
	delete(inputs, "true")
	cols := eventExprCols("e")
	mismatches := 0
	err = s.eventsAt(context.Background(), 1, 0, t0+1e9, props, func(ctx context.Context, conn *sql.Conn, rel string, _ *version, hotList []string) error {
		if hot {
			if len(hotList) < 5 {
				return fmt.Errorf("hot columns read: %v", hotList)
			}
			cols.hot = map[string]int{}
			for i, h := range hotList {
				cols.hot[h] = i + 1
			}
		}
		for _, n := range nodes {
			// Values.
			var a sqlArgs
			c := &exprCompiler{cols: cols, a: &a}
			v, err := c.value(n)
			if err != nil {
				return fmt.Errorf("%s: %w", n, err)
			}
			cond, err := compileExpr(n, cols, &a)
			if err != nil {
				return fmt.Errorf("%s: %w", n, err)
			}
			txt, err := compileText(n, cols, &a)
			if err != nil {
				return fmt.Errorf("%s: %w", n, err)
			}
			num, err := compileNumber(n, cols, &a)
			if err != nil {
				return fmt.Errorf("%s: %w", n, err)
			}
			text, args := a.finish("SELECT e.insert_id, (" + c.bound(v.sql) + "[1])::VARCHAR, " + cond + ", " + txt + ", " + num + " FROM " + rel + " AS e")
			for _, m := range sqlStrings.FindAllStringSubmatch(text, -1) {
				if inputs[m[1]] {
					t.Fatalf("input %q reached the SQL text: %s", m[1], text)
				}
			}
			res, err := conn.QueryContext(ctx, text, args...)
			if err != nil {
				return fmt.Errorf("%s: %w\n%s", n, err, text)
			}
			for res.Next() {
				var id string
				var raw, gotText sql.NullString
				var keep bool
				var gotNum sql.NullFloat64
				if err := res.Scan(&id, &raw, &keep, &gotText, &gotNum); err != nil {
					res.Close()
					return err
				}
				got, err := diffValue(v.k, raw)
				if err != nil {
					res.Close()
					return fmt.Errorf("%s: %w", n, err)
				}
				env := envs[id]
				want := expr.Eval(n, env)
				wantText, textOK := expr.StringOf(want)
				wantNum, numOK := expr.NumberOf(want)
				if gotText.Valid != textOK || gotText.String != wantText || gotNum.Valid != numOK || gotNum.Float64 != wantNum {
					if mismatches++; mismatches <= 10 {
						t.Errorf("%s over %s %v: string() duckdb %v go %q %v; number() duckdb %v go %v %v",
							n, env.Name, env.Props, gotText, wantText, textOK, gotNum, wantNum, numOK)
					}
				}
				if !sameValue(got, want) || keep != expr.Truthy(want) {
					if mismatches++; mismatches <= 10 {
						t.Errorf("%s over %s %v:\n  duckdb %#v (where %v)\n  go     %#v (where %v)", n, env.Name, env.Props, got, keep, want, expr.Truthy(want))
					}
				}
			}
			res.Close()
			if err := res.Err(); err != nil {
				return fmt.Errorf("%s: %w", n, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCompileExprScopes(t *testing.T) {
	n, _ := expr.Parse(`user["plan"] == "pro"`)
	var a sqlArgs
	if _, err := compileExpr(n, exprCols{name: "name", props: "props"}, &a); !errors.Is(err, ErrExprUnsupported) {
		t.Fatalf("user[] without a profile column: got %v", err)
	}
	n, _ = expr.Filter{Event: "A"}.Node()
	if _, err := compileExpr(n, exprCols{props: "props"}, &a); !errors.Is(err, ErrExprUnsupported) {
		t.Fatalf("event name on profiles: got %v", err)
	}
	// Casts of casts repeat their operand: the size bound stops the growth.
	src := `properties["a"]`
	for range 30 {
		src = "number(string(" + src + "))"
	}
	n, err := expr.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := compileExpr(n, exprCols{props: "props"}, &a); err != nil && !errors.Is(err, ErrExprTooComplex) {
		t.Fatalf("got %v", err)
	}
}

func TestSQLArgsFinish(t *testing.T) {
	var a sqlArgs
	p1, p2, p3 := a.param("x", "VARCHAR"), a.param(1.0, "DOUBLE"), a.param("x", "VARCHAR")
	text, args := a.finish("SELECT " + p3 + ", " + p1)
	if text != "SELECT ($1::VARCHAR), ($1::VARCHAR)" || len(args) != 1 || args[0] != "x" {
		t.Fatalf("got %q %v (unused %s)", text, args, p2)
	}
}
