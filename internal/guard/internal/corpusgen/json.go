package main

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// obj is a JSON object that keeps its keys in insertion order, so that the
// corpus looks like what an SDK sends and stays byte-for-byte reproducible.
type obj struct {
	keys []string
	vals []any
}

// num is a raw JSON number literal (card numbers sent as numbers, timestamps).
type num string

func o(pairs ...any) *obj {
	x := &obj{}
	for i := 0; i+1 < len(pairs); i += 2 {
		x.set(pairs[i].(string), pairs[i+1])
	}
	return x
}

func (x *obj) set(k string, v any) {
	for i, kk := range x.keys {
		if kk == k {
			x.vals[i] = v
			return
		}
	}
	x.keys = append(x.keys, k)
	x.vals = append(x.vals, v)
}

func (x *obj) get(k string) any {
	for i, kk := range x.keys {
		if kk == k {
			return x.vals[i]
		}
	}
	return nil
}

func (x *obj) has(k string) bool {
	for _, kk := range x.keys {
		if kk == k {
			return true
		}
	}
	return false
}

// child returns the object under k, creating it when absent.
func (x *obj) child(k string) *obj {
	if c, ok := x.get(k).(*obj); ok {
		return c
	}
	c := &obj{}
	x.set(k, c)
	return c
}

func marshal(sb *strings.Builder, v any) {
	switch t := v.(type) {
	case nil:
		sb.WriteString("null")
	case bool:
		sb.WriteString(strconv.FormatBool(t))
	case int:
		sb.WriteString(strconv.Itoa(t))
	case int64:
		sb.WriteString(strconv.FormatInt(t, 10))
	case float64:
		sb.WriteString(strconv.FormatFloat(t, 'f', -1, 64))
	case num:
		sb.WriteString(string(t))
	case string:
		quote(sb, t)
	case *obj:
		sb.WriteByte('{')
		for i, k := range t.keys {
			if i > 0 {
				sb.WriteByte(',')
			}
			quote(sb, k)
			sb.WriteByte(':')
			marshal(sb, t.vals[i])
		}
		sb.WriteByte('}')
	case []any:
		sb.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				sb.WriteByte(',')
			}
			marshal(sb, e)
		}
		sb.WriteByte(']')
	case []string:
		sb.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				sb.WriteByte(',')
			}
			quote(sb, e)
		}
		sb.WriteByte(']')
	default:
		panic("corpusgen: unsupported value type")
	}
}

func toJSON(v any) string {
	var sb strings.Builder
	marshal(&sb, v)
	return sb.String()
}

// quote writes s as a JSON string: no HTML escaping, UTF-8 kept as is.
func quote(sb *strings.Builder, s string) {
	sb.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"':
				sb.WriteString(`\"`)
			case c == '\\':
				sb.WriteString(`\\`)
			case c == '\n':
				sb.WriteString(`\n`)
			case c == '\r':
				sb.WriteString(`\r`)
			case c == '\t':
				sb.WriteString(`\t`)
			case c < 0x20:
				sb.WriteString(`\u00`)
				sb.WriteByte("0123456789abcdef"[c>>4])
				sb.WriteByte("0123456789abcdef"[c&15])
			default:
				sb.WriteByte(c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			panic("corpusgen: invalid UTF-8 in generated value")
		}
		sb.WriteString(s[i : i+n])
		i += n
	}
	sb.WriteByte('"')
}

// leaf is one scalar of a properties tree with its guard-style path.
type leaf struct {
	path string
	text string // decoded string, or the number/bool literal
	str  bool
}

func joinPath(p, k string) string {
	if p == "" {
		return k
	}
	return p + "." + k
}

func leaves(v any, path string, out []leaf) []leaf {
	switch t := v.(type) {
	case *obj:
		for i, k := range t.keys {
			out = leaves(t.vals[i], joinPath(path, k), out)
		}
	case []any:
		for _, e := range t {
			out = leaves(e, path+"[]", out)
		}
	case []string:
		for _, e := range t {
			out = append(out, leaf{path + "[]", e, true})
		}
	case string:
		out = append(out, leaf{path, t, true})
	case num:
		out = append(out, leaf{path, string(t), false})
	case nil:
	default:
		out = append(out, leaf{path, toJSON(t), false})
	}
	return out
}
