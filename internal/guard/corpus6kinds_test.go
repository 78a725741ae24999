package guard

import (
	"encoding/base64"
	"testing"
)

// der returns head followed by n pseudo-random bytes, base64-encoded.
func der(seed int, head []byte, n int) string {
	b := append([]byte{}, head...)
	b = append(b, []byte(fake(seed, n, alnum+"+/"))...)
	return base64.StdEncoding.EncodeToString(b)
}

func ppkFile(priv string) string {
	return "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: ed25519-key-20240101\nPublic-Lines: 2\n" +
		"AAAAC3NzaC1lZDI1NTE5AAAAIBvVYmYd3nRTYbgR9jSvPr0M1Z0Pq9qK4H1hX2y\nYh3fQm7Kx\n" +
		"Private-Lines: 1\n" + priv + "\nPrivate-MAC: " + fake(91, 64, "0123456789abcdef") + "\n"
}

// TestNewIDChecks checks natcheck6.go's checks on examples published with
// each format (or, where none is at hand, built with an independent
// implementation of the published rule) and on the same numbers with one
// digit changed.
func TestNewIDChecks(t *testing.T) {
	cases := []struct {
		name  string
		valid func([]byte) bool
		good  string
		bad   string
	}{
		{"be nrn", beNRNValid, "93051822361", "93051822362"},
		{"ee isikukood", eeIsikukoodValid, "37605030299", "37605030298"},
		{"ro cnp", roCNPValid, "1960529460012", "1960529460018"},
		{"bg egn", bgEGNValid, "7523169263", "7523169264"},
		{"hr oib", oibValid, "69435151530", "69435151531"},
		{"jmbg", jmbgValid, "0101006500006", "0101006500007"},
		{"cz rc", rcValid, "7103192745", "7103192746"},
		{"ar cuit", cuitValid, "20172543597", "20172543598"},
		{"th id", thaiIDValid, "1101700203450", "1101700203451"},
		{"is kennitala", kennitalaValid, "1201743399", "1201743389"},
		{"ch ahv", ean13Valid, "7569217076985", "7569217076984"},
		{"ie ppsn", ppsnValid, "1234567T", "1234567K"},
		{"ie ppsn 2013", ppsnValid, "1234567TW", "1234567XW"},
		{"pt nif", ptNIFValid, "123456789", "123456788"},
		{"hu taj", tajValid, "111111110", "111111111"},
		{"ae emirates", emiratesValid, "784196865703050", "784196865703051"},
	}
	for _, c := range cases {
		if !c.valid([]byte(c.good)) {
			t.Errorf("%s: %s should pass", c.name, c.good)
		}
		if c.valid([]byte(c.bad)) {
			t.Errorf("%s: %s should fail", c.name, c.bad)
		}
	}
}

