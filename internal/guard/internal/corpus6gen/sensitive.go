package main

// Sensitive scenarios: each writes at least one labelled value. Classes
// follow docs/GUARD.md's definitions: a value is a secret when knowing it
// lets someone act as its owner (log in, pay, call an API, decrypt).

import (
	"fmt"
	"net/url"
	"strings"
)

var sensitiveScenarios = []scenario{
	{"oauth_code_in_callback_url", oauthCode},
	{"oauth_fragment_access_token", oauthFragment},
	{"oauth_token_request_body", oauthTokenBody},
	{"oauth_refresh_token_query", oauthRefreshQuery},
	{"deep_link_token", deepLinkToken},
	{"otpauth_uri", otpauthURI},
	{"rrweb_password_input", rrwebPassword},
	{"rrweb_typed_text", rrwebTyped},
	{"posthog_elements_chain_password", elementsChainPassword},
	{"graphql_body_variables", graphqlBody},
	{"soap_ws_security", soapUsernameToken},
	{"ldap_bind", ldapBind},
	{"saml_response", samlResponse},
	{"jdbc_odbc_password", jdbcODBC},
	{"redis_mongodb_url", redisMongo},
	{"azure_storage_connection_string", azureConn},
	{"azure_sas_url", azureSAS},
	{"aws_presigned_url", awsPresigned},
	{"gcp_service_account_json", gcpServiceAccount},
	{"putty_ppk", puttyPPK},
	{"pkcs12_keystore", pkcs12},
	{"wallet_private_key", walletKey},
	{"magstripe_track", magstripe},
	{"cvv_with_expiry", cvvExpiry},
	{"card_in_markup", cardInMarkup},
	{"us_account_routing", usAccount},
	{"au_bsb_account", auAccount},
	{"in_account_ifsc", inAccount},
	{"iban_new_countries", ibanNew},
	{"national_id_new_formats", nationalID},
	{"national_id_in_text", nationalIDText},
	{"config_text_secret", configText},
	{"email_body_secret", emailBody},
	{"http_digest_auth", httpDigest},
	{"set_cookie_session", setCookie},
	{"firebase_web_config_apikey", firebaseAPIKey},
	{"vendor_token_rare", vendorToken},
	// national IDs, cards and URLs with credentials weigh more: they are
	// the classes with the fewest draws otherwise
	{"national_id_new_formats", nationalID},
	{"national_id_new_formats", nationalID},
	{"national_id_new_formats", nationalID},
	{"national_id_in_text", nationalIDText},
	{"national_id_in_text", nationalIDText},
	{"magstripe_track", magstripe},
	{"card_in_markup", cardInMarkup},
	{"redis_mongodb_url", redisMongo},
}

func (g *gen) oauthCodeValue() string {
	switch g.r.Intn(3) {
	case 0: // Google-style
		return "4/0A" + g.from(alnum+"-_", 70)
	case 1: // Okta/Auth0-style opaque
		return g.from(alnum+"-_", 43)
	default: // Microsoft-style
		return "0.A" + g.from(alnum, 20) + "." + g.from(alnum+"-_", 120)
	}
}

func oauthCode(g *gen, e *ev) {
	code := g.oauthCodeValue()
	state := g.b64url(24)
	u := fmt.Sprintf("https://%s/oauth/callback?code=%s&state=%s", g.host(), url.QueryEscape(code), state)
	if g.r.Intn(2) == 0 {
		u = fmt.Sprintf("https://%s/auth/callback?state=%s&code=%s&scope=openid%%20email%%20profile&authuser=0&prompt=consent", g.host(), state, url.QueryEscape(code))
	}
	e.Event = g.pick("$mp_web_page_view", "$pageview", "Login Callback")
	key := g.pick("$current_url", "url", "callback_url")
	e.Properties[key] = u
	e.label("secret_token", key, url.QueryEscape(code), "credentials_in_url")
}

func oauthFragment(g *gen, e *ev) {
	tok := "ya29." + g.from(alnum+"-_", 150)
	if g.r.Intn(2) == 0 {
		tok = g.jwt(true)
	}
	u := fmt.Sprintf("https://%s/#access_token=%s&token_type=Bearer&expires_in=3599&scope=%s&state=%s", g.host(), tok, url.QueryEscape("openid email"), g.hex(16))
	if g.r.Intn(3) == 0 {
		u = fmt.Sprintf("https://%s/silent-renew.html#id_token=%s&session_state=%s.%s", g.host(), tok, g.uuid(), g.b64url(16))
	}
	e.Event = "$pageview"
	key := g.pick("$current_url", "$referrer", "page.url")
	if key == "page.url" {
		e.Properties["page"] = map[string]any{"url": u, "title": "Signing you in…"}
	} else {
		e.Properties[key] = u
	}
	e.label("secret_token", key, tok, "credentials_in_url")
}

