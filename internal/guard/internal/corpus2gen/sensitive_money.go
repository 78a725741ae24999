package main

import (
	"fmt"
	"net/url"
	"strings"
)

var cardKeys = []string{"card_number", "cardNumber", "cc_number", "ccnum", "credit_card", "creditCardNumber", "pan", "card_no",
	"numero_tarjeta", "número_de_tarjeta", "Kartennummer", "numero_carte", "numero_da_cartao", "kaartnummer", "номер_карты", "卡号", "card"}

// printed returns a card number as someone would type it.
func (s *g) printed(num string) string {
	switch s.r.IntN(5) {
	case 0, 1:
		return num
	case 2:
		return groupCard(num, " ")
	case 3:
		return groupCard(num, "-")
	default:
		return groupCard(num, pick(s, []string{".", " ", "  "}))
	}
}

func cardScenarios() []scenario {
	return []scenario{
		{"card number under a card key", 12, func(s *g) {
			s.ev.name = pick(s, []string{"Checkout Completed", "payment_attempted", "card_added", "Order Placed"})
			num, brand := s.card()
			v := s.printed(num)
			k := pick(s, cardKeys)
			s.put("amount", float64(s.r.IntN(50000))/100)
			s.put("currency", pick(s, []string{"USD", "EUR", "GBP", "BRL"}))
			s.put(k, v)
			s.put("card_brand", brand)
			s.label(k, card, v)
		}},
		{"card number as a JSON number", 4, func(s *g) {
			s.ev.name = "payment_attempted"
			num, _ := s.card()
			k := pick(s, []string{"card_number", "cc", "pan", "number"})
			if k == "number" {
				s.put("payment", o("method", "card", "number", Num(num), "exp_month", 1+s.r.IntN(12)))
				s.label("payment.number", card, num)
				return
			}
			s.put(k, Num(num))
			s.label(k, card, num)
		}},
		{"card object with number, expiry and CVC", 10, func(s *g) {
			s.ev.name = pick(s, []string{"stripe_request", "add_payment_method", "Checkout Step"})
			num, brand := s.card()
			cvcLen := 3
			if brand == "amex" {
				cvcLen = 4
			}
			cvc := s.digits(cvcLen)
			parent := pick(s, []string{"card", "payment_method", "billing", "tarjeta", "zahlung"})
			numKey := pick(s, []string{"number", "card_number", "num", "pan"})
			cvcKey := pick(s, []string{"cvc", "cvv", "cvv2", "security_code", "csc", "cid", "código_de_seguridad", "Prüfnummer"})
			s.put(parent, o(numKey, num, "exp_month", 1+s.r.IntN(12), "exp_year", 2027+s.r.IntN(5), cvcKey, cvc, "name", capital(pick(s, firstNames))+" "+pick(s, lastNames)))
			s.label(parent+"."+numKey, card, num)
			s.label(parent+"."+cvcKey, card, cvc)
		}},
		{"CVV under its key next to a card", 5, func(s *g) {
			s.ev.name = "card_form_submit"
			num, _ := s.card()
			cvv := s.digits(3)
			k := pick(s, []string{"cvv", "CVV2", "cvc", "card_cvc", "securityCode", "card_verification_value"})
			s.put("cc_number", num)
			s.put("cc_exp", fmt.Sprintf("%02d/%02d", 1+s.r.IntN(12), 27+s.r.IntN(5)))
			s.put(k, cvv)
			s.label("cc_number", card, num)
			s.label(k, card, cvv)
		}},
		{"card number in prose", 8, func(s *g) {
			s.ev.name = pick(s, []string{"support_message", "chat_message", "order_note_added"})
			num, _ := s.card()
			v := groupCard(num, pick(s, []string{" ", "-", ""}))
			exp := fmt.Sprintf("%02d/%02d", 1+s.r.IntN(12), 27+s.r.IntN(5))
			texts := []string{
				"please charge my card " + v + " exp " + exp + " thanks",
				"Card: " + v + "\nExpiry: " + exp,
				"pague con la tarjeta " + v + ", vence " + exp,
				"bitte die Karte " + v + " belasten",
				"the payment failed for " + v + "?? I have money on it",
			}
			k := pick(s, []string{"message", "text", "note", "body"})
			s.put(k, pick(s, texts))
			s.label(k, card, v)
		}},
		{"card number split over lines or odd separators", 3, func(s *g) {
			s.ev.name = pick(s, []string{"support_message", "chat_message"})
			num, _ := s.card()
			for len(num) != 16 {
				num, _ = s.card()
			}
			v := num[:4] + " " + num[4:8] + pick(s, []string{"\n", " \n", " / ", " - "}) + num[8:12] + " " + num[12:]
			s.put("message", "here is the card:\n"+v+"\nthanks")
			s.label("message", card, v)
		}},
		{"card number in a URL", 5, func(s *g) {
			s.ev.name = "$pageview"
			num, _ := s.card()
			p := pick(s, []string{"cc", "card", "cardnumber", "pan", "ccnum"})
			u := "https://" + pick(s, hosts) + "/checkout/confirm?" + p + "=" + num + "&amount=49.00&step=3"
			if s.chance(40) {
				u = "https://" + pick(s, hosts) + "/pay#" + p + "=" + num
			}
			s.put("$current_url", u)
			s.label("$current_url", card, num)
		}},
		{"card number in a form body or log", 6, func(s *g) {
			s.ev.name = pick(s, []string{"request_failed", "log_line"})
			num, _ := s.card()
			v := groupCard(num, " ")
			switch s.r.IntN(3) {
			case 0:
				body := "name=Ana+Silva&card-number=" + url.QueryEscape(v) + "&exp=12%2F29&cvc=" + s.digits(3)
				s.put("request_body", body)
				s.label("request_body", card, url.QueryEscape(v))
			case 1:
				s.put("message", "payment gateway error: card "+num+" declined (insufficient_funds)")
				s.label("message", card, num)
			default:
				s.put("line", `{"level":"debug","msg":"charge","card":"`+num+`","amount":1999}`)
				s.label("line", card, num)
			}
		}},
		{"card number in name/value pairs", 5, func(s *g) {
			s.ev.name = "form_submitted"
			num, _ := s.card()
			nk := pick(s, []string{"name", "label", "id"})
			v := s.printed(num)
			s.put("fields", []any{o(nk, "cardholder", "value", "J. Smith"), o(nk, pick(s, []string{"cardnumber", "Card number", "cc-number", "ccnum"}), "value", v)})
			s.label("fields[].value", card, v)
		}},
		{"card number in GraphQL or stringified JSON", 5, func(s *g) {
			s.ev.name = "graphql_request"
			num, _ := s.card()
			if s.chance(50) {
				s.put("graphql", o("operationName", "AddCard", "variables", o("input", o("cardNumber", num, "expiry", "09/29"))))
				s.label("graphql.variables.input.cardNumber", card, num)
			} else {
				s.put("payload", jsonText(o("customer", s.uuid(), "source", o("object", "card", "number", num, "exp_month", 9, "exp_year", 2029))))
				s.label("payload", card, num)
			}
		}},
		{"card input captured by autotrack", 5, func(s *g) {
			s.ev.name = "$autocapture"
			num, _ := s.card()
			v := groupCard(num, " ")
			if s.chance(50) {
				s.put("$elements", []any{o("tag_name", "input", "attr__autocomplete", "cc-number", "attr__name", "ccn", "attr__value", v, "nth_child", 1, "nth_of_type", 1)})
				s.label("$elements[].attr__value", card, v, formValue)
			} else {
				s.put("$elements_chain", `input:attr__autocomplete="cc-number"attr__id="card"attr__value="`+v+`"nth-child="1"nth-of-type="1";form:nth-child="1"nth-of-type="1"`)
				s.label("$elements_chain", card, v, formValue)
			}
		}},
	}
}