// kinds6Samples are the detector samples of the detectors added for the
// sixth corpus's kinds (merged into samples() by TestDetectorSamples).
func kinds6Samples() map[string][2][]sample {
	samlResp := "PHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxwPSJ1cm46b2FzaXM6bmFtZXM6dGM6U0FNTDoyLjA6cHJvdG9jb2wi" + fake(81, 120, alnum+"+/")
	ppkPriv := "AAAAI" + fake(92, 59, alnum+"+/")
	p12 := der(93, []byte{0x30, 0x82, 0x03, 0x00, 0x02, 0x01, 0x03, 0x30, 0x82, 0x02, 0xf0, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01}, 600)
	jks := der(94, []byte{0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 1}, 800)
	cert := der(95, []byte{0x30, 0x82, 0x03, 0x00, 0x30, 0x82, 0x02, 0xe8, 0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x10}, 600)
	return map[string][2][]sample{
		"private_key.putty": {
			{kv("attachment_text", ppkFile(ppkPriv)), raw(`{"file_content":`+jsonQuote(ppkFile(ppkPriv))+`}`, ppkPriv)},
			{kv("attachment_text", "PuTTY-User-Key-File-3: ssh-ed25519\nPublic-Lines: 1\nAAAAC3NzaC1lZDI1NTE5AAAAIBvVYmYd3nRTYbgR9jSvPr0M1Z0Pq9qK4H1hX2y\n"), kv("faq", "PuTTY key files have Public-Lines and Private-Lines: never paste the Private-Lines")},
		},
		"private_key.keystore": {
			{kv("certificate_p12_base64", p12), kv("keystore_jks", jks)},
			{kv("certificate_der_base64", cert), kv("thumbnail", der(96, []byte{0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a}, 300))},
		},
		"text.oracle_connect": {
			{kv("connection_string", "jdbc:oracle:thin:scott/Tiger_2024x@//db.corp.local:1521/ORCLPDB1"), kv("cmd", "sqlplus -s app/Kq7zR2mX9@//db:1521/ORCL @report.sql")},
			{kv("connection_string", "jdbc:oracle:thin:@//db.corp.local:1521/ORCLPDB1"), kv("cmd", "sqlplus /nolog @setup.sql")},
		},
		"rrweb.input_text": {
			{raw(`{"$snapshot_data":[{"type":3,"timestamp":1718200000000,"data":{"source":5,"text":"Maria Lopez, 14 Calle Mayor","isChecked":false,"id":42}}]}`, "Maria Lopez, 14 Calle Mayor"),
				raw(`{"$snapshot_data":[{"type":3,"data":{"source":5,"id":7,"text":"my secret note","isChecked":false,"userTriggered":true}}]}`, "my secret note")},
			{raw(`{"$snapshot_data":[{"type":3,"data":{"source":5,"text":"**********","isChecked":false,"id":42}}]}`, ""),
				raw(`{"$snapshot_data":[{"type":3,"data":{"source":2,"type":2,"id":42,"x":10,"y":20}},{"type":3,"data":{"source":0,"texts":[{"id":3,"value":"Welcome"}],"adds":[],"removes":[],"attributes":[]}}]}`, "")},
		},
		"id.th_id": {
			{kv("ocr_text", "Thai ID: 1-1017-00203-45-0"), kv("note", "customer card 1-1017-00203-45-0 verified")},
			{kv("ocr_text", "Thai ID: 1-1017-00203-45-1"), kv("part", "sku 1-1017-00203-45-0-7")},
		},
		"id.ae_emirates_id": {
			{kv("text", "Emirates ID: 784-1968-6570305-0"), kv("note", "my EID 784-1968-6570305-0 thanks")},
			{kv("text", "Emirates ID: 784-1968-6570305-1"), kv("note", "ref 785-1968-6570305-0")},
		},
		"id.cz_rodne_cislo": {
			{kv("body", "Rodné číslo: 710319/2745"), kv("note", "RC 710319/2745, prosím")},
			{kv("body", "Rodné číslo: 710319/2746"), kv("path", "build 240101/1234")},
		},
		"secret.saml_response": {
			{kv("form_body", "SAMLResponse="+samlResp+"&RelayState=%2Fdashboard"), kv("$current_url", "https://sp.example.com/acs?SAMLResponse="+samlResp+"&RelayState=x")},
			{kv("form_body", "SAMLResponse=&RelayState=%2Fdashboard"), kv("note", "post the SAMLResponse to the ACS URL")},
		},
	}
}

