package main

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
)

var scenarios []scenario

func init() {
	scenarios = []scenario{
		// password
		{"password_key", "password", 14, true, (*gen).scPasswordKey},
		{"password_pin", "password", 4, true, (*gen).scPin},
		{"password_otp", "password", 2, true, (*gen).scOTP},
		{"password_fields_array", "password", 4, true, (*gen).scPasswordFieldsArray},
		{"password_autotrack_react", "password", 6, false, (*gen).scAutotrackPassword},
		{"password_autotrack_form_submit", "password", 4, false, (*gen).scAutotrackFormSubmit},
		{"password_posthog_chain", "password", 4, false, (*gen).scPosthogPassword},
		{"password_text", "password", 4, true, (*gen).scPasswordText},
		{"password_wrapped", "password", 6, true, (*gen).scPasswordWrapped},
		// payment_card
		{"card_key", "payment_card", 10, true, (*gen).scCardKey},
		{"card_number_json", "payment_card", 5, true, (*gen).scCardNumberJSON},
		{"card_object", "payment_card", 6, true, (*gen).scCardObject},
		{"card_free_text", "payment_card", 6, true, (*gen).scCardText},
		{"card_cvv", "payment_card", 2, true, (*gen).scCVV},
		{"card_url", "payment_card", 2, true, (*gen).scCardURL},
		{"card_autotrack", "payment_card", 4, false, (*gen).scAutotrackCard},
		{"card_wrapped", "payment_card", 4, true, (*gen).scCardWrapped},
		// national_id
		{"national_id_key", "national_id", 12, true, (*gen).scNationalIDKey},
		{"national_id_text", "national_id", 6, true, (*gen).scNationalIDText},
		{"national_id_kyc", "national_id", 3, true, (*gen).scKYC},
		{"national_id_autotrack", "national_id", 3, false, (*gen).scAutotrackNationalID},
		{"national_id_wrapped", "national_id", 3, true, (*gen).scNationalIDWrapped},
		{"national_id_url", "national_id", 1, true, (*gen).scNationalIDURL},
		// bank_account
		{"iban_key", "bank_account", 10, true, (*gen).scIBANKey},
		{"iban_text", "bank_account", 5, true, (*gen).scIBANText},
		{"bank_us_uk", "bank_account", 5, true, (*gen).scBankUSUK},
		{"iban_autotrack", "bank_account", 3, false, (*gen).scAutotrackIBAN},
		{"iban_wrapped", "bank_account", 3, true, (*gen).scIBANWrapped},
		// secret_token
		{"vendor_secret_neutral_key", "secret_token", 8, true, (*gen).scVendorNeutral},
		{"vendor_secret_secret_key", "secret_token", 6, true, (*gen).scVendorSecretKey},
		{"generic_secret_key", "secret_token", 8, true, (*gen).scGenericSecret},
		{"jwt", "secret_token", 5, true, (*gen).scJWT},
		{"auth_header", "secret_token", 6, true, (*gen).scAuthHeader},
		{"cookie", "secret_token", 3, true, (*gen).scCookie},
		{"secret_in_text", "secret_token", 5, true, (*gen).scSecretText},
		{"secret_wrapped", "secret_token", 5, true, (*gen).scSecretWrapped},
		{"totp", "secret_token", 2, true, (*gen).scTOTP},
		{"signed_url", "secret_token", 3, true, (*gen).scSignedURL},
		{"webhook_url", "secret_token", 2, true, (*gen).scWebhookURL},
		{"aws_pair", "secret_token", 2, true, (*gen).scAWSPair},
		{"secret_autocapture_text", "secret_token", 2, false, (*gen).scAutocaptureSecretText},
		{"secret_autotrack_clipboard", "secret_token", 2, false, (*gen).scAutotrackClipboard},
		// private_key
		{"pem_key", "private_key", 10, true, (*gen).scPEMKey},
		{"pem_escaped", "private_key", 6, true, (*gen).scPEMEscaped},
		{"service_account_json", "private_key", 4, true, (*gen).scServiceAccount},
		{"pem_in_text", "private_key", 3, true, (*gen).scPEMText},
		{"pem_bundle", "private_key", 2, true, (*gen).scPEMBundle},
		{"pem_base64", "private_key", 2, true, (*gen).scPEMBase64},
		{"jwk_private", "private_key", 2, true, (*gen).scJWKPrivate},
		{"age_key", "private_key", 1, true, (*gen).scAgeKey},
		{"pem_autotrack_textarea", "private_key", 2, false, (*gen).scAutotrackPEM},
		// credentials_in_url
		{"url_userinfo", "credentials_in_url", 8, true, (*gen).scURLUserinfo},
		{"url_query_param", "credentials_in_url", 12, true, (*gen).scURLQuery},
		{"url_fragment_token", "credentials_in_url", 3, true, (*gen).scURLFragment},
		{"url_in_text", "credentials_in_url", 3, true, (*gen).scURLInText},
		{"url_autotrack_href", "credentials_in_url", 3, false, (*gen).scAutotrackHref},
		{"url_autocapture_href", "credentials_in_url", 3, false, (*gen).scAutocaptureHref},
		{"url_posthog_chain_href", "credentials_in_url", 2, false, (*gen).scPosthogHref},
		// PII
		{"email_key", "email", 8, true, (*gen).scEmailKey},
		{"email_url", "email", 2, true, (*gen).scEmailURL},
		{"email_text", "email", 2, true, (*gen).scEmailText},
		{"email_list", "email", 1, true, (*gen).scEmailList},
		{"phone_key", "phone", 8, true, (*gen).scPhoneKey},
		{"phone_text", "phone", 2, true, (*gen).scPhoneText},
	}
}

// ---- shared helpers ----

// setURL puts u into a URL-valued property and returns every path now
// holding it (mixpanel-js also copies the query into current_url_search).
func (g *gen) setURL(e *event, u string) []string {
	switch w := g.r.IntN(10); {
	case w < 4:
		e.props.set("$current_url", u)
		paths := []string{"$current_url"}
		if e.props.has("current_url_search") {
			if pu, err := url.Parse(u); err == nil && pu.RawQuery != "" {
				e.props.set("current_url_search", "?"+pu.RawQuery)
				paths = append(paths, "current_url_search")
			} else {
				e.props.set("current_url_search", "")
			}
		}
		return paths
	case w < 6:
		k := g.pick([]string{"$referrer", "$initial_referrer", "$referrer"})
		e.props.set(k, u)
		return []string{k}
	}
	k := g.pick([]string{"url", "page_url", "link_url", "redirect_uri", "callback_url", "href", "target_url", "landing_page", "next_url", "request_url"})
	return []string{g.place(e, k, u)}
}

func (g *gen) labelAll(e *event, paths []string, class, value, sc string, alt ...string) {
	for _, p := range paths {
		e.label(p, class, value, sc, alt...)
	}
}

