package main

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Class names, as docs/GUARD.md spells them.
const (
	password   = "password"
	card       = "payment_card"
	nationalID = "national_id"
	bank       = "bank_account"
	secret     = "secret_token"
	privateKey = "private_key"
	credsInURL = "credentials_in_url"
	formValue  = "form_value"
	email      = "email"
	phone      = "phone"
)

func sensitiveScenarios() []scenario {
	var out []scenario
	for _, group := range [][]scenario{passwordScenarios(), cardScenarios(), nationalIDScenarios(),
		bankScenarios(), secretScenarios(), privateKeyScenarios(), urlCredScenarios(), formScenarios(), contactScenarios()} {
		out = append(out, group...)
	}
	return out
}

// passwordKeys: how applications name a password field, in many
// spellings and languages.
var passwordKeys = []string{
	"password", "Password", "PASSWORD", "passwd", "pwd", "pass", "pass_word", "userPassword", "user_password",
	"loginPassword", "login_pass", "admin_pass", "dbPassword", "db_password", "smtp_pass", "SMTP_PASSWORD",
	"mysql_root_password", "wifi_password", "keystore_pass", "passphrase", "confirm_password", "confirmPassword",
	"new_password", "newPassword2", "password_confirmation", "current_password", "old_pw", "pw", "pword",
	"contraseña", "contrasena", "clave", "Passwort", "passwort_neu", "Kennwort", "mot_de_passe", "motDePasse", "mdp",
	"senha", "nova_senha", "wachtwoord", "hasło", "haslo", "пароль", "parol", "パスワード", "密码", "密碼",
	"비밀번호", "parola", "parola_d_ordine", "lösenord", "losenord", "salasana", "şifre", "sifre", "mật_khẩu",
	"kata_sandi", "sandi", "סיסמה", "كلمة_المرور", "passord", "adgangskode", "heslo", "jelszó", "κωδικός", "पासवर्ड",
}

