package guard

// Check digits of more national-ID formats, from their public
// specifications (issue 13, the sixth round): each takes the normalised
// value (digits and capitals, separators dropped).

func dig(c byte) int { return int(c - '0') }

// weighted returns the sum of the digits of d weighted by w.
func weighted(d []byte, w []int) int {
	sum := 0
	for k, x := range w {
		sum += dig(d[k]) * x
	}
	return sum
}

// beNRNValid: Belgian national register number (rijksregisternummer,
// numéro de registre national; the BIS number too), YYMMDD SSS CC: 97
// minus the first nine digits mod 97, with a 2 before them for those born
// from 2000.
func beNRNValid(d []byte) bool {
	if len(d) != 11 || !allDigits(b2s(d)) {
		return false
	}
	n := atoi(d[:9])
	c := atoi(d[9:])
	return 97-n%97 == c || 97-(2000000000+n)%97 == c
}

// eeIsikukoodValid: Estonian (and Lithuanian) personal code, GYYMMDDSSSC
// with G 1-6: weights 1..9,1 mod 11; a remainder of 10 takes weights
// 3..9,1,2,3; a second 10 gives 0.
func eeIsikukoodValid(d []byte) bool {
	if len(d) != 11 || !allDigits(b2s(d)) || d[0] < '1' || d[0] > '6' || !dateOK(atoi(d[5:7]), atoi(d[3:5])) {
		return false
	}
	r := weighted(d, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 1}) % 11
	if r == 10 {
		if r = weighted(d, []int{3, 4, 5, 6, 7, 8, 9, 1, 2, 3}) % 11; r == 10 {
			r = 0
		}
	}
	return r == dig(d[10])
}

// roCNPValid: Romanian personal numeric code, 13 digits: weights
// 279146358279 mod 11, 10 counting as 1.
func roCNPValid(d []byte) bool {
	if len(d) != 13 || !allDigits(b2s(d)) || d[0] == '0' || !dateOK(atoi(d[5:7]), atoi(d[3:5])) {
		return false
	}
	r := weighted(d, []int{2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9}) % 11
	if r == 10 {
		r = 1
	}
	return r == dig(d[12])
}

// bgEGNValid: Bulgarian unified civil number, YYMMDDSSSC (40 or 20 added
// to the month for other centuries): weights 2,4,8,5,10,9,7,3,6 mod 11,
// 10 counting as 0.
func bgEGNValid(d []byte) bool {
	if len(d) != 10 || !allDigits(b2s(d)) {
		return false
	}
	m := atoi(d[2:4])
	if m > 40 {
		m -= 40
	} else if m > 20 {
		m -= 20
	}
	if !dateOK(atoi(d[4:6]), m) {
		return false
	}
	r := weighted(d, []int{2, 4, 8, 5, 10, 9, 7, 3, 6}) % 11
	if r == 10 {
		r = 0
	}
	return r == dig(d[9])
}

// hrOIBValid: Croatian personal identification number, 11 digits, ISO
// 7064 MOD 11,10.
func hrOIBValid(d []byte) bool {
	if len(d) != 11 || !allDigits(b2s(d)) {
		return false
	}
	p := 10
	for k := 0; k < 10; k++ {
		s := (dig(d[k]) + p) % 10
		if s == 0 {
			s = 10
		}
		p = s * 2 % 11
	}
	c := 11 - p
	if c == 10 {
		c = 0
	}
	return c == dig(d[10])
}

// jmbgValid: the unique master citizen number of the former Yugoslav
// states (JMBG, Slovenia's EMŠO), DDMMYYYRRBBBK: weights 7..2,7..2, 11
// minus the sum mod 11, above 9 counting as 0.
func jmbgValid(d []byte) bool {
	if len(d) != 13 || !allDigits(b2s(d)) || !dateOK(atoi(d[:2]), atoi(d[2:4])) {
		return false
	}
	m := 11 - weighted(d, []int{7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2})%11
	if m > 9 {
		m = 0
	}
	return m == dig(d[12])
}

// czRodneCisloValid: Czech and Slovak birth number, YYMMDD/SSSC (50 added
// to a woman's month, 20 more from 2004): ten digits divisible by 11, or
// the first nine mod 11 being 10 and the last 0.
func czRodneCisloValid(d []byte) bool {
	if len(d) != 10 || !allDigits(b2s(d)) {
		return false
	}
	m := atoi(d[2:4]) % 50
	if m > 20 {
		m -= 20
	}
	if !dateOK(atoi(d[4:6]), m) {
		return false
	}
	n := atoi(d)
	return n%11 == 0 || atoi(d[:9])%11 == 10 && d[9] == '0'
}

