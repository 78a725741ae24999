package guard

import (
	"strconv"
	"strings"
	"testing"
)

// Builders of valid identifiers for the formats of natcheck.go, from the
// formats' published rules (not from the checks under test where a
// simpler statement of the rule exists).

func bump(s string) string { // change the last digit
	n := len(s) - 1
	return s[:n] + strconv.Itoa((int(s[n]-'0')+1)%10)
}

func fnrOf(d9 string) string {
	for _, w := range [][]int{{3, 7, 6, 1, 8, 9, 4, 5, 2}, {5, 4, 3, 2, 7, 6, 5, 4, 3, 2}} {
		sum := 0
		for k, x := range w {
			sum += int(d9[k]-'0') * x
		}
		c := (11 - sum%11) % 11
		if c == 10 {
			return ""
		}
		d9 += strconv.Itoa(c)
	}
	return d9
}

func tcknOf(d9 string) string {
	odd, even := 0, 0
	for k := 0; k < 9; k++ {
		if k%2 == 0 {
			odd += int(d9[k] - '0')
		} else {
			even += int(d9[k] - '0')
		}
	}
	d10 := ((odd*7-even)%10 + 10) % 10
	return d9 + strconv.Itoa(d10) + strconv.Itoa((odd+even+d10)%10)
}

func rutOf(body string) string {
	sum, w := 0, 2
	for k := len(body) - 1; k >= 0; k-- {
		sum += int(body[k]-'0') * w
		w++
		if w > 7 {
			w = 2
		}
	}
	switch r := 11 - sum%11; r {
	case 11:
		return body + "-0"
	case 10:
		return body + "-K"
	default:
		return body + "-" + strconv.Itoa(r)
	}
}

func tfnOf(d8 string) string {
	w := []int{1, 4, 3, 7, 5, 8, 6, 9, 10}
	for c := 0; c <= 9; c++ {
		x := d8 + strconv.Itoa(c)
		sum := 0
		for k, y := range w {
			sum += int(x[k]-'0') * y
		}
		if sum%11 == 0 {
			return x
		}
	}
	return tfnOf(bump(d8))
}

func hetuOf(ddmmyy, sign, nnn string) string {
	n, _ := strconv.Atoi(ddmmyy + nnn)
	return ddmmyy + sign + nnn + string("0123456789ABCDEFHJKLMNPRSTUVWXY"[n%31])
}

func TestIDFormatSamples(t *testing.T) {
	// Published examples of the formats.
	for _, tc := range []struct {
		valid func([]byte) bool
		v     string
		want  bool
	}{
		{rrnValid, "9710139019902", true}, {rrnValid, "9710139019903", false},
		{nricValid, "S1234567D", true}, {nricValid, "S1234567A", false},
		{hetuValid, "131052308T", true}, {hetuValid, "131052308U", false},
		{myNumberValid, "123456789018", true}, {myNumberValid, "123456789017", false},
		{tcknValid, "10000000146", true}, {tcknValid, "10000000147", false},
		{rutValid, "123456785", true}, {rutValid, "123456784", false},
		{tfnValid, "123456782", true}, {tfnValid, "123456783", false},
		{fnrValid, "01010750160", true}, {fnrValid, "01010750161", false},
	} {
		if got := tc.valid([]byte(tc.v)); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.v, got, tc.want)
		}
	}
}