// jwt makes a signed-looking JWT; with user claims it is an access/ID token.
func (g *gen) jwt(user bool) string {
	h := `{"alg":"RS256","kid":"` + g.hex(16) + `","typ":"JWT"}`
	claims := fmt.Sprintf(`{"iss":"https://%s","sub":"%s","aud":"%s","exp":%d,"iat":%d,"scope":"openid profile"}`, g.pick("accounts.google.com", "login.microsoftonline.com/common/v2.0", "dev-41xq.us.auth0.com/"), g.uuid(), g.hex(24), 1796000000+g.r.Intn(1e6), 1795990000)
	if !user {
		claims = fmt.Sprintf(`{"ref":"%s","role":"anon","iat":%d}`, g.alnum(20), 1795990000)
	}
	return b64urlRaw(h) + "." + b64urlRaw(claims) + "." + g.b64url(256)
}

func oauthTokenBody(g *gen, e *ev) {
	verifier := g.from(alnum+"-._~", 43+g.r.Intn(80))
	code := g.oauthCodeValue()
	secret := g.pick("", "GOCSPX-"+g.from(alnum+"-_", 28), g.from(alnum+"~._-", 40))
	form := url.Values{}
	form.Set("grant_type", "authorization_code")
	form.Set("code", code)
	form.Set("redirect_uri", "https://"+g.host()+"/callback")
	form.Set("client_id", g.digits(12)+"-"+g.from("abcdefghijklmnopqrstuvwxyz0123456789", 32)+".apps.googleusercontent.com")
	form.Set("code_verifier", verifier)
	if secret != "" {
		form.Set("client_secret", secret)
	}
	body := form.Encode()
	e.Event = "http_request"
	e.Properties["method"] = "POST"
	e.Properties["request_url"] = "https://oauth2.googleapis.com/token"
	e.Properties["request_body"] = body
	e.label("secret_token", "request_body", url.QueryEscape(code))
	e.label("secret_token", "request_body", url.QueryEscape(verifier))
	if secret != "" {
		e.label("secret_token", "request_body", url.QueryEscape(secret))
	}
}

func oauthRefreshQuery(g *gen, e *ev) {
	rt := g.pick("1//0", "v1.M", "rt_") + g.from(alnum+"-_", 90)
	u := fmt.Sprintf("https://api.%s/v2/session/refresh?refresh_token=%s&client_id=web", strings.TrimPrefix(g.host(), "app."), rt)
	if g.r.Intn(2) == 0 {
		at := g.from(alnum, 40)
		u = fmt.Sprintf("wss://realtime.%s/socket?access_token=%s&vsn=2.0.0", strings.TrimPrefix(g.host(), "app."), at)
		rt = at
	}
	e.Event = g.pick("api_error", "$exception", "network_request")
	key := g.pick("request_url", "failed_url", "$exception_message")
	if key == "$exception_message" {
		e.Properties[key] = "NetworkError: request to " + u + " failed, reason: socket hang up"
	} else {
		e.Properties[key] = u
		e.Properties["status"] = g.pick("401", "502", "0")
	}
	e.label("secret_token", key, rt, "credentials_in_url")
}

func deepLinkToken(g *gen, e *ev) {
	tok := g.from(alnum, 32+g.r.Intn(32))
	scheme := g.pick("myapp", "brightloop", "tallyhq", "fb1234567890")
	param := g.pick("token", "magic_token", "login_token", "auth")
	u := fmt.Sprintf("%s://auth/verify?%s=%s&email_hint=1", scheme, param, tok)
	e.Event = g.pick("Deep Link Opened", "$app_open", "deeplink_received")
	key := g.pick("deep_link", "$deeplink_url", "launch_url", "intent_data")
	e.Properties[key] = u
	e.label("secret_token", key, tok, "credentials_in_url")
}

func otpauthURI(g *gen, e *ev) {
	secret := g.from(b32, 32)
	issuer := g.pick("GitHub", "AWS", "Brightloop", "Okta")
	u := fmt.Sprintf("otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA1&digits=6&period=30", issuer, url.PathEscape("user"+g.digits(4)), secret, issuer)
	e.Event = g.pick("2FA Setup Started", "mfa_qr_shown", "$autocapture")
	key := g.pick("qr_payload", "otpauth_url", "scanned_code")
	e.Properties[key] = u
	e.Properties["mfa_method"] = "totp"
	e.label("secret_token", key, secret)
}

// rrweb incremental snapshot: an Input event (source 5) for a node the
// full snapshot showed as <input type="password">.
func rrwebPassword(g *gen, e *ev) {
	pw := g.password()
	id := 40 + g.r.Intn(300)
	snap := fmt.Sprintf(`[{"type":2,"data":{"node":{"type":2,"tagName":"input","attributes":{"type":"password","name":"%s","autocomplete":"current-password"},"childNodes":[],"id":%d}}},{"type":3,"data":{"source":5,"text":"%s","isChecked":false,"id":%d},"timestamp":%d}]`,
		g.pick("password", "pwd", "passcode"), id, jsonEsc(pw), id, 1795990000000+g.r.Int63n(1e9))
	e.Event = "$snapshot"
	e.Properties["$snapshot_data"] = snap
	e.Properties["$session_id"] = g.uuid()
	e.label("password", "$snapshot_data", jsonEsc(pw), "form_value")
}

