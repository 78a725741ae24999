package guard

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"testing"
)

// The kinds of the sixth round (issue 13, branch ggen): each written from
// the formats' public documentation and the class definitions, with
// positives and negatives, never from a corpus's values.

// twOf returns a valid Taiwan ID from its letter and eight digits (the
// last one is replaced by the check digit).
func twOf(letter byte, d8 string) string {
	for c := 0; c <= 9; c++ {
		x := string(letter) + d8 + strconv.Itoa(c)
		if twIDValid([]byte(x)) {
			return x
		}
	}
	return ""
}

// skv is a {key: value} sample whose value is always a JSON string.
func skv(key, value string) sample {
	k, _ := json.Marshal(key)
	v, _ := json.Marshal(value)
	return sample{props: "{" + string(k) + ":" + string(v) + "}", secret: value}
}

// kinds6Samples are detector samples of the round, merged into
// TestDetectorSamples.
func kinds6Samples() map[string][2][]sample {
	pw := "Tr0ub4dor&3x"
	tw := twOf('A', "12345678")
	pem := "-----BEGIN RSA PRIVATE KEY-----\n" + fake(91, 40, alnum+"+/")
	truncated := base64.StdEncoding.EncodeToString([]byte(pem)) // a key cut short: the key names it
	return map[string][2][]sample{
		"key.password": {
			{skv("ｐａｓｓｗｏｒｄ", pw), skv("ＤＢ＿ＰＡＳＳＷＯＲＤ", pw)},
			{skv("ｐａｓｓｗｏｒｄ＿ｒｅｓｅｔ＿ａｔ", "2026-12-01")},
		},
		"key.private_key": {
			{skv("client-key-data", truncated), skv("tls.key", truncated)},
			{skv("client_key", "k-12"), skv("client-certificate-data", truncated[:40])},
		},
		"key.national_id": {
			{skv("id_number_tw", tw), skv("national_id_za", "8001015009087"), skv("shenfenzheng_tw", tw)},
			{skv("run_id", "A123456789"), skv("product_id_tw", tw), skv("store_code_us", "A123456789")},
		},
		"key.ssn": {
			{skv("ssn_us", "536-22-1234")},
			{skv("ssn_us", "000-22-1234")},
		},
	}
}

func TestKinds6Families(t *testing.T) {
	c := mustChecker(t, DefaultPolicy())
	runFamCases(t, c, kinds6Cases())
}

func kinds6Cases() []famCase {
	return nil
}
