package guard

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// The kinds of the sixth round (issue 13, branch ggen): each written from
// the formats' public documentation and the class definitions, with
// positives and negatives, never from a corpus's values.

// twOf returns a valid Taiwan ID from its letter and eight digits (the
// last one is replaced by the check digit).
func twOf(letter byte, d8 string) string {
	for c := 0; c <= 9; c++ {
		x := string(letter) + d8 + strconv.Itoa(c)
		if twIDValid([]byte(x)) {
			return x
		}
	}
	return ""
}

// skv is a {key: value} sample whose value is always a JSON string.
func skv(key, value string) sample {
	k, _ := json.Marshal(key)
	v, _ := json.Marshal(value)
	return sample{props: "{" + string(k) + ":" + string(v) + "}", secret: value}
}

// kinds6Samples are detector samples of the round, merged into
// TestDetectorSamples.
func kinds6Samples() map[string][2][]sample {
	pw := "Tr0ub4dor&3x"
	tw := twOf('A', "12345678")
	pem := "-----BEGIN RSA PRIVATE KEY-----\n" + fake(91, 40, alnum+"+/")
	truncated := base64.StdEncoding.EncodeToString([]byte(pem)) // a key cut short: the key names it
	pfx := base64.StdEncoding.EncodeToString(append([]byte{0x30, 0x82, 0x0a, 0x51, 0x02, 0x01, 0x03, 0x30, 0x82, 0x0a, 0x17}, []byte(fake(92, 90, alnum))...))
	jks := base64.StdEncoding.EncodeToString(append([]byte{0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 1}, []byte(fake(93, 90, alnum))...))
	cert := base64.StdEncoding.EncodeToString(append([]byte{0x30, 0x82, 0x03, 0x77, 0x30, 0x82, 0x02, 0x5f, 0xa0, 0x03, 0x02, 0x01}, []byte(fake(94, 90, alnum))...))
	ppkPriv := fake(95, 64, alnum+"+/") + "\n" + fake(96, 64, alnum+"+/") + "\n" + fake(97, 20, alnum) + "=="
	ppk := "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy@ci\nPublic-Lines: 2\n" + fake(98, 64, alnum) +
		"\n" + fake(99, 20, alnum) + "\nPrivate-Lines: 3\n" + ppkPriv + "\nPrivate-MAC: " + fake(100, 64, "0123456789abcdef") + "\n"
	ppk = strings.ReplaceAll(ppk, "\\n", "\n")
	return map[string][2][]sample{
		"rrweb.input": {
			{raw(`{"$snapshot_data":[{"type":3,"timestamp":1733230000000,"data":{"source":5,"id":42,"text":"Ana Souza, Rua 7","isChecked":false}}]}`, "Ana Souza, Rua 7")},
			{raw(`{"$snapshot_data":[{"type":3,"timestamp":1733230000000,"data":{"source":5,"id":42,"text":"********","isChecked":false}}]}`, ""),
				raw(`{"$snapshot_data":[{"type":3,"timestamp":1733230000000,"data":{"source":2,"type":2,"id":42,"x":10,"y":20}}]}`, ""),
				raw(`{"data":{"source":5,"text":"no rrweb event without isChecked"}}`, "")},
		},
		"card.track": {
			{skv("swipe", "%B4111111111111111^DOE/JOHN^2512101000000000000000?"), skv("reader_log", "read ok: %B5500005555555559^SMITH/ANNA^27041010000000000?")},
			{skv("swipe", "%B4111111111111112^DOE/JOHN^2512101000000000000000?"), skv("query", "discount=20%B&x=1234567890123")},
		},
		"secret.session_cookie": {
			{skv("response", "HTTP/1.1 200 OK\r\nSet-Cookie: connect.sid=s%3A"+fake(103, 32, alnum)+"; Path=/; HttpOnly\r\n\r\n{}")},
			{skv("response", "HTTP/1.1 200 OK\r\nSet-Cookie: session=deleted; Path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT\r\n"),
				skv("response", "HTTP/1.1 200 OK\r\nSet-Cookie: theme=dark-mode-v2; Path=/\r\n")},
		},
		"private_key.keystore": {
			{skv("keystore_b64", pfx), skv("truststore", jks), skv("values_yaml", "tls:\n  keystore: "+pfx+"\n  password: changeit\n")},
			{skv("certificate", cert), skv("blob", base64.StdEncoding.EncodeToString([]byte(fake(101, 120, alnum))))},
		},
		"private_key.ppk": {
			{{props: skv("ppk", ppk).props, secret: ppkPriv[:64]}},
			{skv("ppk_help", "A PuTTY key file has Public-Lines: and Private-Lines: sections; paste the file, not the lines."),
				skv("pub", "---- BEGIN SSH2 PUBLIC KEY ----\nComment: deploy@ci\n"+fake(102, 64, alnum)+"\n---- END SSH2 PUBLIC KEY ----")},
		},
		"key.password": {
			{skv("ｐａｓｓｗｏｒｄ", pw), skv("ＤＢ＿ＰＡＳＳＷＯＲＤ", pw)},
			{skv("ｐａｓｓｗｏｒｄ＿ｒｅｓｅｔ＿ａｔ", "2026-12-01")},
		},
		"key.private_key": {
			{skv("client-key-data", truncated), skv("tls.key", truncated)},
			{skv("client_key", "k-12"), skv("client-certificate-data", truncated[:40])},
		},
		"key.national_id": {
			{skv("id_number_tw", tw), skv("national_id_za", "8001015009087"), skv("shenfenzheng_tw", tw)},
			{skv("run_id", "A123456789"), skv("product_id_tw", tw), skv("store_code_us", "A123456789")},
		},
		"key.ssn": {
			{skv("ssn_us", "536-22-1234")},
			{skv("ssn_us", "000-22-1234")},
		},
	}
}

