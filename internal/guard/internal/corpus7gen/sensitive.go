package main

import (
	"fmt"
	"strings"
)

// sensitiveScenarios carry one value of a critical class each, in plain
// positions: the corpus's aim is the clean side, these keep every class
// counted.
var sensitiveScenarios = []scenario{
	{"login_form_password", loginPassword},
	{"elements_chain_password", chainPassword},
	{"elements_chain_typed_text", chainTyped},
	{"card_number_in_checkout", cardNumber},
	{"ssn_in_kyc", ssnKYC},
	{"iban_in_payout", ibanPayout},
	{"vendor_secret_in_env", vendorSecret},
	{"bearer_jwt_header", bearerJWT},
	{"pem_private_key", pemKey},
	{"database_url_password", dbURL},
}

var passwords = []string{"Correct-Horse-9!", "Tr0ub4dor&3", "Sommer2026!", "qwerty!2345Q", "M0nkey#Banana", "Ilovemydog_77", "Xk8#pL2!vR9q"}

func (g *gen) password() string { return g.pick(passwords...) + g.digits(2) }

func loginPassword(g *gen, e *ev) {
	e.Event = "login_submitted"
	pw := g.password()
	e.set("form", map[string]any{"username": "mika" + g.digits(3), "password": pw, "remember_me": true})
	e.label("password", "form.password", pw)
}

func chainPassword(g *gen, e *ev) {
	e.Event = "$autocapture"
	pw := g.password()
	e.set("$event_type", "change")
	e.set("$elements_chain", `input.input:attr__autocomplete="current-password"attr__name="pass"attr__type="password"attr__value="`+pw+`"nth-child="2"nth-of-type="1";form#login:attr__id="login"nth-child="1"nth-of-type="1";body:nth-child="2"nth-of-type="1"`)
	e.label("password", "$elements_chain", pw, "form_value")
}

func chainTyped(g *gen, e *ev) {
	e.Event = "$autocapture"
	v := g.pick("Hauptstraße 12, 3. OG links", "Mika Laaksonen", "Please leave the parcel with the neighbour", "Apt 4B buzzer broken") + " " + g.digits(2)
	e.set("$event_type", "change")
	e.set("$elements_chain", `textarea.field:attr__name="delivery_note"attr__value="`+v+`"nth-child="3"nth-of-type="1";form.checkout:attr__class="checkout"nth-child="1"nth-of-type="1";body:nth-child="2"nth-of-type="1"`)
	e.label("form_value", "$elements_chain", v)
}

func cardNumber(g *gen, e *ev) {
	e.Event = "checkout_error"
	c := g.card()
	e.check("luhn", c, true)
	spaced := c[:4] + " " + c[4:8] + " " + c[8:12] + " " + c[12:]
	v := g.pick(c, spaced)
	e.set("payment", map[string]any{"card_number": v, "exp": fmt.Sprintf("%02d/%02d", 1+g.r.Intn(12), 27+g.r.Intn(4)), "error": "card_declined"})
	e.label("payment_card", "payment.card_number", v)
}

func ssnKYC(g *gen, e *ev) {
	e.Event = "kyc_submitted"
	s := g.ssn()
	e.check("ssn", s, true)
	e.set("kyc", map[string]any{"country": "US", "ssn": s, "dob_year": 1960 + g.r.Intn(40)})
	e.label("national_id", "kyc.ssn", s)
}

func ibanPayout(g *gen, e *ev) {
	e.Event = "payout_account_added"
	i := g.iban()
	e.check("iban", i, true)
	e.set("payout", map[string]any{"iban": i, "holder": "Lumenfold Ltd", "bic": "DEUTDEFF"})
	e.label("bank_account", "payout.iban", i)
}

func vendorSecret(g *gen, e *ev) {
	e.Event = "debug_env_dump"
	var k, v string
	switch g.r.Intn(4) {
	case 0:
		k, v = "STRIPE_SECRET_KEY", "sk_live_51"+g.from(base62, 97)
	case 1:
		k, v = "GITHUB_TOKEN", "ghp_"+g.from(base62, 36)
	case 2:
		k, v = "SLACK_BOT_TOKEN", "xoxb-"+g.num(12)+"-"+g.num(13)+"-"+g.from(base62, 24)
	default:
		k, v = "AWS_SECRET_ACCESS_KEY", g.from(base62+"/+", 40)
	}
	e.set("env", "NODE_ENV=production\n"+k+"="+v+"\nLOG_LEVEL=info")
	e.label("secret_token", "env", v)
}

func bearerJWT(g *gen, e *ev) {
	e.Event = "api_request_failed"
	jwt := "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9." + g.b64raw(90) + "." + g.b64raw(256)
	e.set("request_headers", map[string]any{"authorization": "Bearer " + jwt, "accept": "application/json"})
	e.label("secret_token", "request_headers.authorization", jwt)
}

func pemKey(g *gen, e *ev) {
	e.Event = "config_uploaded"
	body := g.b64(64) + "\n" + g.b64(64) + "\n" + g.b64(40)
	pem := "-----BEGIN PRIVATE KEY-----\nMII" + body + "\n-----END PRIVATE KEY-----\n"
	e.set("file_content", pem)
	e.label("private_key", "file_content", strings.TrimSpace(pem))
}

func dbURL(g *gen, e *ev) {
	e.Event = "worker_started"
	pw := g.from(base62, 20)
	e.set("database_url", "postgres://app_rw:"+pw+"@db-"+g.digits(2)+".internal:5432/orders?sslmode=require")
	e.label("credentials_in_url", "database_url", pw, "password")
}
