package apptest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

type webhookCall struct {
	body []byte
	sig  string
}

// verifySig checks "t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>"
// as a receiver would, without Sieve's code.
func verifySig(secret, header string, body []byte) bool {
	var ts, v1 string
	for _, part := range strings.Split(header, ",") {
		if k, v, ok := strings.Cut(part, "="); ok {
			switch k {
			case "t":
				ts = v
			case "v1":
				v1 = v
			}
		}
	}
	if ts == "" || v1 == "" {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	want := hex.EncodeToString(m.Sum(nil))
	return hmac.Equal([]byte(want), []byte(v1))
}

// A new sensitive-looking property path raises an alert within a minute:
// in GET /api/alerts, in one log line, and at the project's webhook (a
// test server on 127.0.0.1) with a valid HMAC signature. No value anywhere.
func TestAlertNewSensitivePath(t *testing.T) {
	var mu sync.Mutex
	var calls []webhookCall
	fails := 1
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if fails > 0 { // the first delivery fails: it must be retried
			fails--
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		calls = append(calls, webhookCall{body: b, sig: r.Header.Get("X-Sieve-Signature")})
	}))
	defer hook.Close()

	s := startServer(t, serverOpts{Args: []string{"--webhook-allow-private"}}) // the hook is on 127.0.0.1
	p := s.createProject("Alerting")
	code, out := s.do("PUT", fmt.Sprintf("/api/projects/%d/webhook", p.ID), basic(p.APISecret, ""), []byte(`{"url":`+quote(hook.URL+"/sieve")+`}`))
	if code != 200 {
		t.Fatalf("PUT webhook: %d %s", code, out)
	}
	var wh struct {
		Secret string `json:"secret"`
	}
	_ = json.Unmarshal(out, &wh)
	if len(wh.Secret) < 16 {
		t.Fatalf("no webhook secret in %s", out)
	}
	if code, out := s.do("GET", fmt.Sprintf("/api/projects/%d/webhook", p.ID), basic(p.APISecret, ""), nil); code != 200 || strings.Contains(string(out), wh.Secret) {
		t.Errorf("GET webhook: %d, secret shown again: %v", code, strings.Contains(string(out), wh.Secret))
	}

	// A baseline of ordinary properties raises nothing.
	s.trackForm(browserEvent(p, "Page View", "ivy", "2.19.0", map[string]any{"plan": "pro", "cart": map[string]any{"items": 2}}))
	token := "sk_live_" + randString(alnum, 24)
	pw := "Gr8-" + randString(alnum, 12)
	canaries := []string{token, pw}
	t0 := time.Now()
	s.trackForm(browserEvent(p, "Settings Saved", "ivy", "2.19.0", map[string]any{"account": map[string]any{"stripe_api_key": token, "new_pin": pw}}))

	type alertJSON struct {
		ID        int64    `json:"id"`
		Time      string   `json:"time"`
		ProjectID int64    `json:"project_id"`
		Signal    string   `json:"signal"`
		Path      string   `json:"path"`
		Classes   []string `json:"classes"`
		Webhook   string   `json:"webhook"`
		Message   string   `json:"message"`
	}
	var alerts []alertJSON
	var raw []byte
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		_, raw = s.do("GET", fmt.Sprintf("/api/alerts?project_id=%d", p.ID), basic(p.APISecret, ""), nil)
		var res struct {
			Alerts []alertJSON `json:"alerts"`
		}
		_ = json.Unmarshal(raw, &res)
		alerts = res.Alerts
		mu.Lock()
		n := len(calls)
		mu.Unlock()
		if len(alerts) >= 2 && n >= 2 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	noCanary(t, "GET /api/alerts", raw, canaries)
	paths := map[string]alertJSON{}
	for _, a := range alerts {
		if a.Signal == "new_sensitive_path" {
			paths[a.Path] = a
		}
	}
	key, ok := paths["account.stripe_api_key"]
	if !ok || key.ProjectID != p.ID || len(key.Classes) == 0 {
		t.Fatalf("no new_sensitive_path alert for account.stripe_api_key with classes: %s", raw)
	}
	if _, ok := paths["account.new_pin"]; !ok {
		t.Errorf("no alert for account.new_pin: %s", raw)
	}
	for path := range paths {
		if !strings.HasPrefix(path, "account.") {
			t.Errorf("alert for an ordinary path %s", path)
		}
	}
	if at, _ := time.Parse(time.RFC3339Nano, key.Time); at.Sub(t0) > time.Minute || at.Before(t0.Add(-time.Second)) {
		t.Errorf("alert time %s, sent at %s", key.Time, t0)
	}
	mu.Lock()
	got := append([]webhookCall(nil), calls...)
	mu.Unlock()
	if len(got) < 2 {
		t.Fatalf("webhook received %d deliveries, want 2", len(got))
	}
	for _, c := range got {
		if !verifySig(wh.Secret, c.sig, c.body) {
			t.Errorf("webhook signature %q does not verify", c.sig)
		}
		if verifySig("wrong-secret-0123456789", c.sig, c.body) {
			t.Errorf("signature verifies with a wrong secret")
		}
		noCanary(t, "webhook body", c.body, canaries)
		var a alertJSON
		if err := json.Unmarshal(c.body, &a); err != nil || a.ProjectID != p.ID || a.Signal != "new_sensitive_path" {
			t.Errorf("webhook body %s", c.body)
		}
	}
	// Another project's credentials see none of these alerts.
	other := s.createProject("Other")
	if code, _ := s.do("GET", fmt.Sprintf("/api/alerts?project_id=%d", p.ID), basic(other.APISecret, ""), nil); code != 403 {
		t.Errorf("another project read the alerts: %d", code)
	}
	s.stop()
	logOut := s.out.String()
	noCanary(t, "server output", []byte(logOut), canaries)
	if !strings.Contains(logOut, "ingestion alert") || !strings.Contains(logOut, "account.stripe_api_key") {
		t.Errorf("no alert log line in:\n%s", logOut)
	}
}

// TestWebhookInternalRefused: without the operator's flag, a project admin
// cannot point the webhook at the server's own network.
func TestWebhookInternalRefused(t *testing.T) {
	s := startServer(t, serverOpts{})
	p := s.createProject("egress")
	for _, u := range []string{"http://127.0.0.1:9/h", "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/h", "http://localhost/h", "http://[::1]/h"} {
		code, out := s.do("PUT", fmt.Sprintf("/api/projects/%d/webhook", p.ID), basic(p.APISecret, ""), []byte(`{"url":`+quote(u)+`}`))
		if code != 400 || !strings.Contains(string(out), "internal address") {
			t.Errorf("PUT webhook %s: %d %s", u, code, out)
		}
	}
}