// wrapped encodes key=val inside a JSON string, a form body or a base64
// blob of either, and returns the text and the part that must disappear.
func (g *gen) wrapped(key, val string) (string, string, string) {
	fields := [][2]string{{key, val}}
	others := [][2]string{{"username", g.pick(firstNames) + g.digitsN(2)}, {"remember", "true"}, {"locale", g.pick([]string{"en", "de", "es", "fr"})}, {"client_id", g.chars(base62, 16)}, {"plan", "pro"}, {"redirect", "/dashboard"}}
	g.r.Shuffle(len(others), func(i, j int) { others[i], others[j] = others[j], others[i] })
	n := g.between(1, 3)
	fields = append(fields, others[:n]...)
	g.r.Shuffle(len(fields), func(i, j int) { fields[i], fields[j] = fields[j], fields[i] })
	kind := g.pick([]string{"json", "json", "form", "form", "b64json", "b64form", "json2"})
	var text, value string
	switch kind {
	case "json", "b64json", "json2":
		x := &obj{}
		for _, f := range fields {
			x.set(f[0], f[1])
		}
		text = toJSON(x)
		value = val
		if kind == "json2" {
			// A JSON body logged as a string inside another JSON document.
			text = toJSON(o("status", 400, "request", o("method", "POST", "body", text)))
		}
	default:
		var parts []string
		for _, f := range fields {
			parts = append(parts, url.QueryEscape(f[0])+"="+url.QueryEscape(f[1]))
			if f[0] == key {
				value = url.QueryEscape(f[1])
			}
		}
		text = strings.Join(parts, "&")
	}
	if strings.HasPrefix(kind, "b64") {
		if g.chance(0.5) {
			text = base64.StdEncoding.EncodeToString([]byte(text))
		} else {
			text = base64.RawURLEncoding.EncodeToString([]byte(text))
		}
		value = text
	}
	return text, value, kind
}

var wrapKeys = []string{"request_body", "payload", "body", "raw_body", "response_body", "data", "form_data", "post_data", "context_json", "state", "debug_payload", "message_body"}

// ---- password ----

func (g *gen) scPasswordKey(e *event) {
	k := g.pickW(passwordWords)
	v := g.password()
	e.label(g.place(e, k, v), "password", v, "password_key")
}

func (g *gen) scPin(e *event) {
	k := g.pickW(pinWords)
	v := g.pin()
	var val any = v
	if g.chance(0.3) && v[0] != '0' {
		val = num(v)
	}
	e.label(g.place(e, k, val), "password", v, "password_pin")
}

func (g *gen) scOTP(e *event) {
	k := g.pickW(otpWords)
	v := g.digitsN(6)
	e.label(g.place(e, k, v), "password", v, "password_otp", "secret_token")
}

func (g *gen) scPasswordFieldsArray(e *event) {
	pw := g.password()
	name := g.pickW(passwordWords)
	fields := []any{
		o("name", g.pick([]string{"username", "login", "user"}), "type", "text", "value", g.pick(firstNames)+g.digitsN(3)),
		o("name", name, "type", g.pick([]string{"password", "password", "text"}), "value", pw),
	}
	if g.chance(0.5) {
		fields = append(fields, o("name", "remember_me", "type", "checkbox", "value", "on"))
	}
	c := g.pick([]string{"form", "login_form", "signup"})
	e.props.child(c).set("id", g.pick([]string{"login", "signup", "change-password"}))
	e.props.child(c).set("fields", fields)
	e.label(c+".fields[].value", "password", pw, "password_fields_array")
}

func (g *gen) input2017(typ, name, value string, includeValue bool) *obj {
	cls := []string{"form-control"}
	if g.chance(0.5) {
		cls = append(cls, g.pick([]string{"input-lg", "password-field", "MuiInputBase-input", "css-1n4twyu-MuiInputBase-input"}))
	}
	el := o("tag_name", "input", "classes", cls, "attr__class", strings.Join(cls, " "), "attr__type", typ, "attr__name", name)
	if g.chance(0.6) {
		el.set("attr__id", name)
	}
	if g.chance(0.4) {
		el.set("attr__placeholder", titleWord(strings.ReplaceAll(name, "_", " ")))
	}
	el.set("attr__value", value)
	if includeValue {
		el.set("value", value)
	}
	el.set("nth_child", g.between(1, 4))
	el.set("nth_of_type", g.between(1, 3))
	return el
}

func (g *gen) autotrackEvent(e *event, target *obj, evType string) {
	e.name = "$web_event"
	g.autotrack2017Props(e.props, evType)
	els := []any{target}
	form := g.element2017("form", "")
	els = append(els, g.element2017("div", ""), form, g.element2017("div", ""))
	if g.chance(0.5) {
		els = append(els, g.element2017("main", ""))
	}
	e.props.set("$elements", els)
	if g.chance(0.6) {
		e.props.set("$el_text", g.pick([]string{"Password Show", "Sign in Forgot password?", "Card number", "Payment details", "Your details"}))
	}
}

// 2018 Autotrack leak: React mirrors the controlled value into attr__value.
func (g *gen) scAutotrackPassword(e *event) {
	pw := g.password()
	sc := "password_autotrack_react"
	var el *obj
	switch g.r.IntN(4) {
	case 0: // plain password input
		el = g.input2017("password", g.pick([]string{"password", "user[password]", "pass", "current-password"}), pw, false)
	case 1: // "show password" toggle flipped the type to text
		name := g.pickW(passwordWords)
		sensitiveName := strings.Contains(strings.ToLower(name), "pass") || strings.Contains(strings.ToLower(name), "pwd")
		el = g.input2017("text", name, pw, !sensitiveName)
		sc = "password_autotrack_show_toggle"
	case 2: // password manager attributes
		el = g.input2017(g.pick([]string{"password", "text"}), g.pick([]string{"login-secret", "pw", "field_2", "credential"}), pw, false)
		el.set(g.pick([]string{"attr__data-com-onepassword-filled", "attr__data-lpignore", "attr__data-dashlane-rid", "attr__data-bwautofill"}), g.pick([]string{"light", "true", "9f2c1b0d1a7e4c11"}))
		el.set("attr__autocomplete", g.pick([]string{"current-password", "new-password"}))
		sc = "password_autotrack_manager"
	default: // autocomplete marks it
		el = g.input2017("text", g.pick([]string{"field_" + g.digitsN(1), "secret", "login_pw", "q2"}), pw, false)
		el.set("attr__autocomplete", g.pick([]string{"current-password", "new-password"}))
		sc = "password_autotrack_autocomplete"
	}
	g.autotrackEvent(e, el, "change")
	e.label("$elements[].attr__value", "password", pw, sc, "form_value")
	if el.has("value") {
		e.label("$elements[].value", "password", pw, sc, "form_value")
	}
}

