package main

// Clean scenarios: nothing sensitive by docs/GUARD.md's definitions, but
// written in the same places as the sensitive ones (build logs, state
// files, exports, dumps, other scripts) to deceive: secret references
// instead of secrets, masked values, public identifiers with token-like
// prefixes, IDs that fail their checks, words for password without one.

import (
	"fmt"
	"strings"
)

var cleanScenarios = []scenario{
	{"ci_log_masked", ciLogMasked},
	{"terraform_state_clean", terraformStateClean},
	{"compose_secret_refs", composeSecretRefs},
	{"build_settings_refs", buildSettingsRefs},
	{"har_public_headers", harPublic},
	{"curl_env_refs", curlEnvRefs},
	{"postman_variables", postmanVariables},
	{"password_manager_ui", passwordManagerUI},
	{"crash_env_clean", crashEnvClean},
	{"sql_dump_clean", sqlDumpClean},
	{"csv_clean", csvClean},
	{"nested_url_clean", nestedURLClean},
	{"layered_encoding_clean", layeredClean},
	{"parallel_arrays_clean", parallelArraysClean},
	{"password_words_no_value", passwordWordsNoValue},
	{"chat_about_passwords", chatAboutPasswords},
	{"otp_ux_events", otpUX},
	{"pin_not_a_pin", pinNotAPin},
	{"national_id_lookalike", nationalLookalike},
	{"national_id_lookalike", nationalLookalike},
	{"bank_codes_alone", bankCodesAlone},
	{"separated_numbers", separatedNumbers},
	{"prefixed_public_ids", prefixedPublicIDs},
	{"prefixed_public_ids", prefixedPublicIDs},
	{"webhook_signatures", webhookSignatures},
	{"public_keys_and_addresses", publicKeysAddresses},
	{"kube_secret_refs", kubeSecretRefs},
	{"shell_history_clean", shellHistoryClean},
	{"notebook_clean", notebookClean},
	{"digests_and_build_ids", digestsBuildIDs},
}

func ciLogMasked(g *gen, e *ev) {
	e.Event = "ci_job_failed"
	e.Properties["job"] = g.pick("deploy", "publish", "lint")
	e.Properties["log_tail"] = g.pick(
		fmt.Sprintf("##[group]Run ./scripts/deploy.sh\n+ export DOPPLER_TOKEN=***\n+ ./bin/release --env production --sha %s\nError: release failed (exit 1)", g.hex(40)),
		"$ set -x\n$ curl --fail -sS -H \"Authorization: Bearer $CI_JOB_TOKEN\" https://gitlab.example/api/v4/projects\ncurl: (22) The requested URL returned error: 502",
		"+ docker login -u ci --password-stdin registry.internal\nLogin Succeeded\n+ docker push registry.internal/app@sha256:"+g.hex(64),
		"[Pipeline] withCredentials\nMasking supported pattern matches of $NEXUS_PASSWORD\n+ mvn -s settings.xml deploy -Dpassword=****\n[Pipeline] }",
		"> Task :app:printConfig\nbuildType=release\nsigning.password=[MASKED]\nversionCode=412\nBUILD SUCCESSFUL in 38s",
	)
}

func terraformStateClean(g *gen, e *ev) {
	e.Event = "infra_state_uploaded"
	res := map[string]any{"mode": "managed", "type": "aws_db_instance", "name": "main", "instances": []any{map[string]any{"schema_version": 2, "attributes": map[string]any{"identifier": "prod-main", "arn": "arn:aws:rds:eu-west-1:" + g.digits(12) + ":db:prod-main", "password": nil, "manage_master_user_password": true, "master_user_secret": []any{map[string]any{"kms_key_id": "arn:aws:kms:eu-west-1:" + g.digits(12) + ":key/" + g.uuid(), "secret_status": "active"}}}, "sensitive_attributes": []any{[]any{map[string]any{"type": "get_attr", "value": "password"}}}}}}
	e.Properties["state_excerpt"] = jsonString(map[string]any{"version": 4, "terraform_version": "1.9.8", "lineage": g.uuid(), "resources": []any{res}, "outputs": map[string]any{"db_password": map[string]any{"sensitive": true, "type": "string"}}})
	e.Properties["workspace"] = "prod"
}

