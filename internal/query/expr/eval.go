package expr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Env is what an expression reads: one event and its user's profile.
// Prop and User return values as encoding/json decodes them into an any
// (string, float64 or json.Number, bool, []any, map[string]any, nil); a
// missing property returns ok == false. JSON null and missing are the same
// to every expression.
//
// Decode stored properties with DecodeProps. For an event, Prop also answers the keys ingestion lifts out of the
// properties, as an export line shows them: "distinct_id", "time" (Unix
// seconds, rounded down) and "$insert_id" (missing when empty). EventEnv
// does that.
type Env interface {
	Event() string
	Prop(name string) (any, bool)
	User(name string) (any, bool)
}

// Eval evaluates n over env. The result is nil (undefined), a string, a
// float64, a bool, a []any or a map[string]any (a property holding a list or
// an object). A where clause keeps an event when Truthy(Eval(n, env)).
//
// Eval is the reference semantics: written for clarity, not speed.
func Eval(n Node, env Env) any {
	switch n := n.(type) {
	case *Prop:
		var v any
		var ok bool
		if n.Scope == UserScope {
			v, ok = env.User(n.Name)
		} else {
			v, ok = env.Prop(n.Name)
		}
		if !ok {
			return nil
		}
		return normalize(v)
	case *EventName:
		return env.Event()
	case *Literal:
		return n.Value
	case *ListLit:
		out := make([]any, len(n.Items))
		for i, it := range n.Items {
			out[i] = it.Value
		}
		return out
	case *Unary:
		x := Eval(n.X, env)
		if n.Op == OpNot {
			return !Truthy(x)
		}
		if f, ok := x.(float64); ok {
			return -f
		}
		return nil
	case *Binary:
		return evalBinary(n, env)
	case *Call:
		return evalCall(n, env)
	case *Regex:
		s, ok := Eval(n.X, env).(string)
		return ok && n.re.MatchString(s)
	}
	panic("expr: unknown node")
}

// DecodeProps decodes a JSON object of properties for an Env. A key that
// occurs more than once at the top level keeps its first value, as every
// stored-JSON reader of Sieve reads it (DuckDB's json_extract; the row
// engine and the reference evaluator; encoding/json alone keeps the last).
func DecodeProps(data []byte) (map[string]any, error) {
	return decodeProps(data, false)
}

// DecodePropsNumber is DecodeProps with numbers as json.Number (their
// text kept).
func DecodePropsNumber(data []byte) (map[string]any, error) {
	return decodeProps(data, true)
}

func decodeProps(data []byte, useNumber bool) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("expr: properties are not a JSON object")
	}
	out := map[string]any{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("expr: properties: %w", err)
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("expr: properties: %w", err)
		}
		if _, dup := out[key]; dup {
			continue
		}
		var v any
		vd := json.NewDecoder(bytes.NewReader(raw))
		if useNumber {
			vd.UseNumber()
		}
		if err := vd.Decode(&v); err != nil {
			return nil, fmt.Errorf("expr: properties: %w", err)
		}
		out[key] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("expr: properties: %w", err)
	}
	return out, nil
}

// EventEnv is an Env over one stored event: its name, distinct_id, time
// (Unix ms), insert_id and decoded properties, with user properties from
// User (nil: none).
type EventEnv struct {
	Name, DistinctID, InsertID string
	Time                       int64
	Props                      map[string]any
	Users                      func(name string) (any, bool)
}

// Event implements Env.
func (e *EventEnv) Event() string { return e.Name }

// Prop implements Env.
func (e *EventEnv) Prop(name string) (any, bool) {
	switch name {
	case "distinct_id":
		return e.DistinctID, true
	case "time":
		return math.Floor(float64(e.Time) / 1000), true
	case "$insert_id":
		return e.InsertID, e.InsertID != ""
	}
	v, ok := e.Props[name]
	return v, ok
}

// User implements Env.
func (e *EventEnv) User(name string) (any, bool) {
	if e.Users == nil {
		return nil, false
	}
	return e.Users(name)
}

// normalize turns a decoded JSON value into Eval's value set.
func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return nil
		}
		return f
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	}
	return v
}

// finite returns f, or nil if f overflowed.
func finite(f float64) any {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil
	}
	return f
}

