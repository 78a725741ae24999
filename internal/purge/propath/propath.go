// Package propath removes property paths from JSON objects held as text,
// for purges: it copies the text it keeps byte for byte and drops the
// members a path names, so a purge changes nothing else of a row.
//
// A path is written as guard findings name properties: object keys joined
// by ".", and "[]" after a key for every element of the array it holds,
// e.g. "password", "$set.password" or "$elements[].attr__value". A key that
// itself holds a "." is matched too (keys are tried against the path, not
// split from it). A path ending in "[]" empties the array.
//
// propath imports no other package of Sieve. Its errors never quote the
// text they were given.
package propath

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// ErrSyntax reports text that is not a JSON object. It names no content.
var ErrSyntax = errors.New("propath: properties are not a valid JSON object")

// ErrPath reports a path that cannot name a property.
var ErrPath = errors.New("propath: a property path must be keys joined by \".\", with \"[]\" after a key for array elements (e.g. $elements[].attr__value)")

// Check validates a path.
func Check(p string) error {
	if p == "" || strings.HasPrefix(p, ".") || strings.HasPrefix(p, "[]") || strings.HasSuffix(p, ".") ||
		strings.Contains(p, "..") || strings.Contains(p, ".[]") || !utf8.ValidString(p) || len(p) > 1024 {
		return ErrPath
	}
	return nil
}

// Keys returns the last key named by each path, the one whose member a
// purge removes (or, for a path ending in "[]", whose array it empties).
// Any object a path changes holds, in its text, one of them JSON-escaped
// and followed by a closing quote, which makes them a cheap prefilter.
func Keys(paths []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range paths {
		for strings.HasSuffix(p, "[]") {
			p = strings.TrimSuffix(p, "[]")
		}
		k := p
		if i := strings.LastIndexAny(p, ".]"); i >= 0 {
			k = p[i+1:]
		}
		if k != "" && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// Remove appends src to dst without the members the paths name and reports
// whether anything was removed. src must be a JSON object; when nothing is
// removed dst holds src unchanged.
func Remove(dst, src []byte, paths []string) ([]byte, bool, error) {
	i := skipWS(src, 0)
	if i >= len(src) || src[i] != '{' {
		return dst, false, ErrSyntax
	}
	n := len(dst)
	dst, end, changed, err := emit(dst, src, i, paths)
	if err != nil {
		return dst[:n], false, err
	}
	if skipWS(src, end) != len(src) {
		return dst[:n], false, ErrSyntax
	}
	if !changed {
		return append(dst[:n], src...), false, nil
	}
	return dst, true, nil
}

// Has reports whether any path names a member present in src.
func Has(src []byte, paths []string) (bool, error) {
	_, changed, err := Remove(nil, src, paths)
	return changed, err
}

// emit copies the value at src[i:] to dst, applying rems (path
// remainders relative to this value). It returns the index after the value.
func emit(dst, src []byte, i int, rems []string) ([]byte, int, bool, error) {
	if len(rems) == 0 || i >= len(src) {
		end, err := skipValue(src, i)
		if err != nil {
			return dst, 0, false, err
		}
		return append(dst, src[i:end]...), end, false, nil
	}
	switch src[i] {
	case '{':
		return emitObject(dst, src, i, rems)
	case '[':
		return emitArray(dst, src, i, rems)
	}
	end, err := skipValue(src, i)
	if err != nil {
		return dst, 0, false, err
	}
	return append(dst, src[i:end]...), end, false, nil
}

func emitObject(dst, src []byte, i int, rems []string) ([]byte, int, bool, error) {
	dst = append(dst, '{')
	i = skipWS(src, i+1)
	changed, first := false, true
	if i < len(src) && src[i] == '}' {
		return append(dst, '}'), i + 1, false, nil
	}
	var sub []string
	for {
		if i >= len(src) || src[i] != '"' {
			return dst, 0, false, ErrSyntax
		}
		keyStart := i
		key, kend, err := readString(src, i)
		if err != nil {
			return dst, 0, false, err
		}
		j := skipWS(src, kend)
		if j >= len(src) || src[j] != ':' {
			return dst, 0, false, ErrSyntax
		}
		vstart := skipWS(src, j+1)
		drop := false
		sub = sub[:0]
		for _, r := range rems {
			if !strings.HasPrefix(r, key) {
				continue
			}
			rest := r[len(key):]
			switch {
			case rest == "":
				drop = true
			case rest[0] == '.':
				sub = append(sub, rest[1:])
			case strings.HasPrefix(rest, "[]"):
				sub = append(sub, rest)
			}
		}
		var vend int
		if drop {
			if vend, err = skipValue(src, vstart); err != nil {
				return dst, 0, false, err
			}
			changed = true
		} else {
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = append(dst, src[keyStart:vstart]...)
			var ch bool
			if dst, vend, ch, err = emit(dst, src, vstart, append([]string(nil), sub...)); err != nil {
				return dst, 0, false, err
			}
			changed = changed || ch
		}
		i = skipWS(src, vend)
		if i >= len(src) {
			return dst, 0, false, ErrSyntax
		}
		if src[i] == ',' {
			i = skipWS(src, i+1)
			continue
		}
		if src[i] == '}' {
			return append(dst, '}'), i + 1, changed, nil
		}
		return dst, 0, false, ErrSyntax
	}
}

func emitArray(dst, src []byte, i int, rems []string) ([]byte, int, bool, error) {
	// Only remainders starting with "[]" apply to elements.
	var sub []string
	empty := false
	for _, r := range rems {
		if !strings.HasPrefix(r, "[]") {
			continue
		}
		rest := r[2:]
		switch {
		case rest == "":
			empty = true
		case rest[0] == '.':
			sub = append(sub, rest[1:])
		case strings.HasPrefix(rest, "[]"):
			sub = append(sub, rest)
		}
	}
	if empty {
		end, err := skipValue(src, i)
		if err != nil {
			return dst, 0, false, err
		}
		// An array that is already empty is unchanged.
		return append(dst, '[', ']'), end, skipWS(src, i+1) < len(src) && src[skipWS(src, i+1)] != ']', nil
	}
	if len(sub) == 0 {
		end, err := skipValue(src, i)
		if err != nil {
			return dst, 0, false, err
		}
		return append(dst, src[i:end]...), end, false, nil
	}
	dst = append(dst, '[')
	i = skipWS(src, i+1)
	if i < len(src) && src[i] == ']' {
		return append(dst, ']'), i + 1, false, nil
	}
	changed := false
	for n := 0; ; n++ {
		if n > 0 {
			dst = append(dst, ',')
		}
		var end int
		var ch bool
		var err error
		if dst, end, ch, err = emit(dst, src, i, sub); err != nil {
			return dst, 0, false, err
		}
		changed = changed || ch
		i = skipWS(src, end)
		if i >= len(src) {
			return dst, 0, false, ErrSyntax
		}
		if src[i] == ',' {
			i = skipWS(src, i+1)
			continue
		}
		if src[i] == ']' {
			return append(dst, ']'), i + 1, changed, nil
		}
		return dst, 0, false, ErrSyntax
	}
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the index just after the value starting at b[i].
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, ErrSyntax
	}
	switch c := b[i]; {
	case c == '"':
		return skipString(b, i)
	case c == '{' || c == '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e, err := skipString(b, j)
				if err != nil {
					return 0, err
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, ErrSyntax
	default:
		j := i
		for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' && b[j] != '\t' && b[j] != '\r' {
			j++
		}
		if j == i {
			return 0, ErrSyntax
		}
		return j, nil
	}
}

func skipString(b []byte, i int) (int, error) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, ErrSyntax
}

