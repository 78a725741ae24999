package main

// Sensitive scenarios: each puts one or more critical values where no
// earlier corpus put them and labels exactly the part that must be gone.

import (
	"fmt"
	"net/url"
	"strings"
)

var sensitiveScenarios = []scenario{
	{"ci_log_token", ciLogToken},
	{"git_diff_secret", gitDiffSecret},
	{"terraform_state", terraformState},
	{"compose_environment", composeEnvironment},
	{"build_tool_settings", buildToolSettings},
	{"ansible_inventory", ansibleInventory},
	{"har_entry", harEntry},
	{"curl_httpie_export", curlExport},
	{"postman_export", postmanExport},
	{"password_manager_csv", passwordManagerCSV},
	{"password_manager_json", passwordManagerJSON},
	{"crash_env_dump", crashEnvDump},
	{"sql_dump_insert", sqlDumpInsert},
	{"csv_tsv_row", csvRow},
	{"nested_url_in_json", nestedURLInJSON},
	{"layered_encoding", layeredEncoding},
	{"parallel_arrays", parallelArrays},
	{"label_answer_objects", labelAnswerObjects},
	{"keys_other_scripts", keysOtherScripts},
	{"key_spelling_variants", keySpellingVariants},
	{"chat_password_languages", chatPasswordLanguages},
	{"sms_one_time_code", smsOneTimeCode},
	{"recovery_codes", recoveryCodes},
	{"seed_phrase", seedPhrase},
	{"pin_rare_keys", pinRareKeys},
	{"national_id_new_formats", nationalIDNew},
	{"national_id_new_formats", nationalIDNew},
	{"national_id_in_text", nationalIDText},
	{"bank_account_new", bankAccountNew},
	{"bank_account_new", bankAccountNew},
	{"card_separators", cardSeparators},
	{"card_separators", cardSeparators},
	{"card_array_groups", cardArrayGroups},
	{"vendor_token_neutral", vendorTokenNeutral},
	{"vendor_token_neutral", vendorTokenNeutral},
	{"auth_header_schemes", authHeaderSchemes},
	{"webhook_urls_new", webhookURLsNew},
	{"signed_urls_new", signedURLsNew},
	{"private_keys_new", privateKeysNew},
	{"credentials_in_url_new", credentialsInURLNew},
	{"cli_secret_flags", cliSecretFlags},
	{"notebook_cell", notebookCell},
	{"authenticator_export", authenticatorExport},
	{"credentials_in_url_new", credentialsInURLNew},
	{"bank_account_new", bankAccountNew},
	{"autotracked_typed_text", autotrackedTypedText},
	{"autotracked_typed_text", autotrackedTypedText},
}

// ---- build and deployment output ----

func ciLogToken(g *gen, e *ev) {
	t := g.vendorToken()
	tok := t.make(g)
	e.Event = "ci_job_failed"
	var log string
	switch g.r.Intn(4) {
	case 0: // GitHub Actions, a token echoed by a debug step
		log = fmt.Sprintf("2026-11-20T10:%02d:11.4Z ##[group]Run ./scripts/deploy.sh\n2026-11-20T10:%02d:11.5Z + export %s=%s\n2026-11-20T10:%02d:12.0Z + ./bin/release --env production\n2026-11-20T10:%02d:13.9Z Error: release failed (exit 1)", g.r.Intn(60), g.r.Intn(60), t.env, tok, g.r.Intn(60), g.r.Intn(60))
	case 1: // GitLab CI, set -x output
		log = fmt.Sprintf("$ set -x\n$ curl --fail -sS -X POST https://api.%s/v1/deploys -H \"Authorization: Bearer %s\" -d @payload.json\ncurl: (22) The requested URL returned error: 502\nERROR: Job failed: exit code 22", g.host(), tok)
	case 2: // Jenkins console
		log = fmt.Sprintf("[Pipeline] sh\n+ %s='%s' make publish\nmake: *** [publish] Error 2\n[Pipeline] }\nFinished: FAILURE", t.env, tok)
	default: // a build tool printing its configuration
		log = fmt.Sprintf("> Task :app:printConfig\nbuildType=release\n%s=%s\nversionCode=%d\n\nBUILD FAILED in 41s", strings.ToLower(t.env), tok, 300+g.r.Intn(200))
	}
	e.Properties["job"] = g.pick("deploy", "publish", "release-android", "terraform-apply")
	e.Properties["log_tail"] = log
	e.label("secret_token", "log_tail", tok)
}

func gitDiffSecret(g *gen, e *ev) {
	t := g.vendorToken()
	tok := t.make(g)
	e.Event = "pr_review_comment"
	file := g.pick(".env.production", "config/settings.yml", "deploy/values.yaml", "src/config.ts")
	var line string
	switch file {
	case ".env.production":
		line = fmt.Sprintf("+%s=%s", t.env, tok)
	case "config/settings.yml", "deploy/values.yaml":
		line = fmt.Sprintf("+  %s: \"%s\"", strings.ToLower(t.env), tok)
	default:
		line = fmt.Sprintf("+export const %s = '%s';", t.env, tok)
	}
	diff := fmt.Sprintf("diff --git a/%s b/%s\nindex %s..%s 100644\n--- a/%s\n+++ b/%s\n@@ -3,6 +3,7 @@\n LOG_LEVEL=info\n%s\n REGION=eu-west-1", file, file, g.hex(7), g.hex(7), file, file, line)
	e.Properties["diff_hunk"] = diff
	e.Properties["pr"] = 1000 + g.r.Intn(9000)
	e.label("secret_token", "diff_hunk", tok)
}

func terraformState(g *gen, e *ev) {
	e.Event = "infra_state_uploaded"
	pw := g.password()
	var res map[string]any
	cls, val := "password", pw
	switch g.r.Intn(3) {
	case 0:
		res = map[string]any{"mode": "managed", "type": "aws_db_instance", "name": "main", "instances": []any{map[string]any{"schema_version": 2, "attributes": map[string]any{"identifier": "prod-main", "engine": "postgres", "username": "app", "password": pw, "port": 5432}, "sensitive_attributes": []any{}}}}
	case 1:
		pem := "-----BEGIN RSA PRIVATE KEY-----\n" + g.b64(48) + "\n" + g.b64(48) + "\n" + g.b64(30) + "\n-----END RSA PRIVATE KEY-----\n"
		val, cls = strings.Split(pem, "\n")[2], "private_key"
		res = map[string]any{"mode": "managed", "type": "tls_private_key", "name": "deploy", "instances": []any{map[string]any{"attributes": map[string]any{"algorithm": "RSA", "rsa_bits": 2048, "private_key_pem": pem, "public_key_fingerprint_md5": g.hex(2) + ":" + g.hex(2) + ":" + g.hex(2)}}}}
	default:
		tok := "hvs." + g.mixed(90)
		val, cls = tok, "secret_token"
		res = map[string]any{"mode": "managed", "type": "vault_token", "name": "ci", "instances": []any{map[string]any{"attributes": map[string]any{"client_token": tok, "policies": []any{"ci"}, "ttl": "24h"}}}}
	}
	state := map[string]any{"version": 4, "terraform_version": "1.9.8", "serial": g.r.Intn(300), "lineage": g.uuid(), "resources": []any{res}}
	e.Properties["state_excerpt"] = jsonString(state)
	e.Properties["workspace"] = g.pick("prod", "staging")
	e.label(cls, "state_excerpt", val)
}

