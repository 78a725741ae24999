package main

// Clean scenarios: nothing sensitive by docs/GUARD.md's definitions, but
// shaped to deceive. Keys a browser SDK legitimately sends are public by
// the rules ("publishable means made to be embedded in web pages and
// apps"), and so are identifiers that only name something.

import (
	"fmt"
	"net/url"
	"strings"
)

var cleanScenarios = []scenario{
	{"public_sdk_keys", publicSDKKeys},
	{"sentry_dsn", sentryDSN},
	{"oauth_authorize_url", oauthAuthorize},
	{"oauth_error_redirect", oauthErrorRedirect},
	{"saml_request_redirect", samlRequest},
	{"tracing_ids", tracingIDs},
	{"aws_ids", awsIDs},
	{"digests_and_integrity", digests},
	{"click_ids_adtech_url", clickIDs},
	{"experiments_and_flags", experimentsFlags},
	{"jwks_public", jwksPublic},
	{"base64_thumbnail", thumbnail},
	{"minified_js_error", minifiedError},
	{"file_names", fileNames},
	{"network_ids", networkIDs},
	{"cron_sql_log", cronSQLLog},
	{"css_snippet", cssSnippet},
	{"luhn_by_chance", luhnByChance},
	{"mod97_payment_reference", mod97Reference},
	{"masked_values", maskedValues},
	{"national_id_lookalike", nationalLookalike},
	{"bank_codes_alone", bankCodes},
	{"connection_strings_without_secret", connNoSecret},
	{"cookies_clean", cookiesClean},
	{"digest_challenge", digestChallenge},
	{"rrweb_masked_input", rrwebMasked},
	{"elements_chain_clean", elementsChainClean},
	{"graphql_clean", graphqlClean},
	{"wallet_public", walletPublic},
	{"public_key_files", publicKeyFiles},
	{"card_metadata", cardMeta},
	{"prose_about_secrets", proseAboutSecrets},
	{"national_id_lookalike", nationalLookalike},
	{"national_id_lookalike", nationalLookalike},
}

func publicSDKKeys(g *gen, e *ev) {
	e.Event = "sdk_init"
	// Every key here is documented by its vendor as safe to ship in a web
	// page or app: GUARD.md keeps analytics project tokens and write keys,
	// phc_ project keys, pk_ publishable keys, pk.eyJ Mapbox public tokens,
	// search-only keys, captcha site keys; GA ids name a property.
	cfg := map[string]any{}
	switch g.r.Intn(8) {
	case 0:
		cfg["mixpanel_token"] = g.hex(32)
	case 1:
		cfg[g.pick("posthog_api_key", "api_key", "apiKey")] = "phc_" + g.alnum(43)
		cfg["api_host"] = "https://eu.i.posthog.com"
	case 2:
		cfg[g.pick("segment_write_key", "writeKey")] = g.alnum(32)
	case 3:
		cfg[g.pick("stripe_publishable_key", "publishableKey", "stripeKey")] = g.pick("pk_live_", "pk_test_") + g.alnum(99)
	case 4:
		cfg[g.pick("mapbox_token", "accessToken", "mapboxAccessToken")] = "pk.eyJ1Ijoi" + g.b64url(24) + "." + g.b64url(16)
	case 5:
		cfg["algolia"] = map[string]any{"appId": g.from(upperNum, 10), "searchOnlyApiKey": g.hex(32), "indexName": "products_prod"}
	case 6:
		cfg[g.pick("recaptcha_site_key", "sitekey", "hcaptcha_sitekey")] = "6L" + g.from(alnum+"-_", 38)
	default:
		cfg["measurement_id"] = "G-" + g.from(upperNum, 10)
		cfg["amplitude_api_key"] = g.hex(32)
	}
	e.Properties["sdk_config"] = cfg
}

func sentryDSN(g *gen, e *ev) {
	// the DSN's userinfo is Sentry's public key: meant for browsers
	dsn := fmt.Sprintf("https://%s@o%s.ingest.%ssentry.io/%s", g.hex(32), g.digits(6), g.pick("", "us.", "de."), "45"+g.digits(14))
	e.Event = "sdk_init"
	e.Properties[g.pick("sentry_dsn", "dsn", "SENTRY_DSN")] = dsn
	e.Properties["environment"] = "production"
}

