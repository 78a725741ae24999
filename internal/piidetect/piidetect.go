// Package piidetect finds e-mail addresses and phone numbers in text. It is
// the one detector of both the guard (which records and acts on them at
// ingestion) and package pii (which hashes them for readers without the
// pii grant), so that both see the same addresses and numbers.
//
// piidetect imports nothing of Sieve (a leaf: internal/lint keeps it so).
package piidetect

import "strings"

const (
	cDigit = 1 << iota
	cLetter
	cLocal  // may be in an address's local part
	cDomain // may be in an address's domain
	cPhone  // a digit or a separator of a phone number
)

var class [256]uint8

func init() {
	for i := 0; i < 256; i++ {
		c := byte(i)
		var f uint8
		switch {
		case c >= '0' && c <= '9':
			f = cDigit | cLocal | cDomain | cPhone
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			f = cLetter | cLocal | cDomain
		}
		switch c {
		case '.', '-':
			f |= cLocal | cDomain
		case '_', '%', '+', '\'':
			f |= cLocal
		}
		switch c {
		case ' ', '-', '.', '(', ')':
			f |= cPhone
		}
		class[i] = f
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool { return class[c]&(cDigit|cLetter) != 0 }

// fileExt are "TLDs" that are really file extensions: "logo@2x.png".
var fileExt = map[string]bool{"png": true, "jpg": true, "jpeg": true, "gif": true, "svg": true, "webp": true,
	"js": true, "css": true, "map": true, "ico": true, "avif": true, "mjs": true, "ts": true, "tsx": true,
	"jsx": true, "json": true, "html": true, "pdf": true, "mp4": true, "woff": true, "woff2": true, "ttf": true}

// Emails calls fn with the bounds of each e-mail address in s, in order.
// Not addresses: URL userinfo (user:password@host, //user@host, but
// mailto:ann@example.com is one), SSH remotes (git@github.com:org/repo),
// file names with a scale (logo@2x.png), and domains without a letter-only
// top-level label of 2 to 24 letters.
func Emails(s string, fn func(start, end int)) {
	off := 0
	for off < len(s) {
		k := strings.IndexByte(s[off:], '@')
		if k < 0 {
			return
		}
		k += off
		st := k
		for st > 0 && class[s[st-1]]&cLocal != 0 {
			st--
		}
		en := k + 1
		for en < len(s) && class[s[en]]&cDomain != 0 {
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
			if p == '/' && st >= 2 && s[st-2] == '/' || p == ':' && !(st >= 7 && equalFoldASCII(s[st-7:st], "mailto:")) {
				continue
			}
		}
		dom := s[k+1 : en]
		dot := strings.LastIndexByte(dom, '.')
		if dot <= 0 || dot == len(dom)-1 {
			continue
		}
		tld := dom[dot+1:]
		if len(tld) < 2 || len(tld) > 24 || !allLetters(tld) || fileExt[lowerASCII(tld)] {
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

// equalFoldASCII reports whether s equals the lower-case w, ASCII letters
// of s compared without case.
func equalFoldASCII(s, w string) bool {
	if len(s) != len(w) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		if c != w[i] {
			return false
		}
	}
	return true
}

func allLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if class[s[i]]&cLetter == 0 {
			return false
		}
	}
	return true
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 32
				}
			}
			return string(b)
		}
	}
	return s
}

func phoneChar(c byte) bool { return class[c]&cPhone != 0 }

// boundaryAfter reports whether s[j:] starts a new word (or s ends at j).
func boundaryAfter(s string, j int) bool { return j >= len(s) || !isAlnum(s[j]) }

// Phones calls fn with the bounds of each phone number in s, in order:
// international numbers written with a leading '+' (8 to 15 digits, spaces,
// dashes, dots and parentheses between them) and North American numbers
// written (415) 555-2671, 415-555-2671 or 415.555.2671. Bare digit runs are
// not phone numbers here: they are ids, amounts and timestamps as often.
func Phones(s string, fn func(start, end int)) {
	phones(s, func(a, b int) bool { fn(a, b); return true })
}

// HasPhone reports whether Phones would find a phone number in s. It
// tries only the places a number can start near a '+', '-' or '.' that
// mayHavePhone's test finds, so a long text without one costs a few
// strings.IndexByte calls.
func HasPhone(s string) bool {
	for off := 0; off < len(s); {
		k := strings.IndexByte(s[off:], '+')
		if k < 0 {
			break
		}
		if phoneAt(s, off+k) > 0 {
			return true
		}
		off += k + 1
	}
	for _, sep := range [2]byte{'-', '.'} {
		for off := 0; off < len(s); {
			k := strings.IndexByte(s[off:], sep)
			if k < 0 {
				break
			}
			k += off
			off = k + 1
			if !(k >= 3 && k+3 < len(s) && isDigit(s[k-1]) && isDigit(s[k-2]) && isDigit(s[k-3]) && isDigit(s[k+1]) && isDigit(s[k+2]) && isDigit(s[k+3])) {
				continue
			}
			// k is the first or the second separator of "(415) 555-2671",
			// "415-555-2671": the number starts 3 to 9 bytes before.
			for i := max(0, k-9); i <= k-3; i++ {
				if phoneAt(s, i) > 0 {
					return true
				}
			}
		}
	}
	return false
}

