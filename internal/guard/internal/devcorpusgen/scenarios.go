package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// Key spellings, as applications in many languages name things.
var (
	passwordKeys = []string{"password", "passwd", "pwd", "user_password", "userPassword", "new_password", "confirmPassword", "login_password",
		"Passwort", "kennwort", "contraseña", "contrasena", "mot_de_passe", "motDePasse", "senha", "wachtwoord", "parola_d_ordine", "haslo", "hasło",
		"пароль", "密码", "パスワード", "비밀번호", "salasana", "adgangskode", "losenord", "lösenord", "jelszo", "heslo", "sifre", "şifre", "kata_sandi", "mat_khau",
		"db_password", "smtp_password", "admin_pass", "account_password", "PASSWORD", "Password1", "pass_word", "passphrase", "master_password"}
	pinKeys      = []string{"pin", "PIN", "pin_code", "card_pin", "atm_pin", "pinCode", "security_pin", "geheimzahl", "code_pin"}
	answerKeys   = []string{"secret_answer", "security_answer", "memorable_word", "mothers_maiden_name", "securityAnswer", "answer_security_question", "recovery_answer", "memorable_information"}
	secretKeys   = []string{"api_key", "apiKey", "x-api-key", "access_token", "auth_token", "client_secret", "secret_key", "private_token", "refresh_token", "webhook_secret", "signing_secret", "hmac_secret", "encryption_key", "master_key", "app_secret", "consumer_secret", "service_token", "bot_token", "deploy_key", "license_key", "mapbox_key", "jwt_secret", "session_secret", "cle_api", "api_schluessel", "clave_api", "токен"}
	tokenLike    = []string{"token", "secret", "credential", "auth", "key"}
	ssnKeys      = []string{"ssn", "SSN", "social_security_number", "socialSecurityNumber", "social_security_no", "ssn_number", "tax_id", "social_sec_num", "SocialSecurityNo"}
	cardKeys     = []string{"card_number", "cardNumber", "cc_number", "ccnum", "credit_card", "pan", "numero_tarjeta", "kartennummer", "numero_carte", "card_no", "payment_card"}
	accountKeys  = []string{"account_number", "accountNumber", "acct_no", "bank_account", "account_no", "kontonummer", "numero_de_cuenta", "rekeningnummer", "bank_account_number", "acc_number"}
	ibanKeys     = []string{"iban", "IBAN", "iban_number", "bank_iban", "ibanCode", "payout_iban"}
	nestedParent = []string{"form", "user", "payload", "data", "input", "params", "body", "request", "fields", "details"}
)

// idKind is one national-ID format: a maker and key spellings that name it.
type idKind struct {
	name string
	make func(g *gen) string
	keys []string
	word string // how prose names it
}

