package main

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// cleanScenarios hold nothing sensitive by docs/GUARD.md's definitions;
// every value is one the guard must keep.
var cleanScenarios = []scenario{
	{"sentry_error_event", sentryError},
	{"stripe_webhook_public_ids", stripeWebhook},
	{"shopify_order_webhook", shopifyOrder},
	{"ga4_measurement_protocol", ga4Event},
	{"click_id_properties", clickIDs},
	{"id_shapes_under_neutral_keys", idShapes},
	{"content_hashes_and_etags", contentHashes},
	{"cdn_image_urls_with_signatures", cdnImages},
	{"blurhash_thumbhash", placeholders},
	{"public_keys_and_fingerprints", publicKeys},
	{"parcel_tracking_numbers", parcels},
	{"product_codes_with_check_digits", productCodes},
	{"device_numbers_luhn_valid", deviceNumbers},
	{"version_and_build_strings", versions},
	{"dates_in_many_formats", dates},
	{"prices_and_money", prices},
	{"geo_codes_and_coordinates", geo},
	{"numbers_shaped_like_ids", idShapedNumbers},
	{"public_bank_codes", bankCodes},
	{"masked_card_display", maskedCards},
	{"feature_flags_and_experiments", flags},
	{"web_vitals", webVitals},
	{"mobile_lifecycle", lifecycle},
	{"native_crash_report", crashReport},
	{"otel_span_attributes", otelAttributes},
	{"github_push_webhook", githubPush},
	{"twilio_status_callback", twilioCallback},
	{"crm_helpdesk_webhooks", crmWebhooks},
	{"segment_track_payload", segmentTrack},
	{"amplitude_http_v2", amplitudeEvent},
	{"snowplow_tracker_payload", snowplow},
	{"game_telemetry", gameTelemetry},
	{"iot_uplink", iotUplink},
	{"multilingual_text", multilingual},
	{"pagination_cursors_and_tracking_params", cursors},
	{"ecommerce_cart", cart},
	{"email_delivery_events", emailDelivery},
	{"cdn_response_headers", cdnHeaders},
	{"file_uploads", uploads},
	{"posthog_internal_properties", posthogInternal},
	{"public_client_config", publicConfig},
	{"app_log_lines", logLines},
	{"media_and_social_ids", mediaIDs},
	{"payment_provider_references", paymentRefs},
	{"auth_events_without_secrets", authEvents},
}

func sentryError(g *gen, e *ev) {
	e.Event = "$exception"
	release := g.pick("web", "checkout", "mobile-app") + "@" + fmt.Sprintf("%d.%d.%d", 1+g.r.Intn(5), g.r.Intn(30), g.r.Intn(12)) + "+" + g.hex(7)
	msg := g.pick(
		"TypeError: Cannot read properties of undefined (reading 'id')",
		"ChunkLoadError: Loading chunk 7"+g.digits(2)+" failed.\n(error: https://cdn.lumenfold.io/_next/static/chunks/"+g.digits(3)+"."+g.hex(16)+".js)",
		"Error: Request failed with status code 502",
		"SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON",
		"ResizeObserver loop completed with undelivered notifications.",
		"NetworkError when attempting to fetch resource.",
	)
	frames := []map[string]any{}
	for i := 0; i < 2+g.r.Intn(3); i++ {
		frames = append(frames, map[string]any{
			"filename": "app:///_next/static/chunks/pages/" + g.pick("checkout", "_app", "index") + "-" + g.hex(16) + ".js",
			"function": g.pick("onSubmit", "r", "Object.t [as render]", "async handleClick", "<anonymous>"),
			"lineno":   1 + g.r.Intn(3),
			"colno":    1000 + g.r.Intn(90000),
			"in_app":   true,
		})
	}
	e.set("$exception_list", []map[string]any{{"type": strings.SplitN(msg, ":", 2)[0], "value": msg, "mechanism": map[string]any{"type": "onunhandledrejection", "handled": false}}})
	e.set("$exception_frames", frames)
	e.set("sentry", map[string]any{
		"event_id":    g.hex(32),
		"release":     release,
		"dist":        g.digits(3),
		"environment": g.pick("production", "staging"),
		"fingerprint": []string{"{{ default }}"},
		"sdk":         map[string]any{"name": "sentry.javascript.nextjs", "version": fmt.Sprintf("8.%d.0", 30+g.r.Intn(20))},
		"contexts": map[string]any{
			"trace":  map[string]any{"trace_id": g.hex(32), "span_id": g.hex(16), "op": "pageload"},
			"device": map[string]any{"family": "Mac", "arch": "arm64"},
		},
	})
	e.set("sentry_debug_images", []map[string]any{{"type": "sourcemap", "code_file": "app:///main." + g.hex(8) + ".js", "debug_id": g.uuid4()}})
	e.set("sentry_breadcrumbs", []map[string]any{
		{"category": "fetch", "method": "GET", "url": "/api/cart/" + g.uuid4(), "status_code": 200},
		{"category": "ui.click", "message": "button.btn-primary[data-testid=\"place-order\"]"},
	})
}

func stripeWebhook(g *gen, e *ev) {
	e.Event = "stripe_webhook_received"
	acct := "acct_1" + g.from(base62, 15)
	e.set("stripe_event", map[string]any{
		"id":          "evt_3" + g.from(base62, 23),
		"type":        g.pick("payment_intent.succeeded", "charge.refunded", "invoice.paid", "customer.subscription.updated"),
		"api_version": "2024-06-20",
		"account":     acct,
		"livemode":    true,
		"request":     map[string]any{"id": "req_" + g.from(base62, 14), "idempotency_key": g.uuid4()},
	})
	e.set("stripe_object", map[string]any{
		"id":                  "pi_3" + g.from(base62, 23),
		"object":              "payment_intent",
		"amount":              100 * (5 + g.r.Intn(400)),
		"currency":            g.pick("usd", "eur", "gbp"),
		"customer":            "cus_" + g.from(base62, 14),
		"payment_method":      "pm_1" + g.from(base62, 23),
		"latest_charge":       "ch_3" + g.from(base62, 23),
		"invoice":             "in_1" + g.from(base62, 23),
		"balance_transaction": "txn_3" + g.from(base62, 23),
		"payment_method_details": map[string]any{"card": map[string]any{
			"brand": g.pick("visa", "mastercard", "amex"), "last4": g.digits(4), "exp_month": 1 + g.r.Intn(12), "exp_year": 2027 + g.r.Intn(5),
			"fingerprint": g.from(base62, 16), "funding": "credit", "country": g.pick("US", "DE", "GB"),
			"network_transaction_id": g.digits(15), "three_d_secure_version": "2.2.0",
		}},
		"statement_descriptor": "LUMENFOLD* ORDER " + g.digits(5),
	})
	e.set("stripe_signature_header", fmt.Sprintf("t=%d,v1=%s,v0=%s", g.when().Unix(), g.hex(64), g.hex(64)))
}

