package mixpanel

import (
	"unicode/utf8"

	"github.com/valyala/fastjson"
)

// AppendJSON appends the compact JSON encoding of v to dst: what to store
// as event.Row.Props after the guard.
//
// Use it instead of fastjson's Value.MarshalTo, which quotes strings with
// Go syntax when they hold a quote, a backslash or a control character
// ("\x16", "\U000e0001" and "\x7f" are not JSON), so that valid input can
// come out as invalid JSON. Strings are escaped as JSON requires (quote,
// backslash and control characters; U+2028 and U+2029 too, so that the text
// is also valid JavaScript); any invalid UTF-8 becomes U+FFFD. Numbers are
// written as sent: the decoders have already refused the ones that are not
// valid JSON. Keys keep their order and duplicates.
func AppendJSON(dst []byte, v *fastjson.Value) []byte {
	switch v.Type() {
	case fastjson.TypeObject:
		dst = append(dst, '{')
		first := true
		v.GetObject().Visit(func(k []byte, c *fastjson.Value) {
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = appendJSONBytes(dst, k)
			dst = append(dst, ':')
			dst = AppendJSON(dst, c)
		})
		return append(dst, '}')
	case fastjson.TypeArray:
		dst = append(dst, '[')
		for i, c := range v.GetArray() {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendJSON(dst, c)
		}
		return append(dst, ']')
	case fastjson.TypeString:
		return appendJSONBytes(dst, v.GetStringBytes())
	case fastjson.TypeNumber:
		return v.MarshalTo(dst)
	case fastjson.TypeTrue:
		return append(dst, "true"...)
	case fastjson.TypeFalse:
		return append(dst, "false"...)
	}
	return append(dst, "null"...)
}

// safeASCII[c] is true for ASCII bytes that need no escaping in a JSON string.
var safeASCII = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendJSONBytes appends s as a JSON string literal.
func appendJSONBytes(dst, s []byte) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if safeASCII[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\uFFFD"...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
