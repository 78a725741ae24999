// Package posthogjs serves posthog-js's array.js, unchanged, for sites that
// load posthog-js with PostHog's HTML snippet: the snippet fetches
// api_host + "/static/array.js", so pointing api_host at Sieve needs the
// script there too. array.js is posthog-js's dist/array.js of Version, from
// npm, under the Apache License 2.0 in LICENSE (copyright PostHog / Hiberly,
// Inc. and Mixpanel, Inc.). Its lazily loaded extensions (surveys.js,
// recorder.js...) are not served: Sieve's remote config turns them off.
//
// This package must not import any other Sieve package.
package posthogjs

import (
	"crypto/sha256"
	_ "embed" // for the script
	"encoding/hex"
	"net/http"
)

// Version is the posthog-js version of the embedded array.js; a test keeps
// it equal to the one the script reports.
const Version = "1.449.2"

//go:embed array.js
var script []byte

var etag = func() string {
	h := sha256.Sum256(script)
	return `"` + hex.EncodeToString(h[:8]) + `"`
}()

// Handler serves GET and HEAD of array.js: application/javascript, cached
// an hour, with an ETag, and Access-Control-Allow-Origin * (the script may
// be loaded with crossorigin=anonymous).
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/javascript; charset=utf-8")
		h.Set("Cache-Control", "public, max-age=3600")
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("ETag", etag)
		h.Set("X-Content-Type-Options", "nosniff")
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(script)
	})
}
