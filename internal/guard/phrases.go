package guard

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Passwords written in prose or log lines: "password: hunter2",
// "pwd=Stern5540#", "my password is football71$", "Passwort: ...".

// phraseWords are the words that introduce a password, lower case.
var phraseWords = casedForms([]string{
	"password", "passwort", "passwd", "passcode", "passphrase", "pwd", "pass", "pin", "kennwort", "contraseña",
	"contrasena", "senha", "wachtwoord", "mot de passe", "mdp", "пароль", "parola", "hasło", "haslo", "lösenord",
	"losenord", "salasana", "adgangskode", "passord", "heslo", "şifre", "sifre", "パスワード", "密码", "密碼",
	"비밀번호", "clave", "jelszó", "jelszo", "pw", "κωδικός πρόσβασης", "κωδικος προσβασης", "συνθηματικό",
	// Possessives and words of more languages ("Şifrem ...", "Salasanani
	// on ...", "Nenosiri langu ni ...", "ο κωδικός μου είναι ...").
	"şifrem", "sifrem", "salasanani", "kata laluan", "kata sandi", "nenosiri", "รหัสผ่าน", "mật khẩu", "mat khau",
	"पासवर्ड", "parolim", "parolum", "პაროლი", "პაროლია", "κωδικός μου", "κωδικος μου", "գաղտնաբառն", "գաղտնաբառ",
	"הסיסמה", "סיסמה", "كلمة المرور", "كلمة السر", "رمز عبور", "پاس ورڈ", "jelszavam",
})

// casedForms adds to words written in lower case the forms text writes
// them in when a word of a cased script other than ASCII starts a
// sentence or a label, or is written in capitals ("Пароль:", "ПАРОЛЬ",
// "Hasło", "ΚΩΔΙΚΟΣ ΠΡΟΣΒΑΣΗΣ", "Номер паспорта", "СНИЛС"). The scanners
// fold ASCII letters themselves, so those stay lower case in every form;
// Greek capitals are also listed without their accents, as Greek writes
// them.
func casedForms(words []string) []string {
	out := append([]string(nil), words...)
	seen := make(map[string]bool, len(words))
	for _, w := range words {
		seen[w] = true
	}
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	for _, w := range words {
		if !hasCasedNonASCII(w) {
			continue
		}
		r, n := utf8.DecodeRuneInString(w)
		if r >= utf8.RuneSelf {
			add(string(unicode.ToUpper(r)) + w[n:])
		}
		up := asciiLower(strings.ToUpper(w))
		add(up)
		add(strings.Map(greekCapitalNoAccent, up))
	}
	return out
}

// hasCasedNonASCII: w holds a letter beyond ASCII that has a capital.
func hasCasedNonASCII(w string) bool {
	for _, r := range w {
		if r >= utf8.RuneSelf && unicode.ToUpper(r) != r {
			return true
		}
	}
	return false
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = lower(c)
	}
	return string(b)
}

// greekCapitalNoAccent maps an accented Greek capital to its plain letter.
func greekCapitalNoAccent(r rune) rune {
	switch r {
	case 'Ά':
		return 'Α'
	case 'Έ':
		return 'Ε'
	case 'Ή':
		return 'Η'
	case 'Ί':
		return 'Ι'
	case 'Ό':
		return 'Ο'
	case 'Ύ':
		return 'Υ'
	case 'Ώ':
		return 'Ω'
	}
	return r
}

// phraseIndex lists the phrase words by their first two bytes (ASCII
// letters lower-cased); phraseFirst marks possible first bytes.
var (
	phraseIndex pairIndex[string]
	phraseFirst [256]bool

	// nextStart tables: bit 1 for an ASCII first byte, bit 2 for a byte
	// >= 0x80, which may follow a letter.
	phraseStartFirst, phraseStartAfter [256]uint8
	phrasePairs                        pairSet
)

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 32
	}
	return c
}

func init() {
	for _, w := range phraseWords {
		phraseIndex.add(w[0], w[1], w)
		phrasePairs.putFold(w[0], w[1])
		phraseFirst[w[0]] = true
		if w[0] >= 'a' && w[0] <= 'z' {
			phraseFirst[w[0]-32] = true
		}
	}
	for c := 0; c < 256; c++ {
		if phraseFirst[c] {
			phraseStartFirst[c] = 1
			if c >= 0x80 {
				phraseStartFirst[c] = 2
			}
		}
		phraseStartAfter[c] = 3
		if isLetterByte(byte(c)) {
			phraseStartAfter[c] = 2
		}
	}
}

