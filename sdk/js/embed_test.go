package sdkjs

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

func testHandler() http.Handler {
	return Handler(func(token string) (Config, bool) {
		switch token {
		case "on":
			return Config{Autotrack: true, URLParams: []string{"utm_*", "ref"}}, true
		case "default":
			return Config{}, true
		case "none":
			return Config{URLParams: []string{}}, true
		}
		return Config{}, false
	})
}

func do(t *testing.T, h http.Handler, method, target string, hdr map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return b
}

func TestVersionMatchesPackageJSON(t *testing.T) {
	raw, err := os.ReadFile("package.json")
	if err != nil {
		t.Fatalf("read package.json: %v", err)
	}
	var pkg struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatalf("parse package.json: %v", err)
	}
	if pkg.Version != Version {
		t.Fatalf("sdkjs.Version = %q, package.json has %q: keep them equal", Version, pkg.Version)
	}
	if !bytes.Contains(script, []byte(`"`+Version+`"`)) {
		t.Fatalf("the embedded dist/sieve.min.js does not carry version %s: run npm run build", Version)
	}
}

func TestScriptUnderSizeBudget(t *testing.T) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(script); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("sieve.min.js: %d bytes, %d gzipped", len(script), buf.Len())
	if buf.Len() > 8192 {
		t.Fatalf("sieve.min.js is %d bytes gzipped, over the 8192-byte budget", buf.Len())
	}
	if len(script) < 1000 || !bytes.Contains(script, []byte("sieve-js")) {
		t.Fatalf("the embedded script does not look like sieve.js (%d bytes)", len(script))
	}
}

func TestCurrentScript(t *testing.T) {
	h := testHandler()
	res := do(t, h, "GET", "/sdk/sieve.js", nil)
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	if got := res.Header.Get("Content-Type"); got != "text/javascript; charset=utf-8" {
		t.Errorf("Content-Type %q", got)
	}
	if got := res.Header.Get("Cache-Control"); got != "public, max-age=300" {
		t.Errorf("Cache-Control %q", got)
	}
	if res.Header.Get("Content-Encoding") != "" {
		t.Errorf("gzip without Accept-Encoding")
	}
	if !bytes.Equal(body(t, res), script) {
		t.Fatal("body is not the embedded script")
	}
	etag := res.Header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) || len(etag) < 10 {
		t.Fatalf("ETag %q", etag)
	}
	res = do(t, h, "GET", "/sdk/sieve.js", map[string]string{"If-None-Match": etag})
	if res.StatusCode != http.StatusNotModified || len(body(t, res)) != 0 {
		t.Fatalf("If-None-Match: status %d", res.StatusCode)
	}
	res = do(t, h, "HEAD", "/sdk/sieve.js", nil)
	if res.StatusCode != 200 || len(body(t, res)) != 0 {
		t.Fatalf("HEAD: status %d", res.StatusCode)
	}
}

