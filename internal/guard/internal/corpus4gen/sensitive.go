package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand"
	"strconv"
	"strings"
)

// passwordKeys are the word for password in other languages and scripts.
var passwordKeys = []string{"password", "passwort", "contraseña", "mot_de_passe", "senha", "пароль", "密码", "パスワード",
	"비밀번호", "wachtwoord", "lösenord", "hasło", "şifre", "كلمة_المرور", "סיסמה", "parola_d_ordine", "salasana",
	"adgangskode", "passord", "heslo", "jelszó", "mật_khẩu", "รหัสผ่าน", "kata_sandi", "पासवर्ड", "κωδικός_πρόσβασης", "userPassword", "Passwd"}

// idKind returns a national ID and the key a form would hold it under.
func idKind(r *rand.Rand) (string, string) {
	switch r.Intn(13) {
	case 0:
		return ssn(r), pick(r, "ssn", "social_security_number", "SSN", "socialSecurityNo")
	case 1:
		return nino(r), pick(r, "national_insurance_number", "ni_number", "NINO")
	case 2:
		return bsn(r), pick(r, "bsn", "burgerservicenummer", "BSN-nummer")
	case 3:
		return cpf(r), pick(r, "cpf", "CPF", "número_cpf")
	case 4:
		return dni(r), pick(r, "dni", "nie", "documento_identidad", "DNI/NIE")
	case 5:
		return codiceFiscale(r), pick(r, "codice_fiscale", "codiceFiscale", "CF")
	case 6:
		return aadhaar(r), pick(r, "aadhaar", "aadhaar_number", "आधार_संख्या")
	case 7:
		return personnummer(r), pick(r, "personnummer", "personnr")
	case 8:
		return hetu(r), pick(r, "henkilötunnus", "hetu", "henkilotunnus")
	case 9:
		return sin(r), pick(r, "sin", "social_insurance_number", "numéro_d_assurance_sociale")
	case 10:
		return prcID(r), pick(r, "身份证号", "id_card_no", "shenfenzheng", "居民身份证号码")
	case 11:
		return nir(r), pick(r, "numero_securite_sociale", "nir", "n°_sécu")
	default:
		return pick(r, "C", "X", "E", "K") + randFrom(r, digits, 8), pick(r, "passport_number", "passport_no", "reisepassnummer", "номер_паспорта", "pasaporte")
	}
}