func rrwebTyped(g *gen, e *ev) {
	fn, ln := g.name()
	typed := g.pick("Dear support, my order never arrived", fn+" "+ln+" / "+g.digits(6), "Ulica "+ln+" "+g.digits(2)+", stan "+g.digits(1), "promo "+g.from(upperNum, 8))
	id := 40 + g.r.Intn(300)
	ev := map[string]any{"type": 3, "timestamp": 1795990000000 + g.r.Int63n(1e9), "data": map[string]any{"source": 5, "text": typed, "isChecked": false, "id": id}}
	e.Event = "$snapshot"
	e.Properties["$snapshot_data"] = []any{ev}
	e.label("form_value", "$snapshot_data[].data.text", typed)
}

func (g *gen) password() string {
	w := g.pick("Sunflower", "kettle", "Marzipan", "Zagreb", "tallinn", "Bangkok", "Lisboa", "Reykjavik", "quokka", "Ferrari")
	return w + g.pick("!", "#", "_", "@", ".") + g.digits(2+g.r.Intn(3)) + g.pick("", "Xq", "$", "zz")
}

func elementsChainPassword(g *gen, e *ev) {
	pw := g.password()
	chain := fmt.Sprintf(`input.form-control.pw-field:attr__autocomplete="new-password"attr__class="form-control pw-field"attr__name="%s"attr__type="password"attr__value="%s"nth-child="2"nth-of-type="1";div.field:attr__class="field"nth-child="3"nth-of-type="3";form#signup:attr__id="signup"nth-child="1"nth-of-type="1";body:nth-child="2"nth-of-type="1"`,
		g.pick("password", "new_password", "pass"), pw)
	e.Event = "$autocapture"
	e.Properties["$event_type"] = "change"
	e.Properties["$elements_chain"] = chain
	e.label("password", "$elements_chain", pw, "form_value")
}

func graphqlBody(g *gen, e *ev) {
	pw := g.password()
	var body, val, cls string
	switch g.r.Intn(3) {
	case 0:
		body = fmt.Sprintf(`{"operationName":"ResetPassword","variables":{"input":{"token":"%s","newPassword":"%s"}},"query":"mutation ResetPassword($input: ResetPasswordInput!) { resetPassword(input: $input) { ok } }"}`, g.hex(40), pw)
		val, cls = pw, "password"
	case 1:
		card, _ := g.card()
		body = fmt.Sprintf(`{"operationName":"AddPaymentMethod","variables":{"card":{"number":"%s","expMonth":%d,"expYear":%d,"cvc":"%s"}},"extensions":{"persistedQuery":{"version":1,"sha256Hash":"%s"}}}`, card, 1+g.r.Intn(12), 2027+g.r.Intn(5), g.digits(3), g.hex(64))
		val, cls = card, "payment_card"
	default:
		body = fmt.Sprintf(`{"query":"mutation { login(email: \"%s\", password: \"%s\") { accessToken } }"}`, "user"+g.digits(3)+"@example.org", pw)
		val, cls = pw, "password"
	}
	e.Event = g.pick("graphql_error", "network_request", "api_call")
	key := g.pick("request_body", "graphql.body", "payload")
	if key == "graphql.body" {
		e.Properties["graphql"] = map[string]any{"body": body, "endpoint": "/graphql"}
	} else {
		e.Properties[key] = body
	}
	if strings.Contains(body, "@example.org") {
		email := body[strings.Index(body, "user") : strings.Index(body, "@example.org")+len("@example.org")]
		e.label("email", key, email)
	}
	e.label(cls, key, val)
}

func soapUsernameToken(g *gen, e *ev) {
	pw := g.password()
	x := fmt.Sprintf(`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><wsse:UsernameToken wsu:Id="UsernameToken-%s"><wsse:Username>svc_%s</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">%s</wsse:Password><wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">%s</wsse:Nonce></wsse:UsernameToken></wsse:Security></soapenv:Header><soapenv:Body><GetQuote/></soapenv:Body></soapenv:Envelope>`,
		g.hex(8), g.pick("billing", "erp", "crm"), xmlEsc(pw), g.b64(16))
	e.Event = "integration_request"
	e.Properties["soap_envelope"] = x
	e.label("password", "soap_envelope", xmlEsc(pw))
}

