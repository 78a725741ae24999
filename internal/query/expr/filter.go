package expr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
)

// Filter is the JSON filter document: a group {"and":[...]} or
// {"or":[...]}, an event-name condition {"event":"Signed up"} (or a list of
// names), or a property condition
//
//	{"property":"plan","scope":"event","operator":"eq","value":"pro"}
//
// scope is "event" (default) or "user" (the profile). Operators: eq, ne
// (value a string, number, boolean or a list of them), in, not_in (a list),
// contains, not_contains (a string), regex (an RE2 pattern), gt, gte, lt, lte
// (a number or a string), between ([low, high], inclusive), is_set and
// is_not_set (no value). A number value compares the property as a number,
// so numeric strings match too ("42" eq 42). A condition may also be an
// expression of Mixpanel's language: {"where":"properties[\"n\"] > 3"}.
type Filter struct {
	And      []Filter `json:"and,omitempty"`
	Or       []Filter `json:"or,omitempty"`
	Event    any      `json:"event,omitempty"`
	Property string   `json:"property,omitempty"`
	Scope    string   `json:"scope,omitempty"`
	Operator string   `json:"operator,omitempty"`
	Value    any      `json:"value,omitempty"`
	// Where is a condition in Mixpanel's expression language (Parse), e.g.
	// properties["plan"] == "pro" and defined(properties["seats"]).
	Where string `json:"where,omitempty"`
}

// MaxConditions bounds the conditions of one filter document.
const MaxConditions = 1000

// FieldError is a filter document error: Path names the field ("and[2].value").
type FieldError struct {
	Path string
	Msg  string
}

