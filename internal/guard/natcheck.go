package guard

import "strings"

// National-ID formats with check characters, judged by the key that names
// them. Under a key naming one of these formats (in one of its spellings),
// a value written in that format's shape must pass the format's check: a
// value that fails it is some other number (a reference, a made-up test
// value, a different identifier), as an SSN breaking the SSA's rules is.
// A value that passes another country's check only is not taken for that
// country's ID either: the key's format decides. Formats without a check
// (and shapes the key does not name) stay decided by the key alone.
//
// A few written shapes are so particular to one format (a HETU's century
// sign, a DNI's or NIE's control letter, a PRC resident ID's 18 characters
// with a birth date) that they are judged by their check under any
// national-ID key, not only under one naming the format.

// idFormat is one format: the key words naming it (short words must stand
// as a word of the key), whether its shape is judged under generic ID keys
// too, the shape of its normalised value (upper-case letters and digits,
// separators dropped) and its check.
type idFormat struct {
	words   []string
	generic bool
	shape   func(u []byte) bool
	valid   func(u []byte) bool
	written func(t string) bool // for generic keys: the written shape too, if the normalised one is not particular
}

var idFormats = []idFormat{
	{[]string{"dni", "nif", "documentoidentidad", "documento_identidad", "documentodeidentidad", "documento_de_identidad"}, true, dniShape, dniValid, nil},
	{[]string{"nie", "nif"}, true, nieShape, nieValid, nil},
	{[]string{"nric", "fin"}, false, nricShape, nricValid, nil},
	{[]string{"fodselsnummer", "fødselsnummer", "fodselsnr", "fødselsnr", "fnr", "personnummer"}, false, digitsShape(11), fnrValid, nil},
	{[]string{"rrn", "jumin", "주민등록", "주민번호", "residentregistration", "resident_registration"}, false, digitsShape(13), rrnValid, nil},
	{[]string{"sin", "nas", "socialinsurance", "social_insurance", "assurancesociale", "assurance_sociale"}, false, digitsShape(9), sinValid, nil},
	{[]string{"hetu", "henkilotunnus", "henkilötunnus", "personalidentitycode", "personal_identity_code"}, true, hetuShape, hetuValid, hetuWritten},
	{[]string{"nino", "ni_number", "ninumber", "nationalinsurance", "national_insurance"}, false, ninoShape, ninoValid, nil},
	{[]string{"codicefiscale", "codice_fiscale", "codfisc", "cod_fisc"}, false, cfShape, cfValid, nil},
	{[]string{"tckn", "kimlik", "tcno", "tc_no"}, false, digitsShape(11), tcknValid, nil},
	{[]string{"personnummer", "personalidentitynumber", "personal_identity_number", "samordningsnummer"}, true, pnrShape, pnrValid, pnrWritten},
	{[]string{"mynumber", "my_number", "kojinbango", "kojin_bango", "マイナンバー", "個人番号"}, false, digitsShape(12), myNumberValid, nil},
	{[]string{"rut", "run"}, false, rutShape, rutValid, nil},
	{[]string{"shenfenzheng", "身份证", "公民身份", "idcardno", "id_card_no", "idcardnumber", "id_card_number"}, true, cnShape, cnResidentValid, nil},
	{[]string{"hk_identity", "hkidentity", "hk_id", "hongkong"}, false, hkidShape, hkidValid, nil},
	{[]string{"taiwan", "twid", "tw_id"}, true, twShape, twIDValid, nil},
	{[]string{"sofi", "sofinummer", "sofinr", "sofinumber"}, false, digitsShape(9), bsnValid, nil},
	{[]string{"tfn", "taxfilenumber", "tax_file_number"}, false, digitsShape(9), tfnValid, nil},
	{[]string{"zehut", "teudat", "israeli", "תעודתזהות", "תעודת_זהות", "מספרזהות"}, false, digitsShape(9), luhn, nil},
}

// genericIDKey: a national-ID key that names no particular document kind
// whose numbers may take any shape (passports, licences, tax numbers).
func genericIDKey(key string) bool {
	return !containsFoldAny(key, "passport", "licen", "tax", "pass", "steuer", "fiscal", "driver", "document_no", "documentno")
}

