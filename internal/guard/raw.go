package guard

import (
	"bytes"
	"errors"
	"strings"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/jsontext"
)

// ErrNotObject is returned by Scan for properties that are not one JSON
// object. It names no content.
var ErrNotObject = errors.New("guard: the properties are not a JSON object")

// kMember tags memo entries that hold a whole top-level property (its key
// and value as written) rather than one string.
const kMember keyKind = 0xFF

// member is one top-level property of an object as written: the key with
// its quotes, the value's JSON text, and the whole "key":value text.
type member struct {
	key, val, text []byte
	memo           bool   // the memo was asked, and may store it
	h              uint64 // the memo's hash of text
}

// sdkFields are the SDK fields as Event's callers read them from the
// properties: the first of each key, if it is a string.
type sdkFields struct {
	mpLib, dLib, version       string
	seenMP, seenD, seenV       bool // the first of the key was met
	stringMP, stringD, stringV bool // and it is a string
}

// SDK fields, as memo entries mark them.
const (
	sdkNone uint8 = iota
	sdkMPLib
	sdkLib
	sdkVersion
)

func sdkField(key []byte) uint8 {
	switch b2s(key) {
	case `"mp_lib"`:
		return sdkMPLib
	case `"$lib"`:
		return sdkLib
	case `"$lib_version"`:
		return sdkVersion
	}
	return sdkNone
}

// note records the value of SDK field which, if it is the first of its
// key. ok is false for a string written with escapes (then the caller
// parses the whole).
func (f *sdkFields) note(which uint8, val []byte) (ok bool) {
	var field *string
	var seen, str *bool
	switch which {
	case sdkMPLib:
		field, seen, str = &f.mpLib, &f.seenMP, &f.stringMP
	case sdkLib:
		field, seen, str = &f.dLib, &f.seenD, &f.stringD
	case sdkVersion:
		field, seen, str = &f.version, &f.seenV, &f.stringV
	default:
		return true
	}
	if *seen {
		return true
	}
	*seen = true
	if len(val) == 0 || val[0] != '"' {
		return true // not a string: as if absent
	}
	*field, ok = rawString(val)
	*str = ok
	return ok
}

func (f *sdkFields) lib() string {
	switch {
	case f.stringMP:
		return f.mpLib
	case f.stringD:
		return f.dLib
	}
	return ""
}

// Scan is Event for a stored event whose properties are JSON text (read,
// never kept), when only the findings are wanted (a rescan of stored data):
// nothing is edited, and the findings are those Event would return for the
// same event, in the same order. The SDK fields of the properties (mp_lib
// or $lib, $lib_version) are set on the findings, as Event's callers set
// them.
//
// Scan judges each top-level property on its own when the object's keys
// give its values no shared context (no autotrack element, JSON Web Key,
// {name: "password", value: ...} pair or card expiry among them): a
// property this checker found clean before, as the same text, is neither
// parsed nor scanned again. Properties that repeat in the same order from
// event to event are recognised by comparing the text with the one that
// followed last time. Otherwise Scan parses and walks the whole object as
// Event does.
func (c *Checker) Scan(projectID int64, name, distinctID, props string, dst []event.Finding) (out []event.Finding, err error) {
	w := c.getWalker(nil, dst)
	var failed bool
	defer c.release(w, &out, &failed, projectID)
	w.a = &w.scanArena
	defer w.scanArena.Reset()
	var sdk sdkFields
	ms, split := w.splitKnown(c.id, s2b(props), &sdk)
	w.members = ms[:0]
	var root *fastjson.Value
	if !split {
		var err error
		root, err = w.rawp.Parse(props)
		if err != nil || root.Type() != fastjson.TypeObject {
			return dst, ErrNotObject
		}
		sdk = sdkFields{}
		if b := root.GetStringBytes("mp_lib"); b != nil {
			sdk.mpLib, sdk.stringMP = b2s(b), true
		}
		if b := root.GetStringBytes("$lib"); b != nil {
			sdk.dLib, sdk.stringD = b2s(b), true
		}
		if b := root.GetStringBytes("$lib_version"); b != nil {
			sdk.version = b2s(b)
		}
	}
	lib, version := sdk.lib(), sdk.version
	w.meta = event.Finding{ProjectID: projectID, Lib: lib, LibVersion: version}
	w.checkField(&name, "event", true)
	w.checkField(&distinctID, "distinct_id", false)
	w.meta.Event, w.meta.DistinctID = name, distinctID
	for i := w.first; i < len(w.out); i++ {
		w.out[i].Event, w.out[i].DistinctID = name, distinctID
	}
	if !split && !w.drop {
		w.walkObject(root, kNone, nil)
	}
	for i := 0; i < len(ms) && split; i++ {
		// Each property is judged as walkObject judges a member of an
		// object with no shared context. A string without escapes, a
		// valid number, or an array of those becomes a value as the parser
		// would make it; any other value is parsed as a one-member object,
		// so that the parser takes exactly what it takes in the whole.
		m := &ms[i]
		key := m.key[1 : len(m.key)-1] // written without escapes (splitKnown)
		var v *fastjson.Value
		switch {
		case m.val[0] == '"' && bytes.IndexByte(m.val, '\\') < 0:
			v = w.scanArena.NewString(b2s(m.val[1 : len(m.val)-1]))
		case jsontext.ValidNumber(m.val):
			v = w.scanArena.NewNumberString(b2s(m.val))
		case m.val[0] == '[':
			v = w.plainArray(m.val)
		}
		if v == nil {
			w.one = append(append(append(w.one[:0], '{'), m.text...), '}')
			p, err := w.rawp.ParseBytes(w.one)
			if err != nil {
				return dst, ErrNotObject
			}
			if o, _ := p.Object(); o != nil && o.Len() == 1 {
				v = o.Get(b2s(key))
			}
			if v == nil {
				return dst, ErrNotObject // not reached: the text is one member
			}
		}
		if w.drop {
			continue // the rest is only checked to be JSON, as a whole parse would
		}
		found := w.found
		w.path = w.path[:0]
		w.curObj = nil // judged alone: no siblings
		w.member(key, v, v.Type(), kNone, kNone, false, nil, nil)
		if w.found == found && !w.drop && m.memo {
			if e := w.memo.add(m.h, c.id, kMember, "", b2s(m.text)); e != nil {
				e.voff, e.sdk = int32(len(m.text)-len(m.val)), sdkField(m.key)
			}
		}
	}
	if len(w.out) > w.first {
		// Findings outlive props and the parser's buffers.
		lib, version = string([]byte(lib)), string([]byte(version))
		for i := w.first; i < len(w.out); i++ {
			w.out[i].Lib, w.out[i].LibVersion = lib, version
		}
	}
	return w.out, nil
}

