package guard

// More national-ID cues for prose (support chats), for formats whose
// checks natcheck.go knows: after such a cue, a value of the format's
// shape must pass its check (failsIDCheck). This file's init runs before
// phrases.go's, which indexes bankPhrases (files initialise in name
// order); TestIDCuesIndexed checks it.
func init() {
	for _, w := range []string{"teudat zehut", "mispar zehut", "תעודת זהות", "rut", "r.u.t.", "rol único tributario",
		"fodselsnummer", "personnr", "samordningsnummer", "henkilotunnus", "kimlik numarası", "t.c. kimlik", "nric no", "fin no", "sofinummer", "sofi-nummer", "sofi nummer", "jumin",
		"주민번호", "個人番号", "tax file no",
		// Malaysia's MyKad ("No. IC saya ..."), the UAE's Emirates ID,
		// Egypt's national number and identity numbers in Arabic, Thailand's
		// ID card number, Portugal's citizen card.
		"no. ic", "no ic", "nombor ic", "nombor kad pengenalan", "kad pengenalan", "emirates id", "الرقم القومي",
		"رقمي القومي", "رقم الهوية", "رقم الهوية الوطنية", "رقم البطاقة الشخصية", "เลขบัตรประชาชน",
		"เลขประจำตัวประชาชน", "cartão de cidadão", "cartao de cidadao"} {
		bankPhrases = append(bankPhrases, struct {
			w    string
			kind uint8
		}{w, 5})
	}
}
