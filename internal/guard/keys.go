package guard

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// keyKind is what a property name says about its value.
type keyKind uint8

const (
	kNone keyKind = iota
	kPassword
	kPwd // "pwd": a password, unless the value is a path
	kPIN
	kPass // "pass", "clave", "parola": a password only when the value is credential-shaped
	kSecret
	kAuth   // Authorization header
	kCookie // Cookie / Set-Cookie header
	kOTP    // one-time code
	kTOTP   // TOTP seed
	kPrivKey
	kCard
	kCVV
	kExpiry
	kCardParent // "card", "payment_card": an object whose number/cvc/exp are card data
	kNatID
	kSSN
	kBank
	kIBAN
	kBankParent
	kEmail
	kPhone
	kURL
	kKey           // "<something>_key" the dictionary does not know: a secret only when strongly random
	kJWKPriv       // private member of a JSON Web Key (d, p, q, dp, dq, qi, k)
	kElements      // $elements: autotrack element list
	kElementsChain // $elements_chain: PostHog's string form
	kTyped         // the text of an rrweb Input event ({source: 5, text, isChecked}): what the user typed
	kMaxKind
)

// sensitiveKey reports whether the key alone marks its value as critical
// (given a value of the right shape).
func (k keyKind) sensitive() bool {
	switch k {
	case kPassword, kPwd, kPIN, kPass, kKey, kSecret, kAuth, kCookie, kOTP, kTOTP, kPrivKey, kJWKPriv,
		kCard, kCVV, kExpiry, kNatID, kSSN, kBank, kIBAN:
		return true
	}
	return false
}

var keyDict = map[string]keyKind{}

func addKeys(k keyKind, names ...string) {
	for _, n := range names {
		keyDict[n] = k
	}
}