// keyNames reports whether key holds w: long words anywhere, words of
// up to four bytes only as a word of their own (between non-letters or at
// a lower-to-upper case change).
func keyNames(key, w string) bool {
	if len(w) > 4 {
		return containsFold(key, w)
	}
	for i := 0; i+len(w) <= len(key); i++ {
		if !equalFoldASCII(key[i:i+len(w)], w) {
			continue
		}
		before := i == 0 || !keyLetter(key[i-1]) || isUpper(key[i]) && !isUpper(key[i-1])
		j := i + len(w)
		after := j == len(key) || !keyLetter(key[j]) || isUpper(key[j]) && !isUpper(key[j-1])
		if before && after {
			return true
		}
	}
	return false
}

func keyLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' || c >= 0x80 }

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x >= 'A' && x <= 'Z' {
			x += 32
		}
		if y >= 'A' && y <= 'Z' {
			y += 32
		}
		if x != y {
			return false
		}
	}
	return true
}

// countryIDWord names, for an ISO 3166 code, a word of its national ID's
// format in idFormats: a key qualified by the country ("nif_pt",
// "personal_code_ee") names that format.
var countryIDWord = map[string]string{
	"es": "nif", "sg": "nric", "kr": "rrn", "ca": "sin", "fi": "hetu", "gb": "nino", "it": "codicefiscale",
	"tr": "kimlik", "se": "personnummer", "jp": "mynumber", "cl": "rut", "cn": "shenfenzheng", "hk": "hk_identity",
	"tw": "taiwan", "au": "tfn", "il": "zehut", "be": "rijksregister", "ee": "isikukood", "lt": "isikukood",
	"ro": "cnp", "bg": "egn", "hr": "oib", "rs": "jmbg", "ba": "jmbg", "me": "jmbg", "mk": "jmbg", "si": "jmbg",
	"cz": "rodne", "sk": "rodne", "ar": "cuil", "th": "thai", "is": "kennitala", "ch": "ahv", "ie": "ppsn",
	"pt": "contribuinte", "hu": "taj", "ae": "emirates",
}

// keyCountry returns the ISO 3166 code qualifying key ("nif_pt",
// "pt_nif", "idNumberTW"), lower case, or "".
func keyCountry(key string) string {
	n := len(key)
	if n < 4 {
		return ""
	}
	two := func(a, b byte) string {
		a, b = lower(a), lower(b)
		if a < 'a' || a > 'z' || b < 'a' || b > 'z' || !countryCode(a, b) {
			return ""
		}
		return string([]byte{a, b})
	}
	if c := key[n-3]; c == '_' || c == '-' || c == '.' || c == ' ' || isUpper(key[n-2]) && isUpper(key[n-1]) && c >= 'a' && c <= 'z' {
		if cc := two(key[n-2], key[n-1]); cc != "" {
			return cc
		}
	}
	if c := key[2]; c == '_' || c == '-' || c == '.' || c == ' ' {
		return two(key[0], key[1])
	}
	return ""
}

// failsIDCheck: under key (a national-ID key or an ID cue in prose), t is
// written in the shape of a format with a check that the key names, passes
// none of them, and passes no check of namedChecks the key names either.
func failsIDCheck(key, t string) bool {
	if len(key) < 2 || len(t) < 5 || len(t) > 24 {
		return false
	}
	var buf [24]byte
	u := buf[:0]
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case isAlnum(c):
			u = append(u, upper(c))
		case c == '.' || c == '-' || c == '/' || c == ' ' || c == '+' || c == '(' || c == ')':
		default:
			return false
		}
	}
	// The formats the key names (by a word, or by the country that issues
	// them: "personal_code_ee", "citizen_id_th") decide; only a key naming
	// none of those whose shape t has is judged by the particular written
	// shapes.
	ccWord := countryIDWord[keyCountry(key)]
	applies := false
	for pass := 0; pass < 2 && !applies; pass++ {
		if pass == 1 && (!genericIDKey(key) || pairValueKey(key) || idNumberChild(key)) {
			// A "number" or "value" whose ID context comes from its parent
			// object or a sibling (a passport's number) is left to it.
			break
		}
		for k := range idFormats {
			f := &idFormats[k]
			if !f.shape(u) {
				continue
			}
			if pass == 0 {
				named := countryNamed(key, f.words)
				for _, w := range f.words {
					if keyNames(key, w) || w == ccWord && ccWord != "" {
						named = true
						break
					}
				}
				if !named {
					continue
				}
			} else if !f.generic || f.written != nil && !f.written(t) {
				continue
			}
			if f.valid(u) {
				return false
			}
			applies = true
		}
	}
	if !applies {
		if formatOnlyKey(key, ccWord) && !passesNamedCheck(key, t) && !passesNamedCheckLen(key, u) {
			return true
		}
		return failsNamedCheck(key, t)
	}
	for _, nc := range namedChecks {
		if len(u) == nc.n && containsFold(key, nc.word) && nc.valid(u) {
			return false
		}
	}
	return true
}

