package guard

import (
	"testing"
)

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
	return map[string][2][]sample{
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
		pos("kyc document thai", `{"kyc":{"document":{"type":"thai_national_id","number":"1-1017-00203-45-0"}}}`, "1-1017-00203-45-0"),
		pos("kyc document ppsn", `{"kyc":{"document":{"type":"ppsn","number":"1234567T"}}}`, "1234567T"),
		pos("kyc document ahv", `{"kyc":{"document":{"type":"ahv_nummer","number":"756.9217.0769.85"}}}`, "756.9217.0769.85"),
		pos("text oib", kv("body", "Hello, my OIB is 69435151530, please update my file.").props, "69435151530"),
		pos("text emirates", kv("text", "Emirates ID: 784-1968-6570305-0").props, "784-1968-6570305-0"),
		pos("text thai", kv("ocr_text", "Thai ID: 1-1017-00203-45-0").props, "1-1017-00203-45-0"),
		pos("text taj", kv("body", "my TAJ szám is 111 111 110, thanks").props, "111 111 110"),
		pos("text egn", kv("text", "ЕГН: 7523169263").props, "7523169263"),
		pos("toml cnp", `{"text":"[applicant]\nname = \"A. Pop\"\ncnp = \"1960529460012\"\n"}`, "1960529460012"),
		neg("text oib look-alike", kv("body", "my OIB is 69435151531").props),
	}
}

func TestKinds6Cases(t *testing.T) {
	runFamCases(t, mustChecker(t, DefaultPolicy()), kinds6Cases())
}
