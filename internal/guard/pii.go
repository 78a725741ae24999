package guard

import "strings"

// Email addresses and phone numbers: PII, kept by default but recorded.

func emailLocal(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\''
}

func emailDomain(c byte) bool { return isAlnum(c) || c == '.' || c == '-' }

// fileExt are "TLDs" that are really file extensions: "logo@2x.png".
var fileExt = map[string]bool{"png": true, "jpg": true, "jpeg": true, "gif": true, "svg": true, "webp": true,
	"js": true, "css": true, "map": true, "ico": true, "avif": true, "mjs": true, "ts": true, "tsx": true,
	"jsx": true, "json": true, "html": true, "pdf": true, "mp4": true, "woff": true, "woff2": true, "ttf": true}

// scanEmails finds e-mail addresses in s.
func scanEmails(s string, fn func(start, end int)) {
	off := 0
	for off < len(s) {
		k := indexByteFrom(s, '@', off)
		if k < 0 {
			return
		}
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
			if p == '/' && st >= 2 && s[st-2] == '/' || p == ':' && !(st >= 7 && containsFold(s[st-7:st], "mailto:")) {
				continue
			}
		}
		dom := s[k+1 : en]
		dot := lastIndexByte(dom, '.')
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

func indexByteFrom(s string, c byte, off int) int {
	if off >= len(s) {
		return -1
	}
	if off < 0 {
		off = 0
	}
	if k := strings.IndexByte(s[off:], c); k >= 0 {
		return off + k
	}
	return -1
}

func lastIndexByte(s string, c byte) int { return strings.LastIndexByte(s, c) }

func allLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
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

func phoneChar(c byte) bool {
	return isDigit(c) || c == ' ' || c == '-' || c == '.' || c == '(' || c == ')'
}

// scanPhones finds international numbers written with a leading '+'
// (8 to 15 digits) and North American numbers written (415) 555-2671 or
// 415-555-2671 / 415.555.2671.
func scanPhones(s string, fn func(start, end int)) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '+' && i+1 < len(s) && (isDigit(s[i+1]) || s[i+1] == '(') && (i == 0 || !isAlnum(s[i-1]) && s[i-1] != '+') {
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
				fn(i, last)
				i = last
			}
			continue
		}
		if (c == '(' || isDigit(c)) && (i == 0 || !isAlnum(s[i-1]) && s[i-1] != '-' && s[i-1] != '.' && s[i-1] != '/') {
			if e := matchNANP(s, i); e > 0 {
				fn(i, e)
				i = e
				continue
			}
		}
		if isAlnum(c) {
			// The rest of a word starts nothing: '+' and '(' are no
			// letters, and a digit glued to a letter or digit before it
			// starts no number.
			for i+1 < len(s) && isAlnum(s[i+1]) {
				i++
			}
		}
	}
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

// phoneShape: a value under a phone-like key that is a phone number.
func phoneShape(s string) bool {
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
