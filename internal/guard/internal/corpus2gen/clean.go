package main

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Clean events: ordinary analytics traffic, weighted towards what looks
// like a secret, a card or an ID and is not.

func cleanScenarios() []scenario {
	return []scenario{
		{"page view with UTM and click ids", 60, func(s *g) {
			s.ev.name = pick(s, []string{"$pageview", "$mp_web_page_view", "Page Viewed"})
			q := url.Values{}
			q.Set("utm_source", pick(s, []string{"google", "newsletter", "linkedin", "partner_42"}))
			q.Set("utm_medium", pick(s, []string{"cpc", "email", "social"}))
			q.Set("utm_campaign", pick(s, []string{"black_friday_2026", "q4-retargeting", "launch"}))
			switch s.r.IntN(3) {
			case 0:
				q.Set("gclid", "Cj0KCQiA"+s.from(alnumAll+"_-", 80))
			case 1:
				q.Set("fbclid", "IwAR"+s.from(alnumAll+"_-", 56))
			default:
				q.Set("msclkid", s.hex(32))
			}
			s.put("current_url_search", "?"+q.Encode())
			s.put("$current_url", "https://"+pick(s, hosts)+pick(s, pagePaths[:6])+"?"+q.Encode())
			s.put("current_page_title", pick(s, []string{"Pricing – Acme", "Dashboard", "Docs: Getting started", "Checkout"}))
		}},
		{"product and order events", 60, func(s *g) {
			s.ev.name = pick(s, []string{"Product Viewed", "Added To Cart", "Order Completed", "Checkout Started"})
			s.put("product_id", s.uuid())
			s.put("sku", strings.ToUpper(s.from(upperAlpha, 3))+"-"+s.digits(5))
			s.put("price", float64(100+s.r.IntN(90000))/100)
			s.put("currency", pick(s, []string{"USD", "EUR", "GBP", "JPY"}))
			s.put("quantity", 1+s.r.IntN(4))
			if s.chance(50) {
				s.put("order_id", pick(s, []string{"ORD-", "#", "", "SO"})+s.digits(6+s.r.IntN(6)))
			}
			s.put("coupon", pick(s, []string{"", "WELCOME10", "BF2026", "FREESHIP"}))
			s.put("payment_method", pick(s, []string{"card", "paypal", "apple_pay", "sepa_debit", "pix"}))
			s.put("card_brand", pick(s, []string{"visa", "mastercard", "amex"}))
			s.put("card_last4", s.digits(4))
		}},
		{"identifiers of every shape", 70, func(s *g) {
			s.ev.name = pick(s, []string{"api_request", "job_completed", "sync_finished", "Report Generated"})
			ids := []func() (string, any){
				func() (string, any) { return "request_id", s.uuid() },
				func() (string, any) { return "trace_id", s.hex(32) },
				func() (string, any) { return "span_id", s.hex(16) },
				func() (string, any) {
					return "traceparent", "00-" + s.hex(32) + "-" + s.hex(16) + "-01"
				},
				func() (string, any) { return "ulid", "01J" + s.from("0123456789ABCDEFGHJKMNPQRSTVWXYZ", 23) },
				func() (string, any) { return "ksuid", s.alnum(27) },
				func() (string, any) { return "nanoid", s.from(alnumAll+"_-", 21) },
				func() (string, any) { return "object_id", s.hex(24) },
				func() (string, any) { return "snowflake", "1" + s.digits(18) },
				func() (string, any) { return "message_id", "<" + s.alnum(20) + "@mail.example.com>" },
				func() (string, any) { return "session_id", s.uuid() },
				func() (string, any) {
					return "$session_id", "0193" + s.hex(4) + "-" + s.hex(4) + "-7" + s.hex(3) + "-a" + s.hex(3) + "-" + s.hex(12)
				},
				func() (string, any) { return "idempotency_key", s.uuid() },
				func() (string, any) { return "cache_key", "v2:user:" + s.digits(6) + ":" + s.hex(8) },
				func() (string, any) { return "customer_id", "cus_" + s.alnum(14) },
				func() (string, any) { return "payment_intent", "pi_" + s.alnum(24) },
				func() (string, any) { return "subscription", "sub_" + s.alnum(24) },
				func() (string, any) { return "video_id", s.from(alnumAll+"_-", 11) },
				func() (string, any) { return "invoice_number", "INV-2026-" + s.digits(5) },
				func() (string, any) { return "user_id", Num(s.nonZero(9)) },
				func() (string, any) { return "account_id", Num("1" + s.digits(11)) },
				func() (string, any) { return "build", s.hex(7) },
				func() (string, any) { return "anonymous_id", s.b64url(16) },
			}
			for range 3 + s.r.IntN(4) {
				k, v := pick(s, ids)()
				s.put(k, v)
			}
		}},
		{"hashes and checksums", 35, func(s *g) {
			s.ev.name = pick(s, []string{"file_uploaded", "deploy_finished", "asset_cached", "build_completed"})
			s.put("sha256", s.hex(64))
			if s.chance(60) {
				s.put("md5", s.hex(32))
			}
			s.put("commit", s.hex(40))
			s.put("etag", "W/\""+s.hex(16)+"\"")
			if s.chance(50) {
				s.put("integrity", "sha384-"+s.b64(48))
			}
			if s.chance(40) {
				s.put("content_hash", base64.StdEncoding.EncodeToString(s.bytes(32)))
			}
			s.put("size_bytes", 1000+s.r.IntN(5000000))
		}},
		{"colours, versions and timestamps", 40, func(s *g) {
			s.ev.name = pick(s, []string{"theme_changed", "app_updated", "Settings Viewed"})
			s.put("primary_color", "#"+s.hex(6))
			s.put("accent", "#"+strings.ToUpper(s.hex(3)))
			s.put("app_version", fmt.Sprintf("%d.%d.%d", s.r.IntN(10), s.r.IntN(40), s.r.IntN(200)))
			s.put("build_version", fmt.Sprintf("%d.%d.%d+build.%d", s.r.IntN(5), s.r.IntN(20), s.r.IntN(10), s.r.IntN(9999)))
			s.put("updated_at", fmt.Sprintf("2026-%02d-%02dT%02d:%02d:%02d.%03dZ", 1+s.r.IntN(12), 1+s.r.IntN(28), s.r.IntN(24), s.r.IntN(60), s.r.IntN(60), s.r.IntN(1000)))
			s.put("ts_ms", Num(strconv.FormatInt(s.time*1000+int64(s.r.IntN(1000)), 10)))
			s.put("tz", pick(s, []string{"Europe/Berlin", "America/Sao_Paulo", "Asia/Kolkata"}))
		}},
		{"public bank identifiers", 35, func(s *g) {
			s.ev.name = pick(s, []string{"bank_selected", "payout_bank_searched", "Bank Lookup"})
			switch s.r.IntN(4) {
			case 0:
				s.put("routing_number", s.aba())
				s.put("bank_name", pick(s, []string{"JPMorgan Chase", "Bank of America", "Wells Fargo"}))
			case 1:
				s.put("sort_code", s.sortCode())
				s.put("bank_name", pick(s, []string{"NatWest", "Barclays", "Monzo"}))
			case 2:
				s.put("bic", s.bic())
				s.put("swift_code", s.bic())
			default:
				s.put("ifsc", pick(s, []string{"HDFC0", "SBIN0", "ICIC0"})+s.digits(6))
				s.put("aba", s.aba())
			}
			s.put("country", pick(s, []string{"US", "GB", "DE", "IN"}))
		}},
		{"bank identifiers in prose", 12, func(s *g) {
			s.ev.name = "help_article_viewed"
			texts := []string{
				"Our routing number is " + s.aba() + " for domestic wires.",
				"Use sort code " + s.sortCode() + " when paying from a UK bank.",
				"SWIFT/BIC: " + s.bic() + " (intermediary bank)",
			}
			s.put("snippet", pick(s, texts))
		}},
		{"webhook signatures", 30, func(s *g) {
			s.ev.name = pick(s, []string{"webhook_received", "webhook_delivered"})
			switch s.r.IntN(4) {
			case 0:
				s.put("stripe_signature", fmt.Sprintf("t=%d,v1=%s,v0=%s", s.time, s.hex(64), s.hex(64)))
			case 1:
				s.put("x_hub_signature_256", "sha256="+s.hex(64))
			case 2:
				s.put("headers", o("Svix-Id", "msg_"+s.alnum(27), "Svix-Timestamp", strconv.FormatInt(s.time, 10), "Svix-Signature", "v1,"+s.b64(32)))
			default:
				s.put("x_shopify_hmac_sha256", s.b64(32))
			}
			s.put("delivery_id", s.uuid())
			s.put("status", pick(s, []int{200, 200, 202, 500}))
		}},
		{"base64 images and binary blobs", 20, func(s *g) {
			s.ev.name = pick(s, []string{"avatar_uploaded", "screenshot_taken", "signature_drawn"})
			png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), s.bytes(200+s.r.IntN(600))...)
			if s.chance(60) {
				s.put("thumbnail", "data:image/png;base64,"+base64.StdEncoding.EncodeToString(png))
			} else {
				s.put("image_b64", base64.StdEncoding.EncodeToString(png))
			}
			s.put("width", 64+s.r.IntN(400))
			s.put("height", 64+s.r.IntN(400))
		}},
		{"pass, pin and key words that are not secrets", 55, func(s *g) {
			s.ev.name = pick(s, []string{"pass_purchased", "item_pinned", "key_pressed", "boarding", "settings_changed"})
			kvs := [][2]any{
				{"pass", true}, {"pass", false}, {"pass", "top"}, {"boarding_pass", "gate 4"}, {"pass_type", "season"},
				{"pass", "day pass"}, {"pin", "top"}, {"pin", false}, {"pinned", true}, {"pin_position", "left"}, {"pin_count", 3},
				{"key", "Enter"}, {"key", "ArrowDown"}, {"key", "Escape"}, {"keyCode", 13}, {"pass_rate", 0.92}, {"passed", 17},
				{"tests_passed", 412}, {"password_strength", pick(s, []string{"weak", "medium", "strong", "very strong"})},
				{"password_reset_requested", true}, {"has_password", true}, {"passwordless", true}, {"password_changed_at", "2026-10-02T11:00:00Z"},
				{"password_length", 14}, {"password_score", 3}, {"auth_method", "password"}, {"login_method", "password"},
				{"pin_enabled", true}, {"token_count", 512}, {"max_tokens", 4096}, {"tokens_used", 18234}, {"token_type", "bearer"},
				{"next_page_token", "CAoQAA"}, {"secret_santa_group", "office"}, {"api_version", "2024-06-20"},
				{"secret", false}, {"is_secret", true}, {"show_password", true}, {"password_field_focused", true}, {"pin_code_length", 6},
				{"passport_expiry_reminder", "on"}, {"otp_channel", "sms"}, {"otp_length", 6}, {"ssn_provided", true},
				{"card_brand", "visa"}, {"cvc_check", "pass"}, {"account_type", "checking"}, {"iban_country", "DE"},
				{"key_id", "k_2026_11"}, {"publishable_key", "pk_live_" + s.alnum(24)}, {"keyboard_layout", "qwertz"},
				{"pin", "gate 4"}, {"pass", "ok"}, {"password", ""}, {"password", "********"}, {"pwd", "/home/app"},
				{"delivery_pincode", "560001"}, {"pincode", "400050"},
			}
			for range 2 + s.r.IntN(4) {
				kv := pick(s, kvs)
				s.put(kv[0].(string), kv[1])
			}
		}},
		{"prose about passwords, cards and IDs without one", 45, func(s *g) {
			s.ev.name = pick(s, []string{"support_message", "search", "help_article_viewed", "chat_message", "notification_shown"})
			texts := []string{
				"Forgot your password? We sent you a link to reset it.",
				"Password must be at least 12 characters and contain a number.",
				"how do I change my password on the mobile app",
				"I reset my password twice and still cannot log in",
				"Your card ending in " + s.digits(4) + " was charged $" + fmt.Sprint(5+s.r.IntN(200)) + ".00",
				"We never ask for your SSN or card number over chat.",
				"Enter the 6-digit code we sent to your phone.",
				"Invalid password for this account. 2 attempts left.",
				"mi contraseña no funciona, ayuda",
				"Passwort vergessen? Hier zurücksetzen.",
				"token expired, please sign in again",
				"API keys can be rotated from Settings → Developers.",
				"Please upload a photo of your passport or national ID card.",
				"the secret to good bread is patience",
				"Where do I find my IBAN? It is on your bank statement.",
				"password manager vs browser autofill: which is safer?",
			}
			k := pick(s, []string{"message", "query", "text", "title", "body"})
			s.put(k, pick(s, texts))
		}},
		{"URLs about passwords and tokens", 30, func(s *g) {
			s.ev.name = "$pageview"
			paths := []string{"/forgot-password", "/account/password/reset?step=2", "/settings/security/password", "/docs/api/authentication#tokens",
				"/blog/how-we-store-passwords", "/help/reset-pin", "/login?next=%2Fbilling", "/auth/callback?state=" + s.alnum(16) + "&session_state=" + s.uuid(),
				"/oauth/authorize?client_id=" + s.digits(10) + "&response_type=code&redirect_uri=https%3A%2F%2Fapp.acme.io%2Fcb&scope=read",
				"/search?q=password+reset&page=2", "/docs/keys/rotate", "/tokens/erc20", "/pin/1" + s.digits(17)}
			s.put("$current_url", "https://"+pick(s, hosts)+pick(s, paths))
			s.put("$pathname", "/"+pick(s, []string{"forgot-password", "settings", "docs"}))
		}},
		{"placeholders and templates", 30, func(s *g) {
			s.ev.name = pick(s, []string{"docs_snippet_copied", "template_rendered", "code_copied"})
			snips := []string{
				"export API_KEY=YOUR_API_KEY",
				"DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/DB",
				"curl -H \"Authorization: Bearer <token>\" https://api.acme.io/v1/me",
				"password: ${DB_PASSWORD}",
				"api_key = \"{{ secrets.API_KEY }}\"",
				"aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
				"stripe.api_key = 'sk_test_xxxxxxxxxxxxxxxxxxxxxxxx'",
				"token: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
				"Authorization: Bearer $TOKEN",
				"mysql -u root -p",
				"ssh -i ~/.ssh/id_ed25519 deploy@host",
			}
			s.put("snippet", pick(s, snips))
			s.put("language", pick(s, []string{"bash", "yaml", "python", "toml"}))
		}},
		{"public keys and certificates", 20, func(s *g) {
			s.ev.name = pick(s, []string{"ssh_key_added", "certificate_uploaded", "jwks_fetched"})
			switch s.r.IntN(3) {
			case 0:
				s.put("public_key", s.pemPublic())
			case 1:
				s.put("ssh_public_key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI"+s.from(alnumAll+"+/", 43)+" "+s.username()+"@laptop")
			default:
				s.put("jwk", o("kty", "EC", "crv", "P-256", "x", s.b64url(32), "y", s.b64url(32), "kid", s.hex(8), "use", "sig"))
			}
			s.put("fingerprint", "SHA256:"+strings.TrimRight(s.b64(32), "="))
		}},
		{"publishable and public client keys", 20, func(s *g) {
			s.ev.name = "sdk_initialised"
			s.put("stripe_publishable_key", "pk_live_"+s.alnum(24+s.r.IntN(60)))
			s.put("sentry_dsn", "https://"+s.hex(32)+"@o"+s.digits(6)+".ingest.sentry.io/"+s.digits(7))
			s.put("posthog_host", "https://eu.i.posthog.com")
			s.put("recaptcha_site_key", "6L"+s.from(alnumAll+"_-", 38))
			s.put("algolia_app_id", strings.ToUpper(s.alnum(10)))
		}},
		{"numbers shaped like cards that fail Luhn", 40, func(s *g) {
			s.ev.name = pick(s, []string{"Order Completed", "shipment_created", "ticket_issued", "refund_processed"})
			num, _ := s.card()
			bad := luhnBreak(num)
			k := pick(s, []string{"order_number", "tracking_number", "ticket_no", "reference", "confirmation_code", "voucher", "awb"})
			if s.chance(30) {
				bad = groupCard(bad, " ")
			}
			s.put(k, bad)
			s.put("carrier", pick(s, []string{"UPS", "DHL", "FedEx", "Correios"}))
			if s.chance(40) {
				s.put("ups_tracking", "1Z"+s.from(upperAlpha+digitsAll, 16))
			}
		}},
		{"numbers shaped like national IDs that fail their checks", 40, func(s *g) {
			s.ev.name = pick(s, []string{"part_ordered", "ticket_created", "form_viewed", "inventory_synced"})
			switch s.r.IntN(11) {
			case 5: // HMRC's own example number, printed on forms
				s.put("example", pick(s, []string{"QQ123456C", "QQ 12 34 56 C"}))
			case 6:
				ib := s.iban()
				s.put("payment_reference", ib[:2]+fmt.Sprintf("%02d", (int(ib[2]-'0')*10+int(ib[3]-'0')+1)%100)+ib[4:])
			case 7:
				d := s.prcID()
				s.put("serial", d[:17]+string("10X98765432"[(strings.IndexByte("10X98765432", d[17])+1)%11]))
			case 8:
				d := s.zaID()
				s.put("shipment", luhnBreak(d))
			case 9:
				d := s.sin()
				s.put("sku_code", luhnBreak(d))
			case 10:
				d := s.steuerID()
				s.put("kundennummer", d[:10]+string('0'+(d[10]-'0'+1)%10))
			case 0:
				s.put("part_number", s.badSSN())
			case 1:
				c := s.cpf()
				bad := c[:10] + string('0'+(c[10]-'0'+1)%10)
				s.put("invoice_ref", fmtCPF(bad))
			case 2:
				d := s.bsn()
				s.put("article", d[:8]+string('0'+(d[8]-'0'+1)%10))
			case 3:
				d := s.dni()
				letter := dniLetters[(strings.IndexByte(dniLetters, d[8])+1)%23]
				s.put("locker_code", d[:8]+string(letter))
			default:
				d := s.aadhaar()
				s.put("batch", d[:11]+string('0'+(d[11]-'0'+1)%10))
			}
			s.put("qty", 1+s.r.IntN(20))
		}},
		{"account-shaped numbers that are not accounts", 30, func(s *g) {
			s.ev.name = pick(s, []string{"invoice_paid", "meter_read", "policy_viewed"})
			ks := []string{"invoice_number", "meter_id", "policy_number", "customer_number", "membership_no", "contract_no", "loyalty_number"}
			s.put(pick(s, ks), s.digits(8+s.r.IntN(8)))
			s.put("amount", float64(s.r.IntN(100000))/100)
			s.put("reference", "RF"+s.digits(2)+strings.ToUpper(s.alnum(8))) // shaped like an RF creditor reference
		}},
		{"stack traces and errors without secrets", 45, func(s *g) {
			s.ev.name = pick(s, []string{"$exception", "Error", "crash_reported"})
			traces := []string{
				"TypeError: Cannot read properties of undefined (reading 'map')\n    at ProductList (webpack:///./src/ProductList.tsx:42:18)\n    at renderWithHooks (react-dom.development.js:14985:18)",
				"Traceback (most recent call last):\n  File \"app/views.py\", line 120, in checkout\n    total = cart.total()\nKeyError: 'price'",
				"java.lang.NullPointerException: Cannot invoke \"User.getPasswordHash()\" because \"user\" is null\n\tat com.acme.auth.LoginService.verify(LoginService.java:77)",
				"Error: connect ECONNREFUSED 10.0.3.12:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)",
				"FATAL: password authentication failed for user \"app\"",
				"ActiveRecord::RecordInvalid: Validation failed: Password is too short (minimum is 12 characters)",
				"panic: runtime error: index out of range [3] with length 3\n\ngoroutine 18 [running]:\nmain.parse(...)\n\t/src/parse.go:44",
				"401 Unauthorized: token expired at 2026-11-20T10:00:00Z (request " + s.uuid() + ")",
			}
			s.put("$exception_message", pick(s, traces))
			s.put("$exception_type", pick(s, []string{"TypeError", "KeyError", "NullPointerException", "Error"}))
			s.put("$exception_fingerprint", s.hex(32))
		}},
		{"log lines without secrets", 35, func(s *g) {
			s.ev.name = pick(s, []string{"log_line", "server_log"})
			lines := []string{
				fmt.Sprintf("level=info ts=2026-11-21T08:12:44Z msg=\"request done\" method=GET path=/api/items status=200 dur=%dms req_id=%s", 3+s.r.IntN(400), s.uuid()),
				fmt.Sprintf(`{"level":"info","msg":"user logged in","user_id":%d,"method":"password","mfa":true}`, s.r.IntN(100000)),
				"INFO  [main] o.s.b.w.e.tomcat.TomcatWebServer - Tomcat started on port(s): 8080 (http)",
				fmt.Sprintf("%s - - [21/Nov/2026:08:12:44 +0000] \"GET /static/app.%s.js HTTP/1.1\" 200 51234", s.ip(), s.hex(8)),
				"WARN password policy updated: min_length=12 require_symbol=true",
				"session " + s.uuid() + " expired after 30m idle",
			}
			s.put("line", pick(s, lines))
			s.put("host", pick(s, []string{"web-1", "web-2", "worker-7"}))
		}},
		{"GraphQL and HAR traffic without secrets", 35, func(s *g) {
			s.ev.name = pick(s, []string{"graphql_request", "har_captured"})
			if s.chance(50) {
				s.put("graphql", o("operationName", "Products", "query", "query Products($first: Int!, $after: String) { products(first: $first, after: $after) { edges { node { id title } } pageInfo { endCursor } } }",
					"variables", o("first", 20, "after", s.b64(12))))
			} else {
				s.put("har", jsonText(o("log", o("version", "1.2", "entries", []any{o(
					"request", o("method", "GET", "url", "https://"+pick(s, hosts)+"/api/items?page=2&sort=-created",
						"headers", []any{o("name", "accept", "value", "application/json"), o("name", "x-request-id", "value", s.uuid())}),
					"response", o("status", 200, "content", o("size", 1000+s.r.IntN(9000), "mimeType", "application/json")),
					"timings", o("wait", 10+s.r.IntN(300)))}))))
			}
		}},
		{"config files without secrets", 30, func(s *g) {
			s.ev.name = pick(s, []string{"config_uploaded", "file_saved"})
			files := []string{
				"LOG_LEVEL=debug\nPORT=8080\nFEATURE_NEW_CHECKOUT=true\nPASSWORD_MIN_LENGTH=12\n",
				"server:\n  port: 8080\n  timeout: 30s\nauth:\n  password_policy:\n    min_length: 12\n    require_symbol: true\n",
				"[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n[remote \"origin\"]\n\turl = git@github.com:acme/app.git\n",
				"{\n  \"compilerOptions\": {\"target\": \"es2022\", \"strict\": true}\n}\n",
				"[Interface]\nAddress = 10.8.0.2/32\nDNS = 1.1.1.1\n\n[Peer]\nPublicKey = " + s.wgKey() + "\nEndpoint = vpn.example.com:51820\n",
			}
			s.put("content", pick(s, files))
			s.put("filename", pick(s, []string{".env.example", "config.yml", ".gitconfig", "tsconfig.json", "peer.conf"}))
		}},
		{"command lines without secrets", 30, func(s *g) {
			s.ev.name = pick(s, []string{"command_executed", "shell_history"})
			cmds := []string{
				"git commit -m \"fix password reset email\"",
				"kubectl get pods -n prod -l app=api",
				"mysql -u root -p",
				"psql -h db.internal -U app analytics",
				"docker build -t registry.example.com/app:" + s.hex(7) + " .",
				"ssh -i ~/.ssh/id_ed25519 deploy@10.0.3.12",
				"openssl rand -hex 32",
				"passwd",
				"npm publish --otp",
				"ls -la /etc/ssl/private",
				"grep -r \"password\" src/ --include=*.py",
			}
			s.put("command", pick(s, cmds))
			s.put("exit_code", pick(s, []int{0, 0, 0, 1, 127}))
		}},
		{"clean autotrack clicks", 60, func(s *g) {
			s.ev.name = pick(s, []string{"$autocapture", "$mp_click", "$web_event"})
			label := pick(s, []string{"Sign in", "Show password", "Forgot password?", "Add card", "Continue", "Copy API key", "Reset PIN", "Save", "Buy now"})
			switch s.r.IntN(3) {
			case 0:
				s.put("$event_type", "click")
				s.put("$elements", []any{
					o("tag_name", "button", "$el_text", label, "attr__class", "btn btn-primary", "attr__type", "submit", "nth_child", 3, "nth_of_type", 1),
					o("tag_name", "form", "attr__id", "login-form", "nth_child", 1, "nth_of_type", 1),
					o("tag_name", "body", "nth_child", 2, "nth_of_type", 1),
				})
			case 1:
				s.put("$event_type", "click")
				s.put("$elements_chain", `a.nav-link:text="`+label+`"attr__href="/settings/security"attr__class="nav-link"nth-child="2"nth-of-type="1";nav.sidebar:attr__class="sidebar"nth-child="1"nth-of-type="1"`)
			default:
				s.put("$el_tag_name", "button")
				s.put("$el_text", label)
				s.put("$el_classes", []any{"btn", "toggle"})
				s.put("$el_attr__aria-label", label)
				s.put("$elements", []any{o("$tag_name", "button", "$nth_child", 2, "$nth_of_type", 1, "$classes", []any{"btn"}), o("$tag_name", "div", "$nth_child", 1, "$nth_of_type", 1)})
			}
		}},
		{"checkbox and radio choices", 15, func(s *g) {
			s.ev.name = "$autocapture"
			s.put("$event_type", "change")
			s.put("$elements", []any{o("tag_name", "input", "attr__type", pick(s, []string{"checkbox", "radio"}), "attr__name", pick(s, []string{"plan", "newsletter", "terms"}), "attr__value", pick(s, []string{"pro", "on", "monthly"}), "nth_child", 1, "nth_of_type", 1)})
		}},
		{"mobile app lifecycle", 50, func(s *g) {
			s.ev.name = pick(s, []string{"$ae_session", "App Opened", "$ae_first_open", "screen_view", "push_received"})
			s.put("$ae_session_length", float64(s.r.IntN(90000))/10)
			s.put("screen", pick(s, []string{"Home", "Cart", "Settings", "Login", "PinEntry", "Passcode"}))
			if s.chance(25) { // an APNs device token: an address for pushes, not a credential
				s.put("push_token", s.hex(64))
			}
			s.put("$ios_ifa", "00000000-0000-0000-0000-000000000000")
			s.put("battery", float64(s.r.IntN(100))/100)
		}},
		{"server events with people data that is not guarded", 40, func(s *g) {
			s.ev.name = pick(s, []string{"Subscription Renewed", "Plan Changed", "Trial Started"})
			s.put("$city", pick(s, []string{"Berlin", "São Paulo", "Pune", "Leeds"}))
			s.put("mp_country_code", pick(s, []string{"DE", "BR", "IN", "GB"}))
			s.put("plan", pick(s, []string{"free", "pro", "team", "enterprise"}))
			s.put("seats", 1+s.r.IntN(200))
			s.put("mrr", float64(s.r.IntN(100000))/100)
			s.put("$name", capital(pick(s, firstNames))+" "+pick(s, lastNames))
			s.put("ip", s.ip())
		}},
		{"stringified JSON and form bodies without secrets", 30, func(s *g) {
			s.ev.name = pick(s, []string{"api_request", "request_logged"})
			if s.chance(50) {
				s.put("request_body", jsonText(o("items", []any{o("sku", "ABC-"+s.digits(5), "qty", 2)}, "shipping", "express", "cart_id", s.uuid(), "gift", false)))
			} else {
				s.put("request_body", "q="+url.QueryEscape("walnut desk")+"&page=2&sort=price_asc&session_id="+s.uuid())
			}
			s.put("status", 200)
		}},
		{"search queries with numbers", 30, func(s *g) {
			s.ev.name = pick(s, []string{"search", "Products Searched"})
			qs := []string{"iphone 15 pro max 256gb", "size 42 running shoes", "order " + s.digits(7), "flight LH" + s.digits(4), "room 1204",
				"4k monitor 27 inch", "warranty claim " + s.digits(10), "ISBN 978-0-306-40615-7", "zip 94107", "model SM-S918B"}
			s.put("query", pick(s, qs))
			s.put("results", s.r.IntN(500))
		}},
		{"feature flags and experiments", 40, func(s *g) {
			s.ev.name = pick(s, []string{"$feature_flag_called", "Experiment Viewed"})
			flags := []string{"new-checkout", "password-reset-v2", "pin-login", "token-refresh-fix", "secret-menu", "card-scanner", "passkeys"}
			s.put("$feature_flag", pick(s, flags))
			s.put("$feature_flag_response", pick(s, []any{true, false, "control", "test"}))
			s.put("experiment_id", Num(s.nonZero(7)))
		}},
		{"random-looking values under neutral keys", 40, func(s *g) {
			s.ev.name = pick(s, []string{"share_link_created", "invite_created", "short_link_clicked", "coupon_applied"})
			s.put(pick(s, []string{"slug", "short_code", "invite_code", "share_id", "coupon_code", "ref"}), s.from(alnumAll, 6+s.r.IntN(10)))
			s.put("nonce", s.b64url(16))
			s.put("state", s.alnum(24))
			s.put("content_id", s.from(alnumAll+"_-", 22))
		}},
	}
}