// phraseJoiners may stand between the word and the password.
var phraseJoiners = []string{"is now", "is set to", "set to", "changed to", "reset to", "to", "is", "was", "ist jetzt", "ist", "lautet", "war", "est",
	"es", "era", "é", "será", "sera", "är", "er", "on", "jest", "je", "это", "είναι", "->", "=>", "=", ":", "：", "是", "为", "為", "は",
	"saya ialah", "saya adalah", "saya", "ialah", "adalah", "langu ni", "ko ay", "của tôi là", "là", "ของฉันคือ", "คือ",
	"שלי היא", "שלי", "الخاصة بي هي", "الخاصة بي", "هي", "من", "է"}

func isLetterByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 }

// scanPasswordPhrases finds a password written after a password word.
// It starts at from, its first start (findWordStarts).
func (w *walker) scanPasswordPhrases(s string, from int, ws *wordStarts) {
	for i := from; i < len(s); i++ {
		// phraseFirst[s[i]], and not glued to a letter before (unless
		// s[i] starts a multi-byte character).
		if i = ws.nextPhrase(s, i); i+1 >= len(s) {
			return
		}
		cands := phraseIndex.get(lower(s[i]), lower(s[i+1]))
		if cands == nil {
			continue
		}
		wl := 0
		pin := false
		for _, pw := range cands {
			// The longest word that matches: "şifrem" over "şifre".
			if len(pw) > wl && len(s)-i >= len(pw) && hasPrefixFold(s[i:], pw) {
				wl = len(pw)
				pin = pw == "pin"
			}
		}
		if wl == 0 {
			continue
		}
		j := i + wl
		if j < len(s) && s[j] < 0x80 && isLetterByte(s[j]) {
			continue // "passport", "passwords", "pinned"
		}
		// Separators, then at most one joining word, then separators.
		j = skipPhraseSep(s, j)
		sepSeen := j > i+wl
		for _, jw := range phraseJoiners {
			if len(s)-j > len(jw) && hasPrefixFold(s[j:], jw) && (len(jw) > 0 && !isLetterByte(jw[len(jw)-1]) || cjkLead(jw[0]) || !isLetterByte(s[j+len(jw)])) {
				j = skipPhraseSep(s, j+len(jw))
				sepSeen = true
				break
			}
		}
		if !sepSeen || j >= len(s) {
			continue
		}
		j = skipInlineTag(s, j)
		e := j
		for e < len(s) && !phraseStop(s[e]) && !(e > j && cjkLead(s[e])) {
			e++
		}
		tok := s[j:e]
		for len(tok) > 1 && (tok[len(tok)-1] == '.' || tok[len(tok)-1] == '!' || tok[len(tok)-1] == '?') && e == len(s) {
			tok = tok[:len(tok)-1]
		}
		if !phraseToken(tok, pin) {
			continue
		}
		w.add(Password, "text.password", j, j+len(tok))
		i = j + len(tok)
	}
}

func skipPhraseSep(s string, j int) int {
	for j < len(s) {
		switch s[j] {
		case ' ', ':', '=', '\'', '"', '`', '\t':
			j++
			continue
		}
		if strings.HasPrefix(s[j:], "“") || strings.HasPrefix(s[j:], "”") || strings.HasPrefix(s[j:], "：") {
			j += 3
			continue
		}
		break
	}
	return j
}

// cjkLead reports whether c starts a CJK, kana, hangul or full-width
// character (U+3000-U+DFFF, U+F000-U+FFFF): prose in those scripts writes
// no space after a password ("密码是Abc12345，谢谢").
func cjkLead(c byte) bool { return c >= 0xE3 && c <= 0xED || c == 0xEF }

func phraseStop(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\'', '"', '`', ',', ';', ')', '&', '<', '>', '\\':
		return true
	}
	return false
}

// phraseToken: a word that looks typed as a password, not an ordinary word
// ("password reset", "password is required").
func phraseToken(t string, pin bool) bool {
	if pin {
		return len(t) >= 4 && len(t) <= 8 && allDigits(t)
	}
	if len(t) < 4 || len(t) > 64 || isPlaceholder(t) || isBoolWord(t) || strings.Contains(t, "://") ||
		t[0] == '/' || t[len(t)-1] == '/' || strings.HasPrefix(t, "./") || strings.HasPrefix(t, "~/") {
		// Paths ("grep -r password src/") are not passwords.
		return false
	}
	var up, lo, di, ot int
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= 'A' && c <= 'Z':
			up++
		case c >= 'a' && c <= 'z':
			lo++
		case c >= '0' && c <= '9':
			di++
		default:
			ot++
		}
	}
	if di == len(t) {
		return len(t) >= 4
	}
	if di == 0 && proseWord(t) {
		return false // "min.", "Case-Sensitive", "Wi-Fi", "wrong!"
	}
	return di > 0 && up+lo > 0 || ot > 0 && up+lo > 0 || up > 0 && lo > 0 && up < len(t)-1 && !(up == 1 && t[0] >= 'A' && t[0] <= 'Z')
}

