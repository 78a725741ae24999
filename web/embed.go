// Package webui serves Sieve's web UI: a single-page app built from src/
// by esbuild (`make build`, or `npm run build` in web/) into dist/, which is
// committed so that building the server needs no npm, and embedded here.
//
// Handler answers every GET the route table does not claim: /assets/* from
// dist/assets (content-hashed names, cached for a year, gzip when the client
// takes it) and index.html for any other path, so client routes such as
// /findings load the app. Paths under /api/ that no route matched get a JSON
// 404, never the page. Every answer carries a strict Content-Security-Policy
// (scripts and styles from this origin only, no inline code, no framing)
// and X-Frame-Options: DENY.
//
// This package must not import any other Sieve package.
package webui

import (
	"bytes"
	"compress/gzip"
	"embed"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"
)

//go:embed all:dist
var dist embed.FS

// CSP is the Content-Security-Policy of every UI response.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// SecurityHeaders sets the headers every UI response carries.
func SecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
}

type asset struct {
	plain, gz []byte
	ctype     string
}

type handler struct {
	index  []byte
	assets map[string]*asset // by name under /assets/
}

// Handler serves the UI. It panics if the embedded build is missing, which
// the package's tests rule out.
func Handler() http.Handler {
	h := &handler{assets: map[string]*asset{}}
	index, err := dist.ReadFile("dist/index.html")
	if err != nil {
		panic("webui: dist/index.html is not embedded: run `make build`")
	}
	h.index = index
	entries, _ := fs.ReadDir(dist, "dist/assets")
	for _, e := range entries {
		b, _ := dist.ReadFile("dist/assets/" + e.Name())
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(b)
		_ = zw.Close()
		h.assets[e.Name()] = &asset{plain: b, gz: buf.Bytes(), ctype: contentType(e.Name())}
	}
	return h
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	}
	return "application/octet-stream"
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	SecurityHeaders(w.Header())
	p := r.URL.Path
	switch {
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "method not allowed")
	case strings.HasPrefix(p, "/api/") || p == "/api":
		writeError(w, http.StatusNotFound, "no such API route (see docs/API.md)")
	case strings.HasPrefix(p, "/assets/"):
		a, ok := h.assets[strings.TrimPrefix(p, "/assets/")]
		if !ok {
			writeError(w, http.StatusNotFound, "not found")
			return
		}
		a.serve(w, r)
	default:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(h.index))
	}
}

func (a *asset) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Add("Vary", "Accept-Encoding")
	body := a.plain
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		body = a.gz
		h.Set("Content-Encoding", "gzip")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

func writeError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(`{"error":"` + msg + `","status":"error"}` + "\n"))
}

// scriptRef finds the scripts index.html loads.
var scriptRef = regexp.MustCompile(`<script[^>]*\ssrc="/assets/([^"]+)"`)

// FirstPageScripts returns the names and gzip sizes of the scripts the first
// page loads (for the size budget).
func FirstPageScripts() map[string]int {
	h := Handler().(*handler)
	out := map[string]int{}
	for _, m := range scriptRef.FindAllSubmatch(h.index, -1) {
		if a, ok := h.assets[string(m[1])]; ok {
			out[string(m[1])] = len(a.gz)
		} else {
			out[string(m[1])] = -1
		}
	}
	return out
}