func composeSecretRefs(g *gen, e *ev) {
	e.Event = "stack_deployed"
	e.Properties["compose_file"] = g.pick(
		"services:\n  db:\n    image: postgres:16\n    environment:\n      - POSTGRES_USER=app\n      - POSTGRES_PASSWORD_FILE=/run/secrets/db_password\n    secrets:\n      - db_password\nsecrets:\n  db_password:\n    file: ./db_password.txt",
		"services:\n  mysql:\n    image: mysql:8.4\n    environment:\n      MYSQL_ROOT_PASSWORD: ${MYSQL_ROOT_PASSWORD:?set it in .env}\n",
		"services:\n  cache:\n    image: bitnami/redis:7.4\n    environment:\n      - ALLOW_EMPTY_PASSWORD=no\n      - REDIS_PASSWORD_FILE=/run/secrets/redis\n",
	)
}

func buildSettingsRefs(g *gen, e *ev) {
	e.Event = "build_config_loaded"
	switch g.r.Intn(4) {
	case 0:
		e.Properties["maven_settings"] = "<settings><servers><server><id>releases</id><username>${env.MAVEN_USERNAME}</username><password>${env.MAVEN_PASSWORD}</password></server></servers></settings>"
	case 1:
		e.Properties["gradle_properties"] = fmt.Sprintf("org.gradle.jvmargs=-Xmx2g\nsigning.keyId=%s\nsigning.secretKeyRingFile=/home/ci/.gnupg/secring.gpg\nandroid.useAndroidX=true", strings.ToUpper(g.hex(8)))
	case 2:
		e.Properties["npmrc"] = "registry=https://registry.npmjs.org/\n//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}\n@acme:registry=https://npm.pkg.github.com"
	default:
		e.Properties["pypirc"] = "[distutils]\nindex-servers = pypi\n\n[pypi]\nusername = __token__\n# password comes from keyring\n"
	}
}

func harPublic(g *gen, e *ev) {
	e.Event = "har_attached"
	entry := map[string]any{"request": map[string]any{"method": "GET", "url": "https://" + g.host() + "/assets/app." + g.hex(8) + ".js", "headers": []any{
		map[string]any{"name": "accept", "value": "*/*"},
		map[string]any{"name": "if-none-match", "value": "W/\"" + g.hex(27) + "\""},
		map[string]any{"name": "x-request-id", "value": g.uuid()},
	}, "cookies": []any{map[string]any{"name": "_ga", "value": "GA1.1." + g.digits(9) + "." + g.digits(10)}, map[string]any{"name": "theme", "value": "dark"}}},
		"response": map[string]any{"status": 304, "headers": []any{map[string]any{"name": "cf-ray", "value": g.hex(16) + "-FRA"}}}}
	e.Properties["har"] = jsonString(map[string]any{"log": map[string]any{"version": "1.2", "entries": []any{entry}}})
}

func curlEnvRefs(g *gen, e *ev) {
	e.Event = "snippet_copied"
	h := g.host()
	e.Properties["snippet"] = g.pick(
		"curl -sS -H \"Authorization: Bearer $API_TOKEN\" https://"+h+"/v1/me",
		"curl -u \"$USER:$PASSWORD\" https://"+h+"/api/export",
		"http -a admin GET https://"+h+"/v1/invoices  # prompts for the password",
		"curl 'https://"+h+"/login' --data-urlencode 'username=nino' --data-urlencode \"password@/dev/stdin\"",
		"https POST "+h+"/v1/jobs X-Api-Key:$SERVICE_KEY name=nightly",
	)
	e.Properties["language"] = "shell"
}