func ldapBind(g *gen, e *ev) {
	pw := g.password()
	var text string
	switch g.r.Intn(3) {
	case 0:
		text = fmt.Sprintf(`ldapsearch -x -H ldaps://dc01.corp.local -D "cn=svc-sync,ou=Service,dc=corp,dc=local" -w '%s' -b "dc=corp,dc=local" "(sAMAccountName=jdoe)"`, pw)
	case 1:
		text = fmt.Sprintf("ldap:\n  url: ldaps://ldap.corp.local:636\n  bindDN: cn=admin,dc=corp,dc=local\n  bindPassword: \"%s\"\n  userSearchBase: ou=people,dc=corp,dc=local\n", pw)
	default:
		text = fmt.Sprintf("dn: cn=admin,dc=corp,dc=local\nchangetype: modify\nreplace: userPassword\nuserPassword: %s\n", pw)
	}
	e.Event = g.pick("admin_action", "sync_job_failed", "support_paste")
	key := g.pick("command", "config", "ldif", "details")
	e.Properties[key] = text
	e.label("password", key, pw)
}

func samlResponse(g *gen, e *ev) {
	// a signed assertion is a bearer credential until NotOnOrAfter
	blob := g.b64(900 + g.r.Intn(600))
	e.Event = "sso_callback"
	body := "SAMLResponse=" + url.QueryEscape(blob) + "&RelayState=" + url.QueryEscape("https://"+g.host()+"/app")
	e.Properties["form_body"] = body
	e.Properties["idp"] = g.pick("okta", "adfs", "onelogin")
	e.label("secret_token", "form_body", url.QueryEscape(blob))
}

func jdbcODBC(g *gen, e *ev) {
	pw := g.password()
	var s, key string
	switch g.r.Intn(4) {
	case 0:
		s = fmt.Sprintf("jdbc:sqlserver://sql01.corp.local:1433;databaseName=Sales;user=sa;password=%s;encrypt=true;trustServerCertificate=true", pw)
	case 1:
		s = fmt.Sprintf("Driver={ODBC Driver 18 for SQL Server};Server=tcp:%s.database.windows.net,1433;Database=app;Uid=appuser;Pwd=%s;Encrypt=yes;", g.pick("orbitfin", "kettlewise"), pw)
	case 2:
		s = fmt.Sprintf("jdbc:oracle:thin:scott/%s@//db.corp.local:1521/ORCLPDB1", pw)
	default:
		s = fmt.Sprintf("Server=pg.internal;Port=5432;Database=metrics;User Id=reporter;Password=%s;Pooling=true;", pw)
	}
	e.Event = g.pick("connection_failed", "$exception", "settings_saved")
	key = g.pick("connection_string", "datasource", "$exception_message")
	if key == "$exception_message" {
		s = "java.sql.SQLException: Cannot create PoolableConnectionFactory (" + s + ")"
	}
	e.Properties[key] = s
	e.label("password", key, pw)
}

func redisMongo(g *gen, e *ev) {
	pw := g.from(alnum, 24)
	var u string
	switch g.r.Intn(3) {
	case 0:
		u = fmt.Sprintf("redis://:%s@redis-%s.cache.internal:6379/0", pw, g.digits(5))
	case 1:
		u = fmt.Sprintf("rediss://default:%s@%s.upstash.io:6379", pw, g.pick("eu1-happy-cat", "usw1-bold-owl"))
	default:
		u = fmt.Sprintf("mongodb+srv://app_%s:%s@cluster0.%s.mongodb.net/prod?retryWrites=true&w=majority", g.pick("rw", "ro"), pw, g.from("abcdefghijklmnopqrstuvwxyz0123456789", 5))
	}
	e.Event = g.pick("worker_started", "$exception", "env_snapshot")
	key := g.pick("cache_url", "mongo_uri", "error")
	if key == "error" {
		u = "MongoServerSelectionError: connect ECONNREFUSED for " + u
	}
	e.Properties[key] = u
	e.label("credentials_in_url", key, pw)
}

func azureConn(g *gen, e *ev) {
	k := g.b64(64)
	s := fmt.Sprintf("DefaultEndpointsProtocol=https;AccountName=%s;AccountKey=%s;EndpointSuffix=core.windows.net", g.pick("stprodassets", "brightloopblobs", "logsarchive01"), k)
	if g.r.Intn(3) == 0 {
		s = fmt.Sprintf("Endpoint=sb://%s.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=%s", g.pick("orders-bus", "events-ns"), g.b64(32))
		k = s[strings.Index(s, "SharedAccessKey=")+len("SharedAccessKey="):]
	}
	e.Event = g.pick("settings_saved", "deploy_log", "support_paste")
	key := g.pick("AZURE_STORAGE_CONNECTION_STRING", "connectionString", "message")
	e.Properties[key] = s
	e.label("secret_token", key, k)
}

func azureSAS(g *gen, e *ev) {
	sig := url.QueryEscape(g.b64(32))
	u := fmt.Sprintf("https://%s.blob.core.windows.net/uploads/%s.pdf?sv=2022-11-02&ss=b&srt=o&sp=rwdlac&se=2026-12-20T18:00:00Z&st=2026-12-01T10:00:00Z&spr=https&sig=%s", g.pick("stprodassets", "brightloopblobs"), g.uuid(), sig)
	e.Event = g.pick("File Uploaded", "upload_failed")
	key := g.pick("upload_url", "blob_url")
	e.Properties[key] = u
	e.label("secret_token", key, sig, "credentials_in_url")
}

