package apptest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestWhere: export and engage of bin/sieve take Mixpanel's where
// expressions; a malformed one is a 400 naming the column; the literals of
// an expression reach neither the data directory (store, audit log) nor
// the server's output.
func TestWhere(t *testing.T) {
	s := startServer(t, serverOpts{})
	p := s.createProject("where")
	now := time.Now().Unix()
	for i, plan := range []string{"pro", "free", "pro", ""} {
		props := map[string]any{"token": p.Token, "distinct_id": fmt.Sprint("w", i), "time": now, "$insert_id": fmt.Sprint("where-", i),
			"n": i, "$browser": []string{"Firefox", "Chrome"}[i%2]}
		if plan != "" {
			props["plan"] = plan
		}
		b, _ := json.Marshal(map[string]any{"event": "Signed up", "properties": props})
		if code, out := s.do("POST", "/track", formHeader(), []byte("data="+url.QueryEscape(string(b)))); code != 200 {
			t.Fatalf("track: %d %s", code, out)
		}
		up, _ := json.Marshal(map[string]any{"$token": p.Token, "$distinct_id": fmt.Sprint("w", i), "$set": map[string]any{"plan": plan, "i": i}})
		if code, out := s.do("POST", "/engage", formHeader(), []byte("data="+url.QueryEscape(string(up)))); code != 200 {
			t.Fatalf("engage update: %d %s", code, out)
		}
	}
	day := time.Now().UTC().Format(time.DateOnly)
	get := func(path string, q url.Values) (int, []byte) {
		q.Set("project_id", fmt.Sprint(p.ID))
		return s.do("GET", path+"?"+q.Encode(), basic(p.APISecret, ""), nil)
	}
	ids := func(body []byte) string {
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
			var e exported
			if line != "" && json.Unmarshal([]byte(line), &e) == nil {
				got = append(got, e.Properties["distinct_id"].(string))
			}
		}
		return strings.Join(got, ",")
	}
	export := func(where string) (int, []byte) {
		return get("/api/2.0/export", url.Values{"from_date": {day}, "to_date": {day}, "where": {where}})
	}
	if code, out := export(`properties["plan"] == "pro" and properties["$browser"] == "Firefox"`); code != 200 || ids(out) != "w0,w2" {
		t.Fatalf("export where: %d %s", code, out)
	}
	if code, out := export(`not defined(properties["plan"]) or properties["n"] in [1]`); code != 200 || ids(out) != "w1,w3" {
		t.Fatalf("export where: %d %s", code, out)
	}
	code, out := export(`properties["plan"] == "pro" or`)
	if code != 400 || !strings.Contains(string(out), "unexpected end of expression at column 31") {
		t.Fatalf("bad export where: %d %s", code, out)
	}

	code, out = get("/api/2.0/engage", url.Values{"where": {`properties["plan"] == "pro" and properties["i"] > 0`}})
	var eng struct {
		Total   int `json:"total"`
		Results []struct {
			ID string `json:"$distinct_id"`
		} `json:"results"`
	}
	if err := json.Unmarshal(out, &eng); code != 200 || err != nil || eng.Total != 1 || len(eng.Results) != 1 || eng.Results[0].ID != "w2" {
		t.Fatalf("engage where: %d %s", code, out)
	}
	if code, out := get("/api/2.0/engage", url.Values{"where": {`properties["plan"] = "pro"`}}); code != 400 || !strings.Contains(string(out), `(use == to compare) at column 20`) {
		t.Fatalf("bad engage where: %d %s", code, out)
	}

	// Literals an analyst wrote (maybe an email, an id) are not values
	// Sieve keeps: they go to the database as parameters, to the audit log
	// not at all.
	const canary = "where-canary-5f1e9c2a"
	if code, out := export(`properties["plan"] == "` + canary + `"`); code != 200 || len(out) != 0 {
		t.Fatalf("canary export: %d %s", code, out)
	}
	if code, _ := get("/api/2.0/engage", url.Values{"where": {`"` + canary + `" in user["$email"]`}}); code != 200 {
		t.Fatalf("canary engage: %d", code)
	}
	s.stop()
	if hits := grepData(t, s.Data, canary); len(hits) > 0 {
		t.Errorf("a where literal reached the data directory: %v", hits)
	}
	if strings.Contains(s.out.String(), canary) {
		t.Error("a where literal reached the server's output")
	}
}

func formHeader() http.Header {
	return http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
}
