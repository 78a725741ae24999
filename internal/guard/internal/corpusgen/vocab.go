package main

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Key words for sensitive keys, as lists of word parts so that they can be
// rendered in any casing and separator style. Entries whose index is 4 mod 5
// appear only in the held-out split (see gen.pickV).
var passwordWords = [][]string{
	{"password"}, {"passwd"}, {"pwd"}, {"pass"}, {"passphrase"},
	{"passcode"}, {"pw"}, {"passwort"}, {"kennwort"}, {"contraseña"},
	{"clave"}, {"mot", "de", "passe"}, {"mdp"}, {"senha"}, {"wachtwoord"},
	{"hasło"}, {"lösenord"}, {"salasana"}, {"adgangskode"}, {"passord"},
	{"heslo"}, {"jelszó"}, {"şifre"}, {"parola"}, {"пароль"},
	{"パスワード"}, {"密码"}, {"口令"}, {"비밀번호"}, {"كلمة", "المرور"},
	{"סיסמה"}, {"κωδικός"}, {"mật", "khẩu"}, {"kata", "sandi"}, {"पासवर्ड"},
	{"รหัสผ่าน"}, {"lozinka"}, {"geslo"}, {"slaptažodis"}, {"parool"},
	{"user", "password"}, {"login", "password"}, {"new", "password"}, {"current", "password"}, {"confirm", "password"},
	{"old", "password"}, {"repeat", "password"}, {"password", "confirmation"}, {"db", "password"}, {"admin", "pwd"},
	{"smtp", "pass"}, {"wifi", "password"}, {"master", "password"}, {"account", "password"}, {"retype", "password"},
	{"user", "pass"}, {"new", "passwort"}, {"nueva", "contraseña"}, {"nouveau", "mot", "de", "passe"}, {"password", "again"},
}

var pinWords = [][]string{
	{"pin"}, {"pin", "code"}, {"pincode"}, {"card", "pin"}, {"atm", "pin"},
	{"passcode"}, {"security", "pin"}, {"暗証番号"}, {"pin", "number"}, {"geheimzahl"},
}

var otpWords = [][]string{
	{"otp"}, {"one", "time", "code"}, {"verification", "code"}, {"mfa", "code"}, {"2fa", "code"},
	{"totp", "code"}, {"sms", "code"}, {"auth", "code"}, {"otp", "code"}, {"security", "code"},
}

var secretWords = [][]string{
	{"api", "key"}, {"apikey"}, {"api", "secret"}, {"secret"}, {"secret", "key"},
	{"client", "secret"}, {"access", "token"}, {"refresh", "token"}, {"auth", "token"}, {"session", "token"},
	{"private", "token"}, {"bearer", "token"}, {"x", "api", "key"}, {"x", "auth", "token"}, {"app", "secret"},
	{"consumer", "secret"}, {"webhook", "secret"}, {"signing", "secret"}, {"encryption", "key"}, {"master", "key"},
	{"secret", "access", "key"}, {"oauth", "token"}, {"access", "key", "secret"}, {"token", "secret"}, {"csrf", "token"},
	{"api", "token"}, {"personal", "access", "token"}, {"deploy", "key"}, {"license", "key"}, {"service", "key"},
	{"clave", "api"}, {"clé", "api"}, {"chave", "api"}, {"api", "schlüssel"}, {"geheimer", "schlüssel"},
	{"токен", "доступа"}, {"секретный", "ключ"}, {"アクセストークン"}, {"访问令牌"}, {"密钥"},
	{"auth"}, {"authorization"}, {"credentials"}, {"cred"}, {"session", "secret"},
}

var privateKeyWords = [][]string{
	{"private", "key"}, {"privatekey"}, {"ssh", "key"}, {"id", "rsa"}, {"tls", "key"},
	{"signing", "key"}, {"pem"}, {"key", "pem"}, {"client", "key"}, {"server", "key"},
	{"secret", "key", "pem"}, {"clé", "privée"}, {"秘密鍵"}, {"私钥"}, {"приватный", "ключ"},
	{"deploy", "key"}, {"gpg", "private", "key"}, {"ssl", "key"}, {"key"}, {"jwt", "signing", "key"},
}

