package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestSavedInsightsAndDashboardsAPI(t *testing.T) {
	base, _, secret := testServer(t, Config{})
	analyst, analystSecret := serviceAccount(t, base, secret, "analyst")
	ingester, ingestSecret := serviceAccount(t, base, secret, "ingest")
	as := func(method, path, body string) (int, string) {
		t.Helper()
		code, b := call(t, method, base+path, analyst, analystSecret, body)
		return code, string(b)
	}
	const doc = `{"kind":"trends","from":"2026-03-01","to":"2026-03-31","series":[{"event":"Signed up","math":"unique"}]}`

	// Roles: none, ingest: refused, on reads and changes.
	for _, p := range []string{"/api/projects/1/insights", "/api/projects/1/dashboards"} {
		if code, b := call(t, "GET", base+p, "", "", ""); code != 401 {
			t.Errorf("GET %s without credentials: %d %s", p, code, b)
		}
		if code, b := call(t, "GET", base+p, ingester, ingestSecret, ""); code != 403 {
			t.Errorf("GET %s as ingest: %d %s", p, code, b)
		}
		if code, b := call(t, "POST", base+p, ingester, ingestSecret, `{"name":"x"}`); code != 403 {
			t.Errorf("POST %s as ingest: %d %s", p, code, b)
		}
	}

	// Validation: the message names what is wrong; nothing is saved.
	for _, c := range []struct{ body, want string }{
		{`{"name":"A"}`, "query is required"},
		{`{"name":"A","query":{"kind":"trends","from":"2026-03-01","to":"2026-03-31","series":[{"event":"x","math":"bogus"}]}}`, "series[0].math"},
		{`{"name":"A","query":{"kind":"trends","from":"2026-03-01","to":"2026-03-31","series":[],"typo":1}}`, "typo"},
		{`{"name":"","query":` + doc + `}`, "name must not be empty"},
		{`{"name":"A","query":` + doc + `,"extra":1}`, "unknown field"},
		{`[]`, "JSON object"},
	} {
		if code, b := as("POST", "/api/projects/1/insights", c.body); code != 400 || !strings.Contains(b, c.want) {
			t.Errorf("POST insights %s: %d %s, want 400 naming %q", c.body, code, b, c.want)
		}
	}
	if code, b := as("GET", "/api/projects/1/insights", ""); code != 200 || !strings.Contains(b, `"insights":[]`) {
		t.Fatalf("list after refused creates: %d %s", code, b)
	}

	// Create, read, change.
	code, b := as("POST", "/api/projects/1/insights", `{"name":"Sign-ups","query":`+doc+`}`)
	if code != 201 {
		t.Fatalf("create insight: %d %s", code, b)
	}
	var ins struct {
		ID    int64
		Name  string
		Query struct{ Kind, From string }
	}
	json.Unmarshal([]byte(b), &ins)
	if ins.ID == 0 || ins.Name != "Sign-ups" || ins.Query.Kind != "trends" {
		t.Fatalf("created insight: %s", b)
	}
	ip := fmt.Sprintf("/api/projects/1/insights/%d", ins.ID)
	changed := strings.Replace(doc, "2026-03-01", "2026-02-01", 1)
	if code, b := as("PUT", ip, `{"name":"Sign-ups (Feb)","query":`+changed+`}`); code != 200 || !strings.Contains(b, `"from":"2026-02-01"`) {
		t.Fatalf("update insight: %d %s", code, b)
	}
	if code, b := as("GET", ip, ""); code != 200 || !strings.Contains(b, `"name":"Sign-ups (Feb)"`) {
		t.Fatalf("get insight: %d %s", code, b)
	}

	// 404s and bad ids; another project's insight is not found either.
	for _, c := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/api/projects/1/insights/999", 404},
		{"PUT", "/api/projects/1/insights/999", 404},
		{"DELETE", "/api/projects/1/insights/999", 404},
		{"GET", "/api/projects/1/insights/abc", 400},
		{"GET", "/api/projects/1/dashboards/999", 404},
		{"DELETE", "/api/projects/1/dashboards/999", 404},
		{"GET", "/api/projects/77/insights", 404},
	} {
		body := ""
		if c.method == "PUT" {
			body = `{"name":"x","query":` + doc + `}`
		}
		if code, b := call(t, c.method, base+c.path, "server-test-admin-key", "", body); code != c.want {
			t.Errorf("%s %s: %d %s, want %d", c.method, c.path, code, b, c.want)
		}
	}
	if code, b := call(t, "POST", base+"/api/projects", "server-test-admin-key", "", `{"name":"Other"}`); code != 201 {
		t.Fatalf("create project: %d %s", code, b)
	}
	if code, b := call(t, "GET", base+fmt.Sprintf("/api/projects/2/insights/%d", ins.ID), "server-test-admin-key", "", ""); code != 404 {
		t.Errorf("project 1's insight read through project 2: %d %s", code, b)
	}

	// Dashboards: validation, the range, insights in order.
	for _, c := range []struct{ body, want string }{
		{`{"name":"D","insights":[999]}`, "insights[0]: no saved insight 999"},
		{`{"name":"D","from":"2026-01-01"}`, "from and to go together"},
		{`{"name":"D","from":"2026-02-01","to":"2026-01-01"}`, "must not be after"},
		{`{"name":"D","from":"2026-02-31","to":"2026-03-01"}`, "must be dates"},
		{`{"name":"  "}`, "name must not be empty"},
	} {
		if code, b := as("POST", "/api/projects/1/dashboards", c.body); code != 400 || !strings.Contains(b, c.want) {
			t.Errorf("POST dashboards %s: %d %s, want 400 naming %q", c.body, code, b, c.want)
		}
	}
	code, b = as("POST", "/api/projects/1/dashboards", fmt.Sprintf(`{"name":"Growth","insights":[%d]}`, ins.ID))
	if code != 201 {
		t.Fatalf("create dashboard: %d %s", code, b)
	}
	var d map[string]any
	json.Unmarshal([]byte(b), &d)
	dp := fmt.Sprintf("/api/projects/1/dashboards/%v", d["id"])
	// A client may send back what it read, with a change (the UI does).
	d["from"], d["to"] = "2026-01-01", "2026-01-31"
	put, _ := json.Marshal(d)
	if code, b := as("PUT", dp, string(put)); code != 200 || !strings.Contains(b, `"from":"2026-01-01"`) || !strings.Contains(b, fmt.Sprintf(`"insights":[%d]`, ins.ID)) {
		t.Fatalf("update dashboard: %d %s", code, b)
	}
	if code, b := as("GET", "/api/projects/1/dashboards", ""); code != 200 || !strings.Contains(b, `"name":"Growth"`) {
		t.Fatalf("list dashboards: %d %s", code, b)
	}
	// Deleting the insight takes it off the dashboard.
	if code, b := as("DELETE", ip, ""); code != 204 {
		t.Fatalf("delete insight: %d %s", code, b)
	}
	if code, b := as("GET", dp, ""); code != 200 || !strings.Contains(b, `"insights":[]`) {
		t.Fatalf("dashboard after its insight was deleted: %d %s", code, b)
	}
	if code, b := as("DELETE", dp, ""); code != 204 {
		t.Fatalf("delete dashboard: %d %s", code, b)
	}
	if code, _ := as("GET", dp, ""); code != 404 {
		t.Fatalf("deleted dashboard: %d", code)
	}

	// Audited: reads and changes, by the analyst.
	if code, b := as("GET", "/api/projects/1/insights", ""); code != 200 {
		t.Fatalf("list insights: %d %s", code, b)
	}
	_, audit := call(t, "GET", base+"/api/audit?project_id=1", "server-test-admin-key", "", "")
	for _, action := range []string{"insight.create", "insight.change", "insight.read", "insight.delete", "dashboard.create", "dashboard.change", "dashboard.read", "dashboard.delete"} {
		if !strings.Contains(string(audit), `"action":"`+action+`"`) {
			t.Errorf("no %s entry in the audit log", action)
		}
	}
	if !strings.Contains(string(audit), analyst) {
		t.Error("the audit log does not name the analyst")
	}
}
