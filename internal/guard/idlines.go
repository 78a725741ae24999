package guard

import "strings"

// National IDs in error messages and log lines whose format is named by an
// identifier rather than by prose: a column ("users.ssn", "Key (cpf)=",
// "['ssn']"), a function ("validarCpf(...)"), a field ("(field cpf)") or
// a path segment ("/persons/.../ssn"). Such a line echoes the value it
// failed on. A value in the same line, near the name, that passes the
// named format's check is that ID: an SSN by the SSA's rules, and only
// when the line sets it apart (quoted, in parentheses or brackets, after
// '=' or ':', or as a path segment), because nine digits are a common
// shape; the formats with check digits (CPF, CNPJ, PESEL, Aadhaar, BSN,
// NINO, CURP, NRIC, TC Kimlik, HETU, personnummer, fødselsnummer, NHS,
// HKID, DNI, sofinummer, PRC and Taiwan IDs) anywhere in the line.
//
// Names of four bytes or fewer must stand as a word of an identifier
// (between non-letters or at a case change: "validarCpf", not "classname").
// "PAN" names India's PAN shape only. SIN, NIE, RUT and RUN are left out: they are words too ("sin", Polish
// "nie", "run").

var idLineNames = []string{"ssn", "cpf", "cnpj", "pesel", "aadhaar", "aadhar", "bsn", "nino", "curp", "nric", "tckn",
	"kimlik", "hetu", "personnummer", "fodselsnummer", "fødselsnummer", "nhs", "hkid", "dni", "sofinummer",
	"taiwan", "twid", "pan", "身份证", "身份證", "身分證"}

// idLineFirst marks the first bytes of idLineNames (both cases).
var idLineFirst [256]bool

func init() {
	for _, n := range idLineNames {
		idLineFirst[n[0]] = true
		if n[0] >= 'a' && n[0] <= 'z' {
			idLineFirst[n[0]-32] = true
		}
	}
}

// idLineWindow is how far from the name a value is looked for.
const idLineWindow = 160

func (w *walker) scanIDNamesInLines(s string) {
	for i := 0; i < len(s); i++ {
		if !idLineFirst[s[i]] {
			continue
		}
		for _, n := range idLineNames {
			if len(s)-i < len(n) || !hasPrefixFold(s[i:], n) || !identWordAt(s, i, i+len(n)) {
				continue
			}
			w.idValuesNear(s, i, i+len(n), n)
			i += len(n) - 1
			break
		}
	}
}

// identWordAt: s[i:j] stands as a word of an identifier or of prose.
func identWordAt(s string, i, j int) bool {
	if s[i] >= 0x80 {
		return true
	}
	before := i == 0 || !isLetterByte(s[i-1]) || isUpper(s[i]) && !isUpper(s[i-1])
	after := j == len(s) || !isLetterByte(s[j]) || isUpper(s[j]) && !isUpper(s[j-1])
	return before && after
}

// idValuesNear checks the values in the line of the name s[ns:ne].
func (w *walker) idValuesNear(s string, ns, ne int, name string) {
	lo := strings.LastIndexByte(s[:ns], '\n') + 1
	if lo < ns-idLineWindow {
		lo = ns - idLineWindow
	}
	hi := len(s)
	if k := strings.IndexByte(s[ne:], '\n'); k >= 0 {
		hi = ne + k
	}
	if hi > ne+idLineWindow {
		hi = ne + idLineWindow
	}
	for a := lo; a < hi; {
		if !isAlnum(s[a]) {
			a++
			continue
		}
		b := a
		for b < hi && (isAlnum(s[b]) || (s[b] == '.' || s[b] == '-') && b+1 < hi && isAlnum(s[b+1]) ||
			s[b] == '/' && b > a && isDigit(s[b-1]) && b+1 < hi && isDigit(s[b+1]) && strings.IndexByte(s[a:b], '.') > 0) {
			b++ // a CNPJ: 11.222.333/0001-81
		}
		if b < len(s) && s[b] == '(' && b+2 < len(s) && s[b+2] == ')' && isAlnum(s[b+1]) {
			b += 3 // an HKID's check character: A123456(3)
		}
		if (a == 0 || !isAlnum(s[a-1])) && (b == len(s) || !isAlnum(s[b])) && (b <= ns || a >= ne) && w.idLineValue(s, a, b, name) {
			w.add(NationalID, "text.national_id", a, b)
		}
		a = b
	}
}

// idLineValue: s[a:b] is an ID of the format name names.
func (w *walker) idLineValue(s string, a, b int, name string) bool {
	t := s[a:b]
	if b-a < 5 || b-a > 24 {
		return false
	}
	if name == "pan" {
		// India's Permanent Account Number; "pan" is also a card word.
		return indiaPAN(t)
	}
	nd := 0
	for i := 0; i < len(t); i++ {
		if isDigit(t[i]) {
			nd++
		}
	}
	if nd < 6 {
		return false
	}
	if name == "ssn" {
		var buf [24]byte
		d, clean := onlyDigits(buf[:0], t)
		if !clean || len(d) != 9 || !ssnValid(d) || !(len(t) == 9 || len(t) == 11 && t[3] == '-' && t[6] == '-') {
			return false
		}
		// Set apart: quoted, in parentheses or brackets, after '=' or
		// ':', or a path segment.
		var p, q byte
		if a > 0 {
			p = s[a-1]
			if p == ' ' && a > 1 && s[a-2] == ':' {
				p = ':'
			}
		}
		if b < len(s) {
			q = s[b]
		}
		switch {
		case p == '\'' && q == '\'', p == '"' && q == '"', p == '`' && q == '`', p == '(' && q == ')', p == '[' && q == ']':
		case p == '=' || p == ':':
		case (q == ')' || q == ']') && strings.LastIndexAny(s[max(0, a-16):a], "([") >= 0: // "(value 536221234)"
		case p == '/' && (q == '/' || q == 0 || q == '?' || q == ' '):
		default:
			return false
		}
		return true
	}
	return passesNamedCheck(name, t)
}
