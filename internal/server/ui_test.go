package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

const uiAdminKey = "ui-test-admin-key-0123456789"

type uiServer struct {
	t    *testing.T
	base string
	dir  string
	logs *bytes.Buffer
	c    *http.Client
}

func startUI(t *testing.T) *uiServer {
	t.Helper()
	t.Setenv("SIEVE_TEST_UNCOMPRESSED", "1")
	logs := &bytes.Buffer{}
	dir := t.TempDir()
	srv, err := New(Config{Addr: "127.0.0.1:0", DataDir: dir, AdminKey: uiAdminKey,
		Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), Console: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	<-srv.Ready()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return &uiServer{t: t, base: "http://" + srv.Addr(), dir: dir, logs: logs, c: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}}
}

// req describes a request: a session cookie, its CSRF token, other headers.
type req struct {
	cookie, csrf string
	header       map[string]string
}

func (s *uiServer) do(method, path, body string, o req) (*http.Response, []byte) {
	s.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r, _ := http.NewRequest(method, s.base+path, rd)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if o.cookie != "" {
		r.AddCookie(&http.Cookie{Name: "sieve_session", Value: o.cookie})
	}
	if o.csrf != "" {
		r.Header.Set("X-CSRF-Token", o.csrf)
	}
	for k, v := range o.header {
		r.Header.Set(k, v)
	}
	res, err := s.c.Do(r)
	if err != nil {
		s.t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, b
}

// signIn returns the session cookie, CSRF token and public id.
func (s *uiServer) signIn(body string, o req) (cookie, csrf, id string) {
	s.t.Helper()
	res, b := s.do("POST", "/api/session", body, o)
	if res.StatusCode != 201 {
		s.t.Fatalf("sign in: %d %s", res.StatusCode, b)
	}
	var sess struct {
		ID   string `json:"id"`
		CSRF string `json:"csrf_token"`
	}
	_ = json.Unmarshal(b, &sess)
	for _, c := range res.Cookies() {
		if c.Name == "sieve_session" {
			if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure || c.Path != "/" {
				s.t.Errorf("session cookie attributes: %+v", c)
			}
			if bytes.Contains(b, []byte(c.Value)) {
				s.t.Error("the cookie value is in the body, where scripts can read it")
			}
			return c.Value, sess.CSRF, sess.ID
		}
	}
	s.t.Fatal("no session cookie")
	return
}

func (s *uiServer) admin(method, path, body string) []byte {
	s.t.Helper()
	res, b := s.do(method, path, body, req{header: map[string]string{"Authorization": "Bearer " + uiAdminKey}})
	if res.StatusCode >= 300 {
		s.t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, b)
	}
	return b
}

// changingRoutes reads the route table's source: every route that may
// change something, with {id} filled in.
func changingRoutes(t *testing.T) [][2]string {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for _, m := range regexp.MustCompile(`"(POST|PUT|PATCH|DELETE) (/api/[^"]*)"`).FindAllStringSubmatch(string(src), -1) {
		out = append(out, [2]string{m[1], strings.ReplaceAll(m[2], "{id}", "1")})
	}
	if len(out) < 10 {
		t.Fatalf("found only %d changing routes in routes.go", len(out))
	}
	return out
}