func (g *gen) scAutotrackFormSubmit(e *event) {
	g.autotrackEvent(e, g.element2017("form", ""), "submit")
	e.props.set("$elements", e.props.get("$elements").([]any)[1:])
	// Fields whose names the 2017 regex did not recognise kept their values.
	names := []string{"contraseña", "kennwort", "pin", "clave", "senha", "wachtwoord", "пароль", "密码", "pw", "hasło", "geheimzahl", "parola"}
	k := names[g.r.IntN(len(names))]
	pw := g.password()
	if k == "pin" || k == "geheimzahl" {
		pw = g.pin()
	}
	em := g.email()
	e.props.set("$form_field__email", em)
	e.props.set("$form_field__"+k, pw)
	if g.chance(0.5) {
		e.props.set("$form_field__remember", []string{"on"})
	}
	e.label("$form_field__"+k, "password", pw, "password_autotrack_form_submit", "form_value")
	e.label("$form_field__email", "email", em, "password_autotrack_form_submit", "form_value")
}

func (g *gen) scPosthogPassword(e *event) {
	e.name = "$autocapture"
	g.posthogProps(e.props, g.cleanURL())
	pw := g.password()
	typ := g.pick([]string{"password", "password", "text"})
	in := phElement{tag: "input", classes: []string{"form-control"}, nth: 2, attrs: [][2]string{{"attr__class", "form-control"}, {"attr__name", g.pick([]string{"password", "pass", "pwd", "contraseña"})}, {"attr__type", typ}, {"attr__value", pw}}}
	els := append([]phElement{in}, g.phCleanElements()[1:]...)
	e.props.set("$event_type", "change")
	e.props.set("$ce_version", 1)
	e.props.set("$elements_chain", g.phChain(els))
	e.label("$elements_chain", "password", pw, "password_posthog_chain", "form_value")
	if g.chance(0.5) {
		x := o("tag_name", "input", "attr__type", typ, "attr__value", pw, "nth_child", 2, "nth_of_type", 1)
		e.props.set("$elements", []any{x, o("tag_name", "form", "attr__id", "login", "nth_child", 1, "nth_of_type", 1)})
		e.label("$elements[].attr__value", "password", pw, "password_posthog_chain", "form_value")
	}
}

func (g *gen) scPasswordText(e *event) {
	pw := g.password()
	for strings.ContainsAny(pw, " '\"") {
		pw = g.password()
	}
	user := g.pick(firstNames)
	var text string
	switch g.r.IntN(6) {
	case 0:
		text = "auth failed: user=" + user + " password=" + pw + " ip=" + g.ip()
	case 1:
		text = "Login attempt for " + user + " with password '" + pw + "' rejected"
	case 2:
		text = "DEBUG connect(host=db.internal, user=app, pwd=" + pw + ", db=prod)"
	case 3:
		text = "my password is " + pw + " and it still doesn't work"
	case 4:
		text = "Passwort: " + pw
	default:
		text = "contraseña=" + pw + "; usuario=" + user
	}
	k := g.pick([]string{"error_message", "log_line", "message", "debug", "note", "exception", "comment"})
	e.label(g.place(e, k, text), "password", pw, "password_text")
}

func (g *gen) scPasswordWrapped(e *event) {
	pw := g.password()
	text, val, kind := g.wrapped(g.pickW(passwordWords), pw)
	e.label(g.place(e, g.pick(wrapKeys), text), "password", val, "password_wrapped_"+kind)
}

// ---- payment cards ----

func (g *gen) scCardKey(e *event) {
	pan, _ := g.card()
	v := g.formatCard(pan)
	e.label(g.place(e, g.pickW(cardWords), v), "payment_card", v, "card_key")
}

func (g *gen) scCardNumberJSON(e *event) {
	var pan string
	for {
		pan, _ = g.card()
		if len(pan) <= 16 && pan[0] != '6' || len(pan) < 16 {
			break
		}
	}
	k := g.pick([]string{"card", "cc", "value", "number", "input", "field_4", g.pickW(cardWords)})
	e.label(g.place(e, k, num(pan)), "payment_card", pan, "card_number_json")
}

func (g *gen) scCardObject(e *event) {
	pan, brand := g.card()
	v := g.formatCard(pan)
	cvvLen := 3
	if brand == "amex" {
		cvvLen = 4
	}
	cvv := g.digitsN(cvvLen)
	mm, yy := g.between(1, 12), g.between(25, 32)
	c := g.pick([]string{"card", "payment", "billing", "paymentMethod", "cc", "tarjeta"})
	parent := e.props
	prefix := ""
	if g.chance(0.4) {
		prefix = g.pick([]string{"checkout", "order", "form"})
		parent = e.props.child(prefix)
		prefix += "."
	}
	card := &obj{}
	parent.set(c, card)
	nk := g.pick([]string{"number", "card_number", "cardNumber", "pan", "num"})
	card.set("holder", titleWord(g.pick(firstNames))+" "+titleWord(g.pick(lastNames)))
	card.set(nk, v)
	e.label(prefix+c+"."+nk, "payment_card", v, "card_object")
	if g.chance(0.8) {
		ck := g.pickW(cvvWords)
		if g.chance(0.3) && cvv[0] != '0' {
			card.set(ck, num(cvv))
		} else {
			card.set(ck, cvv)
		}
		e.label(prefix+c+"."+ck, "payment_card", cvv, "card_object_cvv")
	}
	if g.chance(0.6) {
		ek := g.pickW(expiryWords)
		ev := fmt.Sprintf("%02d/%02d", mm, yy)
		if g.chance(0.3) {
			ev = fmt.Sprintf("20%02d-%02d", yy, mm)
		}
		card.set(ek, ev)
		e.label(prefix+c+"."+ek, "payment_card", ev, "card_object_expiry")
	} else {
		card.set("exp_month", mm)
		card.set("exp_year", 2000+yy)
	}
	card.set("brand", brand)
}

func (g *gen) scCardText(e *event) {
	pan, _ := g.card()
	v := g.formatCard(pan)
	var text string
	switch g.r.IntN(5) {
	case 0:
		text = v
	case 1:
		text = "pls charge " + v + " thx"
	case 2:
		text = "card " + v + " exp " + fmt.Sprintf("%02d/%02d", g.between(1, 12), g.between(25, 31))
	case 3:
		text = "Zahlung fehlgeschlagen für Karte " + v
	default:
		text = "order " + g.cleanOrderNumber() + " paid with " + v
	}
	k := g.pick([]string{"search_query", "q", "note", "comment", "message", "order_notes", "gift_message", "delivery_instructions", "error_message", "$el_text"})
	e.label(g.place(e, k, text), "payment_card", v, "card_free_text")
}

func (g *gen) scCVV(e *event) {
	v := g.digitsN(3 + g.r.IntN(2))
	e.label(g.place(e, g.pickW(cvvWords), v), "payment_card", v, "card_cvv")
}

