package mixpanel

import "github.com/valyala/fastjson"

// MaxSDKBytes is the longest SDK name or version kept as one (mp_lib,
// $lib, $lib_version).
const MaxSDKBytes = 64

// sdkName returns the SDK name v holds when it has the shape of one: 1 to
// MaxSDKBytes letters, digits, '.', '_' or '-', starting with a letter
// ("web", "react-native", "mixpanel-go"). Anything else gives "": the
// property stays in the event as sent (the guard judges it like any other),
// but no finding, fleet entry or report names it as an SDK.
func sdkName(v *fastjson.Value) string {
	b := sdkBytes(v)
	if len(b) == 0 || !isLetter(b[0]) {
		return ""
	}
	return string(b)
}

// sdkVersion returns the SDK version v holds when it has the shape of one:
// 1 to MaxSDKBytes letters, digits, '.', '_', '-' or '+', starting with a
// digit or with 'v' and a digit ("2.47.0", "v1.2.1", "1.0.0-beta.1+build").
// Anything else gives "", as sdkName.
func sdkVersion(v *fastjson.Value) string {
	b := sdkBytes(v)
	if len(b) > 1 && (b[0] == 'v' || b[0] == 'V') {
		b = b[1:]
	}
	if len(b) == 0 || b[0] < '0' || b[0] > '9' {
		return ""
	}
	return string(sdkBytes(v))
}

func sdkBytes(v *fastjson.Value) []byte {
	if v == nil || v.Type() != fastjson.TypeString {
		return nil
	}
	b := v.GetStringBytes()
	if len(b) > MaxSDKBytes {
		return nil
	}
	for _, c := range b {
		if !isLetter(c) && !('0' <= c && c <= '9') && c != '.' && c != '_' && c != '-' && c != '+' {
			return nil
		}
	}
	return b
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