// readString decodes the string literal at b[i].
func readString(b []byte, i int) (string, int, error) {
	end, err := skipString(b, i)
	if err != nil {
		return "", 0, err
	}
	raw := b[i+1 : end-1]
	for _, c := range raw {
		if c == '\\' {
			return unescape(raw), end, nil
		}
	}
	return string(raw), end, nil
}

func unescape(raw []byte) string {
	var sb strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' || i+1 >= len(raw) {
			sb.WriteByte(c)
			continue
		}
		i++
		switch raw[i] {
		case 'n':
			sb.WriteByte('\n')
		case 't':
			sb.WriteByte('\t')
		case 'r':
			sb.WriteByte('\r')
		case 'b':
			sb.WriteByte('\b')
		case 'f':
			sb.WriteByte('\f')
		case 'u':
			if i+4 < len(raw) {
				r := hex4(raw[i+1 : i+5])
				i += 4
				if r >= 0xd800 && r < 0xdc00 && i+6 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
					if lo := hex4(raw[i+3 : i+7]); lo >= 0xdc00 && lo < 0xe000 {
						r = 0x10000 + (r-0xd800)<<10 + (lo - 0xdc00)
						i += 6
					}
				}
				sb.WriteRune(rune(r))
			}
		default:
			sb.WriteByte(raw[i])
		}
	}
	return sb.String()
}

func hex4(b []byte) int {
	n := 0
	for _, c := range b {
		n <<= 4
		switch {
		case c >= '0' && c <= '9':
			n |= int(c - '0')
		case c >= 'a' && c <= 'f':
			n |= int(c-'a') + 10
		case c >= 'A' && c <= 'F':
			n |= int(c-'A') + 10
		default:
			return 0xfffd
		}
	}
	return n
}

// TopKeys calls fn with each top-level key of the JSON object src, in
// order. It reports ErrSyntax for text that is not an object.
func TopKeys(src []byte, fn func(key string)) error {
	i := skipWS(src, 0)
	if i >= len(src) || src[i] != '{' {
		return ErrSyntax
	}
	i = skipWS(src, i+1)
	if i < len(src) && src[i] == '}' {
		return nil
	}
	for {
		if i >= len(src) || src[i] != '"' {
			return ErrSyntax
		}
		key, kend, err := readString(src, i)
		if err != nil {
			return err
		}
		j := skipWS(src, kend)
		if j >= len(src) || src[j] != ':' {
			return ErrSyntax
		}
		vend, err := skipValue(src, skipWS(src, j+1))
		if err != nil {
			return err
		}
		fn(key)
		i = skipWS(src, vend)
		if i >= len(src) {
			return ErrSyntax
		}
		if src[i] == '}' {
			return nil
		}
		if src[i] != ',' {
			return ErrSyntax
		}
		i = skipWS(src, i+1)
	}
}