func (g *gen) scCardURL(e *event) {
	pan, _ := g.card()
	k := g.pick([]string{"card", "cc", "card_number", "pan", "cardnumber"})
	u := "https://" + g.host() + g.pick([]string{"/checkout/payment", "/pay", "/api/v1/charge"}) + "?amount=" + g.digitsN(4) + "&" + k + "=" + pan
	if g.chance(0.4) {
		u = "https://" + g.host() + "/cards/" + pan + "/verify?step=" + fmt.Sprint(g.between(1, 3))
	}
	g.labelAll(e, g.setURL(e, u), "payment_card", pan, "card_url")
}

func (g *gen) scAutotrackCard(e *event) {
	pan, _ := g.card()
	v := g.formatCard(pan)
	names := []string{"cardnumber", "card_no", "kartennummer", "numero_tarjeta", "cc-number", "field_7", "pan"}
	name := names[g.r.IntN(len(names))]
	// The 2017 name regex caught cardnum/ccnum/creditcard but not card_no and friends.
	n := strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(name))
	caught := strings.HasPrefix(n, "cc") || strings.Contains(n, "cardnum")
	el := g.input2017(g.pick([]string{"text", "tel"}), name, v, !caught && !strings.ContainsAny(v, "- ."))
	if g.chance(0.5) {
		el.set("attr__autocomplete", "cc-number")
	}
	el.set("attr__inputmode", "numeric")
	g.autotrackEvent(e, el, "change")
	e.label("$elements[].attr__value", "payment_card", v, "card_autotrack", "form_value")
	if el.has("value") {
		e.label("$elements[].value", "payment_card", v, "card_autotrack", "form_value")
	}
}

func (g *gen) scCardWrapped(e *event) {
	pan, _ := g.card()
	k := g.pick([]string{"card[number]", "card_number", "cardNumber", "pan", "cc"})
	text, val, kind := g.wrapped(k, pan)
	e.label(g.place(e, g.pick(wrapKeys), text), "payment_card", val, "card_wrapped_"+kind)
}

// ---- national identifiers ----

var idKeysByKind = map[string][]string{
	"us_ssn":            {"ssn", "SSN", "social_security_number", "socialSecurityNumber", "tax_id", "tin"},
	"uk_nino":           {"nino", "ni_number", "national_insurance_number", "NINumber"},
	"fr_nir":            {"nir", "numero_securite_sociale", "numéro_de_sécurité_sociale", "insee"},
	"de_steuer_id":      {"steuer_id", "steuerid", "steuerliche_identifikationsnummer", "tax_id", "IdNr"},
	"es_dni":            {"dni", "nif", "nie", "documento_identidad", "DNI"},
	"it_codice_fiscale": {"codice_fiscale", "codiceFiscale", "cf", "tax_code"},
	"br_cpf":            {"cpf", "CPF", "documento", "cpf_cliente"},
	"in_aadhaar":        {"aadhaar", "aadhaar_number", "uid", "aadhar_no"},
	"nl_bsn":            {"bsn", "burgerservicenummer", "BSN"},
	"se_personnummer":   {"personnummer", "personal_identity_number", "pnr"},
	"ca_sin":            {"sin", "social_insurance_number", "SIN"},
	"pl_pesel":          {"pesel", "PESEL", "nr_pesel"},
	"cn_resident_id":    {"身份证号", "id_card_number", "resident_id", "身份证号码"},
}

var genericIDKeys = [][]string{
	{"national", "id"}, {"national", "id", "number"}, {"id", "number"}, {"tax", "id"}, {"government", "id"},
	{"identity", "number"}, {"citizen", "id"}, {"personal", "id"}, {"document", "number"}, {"id", "document"},
}

func (g *gen) scNationalIDKey(e *event) {
	id := g.nationalIDAny()
	k := g.pick(idKeysByKind[id.kind])
	if g.chance(0.35) {
		k = g.pickW(genericIDKeys)
	}
	e.label(g.place(e, k, id.value), "national_id", id.value, "national_id_key_"+id.kind)
}

func (g *gen) scNationalIDText(e *event) {
	var id nationalID
	for {
		id = g.nationalIDAny()
		// Bare digit strings without their keyword are not identifiable in prose.
		if strings.ContainsAny(id.value, " -.") || strings.ContainsAny(id.value, upper) {
			break
		}
	}
	label := map[string]string{"us_ssn": "SSN", "uk_nino": "NI number", "fr_nir": "n° sécu", "de_steuer_id": "Steuer-ID", "es_dni": "DNI", "it_codice_fiscale": "codice fiscale", "br_cpf": "CPF", "in_aadhaar": "Aadhaar", "nl_bsn": "BSN", "se_personnummer": "personnummer", "ca_sin": "SIN", "pl_pesel": "PESEL", "cn_resident_id": "身份证"}[id.kind]
	var text string
	switch g.r.IntN(4) {
	case 0:
		text = "Applicant " + label + " " + id.value + " failed verification"
	case 1:
		text = "hi, my " + label + " is " + id.value + ", please update my account"
	case 2:
		text = "KYC mismatch: document " + id.value + " does not match name on file"
	default:
		text = label + ": " + id.value
	}
	k := g.pick([]string{"message", "note", "error_message", "comment", "support_text", "log_line", "description"})
	e.label(g.place(e, k, text), "national_id", id.value, "national_id_text_"+id.kind)
}

func (g *gen) scKYC(e *event) {
	id := g.nationalIDAny()
	k := g.pick([]string{"kyc", "identity", "verification", "applicant"})
	x := o("document_type", g.pick([]string{"national_id", "tax_id", "id_card", "ssn_card"}), "country", g.pick([]string{"US", "DE", "FR", "ES", "IT", "BR", "IN"}))
	nk := g.pick([]string{"document_number", "id_number", "national_id"})
	if strings.ContainsAny(id.value, " -.") || strings.ContainsAny(id.value, upper) {
		nk = g.pick([]string{"document_number", "number", "id_number", "value"})
	}
	x.set(nk, id.value)
	x.set("status", g.pick([]string{"pending", "rejected", "approved"}))
	if g.chance(0.3) {
		pn := strings.ToUpper(g.chars(upper, 1)) + g.digitsN(8)
		x.set("passport_number", pn)
		e.label(k+".passport_number", "national_id", pn, "national_id_passport")
	}
	e.props.set(k, x)
	e.label(k+"."+nk, "national_id", id.value, "national_id_kyc_"+id.kind)
}

func (g *gen) scAutotrackNationalID(e *event) {
	id := g.nationalIDAny()
	name := g.pick(idKeysByKind[id.kind])
	el := g.input2017("text", name, id.value, !strings.Contains(strings.ToLower(name), "ssn") && !strings.Contains(strings.ToLower(name), "socialsec"))
	if g.chance(0.5) {
		g.autotrackEvent(e, el, "change")
		e.label("$elements[].attr__value", "national_id", id.value, "national_id_autotrack", "form_value")
		if el.has("value") {
			e.label("$elements[].value", "national_id", id.value, "national_id_autotrack", "form_value")
		}
		return
	}
	g.autotrackEvent(e, g.element2017("form", ""), "submit")
	e.props.set("$elements", e.props.get("$elements").([]any)[1:])
	e.props.set("$form_field__"+name, id.value)
	e.props.set("$form_field__country", g.pick([]string{"DE", "ES", "BR", "IT"}))
	e.label("$form_field__"+name, "national_id", id.value, "national_id_form_field", "form_value")
}

