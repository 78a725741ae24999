package expr

import (
	"errors"
	"testing"
)

// FuzzParse: Parse never panics, errors are *SyntaxError with a column
// inside the source, and what parses evaluates without panicking and prints
// as an expression that parses again to the same tree.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`properties["a"] == "x"`, `user["$email"] in ["a", "b"]`, `not defined(properties["c"])`,
		`floor(number(properties["n"]) / 3) % 2 == -1`, `"f" in properties["r"] or (1 + 2) * 3 > 4`,
		`string(boolean(properties["x"])) != 'y\u00e9'`, `properties["a"] not in [1, true, "z"]`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		n, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Line < 1 || se.Col < 1 {
				t.Fatalf("%q: bad error %#v", src, err)
			}
			_ = err.Error()
			return
		}
		Eval(n, mapEnv{props: map[string]any{"a": "x", "n": 4.0, "r": []any{"f", 1.0}}})
		again, err := Parse(n.String())
		if err != nil {
			t.Fatalf("%q printed as %q which does not parse: %v", src, n.String(), err)
		}
		if again.String() != n.String() {
			t.Fatalf("%q: %q reparsed as %q", src, n.String(), again.String())
		}
	})
}

// FuzzParseFilter: ParseFilter never panics, its errors are *FieldError,
// and what it accepts evaluates without panicking.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		`{"and":[{"event":"A"},{"or":[{"property":"p","operator":"eq","value":[1,"a",true]},{"property":"u","scope":"user","operator":"regex","value":"^a+$"}]}]}`,
		`{"property":"n","operator":"between","value":[1,2]}`,
		`{"property":"n","operator":"is_not_set"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := ParseFilter(data)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("%q: error %T %v", data, err, err)
			}
			return
		}
		Eval(n, &EventEnv{Props: map[string]any{"p": "a", "n": 1.5, "u": "aa"}})
	})
}
