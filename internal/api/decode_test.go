package api

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sieve-analytics/sieve/internal/guard"
)

// An unknown field of a request body — a guard policy's too, at any
// depth — is named in the error.
func TestUnknownFieldNamed(t *testing.T) {
	for body, want := range map[string]string{
		`{"actions":{"email":"hash"},"allowlist":["x"]}`:                                 `unknown field "allowlist"`,
		`{"rules":[{"name":"r","class":"c","keywords":["ab"],"pattern":"x","bogus":1}]}`: `unknown field "bogus"`,
	} {
		var pol guard.Policy
		r := httptest.NewRequest("PUT", "/", strings.NewReader(body))
		err := decodeBody(httptest.NewRecorder(), r, &pol)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %s", body, err, want)
		}
	}
}
