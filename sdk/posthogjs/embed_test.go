package posthogjs

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
)

func TestArrayJS(t *testing.T) {
	if !bytes.Contains(script, []byte(`"`+Version+`"`)) {
		t.Errorf("array.js does not report version %s", Version)
	}
	lic, err := os.ReadFile("LICENSE")
	if err != nil || !bytes.Contains(lic, []byte("Apache License")) {
		t.Errorf("LICENSE: %v", err)
	}
	h := Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/static/array.js", nil))
	if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), script) || rec.Header().Get("Content-Type") != "application/javascript; charset=utf-8" ||
		rec.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("GET: %d %q", rec.Code, rec.Header())
	}
	req := httptest.NewRequest("GET", "/static/array.js", nil)
	req.Header.Set("If-None-Match", rec.Header().Get("ETag"))
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Errorf("If-None-Match: %d, %d bytes", rec.Code, rec.Body.Len())
	}
}
