package guard

import (
	"strings"
	"testing"
)

// The kinds of the eighth corpus's round (issue 13, branch grec7): each
// written from the formats' public documentation and the class
// definitions, with positives and negatives, never from a corpus's values.

// kinds8Samples are detector samples of the round, merged into
// TestDetectorSamples.
func kinds8Samples() map[string][2][]sample {
	mixedTok := func(seed, n int) string { return "Aa1" + fake(seed, n-3, alnum) }
	hexTok := func(seed, n int) string { return fake(seed, n, "0123456789abcdef") }
	return map[string][2][]sample{
		"secret.vendor": {
			{
				skv("message", "401 calling upstream with sk-or-v1-"+hexTok(801, 64)+" (provider)"),
				skv("note", "try xai-"+mixedTok(802, 80)),
				skv("log", "tracing with lsv2_pt_"+hexTok(803, 32)+"_"+hexTok(804, 10)),
				skv("cfg", "SONAR_TOKEN=squ_"+hexTok(805, 40)),
				skv("msg", "key dt0c01."+fake(806, 24, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")+"."+fake(810, 64, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")+" rotated"),
				skv("env", "SUPABASE_ACCESS_TOKEN=sbp_"+hexTok(807, 40)),
				skv("t", "sk.eyJ1Ijoi"+fake(808, 40, alnum)+"."+fake(809, 22, alnum)),
			},
			{
				skv("message", "the dt0c01 cluster is down"),
				skv("note", "xai-grok-2-vision is the model"),
				skv("cfg", "SONAR_TOKEN=squ_"+strings.Repeat("x", 40)),
				skv("path", "/assets/sbp_logo.png"),
			},
		},
		"private_key.nostr": {
			{skv("nostr", "nsec1"+fake(811, 58, "qpzry9x8gf2tvdw0s3jn54khce6mua7l")), skv("note", "my key nsec1"+fake(812, 58, "qpzry9x8gf2tvdw0s3jn54khce6mua7l")+" don't share")},
			{skv("npub", "npub1"+fake(813, 58, "qpzry9x8gf2tvdw0s3jn54khce6mua7l")), skv("note", "nsec1 keys start with nsec1"), skv("id", "nsec1"+fake(814, 30, "qpzry9x8gf2tvdw0s3jn54khce6mua7l"))},
		},
		"private_key.keyfile": {
			{
				skv("key_file", "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: \"rsa-key-20261102\"\n"+fake(815, 64, alnum+"+/")+"\n"+fake(816, 64, alnum+"+/")+"\n---- END SSH2 ENCRYPTED PRIVATE KEY ----"),
				skv("minisign_key", "untrusted comment: minisign encrypted secret key\nRWRTY0Iy"+fake(817, 150, alnum+"+/")+"="),
				skv("sig_key", "untrusted comment: signify secret key\nRWRCSwAAA"+fake(818, 90, alnum+"+/")+"=="),
			},
			{
				skv("pub", "---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"rsa-key\"\n"+fake(819, 64, alnum+"+/")+"\n---- END SSH2 PUBLIC KEY ----"),
				skv("minisign_pub", "untrusted comment: minisign public key 5B4C2A\nRWQ"+fake(820, 53, alnum+"+/")),
				skv("sig", "untrusted comment: signature from minisign secret key\nRUQ"+fake(821, 100, alnum+"+/")+"\ntrusted comment: timestamp:1795000000"),
			},
		},
		"card.pan": {
			{skv("note", "card 4111\u20131111\u20131111\u20131111 thanks"), skv("raw", "5500\u30000000\u30000000\u30000004"), skv("msg", "3782\u00b7822463\u00b710005"), skv("v", "4111\u22121111\u22121111\u22121111")},
			{skv("note", "card 4111\u20131111\u20131111\u20131112 thanks"), skv("years", "2019\u20132024, 2025\u20142026"), skv("phone", "+7 916 123\u201345\u201367")},
		},
		"card.split": {
			{
				{props: `{"card_number":["4111","1111","1111","1111"]}`, secret: "4111"},
				{props: `{"pan_parts":["5500","0000","0000","0004"]}`, secret: "5500"},
				{props: `{"ccnum":[3782,822463,10005]}`, secret: "822463"},
			},
			{
				{props: `{"card_number":["4111","1111","1111","1112"]}`},
				{props: `{"order_parts":["4111","1111","1111","1111"]}`},
				{props: `{"card_number":["4111","1111","1111","11a1"]}`},
			},
		},
	}
}