func bankScenarios() []scenario {
	return []scenario{
		{"IBAN under a bank key", 9, func(s *g) {
			s.ev.name = pick(s, []string{"payout_method_added", "SEPA Mandate Signed", "bank_details_updated"})
			ib := s.iban()
			if s.chance(40) {
				ib = groupIBAN(ib)
			}
			k := pick(s, []string{"iban", "IBAN", "account_iban", "rekeningnummer", "bankverbindung", "cuenta_iban", "conto", "payout_account"})
			s.put("bic", s.bic())
			s.put(k, ib)
			s.label(k, bank, ib)
		}},
		{"IBAN in prose or a message", 7, func(s *g) {
			s.ev.name = pick(s, []string{"support_message", "invoice_note", "chat_message"})
			ib := s.iban()
			if s.chance(50) {
				ib = groupIBAN(ib)
			}
			texts := []string{
				"please refund to my IBAN " + ib + " thanks",
				"Überweisung bitte auf " + ib + " (Sparkasse)",
				"mi cuenta es " + ib,
				"IBAN: " + ib + "\nBIC: " + s.bic(),
				"refund failed for " + ib + ": account closed",
			}
			k := pick(s, []string{"message", "text", "note"})
			s.put(k, pick(s, texts))
			s.label(k, bank, ib)
		}},
		{"IBAN in a URL, form body or JSON string", 6, func(s *g) {
			s.ev.name = "request_logged"
			ib := s.iban()
			switch s.r.IntN(3) {
			case 0:
				s.put("url", "https://"+pick(s, hosts)+"/api/v1/payouts?iban="+ib+"&currency=EUR")
				s.label("url", bank, ib)
			case 1:
				s.put("request_body", "holder=Ana+Silva&iban="+ib+"&mandate=1")
				s.label("request_body", bank, ib)
			default:
				s.put("payload", jsonText(o("debtor", o("name", "Ana Silva", "account", o("iban", ib)))))
				s.label("payload", bank, ib)
			}
		}},
		{"US account number with its routing number", 8, func(s *g) {
			s.ev.name = pick(s, []string{"ach_account_linked", "direct_deposit_set", "Bank Account Added"})
			acct := s.digits(8 + s.r.IntN(10))
			k := pick(s, []string{"account_number", "accountNumber", "acct_no", "bank_account", "checking_account", "account_no", "dda_number"})
			s.put("routing_number", s.aba())
			s.put("account_type", pick(s, []string{"checking", "savings"}))
			if s.chance(25) && acct[0] != '0' {
				s.put(k, Num(acct))
			} else {
				s.put(k, acct)
			}
			s.label(k, bank, acct)
		}},
		{"UK account number with its sort code", 6, func(s *g) {
			s.ev.name = pick(s, []string{"payee_added", "Bank Details Saved"})
			acct := s.digits(8)
			k := pick(s, []string{"account_number", "accountNumber", "acc_no", "bank_account_number"})
			s.put("sort_code", s.sortCode())
			s.put(k, acct)
			s.label(k, bank, acct)
		}},
		{"account numbers of other countries", 6, func(s *g) {
			s.ev.name = "payout_method_added"
			switch s.r.IntN(4) {
			case 0: // India: IFSC and 9-18 digits
				acct := s.digits(9 + s.r.IntN(10))
				s.put("ifsc", "HDFC0"+s.digits(6))
				s.put("account_number", acct)
				s.label("account_number", bank, acct)
			case 1: // Australia: BSB and 6-10 digits
				acct := s.digits(6 + s.r.IntN(5))
				s.put("bsb", s.digits(3)+"-"+s.digits(3))
				s.put("accountNumber", acct)
				s.label("accountNumber", bank, acct)
			case 2: // Canada: institution, transit, account
				acct := s.digits(7 + s.r.IntN(6))
				s.put("institution_number", s.digits(3))
				s.put("transit_number", s.digits(5))
				s.put("account_number", acct)
				s.label("account_number", bank, acct)
			default: // Germany before IBAN: Kontonummer and BLZ
				acct := s.digits(10)
				s.put("blz", s.digits(8))
				s.put("kontonummer", acct)
				s.label("kontonummer", bank, acct)
			}
		}},
		{"account number in a bank object", 5, func(s *g) {
			s.ev.name = "plaid_link_success"
			acct := s.digits(10 + s.r.IntN(6))
			s.put("bank", o("name", pick(s, []string{"Chase", "Wells Fargo", "Ally"}), "routing", s.aba(), "number", acct))
			s.label("bank.number", bank, acct)
		}},
		{"account number in prose", 5, func(s *g) {
			s.ev.name = "support_message"
			acct := s.digits(8 + s.r.IntN(6))
			texts := []string{
				"my account number is " + acct + ", routing " + s.aba(),
				"Account no: " + acct + " sort code " + s.sortCode(),
				"please wire it to acct # " + acct,
				"Kontonummer " + acct + " BLZ " + s.digits(8),
				"número de cuenta " + acct,
			}
			k := pick(s, []string{"message", "text"})
			s.put(k, pick(s, texts))
			s.label(k, bank, acct)
		}},
		{"account number in name/value pairs", 4, func(s *g) {
			s.ev.name = "form_submitted"
			acct := s.digits(8 + s.r.IntN(8))
			s.put("fields", []any{o("name", "accountHolder", "value", "Ana Silva"), o("name", pick(s, []string{"accountNumber", "account_number", "Account number", "acct"}), "value", acct)})
			s.label("fields[].value", bank, acct)
		}},
	}
}

