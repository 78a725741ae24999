// Package profile applies Mixpanel's profile operations ($set, $set_once,
// $add, $append, $union, $remove, $unset, $delete) to the JSON state of one
// user or group profile. It is pure: no I/O, no clock, no logging. Storage
// backends call it to fold updates into the state they keep; ingestion calls
// Validate to reject a malformed update before anything is stored.
//
// Semantics (one update, operations applied in the order of the constants in
// package event, whatever order they were sent in):
//
//   - $set {k: v}: sets k to v.
//   - $set_once {k: v}: sets k to v only if k is not set yet.
//   - $add {k: n}: adds the number n to k; a missing k counts as 0. A value
//     that is not a number in the update makes the update invalid (Validate and
//     Apply report ErrInvalid). When k already holds something other than a
//     number, k is left unchanged. Two integers add as integers while the sum
//     fits in int64; otherwise the sum is a float64.
//   - $append {k: v}: appends v to the list k; a missing k becomes [v]. When k
//     holds something other than a list, k is left unchanged.
//   - $union {k: [v...]}: appends each v not already in the list k (JSON
//     equality: numbers by value, strings after unescaping); a missing k becomes
//     the list of distinct v. The argument must be a list; when k holds
//     something other than a list, k is left unchanged.
//   - $remove {k: v}: removes every element equal to v from the list k; a
//     missing or non-list k is left unchanged.
//   - $unset [k...]: removes the properties named.
//   - $delete: removes the whole profile; other operations of the same update
//     are moot. Its value is ignored.
//
// Any update other than $delete creates the profile if it does not exist.
// Unless the update has IgnoreTime ($ignore_time), "$last_seen" is set to the
// update time as "2006-01-02T15:04:05" (UTC, Mixpanel's format), and never
// moved backwards by an older update. When the update carries an IP (only if
// the project stores IP addresses), "$ip" is set to it.
//
// Error messages name the operation, never a property value. profile imports
// only package event of Sieve; it must not import store, ingest or guard.
package profile

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

// ErrInvalid is wrapped by every error about a malformed update.
var ErrInvalid = errors.New("profile: invalid update")

// LastSeen is the property set from the update time.
const LastSeen = "$last_seen"

// LastSeenLayout is the time layout of LastSeen (UTC).
const LastSeenLayout = "2006-01-02T15:04:05"

// opOrder gives each operation its rank in the order of application.
var opOrder = map[string]int{
	event.OpSet:     0,
	event.OpSetOnce: 1,
	event.OpAdd:     2,
	event.OpAppend:  3,
	event.OpUnion:   4,
	event.OpRemove:  5,
	event.OpUnset:   6,
	event.OpDelete:  7,
}

// Validate reports whether every operation of u is known and has an argument
// of the right shape. It is what Apply checks before changing anything.
func Validate(u *event.ProfileRow) error {
	if u.MergeFrom != "" && u.Kind != event.People {
		return fmt.Errorf("%w: only people profiles merge", ErrInvalid)
	}
	if len(u.Ops) == 0 && u.MergeFrom == "" {
		return fmt.Errorf("%w: no operation", ErrInvalid)
	}
	for i := range u.Ops {
		if _, err := parseOp(&u.Ops[i]); err != nil {
			return err
		}
	}
	return nil
}

// parseOp parses and checks one operation's argument.
func parseOp(op *event.ProfileOpRow) (*fastjson.Value, error) {
	if _, ok := opOrder[op.Op]; !ok {
		return nil, fmt.Errorf("%w: unknown operation", ErrInvalid)
	}
	if op.Op == event.OpDelete {
		return nil, nil // value ignored, may even be empty
	}
	v, err := fastjson.ParseBytes(op.Value)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: argument is not valid JSON", ErrInvalid, op.Op)
	}
	switch op.Op {
	case event.OpUnset:
		arr, err := v.Array()
		if err != nil {
			return nil, fmt.Errorf("%w: %s wants a list of property names", ErrInvalid, op.Op)
		}
		for _, e := range arr {
			if e.Type() != fastjson.TypeString {
				return nil, fmt.Errorf("%w: %s wants a list of property names", ErrInvalid, op.Op)
			}
		}
		return v, nil
	}
	o, err := v.Object()
	if err != nil {
		return nil, fmt.Errorf("%w: %s wants an object", ErrInvalid, op.Op)
	}
	var bad error
	switch op.Op {
	case event.OpAdd:
		o.Visit(func(_ []byte, e *fastjson.Value) {
			if bad == nil && e.Type() != fastjson.TypeNumber {
				bad = fmt.Errorf("%w: %s wants numbers", ErrInvalid, op.Op)
			}
		})
	case event.OpUnion:
		o.Visit(func(_ []byte, e *fastjson.Value) {
			if bad == nil && e.Type() != fastjson.TypeArray {
				bad = fmt.Errorf("%w: %s wants lists", ErrInvalid, op.Op)
			}
		})
	}
	if bad != nil {
		return nil, bad
	}
	return v, nil
}