func TestKinds8Families(t *testing.T) {
	c := mustChecker(t, DefaultPolicy())
	runFamCases(t, c, kinds8Cases())
}

func kinds8Cases() []famCase {
	return []famCase{
		pos("card array groups", `{"cardNumber":["4111","1111","1111","1111"],"exp":"09/29"}`, "1111"),
		neg("card array of last4s", `{"cards":["4242","1881"]}`),
		neg("card array ids", `{"card_ids":["card_1","card_2"]}`),
		// One-time codes in SMS bodies of more languages and senders.
		pos("otp russian", skv("sms_body", "Код подтверждения: 530917. Никому не сообщайте его").props, "530917"),
		pos("otp japanese", skv("sms_body", "認証コード：530917 （10分間有効）").props, "530917"),
		pos("otp chinese", skv("sms_body", "【Acme】验证码：530917，5分钟内有效").props, "530917"),
		pos("otp korean", skv("sms_body", "[Web발신] 인증번호 [530917]를 입력해주세요").props, "530917"),
		pos("otp arabic", skv("sms_body", "رمز التحقق الخاص بك هو 530917").props, "530917"),
		pos("otp spanish", skv("sms_body", "Tu código de acceso es 530917").props, "530917"),
		pos("otp sender letter", skv("sms_body", "G-530917 is your Google verification code.").props, "530917"),
		neg("otp cue no code", skv("sms_body", "Код подтверждения отправлен на ваш номер").props),
		neg("otp cue order number", skv("message", "验证码已发送，订单号 A5309").props),
		// National IDs of more countries under their keys, by their checks
		// (published examples where the issuer gives one).
		pos("snils key", skv("snils", "112-233-445 95").props, "112-233-445 95"),
		pos("snils cyrillic upper", skv("СНИЛС", "112-233-445 95").props, "112-233-445 95"),
		neg("snils bad check", skv("snils", "112-233-445 96").props),
		pos("inn key", skv("inn", "500100732259").props, "500100732259"),
		neg("inn bad check", skv("ИНН", "500100732258").props),
		pos("nip key", skv("nip", "123-456-32-18").props, "123-456-32-18"),
		neg("nip bad check", skv("nip", "123-456-32-19").props),
		pos("svnr key", skv("sv_nummer", "1237 010180").props, "1237 010180"),
		neg("svnr bad check", skv("sv_nummer", "1238 010180").props),
		pos("ird key", skv("ird_number", "49-091-850").props, "49-091-850"),
		pos("ird nine digits", skv("irdNumber", "136-410-132").props, "136-410-132"),
		neg("ird bad check", skv("ird_number", "136-410-133").props),
		pos("medicare au", skv("medicare_number", "2123 45670 1").props, "2123 45670 1"),
		neg("medicare au bad", skv("medicare_number", "2123 45671 1").props),
		pos("kode melli", skv("kode_melli", "0499370899").props, "0499370899"),
		neg("kode melli bad", skv("kode_melli", "0499370898").props),
		pos("iqama", skv("iqama_number", luhnOf("210000000")).props, luhnOf("210000000")),
		neg("iqama bad", skv("iqama_number", bumpLast(luhnOf("210000000"))).props),
		pos("mbi key", skv("mbi", "1EG4-TE5-MK73").props, "1EG4-TE5-MK73"),
		pos("mykad key", skv("mykad", "900101-14-5678").props, "900101-14-5678"),
		neg("mykad bad month", skv("mykad", "901301-14-5678").props),
		pos("amka cue", skv("body", "My AMKA is "+luhnOf("0101801234")).props, luhnOf("0101801234")),
		neg("amka cue bad", skv("body", "My AMKA is "+bumpLast(luhnOf("0101801234"))).props),
		pos("sv nummer cue", skv("body", "Meine SV-Nummer: 1237 010180").props, "1237 010180"),
		neg("sv nummer cue bad", skv("body", "Meine SV-Nummer: 1238 010180").props),
		pos("rnokpp cue", skv("body", "Мій РНОКПП "+uaOf("301234567")).props, uaOf("301234567")),
		// INSERT statements: each value judged by its column's name.
		pos("sql insert password", skv("statement", "INSERT INTO `users` (`id`, `login`, `plain_password`) VALUES (7, 'ana', 'Kestrel!2931');").props, "Kestrel!2931"),
		pos("sql insert snils", skv("statement", "INSERT INTO customers (id, full_name, snils) VALUES (1, 'A B', '112-233-445 95'), (2, 'C D', '112-233-445 95');").props, "112-233-445 95"),
		neg("sql insert clean", skv("statement", "INSERT INTO products (id, sku, gtin, price_cents) VALUES (12, 'SKU-AB12', '4006381333931', 1299);").props),
		neg("sql insert placeholders", skv("statement", "INSERT INTO users (login, password) VALUES ($1, $2)").props),
		// Passwords in chats of more languages, possessives and joiners.
		pos("chat turkish possessive", skv("message", "Şifrem Kestrel!2931 ama giriş yapamıyorum").props, "Kestrel!2931"),
		pos("chat finnish possessive", skv("message", "Salasanani on Kestrel!2931 eikä se toimi").props, "Kestrel!2931"),
		pos("chat malay", skv("message", "Kata laluan saya ialah Kestrel!2931 tetapi gagal").props, "Kestrel!2931"),
		pos("chat swahili", skv("message", "Nenosiri langu ni Kestrel!2931 lakini haliingii").props, "Kestrel!2931"),
		pos("chat tagalog", skv("message", "Ang password ko ay Kestrel!2931 pero ayaw gumana").props, "Kestrel!2931"),
		pos("chat vietnamese", skv("message", "Mật khẩu của tôi là Kestrel!2931 nhưng không đăng nhập được").props, "Kestrel!2931"),
		pos("chat thai", skv("message", "รหัสผ่านของฉันคือ Kestrel!2931 เข้าไม่ได้").props, "Kestrel!2931"),
		pos("chat greek", skv("message", "ο κωδικός μου είναι Kestrel!2931 αλλά δεν μπαίνω").props, "Kestrel!2931"),
		pos("chat georgian", skv("message", "ჩემი პაროლია Kestrel!2931, ვერ შევდივარ").props, "Kestrel!2931"),
		pos("chat hindi", skv("message", "मेरा पासवर्ड Kestrel!2931 है").props, "Kestrel!2931"),
		neg("chat turkish reset", skv("message", "Şifremi unuttum, sıfırlama e-postası gelmedi").props),
		neg("chat greek code", skv("message", "ο κωδικός προϊόντος είναι AB-1234").props),
		neg("chat thai forgot", skv("message", "ลืมรหัสผ่าน ช่วยด้วย").props),
		// {prompt|attr|question: <password word>, reply|response|val: ...}.
		pos("pair prompt response", `{"answers":[{"prompt":"Wachtwoord","response":"Kestrel!2931"}]}`, "Kestrel!2931"),
		pos("pair question reply", `{"answers":[{"question":"Hasło","reply":"Kestrel!2931"}]}`, "Kestrel!2931"),
		pos("pair attr val", `{"answers":[{"attr":"Şifre","val":"Kestrel!2931"}]}`, "Kestrel!2931"),
		neg("pair prompt company", `{"answers":[{"prompt":"Company","response":"Copperkiln Ltd"}]}`),
		neg("pair reply to a comment", `{"comment":{"attr":"title","reply":"Thanks, fixed in 2.3"}}`),
		// Recovery codes after their cue; password keys in more scripts.
		pos("recovery code cue", skv("note", "Recovery code: BCDFG-HJKMP-QRTVW-XY234-67892").props, "BCDFG-HJKMP-QRTVW-XY234-67892"),
		neg("recovery code cue none", skv("note", "Recovery codes were regenerated").props),
		pos("key mongolian", skv("нууц үг", "Kestrel!2931").props, "Kestrel!2931"),
		pos("key burmese", skv("စကားဝှက်", "Kestrel!2931").props, "Kestrel!2931"),
		pos("key telugu zwnj", skv("పాస్\u200cవర్డ్", "Kestrel!2931").props, "Kestrel!2931"),
		pos("key albanian definite", skv("fjalëkalimi", "Kestrel!2931").props, "Kestrel!2931"),
		pos("key tpin", skv("tpin", "48213").props, "48213"),
		pos("key seed words", skv("seedWords", "cactus dwarf echo fossil galaxy harvest island jungle kitten ladder magnet napkin").props, "cactus dwarf echo"),
		neg("key mongolian changed", `{"нууц үг_changed": true}`),
		// Bank accounts: Argentina's CBU under its key, Russian requisites
		// after р/с, account cues in more languages.
		pos("cbu key", `{"transferencia":{"cbu_destino":"2850590940090418135201"}}`, "2850590940090418135201"),
		pos("cbu upper key", skv("CBU", "2850590940090418135201").props, "2850590940090418135201"),
		pos("ru requisites", skv("requisites", "Получатель: Иванов И.И.\nБИК 044525225\nр/с 40817810099910004312\nИНН банка 7707083893").props, "40817810099910004312"),
		pos("clabe cue", skv("message", "mi CLABE es 002010077777777771").props, "002010077777777771"),
		neg("ru bik alone", skv("requisites", "БИК 044525225, корр. счет указан на сайте").props),
		neg("cbu word alone", skv("message", "¿Dónde encuentro mi CBU?").props),
		// Parallel lists of names and values.
		pos("parallel password", `{"field_names":["username","password"],"field_values":["ana","Kestrel!2931"]}`, "Kestrel!2931"),
		pos("parallel values first", `{"values":["ana","Kestrel!2931"],"fields":["login","passcode"]}`, "Kestrel!2931"),
		pos("parallel card cells", `{"headers":["Name on card","Card number","Expiry"],"cells":["Ana","4111111111111111","09/29"]}`, "4111111111111111"),
		neg("parallel clean", `{"field_names":["username","password_strength","remember_me"],"field_values":["ana","strong","true"]}`),
		neg("parallel lengths differ", `{"field_names":["username","password"],"field_values":["ana"]}`),
		// A country-qualified ID key with a trailing index.
		pos("country key trailing digit", skv("social_security_ch_2", "756.9217.0769.85").props, "756.9217.0769.85"),
		neg("country key trailing digit bad", skv("social_security_ch_2", "756.9217.0769.86").props),
		// HTTPie's and xh's -a user:password.
		pos("httpie auth", skv("snippet", "http -a nikos:'Kestrel!2931' GET https://api.example.com/v1/invoices").props, "Kestrel!2931"),
		pos("xh auth", skv("snippet", "xh -a ops:Kestrel!2931 https://api.example.com/v1/jobs").props, "Kestrel!2931"),
		neg("httpie auth prompt", skv("snippet", "http -a admin GET https://api.example.com/v1/invoices").props),
		neg("tar -a", skv("snippet", "tar -a -cf backup.tar.gz ./data:Kestrel").props),
		neg("otp letter id", skv("message", "AB-530917 is your ticket, not a verification code").props),
	}
}

// luhnOf appends the Luhn check digit to body.
func luhnOf(body string) string {
	for c := 0; c <= 9; c++ {
		if x := body + string(rune('0'+c)); luhn([]byte(x)) {
			return x
		}
	}
	return ""
}

// uaOf appends the RNOKPP check digit to nine digits.
func uaOf(body string) string {
	for c := 0; c <= 9; c++ {
		if x := body + string(rune('0'+c)); uaRNOKPPValid([]byte(x)) {
			return x
		}
	}
	return ""
}

// TestKinds8ScanMatchesEvent: the rescan path finds what Event finds on
// the round's positive cases (parallel lists and card arrays at the top
// level give their siblings context).
func TestKinds8ScanMatchesEvent(t *testing.T) {
	c := mustChecker(t, DefaultPolicy())
	for _, fc := range kinds8Cases() {
		r := checkEvent(t, c, fc.props)
		scanned, err := c.Scan(1, "e", "d", fc.props, nil)
		if err != nil {
			t.Fatalf("%s: Scan: %v", fc.name, err)
		}
		if len(scanned) != len(r.findings) {
			t.Errorf("%s: Scan finds %d, Event finds %d", fc.name, len(scanned), len(r.findings))
		}
	}
}
