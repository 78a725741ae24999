package guard

// National-ID formats of the eighth round (issue 13), from their issuers'
// published rules: under a key that names one, a value of its shape must
// pass its check (failsIDCheck) and a look-alike that fails it is some
// other number; after a cue in prose, a value written in groups must pass
// it. Formats without a check digit (the US Medicare Beneficiary
// Identifier, Malaysia's MyKad, Indonesia's NIK, Denmark's CPR since 2007)
// are judged by their structure: a birth date, a place code, the letters
// the issuer uses.
//
// This file's init appends to idFormats, the dictionary and the cue
// words, after natcheck6.go's and before phrases.go indexes the cues
// (files initialise in name order).
func init() {
	first := len(idFormats)
	defer func() {
		for _, f := range idFormats[first:] {
			for _, w := range f.words {
				soleFormatWords[w] = true
			}
		}
	}()
	idFormats = append(idFormats,
		idFormat{[]string{"cpr", "cpr_nummer", "cprnummer", "cpr_nr", "cprnr"}, false, digitsShape(10), dkCPRValid, nil},
		idFormat{[]string{"nip"}, false, digitsShape(10), plNIPValid, nil},
		idFormat{[]string{"personas_kods", "personaskods", "personas", "personal_code", "personalcode"}, false, digitsShape(11), lvPersonasKodsValid, nil},
		idFormat{[]string{"amka", "αμκα"}, false, digitsShape(11), grAMKAValid, nil},
		idFormat{[]string{"snils", "снилс", "СНИЛС"}, false, digitsShape(11), snilsValid, nil},
		idFormat{[]string{"inn", "инн", "ИНН"}, false, digitsShape(12), ruINNValid, nil},
		idFormat{[]string{"rnokpp", "рнокпп", "РНОКПП", "іпн", "ІПН", "ідентифікаційний"}, false, digitsShape(10), uaRNOKPPValid, nil},
		idFormat{[]string{"iin", "иин", "ИИН", "жсн", "ЖСН"}, false, digitsShape(12), kzIINValid, nil},
		idFormat{[]string{"svnr", "sv_nummer", "svnummer", "sv_nr", "sv nummer", "sv-nummer", "versicherungsnummer"}, false, digitsShape(10), atSVNRValid, nil},
		idFormat{[]string{"ird"}, false, irdShape, irdValid, nil},
		idFormat{[]string{"medicare"}, false, medicareAUShape, medicareAUValid, nil},
		idFormat{[]string{"melli", "kode_melli", "kodemelli", "کد_ملی", "کدملی", "national_code", "nationalcode"}, false, digitsShape(10), irMelliValid, nil},
		idFormat{[]string{"iqama", "saudi"}, false, digitsShape(10), saudiIDValid, nil},
		idFormat{[]string{"dnummer", "d_nummer"}, false, digitsShape(11), fnrValid, nil},
		idFormat{[]string{"mbi", "beneficiary", "medicare"}, false, mbiWritten, mbiShape, nil},
		idFormat{[]string{"mykad", "no_kp", "nokp", "kad_pengenalan", "kadpengenalan"}, false, digitsShape(12), myKadValid, nil},
		idFormat{[]string{"nik", "induk", "ktp"}, false, digitsShape(16), nikValid, nil},
	)
	for cc, w := range map[string]string{"dk": "cpr", "lv": "personas", "gr": "amka", "ua": "rnokpp", "kz": "iin", "at": "svnr", "nz": "ird", "ir": "melli", "sa": "iqama", "my": "mykad", "pl": "nip"} {
		countryFormats[cc] = w
	}
	addKeysLate(kNatID, "cprnummer", "cprnr", "nip", "numernip", "nipnumber", "personaskods", "amka", "snils", "снилс",
		"inn", "инн", "innfl", "rnokpp", "рнокпп", "ідентифікаційнийкод", "iin", "иин", "жсн", "svnr", "svnummer",
		"sozialversicherungsnr", "versicherungsnummer", "ird", "irdnumber", "irdno", "medicarenumber", "medicarecardnumber",
		"medicareno", "kodemelli", "کدملی", "nationalcode", "shomaremelli", "iqama", "iqamanumber", "iqamano", "dnummer",
		"mbi", "medicarebeneficiaryid", "medicarebeneficiaryidentifier", "mykad", "nokp", "nomorkp", "kadpengenalan",
		"nomorindukkependudukan", "nomorinduk", "nikktp", "noktp", "nomorktp")
	for _, w := range []string{"cpr-nummer", "cpr nummer", "nip", "asmens kodas", "personas kods", "рнокпп", "іпн", "иин", "жсн",
		"amka", "rnokpp", "iin",
		"sv-nummer", "sv nummer", "versicherungsnummer", "ird number", "ird no", "medicare number", "medicare no",
		"medicare card number", "mbi", "kode melli", "national code", "کد ملی", "iqama", "رقم الإقامة", "d-nummer", "d nummer",
		"nomor induk kependudukan", "nik", "cedula de identidad", "cédula de identidad"} {
		for _, f := range casedForms([]string{w}) {
			bankPhrases = append(bankPhrases, struct {
				w    string
				kind uint8
			}{f, 5})
		}
	}
}

