package guard

import (
	"fmt"
	"testing"
)

func referenceCases() []famCase {
	loyalty := withLuhn("700012345678901") // Luhn-valid, no card issuer's range
	// A 13-digit number that passes both Luhn (a Visa range) and the GS1
	// check, and one that passes Luhn only.
	var both, luhnOnly string
	for i := 0; both == "" || luhnOnly == ""; i++ {
		d := withLuhn("4006381" + fmt.Sprintf("%05d", i))
		switch {
		case gs1Valid([]byte(d)) && both == "":
			both = d
		case !gs1Valid([]byte(d)) && luhnOnly == "":
			luhnOnly = d
		}
	}
	aad := withVerhoeff("23412341234")
	return []famCase{
		neg("ean passing luhn", kv("ean", both).props),
		pos("ean key failing gs1 stays a card", kv("ean", luhnOnly).props, luhnOnly),
		neg("switch friend code", kv("friend_code", "SW-"+aad[:4]+"-"+aad[4:8]+"-"+aad[8:]).props),
		neg("match id", kv("match_id", "4111111111111111").props),
		pos("aadhaar elsewhere", kv("note", "aadhaar "+aad[:4]+" "+aad[4:8]+" "+aad[8:]).props, aad[:4]+" "+aad[4:8]+" "+aad[8:]),
		pos("card under order note", kv("order_note", "4111 1111 1111 1111").props, "4111 1111 1111 1111"),
		neg("tfvars var reference", kv("tfvars", "region = \"eu-west-1\"\ndb_password = var.db_password\n").props),
		neg("hcl local reference", kv("main_tf", "  admin_password = local.admin_pw\n  engine = \"postgres\"").props),
		neg("hcl module reference", kv("hcl", "password = module.db.master_password").props),
		pos("tfvars literal", kv("tfvars", "region = \"eu-west-1\"\ndb_password = \"Kq7zR2mX-prod\"\n").props, "Kq7zR2mX-prod"),
		pos("password starting var", kv("password", "variable.Kq7z").props, "variable.Kq7z"),
		neg("loyalty card number", kv("loyalty_card_number", loyalty).props),
		neg("membership card number", kv("membershipCardNumber", loyalty).props),
		pos("loyalty co-branded visa", kv("loyalty_card_number", "4111111111111111").props, "4111111111111111"),
		pos("card number outside ranges", kv("card_number", loyalty).props, loyalty),
	}
}

func TestReferenceAndOtherCardCases(t *testing.T) {
	runFamCases(t, mustChecker(t, DefaultPolicy()), referenceCases())
}
