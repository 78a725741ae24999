package server

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"
)

// TestServiceAccountDisableAndDelete: a project admin disables, enables
// and deletes a service account; a disabled or deleted account's
// credentials get 401 (Basic auth, sign-in, and the sessions it had), the
// changes are audited, and other roles and projects cannot make them.
func TestServiceAccountDisableAndDelete(t *testing.T) {
	s := startUI(t)
	var sa, adm struct{ Username, Secret string }
	_ = json.Unmarshal(s.admin("POST", "/api/projects/1/service-accounts", `{"name":"ana","role":"analyst"}`), &sa)
	_ = json.Unmarshal(s.admin("POST", "/api/projects/1/service-accounts", `{"name":"boss","role":"admin"}`), &adm)
	var p2 struct {
		ID int64 `json:"id"`
	}
	_ = json.Unmarshal(s.admin("POST", "/api/projects", `{"name":"Other"}`), &p2)
	var other struct{ Username, Secret string }
	_ = json.Unmarshal(s.admin("POST", "/api/projects/2/service-accounts", `{"name":"theirs","role":"admin"}`), &other)

	basic := func(user, secret string) req {
		r := req{header: map[string]string{}}
		r.header["Authorization"] = "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+secret))
		return r
	}
	status := func(method, path, body string, o req) int {
		t.Helper()
		res, _ := s.do(method, path, body, o)
		return res.StatusCode
	}
	anaPath := "/api/projects/1/service-accounts/" + sa.Username
	if c := status("GET", "/api/projects/1/lexicon", "", basic(sa.Username, sa.Secret)); c != 200 {
		t.Fatalf("the new analyst reads: %d", c)
	}
	ck, _, _ := s.signIn(`{"username":"`+sa.Username+`","secret":"`+sa.Secret+`"}`, req{})

	// Who may not: the analyst itself, another project's admin, and
	// another project's path.
	for name, c := range map[string]int{
		"analyst disables":          status("PATCH", anaPath, `{"disabled":true}`, basic(sa.Username, sa.Secret)),
		"analyst deletes":           status("DELETE", anaPath, "", basic(sa.Username, sa.Secret)),
		"other project's admin":     status("PATCH", anaPath, `{"disabled":true}`, basic(other.Username, other.Secret)),
		"through the other project": status("PATCH", "/api/projects/2/service-accounts/"+sa.Username, `{"disabled":true}`, basic(other.Username, other.Secret)),
		"delete via other project":  status("DELETE", "/api/projects/2/service-accounts/"+sa.Username, "", basic(other.Username, other.Secret)),
		"no body field":             status("PATCH", anaPath, `{}`, basic(adm.Username, adm.Secret)),
		"wrong type":                status("PATCH", anaPath, `{"disabled":"yes"}`, basic(adm.Username, adm.Secret)),
		"unknown account (disable)": status("PATCH", "/api/projects/1/service-accounts/sa.1.nobody", `{"disabled":true}`, basic(adm.Username, adm.Secret)),
		"unknown account (delete)":  status("DELETE", "/api/projects/1/service-accounts/sa.1.nobody", "", basic(adm.Username, adm.Secret)),
	} {
		want := map[string]int{"analyst disables": 403, "analyst deletes": 403, "other project's admin": 403,
			"through the other project": 404, "delete via other project": 404, "no body field": 400, "wrong type": 400,
			"unknown account (disable)": 404, "unknown account (delete)": 404}[name]
		if c != want {
			t.Errorf("%s: %d, want %d", name, c, want)
		}
	}
	if c := status("GET", "/api/projects/1/lexicon", "", basic(sa.Username, sa.Secret)); c != 200 {
		t.Fatalf("refused changes disabled the account: %d", c)
	}

	// The project's admin account disables it: 401 everywhere, the session ends.
	res, b := s.do("PATCH", anaPath, `{"disabled":true}`, basic(adm.Username, adm.Secret))
	if res.StatusCode != 200 || !bytes.Contains(b, []byte(`"disabled":true`)) {
		t.Fatalf("disable: %d %s", res.StatusCode, b)
	}
	if c := status("GET", "/api/projects/1/lexicon", "", basic(sa.Username, sa.Secret)); c != 401 {
		t.Errorf("a disabled account's Basic auth: %d, want 401", c)
	}
	if c := status("GET", "/api/projects/1/lexicon", "", req{cookie: ck}); c != 401 {
		t.Errorf("a disabled account's session: %d, want 401", c)
	}
	if c := status("POST", "/api/session", `{"username":"`+sa.Username+`","secret":"`+sa.Secret+`"}`, req{}); c != 401 {
		t.Errorf("a disabled account signs in: %d, want 401", c)
	}
	if !bytes.Contains(s.admin("GET", "/api/projects/1/service-accounts", ""), []byte(`"disabled":true`)) {
		t.Error("the list does not show the account disabled")
	}
	// Enabled again, the same secret works.
	if res, b := s.do("PATCH", anaPath, `{"disabled":false}`, basic(adm.Username, adm.Secret)); res.StatusCode != 200 {
		t.Fatalf("enable: %d %s", res.StatusCode, b)
	}
	if c := status("GET", "/api/projects/1/lexicon", "", basic(sa.Username, sa.Secret)); c != 200 {
		t.Errorf("an enabled account: %d, want 200", c)
	}
	ck, _, _ = s.signIn(`{"username":"`+sa.Username+`","secret":"`+sa.Secret+`"}`, req{})

	// Deleted: 401, gone from the list, its session ended; deleting again is 404.
	if c := status("DELETE", anaPath, "", basic(adm.Username, adm.Secret)); c != 204 {
		t.Fatalf("delete: %d", c)
	}
	if c := status("GET", "/api/projects/1/lexicon", "", basic(sa.Username, sa.Secret)); c != 401 {
		t.Errorf("a deleted account's Basic auth: %d, want 401", c)
	}
	if c := status("GET", "/api/projects/1/lexicon", "", req{cookie: ck}); c != 401 {
		t.Errorf("a deleted account's session: %d, want 401", c)
	}
	if c := status("DELETE", anaPath, "", basic(adm.Username, adm.Secret)); c != 404 {
		t.Errorf("deleting twice: %d, want 404", c)
	}
	if list := s.admin("GET", "/api/projects/1/service-accounts", ""); bytes.Contains(list, []byte(sa.Username)) || !bytes.Contains(list, []byte(adm.Username)) {
		t.Errorf("the list after deleting: %s", list)
	}

	// Audited, by whom, naming the account; no secret anywhere.
	var log struct {
		Entries []struct {
			Actor, Action string
			Criteria      map[string]any
		}
	}
	_ = json.Unmarshal(s.admin("GET", "/api/audit?project_id=1", ""), &log)
	got := map[string]bool{}
	for _, e := range log.Entries {
		if e.Actor == "sa:"+adm.Username && e.Criteria["username"] == sa.Username {
			got[e.Action] = true
		}
	}
	for _, a := range []string{"key.disable", "key.enable", "key.delete"} {
		if !got[a] {
			t.Errorf("no %s entry by the admin account naming %s: %+v", a, sa.Username, log.Entries)
		}
	}
	time.Sleep(50 * time.Millisecond)
	all := append(s.admin("GET", "/api/audit", ""), s.logs.Bytes()...)
	if bytes.Contains(all, []byte(sa.Secret)) || bytes.Contains(all, []byte(adm.Secret)) {
		t.Error("a service account's secret is in the audit log or the server's log")
	}
}