func awsPresigned(g *gen, e *ev) {
	sig := g.hex(64)
	u := fmt.Sprintf("https://%s.s3.%s.amazonaws.com/exports/%s.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%s%%2F20261202%%2Feu-west-1%%2Fs3%%2Faws4_request&X-Amz-Date=20261202T101500Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=%s",
		g.pick("acme-exports", "brightloop-reports"), g.pick("eu-west-1", "us-east-2"), g.uuid(), g.from(upperNum, 16), sig)
	var tok string
	if g.r.Intn(2) == 0 {
		tok = url.QueryEscape("IQoJb3JpZ2luX2VjE" + g.b64(180))
		u = strings.Replace(u, "&X-Amz-Signature", "&X-Amz-Security-Token="+tok+"&X-Amz-Signature", 1)
	}
	e.Event = g.pick("Export Downloaded", "download_link_copied")
	key := g.pick("download_url", "$current_url", "href")
	e.Properties[key] = u
	e.label("secret_token", key, sig, "credentials_in_url")
	if tok != "" {
		e.label("secret_token", key, tok, "credentials_in_url")
	}
}

func (g *gen) pemBody(lines int) []string {
	out := []string{"MIIE" + g.pick("vQIBADANBgkqhkiG9w0BAQEFAASC", "pAIBAAKCAQEA", "vgIBADANBgkqhkiG9w0BAQEFAASC") + g.b64(24)[:32]}
	for i := 1; i < lines; i++ {
		out = append(out, g.b64(48))
	}
	return out
}

func gcpServiceAccount(g *gen, e *ev) {
	body := g.pemBody(8)
	pem := "-----BEGIN PRIVATE KEY-----\n" + strings.Join(body, "\n") + "\n-----END PRIVATE KEY-----\n"
	proj := g.pick("brightloop-prod", "orbit-analytics-417", "kettle-ml")
	obj := map[string]any{
		"type": "service_account", "project_id": proj, "private_key_id": g.hex(40), "private_key": pem,
		"client_email": "etl-runner@" + proj + ".iam.gserviceaccount.com", "client_id": g.digits(21),
		"auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": "https://oauth2.googleapis.com/token",
	}
	e.Event = g.pick("integration_connected", "credentials_uploaded")
	if g.r.Intn(2) == 0 {
		s := jsonString(obj)
		e.Properties["service_account_json"] = s
		e.label("private_key", "service_account_json", body[3])
	} else {
		e.Properties["gcp"] = map[string]any{"credentials": obj}
		e.label("private_key", "gcp.credentials.private_key", body[3])
	}
	e.label("email", pickPath(e, "service_account_json", "gcp.credentials.client_email"), "etl-runner@"+proj+".iam.gserviceaccount.com")
}

func pickPath(e *ev, a, b string) string {
	if _, ok := e.Properties[a]; ok {
		return a
	}
	return b
}

func puttyPPK(g *gen, e *ev) {
	priv := g.b64(48)
	ppk := fmt.Sprintf("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: %s\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAI%s\n%s\nPrivate-Lines: 1\n%s\nPrivate-MAC: %s\n",
		g.pick("eddsa-key-20261114", "deploy@jump01"), g.b64(24)[:32], g.b64(6), priv, g.hex(64))
	e.Event = g.pick("support_attachment", "file_dropped")
	key := g.pick("file_content", "attachment_text")
	e.Properties[key] = ppk
	e.Properties["file_name"] = g.pick("id_ed25519.ppk", "deploy.ppk")
	e.label("private_key", key, priv)
}

func pkcs12(g *gen, e *ev) {
	blob := "MII" + g.pick("KWQIBAzCCCh8GCSqGSIb3DQEHAaCCChAEggoMMIIKCDCCBL8GCSqGSIb3DQEHBqCCBLAw", "JqAIBAzCCCWIGCSqGSIb3DQEHAaCCCVMEgglPMIIJSzCCBc8GCSqGSIb3DQEHAaCCBcAE") + g.b64(600)
	pw := g.password()
	blobKey, pwKey := "certificate_p12_base64", "p12_password"
	if g.r.Intn(3) == 0 {
		// a Java KeyStore: magic FEEDFEED, version 2, then a PrivateKeyEntry
		blob = "/u3+7QAAAAIAAAABAAAAAQAH" + g.b64(900)
		blobKey, pwKey = "keystore_jks", "storepass"
	}
	e.Event = g.pick("signing_cert_uploaded", "apple_push_cert_saved")
	e.Properties[blobKey] = blob
	e.Properties[pwKey] = pw
	e.label("private_key", blobKey, blob)
	e.label("password", pwKey, pw)
}

