package main

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// cleanScenarios2 are the second batch of clean kinds: keys that name
// passwords, tokens, keys, cards, PINs or secrets but hold none, personal
// data the guard is not for, share and tracking parameters, LLM
// telemetry, infrastructure names of secrets, public OAuth client ids and
// numeric platform ids.
var cleanScenarios2 = []scenario{
	{"llm_token_usage", llmUsage},
	{"secret_like_keys_clean_values", secretishKeys},
	{"password_policy_and_form_metadata", passwordPolicy},
	{"personal_data_not_guarded", personalData},
	{"share_links_with_tracking_params", shareLinks},
	{"secret_names_and_paths", secretNames},
	{"oauth_public_client_ids", oauthClientIDs},
	{"numeric_platform_ids", platformIDs},
	{"validation_errors_quoting_clean_values", validationErrors},
	{"ci_build_metadata", ciBuild},
	{"bluetooth_wifi_scan", radioScan},
	{"referral_and_invite_codes", referralCodes},
	{"key_named_identifiers", keyNamed},
	{"numbers_as_json_numbers", jsonNumbers},
	{"flashcards_and_boards", cardsNotPayment},
}

func init() { cleanScenarios = append(cleanScenarios, cleanScenarios2...) }

func llmUsage(g *gen, e *ev) {
	e.Event = g.pick("$ai_generation", "llm_call", "chat_completion")
	in, out := g.r.Intn(8000), g.r.Intn(2000)
	e.set("$ai_model", g.pick("gpt-4o-mini", "claude-sonnet-4", "gemini-2.0-flash", "llama-3.1-70b"))
	e.set("$ai_provider", g.pick("openai", "anthropic", "google", "together"))
	e.set("$ai_input_tokens", in)
	e.set("$ai_output_tokens", out)
	e.set("$ai_trace_id", g.uuid4())
	e.set("$ai_latency", float64(g.r.Intn(9000))/1000)
	e.set("usage", map[string]any{"prompt_tokens": in, "completion_tokens": out, "total_tokens": in + out, "cached_tokens": g.r.Intn(1000)})
	e.set("max_tokens", g.pick("1024", "4096", "8192"))
	e.set("response_id", g.pick("chatcmpl-"+g.from(base62, 29), "msg_01"+g.from(base62, 22)))
	e.set("finish_reason", g.pick("stop", "length", "tool_calls"))
	e.set("prompt_template", "summarize_ticket_v"+fmt.Sprint(1+g.r.Intn(5)))
	e.set("tokenizer", g.pick("o200k_base", "cl100k_base"))
}

func secretishKeys(g *gen, e *ev) {
	e.Event = g.pick("settings_changed", "profile_viewed", "trip_booked")
	all := []struct {
		k string
		v any
	}{
		{"passenger_count", 1 + g.r.Intn(4)},
		{"passport_country", g.pick("DE", "FR", "JP", "BR")},
		{"pass_type", g.pick("season", "day", "weekend")},
		{"pinned", g.r.Intn(2) == 0},
		{"pin_color", g.pick("red", "#ff5a5f")},
		{"auth_method", g.pick("oauth", "saml", "password", "passkey")},
		{"authenticated", true},
		{"author", g.pick("Mika Laaksonen", "R. Okafor", "editorial")},
		{"tracking_authorization_status", g.pick("authorized", "denied", "notDetermined")},
		{"card_type", g.pick("credit", "debit", "prepaid")},
		{"secret_santa_group", "office-" + g.digits(2)},
		{"cvv_provided", true},
		{"passcode_enabled", g.r.Intn(2) == 0},
		{"pwd", g.pick("/home/app", "/srv/www/current", "/Users/mika/projects/site")},
		{"session_timeout_minutes", 30},
		{"token_expiry", g.when().Format("2006-01-02T15:04:05Z")},
		{"credential_type", g.pick("passkey", "password", "security_key")},
		{"private", g.r.Intn(2) == 0},
		{"privacy_mode", g.pick("strict", "balanced")},
		{"key_count", g.r.Intn(20)},
		{"keyboard_layout", g.pick("QWERTZ", "AZERTY", "Dvorak")},
		{"secret_level", g.pick("1", "2", "3")},
		{"password_reset_requested", true},
		{"pin_length", g.pick("4", "6")},
		{"auth_code_sent", true},
		{"token_balance", g.r.Intn(5000)},
	}
	for i, kv := range all {
		if i%5 == g.n%5 || g.r.Intn(4) == 0 {
			e.set(kv.k, kv.v)
		}
	}
}