// formatOnlyKey: key names national-ID formats of fixed shapes ("iin",
// "cpr", "nip", a country's word; soleFormatWords) and nothing that names
// national IDs in general (an id, a national, personal, citizen or social
// number). A value of none of those shapes is another number under a word
// that can mean other things too: "iin" is also a card's issuer
// identification number.
func formatOnlyKey(key, ccWord string) bool {
	if keyNames(key, "id") || containsFoldAny(key, "national", "ident", "citizen", "person", "social", "ssn", "civil", "passport") {
		return false
	}
	for w := range soleFormatWords {
		if keyNames(key, w) || w == ccWord && ccWord != "" {
			return true
		}
	}
	return false
}

// passesNamedCheckLen: u passes a check of namedChecks the key names.
func passesNamedCheckLen(key string, u []byte) bool {
	for _, nc := range namedChecks {
		if len(u) == nc.n && containsFold(key, nc.word) && nc.valid(u) {
			return true
		}
	}
	return false
}

func digitsShape(n int) func([]byte) bool {
	return func(u []byte) bool { return len(u) == n && allDigits(b2s(u)) }
}

func dniShape(u []byte) bool {
	return len(u) == 9 && allDigits(b2s(u[:8])) && isUpper(u[8])
}

func dniValid(u []byte) bool { return dniShape(u) && u[8] == dniLetters[atoi(u[:8])%23] }

func nieShape(u []byte) bool {
	return len(u) == 9 && (u[0] == 'X' || u[0] == 'Y' || u[0] == 'Z') && allDigits(b2s(u[1:8])) && isUpper(u[8])
}

func nieValid(u []byte) bool {
	return nieShape(u) && u[8] == dniLetters[(int(u[0]-'X')*10000000+atoi(u[1:8]))%23]
}

// nricShape: Singapore NRIC/FIN, S, T, F or G, seven digits and a check
// letter (the M series, whose check is computed differently, is left to
// the key).
func nricShape(u []byte) bool {
	switch {
	case len(u) != 9, !allDigits(b2s(u[1:8])), !isUpper(u[8]):
		return false
	}
	switch u[0] {
	case 'S', 'T', 'F', 'G':
		return true
	}
	return false
}

func nricValid(u []byte) bool {
	w := [7]int{2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for k, x := range w {
		sum += int(u[k+1]-'0') * x
	}
	if u[0] == 'T' || u[0] == 'G' {
		sum += 4
	}
	table := "JZIHGFEDCBA"
	if u[0] == 'F' || u[0] == 'G' {
		table = "XWUTRQPNMLK"
	}
	return u[8] == table[sum%11]
}

// fnrValid: a Norwegian fødselsnummer, DDMMYY and five digits whose last
// two are mod-11 check digits (D-numbers add 40 to the day, H-numbers 40
// to the month, synthetic test numbers 80).
func fnrValid(d []byte) bool {
	dd, mm := atoi(d[0:2]), atoi(d[2:4])
	if dd > 40 {
		dd -= 40
	}
	if mm > 80 {
		mm -= 80
	} else if mm > 40 {
		mm -= 40
	}
	if !dateOK(dd, mm) {
		return false
	}
	k1 := mod11Check(d[:9], []int{3, 7, 6, 1, 8, 9, 4, 5, 2})
	k2 := mod11Check(d[:10], []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2})
	return k1 == int(d[9]-'0') && k2 == int(d[10]-'0')
}

// mod11Check: 11 minus the weighted sum mod 11 (11 gives 0; 10, never
// issued, gives -1).
func mod11Check(d []byte, w []int) int {
	sum := 0
	for k, x := range w {
		sum += int(d[k]-'0') * x
	}
	c := 11 - sum%11
	switch c {
	case 11:
		return 0
	case 10:
		return -1
	}
	return c
}

// rrnValid: a South Korean resident registration number, YYMMDD, a
// century/sex digit and six digits, the last a check digit: weights 2-9,
// 2-5 over the first twelve, (11 - sum mod 11) mod 10.
func rrnValid(d []byte) bool {
	w := [12]int{2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5}
	sum := 0
	for k, x := range w {
		sum += int(d[k]-'0') * x
	}
	return (11-sum%11)%10 == int(d[12]-'0')
}