func init() {
	addKeys(kPassword,
		"password", "passwd", "passwort", "passphrase", "passcode", "pw", "pword", "pswd", "psw",
		"userpass", "loginpass", "adminpass", "rootpass", "dbpass", "mypass", "newpass", "oldpass", "currentpass",
		"confirmpass", "accountpass", "wifipass", "mailpass", "smtppass", "masterpass", "secretword",
		"kennwort", "contraseña", "contrasena", "contrasenya", "clavedeacceso", "motdepasse", "mdp", "senha",
		"wachtwoord", "haslo", "hasło", "parool", "lösenord", "losenord", "salasana",
		"adgangskode", "passord", "jelszó", "jelszo", "heslo", "şifre", "sifre", "geslo", "lozinka",
		"wagwoord", "slaptažodis", "slaptazodis", "salasõna", "salasona", "parolă", "jelszava",
		"пароль", "пароля", "парола", "лозинка", "パスワード", "暗証番号", "密码", "密碼", "口令", "비밀번호", "암호",
		"كلمةالمرور", "كلمةالسر", "رمزعبور", "סיסמה", "סיסמא", "matkhau", "mậtkhẩu", "katasandi", "katalaluan", "sandi",
		"κωδικός", "κωδικοσ", "συνθηματικό", "पासवर्ड", "รหัสผ่าน", "parolası",
		"currentpassword", "newpassword", "oldpassword", "passwordhash", "hashedpassword",
	)
	addKeys(kPassword, "lykilorð", "lykilord", "pasahitza", "contrasinal", "pasvorto", "nenosiri", "비번", "գաղտնաբառ",
		"პაროლი", "পাসওয়ার্ড", "கடவுச்சொல்", "پاسورڈ", "parol", "құпиясөз", "parolu", "lösen", "losen", "kodeord",
		"passw", "passwrd", "passwds", "userpw", "loginpw", "pwrd", "pssword", "passwort2", "geheimwort",
		"zugangscode", "zugangspasswort", "accesscode", "clavesecreta2", "senhaatual", "novasenha", "nuevacontraseña",
		"nouveaumotdepasse", "neuespasswort", "nieuwwachtwoord", "nuovapassword", "новыйпароль")
	addKeys(kPassword, "palavrapasse", "palavradepasse", "contrassenya", "гасло", "lozinke", "parolasi", "passwortneu",
		"apipassword", "dbpassword", "databasepassword", "smtppassword", "adminpassword", "rootpassword",
		"userpassword", "loginpassword", "accountpassword", "wifipassword", "clavedeusuario", "codigodeacceso")
	// Words that also mean something else ("boarding pass", "pass/fail",
	// Italian "parola" = word): a password only when the value looks typed
	// as one (see keyHit).
	addKeys(kPass, "pass", "passe", "clave", "parola", "parole")
	// Answers to security questions are credentials.
	addKeys(kPassword, "secretanswer", "securityanswer", "securityanswers", "secretanswers", "securityquestionanswer",
		"secretquestionanswer", "challengeanswer", "recoveryanswer", "memorableword", "memorablephrase",
		"memorableinfo", "memorableinformation", "memorabledate", "mothersmaidenname", "maidenname",
		"respuestasecreta", "respuestadeseguridad", "reponsesecrete", "sicherheitsantwort", "antwortsicherheitsfrage",
		"respostasecreta", "rispostasegreta")
	// Plurals: lists of values.
	addKeys(kPassword, "passwords", "passwörter", "passworter", "contraseñas", "contrasenas")
	addKeys(kPIN, "pins")
	// keytool's and other tools' password options.
	addKeys(kPassword, "storepass", "keypass", "srcstorepass", "deststorepass", "srckeypass", "destkeypass",
		"storepassword", "keystorepassword", "truststorepassword", "keypassword")
	addKeys(kSecret, "secrets", "apikeys", "accesstokens", "refreshtokens", "authtokens", "bearertokens", "apitokens",
		"sessiontokens", "clientsecrets", "secretkeys", "accesskeys")
	addKeys(kPrivKey, "privatekeys")
	addKeys(kCard, "cardnumbers", "creditcards", "cards")
	addKeys(kSSN, "ssns")
	addKeys(kIBAN, "ibans")
	// Wi-Fi pre-shared keys are the network's password.
	addKeys(kPassword, "upass", "upassword", "mima", "psk", "wpapsk", "presharedkey", "wpapassphrase", "wifipassphrase", "wifikey", "networkkey")
	addKeys(kPwd, "pwd", "userpwd", "newpwd", "oldpwd", "dbpwd", "loginpwd", "confirmpwd")
	addKeys(kPIN, "пин", "пинкод", "codigopin", "pinkodu", "kodpin", "pincodigo", "numeropin")
	addKeys(kPIN, "pin", "pinnumber", "pincode", "atmpin", "cardpin", "securitypin", "userpin", "accountpin",
		"pinkod", "pinkode", "geheimzahl", "codepin", "codigopin", "passcodepin",
		// Codes that unlock a device, a door or an account as a PIN does.
		"unlockcode", "unlockpin", "lockcode", "screenlockcode", "screenlockpin", "devicepin", "phonepin", "simpin",
		"puk", "pukcode", "doorcode", "alarmcode", "keypadcode", "gatecode", "safecode", "lockerpin", "lockercode",
		"pinnummer", "codiceblocco", "codigodesbloqueo", "codedeverrouillage", "entsperrcode", "ontgrendelcode")
	addKeys(kSecret,
		"secret", "token", "apikey", "apitoken", "apisecret", "apisecretkey", "accesskey", "accesskeyid", "secretkey",
		"secretaccesskey", "awssecretaccesskey", "awsaccesskeyid", "awssecretkey", "clientsecret", "consumersecret",
		"consumerkey", "appsecret", "appkey", "applicationkey", "accesstoken", "refreshtoken", "idtoken", "authtoken",
		"bearertoken", "sessiontoken", "sessionkey", "sessionsecret", "sessioncookie", "csrftoken", "xsrftoken",
		"csrf", "xsrf", "csrfmiddlewaretoken", "authenticitytoken", "personalaccesstoken", "credential", "credentials",
		"creds", "auth", "authkey", "authcode", "authorizationcode", "oauthtoken", "oauthsecret", "oauthverifier",
		"webhooksecret", "signingsecret", "signingkey", "encryptionkey", "decryptionkey", "masterkey", "licensekey",
		"hmac", "hmackey", "hmacsecret", "jwt", "jwttoken", "bearer", "sharedsecret", "secretkeybase", "secrettoken",
		"servicekey", "serviceaccountkey", "subscriptionkey", "ocpapimsubscriptionkey", "xapikey", "xauthtoken",
		"xaccesstoken", "apiaccesstoken",
		"resettoken", "verificationtoken", "confirmationtoken", "invitetoken", "magictoken", "logintoken",
		"remembertoken", "rememberme", "accountkey", "storagekey", "sastoken",
		"passkey", "recoverycode", "recoverycodes", "backupcode", "backupcodes", "recoverykey", "seedphrase",
		"mnemonic", "recoveryphrase", "walletseed", "secretphrase", "geheimnis", "secreto", "segredo", "clé", "cle",
		"cleapi", "トークン", "令牌", "密钥", "秘密鍵",
	)
	addKeys(kSecret,
		"токен", "токендоступа", "ключдоступа", "секретныйключ", "apiключ", "ключapi", "секрет", "апиключ",
		"jeton", "jetondacces", "jetondaccès", "cleapi", "clésecrète", "clesecrete", "clésecrete", "clavesecreta",
		"clavedeapi", "claveapi", "tokendeacceso", "tokendeacesso", "chavedeacesso", "chaveapi", "chavesecreta",
		"zugangstoken", "zugriffstoken", "geheimerschlüssel", "geheimerschluessel", "apischlüssel", "apischluessel",
		"toegangstoken", "geheimesleutel", "apisleutel", "chiaveapi", "chiavesegreta", "tokendiaccesso",
		"erişimanahtarı", "erisimanahtari", "gizlianahtar", "apianahtarı", "klucz", "kluczapi", "tajnyklucz",
		"访问令牌", "访问密钥", "秘钥", "访问token", "アクセストークン", "シークレット", "アクセスキー", "シークレットキー",
		"액세스토큰", "비밀키", "api키", "토큰", "시크릿", "cred", "apikeysecret", "accesskeysecret",
		"deploykey", "deploytoken", "runnertoken", "bottoken", "securitytoken", "accesssecret", "tokensecret",
		"oauthtokensecret", "privatetoken", "githubtoken", "gitlabtoken", "npmtoken", "slacktoken", "awssecret",
		"stripekey", "stripesecret", "openaikey", "webhookkey", "integrationtoken", "servicetoken",
		"machinetoken", "clitoken", "agenttoken", "admintoken", "rootkey", "secretaccesstoken",
	)
	// Stop entries: keys that end like a secret but name something public.
	addKeys(kNone, "pagetoken", "nextpagetoken", "prevpagetoken", "previouspagetoken", "continuationtoken",
		"cursortoken", "nexttoken", "synctoken", "paginationtoken", "pagingtoken", "cachekey", "s3key",
		"objectkey", "idempotencykey", "sortkey", "partitionkey", "primarykey", "foreignkey", "publickey",
		"pubkey", "publishablekey", "keyid", "kid", "keyname", "hotkey", "shortcutkey", "i18nkey",
		"translationkey", "storagekeyname", "eventkey", "tokenizer", "csrfheader", "sessionid", "anonid",
		"tokenid", "tokentype", "keytype", "rowkey", "routekey", "routingkey", "lookupkey", "uniquekey", "dedupkey",
		"dedupekey", "groupkey", "mapkey", "hashkey", "bucketkey", "sessionkeyid", "featurekey", "flagkey",
		"experimentkey", "variantkey", "querykey", "reactkey", "itemkey", "productkey", "categorykey",
		"settingkey", "configkey", "propertykey", "fieldkey", "columnkey", "messagekey", "templatekey", "apikeyid",
		"apikeyname", "apikeyprefix", "apikeylast4", "tokenprefix", "tokenlast4", "tokenhint")
	// Keys made to be public: client-side keys and ids that web pages and
	// apps embed by design (analytics project tokens and write keys,
	// captcha site keys, OAuth client ids, search-only keys, anon keys).
	addKeys(kNone, "anonkey", "supabaseanonkey", "anonpublickey", "sitekey", "recaptchasitekey", "hcaptchasitekey",
		"turnstilesitekey", "captchasitekey", "writekey", "segmentwritekey", "rudderstackwritekey", "clientid",
		"oauthclientid", "appid", "applicationid", "measurementid", "projecttoken", "mixpaneltoken",
		"mixpanelprojecttoken", "projectapikey", "posthogprojectapikey", "posthogapikey", "posthogkey",
		"posthogprojectkey", "amplitudeapikey", "amplitudekey", "heapappid", "searchkey", "searchapikey",
		"searchonlyapikey", "searchonlykey", "algoliasearchkey", "algoliasearchapikey", "clienttoken",
		"ddclienttoken", "datadogclienttoken", "rumclienttoken", "clientsidekey", "clientsideid",
		"browserkey", "publicapikey", "publicsdkkey", "sdkclientkey", "publictoken", "mapboxpublictoken",
		"publicaccesstoken", "publishabletoken", "publishableapikey", "statsigclientkey", "clientsdkkey")
	// Push notification tokens address a device (analytics SDKs store
	// them on profiles, mixpanel as $ios_devices); sending needs the
	// sender's server key, which is a secret.
	addKeys(kNone, "pushtoken", "devicetoken", "fcmtoken", "apnstoken", "registrationtoken", "apnsdevicetoken",
		"fcmregistrationtoken", "expopushtoken", "pushnotificationtoken", "notificationtoken", "gcmtoken",
		"pushregistrationtoken", "iosdevices", "androiddevices")
	// Public bank identifiers: they name a bank or branch, not an account.
	addKeys(kNone, "routingnumber", "routing", "routingno", "abanumber", "abarouting", "aba", "rtn", "sortcode",
		"bsb", "bsbnumber", "transitnumber", "institutionnumber", "branchcode", "achrouting", "bic", "swift",
		"swiftcode", "swiftbic", "bankcode", "bankleitzahl", "blz", "ifsc", "ifsccode")
	addKeys(kAuth, "authorization", "authheader", "authorizationheader", "proxyauthorization")
	addKeys(kCookie, "cookie", "cookies", "setcookie", "cookieheader", "phpsessid", "jsessionid", "connectsid", "laravelsession")
	addKeys(kOTP, "2fa", "mfa", "codigoverificacion", "codigodeverificacion", "codigodeverificacao", "verifizierungscode",
		"bestätigungscode", "bestaetigungscode", "codedeverification", "codicediverifica", "verificatiecode",
		"кодподтверждения", "验证码", "認証コード", "인증번호", "doğrulamakodu", "dogrulamakodu", "smsotp", "emailotp",
		"otppin", "securitycodeotp", "verifycode", "confirmationcode", "logincode", "twofactor", "2facode2")
	addKeys(kOTP, "otp", "otpcode", "onetimecode", "onetimepassword", "onetimepasscode", "verificationcode", "smscode",
		"mfacode", "2facode", "twofactorcode", "totpcode", "authcode2fa", "securitycode2fa", "otpvalue", "mfatoken", "tfacode")
	// Passwords, PINs and one-time codes in more languages and scripts
	// (keys are lower-cased with Unicode case folding and accent-folded
	// before lookup: "ΚΩΔΙΚΌΣ", "Пароль" match too).
	addKeys(kPassword, "κωδικόςπρόσβασης", "κωδικόςχρήστη", "συνθηματικό", "paroladordine", "paroladiaccesso",
		"パスコード", "ログインパスワード", "登录密码", "登錄密碼", "支付密码", "交易密码", "用户密码", "로그인비밀번호",
		"кодовоеслово", "пароли", "парольпользователя", "гасло", "шифра", "лозинку", "סיסמת", "رمزالمرور",
		"गुप्तशब्द", "mậtmã", "matma")
	addKeys(kPIN, "κωδικόςpin", "pinκωδικός", "pinコード", "暗証コード", "pin码", "pin碼", "个人识别码", "個人識別碼",
		"핀번호", "핀코드", "пинкодкарты", "الرقمالسري", "رمزpin", "קודסודי", "पिन", "पिनकोड", "รหัสpin", "mãpin", "mapin")
	addKeys(kOTP, "κωδικόςεπαλήθευσης", "κωδικόςεπιβεβαίωσης", "κωδικόςμιάςχρήσης", "κωδικόςotp",
		"確認コード", "確認番号", "認証番号", "ワンタイムパスワード", "ワンタイムコード",
		"验证代码", "驗證碼", "校验码", "校驗碼", "动态密码", "動態密碼", "一次性密码", "一次性密碼", "短信验证码", "簡訊驗證碼",
		"인증코드", "확인코드", "일회용비밀번호", "otp번호", "одноразовыйкод", "одноразовыйпароль", "кодизсмс", "смскод",
		"кодпідтвердження", "одноразовийкод", "رمزالتحقق", "رمزالتأكيد", "كودالتحقق", "קודאימות", "ओटीपी", "सत्यापनकोड",
		"รหัสยืนยัน", "รหัสotp", "mãxácthực", "maxacthuc", "mãotp", "kodeverifikasi", "kodeotp", "kodweryfikacyjny",
		"kodsms", "jednorazowykod", "overenikod", "ověřovacíkód", "vahvistuskoodi", "bekræftelseskode", "verifieringskod",
		"bekreftelseskode", "einmalcode", "einmalpasswort", "codiceotp", "codigootp", "codeotp",
		"tekkullanimliksifre", "tekkullanımlıkşifre")
	addKeys(kTOTP, "totp", "totpsecret", "totpseed", "otpsecret", "otpseed", "mfasecret", "mfaseed", "2fasecret",
		"twofactorsecret", "authenticatorsecret", "authenticatorkey", "tfasecret")
	addKeys(kPrivKey, "privatekey", "privkey", "sshkey", "sshprivatekey", "rsaprivatekey", "pemkey", "pgpprivatekey",
		"gpgprivatekey", "walletprivatekey", "secretkeypem", "clavprivada", "cleprivee", "privaterschlüssel",
		// The private key of a kubeconfig user (client-key-data: base64 of
		// PEM) and the data keys of Kubernetes TLS and SSH secrets.
		"clientkeydata", "tlskey", "sshprivatekeydata", "clientkeypem", "tlsprivatekey")
	addKeys(kCard,
		"cardnumber", "cardnum", "cardno", "ccnumber", "ccnum", "ccno", "creditcard", "creditcardnumber", "creditcardno",
		"debitcard", "debitcardnumber", "pan", "primaryaccountnumber", "kartennummer", "kreditkarte", "kreditkartennummer",
		"numerodetarjeta", "numerotarjeta", "tarjetadecredito", "numerodecarte", "numerocarte", "cartebancaire",
		"cartedecredit", "numerodicarta", "numerocarta", "cartadicredito", "numerodocartao", "numerocartao",
		"numerodocartão", "numerocartão", "cartaodecredito", "kaartnummer", "creditcardnummer", "kortnummer",
		"kortnumber", "номеркарты", "カード番号", "卡号", "信用卡号", "카드번호", "cardpan", "paymentcardnumber",
		"numerokarty", "kartnumarası", "kartnumarasi", "číslokarty", "cislokarty", "korttinumero", "kártyaszám",
		"kartyaszam", "αριθμόςκάρτας", "מספרכרטיס", "رقمالبطاقة", "kartnummer", "kreditkartnummer", "银行卡号",
		"クレジットカード番号", "신용카드번호", "numerodecartao", "numerocarta", "numerotarjetacredito",
	)
	addKeys(kCVV, "cvv", "cvv2", "cvc", "cvc2", "cvn", "csc", "cvd", "securitycode", "cardsecuritycode", "cardcode",
		"cardcvv", "cardcvc", "cccsc", "cccvv", "cccvc", "cardverificationcode", "cardverificationvalue",
		"cardverification", "cardsecurity", "cardvalidation", "cardvalidationcode", "cardvalidationvalue", "cardidentificationnumber",
		"codigodeseguridad", "cryptogramme", "prüfnummer", "pruefnummer", "kartenprüfnummer", "prüfziffer",
		"codicedisicurezza", "codigodeseguranca", "kodbezpieczenstwa", "cvvcode", "cvccode", "cardcvv2",
		"セキュリティコード", "安全码", "보안코드", "guvenlikkodu", "güvenlikkodu", "codicecvv", "cryptogrammevisuel",
		"cvvnumber", "cvcnumber", "cvv2number", "cscnumber", "csccode", "cidcode", "cardsecuritynumber",
		"verificationvalue", "cardverificationnumber", "cvvcvc", "cvccvv", "cvv2cvc2")
	addKeys(kExpiry, "ccexp", "ccexpiry", "ccexpiration", "ccexpdate", "ccexpmonth", "ccexpyear", "cardexp", "cardexpiry",
		"cardexpiration", "cardexpdate", "cardexpmonth", "cardexpyear", "cardexpirymonth", "cardexpiryyear",
		"cardexpirationmonth", "cardexpirationyear", "cardexpirationdate", "cardexpirydate", "creditcardexpiry",
		"creditcardexpiration",
		// Generic expiry words count only next to a card number (see walkObject).
		"exp", "expiry", "expiration", "expires", "expdate", "expirydate", "expirationdate", "expmonth", "expyear",
		"expirymonth", "expiryyear", "expirationmonth", "expirationyear", "validthru", "validthrough", "validuntil",
		"goodthru", "ablaufdatum", "gültigbis", "gultigbis", "gueltigbis", "fechadevencimiento", "vencimiento",
		"fechadecaducidad", "caducidad", "dateexpiration", "datedexpiration", "scadenza", "datascadenza",
		"vervaldatum", "geldigtot", "validade", "datadevalidade", "utgångsdatum", "utgangsdatum", "срокдействия",
		"有效期", "有効期限", "유효기간", "sonkullanmatarihi", "datawaznosci")
	addKeys(kCardParent, "card", "cc", "creditcard", "paymentcard", "debitcard", "cardinfo", "carddetails", "carddata",
		"tarjeta", "carte", "karte", "cartao", "cartão", "payment", "paymentmethod", "paymentdetails", "paymentinfo",
		"billing", "billinginfo", "billingdetails", "checkoutpayment", "paymentsource", "source", "zahlung",
		"zahlungsmittel", "pago", "mediodepago", "paiement", "moyendepaiement", "pagamento")
	addKeys(kSSN, "ssn", "socialsecurity", "socialsecuritynumber", "socialsecurityno", "socsec", "socsecnum",
		"ssnumber", "itin", "ssnitin")
	addKeys(kNatID,
		"taxid", "tin", "taxidentificationnumber", "taxpayerid", "nationalid", "nationalidnumber", "nationalidentifier",
		"nationalidentitynumber", "nationalidentificationnumber", "idnumber", "idcard", "idcardnumber", "identitynumber",
		"identitycard", "identitycardnumber", "governmentid", "govid", "govtid", "nin", "nino", "nationalinsurance",
		"nationalinsurancenumber", "nationalinsuranceno", "bsn", "burgerservicenummer", "dni", "nie", "nif", "cpf",
		"curp", "rfc", "pesel", "aadhaar", "aadhar", "aadhaarnumber", "aadharnumber", "uidai", "pannumber", "pancard",
		"nir", "numerosecu", "numerodesecuritesociale", "numerosecuritesociale", "securitesociale", "nss",
		"personnummer", "personalnumber", "personalidentitynumber", "personalidnumber", "hetu", "henkilotunnus",
		"henkilötunnus", "sin", "socialinsurance", "socialinsurancenumber", "codicefiscale", "steuerid",
		"steueridentifikationsnummer", "sozialversicherungsnummer", "personalausweis", "personalausweisnummer",
		"ausweisnummer", "passport", "passportnumber", "passportno", "passportnum", "driverslicense", "driverlicense",
		"driverslicence", "drivinglicence", "drivinglicense", "driverslicensenumber", "driverlicensenumber",
		"drivinglicencenumber", "rrn", "residentregistrationnumber", "주민등록번호", "mynumber", "マイナンバー",
		"身份证", "身份证号", "身份证号码", "cédula", "cedula", "cedulaidentidad", "rut", "run", "cuil", "cuit", "dninumber",
		"documentoidentidad", "numerodocumento", "ahvnummer", "ahv", "cnp", "egn", "oib", "jmbg", "emso", "amka",
		"cpr", "cprnummer", "fødselsnummer", "fodselsnummer", "kennitala", "isikukood", "asmenskodas", "personaskods",
		"rodnecislo", "rodnéčíslo", "tckimlikno", "tckn", "kimlikno", "nric", "fin", "hkid", "hkidno", "hkidnumber", "hongkongid",
		"hongkongidentitycard", "hongkongidcard", "hongkongidentitycardnumber", "身份證", "身份證號碼", "香港身份證",
		"身分證", "身分證字號", "身分證號碼", "統一證號", "居留證號", "taiwanid", "taiwannationalid", "twid", "twnationalid", "mykad", "ktp", "nik",
		"idno", "socialid", "nationalidcard", "citizenid", "voterid", "ssnlast9", "residentid", "residentidnumber",
		"residentidcard", "personalid", "personalidno", "personalidcode", "personalcode", "personalidentitycode",
		"documentnumber", "iddocumentnumber", "documentno", "taxnumber", "taxno", "taxcode", "taxpayernumber",
		"steuernummer", "steueridnr", "idnr", "identificationnumber", "identitycode", "citizennumber",
		"personalnummer", "numeroidentidad", "numerodeidentidad", "numerodocumentoidentidad", "identitetsnummer",
		"身份证号码", "居民身份证", "公民身份号码", "住民票コード", "주민번호", "nationalidno", "idcardno",
		"numerofiscal", "codigofiscal", "numeroinsee", "numerosecuritesocial", "securitesocialnumber",
		"numerodesecu", "sozialversicherung", "svnr", "svnummer", "versicherungsnummer", "rijksregisternummer",
		"insz", "nrn", "bsnnummer", "persoonsnummer", "cnic", "nid", "nicnumber", "omang", "sanumber",
		"idnumberza", "nationalregistrationnumber", "ninumber", "identifikationsnummer",
		"steuerlicheidentifikationsnummer", "numerodeseguridadsocial", "seguridadsocial", "socialsecuritynr",
		"idpersonal", "rg", "registrogeral", "cni", "cartedidentite", "numerocni", "carteidentite", "dowod",
		"dowodosobisty", "numerpesel", "henkilotunnus2", "personbevis", "sotu", "nationalnumber", "idcode",
		"personalnr", "identitydocument", "idnum",
		// South African identity number; more spellings of the above.
		"said", "rsaid", "zaid", "saidnumber", "southafricanid", "southafricanidnumber", "identitynumberza",
		"socialsec", "socialsecurityid", "ssnid", "nationalidentity", "nationalidentitycard", "taxidnumber",
		"taxidentifier", "taxpayeridentificationnumber", "cpfnumber", "cpfcnpj", "pancardnumber",
		"permanentaccountnumber", "aadhaarcard", "aadharcard", "passportid", "nirpp", "numerofiscale",
		"identificacion", "identificación", "identificacao", "identificação", "numeroidentificacion",
		"numerodeidentificacion", "documentodeidentidad", "documentoidentidade", "carteiradeidentidade", "numerodedocumento", "nrodocumento",
		"personalausweisnr", "identiteitsnummer", "steuerlicheid", "steueridnummer", "sozialversicherungsnr",
		"versicherungsnr", "identitetskort", "henkilokortti", "dui",
		"cedulaciudadania", "cedulaidentidadnumero",
		// Brazil's CNPJ names a company, but a sole trader's (MEI) names a
		// person, and under a key that says so it is removed like a CPF.
		"cnpj", "cnpjnumber", "numerocnpj", "cnpjcpf", "cnpjoucpf", "cpfoucnpj", "shenfenzheng", "shenfenzhenghao",
		"nhsnumber", "nhsno", "nhs", "chinumber", "hkidnumber",
		"juminbeonho", "juminnumber", "mynumbercard", "kojinbango", "個人番号", "gongmin", "cuitcuil", "nuip", "nit",
		// Passports and social insurance in more languages.
		"reisepass", "reisepassnummer", "reisepassnr", "passnummer", "passeport", "numeropasseport",
		"numerodepasseport", "pasaporte", "numeropasaporte", "numerodepasaporte", "passaporto", "numeropassaporto",
		"passaporte", "numerodopassaporte", "paspoort", "paspoortnummer", "paszport", "numerpaszportu",
		"passinumero", "passportnumbers", "assurancesociale", "numeroassurancesociale",
		"numerodassurancesociale", "socialinsuranceno", "sinnumber", "numerosegurosocial", "segurosocial",
		"idcardnumbers", "паспорт", "номерпаспорта", "护照", "护照号", "护照号码",
		"パスポート", "パスポート番号", "여권번호", "여권",
	)
	// Australia's tax file number and Israel's identity number (teudat
	// zehut), whose checks natcheck.go knows.
	addKeys(kNatID, "tfn", "taxfilenumber", "tfnnumber", "teudatzehut", "misparzehut", "zehut", "israeliid",
		"israelid", "israeliidnumber", "תעודתזהות", "מספרזהות", "tckimlik", "kimliknumarası", "kimliknumarasi",
		"tckimliknumarası", "tckimliknumarasi", "tckimliknumarası", "tcnumarası", "sofinummer", "sofinr", "sofinumber",
		"rutcliente", "runcliente", "rutdelcliente", "rutpersona", "rutusuario")
	// Wi-Fi pre-shared keys, and the pairing secrets of Bluetooth LE
	// (a six-digit passkey) and HomeKit (an eight-digit setup code).
	addKeys(kPassword, "wpakey", "wpapsk", "wpapassphrase", "wpa2key", "wpa2psk", "psk", "presharedkey", "wifipsk",
		"wifikey", "wlankey", "wlanpassword", "networkkey")
	addKeys(kPIN, "passkey", "blepasskey", "pairingpasskey", "bluetoothpasskey", "pairingpin", "setupcode",
		"homekitcode", "homekitsetupcode", "accessorysetupcode", "hapsetupcode", "pairingcode", "setuppin")
	addKeys(kIBAN, "iban", "ibannumber", "ibancode", "ibanno", "accountiban", "bankiban")
	addKeys(kBank,
		"bankaccount", "bankaccountnumber", "bankaccountno", "bankacct", "accountnumber", "acctnumber", "acctno",
		"accountno", "accountnum", "acctnum", "kontonummer", "numerodecuenta", "numerocuenta", "cuentabancaria",
		"numerodecompte", "numerocompte", "rib", "clabe", "rekeningnummer", "bankrekening", "contocorrente",
		"numeroconto", "bankkonto", "номерсчета", "口座番号", "银行账号", "银行卡号", "계좌번호", "achaccount", "directdebit", "checkingaccount",
		"savingsaccount", "checkingacct", "savingsacct", "depositaccount", "checkingaccountnumber",
		"savingsaccountnumber", "bankaccountiban", "accountiban", "bankkontonummer", "kontonr", "numerodeconta",
		"contabancaria", "rekeningnr", "tilinumero", "kontonumer", "numerrachunku", "rachunek", "hesapnumarası",
		"hesapno", "счет", "расчетныйсчет", "номерсчёта", "账户号码", "账号", "銀行口座", "口座",
		"accnumber", "accno", "accnum", "accountnr", "acctnr", "bankaccountnr", "bankaccno", "bankacctno",
		"bankacctnumber", "payoutaccountnumber", "beneficiaryaccount", "beneficiaryaccountnumber",
	)
	addKeys(kBankParent, "bank", "bankdetails", "bankinfo", "payout", "payoutaccount", "ach", "sepa", "directdebitmandate",
		"directdeposit", "bankaccountdetails", "banking", "bankdata", "bankverbindung", "datosbancarios", "coordonneesbancaires")
	addKeys(kEmail, "email", "emailaddress", "mail", "useremail", "correo", "correoelectronico", "courriel",
		"adresseemail", "邮箱", "メールアドレス", "почта", "эпочта")
	addKeys(kPhone, "phone", "phonenumber", "phoneno", "tel", "telephone", "telephonenumber", "mobile", "mobilenumber",
		"mobilephone", "mobileno", "cell", "cellphone", "cellnumber", "msisdn", "telefon", "telefono", "teléfono",
		"téléphone", "telefone", "celular", "handynummer", "whatsapp", "telefonnummer", "numerodetelephone",
		"numerodetelefono", "телефон", "電話番号", "电话", "手机", "手机号", "전화번호", "contactnumber", "phonemobile")
	addKeys(kURL, "url", "uri", "href", "link", "referrer", "referer", "currenturl", "initialreferrer", "src",
		"redirect", "redirecturl", "redirecturi", "returnurl", "returnto", "callback", "callbackurl", "location",
		"endpoint", "pageurl", "requesturl", "fullurl", "targeturl", "nexturl", "landingpage", "landingurl",
		"sourceurl", "destinationurl", "imageurl", "downloadurl", "webhookurl", "action", "formaction", "canonicalurl")
	addKeys(kElements, "elements")
	addKeys(kElementsChain, "elementschain")
	foldWords()
}