func kinds6Cases() []famCase {
	sig := fake(82, 172, alnum+"+/")
	return []famCase{
		// SAML redirect binding: the Signature over a request is not a credential.
		neg("signed SAMLRequest", kv("$current_url", "https://idp.example.com/sso?SAMLRequest=fZJNT8MwDIbv"+fake(83, 80, alnum)+"&RelayState=ss%3Amem&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256&Signature="+sig).props),
		pos("signed URL still", kv("src", "https://cdn.example.com/v.mp4?Expires=1718200000&Key-Pair-Id=K2JCJMDEHXQW5F&Signature="+sig).props, sig),

		// National IDs of the new formats: under their keys (valid kept
		// out, look-alikes kept in), in traits, in KYC documents, in text.
		pos("oib under key", kv("oib", "69435151530").props, "69435151530"),
		neg("oib look-alike", kv("oib", "69435151531").props),
		pos("oib long key", `{"traits":{"osobni_identifikacijski_broj":"69435151530"}}`, "69435151530"),
		pos("jmbg cyrillic key", `{"матични_број":"0101006500006"}`, "0101006500006"),
		neg("jmbg look-alike", kv("jmbg", "0101006500007").props),
		neg("emso look-alike", kv("emso", "0101006500007").props),
		pos("egn", kv("egn", "7523169263").props, "7523169263"),
		neg("egn look-alike", kv("egn", "7523169264").props),
		pos("isikukood", kv("isikukood", "37605030299").props, "37605030299"),
		neg("isikukood look-alike", kv("isikukood", "37605030298").props),
		neg("asmens kodas look-alike", kv("asmens_kodas", "37605030298").props),
		pos("cnp", kv("cnp", "1960529460012").props, "1960529460012"),
		neg("cnp look-alike", kv("cnp", "1960529460018").props),
		pos("rodne cislo", kv("rodne_cislo", "710319/2745").props, "710319/2745"),
		neg("rodne cislo look-alike", kv("rodne_cislo", "710319/2746").props),
		pos("cuil", kv("cuil_cuit", "20-17254359-7").props, "20-17254359-7"),
		neg("cuil look-alike", kv("cuil_cuit", "20-17254359-8").props),
		pos("thai id", kv("thai_national_id", "1-1017-00203-45-0").props, "1-1017-00203-45-0"),
		neg("thai id look-alike", kv("thai_national_id", "1-1017-00203-45-1").props),
		pos("kennitala", kv("kennitala", "120174-3399").props, "120174-3399"),
		neg("kennitala look-alike", kv("kennitala", "120174-3389").props),
		neg("kt look-alike", kv("kt", "120174-3389").props),
		pos("ahv", kv("ahv_nummer", "756.9217.0769.85").props, "756.9217.0769.85"),
		neg("ahv look-alike", kv("ahv_nummer", "756.9217.0769.84").props),
		pos("ppsn", `{"traits":{"ppsn":"1234567T"}}`, "1234567T"),
		neg("ppsn look-alike", kv("ppsn", "1234567K").props),
		pos("pt nif", kv("numero_contribuinte", "123456789").props, "123456789"),
		neg("pt nif look-alike", kv("nif", "123456788").props),
		pos("taj", `{"traits":{"tajSzam":"111 111 110"}}`, "111 111 110"),
		neg("taj look-alike", kv("taj_szam", "111 111 111").props),
		pos("be nrn", kv("numero_registre_national", "93.05.18-223.61").props, "93.05.18-223.61"),
		neg("be nrn look-alike", kv("nrn", "93.05.18-223.62").props),
		pos("emirates id", kv("رقم_الهوية", "784-1968-6570305-0").props, "784-1968-6570305-0"),
		neg("emirates look-alike", kv("emirates_id", "784-1968-6570305-1").props),
		neg("country-qualified key, look-alike", kv("personal_code_ee", "37605030298").props),
		pos("country-qualified key", kv("personal_code_ee", "37605030299").props, "37605030299"),
		neg("country-qualified camel key, look-alike", kv("citizenIdTH", "1101700203451").props),
		pos("foreign social security key", kv("social_security_ch", "756.9217.0769.85").props, "756.9217.0769.85"),
		neg("foreign social security key, look-alike", kv("social_security_ch", "756.9217.0769.84").props),
		pos("kyc document foreign ssn", `{"kyc":{"document":{"type":"social_security_ch","number":"756.9217.0769.85"}}}`, "756.9217.0769.85"),
		pos("us ssn key still", kv("social_security_number", "536-22-1234").props, "536-22-1234"),
		pos("kyc document thai", `{"kyc":{"document":{"type":"thai_national_id","number":"1-1017-00203-45-0"}}}`, "1-1017-00203-45-0"),
		pos("kyc document ppsn", `{"kyc":{"document":{"type":"ppsn","number":"1234567T"}}}`, "1234567T"),
		pos("ahvn13", kv("ahvn13", "756.9217.0769.85").props, "756.9217.0769.85"),
		neg("ahvn13 look-alike", kv("ahvn13", "756.9217.0769.84").props),
		pos("eid number", kv("eid_number", "784-1968-6570305-0").props, "784-1968-6570305-0"),
		neg("eid look-alike", kv("eid_number", "784-1968-6570305-1").props),
		pos("kyc document egn", `{"kyc":{"document":{"type":"ЕГН","number":"7523169263"}}}`, "7523169263"),
		pos("kyc document ahv", `{"kyc":{"document":{"type":"ahv_nummer","number":"756.9217.0769.85"}}}`, "756.9217.0769.85"),
		pos("text oib", kv("body", "Hello, my OIB is 69435151530, please update my file.").props, "69435151530"),
		pos("text emirates", kv("text", "Emirates ID: 784-1968-6570305-0").props, "784-1968-6570305-0"),
		pos("text thai", kv("ocr_text", "Thai ID: 1-1017-00203-45-0").props, "1-1017-00203-45-0"),
		pos("text taj", kv("body", "my TAJ szám is 111 111 110, thanks").props, "111 111 110"),
		pos("text egn", kv("text", "ЕГН: 7523169263").props, "7523169263"),
		pos("toml cnp", `{"text":"[applicant]\nname = \"A. Pop\"\ncnp = \"1960529460012\"\n"}`, "1960529460012"),
		neg("text oib look-alike", kv("body", "my OIB is 69435151531").props),

		// Identifiers whose digits pass Luhn in a card's range by chance.
		neg("sentry dsn project id", kv("sentry_dsn", "https://"+fake(84, 32, "0123456789abcdef")+"@o4504000000000000.ingest.sentry.io/4111111111111111").props),
		neg("gcp trace context", kv("x-cloud-trace-context", fake(85, 32, "0123456789abcdef")+"/4111111111111111;o=1").props),
		pos("card after a slash", kv("note", "paid with card/4111111111111111 today").props, "4111111111111111"),
		pos("card in a url path", kv("url", "https://shop.example.com/pay/4111111111111111").props, "4111111111111111"),
		neg("imei", kv("imei", "490154203237518").props),

		// Passwords in connection strings, mail bodies; Azure keys; cookies in raw responses.
		pos("jdbc sqlserver", kv("connection_string", "jdbc:sqlserver://db.internal:1433;databaseName=orders;user=app;password=Xq7!vR2pLm9;encrypt=true").props, "Xq7!vR2pLm9"),
		pos("odbc pwd", kv("datasource", "Driver={ODBC Driver 18 for SQL Server};Server=tcp:db.internal,1433;Database=orders;Uid=app;Pwd=Xq7!vR2pLm9;Encrypt=yes;").props, "Xq7!vR2pLm9"),
		pos("ado.net password", kv("$exception_message", "Login failed. Connection: Server=db.internal;Database=orders;User Id=app;Password=Xq7!vR2pLm9;").props, "Xq7!vR2pLm9"),
		pos("jdbc postgres query", kv("$exception_message", "FATAL: could not connect using jdbc:postgresql://db:5432/app?user=app&password=Xq7vR2pLm9z").props, "Xq7vR2pLm9z"),
		neg("odbc without secret", kv("datasource", "Driver={ODBC Driver 18 for SQL Server};Server=tcp:db.internal,1433;Database=orders;Trusted_Connection=yes;").props),
		pos("mail body temp password", kv("email_body", "Hi Ana,\n\nYour account has been created.\nUsername: ana42\nTemporary password: Zk4#pW9qLx\n\nPlease change it.").props, "Zk4#pW9qLx"),
		pos("mail body html password", kv("email_body", "<html><body><p>Hello Ana,</p><p>Your one-time password is <b>Zk4pW9qLx7</b>. It expires in 10 minutes.</p></body></html>").props, "Zk4pW9qLx7"),
		neg("mail body without password", kv("email_body", "<p>Your password was changed. If this was not you, <b>reset it</b> now.</p>").props),
		pos("service bus key", kv("connectionString", "Endpoint=sb://acme-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey="+fake(86, 43, alnum+"+/")+"=").props, fake(86, 43, alnum+"+/")+"="),
		pos("storage key", kv("AZURE_STORAGE_CONNECTION_STRING", "DefaultEndpointsProtocol=https;AccountName=acmestore;AccountKey="+fake(87, 86, alnum+"+/")+"==;EndpointSuffix=core.windows.net").props, fake(87, 86, alnum+"+/")+"=="),
		neg("service bus without key", kv("connectionString", "Endpoint=sb://acme-bus.servicebus.windows.net/;Authentication=Managed Identity").props),
		pos("set-cookie raw", kv("raw_response", "HTTP/1.1 302 Found\r\nLocation: /home\r\nSet-Cookie: session_id="+fake(88, 40, alnum)+"; Path=/; HttpOnly; Secure\r\nContent-Length: 0\r\n\r\n").props, fake(88, 40, alnum)),
		pos("set-cookie raw lf", kv("raw_response", "HTTP/2 200\ncontent-type: text/html\nset-cookie: connect.sid=s%3A"+fake(89, 32, alnum)+"; Path=/; HttpOnly\n").props, fake(89, 32, alnum)),
		neg("set-cookie preference", kv("raw_response", "HTTP/1.1 200 OK\r\nSet-Cookie: theme=dark; Path=/\r\nSet-Cookie: lang=en-US; Path=/\r\n\r\n").props),
		pos("account beside ifsc", kv("message", "Please send the refund to A/c No. 501012345678, IFSC HDFC0001234 (HDFC Bank, Koramangala)").props, "501012345678"),
		neg("ifsc alone", kv("message", "Our IFSC is HDFC0001234, branch Koramangala").props),
		pos("iban spaced in prose", kv("payout_note", "Refund to SA03 8000 0000 6080 1016 7519 please, thanks").props, "SA03 8000 0000 6080 1016 7519"),
		pos("iban spaced is", kv("payout_note", "Refund to IS14 0159 2600 7654 5510 7303 39 please, thanks").props, "IS14 0159 2600 7654 5510 7303 39"),
		pos("iban spaced pt", kv("payout_note", "Refund to PT50 0002 0123 1234 5678 9015 4 please").props, "PT50 0002 0123 1234 5678 9015 4"),
		pos("track 1", kv("raw_track", "%B4111111111111111^DOE/JOHN^2512101000000000000000?").props, "4111111111111111"),
		pos("track 2", kv("swipe", ";4111111111111111=25121010000000000000?").props, "4111111111111111"),
		pos("track 1 and 2", kv("reader_data", "%B5500005555555559^DOE/JANE^27011010000000000000?;5500005555555559=27011010000000000000?").props, "5500005555555559"),
		neg("track look-alike", kv("raw_track", "%B4111111111111112^DOE/JOHN^2512101000000000000000?").props),
		neg("imei spaced", kv("device_imei", "49-015420-323751-8").props),
		pos("card under another key", kv("device_note", "490154203237518 4111 1111 1111 1111").props, "4111 1111 1111 1111"),
	}
}

func TestKinds6Cases(t *testing.T) {
	runFamCases(t, mustChecker(t, DefaultPolicy()), kinds6Cases())
}