// arCUILValid: Argentine CUIL/CUIT, XX-XXXXXXXX-X with a type of 20, 23,
// 24, 27, 30, 33 or 34: weights 5432765432, 11 minus the sum mod 11 (11
// counting as 0; 10 as 9, the 23/33 types' adjustment).
func arCUILValid(d []byte) bool {
	if len(d) != 11 || !allDigits(b2s(d)) {
		return false
	}
	switch atoi(d[:2]) {
	case 20, 23, 24, 27, 30, 33, 34:
	default:
		return false
	}
	r := 11 - weighted(d, []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2})%11
	switch r {
	case 11:
		r = 0
	case 10:
		r = 9
	}
	return r == dig(d[10])
}

// thIDValid: Thai national ID, 13 digits, the first 1-8: weights 13..2,
// (11 - sum mod 11) mod 10.
func thIDValid(d []byte) bool {
	if len(d) != 13 || !allDigits(b2s(d)) || d[0] == '0' || d[0] == '9' {
		return false
	}
	return (11-weighted(d, []int{13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2})%11)%10 == dig(d[12])
}

// isKennitalaValid: Icelandic kennitala, DDMMYY-RRCD (D the century: 9,
// 0, 8): weights 3,2,7,6,5,4,3,2 over the first eight, 11 minus the sum
// mod 11 (11 counting as 0, 10 never issued) is C.
func isKennitalaValid(d []byte) bool {
	if len(d) != 10 || !allDigits(b2s(d)) || d[9] != '9' && d[9] != '0' && d[9] != '8' {
		return false
	}
	dd := atoi(d[:2])
	if dd > 40 {
		dd -= 40 // companies
	}
	if !dateOK(dd, atoi(d[2:4])) {
		return false
	}
	r := 11 - weighted(d, []int{3, 2, 7, 6, 5, 4, 3, 2})%11
	if r == 11 {
		r = 0
	}
	return r != 10 && r == dig(d[8])
}

// chAHVValid: Swiss social security number (AHV/AVS), 756 and ten digits,
// an EAN-13 check digit.
func chAHVValid(d []byte) bool {
	if len(d) != 13 || !allDigits(b2s(d)) || string(d[:3]) != "756" {
		return false
	}
	return ean13OK(d)
}

func ean13OK(d []byte) bool {
	sum := 0
	for k := 0; k < 12; k++ {
		w := 1
		if k%2 == 1 {
			w = 3
		}
		sum += dig(d[k]) * w
	}
	return (10-sum%10)%10 == dig(d[12])
}

// iePPSNValid: Irish personal public service number, seven digits, a
// check letter and an optional letter (A, B, H, W, T, X): weights 8..2,
// the second letter's place in the alphabet times 9 (W counting 0), mod
// 23 naming the check letter (0 is W).
func iePPSNValid(u []byte) bool {
	if len(u) != 8 && len(u) != 9 || !allDigits(b2s(u[:7])) || !isUpper(u[7]) {
		return false
	}
	sum := weighted(u, []int{8, 7, 6, 5, 4, 3, 2})
	if len(u) == 9 {
		if !isUpper(u[8]) {
			return false
		}
		if u[8] != 'W' {
			sum += int(u[8]-'A'+1) * 9
		}
	}
	c := byte('W')
	if r := sum % 23; r > 0 {
		c = byte('A' + r - 1)
	}
	return u[7] == c
}

// ptNIFValid: Portuguese tax number (NIF, número de contribuinte), nine
// digits: weights 9..2, 11 minus the sum mod 11, 10 and 11 counting as 0.
func ptNIFValid(d []byte) bool {
	if len(d) != 9 || !allDigits(b2s(d)) || d[0] == '0' || d[0] == '4' {
		return false
	}
	r := 11 - weighted(d, []int{9, 8, 7, 6, 5, 4, 3, 2})%11
	if r >= 10 {
		r = 0
	}
	return r == dig(d[8])
}

// huTAJValid: Hungarian social security number (TAJ), nine digits: the
// first eight weighted 3 and 7 alternately, mod 10.
func huTAJValid(d []byte) bool {
	if len(d) != 9 || !allDigits(b2s(d)) {
		return false
	}
	return weighted(d, []int{3, 7, 3, 7, 3, 7, 3, 7})%10 == dig(d[8])
}

// aeEmiratesIDValid: UAE identity number, 784-YYYY-NNNNNNN-C, Luhn over
// the fifteen digits.
func aeEmiratesIDValid(d []byte) bool {
	return len(d) == 15 && allDigits(b2s(d)) && string(d[:3]) == "784" && luhn(d)
}

func ppsnShape(u []byte) bool {
	return (len(u) == 8 || len(u) == 9) && allDigits(b2s(u[:7])) && isUpper(u[7]) && (len(u) == 8 || isUpper(u[8]))
}

func ahvShape(u []byte) bool {
	return len(u) == 13 && string(u[:3]) == "756" && allDigits(b2s(u))
}

func emiratesShape(u []byte) bool {
	return len(u) == 15 && string(u[:3]) == "784" && allDigits(b2s(u))
}