func (g *gen) scNationalIDWrapped(e *event) {
	id := g.nationalIDAny()
	text, val, kind := g.wrapped(g.pick(idKeysByKind[id.kind]), id.value)
	e.label(g.place(e, g.pick(wrapKeys), text), "national_id", val, "national_id_wrapped_"+kind)
}

func (g *gen) scNationalIDURL(e *event) {
	id := g.nationalIDAny()
	k := g.pick(idKeysByKind[id.kind])
	v := url.QueryEscape(id.value)
	u := "https://" + g.host() + "/verify?step=2&" + url.QueryEscape(k) + "=" + v
	g.labelAll(e, g.setURL(e, u), "national_id", v, "national_id_url")
}

// ---- bank accounts ----

func (g *gen) scIBANKey(e *event) {
	v := g.iban()
	if g.chance(0.1) {
		v = strings.ToLower(v)
	}
	e.label(g.place(e, g.pickW(ibanWords), v), "bank_account", v, "iban_key")
}

func (g *gen) scIBANText(e *event) {
	v := g.iban()
	var text string
	switch g.r.IntN(4) {
	case 0:
		text = "Please transfer the refund to " + v + " (" + titleWord(g.pick(firstNames)) + ")"
	case 1:
		text = "Bitte überweisen Sie auf IBAN " + v
	case 2:
		text = v
	default:
		text = "payout failed for account " + v + ": account closed"
	}
	k := g.pick([]string{"message", "note", "comment", "payout_destination", "error_message", "reference", "search_query"})
	e.label(g.place(e, k, text), "bank_account", v, "iban_text")
}

func (g *gen) scBankUSUK(e *event) {
	c := g.pick([]string{"bank", "payout", "direct_deposit", "ach", "bank_details"})
	x := &obj{}
	ak := g.pickW(accountWords)
	var acct string
	if g.chance(0.5) {
		acct = g.digitsN(g.between(8, 12))
		x.set("routing_number", g.abaRouting())
		x.set(ak, acct)
	} else {
		acct = g.digitsN(8)
		x.set("sort_code", g.digitsN(2)+"-"+g.digitsN(2)+"-"+g.digitsN(2))
		x.set(ak, acct)
	}
	x.set("account_type", g.pick([]string{"checking", "savings"}))
	x.set("bank_name", g.pick([]string{"First National", "Barclays", "Chase", "Lloyds"}))
	e.props.set(c, x)
	e.label(c+"."+ak, "bank_account", acct, "bank_us_uk")
}

func (g *gen) scAutotrackIBAN(e *event) {
	v := g.iban()
	name := g.pick([]string{"iban", "IBAN", "bank_account", "konto", "rib"})
	if g.chance(0.5) {
		el := g.input2017("text", name, v, true)
		g.autotrackEvent(e, el, "change")
		e.label("$elements[].attr__value", "bank_account", v, "iban_autotrack", "form_value")
		e.label("$elements[].value", "bank_account", v, "iban_autotrack", "form_value")
		return
	}
	g.autotrackEvent(e, g.element2017("form", ""), "submit")
	e.props.set("$elements", e.props.get("$elements").([]any)[1:])
	e.props.set("$form_field__account_holder", titleWord(g.pick(firstNames))+" "+titleWord(g.pick(lastNames)))
	e.props.set("$form_field__"+name, v)
	e.label("$form_field__"+name, "bank_account", v, "iban_form_field", "form_value")
}

func (g *gen) scIBANWrapped(e *event) {
	v := strings.ReplaceAll(g.iban(), " ", "")
	text, val, kind := g.wrapped(g.pick([]string{"iban", "bank_account", "payout_iban"}), v)
	e.label(g.place(e, g.pick(wrapKeys), text), "bank_account", val, "iban_wrapped_"+kind)
}

// ---- secret tokens ----

func (g *gen) scVendorNeutral(e *event) {
	s := g.vendorSecret()
	k := g.pick([]string{"value", "config_value", "input", "clipboard", "text", "search_query", "field_3", "note", "content", "env_value"})
	e.label(g.place(e, k, s.value), "secret_token", s.value, "vendor_neutral_"+s.kind)
}

func (g *gen) scVendorSecretKey(e *event) {
	s := g.vendorSecret()
	e.label(g.place(e, g.pickW(secretWords), s.value), "secret_token", s.value, "vendor_secret_key_"+s.kind)
}

func (g *gen) scGenericSecret(e *event) {
	v := g.genericSecret()
	e.label(g.place(e, g.pickW(secretWords), v), "secret_token", v, "generic_secret_key")
}

func (g *gen) scJWT(e *event) {
	v := g.jwt()
	k := g.pick([]string{"id_token", "jwt", "access_token", "session", "token_value", "authToken", "credential", "assertion", "response", "value"})
	e.label(g.place(e, k, v), "secret_token", v, "jwt")
}

func (g *gen) scAuthHeader(e *event) {
	var hv, val string
	alt := []string{}
	switch g.r.IntN(6) {
	case 0, 1:
		val = g.pick([]string{g.jwt(), g.genericSecret(), g.vendorSecret().value})
		hv = g.pick([]string{"Bearer ", "bearer ", "Bearer  "}) + val
	case 2:
		user := g.pick(firstNames)
		val = base64.StdEncoding.EncodeToString([]byte(user + ":" + g.password()))
		hv = "Basic " + val
		alt = []string{"password", "credentials_in_url"}
	case 3:
		val = g.hexN(40)
		hv = "Token token=" + val
	case 4:
		val = g.vendorSecret().value
		hv = val
	default:
		val = g.genericSecret()
		hv = "Bearer " + val
	}
	hk := g.pick([]string{"Authorization", "authorization", "AUTHORIZATION", "Proxy-Authorization", "X-Api-Key", "x-auth-token"})
	if hk == "X-Api-Key" || hk == "x-auth-token" {
		hv = val
	}
	switch g.r.IntN(3) {
	case 0:
		c := g.pick([]string{"headers", "request_headers", "$http_headers"})
		e.props.child(c).set(hk, hv)
		e.props.child(c).set("content-type", "application/json")
		e.label(c+"."+hk, "secret_token", val, "auth_header_object", alt...)
	case 1:
		e.props.child("request").set("method", "POST")
		e.props.child("request").child("headers").set(hk, hv)
		e.label("request.headers."+hk, "secret_token", val, "auth_header_nested", alt...)
	default:
		e.props.set("headers", []any{o("name", "Content-Type", "value", "application/json"), o("name", hk, "value", hv)})
		e.label("headers[].value", "secret_token", val, "auth_header_pairs", alt...)
	}
}

