package guard

// More national-ID formats with a check, from their issuers' published
// rules (issue 13, the sixth corpus's formats): under a key that names
// one, a value of its shape must pass its check (failsIDCheck), and a
// look-alike that fails it is some other number. Formats whose written
// shape is particular to them (a Swiss AHV number's 756 prefix, an
// Emirates ID's 784, a Thai ID's 1-4-5-2-1 groups) are judged by their
// check under any generic national-ID key too.
//
// This file's init appends to idFormats (natcheck.go) and to the cue
// words (idcues.go's init runs first: files initialise in name order, and
// phrases.go indexes the cues after both).
func init() {
	idFormats = append(idFormats,
		idFormat{[]string{"rijksregister", "registre_national", "registrenational", "national_register", "nationalregister",
			"numero_national", "insz", "niss", "nrn"}, false, digitsShape(11), beNRNValid, nil},
		idFormat{[]string{"isikukood", "isikukoodi", "asmens_kodas", "asmenskodas", "personal_code", "personalcode"}, false, digitsShape(11), eeIsikukoodValid, nil},
		idFormat{[]string{"cnp", "cod_numeric", "codnumeric"}, false, digitsShape(13), roCNPValid, nil},
		idFormat{[]string{"egn", "егн", "edinen_grazhdanski", "единен"}, false, digitsShape(10), bgEGNValid, nil},
		idFormat{[]string{"oib", "osobni_identifikacijski", "osobniidentifikacijski"}, false, digitsShape(11), oibValid, nil},
		idFormat{[]string{"jmbg", "emso", "emšo", "матични", "матичниброј", "maticni", "matični", "maticnibroj", "matičnibroj"}, false, digitsShape(13), jmbgValid, nil},
		idFormat{[]string{"rodne", "rodné", "rodnecislo", "rodnéčíslo", "rodne_cislo", "rodné_číslo", "birth_number", "birthnumber"}, false, rcShape, rcValid, nil},
		idFormat{[]string{"cuil", "cuit"}, false, digitsShape(11), cuitValid, nil},
		idFormat{[]string{"thai", "บัตรประชาชน", "เลขประจำตัวประชาชน"}, true, digitsShape(13), thaiIDValid, thaiIDWritten},
		idFormat{[]string{"kennitala", "kt"}, false, digitsShape(10), kennitalaValid, nil},
		idFormat{[]string{"ahv", "avs", "ahvn13", "avsn13", "ahv_nummer", "numero_avs", "sozialversicherungsnummer", "social_security_ch"}, true, ahvShape, ean13Valid, nil},
		idFormat{[]string{"ppsn", "pps_no", "pps_number", "ppsnumber", "ppsno", "pps"}, false, ppsnShape, ppsnValid, nil},
		idFormat{[]string{"nif", "contribuinte", "nif_pt", "numero_fiscal", "numerofiscal"}, false, digitsShape(9), ptNIFValid, nil},
		idFormat{[]string{"taj", "tajszam", "taj_szam", "tajszám", "taj_szám"}, false, digitsShape(9), tajValid, nil},
		idFormat{[]string{"emirates", "eida", "eid_number", "eidnumber", "emirates_id", "emiratesid", "الهوية_الإماراتية"}, true, emiratesShape, emiratesValid, nil},
	)
	// Their keys, in the spellings the dictionary lacked (and their
	// endings in tailSet, which keys.go's init filled before this one).
	addKeysLate(kNatID, "taj", "tajszam", "tajszám", "tajnumber", "ppsn", "ppsno", "ppsnumber", "contribuinte",
		"numerocontribuinte", "numerodecontribuinte", "nifpt", "osobniidentifikacijskibroj", "maticnibroj",
		"matičnibroj", "матичниброј", "матичнибрoj", "jmbgbroj", "thaiid", "thainationalid", "thaicitizenid",
		"kt", "emiratesid", "emiratesidnumber", "رقمالهوية", "رقمالهويةالإماراتية", "numeroregistrenational",
		"registrenational", "nationalregisternumber", "rijksregister", "egnnumber", "avsnummer", "numeroavs",
		"ahvnr", "ahvnumber", "isikukoodi", "cuilnumber", "cuitnumber", "rodnecislonumber", "birthnumber",
		"kennitalanumber", "codnumericpersonal", "codulnumericpersonal", "edinengrazhdanskinomer", "единенграждансккиномер",
		"единенгражданскиномер", "avsnumber", "avsnr", "เลขประจำตัวประชาชน", "บัตรประชาชน", "thaiidnumber",
		"thaicitizenidnumber", "personalidentificationcode", "isikukoodinumber", "emiratesidno", "nationalregisterno",
		"ahvn13", "ahvn", "avsn13", "eidnumber", "emiratesidcard", "егн", "egnno")
	// And the words that name them in prose.
	// Longer cues first: the first that matches is read. Cues starting
	// with a common pair of letters ("th", "ma", "ro", "em", "as", "av")
	// would slow the scan of every text; the Thai ID, the Emirates ID and
	// the rodné číslo have written shapes particular enough to be found
	// without a cue (matchThaiID, matchEmiratesID, matchRodneCislo).
	for _, w := range []string{"rijksregisternummer", "numéro de registre national", "numero de registre national",
		"national register number", "isikukood", "cod numeric personal", "cnp", "егн", "ЕГН", "egn",
		"oib", "jmbg", "матични број", "cuil", "cuit", "เลขประจำตัวประชาชน", "kennitala", "ahv number", "ahv-nr", "ahv",
		"numéro avs", "pps number", "pps no", "ppsn", "número de contribuinte", "numero de contribuinte", "nif",
		"taj szám", "taj szam", "tajszám", "taj number", "taj"} {
		for _, f := range casedForms([]string{w}) {
			bankPhrases = append(bankPhrases, struct {
				w    string
				kind uint8
			}{f, 5}) // "ЕГН" as well as "егн"
		}
	}
}

