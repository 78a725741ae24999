// Package expr is Mixpanel's segmentation expression language (the where and
// on parameters of the Query and export APIs) and Sieve's JSON filter
// document, both turned into one typed syntax tree.
//
// Parse reads an expression such as
//
//	properties["plan"] == "pro" and number(user["age"]) >= 18
//
// into a Node, checking types as far as they are known before any event is
// read; Filter.Node lowers a filter document ({"and":[...]}) to the same tree.
// Eval evaluates a tree over one event in Go: it is the reference semantics
// (slow, obviously correct) that every backend's compiled form must match.
// Backends compile the tree themselves (the DuckDB one lives in
// store/duckdb); nothing here builds query text.
//
// The semantics, shared by every backend, are documented in
// docs/QUERIES.md ("Expressions and filters").
//
// expr must not import any other Sieve package.
package expr

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
)

// Type is the static type of a node, as far as it is known before
// evaluation. A property's type is known only per event: Any.
type Type uint8

// Static types.
const (
	Any Type = iota
	String
	Number
	Boolean
	List // a list literal; only on the right of "in"
)

func (t Type) String() string {
	return [...]string{"any", "string", "number", "boolean", "list"}[t]
}

// Scope says where a property is read from.
type Scope uint8

// Property scopes.
const (
	EventScope Scope = iota // properties["x"]: the event's property
	UserScope               // user["x"]: the profile's property
)

// Op is an operator of a Unary or Binary node.
type Op uint8

// Operators.
const (
	OpAdd Op = iota
	OpSub
	OpMul
	OpDiv
	OpMod
	OpEq
	OpNe
	OpGt
	OpGe
	OpLt
	OpLe
	OpIn
	OpAnd
	OpOr
	OpNeg // unary -
	OpNot // unary not
)

var opText = [...]string{"+", "-", "*", "/", "%", "==", "!=", ">", ">=", "<", "<=", "in", "and", "or", "-", "not"}

func (o Op) String() string { return opText[o] }

// Func is the function of a Call node.
type Func uint8

// Functions: math, typecasts, and defined.
const (
	FnFloor Func = iota
	FnRound
	FnCeil
	FnBoolean
	FnNumber
	FnString
	FnDefined
)

var funcText = [...]string{"floor", "round", "ceil", "boolean", "number", "string", "defined"}

func (f Func) String() string { return funcText[f] }

// Node is a typed syntax tree node. Col is the 1-based column (in runes, of
// the whole source) where the node starts; 0 for nodes lowered from a filter
// document.
type Node interface {
	Type() Type
	Pos() int
	String() string // the node in expression syntax (EventName and Regex, which only filters make, print as $event and regex(x, "re"))
	node()
}

// Prop reads a property of the event (EventScope) or of its user's
// profile (UserScope).
type Prop struct {
	Col   int
	Scope Scope
	Name  string
}

// EventName is the event's name. The expression language has no syntax for
// it; filter documents reach it with {"event": ...}.
type EventName struct{ Col int }

// Literal is a string, number (float64) or boolean constant.
type Literal struct {
	Col   int
	Value any
}

// ListLit is a list of literals, the right side of "in".
type ListLit struct {
	Col   int
	Items []*Literal
}

// Unary is "-x" or "not x".
type Unary struct {
	Col int
	Op  Op
	X   Node
}

// Binary is "l op r".
type Binary struct {
	Col  int
	Op   Op
	L, R Node
}

// Call is floor/round/ceil, boolean/number/string, or defined.
type Call struct {
	Col int
	Fn  Func
	Arg Node
}

// Regex is true when X is a string that the pattern matches (anywhere, as
// RE2 and Go's regexp do). Only filter documents produce it.
type Regex struct {
	Col     int
	X       Node
	Pattern string
	re      *regexp.Regexp
}

func (*Prop) Type() Type      { return Any }
func (*EventName) Type() Type { return String }
func (n *Literal) Type() Type {
	switch n.Value.(type) {
	case string:
		return String
	case float64:
		return Number
	default:
		return Boolean
	}
}
func (*ListLit) Type() Type { return List }
func (n *Unary) Type() Type {
	if n.Op == OpNeg {
		return Number
	}
	return Boolean
}
func (n *Binary) Type() Type {
	switch n.Op {
	case OpAdd, OpSub, OpMul, OpDiv, OpMod:
		return Number
	default:
		return Boolean
	}
}
func (n *Call) Type() Type {
	switch n.Fn {
	case FnString:
		return String
	case FnBoolean, FnDefined:
		return Boolean
	default:
		return Number
	}
}
func (*Regex) Type() Type { return Boolean }

func (n *Prop) Pos() int      { return n.Col }
func (n *EventName) Pos() int { return n.Col }
func (n *Literal) Pos() int   { return n.Col }
func (n *ListLit) Pos() int   { return n.Col }
func (n *Unary) Pos() int     { return n.Col }
func (n *Binary) Pos() int    { return n.Col }
func (n *Call) Pos() int      { return n.Col }
func (n *Regex) Pos() int     { return n.Col }

func (*Prop) node()      {}
func (*EventName) node() {}
func (*Literal) node()   {}
func (*ListLit) node()   {}
func (*Unary) node()     {}
func (*Binary) node()    {}
func (*Call) node()      {}
func (*Regex) node()     {}

func (n *Prop) String() string {
	if n.Scope == UserScope {
		return "user[" + quote(n.Name) + "]"
	}
	return "properties[" + quote(n.Name) + "]"
}
func (*EventName) String() string { return "$event" }
func (n *Literal) String() string {
	switch v := n.Value.(type) {
	case string:
		return quote(v)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	default:
		return strconv.FormatBool(v.(bool))
	}
}
func (n *ListLit) String() string {
	parts := make([]string, len(n.Items))
	for i, it := range n.Items {
		parts[i] = it.String()
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
func (n *Unary) String() string {
	if n.Op == OpNot {
		return "(not " + n.X.String() + ")"
	}
	return "(-" + n.X.String() + ")"
}
func (n *Binary) String() string {
	return "(" + n.L.String() + " " + n.Op.String() + " " + n.R.String() + ")"
}
func (n *Call) String() string { return n.Fn.String() + "(" + n.Arg.String() + ")" }
func (n *Regex) String() string {
	return "regex(" + n.X.String() + ", " + quote(n.Pattern) + ")"
}

// quote writes s as a string literal Parse reads back.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Props lists the properties n reads, in order of first use, without
// repeats; the audit log records them.
func Props(n Node) []Prop {
	var out []Prop
	seen := map[Prop]bool{}
	Walk(n, func(n Node) {
		if p, ok := n.(*Prop); ok {
			k := Prop{Scope: p.Scope, Name: p.Name}
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	})
	return out
}

// Walk calls fn for n and every node below it, parents first.
func Walk(n Node, fn func(Node)) {
	fn(n)
	switch n := n.(type) {
	case *ListLit:
		for _, it := range n.Items {
			fn(it)
		}
	case *Unary:
		Walk(n.X, fn)
	case *Binary:
		Walk(n.L, fn)
		Walk(n.R, fn)
	case *Call:
		Walk(n.Arg, fn)
	case *Regex:
		Walk(n.X, fn)
	}
}