func postmanVariables(g *gen, e *ev) {
	e.Event = "collection_imported"
	e.Properties["collection_info"] = map[string]any{"name": "Billing API", "_postman_id": g.uuid()}
	e.Properties["collection_auth"] = map[string]any{"type": "bearer", "bearer": []any{map[string]any{"key": "token", "value": "{{accessToken}}", "type": "string"}}}
	e.Properties["collection_variables"] = []any{map[string]any{"key": "baseUrl", "value": "https://api." + g.host()}}
}

func passwordManagerUI(g *gen, e *ev) {
	e.Event = g.pick("vault_health_viewed", "export_started", "password_generated")
	e.Properties["weak_passwords"] = g.r.Intn(20)
	e.Properties["reused_passwords"] = g.r.Intn(10)
	e.Properties["exposed_passwords"] = g.r.Intn(3)
	e.Properties["password_length"] = 12 + g.r.Intn(20)
	e.Properties["password_strength"] = g.pick("weak", "good", "strong", "very_strong")
	e.Properties["export_format"] = g.pick("csv", "json", "encrypted_json")
	e.Properties["generator_options"] = map[string]any{"uppercase": true, "numbers": true, "special": g.r.Intn(2) == 0, "words": 0}
}

func crashEnvClean(g *gen, e *ev) {
	e.Event = "crash_report"
	e.Properties["report"] = map[string]any{"exception": g.pick("ConnectionError", "panic"), "context": g.pick(
		"environ({'PATH': '/usr/local/bin:/usr/bin', 'LANG': 'C.UTF-8', 'DATABASE_PASSWORD_FILE': '/run/secrets/db', 'PYTHONUNBUFFERED': '1'})",
		"{\n  NODE_ENV: 'production',\n  PORT: '8080',\n  GIT_SHA: '"+g.hex(40)+"',\n  TZ: 'UTC'\n}",
		"main.mustConnect({Host:db.internal Port:5432 User:app Password:<redacted> SSLMode:require})",
		"Config { listen: \"0.0.0.0:8080\", smtp_user: \"mailer\", smtp_password: \"[REDACTED]\", retries: 3 }",
		"java.version=21.0.5\njavax.net.ssl.keyStore=/etc/app/keystore.p12\njavax.net.ssl.keyStoreType=PKCS12\nuser.timezone=UTC",
	), "app_version": "5.2.3"}
}

func sqlDumpClean(g *gen, e *ev) {
	e.Event = "migration_log"
	e.Properties["statement"] = g.pick(
		fmt.Sprintf("INSERT INTO products (id, sku, gtin, price_cents) VALUES (%d, 'SKU-%s', '%s', %d);", g.r.Intn(9000), g.from(upperNum, 6), g.digits(13), 100+g.r.Intn(9000)),
		fmt.Sprintf("INSERT INTO payment_methods (id, brand, last4, exp) VALUES (%d, 'visa', '%s', '08/29');", g.r.Intn(9000), g.digits(4)),
		"ALTER TABLE users ADD COLUMN password_changed_at timestamptz;",
		fmt.Sprintf("UPDATE users SET password_reset_sent_at = now() WHERE id = %d;", g.r.Intn(90000)),
	)
	e.Properties["duration_ms"] = g.r.Intn(90)
}

func csvClean(g *gen, e *ev) {
	e.Event = "bulk_upload_row_rejected"
	sep := g.pick(",", ";", "\t", "|")
	fn, ln := g.name()
	e.Properties["csv_excerpt"] = strings.Join([]string{"name", "order_id", "gtin", "amount"}, sep) + "\n" + strings.Join([]string{fn + " " + ln, "ORD-" + g.digits(10), g.digits(13), fmt.Sprintf("%d.%02d", g.r.Intn(900), g.r.Intn(100))}, sep)
	e.Properties["line_no"] = 2 + g.r.Intn(400)
}