// weighted returns the sum of d[i]*w[i].
func weighted(d []byte, w ...int) int {
	s := 0
	for i, x := range w {
		s += int(d[i]-'0') * x
	}
	return s
}

func allDigitBytes(d []byte) bool { return allDigits(b2s(d)) }

// beNRNValid: a Belgian national register number (rijksregisternummer,
// numéro de registre national), YYMMDD, a serial and two check digits
// that are 97 minus the first nine digits mod 97 (with a 2 before them
// for people born since 2000). A birth month may be 0 (unknown) or
// raised by 20 or 40 (bis numbers).
func beNRNValid(d []byte) bool {
	if len(d) != 11 || !allDigitBytes(d) {
		return false
	}
	body, c := atoi(d[:9]), atoi(d[9:])
	return 97-body%97 == c || 97-(2000000000+body)%97 == c
}

// eeIsikukoodValid: an Estonian isikukood (and Lithuania's asmens kodas,
// built alike): a century-and-sex digit 1-6, YYMMDD, a serial and a
// mod-11 check with weights 1..9,1, or 3..9,1,2,3 when that gives 10.
func eeIsikukoodValid(d []byte) bool {
	if len(d) != 11 || !allDigitBytes(d) || d[0] < '1' || d[0] > '6' || !dateOK(atoi(d[5:7]), atoi(d[3:5])) {
		return false
	}
	c := weighted(d, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1) % 11
	if c == 10 {
		c = weighted(d, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3) % 11
		if c == 10 {
			c = 0
		}
	}
	return c == int(d[10]-'0')
}

// roCNPValid: a Romanian cod numeric personal, a sex-and-century digit,
// YYMMDD, a county, a serial and a mod-11 check with weights
// 279146358279 (10 reads 1).
func roCNPValid(d []byte) bool {
	if len(d) != 13 || !allDigitBytes(d) || d[0] == '0' || !dateOK(atoi(d[5:7]), atoi(d[3:5])) {
		return false
	}
	c := weighted(d, 2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9) % 11
	if c == 10 {
		c = 1
	}
	return c == int(d[12]-'0')
}

