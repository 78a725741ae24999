package apptest

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func randString(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		k, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		b[i] = alphabet[k.Int64()]
	}
	return string(b)
}

const (
	alnum  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	upper2 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	digits = "0123456789"
)

// luhnCard returns a random Visa number that passes Luhn.
func luhnCard() string {
	n := "4" + randString(digits, 14)
	sum := 0
	for i := len(n) - 1; i >= 0; i-- {
		d := int(n[i] - '0')
		if (len(n)-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return n + fmt.Sprint((10-sum%10)%10)
}

// ibanDE returns a random German IBAN with valid mod-97 check digits.
func ibanDE() string {
	bban := randString(digits, 18)
	num, _ := new(big.Int).SetString(bban+"131400", 10) // D=13 E=14, "00" check placeholder
	check := 98 - new(big.Int).Mod(num, big.NewInt(97)).Int64()
	return fmt.Sprintf("DE%02d%s", check, bban)
}

// ssnRandom returns a random US SSN that follows the SSA's rules.
func ssnRandom() string {
	area, _ := rand.Int(rand.Reader, big.NewInt(565))
	grp, _ := rand.Int(rand.Reader, big.NewInt(98))
	ser, _ := rand.Int(rand.Reader, big.NewInt(9998))
	return fmt.Sprintf("%03d-%02d-%04d", area.Int64()+100, grp.Int64()+1, ser.Int64()+1)
}

// zaID returns a random South African identity number (birth date,
// citizenship 0, Luhn check digit).
func zaID() string {
	m, _ := rand.Int(rand.Reader, big.NewInt(12))
	d, _ := rand.Int(rand.Reader, big.NewInt(28))
	n := fmt.Sprintf("%s%02d%02d%s08", randString(digits, 2), m.Int64()+1, d.Int64()+1, randString(digits, 4))
	for c := 0; c <= 9; c++ {
		x := n + fmt.Sprint(c)
		if luhnOK(x) {
			return x
		}
	}
	panic("unreachable")
}

// sinRandom returns a random Canadian SIN (first digit 1-7, Luhn).
func sinRandom() string {
	n := string("1234567"[randString(digits, 1)[0]%7]) + randString(digits, 7)
	for c := 0; c <= 9; c++ {
		if x := n + fmt.Sprint(c); luhnOK(x) {
			return x
		}
	}
	panic("unreachable")
}

func luhnOK(n string) bool {
	sum := 0
	for i := len(n) - 1; i >= 0; i-- {
		d := int(n[i] - '0')
		if (len(n)-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// cnpjRandom returns a random valid CNPJ (14 digits, two mod-11 digits).
func cnpjRandom() string {
	d := randString("123456789", 8) + "0001"
	for _, w := range [][]int{{5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}, {6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}} {
		sum := 0
		for k, x := range w {
			sum += int(d[k]-'0') * x
		}
		r := sum % 11
		if r < 2 {
			r = 0
		} else {
			r = 11 - r
		}
		d += strconv.Itoa(r)
	}
	return d
}

// peselRandom returns a random valid PESEL (a 1990s birth date).
func peselRandom() string {
	d := "9" + randString("0123456789", 1) + "0" + randString("123456789", 1) + "1" + randString("0123456789", 1) + randString(digits, 4)
	w := []int{1, 3, 7, 9, 1, 3, 7, 9, 1, 3}
	sum := 0
	for k, x := range w {
		sum += int(d[k]-'0') * x
	}
	return d + strconv.Itoa((10-sum%10)%10)
}

// cpfRandom returns a random valid CPF.
func cpfRandom() string {
	d := randString("123456789", 9)
	for _, n := range []int{9, 10} {
		sum := 0
		for k := 0; k < n; k++ {
			sum += int(d[k]-'0') * (n + 1 - k)
		}
		d += strconv.Itoa(sum * 10 % 11 % 10)
	}
	return d
}

// hkidRandom returns a random Hong Kong identity card number as printed,
// with its check character in parentheses.
func hkidRandom() string {
	l := randString("ABCDEFGHJKLMNPRSTVWYZ", 1)
	d := randString(digits, 6)
	sum := 36*9 + int(l[0]-'A'+10)*8
	for k := 0; k < 6; k++ {
		sum += int(d[k]-'0') * (7 - k)
	}
	c := (11 - sum%11) % 11
	ch := "0123456789A"[c : c+1]
	return l + d + "(" + ch + ")"
}

// twIDRandom returns a random valid Taiwan national identification number.
func twIDRandom() string {
	codes := map[byte]int{'A': 10, 'B': 11, 'C': 12, 'D': 13, 'E': 14, 'F': 15, 'G': 16, 'H': 17, 'J': 18, 'K': 19}
	l := randString("ABCDEFGHJK", 1)
	d := randString("12", 1) + randString(digits, 7)
	v := codes[l[0]]
	sum := v/10 + v%10*9
	for k := 0; k < 8; k++ {
		sum += int(d[k]-'0') * (8 - k)
	}
	return l + d + strconv.Itoa((10-sum%10)%10)
}

type canary struct {
	path, value string
}

// canaryProps returns properties holding fresh secrets in the positions the
// guard covers, and the canaries to look for.
func canaryProps() (map[string]any, []canary) {
	pw := "Pw-" + randString(alnum, 20)
	reactPw := "Rp-" + randString(alnum, 20)
	card := luhnCard()
	aws := "AKIA" + randString(upper2, 16)
	ghp := "ghp_" + randString(alnum, 36)
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	jwt := b64(`{"alg":"HS256","typ":"JWT"}`) + "." + b64(`{"sub":"`+randString(alnum, 12)+`"}`) + "." + randString(alnum+"-_", 43)
	pemBody := randString(alnum, 64)
	pemKey := "-----BEGIN PRIVATE KEY-----\n" + pemBody + "\n" + randString(alnum, 64) + "\n-----END PRIVATE KEY-----"
	urlTok := randString(alnum, 32)
	userinfo := "Ui" + randString(alnum, 18)
	bearer := randString(alnum, 40)
	iban := ibanDE()
	// Issue 13's kinds: a password wherever a flag, a sibling key or a
	// prose cue says so; IDs under any spelling; keys in odd places.
	mysqlPw := "My" + randString(alnum, 14) + "7"
	curlPw := "Cu" + randString(alnum, 14) + "7"
	sshPw := "Sp" + randString(alnum, 14) + "7"
	fieldPw := "Fp" + randString(alnum, 14) + "7"
	passport := "X" + randString(digits, 8)
	answer := "Rex" + randString(alnum, 10)
	shownPw := "Sh" + randString(alnum, 12) + "#7"
	apiUser := "Ak" + randString(alnum, 30) + "9"
	wgKey := randString(alnum+"+/", 43) + "="
	ssn := ssnRandom()
	za := zaID()
	ukAcct := randString("123456789", 8)
	unknownKey := "Mb" + randString(alnum, 30) + "9"
	pairKey := "Pk" + randString(alnum, 30) + "9"
	mongoPw := "Mg" + randString(alnum, 14) + "7"
	jsonPw := "Js" + randString(alnum, 14) + "7"
	formPw := "Fb" + randString(alnum, 14) + "7"
	sessionCookie := randString(alnum, 32)
	// The second round of issue 13: codes before their cue, prose passwords,
	// security questions, argv vectors, Bot API URLs, autocapture's
	// top-level element, routing-number context, .pgpass lines, more
	// command-line tools, IDs in spaced groups and in other languages.
	smsCode := randString("123456789", 8)
	prosePw := "Pr" + randString(alnum, 12) + "7"
	toPw := "To" + randString(alnum, 12) + "7"
	acctNo := randString("123456789", 11)
	totpCode := randString("123456789", 8)
	qaAnswer := "Qa" + randString(alnum, 10)
	argvPw := "Av" + randString(alnum, 14) + "7"
	botTok := randString(alnum, 35)
	elPw := "El" + randString(alnum, 12) + "#7"
	checking := randString("123456789", 10)
	pgpassPw := "Pg" + randString(alnum, 14) + "7"
	mongoShellPw := "Ms" + randString(alnum, 14) + "7"
	sqlcmdPw := "Sq" + randString(alnum, 14) + "7"
	sin := sinRandom()
	spacedSIN := sin[:3] + " " + sin[3:6] + " " + sin[6:]
	reisepass := "C" + randString("CFGHJKLMNPRTVWXYZ", 3) + randString(digits, 5)
	splitCard := luhnCard()
	splitCardText := splitCard[:4] + " - " + splitCard[4:8] + " - " + splitCard[8:12] + " - " + splitCard[12:]
	// The third round: IDs named by key, cue or REST path; more command
	// lines; PINs; vendor families; JWT payloads.
	cnpj := cnpjRandom()
	cnpjF := cnpj[:2] + "." + cnpj[2:5] + "." + cnpj[5:8] + "/" + cnpj[8:12] + "-" + cnpj[12:]
	pesel := peselRandom()
	cpfPath := cpfRandom()
	oraclePw := "Or" + randString(alnum, 12) + "7"
	rdpPw := "Rd" + randString(alnum, 12) + "7"
	gluedPw := "Gl" + randString(alnum, 12) + "7"
	netPw := "Nu" + randString(alnum, 12) + "7"
	unlockPin := randString("123456789", 8) // 8 digits: shorter would match other bytes on disk
	groq := "gsk_" + randString(alnum, 48) + "7a"
	tgBot := randString("123456789", 10) + ":AA" + randString(alnum, 31) + "7b"
	serviceJWT := b64(`{"alg":"HS256","typ":"JWT"}`) + "." + b64(`{"iss":"supabase","ref":"`+randString(alnum, 20)+`","role":"service_role"}`) + "." + randString(alnum+"-_", 43)
	// The fourth round: Hong Kong and Taiwan IDs, cues of cased scripts,
	// Ruby hashes, piped and one-dash passwords, IDs named before their
	// cue, by a field name or by a validation error, multipart parts and
	// configuration written in code.
	hkid := hkidRandom()
	twID := twIDRandom()
	ruPw := "Ru" + randString(alnum, 12) + "7"
	railsPw := "Rb" + randString(alnum, 12) + "7"
	stdinPw := "Si" + randString(alnum, 12) + "7"
	ktPw := "Kt" + randString(alnum, 12) + "7"
	javaPw := "Jv" + randString(alnum, 12) + "7"
	ssnBefore := strings.ReplaceAll(ssnRandom(), "-", "")
	fieldSSN := strings.ReplaceAll(ssnRandom(), "-", "")
	springCPF := cpfRandom()
	dupCPF := cpfRandom()
	mpPw := "Mp" + randString(alnum, 12) + "7"
	wpPw := "Wp" + randString(alnum, 12) + "7"
	props := map[string]any{
		"kyc_hk":        "KYC rejected for " + hkid + ": photo unclear",
		"taiwan_id":     twID,
		"ru_note":       "Логин: ivan, Пароль: " + ruPw,
		"rails_log":     `Parameters: {"user"=>{"email"=>"a@b.c", "password"=>"` + railsPw + `"}}`,
		"stdin_cmd":     "echo '" + stdinPw + "' | passwd --stdin bob",
		"keytool_cmd":   "keytool -genkey -alias a -storepass " + ktPw + " -keystore k.jks",
		"java_cmd":      "java -Djavax.net.ssl.keyStorePassword=" + javaPw + " -jar app.jar",
		"id_error":      "ValueError: " + ssnBefore + " is not a valid SSN",
		"kyc_log":       "error: social_security_number " + fieldSSN + " rejected",
		"spring_error":  "Field error in object 'user' on field 'cpf': rejected value [" + springCPF + "]; codes [x]",
		"db_error":      "ERROR 1062 (23000): Duplicate entry '" + dupCPF + "' for key 'users.cpf'",
		"upload":        "--b\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n" + mpPw + "\r\n--b--",
		"wp_config":     "define( 'DB_PASSWORD', '" + wpPw + "' );",
		"empresa":       "Empresa CNPJ " + cnpjF + " cadastrada",
		"pesel":         pesel,
		"profile_url":   "https://crm.example.com/api/cpf/" + cpfPath + "/profile",
		"oracle_cmd":    "sqlplus app/" + oraclePw + "@ORCL",
		"rdp_cmd":       "xfreerdp /v:10.0.0.5 /u:admin /p:" + rdpPw,
		"mysql_argv":    []any{"mysql", "-uroot", "-p" + gluedPw, "shop"},
		"net_cmd":       "net use Z: \\\\fs01\\share /user:CORP\\bob " + netPw,
		"unlock_code":   unlockPin,
		"llm_config":    groq,
		"alert_target":  tgBot,
		"supabase_conf": serviceJWT,
		"password":      pw,
		"checkout":      map[string]any{"card_number": card, "plan": "pro"},
		"aws_key":       aws,
		"note":          "deploy token " + ghp,
		"session":       jwt,
		"key_material":  pemKey,
		"$current_url":  "https://shop.example.com/account?access_token=" + urlTok + "&utm_source=mail",
		"webhook":       "https://deploy:" + userinfo + "@ci.example.com/hook",
		"headers":       map[string]any{"Authorization": "Bearer " + bearer},
		"iban":          iban,
		"$elements": []any{
			map[string]any{"tag_name": "input", "attr__type": "password", "attr__name": "pwd", "attr__value": reactPw},
			map[string]any{"tag_name": "form", "attr__id": "login"},
		},
		"plan":       "pro",
		"cmd":        "mysql -u root -p" + mysqlPw + " shop",
		"deploy_log": "curl -u deploy:" + curlPw + " https://api.example.com/v1/releases",
		"script":     "sshpass -p '" + sshPw + "' ssh root@10.0.0.5",
		"fields": []any{
			map[string]any{"type": "email", "value": "someone@example.com"},
			map[string]any{"type": "password", "value": fieldPw},
		},
		"documents":              []any{map[string]any{"type": "passport", "value": passport}},
		"security_answer":        answer,
		"api_error":              "POST https://" + apiUser + ":@api.example.com/v1/charges failed: 401",
		"vpn_config":             "# wg0\n[Interface]\nPrivateKey = " + wgKey + "\nAddress = 10.0.0.2/32\n",
		"social_security_number": ssn,
		"support_note":           "caller gave ID " + za + " for verification",
		"payout":                 map[string]any{"sort_code": "12-34-56", "account_number": ukAcct},
		"mapbox_key":             unknownKey,
		"headers_list":           []any{[]any{"Accept", "text/html"}, []any{"X-Api-Key", pairKey}},
		"job":                    map[string]any{"error": "dial mongodb+srv://app:" + mongoPw + "@cluster0.example.net/db: timeout"},
		"payload":                `{"login":{"user":"bob","pass":"` + jsonPw + `"}}`,
		"body":                   "username=bob&password=" + formPw + "&remember=1",
		"har":                    map[string]any{"cookies": []any{map[string]any{"name": "sessionid", "value": sessionCookie}}},
		"routing_number":         "021000021",
		"stripe_signature":       "t=1492774577,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd",
		"sms_body":               smsCode + " is your login code",
		"chat":                   "pw: " + prosePw + " (changed yesterday)",
		"ticket":                 "I set the password to " + toPw + " but login fails",
		"refund_note":            "my account no. is " + acctNo,
		"totp":                   totpCode,
		"recovery":               map[string]any{"question": "What was the name of your first pet?", "answer": qaAnswer},
		"argv":                   []any{"/usr/bin/psql", "--user", "svc", "--password", argvPw, "--verbose"},
		"notify_url":             "https://api.telegram.org/bot5954144829:" + botTok + "/sendMessage?chat_id=1",
		"$el_attr__class":        "reveal-password",
		"$el_text":               elPw,
		"ach":                    map[string]any{"routing": "021000021", "checking": checking},
		"pgpass":                 "db.internal:5432:app:appuser:" + pgpassPw,
		"mongo_cmd":              "mongo --host db -u admin -p " + mongoShellPw,
		"sql_cmd":                "sqlcmd -S db -U sa -P " + sqlcmdPw + " -Q 'select 1'",
		"kyc_note":               "my SIN is " + spacedSIN,
		"reisepassnummer":        reisepass,
		"payment_note":           "card " + splitCardText + " please",
		// Kept: a publishable client key, a push token, a UUID, an analytics
		// cookie whose dotted id and timestamp would pass for a Visa number.
		"posthog_key": "phc_Xk29dkLmQp1zAbCdEfGhIjKlMnOpQrStUvWxYz01234",
		"push_token":  "3f9a2c7e1b8d4f6a0c5e9b2d7f1a3c8e3f9a2c7e1b8d4f6a0c5e9b2d7f1a3c8e",
		"order_uuid":  "99999999-9999-4999-8999-411111111111",
		"cookie":      "_ga=GA1.2.412345678.1700000003; _gid=GA1.2.1.1",
	}
	props["$elements"] = append(props["$elements"].([]any),
		map[string]any{"tag_name": "span", "attr__class": "reveal-password", "$el_text": shownPw})
	return props, append(append(append(append(corpus5Canaries(props), kinds6Canaries(props)...), corpus6Canaries(props)...), kinds8Canaries(props)...), []canary{
		{"cmd", mysqlPw}, {"deploy_log", curlPw}, {"script", sshPw}, {"fields[].value", fieldPw},
		{"documents[].value", passport}, {"security_answer", answer}, {"$elements[].$el_text", shownPw},
		{"api_error", apiUser}, {"vpn_config", wgKey}, {"social_security_number", ssn}, {"support_note", za},
		{"payout.account_number", ukAcct}, {"mapbox_key", unknownKey}, {"headers_list[][]", pairKey},
		{"job.error", mongoPw}, {"payload", jsonPw}, {"body", formPw}, {"har.cookies[].value", sessionCookie},
		{"password", pw}, {"$elements[].attr__value", reactPw}, {"checkout.card_number", card}, {"aws_key", aws},
		{"note", ghp}, {"session", jwt}, {"key_material", pemBody}, {"$current_url", urlTok},
		{"webhook", userinfo}, {"headers.Authorization", bearer}, {"iban", iban},
		{"sms_body", smsCode}, {"chat", prosePw}, {"ticket", toPw}, {"refund_note", acctNo}, {"totp", totpCode},
		{"recovery.answer", qaAnswer}, {"argv[]", argvPw}, {"notify_url", botTok}, {"$el_text", elPw},
		{"ach.checking", checking}, {"pgpass", pgpassPw}, {"mongo_cmd", mongoShellPw}, {"sql_cmd", sqlcmdPw},
		{"kyc_note", spacedSIN}, {"reisepassnummer", reisepass}, {"payment_note", splitCardText},
		{"empresa", cnpjF}, {"pesel", pesel}, {"profile_url", cpfPath}, {"oracle_cmd", oraclePw}, {"rdp_cmd", rdpPw},
		{"mysql_argv[]", gluedPw}, {"net_cmd", netPw}, {"unlock_code", unlockPin},
		{"llm_config", groq}, {"alert_target", tgBot}, {"supabase_conf", serviceJWT},
		{"kyc_hk", hkid}, {"taiwan_id", twID}, {"ru_note", ruPw}, {"rails_log", railsPw}, {"stdin_cmd", stdinPw},
		{"keytool_cmd", ktPw}, {"java_cmd", javaPw}, {"id_error", ssnBefore}, {"kyc_log", fieldSSN},
		{"spring_error", springCPF}, {"db_error", dupCPF}, {"upload", mpPw}, {"wp_config", wpPw},
	}...)
}

// TestGuardLeak sends canary secrets through every ingestion endpoint and
// encoding and checks that none reaches the export, any file under the data
// directory or the server's output, while the findings API lists each by path
// and the harmless properties are kept.
func TestGuardLeak(t *testing.T) {
	// Uncompressed storage: a canary on disk is found by its bytes (the
	// control property proves the search sees stored values).
	t.Setenv("SIEVE_TEST_UNCOMPRESSED", "1")
	s := startServer(t, serverOpts{})
	p := s.createProject("leak")
	now := time.Now().Unix()
	var all []canary
	control := "control-" + randString(alnum, 24) // harmless: must be kept
	seq := 0
	event := func() []byte {
		props, cs := canaryProps()
		all = append(all, cs...)
		seq++
		props["token"] = p.Token
		props["distinct_id"] = "leak-user"
		props["time"] = now
		props["$insert_id"] = fmt.Sprintf("leak-%d", seq)
		props["control"] = control
		b, _ := json.Marshal(map[string]any{"event": "Leak", "properties": props})
		return b
	}
	profile := func(endpoint string) []byte {
		props, cs := canaryProps()
		delete(props, "$elements")
		delete(props, "$el_attr__class") // autotrack elements are events, not profiles
		delete(props, "$el_text")
		for i := range cs {
			cs[i].path = "$set." + cs[i].path
		}
		var keep []canary
		for _, c := range cs {
			if !strings.HasPrefix(c.path, "$set.$el") {
				keep = append(keep, c)
			}
		}
		all = append(all, keep...)
		o := map[string]any{"$token": p.Token, "$set": props}
		if endpoint == "/groups" {
			o["$group_key"], o["$group_id"] = "company", "acme"
		} else {
			o["$distinct_id"] = "leak-user"
		}
		b, _ := json.Marshal(o)
		return b
	}
	send := func(method, path, ctype, cenc string, body []byte, auth bool) {
		t.Helper()
		h := http.Header{}
		if ctype != "" {
			h.Set("Content-Type", ctype)
		}
		if cenc != "" {
			h.Set("Content-Encoding", cenc)
		}
		if auth {
			h.Set("Authorization", basic(p.APISecret, "").Get("Authorization"))
		}
		code, b := s.do(method, path, h, body)
		if code != 200 || !(bytes.Equal(b, []byte("1")) || bytes.Contains(b, []byte(`"status":1`)) || bytes.Contains(b, []byte(`"code":200`))) {
			t.Fatalf("%s %s: %d %s", method, path, code, b)
		}
	}
	enc64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

	send("GET", "/track?data="+url.QueryEscape(enc64(event())), "", "", nil, false)
	send("POST", "/track/", "application/x-www-form-urlencoded", "", []byte("data="+url.QueryEscape(enc64([]byte("["+string(event())+"]")))), false)
	send("POST", "/track", "text/plain;charset=UTF-8", "", []byte("data="+url.QueryEscape(string(event()))), false)
	send("POST", "/track?verbose=1", "application/json", "", []byte("["+string(event())+","+string(event())+"]"), false)
	send("POST", "/track", "application/json", "gzip", gz(event()), false)
	send("POST", "/import?strict=1", "application/json", "gzip", gz([]byte("["+string(event())+"]")), true)
	send("POST", "/import", "application/x-ndjson", "", append(event(), '\n'), true)
	send("POST", "/import?verbose=1", "application/x-www-form-urlencoded", "", []byte("data="+url.QueryEscape(string(event()))+"&verbose=1"), true)
	send("POST", "/engage", "application/json", "", profile("/engage"), false)
	send("GET", "/engage?data="+url.QueryEscape(enc64(profile("/engage"))), "", "", nil, false)
	send("POST", "/groups/", "application/x-www-form-urlencoded", "", []byte("data="+url.QueryEscape(enc64(profile("/groups")))), false)

	check := func(where string, hay []byte) {
		t.Helper()
		for _, c := range all {
			if bytes.Contains(hay, []byte(c.value)) {
				t.Errorf("%s holds the %d-byte canary of %s", where, len(c.value), c.path)
			}
		}
	}
	ex := s.export(p, false)
	if len(ex) != seq {
		t.Errorf("export has %d events, sent %d", len(ex), seq)
	}
	exb, _ := json.Marshal(ex)
	check("the export", exb)
	if !bytes.Contains(exb, []byte(control)) {
		t.Error("the export lost the harmless control property")
	}
	for _, e := range ex {
		// Harmless values, public bank identifiers and webhook signatures stay.
		for k, want := range map[string]string{"plan": "pro", "routing_number": "021000021",
			"posthog_key": "phc_Xk29dkLmQp1zAbCdEfGhIjKlMnOpQrStUvWxYz01234", "order_uuid": "99999999-9999-4999-8999-411111111111",
			"push_token":       "3f9a2c7e1b8d4f6a0c5e9b2d7f1a3c8e3f9a2c7e1b8d4f6a0c5e9b2d7f1a3c8e",
			"cookie":           "_ga=GA1.2.412345678.1700000003; _gid=GA1.2.1.1",
			"stripe_signature": "t=1492774577,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd"} {
			if e.Properties[k] != want {
				t.Errorf("harmless property %s lost: %v", k, e.Properties[k])
			}
		}
		if p, _ := e.Properties["payout"].(map[string]any); p == nil || p["sort_code"] != "12-34-56" {
			t.Errorf("the sort code (public) was removed: %v", e.Properties["payout"])
		}
	}
	engaged := s.engage(p, url.Values{"distinct_id": {"leak-user"}})
	eb, _ := json.Marshal(engaged)
	check("the engage reply", eb)
	grp := s.engage(p, url.Values{"data_group_id": {"company"}})
	gb, _ := json.Marshal(grp)
	check("the group engage reply", gb)

	// Findings list each canary's path.
	code, fb := s.do("GET", fmt.Sprintf("/api/projects/%d/findings?limit=100000", p.ID), basic(p.APISecret, ""), nil)
	if code != 200 {
		t.Fatalf("findings: %d %s", code, fb)
	}
	check("the findings reply", fb)
	var fr struct {
		Findings []struct {
			Path, Class string
		} `json:"findings"`
	}
	json.Unmarshal(fb, &fr)
	paths := map[string]bool{}
	for _, f := range fr.Findings {
		paths[f.Path] = true
	}
	for _, c := range all {
		if !paths[c.path] {
			t.Errorf("no finding for path %s", c.path)
		}
	}

	// Every byte the server wrote: the data directory while running and after a clean stop, and its output.
	for _, h := range grepData(t, s.Data, values(all)...) {
		t.Errorf("while running: %s", h)
	}
	s.stop()
	for _, h := range grepData(t, s.Data, values(all)...) {
		t.Errorf("after stop: %s", h)
	}
	if len(grepData(t, s.Data, control)) == 0 {
		t.Error("the harmless control value is in no data file: the search would not see a leak")
	}
	check("the server output", []byte(s.out.String()))
	t.Logf("%d canaries in %d events and 3 profile updates", len(all), seq)
}

func values(cs []canary) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.value
	}
	return out
}

// TestGuardLeakFields puts canary secrets in every stored field that is not
// a property — event name, distinct_id, $insert_id, SDK name and version,
// group key and id, profile ids — and in the properties that carry ids
// ($device_id, $user_id, alias), then checks that none reaches the export,
// the findings, the lexicon's SDK fleet, the audit log, any file under the
// data directory or the server's output, and that an event sent twice with
// a secret-shaped $insert_id is still stored once.
func TestGuardLeakFields(t *testing.T) {
	s := startServer(t, serverOpts{})
	p := s.createProject("leak-fields")
	now := time.Now().Unix()
	aws := func() string { return "AKIA" + randString(upper2, 16) }
	ghp := func() string { return "ghp_" + randString(alnum, 36) }
	var all []canary
	add := func(path, v string) string { all = append(all, canary{path, v}); return v }

	name := add("event", ghp())
	did := add("distinct_id", luhnCard())
	iid := add("$insert_id", luhnCard())
	ev := map[string]any{"event": name, "properties": map[string]any{
		"token": p.Token, "time": now, "distinct_id": did, "$insert_id": iid,
		"$device_id": add("$device_id", aws()), "$user_id": add("$user_id", ghp()),
		"mp_lib": add("mp_lib", ghp()), "$lib_version": add("$lib_version", aws()),
		"plan": "pro",
	}}
	alias := map[string]any{"event": "$create_alias", "properties": map[string]any{
		"token": p.Token, "time": now, "distinct_id": "u-alias", "alias": add("alias", luhnCard()),
		"$insert_id": "alias-1",
	}}
	gkey, gid := add("$group_key", ghp()), add("$group_id", aws())
	group := map[string]any{"$token": p.Token, "$group_key": gkey, "$group_id": gid,
		"mp_lib": add("mp_lib", ghp()), "$lib_version": add("$lib_version", aws()),
		"$set": map[string]any{"plan": "pro"}}
	engage := map[string]any{"$token": p.Token, "$distinct_id": add("distinct_id", luhnCard()),
		"$device_id": aws(), "$user_id": ghp(), "$set": map[string]any{"plan": "pro"}}

	send := func(path string, v any) {
		t.Helper()
		b, _ := json.Marshal(v)
		code, body := s.do("POST", path, http.Header{"Content-Type": {"application/json"}}, b)
		if code != 200 || !bytes.Equal(body, []byte("1")) {
			t.Fatalf("POST %s: %d %s", path, code, body)
		}
	}
	send("/track", []any{ev, alias})
	send("/track", []any{ev}) // the same $insert_id again: a duplicate
	send("/groups", []any{group})
	send("/engage", []any{engage})
	// An engage query naming the group key: the audit log must not keep it.
	s.engage(p, url.Values{"data_group_id": {gkey}})

	check := func(where string, hay []byte) {
		t.Helper()
		for _, c := range all {
			if bytes.Contains(hay, []byte(c.value)) {
				t.Errorf("%s holds the %d-byte canary of %s", where, len(c.value), c.path)
			}
		}
	}
	ex := s.export(p, false)
	if len(ex) != 2 {
		t.Errorf("export has %d events, want 2 (the event once, the alias)", len(ex))
	}
	exb, _ := json.Marshal(ex)
	check("the export", exb)
	for _, e := range ex {
		if e.Event != "$create_alias" && e.Properties["plan"] != "pro" {
			t.Errorf("harmless property lost: %v", e.Properties)
		}
	}
	gb, _ := json.Marshal(s.engage(p, url.Values{"data_group_id": {"[redacted]"}}))
	check("the group engage reply", gb)

	code, fb := s.do("GET", fmt.Sprintf("/api/projects/%d/findings?limit=100000", p.ID), basic(p.APISecret, ""), nil)
	if code != 200 {
		t.Fatalf("findings: %d %s", code, fb)
	}
	check("the findings reply", fb)
	var fr struct {
		Findings []struct{ Path string } `json:"findings"`
	}
	json.Unmarshal(fb, &fr)
	paths := map[string]bool{}
	for _, f := range fr.Findings {
		paths[f.Path] = true
	}
	for _, c := range all {
		if !paths[c.path] {
			t.Errorf("no finding for path %s", c.path)
		}
	}
	code, lb := s.do("GET", fmt.Sprintf("/api/projects/%d/lexicon", p.ID), bearer(), nil)
	if code != 200 {
		t.Fatalf("lexicon: %d %s", code, lb)
	}
	check("the lexicon", lb)
	code, ab := s.do("GET", "/api/audit", bearer(), nil)
	if code != 200 {
		t.Fatalf("audit: %d %s", code, ab)
	}
	check("the audit log", ab)

	for _, h := range grepData(t, s.Data, values(all)...) {
		t.Errorf("while running: %s", h)
	}
	s.stop()
	for _, h := range grepData(t, s.Data, values(all)...) {
		t.Errorf("after stop: %s", h)
	}
	check("the server output", []byte(s.out.String()))
}