func TestUISessionCSRFAndRoles(t *testing.T) {
	s := startUI(t)
	sa := struct{ Username, Secret string }{}
	_ = json.Unmarshal(s.admin("POST", "/api/projects/1/service-accounts", `{"name":"ana","role":"analyst"}`), &sa)
	ing := struct{ Username, Secret string }{}
	_ = json.Unmarshal(s.admin("POST", "/api/projects/1/service-accounts", `{"name":"pipe","role":"ingest"}`), &ing)

	if res, _ := s.do("POST", "/api/session", `{"admin_key":"wrong-key-0123456789"}`, req{}); res.StatusCode != 401 {
		t.Fatalf("a wrong key: %d", res.StatusCode)
	}
	if res, _ := s.do("POST", "/api/session", `{"username":"`+ing.Username+`","secret":"`+ing.Secret+`"}`, req{}); res.StatusCode != 403 {
		t.Fatalf("an ingest account signing in: %d", res.StatusCode)
	}
	if res, _ := s.do("POST", "/api/session", `{"admin_key":"`+uiAdminKey+`"}`, req{header: map[string]string{"Sec-Fetch-Site": "cross-site"}}); res.StatusCode != 403 {
		t.Fatalf("a cross-site sign-in (login CSRF): %d", res.StatusCode)
	}

	// Fixation: a cookie the client brings is never kept; a session it had is ended.
	ck0, _, _ := s.signIn(`{"admin_key":"`+uiAdminKey+`"}`, req{})
	ck, csrf, id := s.signIn(`{"admin_key":"`+uiAdminKey+`"}`, req{cookie: ck0})
	if ck == ck0 {
		t.Fatal("signing in kept the cookie the client sent")
	}
	if res, _ := s.do("GET", "/api/projects/1/findings", "", req{cookie: ck0}); res.StatusCode != 401 {
		t.Fatalf("the session replaced at sign-in still works: %d", res.StatusCode)
	}
	if res, _ := s.do("GET", "/api/projects", "", req{cookie: "attacker-chosen-0123456789012345678901234"}); res.StatusCode != 401 {
		t.Fatalf("an invented cookie: %d", res.StatusCode)
	}

	// CSRF on every changing route of the table: without the token (or
	// with a wrong one, or cross-site) nothing runs.
	for _, rt := range changingRoutes(t) {
		if rt[1] == "/api/session" {
			continue // sign-in: the credentials are the proof; checked above
		}
		for name, o := range map[string]req{"no token": {cookie: ck}, "wrong token": {cookie: ck, csrf: csrf + "x"},
			"cross-site": {cookie: ck, csrf: csrf, header: map[string]string{"Sec-Fetch-Site": "cross-site"}}} {
			res, b := s.do(rt[0], rt[1], `{"name":"csrf"}`, o)
			if res.StatusCode != 403 || !bytes.Contains(b, []byte("CSRF")) {
				t.Errorf("%s %s with %s: %d %s, want 403 for the missing CSRF token", rt[0], rt[1], name, res.StatusCode, b)
			}
		}
	}
	if bytes.Contains(s.admin("GET", "/api/projects", ""), []byte(`"csrf"`)) {
		t.Fatal("a request refused for CSRF changed something")
	}
	// With the token the same change goes through, as the signed-in principal.
	if res, b := s.do("PATCH", "/api/projects/1", `{"name":"Renamed"}`, req{cookie: ck, csrf: csrf}); res.StatusCode != 200 {
		t.Fatalf("PATCH with the token: %d %s", res.StatusCode, b)
	}

	// The analyst's session has the analyst's rights, exactly.
	ack, acsrf, aid := s.signIn(`{"username":"`+sa.Username+`","secret":"`+sa.Secret+`"}`, req{})
	for _, c := range []struct {
		method, path, body string
		want               int
	}{
		{"GET", "/api/projects/1/findings", "", 200},
		{"GET", "/api/projects/1/lexicon", "", 200},
		{"POST", "/api/projects/1/guard/dry-run", `{"event":{"event":"x","properties":{}}}`, 200},
		{"GET", "/api/audit?project_id=1", "", 403},
		{"GET", "/api/purges?project_id=1", "", 403},
		{"GET", "/api/projects/1/service-accounts", "", 403},
		{"GET", "/api/sessions", "", 403},
		{"GET", "/api/audit/verify", "", 403},
		{"POST", "/api/scope", `{}`, 403},
		{"PATCH", "/api/projects/1", `{"store_ip":true}`, 403},
		{"DELETE", "/api/sessions/" + id, "", 403},
	} {
		if res, b := s.do(c.method, c.path, c.body, req{cookie: ack, csrf: acsrf}); res.StatusCode != c.want {
			t.Errorf("analyst %s %s: %d %s, want %d", c.method, c.path, res.StatusCode, b, c.want)
		}
	}

	// Every read through a session is in the audit log with the session's id.
	// (Denied attempts are appended asynchronously.)
	var log struct {
		Entries []struct{ Actor, Session, Action, Endpoint string }
	}
	seen := map[string]bool{}
	for i := 0; i < 50 && !seen["denied"]; i++ {
		time.Sleep(20 * time.Millisecond)
		_ = json.Unmarshal(s.admin("GET", "/api/audit?project_id=1&actor=sa:"+sa.Username, ""), &log)
		for _, e := range log.Entries {
			if e.Session == aid {
				seen[e.Action] = true
			}
		}
	}
	for _, want := range []string{"session.create", "findings.read", "lexicon.read", "guard.dry_run", "denied"} {
		if !seen[want] {
			t.Errorf("no %s entry of the analyst's session in %+v", want, log.Entries)
		}
	}

	// An admin revokes the analyst's session; the analyst signs out of nothing.
	if res, b := s.do("DELETE", "/api/sessions/"+aid, "", req{cookie: ck, csrf: csrf}); res.StatusCode != 204 {
		t.Fatalf("revoke: %d %s", res.StatusCode, b)
	}
	if res, _ := s.do("GET", "/api/projects/1/findings", "", req{cookie: ack}); res.StatusCode != 401 {
		t.Fatalf("a revoked session: %d", res.StatusCode)
	}
	// Signing out ends the session and clears the cookie.
	res, _ := s.do("DELETE", "/api/session", "", req{cookie: ck, csrf: csrf})
	if res.StatusCode != 204 || len(res.Cookies()) != 1 || res.Cookies()[0].MaxAge >= 0 {
		t.Fatalf("sign out: %d %v", res.StatusCode, res.Cookies())
	}
	if res, b := s.do("GET", "/api/session", "", req{cookie: ck}); res.StatusCode != 200 || !bytes.Contains(b, []byte(`"signed_in":false`)) {
		t.Fatalf("after sign-out: %d %s", res.StatusCode, b)
	}
}