func oauthAuthorize(g *gen, e *ev) {
	// PKCE: code_challenge is the S256 hash of the verifier, sent openly.
	q := url.Values{}
	q.Set("response_type", "code")
	q.Set("client_id", g.pick(g.digits(12)+"-"+g.from("abcdefghijklmnopqrstuvwxyz0123456789", 32)+".apps.googleusercontent.com", g.uuid(), "0oa"+g.alnum(17)))
	q.Set("redirect_uri", "https://"+g.host()+"/callback")
	q.Set("scope", "openid email profile offline_access")
	q.Set("state", g.b64url(24))
	q.Set("nonce", g.b64url(16))
	q.Set("code_challenge", g.b64url(32))
	q.Set("code_challenge_method", "S256")
	e.Event = g.pick("$mp_web_page_view", "login_redirect")
	e.Properties[g.pick("$current_url", "authorize_url")] = "https://" + g.pick("accounts.google.com/o/oauth2/v2/auth", "login.microsoftonline.com/common/oauth2/v2.0/authorize", "dev-41xq.us.auth0.com/authorize") + "?" + q.Encode()
}

func oauthErrorRedirect(g *gen, e *ev) {
	e.Event = "$pageview"
	e.Properties["$current_url"] = fmt.Sprintf("https://%s/callback?error=%s&error_description=%s&state=%s", g.host(), g.pick("access_denied", "invalid_request", "login_required"), url.QueryEscape("The user denied the request"), g.b64url(24))
}

func samlRequest(g *gen, e *ev) {
	// an AuthnRequest carries no credential; the signature is of the request
	e.Event = "sso_redirect"
	e.Properties["$current_url"] = "https://idp.corp.local/saml2/sso?SAMLRequest=" + url.QueryEscape(g.b64(300)) + "&RelayState=" + g.hex(16) + "&SigAlg=" + url.QueryEscape("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256") + "&Signature=" + url.QueryEscape(g.b64(256))
}

func tracingIDs(g *gen, e *ev) {
	tid, sid := g.hex(32), g.hex(16)
	e.Event = g.pick("api_call", "network_request")
	e.Properties["traceparent"] = "00-" + tid + "-" + sid + "-01"
	e.Properties["tracestate"] = "dd=s:1;t.tid:" + g.hex(16) + ",rojo=" + g.hex(16)
	e.Properties["trace_id"] = tid
	e.Properties["span_id"] = sid
	e.Properties["x-request-id"] = g.uuid()
	e.Properties["x-b3-traceid"] = g.hex(32)
	e.Properties["x-cloud-trace-context"] = g.hex(32) + "/" + g.digits(19) + ";o=1"
}

func awsIDs(g *gen, e *ev) {
	acct := g.digits(12)
	e.Event = g.pick("deploy_finished", "s3_upload_completed")
	e.Properties["aws_request_id"] = g.uuid()
	e.Properties["x_amz_request_id"] = g.from(upperNum, 16)
	e.Properties["x_amz_id_2"] = g.b64(56)
	e.Properties["role_arn"] = "arn:aws:iam::" + acct + ":role/" + g.pick("ci-deployer", "lambda-exec", "AWSReservedSSO_Admin_"+g.hex(16))
	e.Properties["kms_key_arn"] = "arn:aws:kms:eu-west-1:" + acct + ":key/" + g.uuid()
	e.Properties["s3_key"] = fmt.Sprintf("uploads/%s/%s/%s.%s", g.digits(4), g.hex(2), g.uuid(), g.pick("jpg", "pdf", "parquet"))
	e.Properties["cloudfront_id"] = "E" + g.from(upperNum, 13)
}

func digests(g *gen, e *ev) {
	e.Event = g.pick("build_published", "asset_loaded", "package_installed")
	e.Properties["image"] = "ghcr.io/brightloop/api@sha256:" + g.hex(64)
	e.Properties["sri"] = "sha384-" + g.b64(48)
	e.Properties["npm_integrity"] = "sha512-" + g.b64(64)
	e.Properties["lfs_pointer"] = "version https://git-lfs.github.com/spec/v1\noid sha256:" + g.hex(64) + "\nsize " + g.digits(7) + "\n"
	e.Properties["etag"] = g.pick(`"`+g.hex(32)+`"`, `W/"`+g.hex(8)+"-"+g.b64(20)[:27]+`"`, `"`+g.hex(32)+"-"+g.digits(2)+`"`)
	e.Properties["asset_url"] = fmt.Sprintf("https://cdn.%s/_next/static/chunks/%s-%s.js", strings.TrimPrefix(g.host(), "app."), g.pick("main", "framework", "pages/_app"), g.hex(16))
	e.Properties["commit"] = g.hex(40)
}