// proseWord: t is made of words as prose writes them: letters in runs
// that are lower case, Capitalised or all capitals, joined or ended by
// hyphens, apostrophes and sentence punctuation.
func proseWord(t string) bool {
	seg, up, lo := 0, 0, false
	for i := 0; i <= len(t); i++ {
		if i == len(t) || strings.IndexByte("-'.,:;!?()", t[i]) >= 0 {
			if up > 1 && up < seg || up == 1 && seg > 1 && !lo {
				return false
			}
			seg, up, lo = 0, 0, false
			continue
		}
		c := t[i]
		switch {
		case c >= 'A' && c <= 'Z':
			if lo || up == 0 && seg > 0 {
				return false // "heLLo", "wOrd": a capital after a small letter
			}
			up++
		case c >= 'a' && c <= 'z':
			lo = true
		default:
			return false
		}
		seg++
	}
	return true
}

// phraseID reads the identifier or secret that follows an ID or secret
// word at s[j:] and records it; it returns its end, or -1.
//
// strict: the value was found after more words than one between the cue
// and it ("SSN format invalid (...)"): it must pass a check of a format
// the cue names, not only have an ID's shape.
func (w *walker) phraseID(s string, j int, kind uint8, cue string, strict bool) int {
	e := j
	for e < len(s) && !phraseStop(s[e]) && s[e] < 0x80 {
		e++ // identifiers are ASCII: "A123456789，請核對" ends at the comma
	}
	if kind == 4 || kind == 5 || kind == 7 {
		e = idGroupsEnd(s, j, e)
	}
	if e < len(s) && s[e] == ')' && strings.IndexByte(s[j:e], '(') > 0 {
		e++ // "HKID A123456(3)": the check character in parentheses
	}
	tok := s[j:e]
	for len(tok) > 1 && strings.IndexByte(".!?:", tok[len(tok)-1]) >= 0 {
		tok = tok[:len(tok)-1]
	}
	if tok == "" {
		return -1
	}
	switch kind {
	case 4:
		// Digits with at most two separators: 123456789, 123-45-6789.
		var buf [16]byte
		d, clean := onlyDigits(buf[:0], tok)
		if !clean || len(d) != 9 || !ssnValid(d) {
			return -1 // an SSN-shaped number breaking the SSA's rules is some other number
		}
		w.add(NationalID, "text.national_id", j, j+len(tok))
	case 5:
		if !natIDShape(tok) || failsIDCheck(cue, tok) || strict && !passesNamedCheck(cue, tok) {
			return -1
		}
		if strings.IndexByte(tok, ' ') >= 0 {
			// Digits in groups must pass a national ID's check digits.
			var buf [24]byte
			if d, clean := onlyDigits(buf[:0], tok); clean && !(len(d) == 9 && (luhn(d) || bsnValid(d)) ||
				aadhaarValid(d) || cpfValid(d) || zaIDValid(d) || steuerIDValid(d) || nhsValid(d) || peselValid(d) || newIDValid(d) ||
				passesNamedCheck(cue, tok)) {
				return -1
			}
		}
		w.add(NationalID, "text.national_id", j, j+len(tok))
	case 10:
		// "PAN" alone also names a card number: only India's Permanent
		// Account Number shape follows it as a national ID.
		if !indiaPAN(tok) || strict {
			return -1
		}
		w.add(NationalID, "text.national_id", j, j+len(tok))
	case 8:
		if n := len(tok); n > 1 && (tok[n-1] == ']' || tok[n-1] == ')') && j > 0 && (s[j-1] == '[' || s[j-1] == '(') {
			tok = tok[:n-1] // "인증번호 [482913]를 입력해주세요"
		}
		if len(tok) < 4 || len(tok) > 8 || !allDigits(tok) {
			return -1
		}
		w.add(SecretToken, "text.secret", j, j+len(tok))
	case 7:
		// A bare "ID": only numbers whose check digits make them a
		// national ID (South Africa, CPF), not any order or user id.
		var buf [24]byte
		d, clean := onlyDigits(buf[:0], tok)
		if !clean || !(zaIDValid(d) || cpfValid(d)) {
			return -1
		}
		w.add(NationalID, "text.national_id", j, j+len(tok))
	case 6:
		if !secretShape(tok) || strings.Contains(tok, "://") || w.isToken(tok) {
			return -1
		}
		w.add(SecretToken, "text.secret", j, j+len(tok))
	}
	return j + len(tok)
}

// Bank details in prose: "account number 12345678". Routing numbers and
// sort codes name a bank or a branch: they are public.

