package guard

import "strings"

// National identifiers: formats and check digits. Each matcher looks at s
// from position i (a word start) and returns the end of the identifier, or
// -1. Matchers only accept formats strong enough to stand without a key
// name; bare digit strings are left to key-based detection.

// boundaryAfter reports whether s has no letter or digit at position j.
func boundaryAfter(s string, j int) bool {
	return j >= len(s) || !isAlnum(s[j])
}

// digitsAt reads n digits at s[i:], appending them to dst.
func digitsAt(s string, i, n int, dst []byte) ([]byte, bool) {
	if i+n > len(s) {
		return dst, false
	}
	for k := 0; k < n; k++ {
		if !isDigit(s[i+k]) {
			return dst, false
		}
	}
	return append(dst, s[i:i+n]...), true
}

// groupsAt reads digit groups of the given sizes (up to four; 0 ends the
// list) separated by one byte out of seps, the same byte throughout. It
// returns the digits (in buf) and the end, or -1.
func groupsAt(buf *[24]byte, s string, i int, seps string, sizes [4]int) ([]byte, int) {
	d := buf[:0]
	var sep byte
	j := i
	for gi, n := range sizes {
		if n == 0 {
			break
		}
		if gi > 0 {
			if j >= len(s) {
				return nil, -1
			}
			c := s[j]
			if sep == 0 {
				if strings.IndexByte(seps, c) < 0 {
					return nil, -1
				}
				sep = c
			} else if c != sep {
				return nil, -1
			}
			j++
		}
		var ok bool
		d, ok = digitsAt(s, j, n, d)
		if !ok {
			return nil, -1
		}
		j += n
	}
	if !boundaryAfter(s, j) || j < len(s) && (s[j] == '-' || s[j] == '.' && j+1 < len(s) && isDigit(s[j+1])) {
		return nil, -1
	}
	return d, j
}

func atoi(d []byte) int {
	v := 0
	for _, c := range d {
		v = v*10 + int(c-'0')
	}
	return v
}

// ssnValid applies the Social Security Administration's rules (area not
// 000 or 666, group not 00, serial not 0000); areas 900-999 are ITINs,
// accepted with their group ranges.
func ssnValid(d []byte) bool {
	if len(d) != 9 {
		return false
	}
	area, grp, ser := atoi(d[:3]), atoi(d[3:5]), atoi(d[5:])
	if area == 0 || area == 666 || grp == 0 || ser == 0 {
		return false
	}
	if area >= 900 {
		return grp >= 50 && grp <= 65 || grp >= 70 && grp <= 88 || grp >= 90 && grp <= 92 || grp >= 94
	}
	return true
}

func matchSSN(s string, i int) int {
	var buf [24]byte
	d, j := groupsAt(&buf, s, i, "- ", [4]int{3, 2, 4})
	if j < 0 || !ssnValid(d) {
		return -1
	}
	return j
}

func sinValid(d []byte) bool {
	return len(d) == 9 && d[0] != '0' && d[0] != '8' && luhn(d)
}

func matchSIN(s string, i int) int {
	var buf [24]byte
	d, j := groupsAt(&buf, s, i, "- ", [4]int{3, 3, 3})
	if j < 0 || !sinValid(d) {
		return -1
	}
	return j
}

// zaIDValid: a South African identity number, YYMMDDSSSSCAZ: a birth
// date, citizenship 0 or 1 (2 for refugees) and a Luhn check digit.
func zaIDValid(d []byte) bool {
	if len(d) != 13 {
		return false
	}
	mm, dd := atoi(d[2:4]), atoi(d[4:6])
	return dateOK(dd, mm) && d[10] <= '2' && luhn(d)
}

func cpfValid(d []byte) bool {
	if len(d) != 11 {
		return false
	}
	same := true
	for _, c := range d[1:] {
		if c != d[0] {
			same = false
		}
	}
	if same {
		return false
	}
	for _, n := range []int{9, 10} {
		sum := 0
		for k := 0; k < n; k++ {
			sum += int(d[k]-'0') * (n + 1 - k)
		}
		r := sum * 10 % 11
		if r == 10 {
			r = 0
		}
		if r != int(d[n]-'0') {
			return false
		}
	}
	return true
}