func nestedURLClean(g *gen, e *ev) {
	e.Event = "redirect_followed"
	inner := "https://files." + g.host() + "/dl/" + g.hex(8) + "?utm_source=email&utm_campaign=nov&gclid=" + g.from(urlSafe, 60)
	e.Properties["context_json"] = jsonString(map[string]any{"source": "email", "return_to": "https://" + g.host() + "/out?next=" + strings.ReplaceAll(inner, "&", "%26"), "campaign": "nov-digest"})
}

func layeredClean(g *gen, e *ev) {
	e.Event = "ui_state_restored"
	inner := jsonString(map[string]any{"tab": g.pick("billing", "tokens", "security"), "page": g.r.Intn(9), "filter": "active", "nonce": g.hex(16)})
	e.Properties["callback_url"] = "https://" + g.host() + "/sso/return?state=" + strings.ReplaceAll(b64Std(inner), "=", "%3D") + "&lang=en"
}

func parallelArraysClean(g *gen, e *ev) {
	e.Event = "form_submit_failed"
	u, _ := g.name()
	e.Properties["field_names"] = []any{"username", "password_strength", "remember_me"}
	e.Properties["field_values"] = []any{strings.ToLower(u), g.pick("weak", "strong"), "true"}
	e.Properties["errors"] = []any{"password: too short", "password: must contain a digit"}
}

func passwordWordsNoValue(g *gen, e *ev) {
	e.Event = "security_settings_viewed"
	k := passwordWords[g.r.Intn(len(passwordWords))]
	e.Properties[k+"_changed"] = g.r.Intn(2) == 0
	e.Properties["last_"+k+"_change_days"] = g.r.Intn(400)
	e.Properties["hint_shown"] = false
}

func chatAboutPasswords(g *gen, e *ev) {
	e.Event = "chat_message_sent"
	e.Properties["message"] = g.pick(
		"He olvidado mi contraseña, ¿cómo la restablezco?",
		"Не могу войти, пароль не подходит. Что делать?",
		"パスワードを忘れました。リセットできますか？",
		"我忘记了密码，怎么重置？",
		"비밀번호를 잊어버렸어요",
		"نسيت كلمة المرور الخاصة بي",
		"मैं अपना पासवर्ड भूल गया हूँ",
		"Şifremi unuttum, sıfırlama e-postası gelmedi",
		"ჩემი პაროლი დამავიწყდა",
		"Nimesahau nenosiri langu",
		"The reset link says my password must have 12 characters",
		"Ο κωδικός μου έληξε, πώς τον αλλάζω;",
	)
}

func otpUX(g *gen, e *ev) {
	e.Event = g.pick("otp_sent", "otp_failed", "mfa_enrolled")
	e.Properties["otp_length"] = 6
	e.Properties["channel"] = g.pick("sms", "whatsapp", "email", "totp")
	e.Properties["resend_after_s"] = 30
	e.Properties["attempts_left"] = g.r.Intn(4)
	e.Properties["template"] = g.pick("Your code is {{code}}", "<#> {{otp}} is your code", "Код: {code}")
	e.Properties["recovery_codes_remaining"] = g.r.Intn(11)
	e.Properties["recovery_codes_downloaded"] = g.r.Intn(2) == 0
}

func pinNotAPin(g *gen, e *ev) {
	e.Event = g.pick("pin_saved", "board_viewed", "message_pinned")
	switch g.r.Intn(4) {
	case 0:
		e.Properties["pin_id"] = g.digits(18)
		e.Properties["board"] = g.pick("Recipes", "Garden ideas")
	case 1:
		e.Properties["pin"] = map[string]any{"lat": 41.7 + float64(g.r.Intn(100))/1000, "lng": 44.8 + float64(g.r.Intn(100))/1000, "label": "Office"}
	case 2:
		e.Properties["pinned"] = true
		e.Properties["pin_attempts_left"] = g.r.Intn(3)
		e.Properties["pin_length"] = g.pick("4", "6")
	default:
		e.Properties["address"] = map[string]any{"street": "MG Road", "city": g.pick("Bengaluru", "Pune"), "state": "KA", "pincode": fmt.Sprintf("5600%02d", g.r.Intn(100))}
	}
}