func TestUISignInRateLimited(t *testing.T) {
	s := startUI(t)
	var last *http.Response
	for range 11 {
		last, _ = s.do("POST", "/api/session", `{"admin_key":"guess-0123456789abcdef"}`, req{})
	}
	if last.StatusCode != 429 || last.Header.Get("Retry-After") == "" {
		t.Fatalf("the 11th attempt in a row: %d, Retry-After %q", last.StatusCode, last.Header.Get("Retry-After"))
	}
	// Even the right key waits: the limit is on attempts, not failures.
	if res, _ := s.do("POST", "/api/session", `{"admin_key":"`+uiAdminKey+`"}`, req{}); res.StatusCode != 429 {
		t.Fatalf("right key while limited: %d", res.StatusCode)
	}
}

func TestUIClickjackingHeadersAndFallback(t *testing.T) {
	s := startUI(t)
	for _, p := range []string{"/", "/findings", "/api/projects", "/api/nope"} {
		res, b := s.do("GET", p, "", req{})
		if res.Header.Get("X-Frame-Options") != "DENY" || !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("GET %s: no anti-framing headers: %v", p, res.Header)
		}
		isPage := bytes.Contains(b, []byte(`<div id="app">`))
		if isPage != !strings.HasPrefix(p, "/api/") {
			t.Errorf("GET %s: page served = %v", p, isPage)
		}
	}
	// The app never shadows the routes of the table.
	for _, p := range []string{"/healthz", "/sdk/sieve.js", "/track"} {
		if _, b := s.do("GET", p, "", req{}); bytes.Contains(b, []byte(`<div id="app">`)) {
			t.Errorf("GET %s answered the app", p)
		}
	}
}