// hetuShape: a Finnish HETU without its century sign (a hyphen or plus,
// dropped) or with a century letter: six digits, [letter], three digits,
// a check character.
func hetuShape(u []byte) bool {
	switch len(u) {
	case 10:
		return allDigits(b2s(u[:9])) && isAlnum(u[9])
	case 11:
		switch u[6] {
		case 'A', 'B', 'C', 'D', 'E', 'F', 'U', 'V', 'W', 'X', 'Y':
			return allDigits(b2s(u[:6])) && allDigits(b2s(u[7:10])) && isAlnum(u[10])
		}
	}
	return false
}

func hetuValid(u []byte) bool {
	var d [9]byte
	copy(d[:6], u[:6])
	copy(d[6:], u[len(u)-4:len(u)-1])
	return dateOK(atoi(d[0:2]), atoi(d[2:4])) && u[len(u)-1] == hetuChecks[atoi(d[:])%31]
}

// hetuWritten: a HETU as written, with its century sign.
func hetuWritten(t string) bool {
	return len(t) == 11 && strings.IndexByte("+-ABCDEFUVWXY", t[6]) >= 0
}

// ninoShape: two letters, six digits, a letter: a UK National Insurance
// number's shape; ninoValid adds its rules (prefixes never issued, suffix
// A-D).
func ninoShape(u []byte) bool {
	return len(u) == 9 && isUpper(u[0]) && isUpper(u[1]) && allDigits(b2s(u[2:8])) && isUpper(u[8])
}

func ninoValid(u []byte) bool { return matchNINO(b2s(u), 0) == 9 }

// cfShape: a codice fiscale's 16 characters, six letters first.
func cfShape(u []byte) bool {
	if len(u) != 16 {
		return false
	}
	for k := 0; k < 6; k++ {
		if !isUpper(u[k]) {
			return false
		}
	}
	return isUpper(u[15])
}

// tcknValid: a Turkish T.C. Kimlik No, eleven digits not starting with 0:
// the tenth is (7 × the odd-place sum − the even-place sum) mod 10, the
// eleventh the sum of the first ten mod 10.
func tcknValid(d []byte) bool {
	if d[0] == '0' {
		return false
	}
	odd, even, all := 0, 0, 0
	for k := 0; k < 9; k++ {
		x := int(d[k] - '0')
		if k%2 == 0 {
			odd += x
		} else {
			even += x
		}
	}
	all = odd + even + int(d[9]-'0')
	return ((7*odd-even)%10+10)%10 == int(d[9]-'0') && all%10 == int(d[10]-'0')
}

// pnrShape: a Swedish personnummer without its separator, 10 or 12 digits.
func pnrShape(u []byte) bool { return (len(u) == 10 || len(u) == 12) && allDigits(b2s(u)) }

// pnrWritten: YYMMDD-NNNN or YYYYMMDD-NNNN (+ for a centenarian), the
// written shape a HETU with a hyphen shares: under a generic key a value
// of this shape is an ID when it passes either check.
func pnrWritten(t string) bool {
	n := len(t)
	return (n == 11 || n == 13) && (t[n-5] == '-' || t[n-5] == '+')
}

// pnrValid: the ten-digit form has a date (day + 60 for a
// samordningsnummer) and passes Luhn. Ten digits that fail it but read as
// DDMMYY are left to the key: Denmark's CPR number, also called
// personnummer, has no check any more.
func pnrValid(d []byte) bool {
	ten := d[len(d)-10:]
	mm, dd := atoi(ten[2:4]), atoi(ten[4:6])
	if dd > 60 {
		dd -= 60
	}
	if dateOK(dd, mm) && luhn(ten) {
		return true
	}
	return len(d) == 10 && dateOK(atoi(d[0:2]), atoi(d[2:4]))
}

// myNumberValid: Japan's individual number, eleven digits and a check
// digit: weights 2-7 then 2-6 from the right, 11 − sum mod 11 (0 when the
// remainder is 0 or 1).
func myNumberValid(d []byte) bool {
	sum := 0
	for n := 1; n <= 11; n++ {
		q := n + 1
		if n > 6 {
			q = n - 5
		}
		sum += int(d[11-n]-'0') * q
	}
	c := 0
	if r := sum % 11; r > 1 {
		c = 11 - r
	}
	return c == int(d[11]-'0')
}

// rutShape: a Chilean RUT/RUN, seven or eight digits and a check
// character (a digit or K).
func rutShape(u []byte) bool {
	n := len(u)
	return (n == 8 || n == 9) && allDigits(b2s(u[:n-1])) && (isDigit(u[n-1]) || u[n-1] == 'K')
}