// bankPhrases are the words that introduce a bank number, lower case, with
// the kind of number that may follow.
var bankPhrases = casedPhrases([]bankPhrase{
	{"account number", 3}, {"account no", 3}, {"account #", 3}, {"acct number", 3}, {"acct no", 3}, {"acct #", 3},
	{"acct", 3}, {"a/c", 3}, {"kontonummer", 3}, {"kontonr", 3}, {"numéro de compte", 3}, {"numero de compte", 3},
	{"número de cuenta", 3}, {"numero de cuenta", 3}, {"numero de conta", 3}, {"rekeningnummer", 3},
	{"checking account", 3}, {"savings account", 3}, {"bank account", 3},
	{"р/с", 3}, {"р/сч", 3}, {"расчетный счет", 3}, {"расчётный счёт", 3}, {"номер счета", 3}, {"номер счёта", 3},
	{"счет получателя", 3}, {"рахунок", 3}, {"номер рахунку", 3}, {"cbu", 3}, {"cvu", 3}, {"clabe", 3},
	{"cuenta clabe", 3}, {"口座番号", 3}, {"계좌번호", 3}, {"银行账号", 3}, {"銀行帳號", 3},
	// The bare word "account" only next to a routing number or sort code
	// ("routing 021000021 account 1234567890").
	{"account", 9}, {"acc", 9}, {"checking", 9}, {"savings", 9},
	// National IDs (4: SSN, 9 digits; 5: any ID shape; 7: a checksum
	// that makes a bare number an ID) and secrets (6).
	{"ssn", 4}, {"social security number", 4}, {"social security no", 4}, {"social security", 4},
	{"sin", 5}, {"bsn", 5}, {"nino", 5}, {"national insurance number", 5}, {"national insurance", 5},
	{"cpf", 5}, {"aadhaar", 5}, {"aadhar", 5}, {"dni", 5}, {"nie", 5}, {"nif", 5}, {"pesel", 5},
	{"personnummer", 5}, {"steuer-id", 5}, {"steuer id", 5}, {"steueridentifikationsnummer", 5},
	{"tax id", 5}, {"passport number", 5}, {"passport no", 5}, {"passport", 5}, {"national id", 5},
	{"id number", 5}, {"id no", 5}, {"id #", 5}, {"identity number", 5}, {"identity no", 5},
	{"identification number", 5}, {"document number", 5}, {"personal number", 5}, {"driver's license", 5},
	{"driving licence", 5}, {"license number", 5}, {"licence number", 5}, {"burgerservicenummer", 5},
	{"sozialversicherungsnummer", 5}, {"steuernummer", 5}, {"fødselsnummer", 5}, {"henkilötunnus", 5},
	{"hetu", 5}, {"nric", 5}, {"cnp", 5}, {"egn", 5}, {"número de identificación", 5}, {"numero de identificacion", 5},
	{"id", 7}, {"identity", 7}, {"codice fiscale", 5}, {"numéro de sécurité sociale", 5}, {"curp", 5},
	{"personalausweis", 5}, {"ausweisnummer", 5}, {"reisepass", 5}, {"passeport", 5}, {"pasaporte", 5},
	{"passaporto", 5}, {"paspoort", 5}, {"passaporte", 5}, {"pesel", 5}, {"nric", 5}, {"kimlik", 5}, {"tc kimlik", 5},
	{"cédula", 5}, {"cedula", 5}, {"documento de identidad", 5}, {"carte d'identité", 5}, {"numéro d'identité", 5},
	{"identiteitsnummer", 5}, {"cpr-nr", 5}, {"cpr nr", 5}, {"isikukood", 5}, {"rijksregisternummer", 5},
	{"social insurance number", 5}, {"tax file number", 5}, {"tfn", 5}, {"ppsn", 5}, {"pps number", 5},
	{"ss#", 4}, {"ssn#", 4}, {"soc sec", 4}, {"soc. sec.", 4}, {"social sec", 4},
	{"taxpayer id", 5}, {"taxpayer identification number", 5}, {"itin", 5}, {"ausweis", 5}, {"ausweis-nr", 5},
	{"pass-nr", 5}, {"reisepass-nr", 5}, {"паспорт", 5}, {"номер паспорта", 5}, {"снилс", 5}, {"инн", 5},
	{"pan no", 5}, {"voter id", 5}, {"driver license", 5}, {"driver licence", 5}, {"driver's licence", 5},
	{"dl#", 5}, {"dl number", 5}, {"license no", 5}, {"licence no", 5}, {"n.i. number", 5},
	{"national insurance no", 5}, {"id-nr", 5}, {"personalausweisnummer", 5}, {"carte vitale", 5},
	{"n° de sécurité sociale", 5}, {"numero di passaporto", 5}, {"número de pasaporte", 5}, {"numero de pasaporte", 5},
	{"ic number", 5}, {"mykad", 5}, {"identity document", 5}, {"documento de identidad", 5}, {"nhs number", 5}, {"nhs no", 5}, {"pan card", 5}, {"pan number", 5}, {"hkid", 5}, {"cpr", 5}, {"rrn", 5},
	{"rfc", 5}, {"national id number", 5}, {"nationality id", 5}, {"citizen id", 5}, {"resident registration", 5},
	{"cnpj", 5}, {"ni number", 5}, {"ni no", 5}, {"steuer-idnr", 5}, {"steuer-identifikationsnummer", 5},
	{"identifikationsnummer", 5}, {"idnr", 5}, {"resident registration number", 5}, {"주민등록번호", 5},
	{"resident id", 5}, {"身份证号码", 5}, {"身份证号", 5}, {"身份证", 5}, {"マイナンバー", 5}, {"my number", 5},
	{"numer pesel", 5}, {"numéro fiscal", 5}, {"numero fiscal", 5}, {"cuit", 5}, {"cuil", 5},
	{"identity card", 5}, {"id card", 5}, {"national identity", 5}, {"insurance number", 5}, {"tax number", 5},
	{"api key", 6}, {"api_key", 6}, {"apikey", 6}, {"api token", 6}, {"access token", 6}, {"access_token", 6},
	{"secret key", 6}, {"secret_key", 6}, {"client secret", 6}, {"client_secret", 6}, {"auth token", 6},
	{"token", 6}, {"secret", 6}, {"recovery code", 6}, {"recovery key", 6}, {"backup code", 6}, {"secret key", 6},
	// One-time codes (8: 4 to 8 digits).
	{"verification code", 8}, {"one-time code", 8}, {"one time code", 8}, {"one-time password", 8},
	{"security code", 8}, {"login code", 8}, {"otp", 8}, {"2fa code", 8}, {"mfa code", 8}, {"auth code", 8},
	{"authentication code", 8}, {"sign-in code", 8}, {"codigo de verificacion", 8}, {"código de verificación", 8},
	{"bestätigungscode", 8}, {"code de vérification", 8}, {"verificatiecode", 8},
	{"confirmation code", 8}, {"código de acceso", 8}, {"codigo de acceso", 8}, {"código de verificação", 8},
	{"codigo de verificacao", 8}, {"codice di verifica", 8}, {"kod weryfikacyjny", 8}, {"kode verifikasi", 8},
	{"kode otp", 8}, {"mã xác thực", 8}, {"mã xác minh", 8}, {"doğrulama kodu", 8}, {"onay kodu", 8},
	{"bekræftelseskode", 8}, {"verifieringskod", 8}, {"bekreftelseskode", 8}, {"vahvistuskoodi", 8},
	{"ověřovací kód", 8}, {"код подтверждения", 8}, {"код проверки", 8}, {"код для входа", 8},
	{"код підтвердження", 8}, {"認証コード", 8}, {"確認コード", 8}, {"ワンタイムパスワード", 8}, {"验证码", 8},
	{"驗證碼", 8}, {"校验码", 8}, {"动态码", 8}, {"인증번호", 8}, {"인증 번호", 8}, {"인증코드", 8},
	{"رمز التحقق", 8}, {"كود التحقق", 8}, {"رمز التفعيل", 8}, {"सत्यापन कोड", 8}, {"ओटीपी", 8},
	{"pan", 10}, {"hong kong id", 5}, {"hong kong identity card", 5}, {"hk id", 5}, {"hkid no", 5}, {"身份證", 5}, {"身份證號碼", 5},
	{"身分證", 5}, {"身分證字號", 5}, {"身分證號碼", 5}, {"taiwan id", 5}, {"統一證號", 5}, {"居留證號", 5},
	{"αμκα", 5}, {"αφμ", 5}, {"αριθμός ταυτότητας", 5}, {"αριθμος ταυτοτητας", 5}, {"αριθμός διαβατηρίου", 5},
})