var cardWords = [][]string{
	{"card", "number"}, {"cc", "number"}, {"ccnum"}, {"credit", "card"}, {"pan"},
	{"card", "no"}, {"cardnumber"}, {"credit", "card", "number"}, {"debit", "card"}, {"kartennummer"},
	{"numero", "tarjeta"}, {"numéro", "de", "carte"}, {"номер", "карты"}, {"カード番号"}, {"卡号"},
	{"card"}, {"cc"}, {"payment", "card"}, {"card", "num"}, {"numero", "cartao"},
}

var cvvWords = [][]string{
	{"cvv"}, {"cvc"}, {"cvv2"}, {"csc"}, {"security", "code"},
	{"card", "cvc"}, {"cvn"}, {"card", "security", "code"}, {"prüfnummer"}, {"cid"},
}

var expiryWords = [][]string{
	{"exp"}, {"expiry"}, {"exp", "date"}, {"expiration"}, {"card", "expiry"},
	{"expires"}, {"valid", "thru"}, {"ablaufdatum"}, {"vencimiento"}, {"exp", "mm", "yy"},
}

var ibanWords = [][]string{
	{"iban"}, {"bank", "account"}, {"iban", "number"}, {"account", "iban"}, {"payout", "iban"},
	{"bankverbindung"}, {"rib"}, {"cuenta", "bancaria"}, {"compte", "bancaire"}, {"rekeningnummer"},
	{"konto"}, {"bank", "iban"}, {"sepa", "iban"}, {"номер", "счета"}, {"口座番号"},
}

var accountWords = [][]string{
	{"account", "number"}, {"bank", "account", "number"}, {"acct", "no"}, {"account", "no"}, {"kontonummer"},
	{"acct", "number"}, {"checking", "account"}, {"numero", "de", "cuenta"}, {"bank", "acct"}, {"savings", "account"},
}

var emailWords = [][]string{
	{"email"}, {"e", "mail"}, {"email", "address"}, {"user", "email"}, {"customer", "email"},
	{"correo"}, {"courriel"}, {"contact", "email"}, {"mail"}, {"billing", "email"},
	{"メールアドレス"}, {"邮箱"}, {"почта"}, {"work", "email"}, {"invitee", "email"},
}

var phoneWords = [][]string{
	{"phone"}, {"phone", "number"}, {"mobile"}, {"tel"}, {"telefon"},
	{"telefono"}, {"cell"}, {"contact", "phone"}, {"mobile", "number"}, {"telephone"},
	{"телефон"}, {"電話番号"}, {"手机号"}, {"whatsapp"}, {"sms", "number"},
}

// render joins word parts in one of the styles seen in real payloads.
func (g *gen) render(parts []string) string {
	ascii := true
	for _, p := range parts {
		for _, r := range p {
			if r >= utf8.RuneSelf {
				ascii = false
			}
		}
	}
	st := g.r.IntN(10)
	if !ascii && st > 4 {
		st = g.r.IntN(2)
	}
	switch st {
	case 0, 1, 2:
		return strings.Join(parts, "_")
	case 3:
		return strings.Join(parts, "-")
	case 4:
		if len(parts) == 1 {
			return titleWord(parts[0])
		}
		return titleWord(strings.Join(parts, " "))
	case 5, 6:
		s := parts[0]
		for _, p := range parts[1:] {
			s += titleWord(p)
		}
		return s
	case 7:
		s := ""
		for _, p := range parts {
			s += titleWord(p)
		}
		return s
	case 8:
		return strings.ToUpper(strings.Join(parts, "_"))
	}
	return strings.Join(parts, "")
}