// rutValid: weights 2-7 repeating from the right, 11 − sum mod 11, with
// 11 written 0 and 10 written K.
func rutValid(u []byte) bool {
	n := len(u)
	sum, w := 0, 2
	for k := n - 2; k >= 0; k-- {
		sum += int(u[k]-'0') * w
		if w++; w > 7 {
			w = 2
		}
	}
	want := byte('0' + (11-sum%11)%11)
	if 11-sum%11 == 10 {
		want = 'K'
	}
	return u[n-1] == want
}

// cnShape: a PRC resident ID, seventeen digits and a digit or X.
func cnShape(u []byte) bool {
	return len(u) == 18 && allDigits(b2s(u[:17])) && (isDigit(u[17]) || u[17] == 'X')
}

// tfnValid: an Australian tax file number of nine digits, weights 1, 4,
// 3, 7, 5, 8, 6, 9, 10, the sum divisible by 11.
func tfnValid(d []byte) bool {
	w := [9]int{1, 4, 3, 7, 5, 8, 6, 9, 10}
	sum := 0
	for k, x := range w {
		sum += int(d[k]-'0') * x
	}
	return sum%11 == 0
}

// passportNumberShape: a passport or travel document number as issued:
// six to nine capital letters and digits with at least two digits (German
// passports, for one, draw from CFGHJKLMNPRTVWXYZ and 0-9, so few digits
// is common). Judged only under passport keys or as the number of a
// passport object or {type: passport} pair.
func passportNumberShape(t string) bool {
	if len(t) < 6 || len(t) > 9 {
		return false
	}
	nd, nl := 0, 0
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9':
			nd++
		case c >= 'A' && c <= 'Z':
			nl++
		default:
			return false
		}
	}
	return nd >= 2 && nl >= 1 || germanPassportNumber(t)
}

// germanPassportNumber: a German passport or ID card serial number, nine
// characters from CFGHJKLMNPRTVWXYZ and 0-9 (no vowels, so no word takes
// this shape), the first one of CFGHJK; about one in ten has fewer than
// two digits.
func germanPassportNumber(t string) bool {
	if len(t) != 9 || strings.IndexByte("CFGHJK", t[0]) < 0 {
		return false
	}
	for i := 1; i < len(t); i++ {
		if !isDigit(t[i]) && strings.IndexByte("CFGHJKLMNPRTVWXYZ", t[i]) < 0 {
			return false
		}
	}
	return true
}

// idNumberChild: a key that holds the number of the ID document its
// object names ({"passport": {"no": ...}}).
func idNumberChild(k string) bool {
	switch k {
	case "no", "nr", "num", "nummer", "numero", "número", "nro", "No", "Nr", "Num", "NO", "NR":
		return true
	}
	return false
}

// hkidShape: one or two letters, six digits and a check character (its
// parentheses dropped).
func hkidShape(u []byte) bool {
	n := len(u)
	if n != 8 && n != 9 {
		return false
	}
	nl := n - 7
	for k := 0; k < nl; k++ {
		if !isUpper(u[k]) {
			return false
		}
	}
	return allDigits(b2s(u[nl:n-1])) && (isDigit(u[n-1]) || u[n-1] == 'A')
}

// twShape: a Taiwan national ID or resident certificate number as
// written, a capital letter, 1, 2, 8 or 9, and eight digits: a shape no
// other format in this file has, judged under generic ID keys too.
func twShape(u []byte) bool {
	return len(u) == 10 && isUpper(u[0]) && (u[1] == '1' || u[1] == '2' || u[1] == '8' || u[1] == '9') && allDigits(b2s(u[1:]))
}

// passesNamedCheck: t, in the shape of a format with a check that key (or
// an ID word in prose) names, passes that check.
func passesNamedCheck(key, t string) bool {
	if len(t) < 5 || len(t) > 24 {
		return false
	}
	var buf [24]byte
	u := buf[:0]
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case isAlnum(c):
			u = append(u, upper(c))
		case c == '.' || c == '-' || c == '/' || c == ' ' || c == '+' || c == '(' || c == ')':
		default:
			return false
		}
	}
	for k := range idFormats {
		f := &idFormats[k]
		if !f.shape(u) {
			continue
		}
		for _, w := range f.words {
			if keyNames(key, w) && f.valid(u) {
				return true
			}
		}
	}
	for _, nc := range namedChecks {
		if len(u) == nc.n && containsFold(key, nc.word) && nc.valid(u) {
			return true
		}
	}
	return false
}