// splitKnown takes apart the text of one JSON object, noting its SDK fields
// in sdk, and returns the properties the memo does not know as clean. ok is
// false when the object must be parsed and walked whole: text it does not
// take apart with certainty, a key written with escapes, an SDK field that
// is not a plain string, or a property that gives its siblings context.
// Values are delimited here, not validated.
func (w *walker) splitKnown(id uint64, b []byte, sdk *sdkFields) (unknown []member, ok bool) {
	m := &w.memo
	unknown = w.members[:0]
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return unknown, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return unknown, skipSpace(b, i+1) == len(b)
	}
	var prev *memoEntry
	guess := m.head
	for {
		var e *memoEntry
		end := -1
		// The guess: the property that followed the last known one.
		if g := guess; g != nil && !memoOff && g.id == id && g.kind == kMember && bytes.HasPrefix(b[i:], s2b(g.text)) {
			if j := i + len(g.text); j < len(b) && endsValue(b[j]) {
				e, end = g, j
				e.used = true
			}
		}
		if e == nil {
			if i >= len(b) || b[i] != '"' {
				return unknown, false
			}
			ke := stringEnd(b, i)
			if ke < 0 {
				return unknown, false
			}
			j := skipSpace(b, ke)
			if j >= len(b) || b[j] != ':' {
				return unknown, false
			}
			vs := skipSpace(b, j+1)
			ve, depth := valueEnd(b, vs)
			if ve <= vs || depth > maxSplitDepth {
				return unknown, false
			}
			mb := member{key: b[i:ke], val: b[vs:ve], text: b[i:ve]}
			k, plain := rawString(mb.key)
			if !plain {
				return unknown, false
			}
			kk, st := w.keyInfo(k)
			if len(mb.text) <= maxMemoValue && st.ask() {
				e, mb.h = m.find(id, kMember, "", b2s(mb.text))
				st.note(e != nil)
				mb.memo = true
			}
			if e == nil {
				if !sdk.note(sdkField(mb.key), mb.val) || sharesContext(k, kk&^kSensKey, mb.val) {
					return unknown, false
				}
				unknown = append(unknown, mb)
			}
			end = ve
		}
		if e != nil {
			// Known clean: judged alone before, so it shares no context.
			if e.sdk != sdkNone && !sdk.note(e.sdk, s2b(e.text[e.voff:])) {
				return unknown, false
			}
			if prev != nil {
				prev.next = e
			} else {
				m.head = e
			}
			prev, guess = e, e.next
		}
		i = skipSpace(b, end)
		if i >= len(b) {
			return unknown, false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return unknown, skipSpace(b, i+1) == len(b)
		default:
			return unknown, false
		}
	}
}