// State is the state of one profile while updates are folded into it. The
// zero value is a profile that does not exist.
type State struct {
	arena fastjson.Arena
	obj   *fastjson.Value // nil when the profile does not exist
}

// Parse returns the state held in b, a JSON object; nil or empty b is a
// profile that does not exist.
func Parse(b []byte) (*State, error) {
	s := &State{}
	if len(b) == 0 {
		return s, nil
	}
	v, err := fastjson.ParseBytes(b)
	if err != nil || v.Type() != fastjson.TypeObject {
		return nil, errors.New("profile: stored state is not a JSON object")
	}
	s.obj = v
	return s, nil
}

// Exists reports whether the profile exists.
func (s *State) Exists() bool { return s.obj != nil }

// AppendJSON appends the state as a JSON object to dst. It appends nothing
// when the profile does not exist.
func (s *State) AppendJSON(dst []byte) []byte {
	if s.obj == nil {
		return dst
	}
	return s.obj.MarshalTo(dst)
}

// Merge folds the properties of other, the profile of a person merged into
// this one, into the state: a property this profile already has keeps its
// value ($set_once semantics), except "$last_seen", which becomes the later
// of the two. Merging a profile that does not exist changes nothing;
// merging into one that does not exist copies other.
func (s *State) Merge(other *State) {
	if other == nil || other.obj == nil {
		return
	}
	if s.obj == nil {
		s.obj = s.arena.NewObject()
	}
	obj := s.obj.GetObject()
	other.obj.GetObject().Visit(func(k []byte, v *fastjson.Value) {
		key := string(k)
		cur := obj.Get(key)
		switch {
		case cur == nil:
			obj.Set(key, copyValue(&s.arena, v))
		case key == LastSeen && cur.Type() == fastjson.TypeString && v.Type() == fastjson.TypeString &&
			string(cur.GetStringBytes()) < string(v.GetStringBytes()):
			obj.Set(key, s.arena.NewString(string(v.GetStringBytes())))
		}
	})
}

// copyValue copies v into a's memory, so that it outlives other's state.
func copyValue(a *fastjson.Arena, v *fastjson.Value) *fastjson.Value {
	c, err := fastjson.ParseBytes(v.MarshalTo(nil))
	if err != nil { // cannot happen: v was parsed
		return a.NewNull()
	}
	return c
}

// Apply folds u into the state. On error the state is unchanged. An update
// with no Ops (a merge only, see event.ProfileUpdate.MergeFrom) changes
// nothing: the store merges before it applies.
func (s *State) Apply(u *event.ProfileRow) error {
	if len(u.Ops) == 0 && u.MergeFrom != "" {
		return nil
	}
	type parsed struct {
		op   string
		rank int
		v    *fastjson.Value
	}
	ops := make([]parsed, 0, len(u.Ops))
	for i := range u.Ops {
		v, err := parseOp(&u.Ops[i])
		if err != nil {
			return err
		}
		ops = append(ops, parsed{op: u.Ops[i].Op, rank: opOrder[u.Ops[i].Op], v: v})
	}
	if len(ops) == 0 {
		return fmt.Errorf("%w: no operation", ErrInvalid)
	}
	// Stable insertion sort by rank: updates carry a handful of operations.
	for i := 1; i < len(ops); i++ {
		for j := i; j > 0 && ops[j].rank < ops[j-1].rank; j-- {
			ops[j], ops[j-1] = ops[j-1], ops[j]
		}
	}
	for _, p := range ops {
		if p.op == event.OpDelete {
			s.obj = nil
			return nil
		}
	}
	if s.obj == nil {
		s.obj = s.arena.NewObject()
	}
	obj := s.obj.GetObject()
	for _, p := range ops {
		switch p.op {
		case event.OpSet:
			p.v.GetObject().Visit(func(k []byte, v *fastjson.Value) {
				obj.Set(string(k), v)
			})
		case event.OpSetOnce:
			p.v.GetObject().Visit(func(k []byte, v *fastjson.Value) {
				if obj.Get(string(k)) == nil {
					obj.Set(string(k), v)
				}
			})
		case event.OpAdd:
			p.v.GetObject().Visit(func(k []byte, v *fastjson.Value) {
				key := string(k)
				cur := obj.Get(key)
				if cur == nil {
					obj.Set(key, v)
					return
				}
				if sum := s.add(cur, v); sum != nil {
					obj.Set(key, sum)
				}
			})
		case event.OpAppend:
			p.v.GetObject().Visit(func(k []byte, v *fastjson.Value) {
				key := string(k)
				cur := obj.Get(key)
				if cur == nil {
					arr := s.arena.NewArray()
					arr.SetArrayItem(0, v)
					obj.Set(key, arr)
					return
				}
				if cur.Type() == fastjson.TypeArray {
					cur.SetArrayItem(len(cur.GetArray()), v)
				}
			})
		case event.OpUnion:
			p.v.GetObject().Visit(func(k []byte, v *fastjson.Value) {
				key := string(k)
				cur := obj.Get(key)
				if cur == nil {
					cur = s.arena.NewArray()
					obj.Set(key, cur)
				} else if cur.Type() != fastjson.TypeArray {
					return
				}
				for _, e := range v.GetArray() {
					if !contains(cur.GetArray(), e) {
						cur.SetArrayItem(len(cur.GetArray()), e)
					}
				}
			})
		case event.OpRemove:
			p.v.GetObject().Visit(func(k []byte, v *fastjson.Value) {
				key := string(k)
				cur := obj.Get(key)
				if cur == nil || cur.Type() != fastjson.TypeArray {
					return
				}
				kept := s.arena.NewArray()
				n := 0
				for _, e := range cur.GetArray() {
					if !Equal(e, v) {
						kept.SetArrayItem(n, e)
						n++
					}
				}
				obj.Set(key, kept)
			})
		case event.OpUnset:
			for _, e := range p.v.GetArray() {
				obj.Del(string(e.GetStringBytes()))
			}
		}
	}
	if u.IP != "" {
		obj.Set("$ip", s.arena.NewString(u.IP))
	}
	if !u.IgnoreTime {
		seen := time.UnixMilli(u.Time).UTC().Format(LastSeenLayout)
		cur := obj.Get(LastSeen)
		// The layout sorts as text, so a later time is a greater string.
		if cur == nil || cur.Type() != fastjson.TypeString || string(cur.GetStringBytes()) < seen {
			obj.Set(LastSeen, s.arena.NewString(seen))
		}
	}
	return nil
}

