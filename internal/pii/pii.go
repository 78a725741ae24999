// Package pii hides personal values from readers who lack the pii grant
// (issue 14 item 4). A Mask knows a project's PII paths (dotted property
// paths: those the guard classed email or phone, those the project marks
// personal, and Mixpanel's reserved $email and $phone) and the project's
// read key; for a reader without the grant it replaces each value at a PII
// path with a keyed hash of it, stable within the project (the same value
// gives the same hash in every read, export, profile or breakdown, across
// restarts), so joins and unique counts still work, and different in every
// project. It records which PII paths a read returned, for the audit log.
//
// The decision who holds the grant is auth's (Authenticator.PII); the
// paths and key come from the project registry and the lexicon; package
// api builds one Mask per read and runs every reader's output through it.
//
// pii imports only the standard library, fastjson and the leaf packages
// atomicfile and piidetect (the e-mail and phone detector it shares with
// the guard).
package pii

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/piidetect"
)

// Prefix starts every hashed value, so that a reader can tell a hash from
// a value.
const Prefix = "pii_"

// DefaultPaths are PII paths in every project: Mixpanel's reserved profile
// properties for a user's e-mail address and phone number.
var DefaultPaths = []string{"$email", "$phone"}

// Mask applies one read's PII decision. It is safe for concurrent use.
type Mask struct {
	clear bool // the reader holds the grant: values pass unchanged
	paths map[string]bool
	names map[string]bool // each path and its last member: a quick test before parsing
	above map[string]bool // every proper prefix of a path ("a" and "a.b" of "a.b.c")
	macs  sync.Pool       // of hash.Hash: HMAC-SHA256 under key

	mu       sync.Mutex
	returned map[string]bool
}

// New returns the mask of a read: paths are the project's PII paths (the
// DefaultPaths are added), key its read key, clear whether the reader holds
// the pii grant.
func New(key []byte, paths []string, clear bool) *Mask {
	m := &Mask{clear: clear, paths: make(map[string]bool, len(paths)+len(DefaultPaths)), returned: map[string]bool{}}
	for _, p := range DefaultPaths {
		m.paths[p] = true
	}
	for _, p := range paths {
		m.paths[p] = true
	}
	m.names = map[string]bool{}
	for p := range m.paths {
		// The last member, and the whole path (a member name may hold dots).
		m.names[p[strings.LastIndexByte(p, '.')+1:]], m.names[p] = true, true
	}
	m.above = map[string]bool{}
	for p := range m.paths {
		for i := 0; i < len(p); i++ {
			if p[i] == '.' {
				m.above[p[:i]] = true
			}
		}
	}
	m.macs.New = func() any { return hmac.New(sha256.New, key) }
	return m
}

var parsers fastjson.ParserPool

// mayHold reports whether raw may hold a PII path: one of its member names
// is a path or a path's last member, or raw has an escape (a name may be
// spelt with one). One pass over the quoted strings of raw.
func (m *Mask) mayHold(raw []byte) bool {
	if bytes.IndexByte(raw, '\\') >= 0 {
		return true
	}
	for i := 0; i < len(raw); {
		q := bytes.IndexByte(raw[i:], '"')
		if q < 0 {
			return false
		}
		start := i + q + 1
		e := bytes.IndexByte(raw[start:], '"')
		if e < 0 {
			return true // not JSON as expected: let the parser decide
		}
		end := start + e
		if m.names[string(raw[start:end])] {
			return true
		}
		i = end + 1
	}
	return false
}

// Clear reports whether the reader sees PII values in clear.
func (m *Mask) Clear() bool { return m.clear }

// IsPII reports whether path is one of the project's PII paths.
func (m *Mask) IsPII(path string) bool { return m.paths[path] }

