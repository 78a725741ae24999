package apptest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	mixpanel "github.com/mixpanel/mixpanel-go"
)

// trackForm sends events the way mixpanel-browser does: POST /track with a
// form body data=<base64 JSON>, and checks they were accepted.
func (s *server) trackForm(evs ...map[string]any) {
	s.t.Helper()
	b, _ := json.Marshal(evs)
	form := url.Values{"data": {base64.StdEncoding.EncodeToString(b)}}
	code, out := s.do("POST", "/track?verbose=1", map[string][]string{"Content-Type": {"application/x-www-form-urlencoded"}}, []byte(form.Encode()))
	if code != 200 || !bytes.Contains(out, []byte(`"status":1`)) {
		s.t.Fatalf("/track: %d %s", code, out)
	}
}

// browserEvent is a mixpanel-browser autotrack-style event.
func browserEvent(p project, name, distinctID, version string, extra map[string]any) map[string]any {
	props := map[string]any{"token": p.Token, "distinct_id": distinctID, "mp_lib": "web", "$lib_version": version,
		"$current_url": "https://app.example.com/login?utm_source=ads", "$browser": "Firefox", "$os": "Linux",
		"$insert_id": fmt.Sprintf("%s-%d", distinctID, time.Now().UnixNano())}
	for k, v := range extra {
		props[k] = v
	}
	return map[string]any{"event": name, "properties": props}
}

