package api

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/advisory"
	"github.com/sieve-analytics/sieve/internal/alert"
	"github.com/sieve-analytics/sieve/internal/guard"
	"github.com/sieve-analytics/sieve/internal/guardcache"
	"github.com/sieve-analytics/sieve/internal/lexicon"
	"github.com/sieve-analytics/sieve/internal/project"
	"github.com/sieve-analytics/sieve/internal/scope"
	"github.com/sieve-analytics/sieve/internal/store/duckdb"
)

const testAdminKey = "insights-admin-key-0123456789"

func insightsServer(t *testing.T) (*httptest.Server, project.Created, project.Created) {
	t.Helper()
	dir := t.TempDir()
	reg, err := project.Open(filepath.Join(dir, "meta"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.EnsureAdminKey(testAdminKey); err != nil {
		t.Fatal(err)
	}
	p1, _ := reg.Create("One")
	p2, _ := reg.Create("Two")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := duckdb.Open(filepath.Join(dir, "store"), duckdb.Options{Logger: log, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	g := guard.New()
	a := New(log, reg, st, g)
	lex, _ := lexicon.New(lexicon.Options{})
	al, _ := alert.New(alert.Options{Source: lex})
	adv, _ := advisory.Open("")
	jobs := &scope.Jobs{R: &scope.Rescanner{Projects: reg, Source: st, Guards: guardcache.New(reg, g)}}
	in := a.Insights(lex, adv, al, jobs)
	mux := http.NewServeMux()
	mux.Handle("GET /api/projects/{id}/lexicon", in.Lexicon())
	mux.Handle("PUT /api/projects/{id}/webhook", in.PutWebhook())
	mux.Handle("GET /api/projects/{id}/webhook", in.GetWebhook())
	mux.Handle("GET /api/advisories", in.ListAdvisories())
	mux.Handle("POST /api/advisories", in.CreateAdvisory())
	mux.Handle("GET /api/advisories/{id}/report", in.AdvisoryReport())
	mux.Handle("GET /api/alerts", in.Alerts())
	mux.Handle("POST /api/scope", in.Scope())
	mux.Handle("GET /api/scope/{id}", in.ScopeJob())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, p1, p2
}

func call(t *testing.T, srv *httptest.Server, method, path string, auth func(*http.Request), body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if auth != nil {
		auth(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestInsightsAuthAndErrors(t *testing.T) {
	srv, p1, p2 := insightsServer(t)
	admin := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+testAdminKey) }
	as := func(c project.Created) func(*http.Request) {
		return func(r *http.Request) { r.SetBasicAuth(c.APISecret, "") }
	}
	secret := "Qq9!echo-canary-value"
	f := func(method, path string, auth func(*http.Request), body string, want int) []byte {
		t.Helper()
		code, b := call(t, srv, method, path, auth, body)
		if code != want {
			t.Errorf("%s %s: %d %s, want %d", method, path, code, b, want)
		}
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("%s %s echoes its input: %s", method, path, b)
		}
		return b
	}
	f("GET", "/api/projects/1/lexicon", nil, "", 401)
	f("GET", "/api/projects/1/lexicon", as(p1), "", 200)
	f("GET", "/api/projects/2/lexicon", as(p1), "", 403)
	f("GET", "/api/projects/99/lexicon", admin, "", 404)
	f("GET", "/api/alerts?project_id=2", as(p1), "", 403)
	f("GET", "/api/alerts", as(p2), "", 200)
	f("GET", "/api/alerts?limit="+secret, admin, "", 400)
	f("POST", "/api/advisories", as(p1), `{"lib":"web","versions":"*","action":"reject"}`, 403)
	f("POST", "/api/advisories", admin, `{"lib":"web","versions":"`+secret+`","action":"reject"}`, 400)
	f("POST", "/api/advisories", admin, `{"lib":"web","versions":"<2","action":"`+secret+`"}`, 400)
	f("POST", "/api/advisories", admin, `{"lib":"web","versions":"<2","action":"reject","`+secret+`":1}`, 400)
	f("POST", "/api/advisories", admin, `{"lib":"web","versions":"<2","action":"reject"}`, 201)
	f("GET", "/api/advisories", as(p2), "", 200)
	f("GET", "/api/advisories/1/report", as(p1), "", 403)
	f("GET", "/api/advisories/7/report", admin, "", 404)
	f("GET", "/api/advisories/1/report", admin, "", 200)
	if b := f("GET", "/api/projects/1/webhook", as(p1), "", 200); !bytes.Contains(b, []byte(`"url":null`)) {
		t.Errorf("GET webhook without one: %s, want url null", b)
	}
	f("PUT", "/api/projects/1/webhook", as(p2), `{"url":"http://192.0.2.10:1/x"}`, 403)
	f("PUT", "/api/projects/1/webhook", as(p1), `{"url":"`+secret+`"}`, 400)
	b := f("PUT", "/api/projects/1/webhook", as(p1), `{"url":"http://192.0.2.10:1/x"}`, 200)
	var wh struct{ Secret string }
	_ = json.Unmarshal(b, &wh)
	if b := f("GET", "/api/projects/1/webhook", as(p1), "", 200); wh.Secret == "" || bytes.Contains(b, []byte(wh.Secret)) {
		t.Errorf("webhook secret missing at creation or shown again")
	}
	f("POST", "/api/scope", as(p1), `{}`, 403)
	f("POST", "/api/scope", admin, `{"from":"`+secret+`"}`, 400)
	f("POST", "/api/scope", admin, `{"project_ids":[42]}`, 400)
	f("POST", "/api/scope", admin, `{"classes":["password"]}`, 200)
	b = f("POST", "/api/scope", admin, `{"rescan":true}`, 202)
	var job struct{ ID string }
	_ = json.Unmarshal(b, &job)
	deadline := time.Now().Add(10 * time.Second)
	for {
		b := f("GET", "/api/scope/"+job.ID, admin, "", 200)
		if bytes.Contains(b, []byte(`"status":"done"`)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("rescan not done: %s", b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	f("GET", "/api/scope/nope", admin, "", 404)
}
