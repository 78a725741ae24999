package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

func newEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

// cleanScenarios hold nothing sensitive by docs/GUARD.md's definitions, but
// look like it: identifiers that fail their check digits, public bank and
// key identifiers, product and logistics codes, masked values, prose about
// passwords without one, hashes.
func cleanScenarios() []scenario {
	var s []scenario
	kinds := idKinds()
	for range 10 {
		s = append(s, scenario{"id_checkfail", func(g *gen, p map[string]any) {
			k := kinds[g.r.Intn(len(kinds))]
			g.cur.Scenario = "id_checkfail_" + k.name
			v := lookAlike(g, k)
			if k.valid(v) {
				panic("look-alike passes its check: " + k.name)
			}
			g.name("KYC Validation Failed")
			p["country"] = k.country
			p["document_type"] = k.doc
			p[g.pick(k.keys...)] = v
			p["error"] = "checksum_mismatch"
		}})
	}
	s = append(s,
		scenario{"luhn_valid_order_number", func(g *gen, p map[string]any) {
			var n string
			for {
				n = luhnComplete(g.pick("9", "1", "0", "7") + g.digits(14))
				if !cardBrandPrefix(n) {
					break
				}
			}
			g.name("Order Completed")
			p["order_number"] = n
			p["total"] = 129.95
			p["currency"] = "EUR"
		}},
		scenario{"loyalty_card_number", func(g *gen, p map[string]any) {
			g.name("Loyalty Card Linked")
			p["loyalty_card_number"] = luhnComplete("9" + g.digits(17))
			p["tier"] = g.pick("silver", "gold")
		}},
		scenario{"frequent_flyer_number", func(g *gen, p map[string]any) {
			g.name("Booking Confirmed")
			p["pnr"] = g.from("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 6)
			p["frequent_flyer"] = map[string]any{"program": g.pick("Miles&More", "Flying Blue", "SkyMiles"), "number": g.digits(9 + g.r.Intn(6))}
			p["ticket_number"] = "220" + g.digits(10)
			p["seat"] = fmt.Sprintf("%d%c", 1+g.r.Intn(40), "ABCDEF"[g.r.Intn(6)])
		}},
		scenario{"masked_card_and_email", func(g *gen, p map[string]any) {
			g.name("Payment Method Saved")
			p["card"] = map[string]any{"brand": g.pick("visa", "mastercard", "amex"), "last4": g.digits(4), "display": "•••• •••• •••• " + g.digits(4), "bin": "4" + g.digits(5), "exp_month": 1 + g.r.Intn(12), "exp_year": 2029}
			p["email_hint"] = g.pick("j***@example.com", "m****a@e******.org", "a*@x.io")
			p["phone_hint"] = "*** *** **" + g.digits(2)
			p["masked_pan"] = "************" + g.digits(4)
		}},
		scenario{"bank_public_codes", func(g *gen, p map[string]any) {
			g.name("Bank Details Validated")
			p["routing_number"] = g.routing()
			p["sort_code"] = fmt.Sprintf("%s-%s-%s", g.digits(2), g.digits(2), g.digits(2))
			p["bic"] = g.pick("DEUTDEFFXXX", "BNPAFRPP", "CHASUS33", "HSBCHKHHHKH", "NWBKGB2L")
			p["ifsc"] = g.pick("SBIN", "HDFC", "ICIC") + "0" + g.digits(6)
			p["bsb"] = g.digits(3) + "-" + g.digits(3)
			p["account_last4"] = g.digits(4)
		}},
		scenario{"creditor_reference_rf", func(g *gen, p map[string]any) {
			v := g.creditorReference()
			if !ibanValid(v) {
				panic("creditor reference fails mod 97")
			}
			g.name("Invoice Viewed")
			p["payment_reference"] = v
			p["payee_bic"] = g.pick("DEUTDEFFXXX", "NDEAFIHH", "INGBNL2A")
			p["due_date"] = "2026-12-15"
		}},
		scenario{"publishable_keys", func(g *gen, p map[string]any) {
			g.name("SDK Configured")
			p["stripe_publishable_key"] = "pk_live_51" + g.alnum(96)
			p["mapbox_token"] = "pk.eyJ1Ijoi" + g.from(urlB64, 40) + "." + g.from(urlB64, 22)
			p["posthog_key"] = "phc_" + g.alnum(43)
			p["segment_write_key"] = g.alnum(32)
			p["recaptcha_site_key"] = "6L" + g.from(urlB64, 38)
			p["oauth_client_id"] = g.digits(12) + "-" + g.alnumLower(32) + ".apps.googleusercontent.com"
		}},
		scenario{"publishable_keys_mobile", func(g *gen, p map[string]any) {
			g.name("App Launched")
			p["revenuecat_api_key"] = g.pick("appl_", "goog_") + g.alnum(27)
			p["statsig_client_key"] = "client-" + g.alnum(43)
			p["datadog_client_token"] = "pub" + g.hex(32)
			p["square_application_id"] = "sq0idp-" + g.from(urlB64, 22)
			p["algolia_search_only_key"] = g.hex(32)
		}},
		scenario{"public_keys_and_certs", func(g *gen, p map[string]any) {
			g.name("Device Registered")
			p["ssh_public_key"] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + g.from(b64chars, 43) + " ci@runner"
			p["public_key_pem"] = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE" + g.pemBody(56) + "\n-----END PUBLIC KEY-----"
			p["key_id"] = "kid-" + g.hex(16)
			p["age_recipient"] = "age1" + g.from("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58)
		}},
		scenario{"webhook_signature_header", func(g *gen, p map[string]any) {
			g.name("Webhook Received")
			p["stripe_signature"] = fmt.Sprintf("t=%d,v1=%s", 1793000000+g.r.Intn(100000), g.hex(64))
			p["x_hub_signature_256"] = "sha256=" + g.hex(64)
			p["delivery_id"] = g.uuid()
		}},
		scenario{"build_and_hash_ids", func(g *gen, p map[string]any) {
			g.name(g.pick("Build Finished", "Deploy Finished"))
			p["git_sha"] = g.hex(40)
			p["image_digest"] = "sha256:" + g.hex(64)
			p["run_id"] = g.digits(10)
			p["artifact_etag"] = `"` + g.hex(32) + `"`
			p["cache_key"] = "node-modules-" + g.hex(64)
			p["pipeline"] = g.pick("ci.yml", "release.yml")
		}},
		scenario{"ids_uuid_ulid_ksuid", func(g *gen, p map[string]any) {
			g.name("Entity Synced")
			p["request_id"] = g.uuid()
			p["event_ulid"] = g.ulid()
			p["segment_message_id"] = "ajs-next-" + g.hex(32)
			p["ksuid"] = g.ksuid()
			p["trace_id"] = g.hex(32)
			p["span_id"] = g.hex(16)
		}},
		scenario{"logistics_codes", func(g *gen, p map[string]any) {
			g.name("Shipment Updated")
			p["ups_tracking"] = "1Z" + g.from("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 6) + g.digits(10)
			p["usps_tracking"] = "9400" + g.digits(18)
			p["fedex_tracking"] = g.digits(12)
			p["postcode"] = g.pick("SW1A 1AA", "1012 AB", "75008", "560001", "100-0001", "M5V 3L9", "2000")
			p["container_id"] = g.upper(3) + "U" + g.digits(7)
		}},
		scenario{"product_codes", func(g *gen, p map[string]any) {
			g.name("Product Viewed")
			p["isbn13"] = ean13("978" + g.digits(9))
			p["ean"] = ean13(g.pick("40", "50", "87", "45") + g.digits(10))
			p["gtin14"] = "1" + ean13(g.digits(12))
			p["sku"] = g.upper(3) + "-" + g.digits(5) + "-" + g.pick("S", "M", "L", "XL")
			p["price"] = 19.99
		}},
		scenario{"vehicle_vin", func(g *gen, p map[string]any) {
			v := g.vin()
			g.name("Quote Requested")
			p["vin"] = v
			p["policy_number"] = "POL-" + g.digits(10)
			p["claim_number"] = g.digits(4) + "-" + g.digits(6) + "-" + g.digits(2)
			p["mileage"] = 40000 + g.r.Intn(90000)
		}},
		scenario{"device_imei_serial", func(g *gen, p map[string]any) {
			g.name("Device Activated")
			p["imei"] = luhnComplete(g.pick("35", "86", "01", "99") + g.digits(12))
			p["serial_number"] = g.upper(2) + g.digits(2) + g.from("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 8)
			p["mac_address"] = strings.ToUpper(fmt.Sprintf("%s:%s:%s:%s:%s:%s", g.hex(2), g.hex(2), g.hex(2), g.hex(2), g.hex(2), g.hex(2)))
			p["firmware"] = fmt.Sprintf("%d.%d.%d", 1+g.r.Intn(4), g.r.Intn(20), g.r.Intn(100))
			p["pairing_status"] = "paired"
		}},
		scenario{"invoice_numbers", func(g *gen, p map[string]any) {
			g.name("Invoice Paid")
			p["invoice_number"] = fmt.Sprintf("INV-2026-%06d", g.r.Intn(1000000))
			p["reference"] = "RF" + g.digits(2) + g.upper(4) + g.digits(8)
			p["amount_cents"] = 10000 + g.r.Intn(90000)
			p["customer_id"] = "cus_" + g.alnum(14)
			p["payment_intent"] = "pi_" + g.alnum(24)
		}},
		scenario{"password_strength_meter", func(g *gen, p map[string]any) {
			g.name("Password Strength Checked")
			p["password_strength"] = g.pick("weak", "fair", "good", "strong")
			p["password_score"] = g.r.Intn(5)
			p["password_length"] = 8 + g.r.Intn(12)
			p["password_has_symbol"] = g.r.Intn(2) == 0
			p["password_breached"] = false
			p["password_field_visible"] = g.r.Intn(2) == 0
		}},
		scenario{"forgot_password_flow", func(g *gen, p map[string]any) {
			g.name(g.pick("Forgot Password Clicked", "Password Reset Requested", "Password Changed"))
			p["step"] = g.pick("enter_email", "check_inbox", "set_new_password", "done")
			p["method"] = g.pick("email_link", "sms")
			p["password_policy"] = "min 12 chars, 1 digit, 1 symbol"
			p["reset_attempt"] = 1 + g.r.Intn(3)
			p["$current_url"] = "https://app.example.com/account/password/reset?step=" + g.pick("1", "2", "3")
		}},
		scenario{"prose_mentions_secrets", func(g *gen, p map[string]any) {
			g.name(g.pick("Support Message Sent", "App Review Submitted"))
			p["message"] = g.pick(
				"I forgot my password again, the reset email never arrives",
				"¿Cómo cambio el PIN de mi tarjeta? No lo encuentro en la app",
				"パスワードを忘れました。再設定のメールが届きません",
				"Wo gebe ich meine Steuer-ID ein? Das Feld fehlt",
				"Why do you need my SSN just to get a quote?",
				"비밀번호 변경 메뉴가 어디 있나요?",
				"Não lembro minha senha e o código SMS não chega",
				"Great app, but the PIN screen is slow on Android 14",
				"Le code de vérification expire trop vite",
				"Mijn wachtwoord werkt niet meer na de update",
				"请问身份证号码在哪里修改？",
				"Şifremi unuttum, sıfırlama bağlantısı çalışmıyor",
				"The card number field doesn't accept spaces, please fix",
				"Where do I find my passport number on the booking?",
			)
			p["rating"] = 1 + g.r.Intn(5)
			p["locale"] = g.pick("en-US", "es-MX", "ja-JP", "de-DE", "ko-KR", "pt-BR", "fr-FR", "nl-NL", "zh-CN", "tr-TR")
		}},
		scenario{"hashed_passwords", func(g *gen, p map[string]any) {
			g.name("User Migrated")
			p["password_hash_algo"] = g.pick("bcrypt", "argon2id")
			p["hash_preview"] = "$2b$12$" + g.from("./"+alnum, 53)
			p["argon2_params"] = "$argon2id$v=19$m=65536,t=3,p=4"
			p["migrated"] = true
		}},
		scenario{"timestamps_coords_colours", func(g *gen, p map[string]any) {
			g.name("Map Viewed")
			p["lat"] = 59.3293 + float64(g.r.Intn(1000))/10000
			p["lng"] = 18.0686 + float64(g.r.Intn(1000))/10000
			p["geohash"] = g.from("0123456789bcdefghjkmnpqrstuvwxyz", 9)
			p["viewed_at"] = fmt.Sprintf("2026-11-%02dT%02d:%02d:%02d.%03dZ", 1+g.r.Intn(28), g.r.Intn(24), g.r.Intn(60), g.r.Intn(60), g.r.Intn(1000))
			p["epoch_ms"] = 1793000000000 + int64(g.r.Intn(1000000000))
			p["theme_color"] = "#" + g.hex(6)
			p["accent"] = fmt.Sprintf("rgba(%d,%d,%d,0.8)", g.r.Intn(256), g.r.Intn(256), g.r.Intn(256))
		}},
		scenario{"base64_image", func(g *gen, p map[string]any) {
			g.name("Avatar Uploaded")
			p["thumbnail"] = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAA" + g.from(b64chars, 240) + "AAAAAElFTkSuQmCC"
			p["width"] = 16
		}},
		scenario{"minified_code", func(g *gen, p map[string]any) {
			g.name("$exception")
			p["$exception_message"] = "TypeError: Cannot read properties of undefined (reading 'token')"
			p["source_snippet"] = `!function(e,t){"use strict";var n=e.config||{},r=function(o){return o&&o.token?o.token:n.password_field||"pwd"};t.exports={init:r,v:"` + g.hex(8) + `"}}(window,module);`
			p["$exception_stack_trace_raw"] = "at r (https://cdn.example.com/app." + g.hex(20) + ".js:1:" + g.digits(5) + ")"
		}},
		scenario{"checkbox_radio_autocapture", func(g *gen, p map[string]any) {
			g.name("$autocapture")
			p["$event_type"] = "click"
			p["$elements"] = []any{
				map[string]any{"tag_name": "input", "attr__type": g.pick("checkbox", "radio"), "attr__name": g.pick("consent_marketing", "plan", "delivery_speed"), "attr__value": g.pick("on", "monthly", "express"), "nth_child": 1},
				map[string]any{"tag_name": "label", "$el_text": g.pick("I agree to the terms", "Monthly plan", "Express delivery")},
			}
		}},
		scenario{"button_autocapture", func(g *gen, p map[string]any) {
			g.name("$autocapture")
			p["$event_type"] = "click"
			p["$elements_chain"] = `button.btn.btn-primary:text="` + g.pick("Show password", "Reset PIN", "Enter card details", "Verify SSN", "Copy API key") + `"attr__class="btn btn-primary"attr__type="button"nth-child="2"nth-of-type="1";form:attr__id="account"nth-child="1"nth-of-type="1"`
		}},
		scenario{"ansible_vault_ciphertext", func(g *gen, p map[string]any) {
			g.name("Vault File Changed")
			var lines []string
			for range 5 {
				lines = append(lines, g.hex(80))
			}
			p["file"] = "group_vars/prod/vault.yml"
			p["contents_preview"] = "$ANSIBLE_VAULT;1.1;AES256\n" + strings.Join(lines, "\n")
		}},
		scenario{"devops_config_no_secret", func(g *gen, p map[string]any) {
			g.name("Config Validated")
			p["npmrc"] = "registry=https://registry.npmjs.org/\n@acme:registry=https://npm.pkg.example.com/\nsave-exact=true\n"
			p["pip_conf"] = "[global]\nindex-url = https://pypi.org/simple\ntimeout = 60\n"
			p["kubeconfig_context"] = "arn:aws:eks:eu-west-1:" + g.digits(12) + ":cluster/prod"
			p["tfvars"] = "region = \"eu-west-1\"\ninstance_type = \"t3.medium\"\ndb_password = var.db_password\n"
			p["docker_image"] = "registry.example.io/acme/api:" + g.hex(7)
		}},
		scenario{"env_dump_no_secret", func(g *gen, p map[string]any) {
			g.name("Build Env Captured")
			p["env"] = "PATH=/usr/local/bin:/usr/bin\nCI=true\nGITHUB_SHA=" + g.hex(40) + "\nGITHUB_RUN_ID=" + g.digits(10) + "\nRUNNER_OS=Linux\nGITHUB_TOKEN=***\nNPM_TOKEN=\nAWS_REGION=eu-west-1\nAWS_ACCESS_KEY_ID=\n"
		}},
		scenario{"header_dump_no_secret", func(g *gen, p map[string]any) {
			g.name("API Call Logged")
			p["request_headers"] = "GET /v1/items?page=2 HTTP/1.1\r\nHost: api.example.com\r\nUser-Agent: okhttp/4.12.0\r\nAuthorization: Bearer [REDACTED]\r\nX-Request-Id: " + g.uuid() + "\r\nIf-None-Match: W/\"" + g.hex(16) + "\"\r\n"
			p["cookie"] = "_ga=GA1.2." + g.digits(10) + "." + g.digits(10) + "; theme=dark; lang=de; consent=" + g.pick("all", "necessary")
		}},
		scenario{"json_in_string_clean", func(g *gen, p map[string]any) {
			inner, _ := jsonString(map[string]any{"token_type": "Bearer", "expires_in": 3600, "scope": "openid profile", "password_required": false})
			outer, _ := jsonString(map[string]any{"op": "auth_meta", "payload": inner, "kid": g.hex(16)})
			g.name("Auth Client Log")
			p["frame"] = outer
			p["state_blob"] = b64(fmt.Sprintf(`{"step":"review","cart_items":%d,"coupon":"WINTER%d"}`, 1+g.r.Intn(5), 10+g.r.Intn(40)))
		}},
		scenario{"snowplow_ue_px_clean", func(g *gen, p map[string]any) {
			inner, _ := jsonString(map[string]any{"schema": "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0", "data": map[string]any{"schema": "iglu:com.acme/password_reset/jsonschema/1-0-0", "data": map[string]any{"step": "requested", "method": "email", "password_policy_version": 3}}})
			g.name("snowplow_unstruct")
			p["e"] = "ue"
			p["ue_px"] = base64.RawURLEncoding.EncodeToString([]byte(inner))
			p["tv"] = "js-3.24.0"
			p["eid"] = g.uuid()
		}},
		scenario{"heap_amplitude_autocapture_clean", func(g *gen, p map[string]any) {
			if g.r.Intn(2) == 0 {
				g.name("[Amplitude] Element Clicked")
				p["[Amplitude] Element Text"] = g.pick("Forgot password?", "Add card", "Verify identity", "Show PIN")
				p["[Amplitude] Element Tag"] = "button"
				p["[Amplitude] Element Hierarchy"] = []any{map[string]any{"tag": "form", "id": "login"}, map[string]any{"tag": "button", "classes": []any{"btn"}}}
			} else {
				g.name("click")
				p["target_text"] = g.pick("Reset password", "Enter SSN later", "Use saved card ending 4242")
				p["target_tag"] = "BUTTON"
				p["hierarchy"] = "@form;#checkout;|@button;.primary;"
			}
		}},
		scenario{"secret_references_clean", func(g *gen, p map[string]any) {
			g.name("Workflow Parsed")
			p["workflow_yaml"] = "env:\n  DB_PASSWORD: ${{ secrets.DB_PASSWORD }}\n  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n"
			p["k8s_env"] = `{"name":"API_KEY","valueFrom":{"secretKeyRef":{"name":"api","key":"token"}}}`
			p["ansible_var"] = "db_password: \"{{ vault_db_password }}\""
			p["docker_login"] = "echo $CR_PAT | docker login ghcr.io -u ci-bot --password-stdin"
			p["helm_set"] = "--set auth.existingSecret=pg-auth"
		}},
		scenario{"placeholder_values_clean", func(g *gen, p map[string]any) {
			g.name("Setup Wizard Step")
			p["api_key"] = g.pick("YOUR_API_KEY", "<your-api-key>", "xxxxxxxxxxxxxxxx", "${API_KEY}", "")
			p["password"] = g.pick("", "********", "••••••••")
			p["token_hint"] = "ghp_…" + g.alnum(4)
			p["ssn"] = g.pick("XXX-XX-XXXX", "***-**-"+g.digits(4))
		}},
		scenario{"education_ids", func(g *gen, p map[string]any) {
			g.name("Assignment Submitted")
			p["student_id"] = "S" + g.digits(8)
			p["course_code"] = g.upper(4) + fmt.Sprint(100+g.r.Intn(400))
			p["exam_room_pin_required"] = g.r.Intn(2) == 0
			p["grade"] = g.pick("A", "B+", "C")
			p["lms"] = g.pick("canvas", "moodle")
		}},
		scenario{"gaming_ids", func(g *gen, p map[string]any) {
			g.name("Match Finished")
			p["friend_code"] = "SW-" + g.digits(4) + "-" + g.digits(4) + "-" + g.digits(4)
			p["steam_id64"] = "7656119" + g.digits(10)
			p["gamertag"] = g.pick("NebulaFox", "QuokkaKing", "VelvetOrca") + g.digits(2)
			p["match_id"] = g.digits(19)
			p["promo_code_redeemed"] = false
		}},
		scenario{"healthcare_codes", func(g *gen, p map[string]any) {
			g.name("Appointment Booked")
			p["npi_provider"] = luhnComplete("80840" + "1" + g.digits(8))[5:]
			p["icd10"] = g.pick("E11.9", "J45.909", "I10", "M54.5")
			p["appointment_id"] = "APT-" + g.digits(9)
			p["clinic_phone_visible"] = true
			p["insurance_plan"] = g.pick("PPO", "HMO", "EPO")
		}},
		scenario{"hr_public_fields", func(g *gen, p map[string]any) {
			g.name("Onboarding Step Completed")
			p["step"] = g.pick("tax_details", "bank_details", "equipment")
			p["employee_number"] = "E" + g.digits(6)
			p["tax_id_provided"] = true
			p["tax_id_country"] = g.pick("SE", "NO", "FI", "PL", "IT", "ES", "NL")
			p["ssn_last4"] = g.digits(4)
			p["bank_country"] = "DE"
		}},
		scenario{"mixed_case_keys_clean", func(g *gen, p map[string]any) {
			g.name("Settings Saved")
			p["API_KEY_LAST_ROTATED"] = "2026-10-01"
			p["PassWordExpiryDays"] = 90
			p["Token_TTL"] = 3600
			p["SecretsManager"] = g.pick("vault", "aws", "none")
			p["PIN_LENGTH"] = 6
		}},
	)
	return s
}
