package jsontext

import (
	"encoding/json"
	"testing"

	"github.com/valyala/fastjson"
)

func TestAppendString(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		got := string(AppendString(nil, in))
		if got != want {
			t.Errorf("AppendString(%q) = %s, want %s", in, got, want)
		}
		var back string
		if err := json.Unmarshal([]byte(got), &back); err != nil {
			t.Errorf("AppendString(%q) is not JSON: %v", in, err)
		}
	}
	f("plain", `"plain"`)
	f(`q"b\`, `"q\"b\\"`)
	f("a\nb\tc\r", `"a\nb\tc\r"`)
	f("\x07\x00", `"\u0007\u0000"`)
	f("é😀\U000e0001", "\"é😀\U000e0001\"")
	f("bad\xffbyte", `"bad\ufffdbyte"`)
	f("line\u2028sep\u2029", `"line\u2028sep\u2029"`)
	f("\x16\x7f", "\"\\u0016\x7f\"")
}

func TestAppendValue(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		v, err := fastjson.Parse(in)
		if err != nil {
			t.Fatalf("parse %s: %v", in, err)
		}
		got, err := AppendValue(nil, v)
		if err != nil {
			t.Fatalf("AppendValue(%s): %v", in, err)
		}
		if string(got) != want {
			t.Errorf("AppendValue(%s) = %s, want %s", in, got, want)
		}
		if !json.Valid(got) {
			t.Errorf("AppendValue(%s) is not valid JSON", in)
		}
	}
	f(`{"b":1,"a":[1.50,-0,2e10,"x\u0007"],"c":{"d":null,"e":true,"f":false}}`,
		`{"b":1,"a":[1.50,-0,2e10,"x\u0007"],"c":{"d":null,"e":true,"f":false}}`)
	f(`{"k\"ey":"\ud83d\ude00"}`, `{"k\"ey":"😀"}`)

	for _, bad := range []string{`[NaN]`, `[inf]`, `[01]`, `[1-2]`, `[+1]`, `[1.]`, `[.5]`, `[1e]`} {
		v, err := fastjson.Parse(bad)
		if err != nil {
			continue // refused by the parser already
		}
		if _, err := AppendValue(nil, v); err == nil {
			t.Errorf("AppendValue(%s) accepted a non-JSON number", bad)
		}
	}
}

func TestValidNumber(t *testing.T) {
	for _, ok := range []string{"0", "-0", "12", "1.5", "1e5", "1E+5", "-1.25e-3"} {
		if !ValidNumber([]byte(ok)) {
			t.Errorf("ValidNumber(%s) = false", ok)
		}
	}
	for _, bad := range []string{"", "-", "01", "1.", ".1", "1e", "+1", "NaN", "1-2", "0x1"} {
		if ValidNumber([]byte(bad)) {
			t.Errorf("ValidNumber(%s) = true", bad)
		}
	}
}
