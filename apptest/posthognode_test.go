package apptest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"testing"
)

// posthogDeps fails the test when node or apptest/posthog's packages are missing.
func posthogDeps(t *testing.T, module string) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is required for apptest")
	}
	if _, err := os.Stat("posthog/node_modules/" + module); err != nil {
		t.Fatal("apptest/posthog/node_modules is missing: run `make apptest` (npm ci in apptest/posthog)")
	}
}

// TestPostHogNode drives sieve with the official posthog-node client,
// unchanged: captures, identify, alias (merging the alias's person) and
// group identify in one gzip /batch/, then a batch over the size limit that
// posthog-node halves on 413, then a batch stored but answered 503 that
// posthog-node resends and Sieve stores once.
func TestPostHogNode(t *testing.T) {
	posthogDeps(t, "posthog-node")
	s := startServer(t, serverOpts{})
	p := s.createProject("posthog-node")
	cmd := exec.Command("node", "node.js")
	cmd.Dir = "posthog"
	cmd.Env = append(os.Environ(), "SIEVE_URL="+s.Base, "SIEVE_TOKEN="+p.Token)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node node.js: %v\n%s\nserver output:\n%s", err, stderr.String(), s.out.String())
	}
	var res struct {
		Sent []struct {
			Event      string         `json:"event"`
			Properties map[string]any `json:"properties"`
		} `json:"sent"`
		Statuses []struct {
			Path   string `json:"path"`
			Status int    `json:"status"`
			Lost   bool   `json:"lost"`
		} `json:"statuses"`
		BatchesAfterLoss int `json:"batchesAfterLoss"`
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&res); err != nil {
		t.Fatalf("node output: %v", err)
	}

	ex := s.export(p, false)
	bySeq := map[string][]exported{}
	names := map[string]int{}
	for _, e := range ex {
		names[e.Event]++
		if seq, ok := e.Properties["seq"]; ok {
			bySeq[normalize(seq)] = append(bySeq[normalize(seq)], e)
		}
	}
	for _, se := range res.Sent {
		got := bySeq[normalize(se.Properties["seq"])]
		if len(got) != 1 {
			t.Errorf("%s seq %v exported %d times", se.Event, se.Properties["seq"], len(got))
			continue
		}
		for k, v := range se.Properties {
			if normalize(got[0].Properties[k]) != normalize(v) {
				t.Errorf("seq %v: property %s = %s, want %s", se.Properties["seq"], k, normalize(got[0].Properties[k]), normalize(v))
			}
		}
		if got[0].Properties["$lib"] != "posthog-node" {
			t.Errorf("seq %v: $lib %v", se.Properties["seq"], got[0].Properties["$lib"])
		}
	}
	if names["$identify"] != 1 || names["$create_alias"] != 1 || names["$groupidentify"] != 1 {
		t.Errorf("identity events exported: %v", names)
	}
	if n := names["big event"]; n != 100 {
		t.Errorf("%d of 100 big events exported", n)
	}
	if g := bySeq["100"]; len(g) == 1 && normalize(g[0].Properties["$groups"]) != `{"company":"initech"}` {
		t.Errorf("grouped event $groups = %s", normalize(g[0].Properties["$groups"]))
	}

	// Profiles: identify's $set, the alias's person merged in (its plan
	// loses to identify's), the group's properties.
	prof := s.engage(p, url.Values{"distinct_id": {"node-user-1"}})
	if len(prof) != 1 {
		t.Fatalf("engage node-user-1: %d profiles", len(prof))
	}
	pp := prof[0]["$properties"].(map[string]any)
	if pp["email"] != "n1@example.com" || pp["plan"] != "team" || pp["referrer"] != "newsletter" {
		t.Errorf("profile node-user-1: %v", pp)
	}
	byAlias := s.engage(p, url.Values{"distinct_id": {"node-alias-1"}})
	if len(byAlias) != 1 || byAlias[0]["$distinct_id"] != "node-user-1" {
		t.Errorf("engage by the alias: %v", byAlias)
	}
	for _, pr := range s.engage(p, url.Values{}) {
		if pr["$distinct_id"] == "node-alias-1" {
			t.Errorf("the alias kept a profile of its own: %v", pr)
		}
	}
	grp := s.engage(p, url.Values{"data_group_id": {"company"}, "distinct_id": {"initech"}})
	if len(grp) != 1 || normalize(grp[0]["$properties"].(map[string]any)["employees"]) != "12" {
		t.Errorf("group initech: %v", grp)
	}

	// 413 then smaller batches, all 200.
	saw413 := false
	for _, st := range res.Statuses {
		if st.Path != "/batch/" {
			t.Errorf("request to %s", st.Path)
		}
		switch st.Status {
		case 413:
			saw413 = true
		case 200:
		default:
			t.Errorf("status %d", st.Status)
		}
	}
	if res.BatchesAfterLoss < 2 {
		t.Errorf("posthog-node did not resend after the 503 (%d requests)", res.BatchesAfterLoss)
	}
	if !saw413 {
		t.Errorf("no 413: posthog-node's halving was not exercised (statuses %v)", res.Statuses)
	}
	t.Logf("posthog-node statuses: %s", fmt.Sprint(res.Statuses))
}
