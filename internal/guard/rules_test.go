package guard

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// sample is one event's properties and, for a positive, the part that must
// be gone after the guard ran with the default policy.
type sample struct {
	props  string
	secret string
}

// kv builds {"key": value}; a value starting with a JSON delimiter or
// digit is raw JSON, anything else a string.
func kv(key, value string) sample {
	k, _ := json.Marshal(key)
	if value != "" && (strings.ContainsRune("{[0123456789-", rune(value[0])) || value == "true" || value == "false") {
		if _, err := strconv.ParseFloat(value, 64); err == nil || value[0] == '{' || value[0] == '[' || value == "true" || value == "false" {
			return sample{props: "{" + string(k) + ":" + value + "}", secret: value}
		}
	}
	v, _ := json.Marshal(value)
	return sample{props: "{" + string(k) + ":" + string(v) + "}", secret: value}
}

func raw(props, secret string) sample { return sample{props: props, secret: secret} }

// fake returns a deterministic random-looking string of n bytes from
// alphabet, so that no real-looking token is written in the source.
func fake(seed, n int, alphabet string) string {
	x := uint64(seed)*0x9E3779B97F4A7C15 + 12345
	b := make([]byte, n)
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = alphabet[x%uint64(len(alphabet))]
	}
	return string(b)
}

const (
	alnum  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	upperN = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	hexs   = "0123456789abcdef"
	b64u   = alnum + "-_"
)