func composeEnvironment(g *gen, e *ev) {
	pw := g.password()
	e.Event = "stack_deployed"
	var y string
	switch g.r.Intn(3) {
	case 0:
		y = fmt.Sprintf("services:\n  db:\n    image: postgres:16\n    environment:\n      - POSTGRES_USER=app\n      - POSTGRES_PASSWORD=%s\n    ports:\n      - \"5432:5432\"", pw)
	case 1:
		y = fmt.Sprintf("services:\n  mysql:\n    image: mysql:8.4\n    environment:\n      MYSQL_DATABASE: shop\n      MYSQL_ROOT_PASSWORD: %s\n", pw)
	default:
		y = fmt.Sprintf("services:\n  cache:\n    image: bitnami/redis:7.4\n    command: [\"redis-server\", \"--requirepass\", \"%s\"]\n", pw)
	}
	e.Properties["compose_file"] = y
	e.Properties["project"] = g.pick("shop", "billing", "ops")
	e.label("password", "compose_file", pw)
}

func buildToolSettings(g *gen, e *ev) {
	pw := g.password()
	e.Event = "build_config_loaded"
	var text, key, val string
	cls := "password"
	val = pw
	switch g.r.Intn(7) {
	case 0:
		key = "maven_settings"
		text = fmt.Sprintf("<settings>\n  <servers>\n    <server>\n      <id>internal-releases</id>\n      <username>deployer</username>\n      <password>%s</password>\n    </server>\n  </servers>\n</settings>", pw)
	case 1:
		key = "gradle_properties"
		text = fmt.Sprintf("org.gradle.jvmargs=-Xmx2g\nsigning.keyId=%s\nsigning.password=%s\nossrhUsername=release-bot", strings.ToUpper(g.hex(8)), pw)
	case 2:
		key = "pypirc"
		text = fmt.Sprintf("[distutils]\nindex-servers =\n    private\n\n[private]\nrepository = https://pypi.%s/simple/\nusername = ci\npassword = %s\n", g.host(), pw)
	case 3:
		key = "composer_auth"
		text = jsonString(map[string]any{"http-basic": map[string]any{"repo.packagist.com": map[string]any{"username": "token", "password": pw}}})
	case 4:
		key = "nuget_config"
		text = fmt.Sprintf(`<configuration><packageSourceCredentials><Internal><add key="Username" value="builder" /><add key="ClearTextPassword" value="%s" /></Internal></packageSourceCredentials></configuration>`, pw)
	case 5:
		key = "gem_credentials"
		tok := "rubygems_" + g.hex(48)
		text = "---\n:rubygems_api_key: " + tok + "\n"
		val, cls = tok, "secret_token"
	default:
		key = "cargo_credentials"
		tok := "cio" + g.mixed(32)
		text = "[registry]\ntoken = \"" + tok + "\"\n"
		val, cls = tok, "secret_token"
	}
	e.Properties[key] = text
	e.label(cls, key, val)
}

func ansibleInventory(g *gen, e *ev) {
	pw := g.password()
	e.Event = "playbook_run"
	k := g.pick("ansible_ssh_pass", "ansible_become_password", "ansible_password", "ansible_become_pass")
	inv := fmt.Sprintf("[web]\nweb-%02d ansible_host=10.%d.%d.%d ansible_user=deploy %s=%s\n[db]\ndb-01 ansible_host=10.0.3.4", g.r.Intn(20), g.r.Intn(250), g.r.Intn(250), g.r.Intn(250), k, pw)
	e.Properties["inventory"] = inv
	e.Properties["limit"] = "web"
	e.label("password", "inventory", pw)
}

// ---- request exports ----

func harEntry(g *gen, e *ev) {
	e.Event = "har_attached"
	u, _ := g.name()
	pw := g.password()
	var entry map[string]any
	var val, cls string
	switch g.r.Intn(3) {
	case 0:
		entry = map[string]any{"request": map[string]any{"method": "POST", "url": "https://" + g.host() + "/session", "postData": map[string]any{"mimeType": "application/x-www-form-urlencoded", "params": []any{map[string]any{"name": "login", "value": strings.ToLower(u)}, map[string]any{"name": g.pick("passwd", "pass", "pwd", "user_password"), "value": pw}}}}}
		val, cls = pw, "password"
	case 1:
		cred := b64Std(strings.ToLower(u) + ":" + pw)
		entry = map[string]any{"request": map[string]any{"method": "GET", "url": "https://" + g.host() + "/api/v2/me", "headers": []any{map[string]any{"name": "accept", "value": "application/json"}, map[string]any{"name": g.pick("authorization", "Proxy-Authorization"), "value": "Basic " + cred}}}}
		val, cls = cred, "secret_token"
	default:
		tok := g.vendorToken().make(g)
		entry = map[string]any{"request": map[string]any{"method": "GET", "url": "https://" + g.host() + "/graphql", "cookies": []any{map[string]any{"name": "_ga", "value": "GA1.1." + g.digits(9) + "." + g.digits(10)}}, "headers": []any{map[string]any{"name": "x-" + g.pick("service", "internal", "upstream") + "-token", "value": tok}}}}
		val, cls = tok, "secret_token"
	}
	entry["startedDateTime"] = "2026-11-19T08:12:44.120Z"
	entry["time"] = 120 + g.r.Intn(800)
	e.Properties["har"] = jsonString(map[string]any{"log": map[string]any{"version": "1.2", "entries": []any{entry}}})
	e.label(cls, "har", val)
}

func curlExport(g *gen, e *ev) {
	e.Event = "snippet_copied"
	u, _ := g.name()
	user := strings.ToLower(u)
	pw := g.password()
	tok := g.vendorToken().make(g)
	var cmd, val, cls string
	h := g.host()
	switch g.r.Intn(6) {
	case 0:
		cmd = fmt.Sprintf("curl -sS -u %s:%s https://%s/api/export", user, pw, h)
		val, cls = pw, "password"
	case 1:
		cmd = fmt.Sprintf("curl 'https://%s/login' --data-urlencode 'username=%s' --data-urlencode 'password=%s'", h, user, pw)
		val, cls = pw, "password"
	case 2:
		cmd = fmt.Sprintf("http -a %s:'%s' GET https://%s/v1/invoices", user, pw, h)
		val, cls = pw, "password"
	case 3:
		cmd = fmt.Sprintf("https POST %s/v1/jobs X-Api-Key:%s name=nightly", h, tok)
		val, cls = tok, "secret_token"
	case 4:
		cmd = fmt.Sprintf("wget --user=%s --password='%s' https://%s/backup.tar.gz", user, pw, h)
		val, cls = pw, "password"
	default:
		cmd = fmt.Sprintf("curl --request GET \\\n  --url https://%s/v3/reports \\\n  --header 'accept: application/json' \\\n  --header 'x-access-token: %s'", h, tok)
		val, cls = tok, "secret_token"
	}
	e.Properties["snippet"] = cmd
	e.Properties["language"] = g.pick("shell", "bash")
	e.label(cls, "snippet", val)
}

