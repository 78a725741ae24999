package guard

import "testing"

func referenceCases() []famCase {
	loyalty := withLuhn("700012345678901") // Luhn-valid, no card issuer's range
	return []famCase{
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
