package guard

// Key words of the eighth round (issue 13): the word for password in more
// languages and scripts (Mongolian, Burmese, Yoruba, Marathi, Sinhala,
// Telugu with and without its zero-width non-joiner, Albanian, Zulu,
// Welsh, Khmer, Amharic, Lao, Punjabi, Gujarati, Azerbaijani), PIN
// spellings of Indian banking (TPIN, MPIN), containers of a wallet's seed
// words or a password manager's emergency kit, and bank account keys
// (Argentina's CBU and CVU, Greek). keys.go's init runs
// first (files initialise in name order); addKeysLate marks their endings
// as it does.
func init() {
	addKeysLate(kPassword, "нууцүг", "စကားဝှက်", "ọrọigbaniwọle", "oroigbaniwole", "संकेतशब्द", "මුරපදය",
		"పాస్\u200cవర్డ్", "పాస్వర్డ్", "fjalëkalimi", "fjalekalimi", "fjalëkalim", "fjalekalim", "iphasiwedi", "cyfrinair",
		"ពាក្យសម្ងាត់", "የይለፍቃል", "ລະຫັດຜ່ານ", "ਪਾਸਵਰਡ", "પાસવર્ડ", "şifrə", "sifrə")
	addKeysLate(kPIN, "tpin", "mpin", "telepin", "upipin")
	addKeysLate(kSecret, "seedwords", "mnemonicwords", "emergencykit", "recoverywords")
	// Argentina's CBU and CVU (22 digits), Greek for account.
	addKeysLate(kBank, "cbu", "cvu", "cbudestino", "cbuorigen", "numerocbu", "λογαριασμός", "λογαριασμος",
		"αριθμόςλογαριασμού", "αριθμοςλογαριασμου")
}
