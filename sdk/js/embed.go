// Package sdkjs serves sieve.js, Sieve's browser SDK, from the Go binary,
// and the per-project configuration the SDK reads at start-up.
//
// The script is dist/sieve.min.js, built from src/ by `npm run build` and
// committed, so building the server needs no npm. Routes (mount the handler
// at /sdk/ without stripping the prefix):
//
//	GET /sdk/sieve.js             current version, cached 5 minutes, ETag
//	GET /sdk/v{Version}/sieve.js  pinned version, cached for a year (immutable)
//	GET /sdk/config?token=T       {"autotrack":bool,"url_params":[...]}, CORS *
//
// This package must not import any other Sieve package: the server passes
// project settings in through the config function.
package sdkjs

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	_ "embed" // for the script
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Version is the version of the embedded sieve.js; a test keeps it equal to
// package.json's.
const Version = "0.1.0"

//go:embed dist/sieve.min.js
var script []byte

// Config is what sieve.js learns about its project.
type Config struct {
	// Autotrack turns on automatic pageview, click, submit and change events.
	Autotrack bool `json:"autotrack"`
	// URLParams lists the query parameters kept in captured URLs; a trailing
	// "*" matches a prefix. nil means the default, ["utm_*"]; an empty,
	// non-nil slice keeps none.
	URLParams []string `json:"url_params"`
}

// DefaultURLParams are the query parameters kept when a project sets none.
var DefaultURLParams = []string{"utm_*"}

// Script returns the embedded sieve.min.js.
func Script() []byte { return bytes.Clone(script) }

// asset is one cached response: the script, its gzip form and their ETags.
type asset struct {
	plain, gz    []byte
	etag, gzETag string
	cacheControl string
}

func newAsset(js []byte, cacheControl string) *asset {
	sum := sha256.Sum256(js)
	tag := hex.EncodeToString(sum[:8])
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
	_, _ = zw.Write(js)                                      // writes to a bytes.Buffer do not fail
	_ = zw.Close()
	return &asset{plain: js, gz: buf.Bytes(), etag: `"` + tag + `"`, gzETag: `"` + tag + `-gz"`, cacheControl: cacheControl}
}

func (a *asset) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", a.cacheControl)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	h.Add("Vary", "Accept-Encoding")
	body, etag := a.plain, a.etag
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body, etag = a.gz, a.gzETag
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	// ServeContent answers If-None-Match with 304, HEAD, and ranges.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip
// (present and not with q=0).
func acceptsGzip(ae string) bool {
	for _, part := range strings.Split(ae, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

type handler struct {
	config  func(token string) (Config, bool)
	current *asset
	pinned  *asset
}

// Handler serves sieve.js and /sdk/config. config returns the settings of
// the project whose token is given, false for an unknown token; it is
// called for every config request and must be safe for concurrent use.
func Handler(config func(token string) (Config, bool)) http.Handler {
	return &handler{
		config:  config,
		current: newAsset(script, "public, max-age=300"),
		pinned:  newAsset(script, "public, max-age=31536000, immutable"),
	}
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/sdk")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if r.Method == http.MethodOptions && path == "/config" {
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.Header().Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
			w.Header().Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "method not allowed: use GET")
		return
	}
	switch {
	case path == "/sieve.js":
		h.current.serve(w, r)
	case path == "/config":
		h.serveConfig(w, r)
	case strings.HasPrefix(path, "/v") && strings.HasSuffix(path, "/sieve.js"):
		if strings.TrimSuffix(strings.TrimPrefix(path, "/v"), "/sieve.js") != Version {
			writeError(w, http.StatusNotFound, "this server does not have that sieve.js version; current is "+Version)
			return
		}
		h.pinned.serve(w, r)
	default:
		writeError(w, http.StatusNotFound, "not found")
	}
}

func (h *handler) serveConfig(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	token := r.URL.Query().Get("token")
	if token == "" {
		writeError(w, http.StatusBadRequest, "missing token parameter")
		return
	}
	cfg, ok := h.config(token)
	if !ok {
		writeError(w, http.StatusNotFound, "unknown project token")
		return
	}
	if cfg.URLParams == nil {
		cfg.URLParams = DefaultURLParams
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	writeJSON(w, http.StatusOK, cfg)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, struct {
		Error  string `json:"error"`
		Status string `json:"status"`
	}{msg, "error"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Config and error bodies are plain structs of strings and bools.
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error","status":"error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