func evalBinary(n *Binary, env Env) any {
	switch n.Op {
	case OpAnd:
		return Truthy(Eval(n.L, env)) && Truthy(Eval(n.R, env))
	case OpOr:
		return Truthy(Eval(n.L, env)) || Truthy(Eval(n.R, env))
	}
	l, r := Eval(n.L, env), Eval(n.R, env)
	switch n.Op {
	case OpEq:
		return equal(l, r)
	case OpNe:
		return !equal(l, r)
	case OpGt, OpGe, OpLt, OpLe:
		c, ok := compare(l, r)
		if !ok {
			return false
		}
		switch n.Op {
		case OpGt:
			return c > 0
		case OpGe:
			return c >= 0
		case OpLt:
			return c < 0
		default:
			return c <= 0
		}
	case OpIn:
		return in(l, r)
	}
	a, aok := l.(float64)
	b, bok := r.(float64)
	if !aok || !bok {
		return nil
	}
	switch n.Op {
	case OpAdd:
		return finite(a + b)
	case OpSub:
		return finite(a - b)
	case OpMul:
		return finite(a * b)
	case OpDiv:
		if b == 0 {
			return nil
		}
		return finite(a / b)
	default: // OpMod
		if b == 0 {
			return nil
		}
		return finite(math.Mod(a, b))
	}
}

// equal: undefined equals only undefined; numbers, strings and booleans
// equal values of the same type; lists and objects equal nothing.
func equal(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	}
	return false
}

// compare orders two numbers, or two strings by bytes; ok is false for any
// other pair.
func compare(a, b any) (int, bool) {
	switch x := a.(type) {
	case float64:
		if y, ok := b.(float64); ok {
			switch {
			case x < y:
				return -1, true
			case x > y:
				return 1, true
			}
			return 0, true
		}
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y), true
		}
	}
	return 0, false
}

// in: a string in a string is "contains"; anything defined in a list is
// "equals one of its items"; everything else is false.
func in(a, b any) bool {
	if a == nil {
		return false
	}
	switch y := b.(type) {
	case string:
		x, ok := a.(string)
		return ok && strings.Contains(y, x)
	case []any:
		for _, e := range y {
			if equal(a, e) {
				return true
			}
		}
	}
	return false
}

// Truthy is a value's boolean meaning (and, or, not, boolean(), where):
// false for undefined, false, 0, "", "false" and an empty list; true for
// every other value.
func Truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case float64:
		return x != 0
	case string:
		return x != "" && x != "false"
	case []any:
		return len(x) > 0
	}
	return true
}

// numberText matches what number() converts: a decimal number without
// spaces, with an optional sign, fraction and exponent.
var numberText = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// NumberPattern is numberText's pattern, for backends.
const NumberPattern = `^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`

func evalCall(n *Call, env Env) any {
	if n.Fn == FnDefined {
		return Eval(n.Arg, env) != nil
	}
	x := Eval(n.Arg, env)
	switch n.Fn {
	case FnBoolean:
		return Truthy(x)
	case FnNumber:
		if f, ok := NumberOf(x); ok {
			return f
		}
		return nil
	case FnString:
		if s, ok := StringOf(x); ok {
			return s
		}
		return nil
	}
	f, ok := x.(float64)
	if !ok {
		return nil
	}
	switch n.Fn {
	case FnFloor:
		return math.Floor(f)
	case FnCeil:
		return math.Ceil(f)
	default:
		return math.Round(f) // half away from zero
	}
}

// NumberOf is number(v): ok is false when the result is undefined.
func NumberOf(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case string:
		if !numberText.MatchString(x) {
			return 0, false
		}
		f, err := strconv.ParseFloat(x, 64)
		if err != nil || math.IsInf(f, 0) {
			return 0, false
		}
		return f, true
	}
	return 0, false
}

// StringOf is string(v): ok is false when the result is undefined.
func StringOf(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		return FormatNumber(x), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// FormatNumber is string(n): the shortest decimal that reads back as n,
// in exponent form ("1e+16", "2.5e-05") below 1e-4 and from 1e16 in
// magnitude, and without a fraction when n is whole ("3", not "3.0"); -0
// is "0".
func FormatNumber(f float64) string {
	if f == 0 {
		return "0"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
	exp, _ := strconv.Atoi(e[strings.LastIndexByte(e, 'e')+1:])
	if exp < -4 || exp >= 16 {
		return e
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
