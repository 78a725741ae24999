package guard

// Payment cards: IIN (issuer) ranges with their lengths, and the Luhn check.

// luhn reports whether the digits d (ASCII '0'-'9') pass the Luhn check.
func luhn(d []byte) bool {
	sum := 0
	dbl := false
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if dbl {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		dbl = !dbl
	}
	return sum%10 == 0
}

func prefixNum(d []byte, n int) int {
	v := 0
	for i := 0; i < n && i < len(d); i++ {
		v = v*10 + int(d[i]-'0')
	}
	return v
}

// cardIIN reports whether digits d have the length an issuer with that
// prefix uses. UATP (1...) and private-label ranges are left out: 15-digit
// ids starting with 1 are too common.
func cardIIN(d []byte) bool {
	n := len(d)
	if n < 13 || n > 19 {
		return false
	}
	p2 := prefixNum(d, 2)
	p3 := prefixNum(d, 3)
	p4 := prefixNum(d, 4)
	switch d[0] {
	case '4': // Visa, Visa Electron, Elo 4xxx
		return n == 13 || n == 16 || n == 19
	case '5':
		switch {
		case p2 >= 51 && p2 <= 55: // Mastercard
			return n == 16
		case p2 == 50 || p2 >= 56 && p2 <= 58: // Maestro, Verve, Elo
			return n >= 13
		}
		return false
	case '2':
		switch {
		case p4 >= 2221 && p4 <= 2720: // Mastercard 2-series
			return n == 16
		case p4 >= 2200 && p4 <= 2204: // Mir
			return n >= 16
		}
		return false
	case '3':
		switch {
		case p2 == 34 || p2 == 37: // American Express
			return n == 15
		case p3 >= 300 && p3 <= 305, p2 == 36, p2 == 38, p2 == 39, p4 == 3095: // Diners Club
			return n >= 14
		case p4 >= 3528 && p4 <= 3589: // JCB
			return n >= 16
		}
		return false
	case '6': // Discover, UnionPay, Maestro, RuPay, Elo, Troy-like 6xxx
		if p4 == 6011 || p3 >= 644 && p3 <= 649 || p2 == 65 || p2 == 62 || p2 == 60 {
			return n >= 16
		}
		return n >= 13
	case '8': // RuPay 81, 82
		return (p2 == 81 || p2 == 82) && n == 16
	case '9': // Troy
		return p4 == 9792 && n == 16
	}
	return false
}

// isPAN reports whether d (digits only) is a plausible card number.
func isPAN(d []byte) bool {
	if !cardIIN(d) || !luhn(d) {
		return false
	}
	// All one digit passes Luhn for some lengths; no issuer uses it.
	same := true
	for i := 1; i < len(d); i++ {
		if d[i] != d[0] {
			same = false
			break
		}
	}
	return !same || d[0] == '4'
}

// scanCards finds card numbers in s: runs of 13 to 19 digits, alone or in
// groups of at least 3 digits separated by one space, dash or dot, bounded
// by non-alphanumerics. fn receives each number's span.
func scanCards(s string, digits []byte, fn func(start, end int)) {
	var groups [24]group
	i := 0
	for i < len(s) {
		c := s[i]
		if c < '0' || c > '9' {
			i++
			continue
		}
		if i > 0 && isAlnum(s[i-1]) && !(i >= 2 && s[i-1] == 'B' && s[i-2] == '%') {
			// Inside an identifier: skip the whole word. (Not after the
			// "%B" that starts a magnetic stripe's track 1: "%B<PAN>^NAME^...".)
			for i < len(s) && isAlnum(s[i]) {
				i++
			}
			continue
		}
		// Collect a run of digit groups.
		ng := 0
		j := i
		ok := true
		for {
			st := j
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if ng < len(groups) {
				groups[ng] = group{st, j, j - st}
				ng++
			} else {
				ok = false
			}
			if k := cardSep(s, j); k > 0 && j+k < len(s) && isDigit(s[j+k]) {
				j += k
				continue
			}
			break
		}
		end := j
		if end < len(s) && isAlnum(s[end]) {
			// Digits glued to letters ("4242...suffix"): an identifier.
			for end < len(s) && isAlnum(s[end]) {
				end++
			}
			i = end
			continue
		}
		if ok {
			scanGroups(s, groups[:ng], digits, fn)
		}
		i = end
	}
}

type group struct{ start, end, n int }