func passwordPolicy(g *gen, e *ev) {
	e.Event = g.pick("signup_form_viewed", "form_submitted", "password_policy_loaded")
	e.set("password_policy", map[string]any{"min_length": 8 + g.r.Intn(8), "require_symbols": true, "require_digits": g.r.Intn(2) == 0, "max_age_days": 90})
	e.set("passwordrules", "minlength: "+fmt.Sprint(8+g.r.Intn(8))+"; required: lower; required: upper; required: digit; allowed: [-().&@?'#,/&quot;+];")
	e.set("fields", []map[string]any{
		{"name": "email", "type": "email", "filled": true, "valid": true},
		{"name": "password", "type": "password", "filled": true, "value_length": 8 + g.r.Intn(10), "autocomplete": "new-password"},
		{"name": "password_confirmation", "type": "password", "filled": true, "matches": true},
	})
	e.set("password_strength_score", g.r.Intn(5))
	e.set("password_meter", g.pick("zxcvbn", "custom"))
}

func personalData(g *gen, e *ev) {
	e.Event = g.pick("profile_updated", "address_added", "kyc_started")
	e.set("full_name", g.pick("Mika Laaksonen", "Chiamaka Okafor", "山田 太郎", "José da Silva", "Zoë Van den Berghe"))
	e.set("date_of_birth", fmt.Sprintf("%d-%02d-%02d", 1950+g.r.Intn(55), 1+g.r.Intn(12), 1+g.r.Intn(28)))
	e.set("address", g.pick("Hauptstraße 12, 10115 Berlin", "221B Baker Street, London NW1 6XE", "1-2-3 Shibuya, Tokyo 150-0002", "Rua Augusta 1500, São Paulo - SP, 01304-001"))
	e.set("ip_address", fmt.Sprintf("%d.%d.%d.%d", 1+g.r.Intn(223), g.r.Intn(256), g.r.Intn(256), 1+g.r.Intn(254)))
	e.set("ipv6", fmt.Sprintf("2a02:%s:%s:%s::%s", g.hex(4), g.hex(4), g.hex(4), g.hex(3)))
	e.set("gender", g.pick("female", "male", "non-binary", "prefer not to say"))
	e.set("nationality", g.pick("FI", "NG", "JP", "BR", "BE"))
	e.set("location", map[string]any{"lat": float64(g.r.Intn(180000000)-90000000) / 1e6, "lng": float64(g.r.Intn(360000000)-180000000) / 1e6, "accuracy_m": g.r.Intn(100)})
}

func shareLinks(g *gen, e *ev) {
	e.Event = "link_shared"
	e.set("url", g.pick(
		"https://open.spotify.com/track/"+g.from(base62, 22)+"?si="+g.hex(16),
		"https://youtu.be/"+g.from(b64url, 11)+"?si="+g.from(b64url, 16),
		"https://www.instagram.com/reel/"+g.from(b64url, 11)+"/?igsh="+g.b64raw(18),
		"https://x.com/lumenfold/status/1"+g.digits(18)+"?s=20&t="+g.from(b64url, 22),
		"https://www.tiktok.com/@lumenfold/video/7"+g.digits(18)+"?_r=1&_t="+g.from(b64url, 27),
		"https://www.amazon.de/dp/B0"+g.from(upperAlnm, 8)+"?pd_rd_r="+g.uuid4()+"&pd_rd_w="+g.from(base62, 5)+"&pf_rd_p="+g.uuid4()+"&ref_=pd_sbs_d_sccl_2_1&crid="+g.from(upperAlnm, 13)+"&dib="+g.from(b64url, 120)+"&dib_tag=se&qid="+fmt.Sprint(g.when().Unix()),
		"https://maps.app.goo.gl/"+g.from(base62, 17),
		"https://www.linkedin.com/posts/lumenfold_launch-activity-7"+g.digits(18)+"-"+g.from(b64url, 4)+"?utm_source=share&utm_medium=member_ios&rcm="+g.from(b64url, 40),
	))
	e.set("channel", g.pick("copy_link", "whatsapp", "native_share"))
}