func nationalLookalike(g *gen, e *ev) {
	f := nationalFormats[g.r.Intn(len(nationalFormats))]
	v := g.lookalike(f)
	keys := idKeys[f.name]
	k := keys[g.r.Intn(len(keys))]
	e.Event = "kyc_submitted"
	e.check(f.name, v, false)
	fn, ln := g.name()
	e.Properties["applicant"] = map[string]any{"first_name": fn, "last_name": ln, k: v}
}

func bankCodesAlone(g *gen, e *ev) {
	e.Event = "bank_selected"
	switch g.r.Intn(4) {
	case 0:
		e.Properties["bik"] = "04" + g.digits(7)
		e.Properties["bank_name"] = "Сбербанк"
	case 1:
		e.Properties["clabe_bank_code"] = g.pick("002", "012", "014")
		e.Properties["banco"] = "BBVA México"
	case 2:
		e.Properties["swift"] = g.pick("KCJBKZKX", "TCZBTR2AXXX", "BKTRUS33", "RZBAATWW")
	default:
		e.Properties["金融機関コード"] = g.digits(4)
		e.Properties["支店コード"] = g.digits(3)
	}
}

func separatedNumbers(g *gen, e *ev) {
	e.Event = g.pick("diagnostics", "contact_saved", "release_note_viewed")
	card, _ := g.card()
	bad := card[:len(card)-1] + fmt.Sprint((int(card[len(card)-1]-'0')+1+g.r.Intn(8))%10)
	if luhnOK(bad) {
		bad = card[:len(card)-1] + fmt.Sprint((int(card[len(card)-1]-'0')+5)%10)
	}
	e.check("luhn", bad, false)
	e.Properties["value"] = g.pick(grouped(bad, "."), grouped(bad, "/"), grouped(bad, "_"))
	e.Properties["date"] = fmt.Sprintf("2026.%02d.%02d", 1+g.r.Intn(12), 1+g.r.Intn(28))
	e.Properties["phone"] = fmt.Sprintf("+33.6.%02d.%02d.%02d.%02d", g.r.Intn(100), g.r.Intn(100), g.r.Intn(100), g.r.Intn(100))
	e.Properties["card_display"] = "•••• •••• •••• " + g.digits(4)
}

func prefixedPublicIDs(g *gen, e *ev) {
	e.Event = g.pick("deployment_created", "resource_linked", "checkout_started")
	switch g.r.Intn(6) {
	case 0:
		e.Properties["deployment_id"] = "dpl_" + g.mixed(28)
		e.Properties["project_id"] = "prj_" + g.mixed(28)
		e.Properties["team_id"] = "team_" + g.mixed(24)
	case 1:
		e.Properties["service_id"] = "srv-" + g.from(lowerNum, 20)
		e.Properties["owner_id"] = "usr-" + g.from(lowerNum, 20)
	case 2:
		e.Properties["paystack_public_key"] = "pk_live_" + g.hex(40)
		e.Properties["razorpay_key_id"] = "rzp_live_" + g.mixed(14)
	case 3:
		e.Properties["firebase"] = map[string]any{"appId": "1:" + g.digits(12) + ":web:" + g.hex(22), "messagingSenderId": g.digits(12), "projectId": "ledgerfox-prod"}
	case 4:
		e.Properties["stripe"] = map[string]any{"customer": "cus_" + g.mixed(14), "price": "price_" + g.mixed(24), "payment_intent": "pi_" + g.mixed(24), "event": "evt_" + g.mixed(24)}
	default:
		e.Properties["postman_collection_uid"] = g.digits(8) + "-" + g.uuid()
		e.Properties["linear_issue"] = "ENG-" + g.digits(4)
		e.Properties["machine_id"] = g.hex(14)
	}
}