func walletKey(g *gen, e *ev) {
	// A wallet private key signs transfers: a private key by the class
	// definition. Seed phrases are left out (they are words, and the
	// class list names key formats, not mnemonics).
	k := g.hex(64)
	e.Event = g.pick("wallet_imported", "Wallet Import Failed")
	key := g.pick("private_key", "privateKey", "eth_private_key")
	v := k
	if g.r.Intn(2) == 0 {
		v = "0x" + k
	}
	e.Properties[key] = v
	e.Properties["chain"] = g.pick("ethereum", "polygon", "base")
	e.label("private_key", key, k)
}

func magstripe(g *gen, e *ev) {
	pan, _ := g.card()
	for len(pan) > 16 {
		pan, _ = g.card()
	}
	_, ln := g.name()
	exp := fmt.Sprintf("%02d%02d", 27+g.r.Intn(4), 1+g.r.Intn(12))
	var t string
	if g.r.Intn(2) == 0 {
		t = fmt.Sprintf("%%B%s^%s/%s^%s%s%s?", pan, strings.ToUpper(asciiOnly(ln)), "J", exp, g.pick("101", "201", "121"), g.digits(14))
	} else {
		t = fmt.Sprintf(";%s=%s%s%s?", pan, exp, g.pick("101", "201"), g.digits(13))
	}
	e.Event = g.pick("pos_swipe_error", "reader_event")
	key := g.pick("raw_track", "reader_data", "swipe")
	e.Properties[key] = t
	e.Properties["reader_model"] = g.pick("MSR605X", "IDTech SecureMag")
	e.label("payment_card", key, pan)
	e.check("luhn", pan, true)
}

func cvvExpiry(g *gen, e *ev) {
	cvv := g.digits(3)
	e.Event = g.pick("Checkout Step Completed", "payment_form_submitted")
	m := map[string]any{"last4": g.digits(4), "brand": g.pick("visa", "mastercard"), "exp": fmt.Sprintf("%02d/%02d", 1+g.r.Intn(12), 27+g.r.Intn(5))}
	ck := g.pick("cvc", "cvv2", "security_code", "csc")
	m[ck] = cvv
	e.Properties["card"] = m
	e.label("payment_card", "card."+ck, cvv)
}

func cardInMarkup(g *gen, e *ev) {
	pan, brand := g.card()
	shown := pan
	if g.r.Intn(2) == 0 {
		shown = spaced4(pan)
	}
	var s, key string
	switch g.r.Intn(4) {
	case 0:
		s = fmt.Sprintf("<PaymentRequest><Card><Brand>%s</Brand><Number>%s</Number><Expiry>%02d%02d</Expiry></Card></PaymentRequest>", brand, shown, 1+g.r.Intn(12), 27+g.r.Intn(4))
		key = "request_xml"
	case 1:
		s = fmt.Sprintf("| field | value |\n|---|---|\n| card | %s |\n| exp | %02d/%02d |\n", shown, 1+g.r.Intn(12), 27+g.r.Intn(4))
		key = "ticket_markdown"
	case 2:
		s = fmt.Sprintf(`<input type="hidden" name="cc_number" value="%s"><input type="hidden" name="cc_exp" value="%02d/%02d">`, shown, 1+g.r.Intn(12), 27+g.r.Intn(4))
		key = "form_html"
	default:
		s = fmt.Sprintf("payment:\n  method: card\n  number: \"%s\"\n  expiry: %02d/%02d\n", shown, 1+g.r.Intn(12), 27+g.r.Intn(4))
		key = "order_yaml"
	}
	e.Event = g.pick("support_ticket_created", "order_debug")
	e.Properties[key] = s
	e.label("payment_card", key, shown)
	e.check("luhn", pan, true)
}

func usAccount(g *gen, e *ev) {
	acct := g.digits(8 + g.r.Intn(5))
	rt := g.aba()
	e.Event = g.pick("Payout Method Added", "direct_deposit_setup")
	ak := g.pick("account_number", "accountNumber", "acct_no")
	e.Properties["bank"] = map[string]any{"routing_number": rt, ak: acct, "account_type": g.pick("checking", "savings")}
	e.label("bank_account", "bank."+ak, acct)
	e.check("aba", rt, true)
}

func auAccount(g *gen, e *ev) {
	acct := g.digits(6 + g.r.Intn(4))
	bsb := fmt.Sprintf("%03d-%03d", g.r.Intn(999), g.r.Intn(999))
	e.Event = "Bank Details Saved"
	e.Properties["bsb"] = bsb
	e.Properties["account_number"] = acct
	e.Properties["account_name"] = "J " + g.pick("Walsh", "Nguyen", "Sharma")
	e.label("bank_account", "account_number", acct)
}

