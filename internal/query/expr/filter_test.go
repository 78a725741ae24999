package expr

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestFilterLowering(t *testing.T) {
	f := func(doc, want string) {
		t.Helper()
		n, err := ParseFilter([]byte(doc))
		if err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		if got := n.String(); got != want {
			t.Errorf("%s:\n got %s\nwant %s", doc, got, want)
		}
	}
	f(`{"property":"plan","operator":"eq","value":"pro"}`, `(properties["plan"] == "pro")`)
	f(`{"property":"age","scope":"user","operator":"eq","value":42}`, `(number(user["age"]) == 42)`)
	f(`{"property":"plan","operator":"ne","value":["a",1,true]}`,
		`(not ((properties["plan"] in ["a"]) or ((number(properties["plan"]) in [1]) or (properties["plan"] in [true]))))`)
	f(`{"property":"u","operator":"contains","value":"x"}`, `("x" in properties["u"])`)
	f(`{"property":"u","operator":"not_contains","value":"x"}`, `(not ("x" in properties["u"]))`)
	f(`{"property":"u","operator":"regex","value":"^a+$"}`, `regex(properties["u"], "^a+$")`)
	f(`{"property":"n","operator":"gt","value":3}`, `(number(properties["n"]) > 3)`)
	f(`{"property":"d","operator":"lte","value":"2024-01-01"}`, `(properties["d"] <= "2024-01-01")`)
	f(`{"property":"n","operator":"between","value":[1,2]}`, `((number(properties["n"]) >= 1) and (number(properties["n"]) <= 2))`)
	f(`{"property":"n","operator":"is_set"}`, `defined(properties["n"])`)
	f(`{"property":"n","operator":"is_not_set"}`, `(not defined(properties["n"]))`)
	f(`{"property":"n","operator":"in","value":["a","b"]}`, `(properties["n"] in ["a", "b"])`)
	f(`{"and":[{"event":"A"},{"or":[{"event":["B","C"]},{"property":"x","operator":"is_set"}]}]}`,
		`(($event == "A") and (($event in ["B", "C"]) or defined(properties["x"])))`)
}

func TestFilterValuesFromUseNumber(t *testing.T) {
	dec := json.NewDecoder(strings.NewReader(`{"property":"n","operator":"between","value":[1, 2.5]}`))
	dec.UseNumber()
	var f Filter
	if err := dec.Decode(&f); err != nil {
		t.Fatal(err)
	}
	n, err := f.Node()
	if err != nil {
		t.Fatal(err)
	}
	if got := n.String(); got != `((number(properties["n"]) >= 1) and (number(properties["n"]) <= 2.5))` {
		t.Fatal(got)
	}
}

func TestFilterErrorsNameTheField(t *testing.T) {
	f := func(doc, path, msg string) {
		t.Helper()
		_, err := ParseFilter([]byte(doc))
		var fe *FieldError
		if !errors.As(err, &fe) {
			t.Fatalf("%s: want *FieldError, got %v", doc, err)
		}
		if fe.Path != path || !strings.Contains(fe.Msg, msg) {
			t.Errorf("%s: got %q %q, want %q containing %q", doc, fe.Path, fe.Msg, path, msg)
		}
	}
	f(`{"and":[{"event":"A"},{"property":"x","operator":"gt","value":true}]}`, "and[1].value", "number or a string")
	f(`{"or":[{"and":[{"property":"x","operator":"nope","value":1}]}]}`, "or[0].and[0].operator", "must be one of")
	f(`{"and":[]}`, "and", "at least one")
	f(`{"property":"x"}`, "operator", "is required")
	f(`{"operator":"eq","value":1}`, "property", "is required")
	f(`{"property":"x","operator":"eq"}`, "value", "is required")
	f(`{"property":"x","operator":"is_set","value":1}`, "value", "must be absent")
	f(`{"property":"x","operator":"in","value":"a"}`, "value", "must be a list")
	f(`{"property":"x","operator":"in","value":[{"a":1}]}`, "value", "only strings")
	f(`{"property":"x","operator":"between","value":[1]}`, "value", "[low, high]")
	f(`{"property":"x","operator":"between","value":[1,"z"]}`, "value", "both be numbers")
	f(`{"property":"x","scope":"group","operator":"is_set"}`, "scope", `"event" or "user"`)
	f(`{"property":"x","operator":"regex","value":"(?=a)"}`, "value", "invalid or unsupported Perl syntax")
	f(`{"property":"x","operator":"regex","value":"\\pL"}`, "value", `\p is not supported`)
	f(`{"property":"x","operator":"regex","value":"a{2000}"}`, "value", "invalid repeat count")
	f(`{"event":"A","property":"x","operator":"is_set"}`, "", "exactly one of")
	f(`{"event":[1]}`, "event", "list of names")
	f(`{"and":[{"event":"A"}],"or":[{"event":"B"}]}`, "", "exactly one of")
	f(`{"property":"x","operator":"eq","value":1,"extra":2}`, "", `unknown field "extra"`)
	f(`{"property":1}`, "property", "wrong type")
	f(`{"property":"x"`, "", "not valid JSON")
	many := `{"or":[` + strings.Repeat(`{"event":"A"},`, MaxConditions) + `{"event":"B"}]}`
	f(many, "or[1000]", "at most 1000 conditions")
	deep := strings.Repeat(`{"and":[{"event":"A"},`, 70) + `{"event":"B"}` + strings.Repeat(`]}`, 70)
	f(deep, "", "nest too deeply")
}