var idKinds = []idKind{
	{"us_ssn", (*gen).ssn, ssnKeys, "SSN"},
	{"ca_sin", (*gen).sin, []string{"sin", "SIN", "social_insurance_number", "sin_number", "numero_assurance_sociale"}, "SIN"},
	{"br_cpf", func(g *gen) string {
		if g.chance(0.5) {
			return fmtCPF(g.cpf())
		}
		return g.cpf()
	}, []string{"cpf", "CPF", "numero_cpf", "cpf_number", "documento_cpf"}, "CPF"},
	{"in_aadhaar", func(g *gen) string {
		a := g.aadhaar()
		if g.chance(0.5) {
			return a[:4] + " " + a[4:8] + " " + a[8:]
		}
		return a
	}, []string{"aadhaar", "aadhaar_number", "aadhar_no", "uid_number", "aadhaarNumber"}, "Aadhaar"},
	{"uk_nino", (*gen).nino, []string{"nino", "NINO", "national_insurance_number", "ni_number", "nationalInsuranceNo"}, "NI number"},
	{"es_dni", func(g *gen) string {
		if g.chance(0.5) {
			return g.nie()
		}
		return g.dni()
	}, []string{"dni", "DNI", "nie", "documento_identidad", "numero_dni", "nif"}, "DNI"},
	{"fi_hetu", (*gen).hetu, []string{"hetu", "henkilotunnus", "henkilötunnus", "personal_identity_code"}, "henkilötunnus"},
	{"se_personnummer", (*gen).personnummer, []string{"personnummer", "personal_number", "personnr"}, "personnummer"},
	{"fr_nir", (*gen).nir, []string{"nir", "numero_securite_sociale", "numéro_de_sécurité_sociale", "insee"}, "numéro de sécurité sociale"},
	{"nl_bsn", (*gen).bsn, []string{"bsn", "BSN", "burgerservicenummer", "bsn_nummer"}, "BSN"},
	{"de_steuerid", (*gen).steuerID, []string{"steuer_id", "steueridentifikationsnummer", "steuerId", "tax_identification_number"}, "Steuer-ID"},
	{"cn_resident_id", (*gen).prcID, []string{"id_card", "shenfenzheng", "身份证号", "resident_id", "id_card_number"}, "身份证号"},
	{"za_id", (*gen).zaID, []string{"id_number", "za_id", "rsa_id_number", "identity_number", "sa_id"}, "ID number"},
	{"in_pan", (*gen).indiaPAN, []string{"pan", "pan_number", "pan_card", "panNumber"}, "PAN"},
	{"passport", (*gen).passport, []string{"passport", "passport_number", "passportNo", "reisepassnummer", "numero_passeport", "pasaporte"}, "passport number"},
}

func pass(g *gen) string { return g.password() }

