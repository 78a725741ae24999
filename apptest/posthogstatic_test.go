package apptest

import (
	"bytes"
	"os"
	"testing"
)

// TestPostHogStatic: PostHog's HTML snippet loads api_host +
// "/static/array.js": bin/sieve serves posthog-js's own file (the one npm
// installed for the browser test, byte for byte); the extensions posthog-js
// loads lazily are 404, which it logs and carries on from.
func TestPostHogStatic(t *testing.T) {
	posthogDeps(t, "posthog-js")
	want, err := os.ReadFile("posthog/node_modules/posthog-js/dist/array.js")
	if err != nil {
		t.Fatal(err)
	}
	s := startServer(t, serverOpts{})
	code, got := s.do("GET", "/static/array.js", nil, nil)
	if code != 200 || !bytes.Equal(got, want) {
		t.Errorf("GET /static/array.js: %d, %d bytes (posthog-js's has %d)", code, len(got), len(want))
	}
	for _, p := range []string{"/static/1.449.2/surveys.js", "/static/recorder.js", "/static/"} {
		if code, _ := s.do("GET", p, nil, nil); code != 404 {
			t.Errorf("GET %s: %d, want 404", p, code)
		}
	}
}
