package apptest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// TestRoleMatrix tries every kind of credential against every endpoint, for
// its own project and for another one: ingest keys only send, analysts
// read, project admins do everything in their project, the admin key
// everything everywhere; a refusal is a 401 or 403.
func TestRoleMatrix(t *testing.T) {
	s := startServer(t, serverOpts{})
	own, other := s.createProject("own"), s.createProject("other")
	code, policy := s.do("GET", fmt.Sprintf("/api/projects/%d/guard", own.ID), bearer(), nil)
	if code != 200 {
		t.Fatalf("guard: %d", code)
	}
	var gd struct {
		Policy json.RawMessage `json:"policy"`
	}
	_ = json.Unmarshal(policy, &gd)

	const (
		ingest = iota
		read
		admin
		global
	)
	type principal struct {
		name  string
		h     http.Header
		level int
		glob  bool
	}
	saAdmin, saAnalyst, saIngest := s.serviceAccount(own, "a", "admin"), s.serviceAccount(own, "b", "analyst"), s.serviceAccount(own, "c", "ingest")
	principals := []principal{
		{"admin key", bearer(), global, true},
		{"project secret", basic(own.APISecret, ""), admin, false},
		{"admin service account", basic(saAdmin.Username, saAdmin.Secret), admin, false},
		{"analyst service account", basic(saAnalyst.Username, saAnalyst.Secret), read, false},
		{"ingest service account", basic(saIngest.Username, saIngest.Secret), ingest, false},
		{"project token", basic(own.Token, ""), ingest, false},
	}
	day := time.Now().UTC().Format(time.DateOnly)
	importBody := func(p project) []byte {
		b, _ := json.Marshal([]map[string]any{{"event": "e", "properties": map[string]any{"distinct_id": "d", "time": time.Now().UnixMilli(), "$insert_id": fmt.Sprint(time.Now().UnixNano())}}})
		return b
	}
	type endpoint struct {
		method, path string
		body         func(p project) []byte
		level        int
	}
	endpoints := []endpoint{
		{"POST", "/import?project_id=%d", importBody, ingest},
		{"GET", "/api/2.0/export?project_id=%d&from_date=" + day + "&to_date=" + day, nil, read},
		{"GET", "/api/2.0/engage?project_id=%d", nil, read},
		{"GET", "/api/projects/%d/findings", nil, read},
		{"POST", "/api/projects/%d/query", func(project) []byte {
			return []byte(`{"kind":"trends","from":"` + day + `","to":"` + day + `","series":[{}]}`)
		}, read},
		{"GET", "/api/query/segmentation?project_id=%d&event=e&from_date=" + day + "&to_date=" + day, nil, read},
		{"GET", "/api/projects/%d/funnels", nil, read},
		{"GET", "/api/projects/%d/guard", nil, read},
		{"GET", "/api/projects/%d", nil, read},
		{"PUT", "/api/projects/%d/guard", func(project) []byte { return gd.Policy }, admin},
		{"PATCH", "/api/projects/%d", func(project) []byte { return []byte(`{}`) }, admin},
		{"GET", "/api/projects/%d/service-accounts", nil, admin},
		{"POST", "/api/projects/%d/service-accounts", func(project) []byte { return []byte(`{"name":"x","role":"analyst"}`) }, admin},
		{"POST", "/api/purges", func(p project) []byte {
			return []byte(fmt.Sprintf(`{"project_id":%d,"events":["no-such-event"]}`, p.ID))
		}, admin},
		{"GET", "/api/purges?project_id=%d", nil, admin},
		{"GET", "/api/audit?project_id=%d", nil, admin},
		{"POST", "/api/projects", func(project) []byte { return []byte(`{"name":"new"}`) }, global},
	}
	for _, pr := range principals {
		for _, ep := range endpoints {
			for _, target := range []project{own, other} {
				path := ep.path
				if containsVerb(path) {
					path = fmt.Sprintf(path, target.ID)
				}
				var body []byte
				if ep.body != nil {
					body = ep.body(target)
				}
				h := http.Header{}
				for k, v := range pr.h {
					h[k] = v
				}
				if ep.path[:7] == "/import" && pr.glob {
					h = basic(adminKey, "")
				}
				if ep.path[:7] == "/import" {
					h.Set("Content-Type", "application/json")
				}
				code, resp := s.do(ep.method, path, h, body)
				allowed := pr.glob || (target.ID == own.ID && ep.level != global && (pr.level == admin || pr.level == ep.level))
				if ep.level == global {
					allowed = pr.glob
				}
				ok := code >= 200 && code < 300
				// Every principal here holds valid credentials: a refusal is 403, never 401.
				if allowed != ok || (!ok && code != 403) {
					t.Errorf("%s %s %s (%s project): %d %s; allowed=%v", pr.name, ep.method, path, map[bool]string{true: "own", false: "other"}[target.ID == own.ID], code, resp, allowed)
				}
			}
		}
	}
	// Denied attempts are audited.
	time.Sleep(1500 * time.Millisecond)
	code, body := s.do("GET", "/api/audit?"+url.Values{"action": {"denied"}}.Encode(), bearer(), nil)
	var out struct {
		Entries []auditEntry `json:"entries"`
	}
	_ = json.Unmarshal(body, &out)
	if code != 200 || len(out.Entries) < 20 {
		t.Errorf("denied attempts in the audit log: %d (%d)", len(out.Entries), code)
	}
}

func containsVerb(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '%' && s[i+1] == 'd' {
			return true
		}
	}
	return false
}