func inAccount(g *gen, e *ev) {
	acct := g.pick("5010", "0012", "9200") + g.digits(10)
	ifsc := g.pick("HDFC", "ICIC", "SBIN", "UTIB") + "0" + g.from(upperNum, 6)
	e.Event = g.pick("beneficiary_added", "UPI Fallback Bank Entered")
	if g.r.Intn(2) == 0 {
		e.Properties["beneficiary"] = map[string]any{"ifsc": ifsc, "account_no": acct, "name": "Priya S"}
		e.label("bank_account", "beneficiary.account_no", acct)
	} else {
		e.Properties["message"] = fmt.Sprintf("Please send the refund to A/c No. %s, IFSC %s (HDFC Bank, Koramangala)", acct, ifsc)
		e.label("bank_account", "message", acct)
	}
}

func ibanNew(g *gen, e *ev) {
	ib := g.iban()
	var key, s string
	switch g.r.Intn(3) {
	case 0:
		key, s = "iban", ib
	case 1:
		key = "pain001_xml"
		s = fmt.Sprintf("<CdtrAcct><Id><IBAN>%s</IBAN></Id></CdtrAcct><CdtrAgt><FinInstnId><BICFI>%s</BICFI></FinInstnId></CdtrAgt>", ib, g.from("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4)+ib[:2]+"XX")
	default:
		key = "payout_note"
		ib = spaced4(ib)
		s = "Refund to " + ib + " please, thanks"
	}
	e.Event = g.pick("Payout Method Added", "refund_requested")
	e.Properties[key] = s
	e.label("bank_account", key, ib)
	e.check("iban", ib, true)
}

func nationalID(g *gen, e *ev) {
	f := nationalFormats[g.r.Intn(len(nationalFormats))]
	v := f.make(g)
	k := f.keys[g.r.Intn(len(f.keys))]
	e.Event = g.pick("KYC Submitted", "identify", "Profile Updated", "tax_form_saved")
	path := k
	switch g.r.Intn(3) {
	case 0:
		e.Properties[k] = v
	case 1:
		e.Properties["traits"] = map[string]any{k: v, "country": f.name[:2]}
		path = "traits." + k
	default:
		e.Properties["kyc"] = map[string]any{"document": map[string]any{"type": k, "number": v}}
		path = "kyc.document.number"
	}
	e.Scenario += ":" + f.name
	e.label("national_id", path, v)
	e.check(f.name, v, true)
}

func nationalIDText(g *gen, e *ev) {
	f := nationalFormats[g.r.Intn(len(nationalFormats))]
	v := f.make(g)
	var s, email string
	switch g.r.Intn(3) {
	case 0:
		email = "client@" + g.host()
		s = fmt.Sprintf("From: %s\nSubject: documents\n\nHello, my %s is %s, please update my file.\n", email, f.label, v)
	case 1:
		s = fmt.Sprintf("[applicant]\nname = \"%s\"\n%s = \"%s\"\n", g.pick("A. Popescu", "J. Murphy"), f.keys[0], v)
	default:
		s = fmt.Sprintf("%s: %s", f.label, v)
	}
	e.Event = g.pick("support_message", "document_parsed", "chat_message_sent")
	key := g.pick("body", "text", "ocr_text")
	e.Properties[key] = s
	e.Scenario += ":" + f.name
	e.label("national_id", key, v)
	if email != "" {
		e.label("email", key, email)
	}
	e.check(f.name, v, true)
}

func configText(g *gen, e *ev) {
	pw := g.password()
	tok := "sk_live_" + g.alnum(24)
	var s, v, cls, email string
	switch g.r.Intn(5) {
	case 0:
		s, v, cls = fmt.Sprintf("[database]\nhost = \"db.internal\"\nuser = \"app\"\npassword = \"%s\"\n", pw), pw, "password"
	case 1:
		email = "postmaster@mg." + g.host()
		s, v, cls = fmt.Sprintf("smtp:\n  host: smtp.mailgun.org\n  username: %s\n  password: %s\n", email, pw), pw, "password"
	case 2:
		s, v, cls = fmt.Sprintf("<appSettings>\n  <add key=\"StripeSecretKey\" value=\"%s\" />\n</appSettings>", tok), tok, "secret_token"
	case 3:
		s, v, cls = fmt.Sprintf("Deploy notes\n```\nexport DB_PASS='%s'\n```\n", pw), pw, "password"
	default:
		s, v, cls = fmt.Sprintf("[credentials]\naws_access_key_id = AKIA%s\naws_secret_access_key = %s\n", g.from(upperNum, 16), g.from(alnum+"/+", 40)), "", "secret_token"
		v = s[strings.Index(s, "aws_secret_access_key = ")+len("aws_secret_access_key = ") : len(s)-1]
	}
	e.Event = g.pick("support_paste", "config_uploaded", "issue_created")
	key := g.pick("snippet", "config_text", "description")
	e.Properties[key] = s
	e.label(cls, key, v)
	if email != "" {
		e.label("email", key, email)
	}
}

func emailBody(g *gen, e *ev) {
	pw := g.password()
	fn, _ := g.name()
	s := fmt.Sprintf("Hi %s,\n\nYour account has been created.\nUsername: %s\nTemporary password: %s\n\nPlease change it after your first login.\n", fn, strings.ToLower(asciiOnly(fn))+g.digits(2), pw)
	if g.r.Intn(2) == 0 {
		s = fmt.Sprintf("<html><body><p>Hello %s,</p><p>Your one-time password is <b>%s</b>. It expires in 10 minutes.</p></body></html>", fn, pw)
	}
	e.Event = g.pick("email_rendered", "email_preview_opened")
	e.Properties["email_body"] = s
	e.Properties["template"] = g.pick("welcome_v3", "otp_email")
	e.label("password", "email_body", pw)
}

func httpDigest(g *gen, e *ev) {
	// Judgement: the Digest response proves the password for a nonce the
	// server may accept again (nc counting); treated like a Basic header.
	resp := g.hex(32)
	h := fmt.Sprintf(`Digest username="admin", realm="%s", nonce="%s", uri="/cgi-bin/snapshot.cgi", algorithm=MD5, response="%s", qop=auth, nc=00000001, cnonce="%s"`, g.pick("IP Camera", "Login to NVR"), g.hex(32), resp, g.hex(16))
	e.Event = g.pick("camera_request", "http_request")
	e.Properties["request_headers"] = map[string]any{"Authorization": h, "Accept": "*/*"}
	e.label("secret_token", "request_headers.Authorization", resp)
}

func setCookie(g *gen, e *ev) {
	name := g.pick("sessionid", "connect.sid", "__Host-next-auth.session-token", "laravel_session", "PHPSESSID", "JSESSIONID", "_gitlab_session")
	var v string
	switch name {
	case "connect.sid":
		v = "s%3A" + g.from(alnum+"-_", 32) + "." + g.from(alnum, 43)
	case "JSESSIONID":
		v = strings.ToUpper(g.hex(32))
	case "PHPSESSID":
		v = g.from("abcdefghijklmnopqrstuvwxyz0123456789", 26)
	case "__Host-next-auth.session-token":
		v = g.b64url(24) + ".." + g.b64url(120) + "." + g.b64url(16)
	default:
		v = g.from(alnum, 40)
	}
	h := fmt.Sprintf("%s=%s; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=1209600", name, v)
	e.Event = g.pick("network_request", "response_logged")
	if g.r.Intn(2) == 0 {
		e.Properties["response_headers"] = map[string]any{"set-cookie": h, "content-type": "application/json"}
		e.label("secret_token", "response_headers.set-cookie", v)
	} else {
		e.Properties["raw_response"] = "HTTP/1.1 302 Found\r\nLocation: /dashboard\r\nSet-Cookie: " + h + "\r\nContent-Length: 0\r\n"
		e.label("secret_token", "raw_response", v)
	}
}

func firebaseAPIKey(g *gen, e *ev) {
	// docs/GUARD.md: Google AIza keys stay secrets (not always restricted
	// to a web app), even in a Firebase web config that is public by design.
	k := "AIza" + g.from(alnum+"-_", 35)
	proj := g.pick("brightloop-web", "tally-prod-4b1e")
	e.Event = "sdk_init"
	e.Properties["firebase_config"] = map[string]any{"apiKey": k, "authDomain": proj + ".firebaseapp.com", "projectId": proj, "storageBucket": proj + ".appspot.com", "messagingSenderId": g.digits(12), "appId": "1:" + g.digits(12) + ":web:" + g.hex(22)}
	e.label("secret_token", "firebase_config.apiKey", k)
}

func vendorToken(g *gen, e *ev) {
	var t string
	switch g.r.Intn(8) {
	case 0:
		t = "shpat_" + g.hex(32)
	case 1:
		t = "lin_api_" + g.alnum(40)
	case 2:
		t = "pul-" + g.hex(40)
	case 3:
		t = "PMAK-" + g.hex(24) + "-" + g.hex(34)
	case 4:
		t = "dapi" + g.hex(32)
	case 5:
		t = "xkeysib-" + g.hex(64) + "-" + g.alnum(16)
	case 6:
		t = "glsa_" + g.alnum(32) + "_" + g.hex(8)
	default:
		t = "tskey-auth-" + g.alnum(12) + "CNTRL-" + g.alnum(30)
	}
	e.Event = g.pick("integration_connected", "webhook_test", "support_paste")
	switch g.r.Intn(3) {
	case 0:
		e.Properties["request_headers"] = []any{map[string]any{"name": "Authorization", "value": "Bearer " + t}, map[string]any{"name": "Accept", "value": "application/json"}}
		e.label("secret_token", "request_headers[].value", t)
	case 1:
		e.Properties["curl"] = fmt.Sprintf("curl -sS -H 'X-Api-Key: %s' https://api.example.com/v1/items", t)
		e.label("secret_token", "curl", t)
	default:
		e.Properties["integration"] = map[string]any{"provider": g.pick("shopify", "linear", "pulumi"), "credential": t}
		e.label("secret_token", "integration.credential", t)
	}
}