func passwordScenarios() []scenario {
	return []scenario{
		{"password under a password key", 12, func(s *g) {
			s.ev.name = pick(s, []string{"Sign Up", "login_submitted", "Account Created", "form_submit", "Password Changed"})
			k := pick(s, passwordKeys)
			pw := s.password(true)
			s.put("username", s.username())
			s.put(k, pw)
			s.put("remember_me", s.chance(50))
			s.label(k, password, pw)
		}},
		{"password nested in an object", 6, func(s *g) {
			s.ev.name = "api_request"
			pw := s.password(true)
			parent := pick(s, []string{"credentials", "auth", "login", "user", "body", "datos"})
			k := pick(s, passwordKeys)
			s.put(parent, o("login", s.username(), k, pw, "client", "web"))
			s.label(parent+"."+k, password, pw)
		}},
		{"password deeply nested in an array of objects", 4, func(s *g) {
			s.ev.name = "batch_sync"
			pw := s.password(true)
			k := pick(s, passwordKeys)
			s.put("accounts", []any{o("id", 1, "smtp", o("host", "mail.example.net", "port", 587, k, pw))})
			s.label("accounts[].smtp."+k, password, pw)
		}},
		{"password in an array of name/value pairs", 12, func(s *g) {
			s.ev.name = pick(s, []string{"form_submitted", "Form Submit", "step_completed"})
			pw := s.password(true)
			nameKey := pick(s, []string{"name", "label", "type", "field", "id", "key", "fieldName"})
			valKey := pick(s, []string{"value", "value", "val", "text", "input", "answer"})
			hint := pick(s, []string{"password", "Password", "pass", "pwd", "pin", "passcode", "Contraseña", "Passwort", "current-password", "new_password"})
			value := any(pw)
			if hint == "pin" || hint == "passcode" {
				pw = s.digits(4 + s.r.IntN(3))
				value = pw
			}
			s.put("fields", []any{
				o(nameKey, "username", valKey, s.username()),
				o(nameKey, hint, valKey, value),
				o(nameKey, "remember", valKey, "on"),
			})
			s.label("fields[]."+valKey, password, pw)
		}},
		{"password in form entries as pairs of strings", 4, func(s *g) {
			s.ev.name = "form_submitted"
			pw := s.password(true)
			s.put("entries", []any{[]any{"username", s.username()}, []any{pick(s, []string{"password", "pass", "Passwort", "pin"}), pw}})
			s.label("entries[][]", password, pw)
		}},
		{"password in a form library's field state", 5, func(s *g) {
			s.ev.name = pick(s, []string{"form_state_changed", "validation_failed"})
			pw := s.password(true)
			k := pick(s, passwordKeys)
			s.put("values", o("username", o("value", s.username(), "touched", true), k, o("value", pw, "touched", true, "error", nil)))
			s.label("values."+k+".value", password, pw)
		}},
		{"password in percent-encoded JSON in a URL", 3, func(s *g) {
			s.ev.name = "$pageview"
			pw := s.password(false)
			state := url.QueryEscape(jsonText(o("u", s.username(), "password", pw)))
			s.put("$current_url", "https://"+pick(s, hosts)+"/sso/return?state="+state+"&lang=en")
			s.label("$current_url", password, url.QueryEscape(pw), secret)
		}},
		{"password in a form-encoded body", 8, func(s *g) {
			s.ev.name = pick(s, []string{"http_request", "request_failed", "api_call"})
			pw := s.password(true)
			k := pick(s, []string{"password", "pass", "pwd", "user[password]", "session[password]", "j_password", "passwd"})
			body := "username=" + formEscape(s.username()) + "&" + formEscape(k) + "=" + formEscape(pw) + "&remember=1"
			if s.chance(30) {
				body = "_csrf_ignored=1&" + body
			}
			bk := pick(s, []string{"request_body", "body", "postData", "payload", "form_data"})
			s.put("method", "POST")
			s.put("path", pick(s, []string{"/login", "/session", "/auth/signin", "/wp-login.php"}))
			s.put(bk, body)
			s.label(bk, password, formEscape(pw))
		}},
		{"password in stringified JSON", 8, func(s *g) {
			s.ev.name = pick(s, []string{"api_request", "request_logged", "Network Error"})
			pw := s.password(true)
			k := pick(s, passwordKeys)
			inner := o("email_or_username", s.username(), k, pw, "device", "web")
			if s.chance(40) {
				inner = o("user", o("login", s.username(), k, pw))
			}
			bk := pick(s, []string{"request_body", "body", "payload", "data", "json"})
			s.put(bk, jsonText(inner))
			s.label(bk, password, jsonInner(pw))
		}},
		{"password in JSON inside JSON inside a string", 3, func(s *g) {
			s.ev.name = "queue_message"
			pw := s.password(false)
			inner := jsonText(o("event", "user.created", "data", jsonText(o("username", s.username(), "password", pw))))
			s.put("message", inner)
			s.label("message", password, jsonInner(jsonInner(pw)))
		}},
		{"password in GraphQL variables", 7, func(s *g) {
			s.ev.name = "graphql_request"
			pw := s.password(true)
			op := pick(s, []string{"SignIn", "Register", "ChangePassword", "ResetPassword"})
			vk := pick(s, []string{"password", "newPassword", "pass", "secret"})
			q := fmt.Sprintf("mutation %s($login: String!, $%s: String!) { %s(login: $login, %s: $%s) { ok token } }", op, vk, strings.ToLower(op[:1])+op[1:], vk, vk)
			if s.chance(50) {
				s.put("graphql", o("operationName", op, "query", q, "variables", o("login", s.username(), vk, pw)))
				s.label("graphql.variables."+vk, password, pw)
			} else {
				s.put("request_body", jsonText(o("operationName", op, "variables", o("input", o("login", s.username(), vk, pw)), "query", q)))
				s.label("request_body", password, jsonInner(pw))
			}
		}},
		{"password in a HAR entry", 4, func(s *g) {
			s.ev.name = "har_captured"
			pw := s.password(true)
			user := s.username()
			// A HAR is deeper than Mixpanel's nesting limit: it travels as text.
			s.put("har", jsonText(o("log", o("version", "1.2", "entries", []any{o(
				"startedDateTime", "2026-11-20T10:11:12.345Z",
				"request", o("method", "POST", "url", "https://"+pick(s, hosts)+"/api/login", "httpVersion", "HTTP/2",
					"headers", []any{o("name", "content-type", "value", "application/x-www-form-urlencoded")},
					"postData", o("mimeType", "application/x-www-form-urlencoded",
						"text", "login="+formEscape(user)+"&password="+formEscape(pw),
						"params", []any{o("name", "login", "value", user), o("name", "password", "value", pw)})),
				"response", o("status", 302, "statusText", "Found"))}))))
			s.label("har", password, jsonInner(formEscape(pw)))
			s.label("har", password, jsonInner(pw))
		}},
		{"password on a command line", 12, func(s *g) {
			s.ev.name = pick(s, []string{"command_executed", "job_failed", "shell_history", "task_run"})
			pw := s.password(false)
			for strings.ContainsAny(pw, "'$!&*?^~") {
				pw = s.password(false)
			}
			host := pick(s, []string{"db1.internal", "10.0.3.12", "prod-mysql", "localhost"})
			user := pick(s, []string{"root", "admin", "app", "deploy", s.username()})
			cmds := []string{
				"mysql -h " + host + " -u " + user + " -p" + pw + " orders",
				"mysqldump --user=" + user + " --password=" + pw + " --all-databases",
				"mysql -u" + user + " --password " + pw + " -e 'show tables'",
				"curl -u " + user + ":" + pw + " https://api.internal/v1/export",
				"sshpass -p '" + pw + "' ssh " + user + "@" + host,
				"PGPASSWORD=" + pw + " psql -h " + host + " -U " + user + " analytics",
				"docker login -u " + user + " -p " + pw + " registry.example.com",
				"redis-cli -h " + host + " -a " + pw + " info",
				"htpasswd -b /etc/nginx/.htpasswd " + user + " " + pw,
				"mongosh --username " + user + " --password " + pw + " --host " + host,
				"net use Z: \\\\fileserver\\share /user:CORP\\" + user + " " + pw,
				"openssl pkcs12 -export -in cert.pem -inkey key.pem -out bundle.p12 -passout pass:" + pw,
				"rabbitmqctl add_user " + user + " " + pw,
				"wget --user=" + user + " --password=" + pw + " https://files.internal/backup.tgz",
			}
			c := pick(s, cmds)
			switch s.r.IntN(4) {
			case 0:
				args := strings.Fields(c)
				s.put("argv", toAny(args))
				s.label("argv[]", password, pw)
			case 1:
				msg := "Command failed with exit code 1: " + c
				s.put("error", o("message", msg, "code", "E_EXEC"))
				s.label("error.message", password, pw)
			default:
				k := pick(s, []string{"command", "cmd", "cmdline", "command_line", "script"})
				s.put(k, c)
				s.label(k, password, pw)
			}
		}},
		{"password in a config file", 10, func(s *g) {
			s.ev.name = pick(s, []string{"config_uploaded", "file_saved", "deploy_started", "paste_created"})
			pw := s.password(false)
			user := pick(s, []string{"app", "admin", "svc_report"})
			files := []string{
				"DB_HOST=db.internal\nDB_USER=" + user + "\nDB_PASSWORD=" + pw + "\nLOG_LEVEL=info\n",
				"database:\n  host: db.internal\n  username: " + user + "\n  password: " + pw + "\n  pool: 10\n",
				"[database]\nhost = db.internal\nuser = " + user + "\npassword = " + pw + "\n",
				"spring.datasource.url=jdbc:postgresql://db:5432/app\nspring.datasource.username=" + user + "\nspring.datasource.password=" + pw + "\n",
				"<connection>\n  <user>" + user + "</user>\n  <password>" + pw + "</password>\n</connection>\n",
				"Server=tcp:sql.internal,1433;Database=sales;User ID=" + user + ";Password=" + pw + ";Encrypt=True;",
				"db.internal:5432:analytics:" + user + ":" + pw + "\n",
				"machine api.example.com login " + user + " password " + pw + "\n",
				"[client]\nuser=" + user + "\npassword=\"" + pw + "\"\n",
				"services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: " + user + "\n      POSTGRES_PASSWORD: " + pw + "\n",
				"{\n  \"smtp\": {\n    \"host\": \"smtp.example.com\",\n    \"user\": \"" + user + "\",\n    \"pass\": \"" + pw + "\"\n  }\n}\n",
				"[wifi]\nssid=Office-5G\npsk=" + pw + "\n",
			}
			k := pick(s, []string{"content", "file_content", "config", "text", "snippet", "body"})
			s.put("filename", pick(s, []string{".env", "config.yml", "app.ini", "application.properties", "settings.xml", "conn.txt", ".pgpass", ".netrc", "my.cnf", "docker-compose.yml", "config.json", "wpa.conf"}))
			s.put(k, pick(s, files))
			s.label(k, password, pw)
		}},
		{"password in a log line", 8, func(s *g) {
			s.ev.name = pick(s, []string{"log_line", "server_log", "debug_log"})
			pw := s.password(false)
			lines := []string{
				`level=error ts=2026-11-21T08:12:44Z msg="login failed" user=` + s.username() + ` password=` + pw + ` ip=10.2.3.4`,
				`2026-11-21 08:12:44,120 DEBUG auth: authenticate(username='` + s.username() + `', password='` + pw + `')`,
				`{"level":"warn","msg":"retrying SMTP auth","user":"mailer","pass":"` + pw + `"}`,
				`INFO  [http-nio-8080-exec-3] LoginController - params={username=` + s.username() + `, password=` + pw + `}`,
				`Started POST "/users/sign_in" Parameters: {"user"=>{"email"=>"[FILTERED]", "password"=>"` + pw + `"}}`,
			}
			k := pick(s, []string{"line", "log", "message", "msg"})
			s.put(k, pick(s, lines))
			s.label(k, password, pw)
		}},
		{"password in a stack trace or error", 8, func(s *g) {
			s.ev.name = pick(s, []string{"$exception", "Error", "unhandled_rejection"})
			pw := s.password(false)
			traces := []string{
				"Traceback (most recent call last):\n  File \"app/auth.py\", line 88, in login\n    conn = connect(user='app', password='" + pw + "')\nOperationalError: FATAL: password authentication failed for user \"app\"",
				"AuthError: invalid credentials {\"user\":\"" + s.username() + "\",\"password\":\"" + pw + "\"}\n    at login (/srv/app/auth.js:42:11)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
				"java.sql.SQLException: Access denied for user 'app'@'10.0.0.4' (using password: YES) [url=jdbc:mysql://db/app?user=app&password=" + pw + "]\n\tat com.mysql.cj.jdbc.ConnectionImpl.createNewIO(ConnectionImpl.java:836)",
				"panic: dial failed: config {Host:db User:app Password:" + pw + " DB:app}\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/main.go:31 +0x1d",
			}
			if s.chance(50) {
				s.put("$exception_message", pick(s, traces))
				s.put("$exception_type", "Error")
				s.label("$exception_message", password, pw)
			} else {
				s.put("$exception_list", []any{o("type", "Error", "value", pick(s, traces), "mechanism", o("handled", false))})
				s.label("$exception_list[].value", password, pw)
			}
		}},
		{"password in prose", 10, func(s *g) {
			s.ev.name = pick(s, []string{"support_message", "feedback_submitted", "chat_message", "search"})
			pw := s.password(false)
			texts := []string{
				"hi, I can't log in. my password is " + pw + " and it says invalid",
				"Password: " + pw + " (please change it after first login)",
				"new hire account created, temp password " + pw + " expires friday",
				"mi contraseña es " + pw + " pero no funciona",
				"mein Passwort ist " + pw + ", bitte helfen",
				"mon mot de passe est " + pw + " merci",
				"minha senha é " + pw,
				"мой пароль " + pw + " не подходит",
				"我的密码是 " + pw,
				"login: " + s.username() + " / pass: " + pw,
				"wifi pw = " + pw,
			}
			k := pick(s, []string{"message", "text", "body", "comment", "query", "content"})
			s.put(k, pick(s, texts))
			s.label(k, password, pw)
		}},
		{"answer to a security question", 8, func(s *g) {
			s.ev.name = pick(s, []string{"security_questions_set", "account_recovery", "Profile Updated"})
			ans := pick(s, []string{"rex", "fluffy", "springfield", "mrs henderson", "blue ford escort", "lighthouse", "pizza margherita", "grandma rose"}) + pick(s, []string{"", "", strconv.Itoa(s.r.IntN(99))})
			switch s.r.IntN(4) {
			case 0:
				k := pick(s, []string{"security_answer", "secret_answer", "securityAnswer", "memorable_word", "memorableWord", "recovery_answer", "secret_question_answer", "respuesta_secreta", "sicherheitsantwort"})
				s.put("question_id", 3)
				s.put(k, ans)
				s.label(k, password, ans)
			case 1:
				s.put("security_questions", []any{o("question", "What was the name of your first pet?", "answer", ans)})
				s.label("security_questions[].answer", password, ans)
			case 2:
				s.put("recovery", o("memorable_word", ans, "hint", "childhood"))
				s.label("recovery.memorable_word", password, ans)
			default:
				s.put("fields", []any{o("name", "security_answer", "value", ans)})
				s.label("fields[].value", password, ans)
			}
		}},
		{"PIN under a PIN key", 7, func(s *g) {
			s.ev.name = pick(s, []string{"pin_set", "card_activated", "wallet_unlock", "atm_session"})
			pin := s.digits(4 + 2*s.r.IntN(2))
			k := pick(s, []string{"pin", "PIN", "card_pin", "atm_pin", "wallet_pin", "passcode", "unlock_code", "pin_code", "new_pin", "PIN-Nummer", "code_pin"})
			if s.chance(30) && pin[0] != '0' {
				s.put(k, Num(pin))
			} else {
				s.put(k, pin)
			}
			s.put("attempt", 1+s.r.IntN(3))
			s.label(k, password, pin)
		}},
		{"one-time code under its key", 7, func(s *g) {
			s.ev.name = pick(s, []string{"2fa_submitted", "otp_verified", "login_step"})
			code := s.digits(6)
			k := pick(s, []string{"otp", "otp_code", "verification_code", "2fa_code", "mfa_code", "totp", "one_time_password", "sms_code", "auth_code", "codigo_verificacion", "Bestätigungscode"})
			s.put("method", pick(s, []string{"sms", "totp", "email"}))
			s.put(k, code)
			s.label(k, password, code, secret)
		}},
		{"password input captured by autotrack", 10, func(s *g) {
			s.ev.name = pick(s, []string{"$autocapture", "$web_event", "$mp_click", "$mp_input_change"})
			pw := s.password(true)
			switch s.r.IntN(4) {
			case 0: // mixpanel Autotrack 2017
				s.put("$event_type", "change")
				s.put("$elements", []any{
					o("tag_name", "input", "attr__type", "password", "attr__name", pick(s, []string{"password", "pwd", "login[password]"}), "attr__value", pw, "nth_child", 2, "nth_of_type", 1, "classes", []any{"form-control"}),
					o("tag_name", "form", "attr__action", "/login", "nth_child", 1, "nth_of_type", 1),
				})
				s.label("$elements[].attr__value", password, pw, formValue)
			case 1: // PostHog $elements with attributes
				s.put("$event_type", "change")
				s.put("$elements", []any{o("tag_name", "input", "$el_text", "", "attributes", o("attr__type", "password", "attr__id", "pass", "attr__value", pw), "nth_child", 3, "nth_of_type", 2, "order", 0)})
				s.label("$elements[].attributes.attr__value", password, pw, formValue)
			case 2: // PostHog chain
				s.put("$event_type", "change")
				s.put("$elements_chain", `input.input-lg:attr__id="pwd"attr__type="password"attr__value="`+pw+`"nth-child="2"nth-of-type="1";form.login:attr__class="login"nth-child="1"nth-of-type="1";body:nth-child="2"nth-of-type="1"`)
				s.label("$elements_chain", password, pw, formValue)
			default: // a "show password" toggle flipped the type to text
				s.put("$event_type", "change")
				s.put("$elements", []any{o("tag_name", "input", "attr__type", "text", "attr__name", "password", "attr__autocomplete", "current-password", "attr__value", pw, "nth_child", 2, "nth_of_type", 1)})
				s.label("$elements[].attr__value", password, pw, formValue)
			}
		}},
		{"revealed password in element text", 6, func(s *g) {
			s.ev.name = pick(s, []string{"$mp_click", "$autocapture"})
			pw := s.password(false)
			if s.chance(50) {
				s.put("$el_tag_name", "span")
				s.put("$el_classes", []any{"password-reveal", "mono"})
				s.put("$el_attr__data-testid", "revealed-password")
				s.put("$el_text", pw)
				s.label("$el_text", password, pw)
			} else {
				s.put("$elements", []any{
					o("tag_name", "code", "$el_text", pw, "attr__class", "generated-password", "nth_child", 1, "nth_of_type", 1),
					o("tag_name", "div", "attr__class", "password-field revealed", "nth_child", 2, "nth_of_type", 1),
				})
				s.label("$elements[].$el_text", password, pw)
			}
		}},
		{"password in a URL query", 6, func(s *g) {
			s.ev.name = "$pageview"
			pw := s.password(false)
			k := pick(s, []string{"password", "pwd", "pass", "passwd", "senha", "contrasena"})
			u := "https://" + pick(s, hosts) + "/login?user=" + s.username() + "&" + k + "=" + url.QueryEscape(pw) + "&next=%2Fdashboard"
			pk := pick(s, []string{"$current_url", "url", "redirect_uri"})
			s.put(pk, u)
			s.label(pk, password, url.QueryEscape(pw), credsInURL, secret)
		}},
		{"password in a base64 body", 4, func(s *g) {
			s.ev.name = "request_captured"
			pw := s.password(true)
			raw := jsonText(o("username", s.username(), "password", pw))
			if s.chance(50) {
				raw = "username=" + s.username() + "&password=" + formEscape(pw)
			}
			b := base64.StdEncoding.EncodeToString([]byte(raw))
			s.put("body_base64", b)
			s.label("body_base64", password, b)
		}},
		{"docker registry auth", 3, func(s *g) {
			s.ev.name = "config_uploaded"
			pw := s.password(false)
			auth := base64.StdEncoding.EncodeToString([]byte(s.username() + ":" + pw))
			s.put("content", jsonText(o("auths", o("registry.example.com", o("auth", auth)))))
			s.label("content", password, auth, secret)
		}},
	}
}

func toAny(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