// latinFold maps accented Latin letters to their base letters, so that a
// key matches however it is accented ("numéro_de_sécurité_sociale",
// "numero_de_seguranca"): tokenize folds keys, foldWords the dictionary.
var latinFold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ā': "a", 'ą': "a", 'ç': "c", 'ć': "c", 'č': "c",
	'ď': "d", 'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ę': "e", 'ě': "e", 'ğ': "g", 'ì': "i", 'í': "i",
	'î': "i", 'ï': "i", 'ī': "i", 'ı': "i", 'ł': "l", 'ñ': "n", 'ń': "n", 'ň': "n", 'ò': "o", 'ó': "o", 'ô': "o",
	'õ': "o", 'ö': "o", 'ø': "o", 'ő': "o", 'ř': "r", 'ś': "s", 'š': "s", 'ş': "s", 'ß': "ss", 'ť': "t", 'ù': "u",
	'ú': "u", 'û': "u", 'ü': "u", 'ū': "u", 'ů': "u", 'ű': "u", 'ý': "y", 'ÿ': "y", 'ź': "z", 'ż': "z", 'ž': "z",
	'æ': "ae", 'œ': "oe", 'ð': "d", 'þ': "th",
	// Greek: accents (tonos, dialytika) and the final sigma.
	'ά': "α", 'έ': "ε", 'ή': "η", 'ί': "ι", 'ό': "ο", 'ύ': "υ", 'ώ': "ω", 'ϊ': "ι", 'ΐ': "ι", 'ϋ': "υ", 'ΰ': "υ",
	'ς': "σ",
}