func b64url(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// withLuhn appends the Luhn check digit to digits d.
func withLuhn(d string) string {
	for c := 0; c <= 9; c++ {
		x := d + strconv.Itoa(c)
		if luhn([]byte(x)) {
			return x
		}
	}
	panic("unreachable")
}

func withVerhoeff(d string) string {
	for c := 0; c <= 9; c++ {
		x := d + strconv.Itoa(c)
		if verhoeff([]byte(x)) {
			return x
		}
	}
	panic("unreachable")
}

func withSteuer(d string) string {
	for c := 0; c <= 9; c++ {
		x := d + strconv.Itoa(c)
		if steuerIDValid([]byte(x)) {
			return x
		}
	}
	panic("unreachable")
}

func nir(first13 string) string {
	n, _ := strconv.ParseUint(first13, 10, 64)
	return first13 + strconv.FormatUint(97-n%97+100, 10)[1:]
}

func pem(label, body string) string {
	return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----"
}

func elements(objs ...string) string { return `{"$elements":[` + strings.Join(objs, ",") + `]}` }

// samples lists, per detector, positives (the detector must report, and
// under the default policy the secret must be gone) and negatives (no
// finding at all: hard negatives pass untouched).
func samples() map[string][2][]sample {
	jwtHeader := b64url(`{"alg":"HS256","typ":"JWT"}`)
	jwt := jwtHeader + "." + b64url(`{"sub":"42","name":"x"}`) + "." + fake(1, 43, b64u)
	sin := withLuhn("13069254")
	aadhaar := withVerhoeff("23412341234")
	steuer := withSteuer("8609574271")
	pnr := withLuhn("811218987")
	nirv := nir("1850578006084")
	pan16 := withLuhn("411111111111111")
	amex := withLuhn("37828224631000")
	return map[string][2][]sample{
		"key.password": {{
			kv("password", "hunter2"), kv("Passwort", "Geheim123"), kv("contraseña", "clave-secreta9"),
			kv("пароль", "qwerty123"), kv("パスワード", "himitsu99"), kv("confirmPassword", "Sommer2024!"),
			kv("new-password", "x8#kLm2p"), kv("mot_de_passe", "Soleil!42"), kv("pwd", "Tr0ub4dor&3"),
			kv("PASSWORD", "12345678"), kv("user_pass", "letmein!"), kv("login", `{"password":"p@ss"}`),
			kv("password", "12345678"), kv("passwords", `["hunter2","Sommer2024!"]`),
			kv("Kennwort_Bestätigung", "Geheim123"), kv("mot_de_passe_répété", "Soleil!42"), kv("contraseña_nueva", "Clave2024"),
			kv("secret_answer", "fluffy"), kv("security_answer", "Rex the dog"), kv("memorableWord", "sunshine"),
			raw(`{"fields":[{"type":"email","value":"a@b.co"},{"type":"password","value":"Sommer2024!"}]}`, "Sommer2024!"),
			raw(`{"form":[{"label":"Mother's maiden name","answer":"Smithers"}]}`, "Smithers"),
			kv("pass", "Tr0ub4dor&3"), kv("db_password_prod", "hunter2"), kv("parola", "Sole2024!"),
			raw(`{"form":{"fields":{"password":{"value":"Xk29pq7zL4","strength":"weak"}}}}`, "Xk29pq7zL4"),
			raw(`{"form":[["username","bob"],["password","Sommer2024!"]]}`, "Sommer2024!"), kv("answer_to_security_question", "fluffy"),
			raw(`{"security":{"question":"What was the name of your first pet?","answer":"Hendricks"}}`, "Hendricks"),
			raw(`{"argv":["/usr/bin/psql","--user","svc","--password","Xk29dkLmQp1z","--verbose"]}`, "Xk29dkLmQp1z"),
		}, {
			raw(`{"survey":{"question":"How did you hear about us?","answer":"Google"}}`, ""),
			raw(`{"argv":["backup","--password-file","/run/secrets/db","--verbose"]}`, ""),
			kv("password_strength", "strong"), kv("has_password", "true"), kv("password_changed_at", "2024-05-01T10:00:00Z"),
			kv("pwd", "/home/app"), kv("password", "true"), kv("password", ""), kv("password", "********"),
			kv("password", "${DB_PASSWORD}"), kv("forgot_password_url", "https://x.com/forgot-password"),
			kv("passport_country", "DE"), kv("password_policy", "min 8 chars"),
			kv("pass", "true"), kv("pass", "top"), kv("pass", "gate 4"), kv("boarding_pass", "gate 4"), kv("pass_type", "annual"),
			kv("parola", "ciao"), kv("security_question", "What was your first pet?"), kv("has_security_answer", "true"),
			raw(`{"fields":[{"type":"text","value":"Alice"},{"type":"password","value":""}]}`, ""),
		}},
		"key.pin": {{kv("pin", "4821"), kv("pin", "48213"), kv("unlock_code", "4821"), kv("pin", "0000"), kv("pincode", "560001"),
			raw(`{"login":{"user":"bob","pin":"560001"}}`, "560001")}, {raw(`{"shipping":{"city":"Bengaluru","pincode":"560001","state":"KA"}}`, ""), kv("pin", "false"), kv("pinned", "true"), kv("pin_enabled", "true"),
			kv("pin", "top"), kv("pin", "gate 4"), kv("pin", "true")}},
		"text.password": {{
			kv("msg", "my password is football71$ and it still fails"), kv("log", "connect(host=db, user=app, pwd=Stern5540#, db=prod)"),
			kv("note", "Passwort: Ylxxfh27.KJ"), kv("err", "Login for jonas with password 'UKXWxexUig97' rejected"),
			kv("msg", "pw: fe0v7W1aEK (changed yesterday)"), kv("msg", "I set the password to Aqgp27GQJQ but login fails"),
		}, {
			kv("msg", "we moved from password to passkey"), kv("msg", "switch the password to SSO login"),
			kv("msg", "Password: min. 8 characters"), kv("msg", "Your password is Case-Sensitive"), kv("msg", "password is wrong!"),
			kv("msg", "Passwort: mind. 8 Zeichen"),
			kv("msg", "password reset requested"), kv("msg", "Forgot your password?"), kv("msg", "password is required"),
			kv("msg", "Your password must contain 8 characters"),
		}},
		"key.secret": {{
			kv("api_key", fake(2, 32, alnum)), kv("client_secret", fake(3, 40, alnum)), kv("x-api-key", fake(4, 24, hexs)),
			kv("токен_доступа", fake(5, 45, alnum)), kv("accessToken", fake(6, 36, b64u)), kv("secret", fake(7, 20, alnum)),
			kv("mapbox_key", fake(87, 32, alnum)), kv("api_key_live", fake(88, 32, alnum)),
			raw(`{"har":{"cookies":[{"name":"theme","value":"dark"},{"name":"sessionid","value":"`+fake(89, 32, alnum)+`"}]}}`, fake(89, 32, alnum)),
			raw(`{"params":[{"name":"client_secret","value":"`+fake(90, 32, alnum)+`"}]}`, fake(90, 32, alnum)),
		}, {
			kv("max_tokens", "4096"), kv("token_count", "1234"), kv("api_key", "YOUR_API_KEY"), kv("token_type", "Bearer"),
			kv("mapbox_token", "pk.eyJ1IjoiYWNtZSJ9."+fake(96, 22, b64u)), kv("posthog_key", "phc_"+fake(97, 43, alnum)),
			kv("revenuecat_api_key", "appl_"+fake(98, 24, alnum)), kv("datadog_client_token", "pub"+fake(99, 32, hexs)),
			kv("statsig_key", "client-"+fake(100, 36, alnum)), kv("segment_write_key", fake(101, 32, alnum)),
			kv("recaptcha_site_key", "6Lc"+fake(102, 37, b64u)), kv("client_id", fake(103, 32, alnum)),
			kv("push_token", fake(104, 64, hexs)), kv("fcm_token", fake(105, 22, b64u)+":APA91b"+fake(106, 134, b64u)),
			kv("mixpanel_token", fake(107, 32, hexs)),
			kv("next_page_token", "eyJvZmZzZXQiOjUwfQ"), kv("secret", "xxxxxxxxxxxxxxxx"), kv("api_key", "<your-api-key>"),
			kv("public_key", fake(8, 44, b64u)), kv("cache_key", "user:42:profile"), kv("key", "Enter"),
			kv("client_key", "k-12"), kv("object_key", "uploads/2024/a.png"), kv("client_key", "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"),
			kv("feature_key", "new_checkout"), kv("color_key", "#a1b2c3"), kv("stripe_key", "pk_live_"+fake(99, 24, alnum)),
			raw(`{"headers":[["Accept","text/html"],["X-Request-Id","`+fake(100, 32, alnum)+`"]]}`, ""),
			raw(`{"har":{"cookies":[{"name":"theme","value":"dark"},{"name":"sessionid","value":"1"}]}}`, ""),
			raw(`{"cookies":[{"value":"`+fake(101, 32, alnum)+`"},{"name":7,"value":"x"}]}`, ""),
		}},
		"text.sql_password": {{kv("query", "CREATE USER 'app'@'%' IDENTIFIED BY 'Tr0ub4dor&3';"),
			kv("stmt", "ALTER ROLE reporting WITH PASSWORD 'r3p0rt-Only!'"), kv("log", "SET PASSWORD FOR 'bob'@'localhost' = 'n3wPass!9'")}, {
			kv("query", "ALTER USER app IDENTIFIED BY VALUES 'S:1234ABCD';"), kv("query", "CREATE ROLE app LOGIN PASSWORD $1"),
			kv("query", "UPDATE users SET password_changed_at = now() WHERE id = 4")}},
		"text.cli_password": {{kv("cmd", "mysql -u root -pS3cretPw99 prod"), kv("cmd", "curl -u alice:S3cretPw99 https://api.example.com/v1"),
			kv("cmd", "sshpass -p 'hunter2' ssh root@10.0.0.5"), kv("cmd", "redis-cli -h cache -a Xk29pq7zL4 ping"),
			kv("cmd", "wget --user=bob:Xk29pq7zL4 https://x.example.com/a.zip"), kv("cmd", "docker login -u bob -p Xk29pq7zL4 registry.example.com"),
			kv("cmd", "ldapsearch -x -w Xk29pq7zL4 -D cn=admin"), kv("cmd", "mysqldump -uroot -pXk29pq7zL4 --all-databases"),
			kv("cmd", "mongo --host db -u admin -p Xk29pq7zL4"), kv("cmd", `mysql -u root -p"Xk29pq7zL4" shop`),
			kv("cmd", "smbclient //srv/share -U bob%Xk29pq7zL4"), kv("cmd", "ssh-keygen -t ed25519 -N Xk29pq7zL4 -f key"),
			kv("cmd", "echo 'Xk29pq7zL4' | sudo -S apt update"), kv("cmd", "unrar x -pXk29pq7zL4 a.rar"), kv("cmd", "sqlcmd -S db -U sa -P Xk29pq7zL4 -Q 'select 1'")},
			{kv("cmd", "mongo --host db --port 27017 -u admin -p"), kv("cmd", "sudo -S apt update"), kv("cmd", "ssh-keygen -N '' -f key"), kv("cmd", "ls -p /tmp"), kv("cmd", "mysql -u root -p"), kv("cmd", "curl -u alice https://api.example.com"),
				kv("cmd", "mysql -u root -p prod"), kv("cmd", "curl -u alice:$PW https://api.example.com"), kv("cmd", "docker run -p 8080:80 nginx"),
				kv("cmd", "ssh -p 2222 deploy@host"), kv("cmd", "grep -r password src/")}},
		"text.config_secret": {{kv("pgpass", "db.internal:5432:app:appuser:Xk29dkLm"), kv("pgpass", "*:*:*:replicator:S3cretPw99\n"), kv("cfg", "# wg0.conf\n[Interface]\nPrivateKey = "+fake(96, 43, alnum+"+/")+"=\nAddress = 10.0.0.2/32"),
			kv("env", "DEBUG=false\nCLIENT_SECRET = "+fake(97, 32, alnum)+"\n"), kv("yaml", "db:\n  host: db\n  password: sunshine1\n"),
			kv("cmd", "pg_dump --password S3cretPw99 -h db app"), kv("cmd", "PGPASSWORD=Xk29pq7z psql -h db"),
			kv("cmd", "deploy --api-key "+fake(95, 32, alnum)+" --env prod"), kv("xml", "<login><user>bob</user><password>Xk29pq7zL4</password></login>"),
			kv("xml", `<appSettings><add key="ApiKey" value="`+fake(102, 32, alnum)+`" /></appSettings>`)},
			{kv("msg", "Password: must contain 8 characters"), kv("log", "test=login pass=failed took=2s"), kv("cfg", "# peer\n[Peer]\nPublicKey = "+fake(98, 43, alnum+"+/")+"=\n"),
				kv("yaml", "auth:\n  password: ${DB_PASSWORD}\n"), kv("cfg", "WWW-Authenticate: Basic realm=api"),
				kv("cmd", "app --password-file /run/secrets/db"), kv("cmd", "app --password $DB_PASSWORD"),
				kv("cmd", "git commit -m 'fix password reset'"), kv("cmd", "NODE_ENV=production TOKEN_TTL=3600 node app.js"),
				kv("xml", "<form><label>Password</label><input type=\"password\"/></form>"), kv("xml", `<add key="Theme" value="dark"/>`),
				kv("ipv6", "2001:db8:85a3:0:0:8a2e:370:7334"), kv("mac", "00:1A:2B:3C:4D:5E"), kv("pgpass", "*:*:*:replicator:*")}},
		"key.authorization": {{kv("Authorization", "Bearer "+fake(9, 32, alnum)), kv("headers", `{"authorization":"Token `+fake(10, 40, hexs)+`"}`)},
			{kv("authorization", "Bearer ***"), kv("authorization", "Bearer <token>"), kv("authorization_status", "granted")}},
		"key.cookie": {{kv("cookie", fake(11, 32, alnum))}, {kv("cookie", "theme=dark; lang=en"), kv("cookie_consent", "true")}},
		"secret.session_cookie": {{kv("raw_cookie", "theme=dark; connect.sid=s%3A"+fake(12, 32, alnum)+"; lang=en"), kv("cookie", "sessionid="+fake(13, 32, alnum))},
			{kv("cookie_header", "theme=dark; lang=en-US"), kv("prefs", "a=1; b=2")}},
		"key.otp":       {{kv("totp", "411044"), kv("otp", "482913"), kv("verification_code", "482913"), kv("2fa_code", "120934"), kv("security_code", "482913")}, {kv("otp_sent", "true"), kv("otp", "sent"), kv("otp_length", "6"), kv("totp", "enabled")}},
		"key.totp_seed": {{kv("totp_secret", "JBSWY3DPEHPK3PXP"), kv("mfa_seed", fake(14, 32, upperN))}, {kv("totp_enabled", "true"), kv("totp_secret", "")}},
		"key.private_key": {{kv("private_key", fake(15, 64, alnum+"+/")), kv("wallet_private_key", "0x"+fake(16, 64, hexs))},
			{kv("private_key", pem("PRIVATE KEY", "...")), kv("private_key_id", "4f1c2a"), kv("has_private_key", "true")}},
		"private_key.jwk": {{raw(`{"jwk":{"kty":"EC","crv":"P-256","x":"`+fake(17, 43, b64u)+`","y":"`+fake(18, 43, b64u)+`","d":"`+fake(19, 43, b64u)+`"}}`, fake(19, 43, b64u))},
			{raw(`{"jwk":{"kty":"EC","crv":"P-256","x":"`+fake(17, 43, b64u)+`","y":"`+fake(18, 43, b64u)+`"}}`, "")}},
		"private_key.pem": {{kv("key", pem("RSA PRIVATE KEY", fake(20, 64, alnum)+"\n"+fake(21, 64, alnum))), kv("cfg", strings.ReplaceAll(pem("PRIVATE KEY", fake(22, 64, alnum)), "\n", `\n`)),
			kv("k", pem("OPENSSH PRIVATE KEY", fake(23, 70, alnum)))},
			{kv("pub", pem("PUBLIC KEY", fake(24, 64, alnum))), kv("cert", pem("CERTIFICATE", fake(25, 64, alnum))), kv("pk", pem("PRIVATE KEY", "YOUR PRIVATE KEY HERE"))}},
		"private_key.der": {{kv("blob", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"+fake(26, 80, alnum))}, {kv("blob", "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"+fake(27, 80, alnum))}},
		"private_key.age": {{kv("note", "AGE-SECRET-KEY-1"+fake(28, 58, upperN))}, {kv("note", "age1"+strings.ToLower(fake(29, 58, upperN)))}},
		"key.card_number": {{kv("card_number", "4111 1111 1111 1111"), kv("checkout", `{"payment":{"num":"4322 1076 4469 6"}}`), kv("cardNumber", "4000056655665556")},
			{kv("card_number", "**** **** **** 4242"), kv("card_last4", "4242"), kv("card_number_valid", "true")}},
		"key.card_cvv": {{kv("cvv", "123"), kv("card", `{"cvc":"1234"}`)}, {kv("cvv", "abc"), kv("cvv_required", "true")}},
		"key.card_expiry": {{raw(`{"card":{"number":"`+pan16+`","exp":"12/29"}}`, "12/29"), raw(`{"billing":{"num":"`+pan16+`","expiration":"2029-12"}}`, "2029-12")},
			{raw(`{"card":{"brand":"visa","last4":"4242","exp":"12/29"}}`, ""), raw(`{"token":{"exp":1718200000}}`, "")}},
		"card.split": {{raw(`{"card_number_1":"4111","card_number_2":"1111","card_number_3":"1111","card_number_4":"1111"}`, "4111"),
			raw(`{"payment":{"cc_first_half":"55555555","cc_second_half":"55554444"}}`, "55554444")}, {
			raw(`{"phone_1":"4111","phone_2":"1111","phone_3":"1111","phone_4":"1111"}`, ""),
			raw(`{"card_number_1":"4111","card_number_2":"1111","card_number_3":"1111","card_number_4":"1112"}`, "")}},
		"card.pan": {{kv("note", "card 4111-1111-1111-1111 declined"), kv("n", pan16), kv("amex", amex), kv("s", "5555 5555 5555 4444"),
			kv("maestro", "6759 6498 2643 8453"), kv("visa13", "4222222222222"), kv("slashes", "4111/1111/1111/1111"),
			kv("nbsp", "4111\u00a01111\u00a01111\u00a01111"), kv("double", "4111  1111  1111  1111"),
			kv("lines", "4111\n1111\n1111\n1111"), kv("spaced", "4111 - 1111 - 1111 - 1111"), kv("pipes", "card: 4111|1111|1111|1111")},
			{kv("order_number", "4111111111111112"), kv("ts", "1718200000123"), kv("id", "prefix4242424242424242suffix"),
				kv("tracking", "1Z999AA10123456784"), kv("uuid", "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"), kv("us", "1718200000123456"),
				kv("uuid", "99999999-9999-4999-8999-411111111111")}},
		"card.expiry": {{kv("msg", "card 4242 4242 4242 4242 exp 12/29 ok")}, {kv("msg", "renews 12/29")}},
		"card.cvv":    {{kv("msg", "4242424242424242 cvv 123")}, {kv("msg", "cvv is required")}},
		"key.ssn": {{kv("ssn", "123456789"), kv("social_security_number", "123-45-6789"), kv("ssn", "123456789"), kv("SocialSecurityNo", "123 45 6789"),
			raw(`{"ssn":123456789}`, "123456789"), raw(`{"doc":{"type":"ssn","value":"123-45-6789"}}`, "123-45-6789")},
			{kv("ssn_last4", "6789"), kv("ssn_verified", "true"), kv("ssn", "000-12-3456"), kv("ssn", "666-12-3456"), raw(`{"ssn":123004567}`, "")}},
		"key.national_id": {{kv("national_id", "AB1234567"), kv("passport_number", "X12345678"), kv("aadhar_no", "214235050368"), kv("personalId", "60362439796"),
			kv("sa_id", "8001015009087"), kv("identificación", "8001015009087"), kv("numéro_de_sécurité_sociale", nirv),
			kv("número_de_documento", "X1234567L"), raw(`{"said":8001015009087}`, "8001015009087"), kv("cpf_number", "11144477735"),
			raw(`{"documents":[{"type":"passport","value":"X12345678"},{"type":"CPF","value":"111.444.777-35"}]}`, "X12345678"),
			raw(`{"kyc":[{"kind":"PAN","value":"ABCPE1234F"}]}`, "ABCPE1234F"), kv("reisepassnummer", "C01X00T47"), raw(`{"doc":{"id_type":"passport","id":"X12345678"}}`, "X12345678"),
			kv("steuerliche_id", steuer), kv("sozialversicherungsnr", "12150780J123"),
			kv("numero_assurance_sociale", sin), kv("numéro_de_passeport", "19AB12345")},
			{kv("national_id_verified", "true"), raw(`{"item":{"type":"product","id":"X12345678"}}`, ""), kv("tax_id", "none"), kv("id", "12345678"), kv("national_id", "000-12-3456"),
				kv("tax_id", "DE123456789"), kv("tax_id", "12-3456789"), kv("taxId", "CHE-123.456.789"), kv("ci", "build-1234"),
				raw(`{"documents":[{"type":"passport","value":"DE"}]}`, "")}},
		"id.us_ssn": {{kv("note", "SSN 123-45-6789 on file"), kv("x", "078-05-1120")},
			{kv("note", "000-12-3456"), kv("n", "666-12-3456"), kv("m", "123-00-4567"), kv("k", "123-45-0000"), kv("date", "2024-01-15")}},
		"id.ca_sin":     {{kv("note", "SIN "+sin[:3]+" "+sin[3:6]+" "+sin[6:])}, {kv("note", "SIN 046 454 288")}}, // 046 454 287 passes the Dutch BSN 11-test
		"id.br_cpf":     {{kv("doc", "CPF 111.444.777-35")}, {kv("doc", "111.444.777-36"), kv("v", "1.444.777-35")}},
		"id.in_aadhaar": {{kv("doc", aadhaar[:4]+" "+aadhaar[4:8]+" "+aadhaar[8:])}, {kv("doc", "1234 5678 9012"), kv("ref", "4111 "+aadhaar[:4]+" "+aadhaar[4:8]+" "+aadhaar[8:])}},
		"id.hk_hkid": {{kv("note", "HKID A123456(3) on file"), kv("doc", "AB987654(3)"), kv("msg", "holder G123456(A), renewed")},
			{kv("note", "HKID A123456(4) on file"), kv("ref", "model A123456(3)b"), kv("sku", "A1234563")}},
		"id.uk_nino":           {{kv("ni", "AB123456C"), kv("ni", "AB 12 34 56 C")}, {kv("ni", "BG123456A"), kv("ni", "AB123456E")}},
		"id.es_dni":            {{kv("dni_doc", "12345678Z")}, {kv("doc", "12345678A")}},
		"id.es_nie":            {{kv("doc", "X1234567L")}, {kv("doc", "X1234567A")}},
		"id.it_codice_fiscale": {{kv("doc", "RSSMRA85T10A562S")}, {kv("doc", "RSSMRA85T10A562A")}},
		"id.fi_hetu":           {{kv("doc", "131052-308T")}, {kv("doc", "131052-308A")}},
		"id.se_personnummer":   {{kv("doc", pnr[:6]+"-"+pnr[6:])}, {kv("doc", "811218-9877")}},
		"id.fr_nir":            {{kv("doc", nirv), kv("doc", nirv[:1]+" "+nirv[1:3]+" "+nirv[3:5]+" "+nirv[5:7]+" "+nirv[7:10]+" "+nirv[10:13]+" "+nirv[13:])}, {kv("doc", "185057800608400")}},
		"id.nl_bsn":            {{kv("doc", "1112.22.333")}, {kv("doc", "1112.22.334")}},
		"id.de_steuer_id":      {{kv("doc", steuer[:2]+" "+steuer[2:5]+" "+steuer[5:8]+" "+steuer[8:])}, {kv("doc", "86 095 742 710")}},
		"id.cn_resident_id":    {{kv("doc", "11010519491231002X")}, {kv("doc", "110105194912310021"), kv("snowflake", "1184591234567890123")}},
		"text.bank_account": {{raw(`{"note":"routing 021000021 account number 1234567890"}`, "1234567890"), kv("note", "payout to acct # 31926819 failed"),
			kv("msg", "my account no. is 68770227262"),
			kv("note", "routing 021000021 account 1234567890")},
			{kv("note", "routing 123456789"), kv("note", "account 1234567 upgraded"), kv("note", "account no. is required"), kv("note", "account 12345678 upgraded to pro"), kv("note", "account number required"),
				kv("note", "Sort code: 12-34-56"), kv("note", "routing 021000021")}},
		"text.national_id": {{kv("note", "my SSN is 123456789"), kv("note", "Passport: X12345678, expires 2030"),
			kv("note", "caller gave ID 8001015009087 for verification"), kv("note", "Identity number: 8001015009087"),
			kv("note", "my social security number is 123-45-6789"), kv("note", "driver's license D1234567 scanned"),
			kv("note", "my SIN is "+sin[:3]+" "+sin[3:6]+" "+sin[6:]), kv("note", "NINO AB 12 34 56 C on file"),
			kv("note", "Personalausweis L01X00T47 liegt vor")},
			{kv("note", "SSN is required"), kv("note", "passport expired"), kv("note", "nine dollars"),
				kv("note", "order id 8001015009088 shipped"), kv("note", "passport 2 days ago"), kv("note", "id 12 34 56 done"), kv("note", "user ID 12345678 logged in"), kv("note", "ID: 42"),
				kv("id", "$device:3bsn5gg85h1aw"), kv("id", "$device:2sin7625vcion")}},
		"text.secret": {{kv("log", "using api key "+fake(85, 32, alnum)), kv("log", "token: "+fake(86, 40, hexs)),
			kv("sms", "Your verification code is 482913"), kv("msg", "OTP: 1234 (valid 5 min)"),
			kv("sms", "482913 is your login code"), kv("sms", "739201 is your Acme verification code"),
			kv("sms", "Ihr Bestätigungscode lautet 482913")},
			{kv("log", "token expired"), kv("log", "secret santa 2024"), kv("log", "api key rotated"),
				kv("sms", "Your verification code has expired"), kv("msg", "otp sent to +1 *** 2671"),
				kv("msg", "2024 is your year: claim the code"), kv("msg", "order 48291 is your order number")}},
		"bank.iban": {{kv("iban_text", "pay to DE89 3704 0044 0532 0130 00 today"), kv("x", "GB82WEST12345698765432")},
			{kv("x", "DE89 3704 0044 0532 0130 01"), kv("ref", "RF18539007547034"), kv("device", "de579713-ad32-454a-8a50-8dabcf20a9b6")}},
		"key.bank_account": {{kv("account_number", "000123456789"), kv("bank", `{"account":"31926819"}`), kv("checkingAccount", "77412175"),
			raw(`{"bank":{"sort_code":"12-34-56","account_number":"31926819"}}`, "31926819"), kv("acct_no", "31926819"),
			kv("acc_number", "68770227262"), raw(`{"bank":{"sort_code":"12-34-56","acct":"31926819"}}`, "31926819"),
			raw(`{"ach":{"routing":"021000021","account":"1234567890"}}`, "1234567890"), raw(`{"b":{"aba":"021000021","checking":"1234567890"}}`, "1234567890")},
			{kv("account_number", "ACME-1234"), kv("account_type", "checking"), kv("routing_number", "021000021"), kv("sort_code", "12-34-56"),
				kv("aba", "021000021"), raw(`{"bank":{"routing":"021000021","name":"Chase"}}`, ""), kv("bic", "DEUTDEFF500")}},
		"key.iban":              {{kv("iban", "DE00 1234 5678 9012 3456 78")}, {kv("iban_verified", "true")}},
		"secret.aws_access_key": {{kv("n", "AKIA"+fake(30, 16, upperN)), kv("n", "use ASIA"+fake(31, 16, upperN)+" now")}, {kv("n", "AKIAIOSFODNN7EXAMPLE"), kv("n", "AKIA123")}},
		"secret.github":         {{kv("n", "ghp_"+fake(32, 36, alnum)), kv("n", "github_pat_"+fake(33, 82, alnum+"_"))}, {kv("n", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), kv("n", "ghp_short")}},
		"secret.stripe":         {{kv("n", "sk_live_"+fake(34, 24, alnum)), kv("n", "rk_test_"+fake(35, 24, alnum)), kv("n", "whsec_"+fake(36, 32, alnum))}, {kv("n", "pk_live_"+fake(37, 24, alnum)), kv("n", "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx")}},
		"secret.slack":          {{kv("n", "xoxb-"+fake(38, 11, "0123456789")+"-"+fake(39, 24, alnum))}, {kv("n", "xoxb-")}},
		"secret.google_api_key": {{kv("n", "AIza"+fake(40, 35, b64u))}, {kv("n", "AIzaShort")}},
		"secret.google_oauth":   {{kv("n", "ya29."+fake(41, 60, b64u)), kv("n", "GOCSPX-"+fake(42, 28, b64u))}, {kv("n", "ya29.")}},
		"secret.openai":         {{kv("n", "sk-proj-"+fake(43, 48, alnum)), kv("n", "sk-"+fake(44, 48, alnum))}, {kv("css", "sk-spinner-circle-fade-animation"), kv("n", "sk-abc")}},
		"secret.anthropic":      {{kv("n", "sk-ant-api03-"+fake(45, 80, b64u))}, {kv("n", "sk-ant-")}},
		"secret.npm":            {{kv("n", "npm_"+fake(46, 36, alnum))}, {kv("n", "npm_install")}},
		"secret.gitlab":         {{kv("n", "glpat-"+fake(47, 20, b64u))}, {kv("n", "glpat-short")}},
		"secret.sendgrid":       {{kv("n", "SG."+fake(48, 22, b64u)+"."+fake(49, 43, b64u))}, {kv("n", "SG.short.token")}},
		"secret.twilio":         {{kv("n", "SK"+fake(50, 32, hexs))}, {kv("sid", "AC"+fake(51, 32, hexs))}},
		"secret.shopify":        {{kv("n", "shpat_"+fake(52, 32, hexs))}, {kv("n", "shpat_"+fake(53, 32, "ghijkl"))}},
		"secret.digitalocean":   {{kv("n", "dop_v1_"+fake(54, 64, hexs))}, {kv("n", "dop_v1_abc")}},
		"secret.huggingface":    {{kv("n", "hf_"+fake(55, 34, alnum))}, {kv("n", "hf_hub")}},
		"secret.linear":         {{kv("n", "lin_api_"+fake(56, 40, alnum))}, {kv("n", "lin_api_")}},
		"secret.postman":        {{kv("n", "PMAK-"+fake(57, 24, hexs)+"-"+fake(58, 34, hexs))}, {kv("n", "PMAK-1")}},
		"secret.vault":          {{kv("n", "hvs."+fake(59, 90, b64u))}, {kv("n", "hvs.short")}},
		"secret.databricks":     {{kv("n", "dapi"+fake(60, 32, hexs))}, {kv("n", "dapi-docs")}},
		"secret.pypi":           {{kv("n", "pypi-AgEIcHlwaS5vcmc"+fake(61, 70, b64u))}, {kv("n", "pypi-AgEIcHlwaS5vcmc")}},
		"secret.sentry":         {{kv("n", "sntrys_"+fake(62, 60, b64u))}, {kv("n", "sntrys_x")}},
		"secret.brevo":          {{kv("n", "xkeysib-"+fake(63, 64, hexs)+"-"+fake(64, 16, alnum))}, {kv("n", "xkeysib-1")}},
		"secret.mailgun":        {{kv("n", "key-"+fake(65, 32, hexs))}, {kv("n", "key-value")}},
		"secret.docker":         {{kv("n", "dckr_pat_"+fake(66, 27, b64u))}, {kv("n", "dckr_pat_x")}},
		"secret.grafana":        {{kv("n", "glsa_"+fake(67, 32, alnum)+"_"+fake(68, 8, hexs))}, {kv("n", "glsa_x")}},
		"secret.atlassian":      {{kv("n", "ATATT3"+fake(69, 180, b64u))}, {kv("n", "ATATT3x")}},
		"secret.notion":         {{kv("n", "secret_"+fake(70, 43, alnum))}, {kv("n", "secret_sauce_recipe")}},
		"secret.square":         {{kv("n", "sq0atp-"+fake(71, 22, b64u))}, {kv("n", "sq0atp-x")}},
		"secret.facebook":       {{kv("n", "EAACEdEose0cBA"+fake(72, 120, alnum))}, {kv("n", "EAACEdEose0cBA")}},
		"secret.rubygems":       {{kv("n", "rubygems_"+fake(73, 48, hexs))}, {kv("n", "rubygems_org")}},
		"secret.vendor": {{kv("data", "gsk_"+fake(201, 52, alnum)), kv("cmd", "export X="+"pplx-"+fake(202, 48, alnum)), kv("v", "LTAI"+fake(203, 20, alnum)),
			kv("v", "dp.st."+fake(204, 43, alnum)), kv("v", "FLWSECK-"+fake(205, 32, hexs)+"-X"), kv("data", "pul-"+fake(211, 40, hexs)), kv("config_value", "fo1_"+fake(212, 43, b64u))},
			{kv("v", "gsk_"+fake(206, 10, alnum)), kv("v", "LTAI_config_section"), kv("v", "AKIDENTIFIERFORSOMETHINGVERYLONGNAMEHERE"), kv("v", "rnd_seed_value_for_the_test_harness_x")}},
		"secret.telegram_bot": {{kv("data", "7312345678:AAH"+fake(207, 32, b64u)), kv("msg", "bot token 123456789:AAF"+fake(208, 32, b64u)+" rejected")},
			{kv("t", "12:30:AAB"), kv("v", "7312345678:AAH"+fake(209, 20, b64u)), kv("v", "x7312345678:AAH"+fake(210, 32, b64u))}},
		"secret.jwt":        {{kv("n", jwt), kv("h", "Authorization: "+jwt)}, {kv("n", b64url(`{"typ":"x","kid":"1234"}`)+"."+b64url(`{"a":1}`)+".sig"), kv("n", "eyJhbGciOi")}},
		"secret.bearer":     {{kv("log", "GET /api with Bearer "+fake(74, 24, alnum))}, {kv("log", "Bearer token required"), kv("log", "a bearer of bad news")}},
		"secret.basic_auth": {{kv("log", "curl -H 'Authorization: Basic "+base64.StdEncoding.EncodeToString([]byte("alice:s3cr3t!"))+"'")}, {kv("log", "WWW-Authenticate: Basic realm=api"), kv("log", "Basic plan selected")}},
		"secret.otpauth":    {{kv("uri", "otpauth://totp/Acme:alice?secret=JBSWY3DPEHPK3PXP&issuer=Acme")}, {kv("doc", "otpauth is a URI scheme")}},
		"secret.signed_url": {{kv("src", "https://bucket.s3.amazonaws.com/a.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=900&X-Amz-Signature="+fake(75, 64, hexs))}, {kv("src", "https://bucket.s3.amazonaws.com/a.pdf?X-Amz-Expires=900")}},
		"secret.webhook_url": {{kv("hook", "https://hooks.slack.com/services/T"+fake(76, 8, upperN)+"/B"+fake(77, 8, upperN)+"/"+fake(78, 24, alnum)),
			kv("target", "https://api.telegram.org/bot5954144829:"+fake(95, 35, b64u)+"/sendMessage?chat_id=220550869"),
			kv("teams", "https://acme.webhook.office.com/webhookb2/3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b@0c1d2e3f-4a5b-4f70-8a9b-3f2a1b4c5d6e/IncomingWebhook/"+fake(108, 32, hexs)+"/3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"),
			kv("mm", "https://chat.example.com/hooks/xk29dkl3mqp1zab4cdef5ghij6"), kv("zap", "https://hooks.zapier.com/hooks/catch/123456/abc7def/"),
			kv("ifttt", "https://maker.ifttt.com/trigger/door_open/with/key/dXk29dkLmQp1zAbCdEfGh")}, {kv("hook", "https://hooks.slack.com/"), kv("doc", "https://core.telegram.org/bots/api#sendmessage"), kv("u", "https://api.telegram.org/bot/getMe"),
			kv("u", "https://api.github.com/repos/o/r/hooks/12345"), kv("u", "https://example.com/docs/webhooks/setup-guide"),
			kv("u", "https://app.example.com/settings/webhooks/3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b/edit"),
			kv("u", "https://dashboard.example.com/webhooks/we_1NxQk29dkLmQp1zAbCd")}},
		"url.magic_link": {{kv("$deeplink", "myapp://login?magic="+fake(120, 26, alnum)+"&src=email"),
			kv("url", "com.example.app://auth/callback?auth_code="+fake(121, 24, alnum)),
			kv("$current_url", "https://app.example.com/verify?login_token="+fake(122, 30, alnum))}, {
			kv("$deeplink", "myapp://product?id=8841209&ref=home_banner"), kv("$deeplink", "myapp://settings?magic=true"),
			kv("$current_url", "https://x.example/?magic=abracadabra")}},
		"url.param": {{kv("$current_url", "https://x.com/cb?code="+fake(79, 20, alnum)+"&state=abc"), kv("redirect", "https%3A%2F%2Fapp.example.com%2Fcb%3Ftoken%3D"+fake(84, 20, alnum)), kv("$referrer", "https://x.com/#access_token="+fake(80, 30, alnum)+"&expires_in=3600")}, {kv("$current_url", "https://x.com/forgot-password?step=2"), kv("$current_url", "https://x.com/?utm_source=mail&ref=abc"),
			kv("Stripe-Signature", "t=1492774577,v1="+fake(91, 64, hexs)+",v0="+fake(92, 64, hexs)), kv("src", "https://cdn.x.com/app.js?t=1718200000")}},
		"url.userinfo": {{kv("db", "postgres://app:S3cr3tPw@db:5432/prod"), kv("remote", "https://x-access-token:"+fake(81, 20, alnum)+"@git.example.com/o/r.git"),
			kv("api", "https://"+fake(93, 32, alnum)+":@api.example.com/v1/charges"), kv("err", "GET https://"+fake(94, 32, hexs)+":@api.example.com/v1 failed: 401")},
			{kv("db", "postgres://USER:PASSWORD@HOST:5432/DB"), kv("dsn", "https://"+fake(82, 32, hexs)+"@o1.ingest.sentry.io/42"),
				kv("u", "https://api.example.com:@host/x"), kv("u", "https://deploy-bot:@git.example.com/r.git")}},
		"email.address":          {{kv("contact", "bob@example.com"), kv("url", "https://x.com/users/Erin.Nguyen@umbrella.app/profile")}, {kv("img", "logo@2x.png"), kv("pkg", "@babel/core@7.0.0"), kv("remote", "git@github.com:org/repo.git")}},
		"phone.number":           {{kv("contact", "+1 (415) 555-2671"), kv("c", "call 415-555-2671 today")}, {kv("v", "1.2.3"), kv("ip", "192.168.100.200"), kv("d", "2024-01-15")}},
		"key.phone":              {{kv("phone", "4155552671"), kv("mobile", "0151 23456789")}, {kv("phone_verified", "true"), kv("phone", "")}},
		"element.form_value":     {{raw(elements(`{"tag_name":"input","attr__type":"search","attr__value":"running shoes","nth_child":1}`), "running shoes")}, {raw(elements(`{"tag_name":"input","attr__type":"submit","attr__value":"Save","nth_child":1}`), "")}},
		"element.password_input": {{raw(elements(`{"tag_name":"input","attr__type":"password","attr__name":"pw","attr__value":"dragon17-"}`), "dragon17-")}, {raw(elements(`{"tag_name":"button","attr__type":"submit","$el_text":"Sign in"}`), "")}},
		"element.hidden_input":   {{raw(elements(`{"tag_name":"input","attr__type":"hidden","attr__name":"authenticity","attr__value":"`+fake(83, 40, alnum)+`"}`), fake(83, 40, alnum))}, {raw(elements(`{"tag_name":"input","attr__type":"checkbox","attr__name":"remember","attr__value":"on"}`), "")}},
		"element.sensitive_field": {{raw(elements(`{"tag_name":"input","attr__type":"text","attr__name":"password","attr__value":"shown-pass1"}`), "shown-pass1"),
			raw(`{"$elements_chain":"input:attr__type=\"text\"attr__id=\"cc-number\"attr__value=\"4000 0566 5566 5556\"nth-child=\"1\";form:nth-child=\"1\""}`, "4000 0566 5566 5556")},
			{raw(elements(`{"tag_name":"label","attr__for":"password","$el_text":"Password"}`, `{"tag_name":"div","attr__id":"password-help","$el_text":"8 characters"}`), "")}},
		"element.autocomplete": {{raw(elements(`{"tag_name":"input","attr__autocomplete":"cc-number","attr__value":"4000 0566 5566 5556"}`), "4000 0566 5566 5556"), raw(elements(`{"tag_name":"input","attr__autocomplete":"current-password","attr__name":"login","attr__value":"abc"}`), "")}, {raw(elements(`{"tag_name":"input","attr__autocomplete":"email","attr__name":"email"}`), "")}},
		"element.password_manager": {{raw(elements(`{"tag_name":"input","attr__data-com-onepassword-filled":"light","attr__type":"text","attr__value":"Tr0ub4dor&3"}`), "Tr0ub4dor&3")},
			{raw(elements(`{"tag_name":"input","attr__data-1p-ignore":"true","attr__type":"search","attr__name":"q"}`), "")}},
		"element.revealed_password": {{raw(elements(`{"tag_name":"span","attr__class":"reveal-password mono","$el_text":"Tr0ub4dor&3"}`), "Tr0ub4dor&3"),
			raw(elements(`{"tag_name":"div","attr__data-testid":"revealed-password","$el_text":"xK9#mQ2p"}`), "xK9#mQ2p"),
			raw(`{"$event_type":"click","$el_attr__class":"reveal-password","$el_text":"skC8ON0DPlgG"}`, "skC8ON0DPlgG"),
			raw(elements(`{"tag_name":"span","attr__class":"password-display","$el_text":"pOE#RAqexZ3t"}`), "pOE#RAqexZ3t")},
			{raw(elements(`{"tag_name":"button","attr__class":"toggle-password","$el_text":"Show password"}`), ""),
				raw(elements(`{"tag_name":"span","attr__class":"password-strength","$el_text":"Strong"}`), ""),
				raw(`{"$event_type":"click","$el_attr__class":"password-strength-meter","$el_text":"Strong1"}`, ""),
				raw(`{"$event_type":"click","$el_attr__class":"btn primary","$el_text":"Xk29dkLmQp1z"}`, ""),
				raw(elements(`{"tag_name":"a","attr__id":"forgot-password","$el_text":"Forgot password?"}`), ""),
				raw(elements(`{"tag_name":"div","attr__class":"map-pin","$el_text":"Gate12"}`), ""),
				raw(elements(`{"tag_name":"span","attr__id":"boarding-pass","$el_text":"Seat14C"}`), "")}},
		"element.sensitive_class": {{raw(elements(`{"tag_name":"div","classes":["ph-sensitive"],"$el_text":"Acct 99-1234"}`), "Acct 99-1234")}, {raw(elements(`{"tag_name":"div","classes":["ph-no-capture-x"],"$el_text":"Docs"}`), "")}},
	}
}

// TestDetectorSamples runs every detector's samples through a checker
// with the default policy.
func TestDetectorSamples(t *testing.T) {
	c := mustChecker(t, DefaultPolicy())
	all := samples()
	for k, v := range textFormSamples() {
		all[k] = v
	}
	for k, v := range kinds6Samples() {
		all[k] = [2][]sample{append(all[k][0], v[0]...), append(all[k][1], v[1]...)}
	}
	for k, v := range kindsLeftSamples() {
		all[k] = [2][]sample{append(all[k][0], v[0]...), append(all[k][1], v[1]...)}
	}
	for k, v := range clean7Samples() {
		all[k] = [2][]sample{append(all[k][0], v[0]...), append(all[k][1], v[1]...)}
	}
	for k, v := range kinds8Samples() {
		all[k] = [2][]sample{append(all[k][0], v[0]...), append(all[k][1], v[1]...)}
	}
	for k, v := range kinds8FixSamples() {
		all[k] = [2][]sample{append(all[k][0], v[0]...), append(all[k][1], v[1]...)}
	}
	for _, d := range detectors {
		s, ok := all[d.Name]
		if !ok || len(s[0]) == 0 || len(s[1]) == 0 {
			t.Errorf("detector %s has no positive or no negative samples", d.Name)
			continue
		}
		for i, p := range s[0] {
			r := checkEvent(t, c, p.props)
			found := false
			for _, f := range r.findings {
				if f.Detector == d.Name {
					found = true
				}
			}
			if !found {
				t.Errorf("%s positive %d: not reported (findings: %s)", d.Name, i, describe(r))
				continue
			}
			if Critical(d.Class) && p.secret != "" && !r.drop && strings.Contains(r.props, jsonText(p.secret)) {
				t.Errorf("%s positive %d: the value survived the guard", d.Name, i)
			}
		}
		for i, n := range s[1] {
			r := checkEvent(t, c, n.props)
			if len(r.findings) > 0 {
				t.Errorf("%s negative %d: reported (findings: %s)", d.Name, i, describe(r))
			}
		}
	}
	for name := range all {
		known := false
		for _, d := range detectors {
			known = known || d.Name == name
		}
		if !known {
			t.Errorf("samples for an unknown detector %s", name)
		}
	}
}

// jsonText is how s appears inside marshalled JSON.
func jsonText(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

func describe(r result) string {
	var b strings.Builder
	for _, f := range r.findings {
		b.WriteString(f.Path + ":" + f.Class + ":" + f.Detector + " ")
	}
	return b.String()
}

// TestDetectorsRegistered fails when the source names a detector that
// Detectors (and so its samples) does not list.
func TestDetectorsRegistered(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`"((?:key|card|id|bank|secret|private_key|url|email|phone|element|text)\.[a-z_0-9]+)"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			known := false
			for _, d := range detectors {
				known = known || d.Name == m[1]
			}
			if !known {
				t.Errorf("%s: detector %s is not in Detectors()", f, m[1])
			}
		}
	}
}