func TestScriptGzip(t *testing.T) {
	h := testHandler()
	res := do(t, h, "GET", "/sdk/sieve.js", map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
	if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("Vary %q", res.Header.Get("Vary"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(body(t, res)))
	if err != nil {
		t.Fatalf("gzip body: %v", err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(plain, script) {
		t.Fatalf("gunzipped body differs from the script (err %v)", err)
	}
	plainTag := do(t, h, "GET", "/sdk/sieve.js", nil).Header.Get("ETag")
	if res.Header.Get("ETag") == plainTag {
		t.Errorf("gzip and plain responses share ETag %s", plainTag)
	}
	res = do(t, h, "GET", "/sdk/sieve.js", map[string]string{"Accept-Encoding": "gzip;q=0"})
	if res.Header.Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 still got gzip")
	}
}

func TestPinnedScript(t *testing.T) {
	h := testHandler()
	res := do(t, h, "GET", "/sdk/v"+Version+"/sieve.js", nil)
	if res.StatusCode != 200 || !bytes.Equal(body(t, res), script) {
		t.Fatalf("pinned: status %d", res.StatusCode)
	}
	if got := res.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("Cache-Control %q", got)
	}
	for _, p := range []string{"/sdk/v0.0.1/sieve.js", "/sdk/v/sieve.js", "/sdk/v" + Version + "x/sieve.js", "/sdk/other.js", "/sdk/"} {
		res := do(t, h, "GET", p, nil)
		if res.StatusCode != 404 {
			t.Errorf("%s: status %d, want 404", p, res.StatusCode)
		}
		if res.Header.Get("Cache-Control") == "public, max-age=31536000, immutable" {
			t.Errorf("%s: a 404 must not be cached for a year", p)
		}
	}
}

func TestConfig(t *testing.T) {
	h := testHandler()
	f := func(token, want string) {
		t.Helper()
		res := do(t, h, "GET", "/sdk/config?token="+token, map[string]string{"Origin": "https://shop.example"})
		if res.StatusCode != 200 {
			t.Fatalf("%s: status %d", token, res.StatusCode)
		}
		if got := strings.TrimSpace(string(body(t, res))); got != want {
			t.Errorf("%s: body %s, want %s", token, got, want)
		}
		if got := res.Header.Get("Cache-Control"); got != "public, max-age=60" {
			t.Errorf("%s: Cache-Control %q", token, got)
		}
		if got := res.Header.Get("Access-Control-Allow-Origin"); got != "*" {
			t.Errorf("%s: Access-Control-Allow-Origin %q", token, got)
		}
		if got := res.Header.Get("Content-Type"); got != "application/json" {
			t.Errorf("%s: Content-Type %q", token, got)
		}
	}
	f("on", `{"autotrack":true,"url_params":["utm_*","ref"]}`)
	f("default", `{"autotrack":false,"url_params":["utm_*"]}`)
	f("none", `{"autotrack":false,"url_params":[]}`)
}

func TestConfigErrorsDoNotEchoInput(t *testing.T) {
	h := testHandler()
	const secret = "tok-4111111111111111"
	for _, tc := range []struct {
		target string
		status int
		msg    string
	}{
		{"/sdk/config?token=" + secret, 404, "unknown project token"},
		{"/sdk/config", 400, "missing token parameter"},
		{"/sdk/config?token=", 400, "missing token parameter"},
	} {
		res := do(t, h, "GET", tc.target, nil)
		b := body(t, res)
		if res.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.target, res.StatusCode, tc.status)
		}
		var e struct{ Error, Status string }
		if err := json.Unmarshal(b, &e); err != nil || e.Error != tc.msg || e.Status != "error" {
			t.Errorf("%s: body %s", tc.target, b)
		}
		if bytes.Contains(b, []byte("4111")) {
			t.Errorf("%s: the error echoes the token", tc.target)
		}
		if res.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s: no CORS header on the error", tc.target)
		}
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q", tc.target, res.Header.Get("Cache-Control"))
		}
	}
}

func TestMethods(t *testing.T) {
	h := testHandler()
	res := do(t, h, "POST", "/sdk/sieve.js", nil)
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: status %d, Allow %q", res.StatusCode, res.Header.Get("Allow"))
	}
	res = do(t, h, "OPTIONS", "/sdk/config", map[string]string{"Origin": "https://a.example", "Access-Control-Request-Method": "GET"})
	if res.StatusCode != http.StatusNoContent || res.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("OPTIONS config: status %d", res.StatusCode)
	}
}

func TestMountedOnAServer(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/sdk/", testHandler())
	srv := httptest.NewServer(mux)
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server is not on 127.0.0.1: %s", srv.URL)
	}
	res, err := http.Get(srv.URL + "/sdk/config?token=on")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var cfg Config
	if err := json.NewDecoder(res.Body).Decode(&cfg); err != nil || !cfg.Autotrack || len(cfg.URLParams) != 2 {
		t.Fatalf("config %+v, err %v", cfg, err)
	}
	// Go's client asks for gzip and unpacks it transparently.
	res2, err := http.Get(srv.URL + "/sdk/sieve.js")
	if err != nil {
		t.Fatal(err)
	}
	defer res2.Body.Close()
	got, err := io.ReadAll(res2.Body)
	if err != nil || !bytes.Equal(got, script) || !res2.Uncompressed {
		t.Fatalf("script over HTTP: %d bytes, uncompressed %v, err %v", len(got), res2.Uncompressed, err)
	}
}