func TestKinds6Families(t *testing.T) {
	c := mustChecker(t, DefaultPolicy())
	runFamCases(t, c, kinds6Cases())
}

// bumpLast changes the last digit of s, breaking its check.
func bumpLast(s string) string {
	n := len(s) - 1
	return s[:n] + strconv.Itoa((int(s[n]-'0')+1)%10)
}

func kinds6Cases() []famCase {
	tw := twOf('A', "12345678")
	tckn := tcknOf("100000001")
	cpf := cpfOf("529982247")
	em := emiratesOf("78419901234567")
	emS := em[:3] + "-" + em[3:7] + "-" + em[7:14] + "-" + em[14:]
	th := thOf("110170020346")
	thS := th[:1] + "-" + th[1:5] + "-" + th[5:10] + "-" + th[10:12] + "-" + th[12:]
	egn := egnOf("750101001")
	taj := tajOf("12345678")
	tajS := taj[:3] + " " + taj[3:6] + " " + taj[6:]
	oib := oibOf("1234567890")
	rc := rcOf("900101123")
	ahv := ahvOf("756123456789")
	ahvS := ahv[:3] + "." + ahv[3:7] + "." + ahv[7:11] + "." + ahv[11:]
	return []famCase{
		// The sixth round's formats: under their keys (also qualified by
		// the issuing country) and after their cues, each with its check.
		pos("bg egn key", skv("egn", egn).props, egn),
		pos("bg egn cyrillic cue", skv("text", "Здравейте,\nмоето ЕГН е "+egn+".").props, egn),
		neg("bg egn key bad", skv("egn", bumpLast(egn)).props),
		pos("hu taj key", skv("tajSzam", taj).props, taj),
		pos("hu taj spaced cue", skv("text", "TAJ számom: "+tajS).props, tajS),
		neg("hu taj spaced cue bad", skv("text", "TAJ számom: "+bumpLast(tajS)).props),
		pos("hr oib key", skv("osobni_identifikacijski_broj", oib).props, oib),
		pos("hr oib cue", skv("text", "Moj OIB je "+oib).props, oib),
		neg("hr oib key bad", skv("oib", bumpLast(oib)).props),
		pos("cz rc cue", skv("text", "rodné číslo: "+rc[:6]+"/"+rc[6:]).props, rc[:6]+"/"+rc[6:]),
		neg("cz rc key bad", skv("rodne_cislo", bumpLast(rc)).props),
		pos("ch ahv key country", skv("social_security_ch", ahvS).props, ahvS),
		pos("ch ahv cue", skv("text", "meine AHV-Nummer ist "+ahvS).props, ahvS),
		neg("ch ahv key bad", skv("ahv_number", bumpLast(ahvS)).props),
		pos("th key country", skv("citizen_id_th", th).props, th),
		neg("th key country bad", skv("citizen_id_th", bumpLast(th)).props),
		neg("th key thai bad", skv("thai_national_id", bumpLast(th)).props),
		pos("ae key", skv("emirates_id", emS).props, emS),
		neg("ae key bad", skv("emirates_id", bumpLast(emS)).props),
		// ID cues in CJK prose, glued to the words around them.
		pos("tw chat joiner", skv("message", "我的身分證字號是"+tw+"，謝謝").props, tw),
		pos("tw error word colon", skv("error", "身分證字號錯誤："+tw).props, tw),
		pos("cn chat joiner", skv("message", "您好，我的身份证号是"+cnIDOf("11010519491231002")+"。").props, cnIDOf("11010519491231002")),
		neg("tw chat bad check", skv("message", "我的身分證字號是"+bumpLast(tw)+"，謝謝").props),
		neg("tw chat no number", skv("message", "我的身分證遺失了，怎麼辦？").props),
		neg("cjk order number", skv("message", "訂單編號是A123456789，謝謝").props),
		// A cue, its number word and a word with a colon; Turkish possessives.
		pos("tckn no then word", skv("error", "TC Kimlik No doğrulanamadı: "+tckn).props, tckn),
		pos("tckn possessive", skv("message", "Merhaba, TC kimlik numaram "+tckn+" teşekkürler").props, tckn),
		neg("tckn no then word bad", skv("error", "TC Kimlik No doğrulanamadı: "+bumpLast(tckn)).props),
		// Several words between the cue and a parenthesis or colon: the
		// value must pass the named format's check.
		pos("ssn words paren", skv("error", "SSN format invalid (536221234)").props, "536221234"),
		pos("cpf words colon", skv("error", "CPF não confere: "+cpf).props, cpf),
		neg("ssn words paren bad", skv("error", "SSN format invalid (000221234)").props),
		neg("cpf words colon bad", skv("error", "CPF não confere: "+bumpLast(cpf)).props),
		neg("passport words date", skv("message", "Passport expiry date: 2031-01-01").props),
		neg("passport words number", skv("message", "Passport photo page (12345678)").props),
		// An ID named by an identifier in an error line: a column, a
		// function, a field, a path segment.
		pos("line sqlite column", skv("error", "UNIQUE constraint failed: users.ssn (value 536221234)").props, "536221234"),
		pos("line function", skv("$exception_message", "TypeError: Cannot read properties of undefined (reading 'nome') at validarCpf(\""+cpf+"\")").props, cpf),
		pos("line field after", skv("error", "NumberFormatException: For input string: \""+cpf+"\" (field cpf)").props, cpf),
		pos("line schema path", skv("error", "'536221234' does not match '^\\d{9}$' in schema['properties']['ssn']").props, "536221234"),
		pos("line url path", skv("error", "upstream returned 404 for /v1/persons/536221234/ssn").props, "536221234"),
		pos("line cnpj", skv("error", "CNPJ verification failed for 11.222.333/0001-81").props, "11.222.333/0001-81"),
		pos("line pan", skv("error", "PAN verification failed for ABCPE1234F").props, "ABCPE1234F"),
		pos("line taiwan column", skv("error", "duplicate key value violates unique constraint \"users_taiwan_id_key\" DETAIL: Key (taiwan_id)=("+tw+") already exists.").props, tw),
		neg("line ssn not set apart", skv("error", "users.ssn lookup for order 536221234 failed").props),
		neg("line ssn bad area", skv("error", "UNIQUE constraint failed: users.ssn (value 000221234)").props),
		neg("line cpf bad check", skv("error", "at validarCpf(\""+bumpLast(cpf)+"\")").props),
		neg("line word inside", skv("error", "classname 'A' failed for order '536221234'").props),
		neg("line pan not india", skv("error", "PAN verification failed for ABCDE1234F").props),
		// Passport numbers: German serial numbers with fewer than two
		// digits, and the "no" of a passport object.
		pos("passport german few digits", `{"passengers":[{"passport":{"number":"CFGHJK1LM","issuing_country":"DE"}}]}`, "CFGHJK1LM"),
		pos("passport german no digits", skv("passport_number", "HJKLMNPRT").props, "HJKLMNPRT"),
		pos("passport object no", `{"traveller":{"passport":{"no":"AB1234567"}}}`, "AB1234567"),
		pos("passport object nr dni shape", `{"passport":{"nr":"12345678A"}}`, "12345678A"),
		neg("passport vowels", `{"passengers":[{"passport":{"number":"CANCELLED"}}]}`),
		neg("passport german other first", skv("passport_number", "MNPRTVWXY").props),
		neg("passport object no count", `{"passport":{"no":"2","country":"DE"}}`),
		// ID cues of more countries and joiners with an article.
		pos("chat mykad malay", skv("message", "No. IC saya 900101-14-5678").props, "900101-14-5678"),
		pos("chat mykad malay 2", skv("message", "nombor IC saya ialah 900101-14-5678").props, "900101-14-5678"),
		pos("chat emirates id", skv("message", "my Emirates ID is "+emS).props, emS),
		neg("chat emirates id bad check", skv("message", "my Emirates ID is "+bumpLast(emS)).props),
		pos("chat egypt arabic", skv("message", "رقمي القومي 29001011234567").props, "29001011234567"),
		pos("chat thai", skv("message", "เลขบัตรประชาชน "+thS).props, thS),
		neg("chat thai bad check", skv("message", "เลขบัตรประชาชน "+bumpLast(thS)).props),
		pos("chat spanish article", skv("message", "Mi DNI es el "+dniOf(12345678)).props, dniOf(12345678)),
		neg("chat mykad no number", skv("message", "No. IC saya hilang, boleh bantu?").props),
		neg("chat arabic no number", skv("message", "نسيت رقم الهوية الخاص بي").props),
		neg("chat spanish article bad", skv("message", "Mi DNI es el 12345678A").props),
		// SAML: a response is a bearer assertion; a redirect's Signature
		// is a public-key signature of one message.
		pos("saml response form", skv("body", "SAMLResponse="+fake(5, 120, alnum)+"%3D&RelayState=%2Fhome").props, fake(5, 120, alnum)),
		neg("saml request redirect", skv("$current_url", "https://idp.example.com/sso?SAMLRequest=fZJNT8MwDIbv%2FIoq9zRtt7Zb1HYa7DBpSKgbHLhRGneN1CYlTsf492Q&RelayState=ss%3Amem%3A1&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256&Signature="+fake(6, 172, alnum)).props),
		pos("signed url still", skv("url", "https://bucket.s3.amazonaws.com/a.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&Signature="+fake(7, 64, "0123456789abcdef")).props, fake(7, 64, "0123456789abcdef")),
		// Device serials under their keys are no cards and no IDs.
		neg("imei key", skv("imei", "490154203237518").props),
		neg("iccid key", skv("sim_iccid", "8944110068256270054").props),
		pos("bank a/c no ifsc", skv("message", "Please transfer to A/c No. 123456789012, IFSC SBIN0001234").props, "123456789012"),
		neg("bank ifsc alone", skv("message", "Our IFSC is SBIN0001234, branch 0456").props),
		// Identifiers whose format says what they are: a Sentry DSN's
		// project id, a Cloud Trace span id. A card in a REST path stays one.
		neg("sentry dsn project id", skv("sentry_dsn", "https://0123456789abcdef0123456789abcdef@o450123.ingest.us.sentry.io/4505123456789010").props),
		neg("cloud trace span id", skv("x-cloud-trace-context", "105445aa7843bc8bf206b12000100000/4505123456789010;o=1").props),
		pos("card in rest path", skv("url", "https://api.example.com/v1/cards/4111111111111111/verify").props, "4111111111111111"),
		pos("card after hex-less slash", skv("note", "ref abc/4111111111111111").props, "4111111111111111"),
		// A connection string inside prose: its pairs are split by ';'.
		pos("azure key in prose", skv("message", "failed to connect: DefaultEndpointsProtocol=https;AccountName=acme;AccountKey="+fake(8, 43, alnum+"+/")+"=;EndpointSuffix=core.windows.net").props, fake(8, 43, alnum+"+/")),
		neg("semicolon pairs no secret", skv("message", "retry with Server=db;Database=app;Timeout=30;Encrypt=true").props),
		neg("line ssn far", skv("error", "ssn check skipped\nretrying order '536221234'").props),
	}
}