// Hash is the keyed hash a value reads as: Prefix and 24 hex digits of
// HMAC-SHA256 under the project's read key. A string value is hashed as its
// text, any other value as its JSON text, so that a breakdown's "42" and an
// export's 42 read the same.
func (m *Mask) Hash(v string) string {
	h := m.macs.Get().(hash.Hash)
	h.Reset()
	h.Write([]byte(v))
	var sum [sha256.Size]byte
	s := Prefix + hex.EncodeToString(h.Sum(sum[:0])[:12])
	m.macs.Put(h)
	return s
}

func (m *Mask) saw(path string) {
	m.mu.Lock()
	if len(m.returned) < 1000 {
		m.returned[path] = true
	}
	m.mu.Unlock()
}

// Value returns what a reader sees of value v at path: v itself when path
// is not PII or the reader holds the grant, its hash otherwise (at
// another path, v with the e-mail addresses and phone numbers in it
// hashed). Keep (the
// query's "$other" and "(none)" placeholders) pass unchanged.
func (m *Mask) Value(path, v string, keep ...string) string {
	if slices.Contains(keep, v) {
		return v
	}
	if !m.paths[path] {
		if m.clear {
			return v
		}
		return m.text(path, v)
	}
	m.saw(path)
	if m.clear {
		return v
	}
	return m.Hash(v)
}

// JSON returns what a reader sees of a JSON object of properties (an
// event's or a profile's): raw itself when it holds no PII path or the
// reader holds the grant, else a copy in which the value at each PII path
// (at any depth, paths dotted) is replaced by its hash, and each e-mail
// address or phone number inside another string value by its own hash.
// Anything but an object is returned as it is.
func (m *Mask) JSON(raw []byte) []byte {
	if len(raw) < 2 {
		return raw
	}
	// E-mail addresses and phone numbers in free text: only for a reader
	// without the grant, and only when raw has an "@" or a phone number at
	// all (JSON writes neither escaped; a number found in raw's keys or
	// numbers costs a parse, nothing else).
	texts := !m.clear && (bytes.IndexByte(raw, '@') >= 0 || piidetect.HasPhone(unsafe.String(&raw[0], len(raw))))
	if !texts && (len(m.paths) == 0 || !m.mayHold(raw)) {
		return raw
	}
	p := parsers.Get()
	defer parsers.Put(p)
	v, err := p.ParseBytes(raw)
	if err != nil || v.Type() != fastjson.TypeObject {
		return raw
	}
	var a fastjson.Arena
	found := m.walk(&a, v, "", 0)
	if texts {
		found = m.texts(&a, v, "", 0) || found
	}
	if !found || m.clear {
		return raw
	}
	return v.MarshalTo(make([]byte, 0, len(raw)+64))
}

// walk replaces PII values under the object v (path prefix) and reports
// whether it met any.
func (m *Mask) walk(a *fastjson.Arena, v *fastjson.Value, prefix string, depth int) bool {
	o, err := v.Object()
	if err != nil || depth > 16 {
		return false
	}
	found := false
	type set struct {
		k string
		v *fastjson.Value
	}
	var sets []set
	o.Visit(func(k []byte, c *fastjson.Value) {
		path := string(k)
		if prefix != "" {
			path = prefix + "." + path
		}
		if m.paths[path] {
			found = true
			m.saw(path)
			if !m.clear && c.Type() != fastjson.TypeNull {
				var text string
				if c.Type() == fastjson.TypeString {
					text = string(c.GetStringBytes())
				} else {
					text = string(c.MarshalTo(nil))
				}
				sets = append(sets, set{string(k), a.NewString(m.Hash(text))})
			}
			return
		}
		if c.Type() == fastjson.TypeObject && m.under(path) {
			found = m.walk(a, c, path, depth+1) || found
		}
	})
	for _, s := range sets {
		o.Set(s.k, s.v)
	}
	return found
}

// under reports whether some PII path lies below prefix.
func (m *Mask) under(prefix string) bool { return m.above[prefix] }

// Returned lists the PII paths the read returned so far, sorted.
func (m *Mask) Returned() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]string, 0, len(m.returned))
	for p := range m.returned {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}