type bankPhrase struct {
	w    string
	kind uint8 // 3 account number
}

// casedPhrases adds the cased forms of each word (casedForms), each with
// its word's kind.
func casedPhrases(ps []bankPhrase) []bankPhrase {
	out := ps
	for _, p := range ps {
		for _, f := range casedForms([]string{p.w})[1:] {
			out = append(out, bankPhrase{f, p.kind})
		}
	}
	return out
}

// inARN: s[i] is inside an Amazon Resource Name
// (arn:partition:service:region:account:resource), an identifier that
// names a resource: its "secret" or "token" is the resource's type, and
// the name after it is public.
func inARN(s string, i int) bool {
	for k := i - 1; k >= 0 && i-k <= 256; k-- {
		if c := s[k]; c == ' ' || c == '"' || c == '\'' || c == '\n' || c == '\t' || c == '=' || c == ',' || c == '(' {
			return strings.HasPrefix(s[k+1:], "arn:")
		}
		if k == 0 {
			return strings.HasPrefix(s, "arn:")
		}
	}
	return false
}

// idJoiners may stand between an account, ID or code word and its value
// ("my SSN is ...", "Ihr Bestätigungscode lautet ...").
var idJoiners = []string{"is now ", "is ", "was ", "ist ", "lautet ", "est le ", "est ", "es el ", "es ", "är ", "er ", "era ", "é o ", "é ", "wordt ",
	"è il ", "е ", "saya ialah ", "saya adalah ", "saya ", "ialah ", "adalah ",
	"value ", "valor ", "valeur ", "wert ", "to ", "je ", "è ", "是 ", "是", "は", "는 ", "은 ", "on ", "jest ", "was: ", "is: ",
	"الخاص بك هو ", "هو ", "है ", "adalah ", "là "}

