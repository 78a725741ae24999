package ingest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/advisory"
	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/guard"
	"github.com/sieve-analytics/sieve/internal/guardcache"
	"github.com/sieve-analytics/sieve/internal/ingest"
	"github.com/sieve-analytics/sieve/internal/lexicon"
	"github.com/sieve-analytics/sieve/internal/project"
	"github.com/sieve-analytics/sieve/internal/store"
	"github.com/sieve-analytics/sieve/internal/store/duckdb"
	"github.com/sieve-analytics/sieve/internal/wire/posthog"
)

// failingStore fails Append while fail is set.
type failingStore struct {
	store.Store
	mu   sync.Mutex
	fail bool
}

func (f *failingStore) Append(ctx context.Context, rows []event.Row) (store.AppendResult, error) {
	f.mu.Lock()
	fail := f.fail
	f.mu.Unlock()
	if fail {
		return store.AppendResult{}, errors.New("disk unavailable")
	}
	return f.Store.Append(ctx, rows)
}

type env struct {
	t    *testing.T
	st   *failingStore
	ing  *ingest.Ingester
	reg  *project.Registry
	logs *bytes.Buffer
	p    project.Project
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	reg, err := project.Open(filepath.Join(dir, "meta"))
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	st, err := duckdb.Open(filepath.Join(dir, "store"), duckdb.Options{Logger: log, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c, err := reg.Create("ph")
	if err != nil {
		t.Fatal(err)
	}
	fs := &failingStore{Store: st}
	return &env{t: t, st: fs, reg: reg, logs: logs, p: c.Project,
		ing: ingest.New(log, reg, fs, guardcache.New(reg, guard.New()))}
}

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, _ = w.Write([]byte(s))
	_ = w.Close()
	return b.Bytes()
}

func (e *env) post(h http.Handler, target string, body []byte, hdr ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	r := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func (e *env) export() []event.Row {
	e.t.Helper()
	var rows []event.Row
	err := e.st.Export(context.Background(), store.ExportQuery{ProjectID: e.p.ID, From: 0, To: time.Now().Add(48 * time.Hour).UnixMilli()}, func(r *event.Row) error {
		c := *r
		c.Props = bytes.Clone(r.Props)
		rows = append(rows, c)
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return rows
}

func (e *env) profiles(kind event.ProfileKind, group string) map[string]string {
	e.t.Helper()
	out := map[string]string{}
	_, err := e.st.Profiles(context.Background(), store.ProfileQuery{ProjectID: e.p.ID, Kind: kind, GroupKey: group}, func(p *store.Profile) error {
		out[p.ID] = string(p.Properties)
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *env) batch(events ...string) string {
	return `{"api_key":"` + e.p.Token + `","batch":[` + strings.Join(events, ",") + `],"sent_at":"` + time.Now().UTC().Format(time.RFC3339Nano) + `"}`
}

func evJSON(name, uuid, props string) string {
	return fmt.Sprintf(`{"event":%q,"uuid":%q,"timestamp":%q,"properties":{"distinct_id":"u1","$lib":"web","$lib_version":"1.449.2"%s}}`,
		name, uuid, time.Now().UTC().Format(time.RFC3339Nano), props)
}

const (
	u1 = "0190a1b2-c3d4-7e5f-8a9b-000000000001"
	u2 = "0190a1b2-c3d4-7e5f-8a9b-000000000002"
)

func TestPostHogCaptureStoresOnceAndGuards(t *testing.T) {
	e := newEnv(t)
	h := e.ing.PostHog(posthog.Capture)
	chain := `a.btn:attr__data-token=\"tok_live_4eC39HqLyjWDarjtT1zdp7dc\"attr__href=\"https://app.example.com/confirm?token=SECRET123abcdef456\"href=\"https://app.example.com/confirm?token=SECRET123abcdef456\"nth-child=\"1\"nth-of-type=\"1\"text=\"Reset password\";body:nth-child=\"2\"nth-of-type=\"1\"`
	body := gz(e.batch(
		evJSON("$pageview", u1, `,"$current_url":"https://app.example.com/reset?token=SECRET123abcdef456","plan":"pro","token":"`+e.p.Token+`"`),
		evJSON("$autocapture", u2, `,"$event_type":"click","$elements_chain":"`+chain+`","$el_text":"Reset password"`),
	))
	for range 2 { // a retry: the same uuids
		w := e.post(h, "/e/?ip=1&_="+fmt.Sprint(time.Now().UnixMilli()), body, "Content-Type", "text/plain")
		if w.Code != 200 || w.Body.String() != `{"status":1}` {
			t.Fatalf("status %d %s", w.Code, w.Body.String())
		}
	}
	rows := e.export()
	if len(rows) != 2 {
		t.Fatalf("%d rows stored, want 2 (a retry must be de-duplicated)", len(rows))
	}
	all := ""
	for _, r := range rows {
		all += string(r.Props)
		if !json.Valid(r.Props) {
			t.Fatalf("invalid props %s", r.Props)
		}
	}
	for _, secret := range []string{"SECRET123", "tok_live", e.p.Token} {
		if strings.Contains(all, secret) {
			t.Errorf("stored properties hold %q: %s", secret, all)
		}
	}
	if !strings.Contains(all, `"plan":"pro"`) || !strings.Contains(all, `"$el_text":"Reset password"`) {
		t.Errorf("ordinary properties lost: %s", all)
	}
	var chainRow map[string]any
	for _, r := range rows {
		if r.Name == "$autocapture" {
			_ = json.Unmarshal(r.Props, &chainRow)
		}
	}
	c, _ := chainRow["$elements_chain"].(string)
	if !strings.HasPrefix(c, "a.btn:") || !strings.Contains(c, `text="Reset password"`) || !strings.Contains(c, `;body:nth-child="2"`) {
		t.Errorf("the chain lost its shape: %q", c)
	}
	var fs []event.Finding
	_ = e.st.Findings(context.Background(), store.FindingQuery{ProjectID: e.p.ID, To: time.Now().Add(time.Hour).UnixMilli()}, func(f *event.Finding) error {
		fs = append(fs, *f)
		return nil
	})
	if len(fs) == 0 || fs[0].Lib != "posthog-js" || fs[0].LibVersion != "1.449.2" {
		t.Errorf("findings %+v", fs)
	}
	if strings.Contains(e.logs.String(), "SECRET") {
		t.Error("a secret reached the log")
	}
}

func TestPostHogProfiles(t *testing.T) {
	e := newEnv(t)
	body := e.batch(
		`{"event":"$identify","distinct_id":"user-9","uuid":"`+u1+`","properties":{"$anon_distinct_id":"anon-1"},"$set":{"email":"a@b.example","plan":"pro"},"$set_once":{"first":"x"}}`,
		`{"event":"$groupidentify","distinct_id":"$company_acme","uuid":"`+u2+`","properties":{"$group_type":"company","$group_key":"acme","$group_set":{"name":"Acme","password":"hunter2hunter2"}}}`,
	)
	w := e.post(e.ing.PostHog(posthog.Batch), "/batch/", gz(body), "Content-Encoding", "gzip", "Content-Type", "application/json")
	if w.Code != 200 {
		t.Fatalf("status %d %s", w.Code, w.Body.String())
	}
	people := e.profiles(event.People, "")
	if p := people["user-9"]; !strings.Contains(p, `"plan":"pro"`) || !strings.Contains(p, `"first":"x"`) {
		t.Errorf("person profile %q", p)
	}
	g := e.profiles(event.Group, "company")["acme"]
	if !strings.Contains(g, `"name":"Acme"`) || strings.Contains(g, "hunter2") {
		t.Errorf("group profile %q", g)
	}
	if len(e.export()) != 2 {
		t.Error("identity events are stored as events too")
	}
}

// TestPostHogPersonMerge: $create_alias and $identify merge the alias's
// and the anonymous id's persons into the identified one; a merge source
// the guard judges secret (a card number as an alias) never reaches the
// store.
func TestPostHogPersonMerge(t *testing.T) {
	e := newEnv(t)
	h := e.ing.PostHog(posthog.Batch)
	const card = "4111111111111111"
	body := e.batch(
		`{"event":"$set","distinct_id":"anon-1","properties":{"$set":{"plan":"free","source":"ad"}}}`,
		`{"event":"$set","distinct_id":"old-alias","properties":{"$set":{"legacy":true}}}`,
		`{"event":"$identify","distinct_id":"user-1","properties":{"$anon_distinct_id":"anon-1"},"$set":{"plan":"pro"}}`,
		`{"event":"$create_alias","distinct_id":"user-1","properties":{"alias":"old-alias"}}`,
		`{"event":"$create_alias","distinct_id":"user-1","properties":{"alias":"`+card+`"}}`,
		`{"event":"$set","distinct_id":"anon-1","properties":{"$set":{"late":1}}}`,
	)
	if w := e.post(h, "/batch/", gz(body), "Content-Encoding", "gzip"); w.Code != 200 {
		t.Fatalf("status %d %s\n%s", w.Code, w.Body.String(), e.logs.String())
	}
	people := e.profiles(event.People, "")
	if len(people) != 1 {
		t.Fatalf("profiles after the merges: %v", people)
	}
	p := people["user-1"]
	for _, want := range []string{`"plan":"pro"`, `"source":"ad"`, `"legacy":true`, `"late":1`} {
		if !strings.Contains(p, want) {
			t.Errorf("merged profile lacks %s: %s", want, p)
		}
	}
	var found []string
	_, err := e.st.Profiles(context.Background(), store.ProfileQuery{ProjectID: e.p.ID, Kind: event.People, IDs: []string{"old-alias"}}, func(p *store.Profile) error {
		found = append(found, p.ID)
		return nil
	})
	if err != nil || len(found) != 1 || found[0] != "user-1" {
		t.Errorf("look-up by the alias: %v %v", found, err)
	}
	for _, r := range e.export() {
		if strings.Contains(string(r.Props), card) {
			t.Errorf("the card alias was stored: %s", r.Props)
		}
	}
	_, err = e.st.Profiles(context.Background(), store.ProfileQuery{ProjectID: e.p.ID, Kind: event.People, IDs: []string{card}}, func(p *store.Profile) error {
		t.Errorf("the card alias links to a person: %s", p.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPostHogRefusals(t *testing.T) {
	e := newEnv(t)
	other, err := e.reg.Create("other")
	if err != nil {
		t.Fatal(err)
	}
	h := e.ing.PostHog(posthog.Capture)
	ev := func(tok string) string {
		return `{"event":"e","distinct_id":"u","properties":{"token":"` + tok + `"}}`
	}
	bomb := gz(`[` + strings.Repeat(" ", posthog.MaxPayloadBytes) + `]`)
	cases := []struct {
		name   string
		body   []byte
		status int
	}{
		{"malformed", []byte(`{"event":`), 400},
		{"no distinct_id", []byte(`{"event":"e","properties":{"token":"` + e.p.Token + `"}}`), 400},
		{"unknown token", []byte(ev("nope")), 401},
		{"mixed tokens", []byte(`[` + ev(e.p.Token) + `,` + ev(other.Project.Token) + `]`), 401},
		{"personal key", []byte(`{"api_key":"phx_x","batch":[` + ev(e.p.Token) + `]}`), 401},
		{"oversized", bytes.Repeat([]byte(" "), posthog.MaxBodyBytes+1), 413},
		{"gzip bomb", bomb, 413},
		{"NaN", []byte(`{"event":"e","distinct_id":"u","properties":{"token":"` + e.p.Token + `","x":NaN}}`), 400},
		{"one valid then one invalid", []byte(`[` + ev(e.p.Token) + `,{"event":"e","properties":{"token":"` + e.p.Token + `"}}]`), 400},
	}
	if len(bomb) > posthog.MaxBodyBytes {
		t.Fatal("the bomb is not small")
	}
	for _, c := range cases {
		w := e.post(h, "/e/", c.body)
		if w.Code != c.status {
			t.Errorf("%s: status %d, want %d (%s)", c.name, w.Code, c.status, w.Body.String())
		}
	}
	if n := len(e.export()); n != 0 {
		t.Errorf("%d rows stored from refused requests", n)
	}

	e.st.mu.Lock()
	e.st.fail = true
	e.st.mu.Unlock()
	w := e.post(h, "/e/", []byte(ev(e.p.Token)))
	if w.Code != 503 || w.Header().Get("Retry-After") == "" || strings.Contains(w.Body.String(), "disk") {
		t.Errorf("store failure: %d %q %s", w.Code, w.Header().Get("Retry-After"), w.Body.String())
	}
}

func TestPostHogBeaconForms(t *testing.T) {
	e := newEnv(t)
	h := e.ing.PostHog(posthog.Capture)
	b64 := base64.StdEncoding.EncodeToString([]byte(e.batch(evJSON("$pageleave", u1, ""))))
	w := e.post(h, "/e/?compression=base64", []byte("data="+url.QueryEscape(b64)), "Content-Type", "application/x-www-form-urlencoded")
	if w.Code != 200 {
		t.Fatalf("base64 form: %d %s", w.Code, w.Body.String())
	}
	w = e.post(h, "/e/?beacon=1", []byte(e.batch(evJSON("$pageleave", u2, ""))))
	if w.Code != 204 {
		t.Fatalf("beacon=1: %d", w.Code)
	}
	if n := len(e.export()); n != 2 {
		t.Fatalf("%d rows", n)
	}
}

func TestSharedTrack(t *testing.T) {
	e := newEnv(t)
	h := e.ing.Shared(e.ing.Track(), e.ing.PostHog(posthog.Capture), false)
	mp := base64.StdEncoding.EncodeToString([]byte(`{"event":"mp","properties":{"token":"` + e.p.Token + `","distinct_id":"u","$insert_id":"a1"}}`))
	w := e.post(h, "/track", []byte("data="+mp))
	if w.Code != 200 || w.Body.String() != "1" {
		t.Fatalf("Mixpanel /track: %d %q", w.Code, w.Body.String())
	}
	w = e.post(h, "/track/", gz(e.batch(evJSON("ph", u1, ""))))
	if w.Code != 200 || w.Body.String() != `{"status":1}` {
		t.Fatalf("PostHog /track/: %d %q", w.Code, w.Body.String())
	}
	names := map[string]bool{}
	for _, r := range e.export() {
		names[r.Name] = true
	}
	if !names["mp"] || !names["ph"] {
		t.Fatalf("stored %v", names)
	}
}

func TestPostHogFlagsAndConfig(t *testing.T) {
	e := newEnv(t)
	body := `{"token":"` + e.p.Token + `","distinct_id":"u","person_properties":{"email":"secret-person@example.com","$initial_current_url":"https://x.example/?token=abc"}}`
	for _, c := range []struct {
		h      http.Handler
		target string
		config bool
	}{{e.ing.Flags(false), "/flags/?v=2", false}, {e.ing.Flags(false), "/flags/?v=2&config=true", true}, {e.ing.Flags(true), "/decide/?v=3", true}} {
		w := e.post(c.h, c.target, gz(body))
		var got map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != 200 {
			t.Fatalf("%s: %d %v", c.target, w.Code, err)
		}
		if _, ok := got["flags"].(map[string]any); !ok {
			t.Errorf("%s: no flags object", c.target)
		}
		if _, has := got["autocapture_opt_out"]; has != c.config || (c.config && got["autocapture_opt_out"] != true) {
			t.Errorf("%s: autocapture_opt_out %v", c.target, got["autocapture_opt_out"])
		}
	}
	if strings.Contains(e.logs.String(), "secret-person") || len(e.export()) != 0 {
		t.Error("a flags body was logged or stored")
	}

	// The config follows the project's autotrack setting.
	get := func(path string) *httptest.ResponseRecorder {
		mux := http.NewServeMux()
		mux.Handle("GET /array/{token}/config", e.ing.RemoteConfig(false))
		mux.Handle("GET /array/{token}/config.js", e.ing.RemoteConfig(true))
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		return w
	}
	if w := get("/array/" + e.p.Token + "/config"); !strings.Contains(w.Body.String(), `"autocapture_opt_out":true`) {
		t.Errorf("config: %s", w.Body.String())
	}
	on := true
	if _, err := e.reg.Update(e.p.ID, project.Patch{Autotrack: &on}); err != nil {
		t.Fatal(err)
	}
	if w := get("/array/" + e.p.Token + "/config.js"); w.Header().Get("Content-Type") != "application/javascript" || !strings.Contains(w.Body.String(), `"autocapture_opt_out":false`) {
		t.Errorf("config.js: %s", w.Body.String())
	}
	if w := get("/array/unknown/config"); w.Code != 404 {
		t.Errorf("unknown token: %d", w.Code)
	}
	w := e.post(e.ing.Recordings(), "/s/", []byte(`[{"event":"$snapshot"}]`))
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"quota_limited":["recordings"]`) {
		t.Errorf("/s/: %d %s", w.Code, w.Body.String())
	}
}

// TestPostHogCarriers sends a secret in each of PostHog's secret-prone
// properties and checks that none is stored, while the event and its
// harmless properties are, and that a finding names each path.
func TestPostHogCarriers(t *testing.T) {
	e := newEnv(t)
	const secret = "Zq8vT3xLm2Nw9Rk4Hb7Yc1Pd6Fs5Jg0A"
	url := "https://app.example.com/account?token=" + secret + "&ok=1"
	props := map[string]any{
		"$current_url":            url,
		"$referrer":               url,
		"$session_entry_url":      url,
		"$session_entry_referrer": url,
		"$external_click_url":     url,
		"$prev_pageview_url":      url,
		"$initial_current_url":    url,
		"$el_text":                "api_key=" + secret,
		"$elements":               []any{map[string]any{"tag_name": "a", "attr__href": url, "attr__data-token": secret, "$el_text": "Open", "nth_child": 1}},
		"$exception_list": []any{map[string]any{"type": "Error", "value": "boom", "stacktrace": map[string]any{"type": "raw", "frames": []any{
			map[string]any{"filename": url, "function": "f", "lineno": 3, "in_app": true}}}}},
		"$set":      map[string]any{"api_key": secret, "plan": "pro"},
		"$set_once": map[string]any{"$initial_referrer": url, "first": "yes"},
		"harmless":  "kept",
	}
	ev := map[string]any{"event": "$exception", "distinct_id": "u9", "uuid": u1, "timestamp": time.Now().UTC().Format(time.RFC3339),
		"properties": props, "$set": map[string]any{"password": "Pw-" + secret}}
	b, _ := json.Marshal(map[string]any{"api_key": e.p.Token, "batch": []any{ev}})
	if w := e.post(e.ing.PostHog(posthog.Batch), "/batch/", b); w.Code != 200 {
		t.Fatalf("status %d %s", w.Code, w.Body.String())
	}
	rows := e.export()
	if len(rows) != 1 {
		t.Fatalf("%d rows", len(rows))
	}
	stored := string(rows[0].Props)
	prof := fmt.Sprint(e.profiles(event.People, ""))
	for where, s := range map[string]string{"the event": stored, "the profile": prof} {
		if strings.Contains(s, secret) {
			t.Errorf("%s holds the secret: %s", where, s)
		}
	}
	if !strings.Contains(stored, `"harmless":"kept"`) || !strings.Contains(prof, `"plan":"pro"`) || !strings.Contains(prof, `"first":"yes"`) {
		t.Errorf("harmless values lost: %s / %s", stored, prof)
	}
	paths := map[string]bool{}
	_ = e.st.Findings(context.Background(), store.FindingQuery{ProjectID: e.p.ID, To: time.Now().Add(time.Hour).UnixMilli()}, func(f *event.Finding) error {
		paths[f.Path] = true
		if f.Lib != "" && f.Lib != "posthog-js" && f.Lib != "posthog-node" {
			t.Errorf("finding lib %q", f.Lib)
		}
		return nil
	})
	for _, p := range []string{"$current_url", "$referrer", "$session_entry_url", "$external_click_url", "$prev_pageview_url", "$initial_current_url", "$set.api_key"} {
		if !paths[p] {
			t.Errorf("no finding at %s (findings at %v)", p, paths)
		}
	}
}

// TestPostHogFleetAndAdvisories checks that the SDK fleet sees posthog-js
// and posthog-node versions, and that an advisory can target one of them.
func TestPostHogFleetAndAdvisories(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	lex, err := lexicon.New(lexicon.Options{Dir: dir, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	adv, err := advisory.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	e.ing.SetHooks(advisory.Hook{Registry: adv, Fleet: lex}, lex)
	h := e.ing.PostHog(posthog.Batch)
	node := `{"event":"n","distinct_id":"u","uuid":"` + u2 + `","properties":{"$lib":"posthog-node","$lib_version":"5.70.0"}}`
	if w := e.post(h, "/batch/", []byte(e.batch(evJSON("js", u1, ""), node))); w.Code != 200 {
		t.Fatalf("status %d %s", w.Code, w.Body.String())
	}
	seen := map[string]bool{}
	for _, s := range lex.SDKs(e.p.ID) {
		seen[s.Lib+" "+s.Version] = true
	}
	if !seen["posthog-js 1.449.2"] || !seen["posthog-node 5.70.0"] {
		t.Errorf("fleet: %v", seen)
	}
	if _, err := adv.Add(advisory.Advisory{Lib: "posthog-js", Versions: "<1.450.0", Description: "leaks", Action: advisory.Reject}, time.Now()); err != nil {
		t.Fatal(err)
	}
	const u3 = "0190a1b2-c3d4-7e5f-8a9b-000000000003"
	if w := e.post(h, "/batch/", []byte(e.batch(evJSON("js", u3, "")))); w.Code != 400 || !strings.Contains(w.Body.String(), "advisory") {
		t.Errorf("advisory reject: %d %s", w.Code, w.Body.String())
	}
	if n := len(e.export()); n != 2 {
		t.Errorf("%d rows, want the 2 sent before the advisory", n)
	}
}