// endsValue: c may follow a complete value.
func endsValue(c byte) bool {
	return c == ',' || c == '}' || c == ' ' || c == '\n' || c == '\t' || c == '\r'
}

// sharesContext reports whether the top-level property k: val, of kind
// (k's class, without kSensKey), changes how its siblings are judged (see objContext and walkObject): a tag name makes
// the object an autotrack element, "kty" a JSON Web Key, a name-like key
// holding a sensitive-looking name a {name, value} pair, and a card expiry
// counts only next to a card number.
func sharesContext(k string, kind keyKind, val []byte) bool {
	if k == "kty" || k == "isChecked" || tagKey(k) || strings.HasPrefix(k, "$el_attr__") || k == "$el_classes" || bankIDKey(k) || addressKey(k) {
		return true // a JWK, an element (mixpanel autocapture's are the event itself)
	}
	if childKind(kNone, k, kind) == kExpiry {
		return true
	}
	if len(val) > 0 && val[0] == '[' && namesListKey(k) {
		return true // names for a sibling list of values (parallel.go)
	}
	if len(val) > 1 && (isDigit(val[0]) || val[0] == '"' && isDigit(val[1])) {
		if ok, _ := cardPartKey(k, false); ok {
			return true // a part of a card number split over fields
		}
	}
	if !pairNameKey(k) || len(val) == 0 || val[0] != '"' {
		return false
	}
	s, ok := rawString(val)
	return !ok || namedKind(s) != kNone
}

// plainArray returns the array b holds when it holds only strings without
// escapes and valid numbers (as the parser would build it), else nil.
func (w *walker) plainArray(b []byte) *fastjson.Value {
	arr := w.scanArena.NewArray()
	i := skipSpace(b, 1)
	if i < len(b) && b[i] == ']' {
		return arr
	}
	for n := 0; ; n++ {
		if i >= len(b) {
			return nil
		}
		var v *fastjson.Value
		if b[i] == '"' {
			e := stringEnd(b, i)
			s, ok := rawString(b[i:max(e, i)])
			if e < 0 || !ok {
				return nil
			}
			v, i = w.scanArena.NewString(s), e
		} else {
			e, _ := valueEnd(b, i)
			if e <= i || !jsontext.ValidNumber(b[i:e]) {
				return nil
			}
			v, i = w.scanArena.NewNumberString(b2s(b[i:e])), e
		}
		arr.SetArrayItem(n, v)
		i = skipSpace(b, i)
		if i >= len(b) {
			return nil
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case ']':
			if skipSpace(b, i+1) != len(b) {
				return nil
			}
			return arr
		default:
			return nil
		}
	}
}

// rawString returns the text of a JSON string literal without escapes;
// ok is false for anything else (the caller then parses it properly).
func rawString(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", false
	}
	s := b[1 : len(b)-1]
	if bytes.IndexByte(s, '\\') >= 0 {
		return "", false
	}
	return b2s(s), true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index after the string literal starting at b[i]
// (a quote), or -1. Short strings (most keys) are walked byte by byte;
// longer ones are searched for their quotes.
func stringEnd(b []byte, i int) int {
	i++
	for end := min(i+24, len(b)); i < end; i++ {
		switch b[i] {
		case '"':
			return i + 1
		case '\\':
			i++
		}
	}
	if i > len(b) {
		return -1
	}
	for {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			return -1
		}
		// A quote ends the string unless an odd run of backslashes
		// precedes it.
		n := 0
		for j := i + q - 1; j >= i && b[j] == '\\'; j-- {
			n++
		}
		if n%2 == 0 {
			return i + q + 1
		}
		i += q + 1
	}
}

// maxSplitDepth: a property nested deeper is left to the whole parse.
const maxSplitDepth = 64

// valueEnd returns the index after the JSON value starting at b[i], or -1,
// and how deep its containers nest. Containers are delimited by counting
// brackets outside strings; scalars end at the next delimiter.
func valueEnd(b []byte, i int) (end, depth int) {
	if i >= len(b) {
		return -1, 0
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i), 0
	case '{', '[':
		d := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				e := stringEnd(b, i)
				if e < 0 {
					return -1, depth
				}
				i = e
				continue
			case '{', '[':
				d++
				depth = max(depth, d)
			case '}', ']':
				d--
				if d == 0 {
					return i + 1, depth
				}
			}
			i++
		}
		return -1, depth
	}
	for j := i; j < len(b); j++ {
		switch b[j] {
		case ',', '}', ']', ' ', '\n', '\t', '\r':
			return j, 0
		}
	}
	return len(b), 0
}