func scanGroups(s string, groups []group, digits []byte, fn func(start, end int)) {
	if len(groups) == 1 {
		g := groups[0]
		if g.n >= 13 && g.n <= 19 && isPAN(append(digits[:0], s[g.start:g.end]...)) {
			fn(g.start, g.end)
		}
		return
	}
	for a := 0; a < len(groups); {
		found := -1
		if groups[a].n >= 3 {
			total := 0
			last := a
			for b := a; b < len(groups); b++ {
				total += groups[b].n
				if total > 19 {
					break
				}
				last = b
			}
			for b := last; b >= a; b-- {
				t := 0
				d := digits[:0]
				for k := a; k <= b; k++ {
					t += groups[k].n
					d = append(d, s[groups[k].start:groups[k].end]...)
				}
				if t >= 13 && t <= 19 && isPAN(d) && !dottedCounters(s, groups[a:b+1]) {
					found = b
					fn(groups[a].start, groups[b].end)
					break
				}
			}
		}
		if found >= 0 {
			a = found + 1
		} else {
			a++
		}
	}
}

// dottedCounters: digit groups joined by dots of which one has 7 or more
// digits are counters and timestamps ("GA1.2.412345678.1700000000" in a
// _ga cookie, "fb.1.1700000000000.4123456" in _fbp, version and build
// numbers), not a card number: cards are written in dotted groups of 3
// to 6 digits (4111.1111.1111.1111, 3782.822463.10005).
func dottedCounters(s string, gs []group) bool {
	if len(gs) < 2 {
		return false
	}
	long := false
	for k, g := range gs {
		if k < len(gs)-1 && s[g.end] != '.' {
			return false
		}
		long = long || g.n > 6
	}
	return long
}

// cardSep returns the length of a separator between digit groups at s[j:]:
// one space, dash, dot, slash, underscore or tab, two spaces, a no-break,
// thin, figure or ideographic space, a middle dot, a Unicode hyphen or dash
// or a minus sign; 0 if there is none.
func cardSep(s string, j int) int {
	if j >= len(s) {
		return 0
	}
	switch s[j] {
	case ' ':
		if j+1 < len(s) && s[j+1] == ' ' {
			return 2
		}
		if j+2 < len(s) && (s[j+1] == '-' || s[j+1] == '/' || s[j+1] == '|') && s[j+2] == ' ' {
			return 3 // "4111 - 1111 - 1111 - 1111"
		}
		return 1
	case '-', '.', '/', '_', '\t', '\n', '|':
		return 1
	case '\r':
		if j+1 < len(s) && s[j+1] == '\n' {
			return 2
		}
	case 0xC2: // U+00A0 no-break space, U+00B7 middle dot
		if j+1 < len(s) && (s[j+1] == 0xA0 || s[j+1] == 0xB7) {
			return 2
		}
	case 0xE2:
		// U+2007 figure space, U+2009 thin space, U+202F narrow no-break
		// space; U+2010 hyphen, U+2011 no-break hyphen, U+2012 figure dash,
		// U+2013 en dash, U+2014 em dash; U+2212 minus sign.
		if j+2 < len(s) && (s[j+1] == 0x80 && (s[j+2] == 0x87 || s[j+2] == 0x89 || s[j+2] == 0xAF || s[j+2] >= 0x90 && s[j+2] <= 0x94) ||
			s[j+1] == 0x88 && s[j+2] == 0x92) {
			return 3
		}
	case 0xE3: // U+3000 ideographic space
		if j+2 < len(s) && s[j+1] == 0x80 && s[j+2] == 0x80 {
			return 3
		}
	}
	return 0
}

// inUUID reports whether s[a:b] lies inside a UUID (8-4-4-4-12 hex
// digits): random UUIDs hold digit runs that now and then pass a card's or
// an ID's check ("...-4123-987654321098" read as a card number,
// "19850101-1234" as a personnummer).
func inUUID(s string, a, b int) bool {
	l, r := a, b
	for l > 0 && (isHexDigit(s[l-1]) || s[l-1] == '-') {
		l--
	}
	for r < len(s) && (isHexDigit(s[r]) || s[r] == '-') {
		r++
	}
	u := s[l:r]
	if len(u) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		switch i {
		case 8, 13, 18, 23:
			if u[i] != '-' {
				return false
			}
		default:
			if u[i] == '-' {
				return false
			}
		}
	}
	return true
}

func isHexDigit(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// isAlnum: c is an ASCII letter or digit (one table load: the scanners
// ask this of nearly every byte).
func isAlnum(c byte) bool { return profTable[c]&(pDigit|pUpper|pLower) != 0 }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// onlyDigits appends the digits of s to dst, and reports whether every
// other byte is a separator (space, dash, dot, slash) and how many digits
// there were.
func onlyDigits(dst []byte, s string) ([]byte, bool) {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			dst = append(dst, c)
		case c == ' ' || c == '-' || c == '.' || c == '/' || c == '\t':
		default:
			clean = false
		}
	}
	return dst, clean
}