func sensitiveScenarios() []scenario {
	return []scenario{
		{"mobile app-lock PIN", func(r *rand.Rand, e *ev) {
			e.name = pick(r, "App Unlocked", "Passcode Set", "PIN Changed")
			pin := randFrom(r, digits, pick2(r, 4, 6))
			k := pick(r, "passcode", "pin", "app_pin", "unlock_code", "código_pin", "PIN-Code")
			e.p["screen"] = "LockScreen"
			e.p["biometrics_available"] = true
			e.p["app_lock"] = map[string]any{k: pin, "attempt": 1 + r.Intn(3)}
			e.lab("password", "app_lock."+k, pin)
		}},
		{"mobile signup form state", func(r *rand.Rand, e *ev) {
			e.name = "Sign Up Submitted"
			pw, em := password(r), email(r)
			e.p["form"] = map[string]any{"id": "signup", "fields": map[string]any{"email": em, "password": pw, "newsletter": r.Intn(2) == 0}}
			e.lab("password", "form.fields.password", pw)
			e.lab("email", "form.fields.email", em)
		}},
		{"graphql variables nested input", func(r *rand.Rand, e *ev) {
			e.name = "GraphQL Request"
			pw := password(r)
			k := pick(r, "password", "newPassword", "currentPassword", "passwordConfirmation")
			e.p["graphql"] = map[string]any{"operationName": pick(r, "SignIn", "ChangePassword", "ResetPassword"),
				"variables": map[string]any{"input": map[string]any{"login": "user" + strconv.Itoa(r.Intn(999)), k: pw}}}
			e.lab("password", "graphql.variables.input."+k, pw)
		}},
		{"graphql body as a string", func(r *rand.Rand, e *ev) {
			e.name = "API Call Failed"
			if r.Intn(2) == 0 {
				pw := password(r)
				e.p["request_body"] = js(map[string]any{"query": "mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { token } }",
					"variables": map[string]any{"email": "user@example.org", "password": pw}})
				e.lab("password", "request_body", pw)
			} else {
				pan := card(r)
				e.p["request_body"] = js(map[string]any{"query": fmt.Sprintf(`mutation { addPaymentMethod(input: {cardNumber: "%s", expMonth: %d, expYear: %d}) { id } }`, pan, 1+r.Intn(12), 2027+r.Intn(5))})
				e.lab("payment_card", "request_body", pan)
			}
			e.p["status"] = 500
		}},
		{"HTTP request header dump", func(r *rand.Rand, e *ev) {
			e.name = "Network Error"
			var hdr, secret string
			switch r.Intn(4) {
			case 0:
				secret = jwt(r)
				hdr = "Authorization: Bearer " + secret
			case 1:
				secret, _ = token(r)
				hdr = pick(r, "X-Api-Key: ", "x-auth-token: ", "Private-Token: ") + secret
			case 2:
				secret = base64.StdEncoding.EncodeToString([]byte("svc-report:" + password(r)))
				hdr = "Authorization: Basic " + secret
			default:
				secret = randFrom(r, hexLower, 40)
				hdr = "Cookie: locale=en_US; sessionid=" + secret + "; theme=dark"
			}
			e.p["request_headers"] = "GET /api/v2/me HTTP/1.1\r\nHost: api.acme.io\r\nAccept: application/json\r\n" + hdr + "\r\nUser-Agent: AcmeApp/5.2 (iPhone; iOS 18.1)\r\n"
			e.p["status_code"] = 401
			e.lab("secret_token", "request_headers", secret)
		}},
		{"header array of pairs", func(r *rand.Rand, e *ev) {
			e.name = "HTTP Trace"
			tok, _ := token(r)
			pre := pick(r, "Bearer ", "token ", "")
			name := pick(r, "Authorization", "authorization", "X-API-KEY", "Proxy-Authorization")
			e.p["headers"] = []any{[]any{"Accept", "*/*"}, []any{name, pre + tok}, []any{"X-Request-Id", uuid(r)}}
			e.lab("secret_token", "headers[][]", tok)
		}},
		{"session cookie string", func(r *rand.Rand, e *ev) {
			e.name = pick(r, "$pageview", "Page Viewed")
			var name, val string
			switch r.Intn(5) {
			case 0:
				name, val = "sessionid", randFrom(r, lower+digits, 32)
			case 1:
				name, val = "connect.sid", "s%3A"+randFrom(r, alnum+"-_", 32)+"."+randFrom(r, alnum+"%", 43)
			case 2:
				name, val = "PHPSESSID", randFrom(r, lower+digits, 26)
			case 3:
				name, val = "JSESSIONID", randFrom(r, "0123456789ABCDEF", 32)
			default:
				name, val = "laravel_session", "eyJpdiI6"+randFrom(r, alnum, 60)
			}
			e.p[pick(r, "document_cookie", "cookies", "Cookie")] = "_ga=GA1.2." + strconv.Itoa(r.Intn(1e9)) + ".1764000000; " + name + "=" + val + "; cookie_consent=all"
			for k := range e.p {
				if k == "document_cookie" || k == "cookies" || k == "Cookie" {
					e.lab("secret_token", k, val)
				}
			}
		}},
		{"environment dump", func(r *rand.Rand, e *ev) {
			e.name = "Worker Crashed"
			lines := []string{"NODE_ENV=production", "PORT=8080", "LOG_LEVEL=info"}
			switch r.Intn(3) {
			case 0:
				pw := password(r) + "x9"
				pw = strings.NewReplacer("@", "", "/", "", "#", "", "?", "", "%", "").Replace(pw)
				lines = append(lines, "DATABASE_URL=postgres://app_rw:"+pw+"@"+host(r)+":5432/app")
				e.lab("credentials_in_url", "env", pw)
			case 1:
				tok, vendor := token(r)
				lines = append(lines, strings.ToUpper(vendor)+"_"+pick(r, "API_KEY", "TOKEN", "SECRET_KEY")+"="+tok)
				e.lab("secret_token", "env", tok)
			default:
				sec := awsSecret(r)
				lines = append(lines, "AWS_ACCESS_KEY_ID=AKIA"+randFrom(r, upper+"234567", 16), "AWS_SECRET_ACCESS_KEY="+sec)
				e.lab("secret_token", "env", sec)
			}
			lines = append(lines, "TZ=UTC")
			r.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
			e.p["env"] = strings.Join(lines, "\n")
		}},
		{"stack trace with arguments", func(r *rand.Rand, e *ev) {
			e.name = "$exception"
			switch r.Intn(3) {
			case 0:
				pw := password(r)
				e.p["$exception_stack"] = "Traceback (most recent call last):\n  File \"/app/db.py\", line 41, in connect\n    conn = psycopg2.connect(\"host=db user=app password=" + pw + " dbname=prod\")\npsycopg2.OperationalError: FATAL:  password authentication failed for user \"app\""
				e.lab("password", "$exception_stack", pw)
			case 1:
				pan := card(r)
				e.p["$exception_stack"] = "java.lang.IllegalStateException: charge failed for PaymentRequest(cardNumber=" + pan + ", amount=49.90, currency=EUR)\n\tat com.acme.pay.PaymentService.charge(PaymentService.java:88)\n\tat com.acme.pay.CheckoutController.submit(CheckoutController.java:41)"
				e.lab("payment_card", "$exception_stack", pan)
			default:
				tok, _ := token(r)
				e.p["$exception_stack"] = "Error: Request failed with status code 403\n    at createError (node_modules/axios/lib/core/createError.js:16:15)\n    config: { url: 'https://api.vendor.com/v1/sync', headers: { Authorization: 'Bearer " + tok + "' } }"
				e.lab("secret_token", "$exception_stack", tok)
			}
			e.p["$exception_type"] = "Error"
		}},
		{"log line", func(r *rand.Rand, e *ev) {
			e.name = "Log Shipped"
			ts := fmt.Sprintf("2026-11-%02dT%02d:%02d:%02dZ", 1+r.Intn(28), r.Intn(24), r.Intn(60), r.Intn(60))
			switch r.Intn(4) {
			case 0:
				pw := password(r)
				e.p["message"] = ts + " INFO  auth.login attempt user=jdoe password=" + pw + " ip=203.0.113.7"
				e.lab("password", "message", pw)
			case 1:
				tok, _ := token(r)
				e.p["message"] = ts + " DEBUG http.client POST https://api.vendor.com/v1/events api_key=" + tok + " status=200 dur=83ms"
				e.lab("secret_token", "message", tok)
			case 2:
				id, _ := idKind(r)
				e.p["message"] = ts + " WARN  kyc.verify mismatch national_id=" + id + " source=upload"
				e.lab("national_id", "message", id)
			default:
				ib := iban(r)
				e.p["message"] = ts + " INFO  payouts.create beneficiary_iban=" + ib + " amount=1200.00"
				e.lab("bank_account", "message", ib)
			}
		}},
		{"SQL text", func(r *rand.Rand, e *ev) {
			e.name = "Slow Query"
			switch r.Intn(4) {
			case 0:
				pw := password(r)
				pw = strings.ReplaceAll(pw, "'", "")
				e.p["sql"] = pick(r, "ALTER USER app_rw WITH PASSWORD '", "CREATE USER 'report'@'%' IDENTIFIED BY '", "ALTER ROLE analyst PASSWORD '") + pw + "';"
				e.lab("password", "sql", pw)
			case 1:
				pan := card(r)
				e.p["sql"] = "INSERT INTO payments (order_id, card_number, amount) VALUES (" + strconv.Itoa(r.Intn(1e6)) + ", '" + pan + "', 19.99)"
				e.lab("payment_card", "sql", pan)
			case 2:
				s := ssn(r)
				e.p["sql"] = "UPDATE customers SET ssn = '" + s + "' WHERE id = " + strconv.Itoa(r.Intn(1e6))
				e.lab("national_id", "sql", s)
			default:
				ib := iban(r)
				e.p["sql"] = "SELECT * FROM payouts WHERE iban = '" + ib + "' AND status = 'failed'"
				e.lab("bank_account", "sql", ib)
			}
			e.p["duration_ms"] = 1000 + r.Intn(9000)
		}},
		{"YAML in a string", func(r *rand.Rand, e *ev) {
			e.name = "Config Uploaded"
			pw := password(r)
			tok, _ := token(r)
			e.p["config_yaml"] = "database:\n  host: " + host(r) + "\n  port: 5432\n  username: app\n  password: \"" + pw + "\"\nintegrations:\n  vendor:\n    api_key: " + tok + "\n"
			e.lab("password", "config_yaml", pw)
			e.lab("secret_token", "config_yaml", tok)
		}},
		{"TOML in a string", func(r *rand.Rand, e *ev) {
			e.name = "Config Uploaded"
			pw := password(r)
			e.p["config"] = "[server]\nport = 8443\n\n[database]\nuser = \"app\"\npassword = \"" + pw + "\"\npool = 10\n"
			e.lab("password", "config", pw)
		}},
		{"INI in a string", func(r *rand.Rand, e *ev) {
			e.name = "Settings Imported"
			pw := password(r)
			k := pick(r, "pass", "password", "smtp_pass", "Passwort")
			e.p["settings_ini"] = "[smtp]\nhost=smtp.mailhost.net\nport=587\nuser=noreply@acme.io\n" + k + "=" + pw + "\n\n[ui]\ntheme=dark\n"
			e.lab("password", "settings_ini", pw)
		}},
		{"XML in a string", func(r *rand.Rand, e *ev) {
			e.name = "SOAP Fault"
			if r.Intn(2) == 0 {
				pw := strings.NewReplacer("&", "", "<", "").Replace(password(r))
				e.p["envelope"] = "<soap:Envelope><soap:Header><wsse:Security><wsse:UsernameToken><wsse:Username>partner01</wsse:Username><wsse:Password>" + pw + "</wsse:Password></wsse:UsernameToken></wsse:Security></soap:Header></soap:Envelope>"
				e.lab("password", "envelope", pw)
			} else {
				pan := card(r)
				e.p["envelope"] = "<PaymentRequest><Amount currency=\"EUR\">49.90</Amount><Card><Number>" + pan + "</Number><Expiry>" + fmt.Sprintf("%02d/%d", 1+r.Intn(12), 27+r.Intn(5)) + "</Expiry></Card></PaymentRequest>"
				e.lab("payment_card", "envelope", pan)
			}
		}},
		{"CSV in a string", func(r *rand.Rand, e *ev) {
			e.name = "Bulk Import Preview"
			if r.Intn(2) == 0 {
				pan := groupCard(card(r), " ")
				e.p["preview"] = "name,card_number,exp\nA. Novak," + pan + "," + fmt.Sprintf("%02d/%d", 1+r.Intn(12), 27+r.Intn(5)) + "\n"
				e.lab("payment_card", "preview", pan)
			} else {
				id, k := idKind(r)
				e.p["preview"] = "first_name,last_name," + k + "\nLea,Schmidt," + id + "\n"
				e.lab("national_id", "preview", id)
			}
			e.p["rows"] = 1
		}},
		{"form body", func(r *rand.Rand, e *ev) {
			e.name = "Form Posted"
			pw := password(r)
			k := pick(r, "password", "pwd", "pass", "user%5Bpassword%5D", "passwort")
			e.p["body"] = "username=jdoe&" + k + "=" + qesc(pw) + "&remember_me=on&csrf=" + randFrom(r, hexLower, 16)
			e.lab("password", "body", qesc(pw))
		}},
		{"deep nesting", func(r *rand.Rand, e *ev) {
			e.name = "Checkout Step"
			switch r.Intn(3) {
			case 0:
				ib := iban(r)
				e.p["context"] = map[string]any{"customer": map[string]any{"billing": map[string]any{"iban": ib, "holder": "M. Rossi"}}}
				e.lab("bank_account", "context.customer.billing.iban", ib)
			case 1:
				pan := card(r)
				e.p["context"] = map[string]any{"order": map[string]any{"payment": map[string]any{"pan": pan, "brand": "card"}}}
				e.lab("payment_card", "context.order.payment.pan", pan)
			default:
				id, k := idKind(r)
				e.p["context"] = map[string]any{"applicant": map[string]any{"identity": map[string]any{k: id, "country": "XX"}}}
				e.lab("national_id", "context.applicant.identity."+k, id)
			}
		}},
		{"array of name/value objects", func(r *rand.Rand, e *ev) {
			e.name = "Form Snapshot"
			var k, v, class string
			switch r.Intn(4) {
			case 0:
				k, v, class = pick(r, passwordKeys...), password(r), "password"
			case 1:
				k, v, class = pick(r, "cvv", "cvc", "security_code"), randFrom(r, digits, 3), "payment_card"
			case 2:
				v, k = idKind(r)
				class = "national_id"
			default:
				k, v, class = "card_number", card(r), "payment_card"
			}
			kn, vn := pick(r, "name", "key", "field", "k"), pick(r, "value", "val", "v")
			e.p["fields"] = []any{map[string]any{kn: "full_name", vn: "Ana Lima"}, map[string]any{kn: k, vn: v}}
			e.lab(class, "fields[]."+vn, v)
		}},
		{"array of pairs", func(r *rand.Rand, e *ev) {
			e.name = "Params Logged"
			pw := password(r)
			k := pick(r, passwordKeys...)
			e.p["params"] = []any{[]any{"user", "jdoe"}, []any{k, pw}, []any{"lang", "de"}}
			e.lab("password", "params[][]", pw)
		}},
		{"password under a key in another language", func(r *rand.Rand, e *ev) {
			e.name = pick(r, "Login", "Registro", "Anmeldung", "Connexion", "ログイン", "Вход")
			pw := password(r)
			k := pick(r, passwordKeys...)
			e.p[k] = pw
			e.lab("password", k, pw)
		}},
		{"national ID under a local key", func(r *rand.Rand, e *ev) {
			e.name = pick(r, "KYC Submitted", "Profile Updated", "Verificación Enviada")
			id, k := idKind(r)
			e.p["kyc"] = map[string]any{k: id, "document_type": "national_id"}
			e.lab("national_id", "kyc."+k, id)
		}},
		{"secret under a key in another language", func(r *rand.Rand, e *ev) {
			e.name = "Integration Saved"
			tok, _ := token(r)
			k := pick(r, "clé_api", "APIキー", "api_ключ", "chave_api", "geheimer_schlüssel", "clave_secreta", "API密钥", "access_token", "secretKey")
			e.p["integration"] = map[string]any{"provider": "vendor", k: tok}
			e.lab("secret_token", "integration."+k, tok)
		}},
		{"token in a URL query", func(r *rand.Rand, e *ev) {
			e.name = "$pageview"
			tok, _ := token(r)
			k := pick(r, "token", "access_token", "api_key", "key", "auth")
			u := "https://app.acme.io/reset?" + k + "=" + tok + "&utm_source=email"
			e.p["$current_url"] = u
			e.lab("secret_token", "$current_url", tok)
		}},
		{"signed or webhook URL", func(r *rand.Rand, e *ev) {
			e.name = "Export Ready"
			switch r.Intn(3) {
			case 0:
				sig := randFrom(r, hexLower, 64)
				e.p["download_url"] = "https://exports.s3.eu-west-1.amazonaws.com/r/" + uuid(r) + ".csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA" + randFrom(r, upper+"234567", 16) + "%2F20261130%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20261130T120000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=" + sig
				e.lab("secret_token", "download_url", sig)
			case 1:
				s := randFrom(r, alnum, 24)
				e.p["webhook"] = "https://hooks.slack.com/services/T" + randFrom(r, upper+digits, 8) + "/B" + randFrom(r, upper+digits, 10) + "/" + s
				e.lab("secret_token", "webhook", s)
			default:
				s := randFrom(r, alnum+"-_", 68)
				e.p["webhook"] = "https://discord.com/api/webhooks/" + randFrom(r, digits, 18) + "/" + s
				e.lab("secret_token", "webhook", s)
			}
		}},
		{"token in a URL fragment", func(r *rand.Rand, e *ev) {
			e.name = "OAuth Callback"
			t := jwt(r)
			e.p["$current_url"] = "https://app.acme.io/callback#access_token=" + t + "&token_type=Bearer&expires_in=3600"
			e.lab("secret_token", "$current_url", t)
		}},
		{"base64 request body", func(r *rand.Rand, e *ev) {
			e.name = "Request Captured"
			pw := password(r)
			b := base64.StdEncoding.EncodeToString([]byte(js(map[string]any{"username": "jdoe", "password": pw})))
			e.p["body_b64"] = b
			e.lab("password", "body_b64", b)
		}},
		{"JSON in a string", func(r *rand.Rand, e *ev) {
			e.name = "Payment Attempt"
			pan := card(r)
			e.p["payload"] = js(map[string]any{"card": map[string]any{"number": pan, "exp_month": 1 + r.Intn(12), "exp_year": 2028}, "amount": 1999})
			e.lab("payment_card", "payload", pan)
		}},
		{"JSON in a JSON string", func(r *rand.Rand, e *ev) {
			e.name = "Queue Message"
			pw := password(r)
			inner := js(map[string]any{"user": "jdoe", "password": pw})
			e.p["message"] = js(map[string]any{"type": "auth", "data": inner})
			e.lab("password", "message", esc(pw))
		}},
		{"percent-encoded twice in a redirect", func(r *rand.Rand, e *ev) {
			e.name = "Redirect"
			tok, _ := token(r)
			inner := "https://api.partner.com/cb?api_key=" + tok + "&state=" + randFrom(r, alnum, 8)
			enc := qesc(qesc(inner))
			e.p["$current_url"] = "https://login.acme.io/sso?next=" + enc
			e.lab("secret_token", "$current_url", qesc(qesc(tok)))
		}},
		{"value split across fields", func(r *rand.Rand, e *ev) {
			e.name = "Card Entered"
			pan := card(r)
			e.p["card_part_1"] = pan[:8]
			e.p["card_part_2"] = pan[8:]
			e.lab("payment_card", "card_part_1", pan[:8])
			e.lab("payment_card", "card_part_2", pan[8:])
		}},
		{"support chat message", func(r *rand.Rand, e *ev) {
			e.name = pick(r, "Chat Message Sent", "Support Ticket Created")
			switch r.Intn(5) {
			case 0:
				pan := groupCard(card(r), pick(r, " ", "-", ""))
				e.p["message"] = pick(r, "hi, my card ", "Hola, mi tarjeta ", "Hallo, meine Karte ", "Bonjour, ma carte ") + pan + pick(r, " was charged twice", " fue rechazada", " wurde doppelt belastet", " a été débitée deux fois")
				e.lab("payment_card", "message", pan)
			case 1:
				pw := password(r)
				e.p["message"] = pick(r, "my password is ", "Mein Passwort ist ", "mi contraseña es ", "mon mot de passe est ", "我的密码是") + pw + pick(r, ", please reset it", " – bitte zurücksetzen", ", ayuda", "")
				e.lab("password", "message", pw)
			case 2:
				id, _ := idKind(r)
				e.p["message"] = pick(r, "for verification here is my ID number: ", "mi número de documento es ", "vous trouverez mon numéro: ") + id
				e.lab("national_id", "message", id)
			case 3:
				ib := spaced(iban(r))
				e.p["message"] = pick(r, "Please refund to IBAN ", "Bitte überweisen Sie auf ", "Rimborso su IBAN ") + ib + " thanks"
				e.lab("bank_account", "message", ib)
			default:
				em, ph := email(r), phone(r)
				e.p["message"] = "you can reach me at " + em + " or " + ph
				e.lab("email", "message", em)
				e.lab("phone", "message", ph)
			}
			e.p["channel"] = pick(r, "in_app", "whatsapp", "web_widget")
		}},
		{"feedback form", func(r *rand.Rand, e *ev) {
			e.name = "Feedback Submitted"
			acct := randFrom(r, digits, 8)
			e.p["feedback"] = map[string]any{"rating": 1 + r.Intn(2), "comment": "refund never arrived, my account number is " + acct + " sort code " + fmt.Sprintf("%02d-%02d-%02d", r.Intn(100), r.Intn(100), r.Intn(100))}
			e.lab("bank_account", "feedback.comment", acct)
		}},
		{"search query with a pasted value", func(r *rand.Rand, e *ev) {
			e.name = pick(r, "Search", "Searched", "$search")
			k := pick(r, "query", "search_term", "q", "$search_query")
			switch r.Intn(3) {
			case 0:
				pan := card(r)
				e.p[k] = pan
				e.lab("payment_card", k, pan)
			case 1:
				tok, _ := token(r)
				e.p[k] = tok
				e.lab("secret_token", k, tok)
			default:
				s := ssn(r)
				e.p[k] = "ssn " + s
				e.lab("national_id", k, s)
			}
			e.p["results"] = 0
		}},
		{"autocaptured input (element list)", func(r *rand.Rand, e *ev) {
			e.name = "$autocapture"
			v := pick(r, "12 Rue de Rivoli", "Calle Mayor 5, 3ºB", "BLACKFRIDAY25", "Kiefernweg 7", "my dog's name", "Nguyen Van An")
			e.p["$event_type"] = "change"
			e.p["$elements"] = []any{map[string]any{"tag_name": "input", "attr__type": "text", "attr__name": pick(r, "address", "coupon", "answer", "full_name"), "attr__value": v, "nth_child": 2}, map[string]any{"tag_name": "form", "attr__id": "checkout"}}
			e.lab("form_value", "$elements[].attr__value", v)
		}},
		{"autocaptured input (web pixel input_changed)", func(r *rand.Rand, e *ev) {
			// Shopify's Web Pixels API documents input_changed with
			// data.element.{id,name,tagName,type,value}.
			e.name = "input_changed"
			v := pick(r, "4 Privet Drive", "Schmidt & Söhne GmbH", "allergic to peanuts", "Rua Augusta 100", "second floor, ring twice")
			e.p["data"] = map[string]any{"element": map[string]any{"id": "checkout-notes", "name": pick(r, "notes", "address1", "company"), "tagName": "INPUT", "type": "text", "value": v}}
			e.p["seq"] = r.Intn(50)
			e.lab("form_value", "data.element.value", v)
		}},
		{"mobile network breadcrumb", func(r *rand.Rand, e *ev) {
			e.name = "Crash Report"
			pin := randFrom(r, digits, 6)
			e.p["breadcrumbs"] = []any{
				map[string]any{"category": "navigation", "message": "LoginViewController"},
				map[string]any{"category": "http", "message": "POST /v1/session body={\"phone\":\"***\",\"otp\":\"" + pin + "\"}"},
			}
			e.lab("secret_token", "breadcrumbs[].message", pin, "password")
		}},
		{"one-time code", func(r *rand.Rand, e *ev) {
			e.name = pick(r, "2FA Verified", "OTP Entered", "Código Verificado")
			code := randFrom(r, digits, 6)
			k := pick(r, "otp", "verification_code", "2fa_code", "totp", "código_de_verificación", "確認コード", "sms_code", "mfa_code")
			e.p[k] = code
			e.lab("secret_token", k, code, "password")
		}},
		{"TOTP seed in an otpauth URL", func(r *rand.Rand, e *ev) {
			e.name = "MFA Enrolled"
			seed := randFrom(r, b32, 32)
			e.p["qr_payload"] = "otpauth://totp/Acme:jdoe?secret=" + seed + "&issuer=Acme&algorithm=SHA1&digits=6"
			e.lab("secret_token", "qr_payload", seed)
		}},
		{"private key in a property", func(r *rand.Rand, e *ev) {
			e.name = "Key Uploaded"
			k := privateKey(r)
			name := pick(r, "key", "ssh_key", "pem", "deploy_key", "certificate_bundle", "clave_privada")
			e.p[name] = k
			e.lab("private_key", name, k)
		}},
		{"private key in stringified JSON", func(r *rand.Rand, e *ev) {
			e.name = "Service Account Added"
			k := privateKey(r)
			e.p["credentials_json"] = js(map[string]any{"type": "service_account", "project_id": "acme-prod", "private_key_id": randFrom(r, hexLower, 40), "private_key": k, "client_email": "svc@acme-prod.iam.gserviceaccount.com"})
			e.lab("private_key", "credentials_json", esc(k))
		}},
		{"private key base64 in a Kubernetes secret", func(r *rand.Rand, e *ev) {
			e.name = "Manifest Applied"
			k := base64.StdEncoding.EncodeToString([]byte(privateKey(r)))
			e.p["manifest"] = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls-prod\ntype: kubernetes.io/tls\ndata:\n  tls.crt: " + b64(r, 60) + "\n  tls.key: " + k + "\n"
			e.lab("private_key", "manifest", k)
		}},
		{"private JWK members", func(r *rand.Rand, e *ev) {
			e.name = "JWKS Debug"
			d := b64url(r, 32)
			e.p["jwk"] = map[string]any{"kty": "EC", "crv": "P-256", "x": b64url(r, 32), "y": b64url(r, 32), "d": d, "kid": randFrom(r, hexLower, 8)}
			e.lab("private_key", "jwk.d", d)
		}},
		{"credentials in a connection URL", func(r *rand.Rand, e *ev) {
			e.name = "Connection Tested"
			pw := strings.NewReplacer("@", "", "/", "", "#", "", "?", "", "%", "", ":", "").Replace(password(r)) + "Q7"
			u := pick(r, "postgres://report:", "mysql://root:", "mongodb+srv://admin:", "redis://:", "amqp://guest:", "https://deploy:", "ftp://upload:") + pw + "@" + host(r) + pick(r, ":5432/app", "/admin", ":6379/0", "")
			k := pick(r, "dsn", "db_url", "connection_string", "$referrer", "mirror")
			e.p[k] = u
			e.lab("credentials_in_url", k, pw)
		}},
		{"token as git remote userinfo", func(r *rand.Rand, e *ev) {
			e.name = "Repo Linked"
			tok := pick(r, "ghp_"+randFrom(r, alnum, 36), "glpat-"+randFrom(r, alnum, 20))
			e.p["remote"] = "https://oauth2:" + tok + "@git.example.com/acme/api.git"
			e.lab("credentials_in_url", "remote", tok, "secret_token")
		}},
		{"account number next to a routing number", func(r *rand.Rand, e *ev) {
			e.name = "Payout Method Added"
			acct := randFrom(r, digits, 8+r.Intn(5))
			k := pick(r, "account_number", "numéro_de_compte", "Kontonummer", "rekeningnummer", "número_de_cuenta", "номер_счета", "口座番号", "accountNo")
			e.p["bank"] = map[string]any{"routing_number": aba(r), k: acct, "type": "checking"}
			e.lab("bank_account", "bank."+k, acct)
		}},
		{"IBAN in prose", func(r *rand.Rand, e *ev) {
			e.name = "Invoice Note Saved"
			ib := iban(r)
			if r.Intn(2) == 0 {
				ib = spaced(ib)
			}
			e.p["note"] = pick(r, "Bitte überweisen Sie den Betrag auf ", "Please pay to ", "Veuillez virer sur ", "Por favor transfiera a ") + ib + pick(r, " bis zum 15.", " by Friday", ".", " antes del lunes")
			e.lab("bank_account", "note", ib)
		}},
		{"card with CVV and expiry", func(r *rand.Rand, e *ev) {
			e.name = "Card Added"
			pan, cvv, exp := card(r), randFrom(r, digits, 3), fmt.Sprintf("%02d/%02d", 1+r.Intn(12), 27+r.Intn(5))
			e.p["payment"] = map[string]any{"card_number": groupCard(pan, " "), "cvv": cvv, "exp": exp, "holder": "J DOE"}
			e.lab("payment_card", "payment.card_number", groupCard(pan, " "))
			e.lab("payment_card", "payment.cvv", cvv)
			e.lab("payment_card", "payment.exp", exp)
		}},
		{"card as a JSON number", func(r *rand.Rand, e *ev) {
			e.name = "Checkout Error"
			pan := card(r)
			var n json.Number = json.Number(pan)
			e.p["cc"] = n
			e.lab("payment_card", "cc", pan)
		}},
		{"contact details", func(r *rand.Rand, e *ev) {
			e.name = "Contact Saved"
			em, ph := email(r), phone(r)
			ek, pk := pick(r, "email", "correo", "e-mail", "メール"), pick(r, "phone", "teléfono", "telefon", "手机号")
			e.p["contact"] = map[string]any{ek: em, pk: ph}
			e.lab("email", "contact."+ek, em)
			e.lab("phone", "contact."+pk, ph)
		}},
		{"command line", func(r *rand.Rand, e *ev) {
			e.name = "Command Run"
			switch r.Intn(3) {
			case 0:
				tok, _ := token(r)
				e.p["cmd"] = "curl -s -H 'Authorization: Bearer " + tok + "' https://api.vendor.com/v1/me"
				e.lab("secret_token", "cmd", tok)
			case 1:
				pw := strings.NewReplacer("'", "", " ", "").Replace(password(r))
				e.p["cmd"] = "mysql -u root -p" + pw + " -h " + host(r) + " shop"
				e.lab("password", "cmd", pw)
			default:
				pw := strings.NewReplacer("'", "", " ", "").Replace(password(r))
				e.p["cmd"] = "docker login -u ci-bot -p " + pw + " registry.acme.io"
				e.lab("password", "cmd", pw)
			}
		}},
		{"mobile object description", func(r *rand.Rand, e *ev) {
			// How Android's Bundle, Kotlin data classes, Foundation's
			// NSDictionary and Swift structs print themselves in logs.
			e.name = pick(r, "Debug Log", "Screen Error")
			pw := strings.NewReplacer(",", "", ";", "", ")", "", "}", "", "\"", "").Replace(password(r))
			tok, _ := token(r)
			var text, v, class string
			switch r.Intn(5) {
			case 0:
				text, v, class = "Bundle[{user=jdoe, auth_token="+tok+", screen=Login}]", tok, "secret_token"
			case 1:
				text, v, class = "LoginRequest(username=jdoe, password="+pw+", rememberMe=true)", pw, "password"
			case 2:
				text, v, class = "{\n    password = \""+pw+"\";\n    username = jdoe;\n}", pw, "password"
			case 3:
				text, v, class = "LoginRequest(username: \"jdoe\", password: \""+pw+"\")", pw, "password"
			default:
				text, v, class = "Intent { act=android.intent.action.VIEW dat=acme://auth/callback?code=ok extras={api_key="+tok+"} }", tok, "secret_token"
			}
			e.p["log"] = text
			e.lab(class, "log", v)
		}},
		{"Segment or RudderStack context traits", func(r *rand.Rand, e *ev) {
			// Segment's and RudderStack's spec: identify traits travel in
			// context.traits; forwarded whole, they carry what the form had.
			e.name = "Order Completed"
			em, pw := email(r), password(r)
			e.p["context"] = map[string]any{"library": map[string]any{"name": pick(r, "analytics.js", "rudder-sdk-js"), "version": "2.1.0"}, "traits": map[string]any{"email": em, "password": pw, "plan": "pro"}}
			e.lab("email", "context.traits.email", em)
			e.lab("password", "context.traits.password", pw)
		}},
		{"custom-scheme deep link", func(r *rand.Rand, e *ev) {
			e.name = "Deep Link Opened"
			tok := pick(r, jwt(r), randFrom(r, alnum, 40))
			e.p["url"] = pick(r, "acme://", "fb123456789://", "com.acme.app://") + "auth/magic?" + pick(r, "token", "login_token", "magic") + "=" + tok + "&source=email"
			e.lab("secret_token", "url", tok)
		}},
		{"secret as an object key", func(r *rand.Rand, e *ev) {
			e.name = "Keys Listed"
			tok, _ := token(r)
			e.p["active_keys"] = map[string]any{tok: "active", "key_" + randFrom(r, alnum, 6): "revoked"}
			e.lab("secret_token", "", tok)
		}},
	}
}