// dkCPRValid: a Danish CPR number DDMMYY-SSSS. Numbers issued before
// October 2007 pass mod 11 with weights 4,3,2,7,6,5,4,3,2,1; later ones
// need not, so only the birth date is judged.
func dkCPRValid(d []byte) bool { return dateOK(atoi(d[0:2]), atoi(d[2:4])) }

// plNIPValid: a Polish NIP (tax number), weights 6,5,7,2,3,4,5,6,7, the
// sum mod 11 is the last digit (10 is never issued).
func plNIPValid(d []byte) bool {
	c := weighted(d, 6, 5, 7, 2, 3, 4, 5, 6, 7) % 11
	return c != 10 && c == int(d[9]-'0')
}

// lvPersonasKodsValid: a Latvian personal code. The old form DDMMYY-CNNNX
// has X = (1101 - sum of weights 1,6,3,7,9,10,5,8,4,2) mod 11; codes
// issued since July 2017 start with 32 and carry no date or check.
func lvPersonasKodsValid(d []byte) bool {
	if d[0] == '3' && d[1] == '2' {
		return true
	}
	if !dateOK(atoi(d[0:2]), atoi(d[2:4])) {
		return false
	}
	c := (1101 - weighted(d, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)) % 11
	return c < 10 && c == int(d[10]-'0')
}

// grAMKAValid: a Greek social security number (ΑΜΚΑ), the birth date
// DDMMYY, four digits and a Luhn check digit.
func grAMKAValid(d []byte) bool { return dateOK(atoi(d[0:2]), atoi(d[2:4])) && luhn(d) }

// snilsValid: a Russian SNILS, nine digits and two check digits: the sum
// of each digit times 9 down to 1, reduced mod 101 (100 and 101 give 00).
// The check applies above 001-001-998.
func snilsValid(d []byte) bool {
	if atoi(d[:9]) <= 1001998 {
		return false
	}
	s := weighted(d, 9, 8, 7, 6, 5, 4, 3, 2, 1)
	for s > 101 {
		s %= 101
	}
	if s == 100 || s == 101 {
		s = 0
	}
	return s == atoi(d[9:11])
}

// ruINNValid: a Russian personal taxpayer number (12 digits) with two
// check digits, each a weighted sum mod 11 mod 10.
func ruINNValid(d []byte) bool {
	c1 := weighted(d, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8) % 11 % 10
	c2 := weighted(d, 3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8) % 11 % 10
	return c1 == int(d[10]-'0') && c2 == int(d[11]-'0')
}

// uaRNOKPPValid: a Ukrainian taxpayer card number (РНОКПП/ІПН): weights
// -1,5,7,9,4,6,10,5,7, the sum mod 11 mod 10 is the last digit.
func uaRNOKPPValid(d []byte) bool {
	c := weighted(d, -1, 5, 7, 9, 4, 6, 10, 5, 7) % 11
	if c < 0 {
		c += 11
	}
	return c%10 == int(d[9]-'0')
}

// kzIINValid: a Kazakh individual identification number, YYMMDD, a
// century/sex digit 1-6, four digits and a check: weights 1..11 mod 11,
// and when that gives 10, weights 3..11,1,2 (10 again: never issued).
func kzIINValid(d []byte) bool {
	if !dateOK(atoi(d[4:6]), atoi(d[2:4])) || d[6] < '1' || d[6] > '6' {
		return false
	}
	c := weighted(d, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11) % 11
	if c == 10 {
		c = weighted(d, 3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2) % 11
	}
	return c < 10 && c == int(d[11]-'0')
}

// atSVNRValid: an Austrian social insurance number NNNC DDMMYY, its
// fourth digit the check: weights 3,7,9,-,5,8,4,2,1,6 mod 11 (10: never
// issued).
func atSVNRValid(d []byte) bool {
	if d[0] == '0' || !dateOK(atoi(d[4:6]), atoi(d[6:8])) {
		return false
	}
	c := (3*int(d[0]-'0') + 7*int(d[1]-'0') + 9*int(d[2]-'0') + 5*int(d[4]-'0') + 8*int(d[5]-'0') +
		4*int(d[6]-'0') + 2*int(d[7]-'0') + int(d[8]-'0') + 6*int(d[9]-'0')) % 11
	return c != 10 && c == int(d[3]-'0')
}

func irdShape(u []byte) bool { return (len(u) == 8 || len(u) == 9) && allDigitBytes(u) }