// place puts v under key, either at the top level or inside a parent
// object, and returns the path.
func place(g *gen, p map[string]any, key string, v any) string {
	if g.chance(0.5) {
		p[key] = v
		return key
	}
	parent := g.pick(nestedParent...)
	m, _ := p[parent].(map[string]any)
	if m == nil {
		m = map[string]any{}
		p[parent] = m
	}
	m[key] = v
	return parent + "." + key
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

var sensitive = []scenario{
	// --- password ---
	{"password under a key", func(g *gen, p map[string]any) []Label {
		pw := pass(g)
		return []Label{lbl(place(g, p, g.pick(passwordKeys...), pw), "password", pw)}
	}},
	{"pin under a key", func(g *gen, p map[string]any) []Label {
		pin := g.pin()
		return []Label{lbl(place(g, p, g.pick(pinKeys...), pin), "password", pin)}
	}},
	{"security answer", func(g *gen, p map[string]any) []Label {
		a := g.pick("Fluffy2009", "Springfield", "Rex the dog", "Jenkins", "blue42", "Oakwood Elementary", "Martinez")
		return []Label{lbl(place(g, p, g.pick(answerKeys...), a), "password", a)}
	}},
	{"security question and answer pair", func(g *gen, p map[string]any) []Label {
		a := g.pick("Fluffy2009", "Springfield", "Hendricks", "Pluto7")
		p["security"] = map[string]any{"question": g.pick("What was the name of your first pet?", "In what city were you born?", "What is your mother's maiden name?"), "answer": a}
		return []Label{lbl("security.answer", "password", a)}
	}},
	{"password in a field list", func(g *gen, p map[string]any) []Label {
		pw := pass(g)
		nk := g.pick("name", "type", "label", "field", "key", "id")
		vk := g.pick("value", "val", "input", "data")
		p["fields"] = []any{
			map[string]any{nk: "username", vk: "jdoe" + g.digitsN(2)},
			map[string]any{nk: g.pick("password", "Password", "pwd", "passcode", "pin", "contraseña", "Passwort"), vk: pw},
		}
		return []Label{lbl("fields[]."+vk, "password", pw)}
	}},
	{"password in an array of pairs", func(g *gen, p map[string]any) []Label {
		pw := pass(g)
		p["form_data"] = []any{[]any{"username", "jdoe"}, []any{g.pick("password", "passwd", "user[password]"), pw}}
		return []Label{lbl("form_data[][]", "password", pw)}
	}},
	{"password on a command line", func(g *gen, p map[string]any) []Label {
		pw := g.mixed(alnum, 10+g.n(6))
		cmd, val := "", pw
		switch g.n(7) {
		case 0:
			cmd = "mysql -u root -p" + pw + " -h " + g.host() + " shop"
		case 1:
			cmd = "pg_dump --password " + pw + " --host " + g.host()
		case 2:
			cmd = "mongodump --username admin --password=" + pw + " --db app"
		case 3:
			cmd = "curl -u deploy:" + pw + " https://ci.example.com/job/build"
		case 4:
			cmd = "sshpass -p " + pw + " ssh ops@" + g.host()
		case 5:
			cmd = "redis-cli -h " + g.host() + " -a " + pw + " ping"
		case 6:
			cmd = "docker login -u ci -p " + pw + " registry.example.com"
		}
		return []Label{lbl(place(g, p, g.pick("command", "cmdline", "shell_command", "exec", "script"), cmd), "password", val)}
	}},
	{"password in an argv array", func(g *gen, p map[string]any) []Label {
		pw := g.mixed(alnum, 12)
		p["argv"] = []any{"/usr/bin/" + g.pick("psql", "mysqldump", "backup-tool"), "--user", "svc", g.pick("--password", "--pass", "--db-password"), pw, "--verbose"}
		return []Label{lbl("argv[]", "password", pw)}
	}},
	{"password in prose", func(g *gen, p map[string]any) []Label {
		pw := g.mixed(alnum+"!#", 10)
		s := g.pick("my password is %s, please reset it", "Temporary password: %s", "Ihr neues Passwort lautet: %s", "votre mot de passe est %s", "la contraseña es %s gracias", "pw: %s (changed yesterday)", "I set the password to %s but login fails")
		text := fmt.Sprintf(s, pw)
		return []Label{lbl(place(g, p, g.pick("message", "comment", "description", "note", "body_text"), text), "password", pw)}
	}},
	{"password in config text", func(g *gen, p map[string]any) []Label {
		pw := g.mixed(alnum, 16)
		var text string
		switch g.n(5) {
		case 0:
			text = "DB_HOST=" + g.host() + "\nDB_USER=app\nDB_PASSWORD=" + pw + "\nDB_PORT=5432"
		case 1:
			text = "database:\n  host: " + g.host() + "\n  user: app\n  password: " + pw + "\n"
		case 2:
			text = "[client]\nuser = backup\npassword = " + pw + "\n"
		case 3:
			text = "spring.datasource.username=app\nspring.datasource.password=" + pw
		case 4:
			text = "<connection><user>app</user><password>" + pw + "</password></connection>"
		}
		return []Label{lbl(place(g, p, g.pick("config", "file_contents", "snippet", "env", "attachment_text"), text), "password", pw)}
	}},
	{"password in stringified JSON", func(g *gen, p map[string]any) []Label {
		pw := pass(g)
		s := jsonString(map[string]any{"username": "jdoe", g.pick("password", "pass", "senha", "Passwort"): pw, "remember": true})
		return []Label{lbl(place(g, p, g.pick("request_body", "payload", "raw"), s), "password", pw)}
	}},
	{"password in a form body", func(g *gen, p map[string]any) []Label {
		pw := g.mixed(alnum, 12)
		body := "username=jdoe&" + g.pick("password", "pwd", "pass", "user%5Bpassword%5D") + "=" + pw + "&remember=1"
		return []Label{lbl(place(g, p, g.pick("request_body", "form_body", "post_data"), body), "password", pw)}
	}},
	{"password in base64 JSON", func(g *gen, p map[string]any) []Label {
		pw := pass(g)
		b := base64.StdEncoding.EncodeToString([]byte(jsonString(map[string]any{"user": "jdoe", "password": pw})))
		return []Label{lbl(place(g, p, g.pick("blob", "encoded_payload", "state"), b), "password", b)}
	}},
	{"revealed password in element text", func(g *gen, p map[string]any) []Label {
		pw := g.mixed(alnum+"!#", 12)
		cls := g.pick("reveal-password", "password-display", "generated-password", "pwd-text")
		if g.chance(0.5) {
			p["$elements"] = []any{map[string]any{"tag_name": "span", "attr__class": cls, "$el_text": pw}, map[string]any{"tag_name": "div", "attr__class": "form-row"}}
			return []Label{lbl("$elements[].$el_text", "password", pw)}
		}
		p["$el_text"] = pw
		p["$el_attr__class"] = cls
		p["$event_type"] = "click"
		return []Label{lbl("$el_text", "password", pw)}
	}},
	{"password as a GraphQL variable", func(g *gen, p map[string]any) []Label {
		pw := pass(g)
		p["graphql"] = map[string]any{"query": "mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { token } }", "variables": map[string]any{"email": g.email(), "password": pw}}
		return []Label{lbl("graphql.variables.password", "password", pw)}
	}},
	{"password in a URL query", func(g *gen, p map[string]any) []Label {
		pw := g.mixed(alnum, 12)
		u := "https://legacy.example.com/login.php?user=jdoe&" + g.pick("password", "pwd", "pass") + "=" + pw
		return []Label{lbl(place(g, p, g.pick("url", "callback", "link"), u), "password", pw, "credentials_in_url", "secret_token")}
	}},

	// --- credentials in URLs ---
	{"credentials in a connection URL", func(g *gen, p map[string]any) []Label {
		pw := g.mixed(alnum, 12+g.n(10))
		u := g.pick("postgres", "postgresql", "mysql", "mongodb+srv", "redis", "amqp", "ftp", "https", "smtp") + "://" + g.pick("app", "admin", "svc_user", "") + ":" + pw + "@" + g.host() + g.pick(":5432/app", "/", ":6379/0", "/vhost", "")
		return []Label{lbl(place(g, p, g.pick("database_url", "dsn", "connection_string", "url", "broker_url", "DATABASE_URL"), u), "credentials_in_url", pw, "password")}
	}},
	{"credentials in a URL inside an error", func(g *gen, p map[string]any) []Label {
		pw := g.mixed(alnum, 14)
		msg := "connect failed: could not connect to postgres://app:" + pw + "@" + g.host() + ":5432/prod (timeout after 30s)"
		return []Label{lbl(place(g, p, g.pick("error", "error_message", "exception", "stack"), msg), "credentials_in_url", pw, "password")}
	}},
	{"credentials in a percent-encoded redirect", func(g *gen, p map[string]any) []Label {
		pw := g.mixed(alnum, 12)
		inner := "https://bob:" + pw + "@files.example.org/export"
		u := "https://app.example.com/go?next=" + url.QueryEscape(inner)
		return []Label{lbl(place(g, p, g.pick("url", "redirect"), u), "credentials_in_url", pw, "password")}
	}},
	{"api key as URL user with an empty password", func(g *gen, p map[string]any) []Label {
		k := g.pick("sk_live_"+g.mixed(alnum, 24), g.mixed(alnum, 32), g.str(hexLower, 32))
		u := "https://" + k + ":@api." + g.pick("example.com", "payments.example.io", "mailer.example.net") + "/v1/charges"
		if g.chance(0.5) {
			u = "request to " + u + " failed with 401"
		}
		return []Label{lbl(place(g, p, g.pick("url", "endpoint", "error"), u), "secret_token", k, "credentials_in_url")}
	}},

	// --- secret tokens ---
	{"vendor token under a neutral key", func(g *gen, p map[string]any) []Label {
		t, _ := g.vendorToken()
		return []Label{lbl(place(g, p, g.pick("value", "config_value", "data", "text", "item", "x"), t), "secret_token", t)}
	}},
	{"vendor token under a secret key", func(g *gen, p map[string]any) []Label {
		t, _ := g.vendorToken()
		return []Label{lbl(place(g, p, g.pick(secretKeys...), t), "secret_token", t)}
	}},
	{"random secret under a secret-like key", func(g *gen, p map[string]any) []Label {
		t := g.randomSecret()
		return []Label{lbl(place(g, p, g.pick(secretKeys...), t), "secret_token", t)}
	}},
	{"random secret under an unknown *_secret/*_token key", func(g *gen, p map[string]any) []Label {
		t := g.mixed(alnum, 32+g.n(20))
		k := g.pick("stripe", "zendesk", "algolia", "segment", "intercom", "pusher", "mux", "ably", "okta") + "_" + g.pick(tokenLike...)
		return []Label{lbl(place(g, p, k, t), "secret_token", t)}
	}},
	{"jwt", func(g *gen, p map[string]any) []Label {
		t := g.jwt()
		return []Label{lbl(place(g, p, g.pick("id_token", "jwt", "data", "state", "context"), t), "secret_token", t)}
	}},
	{"bearer header", func(g *gen, p map[string]any) []Label {
		t := g.pick(g.jwt(), g.mixed(b64url, 40))
		p["headers"] = map[string]any{"Authorization": "Bearer " + t, "Accept": "application/json"}
		return []Label{lbl("headers.Authorization", "secret_token", t)}
	}},
	{"basic auth header", func(g *gen, p map[string]any) []Label {
		b := base64.StdEncoding.EncodeToString([]byte("svc:" + g.mixed(alnum, 14)))
		p["request_headers"] = map[string]any{"authorization": "Basic " + b, "user-agent": "curl/8.4"}
		return []Label{lbl("request_headers.authorization", "secret_token", b, "password", "credentials_in_url")}
	}},
	{"session cookie", func(g *gen, p map[string]any) []Label {
		s := g.mixed(alnum, 32)
		c := "theme=dark; " + g.pick("sessionid", "connect.sid", "JSESSIONID", "_session", "laravel_session", "auth_token") + "=" + s + "; lang=en"
		return []Label{lbl(place(g, p, g.pick("cookie", "Cookie", "cookies"), c), "secret_token", s)}
	}},
	{"token in a URL query", func(g *gen, p map[string]any) []Label {
		t := g.mixed(alnum, 32)
		u := "https://app.example.com/callback?" + g.pick("access_token", "token", "api_key", "auth", "code", "sig", "key") + "=" + t + "&state=ok"
		return []Label{lbl(place(g, p, g.pick("$current_url", "url", "referrer"), u), "secret_token", t, "credentials_in_url")}
	}},
	{"webhook URL", func(g *gen, p map[string]any) []Label {
		var u, part string
		switch g.n(3) {
		case 0:
			part = "T" + g.str(upper+digits, 8) + "/B" + g.str(upper+digits, 10) + "/" + g.mixed(alnum, 24)
			u = "https://hooks.slack.com/services/" + part
		case 1:
			part = g.digitsN(18) + "/" + g.mixed(b64url, 68)
			u = "https://discord.com/api/webhooks/" + part
		default:
			part = g.digitsN(10) + ":" + g.mixed(b64url, 35)
			u = "https://api.telegram.org/bot" + part + "/sendMessage?chat_id=" + g.digitsN(9)
		}
		return []Label{lbl(place(g, p, g.pick("webhook", "notify_url", "url", "target"), u), "secret_token", part, "credentials_in_url")}
	}},
	{"aws secret access key", func(g *gen, p map[string]any) []Label {
		s := g.mixed(b64std, 40)
		p["aws"] = map[string]any{"access_key_id": "AKIA" + g.str(upper+"234567", 16), "secret_access_key": s, "region": "eu-west-1"}
		return []Label{lbl("aws.secret_access_key", "secret_token", s), lbl("aws.access_key_id", "secret_token", p["aws"].(map[string]any)["access_key_id"].(string))}
	}},
	{"token in a log line", func(g *gen, p map[string]any) []Label {
		t, _ := g.vendorToken()
		line := "2026-11-30T10:00:01Z INFO auth ok using " + t + " for user 42"
		return []Label{lbl(place(g, p, g.pick("log", "message", "line"), line), "secret_token", t)}
	}},
	{"secret in a field list", func(g *gen, p map[string]any) []Label {
		t := g.randomSecret()
		p["settings"] = []any{map[string]any{"key": "region", "value": "eu"}, map[string]any{"key": g.pick("api_key", "client_secret", "access_token", "webhook_secret"), "value": t}}
		return []Label{lbl("settings[].value", "secret_token", t)}
	}},
	{"one-time code in prose", func(g *gen, p map[string]any) []Label {
		c := g.digitsN(6)
		m := fmt.Sprintf(g.pick("Your verification code is %s", "%s is your login code", "OTP: %s", "Ihr Bestätigungscode lautet %s"), c)
		return []Label{lbl(place(g, p, g.pick("sms_body", "message", "notification"), m), "secret_token", c, "password")}
	}},
	{"otp under a key", func(g *gen, p map[string]any) []Label {
		c := g.digitsN(6)
		return []Label{lbl(place(g, p, g.pick("otp", "otp_code", "verification_code", "mfa_code", "totp", "2fa_code"), c), "secret_token", c, "password")}
	}},
	{"totp seed", func(g *gen, p map[string]any) []Label {
		s := g.str(base32, 32)
		if g.chance(0.5) {
			u := "otpauth://totp/Example:jdoe?secret=" + s + "&issuer=Example"
			return []Label{lbl(place(g, p, g.pick("qr_payload", "otp_uri", "data"), u), "secret_token", s)}
		}
		return []Label{lbl(place(g, p, g.pick("totp_secret", "mfa_secret", "otp_seed"), s), "secret_token", s)}
	}},
	{"secret in a command flag", func(g *gen, p map[string]any) []Label {
		t := g.mixed(alnum, 32)
		cmd := "deploy-cli push --" + g.pick("api-key", "token", "client-secret", "auth-token") + g.pick(" ", "=") + t + " --env prod"
		return []Label{lbl(place(g, p, g.pick("command", "cmd"), cmd), "secret_token", t)}
	}},

	// --- private keys ---
	{"pem private key", func(g *gen, p map[string]any) []Label {
		k := g.pemKey()
		return []Label{lbl(place(g, p, g.pick("private_key", "key", "content", "attachment", "tls_key"), k), "private_key", k[40:60])}
	}},
	{"pem private key escaped in JSON text", func(g *gen, p map[string]any) []Label {
		k := g.pemKey()
		s := jsonString(map[string]any{"type": "service_account", "private_key": k, "client_email": "svc@example.iam"})
		return []Label{lbl(place(g, p, g.pick("credentials_json", "service_account", "upload"), s), "private_key", k[40:60])}
	}},
	{"wireguard private key", func(g *gen, p map[string]any) []Label {
		k := g.wgKey()
		conf := "[Interface]\nPrivateKey = " + k + "\nAddress = 10.8.0.2/32\nDNS = 1.1.1.1\n\n[Peer]\nPublicKey = " + g.wgKey() + "\nEndpoint = vpn.example.com:51820\nAllowedIPs = 0.0.0.0/0"
		return []Label{lbl(place(g, p, g.pick("config", "wg_conf", "file", "text"), conf), "private_key", k)}
	}},
	{"private jwk", func(g *gen, p map[string]any) []Label {
		d := g.mixed(b64url, 43)
		p["jwk"] = map[string]any{"kty": "EC", "crv": "P-256", "x": g.mixed(b64url, 43), "y": g.mixed(b64url, 43), "d": d}
		return []Label{lbl("jwk.d", "private_key", d)}
	}},
	{"age secret key", func(g *gen, p map[string]any) []Label {
		k := "AGE-SECRET-KEY-1" + g.str("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)
		k = strings.ToUpper(k)
		return []Label{lbl(place(g, p, g.pick("key", "identity", "note"), k), "private_key", k)}
	}},

	// --- payment cards ---
	{"card under a key", func(g *gen, p map[string]any) []Label {
		pan, _ := g.card()
		v := g.pick(pan, group(pan, " "), group(pan, "-"))
		return []Label{lbl(place(g, p, g.pick(cardKeys...), v), "payment_card", v)}
	}},
	{"card under a neutral key", func(g *gen, p map[string]any) []Label {
		pan, _ := g.card()
		v := g.pick(pan, group(pan, " "), group(pan, "-"))
		return []Label{lbl(place(g, p, g.pick("value", "input", "memo", "reference", "field_3"), v), "payment_card", v)}
	}},
	{"card as a JSON number", func(g *gen, p map[string]any) []Label {
		pan, _ := g.card()
		var n json.Number = json.Number(pan)
		return []Label{lbl(place(g, p, g.pick("card", "cc", "number", "cardNumber"), n), "payment_card", pan)}
	}},
	{"card in prose", func(g *gen, p map[string]any) []Label {
		pan, _ := g.card()
		v := g.pick(pan, group(pan, " "), group(pan, "-"))
		m := fmt.Sprintf(g.pick("please charge my card %s exp 04/29", "Kartennummer: %s", "card number is %s thanks", "use %s for the order"), v)
		return []Label{lbl(place(g, p, g.pick("message", "comment", "note"), m), "payment_card", v)}
	}},
	{"card object with cvc", func(g *gen, p map[string]any) []Label {
		pan, _ := g.card()
		cvc := g.digitsN(3)
		p["payment"] = map[string]any{"card": map[string]any{"number": pan, g.pick("cvc", "cvv", "cvv2", "security_code"): cvc, "exp_month": 1 + g.n(12), "exp_year": 2027 + g.n(5)}}
		var ck string
		for k := range p["payment"].(map[string]any)["card"].(map[string]any) {
			if k != "number" && k != "exp_month" && k != "exp_year" {
				ck = k
			}
		}
		return []Label{lbl("payment.card.number", "payment_card", pan), lbl("payment.card."+ck, "payment_card", cvc)}
	}},
	{"card in a field list", func(g *gen, p map[string]any) []Label {
		pan, _ := g.card()
		p["inputs"] = []any{map[string]any{"name": "cardholder", "value": "J DOE"}, map[string]any{"name": g.pick("cc-number", "cardnumber", "card_number"), "value": group(pan, " ")}}
		return []Label{lbl("inputs[].value", "payment_card", group(pan, " "))}
	}},
	{"card in a form body", func(g *gen, p map[string]any) []Label {
		pan, _ := g.card()
		body := "amount=1200&currency=eur&card%5Bnumber%5D=" + pan + "&card%5Bexp%5D=0429"
		return []Label{lbl(place(g, p, g.pick("request_body", "post_body"), body), "payment_card", pan)}
	}},

	// --- national IDs ---
	{"national ID under a key that names it", func(g *gen, p map[string]any) []Label {
		k := idKinds[g.n(len(idKinds))]
		v := k.make(g)
		return []Label{lbl(place(g, p, g.pick(k.keys...), v), "national_id", v)}
	}},
	{"national ID as a JSON number", func(g *gen, p map[string]any) []Label {
		var v string
		var key string
		switch g.n(4) {
		case 0:
			v, key = strings.ReplaceAll(g.ssn(), "-", ""), g.pick(ssnKeys...)
		case 1:
			v, key = g.sin(), "sin"
		case 2:
			v, key = g.bsn(), "bsn"
		default:
			v, key = g.aadhaar(), "aadhaar_number"
		}
		if v[0] == '0' {
			v = "1" + v[1:len(v)-1] + string(luhnDigit("1"+v[1:len(v)-1]))
			key = "sin"
		}
		return []Label{lbl(place(g, p, key, json.Number(v)), "national_id", v)}
	}},
	{"national ID in prose", func(g *gen, p map[string]any) []Label {
		k := idKinds[g.n(len(idKinds))]
		v := k.make(g)
		m := fmt.Sprintf(g.pick("My %s is %s, can you update it?", "%s: %s", "customer gave %s %s over the phone", "Please verify %s %s"), k.word, v)
		return []Label{lbl(place(g, p, g.pick("message", "ticket_body", "comment", "notes"), m), "national_id", v)}
	}},
	{"ID document in name/value pairs", func(g *gen, p map[string]any) []Label {
		k := idKinds[g.n(len(idKinds))]
		v := k.make(g)
		tk := g.pick("type", "document_type", "kind", "id_type", "name")
		vk := g.pick("value", "number", "document_number", "id")
		if tk == "id" || vk == tk {
			vk = "value"
		}
		p["documents"] = []any{map[string]any{tk: g.pick(k.keys...), vk: v}}
		return []Label{lbl("documents[]."+vk, "national_id", v)}
	}},
	{"south african id in prose", func(g *gen, p map[string]any) []Label {
		v := g.zaID()
		m := fmt.Sprintf(g.pick("my ID is %s", "ID number %s attached", "SA ID: %s"), v)
		return []Label{lbl(place(g, p, g.pick("message", "note"), m), "national_id", v)}
	}},

	// --- bank accounts ---
	{"iban under a key", func(g *gen, p map[string]any) []Label {
		v := g.iban()
		if g.chance(0.4) {
			v = groupIBAN(v)
		}
		return []Label{lbl(place(g, p, g.pick(ibanKeys...), v), "bank_account", v)}
	}},
	{"iban under a neutral key or in prose", func(g *gen, p map[string]any) []Label {
		v := g.iban()
		if g.chance(0.5) {
			v = groupIBAN(v)
		}
		if g.chance(0.5) {
			m := "please refund to " + v + " thanks"
			return []Label{lbl(place(g, p, "message", m), "bank_account", v)}
		}
		return []Label{lbl(place(g, p, g.pick("value", "destination", "payout_to"), v), "bank_account", v)}
	}},
	{"uk account with sort code", func(g *gen, p map[string]any) []Label {
		acc := g.digitsN(8)
		p["bank"] = map[string]any{"sort_code": g.sortCode(), g.pick("account_number", "account", "accountNumber", "acct"): acc, "name": "J Doe"}
		var ak string
		for k := range p["bank"].(map[string]any) {
			if k != "sort_code" && k != "name" {
				ak = k
			}
		}
		return []Label{lbl("bank."+ak, "bank_account", acc)}
	}},
	{"us account with routing number", func(g *gen, p map[string]any) []Label {
		acc := g.digitsN(8 + g.n(6))
		p["ach"] = map[string]any{"routing_number": g.aba(), "account_number": acc, "account_type": "checking"}
		return []Label{lbl("ach.account_number", "bank_account", acc)}
	}},
	{"account number under a key", func(g *gen, p map[string]any) []Label {
		acc := g.digitsN(8 + g.n(8))
		return []Label{lbl(place(g, p, g.pick(accountKeys...), acc), "bank_account", acc)}
	}},
	{"account number in prose", func(g *gen, p map[string]any) []Label {
		acc := g.digitsN(8 + g.n(4))
		m := fmt.Sprintf(g.pick("account number %s", "acct # %s", "Kontonummer %s", "my account no. is %s"), acc)
		return []Label{lbl(place(g, p, g.pick("message", "comment"), m), "bank_account", acc)}
	}},

	// --- form values, e-mail, phone ---
	{"autotrack input value", func(g *gen, p map[string]any) []Label {
		v := g.pick("Jane Doe", "42 Elm Street", "hello world", "my order is late")
		p["$elements"] = []any{map[string]any{"tag_name": "input", "attr__type": "text", "attr__name": g.pick("q", "fullname", "address", "comment"), "attr__value": v}, map[string]any{"tag_name": "form"}}
		return []Label{lbl("$elements[].attr__value", "form_value", v)}
	}},
	{"autotrack password input", func(g *gen, p map[string]any) []Label {
		pw := pass(g)
		p["$elements"] = []any{map[string]any{"tag_name": "input", "attr__type": "password", "attr__name": "pw", "attr__value": pw}}
		return []Label{lbl("$elements[].attr__value", "password", pw, "form_value")}
	}},
	{"email", func(g *gen, p map[string]any) []Label {
		e := g.email()
		return []Label{lbl(place(g, p, g.pick("email", "contact", "user_email", "reply_to"), e), "email", e)}
	}},
	{"phone", func(g *gen, p map[string]any) []Label {
		ph := g.phone()
		return []Label{lbl(place(g, p, g.pick("phone", "mobile", "phone_number", "tel"), ph), "phone", ph)}
	}},
}
