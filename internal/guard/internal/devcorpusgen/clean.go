package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// Clean scenarios: values that look like secrets but are not, under keys
// that sound sensitive and in the texts where secrets usually hide.
var clean = []cleanScenario{
	{"uuids everywhere", func(g *gen, p map[string]any) {
		p["order_id"] = g.uuid()
		p["items"] = []any{map[string]any{"sku_id": g.uuid(), "qty": 1 + g.n(4)}, map[string]any{"sku_id": strings.ToUpper(g.uuid()), "qty": 1}}
		p["idempotency_key"] = g.uuid()
		p["cache_key"] = "user:" + g.uuid()
		p["correlation"] = strings.ReplaceAll(g.uuid(), "-", "")
		p["link"] = "https://app.example.com/orders/" + g.uuid() + "?tab=items"
	}},
	{"hashes and commit ids", func(g *gen, p map[string]any) {
		p["commit"] = g.str(hexLower, 40)
		p["short_sha"] = g.str(hexLower, 7)
		p["checksum"] = "sha256:" + g.str(hexLower, 64)
		p["etag"] = `W/"` + g.str(hexLower, 32) + `"`
		p["file_md5"] = g.str(hexLower, 32)
	}},
	{"public bank identifiers", func(g *gen, p map[string]any) {
		p["routing_number"] = g.aba()
		p["sort_code"] = g.sortCode()
		p["bic"] = g.bic()
		p["bank_name"] = g.pick("Barclays", "Chase", "ING", "Deutsche Bank")
		if g.chance(0.5) {
			p["bank"] = map[string]any{"routing": g.aba(), "swift": g.bic(), "country": "US"}
		}
		if g.chance(0.3) {
			p["note"] = "our routing number is " + g.aba() + " and sort code " + g.sortCode()
		}
	}},
	{"webhook signature headers", func(g *gen, p map[string]any) {
		p["headers"] = map[string]any{
			"Stripe-Signature":    fmt.Sprintf("t=%d,v1=%s,v0=%s", 1_764_000_000+g.n(1e6), g.str(hexLower, 64), g.str(hexLower, 64)),
			"X-Hub-Signature-256": "sha256=" + g.str(hexLower, 64),
			"Content-Type":        "application/json",
		}
	}},
	{"pass and pin words", func(g *gen, p map[string]any) {
		p[g.pick("pass", "pass_type", "boarding_pass")] = g.pick("top", "gate 4", "season", "day pass", "VIP", "standard")
		p[g.pick("pin", "pinned", "pin_location")] = g.pick("true", "top", "gate 4", "left")
		p["password_strength"] = g.pick("weak", "medium", "strong", "very strong")
		p["has_password"] = g.chance(0.5)
		p["password_changed_at"] = "2026-10-" + fmt.Sprintf("%02dT10:00:00Z", 1+g.n(28))
		p["password_length"] = 8 + g.n(20)
		p["token_count"] = g.n(4000)
		p["max_tokens"] = 1024
		p["token_type"] = "Bearer"
		p["expires_in"] = 3600
	}},
	{"prose about passwords", func(g *gen, p map[string]any) {
		p["message"] = g.pick("I forgot my password, how do I reset it?", "Password must be at least 8 characters", "The password reset email never arrived", "Can you add passkeys instead of passwords?", "Enter your PIN to continue", "My SSN was rejected by the form, is that a bug?", "Where do I find my API key?", "please check my account number on file")
		p["cta"] = "Forgot password?"
	}},
	{"placeholders and templates", func(g *gen, p map[string]any) {
		p["api_key"] = g.pick("YOUR_API_KEY", "${API_KEY}", "{{api_key}}", "<your-api-key>", "xxxxxxxxxxxxxxxx", "********")
		p["password"] = g.pick("********", "", "${DB_PASSWORD}", "<password>", "REDACTED")
		p["example"] = "curl -H 'Authorization: Bearer <token>' https://api.example.com/v1/me"
		p["dsn_template"] = "postgres://USER:PASSWORD@HOST:5432/DB"
	}},
	{"public keys and publishable keys", func(g *gen, p map[string]any) {
		p["ssh_public_key"] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + g.str(b64std, 43) + " deploy@ci"
		p["stripe_publishable_key"] = "pk_live_" + g.mixed(alnum, 24)
		p["public_key"] = "-----BEGIN PUBLIC KEY-----\n" + g.str(b64std, 64) + "\n" + g.str(b64std, 24) + "\n-----END PUBLIC KEY-----"
		p["wg_public_key"] = g.wgKey()
	}},
	{"sentry dsn and clean urls", func(g *gen, p map[string]any) {
		p["sentry_dsn"] = "https://" + g.str(hexLower, 32) + "@o" + g.digitsN(6) + ".ingest.sentry.io/" + g.digitsN(7)
		p["$referrer"] = "https://www.google.com/search?q=" + g.pick("best+analytics", "reset+password+help", "api+key+rotation")
		p["docs_url"] = "https://docs.example.com/auth/forgot-password?lang=en"
		p["repo"] = "git@github.com:example/" + g.pick("web", "api") + ".git"
	}},
	{"numbers that fail their checks", func(g *gen, p map[string]any) {
		pan, _ := g.card()
		p["tracking_number"] = flipLast(pan)
		p["ssn_like"] = g.ssnBad()
		if g.chance(0.5) {
			p["ssn"] = g.ssnBad()
		}
		p["reference"] = flipLast(g.cpf())
		p["order_number"] = g.digitsN(12)
		p["invoice"] = "INV-" + g.digitsN(9)
		p["phone_ext"] = g.digitsN(4)
	}},
	{"timestamps, versions, colours, counters", func(g *gen, p map[string]any) {
		p["ts_ms"] = json.Number(fmt.Sprintf("%d", 1_764_000_000_000+g.n(1e9)))
		p["build"] = fmt.Sprintf("%d.%d.%d+%s", g.n(9), g.n(30), g.n(20), g.str(hexLower, 7))
		p["color"] = "#" + g.str(hexLower, 6)
		p["page_views"] = g.n(100000)
		p["experiment"] = g.pick("checkout_v2", "pricing_b", "onboarding_long")
	}},
	{"base64 image", func(g *gen, p map[string]any) {
		raw := append([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, []byte(g.str(alnum, 90))...)
		for i := range raw[8:] {
			raw[8+i] ^= byte(g.n(256))
		}
		p["thumbnail"] = "data:image/png;base64," + base64.StdEncoding.EncodeToString(raw)
	}},
	{"clean command lines and configs", func(g *gen, p map[string]any) {
		p["command"] = g.pick("mysql -u root -p", "psql -h db.internal -U app -W", "ssh -p 2222 ops@bastion", "docker login registry.example.com", "curl -s https://api.example.com/health", "kubectl get pods -n prod", "grep -r password src/", "pg_dump --password-file /run/secrets/db app")
		p["config"] = "log_level = info\nport = 8080\npassword_min_length = 12\nsession_timeout = 30m\n"
	}},
	{"clean autotrack", func(g *gen, p map[string]any) {
		p["$elements"] = []any{map[string]any{"tag_name": "button", "attr__type": "submit", "$el_text": g.pick("Sign in", "Show password", "Pay now", "Continue")}, map[string]any{"tag_name": "form", "attr__id": "login"}}
		p["$event_type"] = "click"
	}},
	{"random ids under id keys", func(g *gen, p map[string]any) {
		p["customer_id"] = "cus_" + g.mixed(alnum, 14)
		p["payment_intent"] = "pi_" + g.mixed(alnum, 24)
		p["request_id"] = "req_" + g.mixed(alnum, 14)
		p["anonymous_id"] = g.uuid()
		p["device_token_id"] = g.uuid()
		p["session_key_id"] = strings.ToUpper(g.str(hexLower, 16))
	}},
	{"error logs without secrets", func(g *gen, p map[string]any) {
		p["error"] = fmt.Sprintf("TypeError: Cannot read properties of undefined (reading 'token')\n    at login (https://app.example.com/static/js/main.%s.js:1:%d)", g.str(hexLower, 8), g.n(90000))
		p["log"] = fmt.Sprintf("2026-11-30T10:00:01Z WARN request %s took %dms user=%d", g.uuid(), g.n(5000), g.n(1e6))
	}},
	{"json strings of settings", func(g *gen, p map[string]any) {
		p["settings_json"] = jsonString(map[string]any{"theme": "dark", "password_policy": map[string]any{"min_length": 12, "require_symbols": true}, "two_factor": "enabled", "api_version": "2024-06-20"})
	}},
}
