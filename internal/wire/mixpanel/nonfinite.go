package mixpanel

import "bytes"

// Non-finite numbers. JavaScript's JSON.stringify writes null for them, but
// hand-written clients and Python's json.dumps send Infinity, -Infinity and
// NaN. fastjson parses "NaN" and "inf" (the decoders then refuse the record
// that holds one) but not "Infinity", and its validator refuses all of them,
// which would fail a whole request for one record. When a payload does not
// parse, the tokens are rewritten in place as "NaN" padded with spaces, so
// that only the record holding one gets an error.

// markNonFinite returns a copy of s in which every bare non-finite number
// token outside strings is "NaN" (padded with spaces to the same length),
// and whether there was any.
func markNonFinite(s []byte) ([]byte, bool) { return replaceNonFinite(s, "NaN") }

// replaceNonFinite is markNonFinite with another replacement (at most 3
// bytes, the shortest token's length).
func replaceNonFinite(s []byte, with string) ([]byte, bool) {
	var out []byte
	inStr := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inStr {
			switch c {
			case '\\':
				i++
			case '"':
				inStr = false
			}
			continue
		}
		if c == '"' {
			inStr = true
			continue
		}
		n := nonFiniteLen(s[i:])
		if n == 0 || (i > 0 && isWordByte(s[i-1])) {
			continue
		}
		if out == nil {
			out = bytes.Clone(s)
		}
		copy(out[i:i+n], with)
		for k := i + len(with); k < i+n; k++ {
			out[k] = ' '
		}
		i += n - 1
	}
	if out == nil {
		return s, false
	}
	return out, true
}

// nonFiniteLen returns the length of the non-finite token that s starts
// with (an optional sign, then infinity, inf or nan in any case, not
// followed by a letter or digit), or 0.
func nonFiniteLen(s []byte) int {
	sign := 0
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		sign = 1
	}
	for _, w := range [...]string{"infinity", "inf", "nan"} {
		end := sign + len(w)
		if len(s) >= end && bytes.EqualFold(s[sign:end], []byte(w)) && (len(s) == end || !isWordByte(s[end])) {
			return end
		}
	}
	return 0
}

func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.'
}