// runScope runs `sieve scope` against s and returns stdout and stderr.
func (s *server) runScope(args ...string) ([]byte, []byte) {
	s.t.Helper()
	cmd := exec.Command(sieveBin, append([]string{"scope"}, args...)...)
	cmd.Env = append(os.Environ(), "SIEVE_ADDR="+s.Base, "SIEVE_ADMIN_KEY="+adminKey)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		s.t.Fatalf("sieve scope %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.Bytes(), stderr.Bytes()
}

type scopeReport struct {
	Source   string `json:"source"`
	Projects []struct {
		ProjectID   int64    `json:"project_id"`
		ProjectName string   `json:"project_name"`
		Events      int64    `json:"events"`
		DistinctIDs int      `json:"distinct_ids"`
		FirstSeen   string   `json:"first_seen"`
		LastSeen    string   `json:"last_seen"`
		Properties  []string `json:"properties"`
		SDKVersions []struct {
			Lib     string `json:"lib"`
			Version string `json:"version"`
			Events  int64  `json:"events"`
		} `json:"sdk_versions"`
		Users []struct {
			DistinctID string   `json:"distinct_id"`
			Properties []string `json:"properties"`
		} `json:"users"`
	} `json:"projects"`
}

func noCanary(t *testing.T, what string, b []byte, canaries []string) {
	t.Helper()
	for i, c := range canaries {
		if bytes.Contains(b, []byte(c)) {
			t.Errorf("%s holds canary %d", what, i)
		}
	}
}

// Three projects: A's old browser SDK leaks passwords through $elements
// attr__value, B (the official Go client) through a property name, C is
// clean. `sieve scope` lists exactly A and B with the right distinct_ids,
// paths and SDK versions, and no value anywhere in its output; a rescan
// after tightening a lax policy finds what was stored meanwhile.
func TestScopeReportAndRescan(t *testing.T) {
	s := startServer(t, serverOpts{})
	a, b, c := s.createProject("Leaky Autotrack"), s.createProject("Leaky Backend"), s.createProject("Clean")
	pwA1, pwA2 := "Tr0ub4dor&3-"+randString(alnum, 10), "C0rrect-Horse-"+randString(alnum, 10)
	pwB := "S3cret!" + randString(alnum, 12)
	canaries := []string{pwA1, pwA2, pwB}
	pwInput := func(v string) []any {
		return []any{
			map[string]any{"tag_name": "input", "attr__type": "password", "attr__name": "password", "attr__value": v, "nth_child": 2, "nth_of_type": 1},
			map[string]any{"tag_name": "form", "attr__id": "login", "nth_child": 1, "nth_of_type": 1},
		}
	}
	s.trackForm(
		browserEvent(a, "$autotrack", "anna", "2.13.0", map[string]any{"$event_type": "change", "$elements": pwInput(pwA1)}),
		browserEvent(a, "$autotrack", "ben", "2.13.0", map[string]any{"$event_type": "change", "$elements": pwInput(pwA2)}),
		browserEvent(a, "$autotrack", "cleo", "2.19.0", map[string]any{"$event_type": "click", "$elements": []any{map[string]any{"tag_name": "button", "$el_text": "Log in"}}}),
		browserEvent(c, "Page View", "dora", "2.19.0", map[string]any{"plan": "pro"}),
	)
	mp := mixpanel.NewApiClient(b.Token, mixpanel.ProxyApiLocation(s.Base), mixpanel.ProxyDataLocation(s.Base), mixpanel.HttpClient(s.client()))
	ctx := context.Background()
	if err := mp.Track(ctx, []*mixpanel.Event{
		mp.NewEvent("Signed Up", "emil", map[string]any{"password": pwB, "plan": "team"}),
		mp.NewEvent("Page View", "fay", map[string]any{"plan": "free"}),
	}); err != nil {
		t.Fatal(err)
	}

	out, errOut := s.runScope("--class", "password")
	noCanary(t, "sieve scope output", append(out, errOut...), canaries)
	var rep scopeReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("scope output is not JSON: %v", err)
	}
	var ids []int64
	for _, p := range rep.Projects {
		ids = append(ids, p.ProjectID)
	}
	if !slices.Equal(ids, []int64{a.ID, b.ID}) {
		t.Fatalf("affected projects %v, want [%d %d]:\n%s", ids, a.ID, b.ID, out)
	}
	pa, pb := rep.Projects[0], rep.Projects[1]
	if pa.ProjectName != "Leaky Autotrack" || pa.Events != 2 || pa.DistinctIDs != 2 || !slices.Contains(pa.Properties, "$elements[].attr__value") {
		t.Errorf("project A: %+v", pa)
	}
	if len(pa.SDKVersions) != 1 || pa.SDKVersions[0].Lib != "web" || pa.SDKVersions[0].Version != "2.13.0" || pa.SDKVersions[0].Events != 2 {
		t.Errorf("project A SDK versions: %+v", pa.SDKVersions)
	}
	if len(pa.Users) != 2 || pa.Users[0].DistinctID != "anna" || pa.Users[1].DistinctID != "ben" || !slices.Contains(pa.Users[0].Properties, "$elements[].attr__value") {
		t.Errorf("project A users: %+v", pa.Users)
	}
	if pb.Events != 1 || len(pb.Users) != 1 || pb.Users[0].DistinctID != "emil" || !slices.Equal(pb.Users[0].Properties, []string{"password"}) {
		t.Errorf("project B: %+v", pb)
	}
	if len(pb.SDKVersions) != 1 || pb.SDKVersions[0].Lib == "" {
		t.Errorf("project B SDK versions: %+v", pb.SDKVersions)
	}

	// Rescan: a project whose policy kept passwords stores them; once the
	// policy is tightened, the rescan finds them (and only there).
	lax := s.createProject("Lax")
	if code, body := s.do("PUT", fmt.Sprintf("/api/projects/%d/guard", lax.ID), bearer(), []byte(`{"actions":{"password":"keep"}}`)); code != 200 {
		t.Fatalf("set policy: %d %s", code, body)
	}
	pwL := "K33p-" + randString(alnum, 14)
	canaries = append(canaries, pwL)
	s.trackForm(
		browserEvent(lax, "Login", "gus", "2.19.0", map[string]any{"password": pwL}),
		browserEvent(lax, "Login", "hal", "2.19.0", map[string]any{"plan": "pro"}),
	)
	if code, body := s.do("PUT", fmt.Sprintf("/api/projects/%d/guard", lax.ID), bearer(), []byte(`{}`)); code != 200 {
		t.Fatalf("tighten policy: %d %s", code, body)
	}
	out, errOut = s.runScope("--rescan", "--class", "password")
	noCanary(t, "sieve scope --rescan output", append(out, errOut...), canaries)
	if !bytes.Contains(errOut, []byte("rescan [")) || !bytes.Contains(errOut, []byte("100.0%")) {
		t.Errorf("no progress bar on stderr: %q", errOut)
	}
	rep = scopeReport{}
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("rescan output is not JSON: %v\n%s", err, out)
	}
	if rep.Source != "rescan" || len(rep.Projects) != 1 || rep.Projects[0].ProjectID != lax.ID ||
		len(rep.Projects[0].Users) != 1 || rep.Projects[0].Users[0].DistinctID != "gus" || !slices.Equal(rep.Projects[0].Properties, []string{"password"}) {
		t.Errorf("rescan report: %s", out)
	}

	// The API's answer, the lexicon, the alerts, the server's output and
	// every file but the store (where the lax project's value is kept, as
	// its policy said) hold no value.
	code, body := s.do("POST", "/api/scope", bearer(), []byte(`{"properties":["*password*","attr__*"]}`))
	if code != 200 {
		t.Fatalf("POST /api/scope: %d %s", code, body)
	}
	noCanary(t, "POST /api/scope", body, canaries)
	for _, p := range []project{a, b, c, lax} {
		_, lex := s.do("GET", fmt.Sprintf("/api/projects/%d/lexicon", p.ID), bearer(), nil)
		noCanary(t, "lexicon", lex, canaries)
	}
	_, al := s.do("GET", "/api/alerts", bearer(), nil)
	noCanary(t, "alerts", al, canaries)
	if code, _ := s.do("POST", "/api/scope", bearer(), []byte(`{"from":"`+pwA1+`"}`)); code != 400 {
		t.Errorf("bad criteria answered %d", code)
	}
	s.stop()
	noCanary(t, "server output", []byte(s.out.String()), canaries)
	if hits := grepData(t, s.Data+"/insight", canaries...); len(hits) > 0 {
		t.Errorf("metadata files hold values: %v", hits)
	}
	if !strings.Contains(s.out.String(), "ingestion alert") {
		t.Errorf("no alert log line in the server output")
	}
}
