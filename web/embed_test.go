package webui

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// budget is the first page's JavaScript, gzipped (issue 11).
const budget = 150 << 10

func TestFirstPageScriptBudget(t *testing.T) {
	scripts := FirstPageScripts()
	if len(scripts) == 0 {
		t.Fatal("index.html loads no script from /assets/")
	}
	total := 0
	for name, n := range scripts {
		if n < 0 {
			t.Fatalf("index.html loads %s, which is not embedded", name)
		}
		total += n
	}
	t.Logf("first page JavaScript: %d bytes gzipped (budget %d)", total, budget)
	if total > budget {
		t.Fatalf("the first page's JavaScript is %d bytes gzipped, over the %d-byte budget", total, budget)
	}
}

func get(t *testing.T, path string, hdr ...string) *http.Response {
	t.Helper()
	r := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	Handler().ServeHTTP(w, r)
	return w.Result()
}

func TestIndexAndClientRoutes(t *testing.T) {
	for _, p := range []string{"/", "/findings", "/purges/abc", "/settings/access"} {
		res := get(t, p)
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || !strings.Contains(string(body), `<div id="app">`) {
			t.Errorf("GET %s: %d, want the app", p, res.StatusCode)
		}
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: index.html must not be cached (it names the current assets)", p)
		}
	}
}

func TestAPIPathsAreNotThePage(t *testing.T) {
	res := get(t, "/api/no-such-route")
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 404 || !strings.Contains(string(body), `"error"`) {
		t.Fatalf("unknown API route: %d %s, want a JSON 404", res.StatusCode, body)
	}
	w := httptest.NewRecorder()
	Handler().ServeHTTP(w, httptest.NewRequest("POST", "/findings", nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST to a page: %d, want 405", w.Code)
	}
}

func TestAssets(t *testing.T) {
	for name := range FirstPageScripts() {
		res := get(t, "/assets/"+name, "Accept-Encoding", "gzip")
		if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "gzip" ||
			!strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("asset %s: %d %v", name, res.StatusCode, res.Header)
		}
	}
	if res := get(t, "/assets/nope.js"); res.StatusCode != 404 {
		t.Errorf("missing asset: %d", res.StatusCode)
	}
}

// The policy allows no inline script or style and no framing, and the page
// has no inline script, style element or style attribute that would need it.
func TestStrictCSP(t *testing.T) {
	res := get(t, "/")
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") || strings.Contains(csp, "http:") || strings.Contains(csp, "https:") {
		t.Errorf("CSP %q allows unsafe or remote sources", csp)
	}
	if res.Header.Get("X-Frame-Options") != "DENY" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", res.Header)
	}
	body, _ := io.ReadAll(res.Body)
	if regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]`).Match(body) || strings.Contains(string(body), "<style") || strings.Contains(string(body), " style=") {
		t.Errorf("index.html has inline script or style:\n%s", body)
	}
	if regexp.MustCompile(`(src|href)="(https?:)?//`).Match(body) {
		t.Errorf("index.html loads something from another origin:\n%s", body)
	}
}