func (g *gen) scCookie(e *event) {
	n, v := g.sessionCookieValue()
	c := "_ga=GA1.2." + g.digitsN(10) + "." + fmt.Sprint(g.now) + "; " + n + "=" + v
	if g.chance(0.5) {
		c += "; theme=dark; lang=en"
	}
	k := g.pick([]string{"cookie", "Cookie", "document_cookie", "cookies", "$cookie"})
	e.label(g.place(e, k, c), "secret_token", v, "cookie_"+n)
}

func (g *gen) scSecretText(e *event) {
	s := g.vendorSecret()
	var text string
	switch g.r.IntN(5) {
	case 0:
		text = "curl -H \"Authorization: Bearer " + s.value + "\" https://api." + g.pick(hostsBase) + "/v1/me"
	case 1:
		text = "NODE_ENV=production\nPORT=3000\n" + g.pick([]string{"STRIPE_SECRET_KEY", "GITHUB_TOKEN", "OPENAI_API_KEY", "API_KEY", "SLACK_TOKEN"}) + "=" + s.value + "\nLOG_LEVEL=info"
	case 2:
		text = "request failed with 401 using key " + s.value
	case 3:
		text = "export TOKEN=" + s.value
	default:
		text = "config: {api_key: " + s.value + ", region: eu-west-1}"
	}
	k := g.pick([]string{"message", "error_message", "log_line", "stdout", "env_dump", "snippet", "debug_output"})
	e.label(g.place(e, k, text), "secret_token", s.value, "secret_in_text_"+s.kind)
}

func (g *gen) scSecretWrapped(e *event) {
	var v string
	if g.chance(0.5) {
		v = g.vendorSecret().value
	} else {
		v = g.genericSecret()
	}
	text, val, kind := g.wrapped(g.pick([]string{"client_secret", "api_key", "apiKey", "access_token", "refresh_token", "secret"}), v)
	e.label(g.place(e, g.pick(append(wrapKeys, "config", "settings_json")), text), "secret_token", val, "secret_wrapped_"+kind)
}

func (g *gen) scTOTP(e *event) {
	seed := g.totpSeed()
	if g.chance(0.5) {
		u := "otpauth://totp/" + url.PathEscape(titleWord(g.pick(hostsBase))) + ":" + g.pick(firstNames) + "?secret=" + seed + "&issuer=Acme&algorithm=SHA1&digits=6&period=30"
		e.label(g.place(e, g.pick([]string{"qr_payload", "otpauth_uri", "provisioning_uri", "qr_code_data"}), u), "secret_token", seed, "totp_uri", "credentials_in_url")
		return
	}
	e.label(g.place(e, g.pick([]string{"totp_secret", "mfa_secret", "2fa_seed", "otp_secret", "authenticator_key"}), seed), "secret_token", seed, "totp_seed")
}

func (g *gen) scSignedURL(e *event) {
	var u, sig string
	switch g.r.IntN(3) {
	case 0:
		sig = g.hexN(64)
		u = "https://acme-exports.s3.eu-west-1.amazonaws.com/exports/" + g.uuid() + ".csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA" + g.chars(upper+"234567", 16) + "%2F20240611%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20240611T101500Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=" + sig
	case 1:
		sig = g.hexN(512)
		u = "https://storage.googleapis.com/acme-media/" + g.hexN(12) + ".mp4?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=signer%40acme.iam.gserviceaccount.com%2F20240611%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20240611T101500Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=" + sig
	default:
		sig = url.QueryEscape(base64.StdEncoding.EncodeToString(g.bytes(32)))
		u = "https://acmeblobs.blob.core.windows.net/invoices/" + g.uuid() + ".pdf?sv=2022-11-02&ss=b&srt=o&sp=r&se=2024-06-12T10:15:00Z&st=2024-06-11T10:15:00Z&spr=https&sig=" + sig
	}
	k := g.pick([]string{"download_url", "src", "export_url", "file_url", "video_url"})
	if g.chance(0.3) {
		g.labelAll(e, g.setURL(e, u), "secret_token", sig, "signed_url", "credentials_in_url")
		return
	}
	e.label(g.place(e, k, u), "secret_token", sig, "signed_url", "credentials_in_url")
}

func (g *gen) scWebhookURL(e *event) {
	var u, v string
	if g.chance(0.6) {
		v = g.chars(base62, 24)
		u = "https://hooks.slack.com/services/T" + g.chars(upper+digits, 9) + "/B" + g.chars(upper+digits, 10) + "/" + v
	} else {
		v = g.chars(b64url, 68)
		u = "https://discord.com/api/webhooks/" + g.digitsN(18) + "/" + v
	}
	e.label(g.place(e, g.pick([]string{"webhook_url", "slack_webhook", "notify_url", "url"}), u), "secret_token", v, "webhook_url", "credentials_in_url")
}

func (g *gen) scAWSPair(e *event) {
	c := g.pick([]string{"aws", "credentials", "s3_config", "storage"})
	id := "AKIA" + g.chars(upper+"234567", 16)
	sk := g.awsSecretKey()
	x := o("region", g.pick([]string{"us-east-1", "eu-central-1"}))
	ik := g.pick([]string{"access_key_id", "aws_access_key_id", "accessKeyId", "AWS_ACCESS_KEY_ID"})
	skk := g.pick([]string{"secret_access_key", "aws_secret_access_key", "secretAccessKey", "AWS_SECRET_ACCESS_KEY"})
	x.set(ik, id)
	x.set(skk, sk)
	x.set("bucket", "acme-uploads")
	e.props.set(c, x)
	e.label(c+"."+ik, "secret_token", id, "aws_access_key_id")
	e.label(c+"."+skk, "secret_token", sk, "aws_secret_access_key")
}

func (g *gen) scAutocaptureSecretText(e *event) {
	e.name = "$mp_click"
	cur := "https://" + g.host() + "/settings/api-keys"
	g.autocapture2025Props(e.props, "click", cur)
	g.webProps(e.props, cur)
	s := g.vendorSecret()
	e.props.set("$el_text", g.pick([]string{"Copy ", "", "Your key: "})+s.value)
	e.label("$el_text", "secret_token", s.value, "autocapture_el_text_"+s.kind)
}

func (g *gen) scAutotrackClipboard(e *event) {
	s := g.vendorSecret()
	btn := g.element2017("button", "")
	btn.set("attr__data-clipboard-text", s.value)
	g.autotrackEvent(e, btn, "click")
	e.props.set("$el_text", "Copy")
	e.label("$elements[].attr__data-clipboard-text", "secret_token", s.value, "autotrack_clipboard_"+s.kind)
}

// ---- private keys ----

func (g *gen) scPEMKey(e *event) {
	_, pem := g.privateKeyPEM()
	e.label(g.place(e, g.pickW(privateKeyWords), pem), "private_key", pem, "pem_key")
}

func (g *gen) scPEMEscaped(e *event) {
	_, pem := g.privateKeyPEM()
	v := escapeNewlines(pem)
	k := g.pick([]string{g.pickW(privateKeyWords), "value", "env_value", "PRIVATE_KEY", "config_value"})
	e.label(g.place(e, k, v), "private_key", v, "pem_escaped")
}