// Valid samples of the sixth round's formats, built with their checks.
func egnOf(d9 string) string {
	r := 0
	for k, w := range []int{2, 4, 8, 5, 10, 9, 7, 3, 6} {
		r += int(d9[k]-'0') * w
	}
	if r %= 11; r == 10 {
		r = 0
	}
	return d9 + strconv.Itoa(r)
}

func tajOf(d8 string) string {
	r := 0
	for k := 0; k < 8; k++ {
		r += int(d8[k]-'0') * []int{3, 7}[k%2]
	}
	return d8 + strconv.Itoa(r%10)
}

func oibOf(d10 string) string {
	p := 10
	for k := 0; k < 10; k++ {
		s := (int(d10[k]-'0') + p) % 10
		if s == 0 {
			s = 10
		}
		p = s * 2 % 11
	}
	c := 11 - p
	if c == 10 {
		c = 0
	}
	return d10 + strconv.Itoa(c)
}

func rcOf(d9 string) string {
	n, _ := strconv.Atoi(d9)
	for c := 0; c <= 9; c++ {
		if (n*10+c)%11 == 0 {
			return d9 + strconv.Itoa(c)
		}
	}
	return ""
}

func ahvOf(d12 string) string {
	sum := 0
	for k := 0; k < 12; k++ {
		sum += int(d12[k]-'0') * []int{1, 3}[k%2]
	}
	return d12 + strconv.Itoa((10-sum%10)%10)
}