// bgEGNValid: a Bulgarian ЕГН, YYMMDD (the month raised by 20 before
// 1900 and by 40 since 2000), a serial and a mod-11 check with weights
// 2,4,8,5,10,9,7,3,6 (10 reads 0).
func bgEGNValid(d []byte) bool {
	if len(d) != 10 || !allDigitBytes(d) {
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
	c := weighted(d, 2, 4, 8, 5, 10, 9, 7, 3, 6) % 11
	if c == 10 {
		c = 0
	}
	return c == int(d[9]-'0')
}

// oibValid: a Croatian OIB, ten digits and an ISO 7064 MOD 11,10 check.
func oibValid(d []byte) bool {
	if len(d) != 11 || !allDigitBytes(d) {
		return false
	}
	a := 10
	for i := 0; i < 10; i++ {
		a = (a + int(d[i]-'0')) % 10
		if a == 0 {
			a = 10
		}
		a = a * 2 % 11
	}
	c := 11 - a
	if c == 10 {
		c = 0
	}
	return c == int(d[10]-'0')
}

// jmbgValid: a JMBG / EMŠO (the former Yugoslav republics), DDMMYYY, a
// region, a serial and a mod-11 check with weights 7..2,7..2 (a result
// above 9 reads 0).
func jmbgValid(d []byte) bool {
	if len(d) != 13 || !allDigitBytes(d) || !dateOK(atoi(d[:2]), atoi(d[2:4])) {
		return false
	}
	m := 11 - weighted(d, 7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)%11
	if m > 9 {
		m = 0
	}
	return m == int(d[12]-'0')
}

// rcShape: a Czech or Slovak rodné číslo, nine digits (born before 1954)
// or ten.
func rcShape(u []byte) bool { return (len(u) == 9 || len(u) == 10) && allDigitBytes(u) }

// rcValid: YYMMDD (the month raised by 50 for women, and by 20 since
// 2004 when a day's serials ran out), a serial and, for ten digits, the
// whole number divisible by 11 (before 1985 also: the first nine mod 11
// is 10 and the last digit 0).
func rcValid(d []byte) bool {
	if !rcShape(d) {
		return false
	}
	m := atoi(d[2:4])
	switch {
	case m > 70:
		m -= 70
	case m > 50:
		m -= 50
	case m > 20:
		m -= 20
	}
	if !dateOK(atoi(d[4:6]), m) {
		return false
	}
	if len(d) == 9 {
		return atoi(d[:2]) < 54
	}
	r := 0
	for _, c := range d {
		r = (r*10 + int(c-'0')) % 11
	}
	if r == 0 {
		return true
	}
	r9 := 0
	for _, c := range d[:9] {
		r9 = (r9*10 + int(c-'0')) % 11
	}
	return r9 == 10 && d[9] == '0'
}

// cuitValid: an Argentine CUIL/CUIT, a type (20, 23, 24, 25, 26, 27 for
// people, 30, 33, 34 for companies), a DNI and a mod-11 check with weights
// 5,4,3,2,7,6,5,4,3,2 (11 reads 0; 10 is never issued).
func cuitValid(d []byte) bool {
	if len(d) != 11 || !allDigitBytes(d) {
		return false
	}
	switch atoi(d[:2]) {
	case 20, 23, 24, 25, 26, 27, 30, 33, 34:
	default:
		return false
	}
	c := 11 - weighted(d, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)%11
	if c == 11 {
		c = 0
	}
	return c < 10 && c == int(d[10]-'0')
}

// thaiIDValid: a Thai national ID, a category digit 1-8, eleven digits
// and a check: 11 minus the sum of the first twelve weighted 13..2, mod
// 11, mod 10.
func thaiIDValid(d []byte) bool {
	if len(d) != 13 || !allDigitBytes(d) || d[0] < '1' || d[0] > '8' {
		return false
	}
	c := (11 - weighted(d, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2)%11) % 10
	return c == int(d[12]-'0')
}

// thaiIDWritten: a Thai ID as printed, in groups of 1-4-5-2-1.
func thaiIDWritten(t string) bool {
	return len(t) == 17 && t[1] == '-' && t[6] == '-' && t[12] == '-' && t[15] == '-'
}

// kennitalaValid: an Icelandic kennitala, DDMMYY (the day raised by 40
// for companies), two serial digits, a check digit (11 minus the first
// eight weighted 3,2,7,6,5,4,3,2, mod 11; 10 is never issued) and a
// century digit (9, 0 or 8).
func kennitalaValid(d []byte) bool {
	if len(d) != 10 || !allDigitBytes(d) || d[9] != '9' && d[9] != '0' && d[9] != '8' {
		return false
	}
	day := atoi(d[:2])
	if day > 40 {
		day -= 40
	}
	if !dateOK(day, atoi(d[2:4])) {
		return false
	}
	c := 11 - weighted(d, 3, 2, 7, 6, 5, 4, 3, 2)%11
	if c == 11 {
		c = 0
	}
	return c < 10 && c == int(d[8]-'0')
}

// ahvShape: a Swiss AHV/AVS number, 756 and ten digits (an EAN-13).
func ahvShape(u []byte) bool {
	return len(u) == 13 && u[0] == '7' && u[1] == '5' && u[2] == '6' && allDigitBytes(u)
}

// ean13Valid: the EAN-13 check digit (weights 1 and 3 from the left).
func ean13Valid(d []byte) bool {
	if len(d) != 13 || !allDigitBytes(d) {
		return false
	}
	s := 0
	for i := 0; i < 12; i++ {
		s += int(d[i]-'0') * (1 + 2*(i%2))
	}
	return (10-s%10)%10 == int(d[12]-'0')
}

// ppsnShape: an Irish PPS number, seven digits, a check letter and an
// optional second letter (W, or A-Z since 2013).
func ppsnShape(u []byte) bool {
	return (len(u) == 8 || len(u) == 9) && allDigitBytes(u[:7]) && isUpper(u[7]) && (len(u) == 8 || isUpper(u[8]))
}

// ppsnValid: the check letter is the sum of the digits weighted 8..2 (and
// a second letter other than W weighted 9, A=1), mod 23, as a letter
// (0 is W).
func ppsnValid(u []byte) bool {
	if !ppsnShape(u) {
		return false
	}
	s := weighted(u, 8, 7, 6, 5, 4, 3, 2)
	if len(u) == 9 && u[8] != 'W' {
		s += int(u[8]-'A'+1) * 9
	}
	r := s % 23
	want := byte('W')
	if r > 0 {
		want = byte('A' + r - 1)
	}
	return u[7] == want
}

// ptNIFValid: a Portuguese NIF (número de contribuinte), nine digits whose
// last is 11 minus the first eight weighted 9..2, mod 11 (10 and 11 read 0).
func ptNIFValid(d []byte) bool {
	if len(d) != 9 || !allDigitBytes(d) || d[0] == '0' || d[0] == '4' {
		return false
	}
	c := 11 - weighted(d, 9, 8, 7, 6, 5, 4, 3, 2)%11
	if c >= 10 {
		c = 0
	}
	return c == int(d[8]-'0')
}

// tajValid: a Hungarian TAJ number, eight digits weighted 3 and 7 in turn
// and a check digit, their sum mod 10.
func tajValid(d []byte) bool {
	if len(d) != 9 || !allDigitBytes(d) {
		return false
	}
	return weighted(d, 3, 7, 3, 7, 3, 7, 3, 7)%10 == int(d[8]-'0')
}

// emiratesShape: an Emirates ID number, 784 (the UAE's ISO numeric code),
// the birth year, seven digits and a check digit.
func emiratesShape(u []byte) bool {
	return len(u) == 15 && u[0] == '7' && u[1] == '8' && u[2] == '4' && allDigitBytes(u)
}

// emiratesValid: its check digit is Luhn's.
func emiratesValid(d []byte) bool { return emiratesShape(d) && luhn(d) }

// newIDValid: d (digits, separators dropped) passes the check of one of
// this file's formats whose shape is long or particular enough to stand
// as a national ID when written in groups after an ID cue.
func newIDValid(d []byte) bool {
	switch len(d) {
	case 9:
		return tajValid(d) || ptNIFValid(d)
	case 10:
		return bgEGNValid(d) || rcValid(d) || kennitalaValid(d)
	case 11:
		return beNRNValid(d) || eeIsikukoodValid(d) || oibValid(d) || cuitValid(d)
	case 13:
		return roCNPValid(d) || jmbgValid(d) || thaiIDValid(d) || ahvShape(d) && ean13Valid(d)
	case 15:
		return emiratesValid(d)
	}
	return false
}

// addKeysLate adds dictionary words after keys.go's init has run, marking
// their last two bytes in tailSet as that init does.
func addKeysLate(k keyKind, names ...string) {
	addKeys(k, names...)
	for _, w := range names {
		if len(w) >= 2 {
			tailSet[uint16(w[len(w)-2])<<8|uint16(w[len(w)-1])] = true
		}
	}
}

// matchThaiID: a Thai ID as printed, 1-4-5-2-1 digits joined by dashes,
// passing its check.
func matchThaiID(s string, i int) int {
	if i+17 > len(s) {
		return -1
	}
	var d [13]byte
	n := 0
	for k := 0; k < 17; k++ {
		c := s[i+k]
		switch k {
		case 1, 6, 12, 15:
			if c != '-' {
				return -1
			}
		default:
			if !isDigit(c) {
				return -1
			}
			d[n] = c
			n++
		}
	}
	if !boundaryAfter(s, i+17) || i+17 < len(s) && s[i+17] == '-' || !thaiIDValid(d[:]) {
		return -1
	}
	return i + 17
}

// matchEmiratesID: an Emirates ID as printed, 784-YYYY-NNNNNNN-C, passing
// Luhn.
func matchEmiratesID(s string, i int) int {
	var buf [24]byte
	d, j := groupsAt(&buf, s, i, "-", [4]int{3, 4, 7, 1})
	if j < 0 || !emiratesValid(d) {
		return -1
	}
	return j
}

// matchRodneCislo: a Czech or Slovak birth number as written, YYMMDD/SSSC,
// its date valid and the ten digits divisible by 11.
func matchRodneCislo(s string, i int) int {
	var buf [24]byte
	d, j := groupsAt(&buf, s, i, "/", [4]int{6, 4})
	if j < 0 || !rcValid(d) {
		return -1
	}
	return j
}

// countryFormats maps an ISO 3166 code to a key word of the national-ID
// format with a check that its country issues to people.
var countryFormats = map[string]string{
	"be": "rijksregister", "ee": "isikukood", "lt": "asmens_kodas", "ro": "cnp", "bg": "egn", "hr": "oib",
	"rs": "jmbg", "si": "emso", "ba": "jmbg", "mk": "jmbg", "me": "jmbg", "cz": "rodne", "sk": "rodne",
	"ar": "cuil", "th": "thai", "is": "kennitala", "ch": "ahv", "ie": "ppsn", "pt": "contribuinte", "hu": "taj",
	"ae": "emirates", "es": "dni", "no": "fodselsnummer", "fi": "hetu", "se": "personnummer", "it": "codicefiscale",
	"tr": "tckn", "jp": "mynumber", "cl": "rut", "cn": "shenfenzheng", "kr": "rrn", "ca": "sin", "gb": "nino",
	"uk": "nino", "nl": "sofinummer", "au": "tfn", "il": "zehut", "sg": "nric", "hk": "hk_identity", "tw": "taiwan",
}

// countryNamed: key ends with a country code after a separator
// ("personal_code_ee", "citizenIdTH") whose format is one of words: a
// generic ID key qualified by its country names that country's format.
func countryNamed(key string, words []string) bool {
	n := len(key)
	if n < 4 || !isLetterByte(key[n-1]) || !isLetterByte(key[n-2]) || isLetterByte(key[n-3]) && !(isUpper(key[n-2]) && !isUpper(key[n-3])) {
		return false
	}
	cc := [2]byte{key[n-2] | 0x20, key[n-1] | 0x20}
	if !countryCode(cc[0], cc[1]) {
		return false // not a code, or one keys use as a word ("no", "is", "id")
	}
	w, ok := countryFormats[string(cc[:])]
	if !ok {
		return false
	}
	for _, x := range words {
		if x == w {
			return true
		}
	}
	return false
}

// foreignSSNKey: k names a social security number qualified by a country
// other than the United States ("social_security_ch", "ssnFR"): that
// country's number has its own shape and check (an AHV number, a NIR),
// not the SSA's.
func foreignSSNKey(k string) bool {
	n := len(k)
	if n < 5 || !isLetterByte(k[n-1]) || !isLetterByte(k[n-2]) || isLetterByte(k[n-3]) && !(isUpper(k[n-2]) && !isUpper(k[n-3])) {
		return false
	}
	a, b := k[n-2]|0x20, k[n-1]|0x20
	return countryCode(a, b) && !(a == 'u' && b == 's')
}
