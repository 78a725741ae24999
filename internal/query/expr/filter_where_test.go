package expr

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestFilterWhere: a {"where":...} condition is the expression Parse reads,
// also inside groups; a bad expression names its field.
func TestFilterWhere(t *testing.T) {
	src := `properties["n"] > 3 and defined(properties["plan"])`
	want, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	var f Filter
	if err := json.Unmarshal([]byte(`{"where":`+mustJSON(src)+`}`), &f); err != nil {
		t.Fatal(err)
	}
	got, err := f.Node()
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Node: %v %#v", err, got)
	}
	env := mapEnv{props: map[string]any{"n": 4.0, "plan": "pro"}}
	if !Truthy(Eval(got, env)) {
		t.Error("the condition does not hold where it should")
	}
	g := Filter{And: []Filter{{Event: "e"}, {Where: `properties["n"] >`}}}
	_, err = g.Node()
	if fe, ok := err.(*FieldError); !ok || fe.Path != "and[1].where" {
		t.Errorf("bad expression: %v", err)
	}
	if _, err := (Filter{Where: src, Value: 1}).Node(); err == nil {
		t.Error("where with a value is accepted")
	}
}

func mustJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