func secretNames(g *gen, e *ev) {
	e.Event = g.pick("deploy_finished", "config_reloaded", "infra_drift_detected")
	e.set("secret_name", g.pick("db-credentials", "stripe-api", "prod/payments/webhook", "oauth-client"))
	e.set("secret_arn", "arn:aws:secretsmanager:eu-west-1:"+g.digits(12)+":secret:prod/db-"+g.from(base62, 6))
	e.set("vault_path", "secret/data/"+g.pick("prod", "staging")+"/"+g.pick("db", "stripe", "smtp"))
	e.set("kms_key_id", g.uuid4())
	e.set("kms_key_arn", "arn:aws:kms:eu-west-1:"+g.digits(12)+":key/"+g.uuid4())
	e.set("secret_version", g.uuid4())
	e.set("secret_rotated_at", g.when().Format("2006-01-02T15:04:05Z"))
	e.set("k8s_secret_ref", map[string]any{"name": "api-keys", "key": g.pick("STRIPE_SECRET_KEY", "DATABASE_URL", "password")})
	e.set("env_vars_set", []string{"DATABASE_URL", "REDIS_URL", "SECRET_KEY_BASE", "AWS_SECRET_ACCESS_KEY"})
	e.set("key_vault_uri", "https://kv-"+g.from(lowerAlnm, 8)+".vault.azure.net/secrets/"+g.pick("db-password", "api-key")+"/"+g.hex(32))
}

