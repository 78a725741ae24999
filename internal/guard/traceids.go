package guard

import "strings"

// traceOrDSNId: the digits at s[a:] are an identifier of a format that
// says so, not a card number: the span id of a Google Cloud trace context
// ("<32 hex trace id>/<decimal span id>;o=1", X-Cloud-Trace-Context) or
// the project id that ends a Sentry DSN ("https://<key>@o1.ingest.sentry.io/<project>").
func traceOrDSNId(s string, a int) bool {
	if a < 1 || s[a-1] != '/' {
		return false
	}
	if a >= 33 && isHexRun(s[a-33:a-1]) && (a == 33 || !isHexDigit(s[a-34])) {
		return true
	}
	u := strings.LastIndex(s[:a], "://")
	if u < 0 {
		return false
	}
	auth := s[u+3 : a-1]
	at := strings.IndexByte(auth, '@')
	return at > 0 && strings.IndexByte(auth[at:], '/') < 0 && containsFold(auth[at:], "sentry")
}
