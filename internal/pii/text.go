package pii

import (
	"strings"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/piidetect"
)

// Values, not paths: an e-mail address used as a distinct_id or written
// inside free text at a path that is not PII. For a reader without the
// grant each address reads as its hash, wherever it is; a distinct_id that
// is a phone number as well. The hash is Hash of the address alone, so an
// address reads the same as a distinct_id, inside a text, and at a PII
// path: joins across readers still work.

// ID returns what a reader sees of a distinct_id (or any identifier): its
// hash when it is an e-mail address or a phone number and the reader lacks
// the grant, else the id with any e-mail address inside it hashed.
func (m *Mask) ID(id string) string {
	if piidetect.InternationalPhone(id) {
		m.saw("distinct_id")
		if m.clear {
			return id
		}
		return m.Hash(id)
	}
	return m.text("distinct_id", id)
}

// text returns s with each e-mail address in it replaced by its hash (for
// a reader without the grant; path is recorded for the audit).
func (m *Mask) text(path, s string) string {
	if strings.IndexByte(s, '@') < 0 {
		return s
	}
	var b strings.Builder
	last := 0
	piidetect.Emails(s, func(start, end int) {
		if b.Len() == 0 && last == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[last:start])
		b.WriteString(m.Hash(s[start:end]))
		last = end
	})
	if last == 0 {
		return s
	}
	m.saw(path)
	if m.clear {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// texts replaces e-mail addresses inside the string values under v (path
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