func clickIDs(g *gen, e *ev) {
	q := url.Values{}
	q.Set("utm_source", g.pick("google", "facebook", "tiktok", "bing"))
	q.Set("utm_medium", "cpc")
	q.Set("utm_campaign", g.pick("bf_2026_eu", "retarget_q4", "brand_exact"))
	q.Set("gclid", "Cj0KCQiA"+g.from(alnum+"-_", 80)+"_BwE")
	q.Set("fbclid", "IwAR"+g.from(alnum+"-_", 58))
	q.Set("msclkid", g.hex(32))
	q.Set("ttclid", "E.C.P."+g.from(alnum, 60))
	q.Set("dclid", "CJ"+g.from(alnum, 30))
	q.Set("gad_source", "1")
	q.Set("gbraid", "0AAAAAD"+g.from(alnum+"-_", 40))
	e.Event = "$mp_web_page_view"
	e.Properties["$current_url"] = "https://" + g.host() + "/landing?" + q.Encode()
	e.Properties["_fbc"] = "fb.1." + g.msTime() + ".IwAR" + g.from(alnum+"-_", 40)
	e.Properties["_ttp"] = g.from(alnum, 27)
}

func experimentsFlags(g *gen, e *ev) {
	e.Event = g.pick("$experiment_started", "$feature_flag_called")
	e.Properties["$experiment_id"] = g.digits(8)
	e.Properties["$variant"] = g.pick("control", "test", "variant_b")
	e.Properties["$feature_flag"] = g.pick("new-checkout", "pricing-v2", "onboarding_skip")
	e.Properties["$feature_flag_payload"] = jsonString(map[string]any{"layout": "grid", "rollout_key": g.hex(24), "seed": g.hex(16), "weights": []any{0.5, 0.5}})
	e.Properties["statsig_client_key"] = "client-" + g.alnum(43)
	e.Properties["launchdarkly_client_side_id"] = g.hex(24)
	e.Properties["optimizely_experiment_key"] = g.pick("checkout_cta_test", "pricing_page_v3")
}

