package main

import (
	"encoding/base64"
	"fmt"
	"math/rand"
	"strconv"
)

// isbn13 returns a valid ISBN-13 (978/979 prefix, weights 1 and 3).
func isbn13(r *rand.Rand) string {
	b := pick(r, "978", "979") + randFrom(r, digits, 9)
	sum := 0
	for i := range 12 {
		w := 1
		if i%2 == 1 {
			w = 3
		}
		sum += int(b[i]-'0') * w
	}
	return b + strconv.Itoa((10-sum%10)%10)
}

func ulid(r *rand.Rand) string { return "01J" + randFrom(r, "0123456789ABCDEFGHJKMNPQRSTVWXYZ", 23) }

func cleanScenarios() []scenario {
	return []scenario{
		{"identifiers of many shapes", func(r *rand.Rand, e *ev) {
			e.name = "Item Viewed"
			e.p["item_id"] = uuid(r)
			e.p["trace_id"] = randFrom(r, hexLower, 32)
			e.p["span_id"] = randFrom(r, hexLower, 16)
			e.p["object_id"] = randFrom(r, hexLower, 24)
			e.p["event_ulid"] = ulid(r)
			e.p["snowflake"] = strconv.FormatInt(1700000000000000000+r.Int63n(99999999999999999), 10)
			e.p["customer"] = "cus_" + randFrom(r, alnum, 14)
			e.p["payment_intent"] = "pi_3" + randFrom(r, alnum, 23)
		}},
		{"hashes and checksums", func(r *rand.Rand, e *ev) {
			e.name = "Asset Loaded"
			e.p["sha256"] = randFrom(r, hexLower, 64)
			e.p["etag"] = "W/\"" + randFrom(r, hexLower, 32) + "\""
			e.p["integrity"] = "sha384-" + b64(r, 48)
			e.p["content_md5"] = b64(r, 16)
			e.p["cache_key"] = randFrom(r, hexLower, 40)
		}},
		{"build metadata", func(r *rand.Rand, e *ev) {
			e.name = "App Started"
			e.p["build_sha"] = randFrom(r, hexLower, 40)
			e.p["git_commit_short"] = randFrom(r, hexLower, 7)
			e.p["image"] = "ghcr.io/acme/api@sha256:" + randFrom(r, hexLower, 64)
			e.p["version"] = fmt.Sprintf("%d.%d.%d+build.%d", 5, r.Intn(20), r.Intn(10), 1000+r.Intn(9000))
			e.p["bundle"] = "main." + randFrom(r, hexLower, 8) + ".js"
		}},
		{"shipment tracking numbers", func(r *rand.Rand, e *ev) {
			e.name = "Shipment Tracked"
			switch r.Intn(4) {
			case 0:
				e.p["tracking_number"] = "1Z" + randFrom(r, upper+digits, 6) + randFrom(r, digits, 10)
				e.p["carrier"] = "UPS"
			case 1:
				e.p["tracking_number"] = randFrom(r, digits, 12)
				e.p["carrier"] = "FedEx"
			case 2:
				e.p["tracking_number"] = "9400 1" + randFrom(r, digits, 3) + " " + randFrom(r, digits, 4) + " " + randFrom(r, digits, 4) + " " + randFrom(r, digits, 4) + " " + randFrom(r, digits, 2)
				e.p["carrier"] = "USPS"
			default:
				e.p["tracking_number"] = "JD" + randFrom(r, digits, 18)
				e.p["carrier"] = "DHL"
			}
		}},
		{"book and product codes", func(r *rand.Rand, e *ev) {
			e.name = "Product Viewed"
			e.p["isbn"] = isbn13(r)
			e.p["sku"] = "SKU-" + randFrom(r, upper, 3) + "-" + randFrom(r, digits, 5)
			e.p["asin"] = "B0" + randFrom(r, upper+digits, 8)
			e.p["price"] = float64(r.Intn(10000)) / 100
		}},
		{"order and invoice numbers", func(r *rand.Rand, e *ev) {
			e.name = "Order Completed"
			e.p["order_number"] = fmt.Sprintf("ORD-2026-%06d", r.Intn(1e6))
			e.p["invoice"] = fmt.Sprintf("INV/%d/%05d", 2026, r.Intn(1e5))
			e.p["booking_ref"] = randFrom(r, upper+digits, 6)
			e.p["po_number"] = "45" + randFrom(r, digits, 8)
			e.p["total"] = 10 + r.Intn(500)
		}},
		{"phone-like numbers that are not phones", func(r *rand.Rand, e *ev) {
			e.name = "Sync Finished"
			e.p["bytes_transferred"] = 1000000000 + r.Intn(999999999)
			e.p["duration_us"] = 100000000 + r.Intn(99999999)
			e.p["build_number"] = fmt.Sprintf("2026.%02d.%02d.%04d", 1+r.Intn(12), 1+r.Intn(28), r.Intn(10000))
			e.p["range"] = fmt.Sprintf("%d-%d", r.Intn(1000), 1000+r.Intn(1000))
		}},
		{"public keys and certificates", func(r *rand.Rand, e *ev) {
			e.name = "Key Registered"
			switch r.Intn(4) {
			case 0:
				e.p["public_key"] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + b64(r, 33)[:43] + " jdoe@laptop"
			case 1:
				e.p["public_key"] = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" + pemBody(r, 250) + "\n-----END PUBLIC KEY-----"
			case 2:
				e.p["certificate"] = "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE" + pemBody(r, 600) + "\n-----END CERTIFICATE-----"
			default:
				e.p["jwk"] = map[string]any{"kty": "RSA", "n": b64url(r, 256), "e": "AQAB", "kid": randFrom(r, hexLower, 16), "use": "sig", "alg": "RS256"}
			}
			e.p["fingerprint"] = "SHA256:" + b64(r, 32)[:43]
		}},
		{"publishable and client keys", func(r *rand.Rand, e *ev) {
			e.name = "SDK Initialised"
			switch r.Intn(8) {
			case 0:
				e.p["stripe_key"] = pick(r, "pk_live_", "pk_test_") + randFrom(r, alnum, 99)
			case 1:
				e.p["posthog_key"] = "phc_" + randFrom(r, alnum, 43)
			case 2:
				e.p["mapbox_token"] = "pk.eyJ1IjoiYWNtZSIsImEiOiJ" + randFrom(r, alnum, 22) + "." + randFrom(r, alnum+"-_", 22)
			case 3:
				e.p["recaptcha_site_key"] = "6L" + randFrom(r, alnum+"-_", 38)
			case 4:
				e.p["google_client_id"] = randFrom(r, digits, 12) + "-" + randFrom(r, lower+digits, 32) + ".apps.googleusercontent.com"
			case 5:
				e.p["mixpanel_token"] = randFrom(r, hexLower, 32)
			case 6:
				e.p["sentry_dsn"] = "https://" + randFrom(r, hexLower, 32) + "@o" + randFrom(r, digits, 6) + ".ingest.sentry.io/" + randFrom(r, digits, 7)
			default:
				e.p["dd_client_token"] = "pub" + randFrom(r, hexLower, 32)
			}
		}},
		{"supabase anon key (a JWT that is public)", func(r *rand.Rand, e *ev) {
			e.name = "SDK Initialised"
			h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
			c := base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"supabase","ref":"` + randFrom(r, lower, 20) + `","role":"anon","iat":1700000000,"exp":2015000000}`))
			e.p["supabase_anon_key"] = h + "." + c + "." + b64url(r, 32)
			e.p["supabase_url"] = "https://" + randFrom(r, lower, 20) + ".supabase.co"
		}},
		{"bank and branch codes alone", func(r *rand.Rand, e *ev) {
			e.name = "Bank Selected"
			switch r.Intn(5) {
			case 0:
				e.p["routing_number"] = aba(r)
			case 1:
				e.p["sort_code"] = fmt.Sprintf("%02d-%02d-%02d", r.Intn(100), r.Intn(100), r.Intn(100))
			case 2:
				e.p["bsb"] = fmt.Sprintf("%03d-%03d", r.Intn(1000), r.Intn(1000))
			case 3:
				e.p["bic"] = pick(r, "DEUTDEFF", "COBADEFFXXX", "BNPAFRPP", "INGBNL2A", "CHASUS33")
			default:
				e.p["ifsc"] = pick(r, "HDFC", "SBIN", "ICIC") + "0" + randFrom(r, digits, 6)
			}
			e.p["bank_name"] = pick(r, "Chase", "Barclays", "Deutsche Bank", "HDFC Bank")
		}},
		{"timestamps and coordinates", func(r *rand.Rand, e *ev) {
			e.name = "Location Updated"
			e.p["ts_ms"] = 1780000000000 + r.Int63n(18000000000)
			e.p["iso_time"] = fmt.Sprintf("2026-%02d-%02dT%02d:%02d:%02d.%03dZ", 1+r.Intn(12), 1+r.Intn(28), r.Intn(24), r.Intn(60), r.Intn(60), r.Intn(1000))
			e.p["lat"] = -90 + r.Float64()*180
			e.p["lng"] = -180 + r.Float64()*360
			e.p["geohash"] = randFrom(r, "0123456789bcdefghjkmnpqrstuvwxyz", 9)
		}},
		{"base64 image", func(r *rand.Rand, e *ev) {
			e.name = "Avatar Uploaded"
			e.p["thumbnail"] = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA" + b64(r, 300)
		}},
		{"CSS, SVG and minified code", func(r *rand.Rand, e *ev) {
			e.name = "Widget Rendered"
			e.p["inline_style"] = ".btn-primary{color:#fff;background-color:#" + randFrom(r, hexLower, 6) + ";border-radius:4px}.input[type=password]{letter-spacing:.2em}"
			e.p["icon_path"] = fmt.Sprintf("M%d.5 %dH%d.5V%d.5a1.5 1.5 0 0 1-3 0Z", r.Intn(20), r.Intn(20), r.Intn(20), r.Intn(20))
			e.p["snippet"] = "function(e,t){var n=e.token||t.key;if(!n)throw new Error(\"missing api key\");return fetch(t.url,{headers:{Authorization:\"Bearer \"+n}})}"
		}},
		{"prose about passwords", func(r *rand.Rand, e *ev) {
			e.name = pick(r, "Help Article Viewed", "Tooltip Shown", "Error Shown")
			e.p["text"] = pick(r,
				"Forgot your password? We'll email you a link to reset it.",
				"Password must be at least 12 characters and include a number.",
				"¿Olvidaste tu contraseña? Te enviaremos un enlace.",
				"Passwort vergessen? Wir senden Ihnen einen Link zum Zurücksetzen.",
				"忘记密码？请点击重置。",
				"Never share your PIN or one-time code with anyone, including our staff.",
				"Your API key is shown only once; store it in a secret manager.",
				"Enter the 6-digit code we sent to your phone.")
		}},
		{"flags and metadata under sensitive words", func(r *rand.Rand, e *ev) {
			e.name = "Security Settings Viewed"
			e.p["password_changed"] = r.Intn(2) == 0
			e.p["password_strength"] = pick(r, "weak", "medium", "strong")
			e.p["has_2fa"] = true
			e.p["pin_length"] = pick2(r, 4, 6)
			e.p["token_type"] = "bearer"
			e.p["token_expires_in"] = 3600
			e.p["api_key_id"] = "key_" + randFrom(r, alnum, 10)
			e.p["secret_name"] = "prod/db-credentials"
			e.p["card_brand"] = pick(r, "visa", "mastercard", "amex")
			e.p["card_last4"] = randFrom(r, digits, 4)
			e.p["ssn_verified"] = true
		}},
		{"masked values", func(r *rand.Rand, e *ev) {
			e.name = "Payment Method Shown"
			e.p["card"] = "•••• •••• •••• " + randFrom(r, digits, 4)
			e.p["account"] = "xxxx" + randFrom(r, digits, 4)
			e.p["ssn_display"] = "***-**-" + randFrom(r, digits, 4)
			e.p["iban_display"] = "DE** **** **** **** **" + randFrom(r, digits, 2) + " " + randFrom(r, digits, 2)
		}},
		{"numbers that fail their checks", func(r *rand.Rand, e *ev) {
			e.name = "Reference Entered"
			switch r.Intn(4) {
			case 0:
				e.p["reference"] = badLuhn(r)
			case 1:
				e.p["reference"] = fmt.Sprintf("000-%02d-%04d", 1+r.Intn(99), 1+r.Intn(9999))
			case 2:
				c := cpf(r)
				last := c[len(c)-1]
				e.p["protocolo"] = c[:len(c)-1] + string('0'+(last-'0'+3)%10)
			default:
				ib := iban(r)
				e.p["payment_reference"] = ib[:2] + fmt.Sprintf("%02d", (int(ib[2]-'0')*10+int(ib[3]-'0')+1)%100) + ib[4:]
			}
		}},
		{"clean SQL", func(r *rand.Rand, e *ev) {
			e.name = "Slow Query"
			e.p["sql"] = pick(r,
				"SELECT u.id, u.email_verified FROM users u WHERE u.password_reset_at > now() - interval '1 day'",
				"UPDATE sessions SET revoked = true WHERE token_hash = $1 AND user_id = $2",
				"SELECT count(*) FROM cards WHERE last4 = $1 AND brand = 'visa'",
				"CREATE INDEX CONCURRENTLY idx_api_keys_prefix ON api_keys (prefix)")
			e.p["duration_ms"] = 1000 + r.Intn(9000)
		}},
		{"clean log line", func(r *rand.Rand, e *ev) {
			e.name = "Log Shipped"
			e.p["message"] = fmt.Sprintf("2026-11-%02dT%02d:%02d:00Z ", 1+r.Intn(28), r.Intn(24), r.Intn(60)) + pick(r,
				"INFO  auth.password_reset requested user_id="+strconv.Itoa(r.Intn(1e6))+" request_id="+uuid(r),
				"WARN  token refresh failed status=401 attempt=2 trace="+randFrom(r, hexLower, 32),
				"ERROR payment declined code=insufficient_funds card_last4="+randFrom(r, digits, 4),
				"INFO  login ok method=passkey session_age=0s")
		}},
		{"clean stack trace", func(r *rand.Rand, e *ev) {
			e.name = "$exception"
			e.p["$exception_stack"] = "TypeError: Cannot read properties of undefined (reading 'token')\n    at AuthProvider (https://app.acme.io/static/js/main." + randFrom(r, hexLower, 8) + ".js:2:" + strconv.Itoa(r.Intn(99999)) + ")\n    at renderWithHooks (react-dom.production.min.js:1:" + strconv.Itoa(r.Intn(99999)) + ")"
			e.p["$exception_type"] = "TypeError"
		}},
		{"clean header dump", func(r *rand.Rand, e *ev) {
			e.name = "Network Error"
			e.p["request_headers"] = "GET /api/v2/products HTTP/1.1\r\nHost: api.acme.io\r\nAccept: application/json\r\nX-Request-Id: " + uuid(r) + "\r\nX-Amzn-Trace-Id: Root=1-" + randFrom(r, hexLower, 8) + "-" + randFrom(r, hexLower, 24) + "\r\nIf-None-Match: W/\"" + randFrom(r, hexLower, 16) + "\"\r\n"
			e.p["status_code"] = 503
		}},
		{"clean cookie string", func(r *rand.Rand, e *ev) {
			e.name = "$pageview"
			e.p["document_cookie"] = "_ga=GA1.1." + strconv.Itoa(r.Intn(1e9)) + ".1764000000; _gid=GA1.1." + strconv.Itoa(r.Intn(1e9)) + "; _fbp=fb.1.1764000000000." + strconv.Itoa(r.Intn(1e9)) + "; theme=dark; locale=de-DE; cookie_consent=necessary,analytics"
		}},
		{"clean environment dump", func(r *rand.Rand, e *ev) {
			e.name = "Worker Started"
			e.p["env"] = "NODE_ENV=production\nPORT=3000\nLOG_LEVEL=info\nAPP_VERSION=5." + strconv.Itoa(r.Intn(20)) + ".0\nPASSWORD_MIN_LENGTH=12\nSESSION_TTL=86400\nDATABASE_URL=postgres://" + host(r) + ":5432/app\nTOKEN_AUDIENCE=https://api.acme.io"
		}},
		{"clean config in a string", func(r *rand.Rand, e *ev) {
			e.name = "Config Uploaded"
			switch r.Intn(4) {
			case 0:
				e.p["config_yaml"] = "auth:\n  password_policy:\n    min_length: 12\n    require_symbol: true\n  token_ttl: 3600\n  secret_ref: vault://kv/prod/db\n"
			case 1:
				e.p["config"] = "[session]\ncookie_name = \"sid\"\nmax_age = 86400\nsecure = true\n"
			case 2:
				e.p["envelope"] = "<order id=\"" + strconv.Itoa(r.Intn(1e6)) + "\"><item sku=\"A-1001\" qty=\"2\"/><payment method=\"card\" last4=\"" + randFrom(r, digits, 4) + "\"/></order>"
			default:
				e.p["preview"] = "sku,qty,price\nA-1001,2,19.99\nB-2002,1,5.00\n"
			}
		}},
		{"clean form body", func(r *rand.Rand, e *ev) {
			e.name = "Form Posted"
			e.p["body"] = pick(r, "q=visa+card+fees&page=2&sort=relevance", "username=jdoe&remember_me=on&next=%2Fdashboard", "email_opt_in=1&password_reset=requested&lang=fr")
		}},
		{"clean GraphQL", func(r *rand.Rand, e *ev) {
			e.name = "GraphQL Request"
			e.p["graphql"] = map[string]any{"operationName": "PaymentMethods", "query": "query PaymentMethods { viewer { cards { brand last4 expMonth expYear } } }", "variables": map[string]any{"userId": uuid(r), "first": 10}}
		}},
		{"clean support chat", func(r *rand.Rand, e *ev) {
			e.name = "Chat Message Sent"
			e.p["message"] = pick(r,
				"How do I change my password?",
				"my order ORD-2026-00"+randFrom(r, digits, 4)+" hasn't arrived, tracking 1Z"+randFrom(r, upper+digits, 16),
				"The card ending in "+randFrom(r, digits, 4)+" was declined, why?",
				"¿Cómo cambio mi contraseña? No me llega el código.",
				"Ich habe mein Passwort vergessen, der Link ist abgelaufen.")
		}},
		{"clean search queries", func(r *rand.Rand, e *ev) {
			e.name = "Search"
			e.p["query"] = pick(r, "reset password", "iphone 15 pro 256gb", "visa vs mastercard fees", "ssn office near me", "api key rotation", "private key vs public key", "isbn "+isbn13(r))
			e.p["results"] = r.Intn(200)
		}},
		{"mobile SDK device payload", func(r *rand.Rand, e *ev) {
			e.name = "$ae_session"
			e.p["$ae_session_length"] = float64(r.Intn(100000)) / 10
			e.p["$ios_ifa"] = "00000000-0000-0000-0000-000000000000"
			e.p["$ios_devices"] = []any{randFrom(r, hexLower, 64)}
			e.p["$android_devices"] = []any{randFrom(r, alnum, 22) + ":APA91b" + randFrom(r, alnum+"-_", 134)}
			e.p["$screen_dpi"] = 460
		}},
		{"clean feedback form", func(r *rand.Rand, e *ev) {
			e.name = "Feedback Submitted"
			e.p["feedback"] = map[string]any{"nps": r.Intn(11), "comment": pick(r, "Love the new dashboard, but the password reset email took 10 minutes.", "Great app! Card payments were fast.", "Please add dark mode")}
		}},
		{"clean arrays of pairs", func(r *rand.Rand, e *ev) {
			e.name = "Cart Updated"
			e.p["attributes"] = []any{[]any{"plan", "pro"}, []any{"seats", strconv.Itoa(1 + r.Intn(50))}, []any{"coupon", "BLACKFRIDAY25"}, []any{"password_protected", "false"}}
			e.p["fields"] = []any{map[string]any{"name": "password", "value": ""}, map[string]any{"name": "plan", "value": "pro"}}
		}},
		{"clean deep nesting", func(r *rand.Rand, e *ev) {
			e.name = "Experiment Exposure"
			e.p["experiment"] = map[string]any{"flags": map[string]any{"new_checkout": map[string]any{"variant": pick(r, "control", "test"), "hash": randFrom(r, hexLower, 16)}}}
		}},
		{"keys in other scripts, clean values", func(r *rand.Rand, e *ev) {
			e.name = "Settings Changed"
			e.p["密码强度"] = "强"
			e.p["пароль_изменён"] = "2026-11-30"
			e.p["contraseña_olvidada"] = false
			e.p["パスワード再設定"] = "requested"
		}},
		{"clean layered encodings", func(r *rand.Rand, e *ev) {
			e.name = "OAuth Started"
			e.p["state"] = base64.RawURLEncoding.EncodeToString([]byte(js(map[string]any{"returnTo": "/dashboard", "nonce": randFrom(r, alnum, 16)})))
			e.p["code_challenge"] = b64url(r, 32)
			e.p["$current_url"] = "https://login.acme.io/authorize?redirect_uri=" + qesc(qesc("https://app.acme.io/cb?utm_source=news&ref="+randFrom(r, alnum, 8)))
			e.p["meta"] = js(map[string]any{"campaign": "winter", "variant": 2})
		}},
		{"clean mobile object description", func(r *rand.Rand, e *ev) {
			e.name = "Debug Log"
			e.p["log"] = pick(r, "Bundle[{screen=Home, tab=2, from_push=true}]",
				"PasswordResetState(emailSent=true, attempts=1, lastError=null)",
				"{\n    hasPassword = 1;\n    tokenExpiresIn = 3600;\n}",
				"Intent { act=android.intent.action.VIEW dat=acme://product/"+strconv.Itoa(r.Intn(1e5))+" }")
		}},
		{"clean Segment context", func(r *rand.Rand, e *ev) {
			e.name = "Page Viewed"
			e.p["context"] = map[string]any{"library": map[string]any{"name": "analytics.js", "version": "2.1.0"}, "page": map[string]any{"path": "/pricing", "referrer": "https://www.google.com/"}, "traits": map[string]any{"plan": "pro", "has_password": true}}
			e.p["anonymousId"] = uuid(r)
			e.p["messageId"] = "ajs-next-" + randFrom(r, hexLower, 32)
		}},
		{"webhook signatures", func(r *rand.Rand, e *ev) {
			e.name = "Webhook Received"
			e.p["stripe_signature"] = fmt.Sprintf("t=%d,v1=%s", 1780000000+r.Intn(1e7), randFrom(r, hexLower, 64))
			e.p["x_hub_signature_256"] = "sha256=" + randFrom(r, hexLower, 64)
		}},
	}
}