func (g *gen) scServiceAccount(e *event) {
	_, pem := g.privateKeyPEM()
	proj := g.pick([]string{"acme-prod", "globex-analytics", "initech-etl"})
	sa := o("type", "service_account", "project_id", proj, "private_key_id", g.hexN(40), "private_key", pem,
		"client_email", "etl@"+proj+".iam.gserviceaccount.com", "client_id", g.digitsN(21),
		"auth_uri", "https://accounts.google.com/o/oauth2/auth", "token_uri", "https://oauth2.googleapis.com/token")
	text := toJSON(sa)
	k := g.pick([]string{"credentials_json", "service_account", "GOOGLE_APPLICATION_CREDENTIALS_JSON", "config", "key_file"})
	// The JSON string holds the key with escaped newlines.
	e.label(g.place(e, k, text), "private_key", escapeNewlines(pem), "service_account_json")
}

func (g *gen) scPEMText(e *event) {
	_, pem := g.privateKeyPEM()
	text := g.pick([]string{"failed to parse key: ", "loaded key from env:\n", "ssh: handshake failed with key ", ""}) + pem
	k := g.pick([]string{"error_message", "message", "log_line", "stderr", "content"})
	e.label(g.place(e, k, text), "private_key", pem, "pem_in_text")
}

func (g *gen) scPEMBundle(e *event) {
	_, pem := g.privateKeyPEM()
	v := g.certificatePEM() + pem
	if g.chance(0.5) {
		v = pem + g.certificatePEM()
	}
	e.label(g.place(e, g.pick([]string{"tls_bundle", "cert_bundle", "pem", "certificate_chain"}), v), "private_key", pem, "pem_bundle")
}

func (g *gen) scPEMBase64(e *event) {
	_, pem := g.privateKeyPEM()
	v := base64.StdEncoding.EncodeToString([]byte(pem))
	e.label(g.place(e, g.pick([]string{"tls.key", "tls_key", "key_b64", "private_key_base64", "data"}), v), "private_key", v, "pem_base64")
}

func (g *gen) scJWKPrivate(e *event) {
	d := base64.RawURLEncoding.EncodeToString(g.bytes(32))
	jwk := `{"kty":"EC","crv":"P-256","kid":"` + g.hexN(8) + `","x":"` + base64.RawURLEncoding.EncodeToString(g.bytes(32)) + `","y":"` + base64.RawURLEncoding.EncodeToString(g.bytes(32)) + `","d":"` + d + `"}`
	e.label(g.place(e, g.pick([]string{"jwk", "signing_jwk", "key", "webauthn_debug"}), jwk), "private_key", d, "jwk_private")
}