var (
	bankFirst [256]bool
	bankIndex pairIndex[int]
)

// bankStartFirst and bankStartAfter: a bank or ID word starts with a
// bankFirst byte, and not after a letter or a byte of "?&;/#=.-_%"
// (nextStart tables).
var (
	bankStartFirst, bankStartAfter [256]uint8
	bankPairs                      pairSet
)

func init() {
	for i, b := range bankPhrases {
		bankFirst[b.w[0]] = true
		bankFirst[b.w[0]-32] = true
		bankIndex.add(b.w[0], b.w[1], i)
		bankPairs.putFold(b.w[0], b.w[1])
	}
	for c := 0; c < 256; c++ {
		if bankFirst[c] {
			bankStartFirst[c] = 1
		}
		if !isLetterByte(byte(c)) && strings.IndexByte("?&;/#=.-_%", byte(c)) < 0 {
			bankStartAfter[c] = 1
		}
		if c >= 0x80 && c <= 0xBF {
			// The last byte of a multi-byte character: CJK writes words
			// without spaces ("我的身分證字號是..."); scanBankPhrases keeps
			// only CJK words there.
			bankStartAfter[c] = 1
		}
	}
}

func (w *walker) scanBankPhrases(s string, from int, ws *wordStarts) {
	for i := from; i < len(s); i++ {
		// A bank word not glued to what is before: after a letter, or
		// "?&;/#=.-_%", it is part of a URL, a path or an identifier.
		if i = ws.nextBank(s, i); i+1 >= len(s) {
			return
		}
		if i > 0 && isDigit(s[i-1]) {
			continue // inside an identifier: "3bsn5gg8"
		}
		if i > 0 && s[i-1] >= 0x80 && !cjkLead(s[i]) {
			continue // glued to a letter of another script
		}
		for _, bi := range bankIndex.get(lower(s[i]), lower(s[i+1])) {
			bp := bankPhrases[bi]
			if len(s)-i < len(bp.w) || !hasPrefixFold(s[i:], bp.w) {
				continue
			}
			j := i + len(bp.w)
			cjkGlued := j < len(s) && cjkLead(bp.w[0]) && s[j] >= 0x80 && !strings.HasPrefix(s[j:], "：")
			if j < len(s) && isLetterByte(s[j]) && !strings.HasPrefix(s[j:], "：") && !(cjkGlued && cjkJoined(s, j)) {
				continue // CJK writes no spaces: "身分證字號是...", "身分證字號錯誤：..." are cues
			}
			if bp.kind == 6 && i > 0 && s[i-1] == ':' && inARN(s, i) {
				continue // "arn:aws:secretsmanager:...:secret:prod/db-AbCdEf" names a secret
			}
			if bp.kind == 8 {
				if ds, de := codeBefore(s, i); de > ds {
					w.add(SecretToken, "text.secret", ds, de) // "482913 is your login code"
				}
			}
			if j+1 < len(s) && s[j] == '.' && s[j+1] == ' ' && isLetterByte(s[j-1]) {
				j++ // "account no. 12345678", "acct. 12345678"
			}
			for j < len(s) && (s[j] == ' ' || s[j] == ':' || s[j] == '=' || s[j] == '#' || s[j] == '\'' || s[j] == '"' ||
				bp.kind >= 4 && bp.kind != 9 && (s[j] == '(' || s[j] == ')' || s[j] == '[' || s[j] == ']' || s[j] == '<') ||
				strings.HasPrefix(s[j:], "：")) {
				if s[j] >= 0x80 {
					j += len("：") - 1 // a full-width colon ("身分證字號：...")
				}
				j++ // "Key (cpf)=(...)", "ssn [123-45-6789]"
			}
			if bp.kind == 9 && !bankCue(s) {
				continue
			}
			if bp.kind >= 4 && bp.kind != 9 && j == i+len(bp.w) && !cjkGlued {
				if (bp.kind == 4 || bp.kind == 5 || bp.kind == 10) && (j == len(s) || !isAlnum(s[j])) {
					if vs := idBefore(s, i); vs >= 0 {
						w.phraseID(s, vs, bp.kind, bp.w, false) // "... is not a valid SSN."
					}
				}
				continue // an ID word glued to what follows ("sin7625") is no phrase
			}
			strict := false
			if bp.kind == 4 || bp.kind == 5 || bp.kind == 10 {
				// "CPF inválido: ...", "SSN invalid: ...": one word, then a
				// colon; "SSN format invalid (...)": more words, and then
				// the value must pass the format's check (strict).
				if k, n := wordsThenMark(s, j); k > 0 {
					j, strict = k, n > 1
				}
			}
			if bp.kind == 3 || bp.kind == 4 || bp.kind == 5 {
				// "passport no. X1234567", "Ausweis Nr. ...", "ID # ...",
				// "TC kimlik numaram ...", "A/c No. ...".
				for _, nw := range [...]string{"no. ", "no.", "no ", "nr. ", "nr.", "nr ", "number ", "num ", "# ", "#", "n° ", "nº ",
					"numaram ", "numarası ", "numarasi "} {
					if hasPrefixFold(s[j:], nw) {
						j += len(nw)
						for j < len(s) && (s[j] == ' ' || s[j] == ':' || s[j] == '=') {
							j++
						}
						// "TC Kimlik No doğrulanamadı: ..."
						if k, n := wordsThenMark(s, j); k > 0 {
							j, strict = k, strict || n > 1
						}
						break
					}
				}
			}
			for _, jw := range idJoiners {
				if hasPrefixFold(s[j:], jw) {
					j += len(jw)
					for j < len(s) && (s[j] == ' ' || s[j] == ':' || s[j] == '\'' || s[j] == '"') {
						j++
					}
					break
				}
			}
			if bp.kind >= 4 && bp.kind != 9 {
				if e := w.phraseID(s, j, bp.kind, bp.w, strict); e > j {
					i = e
				} else if bp.kind == 4 || bp.kind == 5 || bp.kind == 10 {
					// "536221234 is not a valid SSN", "... não é um CPF válido".
					if vs := idBefore(s, i); vs >= 0 {
						w.phraseID(s, vs, bp.kind, bp.w, false)
					}
				}
				break
			}
			// Digits with single spaces or dashes between groups.
			var buf [40]byte
			d := buf[:0]
			e := j
			for e < len(s) && len(d) < len(buf) {
				if isDigit(s[e]) {
					d = append(d, s[e])
					e++
					continue
				}
				if (s[e] == ' ' || s[e] == '-') && e+1 < len(s) && isDigit(s[e+1]) && len(d) > 0 {
					e++
					continue
				}
				break
			}
			if e == j || !boundaryAfter(s, e) {
				continue
			}
			if len(d) >= 6 && len(d) <= 22 { // up to Argentina's CBU
				w.add(BankAccount, "text.bank_account", j, e)
				i = e
			}
			break
		}
	}
}