func thOf(d12 string) string {
	sum := 0
	for k := 0; k < 12; k++ {
		sum += int(d12[k]-'0') * (13 - k)
	}
	return d12 + strconv.Itoa((11-sum%11)%10)
}

func emiratesOf(d14 string) string {
	for c := 0; c <= 9; c++ {
		if x := d14 + strconv.Itoa(c); luhn([]byte(x)) {
			return x
		}
	}
	return ""
}

// TestIDFormatSamples6 runs the sixth round's checks on the formats'
// published examples, and on each with its last character changed.
func TestIDFormatSamples6(t *testing.T) {
	for _, c := range []struct {
		valid func([]byte) bool
		v     string
	}{
		{eeIsikukoodValid, "37605030299"}, {beNRNValid, "85073003328"}, {chAHVValid, "7569217076985"},
		{iePPSNValid, "1234567T"}, {iePPSNValid, "1234567FA"}, {ptNIFValid, "123456789"}, {arCUILValid, "20123456786"},
		{isKennitalaValid, "1201743399"}, {hrOIBValid, "69435151530"}, {jmbgValid, "0101006500006"},
		{roCNPValid, "1800101221144"}, {bgEGNValid, "7523169263"}, {czRodneCisloValid, "7801233540"},
		{thIDValid, "1101700230708"}, {huTAJValid, "037687210"}, {aeEmiratesIDValid, emiratesOf("78419901234567")},
	} {
		if !c.valid([]byte(c.v)) {
			t.Errorf("%s: published example fails", c.v)
		}
		n := len(c.v) - 1
		if c.v == "1201743399" {
			n = 8 // a kennitala's last digit is its century; the check is the ninth
		}
		bad := c.v[:n] + string("1032547698BADCFEHGJILKNMPORQTSVUXWZY"[strings.IndexByte("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", c.v[n])]) + c.v[n+1:]
		if c.valid([]byte(bad)) {
			t.Errorf("%s: passes with its last character changed", bad)
		}
	}
}