func (g *gen) scAgeKey(e *event) {
	v := "AGE-SECRET-KEY-1" + strings.ToUpper(g.chars("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58))
	e.label(g.place(e, g.pick([]string{"age_key", "identity", "value", "sops_age_key"}), v), "private_key", v, "age_secret_key")
}

func (g *gen) scAutotrackPEM(e *event) {
	_, pem := g.privateKeyPEM()
	v := pem[:min(255, len(pem))] // mixpanel-js truncated every string to 255 characters
	el := o("tag_name", "textarea", "classes", []string{"form-control", "mono"}, "attr__class", "form-control mono", "attr__name", g.pick([]string{"ssh_key", "deploy_key", "key", "tls_key"}), "attr__rows", "8", "value", v, "nth_child", 2, "nth_of_type", 1)
	g.autotrackEvent(e, el, "change")
	e.label("$elements[].value", "private_key", v, "pem_autotrack_textarea", "form_value")
}

// ---- credentials in URLs ----

func (g *gen) scURLUserinfo(e *event) {
	var u, v string
	alt := []string{"password", "secret_token"}
	switch g.r.IntN(8) {
	case 0:
		pw := g.password()
		ui := url.UserPassword(g.pick(firstNames), pw).String()
		v = ui[strings.IndexByte(ui, ':')+1:]
		u = "https://" + ui + "@" + g.host() + g.pick(pagePaths)
	case 1:
		pw := g.chars(base62, 20)
		v = pw
		u = "postgres://app:" + pw + "@db." + g.pick([]string{"internal", "prod.acme.io", "eu-west-1.rds.amazonaws.com"}) + ":5432/prod?sslmode=require"
	case 2:
		pw := g.chars(base62, 16)
		v = pw
		u = "mongodb+srv://svc_" + g.chars(lower, 5) + ":" + pw + "@cluster0." + g.chars(lower+digits, 5) + ".mongodb.net/app?retryWrites=true&w=majority"
	case 3:
		pw := g.chars(base62, 24)
		v = pw
		u = "redis://:" + pw + "@cache.internal:6379/0"
	case 4:
		tok := g.checksummed("ghs_")
		v = tok
		u = "https://x-access-token:" + tok + "@github.com/acme/web.git"
	case 5:
		tok := "glpat-" + g.chars(b64url, 20)
		v = tok
		u = "https://oauth2:" + tok + "@gitlab.com/acme/api.git"
	case 6:
		tok := g.checksummed("ghp_")
		v = tok
		u = "https://" + tok + "@github.com/acme/infra.git"
	default:
		pw := g.password()
		ui := url.UserPassword(g.pick([]string{"guest", "svc", "ftpuser", "mailer"}), pw).String()
		v = ui[strings.IndexByte(ui, ':')+1:]
		u = g.pick([]string{"amqp://", "ftp://", "smtp://", "sftp://"}) + ui + "@" + g.pick([]string{"mq.internal:5672/vhost", "files.acme.io/", "smtp.acme.io:587"})
	}
	if strings.HasPrefix(u, "https://") && !strings.Contains(u, ".git") && g.chance(0.5) {
		g.labelAll(e, g.setURL(e, u), "credentials_in_url", v, "url_userinfo", alt...)
		return
	}
	k := g.pick([]string{"database_url", "DATABASE_URL", "db_url", "connection_string", "repo_url", "remote", "dsn", "broker_url", "url"})
	e.label(g.place(e, k, u), "credentials_in_url", v, "url_userinfo", alt...)
}

var sensitiveParams = []string{"token", "access_token", "api_key", "apikey", "api-key", "password", "pwd", "secret", "client_secret", "code", "auth", "auth_token", "session", "sessionid", "jwt", "id_token", "refresh_token", "private_token", "reset_token", "invite_token", "magic_token", "key", "signature", "passwd", "otp"}

func (g *gen) sensitiveParam() (string, string) {
	p := g.pick(sensitiveParams)
	switch p {
	case "password", "pwd", "passwd":
		return p, url.QueryEscape(g.password())
	case "jwt", "id_token":
		return p, g.jwt()
	case "code":
		return p, g.pick([]string{"4/0A" + g.chars(b64url, 70), g.chars(base62, 40), g.hexN(20)})
	case "key":
		return p, "AIza" + g.chars(b64url, 35)
	case "otp":
		return p, g.digitsN(6)
	case "api_key", "apikey", "api-key", "access_token", "auth_token":
		if g.chance(0.5) {
			return p, url.QueryEscape(g.vendorSecret().value)
		}
	}
	return p, url.QueryEscape(g.genericSecret())
}

func (g *gen) scURLQuery(e *event) {
	p, v := g.sensitiveParam()
	path := g.pick([]string{"/reset-password", "/auth/callback", "/invite/accept", "/login/magic", "/api/v1/export", "/embed/dashboard", "/verify-email", "/oauth2/callback", "/download"})
	q := []string{p + "=" + v}
	if g.chance(0.6) {
		q = append(q, "utm_source="+g.pick(utmSources))
	}
	if g.chance(0.4) {
		q = append([]string{"state=" + g.chars(base62, 16)}, q...)
	}
	u := "https://" + g.host() + path + "?" + strings.Join(q, "&")
	if g.chance(0.15) && !strings.ContainsAny(v, "%") {
		// The credential sits in a URL nested inside another URL's parameter.
		u = "https://" + g.host() + "/login?return_to=" + url.QueryEscape(u)
	}
	g.labelAll(e, g.setURL(e, u), "credentials_in_url", v, "url_query_"+p, "secret_token", "password")
}

func (g *gen) scURLFragment(e *event) {
	v := g.pick([]string{g.jwt(), "ya29.a0" + g.chars(b64url, 150)})
	u := "https://" + g.host() + "/auth/callback#access_token=" + v + "&token_type=Bearer&expires_in=3599&scope=openid%20email"
	g.labelAll(e, g.setURL(e, u), "credentials_in_url", v, "url_fragment_token", "secret_token")
}

func (g *gen) scURLInText(e *event) {
	p, v := g.sensitiveParam()
	text := g.pick([]string{"GET ", "POST ", "fetch failed: ", "Redirecting to "}) + "https://api." + g.pick(hostsBase) + "/v1/export?format=csv&" + p + "=" + v + g.pick([]string{" failed with 401", " (timeout)", ""})
	k := g.pick([]string{"error_message", "message", "log_line", "exception"})
	e.label(g.place(e, k, text), "credentials_in_url", v, "url_in_text_"+p, "secret_token", "password")
}

func (g *gen) scAutotrackHref(e *event) {
	p, v := g.sensitiveParam()
	href := g.pick([]string{"/reset-password", "/invite/accept", "/files/export", "https://partner." + g.pick(hostsBase) + "/sso"}) + "?" + p + "=" + v
	a := g.element2017("a", "")
	a.set("attr__href", href)
	g.autotrackEvent(e, a, "click")
	e.props.set("$el_attr__href", href)
	e.props.set("$el_text", g.pick([]string{"Reset password", "Accept invite", "Download", "Open"}))
	e.label("$elements[].attr__href", "credentials_in_url", v, "url_autotrack_href_"+p, "secret_token", "password")
	e.label("$el_attr__href", "credentials_in_url", v, "url_autotrack_href_"+p, "secret_token", "password")
}

func (g *gen) scAutocaptureHref(e *event) {
	e.name = "$mp_click"
	cur := g.cleanURL()
	els := g.autocapture2025Props(e.props, "click", cur)
	g.webProps(e.props, cur)
	p, v := g.sensitiveParam()
	href := "https://" + g.host() + g.pick([]string{"/reset-password", "/invite/accept", "/api/v1/export"}) + "?" + p + "=" + v
	a := g.element2025("a")
	a.set("$attr-href", href)
	els[0] = a
	e.props.set("$elements", els)
	e.props.set("$el_attr__href", href)
	e.props.set("$target", a)
	e.props.set("$el_tag_name", "a")
	e.props.set("$el_classes", a.get("$classes"))
	e.label("$elements[].$attr-href", "credentials_in_url", v, "url_autocapture_href_"+p, "secret_token", "password")
	e.label("$el_attr__href", "credentials_in_url", v, "url_autocapture_href_"+p, "secret_token", "password")
	e.label("$target.$attr-href", "credentials_in_url", v, "url_autocapture_href_"+p, "secret_token", "password")
}

func (g *gen) scPosthogHref(e *event) {
	e.name = "$autocapture"
	g.posthogProps(e.props, g.cleanURL())
	p, v := g.sensitiveParam()
	for strings.Contains(v, `"`) {
		p, v = g.sensitiveParam()
	}
	href := "/invite/accept?" + p + "=" + v
	a := phElement{tag: "a", classes: []string{"btn"}, text: "Accept invite", nth: 1, attrs: [][2]string{{"attr__class", "btn"}, {"attr__href", href}}}
	els := append([]phElement{a}, g.phCleanElements()[1:]...)
	e.props.set("$event_type", "click")
	e.props.set("$elements_chain", g.phChain(els))
	e.label("$elements_chain", "credentials_in_url", v, "url_posthog_chain_"+p, "secret_token", "password")
}

// ---- PII ----

func (g *gen) scEmailKey(e *event) {
	v := g.email()
	k := g.pickW(emailWords)
	if g.chance(0.15) {
		k = "$email"
	}
	e.label(g.place(e, k, v), "email", v, "email_key")
}

func (g *gen) scEmailURL(e *event) {
	v := g.email()
	enc := url.QueryEscape(v)
	if g.chance(0.4) {
		enc = v
	}
	u := "https://" + g.host() + g.pick([]string{"/signup", "/unsubscribe", "/login"}) + "?email=" + enc + "&utm_source=newsletter"
	if g.chance(0.3) {
		enc = v
		u = "https://" + g.host() + "/users/" + v + "/profile"
	}
	g.labelAll(e, g.setURL(e, u), "email", enc, "email_url")
}

func (g *gen) scEmailText(e *event) {
	v := g.email()
	text := g.pick([]string{"Sent receipt to ", "Invite sent to ", "bounce from <", "contact me at "}) + v + g.pick([]string{"", ">", " thanks", " asap"})
	e.label(g.place(e, g.pick([]string{"message", "note", "log_line", "description"}), text), "email", v, "email_text")
}

func (g *gen) scEmailList(e *event) {
	a, b := g.email(), g.email()
	for b == a {
		b = g.email()
	}
	e.props.set("invitees", []string{a, b})
	e.label("invitees[]", "email", a, "email_list")
}

func (g *gen) scPhoneKey(e *event) {
	v := g.phone()
	k := g.pickW(phoneWords)
	if g.chance(0.15) {
		k = "$phone"
	}
	e.label(g.place(e, k, v), "phone", v, "phone_key")
}

func (g *gen) scPhoneText(e *event) {
	v := g.phone()
	text := g.pick([]string{"call me back on ", "SMS delivery failed for ", "new number: ", "WhatsApp "}) + v
	e.label(g.place(e, g.pick([]string{"message", "note", "comment", "log_line"}), text), "phone", v, "phone_text")
}
