package main

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
)

func sensitiveScenarios() []scenario {
	var s []scenario
	// National identifiers: KYC, HR onboarding, healthcare intake, under
	// keys that name them, in prose and in nested forms.
	kinds := idKinds()
	for range 10 {
		s = append(s, scenario{"kyc_id", func(g *gen, p map[string]any) {
			k := kinds[g.r.Intn(len(kinds))]
			g.cur.Scenario = "kyc_id_" + k.name
			v := k.make(g)
			key := g.pick(k.keys...)
			switch g.r.Intn(4) {
			case 0:
				g.name("KYC Document Submitted")
				p["country"] = k.country
				p["document_type"] = k.doc
				p[key] = g.label("national_id", key, v)
				p["kyc_step"] = "identity"
			case 1:
				g.name("Onboarding Step Completed")
				p["step"] = "tax_details"
				p["employee"] = map[string]any{"department": g.pick("finance", "ops", "support"), "start_date": "2026-12-01", "tax": map[string]any{key: v}}
				g.label("national_id", "employee.tax."+key, v)
			case 2:
				g.name("Patient Intake Saved")
				p["form"] = "intake_v3"
				p["fields"] = []any{map[string]any{"name": "first_visit", "value": "yes"}, map[string]any{"name": key, "value": v}, map[string]any{"name": "allergies", "value": "none"}}
				g.label("national_id", "fields[].value", v)
			default:
				g.name("Form Field Changed")
				p["field_name"] = key
				p["field_value"] = g.label("national_id", "field_value", v)
				p["form_id"] = "kyc-" + k.country
			}
		}})
	}
	s = append(s,
		scenario{"id_in_support_chat", func(g *gen, p map[string]any) {
			ks := idKinds()
			k := ks[g.r.Intn(len(ks))]
			v := k.make(g)
			tpl := map[string]string{
				"aadhaar":         "मेरा आधार नंबर %s है, कृपया KYC अपडेट करें",
				"cpf":             "Olá, meu CPF é %s e não consigo finalizar o cadastro",
				"prc_resident_id": "您好，我的身份证号是%s，实名认证一直失败",
				"korea_rrn":       "주민등록번호 %s 입력했는데 인증이 안 돼요",
				"my_number":       "マイナンバーは %s です。確認をお願いします",
				"tc_kimlik":       "Merhaba, TC kimlik numaram %s, hesabımı doğrular mısınız?",
				"pesel":           "Dzień dobry, mój PESEL to %s, proszę o weryfikację",
				"dni":             "Hola, mi DNI es %s y la app no lo acepta",
				"codice_fiscale":  "Buongiorno, il mio codice fiscale è %s",
				"personnummer":    "Hej! Mitt personnummer är %s, varför nekas jag?",
				"curp":            "Mi CURP es %s, ¿por qué no puedo abrir la cuenta?",
			}
			t, ok := tpl[k.name]
			if !ok {
				t = "Hi, my " + k.doc + " is %s - please fix my verification"
			}
			g.name("Support Message Sent")
			p["channel"] = g.pick("in_app_chat", "whatsapp", "email_form")
			p["message"] = fmt.Sprintf(t, v)
			g.label("national_id", "message", v)
		}},
		scenario{"travel_passport_mrz", func(g *gen, p map[string]any) {
			doc := g.upper(2) + g.digits(7)
			y, m, d := g.date(1950, 2000)
			dob := fmt.Sprintf("%02d%02d%02d", y%100, m, d)
			exp := fmt.Sprintf("%02d%02d%02d", 30+g.r.Intn(6), 1+g.r.Intn(12), 1+g.r.Intn(28))
			nat := g.pick("DEU", "FRA", "GBR", "IND", "BRA", "JPN")
			pers := strings.Repeat("<", 14)
			l2 := fmt.Sprintf("%s%d%s%s%d%s%s%d%s%d", doc, mrzCheck(doc), nat, dob, mrzCheck(dob), g.pick("M", "F"), exp, mrzCheck(exp), pers, mrzCheck(pers))
			comp := l2[0:10] + l2[13:20] + l2[21:43]
			l2 += fmt.Sprint(mrzCheck(comp))
			g.name("Passport Scanned")
			p["scanner"] = "mrz_ocr"
			p["mrz_line_2"] = l2
			p["frequent_flyer_number"] = g.digits(9)
			g.label("national_id", "mrz_line_2", doc)
		}},
		scenario{"travel_passport_number", func(g *gen, p map[string]any) {
			doc := g.pick("C", "P", "X") + g.from("CFGHJKLMNPRTVWXYZ0123456789", 8)
			g.name("Traveller Details Saved")
			p["booking_ref"] = g.from("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 6)
			p["passengers"] = []any{map[string]any{"type": "ADT", "passport": map[string]any{"number": doc, "issuing_country": "DEU", "expiry": "2031-04-30"}, "frequent_flyer": map[string]any{"program": "LH", "number": "9920" + g.digits(11)}}}
			g.label("national_id", "passengers[].passport.number", doc)
		}},
		scenario{"snowplow_ue_px_secret", func(g *gen, p map[string]any) {
			ks := idKinds()
			k := ks[g.r.Intn(len(ks))]
			data := map[string]any{"step": "submit", "password": g.password()}
			if g.r.Intn(2) == 0 {
				data = map[string]any{"step": "kyc", k.keys[0]: k.make(g)}
			}
			inner, _ := jsonString(map[string]any{"schema": "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0", "data": map[string]any{"schema": "iglu:com.acme/form_submit/jsonschema/1-0-0", "data": data}})
			v := base64.RawURLEncoding.EncodeToString([]byte(inner))
			g.name("snowplow_unstruct")
			p["e"] = "ue"
			p["ue_px"] = v
			p["tv"] = "js-3.24.0"
			if _, ok := data["password"]; ok {
				g.label("password", "ue_px", v)
			} else {
				g.label("national_id", "ue_px", v)
			}
		}},
		scenario{"segment_context_traits", func(g *gen, p map[string]any) {
			ks := idKinds()
			k := ks[g.r.Intn(len(ks))]
			v := k.make(g)
			key := k.keys[g.r.Intn(len(k.keys))]
			g.name("Identify")
			p["context"] = map[string]any{"library": map[string]any{"name": "analytics.js", "version": "next-1.70.0"}, "traits": map[string]any{"plan": "pro", key: v}}
			g.label("national_id", "context.traits."+key, v)
		}},
		scenario{"amplitude_user_properties", func(g *gen, p map[string]any) {
			v := g.iban()
			g.name("$identify")
			p["user_properties"] = map[string]any{"$set": map[string]any{"payout_iban": v, "tier": "gold"}}
			g.label("bank_account", "user_properties.$set.payout_iban", v)
		}},
		scenario{"email_as_distinct_id", func(g *gen, p map[string]any) {
			e := g.pick("ana.souza", "k.tanaka", "o.nowak", "lea.martin") + g.digits(3) + "@example." + g.pick("com", "net", "org")
			g.name("Logged In")
			p["distinct_id"] = g.label("email", "distinct_id", e)
			p["login_method"] = "password"
		}},
		scenario{"cpf_as_distinct_id", func(g *gen, p map[string]any) {
			var k idKind
			for _, x := range idKinds() {
				if x.name == "cpf" {
					k = x
				}
			}
			v := k.make(g)
			g.name("Conta Aberta")
			p["distinct_id"] = g.label("national_id", "distinct_id", v)
			p["$identified_id"] = true
		}},
		scenario{"token_in_event_name", func(g *gen, p map[string]any) {
			v := "glpat-" + g.from(urlB64, 20)
			g.name("Error: 401 for token " + v)
			g.label("secret_token", "event", v)
			p["source"] = "cli"
		}},
		// Cards.
		scenario{"checkout_card_form", func(g *gen, p map[string]any) {
			n, brand := g.card()
			cvv := g.digits(3)
			if brand == "amex" {
				cvv = g.digits(4)
			}
			g.name("Payment Info Entered")
			exp := fmt.Sprintf("%02d/%02d", 1+g.r.Intn(12), 27+g.r.Intn(5))
			p["payment"] = map[string]any{"brand": brand, "cardNumber": spaced(n), "securityCode": cvv, "expiry": exp}
			g.label("payment_card", "payment.cardNumber", spaced(n))
			g.label("payment_card", "payment.securityCode", cvv)
			g.label("payment_card", "payment.expiry", exp) // an expiry next to a PAN
		}},
		scenario{"card_full_width_digits", func(g *gen, p map[string]any) {
			n, _ := g.card()
			v := fullWidth(spaced(n))
			g.name("Checkout Error")
			p["error"] = "card_declined"
			p["entered_card"] = g.label("payment_card", "entered_card", v)
		}},
		scenario{"card_in_review_prose", func(g *gen, p map[string]any) {
			n, _ := g.card()
			v := spaced(n)
			t := g.pick("They charged my card %s twice!! refund please", "Cobraron dos veces a mi tarjeta %s", "Meine Karte %s wurde doppelt belastet", "カード番号 %s で二重請求されました", "Ma carte %s a été débitée deux fois")
			g.name("App Review Submitted")
			p["rating"] = 1
			p["review_text"] = fmt.Sprintf(t, v)
			g.label("payment_card", "review_text", v)
		}},
		scenario{"card_split_fields", func(g *gen, p map[string]any) {
			n, _ := g.card()
			if len(n) != 16 {
				n = luhnComplete("4" + g.digits(14))
			}
			g.name("Card Form Step")
			for i := 0; i < 4; i++ {
				k := fmt.Sprintf("card_number_part%d", i+1)
				p[k] = g.label("payment_card", k, n[i*4:i*4+4])
			}
		}},
		scenario{"card_in_multipart_body", func(g *gen, p map[string]any) {
			n, _ := g.card()
			b := "----WebKitFormBoundary" + g.alnum(16)
			body := "--" + b + "\r\nContent-Disposition: form-data; name=\"amount\"\r\n\r\n49.90\r\n--" + b + "\r\nContent-Disposition: form-data; name=\"cc_number\"\r\n\r\n" + n + "\r\n--" + b + "--\r\n"
			g.name("HTTP Request Failed")
			p["request_body"] = body
			p["status"] = 502
			g.label("payment_card", "request_body", n)
		}},
		scenario{"card_in_base64_json", func(g *gen, p map[string]any) {
			n, _ := g.card()
			enc := base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf(`{"pan":"%s","exp":"%02d/%d","holder":"A. Tester"}`, n, 1+g.r.Intn(12), 2028+g.r.Intn(4))))
			g.name("Payment Retry")
			p["state_blob"] = g.label("payment_card", "state_blob", enc)
		}},
		// Bank accounts.
		scenario{"insurance_payout_iban", func(g *gen, p map[string]any) {
			v := g.iban()
			if g.r.Intn(2) == 0 {
				v = printed(v)
			}
			g.name("Claim Payout Details")
			p["claim_id"] = "CLM-" + g.digits(8)
			p["payout"] = map[string]any{"method": "sepa", "iban": v, "bic": g.pick("DEUTDEFF", "BNPAFRPP", "INGBNL2A", "NWBKGB2L")}
			g.label("bank_account", "payout.iban", v)
		}},
		scenario{"iban_in_chat", func(g *gen, p map[string]any) {
			v := printed(g.iban())
			g.name("Support Message Sent")
			p["message"] = g.pick("Bitte überweisen Sie die Erstattung auf ", "Please send the refund to ", "Remboursement sur mon compte ", "Graag terugstorten op ") + v + g.pick(" danke", " thanks", " merci", "")
			g.label("bank_account", "message", v)
		}},
		scenario{"us_account_number", func(g *gen, p map[string]any) {
			acct := g.digits(10 + g.r.Intn(3))
			g.name("Direct Deposit Added")
			p["routing_number"] = g.routing()
			p["account_number"] = acct
			p["account_type"] = "checking"
			g.label("bank_account", "account_number", acct)
		}},
		scenario{"iban_kv_pairs", func(g *gen, p map[string]any) {
			v := g.iban()
			g.name("Vendor Onboarding")
			p["attributes"] = []any{[]any{"company", "Acme GmbH"}, []any{"IBAN", v}, []any{"currency", "EUR"}}
			g.label("bank_account", "attributes[][]", v)
		}},
		// Passwords.
		scenario{"password_localized_key", func(g *gen, p map[string]any) {
			k := g.pick("contraseña", "mot_de_passe", "Passwort", "пароль", "パスワード", "密码", "비밀번호", "şifre", "hasło", "senha", "wachtwoord", "lösenord", "salasana", "kata_sandi", "mật_khẩu")
			v := g.password()
			g.name("Sign Up Submitted")
			p["form"] = map[string]any{"usuario": "user" + g.digits(4), k: v}
			g.label("password", "form."+k, v)
		}},
		scenario{"password_mixed_case_key", func(g *gen, p map[string]any) {
			k := g.pick("PassWord", "PASSWD", "userPass", "Pwd", "new-Password", "LOGIN_PASSWORD", "confirmPassword")
			v := g.password()
			g.name("Account Updated")
			p[k] = g.label("password", k, v)
		}},
		scenario{"wifi_psk_pairing", func(g *gen, p map[string]any) {
			v := g.password()
			g.name("Device Pairing Started")
			p["device_model"] = g.pick("SmartPlug S2", "ThermoHub 3", "CamLite 1080")
			p["wifi"] = map[string]any{"ssid": g.pick("HOME-", "Vodafone-", "FRITZ!Box 7590 ") + g.upper(4), g.pick("psk", "passphrase", "wpa_key", "wifi_password"): v, "security": "WPA2-PSK"}
			for k, x := range p["wifi"].(map[string]any) {
				if x == v {
					g.label("password", "wifi."+k, v)
				}
			}
		}},
		scenario{"wifi_qr_payload", func(g *gen, p map[string]any) {
			v := g.mixed(12)
			g.name("QR Scanned")
			p["qr_text"] = "WIFI:T:WPA;S:Office-" + g.upper(3) + ";P:" + v + ";;"
			g.label("password", "qr_text", v, "secret_token")
		}},
		scenario{"homekit_setup_code", func(g *gen, p map[string]any) {
			v := g.digits(3) + "-" + g.digits(2) + "-" + g.digits(3)
			g.name("Accessory Pairing")
			p["setup_code"] = g.label("password", "setup_code", v, "secret_token")
			p["accessory_category"] = "lightbulb"
		}},
		scenario{"bluetooth_passkey", func(g *gen, p map[string]any) {
			v := g.digits(6)
			g.name("BLE Pairing")
			p["pairing"] = map[string]any{"method": "passkey_entry", "passkey": v, "rssi": -61}
			g.label("password", "pairing.passkey", v, "secret_token")
		}},
		scenario{"netrc_in_string", func(g *gen, p map[string]any) {
			v := g.mixed(14)
			g.name("CI Step Failed")
			p["file"] = "~/.netrc"
			p["contents"] = "machine api.heroku.com\n  login ci@example.org\n  password " + v + "\nmachine git.heroku.com\n  login ci@example.org\n  password " + v + "\n"
			g.label("password", "contents", v, "secret_token")
			g.label("email", "contents", "ci@example.org")
		}},
		scenario{"password_in_chat_prose", func(g *gen, p map[string]any) {
			v := g.password()
			t := g.pick("my password is %s and it still says wrong", "Mi contraseña es %s pero no entra", "Mein Passwort lautet %s, Login geht nicht", "パスワードは %s です", "mon mot de passe: %s", "пароль %s не подходит", "我的密码是%s，登录不了")
			g.name("Support Message Sent")
			p["message"] = fmt.Sprintf(t, v)
			g.label("password", "message", v)
		}},
		scenario{"password_multipart", func(g *gen, p map[string]any) {
			v := g.password()
			b := "----formdata-undici-" + g.digits(12)
			body := "--" + b + "\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nstudent" + g.digits(5) + "\r\n--" + b + "\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n" + v + "\r\n--" + b + "--\r\n"
			g.name("Portal Login Request")
			p["body"] = body
			g.label("password", "body", v)
		}},
		scenario{"password_kv_list", func(g *gen, p map[string]any) {
			v := g.password()
			g.name("Parent Portal Sign Up")
			p["inputs"] = []any{map[string]any{"key": "child_grade", "val": "4"}, map[string]any{"key": "parent_password", "val": v}}
			g.label("password", "inputs[].val", v)
		}},
		scenario{"password_json_in_string", func(g *gen, p map[string]any) {
			v := g.mixed(13)
			inner, _ := jsonString(map[string]any{"login": "gamer" + g.digits(4), "password": v})
			outer, _ := jsonString(map[string]any{"op": "auth", "payload": inner})
			g.name("Game Client Log")
			p["frame"] = outer
			g.label("password", "frame", v)
		}},
		scenario{"password_zero_width_key", func(g *gen, p map[string]any) {
			v := g.password()
			k := g.pick("pass\u200bword", "pаssword", "ｐａｓｓｗｏｒｄ")
			g.name("Login Attempt")
			p[k] = g.label("password", k, v)
		}},
		scenario{"ansible_vault_password", func(g *gen, p map[string]any) {
			v := g.mixed(20)
			g.name("Deploy Started")
			p["env"] = map[string]any{"ANSIBLE_VAULT_PASSWORD": v, "ANSIBLE_FORCE_COLOR": "1"}
			g.label("password", "env.ANSIBLE_VAULT_PASSWORD", v, "secret_token")
		}},
		scenario{"terraform_tfvars", func(g *gen, p map[string]any) {
			v := g.mixed(18)
			tok := "AIza" + g.from(urlB64, 35)
			g.name("Plan Uploaded")
			p["tfvars"] = "region = \"eu-west-1\"\ninstance_count = 3\ndb_password = \"" + v + "\"\nmaps_api_key = \"" + tok + "\"\n"
			g.label("password", "tfvars", v, "secret_token")
			g.label("secret_token", "tfvars", tok)
		}},
		// Tokens.
		scenario{"vendor_token_env_dump", func(g *gen, p map[string]any) {
			ts := vendorTokens()
			t := ts[g.r.Intn(len(ts))]
			v := t.make(g)
			g.name("Build Env Captured")
			p["env"] = "PATH=/usr/local/bin:/usr/bin\nCI=true\nNODE_ENV=production\n" + t.env + "=" + v + "\nHOME=/home/runner\n"
			g.label("secret_token", "env", v)
		}},
		scenario{"vendor_token_header_dump", func(g *gen, p map[string]any) {
			ts := vendorTokens()
			t := ts[g.r.Intn(len(ts))]
			v := t.make(g)
			h := g.pick("Authorization: Bearer ", "Authorization: token ", "X-Api-Key: ", "Private-Token: ", "X-Auth-Token: ")
			g.name("API Call Logged")
			p["request_headers"] = "GET /v1/items HTTP/1.1\r\nHost: api.internal\r\nUser-Agent: okhttp/4.12.0\r\n" + h + v + "\r\nAccept: application/json\r\n"
			g.label("secret_token", "request_headers", v)
		}},
		scenario{"vendor_token_config_key", func(g *gen, p map[string]any) {
			ts := vendorTokens()
			t := ts[g.r.Intn(len(ts))]
			v := t.make(g)
			k := strings.ToLower(t.env)
			g.name("Integration Configured")
			p["integration"] = t.vendor
			p["settings"] = map[string]any{"enabled": true, k: v}
			g.label("secret_token", "settings."+k, v)
		}},
		scenario{"vendor_token_stack_trace", func(g *gen, p map[string]any) {
			ts := vendorTokens()
			t := ts[g.r.Intn(len(ts))]
			v := t.make(g)
			g.name("$exception")
			p["$exception_message"] = "Unauthorized"
			p["$exception_stack_trace_raw"] = "Error: request failed with 401 (token=" + v + ")\n    at fetchJson (app.js:1:2345)\n    at async sync (app.js:1:9981)"
			g.label("secret_token", "$exception_stack_trace_raw", v)
		}},
		scenario{"vendor_token_header_pairs", func(g *gen, p map[string]any) {
			ts := vendorTokens()
			t := ts[g.r.Intn(len(ts))]
			v := t.make(g)
			g.name("Webhook Delivery")
			p["headers"] = []any{[]any{"Content-Type", "application/json"}, []any{g.pick("Authorization", "authorization", "AUTHORIZATION"), "Bearer " + v}}
			g.label("secret_token", "headers[][]", v)
		}},
		scenario{"docker_config_auth", func(g *gen, p map[string]any) {
			pw := g.mixed(16)
			a := b64("deploy:" + pw)
			cfg, _ := jsonString(map[string]any{"auths": map[string]any{"registry.example.io": map[string]any{"auth": a}}})
			g.name("Runner Config Loaded")
			p["docker_config"] = cfg
			g.label("secret_token", "docker_config", a, "password")
		}},
		scenario{"npmrc_auth_token", func(g *gen, p map[string]any) {
			v := "npm_" + g.alnum(36)
			g.name("Install Failed")
			p["npmrc"] = "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=" + v + "\nalways-auth=true\n"
			g.label("secret_token", "npmrc", v)
		}},
		scenario{"kubeconfig_token", func(g *gen, p map[string]any) {
			v := g.jwt()
			g.name("Cluster Connect")
			p["kubeconfig"] = "apiVersion: v1\nkind: Config\nusers:\n- name: ci\n  user:\n    token: " + v + "\n"
			g.label("secret_token", "kubeconfig", v)
		}},
		scenario{"session_cookie", func(g *gen, p map[string]any) {
			v := g.from(urlB64, 40)
			name := g.pick("sessionid", "connect.sid", "JSESSIONID", "_session_id", "laravel_session", "PHPSESSID")
			g.name("Request Logged")
			p["cookie"] = "_ga=GA1.2." + g.digits(10) + "." + g.digits(10) + "; " + name + "=" + v + "; theme=dark"
			g.label("secret_token", "cookie", v)
		}},
		scenario{"basic_auth_header", func(g *gen, p map[string]any) {
			a := b64("svc-export:" + g.mixed(14))
			g.name("Export Triggered")
			p["auth_header"] = "Basic " + a
			g.label("secret_token", "auth_header", a, "password")
		}},
		scenario{"token_double_url_encoded", func(g *gen, p map[string]any) {
			v := "ghp_" + g.alnum(36)
			inner := "https://app.example.com/cb?access_token=" + v + "&state=xyz"
			g.name("$pageview")
			p["$current_url"] = "https://login.example.com/continue?next=" + url.QueryEscape(url.QueryEscape(inner))
			g.label("secret_token", "$current_url", v)
		}},
		scenario{"slack_webhook_url", func(g *gen, p map[string]any) {
			v := "https://hooks.slack.com/services/T" + g.from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8) + "/B" + g.from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10) + "/" + g.alnum(24)
			g.name("Alert Channel Added")
			p["webhook"] = g.label("secret_token", "webhook", v)
		}},
		scenario{"token_deep_nesting", func(g *gen, p map[string]any) {
			ts := vendorTokens()
			v := ts[g.r.Intn(len(ts))].make(g)
			g.name("SDK Init")
			// Events may nest 3 levels; deeper nesting arrives as a string.
			deep, _ := jsonString(map[string]any{"d": map[string]any{"e": map[string]any{"f": map[string]any{"credentials": map[string]any{"api_secret": v}}}}})
			p["a"] = map[string]any{"b": map[string]any{"c": deep}}
			g.label("secret_token", "a.b.c", v)
		}},
		scenario{"token_zero_width_split", func(g *gen, p map[string]any) {
			v := "sk_live_51" + g.alnum(20) + "\u200b" + g.alnum(40)
			g.name("Config Pasted")
			p["pasted"] = g.label("secret_token", "pasted", v)
		}},
		scenario{"otp_code_sms", func(g *gen, p map[string]any) {
			v := g.digits(6)
			g.name("OTP Entered")
			p[g.pick("otp", "verification_code", "one_time_code", "sms_code", "2fa_code")] = v
			for k, x := range p {
				if x == v {
					g.label("secret_token", k, v, "password")
				}
			}
		}},
		scenario{"totp_seed_uri", func(g *gen, p map[string]any) {
			v := g.from("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 32)
			g.name("2FA Enrolled")
			p["otpauth"] = "otpauth://totp/Example:alice?secret=" + v + "&issuer=Example&digits=6"
			g.label("secret_token", "otpauth", v)
		}},
		scenario{"steam_web_api_key", func(g *gen, p map[string]any) {
			v := strings.ToUpper(g.hex(32))
			g.name("Game Server Registered")
			p["steam_api_key"] = g.label("secret_token", "steam_api_key", v)
		}},
		scenario{"vendor_token_log_line", func(g *gen, p map[string]any) {
			ts := vendorTokens()
			t := ts[g.r.Intn(len(ts))]
			v := t.make(g)
			g.name("Server Log Shipped")
			p["line"] = fmt.Sprintf(`ts=2026-11-%02dT10:%02d:11Z level=error msg="upstream auth failed" vendor=%s %s=%s retry=3`, 1+g.r.Intn(28), g.r.Intn(60), t.vendor, g.pick("api_key", "token", "auth", "key"), v)
			g.label("secret_token", "line", v)
		}},
		scenario{"git_credential_helper_output", func(g *gen, p map[string]any) {
			v := "ghp_" + g.alnum(36)
			g.name("Git Credential Debug")
			p["helper_output"] = "protocol=https\nhost=github.com\nusername=ci-bot\npassword=" + v + "\n"
			g.label("secret_token", "helper_output", v, "password")
		}},
		scenario{"docker_login_command", func(g *gen, p map[string]any) {
			v := g.mixed(16)
			g.name("CI Step Started")
			p["command"] = "docker login " + g.pick("registry.gitlab.com", "ghcr.io", "docker.io") + " -u deploy -p " + v
			g.label("password", "command", v, "secret_token")
		}},
		scenario{"har_header_objects", func(g *gen, p map[string]any) {
			ts := vendorTokens()
			v := ts[g.r.Intn(len(ts))].make(g)
			g.name("Network Request Captured")
			p["headers"] = []any{map[string]any{"name": "accept", "value": "application/json"}, map[string]any{"name": g.pick("authorization", "x-api-key", "X-Access-Token"), "value": g.pick("Bearer ", "") + v}}
			g.label("secret_token", "headers[].value", v)
		}},
		scenario{"banking_pin", func(g *gen, p map[string]any) {
			v := g.digits(4 + g.r.Intn(3))
			k := g.pick("card_pin", "atm_pin", "pin", "transaction_pin", "upi_pin")
			g.name("PIN Set")
			p["flow"] = "card_activation"
			p[k] = g.label("password", k, v)
		}},
		scenario{"password_in_query_string", func(g *gen, p map[string]any) {
			v := g.mixed(12)
			g.name("$pageview")
			p["$current_url"] = "https://portal.example.edu/login.php?user=s" + g.digits(7) + "&" + g.pick("password", "pwd", "pass") + "=" + v + "&lang=en"
			g.label("password", "$current_url", v)
		}},
		scenario{"roblox_security_cookie", func(g *gen, p map[string]any) {
			v := "_|WARNING:-DO-NOT-SHARE-THIS.--Sharing-this-will-allow-someone-to-log-in-as-you-and-to-steal-your-ROBUX-and-items.|_" + strings.ToUpper(g.hex(300))
			g.name("Game Launcher Error")
			p["cookie"] = ".ROBLOSECURITY=" + v
			g.label("secret_token", "cookie", v)
		}},
		// Private keys.
		scenario{"private_key_in_config", func(g *gen, p map[string]any) {
			text, probe := g.privateKey()
			g.name("Deploy Key Uploaded")
			p["key_material"] = text
			g.label("private_key", "key_material", probe)
		}},
		scenario{"kubeconfig_client_key_data", func(g *gen, p map[string]any) {
			text, _ := g.privateKey()
			v := b64(text)
			g.name("Cluster Connect")
			p["kubeconfig"] = "users:\n- name: admin\n  user:\n    client-certificate-data: " + b64("-----BEGIN CERTIFICATE-----\nMIIC"+g.from(b64chars, 200)+"\n-----END CERTIFICATE-----") + "\n    client-key-data: " + v + "\n"
			g.label("private_key", "kubeconfig", v, "secret_token")
		}},
		scenario{"private_jwk", func(g *gen, p map[string]any) {
			d := g.from(urlB64, 43)
			jwk, _ := jsonString(map[string]any{"kty": "EC", "crv": "P-256", "x": g.from(urlB64, 43), "y": g.from(urlB64, 43), "d": d})
			g.name("Key Imported")
			p["jwk"] = jwk
			g.label("private_key", "jwk", d)
		}},
		// Credentials in URLs.
		scenario{"pip_conf_index_url", func(g *gen, p map[string]any) {
			pw := g.mixed(16)
			g.name("Dependency Resolve")
			p["pip_conf"] = "[global]\nindex-url = https://build:" + pw + "@pypi.internal.example/simple\ntimeout = 60\n"
			g.label("credentials_in_url", "pip_conf", pw)
		}},
		scenario{"git_credential_url", func(g *gen, p map[string]any) {
			tok := "ghp_" + g.alnum(36)
			g.name("Repo Cloned")
			p["remote"] = "https://x-access-token:" + tok + "@github.com/acme/app.git"
			g.label("credentials_in_url", "remote", tok, "secret_token")
		}},
		scenario{"db_url_in_env", func(g *gen, p map[string]any) {
			pw := g.mixed(18)
			u := g.pick("redis://default:%s@cache.internal:6379/0", "amqp://app:%s@mq.internal:5672/vhost", "mongodb+srv://api:%s@cluster0.ab12c.mongodb.net/prod", "postgresql://svc:%s@10.0.3.7:5432/claims", "ftp://upload:%s@files.example.net/in")
			g.name("Service Boot")
			p["config"] = map[string]any{"DATABASE_URL": fmt.Sprintf(u, pw), "LOG_LEVEL": "info"}
			g.label("credentials_in_url", "config.DATABASE_URL", pw)
		}},
		// Form values captured by autocapture.
		scenario{"posthog_autocapture_input", func(g *gen, p map[string]any) {
			v := g.pick("Member 88213 Blue Cross", "allergic to penicillin", "Flat 4, 12 Rosebank Rd", "diagnosed with type 2 diabetes", "Tokyo → Lisbon 14 Mar") + " " + g.alnumLower(4)
			g.name("$autocapture")
			p["$event_type"] = "change"
			p["$elements"] = []any{
				map[string]any{"tag_name": "input", "attr__type": "text", "attr__name": g.pick("notes", "medical_history", "address_line", "special_requests"), "attr__value": v, "nth_child": 2},
				map[string]any{"tag_name": "form", "attr__id": "intake"},
			}
			g.label("form_value", "$elements[].attr__value", v)
		}},
		scenario{"posthog_elements_chain_value", func(g *gen, p map[string]any) {
			v := g.pick("Jane Q Example", "policy holder since 2011", "my son has asthma", "room near elevator please") + " " + g.alnumLower(4)
			g.name("$autocapture")
			p["$event_type"] = "change"
			p["$elements_chain"] = `textarea.form-control:attr__class="form-control"attr__name="comments"attr__value="` + v + `"nth-child="3"nth-of-type="1";form:attr__id="claim"nth-child="1"nth-of-type="1"`
			g.label("form_value", "$elements_chain", v)
		}},
		// Email and phone (kept by default; a finding is asked).
		scenario{"hr_contact_email_phone", func(g *gen, p map[string]any) {
			e := g.pick("jana.novak", "r.okafor", "mei.lin", "t.mueller") + g.digits(2) + "@" + g.pick("example.org", "mail.example.com", "example.co.uk")
			ph := g.pick("+44 20 7946 ", "+1 415 555 ", "+49 30 901820", "+91 98765 4") + g.digits(4)
			g.name("Emergency Contact Added")
			p["contact"] = map[string]any{"email": e, "phone": ph, "relation": "spouse"}
			g.label("email", "contact.email", e)
			g.label("phone", "contact.phone", ph)
		}},
	)
	return s
}

func jsonString(v any) (string, error) {
	var b strings.Builder
	enc := newEncoder(&b)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}
