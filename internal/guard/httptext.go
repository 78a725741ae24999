package guard

import "strings"

// Set-Cookie header lines in a raw HTTP response text, and card tracks
// read from a magnetic stripe.

// setCookieSessions finds the value of each "Set-Cookie: name=value; ..."
// line whose cookie is a session or sign-in cookie (cookieSecretName) and
// holds a token, not a deletion or a word.
func setCookieSessions(s string, add func(a, b int)) {
	for from := 0; from < len(s); {
		k := indexFold(s[from:], "set-cookie:")
		if k < 0 {
			return
		}
		j := from + k + len("set-cookie:")
		from = j
		for j < len(s) && s[j] == ' ' {
			j++
		}
		eq := j
		for eq < len(s) && s[eq] != '=' && s[eq] != ';' && s[eq] != '\n' && s[eq] != '\r' && eq-j <= 64 {
			eq++
		}
		if eq >= len(s) || s[eq] != '=' {
			continue
		}
		name := s[j:eq]
		if len(name) > 8 && (hasPrefixFold(name, "__secure-") || hasPrefixFold(name, "__host-")) {
			name = name[strings.IndexByte(name, '-')+1:]
		}
		e := eq + 1
		for e < len(s) && s[e] != ';' && s[e] != '\n' && s[e] != '\r' && s[e] != ' ' && s[e] != '"' && s[e] != '\\' {
			e++
		}
		if v := s[eq+1 : e]; len(v) >= 8 && cookieSecretName(strings.ToLower(name)) && !isPlaceholder(v) && !isBoolWord(v) && distinctBytes(v, 6) >= 6 {
			add(eq+1, e)
		}
		from = e
	}
}

// indexFold is strings.Index with ASCII case folded; sub is lower case.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if lower(s[i]) == sub[0] && hasPrefixFold(s[i:], sub) {
			return i
		}
	}
	return -1
}

// magstripeTracks finds ISO/IEC 7813 track 1 data, "%B<PAN>^NAME^YYMM...?",
// whose PAN is a card number by issuer range and Luhn: the whole track
// (name, expiry, service code, discretionary data) is the card's.
func magstripeTracks(s string, add func(a, b int)) {
	for from := 0; from < len(s); {
		k := strings.Index(s[from:], "%B")
		if k < 0 {
			return
		}
		a := from + k
		j := a + 2
		from = j
		for j < len(s) && isDigit(s[j]) && j-a < 22 {
			j++
		}
		if j >= len(s) || s[j] != '^' || j-a-2 < 12 || j-a-2 > 19 || !isPAN([]byte(s[a+2:j])) {
			continue
		}
		e := j + 1
		for e < len(s) && s[e] != '?' && s[e] != '\n' && e-a < 79 {
			e++
		}
		if e < len(s) && s[e] == '?' {
			e++
		}
		add(a, e)
		from = e
	}
}
