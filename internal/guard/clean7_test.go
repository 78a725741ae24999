package guard

import "testing"

// clean7Samples are detector samples for the kinds of clean traffic the
// seventh corpus (testdata/corpus7.jsonl) showed removed: each negative is
// a value of that kind the detector must leave alone, each positive the
// same detector still catching the sensitive value next to it. The values
// are built here (check digits computed independently), not taken from
// the corpus.
func clean7Samples() map[string][2][]sample {
	const (
		visa13 = "4501234567892"       // Luhn-valid, Visa range
		visa16 = "4539876543210988"    // Luhn-valid, Visa range
		mc16   = "5301234567890124"    // Luhn-valid, Mastercard range
		visa19 = "4234567890123456782" // Luhn-valid, Visa range
		ssn    = "536-22-1234"         // passes the SSA rules
		uid    = "7352 4681 0931"      // passes Verhoeff
	)
	return map[string][2][]sample{
		"card.pan": {
			{kv("note", visa16), kv("comment", "card "+mc16+" declined"), kv("distinct_id", visa16), kv("$insert_id", mc16), kv("userId", visa16)},
			{
				// Ids of card length that pass Luhn: the key names an id.
				kv("order_id", visa13), kv("productId", mc16), kv("id", visa16),
				kv("fb_psid", visa16), kv("external_order_ids", visa16),
				kv("external_order_id", visa16), kv("network_transaction_id", mc16),
				raw(`{"order":{"id":`+visa13+`,"line_items":[{"id":"`+mc16+`"}]}}`, ""),
				kv("admin_graphql_api_id", "gid://shopify/LineItem/"+visa16),
				kv("id", "v4-1797123456789-"+visa13),
				kv("yclid", visa19), kv("msclkid", mc16), kv("s2_cell", visa19), kv("world_seed", visa19),
				kv("counter", visa16), kv("bytes_sent", visa16),
				kv("google_play_order_id", "GPA."+visa16[:4]+"-"+visa16[4:8]+"-"+visa16[8:12]+"-"+visa16[12:]+"1"),
			},
		},
		"key.password": {
			{kv("db_PW", "Tr0ub4dor&3x"), raw(`{"fields":[["password","hunter2x"]]}`, "hunter2x"), raw(`{"entries":[["pwd","correcthorsebattery"]]}`, "correcthorsebattery")},
			// A list of words, not a [name, value] pair.
			{raw(`{"amr":["pwd","mfa"]}`, ""), kv("_ga_VM3QKS7PW5", "GS1.1.1797000000.3.1.1797000300.0.0.0"), kv("_ga_PIN4X2K9Q1", "GS1.1.1797000000.1.0"), raw(`{"tags":["password","reset"]}`, ""), raw(`{"methods":[["pin","otp"]]}`, "")},
		},
		"key.secret": {
			{kv("branch_secret", "secret_live_aBcDeFgHiJkLmNoPqRsTuVwXyZa1b2c3"), kv("unleash_token", "*:production.8f3a2b1c4d5e6f70819a2b3c4d5e6f70819a2b3c4d5e6f70819a2b3c"),
				kv("hmac_key", "x9Qw2Lk8ZpR4vN7mT3yB6cH1jF5gD0sA"), kv("hmacSecret", "x9Qw2Lk8ZpR4vN7mT3yB6cH1jF5gD0sA"), kv("storage_key", "DefaultEndpointsProtocol"+"x9Qw2Lk8ZpR4vN7mT3yB6cH1jF5gD0sA"), kv("credentials", "admin:S3cr3t-Pa55:x")},
			// The name of a cache or local-storage entry.
			{kv("branch_key", "key_live_aBcDeFgHiJkLmNoPqRsTuVwXyZa1b2c3"), kv("newrelic_license_key", "NRJS-1a2b3c4d5e6f7a8b9c0"),
				kv("unleash_frontend_token", "*:production.8f3a2b1c4d5e6f70819a2b3c4d5e6f70819a2b3c4d5e6f70819a2b3c"),
				kv("bugsnag_api_key", "a1b2c3d4e5f60718293a4b5c6d7e8f90"), kv("adjust_app_token", "abc123def456"),
				kv("hmac", "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf"), kv("voip_token", "740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad"), kv("hms_token", "0861234567890123456789AbCdEfGhIjKl0123456789abcdefABCDEF01234567CN01"), kv("storage_key", "cart:v2:3f0c2a9e-6b1d-4c8e-9a7f-2d5e8b1c4f60"), kv("cache_secret_key", "user:48213:Profile"), kv("storageKey", "ab_test:checkout:variant_b")},
		},
		"url.param": {
			{kv("url", "https://app.kitebrook.jp/login?t=Zq8rT2vLx9Wm4Kp7Nd3BcF6hJ1sQ5yUe")},
			// A share link's tracking id.
			{kv("url", "https://x.com/kitebrook/status/1869012345678901234?s=20&t=Qx7-Lm2vK9pR4tW8zN3bYa")},
		},
		"text.secret": {
			{kv("message", "rotated secret: Zq8rT2vLx9Wm4Kp7Nd3B"), kv("note", "arn is fine but the token: Zq8rT2vLx9Wm4Kp7Nd3B")},
			// An ARN names a secret; the name after "secret:" is public.
			{kv("secret_arn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-Ab3dEf"), kv("log", "rotating arn:aws:secretsmanager:us-east-1:123456789012:secret:api-Tq9Lm2 now")},
		},
		"id.fr_nir": {
			{kv("comment", "134051098765434")},
			// A SIM's subscriber identity of a NIR's length and key.
			{kv("imsi", "262010123456731"), kv("IMSI", "134051098765434")},
		},
		"id.us_ssn": {
			{kv("note", "SSN on file: "+ssn)},
			{kv("reservation_number", ssn), kv("order_number", ssn), kv("ticket_no", ssn), kv("bookingRef", ssn)},
		},
		"id.in_aadhaar": {
			{kv("comment", uid)},
			{kv("loyalty_number", uid), kv("invoice_no", uid), kv("tracking_number", uid)},
		},
	}
}