func shopifyOrder(g *gen, e *ev) {
	e.Event = "order_created"
	id := g.num(13)
	items := []map[string]any{}
	for i := 0; i < 1+g.r.Intn(3); i++ {
		vid := g.num(14)
		items = append(items, map[string]any{
			"id": g.num(14), "variant_id": vid, "product_id": g.num(13), "sku": g.pick("LS", "TS", "CP") + "-" + g.pick("BLK", "NVY", "OAT") + "-" + g.pick("S", "M", "L", "XL"),
			"title": g.pick("Linen Shirt", "Merino Cap", "Canvas Tote"), "quantity": 1 + g.r.Intn(3), "price": fmt.Sprintf("%d.%02d", 10+g.r.Intn(200), g.r.Intn(100)),
			"admin_graphql_api_id": "gid://shopify/LineItem/" + g.num(14),
			"image_url":            "https://cdn.shopify.com/s/files/1/0" + g.digits(3) + "/" + g.digits(4) + "/" + g.digits(4) + "/files/" + g.pick("shirt", "cap", "tote") + "_" + g.uuid4() + ".jpg?v=" + fmt.Sprint(g.when().Unix()) + "&width=" + g.pick("360", "720", "1080"),
		})
	}
	e.set("order", map[string]any{
		"id": id, "admin_graphql_api_id": "gid://shopify/Order/" + id, "name": "#" + g.digits(4), "order_number": 1000 + g.r.Intn(90000),
		"checkout_id": g.num(14), "cart_id": base64.RawStdEncoding.EncodeToString([]byte("gcp-us-east1:" + g.ulid())),
		"confirmation_number": g.from("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 9), "currency": "USD", "total_price": fmt.Sprintf("%d.%02d", 20+g.r.Intn(500), g.r.Intn(100)),
		"line_items": items, "source_name": "web", "landing_site": "/?utm_source=newsletter&utm_medium=email&utm_campaign=bf26",
	})
}

func ga4Event(g *gen, e *ev) {
	e.Event = g.pick("page_view", "view_item", "select_promotion", "scroll")
	ts := g.when()
	e.set("client_id", fmt.Sprintf("%d.%d", 100000000+g.r.Intn(1900000000), ts.Unix()-int64(g.r.Intn(9000000))))
	e.set("measurement_id", "G-"+g.from(upperAlnm, 10))
	e.set("ga_session_id", fmt.Sprint(ts.Unix()))
	e.set("ga_session_number", 1+g.r.Intn(40))
	e.set("engagement_time_msec", g.r.Intn(90000))
	e.set("_ga", fmt.Sprintf("GA1.1.%d.%d", 100000000+g.r.Intn(1900000000), ts.Unix()-int64(g.r.Intn(9000000))))
	e.set("_ga_"+g.from(upperAlnm, 10), fmt.Sprintf("GS1.1.%d.%d.1.%d.0.0.0", ts.Unix(), 1+g.r.Intn(30), ts.Unix()+int64(g.r.Intn(600))))
	e.set("_gl", fmt.Sprintf("1*%s*_gcl_au*%s*_ga*%s", g.from(lowerAlnm, 6), base64.RawStdEncoding.EncodeToString([]byte(fmt.Sprintf("%d.%d", g.r.Int31(), ts.Unix()))), base64.RawStdEncoding.EncodeToString([]byte(fmt.Sprintf("%d.%d", g.r.Int31(), ts.Unix())))))
	e.set("page_location", "https://"+g.pick(hosts...)+g.pick(paths...)+"?utm_source=google&utm_medium=cpc&utm_campaign="+g.digits(11)+"&utm_term=linen%20shirt&utm_content="+g.digits(12))
	e.set("page_referrer", "https://www.google.com/")
}

func (g *gen) gclid() string {
	return g.pick("Cj0KCQ", "CjwKCA", "EAIaIQ") + "iA" + g.from(b64url, 60+g.r.Intn(30)) + "_BwE"
}

func clickIDs(g *gen, e *ev) {
	e.Event = "landing"
	ms := g.when().UnixMilli()
	fbclid := "IwAR" + g.from(b64url, 55+g.r.Intn(10))
	switch g.r.Intn(3) {
	case 0:
		e.set("gclid", g.gclid())
		e.set("gbraid", "0AAAAA"+g.from(b64url, 30))
		e.set("wbraid", "Cl"+g.from(b64url, 50))
		e.set("dclid", "CJ"+g.from(b64url, 24)+"FQ")
	case 1:
		e.set("fbclid", fbclid)
		e.set("_fbp", fmt.Sprintf("fb.1.%d.%d", ms, g.r.Int63n(9e9)+1e9))
		e.set("_fbc", fmt.Sprintf("fb.1.%d.%s", ms, fbclid))
		e.set("ttclid", "E.C.P."+g.from(b64url, 64))
		e.set("twclid", g.from(lowerAlnm, 25))
	default:
		e.set("msclkid", g.hex(32))
		e.set("li_fat_id", g.uuid4())
		e.set("yclid", g.digits(19))
		e.set("ScCid", g.uuid4())
		e.set("irclickid", g.from(upperAlnm, 2)+g.from(base62, 20))
		e.set("rdt_cid", g.digits(19)+"_"+g.from(base62, 8))
	}
	e.set("$initial_referring_domain", g.pick("www.google.com", "l.facebook.com", "www.bing.com", "t.co"))
}

func idShapes(g *gen, e *ev) {
	e.Event = g.pick("record_viewed", "object_synced", "item_opened")
	ids := []struct{ k, v string }{
		{"record_id", g.ulid()},
		{"object_id", g.objectID()},
		{"doc_id", g.firebasePushID()},
		{"entity_id", g.ksuid()},
		{"ref", g.nanoid()},
		{"node_id", g.xid()},
		{"request_id", g.uuid1()},
		{"job_id", g.cuid2()},
		{"message_id", g.snowflake()},
		{"short_id", g.from(b64url, 11)},
		{"row_key", g.from(lowerAlnm, 20)},
		{"airtable_record", "rec" + g.from(base62, 14)},
		{"notion_page_id", g.hex(32)},
		{"salesforce_id", "0015" + g.from(base62, 14)},
		{"hubspot_object_id", g.num(11)},
	}
	for i, id := range ids {
		if i == 0 || g.r.Intn(3) == 0 {
			e.set(id.k, id.v)
		}
	}
	e.set("correlation", map[string]any{"id": g.uuid7(), "parent": g.ulid()})
}

func contentHashes(g *gen, e *ev) {
	e.Event = "asset_loaded"
	e.set("commit", g.hex(40))
	e.set("build_sha", g.hex(7))
	e.set("etag", g.pick(`"`+g.hex(32)+`"`, `W/"`+g.hex(2)+`-`+g.from(b64url, 27)+`"`, `"`+g.hex(40)+`"`))
	e.set("content_hash", g.pick("sha256:"+g.hex(64), g.hex(64), "md5:"+g.hex(32)))
	e.set("bundle", "/assets/index-"+g.from(b64url, 8)+".js")
	e.set("chunk_files", []string{"static/js/main." + g.hex(8) + ".js", "static/css/main." + g.hex(8) + ".css"})
	e.set("integrity", "sha384-"+g.b64(48))
	e.set("ipfs_cid", g.pick("bafybei"+g.from("abcdefghijklmnopqrstuvwxyz234567", 52), "Qm"+g.from("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", 44)))
	e.set("crc32c", g.b64(4))
	e.set("x-amz-checksum-sha256", g.b64(32))
	e.set("lockfile_integrity", "sha512-"+g.b64(64))
}

func cdnImages(g *gen, e *ev) {
	e.Event = "image_rendered"
	path := "/products/" + g.pick("linen-shirt", "oak-table", "tote") + "-" + g.digits(3) + ".jpg"
	switch g.r.Intn(4) {
	case 0: // imgix: s is an MD5 of the path and parameters, not a key
		e.set("src", "https://birchandrye.imgix.net"+path+"?auto=format,compress&fit=crop&w="+g.pick("320", "640", "1200")+"&q=75&s="+g.hex(32))
	case 1: // Cloudinary signed delivery URL
		e.set("src", "https://res.cloudinary.com/lumenfold/image/upload/s--"+g.from(b64url, 8)+"--/c_fill,w_"+g.pick("400", "800")+",q_auto,f_auto/v"+fmt.Sprint(g.when().Unix())+path)
	case 2: // Thumbor HMAC-signed URL
		e.set("src", "https://img.kitebrook.jp/"+g.from(b64url, 27)+"=/fit-in/"+g.pick("300x300", "800x0")+"/filters:quality(80):format(webp)/"+path[1:])
	default: // Next.js image optimizer
		e.set("src", "https://studio.vellum.app/_next/image?url=%2Fuploads%2F"+g.uuid4()+".png&w="+g.pick("640", "828", "1920")+"&q=75")
	}
	e.set("srcset", "https://cdn.shopify.com/s/files/1/0"+g.digits(3)+"/files/"+g.hex(12)+".webp?v="+fmt.Sprint(g.when().Unix())+"&width=360 360w")
	e.set("loading", "lazy")
}

func placeholders(g *gen, e *ev) {
	e.Event = "media_grid_rendered"
	bh := g.from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~", 28)
	e.set("blurhash", "L"+bh[1:])
	e.set("thumbhash", base64.StdEncoding.EncodeToString(g.bytes(20+g.r.Intn(8))))
	e.set("dominant_color", "#"+g.hex(6))
	e.set("lqip", "data:image/webp;base64,UklGR"+g.b64(60))
	e.set("width", 1200)
	e.set("height", 800)
}

func publicKeys(g *gen, e *ev) {
	e.Event = g.pick("device_enrolled", "passkey_registered", "cert_rotated")
	pub := "AAAAC3NzaC1lZDI1NTE5AAAAI" + g.b64(32)[1:]
	switch g.r.Intn(4) {
	case 0:
		e.set("ssh_public_key", "ssh-ed25519 "+pub+" deploy@build-"+g.digits(2))
		e.set("ssh_fingerprint", "SHA256:"+base64.RawStdEncoding.EncodeToString(g.bytes(32)))
	case 1:
		fp := make([]string, 32)
		for i := range fp {
			fp[i] = strings.ToUpper(g.hex(2))
		}
		e.set("certificate", map[string]any{"sha256_fingerprint": strings.Join(fp, ":"), "serial": strings.ToUpper(g.hex(32)), "subject": "CN=api.lumenfold.io, O=Lumenfold Ltd, C=GB", "issuer": "CN=R11, O=Let's Encrypt, C=US", "not_after": "2027-02-14T09:12:44Z", "spki_pin": "pin-sha256=\"" + g.b64(32) + "\""})
	case 2:
		e.set("credential_id", g.b64raw(32))
		e.set("public_key_cose", g.b64raw(77))
		e.set("aaguid", g.uuid4())
		e.set("attestation_format", "none")
	default:
		e.set("pgp_fingerprint", strings.ToUpper(g.hex(40)))
		e.set("age_recipient", "age1"+g.from("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58))
		e.set("wireguard_public_key", g.b64(32))
		e.set("npub", "npub1"+g.from("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58))
	}
}

func parcels(g *gen, e *ev) {
	e.Event = "shipment_tracked"
	var carrier, num string
	switch g.r.Intn(6) {
	case 0:
		carrier, num = "UPS", "1Z"+g.from(upperAlnm, 6)+g.digits(10)
	case 1:
		body := "9400" + g.digits(17)
		carrier, num = "USPS", body+string(gtinDigit(body))
	case 2:
		carrier, num = "FedEx", g.digits(12)
	case 3:
		carrier, num = "DHL", g.digits(10)
	case 4:
		carrier, num = "Royal Mail", g.from("ABCDEFGHJKLMNPRSTUVWXYZ", 2)+g.digits(9)+"GB"
	default:
		carrier, num = "PostNL", "3S"+g.from(upperAlnm, 4)+g.digits(9)
	}
	e.set("carrier", carrier)
	e.set("tracking_number", num)
	e.set("tracking_url", "https://track.aftership.com/"+strings.ToLower(strings.ReplaceAll(carrier, " ", "-"))+"/"+num)
	e.set("fulfillment_id", g.num(13))
	e.set("status", g.pick("in_transit", "out_for_delivery", "delivered"))
	e.set("estimated_delivery", g.when().Format("2006-01-02"))
}

func productCodes(g *gen, e *ev) {
	e.Event = g.pick("product_viewed", "barcode_scanned")
	ean := g.ean13(g.pick("40", "50", "76", "87", "45"))
	e.check("gtin", ean, true)
	isbn := g.ean13("978")
	e.check("gtin", isbn, true)
	i10 := g.isbn10()
	e.check("isbn10", i10, true)
	upc := g.digits(11)
	upc += string(gtinDigit(upc))
	e.set("ean", ean)
	e.set("isbn_13", isbn[:3]+"-"+isbn[3:4]+"-"+isbn[4:8]+"-"+isbn[8:12]+"-"+isbn[12:])
	e.set("isbn_10", i10)
	e.set("upc", upc)
	e.set("gtin14", "1"+ean)
	e.set("asin", "B0"+g.from(upperAlnm, 8))
	e.set("mpn", g.from(upperAlnm, 3)+"-"+g.digits(5))
	e.set("sku", g.pick("SKU", "ART", "P")+"-"+g.digits(6)+"-"+g.pick("RD", "BL", "GR"))
	e.set("vin", g.from("ABCDEFGHJKLMNPRSTUVWXYZ0123456789", 17))
}

func deviceNumbers(g *gen, e *ev) {
	e.Event = g.pick("device_registered", "sim_activated")
	imei := g.luhnNumber(g.pick("35", "86", "01", "99"), 15)
	e.check("luhn", imei, true)
	iccid := g.luhnNumber("89"+g.pick("44", "49", "01", "33"), 20)
	e.check("luhn", iccid, true)
	e.set("imei", imei)
	e.set("iccid", iccid)
	e.set("meid", strings.ToUpper(g.hex(14)))
	e.set("imsi", g.pick("310260", "234150", "262010")+g.digits(9))
	e.set("serial_number", g.from(upperAlnm, 12))
	e.set("android_id", g.hex(16))
	e.set("idfv", strings.ToUpper(g.uuid4()))
	e.set("gaid", g.uuid4())
}

func versions(g *gen, e *ev) {
	e.Event = "app_updated"
	e.set("from_version", fmt.Sprintf("%d.%d.%d", 2+g.r.Intn(3), g.r.Intn(20), g.r.Intn(9)))
	e.set("to_version", fmt.Sprintf("%d.%d.%d-rc.%d+build.%d", 3+g.r.Intn(3), g.r.Intn(20), g.r.Intn(9), 1+g.r.Intn(4), g.r.Intn(900)))
	e.set("build", fmt.Sprintf("%d%s%d%s", 21+g.r.Intn(4), g.pick("A", "B", "C", "E"), 1000+g.r.Intn(8000), g.pick("", "a", "b")))
	e.set("git_describe", fmt.Sprintf("v1.%d.%d-%d-g%s", g.r.Intn(20), g.r.Intn(9), g.r.Intn(60), g.hex(7)))
	e.set("chrome_version", fmt.Sprintf("13%d.0.%d.%d", g.r.Intn(5), 6700+g.r.Intn(300), g.r.Intn(200)))
	e.set("kernel", fmt.Sprintf("6.8.0-10%d-azure", 10+g.r.Intn(80)))
	e.set("runtime", g.pick("go1.23.4", "node v22.11.0", "Python 3.12.7", "OpenJDK 21.0.5+11-LTS"))
	e.set("calver", fmt.Sprintf("2026.%d.%d", 1+g.r.Intn(12), g.r.Intn(30)))
	e.set("version_code", 400000+g.r.Intn(99999))
}

func dates(g *gen, e *ev) {
	e.Event = "booking_viewed"
	t := g.when()
	e.set("created_at", t.Format("2006-01-02T15:04:05.000Z07:00"))
	e.set("updated_at", t.Format("Mon, 02 Jan 2006 15:04:05 -0700"))
	e.set("check_in", t.Format("02/01/2006"))
	e.set("check_out", t.AddDate(0, 0, 3).Format("01/02/2006"))
	e.set("date_de", t.Format("02.01.2006"))
	e.set("date_compact", t.Format("20060102"))
	e.set("date_ja", t.Format("2006年1月2日"))
	e.set("date_text", t.Format("Jan 2, 2006 3:04 PM"))
	e.set("ts_ms", t.UnixMilli())
	e.set("ts_ns", fmt.Sprint(t.UnixNano()))
	e.set("duration", g.pick("PT1H30M", "P3D", "PT45S"))
	e.set("schedule", g.pick("0 */6 * * *", "30 2 * * 1-5", "@daily"))
	e.set("week", t.Format("2006")+"-W"+fmt.Sprintf("%02d", 1+g.r.Intn(52)))
}

func prices(g *gen, e *ev) {
	e.Event = "price_shown"
	a := 1 + g.r.Intn(5000)
	e.set("amount_minor", a*100+g.r.Intn(100))
	e.set("display_price", g.pick(fmt.Sprintf("$%d,%03d.%02d", a/1000+1, a%1000, g.r.Intn(100)), fmt.Sprintf("%d.%03d,%02d €", a/1000+1, a%1000, g.r.Intn(100)), fmt.Sprintf("¥%d,%03d", a/10+1, g.r.Intn(1000)), fmt.Sprintf("₹%d,%02d,%03d", a/100+1, g.r.Intn(100), g.r.Intn(1000))))
	e.set("currency", g.pick("USD", "EUR", "JPY", "INR", "BRL"))
	e.set("price_id", "price_1"+g.from(base62, 23))
	e.set("product_id", "prod_"+g.from(base62, 14))
	e.set("coupon_code", g.pick("WELCOME10", "BF2026", "SPRING-25", "FREESHIP"))
	e.set("tax_rate", 0.19)
	e.set("exchange_rate", fmt.Sprintf("1.%04d", g.r.Intn(10000)))
}

func geo(g *gen, e *ev) {
	e.Event = "store_locator_search"
	e.set("lat", float64(g.r.Intn(180000000)-90000000)/1e6)
	e.set("lng", float64(g.r.Intn(360000000)-180000000)/1e6)
	e.set("geohash", g.from("0123456789bcdefghjkmnpqrstuvwxyz", 9))
	e.set("plus_code", g.from("23456789CFGHJMPQRVWX", 4)+g.from("23456789CFGHJMPQRVWX", 4)+"+"+g.from("23456789CFGHJMPQRVWX", 2))
	e.set("h3_index", "89"+g.hex(11)+"ff")
	e.set("s2_cell", g.digits(19))
	e.set("w3w", "///"+g.pick("filled", "index", "crate")+"."+g.pick("count", "home", "raft")+"."+g.pick("soap", "lamp", "pilot"))
	e.set("postal_code", g.pick("SW1A 1AA", "10115", "75008", "100-0005", "560001", "H3Z 2Y7", "2000"))
	e.set("timezone", g.pick("Europe/Berlin", "Asia/Tokyo", "America/Sao_Paulo"))
}

// idShapedNumbers: numbers of the lengths of national IDs and cards under
// keys that name what they are.
func idShapedNumbers(g *gen, e *ev) {
	e.Event = g.pick("order_completed", "invoice_viewed", "support_ticket_opened")
	e.set("order_number", g.num(9))
	e.set("customer_number", g.num(11))
	e.set("invoice_id", g.num(12))
	e.set("amazon_order_id", g.digits(3)+"-"+g.digits(7)+"-"+g.digits(7))
	e.set("reservation_number", g.digits(3)+"-"+g.digits(2)+"-"+g.digits(4))
	tx := g.luhnNumber(g.pick("1", "7"), 16)
	e.check("luhn", tx, true)
	e.set("transaction_id", tx)
	e.set("case_number", "CS"+g.digits(8))
	e.set("booking_reference", g.from("ABCDEFGHJKLMNPQRSTUVWXYZ", 6))
	e.set("ticket", fmt.Sprint(100000+g.r.Intn(900000)))
	e.set("loyalty_number", g.digits(4)+" "+g.digits(4)+" "+g.digits(4))
}

func bankCodes(g *gen, e *ev) {
	e.Event = g.pick("payout_method_viewed", "bank_selected")
	aba := g.aba()
	e.check("aba", aba, true)
	e.set("routing_number", aba)
	e.set("sort_code", fmt.Sprintf("%02d-%02d-%02d", g.r.Intn(100), g.r.Intn(100), g.r.Intn(100)))
	e.set("bsb", fmt.Sprintf("%03d-%03d", g.r.Intn(1000), g.r.Intn(1000)))
	e.set("bic", g.pick("DEUTDEFF", "COBADEFFXXX", "BNPAFRPP", "HSBCGB2L", "CHASUS33"))
	e.set("ifsc", g.pick("HDFC", "ICIC", "SBIN")+"0"+g.digits(6))
	e.set("blz", g.digits(8))
	e.set("transit_number", g.digits(5)+"-"+g.digits(3))
	e.set("bank_name", g.pick("Chase", "Barclays", "Deutsche Bank", "Commonwealth Bank"))
	e.set("account_last4", g.digits(4))
}

func maskedCards(g *gen, e *ev) {
	e.Event = "payment_method_listed"
	c := g.card()
	l4 := c[12:]
	e.set("masked_pan", c[:6]+"******"+l4)
	e.set("display", g.pick("•••• "+l4, "**** **** **** "+l4, "Visa ending in "+l4, "XXXX-XXXX-XXXX-"+l4))
	e.set("bin", c[:6])
	e.set("iin", c[:8])
	e.set("brand", g.pick("Visa", "Mastercard"))
	e.set("exp", fmt.Sprintf("%02d/%02d", 1+g.r.Intn(12), 27+g.r.Intn(5)))
	e.set("wallet", g.pick("apple_pay", "google_pay", "link"))
	e.set("network_token_last4", g.digits(4))
}

func flags(g *gen, e *ev) {
	e.Event = g.pick("$feature_flag_called", "experiment_exposure", "$exposure")
	flag := g.pick("new-checkout", "pricing-v3", "onboarding_tour", "search-ranker-b")
	e.set("$feature_flag", flag)
	e.set("$feature_flag_response", g.pick("control", "test", "variant-b", "true"))
	e.set("$active_feature_flags", []string{flag, "dark-mode", "beta-" + g.from(lowerAlnm, 6)})
	e.set("$feature_flag_payload", fmt.Sprintf(`{"copy":"Try it free","threshold":%d,"layout":"grid"}`, g.r.Intn(100)))
	e.set("$feature_flag_request_id", g.uuid4())
	e.set("statsig_rule_id", g.from(base62, 22))
	e.set("optimizely", map[string]any{"experiment_id": g.num(11), "variation_id": g.num(11), "campaign_id": g.num(11)})
	e.set("ld_context_key", g.uuid4())
	e.set("bucket", g.r.Intn(10000))
	e.set("hash_attribute", "id")
	e.set("allocation_seed", g.hex(8))
}

func webVitals(g *gen, e *ev) {
	e.Event = "$web_vitals"
	name := g.pick("LCP", "CLS", "INP", "FCP", "TTFB")
	e.set("metric_name", name)
	e.set("value", float64(g.r.Intn(400000))/100)
	e.set("rating", g.pick("good", "needs-improvement", "poor"))
	e.set("id", fmt.Sprintf("v4-%d-%d", g.when().UnixMilli(), 1000000000000+g.r.Int63n(8999999999999)))
	e.set("navigation_type", g.pick("navigate", "reload", "back-forward-cache"))
	e.set("attribution", map[string]any{"element": "#main>div.hero>img.hero__image", "url": "https://cdn.lumenfold.io/hero-" + g.hex(8) + ".avif", "loadState": "dom-content-loaded", "interactionTarget": "button.add-to-cart[data-sku]"})
}

func lifecycle(g *gen, e *ev) {
	e.Event = g.pick("Application Opened", "Application Installed", "Application Backgrounded", "Deep Link Opened")
	e.set("from_background", g.r.Intn(2) == 0)
	e.set("referring_application", g.pick("com.google.android.gm", "com.apple.mobilesafari", "com.instagram.android"))
	e.set("url", g.pick("kitebrook://product/"+g.digits(6)+"?utm_source=push&utm_campaign=restock", "https://links.kitebrook.jp/"+g.from(base62, 10), "kitebrook://orders/"+g.uuid4()))
	e.set("install_referrer", "utm_source=google-play&utm_medium=organic&gclid="+g.gclid())
	e.set("session_length_ms", g.r.Intn(900000))
	e.set("launch_time_ms", 200+g.r.Intn(3000))
	e.set("adjust_adid", g.hex(32))
	e.set("appsflyer_id", fmt.Sprintf("%d-%d", g.when().UnixMilli(), g.r.Int63()))
	e.set("branch_link_id", g.digits(18))
}

func crashReport(g *gen, e *ev) {
	e.Event = "app_crash"
	if g.r.Intn(2) == 0 {
		e.set("exception", "java.lang.IllegalStateException: Fragment PaymentSheetFragment{"+g.hex(7)+"} not attached to a context.")
		e.set("stack", "at androidx.fragment.app.Fragment.requireContext(Fragment.java:972)\n\tat com.kitebrook.checkout.PaymentSheetFragment.onResume(PaymentSheetFragment.kt:"+g.digits(3)+")\n\tat android.os.Handler.dispatchMessage(Handler.java:106)")
		e.set("build_id", g.hex(40))
		e.set("proguard_uuid", g.uuid4())
	} else {
		e.set("exception", "EXC_BAD_ACCESS (SIGSEGV) KERN_INVALID_ADDRESS at 0x00000000000000"+g.hex(2))
		e.set("stack", fmt.Sprintf("0  Kitebrook  0x0000000%s  CheckoutViewModel.submit() + %d\n1  SwiftUI    0x00000001%s  0x%s + %d", g.hex(9), g.r.Intn(900), g.hex(8), g.hex(9), g.r.Intn(900)))
		e.set("dsym_uuid", strings.ToUpper(g.uuid4()))
		e.set("image_base", "0x0000000"+g.hex(9))
	}
	e.set("crash_group", g.hex(32))
	e.set("free_memory_mb", g.r.Intn(2000))
}

func otelAttributes(g *gen, e *ev) {
	e.Event = "span_ended"
	e.set("attributes", map[string]any{
		"http.request.method":       g.pick("GET", "POST"),
		"url.full":                  "https://api.lumenfold.io/v2/orders/" + g.uuid4() + "?expand=items",
		"http.response.status_code": g.pick("200", "201", "404", "503"),
		"server.address":            "api.lumenfold.io",
		"db.system":                 "postgresql",
		"db.query.text":             "SELECT id, status FROM orders WHERE customer_id = $1 AND created_at > $2 LIMIT 50",
		"messaging.message.id":      g.uuid4(),
		"k8s.pod.uid":               g.uuid4(),
		"container.id":              g.hex(64),
		"cloud.account.id":          g.digits(12),
		"cloud.resource_id":         "arn:aws:lambda:eu-west-1:" + g.digits(12) + ":function:order-sync",
		"faas.invocation_id":        g.uuid4(),
		"process.command_line":      "/usr/local/bin/node --max-old-space-size=4096 dist/server.js --port 8080",
		"host.id":                   "i-0" + g.hex(16),
		"trace_id":                  g.hex(32),
		"span_id":                   g.hex(16),
		"user_agent.original":       "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	})
}

func githubPush(g *gen, e *ev) {
	e.Event = "github_push"
	before, after := g.hex(40), g.hex(40)
	e.set("x_github_delivery", g.uuid1())
	e.set("x_hub_signature_256", "sha256="+g.hex(64))
	e.set("x_github_hook_id", g.num(9))
	e.set("payload", map[string]any{
		"ref": "refs/heads/main", "before": before, "after": after,
		"compare":      "https://github.com/lumenfold/web/compare/" + before[:12] + "..." + after[:12],
		"repository":   map[string]any{"id": g.num(9), "node_id": "R_kgDO" + g.from(b64url, 8), "full_name": "lumenfold/web"},
		"installation": map[string]any{"id": g.num(8), "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u" + g.digits(8)},
		"head_commit":  map[string]any{"id": after, "tree_id": g.hex(40), "message": "fix(checkout): retry idempotent payment confirmation (#" + g.digits(4) + ")"},
		"sender":       map[string]any{"login": "octo-" + g.from(lowerAlnm, 5), "avatar_url": "https://avatars.githubusercontent.com/u/" + g.num(8) + "?v=4"},
	})
}

func twilioCallback(g *gen, e *ev) {
	e.Event = "sms_status"
	e.set("MessageSid", "SM"+g.hex(32))
	e.set("AccountSid", "AC"+g.hex(32))
	e.set("MessagingServiceSid", "MG"+g.hex(32))
	e.set("MessageStatus", g.pick("queued", "sent", "delivered", "undelivered"))
	e.set("SmsStatus", "delivered")
	e.set("NumSegments", fmt.Sprint(1+g.r.Intn(3)))
	e.set("ApiVersion", "2010-04-01")
	e.set("ErrorCode", g.pick("", "30003", "30006"))
	e.set("X-Twilio-Signature", g.b64(20))
}

func crmWebhooks(g *gen, e *ev) {
	switch g.r.Intn(3) {
	case 0:
		e.Event = "hubspot_webhook"
		e.set("events", []map[string]any{{"eventId": g.r.Int31(), "subscriptionId": g.num(7), "portalId": g.num(8), "appId": g.num(7), "occurredAt": g.when().UnixMilli(), "subscriptionType": "contact.propertyChange", "attemptNumber": 0, "objectId": g.num(11), "propertyName": "lifecyclestage", "propertyValue": "customer", "changeSource": "CRM_UI"}})
		e.set("x_hubspot_signature_v3", g.b64(32))
		e.set("x_hubspot_request_timestamp", fmt.Sprint(g.when().UnixMilli()))
	case 1:
		e.Event = "intercom_webhook"
		e.set("type", "notification_event")
		e.set("app_id", g.from(lowerAlnm, 8))
		e.set("id", "notif_"+g.uuid4())
		e.set("topic", "conversation.user.replied")
		e.set("data", map[string]any{"item": map[string]any{"type": "conversation", "id": g.num(12), "admin_assignee_id": g.num(7), "team_assignee_id": g.num(7), "tags": []string{"billing", "refund"}}})
		e.set("x_hub_signature", "sha1="+g.hex(40))
	default:
		e.Event = "zendesk_webhook"
		e.set("ticket", map[string]any{"id": 10000 + g.r.Intn(900000), "brand_id": g.num(14), "group_id": g.num(14), "status": "open", "priority": "high", "via": "web", "external_id": g.ulid()})
		e.set("webhook_id", g.ulid())
		e.set("x_zendesk_webhook_signature", g.b64(32))
		e.set("x_zendesk_webhook_signature_timestamp", g.when().Format("2006-01-02T15:04:05Z"))
	}
}

func segmentTrack(g *gen, e *ev) {
	e.Event = g.pick("Product Added", "Checkout Started", "Signed In")
	e.set("messageId", "ajs-next-"+g.hex(32))
	e.set("anonymousId", g.uuid4())
	e.set("context", map[string]any{
		"library":     map[string]any{"name": "analytics.js", "version": "npm:next-1." + fmt.Sprint(60+g.r.Intn(20)) + ".0"},
		"campaign":    map[string]any{"name": "bf26", "source": "newsletter", "medium": "email", "content": "hero-cta"},
		"page":        map[string]any{"path": g.pick(paths...), "referrer": "https://duckduckgo.com/", "search": "?ref=" + g.from(lowerAlnm, 8)},
		"locale":      g.pick("en-US", "de-DE", "ja-JP", "pt-BR"),
		"instance_id": g.uuid4(),
	})
	e.set("integrations", map[string]any{"All": true, "Mixpanel": map[string]any{"session_id": g.when().UnixMilli()}})
	e.set("sentAt", g.when().Format("2006-01-02T15:04:05.000Z"))
	e.set("writeKey", g.from(base62, 32))
}

func amplitudeEvent(g *gen, e *ev) {
	e.Event = g.pick("session_start", "Button Clicked", "[Amplitude] Page Viewed")
	e.set("device_id", g.pick(g.uuid4(), g.from(b64url, 21)+"R"))
	e.set("session_id", g.when().UnixMilli())
	e.set("event_id", g.r.Intn(500))
	e.set("insert_id", g.uuid4())
	e.set("library", "amplitude-ts/2."+fmt.Sprint(g.r.Intn(12))+".0")
	e.set("platform", "Web")
	e.set("plan", map[string]any{"branch": "main", "source": "web", "version": fmt.Sprint(g.r.Intn(60))})
	e.set("ingestion_metadata", map[string]any{"source_name": "segment", "source_version": "1.0"})
}

func snowplow(g *gen, e *ev) {
	e.Event = "snowplow_page_ping"
	cx := fmt.Sprintf(`{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0","data":[{"schema":"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0","data":{"id":"%s"}},{"schema":"iglu:org.w3/PerformanceTiming/jsonschema/1-0-0","data":{"navigationStart":%d}}]}`, g.uuid4(), g.when().UnixMilli())
	e.set("sp", map[string]any{
		"e": "pp", "eid": g.uuid4(), "tv": "js-3." + fmt.Sprint(g.r.Intn(24)) + ".0", "tna": "sp1", "aid": "lumenfold-web", "p": "web",
		"duid": g.uuid4(), "sid": g.uuid4(), "vid": g.r.Intn(40), "nuid": g.uuid4(),
		"res": "1920x1080", "vp": "1440x789", "cs": "UTF-8", "lang": "en-GB",
		"stm": fmt.Sprint(g.when().UnixMilli()), "dtm": fmt.Sprint(g.when().UnixMilli()),
		"cx":     base64.RawURLEncoding.EncodeToString([]byte(cx)),
		"pp_mix": "0", "pp_max": fmt.Sprint(g.r.Intn(3000)),
	})
}

func gameTelemetry(g *gen, e *ev) {
	e.Event = g.pick("match_ended", "level_completed", "item_crafted")
	e.set("match_id", g.uuid4())
	e.set("steam_id", "7656119"+g.digits(10))
	e.set("epic_account_id", g.hex(32))
	e.set("world_seed", g.r.Int63())
	e.set("replay_id", g.from(upperAlnm, 12))
	e.set("lobby_code", g.from("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 4)+"-"+g.from("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 4))
	e.set("score", g.r.Intn(1000000))
	e.set("frame_times_ms", []any{16.6, 16.7, 33.4, 16.6})
	e.set("inventory", []map[string]any{{"item": "iron_ingot", "qty": g.r.Intn(64)}, {"item": "ancient_key", "qty": 1}})
	e.set("build", "CL-"+g.digits(8))
	e.set("gpu", g.pick("NVIDIA GeForce RTX 4070", "AMD Radeon RX 7800 XT", "Apple M3 Pro"))
}

func iotUplink(g *gen, e *ev) {
	e.Event = "sensor_reading"
	e.set("end_device_ids", map[string]any{"device_id": "eui-" + g.hex(16), "dev_eui": strings.ToUpper(g.hex(16)), "join_eui": strings.ToUpper(g.hex(16)), "dev_addr": strings.ToUpper(g.hex(8))})
	e.set("uplink_message", map[string]any{
		"f_port": 1 + g.r.Intn(10), "f_cnt": g.r.Intn(60000), "frm_payload": g.b64(8 + g.r.Intn(12)),
		"decoded_payload": map[string]any{"temperature": float64(g.r.Intn(400)) / 10, "humidity": g.r.Intn(100), "battery_mv": 2900 + g.r.Intn(700)},
		"rx_metadata":     []map[string]any{{"gateway_id": "gw-" + g.hex(8), "gateway_eui": strings.ToUpper(g.hex(16)), "rssi": -40 - g.r.Intn(80), "snr": float64(g.r.Intn(200)-100) / 10}},
		"session_key_id":  g.b64(16),
	})
	e.set("mac", strings.ToUpper(g.hex(2)+":"+g.hex(2)+":"+g.hex(2)+":"+g.hex(2)+":"+g.hex(2)+":"+g.hex(2)))
	e.set("firmware", fmt.Sprintf("fw-%d.%d.%d-%s", g.r.Intn(4), g.r.Intn(20), g.r.Intn(9), g.hex(7)))
}

var texts = []string{
	"Die Lieferung kam zwei Tage zu spät, aber das Hemd ist super. Bestellnummer 4711-0815-22",
	"配送がとても早かったです。注文番号 1234-5678-9012 の件でお問い合わせしました",
	"La taille M est un peu grande. Je recommande de prendre une taille en dessous.",
	"Produto chegou bem embalado, nota fiscal 35241112345678000190550010000123451000123456",
	"Очень удобное приложение, но пароль приходится вводить слишком часто",
	"¿Olvidaste tu contraseña? Te enviamos un enlace para restablecerla.",
	"비밀번호 변경 완료 알림을 받았습니다. 감사합니다",
	"كلمة المرور يجب أن تحتوي على ثمانية أحرف على الأقل",
	"Passwort vergessen? Wir senden dir einen Link.",
	"Ticket #48213: customer asks whether the PIN pad supports contactless",
	"Quanto costa la spedizione in Svizzera? Codice articolo 8001234567890",
	"商品很好，物流单号 SF1234567890123 已签收",
	"Wachtwoord moet minstens 12 tekens bevatten",
	"Salasana vaihdettu onnistuneesti",
}

func multilingual(g *gen, e *ev) {
	e.Event = g.pick("review_submitted", "search", "support_message_sent", "ui_text_shown")
	e.set(g.pick("review_text", "query", "message", "label"), g.pick(texts...))
	e.set("language", g.pick("de", "ja", "fr", "pt", "ru", "es", "ko", "ar", "it", "zh", "nl", "fi"))
	e.set("rating", 1+g.r.Intn(5))
}

func cursors(g *gen, e *ev) {
	e.Event = "list_paginated"
	e.set("cursor", base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf(`{"id":%d,"created_at":"%s"}`, g.r.Intn(9999999), g.when().Format("2006-01-02T15:04:05Z")))))
	e.set("next_page_token", base64.RawURLEncoding.EncodeToString(g.bytes(24)))
	e.set("starting_after", "cus_"+g.from(base62, 14))
	e.set("search_query_id", g.hex(32))
	e.set("url", "https://"+g.pick(hosts...)+"/search?q=linen&page=2&_hsenc=p2ANqtz-"+g.from(b64url, 80)+"&_hsmi="+g.num(9)+"&mc_cid="+g.hex(10)+"&mc_eid="+g.hex(10))
	e.set("build_id", g.from(b64url, 21))
}

func cart(g *gen, e *ev) {
	e.Event = g.pick("purchase", "add_to_cart", "begin_checkout")
	items := []map[string]any{}
	for i := 0; i < 1+g.r.Intn(4); i++ {
		items = append(items, map[string]any{"item_id": "SKU_" + g.digits(5), "item_name": g.pick("Stan and Friends Tee", "Oak Side Table", "Wool Socks 3-pack"), "affiliation": "Online Store", "coupon": "SUMMER_FUN", "discount": 2.22, "index": i, "item_brand": "Birch & Rye", "item_category": "Apparel", "item_variant": g.pick("green", "oat"), "price": 10.01 + float64(g.r.Intn(100)), "quantity": 1 + g.r.Intn(3), "item_list_id": "related_products", "promotion_id": "P_" + g.digits(5)})
	}
	e.set("items", items)
	e.set("transaction_id", "T_"+g.digits(8))
	e.set("value", float64(g.r.Intn(50000))/100)
	e.set("shipping_tier", g.pick("Ground", "Express"))
	e.set("checkout_id", g.num(14))
}

func emailDelivery(g *gen, e *ev) {
	e.Event = g.pick("email_delivered", "email_opened", "push_sent")
	e.set("sg_message_id", fmt.Sprintf("%s.filterdrecv-%s-%s-%d-%s-%d.0", g.from(b64url, 22), g.hex(10), g.from(lowerAlnm, 5), g.r.Intn(9), strings.ToUpper(g.hex(8)), g.r.Intn(30)))
	e.set("sg_event_id", g.from(b64url, 22))
	e.set("smtp_id", "<"+g.hex(11)+"."+g.hex(3)+"."+g.hex(6)+"@ismtpd-"+g.digits(3)+">")
	e.set("campaign_id", g.uuid4())
	e.set("dispatch_id", g.hex(32))
	e.set("onesignal_notification_id", g.uuid4())
	e.set("canvas_step_api_id", g.uuid4())
	e.set("template", g.pick("order-shipped", "weekly-digest", "password-reset-confirmation"))
}

func cdnHeaders(g *gen, e *ev) {
	e.Event = "api_response"
	e.set("response_headers", map[string]any{
		"cf-ray":                  g.hex(16) + "-" + g.pick("FRA", "LHR", "NRT", "IAD"),
		"x-amz-cf-id":             g.from(b64url, 54) + "==",
		"x-amz-request-id":        strings.ToUpper(g.hex(16)),
		"x-amz-id-2":              g.b64(57),
		"x-amzn-trace-id":         fmt.Sprintf("Root=1-%08x-%s", g.when().Unix(), g.hex(24)),
		"x-vercel-id":             fmt.Sprintf("fra1::iad1::%s-%d-%s", g.from(lowerAlnm, 5), g.when().UnixMilli(), g.hex(12)),
		"x-github-request-id":     fmt.Sprintf("%s:%s:%s:%s:%s", strings.ToUpper(g.hex(4)), strings.ToUpper(g.hex(6)), strings.ToUpper(g.hex(7)), strings.ToUpper(g.hex(7)), strings.ToUpper(g.hex(8))),
		"etag":                    `"` + g.hex(32) + `"`,
		"content-security-policy": "script-src 'self' 'nonce-" + g.b64(16) + "' 'strict-dynamic'",
		"x-cache":                 "Hit from cloudfront",
		"server-timing":           "cdn-cache;desc=HIT, edge;dur=" + fmt.Sprint(g.r.Intn(40)),
	})
	e.set("status", 200)
}

func uploads(g *gen, e *ev) {
	e.Event = "file_uploaded"
	e.set("object_key", "uploads/"+g.when().Format("2006/01/02")+"/"+g.uuid4()+"."+g.pick("jpg", "pdf", "heic"))
	e.set("upload_id", g.from(b64url, 64)+"--")
	e.set("version_id", g.from(b64url, 32))
	e.set("size_bytes", g.r.Intn(20000000))
	e.set("mime", g.pick("image/jpeg", "application/pdf", "image/heic"))
	e.set("md5", g.b64(16))
	e.set("original_name", g.pick("IMG_", "Scan ", "invoice-")+g.digits(4)+g.pick(".jpg", ".pdf", ".HEIC"))
}

func posthogInternal(g *gen, e *ev) {
	e.Event = "$pageview"
	e.set("$pageview_id", g.uuid7())
	e.set("$sent_at", g.when().Format("2006-01-02T15:04:05.000Z"))
	e.set("$configured_session_timeout_ms", 1800000)
	e.set("$replay_sample_rate", "0.25")
	e.set("$sdk_debug_replay_internal_buffer_length", g.r.Intn(40))
	e.set("$is_identified", true)
	e.set("$raw_user_agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1")
	e.set("$initial_gclid", g.gclid())
	e.set("$referring_domain", "$direct")
	e.set("$surveys_activated", []string{g.uuid7()})
	e.set("$console_log_recording_enabled_server_side", true)
	e.set("$session_entry_url", "https://"+g.pick(hosts...)+"/?ref=producthunt&via="+g.from(lowerAlnm, 6))
}

func publicConfig(g *gen, e *ev) {
	e.Event = "sdk_init"
	cfg := map[string]any{}
	switch g.r.Intn(4) {
	case 0:
		cfg["stripe_publishable_key"] = "pk_live_51" + g.from(base62, 97)
		cfg["mapbox_access_token"] = "pk.eyJ1Ijoia2l0ZWJyb29rIiwiYSI6I" + g.from(b64url, 22) + "." + g.from(b64url, 22)
	case 1:
		cfg["algolia_app_id"] = g.from(upperAlnm, 10)
		cfg["algolia_search_api_key"] = g.hex(32)
		cfg["recaptcha_site_key"] = "6L" + g.from(b64url, 38)
	case 2:
		cfg["firebase"] = map[string]any{"projectId": "kitebrook-prod", "appId": fmt.Sprintf("1:%s:web:%s", g.num(12), g.hex(22)), "messagingSenderId": g.num(12), "measurementId": "G-" + g.from(upperAlnm, 10)}
		cfg["launchdarkly_client_side_id"] = g.hex(24)
	default:
		cfg["posthog_project_api_key"] = "phc_" + g.from(base62, 43)
		cfg["datadog_client_token"] = "pub" + g.hex(32)
		cfg["intercom_app_id"] = g.from(lowerAlnm, 8)
		cfg["statsig_client_key"] = "client-" + g.from(base62, 43)
	}
	e.set("config", cfg)
}

func logLines(g *gen, e *ev) {
	e.Event = "client_log"
	e.set("line", g.pick(
		fmt.Sprintf("GET /api/v2/orders/%s 200 %dms", g.uuid4(), g.r.Intn(300)),
		fmt.Sprintf("retrying request req_%s (attempt 2/5) after 503", g.from(base62, 14)),
		fmt.Sprintf("cache miss key=product:sku:%s ttl=300", g.from(upperAlnm, 8)),
		"password reset e-mail sent; link expires in 30 minutes",
		fmt.Sprintf("token refreshed (expires_in=3600, scope=openid profile, kid=%s)", g.hex(16)),
		fmt.Sprintf("session %s resumed after %ds in background", g.uuid4(), g.r.Intn(600)),
		fmt.Sprintf("login succeeded for user_id=%d via sso provider=okta", g.r.Intn(999999)),
		fmt.Sprintf("webhook delivery %s signature verified (v1)", g.ulid()),
	))
	e.set("level", g.pick("info", "warn", "debug"))
	e.set("logger", g.pick("net", "auth", "cache", "sync"))
}

func mediaIDs(g *gen, e *ev) {
	e.Event = g.pick("video_played", "track_shared", "post_liked")
	e.set("youtube_video_id", g.from(b64url, 11))
	e.set("spotify_uri", "spotify:track:"+g.from(base62, 22))
	e.set("instagram_media_id", g.digits(19)+"_"+g.num(10))
	e.set("tiktok_video_id", "7"+g.digits(18))
	e.set("slack", map[string]any{"team": "T0" + g.from(upperAlnm, 8), "channel": "C0" + g.from(upperAlnm, 8), "user": "U0" + g.from(upperAlnm, 8), "ts": fmt.Sprintf("%d.%06d", g.when().Unix(), g.r.Intn(999999))})
	e.set("reddit_post", "t3_"+g.from(lowerAlnm, 7))
	e.set("discord_guild_id", g.snowflake())
	e.set("vimeo_hash", g.hex(10))
}

func paymentRefs(g *gen, e *ev) {
	e.Event = "payment_settled"
	e.set("paypal_capture_id", g.from(upperAlnm, 17))
	e.set("adyen_psp_reference", g.from(upperAlnm, 16))
	e.set("klarna_order_id", g.uuid4())
	e.set("google_play_order_id", fmt.Sprintf("GPA.%s-%s-%s-%s", g.digits(4), g.digits(4), g.digits(4), g.digits(5)))
	e.set("app_store_original_transaction_id", "2000000"+g.digits(9))
	e.set("apple_pay_transaction_identifier", strings.ToUpper(g.hex(64)))
	e.set("square_payment_id", g.from(base62, 29))
	e.set("mollie_payment_id", "tr_"+g.from(base62, 10))
	e.set("braintree_transaction_id", g.from(lowerAlnm, 8))
	e.set("sepa_mandate_reference", "MNDT-"+g.digits(10))
}

func authEvents(g *gen, e *ev) {
	e.Event = g.pick("login_succeeded", "mfa_enrolled", "password_changed", "session_refreshed")
	e.set("method", g.pick("password", "passkey", "magic_link", "google"))
	e.set("mfa_type", g.pick("totp", "sms", "webauthn", "none"))
	e.set("password_strength", g.pick("weak", "medium", "strong"))
	e.set("password_length_bucket", g.pick("8-11", "12-15", "16+"))
	e.set("has_password", g.r.Intn(2) == 0)
	e.set("token_type", "Bearer")
	e.set("expires_in", 3600)
	e.set("session_id", g.uuid4())
	e.set("auth_provider_user_id", g.pick("google-oauth2|"+g.num(21), "auth0|"+g.hex(24), "github|"+g.num(8)))
	e.set("kid", g.from(b64url, 43))
	e.set("acr", "urn:mace:incommon:iap:silver")
	e.set("amr", []string{"pwd", "mfa"})
}