// irdValid: a New Zealand IRD number between 10,000,000 and 150,000,000:
// the base (without its check digit) padded to eight digits, weights
// 3,2,7,6,5,4,3,2, check 11 - sum mod 11 (0 stays 0); when that is 10,
// weights 7,4,3,2,5,2,7,6 (10 again: never issued).
func irdValid(u []byte) bool {
	n := atoi(u)
	if n < 10000000 || n > 150000000 {
		return false
	}
	var b [8]byte
	base := u[:len(u)-1]
	copy(b[8-len(base):], base)
	for i := 0; i < 8-len(base); i++ {
		b[i] = '0'
	}
	chk := func(w ...int) int {
		r := weighted(b[:], w...) % 11
		if r == 0 {
			return 0
		}
		return 11 - r
	}
	c := chk(3, 2, 7, 6, 5, 4, 3, 2)
	if c == 10 {
		c = chk(7, 4, 3, 2, 5, 2, 7, 6)
	}
	return c < 10 && c == int(u[len(u)-1]-'0')
}

func medicareAUShape(u []byte) bool {
	return (len(u) == 10 || len(u) == 11) && allDigitBytes(u) && u[0] >= '2' && u[0] <= '6'
}

// medicareAUValid: an Australian Medicare card number, eight digits, a
// check digit (weights 1,3,7,9,1,3,7,9 mod 10) and the issue number.
func medicareAUValid(d []byte) bool {
	return weighted(d, 1, 3, 7, 9, 1, 3, 7, 9)%10 == int(d[8]-'0')
}

// irMelliValid: an Iranian national code, ten digits, r = sum of digit
// times 10 down to 2 mod 11, check r below 2, else 11 - r; all one digit
// is not issued.
func irMelliValid(d []byte) bool {
	same := true
	for _, c := range d[1:] {
		same = same && c == d[0]
	}
	if same {
		return false
	}
	r := weighted(d, 10, 9, 8, 7, 6, 5, 4, 3, 2) % 11
	if r >= 2 {
		r = 11 - r
	}
	return r == int(d[9]-'0')
}

// saudiIDValid: a Saudi national ID (1...) or iqama (2...), ten digits,
// Luhn.
func saudiIDValid(d []byte) bool { return (d[0] == '1' || d[0] == '2') && luhn(d) }

// mbiShape: a US Medicare Beneficiary Identifier, 11 characters: a digit
// 1-9, a letter, a letter or digit, a digit, a letter, a letter or digit,
// a digit, two letters, two digits; its letters exclude S, L, O, I, B, Z.
func mbiShape(u []byte) bool {
	if len(u) != 11 {
		return false
	}
	l := func(c byte) bool { return c >= 'A' && c <= 'Z' && strings8MBI[c-'A'] }
	n := func(c byte) bool { return isDigit(c) }
	return u[0] >= '1' && u[0] <= '9' && l(u[1]) && (l(u[2]) || n(u[2])) && n(u[3]) && l(u[4]) &&
		(l(u[5]) || n(u[5])) && n(u[6]) && l(u[7]) && l(u[8]) && n(u[9]) && n(u[10])
}

// soleFormatWords: the key words of this file's formats, each naming one
// country's one number of a fixed shape (formatOnlyKey). Older words such
// as "dni" or "nric" also name numbers of shapes idFormats does not hold
// (Argentina's DNI, Singapore's M-series FIN), decided by the key alone.
var soleFormatWords = map[string]bool{}

// mbiWritten: 11 letters and digits, a digit 1-9 first, with letters
// among them: an MBI as written, whether or not its letters and digits
// stand where mbiShape wants them (a value of this shape that fails it is
// not an MBI). Australian Medicare numbers, under the same word, are
// digits only.
func mbiWritten(u []byte) bool {
	if len(u) != 11 || u[0] < '1' || u[0] > '9' {
		return false
	}
	for _, c := range u {
		if isUpper(c) {
			return true
		}
	}
	return false
}

// strings8MBI marks the letters an MBI uses (A-Z but S, L, O, I, B, Z).
var strings8MBI = func() (t [26]bool) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c-'A'] = c != 'S' && c != 'L' && c != 'O' && c != 'I' && c != 'B' && c != 'Z'
	}
	return t
}()

// myKadValid: a Malaysian MyKad number YYMMDD-PB-NNNN, its birthplace
// code one the National Registration Department assigns (01-16 states,
// 21-59 and 60-68, 71-72, 74-79, 82-93, 98-99 abroad and others).
func myKadValid(d []byte) bool {
	if !dateOK(atoi(d[4:6]), atoi(d[2:4])) {
		return false
	}
	pb := atoi(d[6:8])
	switch {
	case pb >= 1 && pb <= 16, pb >= 21 && pb <= 68, pb == 71, pb == 72, pb >= 74 && pb <= 79, pb >= 82 && pb <= 93, pb >= 98:
		return true
	}
	return false
}

// nikValid: an Indonesian NIK, a six-digit region code, the birth date
// DDMMYY (40 added to the day for women) and a four-digit serial above 0.
func nikValid(d []byte) bool {
	dd := atoi(d[6:8])
	if dd > 40 {
		dd -= 40
	}
	return d[0] != '0' && dateOK(dd, atoi(d[8:10])) && atoi(d[12:16]) > 0
}