func foldString(w string) string {
	var b strings.Builder
	for _, r := range w {
		if f, ok := latinFold[r]; ok {
			b.WriteString(f)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// foldWords adds the folded spelling of every dictionary word.
func foldWords() {
	for w, k := range keyDict {
		if f := foldString(w); f != w {
			if _, taken := keyDict[f]; !taken {
				keyDict[f] = k
			}
		}
	}
	for w := range transparent {
		transparent[foldString(w)] = true
	}
	for i := range fusedHeads {
		fusedHeads[i].s = foldString(fusedHeads[i].s)
	}
}

// fusedHeads are dictionary words that are recognised at the end of a
// token written without separators ("newpassword", "xapikey").
var fusedHeads = []struct {
	s string
	k keyKind
}{
	{"password", kPassword}, {"passwort", kPassword}, {"passwd", kPassword}, {"passphrase", kPassword},
	{"passcode", kPassword}, {"kennwort", kPassword}, {"contraseña", kPassword}, {"contrasena", kPassword},
	{"motdepasse", kPassword}, {"wachtwoord", kPassword}, {"пароль", kPassword}, {"パスワード", kPassword},
	{"密码", kPassword}, {"密碼", kPassword}, {"비밀번호", kPassword},
	{"apikey", kSecret}, {"secretkey", kSecret}, {"accesskey", kSecret}, {"accesstoken", kSecret},
	{"refreshtoken", kSecret}, {"authtoken", kSecret}, {"apitoken", kSecret}, {"clientsecret", kSecret},
	{"privatekey", kPrivKey}, {"cardnumber", kCard}, {"creditcard", kCard}, {"ccnumber", kCard},
	{"socialsecuritynumber", kSSN}, {"token", kSecret}, {"secret", kSecret}, {"deploykey", kSecret},
	{"signingkey", kSecret}, {"masterkey", kSecret}, {"encryptionkey", kSecret}, {"authkey", kSecret},
}

// transparent tokens may end a key without changing what it names
// ("password_confirmation", "password2", "apiKeyValue").
var transparent = map[string]bool{
	"nueva": true, "nuevo": true, "actual": true, "anterior": true, "actuel": true, "actuelle": true,
	"nouveau": true, "nouvelle": true, "ancien": true, "ancienne": true, "atual": true, "nova": true,
	"antiga": true, "neu": true, "alt": true, "aktuell": true, "neues": true, "altes": true, "wiederholung": true,
	"confirmar": true, "repetir": true, "repetida": true, "répéter": true, "confirmer": true,
	"nuovo": true, "nuova": true, "attuale": true, "vecchia": true, "nieuw": true, "oud": true, "huidig": true,
	"bevestigen": true, "новый": true, "старый": true, "текущий": true, "подтверждение": true, "повтор": true,
	"新": true, "旧": true, "確認": true, "确认": true, "current": true, "new": true, "old": true, "user": true,
	"value": true, "val": true, "confirmation": true, "confirm": true, "confirmed": true, "again": true,
	"repeat": true, "repeated": true, "retype": true, "reenter": true, "verify": true, "check": true,
	"input": true, "txt": true, "text": true, "str": true, "string": true, "raw": true, "plain": true,
	"plaintext": true, "cleartext": true, "entry": true, "entered": true, "field": true, "fld": true,
	"tf": true, "box": true, "textbox": true, "txtbox": true, "bestätigen": true, "wiederholen": true,
	"confirmacion": true, "confirmación": true, "bestätigung": true, "bestaetigung": true, "répété": true,
	"répétée": true, "confirmé": true, "confirmée": true, "confirmação": true, "confirma": true,
	// Where or how the value is used does not change what it is
	// ("api_key_live", "client_secret_b64", "db_password_prod").
	"prod": true, "production": true, "live": true, "test": true, "dev": true, "development": true,
	"staging": true, "stage": true, "sandbox": true, "qa": true, "primary": true, "secondary": true,
	"backup": true, "b64": true, "base64": true, "hex": true, "encoded": true, "enc": true, "v": true,
	"env": true, "main": true, "default": true,
}

// negativeHead tokens at the start of a key turn it into a statement about
// the thing rather than the thing ("has_password", "max_tokens").
var negativeLead = map[string]bool{
	"has": true, "is": true, "show": true, "hide": true, "should": true, "can": true, "needs": true, "need": true,
	"require": true, "requires": true, "use": true, "uses": true, "using": true, "enable": true, "enabled": true,
	"disable": true, "disabled": true, "allow": true, "allows": true, "with": true, "without": true, "no": true,
	"toggle": true, "forgot": true, "forget": true, "forgotten": true, "min": true, "max": true, "num": true,
	"count": true, "total": true, "did": true, "was": true, "had": true, "missing": true, "invalid": true,
	"supports": true, "support": true, "accepts": true, "accepted": true, "mask": true, "masked": true,
	"validate": true, "generate": true, "generated": true, "on": true, "onchange": true, "change": true,
	"changed": true, "update": true, "updated": true, "set": true, "sets": true, "length": true, "len": true,
}

// keyTok is a tokenised key: lower-cased tokens packed in buf.
type keyTok struct {
	buf  [160]byte
	n    int
	ends [16]uint8 // end offset of each token in buf
	nt   int
}

func (t *keyTok) start(i int) int {
	if i == 0 {
		return 0
	}
	return int(t.ends[i-1])
}

func (t *keyTok) endToken() {
	if t.nt > 0 && int(t.ends[t.nt-1]) == t.n {
		return
	}
	if t.n == 0 && t.nt == 0 {
		return
	}
	if t.nt == len(t.ends) {
		// Too many tokens: keep the last ones by merging the first two.
		copy(t.ends[:], t.ends[1:])
		t.nt--
	}
	t.ends[t.nt] = uint8(t.n)
	t.nt++
}

func (t *keyTok) add(b byte) bool {
	if t.n >= len(t.buf) {
		return false
	}
	t.buf[t.n] = b
	t.n++
	return true
}

// tokenize splits key at separators, case changes and letter/digit changes,
// lower-casing as it goes. Keys longer than the buffer keep their start.
func tokenize(key string, t *keyTok) {
	t.n, t.nt = 0, 0
	const (
		cNone = iota
		cLower
		cUpper
		cDigit
		cOther // non-ASCII letter
	)
	prev := cNone
	for i := 0; i < len(key); {
		c, adv := key[i], 1
		if c == 0xEF && i+2 < len(key) && (key[i+1] == 0xBC || key[i+1] == 0xBD) {
			// Full-width Latin letters and digits (what East Asian input
			// methods type) are the ASCII ones in another width: read
			// "ｐａｓｓｗｏｒｄ" as "password", as Unicode's NFKC folds them.
			if r, size := utf8.DecodeRuneInString(key[i:]); r >= 0xFF10 && r <= 0xFF19 || r >= 0xFF21 && r <= 0xFF3A || r >= 0xFF41 && r <= 0xFF5A {
				c, adv = byte(r-0xFEE0), size
			}
		}
		if c < utf8.RuneSelf {
			var cls int
			switch {
			case c >= 'a' && c <= 'z':
				cls = cLower
			case c >= 'A' && c <= 'Z':
				cls = cUpper
			case c >= '0' && c <= '9':
				cls = cDigit
			default:
				t.endToken()
				prev = cNone
				i += adv
				continue
			}
			split := false
			switch {
			case prev == cNone:
			case cls == cDigit && prev != cDigit, cls != cDigit && prev == cDigit:
				split = true
			case cls == cUpper && prev == cLower:
				split = true
			case cls == cLower && prev == cUpper:
				// "APIKey": the K starts the token "key".
				st := 0
				if t.nt > 0 {
					st = int(t.ends[t.nt-1])
				}
				if t.n-st >= 2 {
					last := t.buf[t.n-1]
					t.n--
					t.endToken()
					t.add(last)
				}
			}
			if split {
				t.endToken()
			}
			if cls == cUpper {
				c += 'a' - 'A'
			}
			if !t.add(c) {
				break
			}
			prev = cls
			i += adv
			continue
		}
		r, size := utf8.DecodeRuneInString(key[i:])
		i += size
		if !unicode.IsLetter(r) && !unicode.IsMark(r) && !unicode.IsDigit(r) {
			t.endToken()
			prev = cNone
			continue
		}
		if prev == cDigit {
			t.endToken()
		}
		r = unicode.ToLower(r)
		if f, ok := latinFold[r]; ok {
			if t.n+len(f) > len(t.buf) {
				break
			}
			t.n += copy(t.buf[t.n:], f)
			prev = cLower
			continue
		}
		if t.n+utf8.RuneLen(r) > len(t.buf) {
			break
		}
		t.n += utf8.EncodeRune(t.buf[t.n:], r)
		prev = cOther
	}
	t.endToken()
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// classifyKey says what a property name tells about its value. It is pure
// and allocation-free.
func classifyKey(key string) keyKind {
	if key == "" {
		return kNone
	}
	var t keyTok
	tokenize(key, &t)
	return classifyTokens(&t)
}

// tailSet holds the last two bytes of every dictionary word and fused
// head: a key (with trailing transparent words removed) that ends with
// none of them names nothing the guard knows, whatever comes before.
var tailSet [1 << 16]bool

func init() {
	mark := func(w string) {
		if len(w) >= 2 {
			tailSet[uint16(w[len(w)-2])<<8|uint16(w[len(w)-1])] = true
		} else if len(w) == 1 {
			for c := 0; c < 256; c++ {
				tailSet[uint16(c)<<8|uint16(w[0])] = true
			}
		}
	}
	for w := range keyDict {
		mark(w)
	}
	for _, h := range fusedHeads {
		mark(h.s)
	}
	for _, w := range []string{"no", "num", "number", "nr", "nbr", "nummer", "numero", "número", "numer", "nro", "code"} {
		mark(w)
	}
	for _, w := range fusedTransparent {
		mark(w)
	}
}

func classifyTokens(t *keyTok) keyKind {
	k := classifyHead(t)
	if k != kNone || t.nt < 2 {
		return k
	}
	// A national ID qualified by its country ("id_number_tw", "ssn_us",
	// "national_id_za"): national IDs are issued per country, so a
	// trailing ISO 3166 code does not change what the key names.
	// Trailing digits first: "social_security_ch_2" is a second field.
	nt := t.nt
	for nt > 2 && allDigits(b2s(t.buf[t.start(nt-1):t.ends[nt-1]])) {
		nt--
	}
	s := t.start(nt - 1)
	if int(t.ends[nt-1])-s == 2 && countryCode(t.buf[s], t.buf[s+1]) {
		u := *t
		u.nt = nt - 1
		u.n = int(u.ends[u.nt-1])
		if k := classifyHead(&u); k == kNatID || k == kSSN {
			if k == kSSN && (t.buf[s] != 'u' || t.buf[s+1] != 's') {
				// Another country's social security number (Swiss AHV,
				// Hungarian TAJ): not the SSA's nine digits.
				k = kNatID
			}
			return k
		}
	}
	return kNone
}

// countryCodes holds ISO 3166-1 alpha-2 codes, two lower-case letters
// each, but those that keys use as words or abbreviations ("run_id",
// "tin_no", "ssn_pk", "cpf_in"): id, no, nr, pk, sn, in, is, it, to, do,
// me, my, at, be, am, as, so, by, cd, ms, pm, tv, fm, gs.
const countryCodes = "adaeafagaialaoaqarauawaxazbabbbdbfbgbhbibjblbmbnbobqbrbsbtbvbwbzcacccfcgchcickclcmcncocrcucvcwcxcyczdedjdkdmdzeceeeg" +
	"ehereseteufifjfkfofrgagbgdgegfggghgiglgmgngpgqgrgtgugwgyhkhmhnhrhthuieilimioiqirjejmjojpkekgkhkikmknkpkrkwkykzlalblc" +
	"lilklrlsltlulvlymamcmdmfmgmhmkmlmmmnmompmqmrmtmumvmwmxmznancnenfngninlnpnunzompapepfpgphplpnprpsptpwpyqarerorsrurwsa" +
	"sbscsdsesgshsisjskslsmsrssstsvsxsysztctdtftgthtjtktltmtntrtttwtzuaugumusuyuzvavcvevgvivnvuwfwsyeytzazmzw"

func countryCode(a, b byte) bool {
	for i := 0; i+1 < len(countryCodes); i += 2 {
		if countryCodes[i] == a && countryCodes[i+1] == b {
			return true
		}
	}
	return false
}

// classifyHead is classifyTokens without the country qualifier.
func classifyHead(t *keyTok) keyKind {
	nt := t.nt
	// Trailing digits and transparent words do not change the head noun.
	for nt > 1 {
		s := string(t.buf[t.start(nt-1):t.ends[nt-1]])
		if allDigits(s) || transparent[s] {
			nt--
			continue
		}
		break
	}
	if nt == 0 {
		return kNone
	}
	if e := int(t.ends[nt-1]); e >= 1 {
		var p uint16
		if e >= 2 {
			p = uint16(t.buf[e-2])<<8 | uint16(t.buf[e-1])
		} else {
			p = uint16(t.buf[e-1])
		}
		if !tailSet[p] {
			return kNone
		}
	}
	if nt > 1 && negativeLead[string(t.buf[:t.ends[0]])] {
		return kNone
	}
	end := int(t.ends[nt-1])
	// Longest suffix at a token boundary first.
	for i := 0; i < nt; i++ {
		s := t.buf[t.start(i):end]
		if k, ok := keyDict[string(s)]; ok {
			return k
		}
	}
	// "aadhar_no", "pin_number": a trailing number word after a known head.
	if nt > 1 {
		switch string(t.buf[t.start(nt-1):end]) {
		case "no", "num", "number", "nr", "nbr", "nummer", "numero", "número", "numer", "nro", "code":
			e2 := int(t.ends[nt-2])
			for i := 0; i < nt-1; i++ {
				if k, ok := keyDict[string(t.buf[t.start(i):e2])]; ok && k != kNone && k != kURL && k != kEmail {
					return k
				}
			}
		}
	}
	// A head fused into the last token: "newpassword", "xapikey".
	last := string(t.buf[t.start(nt-1):end])
	for _, h := range fusedHeads {
		if len(last) > len(h.s) && strings.HasSuffix(last, h.s) {
			return h.k
		}
	}
	// A transparent word fused after a head: "passwordconfirm".
	for _, w := range fusedTransparent {
		if len(last) > len(w) && strings.HasSuffix(last, w) {
			if k, ok := keyDict[last[:len(last)-len(w)]]; ok {
				return k
			}
		}
	}
	// "security_question_answer", "answer_to_secret_question": the answer
	// to a security question.
	if nt > 1 && (last == "answer" || last == "answers" || last == "question" && string(t.buf[:t.ends[0]]) == "answer") {
		for i := 0; i < nt-1; i++ {
			switch string(t.buf[t.start(i):t.ends[i]]) {
			case "security", "secret", "challenge", "recovery", "memorable", "question":
				return kPassword
			}
		}
	}
	// "<something> key" that no entry above knows ("client_key",
	// "mapbox_key"): most such keys are ids, so only a strongly random
	// value counts (see keyHit).
	if nt > 1 && last == "key" {
		return kKey
	}
	return kNone
}

var fusedTransparent = []string{"confirm", "confirmation", "again", "repeat", "value", "input"}

// childKind refines a key under a card or bank object: "number" under
// "card" is a card number.
func childKind(parent keyKind, key string, own keyKind) keyKind {
	if own != kNone && own != kEmail && own != kPhone && own != kURL {
		return own
	}
	if own == kNone && parent.sensitive() && parent != kCard && parent != kBank && parent != kCookie && pairValueKey(key) {
		// {"password": {"value": "...", "strength": "weak"}}
		return parent
	}
	if own == kNone && (parent == kNatID || parent == kSSN) && idNumberChild(key) {
		return parent // {"passport": {"no": "..."}}
	}
	switch parent {
	case kCardParent, kCard:
		var t keyTok
		tokenize(key, &t)
		switch compact(&t) {
		case "number", "num", "no", "nr", "pan", "cardnumber", "accountnumber", "digits", "numero", "nummer":
			return kCard
		case "cvc", "cvv", "code", "securitycode", "cvn", "csc", "cvv2", "cvc2", "verificationcode", "cid":
			return kCVV
		case "exp", "expiry", "expiration", "expmonth", "expyear", "expirymonth", "expiryyear", "expirationmonth",
			"expirationyear", "expirationdate", "expirydate", "expdate", "validthru", "validuntil", "month", "year":
			return kExpiry
		case "pin":
			return kPIN
		}
	case kBankParent, kBank:
		var t keyTok
		tokenize(key, &t)
		switch compact(&t) {
		case "number", "account", "accountnumber", "no", "num", "iban", "acct", "acctno", "acctnumber", "accountno",
			"accountnum", "accno", "accnumber", "nr", "nummer", "numero", "konto", "cuenta", "compte", "conta", "rekening",
			"checking", "savings", "dda", "checkingnumber", "savingsnumber", "depositaccount", "ddanumber":
			return kBank
		}
	}
	return own
}

func compact(t *keyTok) string {
	// Separators are already gone; tokens are contiguous in buf.
	return string(t.buf[:t.n])
}