func idCheckCases() []famCase {
	fnr := fnrOf("010107501")
	tckn := tcknOf("123456789")
	rrn := rrnOf("900101123456")
	rut := rutOf("12345678")
	rutF := rut[:2] + "." + rut[2:5] + "." + rut[5:]
	tfn := tfnOf("12345678")
	pnr := withLuhn("811218987")
	hetu := hetuOf("131052", "-", "308")
	nino := "AB123456C"
	my := "123456789018"
	zehut := withLuhn("01234567")
	sin := withLuhn("13069254")
	cases := []famCase{
		// valid under the key that names the format
		pos("dni", kv("dni", dniOf(12345678)).props, dniOf(12345678)),
		pos("nie", kv("nie", "X1234567L").props, "X1234567L"),
		pos("nric", kv("nric_fin", "S1234567D").props, "S1234567D"),
		pos("nric M series key-decided", kv("nric", "M1234567K").props, "M1234567K"),
		pos("fnr", kv("fødselsnummer", fnr).props, fnr),
		pos("rrn", kv("jumin_number", rrn[:6]+"-"+rrn[6:]).props, rrn[:6]+"-"+rrn[6:]),
		pos("sin", kv("social_insurance_number", sin[:3]+" "+sin[3:6]+" "+sin[6:]).props, sin[:3]+" "+sin[3:6]+" "+sin[6:]),
		pos("hetu", kv("henkilotunnus", hetu).props, hetu),
		pos("hetu generic key", kv("personal_identity_code", hetu).props, hetu),
		pos("nino", kv("ni_number", nino).props, nino),
		pos("tckn", kv("tckn", tckn).props, tckn),
		pos("pnr", kv("personnummer", pnr[:6]+"-"+pnr[6:]).props, pnr[:6]+"-"+pnr[6:]),
		pos("my number", kv("kojin_bango", my).props, my),
		pos("rut", kv("rut", rutF).props, rutF),
		pos("tfn", kv("tax_file_number", tfn[:3]+" "+tfn[3:6]+" "+tfn[6:]).props, tfn[:3]+" "+tfn[3:6]+" "+tfn[6:]),
		pos("tfn nested", `{"employee":{"tax":{"tfn":"`+tfn+`"}}}`, tfn),
		pos("zehut", kv("teudat_zehut", zehut).props, zehut),
		pos("pnr under generic key", kv("personal_number", pnr[:6]+"-"+pnr[6:]).props, pnr[:6]+"-"+pnr[6:]),
		pos("pnr in a document pair", `{"documents":[{"type":"personnummer","value":"`+pnr[:6]+"-"+pnr[6:]+`"}]}`, pnr[:6]+"-"+pnr[6:]),
		pos("zehut israeli id", kv("israeli_id", zehut).props, zehut),
		pos("tc kimlik field", `{"fields":[{"name":"TC Kimlik Numarası","value":"`+tckn+`"}]}`, tckn),
		pos("field_name pair", `{"form":[{"field_name":"tc_kimlik","field_value":"`+tckn+`"}]}`, tckn),
		pos("sofinummer", kv("sofinummer", bsnOf("11122233")).props, bsnOf("11122233")),
		neg("sofinummer bad", kv("sofinummer", bump(bsnOf("11122233"))).props),
		pos("rut cliente", kv("rut_cliente", rutF).props, rutF),
		pos("prose zehut", kv("message", "shalom, my teudat zehut is "+zehut+" thanks").props, zehut),
		neg("prose zehut bad", kv("message", "shalom, my teudat zehut is "+bump(zehut)+" thanks").props),
		pos("prose rut", kv("message", "hola, mi RUT es "+rutF+" gracias").props, rutF),
		neg("prose rut bad", kv("message", "hola, mi RUT es "+rutF[:len(rutF)-1]+"9 gracias").props),
		pos("passport few digits", `{"passengers":[{"passport":{"number":"CF7KXM2PR"}}]}`, "CF7KXM2PR"),
		pos("passport object DNI look-alike", `{"passport":{"number":"12345678A"}}`, "12345678A"),
		neg("passport status word", `{"passport":{"number":"PENDING"}}`),
		pos("hkid with parentheses", kv("hk_identity_card", "A123456(3)").props, "A123456(3)"),
		neg("hkid bad with parentheses", kv("hk_identity_card", "A123456(4)").props),
		pos("taiwan id generic key", kv("national_id_no", "A123456789").props, "A123456789"),
		neg("taiwan id bad generic key", kv("national_id_no", "A123456788").props),
		neg("zehut bad", kv("israeli_id", bump(zehut)).props),
		pos("danish cpr under personnummer", kv("personnummer", "010190-1235").props, "010190-1235"),
		pos("dni shape no check under dni key (Argentina)", kv("dni", "30123456").props, "30123456"),
		// the same shapes failing the format's check
		neg("dni bad", kv("dni", "12345678A").props),
		neg("dni bad under generic key", kv("documento_identidad", "12345678A").props),
		neg("nif bad", kv("nif", "X1234567A").props),
		neg("nric bad", kv("nric_no", "S1234567A").props),
		neg("fnr bad", kv("fodselsnummer", bump(fnr)).props),
		neg("rrn bad", kv("주민등록번호", rrn[:6]+"-"+bump(rrn[6:])).props),
		neg("sin bad", kv("sin", bump(sin)).props),
		neg("hetu bad", kv("hetu", hetu[:10]+"U").props),
		neg("hetu bad generic key", kv("personal_identity_code", hetu[:10]+"U").props),
		neg("nino bad prefix", kv("nino", "QD123456C").props),
		neg("tckn bad", kv("tc_kimlik_no", bump(tckn)).props),
		neg("pnr bad", kv("personnummer", "19"+pnr[:6]+"-"+bump(pnr[6:])).props),
		neg("my number bad", kv("マイナンバー", bump(my)).props),
		neg("rut bad", kv("run", rutF[:len(rutF)-1]+"9").props),
		neg("tfn bad passing SIN", kv("tfn", sin).props),
		neg("cn bad generic key", kv("id_card_no", "11010519491231002"+"9").props),
	}
	if rut[len(rut)-1] == '9' {
		panic("pick another RUT body")
	}
	if tfnValid([]byte(sin)) {
		panic("pick another SIN")
	}
	if !strings.HasPrefix(fnr, "0101075") {
		panic("fnr")
	}
	return cases
}

func TestIDChecks(t *testing.T) {
	c := mustChecker(t, DefaultPolicy())
	runFamCases(t, c, idCheckCases())
}

// TestIDCuesIndexed checks that idcues.go's init ran before the phrase
// index was built.
func TestIDCuesIndexed(t *testing.T) {
	found := false
	for _, i := range bankIndex.get('t', 'e') {
		found = found || bankPhrases[i].w == "teudat zehut"
	}
	if !found {
		t.Error("idcues.go's cues are not in bankIndex")
	}
}

// TestFormatOnlyKey: under a key that names only national-ID formats of
// fixed shapes ("iin": Kazakhstan's 12-digit IIN), a value of none of
// those shapes is another number (a card's issuer identification
// number); a value of the shape is judged by its check; a key naming
// national IDs in general keeps judging any value.
func TestFormatOnlyKey(t *testing.T) {
	for _, c := range []struct {
		key, val string
		fails    bool
	}{
		{"iin", "54808197", true},          // a card's IIN (8 digits)
		{"iin", "900101300007", false},     // a Kazakh IIN passing its check
		{"iin", "900101300008", true},      // its check digit wrong
		{"national_id", "54808197", false}, // general: left to the other rules
		{"iin_id", "54808197", false},
	} {
		if got := failsIDCheck(c.key, c.val); got != c.fails {
			t.Errorf("failsIDCheck(%q, %q) = %v, want %v", c.key, c.val, got, c.fails)
		}
	}
}
