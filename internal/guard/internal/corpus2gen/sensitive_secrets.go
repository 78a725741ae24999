package main

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
)

// secretKeys: how code names a field holding an API key or token.
var secretKeys = []string{"api_key", "apiKey", "API_KEY", "x-api-key", "access_token", "accessToken", "refresh_token", "auth_token",
	"client_secret", "clientSecret", "app_secret", "secret_key", "secretKey", "webhook_secret", "signing_secret", "bot_token",
	"private_token", "service_key", "consumer_secret", "jwt_secret", "hmac_key", "shared_secret", "encryption_key", "master_key",
	"sas_token", "personal_access_token", "deploy_token", "clave_api", "cle_api", "token_acceso", "geheimnis", "токен", "秘钥", "apiToken"}

func secretScenarios() []scenario {
	return []scenario{
		{"vendor key under a neutral key", 12, func(s *g) {
			s.ev.name = pick(s, []string{"integration_connected", "settings_saved", "note_added", "field_changed"})
			tok, _, vendor := s.vendor()
			k := pick(s, []string{"value", "text", "input", "note", "config_value", "new_value", "data"})
			s.put("integration", vendor)
			s.put(k, tok)
			s.label(k, secret, tok)
		}},
		{"vendor key under a secret key", 10, func(s *g) {
			s.ev.name = pick(s, []string{"integration_connected", "api_key_created", "settings_saved"})
			tok, _, vendor := s.vendor()
			k := pick(s, secretKeys)
			s.put("provider", vendor)
			s.put(k, tok)
			s.label(k, secret, tok)
		}},
		{"opaque high-entropy secret under a secret key", 12, func(s *g) {
			s.ev.name = pick(s, []string{"oauth_callback", "app_configured", "webhook_created", "sdk_initialised"})
			tok := s.opaque()
			k := pick(s, secretKeys)
			if s.chance(30) {
				parent := pick(s, []string{"credentials", "oauth", "config", "auth"})
				s.put(parent, o("client_id", s.digits(12)+".apps.example.com", k, tok))
				s.label(parent+"."+k, secret, tok)
				return
			}
			s.put(k, tok)
			s.label(k, secret, tok)
		}},
		{"UUID-shaped key under its variable", 4, func(s *g) {
			s.ev.name = "env_dumped"
			tok := s.uuid()
			k := pick(s, []string{"HEROKU_API_KEY", "heroku_api_key", "SNYK_TOKEN", "herokuApiKey", "snyk_api_token"})
			s.put(k, tok)
			s.label(k, secret, tok)
		}},
		{"vendor key in a config or env file", 10, func(s *g) {
			s.ev.name = pick(s, []string{"config_uploaded", "file_saved", "paste_created"})
			tok, env, _ := s.vendor()
			files := []string{
				"NODE_ENV=production\n" + env + "=" + tok + "\nPORT=3000\n",
				"export " + env + "=\"" + tok + "\"\n",
				"providers:\n  main:\n    api_key: " + tok + "\n    timeout: 30\n",
				"[default]\naws_access_key_id = AKIA" + s.from(upperAlpha+"234567", 16) + "\naws_secret_access_key = " + s.from(alnumAll+"/+", 40) + "\n",
				"//registry.npmjs.org/:_authToken=npm_" + s.alnum(36) + "\n",
				"{\"" + strings.ToLower(env) + "\": \"" + tok + "\", \"debug\": false}",
			}
			f := pick(s, files)
			s.put("content", f)
			switch {
			case strings.Contains(f, "aws_secret_access_key"):
				id := f[strings.Index(f, "AKIA") : strings.Index(f, "AKIA")+20]
				sec := f[strings.Index(f, "aws_secret_access_key = ")+24 : len(f)-1]
				s.label("content", secret, id)
				s.label("content", secret, sec)
			case strings.Contains(f, "_authToken="):
				s.label("content", secret, f[strings.Index(f, "npm_"):len(f)-1])
			default:
				s.label("content", secret, tok)
			}
		}},
		{"vendor key on a command line", 8, func(s *g) {
			s.ev.name = pick(s, []string{"command_executed", "ci_step_failed"})
			tok, env, _ := s.vendor()
			cmds := []string{
				"curl -H \"Authorization: Bearer " + tok + "\" https://api.example.com/v1/me",
				"curl https://api.example.com/v1/items -H 'X-Api-Key: " + tok + "'",
				env + "=" + tok + " npm run deploy",
				"docker run -e " + env + "=" + tok + " app:latest",
				"gh auth login --with-token <<< " + tok,
				"heroku config:set " + env + "=" + tok + " -a app",
				"terraform apply -var api_token=" + tok,
			}
			k := pick(s, []string{"command", "cmd", "cmdline"})
			s.put(k, pick(s, cmds))
			s.label(k, secret, tok)
		}},
		{"token in an error message or log line", 10, func(s *g) {
			s.ev.name = pick(s, []string{"$exception", "log_line", "request_failed"})
			tok, _, _ := s.vendor()
			if s.chance(30) {
				tok = s.jwt()
			}
			msgs := []string{
				"401 Unauthorized: invalid token " + tok,
				"request failed: GET https://api.example.com/v2/users headers={'Authorization': 'Bearer " + tok + "'}",
				"level=warn msg=\"upstream rejected key\" key=" + tok + " status=403",
				"Error: Invalid API key provided: " + tok + "\n    at StripeError.generate (node_modules/stripe/lib/Error.js:40:12)",
				"WARN token refresh failed for " + tok + " (expired)",
			}
			k := pick(s, []string{"$exception_message", "message", "line", "error"})
			s.put(k, pick(s, msgs))
			s.label(k, secret, tok)
		}},
		{"bearer or basic credentials in headers", 10, func(s *g) {
			s.ev.name = pick(s, []string{"http_request", "api_call_logged", "har_captured"})
			var hv, val string
			switch s.r.IntN(3) {
			case 0:
				val = s.jwt()
				hv = "Bearer " + val
			case 1:
				val = s.opaque()
				hv = pick(s, []string{"Bearer ", "Token ", "token "}) + val
			default:
				val = base64.StdEncoding.EncodeToString([]byte(s.username() + ":" + s.password(false)))
				hv = "Basic " + val
			}
			switch s.r.IntN(3) {
			case 0:
				s.put("headers", o("Accept", "application/json", "Authorization", hv, "User-Agent", "okhttp/4.12.0"))
				s.label("headers.Authorization", secret, val)
			case 1:
				s.put("request_headers", []any{o("name", "accept", "value", "*/*"), o("name", "authorization", "value", hv)})
				s.label("request_headers[].value", secret, val)
			default:
				s.put("auth_header", hv)
				s.label("auth_header", secret, val)
			}
		}},
		{"JWT in a URL fragment or query", 7, func(s *g) {
			s.ev.name = "$pageview"
			t := s.jwt()
			var u string
			switch s.r.IntN(3) {
			case 0:
				u = "https://" + pick(s, hosts) + "/auth/callback#access_token=" + t + "&token_type=Bearer&expires_in=3600"
			case 1:
				u = "https://" + pick(s, hosts) + "/callback?id_token=" + t + "&state=" + s.alnum(12)
			default:
				u = "https://" + pick(s, hosts) + "/embed?jwt=" + t
			}
			k := pick(s, []string{"$current_url", "$referrer", "url"})
			s.put(k, u)
			s.label(k, secret, t)
		}},
		{"JWT under a neutral key", 5, func(s *g) {
			s.ev.name = pick(s, []string{"session_restored", "debug_state"})
			t := s.jwt()
			k := pick(s, []string{"state", "data", "cached", "value", "localStorage_auth"})
			s.put(k, t)
			s.label(k, secret, t)
		}},
		{"session cookie in a cookie header", 8, func(s *g) {
			s.ev.name = pick(s, []string{"http_request", "request_logged"})
			name := pick(s, []string{"sessionid", "session", "PHPSESSID", "JSESSIONID", "connect.sid", "laravel_session", "_session_id", "remember_token", "auth_token", "__Secure-next-auth.session-token", "_app_session"})
			val := s.opaque()
			if name == "connect.sid" {
				val = "s%3A" + s.alnum(32) + "." + s.b64url(32)
			}
			c := "_ga=GA1.2." + s.digits(9) + "." + s.digits(10) + "; " + name + "=" + val + "; theme=dark"
			if s.chance(50) {
				s.put("cookie", c)
				s.label("cookie", secret, val)
			} else {
				s.put("headers", o("Cookie", c, "Accept-Language", "en-GB"))
				s.label("headers.Cookie", secret, val)
			}
		}},
		{"signed URL", 8, func(s *g) {
			s.ev.name = pick(s, []string{"file_downloaded", "$pageview", "asset_loaded"})
			var u, sig string
			switch s.r.IntN(4) {
			case 0:
				sig = s.hex(64)
				u = "https://bucket.s3.eu-west-1.amazonaws.com/exports/report.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIA" + s.from(upperAlpha, 16) + "%2F20261120%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20261120T101112Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=" + sig
			case 1:
				sig = s.hex(256)
				u = "https://storage.googleapis.com/bucket/invoice.pdf?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=svc%40proj.iam.gserviceaccount.com%2F20261120%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20261120T101112Z&X-Goog-Expires=600&X-Goog-SignedHeaders=host&X-Goog-Signature=" + sig
			case 2:
				sig = url.QueryEscape(s.b64(32))
				u = "https://acct.blob.core.windows.net/media/clip.mp4?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-12-01T00:00:00Z&st=2026-11-20T00:00:00Z&spr=https&sig=" + sig
			default:
				sig = strings.NewReplacer("+", "-", "=", "_", "/", "~").Replace(s.b64(128))
				u = "https://d111111abcdef8.cloudfront.net/video.m3u8?Expires=1795000000&Signature=" + sig + "&Key-Pair-Id=K2JCJMDEHXQW5F"
			}
			k := pick(s, []string{"url", "download_url", "$current_url", "src"})
			s.put(k, u)
			s.label(k, secret, sig)
		}},
		{"webhook URL", 7, func(s *g) {
			s.ev.name = pick(s, []string{"integration_connected", "alert_channel_added"})
			var u, sec string
			switch s.r.IntN(3) {
			case 0:
				sec = s.alnum(24)
				u = "https://hooks.slack.com/services/T" + s.from(upperAlpha+digitsAll, 8) + "/B" + s.from(upperAlpha+digitsAll, 10) + "/" + sec
			case 1:
				sec = s.from(alnumAll+"_-", 68)
				u = "https://discord.com/api/webhooks/" + s.digits(18) + "/" + sec
			default:
				sec = s.hex(32)
				u = "https://acme.webhook.office.com/webhookb2/" + s.uuid() + "@" + s.uuid() + "/IncomingWebhook/" + sec + "/" + s.uuid()
			}
			k := pick(s, []string{"webhook_url", "webhookUrl", "url", "endpoint", "destination"})
			s.put(k, u)
			s.label(k, secret, sec)
		}},
		{"TOTP seed", 5, func(s *g) {
			s.ev.name = pick(s, []string{"mfa_enrolled", "2fa_setup"})
			seed := s.from(base32Std, 32)
			if s.chance(50) {
				s.put("otpauth_uri", "otpauth://totp/Acme:"+s.username()+"?secret="+seed+"&issuer=Acme&digits=6")
				s.label("otpauth_uri", secret, seed)
			} else {
				k := pick(s, []string{"totp_secret", "mfa_secret", "otp_seed", "authenticator_key", "two_factor_secret"})
				s.put(k, seed)
				s.label(k, secret, seed)
			}
		}},
		{"secret as the user of a URL with an empty password", 5, func(s *g) {
			s.ev.name = pick(s, []string{"request_failed", "$exception", "http_request"})
			tok, _, _ := s.vendor()
			u := "https://" + tok + ":@api.example.com/v1/charges"
			if s.chance(50) {
				s.put("error", "POST "+u+" failed: connection reset")
				s.label("error", secret, tok, credsInURL)
			} else {
				s.put("url", u)
				s.label("url", secret, tok, credsInURL)
			}
		}},
		{"cloud connection string with an account key", 4, func(s *g) {
			s.ev.name = "config_uploaded"
			key := s.b64(64)
			cs := "DefaultEndpointsProtocol=https;AccountName=acmestore;AccountKey=" + key + ";EndpointSuffix=core.windows.net"
			k := pick(s, []string{"connection_string", "AZURE_STORAGE_CONNECTION_STRING", "content"})
			s.put(k, cs)
			s.label(k, secret, key)
		}},
		{"bot token in an API URL", 3, func(s *g) {
			s.ev.name = "request_failed"
			tok := s.digits(10) + ":AA" + s.from(alnumAll+"_-", 33)
			s.put("url", "https://api.telegram.org/bot"+tok+"/sendMessage?chat_id=12345")
			s.label("url", secret, tok)
		}},
		{"secret in a hidden input captured by autotrack", 4, func(s *g) {
			s.ev.name = "$autocapture"
			tok := s.b64url(32)
			if s.chance(50) {
				s.put("$elements", []any{o("tag_name", "input", "attr__type", "hidden", "attr__name", pick(s, []string{"authenticity_token", "csrf_token", "api_key", "state"}), "attr__value", tok, "nth_child", 1, "nth_of_type", 1)})
				s.label("$elements[].attr__value", secret, tok, formValue)
			} else {
				s.put("$elements_chain", `input:attr__name="token"attr__type="hidden"attr__value="`+tok+`"nth-child="1"nth-of-type="1";form.signup:nth-child="2"nth-of-type="1"`)
				s.label("$elements_chain", secret, tok, formValue)
			}
		}},
		{"Kubernetes secret manifest", 3, func(s *g) {
			s.ev.name = "manifest_applied"
			pw := s.password(false)
			b := base64.StdEncoding.EncodeToString([]byte(pw))
			s.put("manifest", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-creds\ntype: Opaque\ndata:\n  username: "+base64.StdEncoding.EncodeToString([]byte("app"))+"\n  password: "+b+"\n")
			s.label("manifest", secret, b, password)
		}},
		{"key in name/value pairs", 4, func(s *g) {
			s.ev.name = "settings_saved"
			tok := s.opaque()
			s.put("settings", []any{o("key", "region", "value", "eu"), o("key", pick(s, []string{"apiKey", "secret", "access_token", "client_secret"}), "value", tok)})
			s.label("settings[].value", secret, tok)
		}},
	}
}

func privateKeyScenarios() []scenario {
	return []scenario{
		{"PEM private key pasted", 10, func(s *g) {
			s.ev.name = pick(s, []string{"ssh_key_added", "paste_created", "certificate_uploaded", "deploy_key_saved"})
			block, line := s.pemKey()
			if s.chance(20) {
				block, line = s.pgpKey()
			}
			k := pick(s, []string{"key", "ssh_key", "content", "private_key", "pem", "text", "clave_privada"})
			s.put(k, block)
			s.label(k, privateKey, line)
		}},
		{"PEM private key with escaped newlines in JSON", 6, func(s *g) {
			s.ev.name = "credentials_uploaded"
			block, line := s.pemKey()
			sa := o("type", "service_account", "project_id", "acme-prod", "private_key_id", s.hex(40), "private_key", block,
				"client_email", "svc@acme-prod.iam.gserviceaccount.com", "client_id", s.digits(21))
			if s.chance(50) {
				s.put("service_account_json", jsonText(sa))
				s.label("service_account_json", privateKey, line)
			} else {
				s.put("credentials", sa)
				s.label("credentials.private_key", privateKey, line)
			}
		}},
		{"private key in an error message", 4, func(s *g) {
			s.ev.name = "$exception"
			block, line := s.pemKey()
			s.put("$exception_message", "x509: failed to parse private key: asn1: structure error\ninput was:\n"+block)
			s.label("$exception_message", privateKey, line)
		}},
		{"private key written by a shell command", 3, func(s *g) {
			s.ev.name = "command_executed"
			block, line := s.pemKey()
			s.put("command", "cat > ~/.ssh/id_deploy <<'EOF'\n"+block+"EOF")
			s.label("command", privateKey, line)
		}},
		{"base64 DER private key without markers", 4, func(s *g) {
			s.ev.name = "key_imported"
			der := append([]byte{0x30, 0x82, 0x04, 0xbe, 0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x04, 0x82, 0x04, 0xa8}, s.bytes(1190)...)
			b := base64.StdEncoding.EncodeToString(der)
			k := pick(s, []string{"private_key", "privateKey", "signing_key", "key_der"})
			s.put(k, b)
			s.label(k, privateKey, b)
		}},
		{"WireGuard config", 5, func(s *g) {
			s.ev.name = pick(s, []string{"vpn_config_exported", "paste_created", "config_uploaded"})
			priv := s.wgKey()
			conf := "[Interface]\nPrivateKey = " + priv + "\nAddress = 10.8.0." + fmt.Sprint(2+s.r.IntN(200)) + "/32\nDNS = 1.1.1.1\n\n[Peer]\nPublicKey = " + s.wgKey() + "\nEndpoint = vpn.example.com:51820\nAllowedIPs = 0.0.0.0/0\n"
			k := pick(s, []string{"config", "content", "file"})
			s.put(k, conf)
			s.label(k, privateKey, priv)
		}},
		{"age identity", 3, func(s *g) {
			s.ev.name = "paste_created"
			k := s.ageKey()
			s.put("content", "# created: 2026-11-20T10:00:00Z\n# public key: age1"+s.from("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58)+"\n"+k+"\n")
			s.label("content", privateKey, k)
		}},
		{"private JWK", 5, func(s *g) {
			s.ev.name = "jwks_updated"
			d := s.b64url(32)
			jwk := o("kty", "EC", "crv", "P-256", "x", s.b64url(32), "y", s.b64url(32), "d", d, "kid", s.hex(8), "use", "sig")
			if s.chance(40) {
				d = s.b64url(256)
				jwk = o("kty", "RSA", "n", s.b64url(256), "e", "AQAB", "d", d, "p", s.b64url(128), "q", s.b64url(128), "kid", s.hex(8))
			}
			if s.chance(50) {
				s.put("jwk", jwk)
				s.label("jwk.d", privateKey, d)
			} else {
				s.put("keys", jsonText(o("keys", []any{jwk})))
				s.label("keys", privateKey, d)
			}
		}},
		{"wallet private key under its key", 3, func(s *g) {
			s.ev.name = "wallet_imported"
			k := s.hex(64)
			if s.chance(50) {
				k = "0x" + k
			}
			key := pick(s, []string{"private_key", "privateKey"})
			s.put(key, k)
			s.label(key, privateKey, k)
		}},
	}
}

func urlCredScenarios() []scenario {
	return []scenario{
		{"database URL with a password", 12, func(s *g) {
			s.ev.name = pick(s, []string{"datasource_added", "config_saved", "connection_tested"})
			pw := s.password(false)
			u := s.credURL(pw)
			k := pick(s, []string{"database_url", "DATABASE_URL", "dsn", "connection", "url", "redis_url", "broker_url", "uri"})
			s.put(k, u)
			s.label(k, credsInURL, escPW(pw), password)
		}},
		{"URL with credentials in an error or log", 10, func(s *g) {
			s.ev.name = pick(s, []string{"$exception", "log_line", "job_failed"})
			pw := s.password(false)
			u := s.credURL(pw)
			msgs := []string{
				"could not connect to " + u + ": connection refused",
				"Error: getaddrinfo ENOTFOUND while connecting to " + u,
				"level=error msg=\"migration failed\" dsn=" + u,
				"Traceback (most recent call last):\n  File \"worker.py\", line 12, in <module>\n    engine = create_engine(\"" + u + "\")\nsqlalchemy.exc.OperationalError",
			}
			k := pick(s, []string{"$exception_message", "message", "line"})
			s.put(k, pick(s, msgs))
			s.label(k, credsInURL, escPW(pw), password)
		}},
		{"URL with credentials on a command line or in config", 8, func(s *g) {
			s.ev.name = pick(s, []string{"command_executed", "config_uploaded"})
			pw := s.password(false)
			u := s.credURL(pw)
			texts := []string{
				"psql " + u + " -c 'select 1'",
				"git clone https://" + s.username() + ":" + escPW(pw) + "@git.example.com/team/app.git",
				"DATABASE_URL=" + u + "\nREDIS_URL=redis://localhost:6379/0\n",
				"spring:\n  datasource:\n    url: " + u + "\n",
				"pip install --index-url https://deploy:" + escPW(pw) + "@pypi.internal/simple app",
			}
			k := pick(s, []string{"command", "content", "cmdline"})
			s.put(k, pick(s, texts))
			s.label(k, credsInURL, escPW(pw), password)
		}},
		{"web URL with userinfo in a page property", 6, func(s *g) {
			s.ev.name = "$pageview"
			pw := s.password(false)
			u := "https://" + s.username() + ":" + escPW(pw) + "@" + pick(s, hosts) + "/admin/"
			k := pick(s, []string{"$current_url", "$referrer", "link"})
			s.put(k, u)
			s.label(k, credsInURL, escPW(pw), password)
		}},
		{"URL with credentials percent-encoded in a parameter", 5, func(s *g) {
			s.ev.name = "$pageview"
			pw := s.password(false)
			inner := s.credURL(pw)
			u := "https://" + pick(s, hosts) + "/connect?next=" + url.QueryEscape(inner) + "&src=wizard"
			s.put("$current_url", u)
			s.label("$current_url", credsInURL, url.QueryEscape(escPW(pw)), password)
		}},
		{"URL with credentials inside stringified JSON", 4, func(s *g) {
			s.ev.name = "settings_saved"
			pw := s.password(false)
			u := s.credURL(pw)
			s.put("payload", jsonText(o("integrations", []any{o("kind", "warehouse", "conn", u)})))
			s.label("payload", credsInURL, escPW(pw), password)
		}},
		{"git credential token as the password", 3, func(s *g) {
			s.ev.name = "ci_step_failed"
			tok := "ghs_" + s.alnum(36)
			s.put("remote", "https://x-access-token:"+tok+"@github.com/acme/app.git")
			s.label("remote", credsInURL, tok, secret)
		}},
	}
}

// credURL returns a connection URL with pw as its password.
func (s *g) credURL(pw string) string {
	user := pick(s, []string{"app", "admin", "postgres", "etl_user", s.username()})
	ep := escPW(pw)
	switch s.r.IntN(8) {
	case 0:
		return "postgres://" + user + ":" + ep + "@db.internal:5432/analytics"
	case 1:
		return "postgresql://" + user + ":" + ep + "@10.0.4.7/app?sslmode=require"
	case 2:
		return "mysql://" + user + ":" + ep + "@mysql.prod:3306/orders"
	case 3:
		return "mongodb+srv://" + user + ":" + ep + "@cluster0.ab1cd.mongodb.net/shop?retryWrites=true"
	case 4:
		return "redis://:" + ep + "@cache.internal:6379/0"
	case 5:
		return "amqp://" + user + ":" + ep + "@rabbit.internal:5672/%2F"
	case 6:
		return "smtp://" + user + ":" + ep + "@smtp.example.com:587"
	default:
		return "ftp://" + user + ":" + ep + "@files.example.com/incoming/"
	}
}

func formScenarios() []scenario {
	typed := func(s *g) string {
		return pick(s, []string{"Maria Lopez-Garcia", "please cancel my subscription asap", "Flat 4, 12 Elm Street", "Rua das Flores 221",
			"I never ordered this", "Kenji Tanaka", "allergic to peanuts", "deliver after 6pm please", "Bahnhofstraße 7", "customer since 2019"}) + " " + s.digits(2)
	}
	return []scenario{
		{"text typed into an autotracked input", 8, func(s *g) {
			s.ev.name = pick(s, []string{"$autocapture", "$mp_input_change", "$web_event"})
			v := typed(s)
			s.put("$event_type", "change")
			s.put("$elements", []any{o("tag_name", pick(s, []string{"input", "textarea"}), "attr__name", pick(s, []string{"full_name", "address", "comment", "notes", "q"}), "attr__type", "text", "attr__value", v, "nth_child", 2, "nth_of_type", 1),
				o("tag_name", "form", "nth_child", 1, "nth_of_type", 1)})
			s.label("$elements[].attr__value", formValue, v)
		}},
		{"text typed into an input, in an elements chain", 7, func(s *g) {
			s.ev.name = "$autocapture"
			v := typed(s)
			s.put("$event_type", "change")
			s.put("$elements_chain", `textarea.comment-box:attr__name="comment"attr__value="`+v+`"nth-child="3"nth-of-type="1";form#feedback:attr__id="feedback"nth-child="1"nth-of-type="1"`)
			s.label("$elements_chain", formValue, v)
		}},
		{"select and contenteditable values", 7, func(s *g) {
			s.ev.name = "$autocapture"
			v := typed(s)
			if s.chance(50) {
				s.put("$elements", []any{o("tag_name", "div", "attr__contenteditable", "true", "$el_text", v, "nth_child", 1, "nth_of_type", 1)})
				s.label("$elements[].$el_text", formValue, v)
			} else {
				s.put("$elements", []any{o("tag_name", "textarea", "attributes", o("attr__name", "message", "attr__value", v), "nth_child", 1, "nth_of_type", 1)})
				s.label("$elements[].attributes.attr__value", formValue, v)
			}
		}},
		{"input value in mixpanel autocapture fields", 6, func(s *g) {
			s.ev.name = "$mp_input_change"
			v := typed(s)
			s.put("$el_tag_name", "input")
			s.put("$el_attr__name", "shipping_note")
			s.put("$el_attr__value", v)
			s.label("$el_attr__value", formValue, v)
		}},
	}
}

func contactScenarios() []scenario {
	mail := func(s *g) string {
		return s.username() + "@" + pick(s, []string{"gmail.com", "example.org", "acme.io", "web.de", "yahoo.co.uk"})
	}
	tel := func(s *g) string {
		switch s.r.IntN(4) {
		case 0:
			return "+1 (" + fmt.Sprint(200+s.r.IntN(700)) + ") 555-" + s.digits(4)
		case 1:
			return "+44 7" + s.digits(3) + " " + s.digits(6)
		case 2:
			return "+49 151 " + s.digits(8)
		default:
			return "+55 11 9" + s.digits(4) + "-" + s.digits(4)
		}
	}
	return []scenario{
		{"e-mail under a key or in text", 20, func(s *g) {
			s.ev.name = pick(s, []string{"newsletter_signup", "invite_sent", "support_message"})
			m := mail(s)
			if s.chance(50) {
				k := pick(s, []string{"email", "invitee_email", "contact", "correo"})
				s.put(k, m)
				s.label(k, email, m)
			} else {
				s.put("message", "please reply to "+m+" instead")
				s.label("message", email, m)
			}
		}},
		{"phone under a key or in text", 21, func(s *g) {
			s.ev.name = pick(s, []string{"callback_requested", "profile_updated", "support_message"})
			p := tel(s)
			if s.chance(50) {
				k := pick(s, []string{"phone", "mobile", "phone_number", "telefono", "Telefonnummer"})
				s.put(k, p)
				s.label(k, phone, p)
			} else {
				s.put("message", "call me back on "+p+" after 5pm")
				s.label("message", phone, p)
			}
		}},
	}
}

// escPW is how a password is written in the userinfo of a URL.
func escPW(pw string) string {
	return strings.TrimPrefix(url.UserPassword("u", pw).String(), "u:")
}