func oauthClientIDs(g *gen, e *ev) {
	e.Event = "oauth_started"
	e.set("client_id", g.pick(
		g.num(12)+"-"+g.from(lowerAlnm, 32)+".apps.googleusercontent.com",
		g.from(base62, 32),
		"0oa"+g.from(base62, 17),
		g.uuid4(),
		"Iv1."+g.hex(16),
	))
	e.set("redirect_uri", "https://"+g.pick(hosts...)+"/auth/callback")
	e.set("response_type", "code")
	e.set("scope", "openid profile email offline_access")
	e.set("prompt", "consent")
	iat := g.when().Unix()
	payload := fmt.Sprintf(`{"iss":"supabase","ref":"%s","role":"anon","iat":%d,"exp":%d}`, g.from("abcdefghijklmnopqrstuvwxyz", 20), iat, iat+315360000)
	e.set("anon_key", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."+base64.RawURLEncoding.EncodeToString([]byte(payload))+"."+g.from(b64url, 43))
	e.set("facebook_app_id", g.num(15))
	e.set("apple_services_id", "com.kitebrook.web.signin")
}

func platformIDs(g *gen, e *ev) {
	e.Event = g.pick("messenger_message", "bot_command", "marketplace_listing")
	e.set("fb_psid", g.from("23456789", 1)+g.digits(15))
	e.set("fb_asid", "1"+g.digits(15))
	e.set("telegram_chat_id", "-100"+g.digits(10))
	e.set("ebay_item_id", g.num(12))
	e.set("etsy_receipt_id", g.num(10))
	e.set("google_sub", "1"+g.digits(20))
	e.set("apple_sub", "000"+g.digits(3)+"."+g.hex(32)+"."+g.digits(4))
	e.set("line_user_id", "U"+g.hex(32))
	e.set("whatsapp_message_id", "wamid.HBgL"+g.b64(30))
}

func validationErrors(g *gen, e *ev) {
	e.Event = "form_error_shown"
	e.set("error", g.pick(
		"Invalid coupon code 'SPRING"+g.digits(2)+"'",
		"User 'mika"+g.digits(3)+"' not found",
		"Validation failed: postal_code '"+g.digits(5)+"' does not match country 'FR'",
		"Expected number, received 'abc' at items[2].quantity",
		"Password must contain at least one digit",
		"The PIN you entered is incorrect. 2 attempts left.",
		"Card declined: insufficient_funds (decline_code: "+g.pick("generic_decline", "do_not_honor")+")",
		"Token expired at "+g.when().Format("15:04:05")+"; please sign in again",
	))
	e.set("field", g.pick("coupon", "username", "postal_code", "quantity", "password", "pin", "card", "session"))
	e.set("error_code", g.pick("E_VALIDATION", "E_NOT_FOUND", "E_AUTH"))
}

func ciBuild(g *gen, e *ev) {
	e.Event = "ci_build_finished"
	e.set("GITHUB_SHA", g.hex(40))
	e.set("GITHUB_RUN_ID", g.num(11))
	e.set("RUNNER_NAME", "GitHub Actions "+fmt.Sprint(g.r.Intn(900)))
	e.set("image", "ghcr.io/lumenfold/web@sha256:"+g.hex(64))
	e.set("terraform_resource", "aws_s3_bucket.assets["+fmt.Sprint(g.r.Intn(3))+"]")
	e.set("cache_key", "node-modules-Linux-"+g.hex(64))
	e.set("artifact_digest", "sha256:"+g.hex(64))
	e.set("duration_s", g.r.Intn(900))
	e.set("job_url", "https://github.com/lumenfold/web/actions/runs/"+g.num(11)+"/job/"+g.num(11))
}

func radioScan(g *gen, e *ev) {
	e.Event = "nearby_scan"
	mac := func() string {
		p := make([]string, 6)
		for i := range p {
			p[i] = g.hex(2)
		}
		return strings.Join(p, ":")
	}
	e.set("ssid", g.pick("FRITZ!Box 7590 XY", "eduroam", "Starbucks WiFi", "DIRECT-"+g.from(upperAlnm, 2)+"-HP M28"))
	e.set("bssid", mac())
	e.set("ble_service_uuids", []string{"0000180d-0000-1000-8000-00805f9b34fb", "0000180f-0000-1000-8000-00805f9b34fb"})
	e.set("ibeacon", map[string]any{"uuid": strings.ToUpper(g.uuid4()), "major": g.r.Intn(65535), "minor": g.r.Intn(65535)})
	e.set("eddystone_uid", g.hex(20)+g.hex(12))
	e.set("rssi", -30-g.r.Intn(60))
}

func referralCodes(g *gen, e *ev) {
	e.Event = g.pick("referral_shared", "invite_accepted", "promo_applied")
	e.set("referral_code", strings.ToUpper(g.pick("mika", "zoe", "jose"))+"-"+g.from("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 4))
	e.set("referral_link", "https://"+g.pick(hosts...)+"/r/"+g.from(base62, 8))
	e.set("promo_code", g.pick("BLACKFRIDAY", "NEWYEAR", "APP")+g.digits(2))
	e.set("campaign_code", "CMP-"+g.digits(6))
	e.set("gift_card_last4", g.digits(4))
}

func keyNamed(g *gen, e *ev) {
	e.Event = g.pick("cache_event", "queue_message", "i18n_missing")
	e.set("idempotency_key", g.uuid4())
	e.set("partition_key", "user#"+g.digits(7))
	e.set("sort_key", "ORDER#"+g.when().Format("2006-01-02T15:04:05Z"))
	e.set("translation_key", g.pick("checkout.button.submit", "auth.password.forgot", "errors.token_expired"))
	e.set("dedup_key", g.hex(40))
	e.set("api_key_id", g.pick("key_"+g.from(base62, 24), g.uuid4()))
	e.set("key_id", g.from(upperAlnm, 10))
	e.set("primary_key", g.r.Intn(9999999))
	e.set("storage_key", "cart:v2:"+g.uuid4())
	e.set("hotkey", g.pick("Ctrl+K", "Cmd+Shift+P", "/"))
}

func jsonNumbers(g *gen, e *ev) {
	e.Event = g.pick("order_synced", "metrics_flushed")
	var id int64
	for i := 0; i < 16; i++ {
		id = id*10 + int64(g.r.Intn(10))
	}
	e.set("external_order_id", 1000000000000000+id%9000000000000000)
	e.set("bytes_sent", g.r.Int63n(1<<50))
	e.set("ts_us", g.when().UnixMicro())
	e.set("counter", g.r.Int63())
	e.set("amount_micros", int64(g.r.Intn(100000000))*10000)
}

func cardsNotPayment(g *gen, e *ev) {
	e.Event = g.pick("card_moved", "flashcard_reviewed", "card_played")
	e.set("card_id", g.objectID())
	e.set("board_id", g.objectID())
	e.set("card_name", g.pick("Fix checkout bug", "Kanji: 鍵 (key)", "Fireball +2"))
	e.set("cards_reviewed", g.r.Intn(200))
	e.set("card_number", fmt.Sprint(1+g.r.Intn(400)))
	e.set("deck", g.pick("JLPT N3", "Backlog", "Red Aggro"))
	e.set("card_rarity", g.pick("common", "rare", "mythic"))
}