func postmanExport(g *gen, e *ev) {
	e.Event = "collection_imported"
	pw := g.password()
	tok := g.vendorToken().make(g)
	var doc map[string]any
	var val, cls string
	switch g.r.Intn(3) {
	case 0:
		doc = map[string]any{"info": map[string]any{"name": "Billing API", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "auth": map[string]any{"type": "basic", "basic": []any{map[string]any{"key": "password", "value": pw, "type": "string"}, map[string]any{"key": "username", "value": "billing-bot", "type": "string"}}}}
		val, cls = pw, "password"
	case 1:
		doc = map[string]any{"info": map[string]any{"name": "Ops"}, "auth": map[string]any{"type": "bearer", "bearer": []any{map[string]any{"key": "token", "value": tok, "type": "string"}}}}
		val, cls = tok, "secret_token"
	default:
		doc = map[string]any{"name": "production", "values": []any{map[string]any{"key": "baseUrl", "value": "https://api." + g.host(), "enabled": true}, map[string]any{"key": g.pick("apiKey", "serviceKey", "upstreamAuth"), "value": tok, "type": "secret", "enabled": true}}, "_postman_variable_scope": "environment"}
		val, cls = tok, "secret_token"
	}
	if g.r.Intn(2) == 0 { // the parsed parts as properties
		if vals, ok := doc["values"]; ok {
			e.Properties["postman_env_values"] = vals
			e.label(cls, "postman_env_values[].value", val)
			return
		}
		auth := doc["auth"].(map[string]any)
		e.Properties["collection_auth"] = auth
		e.label(cls, "collection_auth."+auth["type"].(string)+"[].value", val)
		return
	}
	e.Properties["collection_json"] = jsonString(doc)
	e.label(cls, "collection_json", val)
}

// ---- password managers ----

func passwordManagerCSV(g *gen, e *ev) {
	e.Event = "import_preview"
	u, _ := g.name()
	pw := g.password()
	var csv string
	switch g.r.Intn(3) {
	case 0: // a browser's export
		csv = fmt.Sprintf("name,url,username,password,note\n%s,https://%s/,%s,%s,", g.host(), g.host(), strings.ToLower(u), pw)
	case 1: // Bitwarden's export
		csv = fmt.Sprintf("folder,favorite,type,name,notes,fields,reminder,login_uri,login_username,login_password,login_totp\nWork,,login,VPN,,,,https://vpn.%s,%s,%s,", g.host(), strings.ToLower(u), pw)
	default: // Firefox's export
		csv = fmt.Sprintf("\"url\",\"username\",\"password\",\"httpRealm\",\"formActionOrigin\",\"guid\",\"timeCreated\"\n\"https://%s\",\"%s\",\"%s\",,\"https://%s\",\"{%s}\",\"1731900000000\"", g.host(), strings.ToLower(u), pw, g.host(), g.uuid())
	}
	e.Properties["file_head"] = csv
	e.Properties["rows"] = 40 + g.r.Intn(400)
	e.label("password", "file_head", pw)
}

func passwordManagerJSON(g *gen, e *ev) {
	e.Event = "vault_export_debug"
	fn, ln := g.name()
	if g.r.Intn(2) == 0 {
		pw := g.password()
		item := map[string]any{"type": 1, "name": "Router admin", "login": map[string]any{"username": "admin", "password": pw, "uris": []any{"http://192.168.0.1"}}}
		e.Properties["item"] = item
		e.label("password", "item.login.password", pw)
		return
	}
	card, brand := g.card()
	cvc := g.digits(3)
	item := map[string]any{"type": 3, "name": brand, "card": map[string]any{"cardholderName": fn + " " + ln, "brand": brand, "number": card, "expMonth": fmt.Sprint(1 + g.r.Intn(12)), "expYear": fmt.Sprint(2027 + g.r.Intn(5)), "code": cvc}}
	e.Properties["item_json"] = jsonString(item)
	e.label("payment_card", "item_json", card)
	e.label("payment_card", "item_json", `"code":"`+cvc+`"`)
	e.check("luhn", card, true)
}

// ---- crash reports ----

func crashEnvDump(g *gen, e *ev) {
	e.Event = "crash_report"
	t := g.vendorToken()
	tok := t.make(g)
	pw := g.password()
	var dump, val, cls string
	val, cls = tok, "secret_token"
	switch g.r.Intn(7) {
	case 0: // Python os.environ repr
		dump = fmt.Sprintf("environ({'PATH': '/usr/local/bin:/usr/bin', 'LANG': 'C.UTF-8', '%s': '%s', 'PYTHONUNBUFFERED': '1'})", t.env, tok)
	case 1: // Node util.inspect(process.env)
		dump = fmt.Sprintf("{\n  NODE_ENV: 'production',\n  PORT: '8080',\n  %s: '%s',\n  TZ: 'UTC'\n}", t.env, tok)
	case 2: // Ruby ENV.to_h
		dump = fmt.Sprintf("{\"RAILS_ENV\"=>\"production\", \"%s\"=>\"%s\", \"MALLOC_ARENA_MAX\"=>\"2\"}", t.env, tok)
	case 3: // PHP print_r($_SERVER)
		dump = fmt.Sprintf("Array\n(\n    [APP_ENV] => prod\n    [DB_PASSWORD] => %s\n    [SERVER_NAME] => %s\n)", pw, g.host())
		val, cls = pw, "password"
	case 4: // Go %+v of a config struct
		dump = fmt.Sprintf("panic: dial tcp 10.0.4.12:5432: connect: connection refused\n\ngoroutine 1 [running]:\nmain.mustConnect({Host:db.internal Port:5432 User:app Password:%s SSLMode:require})\n\t/src/cmd/api/main.go:57 +0x1a5", pw)
		val, cls = pw, "password"
	case 5: // Rust Debug
		dump = fmt.Sprintf("thread 'main' panicked at src/main.rs:41:10:\nfailed to start: Config { listen: \"0.0.0.0:8080\", smtp_user: \"mailer\", smtp_password: \"%s\", retries: 3 }", pw)
		val, cls = pw, "password"
	default: // Java system properties
		dump = fmt.Sprintf("java.version=21.0.5\njavax.net.ssl.keyStore=/etc/app/keystore.p12\njavax.net.ssl.keyStorePassword=%s\nuser.timezone=UTC", pw)
		val, cls = pw, "password"
	}
	e.Properties["report"] = map[string]any{"exception": g.pick("ConnectionError", "panic", "NullPointerException"), "context": dump, "app_version": "5.2.3"}
	e.label(cls, "report.context", val)
}

// ---- tabular text ----

func sqlDumpInsert(g *gen, e *ev) {
	e.Event = "migration_log"
	fn, ln := g.name()
	var sql, val, cls, fmtName string
	switch g.r.Intn(3) {
	case 0:
		pw := g.password()
		sql = fmt.Sprintf("INSERT INTO `users` (`id`, `login`, `plain_password`, `created_at`) VALUES (%d, '%s', '%s', '2026-11-02 10:00:00');", g.r.Intn(90000), strings.ToLower(fn), pw)
		val, cls = pw, "password"
	case 1:
		card, _ := g.card()
		sql = fmt.Sprintf("INSERT INTO payment_methods VALUES (%d, '%s %s', '%s', '%02d/%02d');", g.r.Intn(90000), fn, ln, card, 1+g.r.Intn(12), 27+g.r.Intn(5))
		val, cls, fmtName = card, "payment_card", "luhn"
	default:
		f := nationalFormats[g.r.Intn(len(nationalFormats))]
		id := f.make(g)
		col := map[string]string{"dk_cpr": "cpr", "pl_nip": "nip", "lt_asmens_kodas": "asmens_kodas", "lv_personas_kods": "personas_kods", "gr_amka": "amka", "ru_snils": "snils", "ru_inn": "inn", "ua_rnokpp": "rnokpp", "kz_iin": "iin", "at_svnr": "sv_nummer", "nz_ird": "ird_number", "au_medicare": "medicare_number", "ec_cedula": "cedula", "uy_ci": "cedula_identidad", "ir_melli": "national_code", "sa_national_id": "national_id", "se_samordningsnummer": "samordningsnummer", "no_dnummer": "d_nummer", "us_mbi": "mbi", "my_mykad": "mykad_no", "id_nik": "nik"}[f.name]
		sql = fmt.Sprintf("INSERT INTO customers (id, full_name, %s, country) VALUES (%d, '%s %s', '%s', '%s');", col, g.r.Intn(90000), fn, ln, id, strings.ToUpper(f.name[:2]))
		val, cls, fmtName = id, "national_id", f.name
	}
	e.Properties["statement"] = sql
	e.Properties["duration_ms"] = g.r.Intn(90)
	e.label(cls, "statement", val)
	if fmtName != "" {
		e.check(fmtName, val, true)
	}
}

func csvRow(g *gen, e *ev) {
	e.Event = "bulk_upload_row_rejected"
	fn, ln := g.name()
	sep := g.pick(",", ";", "\t", "|")
	var header, row []string
	var val, cls, fmtName string
	switch g.r.Intn(3) {
	case 0:
		ib := g.iban()
		header = []string{"beneficiary", "iban", "amount", "reference"}
		row = []string{fn + " " + ln, ib, fmt.Sprintf("%d.00", 50+g.r.Intn(900)), "INV-" + g.digits(5)}
		val, cls, fmtName = ib, "bank_account", "iban"
	case 1:
		card, _ := g.card()
		header = []string{"holder", "pan", "exp"}
		row = []string{fn + " " + ln, card, fmt.Sprintf("%02d%02d", 1+g.r.Intn(12), 27+g.r.Intn(4))}
		val, cls, fmtName = card, "payment_card", "luhn"
	default:
		f := nationalFormats[g.r.Intn(len(nationalFormats))]
		id := f.make(g)
		header = []string{"first_name", "last_name", "id_number", "dob"}
		row = []string{fn, ln, id, "1988-04-12"}
		val, cls, fmtName = id, "national_id", f.name
	}
	if g.r.Intn(2) == 0 {
		e.Properties["csv_excerpt"] = strings.Join(header, sep) + "\n" + strings.Join(row, sep)
		e.label(cls, "csv_excerpt", val)
	} else { // the header in one property, the row in another
		e.Properties["columns"] = strings.Join(header, sep)
		e.Properties["row_text"] = strings.Join(row, sep)
		e.label(cls, "row_text", val)
	}
	e.Properties["line_no"] = 2 + g.r.Intn(400)
	e.check(fmtName, val, true)
}

// ---- nesting and encodings ----

func nestedURLInJSON(g *gen, e *ev) {
	e.Event = "redirect_followed"
	t := g.vendorToken()
	tok := t.make(g)
	param := g.pick("api_key", "access_token", "token", "key", "auth")
	inner := "https://files." + g.host() + "/dl/" + g.hex(8) + "?" + param + "=" + url.QueryEscape(tok) + "&inline=1"
	mid := "https://" + g.host() + "/out?next=" + url.QueryEscape(inner)
	payload := map[string]any{"source": "email", "return_to": mid, "campaign": "nov-digest"}
	e.Properties["context_json"] = jsonString(payload)
	// the token as it appears there: percent-encoded twice
	e.label("secret_token", "context_json", url.QueryEscape(url.QueryEscape(tok)))
}

func layeredEncoding(g *gen, e *ev) {
	e.Event = "sso_state_error"
	var inner, cls string
	if g.r.Intn(2) == 0 {
		inner = jsonString(map[string]any{"u": "ops", "pw": g.password(), "ts": 1795000000 + g.r.Intn(1e6)})
		cls = "password"
	} else {
		inner = jsonString(map[string]any{"svc": "sync", "api_token": g.vendorToken().make(g)})
		cls = "secret_token"
	}
	// The label is the encoded form as it appears in the event: decoded,
	// it holds the secret, so all of it must be gone.
	b := url.QueryEscape(b64Std(inner))
	switch g.r.Intn(3) {
	case 0: // base64 JSON, percent-encoded into a query parameter of a URL
		e.Properties["callback_url"] = "https://" + g.host() + "/sso/return?state=" + b + "&lang=en"
		e.label(cls, "callback_url", b)
	case 1: // the same URL inside a JSON string
		e.Properties["error_context"] = jsonString(map[string]any{"url": "https://" + g.host() + "/sso/return?state=" + b, "status": 400})
		e.label(cls, "error_context", b)
	default: // base64 of JSON, percent-encoded twice
		e.Properties["blob"] = url.QueryEscape(b)
		e.label(cls, "blob", url.QueryEscape(b))
	}
}

func parallelArrays(g *gen, e *ev) {
	e.Event = "form_submit_failed"
	u, _ := g.name()
	switch g.r.Intn(2) {
	case 0:
		pw := g.password()
		e.Properties["field_names"] = []any{"username", g.pick("password", "passcode", "secret")}
		e.Properties["field_values"] = []any{strings.ToLower(u), pw}
		e.label("password", "field_values[]", pw, "form_value")
	default:
		card, _ := g.card()
		e.Properties["headers"] = []any{"Name on card", "Card number", "Expiry"}
		e.Properties["cells"] = []any{u, card, "09/29"}
		e.label("payment_card", "cells[]", card)
		e.check("luhn", card, true)
	}
}

func labelAnswerObjects(g *gen, e *ev) {
	e.Event = "wizard_step_saved"
	pw := g.password()
	kv := [][2]string{{"k", "v"}, {"label", "answer"}, {"field", "input"}, {"prompt", "response"}, {"question", "reply"}, {"attr", "val"}}[g.r.Intn(6)]
	names := []string{"Contraseña", "пароль", "Passwort", "mot de passe", "パスワード", "비밀번호", "Şifre", "Hasło", "Wachtwoord", "Senha", "كلمة المرور", "סיסמה"}
	e.Properties["answers"] = []any{
		map[string]any{kv[0]: g.pick("Company", "Empresa", "Firma"), kv[1]: "Copperkiln Ltd"},
		map[string]any{kv[0]: names[g.r.Intn(len(names))], kv[1]: pw},
	}
	e.label("password", "answers[]."+kv[1], pw, "form_value")
}

var passwordWords = []string{
	"პაროლი", "գաղտնաբառ", "የይለፍ ቃል", "ពាក្យសម្ងាត់", "මුරපදය", "စကားဝှက်", "கடவுச்சொல்", "పాస్\u200cవర్డ్", "পাসওয়ার্ড", "પાસવર્ડ", "ਪਾਸਵਰਡ", "संकेतशब्द",
	"нууц үг", "құпия сөз", "parol", "şifrə", "nenosiri", "ọrọ igbaniwọle", "iphasiwedi", "wagwoord", "cyfrinair", "pasahitza", "pasvorto", "רזאָלוט",
	"رمز عبور", "پاس ورڈ", "ລະຫັດຜ່ານ", "密碼", "口令", "暗号鍵", "비번", "κωδικός πρόσβασης", "лозинка", "slaptažodis", "parole", "jelszó", "geslo", "fjalëkalimi",
}

func keysOtherScripts(g *gen, e *ev) {
	e.Event = "profile_updated"
	pw := g.password()
	k := passwordWords[g.r.Intn(len(passwordWords))]
	if g.r.Intn(2) == 0 {
		e.Properties[k] = pw
		e.label("password", k, pw)
		return
	}
	e.Properties["form"] = map[string]any{"email_opt_in": true, k: pw}
	e.label("password", "form."+k, pw)
}

var keyVariants = []string{"DB-PASSWORD", "db.password", "dbPassWord", "DB__PASSWORD", "x-db-pass", "PassPhrase", "pass_phrase", "keystore.password", "storePass", "KEY_PASS", "rootPw", "adminPwd", "userPasscode", "loginSecret", "SMTP_PASS", "mailPasswd", "ldap-bind-pw", "vpnPsk", "wifi.passkey", "masterPassword", "sudo_pass", "p4passwd", "PGPASS", "RABBITMQ_DEFAULT_PASS", "redis.auth", "keyPassword", "truststore-pass"}

func keySpellingVariants(g *gen, e *ev) {
	e.Event = "settings_saved"
	pw := g.password()
	k := keyVariants[g.r.Intn(len(keyVariants))]
	e.Properties["settings"] = map[string]any{"host": "10.0.0." + fmt.Sprint(g.r.Intn(250)), k: pw, "timeout_s": 30}
	e.label("password", "settings."+k, pw)
}

var chatTemplates = []string{
	"Hola, no puedo entrar. Mi contraseña es %s y dice que es incorrecta",
	"Olá, a minha senha é %s mas não funciona",
	"Мой пароль %s, но вход не проходит",
	"Мій пароль %s, допоможіть будь ласка",
	"パスワードは %s です。ログインできません",
	"我的密码是 %s，为什么登录不了",
	"비밀번호는 %s 입니다. 로그인이 안 돼요",
	"ο κωδικός μου είναι %s αλλά δεν μπαίνω",
	"كلمة المرور الخاصة بي هي %s ولا تعمل",
	"मेरा पासवर्ड %s है, लॉगिन नहीं हो रहा",
	"Şifrem %s ama giriş yapamıyorum",
	"Mật khẩu của tôi là %s nhưng không đăng nhập được",
	"Kata sandi saya %s tapi tidak bisa masuk",
	"Nenosiri langu ni %s lakini haliingii",
	"Ang password ko ay %s pero ayaw gumana",
	"Moje hasło to %s i nie działa",
	"Salasanani on %s eikä se toimi",
	"ჩემი პაროლია %s, ვერ შევდივარ",
	"Իմ գաղտնաբառն է %s, չեմ կարողանում մուտք գործել",
	"הסיסמה שלי היא %s ואני לא מצליח להיכנס",
	"رمز عبور من %s است ولی وارد نمی\u200cشود",
	"รหัสผ่านของฉันคือ %s เข้าไม่ได้",
	"Kata laluan saya ialah %s tetapi gagal",
	"Mening parolim %s, kira olmayapman",
}

func chatPasswordLanguages(g *gen, e *ev) {
	e.Event = g.pick("support_ticket_created", "chat_message_sent")
	pw := g.password()
	msg := fmt.Sprintf(chatTemplates[g.r.Intn(len(chatTemplates))], pw)
	if g.r.Intn(2) == 0 {
		e.Properties["message"] = msg
		e.label("password", "message", pw)
	} else {
		e.Properties["ticket"] = map[string]any{"subject": g.pick("Login", "Вход", "ログイン", "Acceso"), "body": msg, "priority": "normal"}
		e.label("password", "ticket.body", pw)
	}
}

// ---- one-time and recovery secrets ----

func smsOneTimeCode(g *gen, e *ev) {
	e.Event = "notification_received"
	code := g.digits(6)
	tpl := g.pick(
		"G-%s is your Google verification code.",
		"<#> %s is your WhatsApp code. Don't share this code with others",
		"Код подтверждения: %s. Никому не сообщайте его",
		"認証コード：%s （10分間有効）",
		"【Ledgerfox】验证码：%s，5分钟内有效，请勿泄露。",
		"[Web발신] 인증번호 [%s]를 입력해주세요",
		"رمز التحقق الخاص بك هو %s",
		"Your Lumbrella login code is %s. It expires in 10 minutes.",
		"%s est votre code de vérification",
		"Tu código de acceso es %s",
	)
	e.Properties["sms_body"] = fmt.Sprintf(tpl, code)
	e.Properties["sender"] = g.pick("Google", "WhatsApp", "+447700900123", "LEDGERFOX")
	e.label("secret_token", "sms_body", code, "password")
}

func recoveryCodes(g *gen, e *ev) {
	e.Event = "mfa_setup_completed"
	switch g.r.Intn(4) {
	case 0:
		var codes []any
		for i := 0; i < 8; i++ {
			c := g.from("0123456789abcdef", 5) + "-" + g.from("0123456789abcdef", 5)
			codes = append(codes, c)
			e.label("secret_token", "backup_codes[]", c, "password")
		}
		e.Properties["backup_codes"] = codes
	case 1: // BitLocker: 8 groups of 6 digits, each a multiple of 11
		var parts []string
		for i := 0; i < 8; i++ {
			parts = append(parts, fmt.Sprintf("%06d", 11*g.r.Intn(60000)))
		}
		k := strings.Join(parts, "-")
		e.Properties["device"] = map[string]any{"os": "Windows 11", "recovery_key": k, "drive": "C:"}
		e.label("secret_token", "device.recovery_key", k, "password")
	case 2:
		var groups []string
		for i := 0; i < 5; i++ {
			groups = append(groups, g.from("BCDFGHJKMPQRTVWXY2346789", 5))
		}
		k := strings.Join(groups, "-")
		e.Properties["note"] = "Recovery code: " + k
		e.label("secret_token", "note", k, "password")
	default:
		var groups []string
		for i := 0; i < 7; i++ {
			groups = append(groups, g.from("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 4))
		}
		k := strings.Join(groups, "-")
		key := g.pick("recoveryKey", "recovery_key_text", "emergencyKit")
		e.Properties[key] = k
		e.label("secret_token", key, k, "password")
	}
}

var seedWords = []string{"abandon", "ability", "cactus", "dwarf", "echo", "fossil", "galaxy", "harvest", "island", "jungle", "kitten", "ladder", "magnet", "napkin", "orbit", "pepper", "quantum", "rhythm", "saddle", "tunnel", "umbrella", "velvet", "wagon", "yellow", "zebra", "anchor", "bridge", "canvas", "dolphin", "eagle"}

func seedPhrase(g *gen, e *ev) {
	e.Event = "wallet_restore_attempt"
	n := 12
	if g.r.Intn(3) == 0 {
		n = 24
	}
	var w []string
	for i := 0; i < n; i++ {
		w = append(w, seedWords[g.r.Intn(len(seedWords))])
	}
	phrase := strings.Join(w, " ")
	k := g.pick("mnemonic", "seed_phrase", "recoveryPhrase", "secret_recovery_phrase", "seedWords")
	e.Properties["wallet"] = map[string]any{"chain": g.pick("ethereum", "bitcoin", "solana"), k: phrase}
	e.label("private_key", "wallet."+k, phrase, "secret_token", "password")
}

func pinRareKeys(g *gen, e *ev) {
	e.Event = g.pick("payment_authorised", "device_setup", "sim_unlock")
	k := g.pick("upi_pin", "mpin", "tpin", "puk", "puk_code", "sim_pin", "voicemail_pin", "alarm_code", "door_code", "parental_pin", "transaction_pin", "atm_pin", "ПИН-код", "暗証番号", "PIN-Nummer", "codigo_pin", "pinKode")
	n := 4 + g.r.Intn(3)
	if strings.HasPrefix(k, "puk") {
		n = 8
	}
	pin := g.digits(n)
	e.Properties[k] = pin
	e.Properties["method"] = g.pick("upi", "card", "app")
	e.label("password", k, pin)
}

// ---- national IDs, bank accounts and cards of new formats ----

var idKeys = map[string][]string{
	"dk_cpr":               {"cpr", "cpr_nummer", "CPR-nr", "personnummer_dk"},
	"pl_nip":               {"nip", "NIP", "numer_nip", "tax_id_pl"},
	"lt_asmens_kodas":      {"asmens_kodas", "asmensKodas", "personal_code"},
	"lv_personas_kods":     {"personas_kods", "personasKods", "pk_lv"},
	"gr_amka":              {"amka", "ΑΜΚΑ", "social_security_gr"},
	"ru_snils":             {"snils", "СНИЛС", "snils_number"},
	"ru_inn":               {"inn", "ИНН", "inn_fl"},
	"ua_rnokpp":            {"rnokpp", "РНОКПП", "ipn", "ідентифікаційний_код"},
	"kz_iin":               {"iin", "ИИН", "ЖСН"},
	"at_svnr":              {"sv_nummer", "svnr", "versicherungsnummer"},
	"nz_ird":               {"ird_number", "irdNumber", "ird"},
	"au_medicare":          {"medicare_number", "medicareCardNumber", "medicare_no"},
	"ec_cedula":            {"cedula", "numero_cedula", "cédula"},
	"uy_ci":                {"ci", "cedula_identidad", "documento_ci"},
	"ir_melli":             {"national_code", "kode_melli", "کد_ملی"},
	"sa_national_id":       {"national_id", "iqama_number", "رقم_الهوية"},
	"se_samordningsnummer": {"samordningsnummer", "coordination_number"},
	"no_dnummer":           {"d_nummer", "dnummer", "fodselsnummer"},
	"us_mbi":               {"mbi", "medicare_beneficiary_id", "medicareId"},
	"my_mykad":             {"mykad", "ic_number", "no_kp"},
	"id_nik":               {"nik", "NIK", "nomor_induk_kependudukan"},
}

func nationalIDNew(g *gen, e *ev) {
	f := nationalFormats[g.r.Intn(len(nationalFormats))]
	id := f.make(g)
	keys := idKeys[f.name]
	k := keys[g.r.Intn(len(keys))]
	fn, ln := g.name()
	e.check(f.name, id, true)
	switch g.r.Intn(3) {
	case 0:
		e.Event = "kyc_submitted"
		e.Properties["applicant"] = map[string]any{"first_name": fn, "last_name": ln, k: id}
		e.label("national_id", "applicant."+k, id)
	case 1:
		e.Event = "id_scan_ocr"
		e.Properties["ocr_text"] = fmt.Sprintf("%s %s\n%s: %s\nDate of issue 12.03.2021", strings.ToUpper(ln), strings.ToUpper(fn), strings.ToUpper(strings.ReplaceAll(k, "_", " ")), id)
		e.label("national_id", "ocr_text", id)
	default:
		e.Event = "traits_identified"
		e.Properties["$set"] = map[string]any{"name": fn + " " + ln, k: id, "plan": "pro"}
		e.label("national_id", "$set."+k, id)
	}
}

func nationalIDText(g *gen, e *ev) {
	f := nationalFormats[g.r.Intn(len(nationalFormats))]
	id := f.make(g)
	k := idKeys[f.name][0]
	e.Event = "support_ticket_created"
	e.check(f.name, id, true)
	e.Properties["body"] = g.pick("Please update my record, my ", "Hi, the form rejects my ", "Mi ", "Мой ") + strings.ToUpper(strings.ReplaceAll(k, "_", " ")) + " " + g.pick("is ", ": ", "= ") + id
	e.label("national_id", "body", id)
}

func bankAccountNew(g *gen, e *ev) {
	e.Event = g.pick("payout_method_added", "refund_requested", "invoice_settings_saved")
	fn, ln := g.name()
	switch g.r.Intn(6) {
	case 0, 1:
		ib := g.iban()
		v := ib
		if g.r.Intn(2) == 0 {
			v = spaced4(ib)
		}
		k := g.pick("iban", "IBAN", "hesap_iban", "rachunek", "číslo_účtu", "λογαριασμός", "банковский_счет", "bank_account")
		e.Properties["payout"] = map[string]any{"holder": fn + " " + ln, k: v}
		e.label("bank_account", "payout."+k, v)
		e.check("iban", ib, true)
	case 2:
		c := g.clabe()
		k := g.pick("clabe", "cuenta_clabe", "CLABE")
		e.Properties[k] = c
		e.Properties["banco"] = g.pick("BBVA México", "Banorte", "Santander")
		e.label("bank_account", k, c)
		e.check("clabe", c, true)
	case 3:
		c := g.cbu()
		k := g.pick("cbu", "CBU", "cbu_destino")
		e.Properties["transferencia"] = map[string]any{k: c, "alias": g.pick("sol.luna.mar", "casa.verde.rio")}
		e.label("bank_account", "transferencia."+k, c)
		e.check("cbu", c, true)
	case 4:
		bik, acct := g.ruAccount()
		e.Properties["requisites"] = fmt.Sprintf("Получатель: %s %s\nБИК %s\nр/с %s\nИНН банка 7707083893", ln, fn, bik, acct)
		e.label("bank_account", "requisites", acct)
	default:
		var v, k string
		switch g.r.Intn(3) {
		case 0:
			v = fmt.Sprintf("%02d-%04d-%07d-%03d", 1+g.r.Intn(38), g.r.Intn(10000), g.r.Intn(10000000), g.r.Intn(100))
			k = "nz_bank_account"
		case 1:
			v = g.digits(7)
			k = "口座番号"
			e.Properties["支店コード"] = g.digits(3)
		default:
			v = fmt.Sprintf("%03d-%03d-%06d", 100+g.r.Intn(900), g.r.Intn(1000), g.r.Intn(1000000))
			k = "계좌번호"
		}
		e.Properties[k] = v
		e.label("bank_account", k, v)
	}
}

func cardSeparators(g *gen, e *ev) {
	e.Event = g.pick("checkout_error", "payment_form_debug", "chat_message_sent")
	card, _ := g.card()
	sep := g.pick(".", "/", "_", "–", "\u00a0", "\u2009", "|", ":", "  ", "·", "\u3000", "—")
	v := grouped(card, sep)
	e.check("luhn", card, true)
	switch g.r.Intn(3) {
	case 0:
		e.Properties["card_input"] = v
		e.label("payment_card", "card_input", v)
	case 1:
		e.Properties["message"] = g.pick("my card is ", "Meine Karte: ", "номер карты ", "카드번호 ", "卡号 ") + v + g.pick(" exp 08/29", "", " thanks")
		e.label("payment_card", "message", v)
	default:
		e.Properties["debug"] = map[string]any{"field": "pan", "raw": v, "mask_applied": false}
		e.label("payment_card", "debug.raw", v)
	}
}

func cardArrayGroups(g *gen, e *ev) {
	e.Event = "card_form_changed"
	card, _ := g.card()
	if len(card) != 16 {
		card = completeDigit("4"+g.digits(14), luhnOK)
	}
	var parts []any
	k := g.pick("card_number", "cardNumber", "pan_parts", "ccnum")
	for i := 0; i < 16; i += 4 {
		parts = append(parts, card[i:i+4])
		e.label("payment_card", k+"[]", card[i:i+4])
	}
	e.Properties[k] = parts
	e.check("luhn", card, true)
}

// ---- tokens, keys and URLs ----

func vendorTokenNeutral(g *gen, e *ev) {
	t := g.vendorToken()
	tok := t.make(g)
	switch g.r.Intn(5) {
	case 0:
		e.Event = "integration_connected"
		e.Properties["integration"] = map[string]any{"provider": t.vendor, "credential": tok, "scopes": "read write"}
		e.label("secret_token", "integration.credential", tok)
	case 1:
		e.Event = "console_error"
		e.Properties["message"] = fmt.Sprintf("401 Unauthorized calling upstream with %s (provider %s)", tok, t.vendor)
		e.label("secret_token", "message", tok)
	case 2:
		e.Event = "slack_message_indexed"
		e.Properties["text"] = g.pick("here's the key for staging ", "new token: ", "use this → ", "can you try ") + tok + g.pick("", " (rotate after)", " thx")
		e.label("secret_token", "text", tok)
	case 3:
		e.Event = "env_synced"
		e.Properties["dotenv"] = "APP_ENV=production\n" + t.env + "=" + tok + "\nLOG_FORMAT=json"
		e.label("secret_token", "dotenv", tok)
	default:
		e.Event = "helm_values_rendered"
		e.Properties["values_yaml"] = fmt.Sprintf("replicaCount: 2\nextraEnv:\n  - name: %s\n    value: %q\n", t.env, tok)
		e.label("secret_token", "values_yaml", tok)
	}
}

func authHeaderSchemes(g *gen, e *ev) {
	e.Event = "api_request_logged"
	var name, val, secret string
	switch g.r.Intn(9) {
	case 0:
		secret = g.mixed(40)
		name, val = "Authorization", `Token token="`+secret+`"`
	case 1:
		secret = "00" + g.mixed(40)
		name, val = "Authorization", "SSWS "+secret
	case 2:
		secret = g.uuid()
		name, val = "Authorization", "Splunk "+secret
	case 3:
		secret = b64Std(g.mixed(20) + ":" + g.mixed(22))
		name, val = "Authorization", "ApiKey "+secret
	case 4:
		secret = g.mixed(24) + "." + g.from(urlSafe, 6) + "." + g.from(urlSafe, 38)
		name, val = "Authorization", "Bot "+secret
	case 5:
		secret = "y0_" + g.mixed(55)
		name, val = "Authorization", "OAuth "+secret
	case 6:
		secret = "hvs." + g.mixed(90)
		name, val = "X-Vault-Token", secret
	case 7:
		secret = g.hex(37)
		name, val = "X-Auth-Key", secret
	default:
		secret = "shpat_" + g.hex(32)
		name, val = "X-Shopify-Access-Token", secret
	}
	if g.r.Intn(2) == 0 {
		e.Properties["request_headers"] = map[string]any{"Accept": "application/json", name: val, "User-Agent": "okhttp/4.12.0"}
		e.label("secret_token", "request_headers."+name, secret)
	} else {
		e.Properties["raw_request"] = "GET /v1/items HTTP/1.1\r\nHost: api." + g.host() + "\r\n" + name + ": " + val + "\r\nAccept: */*\r\n"
		e.label("secret_token", "raw_request", secret)
	}
}

func webhookURLsNew(g *gen, e *ev) {
	e.Event = "alert_channel_added"
	var u, secret string
	switch g.r.Intn(6) {
	case 0:
		secret = g.digits(7) + "/" + g.from(lowerNum, 7)
		u = "https://hooks.zapier.com/hooks/catch/" + secret + "/"
	case 1:
		secret = g.uuid() + "@" + g.uuid() + "/IncomingWebhook/" + g.hex(32) + "/" + g.uuid()
		u = "https://" + g.pick("contoso", "lumbrella") + ".webhook.office.com/webhookb2/" + secret
	case 2:
		secret = "key=AIza" + g.from(urlSafe, 35) + "&token=" + g.from(urlSafe, 43)
		u = "https://chat.googleapis.com/v1/spaces/AAAA" + g.from(urlSafe, 7) + "/messages?" + secret
	case 3:
		secret = g.from(lowerNum, 26)
		u = "https://chat." + g.host() + "/hooks/" + secret
	case 4:
		secret = g.from(urlSafe, 22)
		u = "https://maker.ifttt.com/trigger/door_open/with/key/" + secret
	default:
		secret = g.from(lowerNum, 32)
		u = "https://hook.eu1.make.com/" + secret
	}
	e.Properties["channel"] = map[string]any{"type": "webhook", "url": u}
	e.label("secret_token", "channel.url", secret)
}

func signedURLsNew(g *gen, e *ev) {
	e.Event = "export_ready"
	var u, sig string
	if g.r.Intn(2) == 0 {
		sig = g.hex(512)
		u = "https://storage.googleapis.com/exports-" + g.from(lowerNum, 6) + "/report.csv?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=exporter%40proj.iam.gserviceaccount.com%2F20261120%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20261120T101500Z&X-Goog-Expires=3600&X-Goog-SignedHeaders=host&X-Goog-Signature=" + sig
	} else {
		sig = g.from(alnum+"~-_", 172)
		u = "https://d" + g.from(lowerNum, 13) + ".cloudfront.net/videos/intro.mp4?Expires=1795000000&Signature=" + sig + "&Key-Pair-Id=K" + g.from(upperNum, 13)
	}
	e.Properties["download_url"] = u
	e.label("secret_token", "download_url", sig)
}

func privateKeysNew(g *gen, e *ev) {
	e.Event = "key_material_debug"
	switch g.r.Intn(6) {
	case 0: // PKCS#8 DER, base64, without PEM armour
		k := "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ" + g.from(alnum+"+/", 300)
		key := g.pick("privateKey", "private_key_der", "signingKeyB64")
		e.Properties[key] = k
		e.label("private_key", key, k)
	case 1: // RFC 4716 SSH2 private key
		body := g.b64(48)
		k := "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: \"rsa-key-20261102\"\n" + body + "\n" + g.b64(48) + "\n---- END SSH2 ENCRYPTED PRIVATE KEY ----"
		e.Properties["key_file"] = k
		e.label("private_key", "key_file", body)
	case 2: // Nostr nsec (bech32)
		k := "nsec1" + g.from("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58)
		e.Properties["nostr"] = map[string]any{"npub": "npub1" + g.from("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58), "nsec": k}
		e.label("private_key", "nostr.nsec", k)
	case 3: // minisign secret key file
		body := "RWRTY0Iy" + g.from(alnum+"+/", 204) + "="
		k := "untrusted comment: minisign encrypted secret key\n" + body
		e.Properties["minisign_key"] = k
		e.label("private_key", "minisign_key", body)
	case 4: // Solana keypair file: a JSON array of 64 byte values
		var nums []string
		for i := 0; i < 64; i++ {
			nums = append(nums, fmt.Sprint(g.r.Intn(256)))
		}
		k := "[" + strings.Join(nums, ",") + "]"
		e.Properties["keypair_json"] = k
		e.label("private_key", "keypair_json", k)
	default: // Bitcoin WIF (compressed)
		k := g.pick("K", "L") + g.from("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", 51)
		e.Properties["wallet_import"] = map[string]any{"format": "wif", "key": k}
		e.label("private_key", "wallet_import.key", k, "secret_token")
	}
}

func credentialsInURLNew(g *gen, e *ev) {
	e.Event = g.pick("device_added", "worker_started", "proxy_configured")
	pw := g.password()
	user := g.pick("admin", "svc", "ops", "camera", "mailer")
	var u string
	switch g.r.Intn(8) {
	case 0:
		u = fmt.Sprintf("rtsp://%s:%s@192.168.1.%d:554/Streaming/Channels/101", user, url.PathEscape(pw), 2+g.r.Intn(200))
	case 1:
		u = fmt.Sprintf("amqp://%s:%s@rabbit.internal:5672/%%2F", user, url.PathEscape(pw))
	case 2:
		u = fmt.Sprintf("smtp://%s:%s@smtp.%s:587", user, url.PathEscape(pw), g.host())
	case 3:
		u = fmt.Sprintf("socks5://%s:%s@proxy.%s:1080", user, url.PathEscape(pw), g.host())
	case 4:
		u = fmt.Sprintf("ftp://%s:%s@files.%s/incoming/", user, url.PathEscape(pw), g.host())
	case 5:
		u = fmt.Sprintf("mqtt://%s:%s@broker.%s:1883", user, url.PathEscape(pw), g.host())
	case 6:
		u = fmt.Sprintf("nats://%s:%s@nats.internal:4222", user, url.PathEscape(pw))
	default:
		u = fmt.Sprintf("https://oauth2:%s@gitlab.%s/group/app.git", url.PathEscape(pw), g.host())
	}
	shown := url.PathEscape(pw)
	if g.r.Intn(2) == 0 {
		e.Properties["endpoint"] = u
		e.label("credentials_in_url", "endpoint", shown, "password")
	} else {
		e.Properties["env"] = "HTTP_PROXY=" + u + "\nNO_PROXY=localhost"
		e.label("credentials_in_url", "env", shown, "password")
	}
}

func cliSecretFlags(g *gen, e *ev) {
	e.Event = "shell_history_uploaded"
	pw := g.password()
	var cmd string
	switch g.r.Intn(10) {
	case 0:
		cmd = "sshpass -p '" + pw + "' ssh deploy@10.0.0.7"
	case 1:
		cmd = "PGPASSWORD='" + pw + "' psql -h db.internal -U app shop"
	case 2:
		cmd = "redis-cli -h cache.internal -a '" + pw + "' INFO"
	case 3:
		cmd = "openssl pkcs12 -export -in cert.pem -inkey key.pem -out bundle.p12 -passout pass:" + pw
	case 4:
		cmd = "keytool -importkeystore -srckeystore a.jks -srcstorepass " + pw + " -destkeystore b.p12"
	case 5:
		cmd = "7z a -p" + pw + " backup.7z ./dump"
	case 6:
		cmd = "htpasswd -b -c /etc/nginx/.htpasswd admin " + pw
	case 7:
		cmd = "rabbitmqctl add_user ingest " + pw
	case 8:
		cmd = "kubectl create secret generic db-creds --from-literal=password=" + pw
	default:
		cmd = "helm upgrade --install pg bitnami/postgresql --set auth.postgresPassword=" + pw
	}
	hist := fmt.Sprintf("  %d  cd /srv/app\n  %d  %s\n  %d  exit", 500+g.r.Intn(400), 901+g.r.Intn(10), cmd, 912+g.r.Intn(10))
	e.Properties["history"] = hist
	e.label("password", "history", pw)
}

func notebookCell(g *gen, e *ev) {
	e.Event = "notebook_saved"
	t := g.vendorToken()
	tok := t.make(g)
	src := []any{"import os\n", fmt.Sprintf("os.environ[\"%s\"] = \"%s\"\n", t.env, tok), "client = make_client()\n"}
	if g.r.Intn(2) == 0 {
		src = []any{"from sdk import Client\n", fmt.Sprintf("client = Client(api_key='%s')\n", tok)}
	}
	nb := map[string]any{"cells": []any{map[string]any{"cell_type": "code", "execution_count": 3, "metadata": map[string]any{}, "outputs": []any{}, "source": src}}, "nbformat": 4, "nbformat_minor": 5}
	e.Properties["ipynb"] = jsonString(nb)
	e.label("secret_token", "ipynb", tok)
}

func authenticatorExport(g *gen, e *ev) {
	e.Event = "authenticator_backup"
	seed := g.from("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 32)
	switch g.r.Intn(2) {
	case 0: // Aegis/2FAS-style JSON export
		e.Properties["backup_json"] = jsonString(map[string]any{"version": 1, "entries": []any{map[string]any{"type": "totp", "name": "ops@" + g.host(), "issuer": "GitLab", "info": map[string]any{"secret": seed, "algo": "SHA1", "digits": 6, "period": 30}}}})
		e.label("secret_token", "backup_json", seed)
	default: // Google Authenticator export: base64 protobuf carrying seeds
		data := g.b64(90)
		e.Properties["qr_payload"] = "otpauth-migration://offline?data=" + url.QueryEscape(data)
		e.label("secret_token", "qr_payload", url.QueryEscape(data))
	}
}

// autotrackedTypedText is what a user typed into a form control that an
// autotracking SDK captured: a textarea or text input's value (form_value),
// in shapes of a click/change stream no earlier corpus used.
func autotrackedTypedText(g *gen, e *ev) {
	fn, ln := g.name()
	typed := g.pick("Please call me back after 6pm, "+fn, "Ship to "+ln+" family, gate on the left", "Refund order "+g.digits(6)+", it arrived broken", "Allergic to peanuts - "+fn+" "+ln, "Мне нужна помощь с заказом "+g.digits(5), "配達は午後にお願いします "+ln)
	switch g.r.Intn(3) {
	case 0: // a change event from a click/change autotracker
		e.Event = "$change"
		e.Properties["target"] = map[string]any{"tag": g.pick("textarea", "input"), "name": g.pick("notes", "comment", "message", "instructions"), "type": "text", "value": typed}
		e.label("form_value", "target.value", typed)
	case 1: // a session-recording input event with the value in "v"
		e.Event = "$session_input"
		e.Properties["inputs"] = []any{map[string]any{"sel": "#" + g.pick("notes", "feedback"), "v": typed, "t": 1795000000000 + g.r.Int63n(1e9)}}
		e.label("form_value", "inputs[].v", typed)
	default: // a password field captured by the same autotracker
		pw := g.password()
		e.Event = "$change"
		e.Properties["target"] = map[string]any{"tag": "input", "name": g.pick("pass", "pw", "login_secret"), "type": "password", "value": pw}
		e.label("password", "target.value", pw, "form_value")
	}
}