// idKind is one national identifier: how to make one, how keys name it,
// and how it is written for people.
type idKind struct {
	country string
	keys    []string
	words   []string // how prose introduces it
	make    func(s *g) string
}

var idKinds = []idKind{
	{"US", []string{"ssn", "SSN", "social_security_number", "socialSecurityNumber", "social_security_no", "ss_number", "tax_id", "taxpayer_id"}, []string{"SSN", "social security number", "SS#"}, func(s *g) string {
		if s.chance(70) {
			return s.ssn()
		}
		return strings.ReplaceAll(s.ssn(), "-", "")
	}},
	{"UK", []string{"nino", "national_insurance_number", "nationalInsuranceNo", "ni_number", "NINumber"}, []string{"NI number", "National Insurance number", "NINO"}, func(s *g) string {
		n := s.nino()
		if s.chance(40) {
			return n[:2] + " " + n[2:4] + " " + n[4:6] + " " + n[6:8] + " " + n[8:]
		}
		return n
	}},
	{"DE", []string{"steuer_id", "steuerid", "steuerliche_identifikationsnummer", "IdNr", "tax_identification_number", "steuernummer_id"}, []string{"Steuer-ID", "Steuer-IdNr.", "steuerliche Identifikationsnummer"}, func(s *g) string {
		d := s.steuerID()
		if s.chance(40) {
			return d[:2] + " " + d[2:5] + " " + d[5:8] + " " + d[8:]
		}
		return d
	}},
	{"FR", []string{"nir", "numero_securite_sociale", "num_secu", "numeroSecuriteSociale", "insee"}, []string{"numéro de sécurité sociale", "NIR", "n° de sécu"}, func(s *g) string { return s.nir(s.chance(40)) }},
	{"ES", []string{"dni", "DNI", "nie", "documento_identidad", "nif"}, []string{"DNI", "NIE", "mi DNI es"}, func(s *g) string {
		if s.chance(60) {
			return s.dni()
		}
		return s.nie()
	}},
	{"IT", []string{"codice_fiscale", "codiceFiscale", "cf", "tax_code"}, []string{"codice fiscale", "CF"}, func(s *g) string { return s.codiceFiscale() }},
	{"NL", []string{"bsn", "BSN", "burgerservicenummer", "sofinummer"}, []string{"BSN", "burgerservicenummer"}, func(s *g) string {
		d := s.bsn()
		if s.chance(30) {
			return d[:4] + "." + d[4:6] + "." + d[6:]
		}
		return d
	}},
	{"BR", []string{"cpf", "CPF", "cpf_number", "numero_cpf", "documento"}, []string{"CPF", "meu CPF é"}, func(s *g) string {
		d := s.cpf()
		if s.chance(60) {
			return fmtCPF(d)
		}
		return d
	}},
	{"BR-company", []string{"cnpj", "CNPJ", "cnpj_empresa"}, []string{"CNPJ"}, func(s *g) string { return fmtCNPJ(s.cnpj()) }},
	{"IN-PAN", []string{"pan_number", "pan_card", "panNumber", "income_tax_pan", "permanent_account_number"}, []string{"PAN", "PAN card no"}, func(s *g) string { return s.indianPAN() }},
	{"IN-Aadhaar", []string{"aadhaar", "aadhaar_number", "aadhar_no", "uid_aadhaar", "aadhaarNumber"}, []string{"Aadhaar", "aadhar no"}, func(s *g) string {
		d := s.aadhaar()
		if s.chance(60) {
			return d[:4] + " " + d[4:8] + " " + d[8:]
		}
		return d
	}},
	{"ZA", []string{"id_number", "sa_id_number", "rsa_id", "identity_number", "idNumber"}, []string{"ID number", "SA ID"}, func(s *g) string { return s.zaID() }},
	{"SE", []string{"personnummer", "personal_identity_number", "pnr"}, []string{"personnummer", "mitt personnummer är"}, func(s *g) string { return s.personnummer() }},
	{"FI", []string{"hetu", "henkilotunnus", "henkilötunnus", "finnish_ssn"}, []string{"henkilötunnus", "HETU"}, func(s *g) string { return s.hetu() }},
	{"CA", []string{"sin", "SIN", "social_insurance_number", "sin_number"}, []string{"SIN", "social insurance number"}, func(s *g) string {
		d := s.sin()
		if s.chance(50) {
			return d[:3] + " " + d[3:6] + " " + d[6:]
		}
		return d
	}},
	{"CN", []string{"resident_id", "id_card_number", "shenfenzheng", "身份证号", "身份证号码", "chinese_id"}, []string{"身份证号", "ID card"}, func(s *g) string { return s.prcID() }},
	{"passport", []string{"passport_number", "passport_no", "passportNumber", "numero_passaporto", "reisepassnummer", "numero_pasaporte"}, []string{"passport number", "passport no.", "Reisepassnummer"}, func(s *g) string { return s.passport() }},
}

