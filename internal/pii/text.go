package pii

import (
	"slices"
	"strings"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/piidetect"
)

// Values, not paths: an e-mail address or a phone number used as a
// distinct_id or written inside free text at a path that is not PII. For a
// reader without the grant each reads as its hash, wherever it is. The hash
// is Hash of the address or number alone (as written), so it reads the
// same as a distinct_id, inside a text, and at a PII path: joins across
// readers still work. Phone numbers are those piidetect.Phones finds: an
// international number ('+' and 8 to 15 digits) or a North American one
// with its separators; bare digit runs are ids and amounts as often, and
// stay.

// ID returns what a reader sees of a distinct_id (or any identifier): its
// hash when it is an e-mail address or a phone number and the reader lacks
// the grant, else the id with any address or number inside it hashed.
func (m *Mask) ID(id string) string {
	if piidetect.InternationalPhone(id) || piidetect.WholePhone(id) {
		m.saw("distinct_id")
		if m.clear {
			return id
		}
		return m.Hash(id)
	}
	return m.text("distinct_id", id)
}

type span struct{ start, end int }

// found lists the e-mail addresses and phone numbers in s, in order, not
// overlapping (an address wins over a number inside it).
func found(s string) []span {
	var out []span
	if strings.IndexByte(s, '@') >= 0 {
		piidetect.Emails(s, func(a, b int) { out = append(out, span{a, b}) })
	}
	if mayPhone(s) {
		emails := len(out)
		piidetect.Phones(s, func(a, b int) {
			for _, e := range out[:emails] {
				if a < e.end && e.start < b {
					return
				}
			}
			out = append(out, span{a, b})
		})
		if emails > 0 && len(out) > emails {
			slices.SortFunc(out, func(x, y span) int { return x.start - y.start })
		}
	}
	return out
}

// mayPhone reports whether s has the 8 digits a phone number has at least,
// a cheap test before Phones.
func mayPhone(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			if n++; n >= 8 {
				return true
			}
		}
	}
	return false
}

// text returns s with each e-mail address and phone number in it replaced
// by its hash (for a reader without the grant; path is recorded for the
// audit when s held one).
func (m *Mask) text(path, s string) string {
	spans := found(s)
	if len(spans) == 0 {
		return s
	}
	m.saw(path)
	if m.clear {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16*len(spans))
	last := 0
	for _, sp := range spans {
		b.WriteString(s[last:sp.start])
		b.WriteString(m.Hash(s[sp.start:sp.end]))
		last = sp.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// texts replaces e-mail addresses and phone numbers inside the string values under v (path
// prefix), at any depth, and reports whether it replaced any.
func (m *Mask) texts(a *fastjson.Arena, v *fastjson.Value, path string, depth int) bool {
	if depth > 16 {
		return false
	}
	switch v.Type() {
	case fastjson.TypeObject:
		o, _ := v.Object()
		found := false
		type set struct {
			k string
			v *fastjson.Value
		}
		var sets []set
		o.Visit(func(k []byte, c *fastjson.Value) {
			p := string(k)
			if path != "" {
				p = path + "." + p
			}
			if c.Type() == fastjson.TypeString {
				s := string(c.GetStringBytes())
				if t := m.text(p, s); t != s {
					sets = append(sets, set{string(k), a.NewString(t)})
					found = true
				}
				return
			}
			found = m.texts(a, c, p, depth+1) || found
		})
		for _, s := range sets {
			o.Set(s.k, s.v)
		}
		return found
	case fastjson.TypeArray:
		found := false
		for i, c := range v.GetArray() {
			if c.Type() == fastjson.TypeString {
				s := string(c.GetStringBytes())
				if t := m.text(path, s); t != s {
					v.SetArrayItem(i, a.NewString(t))
					found = true
				}
				continue
			}
			found = m.texts(a, c, path, depth+1) || found
		}
		return found
	}
	return false
}