// mayHavePhone is a quick test that s cannot hold a phone number: each
// has a '+' (international) or a '-' or '.' between 3 digits and 3 digits
// (North American: "555-2671" in "(415) 555-2671"). It finds them with
// strings.IndexByte, much faster than a walk over every byte.
func mayHavePhone(s string) bool {
	return strings.IndexByte(s, '+') >= 0 || digitsAround(s, '-') || digitsAround(s, '.')
}

// digitsAround reports whether some sep in s has 3 digits before and after.
func digitsAround(s string, sep byte) bool {
	for off := 0; off < len(s); {
		k := strings.IndexByte(s[off:], sep)
		if k < 0 {
			return false
		}
		k += off
		if k >= 3 && k+3 < len(s) && isDigit(s[k-1]) && isDigit(s[k-2]) && isDigit(s[k-3]) && isDigit(s[k+1]) && isDigit(s[k+2]) && isDigit(s[k+3]) {
			return true
		}
		off = k + 1
	}
	return false
}

// phones calls fn with each phone number in s until fn returns false.
func phones(s string, fn func(start, end int) bool) {
	if !mayHavePhone(s) {
		return
	}
	for i := 0; i < len(s); i++ {
		if e := phoneAt(s, i); e > 0 {
			if !fn(i, e) {
				return
			}
			i = e
		}
	}
}

// phoneAt returns the end of the phone number starting at s[i], or -1.
func phoneAt(s string, i int) int {
	c := s[i]
	if c == '+' {
		if i+1 < len(s) && (isDigit(s[i+1]) || s[i+1] == '(') && (i == 0 || !isAlnum(s[i-1]) && s[i-1] != '+') {
			j := i + 1
			nd := 0
			last := j
			for j < len(s) && phoneChar(s[j]) {
				if isDigit(s[j]) {
					nd++
					last = j + 1
				}
				j++
			}
			if nd >= 8 && nd <= 15 && boundaryAfter(s, last) {
				return last
			}
		}
		return -1
	}
	if (c == '(' || isDigit(c)) && (i == 0 || !isAlnum(s[i-1]) && s[i-1] != '-' && s[i-1] != '.' && s[i-1] != '/') {
		return matchNANP(s, i)
	}
	return -1
}

func matchNANP(s string, i int) int {
	j := i
	paren := false
	if s[j] == '(' {
		paren = true
		j++
	}
	if j+3 > len(s) || !isDigit(s[j]) || !isDigit(s[j+1]) || !isDigit(s[j+2]) {
		return -1
	}
	if s[j] == '0' || s[j] == '1' {
		return -1
	}
	j += 3
	var sep byte
	if paren {
		if j >= len(s) || s[j] != ')' {
			return -1
		}
		j++
		if j < len(s) && s[j] == ' ' {
			j++
		}
	} else {
		if j >= len(s) || s[j] != '-' && s[j] != '.' {
			return -1
		}
		sep = s[j]
		j++
	}
	if j+3 > len(s) || !isDigit(s[j]) || !isDigit(s[j+1]) || !isDigit(s[j+2]) {
		return -1
	}
	j += 3
	if j >= len(s) || (sep != 0 && s[j] != sep) || (sep == 0 && s[j] != '-' && s[j] != '.') {
		return -1
	}
	j++
	for k := 0; k < 4; k++ {
		if j >= len(s) || !isDigit(s[j]) {
			return -1
		}
		j++
	}
	if !boundaryAfter(s, j) || j < len(s) && (s[j] == '-' || s[j] == '.' && j+1 < len(s) && isDigit(s[j+1])) {
		return -1
	}
	return j
}

// PhoneShape reports whether s, a value under a phone-like key ("phone",
// "mobile" ...), is a phone number: 7 to 15 digits and nothing but '+',
// spaces, dashes, dots and parentheses besides.
func PhoneShape(s string) bool {
	nd := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			nd++
		case c == '+' || phoneChar(c):
		default:
			return false
		}
	}
	return nd >= 7 && nd <= 15
}

// InternationalPhone reports whether the whole of s is a phone number in
// international form: a '+', then 8 to 15 digits with spaces, dashes, dots
// or parentheses between them (how a phone number used as an identifier,
// a distinct_id, is told from other ids).
func InternationalPhone(s string) bool {
	if len(s) < 9 || len(s) > 32 || s[0] != '+' {
		return false
	}
	digits := 0
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
			digits++
		case phoneChar(c):
		default:
			return false
		}
	}
	return digits >= 8 && digits <= 15
}

// WholePhone reports whether the whole of s is one phone number as Phones
// finds them: an international number, or a North American one written
// with its separators. A bare run of digits is not one.
func WholePhone(s string) bool {
	if len(s) < 10 || len(s) > 32 {
		return false
	}
	whole := false
	Phones(s, func(a, b int) { whole = a == 0 && b == len(s) })
	return whole
}
