package apptest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestPostHogBrowser drives sieve with the official posthog-js, unchanged,
// in Debian's chromium: the current version and a /decide-era one, with
// autocapture on (the project's autotrack) on real pages that hold secrets:
// a login form with a password manager's attributes and a show-password
// toggle, a token in the page URL, a reset link with a token in its URL and
// in a data- attribute, a card form and an OTP field. Every event the pages
// sent is exported once (retries after a 500 included, unload beacons
// included); identify, alias and group land in profiles; no secret is in
// the export, the data directory (stored uncompressed; a harmless control
// value is found there) or the server output.
func TestPostHogBrowser(t *testing.T) {
	posthogDeps(t, "playwright-core")
	chromium := os.Getenv("CHROMIUM_BIN")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatal("chromium is required: run `make sdk-setup` (Debian's chromium)")
	}
	t.Setenv("SIEVE_TEST_UNCOMPRESSED", "1")
	s := startServer(t, serverOpts{})
	p := s.createProject("posthog-js")
	if code, b := s.do("PATCH", fmt.Sprintf("/api/projects/%d", p.ID), bearer(), []byte(`{"autotrack":true}`)); code != 200 {
		t.Fatalf("autotrack on: %d %s", code, b)
	}
	secrets := map[string]string{
		"URL_TOKEN":   randString(alnum, 32),
		"RESET_TOKEN": randString(alnum, 32),
		"PASSWORD":    "Pw-" + randString(alnum, 20) + "!",
		"CARD":        luhnCard(),
		"OTP":         randString(digits, 8),
	}
	control := wordCanary()
	cmd := exec.Command("node", "browser.js")
	cmd.Dir = "posthog"
	cmd.Env = append(os.Environ(), "SIEVE_URL="+s.Base, "TOKEN="+p.Token, "CONTROL="+control, "CHROMIUM_BIN="+chromium)
	for k, v := range secrets {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node browser.js: %v\n%s\nserver output:\n%s", err, stderr.String(), s.out.String())
	}
	t.Logf("browser run took %s", time.Since(start).Round(time.Second))
	var res struct {
		Sent []struct {
			UUID       string `json:"uuid"`
			Event      string `json:"event"`
			Custom     string `json:"custom"`
			LibVersion string `json:"lib_version"`
			URL        string `json:"url"`
		} `json:"sent"`
		Requests []struct {
			Method, Path, Query, Type string
			Status                    int
			DecodeError               string
			Injected                  bool  // the proxy answered, not Sieve
			Quota                     bool  // Sieve's 200 was replaced by quota_limited
			T                         int64 // capture requests: when, Unix ms
		} `json:"requests"`
		ConsoleErrors []string        `json:"consoleErrors"`
		OnWire        map[string]bool `json:"onWire"`
		Flag          *struct {
			Loaded  bool   `json:"loaded"`
			Type    string `json:"type"`
			Enabled *bool  `json:"enabled"`
		} `json:"flag"`
		Refused     map[string]int `json:"refused"`
		QuotaAt     int64          `json:"quotaAt"`
		PausedUntil int64          `json:"pausedUntil"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("browser.js output: %v", err)
	}

	// Requests: what posthog-js asked for and what it got.
	paths := map[string]int{}
	var failed []string
	for _, r := range res.Requests {
		paths[r.Method+" "+r.Path]++
		if r.DecodeError != "" {
			t.Errorf("the test could not read a request to %s: %s", r.Path, r.DecodeError)
		}
		if r.Status != 200 && r.Status != 204 && !(r.Status == 500 && r.Method == "POST") && !r.Injected {
			failed = append(failed, fmt.Sprintf("%s %s%s: %d", r.Method, r.Path, r.Query, r.Status))
		}
	}
	t.Logf("requests: %v; console errors: %v", paths, res.ConsoleErrors)
	if len(failed) > 0 {
		t.Errorf("requests not answered 2xx: %v", failed)
	}
	if paths["GET /array/"+p.Token+"/config.js"] == 0 || paths["POST /decide/"] == 0 {
		t.Errorf("posthog-js did not load its config (current: config.js; 1.200: /decide/): %v", paths)
	}

	// Every event sent is exported once, by its uuid.
	ex := s.export(p, false)
	byID := byInsertID(t, ex)
	names := map[string]int{}
	versions := map[string]bool{}
	for _, se := range res.Sent {
		names[se.Event]++
		versions[se.LibVersion] = true
		e, ok := byID[se.UUID]
		if !ok {
			t.Errorf("%s %s (%s) was sent but not exported", se.Event, se.UUID, se.LibVersion)
			continue
		}
		if e.Event != se.Event || se.Custom != "" && e.Properties["custom"] != se.Custom {
			t.Errorf("%s: exported as %s %v", se.UUID, e.Event, e.Properties["custom"])
		}
	}
	if len(ex) != len(byID) || len(ex) != len(res.Sent) {
		t.Errorf("export has %d events (%d with a uuid); the pages sent %d", len(ex), len(byID), len(res.Sent))
	}
	t.Logf("events sent: %v; posthog-js versions %v", names, versions)
	for _, want := range []string{"$pageview", "$autocapture", "$pageleave", "$identify", "$create_alias", "$groupidentify"} {
		if names[want] == 0 {
			t.Errorf("no %s was sent and stored", want)
		}
	}
	if !versions["1.449.2"] || !versions["1.200.2"] {
		t.Errorf("posthog-js versions seen: %v", versions)
	}
	customs := map[string]bool{}
	for _, se := range res.Sent {
		customs[se.Custom] = true
	}
	for _, c := range []string{"identified", "retried", "old", "snippet", "noconfig", "after-429", "quota"} {
		if !customs[c] {
			t.Errorf("custom event %q not sent", c)
		}
	}
	retried := 0
	for _, r := range res.Requests {
		if r.Status == 500 {
			retried++
		}
	}
	if retried == 0 {
		t.Error("the injected 500 was never served")
	}

	// PostHog's snippet loaded posthog-js from Sieve.
	if paths["GET /static/array.js"] == 0 {
		t.Errorf("the snippet page did not load /static/array.js: %v", paths)
	}
	// Config 404: capture went on, autocapture stayed off.
	for _, se := range res.Sent {
		if se.Event == "$autocapture" && strings.Contains(se.URL, "/noconfig") {
			t.Errorf("autocapture ran on the page whose config was 404: %s", se.UUID)
		}
	}
	// 429: the refused events were never sent again, nor stored.
	if len(res.Refused) == 0 {
		t.Error("the injected 429 was never served")
	}
	for id, n := range res.Refused {
		if n != 1 {
			t.Errorf("event %s answered 429 reached the server %d times", id, n)
		}
		if _, ok := byID[id]; ok {
			t.Errorf("event %s answered 429 was stored", id)
		}
	}
	// quota_limited: no capture request while paused.
	quotaSeen := false
	for _, r := range res.Requests {
		quotaSeen = quotaSeen || r.Quota
		if r.T > res.QuotaAt && r.T < res.PausedUntil {
			t.Errorf("posthog-js sent %s %s while its events quota was limited", r.Method, r.Path)
		}
	}
	if !quotaSeen || res.QuotaAt == 0 || res.PausedUntil-res.QuotaAt < 5000 {
		t.Errorf("the quota_limited reply was not exercised (%v, %d..%d)", quotaSeen, res.QuotaAt, res.PausedUntil)
	}
	if customs["paused"] {
		t.Error("the event captured while paused was sent")
	}
	// No flags: getFeatureFlag is undefined once flags loaded.
	if res.Flag == nil || !res.Flag.Loaded || res.Flag.Type != "undefined" {
		t.Errorf("feature flags: %+v", res.Flag)
	}

	// Profiles.
	prof := s.engage(p, url.Values{"distinct_id": {"browser-user"}})
	if len(prof) != 1 {
		t.Fatalf("engage browser-user: %d profiles", len(prof))
	}
	pp := prof[0]["$properties"].(map[string]any)
	if pp["email"] != "browser@example.com" || pp["plan"] != "pro" || pp["first_visit"] != "yes" {
		t.Errorf("profile browser-user: %v", pp)
	}
	// posthog.alias merged the alias into the identified person.
	if al := s.engage(p, url.Values{"distinct_id": {"browser-alias"}}); len(al) != 1 || al[0]["$distinct_id"] != "browser-user" {
		t.Errorf("engage by the alias: %v", al)
	}
	grp := s.engage(p, url.Values{"data_group_id": {"company"}, "distinct_id": {"acme"}})
	if len(grp) != 1 || grp[0]["$properties"].(map[string]any)["name"] != "Acme" {
		t.Errorf("group acme: %v", grp)
	}

	// The leak checks, with a positive control.
	exb, _ := json.Marshal(ex)
	if !bytes.Contains(exb, []byte(control)) {
		t.Error("the harmless control text was not exported: autocapture did not record the click")
	}
	if !strings.Contains(string(exb), `"$elements_chain"`) {
		t.Error("no $elements_chain was stored")
	}
	check := func(where string, b []byte) {
		for k, v := range secrets {
			if bytes.Contains(b, []byte(v)) {
				t.Errorf("%s holds %s", where, k)
			}
		}
	}
	// posthog-js itself sends the tokens of URLs and data- attributes:
	// only Sieve's guard stands between them and the disk.
	t.Logf("secrets posthog-js put on the wire: %v", res.OnWire)
	if !res.OnWire["URL_TOKEN"] || !res.OnWire["RESET_TOKEN"] {
		t.Errorf("the page tokens did not reach the wire, so the test does not exercise the guard: %v", res.OnWire)
	}
	check("the export", exb)
	for _, r := range [][]map[string]any{prof, grp} {
		b, _ := json.Marshal(r)
		check("a profile", b)
	}
	vals := make([]string, 0, len(secrets))
	for _, v := range secrets {
		vals = append(vals, v)
	}
	for _, h := range grepData(t, s.Data, vals...) {
		t.Errorf("while running: %s", h)
	}
	s.stop()
	for _, h := range grepData(t, s.Data, vals...) {
		t.Errorf("after stop: %s", h)
	}
	if len(grepData(t, s.Data, control)) == 0 {
		t.Error("positive control: the control text is not found in the data directory, so the search proves nothing")
	}
	check("the server output", []byte(s.out.String()))
	t.Logf("%d events; $pageleave (sent as pages unload) %d", len(res.Sent), names["$pageleave"])
}
