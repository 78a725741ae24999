package apptest

import (
	"strconv"
	"strings"
)

// The eighth round's kinds (issue 13, branch grec7): cards grouped by
// Unicode dashes, one-time codes after cues of other languages, national
// IDs of more countries, INSERT statements, bank accounts after Russian
// cues and under CBU keys, passwords in chats of more languages and in
// {prompt, response} pairs and parallel lists, more vendor prefixes, Nostr
// and minisign secret keys.

// snilsRandom returns a random Russian SNILS with its two check digits.
func snilsRandom() string {
	b := randString("123456789", 3) + randString(digits, 6)
	s := 0
	for i := 0; i < 9; i++ {
		s += int(b[i]-'0') * (9 - i)
	}
	for s > 101 {
		s %= 101
	}
	if s == 100 || s == 101 {
		s = 0
	}
	return b[:3] + "-" + b[3:6] + "-" + b[6:] + " " + strconv.Itoa(s/10) + strconv.Itoa(s%10)
}

// melliRandom returns a random Iranian national code.
func melliRandom() string {
	b := randString("123456789", 1) + randString(digits, 8)
	r := 0
	for i := 0; i < 9; i++ {
		r += int(b[i]-'0') * (10 - i)
	}
	r %= 11
	if r >= 2 {
		r = 11 - r
	}
	return b + strconv.Itoa(r)
}

func kinds8Canaries(props map[string]any) []canary {
	card := luhnCard()
	dashed := card[:4] + "\u2013" + card[4:8] + "\u2013" + card[8:12] + "\u2013" + card[12:]
	otp := randString("123456789", 1) + randString(digits, 7)
	snils := snilsRandom()
	melli := melliRandom()
	sqlPw := "Sq" + randString(alnum, 14) + "7!"
	acct := "40817810" + randString(digits, 12)
	cbu := randString("123456789", 1) + randString(digits, 21)
	chatPw := "Ch" + randString(alnum, 14) + "7!"
	pairPw := "Pr" + randString(alnum, 14) + "7!"
	listPw := "Ls" + randString(alnum, 14) + "7!"
	orKey := "sk-or-v1-" + randString("0123456789abcdef", 64)
	nsec := "nsec1" + randString("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58)
	minisign := "RWRTY0Iy" + randString(alnum+"+/", 150) + "="
	props["card_input8"] = dashed
	props["sms_text8"] = "Код подтверждения: " + otp + ". Никому не сообщайте его"
	props["snils"] = snils
	props["kode_melli"] = melli
	props["migration8"] = "INSERT INTO `users` (`id`, `login`, `plain_password`) VALUES (7, 'ana', '" + sqlPw + "');"
	props["requisites8"] = "БИК 044525225\nр/с " + acct + "\nПолучатель: ООО Ромашка"
	props["cbu"] = cbu
	props["chat8"] = "Şifrem " + chatPw + " ama giriş yapamıyorum"
	props["answers8"] = []any{map[string]any{"prompt": "Wachtwoord", "response": pairPw}}
	props["field_names"] = []any{"username", "password"}
	props["field_values"] = []any{"ana", listPw}
	props["upstream_error8"] = "401 Unauthorized calling upstream with " + orKey
	props["nostr8"] = "my key " + nsec
	props["minisign8"] = "untrusted comment: minisign encrypted secret key\n" + minisign
	return []canary{
		{"card_input8", strings.ReplaceAll(dashed, "\u2013", "")[4:]}, {"card_input8", dashed}, {"sms_text8", otp},
		{"snils", snils}, {"kode_melli", melli}, {"migration8", sqlPw}, {"requisites8", acct}, {"cbu", cbu},
		{"chat8", chatPw}, {"answers8[].response", pairPw}, {"field_values[]", listPw}, {"upstream_error8", orKey},
		{"nostr8", nsec}, {"minisign8", minisign},
	}
}