// wordsThenMark: s[j:] is one word of letters (any script, up to 24
// bytes) and a colon ("inválido: ", "錯誤："), or up to three words and a
// colon or an opening parenthesis or bracket ("format invalid (",
// "could not be verified: "); it returns where the value after them
// starts and how many words there were, or 0, 0.
func wordsThenMark(s string, j int) (int, int) {
	k, n := j, 0
	for n < 3 {
		st := k
		for k < len(s) && k-st <= 24 && isLetterByte(s[k]) && !strings.HasPrefix(s[k:], "：") {
			k++
		}
		if k == st || k-st > 24 || k >= len(s) {
			return 0, 0
		}
		n++
		if s[k] == ' ' && k+1 < len(s) && isLetterByte(s[k+1]) {
			k++
			continue
		}
		break
	}
	if k < len(s) && s[k] == ' ' && n > 1 {
		k++
	}
	switch {
	case k < len(s) && s[k] == ':':
		k++
	case strings.HasPrefix(s[k:], "："):
		k += len("：")
	case n > 1 && k < len(s) && (s[k] == '(' || s[k] == '['):
		k++
	default:
		return 0, 0
	}
	for k < len(s) && (s[k] == ' ' || s[k] == '\'' || s[k] == '"') {
		k++
	}
	return k, n
}

// cjkJoined: after a CJK ID word glued to what follows, s[j:] is a joiner
// ("是") or a word and a colon ("錯誤：").
func cjkJoined(s string, j int) bool {
	for _, jw := range idJoiners {
		if cjkLead(jw[0]) && strings.HasPrefix(s[j:], jw) {
			return true
		}
	}
	k, _ := wordsThenMark(s, j)
	return k > 0
}

// idBeforeLinks are what stands between an identifier and the ID word
// after it that says what it is not ("... is not a valid SSN").
var idBeforeLinks = []string{"is not a valid ", "is not a ", "is an invalid ", "is not an ", "isn't a valid ", "is invalid ",
	"is no valid ", "não é um ", "não é uma ", "nao e um ", "no es un ", "no es una ", "n'est pas un ", "ist keine gültige ",
	"ist keine ", "is geen geldig ", "is geen ", "non è un ", "nie jest ", "is not valid ", "is not a correct "}