func matchCPF(s string, i int) int {
	var buf [11]byte
	d := buf[:0]
	j := i
	var ok bool
	for k, n := range []int{3, 3, 3, 2} {
		if k > 0 {
			want := byte('.')
			if k == 3 {
				want = '-'
			}
			if j >= len(s) || s[j] != want {
				return -1
			}
			j++
		}
		if d, ok = digitsAt(s, j, n, d); !ok {
			return -1
		}
		j += n
	}
	if !boundaryAfter(s, j) || !cpfValid(d) {
		return -1
	}
	return j
}

// Verhoeff tables, for Aadhaar.
var (
	verD = [10][10]uint8{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
		{3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
		{6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
		{9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
	}
	verP = [8][10]uint8{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
		{8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
		{2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
	}
)

func verhoeff(d []byte) bool {
	c := uint8(0)
	for i := 0; i < len(d); i++ {
		c = verD[c][verP[i%8][d[len(d)-1-i]-'0']]
	}
	return c == 0
}

func aadhaarValid(d []byte) bool {
	return len(d) == 12 && d[0] >= '2' && verhoeff(d)
}

func matchAadhaar(s string, i int) int {
	var buf [24]byte
	d, j := groupsAt(&buf, s, i, " -", [4]int{4, 4, 4})
	if j < 0 || !aadhaarValid(d) {
		return -1
	}
	// Twelve digits inside a longer run of groups ("4111 1111 1111 1112")
	// are part of another number.
	if i >= 2 && (s[i-1] == ' ' || s[i-1] == '-') && isDigit(s[i-2]) || j+1 < len(s) && (s[j] == ' ' || s[j] == '-') && isDigit(s[j+1]) {
		return -1
	}
	return j
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 32
	}
	return c
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// matchNINO: UK National Insurance number, AB123456C or AB 12 34 56 C.
func matchNINO(s string, i int) int {
	if i+9 > len(s) || !isUpper(s[i]) || !isUpper(s[i+1]) {
		return -1
	}
	a, b := s[i], s[i+1]
	if a == 'D' || a == 'F' || a == 'I' || a == 'Q' || a == 'U' || a == 'V' || b == 'D' || b == 'F' || b == 'I' ||
		b == 'Q' || b == 'U' || b == 'V' || b == 'O' {
		return -1
	}
	switch string([]byte{a, b}) {
	case "BG", "GB", "NK", "KN", "TN", "NT", "ZZ":
		return -1
	}
	j := i + 2
	spaced := j < len(s) && s[j] == ' '
	for g := 0; g < 3; g++ {
		if spaced {
			if j >= len(s) || s[j] != ' ' {
				return -1
			}
			j++
		}
		if j+2 > len(s) || !isDigit(s[j]) || !isDigit(s[j+1]) {
			return -1
		}
		j += 2
	}
	if spaced {
		if j >= len(s) || s[j] != ' ' {
			return -1
		}
		j++
	}
	if j >= len(s) || s[j] < 'A' || s[j] > 'D' {
		return -1
	}
	j++
	if !boundaryAfter(s, j) {
		return -1
	}
	return j
}

const dniLetters = "TRWAGMYFPDXBNJZSQVHLCKE"

func matchDNI(s string, i int) int {
	var buf [8]byte
	d, ok := digitsAt(s, i, 8, buf[:0])
	if !ok {
		return -1
	}
	j := i + 8
	if j < len(s) && (s[j] == '-' || s[j] == ' ') {
		j++
	}
	if j >= len(s) || upper(s[j]) != dniLetters[atoi(d)%23] {
		return -1
	}
	j++
	if !boundaryAfter(s, j) {
		return -1
	}
	return j
}

func matchNIE(s string, i int) int {
	if i >= len(s) {
		return -1
	}
	var pre int
	switch upper(s[i]) {
	case 'X':
		pre = 0
	case 'Y':
		pre = 1
	case 'Z':
		pre = 2
	default:
		return -1
	}
	j := i + 1
	if j < len(s) && s[j] == '-' {
		j++
	}
	var buf [7]byte
	d, ok := digitsAt(s, j, 7, buf[:0])
	if !ok {
		return -1
	}
	j += 7
	if j < len(s) && s[j] == '-' {
		j++
	}
	if j >= len(s) || upper(s[j]) != dniLetters[(pre*10000000+atoi(d))%23] {
		return -1
	}
	j++
	if !boundaryAfter(s, j) {
		return -1
	}
	return j
}

// Codice fiscale check-character tables (odd positions, 1-based).
var cfOdd = [36]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8,
	12, 14, 16, 10, 22, 25, 24, 23}

func cfVal(c byte) int {
	if isDigit(c) {
		return int(c - '0')
	}
	return int(c-'A') + 10
}

func cfValid(u []byte) bool {
	sum := 0
	for k := 0; k < 15; k++ {
		c := u[k]
		if k%2 == 0 {
			sum += cfOdd[cfVal(c)]
		} else if isDigit(c) {
			sum += int(c - '0')
		} else {
			sum += int(c - 'A')
		}
	}
	return u[15] == byte('A'+sum%26)
}

// matchCodiceFiscale: Italian tax code, 16 characters with omocodia.
func matchCodiceFiscale(s string, i int) int {
	if i+16 > len(s) || !boundaryAfter(s, i+16) {
		return -1
	}
	for k := 0; k < 6; k++ {
		if !isUpper(upper(s[i+k])) {
			return -1 // the first six are letters
		}
	}
	var u [16]byte
	for k := 0; k < 16; k++ {
		u[k] = upper(s[i+k])
	}
	isL := func(c byte) bool { return isUpper(c) }
	isD := func(c byte) bool {
		return isDigit(c) || c == 'L' || c == 'M' || c == 'N' || c == 'P' || c == 'Q' || c == 'R' || c == 'S' || c == 'T' || c == 'U' || c == 'V'
	}
	for k := 0; k < 6; k++ {
		if !isL(u[k]) {
			return -1
		}
	}
	if !isD(u[6]) || !isD(u[7]) {
		return -1
	}
	switch u[8] {
	case 'A', 'B', 'C', 'D', 'E', 'H', 'L', 'M', 'P', 'R', 'S', 'T':
	default:
		return -1
	}
	if !isD(u[9]) || !isD(u[10]) || !isL(u[11]) || !isD(u[12]) || !isD(u[13]) || !isD(u[14]) || !isL(u[15]) {
		return -1
	}
	// Require mostly real digits in the digit positions: omocodia is rare.
	nd := 0
	for _, k := range []int{6, 7, 9, 10, 12, 13, 14} {
		if isDigit(u[k]) {
			nd++
		}
	}
	if nd < 5 || !cfValid(u[:]) {
		return -1
	}
	return i + 16
}

const hetuChecks = "0123456789ABCDEFHJKLMNPRSTUVWXY"

func dateOK(dd, mm int) bool { return dd >= 1 && dd <= 31 && mm >= 1 && mm <= 12 }

// matchHETU: Finnish personal identity code DDMMYYCZZZQ.
func matchHETU(s string, i int) int {
	if i+11 > len(s) || !boundaryAfter(s, i+11) {
		return -1
	}
	var buf [9]byte
	d, ok := digitsAt(s, i, 6, buf[:0])
	if !ok {
		return -1
	}
	switch s[i+6] {
	case '+', '-', 'A', 'B', 'C', 'D', 'E', 'F', 'Y', 'X', 'W', 'V', 'U':
	default:
		return -1
	}
	if d, ok = digitsAt(s, i+7, 3, d); !ok {
		return -1
	}
	if !dateOK(atoi(d[0:2]), atoi(d[2:4])) {
		return -1
	}
	if upper(s[i+10]) != hetuChecks[atoi(d)%31] {
		return -1
	}
	return i + 11
}

// matchPersonnummer: Swedish YYMMDD-NNNC or YYYYMMDD-NNNC with Luhn on the
// ten-digit form; day+60 (samordningsnummer) accepted.
func matchPersonnummer(s string, i int) int {
	for _, long := range []bool{false, true} {
		n := 6
		if long {
			n = 8
		}
		var buf [12]byte
		d, ok := digitsAt(s, i, n, buf[:0])
		if !ok {
			continue
		}
		j := i + n
		if j >= len(s) || s[j] != '-' && s[j] != '+' {
			continue
		}
		j++
		if d, ok = digitsAt(s, j, 4, d); !ok {
			continue
		}
		j += 4
		if !boundaryAfter(s, j) {
			continue
		}
		ten := d
		if long {
			ten = d[2:]
		}
		mm, dd := atoi(ten[2:4]), atoi(ten[4:6])
		if dd > 60 {
			dd -= 60
		}
		if !dateOK(dd, mm) || !luhn(ten) {
			continue
		}
		return j
	}
	return -1
}

// nirValid checks a French NIR (15 characters; Corsica's 2A and 2B count
// as 19 and 18 in the key computation).
func nirValid(u []byte) bool {
	if len(u) != 15 {
		return false
	}
	switch u[0] {
	case '1', '2', '3', '7', '8':
	default:
		return false
	}
	mm := int(u[3]-'0')*10 + int(u[4]-'0')
	if !(mm >= 1 && mm <= 12 || mm >= 20 && mm <= 42 || mm >= 50 && mm <= 99) {
		return false
	}
	var d [13]byte
	copy(d[:], u[:13])
	if d[6] == 'A' || d[6] == 'B' {
		if d[5] != '2' {
			return false
		}
		d[5] = '1'
		d[6] = '9'
		if u[6] == 'B' {
			d[6] = '8'
		}
	}
	n := 0
	for _, c := range d {
		if !isDigit(c) {
			return false
		}
		n = (n*10 + int(c-'0')) % 97
	}
	if !isDigit(u[13]) || !isDigit(u[14]) {
		return false
	}
	return atoi(u[13:15]) == 97-n
}

func matchNIR(s string, i int) int {
	var u [15]byte
	n := 0
	j := i
	for j < len(s) && n < 15 {
		c := s[j]
		switch {
		case isDigit(c) || n == 6 && (c == 'A' || c == 'B' || c == 'a' || c == 'b'):
			u[n] = upper(c)
			n++
			j++
		case c == ' ' && n > 0 && j+1 < len(s) && isAlnum(s[j+1]):
			// Spaces only at the usual group boundaries: 1 85 05 78 006 084 36.
			switch n {
			case 1, 3, 5, 7, 10, 13:
				j++
			default:
				return -1
			}
		default:
			goto done
		}
	}
done:
	if n != 15 || !boundaryAfter(s, j) || !nirValid(u[:]) {
		return -1
	}
	return j
}

// bsnValid is the Dutch "11-test".
func bsnValid(d []byte) bool {
	if len(d) != 9 {
		return false
	}
	sum := 0
	for k := 0; k < 8; k++ {
		sum += int(d[k]-'0') * (9 - k)
	}
	sum -= int(d[8] - '0')
	return sum%11 == 0 && atoi(d) != 0
}

func matchBSNDotted(s string, i int) int {
	var buf [9]byte
	d, ok := digitsAt(s, i, 4, buf[:0])
	if !ok || i+11 > len(s) || s[i+4] != '.' || s[i+7] != '.' {
		return -1
	}
	if d, ok = digitsAt(s, i+5, 2, d); !ok {
		return -1
	}
	if d, ok = digitsAt(s, i+8, 3, d); !ok {
		return -1
	}
	if !boundaryAfter(s, i+11) || !bsnValid(d) {
		return -1
	}
	return i + 11
}

// steuerIDValid: German tax identification number, ISO 7064 MOD 11,10.
func steuerIDValid(d []byte) bool {
	if len(d) != 11 || d[0] == '0' {
		return false
	}
	product := 10
	for k := 0; k < 10; k++ {
		sum := (int(d[k]-'0') + product) % 10
		if sum == 0 {
			sum = 10
		}
		product = sum * 2 % 11
	}
	check := 11 - product
	if check == 10 {
		check = 0
	}
	return check == int(d[10]-'0')
}

// matchSteuerID: "12 345 678 901" (the printed form; bare digits only
// under a key).
func matchSteuerID(s string, i int) int {
	var buf [24]byte
	d, j := groupsAt(&buf, s, i, " ", [4]int{2, 3, 3, 3})
	if j < 0 || !steuerIDValid(d) {
		return -1
	}
	return j
}

var cnWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// cnResidentValid: PRC resident identity card number, 18 characters with
// a birth date and an ISO 7064 MOD 11-2 check character.
func cnResidentValid(u []byte) bool {
	if len(u) != 18 {
		return false
	}
	sum := 0
	for k := 0; k < 17; k++ {
		if !isDigit(u[k]) {
			return false
		}
		sum += int(u[k]-'0') * cnWeights[k]
	}
	y := atoi(u[6:10])
	if y < 1900 || y > 2099 || !dateOK(atoi(u[12:14]), atoi(u[10:12])) {
		return false
	}
	return "10X98765432"[sum%11] == upper(u[17])
}

func matchCNResident(s string, i int) int {
	if i+18 > len(s) || !boundaryAfter(s, i+18) {
		return -1
	}
	var u [18]byte
	copy(u[:], s[i:i+18])
	if !cnResidentValid(u[:]) {
		return -1
	}
	return i + 18
}

// cnpjValid: a Brazilian CNPJ, 14 characters with two mod-11 check digits.
// Since July 2026 the first 12 may be letters too; each counts as its
// ASCII code minus 48 ('A' is 17), as the Receita Federal specifies.
func cnpjValid(u []byte) bool {
	if len(u) != 14 || !isDigit(u[12]) || !isDigit(u[13]) {
		return false
	}
	same := true
	for k := 0; k < 12; k++ {
		if !isDigit(u[k]) && !isUpper(u[k]) {
			return false
		}
		same = same && u[k] == u[0]
	}
	if same {
		return false
	}
	for n := 12; n <= 13; n++ {
		sum, wt := 0, 2
		for k := n - 1; k >= 0; k-- {
			sum += int(u[k]-'0') * wt
			if wt++; wt > 9 {
				wt = 2
			}
		}
		r := sum % 11
		if r < 2 {
			r = 0
		} else {
			r = 11 - r
		}
		if int(u[n]-'0') != r {
			return false
		}
	}
	return true
}

// peselValid: a Polish PESEL, YYMMDDZZZXQ: a birth date whose month
// carries the century (+80, +0, +20, +40, +60) and a weighted check digit.
func peselValid(d []byte) bool {
	if len(d) != 11 {
		return false
	}
	mm, dd := atoi(d[2:4])%20, atoi(d[4:6])
	if !dateOK(dd, mm) {
		return false
	}
	w := [10]int{1, 3, 7, 9, 1, 3, 7, 9, 1, 3}
	sum := 0
	for k, x := range w {
		sum += int(d[k]-'0') * x
	}
	return (10-sum%10)%10 == int(d[10]-'0')
}

// curpValid: a Mexican CURP, 4 letters, a birth date, H/M (or X), 5
// letters, a character and a check digit over an alphabet with Ñ as '&'.
func curpValid(u []byte) bool {
	if len(u) != 18 {
		return false
	}
	for k := 0; k < 18; k++ {
		c := u[k]
		switch {
		case k < 4 || k >= 11 && k < 16:
			if !isUpper(c) && c != '&' {
				return false
			}
		case k < 10 || k == 17:
			if !isDigit(c) {
				return false
			}
		case k == 10:
			if c != 'H' && c != 'M' && c != 'X' {
				return false
			}
		default:
			if !isAlnum(c) {
				return false
			}
		}
	}
	if !dateOK(atoi(u[8:10]), atoi(u[6:8])) {
		return false
	}
	const al = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ"
	sum := 0
	for k := 0; k < 17; k++ {
		sum += strings.IndexByte(al, u[k]) * (18 - k)
	}
	return (10-sum%10)%10 == int(u[17]-'0')
}

// namedChecks: key or cue words that name one format with check digits,
// and that format's length and check. Under a key or after a cue naming
// it, a value of that length must pass the check (a CPF-keyed number with
// a wrong check digit is some other number, as an SSN breaking the SSA's
// rules is).
var namedChecks = []struct {
	word  string
	n     int
	valid func([]byte) bool
}{
	{"cnpj", 14, cnpjValid}, {"cpf", 11, cpfValid}, {"pesel", 11, peselValid}, {"aadha", 12, aadhaarValid},
	{"bsn", 9, bsnValid}, {"burgerservice", 9, bsnValid}, {"steuerid", 11, steuerIDValid}, {"steuer-id", 11, steuerIDValid},
	{"steuer_id", 11, steuerIDValid}, {"curp", 18, curpValid}, {"身份证", 18, cnResidentValid},
	{"resident_id", 18, cnResidentValid}, {"residentid", 18, cnResidentValid}, {"nhs", 10, nhsValid},
	{"hkid", 8, hkidValid}, {"hkid", 9, hkidValid}, {"hong", 8, hkidValid}, {"hong", 9, hkidValid},
	{"身份證", 8, hkidValid}, {"身份證", 9, hkidValid}, {"身份證", 10, twIDValid}, {"身分證", 10, twIDValid},
	{"taiwan", 10, twIDValid}, {"twid", 10, twIDValid}, {"tw_id", 10, twIDValid}, {"統一證", 10, twIDValid},
	{"居留證", 10, twIDValid}, {"身份證", 18, cnResidentValid},
}

// namedAlnum: the named formats of namedChecks that hold letters besides
// the CNPJ's 14 and the CURP's and PRC ID's 18 characters.
var namedAlnum = map[string]bool{"hkid": true, "hong": true, "身份證": true, "身分證": true, "taiwan": true, "twid": true,
	"tw_id": true, "統一證": true, "居留證": true}

// hkidValid: a Hong Kong identity card number, one or two letters, six
// digits and a check character (0-9 or A; written in parentheses, which
// the caller drops): weights 9 down to 2 over the letters (A=10 ... Z=35,
// a space before a single letter counting 36) and the digits, and the
// check makes the sum divisible by 11.
func hkidValid(u []byte) bool {
	n := len(u)
	if n != 8 && n != 9 {
		return false
	}
	nl := n - 7
	sum := 0
	if nl == 1 {
		sum = 36 * 9
	}
	for k := 0; k < n-1; k++ {
		c := u[k]
		wt := 9 - k - (2 - nl)
		switch {
		case k < nl && isUpper(c):
			sum += int(c-'A'+10) * wt
		case k >= nl && isDigit(c):
			sum += int(c-'0') * wt
		default:
			return false
		}
	}
	var cv int
	switch c := u[n-1]; {
	case isDigit(c):
		cv = int(c - '0')
	case c == 'A':
		cv = 10
	default:
		return false
	}
	return (sum+cv)%11 == 0
}

// twLetter: the two-digit number of each first letter of a Taiwan ID.
var twLetter = [26]int{10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, 22, 35, 23, 24, 25, 26, 27, 28, 29, 32, 30, 31, 33}

// twIDValid: a Taiwan national identification number (or the resident
// certificate number of the same form since 2021): a letter, 1 or 2
// (8 or 9 for residents), seven digits and a check digit; the letter's
// two-digit number weighted 1 and 9, the digits 8 down to 1 and the
// check 1, the sum divisible by 10.
func twIDValid(u []byte) bool {
	if len(u) != 10 || !isUpper(u[0]) || !(u[1] == '1' || u[1] == '2' || u[1] == '8' || u[1] == '9') {
		return false
	}
	l := twLetter[u[0]-'A']
	sum := l/10 + l%10*9
	for k := 1; k < 10; k++ {
		if !isDigit(u[k]) {
			return false
		}
		wt := 9 - k
		if k == 9 {
			wt = 1
		}
		sum += int(u[k]-'0') * wt
	}
	return sum%10 == 0
}

// matchHKID: a Hong Kong identity card number as it is printed, with its
// check character in parentheses ("A123456(3)", "AB987654(A)"): a shape
// no other identifier has, so it stands without a key.
func matchHKID(s string, i int) int {
	var u [9]byte
	n := 0
	k := i
	for k < len(s) && isUpper(s[k]) && n < 2 {
		u[n] = s[k]
		n++
		k++
	}
	if n == 0 || k+9 > len(s) {
		return -1
	}
	for d := 0; d < 6; d++ {
		if !isDigit(s[k+d]) {
			return -1
		}
		u[n] = s[k+d]
		n++
	}
	k += 6
	if s[k] != '(' || s[k+2] != ')' {
		return -1
	}
	u[n] = s[k+1]
	n++
	if !hkidValid(u[:n]) || !boundaryAfter(s, k+3) {
		return -1
	}
	return k + 3
}

// nhsValid: a UK NHS number, 10 digits whose last is a mod-11 check digit
// (weights 10 down to 2; a remainder giving 10 is never issued).
func nhsValid(d []byte) bool {
	if len(d) != 10 {
		return false
	}
	sum := 0
	for k := 0; k < 9; k++ {
		sum += int(d[k]-'0') * (10 - k)
	}
	c := 11 - sum%11
	if c == 11 {
		c = 0
	}
	return c != 10 && c == int(d[9]-'0')
}

// failsNamedCheck: name (a key or a cue word) names formats with check
// digits, t has one's length (letters and digits, separators dropped),
// and passes none of the named checks.
func failsNamedCheck(name, t string) bool {
	if len(name) < 3 || len(t) < 9 || len(t) > 24 {
		return false
	}
	var buf [24]byte
	u := buf[:0]
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case isAlnum(c):
			u = append(u, upper(c))
		case c == '.' || c == '-' || c == '/' || c == ' ' || c == '(' || c == ')':
		default:
			return false
		}
	}
	failed := false
	for _, nc := range namedChecks {
		if len(u) != nc.n || !containsFold(name, nc.word) || !allDigits(b2s(u)) && nc.n != 14 && nc.n != 18 && !namedAlnum[nc.word] {
			continue
		}
		if nc.valid(u) {
			return false
		}
		failed = true
	}
	return failed
}