func (e *FieldError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// Node lowers f to the syntax tree Parse produces. Errors are *FieldError.
func (f Filter) Node() (Node, error) {
	n := 0
	node, err := f.lower("", &n)
	if err != nil {
		return nil, err
	}
	if _, err := depth(node); err != nil {
		return nil, &FieldError{Msg: fmt.Sprintf("filter groups nest too deeply (the tree exceeds %d levels)", MaxDepth)}
	}
	return node, nil
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

func (f Filter) lower(path string, count *int) (Node, error) {
	fail := func(field, msg string) error { return &FieldError{Path: join(path, field), Msg: msg} }
	kinds := 0
	for _, set := range []bool{f.And != nil, f.Or != nil, f.Event != nil, f.Property != "" || f.Operator != "", f.Where != ""} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		return nil, &FieldError{Path: path, Msg: `a filter is exactly one of {"and":[...]}, {"or":[...]}, {"event":...}, {"property":..., "operator":...} or {"where":...}`}
	}
	if f.Where != "" {
		if f.Scope != "" || f.Value != nil {
			return nil, &FieldError{Path: path, Msg: `a where condition holds only "where"`}
		}
		*count++
		n, err := Parse(f.Where)
		if err != nil {
			return nil, fail("where", err.Error())
		}
		return n, nil
	}
	if f.And != nil || f.Or != nil {
		if f.Scope != "" || f.Value != nil {
			return nil, &FieldError{Path: path, Msg: "a group holds only and or or"}
		}
		list, op, name := f.And, OpAnd, "and"
		if f.Or != nil {
			list, op, name = f.Or, OpOr, "or"
		}
		if len(list) == 0 {
			return nil, fail(name, "must hold at least one filter")
		}
		terms := make([]Node, len(list))
		for i, sub := range list {
			n, err := sub.lower(join(path, name+"["+strconv.Itoa(i)+"]"), count)
			if err != nil {
				return nil, err
			}
			terms[i] = n
		}
		return balance(op, make([]int, len(terms)), terms), nil
	}
	if *count++; *count > MaxConditions {
		return nil, &FieldError{Path: path, Msg: fmt.Sprintf("a filter holds at most %d conditions", MaxConditions)}
	}
	if f.Event != nil {
		if f.Scope != "" || f.Value != nil {
			return nil, &FieldError{Path: path, Msg: `an event condition holds only "event"`}
		}
		switch v := f.Event.(type) {
		case string:
			return &Binary{Op: OpEq, L: &EventName{}, R: &Literal{Value: v}}, nil
		case []any:
			l := &ListLit{}
			for _, e := range v {
				s, ok := e.(string)
				if !ok {
					return nil, fail("event", "must be an event name or a list of names")
				}
				l.Items = append(l.Items, &Literal{Value: s})
			}
			if len(l.Items) == 0 || len(l.Items) > MaxItems {
				return nil, fail("event", fmt.Sprintf("a list of names holds 1 to %d names", MaxItems))
			}
			return &Binary{Op: OpIn, L: &EventName{}, R: l}, nil
		}
		return nil, fail("event", "must be an event name or a list of names")
	}
	if f.Property == "" {
		return nil, fail("property", "is required")
	}
	f.Value = normalize(f.Value) // a decoder's UseNumber gives json.Number
	prop := &Prop{Name: f.Property}
	switch f.Scope {
	case "", "event":
	case "user":
		prop.Scope = UserScope
	default:
		return nil, fail("scope", `must be "event" or "user"`)
	}
	val := func() error { return fail("value", "is required") }
	switch op := f.Operator; op {
	case "eq", "ne", "in", "not_in":
		if f.Value == nil {
			return nil, val()
		}
		var n Node
		var err error
		if list, ok := f.Value.([]any); ok {
			n, err = inList(prop, list)
		} else if op == "in" || op == "not_in" {
			err = fmt.Errorf("must be a list of strings, numbers or booleans")
		} else {
			n, err = eqValue(prop, f.Value)
		}
		if err != nil {
			return nil, fail("value", err.Error())
		}
		if op == "ne" || op == "not_in" {
			n = &Unary{Op: OpNot, X: n}
		}
		return n, nil
	case "contains", "not_contains":
		s, ok := f.Value.(string)
		if !ok {
			return nil, fail("value", "must be a string")
		}
		var n Node = &Binary{Op: OpIn, L: &Literal{Value: s}, R: prop}
		if op == "not_contains" {
			n = &Unary{Op: OpNot, X: n}
		}
		return n, nil
	case "regex":
		s, ok := f.Value.(string)
		if !ok {
			return nil, fail("value", "must be a string holding a regular expression")
		}
		n, err := NewRegex(prop, s)
		if err != nil {
			return nil, fail("value", err.Error())
		}
		return n, nil
	case "gt", "gte", "lt", "lte":
		return orderValue(prop, map[string]Op{"gt": OpGt, "gte": OpGe, "lt": OpLt, "lte": OpLe}[op], f.Value, fail)
	case "between":
		pair, ok := f.Value.([]any)
		if !ok || len(pair) != 2 {
			return nil, fail("value", "must be [low, high]")
		}
		lo, err := orderValue(prop, OpGe, pair[0], fail)
		if err != nil {
			return nil, err
		}
		hi, err := orderValue(prop, OpLe, pair[1], fail)
		if err != nil {
			return nil, err
		}
		_, loStr := pair[0].(string)
		_, hiStr := pair[1].(string)
		if loStr != hiStr {
			return nil, fail("value", "low and high must both be numbers or both strings")
		}
		return &Binary{Op: OpAnd, L: lo, R: hi}, nil
	case "is_set", "is_not_set":
		if f.Value != nil {
			return nil, fail("value", "must be absent for "+op)
		}
		var n Node = &Call{Fn: FnDefined, Arg: prop}
		if op == "is_not_set" {
			n = &Unary{Op: OpNot, X: n}
		}
		return n, nil
	case "":
		return nil, fail("operator", "is required")
	default:
		return nil, fail("operator", "must be one of eq, ne, in, not_in, contains, not_contains, regex, gt, gte, lt, lte, between, is_set, is_not_set")
	}
}

// eqValue is prop == v; a number compares number(prop).
func eqValue(prop Node, v any) (Node, error) {
	switch x := v.(type) {
	case string, bool:
		return &Binary{Op: OpEq, L: prop, R: &Literal{Value: x}}, nil
	case float64:
		return &Binary{Op: OpEq, L: &Call{Fn: FnNumber, Arg: prop}, R: &Literal{Value: x}}, nil
	}
	return nil, fmt.Errorf("must be a string, a number, a boolean or a list of them")
}

// inList is "prop equals one of list", grouped by the items' types.
func inList(prop Node, list []any) (Node, error) {
	if len(list) == 0 || len(list) > MaxItems {
		return nil, fmt.Errorf("must be a list of 1 to %d values", MaxItems)
	}
	var strs, nums, bools ListLit
	for _, v := range list {
		switch x := v.(type) {
		case string:
			strs.Items = append(strs.Items, &Literal{Value: x})
		case float64:
			nums.Items = append(nums.Items, &Literal{Value: x})
		case bool:
			bools.Items = append(bools.Items, &Literal{Value: x})
		default:
			return nil, fmt.Errorf("a list holds only strings, numbers and booleans")
		}
	}
	var terms []Node
	if len(strs.Items) > 0 {
		terms = append(terms, &Binary{Op: OpIn, L: prop, R: &strs})
	}
	if len(nums.Items) > 0 {
		terms = append(terms, &Binary{Op: OpIn, L: &Call{Fn: FnNumber, Arg: prop}, R: &nums})
	}
	if len(bools.Items) > 0 {
		terms = append(terms, &Binary{Op: OpIn, L: prop, R: &bools})
	}
	return balance(OpOr, make([]int, len(terms)), terms), nil
}

func orderValue(prop Node, op Op, v any, fail func(field, msg string) error) (Node, error) {
	switch x := v.(type) {
	case string:
		return &Binary{Op: op, L: prop, R: &Literal{Value: x}}, nil
	case float64:
		return &Binary{Op: op, L: &Call{Fn: FnNumber, Arg: prop}, R: &Literal{Value: x}}, nil
	}
	return nil, fail("value", "must be a number or a string")
}

// MaxRegexLen bounds a regex filter's pattern.
const MaxRegexLen = 1000

// NewRegex is a Regex node over x. The pattern must be in the subset of
// RE2 that Go's regexp and RE2 itself (DuckDB's engine) read alike: no
// Unicode classes (\p, \P: their tables differ between versions), no \C,
// no (?<name>) groups.
func NewRegex(x Node, pattern string) (*Regex, error) {
	if len(pattern) > MaxRegexLen {
		return nil, fmt.Errorf("regular expression is longer than %d bytes", MaxRegexLen)
	}
	for i := 0; i+1 < len(pattern); i++ {
		if pattern[i] != '\\' {
			continue
		}
		switch pattern[i+1] {
		case 'p', 'P', 'C':
			return nil, fmt.Errorf(`regular expression: \%c is not supported (column %d)`, pattern[i+1], i+1)
		}
		i++
	}
	if strings.Contains(pattern, "(?<") {
		return nil, fmt.Errorf("regular expression: (?<name>...) is not supported; use (?P<name>...)")
	}
	if _, err := syntax.Parse(pattern, syntax.Perl); err != nil {
		if se := (*syntax.Error)(nil); errors.As(err, &se) {
			return nil, fmt.Errorf("regular expression: %s", se.Code)
		}
		return nil, fmt.Errorf("regular expression is malformed")
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("regular expression is malformed")
	}
	return &Regex{Col: x.Pos(), X: x, Pattern: pattern, re: re}, nil
}

// ParseFilter decodes a JSON filter document, refusing unknown fields, and
// lowers it. Errors are *FieldError.
func ParseFilter(data []byte) (Node, error) {
	var f Filter
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		if ute := (*json.UnmarshalTypeError)(nil); errors.As(err, &ute) {
			return nil, &FieldError{Path: ute.Field, Msg: "has the wrong type: " + ute.Value}
		}
		msg := err.Error()
		if i := strings.Index(msg, "unknown field "); i >= 0 {
			return nil, &FieldError{Msg: msg[i:]}
		}
		return nil, &FieldError{Msg: "filter is not valid JSON"}
	}
	return f.Node()
}