func nationalIDScenarios() []scenario {
	return []scenario{
		{"national ID under a key that names it", 34, func(s *g) {
			s.ev.name = pick(s, []string{"kyc_submitted", "Identity Verified", "tax_form_saved", "signup_step_2", "onboarding_completed"})
			k := pick(s, idKinds)
			v := k.make(s)
			key := pick(s, k.keys)
			s.put("country", k.country)
			s.put(key, v)
			s.label(key, nationalID, v)
		}},
		{"national ID as a JSON integer", 7, func(s *g) {
			s.ev.name = "kyc_submitted"
			draw := func() (string, string) {
				switch s.r.IntN(4) {
				case 0:
					return strings.ReplaceAll(s.ssn(), "-", ""), pick(s, []string{"ssn", "social_security_number"})
				case 1:
					return s.bsn(), "bsn"
				case 2:
					return s.cpf(), "cpf"
				default:
					return s.aadhaar(), "aadhaar_number"
				}
			}
			v, key := draw()
			for v[0] == '0' { // a JSON number cannot keep a leading zero
				v, key = draw()
			}
			s.put(key, Num(v))
			s.label(key, nationalID, v)
		}},
		{"national ID in prose", 18, func(s *g) {
			s.ev.name = pick(s, []string{"support_message", "chat_message", "feedback_submitted"})
			k := pick(s, idKinds)
			v := k.make(s)
			w := pick(s, k.words)
			texts := []string{
				"hi, my " + w + " is " + v + ", can you update my account?",
				w + ": " + v,
				"I entered " + w + " " + v + " but the form rejects it",
				"please verify " + w + " " + v + " for the refund",
			}
			t := pick(s, texts)
			if strings.HasSuffix(w, " es") || strings.HasSuffix(w, " é") || strings.HasSuffix(w, " är") {
				t = w + " " + v
			}
			key := pick(s, []string{"message", "text", "body", "comment"})
			s.put(key, t)
			s.label(key, nationalID, v)
		}},
		{"ID document in name/value pairs", 14, func(s *g) {
			s.ev.name = pick(s, []string{"documents_uploaded", "kyc_step", "form_submitted"})
			k := pick(s, idKinds)
			v := k.make(s)
			typeKey := pick(s, []string{"type", "kind", "document_type", "name", "label"})
			valKey := pick(s, []string{"value", "number", "id", "document_number"})
			typeVal := pick(s, append(append([]string{}, k.keys...), k.words...))
			s.put("documents", []any{o(typeKey, typeVal, valKey, v, "verified", false)})
			s.label("documents[]."+valKey, nationalID, v)
		}},
		{"national ID in a URL", 7, func(s *g) {
			s.ev.name = "$pageview"
			k := pick(s, idKinds)
			v := k.make(s)
			p := pick(s, k.keys)
			u := "https://" + pick(s, hosts) + "/verify?" + url.QueryEscape(p) + "=" + url.QueryEscape(v) + "&step=2"
			s.put("$current_url", u)
			s.label("$current_url", nationalID, url.QueryEscape(v))
		}},
		{"national ID in stringified JSON, form body or GraphQL", 11, func(s *g) {
			s.ev.name = "api_request"
			k := pick(s, idKinds)
			v := k.make(s)
			key := pick(s, k.keys)
			switch s.r.IntN(3) {
			case 0:
				s.put("request_body", jsonText(o("applicant", o("first_name", "Ana", key, v))))
				s.label("request_body", nationalID, jsonInner(v))
			case 1:
				s.put("request_body", "first_name=Ana&"+url.QueryEscape(key)+"="+url.QueryEscape(v)+"&consent=yes")
				s.label("request_body", nationalID, url.QueryEscape(v))
			default:
				s.put("graphql", o("operationName", "SubmitKyc", "variables", o("input", o(key, v, "country", k.country))))
				s.label("graphql.variables.input."+key, nationalID, v)
			}
		}},
		{"national ID in an error message", 7, func(s *g) {
			s.ev.name = pick(s, []string{"$exception", "validation_failed"})
			k := pick(s, idKinds)
			v := k.make(s)
			msgs := []string{
				"ValidationError: " + pick(s, k.keys) + " '" + v + "' already registered to another account",
				"duplicate key value violates unique constraint \"users_tax_id_key\" DETAIL: Key (tax_id)=(" + v + ") already exists.",
				"KYC provider rejected document " + v + ": expired",
			}
			s.put("$exception_message", pick(s, msgs))
			s.label("$exception_message", nationalID, v)
		}},
		{"national ID typed into an autotracked field", 5, func(s *g) {
			s.ev.name = "$autocapture"
			k := pick(s, idKinds)
			v := k.make(s)
			s.put("$elements", []any{o("tag_name", "input", "attr__name", pick(s, k.keys), "attr__type", "text", "attr__value", v, "nth_child", 4, "nth_of_type", 2)})
			s.label("$elements[].attr__value", nationalID, v, formValue)
		}},
	}
}
