package pii

import (
	"strings"

	"github.com/valyala/fastjson"
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
	if isPhone(id) {
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
	scanEmails(s, func(start, end int) {
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

// isPhone reports whether s is a phone number in international form: a
// "+", then 8 to 15 digits, with spaces, dashes, dots or parentheses
// between them.
func isPhone(s string) bool {
	if len(s) < 9 || len(s) > 32 || s[0] != '+' {
		return false
	}
	digits := 0
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		default:
			return false
		}
	}
	return digits >= 8 && digits <= 15
}

// scanEmails finds e-mail addresses in s: the guard's detector
// (internal/guard, pii.go), which this package may not import; keep both
// alike.
func scanEmails(s string, fn func(start, end int)) {
	off := 0
	for off < len(s) {
		k := strings.IndexByte(s[off:], '@')
		if k < 0 {
			return
		}
		k += off
		st := k
		for st > 0 && emailLocal(s[st-1]) {
			st--
		}
		en := k + 1
		for en < len(s) && emailDomain(s[en]) {
			en++
		}
		off = k + 1
		for en > k+1 && (s[en-1] == '.' || s[en-1] == '-') {
			en--
		}
		if st == k || en <= k+3 || s[st] == '.' || s[k-1] == '.' {
			continue
		}
		if st > 0 {
			p := s[st-1]
			// user:password@host and //user@host are URL userinfo.
			if p == '/' && st >= 2 && s[st-2] == '/' || p == ':' && !(st >= 7 && strings.EqualFold(s[st-7:st], "mailto:")) {
				continue
			}
		}
		dom := s[k+1 : en]
		dot := strings.LastIndexByte(dom, '.')
		if dot <= 0 || dot == len(dom)-1 {
			continue
		}
		tld := dom[dot+1:]
		if len(tld) < 2 || len(tld) > 24 || !allLetters(tld) || fileExt[strings.ToLower(tld)] {
			continue
		}
		// "git@github.com:org/repo" is an SSH remote.
		if en < len(s) && s[en] == ':' {
			continue
		}
		fn(st, en)
		off = en
	}
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func emailLocal(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\''
}

func emailDomain(c byte) bool { return isAlnum(c) || c == '.' || c == '-' }

func allLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// fileExt are "TLDs" that are really file extensions: "logo@2x.png".
var fileExt = map[string]bool{"png": true, "jpg": true, "jpeg": true, "gif": true, "svg": true, "webp": true,
	"js": true, "css": true, "map": true, "ico": true, "avif": true, "mjs": true, "ts": true, "tsx": true,
	"jsx": true, "json": true, "html": true, "pdf": true, "mp4": true, "woff": true, "woff2": true, "ttf": true}