// TestClean7Keys: the key rules behind the seventh corpus's fixes.
func TestClean7Keys(t *testing.T) {
	// A country-qualified ID key keeps its meaning with an index after it
	// (apptest's leak canary "social_security_ch_2").
	for k, want := range map[string]keyKind{"social_security_ch_2": kNatID, "ssn_us_1": kSSN, "national_id_za_12": kNatID, "run_id_2": kNone} {
		if got := classifyKey(k); got != want {
			t.Errorf("classifyKey(%q) = %d, want %d", k, got, want)
		}
	}
	for k, want := range map[string]bool{
		"id": true, "ID": true, "order_id": true, "productId": true, "orderID": true, "$insert_id": false, "distinct_id": false, "user_id": false,
		"fb_psid": true, "user_ids": true, "request-id": true, "uuid": true,
		"cid": false, "card": false, "valid": false, "paid": false, "grid": false, "android": false, "note": false,
	} {
		if got := recordIDKey(k); got != want {
			t.Errorf("recordIDKey(%q) = %v, want %v", k, got, want)
		}
	}
	for k, want := range map[string]bool{
		"order_number": true, "reservationNumber": true, "bookingRef": true, "invoice no": true, "ticket_id": true,
		"loyalty_number": true, "ordernumber": true, "tracking-number": true,
		"order_note": false, "order": false, "ticket": false, "note": false, "loyalty_card": false, "border_id": false,
	} {
		if got := otherNumberKey(k); got != want {
			t.Errorf("otherNumberKey(%q) = %v, want %v", k, got, want)
		}
	}
	for s, want := range map[string]bool{
		"4539876543210988": true, "4539 8765 4321 0988": true, "gid://shopify/Order/4539876543210988": true,
		"v4-1797123456789-4501234567892": true,
		"card 4539876543210988":          false, "4539876543210988 declined": false, "a\tb": false,
	} {
		if got := idValue(s); got != want {
			t.Errorf("idValue(%q) = %v, want %v", s, got, want)
		}
	}
}