func webhookSignatures(g *gen, e *ev) {
	e.Event = "webhook_received"
	h := map[string]any{"content-type": "application/json"}
	switch g.r.Intn(4) {
	case 0:
		h["x-hub-signature-256"] = "sha256=" + g.hex(64)
	case 1:
		h["stripe-signature"] = fmt.Sprintf("t=%d,v1=%s", 1795000000+g.r.Intn(1e6), g.hex(64))
	case 2:
		h["x-slack-signature"] = "v0=" + g.hex(64)
		h["x-slack-request-timestamp"] = fmt.Sprint(1795000000 + g.r.Intn(1e6))
	default:
		h["x-shopify-hmac-sha256"] = b64Std(string(g.bytes(32)))
	}
	e.Properties["headers"] = h
}

func publicKeysAddresses(g *gen, e *ev) {
	e.Event = "key_registered"
	switch g.r.Intn(5) {
	case 0:
		e.Properties["ssh_public_key"] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + g.from(alnum+"+/", 43) + " ci@build"
	case 1:
		e.Properties["age_recipient"] = "age1" + g.from("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58)
	case 2:
		e.Properties["npub"] = "npub1" + g.from("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58)
	case 3:
		e.Properties["minisign_public_key"] = "RWQ" + g.from(alnum+"+/", 53)
	default:
		e.Properties["payout_address"] = g.pick("bc1q"+g.from("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 38), "0x"+g.hex(40))
	}
}

func kubeSecretRefs(g *gen, e *ev) {
	e.Event = "manifest_applied"
	e.Properties["manifest"] = g.pick(
		"apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          env:\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: db-creds\n                  key: password",
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  LOG_LEVEL: info\n  FEATURE_FLAGS: \"new-checkout,dark-mode\"",
		"kubectl get secret db-creds -o jsonpath='{.data.password}' | base64 -d",
		"kubectl create secret generic tls-ca --from-file=ca.crt=./ca.pem",
	)
}

func shellHistoryClean(g *gen, e *ev) {
	e.Event = "shell_history_uploaded"
	e.Properties["history"] = fmt.Sprintf("  %d  cd /srv/app\n  %d  %s\n  %d  exit", 500+g.r.Intn(400), 901+g.r.Intn(10), g.pick(
		"mysql -u root -p shop",
		"ssh -i ~/.ssh/id_ed25519 deploy@10.0.0.7",
		"psql \"host=db.internal user=app dbname=shop sslmode=require\"",
		"openssl pkcs12 -export -in cert.pem -inkey key.pem -out bundle.p12 -passout env:P12_PASS",
		"git commit -m 'rotate password policy to 14 chars'",
		"docker login -u ci --password-stdin ghcr.io < token.txt",
	), 912+g.r.Intn(10))
}

func notebookClean(g *gen, e *ev) {
	e.Event = "notebook_saved"
	nb := map[string]any{"cells": []any{map[string]any{"cell_type": "code", "execution_count": 2, "metadata": map[string]any{}, "outputs": []any{}, "source": []any{"import os, getpass\n", "token = os.environ[\"HF_TOKEN\"]\n", "pw = getpass.getpass('Password: ')\n"}}}, "nbformat": 4, "nbformat_minor": 5}
	e.Properties["ipynb"] = jsonString(nb)
}

func digestsBuildIDs(g *gen, e *ev) {
	e.Event = "build_finished"
	e.Properties["image"] = "registry.internal/app@sha256:" + g.hex(64)
	e.Properties["commit"] = g.hex(40)
	e.Properties["run_id"] = g.digits(11)
	e.Properties["artifact_integrity"] = "sha512-" + b64Std(string(g.bytes(64)))
	e.Properties["cache_key"] = "node-modules-" + g.hex(64)
}
