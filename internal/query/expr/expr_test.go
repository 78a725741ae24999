package expr

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.txt with the current output")

// mapEnv is an Env over decoded JSON.
type mapEnv struct {
	name        string
	props, user map[string]any
}

func (e mapEnv) Event() string { return e.name }
func (e mapEnv) Prop(k string) (any, bool) {
	v, ok := e.props[k]
	return v, ok
}
func (e mapEnv) User(k string) (any, bool) {
	v, ok := e.user[k]
	return v, ok
}

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	m := map[string]any{}
	if s != "" {
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			t.Fatalf("bad test props %s: %v", s, err)
		}
	}
	return m
}

// show renders a parse result for the data file: the tree with its static
// type, or the error.
func show(src string) string {
	n, err := Parse(src)
	if err != nil {
		var se *SyntaxError
		if !errors.As(err, &se) {
			return "non-syntax error: " + err.Error()
		}
		return "error: " + err.Error()
	}
	return n.Type().String() + ": " + n.String()
}

// TestParseData runs testdata/parse.txt: cases of an expression, "----",
// and the expected output, separated by blank lines. -update rewrites it.
func TestParseData(t *testing.T) {
	const file = "testdata/parse.txt"
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for i, c := range strings.Split(strings.TrimSpace(string(data)), "\n\n") {
		in, want, ok := strings.Cut(c, "\n----\n")
		if !ok {
			in, want, ok = strings.Cut(c, "\n----")
			if !ok {
				t.Fatalf("case %d has no ----: %q", i, c)
			}
		}
		got := show(in)
		if *update {
			fmt.Fprintf(&out, "%s\n----\n%s\n\n", in, got)
			continue
		}
		if got != want {
			t.Errorf("case %d: %s\ngot:\n%s\nwant:\n%s", i, in, got, want)
		}
	}
	if *update {
		if err := os.WriteFile(file, []byte(strings.TrimSpace(out.String())+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSyntaxErrorColumn(t *testing.T) {
	f := func(src string, line, col int, msg string) {
		t.Helper()
		_, err := Parse(src)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("%q: want a *SyntaxError, got %v", src, err)
		}
		if se.Line != line || se.Col != col || !strings.Contains(se.Msg, msg) {
			t.Errorf("%q: got line %d col %d %q, want line %d col %d containing %q", src, se.Line, se.Col, se.Msg, line, col, msg)
		}
	}
	f(`properties["a"] == "x"]`, 1, 23, `unexpected "]"`)
	f(`properties["a"] ==`, 1, 19, "unexpected end of expression")
	f(`properties["a"] = 1`, 1, 17, "use ==")
	f(`properties[a]`, 1, 12, "quoted property name")
	f(`properties["a"]`+"\n"+` and  )`, 2, 7, `unexpected ")"`)
	f(`"é" == "x" == 1`, 1, 12, "do not chain")
	f(`"abc" + 1`, 1, 1, `"+" wants a number, got a string`)
	f(`floor(true)`, 1, 7, "wants a number")
	f(`defined(1)`, 1, 9, "defined wants a property")
	f(`[1,2]`, 1, 1, "only on the right")
	f(`1 in 2`, 1, 6, `"in" wants a list or a string`)
	f(`"abc`, 1, 1, "unterminated string")
	f(`"\x"`, 1, 1, `unknown escape`)
	f(`1e999`, 1, 1, "out of range")
	f(`12abc`, 1, 1, "malformed number")
	f(`properties["a"] && true`, 1, 17, "use and, or, not")
	f(`[properties["a"]]`, 1, 2, "only literals")
	f(`x not 1`, 1, 1, `unexpected "x"`)
	f(strings.Repeat("(", 70)+"1"+strings.Repeat(")", 70), 1, 65, "nests more than 64")
	f(strings.Repeat("1+", 70)+"1", 1, 128, "nests more than 64")
	f(strings.Repeat(" ", MaxLen+1), 1, 1, "longer than")
	f("\xff", 1, 1, "not valid UTF-8")
}

func TestSyntaxErrorShowsCaret(t *testing.T) {
	_, err := Parse(`properties["plan"] == "pro" and ]`)
	want := "unexpected \"]\" at column 33\nproperties[\"plan\"] == \"pro\" and ]\n                                ^"
	if err == nil || err.Error() != want {
		t.Fatalf("got:\n%v\nwant:\n%s", err, want)
	}
	// A long line is cut around the column, and the caret follows.
	long := `properties["x"] == "` + strings.Repeat("a", 200) + `" or ]`
	_, err = Parse(long)
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 3 || len([]rune(lines[1])) > 90 || lines[1][strings.Index(lines[2], "^")] != ']' {
		t.Fatalf("bad excerpt:\n%v", err)
	}
}

func TestLongOrChainIsBalanced(t *testing.T) {
	terms := make([]string, 500)
	for i := range terms {
		terms[i] = fmt.Sprintf(`properties["id"] == %d`, i)
	}
	n, err := Parse(strings.Join(terms, " or "))
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := depth(n); d > 12 {
		t.Fatalf("depth %d, want a balanced tree", d)
	}
	if !Truthy(Eval(n, mapEnv{props: map[string]any{"id": 499.0}})) || Truthy(Eval(n, mapEnv{props: map[string]any{"id": 500.0}})) {
		t.Fatal("balanced or-chain evaluates wrongly")
	}
}

func TestEval(t *testing.T) {
	f := func(src, props, user string, want any) {
		t.Helper()
		n, err := Parse(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		got := Eval(n, mapEnv{name: "Signed up", props: decode(t, props), user: decode(t, user)})
		if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want) {
			t.Errorf("%s over %s: got %#v, want %#v", src, props, got, want)
		}
	}
	p := `{"plan":"pro","n":5,"s5":"5","t":true,"f":false,"z":0,"e":"","fs":"false","nul":null,
		"ref":"www.facebook.com","list":["a",1,true,null,[1]],"empty":[],"obj":{"k":1},"big":1e300}`
	// Properties and definedness.
	f(`properties["plan"]`, p, "", "pro")
	f(`properties["missing"]`, p, "", nil)
	f(`properties["nul"]`, p, "", nil)
	f(`defined(properties["plan"])`, p, "", true)
	f(`defined(properties["nul"])`, p, "", false)
	f(`not defined(properties["missing"])`, p, "", true)
	f(`defined(properties["obj"])`, p, "", true)
	f(`user["$email"] == "a@b.c"`, p, `{"$email":"a@b.c"}`, true)
	f(`user["$email"] == "a@b.c"`, p, ``, false)
	// Equality: same type only; undefined equals undefined only.
	f(`properties["n"] == 5`, p, "", true)
	f(`properties["s5"] == 5`, p, "", false)
	f(`number(properties["s5"]) == 5`, p, "", true)
	f(`properties["plan"] == "Pro"`, p, "", false)
	f(`properties["missing"] == properties["nul"]`, p, "", true)
	f(`properties["missing"] != "x"`, p, "", true)
	f(`properties["t"] == true`, p, "", true)
	f(`properties["list"] == properties["list"]`, p, "", false)
	f(`properties["obj"] != 1`, p, "", true)
	// Ordering: numbers with numbers, strings with strings (bytes).
	f(`properties["n"] > 4.5`, p, "", true)
	f(`properties["s5"] > 4`, p, "", false)
	f(`properties["plan"] >= "pro"`, p, "", true)
	f(`"B" < "a"`, "", "", true)
	f(`properties["missing"] < 1`, p, "", false)
	f(`properties["t"] > false`, p, "", false)
	// in: contains on strings, membership on lists.
	f(`"facebook" in properties["ref"]`, p, "", true)
	f(`"Facebook" in properties["ref"]`, p, "", false)
	f(`properties["n"] in [1, 5, 9]`, p, "", true)
	f(`properties["s5"] in [1, 5, 9]`, p, "", false)
	f(`"a" in properties["list"]`, p, "", true)
	f(`1 in properties["list"]`, p, "", true)
	f(`true in properties["list"]`, p, "", true)
	f(`properties["missing"] in properties["list"]`, p, "", false)
	f(`"k" in properties["obj"]`, p, "", false)
	f(`properties["plan"] not in ["free", "pro"]`, p, "", false)
	f(`5 in "a5"`, p, "", false)
	f(`"" in properties["plan"]`, p, "", true)
	// Truthiness, and/or/not.
	f(`properties["fs"] or properties["e"] or properties["z"] or properties["empty"]`, p, "", false)
	f(`properties["obj"] and properties["list"] and properties["plan"] and properties["n"]`, p, "", true)
	f(`not properties["missing"]`, p, "", true)
	f(`boolean(properties["fs"])`, p, "", false)
	f(`boolean("true")`, p, "", true)
	// Arithmetic: numbers only; overflow and division by zero are undefined.
	f(`properties["n"] * 2 + 1`, p, "", 11.0)
	f(`properties["n"] % 3`, p, "", 2.0)
	f(`-7.5 % 2`, p, "", -1.5)
	f(`properties["n"] / 0`, p, "", nil)
	f(`properties["n"] % 0`, p, "", nil)
	f(`properties["big"] * properties["big"]`, p, "", nil)
	f(`properties["s5"] + 1`, p, "", nil)
	f(`-properties["plan"]`, p, "", nil)
	f(`round(2.5) + round(-2.5)`, p, "", 0.0)
	f(`round(-2.5)`, p, "", -3.0)
	f(`floor(-1.5)`, p, "", -2.0)
	f(`ceil(1.2)`, p, "", 2.0)
	// Typecasts.
	f(`number("1e3")`, p, "", 1000.0)
	f(`number(" 12")`, p, "", nil)
	f(`number("0x10")`, p, "", nil)
	f(`number("-.5")`, p, "", -0.5)
	f(`number(true)`, p, "", 1.0)
	f(`number(properties["list"])`, p, "", nil)
	f(`string(properties["n"])`, p, "", "5")
	f(`string(2.5)`, p, "", "2.5")
	f(`string(1e16)`, p, "", "1e+16")
	f(`string(0.00001)`, p, "", "1e-05")
	f(`string(0.0001)`, p, "", "0.0001")
	f(`string(properties["t"])`, p, "", "true")
	f(`string(properties["missing"])`, p, "", nil)
}

func TestEvalEventNameAndRegex(t *testing.T) {
	n, err := Filter{Or: []Filter{{Event: "Signed up"}, {Property: "u", Operator: "regex", Value: "^a.c$"}}}.Node()
	if err != nil {
		t.Fatal(err)
	}
	f := func(name string, props map[string]any, want bool) {
		t.Helper()
		if got := Truthy(Eval(n, mapEnv{name: name, props: props})); got != want {
			t.Errorf("%s %v: got %v", name, props, got)
		}
	}
	f("Signed up", nil, true)
	f("Logged in", nil, false)
	f("Logged in", map[string]any{"u": "abc"}, true)
	f("Logged in", map[string]any{"u": "abcd"}, false)
	f("Logged in", map[string]any{"u": 1.0}, false)
}

// BenchmarkParse and BenchmarkEval: the reference evaluator's cost per
// event, for a three-condition where.
const benchWhere = `properties["plan"] == "pro" and "Chrome" in properties["$browser"] and number(properties["$browser_version"]) >= 100`

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		if _, err := Parse(benchWhere); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEval(b *testing.B) {
	n, err := Parse(benchWhere)
	if err != nil {
		b.Fatal(err)
	}
	env := mapEnv{props: map[string]any{"plan": "pro", "$browser": "Chrome", "$browser_version": 124.0}}
	b.ReportAllocs()
	for range b.N {
		if !Truthy(Eval(n, env)) {
			b.Fatal("false")
		}
	}
}

func TestDecodePropsKeepsFirst(t *testing.T) {
	m, err := DecodeProps([]byte(`{"a":1,"b":[1,{"x":2}],"a":"two"}`))
	if err != nil || m["a"] != 1.0 || len(m["b"].([]any)) != 2 {
		t.Fatalf("%v %v", m, err)
	}
	for _, bad := range []string{`[1]`, `{"a":}`, `{"a":1`, ``} {
		if _, err := DecodeProps([]byte(bad)); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}
