package apptest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// runPurge runs `sieve purge` against s and returns stdout and stderr.
func (s *server) runPurge(args ...string) ([]byte, []byte) {
	s.t.Helper()
	cmd := exec.Command(sieveBin, append([]string{"purge"}, args...)...)
	cmd.Env = append(os.Environ(), "SIEVE_ADDR="+s.Base, "SIEVE_ADMIN_KEY="+adminKey)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		s.t.Fatalf("sieve purge %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.Bytes(), stderr.Bytes()
}

type certificate struct {
	JobID    string `json:"job_id"`
	Criteria struct {
		ProjectID  int64    `json:"project_id"`
		Properties []string `json:"properties"`
		Source     string   `json:"source"`
		Hashes     []string `json:"distinct_id_hashes"`
		Scope      struct {
			Source string `json:"source"`
			Users  int    `json:"users"`
		} `json:"scope"`
	} `json:"criteria"`
	RowsChanged  int64 `json:"rows_changed"`
	Verification struct {
		Result          string `json:"result"`
		OldFilesRemoved bool   `json:"old_files_removed"`
	} `json:"verification"`
}

// "Everything in this scope report": two projects keep passwords by policy
// at ingestion (an old autotrack SDK's $elements attr__value, a backend's
// password property), a third is clean. After the policies are tightened,
// `sieve scope --rescan` finds them; `sieve purge --scope report.json
// --project A` purges A's part of the report, and `sieve purge --scope
// criteria.json` (the server computes the report) the rest. No canary is
// left in any file; every other event exports as before.
func TestScopePurgeNoResidue(t *testing.T) {
	t.Setenv("SIEVE_TEST_UNCOMPRESSED", "1")
	s := startServer(t, serverOpts{})
	a, b, c := s.createProject("Autotrack"), s.createProject("Backend"), s.createProject("Clean")
	for _, p := range []project{a, b} {
		if code, body := s.do("PUT", fmt.Sprintf("/api/projects/%d/guard", p.ID), bearer(), []byte(`{"actions":{"password":"keep","form_value":"keep"}}`)); code != 200 {
			t.Fatalf("set policy: %d %s", code, body)
		}
	}
	var pwA, pwB, keep []string
	pwInput := func(v string) []any {
		return []any{
			map[string]any{"tag_name": "input", "attr__type": "password", "attr__name": "password", "attr__value": v, "nth_child": 2, "nth_of_type": 1},
			map[string]any{"tag_name": "form", "attr__id": "login", "nth_child": 1, "nth_of_type": 1},
		}
	}
	now := time.Now().UTC()
	n := 0
	ev := func(p project, name, did, version string, day int, extra map[string]any) map[string]any {
		n++
		k := wordCanary()
		keep = append(keep, k)
		e := browserEvent(p, name, did, version, extra)
		props := e["properties"].(map[string]any)
		props["plain"] = k
		props["$insert_id"] = fmt.Sprintf("sp%d", n)
		props["time"] = now.Add(-time.Duration(day)*24*time.Hour - time.Duration(n)*time.Second).UnixMilli()
		return e
	}
	for day := 0; day < 3; day++ {
		var evs []map[string]any
		for _, u := range []string{"anna", "ben"} {
			pw := "cnry-Pw" + randString(alnum, 24)
			pwA = append(pwA, pw)
			evs = append(evs,
				ev(a, "$autotrack", u, "2.13.0", day, map[string]any{"$event_type": "change", "$elements": pwInput(pw)}),
				ev(a, "Page View", u, "2.13.0", day, nil))
		}
		evs = append(evs, ev(a, "$autotrack", "cleo", "2.19.0", day,
			map[string]any{"$event_type": "click", "$elements": []any{map[string]any{"tag_name": "button", "$el_text": "Log in"}}}))
		pw := "cnry-Pw" + randString(alnum, 24)
		pwB = append(pwB, pw)
		evs = append(evs,
			ev(b, "Signed Up", "emil", "2.19.0", day, map[string]any{"password": pw, "plan": "team"}),
			ev(b, "Page View", "fay", "2.19.0", day, map[string]any{"plan": "free"}),
			ev(c, "Page View", "dora", "2.19.0", day, map[string]any{"plan": "pro"}))
		s.trackForm(evs...)
	}
	gone := append(slices.Clone(pwA), pwB...)
	if hits := grepData(t, s.Data, gone...); len(hits) < len(gone) {
		t.Fatalf("before the purge only %d of %d canaries are visible to a byte search", len(hits), len(gone))
	}
	before := map[int64][]exported{}
	for _, p := range []project{a, b, c} {
		before[p.ID] = s.export(p, true)
	}
	for _, p := range []project{a, b} {
		if code, body := s.do("PUT", fmt.Sprintf("/api/projects/%d/guard", p.ID), bearer(), []byte(`{}`)); code != 200 {
			t.Fatalf("tighten policy: %d %s", code, body)
		}
	}

	// The report, as an incident responder would keep it.
	out, _ := s.runScope("--rescan", "--class", "password")
	var rep scopeReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("sieve scope output is not JSON: %v", err)
	}
	if len(rep.Projects) != 2 || rep.Projects[0].ProjectID != a.ID || rep.Projects[1].ProjectID != b.ID ||
		len(rep.Projects[0].Users) != 2 || len(rep.Projects[1].Users) != 1 {
		t.Fatalf("scope report: %s", out)
	}
	dir := t.TempDir()
	reportFile := filepath.Join(dir, "report.json")
	if err := os.WriteFile(reportFile, out, 0o600); err != nil {
		t.Fatal(err)
	}

	// 1. Purge project A's part of the report file.
	out, errOut := s.runPurge("--scope", reportFile, "--project", fmt.Sprint(a.ID))
	noCanary(t, "sieve purge output", append(out, errOut...), append(gone, keep...))
	var certs []certificate
	if err := json.Unmarshal(out, &certs); err != nil {
		t.Fatalf("sieve purge output is not a JSON array of certificates: %v\n%s", err, out)
	}
	if len(certs) != 1 || certs[0].Criteria.ProjectID != a.ID || certs[0].Criteria.Source != "scope" || certs[0].Criteria.Scope.Source != "rescan" ||
		certs[0].Criteria.Scope.Users != 2 || len(certs[0].Criteria.Hashes) != 2 || certs[0].RowsChanged != int64(len(pwA)) ||
		certs[0].Verification.Result != "passed" || !certs[0].Verification.OldFilesRemoved {
		t.Fatalf("certificate of A: %s", out)
	}
	if !bytes.Contains(errOut, []byte("purge [")) {
		t.Errorf("no progress bar on stderr: %q", errOut)
	}
	if hits := grepData(t, s.Data, pwA...); len(hits) != 0 {
		t.Errorf("after purging A: %v", hits)
	}
	if hits := grepData(t, s.Data, pwB...); len(hits) < len(pwB) {
		t.Errorf("purging A's part of the report touched B: %d of %d of B's canaries left", len(hits), len(pwB))
	}

	// 2. Purge by criteria: the server computes the report (only B is
	// left) and purges it.
	critFile := filepath.Join(dir, "criteria.json")
	if err := os.WriteFile(critFile, []byte(`{"classes":["password"],"rescan":true}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut = s.runPurge("--scope", critFile)
	noCanary(t, "sieve purge output", append(out, errOut...), append(gone, keep...))
	certs = nil
	if err := json.Unmarshal(out, &certs); err != nil || len(certs) != 1 || certs[0].Criteria.ProjectID != b.ID ||
		!slices.Equal(certs[0].Criteria.Properties, []string{"password"}) || certs[0].RowsChanged != int64(len(pwB)) || certs[0].Verification.Result != "passed" {
		t.Fatalf("certificate of B: %v\n%s", err, out)
	}
	// Nothing is left to purge.
	out, errOut = s.runPurge("--scope", critFile)
	if strings.TrimSpace(string(out)) != "[]" || !bytes.Contains(errOut, []byte("nothing to purge")) {
		t.Errorf("a third purge: %s %s", out, errOut)
	}
	// A criteria purge needs the admin key; a project admin cannot run it.
	code, body := s.do("POST", "/api/purges", basic(b.APISecret, ""), []byte(`{"scope":{"classes":["password"]}}`))
	if code != 403 && code != 401 {
		t.Errorf("criteria purge with project credentials: %d %s", code, body)
	}
	code, body = s.do("POST", "/api/purges", bearer(), []byte(`{"scope":{"classes":["password"]},"properties":["x"]}`))
	if code != 400 {
		t.Errorf("scope with properties: %d %s", code, body)
	}
	code, body = s.do("POST", "/api/purges", bearer(), []byte(`{"scope":{"clases":["`+gone[0]+`"]}}`))
	if code != 400 || bytes.Contains(body, []byte(gone[0])) {
		t.Errorf("misspelt criteria: %d %s", code, body)
	}

	if hits := grepData(t, s.Data, gone...); len(hits) != 0 {
		t.Errorf("after the purges: %v", hits)
	}
	// Every event is still there; those without a password are exported
	// identically, those with one lost only what the report listed.
	for _, p := range []project{a, b, c} {
		after := byInsertID(t, s.export(p, true))
		if len(after) != len(before[p.ID]) {
			t.Errorf("project %d: %d events after the purge, want %d", p.ID, len(after), len(before[p.ID]))
		}
		for _, e := range before[p.ID] {
			id, _ := e.Properties["$insert_id"].(string)
			got, ok := after[id]
			if !ok {
				t.Errorf("event %s is gone", id)
				continue
			}
			// The report's paths of this event's user go (the report's
			// paths are "name" or "$elements[].name").
			want := exported{Event: e.Event, Properties: map[string]any{}}
			b, _ := json.Marshal(e.Properties)
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.UseNumber()
			_ = dec.Decode(&want.Properties)
			for _, pr := range rep.Projects {
				for _, u := range pr.Users {
					if pr.ProjectID != p.ID || u.DistinctID != e.Properties["distinct_id"] {
						continue
					}
					for _, path := range u.Properties {
						if k, ok := strings.CutPrefix(path, "$elements[]."); ok {
							els, _ := want.Properties["$elements"].([]any)
							for _, el := range els {
								delete(el.(map[string]any), k)
							}
						} else {
							delete(want.Properties, path)
						}
					}
				}
			}
			gb, _ := json.Marshal(got)
			wb, _ := json.Marshal(want)
			if !bytes.Equal(gb, wb) {
				t.Errorf("event %s after the purge:\n got %s\nwant %s", id, gb, wb)
			}
		}
	}
	s.stop()
	if hits := grepData(t, s.Data, gone...); len(hits) != 0 {
		t.Errorf("after a clean stop: %v", hits)
	}
	if hits := grepData(t, s.Data, keep...); len(hits) == 0 {
		t.Error("the other values are gone too")
	}
	noCanary(t, "server output", []byte(s.out.String()), gone)
}