// add returns cur+v, or nil when cur is not a number or the sum is not finite.
func (s *State) add(cur, v *fastjson.Value) *fastjson.Value {
	if cur.Type() != fastjson.TypeNumber {
		return nil
	}
	a, errA := cur.Int64()
	b, errB := v.Int64()
	if errA == nil && errB == nil && isIntText(cur) && isIntText(v) {
		sum := a + b
		if (b >= 0 && sum >= a) || (b < 0 && sum < a) {
			return s.arena.NewNumberString(strconv.FormatInt(sum, 10))
		}
	}
	fa, errA := cur.Float64()
	fb, errB := v.Float64()
	if errA != nil || errB != nil {
		return nil
	}
	sum := fa + fb
	if math.IsInf(sum, 0) || math.IsNaN(sum) {
		return nil
	}
	return s.arena.NewNumberFloat64(sum)
}

// isIntText reports whether a number was written without fraction or exponent.
func isIntText(v *fastjson.Value) bool {
	for _, c := range v.MarshalTo(nil) {
		if c == '.' || c == 'e' || c == 'E' {
			return false
		}
	}
	return true
}

func contains(list []*fastjson.Value, v *fastjson.Value) bool {
	for _, e := range list {
		if Equal(e, v) {
			return true
		}
	}
	return false
}

// Equal reports whether two JSON values are equal: numbers by value, strings
// after unescaping, arrays element by element, objects key by key (in any
// order).
func Equal(a, b *fastjson.Value) bool {
	if a.Type() != b.Type() {
		return false
	}
	switch a.Type() {
	case fastjson.TypeString:
		return string(a.GetStringBytes()) == string(b.GetStringBytes())
	case fastjson.TypeNumber:
		fa, errA := a.Float64()
		fb, errB := b.Float64()
		if errA != nil || errB != nil {
			return string(a.MarshalTo(nil)) == string(b.MarshalTo(nil))
		}
		return fa == fb
	case fastjson.TypeArray:
		x, y := a.GetArray(), b.GetArray()
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case fastjson.TypeObject:
		x, y := a.GetObject(), b.GetObject()
		if x.Len() != y.Len() {
			return false
		}
		eq := true
		x.Visit(func(k []byte, v *fastjson.Value) {
			if !eq {
				return
			}
			w := y.Get(string(k))
			eq = w != nil && Equal(v, w)
		})
		return eq
	default: // true, false, null
		return true
	}
}

// Apply is a convenience for one update: it folds u into state (a JSON
// object, or empty for a profile that does not exist) and returns the new
// state, or nil when the update deleted the profile.
func Apply(state []byte, u *event.ProfileRow) ([]byte, error) {
	s, err := Parse(state)
	if err != nil {
		return nil, err
	}
	if err := s.Apply(u); err != nil {
		return nil, err
	}
	return s.AppendJSON(nil), nil
}
