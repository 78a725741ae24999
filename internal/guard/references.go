package guard

// hclReference: a Terraform/OpenTofu expression naming a value defined
// elsewhere (var.db_password, local.admin_pw, module.db.password,
// data.vault_generic_secret.db.data["password"]), written bare in HCL and
// tfvars text. Like ${{ secrets.X }} it refers to a secret without
// holding it.
func hclReference(s string) bool {
	var rest string
	switch {
	case len(s) > 4 && s[:4] == "var.":
		rest = s[4:]
	case len(s) > 6 && s[:6] == "local.":
		rest = s[6:]
	case len(s) > 7 && s[:7] == "module.":
		rest = s[7:]
	case len(s) > 5 && s[:5] == "data.":
		rest = s[5:]
	default:
		return false
	}
	if !(rest[0] >= 'a' && rest[0] <= 'z' || rest[0] >= 'A' && rest[0] <= 'Z' || rest[0] == '_') {
		return false
	}
	for i := 0; i < len(rest); i++ {
		switch c := rest[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-', c == '.',
			c == '[', c == ']', c == '"':
		default:
			return false
		}
	}
	return true
}

// otherCardKey: the key names a card that pays nothing (loyalty, rewards,
// membership, library, frequent-flyer, fidelity cards). Its number is a
// payment card only when it is one by issuer range and Luhn (a co-branded
// loyalty credit card), not by the key's "card".
func otherCardKey(key string) bool {
	return containsFoldAny(key, "loyalty", "reward", "member", "bonus", "club", "library", "frequentflyer",
		"frequent_flyer", "fidelity", "fidelidad", "fidelite", "fidélité", "payback", "punch", "stamp", "kundenkarte")
}