// idBefore returns where the identifier written before the ID word at
// s[i:] starts ("536221234 is not a valid SSN"), or -1. The identifier may
// be quoted; phraseID reads and checks it.
func idBefore(s string, i int) int {
	for _, l := range idBeforeLinks {
		if i < len(l)+2 || !strings.EqualFold(s[i-len(l):i], l) {
			continue
		}
		e := i - len(l)
		for e > 0 && s[e-1] == ' ' {
			e--
		}
		if e > 0 && (s[e-1] == '"' || s[e-1] == '\'' || s[e-1] == '`') {
			e--
		}
		v := e
		for v > 0 && (isAlnum(s[v-1]) || s[v-1] == '-' || s[v-1] == '.' || s[v-1] == '/') {
			v--
		}
		if v == e || v > 0 && s[v-1] != ' ' && s[v-1] != '"' && s[v-1] != '\'' && s[v-1] != '`' && s[v-1] != '(' && s[v-1] != ':' {
			return -1
		}
		return v
	}
	return -1
}

// idGroupsEnd extends an ID read in prose over groups written with single
// spaces ("046 454 286", "AB 12 34 56 C", "8001015 009 087"): digit groups
// of up to 6 digits, and one or two letters after digits.
func idGroupsEnd(s string, j, e int) int {
	if e <= j || !isAlnum(s[e-1]) {
		return e
	}
	for e+1 < len(s) && s[e] == ' ' && isAlnum(s[e+1]) && e-j < 24 {
		g := e + 1
		for g < len(s) && isAlnum(s[g]) {
			g++
		}
		grp := s[e+1 : g]
		if g < len(s) && !phraseStop(s[g]) && strings.IndexByte(".!?:", s[g]) < 0 {
			break
		}
		switch {
		case allDigits(grp) && len(grp) <= 6:
		case len(grp) <= 2 && !allDigits(grp) && isDigit(s[e-1]) && (isUpper(grp[0]) && (len(grp) == 1 || isUpper(grp[1]))):
		default:
			return e
		}
		e = g
	}
	return e
}

// bankCue: s names a routing number, sort code or BSB, so an "account"
// number in it is a bank account.
func bankCue(s string) bool {
	return containsFold(s, "routing") || containsFold(s, "sort code") || containsFold(s, "sort-code") ||
		containsFold(s, "aba ") || containsFold(s, "bsb") || containsFold(s, "transit")
}

// codeBefore finds a one-time code written before its cue word at s[i:]:
// "482913 is your login code", "482913 is your Acme verification code".
// It returns the code's span, or (0, 0).
func codeBefore(s string, i int) (int, int) {
	k := i
	for k > 0 && s[k-1] == ' ' {
		k--
	}
	hasLink := func(k int) int {
		for _, l := range []string{"is your", "is the", "ist ihr", "est votre", "es tu", "es su", "is je", "är din"} {
			if k >= len(l) && strings.EqualFold(s[k-len(l):k], l) && (k == len(l) || s[k-len(l)-1] == ' ') {
				return k - len(l)
			}
		}
		return -1
	}
	st := hasLink(k)
	if st < 0 {
		// One word (a brand, "new") between the link and the cue.
		w := k
		for w > 0 && isLetterByte(s[w-1]) {
			w--
		}
		if w == k || w == 0 || s[w-1] != ' ' {
			return 0, 0
		}
		if st = hasLink(w - 1); st < 0 {
			return 0, 0
		}
	}
	e := st
	for e > 0 && s[e-1] == ' ' {
		e--
	}
	d := e
	for d > 0 && isDigit(s[d-1]) {
		d--
	}
	if d >= 2 && s[d-1] == '-' && s[d-2] >= 'A' && s[d-2] <= 'Z' && (d == 2 || s[d-3] == ' ' || s[d-3] == '\n') {
		d -= 2 // "G-482913 is your Google verification code": the sender's letter is part of it
		if e-d-2 < 4 || e-d-2 > 8 {
			return 0, 0
		}
		return d, e
	}
	if e-d < 4 || e-d > 8 || d > 0 && (isLetterByte(s[d-1]) || s[d-1] == '.' || s[d-1] == '-') {
		return 0, 0
	}
	return d, e
}

// skipInlineTag skips an HTML inline tag at s[j:] ("<b>", "<strong>",
// "<code class=otp>"): a mail body writes "password is <b>...</b>".
func skipInlineTag(s string, j int) int {
	if j+2 >= len(s) || s[j] != '<' || !isLetterByte(s[j+1]) {
		return j
	}
	k := strings.IndexByte(s[j:min(len(s), j+40)], '>')
	if k < 0 {
		return j
	}
	switch t := strings.ToLower(s[j+1 : j+k]); {
	case t == "b" || t == "i" || t == "em" || t == "strong" || t == "code" || t == "kbd" || t == "tt" || t == "mark" || t == "u",
		strings.HasPrefix(t, "span") || strings.HasPrefix(t, "code ") || strings.HasPrefix(t, "strong ") || strings.HasPrefix(t, "b "):
		return j + k + 1
	}
	return j
}