// The dry run answers what the guard would do, and nothing of the pasted
// event reaches the store, the logs or the audit log.
func TestGuardDryRunStoresAndLogsNothing(t *testing.T) {
	s := startUI(t)
	const canary = "Dry-Run-Canary-Pa55word-7c1d"
	ev := `{"event":"Signed up","properties":{"distinct_id":"dry-user","plan":"pro","password":"` + canary + `","note":"card 4111 1111 1111 1111"}}`
	b := s.admin("POST", "/api/projects/1/guard/dry-run", `{"event":`+ev+`}`)
	var out struct {
		Dropped  bool
		Findings []struct{ Path, Class, Action string }
		Stored   *struct {
			Event      string
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.Dropped || len(out.Findings) != 2 || out.Stored == nil || out.Stored.Properties["plan"] != "pro" {
		t.Fatalf("dry run: %s", b)
	}
	if _, ok := out.Stored.Properties["password"]; ok || bytes.Contains(b, []byte(canary)) {
		t.Fatalf("the password would be stored: %s", b)
	}
	// A draft policy is used instead of the saved one.
	b = s.admin("POST", "/api/projects/1/guard/dry-run", `{"event":`+ev+`,"policy":{"actions":{"password":"drop_event"}}}`)
	if !bytes.Contains(b, []byte(`"dropped":true`)) || !bytes.Contains(b, []byte(`"stored":null`)) {
		t.Fatalf("dry run with a draft: %s", b)
	}
	if res, b := s.do("POST", "/api/projects/1/guard/dry-run", `{"event":{"event":"x","properties":{"time":"`+canary+`"}}}`,
		req{header: map[string]string{"Authorization": "Bearer " + uiAdminKey}}); res.StatusCode != 400 || bytes.Contains(b, []byte(canary)) {
		t.Fatalf("a bad event: %d %s", res.StatusCode, b)
	}

	time.Sleep(1100 * time.Millisecond) // the lexicon and audit HEAD flush once a second
	var recent struct{ Events []any }
	_ = json.Unmarshal(s.admin("GET", "/api/projects/1/events/recent?since=1h", ""), &recent)
	var f struct{ Total int }
	_ = json.Unmarshal(s.admin("GET", "/api/projects/1/findings", ""), &f)
	if len(recent.Events) != 0 || f.Total != 0 {
		t.Fatalf("the dry run stored %d events, %d findings", len(recent.Events), f.Total)
	}
	if bytes.Contains(s.logs.Bytes(), []byte(canary)) {
		t.Fatal("the canary is in the server log")
	}
	err := filepath.WalkDir(s.dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if b, _ := os.ReadFile(p); bytes.Contains(b, []byte(canary)) || bytes.Contains(b, []byte("dry-user")) {
			t.Errorf("the pasted event is in %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRecentEventsSummaryAndVerify(t *testing.T) {
	s := startUI(t)
	var p []struct{ Token string }
	_ = json.Unmarshal(s.admin("GET", "/api/projects", ""), &p)
	for i, name := range []string{"a", "b", "c", "d"} {
		body := `{"event":"` + name + `","properties":{"token":"` + p[0].Token + `","distinct_id":"u` + string(rune('0'+i%2)) + `","password":"Secret-Value-123"}}`
		if res, b := s.do("POST", "/track?verbose=1", body, req{}); res.StatusCode != 200 {
			t.Fatalf("track: %s", b)
		}
	}
	var recent struct {
		Events []struct{ Event, DistinctID string }
	}
	_ = json.Unmarshal(s.admin("GET", "/api/projects/1/events/recent?limit=3", ""), &recent)
	if got := len(recent.Events); got != 3 || recent.Events[0].Event != "d" || recent.Events[2].Event != "b" {
		t.Fatalf("recent, newest first, 3: %+v", recent.Events)
	}
	_ = json.Unmarshal(s.admin("GET", "/api/projects/1/events/recent?distinct_id=u1", ""), &recent)
	if len(recent.Events) != 2 || recent.Events[0].Event != "d" || recent.Events[1].Event != "b" {
		t.Fatalf("recent of u1: %+v", recent.Events)
	}
	var sum struct {
		Total int
		ByDay []struct {
			Class string
			Count int
		} `json:"by_day"`
		ByPath []struct{ Path, Class string } `json:"by_path"`
		Latest []struct{ Event string }
	}
	_ = json.Unmarshal(s.admin("GET", "/api/projects/1/findings/summary", ""), &sum)
	if sum.Total != 4 || len(sum.ByDay) != 1 || sum.ByDay[0].Count != 4 || sum.ByDay[0].Class != "password" || len(sum.ByPath) != 4 ||
		len(sum.Latest) != 4 || sum.Latest[0].Event != "d" || sum.Latest[3].Event != "a" {
		t.Fatalf("summary: %+v", sum)
	}
	if b := s.admin("GET", "/api/audit/verify", ""); !bytes.Contains(b, []byte(`"ok":true`)) {
		t.Fatalf("verify: %s", b)
	}
	for _, bad := range []string{"since=0s", "since=200h", "limit=0", "limit=1001"} {
		if res, _ := s.do("GET", "/api/projects/1/events/recent?"+bad, "", req{header: map[string]string{"Authorization": "Bearer " + uiAdminKey}}); res.StatusCode != 400 {
			t.Errorf("recent?%s: %d, want 400", bad, res.StatusCode)
		}
	}
}
