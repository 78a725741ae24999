package guard

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
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

// kindsLeftSamples are detector samples of the round, merged into
// TestDetectorSamples.
func kindsLeftSamples() map[string][2][]sample {
	pw := "Tr0ub4dor&3x"
	tw := twOf('A', "12345678")
	pem := "-----BEGIN RSA PRIVATE KEY-----\n" + fake(91, 40, alnum+"+/")
	truncated := base64.StdEncoding.EncodeToString([]byte(pem)) // a key cut short: the key names it
	return map[string][2][]sample{
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

func TestKindsLeftFamilies(t *testing.T) {
	c := mustChecker(t, DefaultPolicy())
	runFamCases(t, c, kindsLeftCases())
}

// bumpLast changes the last digit of s, breaking its check.
func bumpLast(s string) string {
	n := len(s) - 1
	return s[:n] + strconv.Itoa((int(s[n]-'0')+1)%10)
}

func kindsLeftCases() []famCase {
	tw := twOf('A', "12345678")
	tckn := tcknOf("100000001")
	cpf := cpfOf("529982247")
	return []famCase{
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
		pos("chat egypt arabic", skv("message", "رقمي القومي 29001011234567").props, "29001011234567"),
		pos("chat spanish article", skv("message", "Mi DNI es el "+dniOf(12345678)).props, dniOf(12345678)),
		neg("chat mykad no number", skv("message", "No. IC saya hilang, boleh bantu?").props),
		neg("chat arabic no number", skv("message", "نسيت رقم الهوية الخاص بي").props),
		neg("chat spanish article bad", skv("message", "Mi DNI es el 12345678A").props),
		// A connection string inside prose: its pairs are split by ';'.
		pos("azure key in prose", skv("message", "failed to connect: DefaultEndpointsProtocol=https;AccountName=acme;AccountKey="+fake(8, 43, alnum+"+/")+"=;EndpointSuffix=core.windows.net").props, fake(8, 43, alnum+"+/")),
		neg("semicolon pairs no secret", skv("message", "retry with Server=db;Database=app;Timeout=30;Encrypt=true").props),
		// A key qualified by a country names that country's format: its
		// check decides (personal_code_ee, citizen_id_th); another
		// country's social security key holds no SSN (social_security_ch).
		pos("country key ee", skv("personal_code_ee", "37605030299").props, "37605030299"),
		neg("country key ee bad", skv("personal_code_ee", "37605030298").props),
		pos("country key th", skv("citizen_id_th", "1101700230708").props, "1101700230708"),
		neg("country key th bad", skv("citizen_id_th", "1101700230709").props),
		pos("country ssn ch", skv("social_security_ch", "756.9217.0769.85").props, "756.9217.0769.85"),
		neg("country ssn ch bad", skv("social_security_ch", "756.9217.0769.84").props),
		pos("country ssn us", skv("ssn_us", "536-22-1234").props, "536-22-1234"),
		// Argument vectors: getopt's glued short options, curl's glued
		// user:password, smbclient's user%password, Oracle logons, docker
		// login.
		pos("argv ldap glued", `{"argv":["ldapadd","-D","cn=admin","-wXk9#mPq2$vL"]}`, "Xk9#mPq2$vL"),
		pos("argv zip glued", `{"argv":["zip","-PXk9#mPq2$vL","a.zip"]}`, "Xk9#mPq2$vL"),
		pos("argv curl glued", `{"argv":["curl","-ubob:Xk9#mPq2$vL","https://x"]}`, "Xk9#mPq2$vL"),
		pos("cmd curl glued", skv("cmd", "curl -ubob:Xk9#mPq2$vL https://x").props, "Xk9#mPq2$vL"),
		pos("argv smbclient", `{"argv":["smbclient","//srv/s","-U","bob%Xk9#mPq2$vL"]}`, "Xk9#mPq2$vL"),
		pos("argv sqlplus", `{"argv":["sqlplus","-s","scott/Xk9#mPq2$vL@orcl"]}`, "Xk9#mPq2$vL"),
		pos("argv docker login glued", `{"argv":["docker","login","-pXk9#mPq2$vL"]}`, "Xk9#mPq2$vL"),
		neg("argv mysql db after -p", `{"argv":["mysql","-u","root","-p","appdb"]}`),
		neg("argv curl url user", `{"argv":["curl","-uhttps://x"]}`),
		neg("argv sqlplus nolog", `{"argv":["sqlplus","/nolog"]}`),
		neg("argv ldap flags", `{"argv":["ldapsearch","-x","-LLL","-b","dc=ex"]}`),
		neg("line ssn far", skv("error", "ssn check skipped\nretrying order '536221234'").props),
	}
}
