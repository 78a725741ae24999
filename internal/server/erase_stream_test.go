package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestGDPRErasureLeavesNoHashInFindingsStream: a GDPR erasure takes the
// user's keyed hash out of the findings stream (the records stay, with
// their seq, without user_hash), leaves other users' hashes, is audited as
// findings.erase, and an erasure that finished but did not reach the
// stream (a crash in between: old segments put back, the stream's mark
// removed) reaches it at the next start.
func TestGDPRErasureLeavesNoHashInFindingsStream(t *testing.T) {
	dir := t.TempDir()
	base, _, stop := startAt(t, dir)
	var proj struct{ Token string }
	code, b := call(t, "GET", base+"/api/projects/1", piiAdminKey, "", "")
	if json.Unmarshal(b, &proj); code != 200 || proj.Token == "" {
		t.Fatalf("project: %d %s", code, b)
	}
	var evs []string
	for i, id := range []string{"ann-erased", "bob-kept", "ann-erased", "bob-kept"} {
		evs = append(evs, fmt.Sprintf(`{"event":"%s-ev","properties":{"token":%q,"distinct_id":%q,"time":%d,"$insert_id":"e%d","password":"hunter2-%d"}}`,
			id, proj.Token, id, time.Now().Unix(), i, i))
	}
	if code, b := call(t, "POST", base+"/track", "", "", "data="+url.QueryEscape("["+strings.Join(evs, ",")+"]")); code != 200 {
		t.Fatalf("track: %d %s", code, b)
	}
	stream := func() map[string][]string { // event -> user hashes
		code, b := call(t, "GET", base+"/api/projects/1/findings/stream?after=0", piiAdminKey, "", "")
		if code != 200 {
			t.Fatalf("stream: %d %s", code, b)
		}
		out := map[string][]string{}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			var r struct {
				Event    string `json:"event"`
				UserHash string `json:"user_hash"`
			}
			json.Unmarshal(sc.Bytes(), &r)
			out[r.Event] = append(out[r.Event], r.UserHash)
		}
		return out
	}
	before := stream()
	if len(before["ann-erased-ev"]) != 2 || before["ann-erased-ev"][0] == "" || len(before["bob-kept-ev"]) != 2 || before["bob-kept-ev"][0] == "" {
		t.Fatalf("stream before: %v", before)
	}
	annHash, bobHash := before["ann-erased-ev"][0], before["bob-kept-ev"][0]
	saved := map[string][]byte{}
	segs, _ := filepath.Glob(filepath.Join(dir, "findings", "stream-*.ndjson"))
	for _, s := range segs {
		saved[s], _ = os.ReadFile(s)
	}
	code, b = call(t, "POST", base+"/api/app/data-deletions/v3.0?token="+proj.Token, piiAdminKey, "", `{"distinct_ids":["ann-erased"],"compliance_type":"GDPR"}`)
	var task struct {
		Results struct {
			TaskID string `json:"task_id"`
		}
	}
	if json.Unmarshal(b, &task); code != 200 || task.Results.TaskID == "" {
		t.Fatalf("GDPR deletion: %d %s", code, b)
	}
	erased := func() bool {
		for _, s := range segs {
			if b, _ := os.ReadFile(s); bytes.Contains(b, []byte(annHash)) {
				return false
			}
		}
		return true
	}
	deadline := time.Now().Add(60 * time.Second)
	for !erased() && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	after := stream()
	if !erased() || len(after["ann-erased-ev"]) != 2 || after["ann-erased-ev"][0] != "" || after["ann-erased-ev"][1] != "" {
		t.Fatalf("the erased user's hash is still in the stream: %v", after)
	}
	if len(after["bob-kept-ev"]) != 2 || after["bob-kept-ev"][0] != bobHash {
		t.Fatalf("another user's hash changed: %v", after)
	}
	waitAudit := func() int {
		n := 0
		filepath.WalkDir(filepath.Join(dir, "audit"), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".log") {
				b, _ := os.ReadFile(p)
				n += bytes.Count(b, []byte(`"action":"findings.erase"`))
			}
			return nil
		})
		return n
	}
	if waitAudit() != 1 {
		t.Errorf("findings.erase audited %d times, want 1", waitAudit())
	}
	stop()

	// A crash after the purge finished, before the stream's rewrite.
	for s, b := range saved {
		if err := os.WriteFile(s, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Remove(filepath.Join(dir, "findings", "erased.json")); err != nil {
		t.Fatal(err)
	}
	base, _, stop = startAt(t, dir)
	if after := stream(); !erased() || after["ann-erased-ev"][0] != "" || after["bob-kept-ev"][0] != bobHash {
		t.Fatalf("the erasure did not reach the stream at the next start: %v", after)
	}
	stop()
	if waitAudit() != 2 {
		t.Errorf("findings.erase audited %d times, want 2", waitAudit())
	}
}
