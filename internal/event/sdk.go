package event

// MaxSDKBytes is the longest SDK name or version kept as one (Event.Lib,
// Event.LibVersion).
const MaxSDKBytes = 64

// SDKName returns b when it has the shape of an SDK name: 1 to MaxSDKBytes
// letters, digits, '.', '_', '-' or '+', starting with a letter ("web",
// "react-native", "posthog-node"); "" otherwise. Wire decoders use it for
// Lib, so that no finding, fleet entry or report names an arbitrary value
// as an SDK.
func SDKName(b []byte) string {
	if !sdkShape(b) || !isLetter(b[0]) {
		return ""
	}
	return string(b)
}

// SDKVersion returns b when it has the shape of an SDK version: the
// characters of SDKName, starting with a digit or with 'v' and a digit
// ("2.47.0", "v1.2.1", "1.0.0-beta.1+build"); "" otherwise.
func SDKVersion(b []byte) string {
	if !sdkShape(b) {
		return ""
	}
	d := b
	if len(d) > 1 && (d[0] == 'v' || d[0] == 'V') {
		d = d[1:]
	}
	if d[0] < '0' || d[0] > '9' {
		return ""
	}
	return string(b)
}

func sdkShape(b []byte) bool {
	if len(b) == 0 || len(b) > MaxSDKBytes {
		return false
	}
	for _, c := range b {
		if !isLetter(c) && !('0' <= c && c <= '9') && c != '.' && c != '_' && c != '-' && c != '+' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