func jwksPublic(g *gen, e *ev) {
	e.Event = "oidc_discovery_loaded"
	e.Properties["jwks"] = map[string]any{"keys": []any{
		map[string]any{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": g.hex(40), "n": g.b64url(256), "e": "AQAB"},
		map[string]any{"kty": "EC", "use": "sig", "crv": "P-256", "kid": g.hex(16), "x": g.b64url(32), "y": g.b64url(32)},
	}}
}

func thumbnail(g *gen, e *ev) {
	e.Event = g.pick("avatar_uploaded", "image_preview")
	e.Properties["thumbnail"] = "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA" + g.b64(600)
	e.Properties["blurhash"] = "L" + g.from(alnum+"#$%*+,-.:;=?@[]^_{|}~", 27)
}

func minifiedError(g *gen, e *ev) {
	e.Event = "$exception"
	h := g.hex(8)
	e.Properties["$exception_message"] = g.pick("Cannot read properties of undefined (reading 'a')", "t.map is not a function", "Minified React error #418; visit https://react.dev/errors/418?args[]="+g.hex(6)+" for the full message")
	e.Properties["$exception_stack_trace_raw"] = fmt.Sprintf("TypeError: %s\n    at t.value (https://cdn.example.com/static/js/main.%s.js:2:%d)\n    at Object.Xe [as onClick] (https://cdn.example.com/static/js/%d.%s.chunk.js:1:%d)\n    at HTMLButtonElement.r (vendor.%s.js:1:%d)", "e is undefined", h, g.r.Intn(90000), g.r.Intn(900), g.hex(8), g.r.Intn(40000), g.hex(20), g.r.Intn(50000))
}

func fileNames(g *gen, e *ev) {
	e.Event = g.pick("File Uploaded", "attachment_added")
	e.Properties["file_name"] = g.pick(fmt.Sprintf("IMG_2026%02d%02d_%s.jpg", 1+g.r.Intn(11), 1+g.r.Intn(28), g.digits(6)), g.hex(32)+".pdf", "scan-"+g.uuid()+".png", "Screenshot 2026-11-"+g.digits(1)+"2 at 10."+g.digits(2)+".14.png", g.alnum(16)+".heic")
	e.Properties["upload_id"] = g.b64url(18)
	e.Properties["checksum_crc32c"] = g.b64(4)
	e.Properties["content_md5"] = g.b64(16)
}

func networkIDs(g *gen, e *ev) {
	e.Event = g.pick("device_paired", "network_info")
	e.Properties["ipv6"] = fmt.Sprintf("2001:db8:%s:%s::%s", g.hex(4), g.hex(4), g.hex(4))
	e.Properties["mac"] = strings.ToUpper(fmt.Sprintf("%s:%s:%s:%s:%s:%s", g.hex(2), g.hex(2), g.hex(2), g.hex(2), g.hex(2), g.hex(2)))
	e.Properties["geohash"] = g.from("0123456789bcdefghjkmnpqrstuvwxyz", 9)
	e.Properties["h3_index"] = "8" + g.hex(14)
	e.Properties["bssid_hash"] = g.hex(64)
	e.Properties["imsi_prefix"] = g.digits(5)
}

func cronSQLLog(g *gen, e *ev) {
	e.Event = g.pick("job_run", "slow_query", "worker_log")
	e.Properties["schedule"] = g.pick("*/15 * * * *", "0 3 * * 1-5", "30 2 1 * *")
	e.Properties["sql"] = g.pick(
		"SELECT id, email FROM users WHERE password_hash = $1 AND tenant_id = $2 LIMIT 1",
		"UPDATE accounts SET api_key_hash = ?, rotated_at = now() WHERE id = ?",
		"INSERT INTO sessions (token_digest, user_id, expires_at) VALUES (:digest, :uid, :exp)")
	e.Properties["log"] = fmt.Sprintf("%s INFO worker=%s job=%s trace=%s span=%s msg=\"completed in %dms\" key_id=%s", "2026-12-02T10:15:"+g.digits(2)+"Z", g.hex(12), g.uuid(), g.hex(32), g.hex(16), g.r.Intn(900), "kid_"+g.hex(16))
}

func cssSnippet(g *gen, e *ev) {
	e.Event = "theme_saved"
	e.Properties["custom_css"] = fmt.Sprintf(".btn-primary{background:#%s;border-color:#%s}.hero{background-image:url(data:image/svg+xml;base64,%s)}@font-face{font-family:x;src:url(/fonts/%s.woff2)}", g.hex(6), g.hex(6), g.b64(120), g.hex(20))
	e.Properties["class_names"] = "css-" + g.from("abcdefghijklmnopqrstuvwxyz0123456789", 6) + " sc-" + g.alnum(6) + "-0 " + g.alnum(7)
}

// luhnByChance writes numbers that pass Luhn but are not cards: under keys
// naming what they are, and outside card issuer ranges.
func luhnByChance(g *gen, e *ev) {
	body := g.pick("1", "0", "7") + g.digits(14)
	n := body + luhnDigit(body)
	imei := "35" + g.digits(12)
	imei += luhnDigit(imei)
	e.Event = g.pick("Order Completed", "device_registered")
	e.Properties[g.pick("order_number", "shipment_id", "member_number")] = n
	e.Properties["imei"] = imei
	e.Properties["gift_card_last4"] = g.digits(4)
	e.check("luhn", n, true)
}

func mod97Reference(g *gen, e *ev) {
	ref := g.ogm()
	e.Event = "invoice_viewed"
	e.Properties["structured_communication"] = ref
	e.Properties["invoice_number"] = "INV-2026-" + g.digits(5)
	e.check("ogm", ref, true)
}

func maskedValues(g *gen, e *ev) {
	e.Event = g.pick("Payment Method Shown", "profile_viewed")
	e.Properties["card_display"] = g.pick("•••• •••• •••• ", "**** **** **** ", "XXXX-XXXX-XXXX-") + g.digits(4)
	e.Properties["iban_masked"] = g.pick("RO", "HR", "PT") + g.digits(2) + " **** **** **** " + g.digits(4)
	e.Properties["national_id_masked"] = "***-**-" + g.digits(4)
	e.Properties["password"] = g.pick("********", "[REDACTED]", "", "<hidden>")
	e.Properties["phone_masked"] = "+40 7** *** " + g.digits(3)
}

func nationalLookalike(g *gen, e *ev) {
	f := nationalFormats[g.r.Intn(len(nationalFormats))]
	v := g.lookalike(f)
	k := f.keys[g.r.Intn(len(f.keys))]
	e.Event = g.pick("KYC Submitted", "Profile Updated")
	e.Properties[k] = v
	e.Scenario += ":" + f.name
	e.check(f.name, v, false)
}

func bankCodes(g *gen, e *ev) {
	e.Event = g.pick("bank_selected", "branch_lookup")
	switch g.r.Intn(3) {
	case 0:
		rt := g.aba()
		e.Properties["routing_number"] = rt
		e.check("aba", rt, true)
	case 1:
		e.Properties["bsb"] = fmt.Sprintf("%03d-%03d", g.r.Intn(999), g.r.Intn(999))
	default:
		e.Properties["ifsc"] = g.pick("HDFC", "ICIC", "SBIN") + "0" + g.from(upperNum, 6)
		e.Properties["micr"] = g.digits(9)
	}
	e.Properties["bank_name"] = g.pick("Chase", "Westpac", "HDFC Bank")
}

func connNoSecret(g *gen, e *ev) {
	e.Event = g.pick("worker_started", "settings_saved")
	e.Properties["connection"] = g.pick(
		"jdbc:postgresql://db.internal:5432/app?sslmode=require&ApplicationName=etl",
		"Driver={ODBC Driver 18 for SQL Server};Server=sql01.corp.local;Database=Sales;Trusted_Connection=yes;Encrypt=yes;",
		"redis://redis.cache.internal:6379/2",
		"mongodb+srv://cluster0."+g.from("abcdefghijklmnopqrstuvwxyz0123456789", 5)+".mongodb.net/?retryWrites=true&authMechanism=MONGODB-AWS",
		"https://"+g.pick("stprodassets", "logsarchive01")+".blob.core.windows.net/public/logo.svg",
		"DefaultEndpointsProtocol=https;AccountName=devstore;UseDevelopmentStorage=true")
}

func cookiesClean(g *gen, e *ev) {
	e.Event = "network_request"
	e.Properties["response_headers"] = map[string]any{
		"set-cookie": g.pick(
			"_ga=GA1.1."+g.digits(10)+"."+g.digits(10)+"; Path=/; Max-Age=63072000",
			"theme=dark; Path=/; SameSite=Lax",
			"_fbp=fb.1."+g.msTime()+"."+g.digits(10)+"; Path=/; Max-Age=7776000",
			"cookie_consent=analytics%3Dtrue%26ads%3Dfalse; Path=/; Max-Age=31536000",
			"lang=pt-PT; Path=/"),
		"cache-control": "no-store",
	}
}

func digestChallenge(g *gen, e *ev) {
	e.Event = "camera_request"
	e.Properties["response_headers"] = map[string]any{"www-authenticate": fmt.Sprintf(`Digest realm="IP Camera", qop="auth", nonce="%s", opaque="%s", algorithm=MD5, stale=FALSE`, g.hex(32), g.hex(32)), "status": "401"}
}

func rrwebMasked(g *gen, e *ev) {
	// rrweb's maskInputOptions replaces each typed character with '*'
	n := 6 + g.r.Intn(10)
	e.Event = "$snapshot"
	e.Properties["$snapshot_data"] = []any{map[string]any{"type": 3, "timestamp": 1795990000000 + g.r.Int63n(1e9), "data": map[string]any{"source": 5, "text": strings.Repeat("*", n), "isChecked": false, "id": 40 + g.r.Intn(300)}},
		map[string]any{"type": 3, "data": map[string]any{"source": 2, "type": 5, "id": 40 + g.r.Intn(300)}}}
}

func elementsChainClean(g *gen, e *ev) {
	e.Event = "$autocapture"
	e.Properties["$event_type"] = "click"
	// a click on the show-password toggle: the chain lists the clicked
	// element and its ancestors, none of them holding a typed value
	e.Properties["$elements_chain"] = fmt.Sprintf(`button.pw-toggle:attr__aria-label="Show password"attr__class="pw-toggle"attr__data-testid="password-visibility"attr__type="button"nth-child="3"nth-of-type="1";div.field.field--password:attr__class="field field--password"attr__id="pw-%s"nth-child="2"nth-of-type="2";form#reset:attr__action="/password/reset"attr__id="reset"nth-child="1"nth-of-type="1";body:nth-child="2"nth-of-type="1"`, g.hex(6))
}

func graphqlClean(g *gen, e *ev) {
	e.Event = "graphql_request"
	e.Properties["request_body"] = fmt.Sprintf(`{"operationName":"Viewer","variables":{"first":%d,"after":"%s","passwordPolicy":true},"query":"query Viewer($first: Int, $after: String) { viewer { passwordUpdatedAt apiKeys(first: $first, after: $after) { edges { node { id prefix lastUsedAt } } } } }"}`, 10+g.r.Intn(40), b64urlRaw("cursor:"+g.digits(3)))
}

func walletPublic(g *gen, e *ev) {
	// addresses and transaction hashes are public on the chain
	e.Event = g.pick("wallet_connected", "transaction_sent")
	e.Properties["address"] = "0x" + g.hex(40)
	e.Properties["tx_hash"] = "0x" + g.hex(64)
	e.Properties["btc_address"] = "bc1q" + g.from("023456789acdefghjklmnpqrstuvwxyz", 38)
	e.Properties["block_hash"] = strings.Repeat("0", 19) + g.hex(45)
}

func publicKeyFiles(g *gen, e *ev) {
	e.Event = g.pick("ssh_key_added", "certificate_uploaded")
	e.Properties["public_key"] = g.pick(
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI"+g.b64(24)[:32]+" deploy@jump01",
		"---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"eddsa-key-20261114\"\nAAAAC3NzaC1lZDI1NTE5AAAAI"+g.b64(24)[:32]+"\n---- END SSH2 PUBLIC KEY ----\n",
		"-----BEGIN CERTIFICATE-----\nMIID"+g.b64(45)+"\n"+g.b64(48)+"\n-----END CERTIFICATE-----\n",
		"-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"+g.b64(15)+"\n"+g.b64(48)+"\n-----END PUBLIC KEY-----\n")
	e.Properties["fingerprint"] = "SHA256:" + g.b64(32)[:43]
}

func cardMeta(g *gen, e *ev) {
	e.Event = "Payment Method Added"
	e.Properties["card"] = map[string]any{"brand": g.pick("visa", "mastercard", "amex"), "last4": g.digits(4), "exp_month": 1 + g.r.Intn(12), "exp_year": 2027 + g.r.Intn(5), "funding": "credit", "bin": g.pick("4", "5") + g.digits(5), "fingerprint": g.alnum(16)}
	e.Properties["checks"] = map[string]any{"cvc_check": g.pick("pass", "unchecked"), "address_postal_code_check": "pass"}
	e.Properties["payment_method_id"] = "pm_" + g.alnum(24)
	e.Properties["client_secret_present"] = true
}

func proseAboutSecrets(g *gen, e *ev) {
	e.Event = g.pick("support_message", "search", "docs_feedback")
	e.Properties["text"] = g.pick(
		"How do I rotate my API key without downtime? The docs say the old key keeps working for 24h.",
		"Reset password link expired, can you send a new one?",
		"Where do I find my BSB and account number in the app?",
		"Kako promijeniti lozinku? Ne primam e-mail.",
		"ลืมรหัสผ่าน ต้องทำอย่างไร",
		"Unde găsesc codul IBAN în aplicație?",
		"Hvar finn ég kennitöluna mína í stillingum?",
		"my seed phrase backup reminder keeps popping up, how do I turn it off")
	e.Properties["query_id"] = g.hex(24)
}

// msTime is a millisecond Unix time in the corpus's months, as cookies
// such as _fbc and _fbp write it.
func (g *gen) msTime() string {
	return fmt.Sprint(1793491200000 + g.r.Int63n(55*86400000))
}
