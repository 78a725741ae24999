package guard

import "strings"

// IBAN: country code, two check digits, a country-specific BBAN length,
// and the ISO 13616 mod-97 check.

// ibanLen maps a country code to its IBAN length (SWIFT IBAN registry).
var ibanLen = map[[2]byte]uint8{
	{'A', 'D'}: 24, {'A', 'E'}: 23, {'A', 'L'}: 28, {'A', 'T'}: 20, {'A', 'Z'}: 28, {'B', 'A'}: 20, {'B', 'E'}: 16,
	{'B', 'G'}: 22, {'B', 'H'}: 22, {'B', 'I'}: 27, {'B', 'R'}: 29, {'B', 'Y'}: 28, {'C', 'H'}: 21, {'C', 'R'}: 22,
	{'C', 'Y'}: 28, {'C', 'Z'}: 24, {'D', 'E'}: 22, {'D', 'J'}: 27, {'D', 'K'}: 18, {'D', 'O'}: 28, {'E', 'E'}: 20,
	{'E', 'G'}: 29, {'E', 'S'}: 24, {'F', 'I'}: 18, {'F', 'K'}: 18, {'F', 'O'}: 18, {'F', 'R'}: 27, {'G', 'B'}: 22,
	{'G', 'E'}: 22, {'G', 'I'}: 23, {'G', 'L'}: 18, {'G', 'R'}: 27, {'G', 'T'}: 28, {'H', 'N'}: 28, {'H', 'R'}: 21,
	{'H', 'U'}: 28, {'I', 'E'}: 22, {'I', 'L'}: 23, {'I', 'Q'}: 23, {'I', 'S'}: 26, {'I', 'T'}: 27, {'J', 'O'}: 30,
	{'K', 'W'}: 30, {'K', 'Z'}: 20, {'L', 'B'}: 28, {'L', 'C'}: 32, {'L', 'I'}: 21, {'L', 'T'}: 20, {'L', 'U'}: 20,
	{'L', 'V'}: 21, {'L', 'Y'}: 25, {'M', 'C'}: 27, {'M', 'D'}: 24, {'M', 'E'}: 22, {'M', 'K'}: 19, {'M', 'N'}: 20,
	{'M', 'R'}: 27, {'M', 'T'}: 31, {'M', 'U'}: 30, {'N', 'I'}: 28, {'N', 'L'}: 18, {'N', 'O'}: 15, {'O', 'M'}: 23,
	{'P', 'K'}: 24, {'P', 'L'}: 28, {'P', 'S'}: 29, {'P', 'T'}: 25, {'Q', 'A'}: 29, {'R', 'O'}: 24, {'R', 'S'}: 22,
	{'R', 'U'}: 33, {'S', 'A'}: 24, {'S', 'C'}: 31, {'S', 'D'}: 18, {'S', 'E'}: 24, {'S', 'I'}: 19, {'S', 'K'}: 24,
	{'S', 'M'}: 27, {'S', 'O'}: 23, {'S', 'T'}: 25, {'S', 'V'}: 28, {'T', 'L'}: 23, {'T', 'N'}: 24, {'T', 'R'}: 26,
	{'U', 'A'}: 29, {'V', 'A'}: 22, {'V', 'G'}: 24, {'X', 'K'}: 20, {'Y', 'E'}: 30,
}

// ibanMod97 reports whether the IBAN u (upper case, no spaces) passes mod-97.
func ibanMod97(u []byte) bool {
	if len(u) < 15 || len(u) > 34 {
		return false
	}
	r := 0
	add := func(c byte) bool {
		switch {
		case isDigit(c):
			r = (r*10 + int(c-'0')) % 97
		case isUpper(c):
			r = (r*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
		return true
	}
	for _, c := range u[4:] {
		if !add(c) {
			return false
		}
	}
	for _, c := range u[:4] {
		if !add(c) {
			return false
		}
	}
	return r == 1
}

// matchIBAN reads an IBAN at s[i:], compact or printed in groups of four
// separated by single spaces (or dashes), and returns its end or -1.
func matchIBAN(s string, i int) int {
	if i+15 > len(s) {
		return -1
	}
	c0, c1 := upper(s[i]), upper(s[i+1])
	if !isUpper(c0) || !isUpper(c1) || !isDigit(s[i+2]) || !isDigit(s[i+3]) {
		return -1
	}
	// Mixed case is not an IBAN: either all upper or all lower letters.
	lower := s[i] >= 'a'
	if lower != (s[i+1] >= 'a') {
		return -1
	}
	n, ok := ibanLen[[2]byte{c0, c1}]
	if !ok {
		return -1
	}
	var u [34]byte
	k := 0
	j := i
	var sep byte
	for j < len(s) && k < int(n) {
		c := s[j]
		if c == ' ' && k%4 == 0 && k > 0 && j+1 < len(s) && isAlnum(s[j+1]) {
			if sep == 0 && k != 4 {
				return -1
			}
			sep = c
			j++
			continue
		}
		if sep != 0 && k%4 == 0 && k > 0 && j > i && s[j-1] != ' ' {
			return -1 // grouped, but a group is not four wide
		}
		if !isAlnum(c) {
			break
		}
		if c >= 'a' && c <= 'z' {
			if !lower {
				return -1
			}
			c -= 32
		} else if isUpper(c) && lower && k >= 4 {
			return -1
		}
		u[k] = c
		k++
		j++
	}
	if k != int(n) || !boundaryAfter(s, j) || !ibanMod97(u[:k]) {
		return -1
	}
	if lower && (i > 0 || strings.TrimSpace(s[j:]) != "") {
		return -1 // lower case only as a whole value
	}
	return j
}