func titleWord(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

var hostsBase = []string{"example.com", "acme.io", "northwind.co", "globex.dev", "initech.com", "umbrella.app", "hooli.xyz", "kuchen-laden.de", "tienda-ejemplo.es", "boutique-exemple.fr", "piattaforma.it", "winkel.nl"}

var firstNames = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yuki", "zoe", "lena", "mateo", "chloe", "amir", "sofia", "liam", "noah", "emma", "jonas"}
var lastNames = []string{"smith", "mueller", "garcia", "rossi", "dubois", "tanaka", "kowalski", "novak", "jensen", "silva", "kim", "nguyen", "patel", "cohen", "ivanova", "schmidt", "lopez", "bianchi", "martin", "sato"}

var productNames = []string{"Trail Runner 2", "Merino Crew Socks", "Espresso Grinder", "Noise-Cancelling Headphones", "Yoga Mat Pro", "Cast Iron Skillet 26cm", "USB-C Hub 7-in-1", "Linen Shirt", "Standing Desk Frame", "Ceramic Pour-Over Set", "Wool Beanie", "Mechanical Keyboard TKL", "Bamboo Cutting Board", "Secret Garden Puzzle 1000pc", "Password Journal Notebook", "Token Board Game"}
var categories = []string{"shoes", "apparel", "kitchen", "electronics", "fitness", "home", "office", "toys", "books"}
var searchTerms = []string{"running shoes", "gift card", "how to reset password", "wireless earbuds", "linen shirt blue", "espresso machine under 300", "token ring", "pin badge", "secret santa gifts", "api docs authentication", "card holder wallet", "iban format", "ssh key setup guide", "private label coffee", "forgot password link not working", "passport holder", "credit card reader", "order 48213", "bank holiday opening hours", "key rings"}
var pagePaths = []string{"/", "/pricing", "/products/trail-runner-2", "/collections/summer-sale", "/cart", "/checkout/shipping", "/checkout/payment", "/account/settings", "/account/security", "/blog/how-we-store-passwords", "/docs/api/authentication", "/docs/sdk/javascript", "/forgot-password", "/reset-password", "/login", "/signup", "/dashboard", "/reports/funnels", "/settings/api-keys", "/settings/billing", "/help/articles/change-your-pin", "/p/secret-menu", "/search"}
var titles = []string{"Home", "Pricing – Acme", "Trail Runner 2 | Shop", "Cart", "Checkout", "Account settings", "Security settings", "Reset your password", "Forgot password?", "Sign in", "Create your account", "Dashboard", "API keys", "Billing", "How do I change my PIN?", "Docs – Authentication"}
var buttonTexts = []string{"Add to cart", "Checkout", "Continue", "Sign in", "Sign up free", "Forgot password?", "Show password", "Reset password", "Save changes", "Copy link", "Generate new API key", "Download invoice", "Apply coupon", "Next", "Learn more", "Accept all cookies", "Change PIN", "Pay now", "Update card", "Verify email"}
var cssClasses = []string{"btn", "btn-primary", "btn-lg", "nav-link", "card", "card-body", "product-tile", "flex", "items-center", "px-4", "py-2", "text-sm", "rounded-md", "bg-indigo-600", "hover:bg-indigo-700", "MuiButton-root", "MuiButtonBase-root", "css-1x2y3z", "sc-bdVaJa", "chakra-button", "menu-item", "active", "is-visible", "js-track", "col-md-6", "container", "row", "hero", "footer-links", "shadow-sm"}
var utmSources = []string{"google", "newsletter", "facebook", "linkedin", "twitter", "bing", "partner_site", "producthunt"}
var utmMediums = []string{"cpc", "email", "social", "referral", "display", "affiliate"}
var utmCampaigns = []string{"spring_sale_2024", "password_manager_launch", "black-friday", "retargeting_q3", "secret-sale", "token_giveaway", "new_pin_feature", "brand"}
var browsers = []string{"Chrome", "Chrome", "Safari", "Firefox", "Microsoft Edge", "Mobile Safari", "Samsung Internet", "Opera", "Chrome iOS"}
var oses = []string{"Windows", "Mac OS X", "Linux", "iOS", "Android", "Chrome OS"}
var errorsClean = []string{
	"TypeError: Cannot read properties of undefined (reading 'map')",
	"Request failed with status code 404",
	"Network Error",
	"ChunkLoadError: Loading chunk 42 failed.",
	"ResizeObserver loop completed with undelivered notifications.",
	"Invalid API Key provided: sk_live_********************1a2b",
	"password must be at least 12 characters",
	"token expired, please sign in again",
	"PIN must be 4 digits",
	"Your card was declined.",
	"SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON",
	"AbortError: The user aborted a request.",
	"QuotaExceededError: localStorage is full",
	"Error: Invalid IBAN checksum",
	"secret not found in vault path kv/data/app",
}
