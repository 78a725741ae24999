package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/store/clickhouse"
)

// chStore returns a clickhouse:// URL of the test cluster (make
// clickhouse-test) with a database of its own, dropped at the end.
func chStore(t *testing.T) string {
	t.Helper()
	u := os.Getenv("SIEVE_CH_URL")
	if u == "" {
		t.Skip("SIEVE_CH_URL is not set: run make clickhouse-test")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	db := "srv_" + hex.EncodeToString(b[:])
	u = strings.Replace(u, "/sieve?", "/"+db+"?", 1)
	t.Cleanup(func() {
		cfg, err := clickhouse.ParseURL(u)
		if err != nil {
			return
		}
		if s, err := clickhouse.Open(context.Background(), cfg); err == nil {
			_ = s.DropDatabase(context.Background())
			s.Close()
		}
	})
	return u
}

// TestServeClickHouse runs the server on the ClickHouse backend: ingest
// through the guard, export and findings from the cluster, a retried
// batch stored once; a user erased through the purge API with a passed
// certificate that names the shard; an event property purge and a
// profile property purge, each with a passed certificate; a total-count trend,
// a funnel with a step filter, a property breakdown and Mixpanel's
// segmentation and retention with on and where answered.
func TestServeClickHouse(t *testing.T) {
	serveClickHouse(t, chStore(t))
}

// TestServeClickHouseWAL is TestServeClickHouse with the local
// write-ahead log (wal=on): reads and purges wait for it to be shipped.
func TestServeClickHouseWAL(t *testing.T) {
	serveClickHouse(t, chStore(t)+"&wal=on")
}

func serveClickHouse(t *testing.T, u string) {
	base, token, secret := testServer(t, Config{Store: u})
	const canary = "Hunter2-canary-ch1"
	now := time.Now().Unix()
	var batch []string
	for i, user := range []string{"u1", "u2", "u3"} {
		batch = append(batch, fmt.Sprintf(`{"event":"Signed up","properties":{"token":%q,"distinct_id":%q,"time":%d,"$insert_id":"c%d","plan":"pro","password":%q}}`,
			token, user, now, i, canary))
	}
	data := "data=[" + strings.Join(batch, ",") + "]"
	for range 2 { // a client retry
		if code, b := call(t, "POST", base+"/track", "", "", data); code != 200 {
			t.Fatalf("track: %d %s", code, b)
		}
	}
	day := time.Now().UTC().Format(time.DateOnly)
	code, b := call(t, "GET", base+"/api/2.0/export?from_date="+day+"&to_date="+day, secret, "", "")
	if code != 200 {
		t.Fatalf("export: %d %s", code, b)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 {
		t.Fatalf("export has %d lines, want 3 (one per insert id): %s", len(lines), b)
	}
	var line struct {
		Event      string         `json:"event"`
		Properties map[string]any `json:"properties"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &line); err != nil || line.Event != "Signed up" || line.Properties["plan"] != "pro" {
		t.Fatalf("export line: %s (%v)", lines[0], err)
	}
	if bytes.Contains(b, []byte(canary)) {
		t.Fatal("the password reached the export")
	}
	code, b = call(t, "GET", base+"/api/projects/1/findings", secret, "", "")
	if code != 200 || !bytes.Contains(b, []byte(`"class":"password"`)) {
		t.Fatalf("findings: %d %s", code, b)
	}
	doc := fmt.Sprintf(`{"kind":"trends","from":%q,"to":%q,"series":[{"event":"Signed up"}]}`, day, day)
	if code, b := call(t, "POST", base+"/api/projects/1/query", secret, "", doc); code != 200 || !bytes.Contains(b, []byte(`"values":[3]`)) {
		t.Fatalf("trends on ClickHouse: %d %s, want 200 and 3 events (the retry stored once)", code, b)
	}
	// Queries that read properties: by rows on ClickHouse (query/rowengine).
	doc = fmt.Sprintf(`{"kind":"funnels","from":%q,"to":%q,"series":[{"event":"Signed up","filter":{"property":"plan","operator":"eq","value":"pro"}},{"event":"Signed up"}]}`, day, day)
	if code, b := call(t, "POST", base+"/api/projects/1/query", secret, "", doc); code != 200 || !bytes.Contains(b, []byte(`"count":3`)) {
		t.Fatalf("funnel on ClickHouse: %d %s, want 200 and 3 users entering", code, b)
	}
	doc = fmt.Sprintf(`{"kind":"trends","from":%q,"to":%q,"series":[{"math":"unique"}],"breakdown":[{"property":"plan"}]}`, day, day)
	if code, b := call(t, "POST", base+"/api/projects/1/query", secret, "", doc); code != 200 || !bytes.Contains(b, []byte(`"breakdown":["pro"],"values":[3]`)) {
		t.Fatalf("breakdown on ClickHouse: %d %s, want 3 users with plan pro", code, b)
	}
	// Mixpanel's Query API builds on the same queries.
	q := url.Values{"event": {"Signed up"}, "from_date": {day}, "to_date": {day}, "on": {`properties["plan"]`}, "where": {`properties["plan"] == "pro"`}}
	if code, b := call(t, "GET", base+"/api/2.0/segmentation?"+q.Encode(), secret, "", ""); code != 200 || !bytes.Contains(b, []byte(`"pro":{"`+day+`":3}`)) {
		t.Fatalf("segmentation on ClickHouse: %d %s", code, b)
	}
	q = url.Values{"from_date": {day}, "to_date": {day}, "born_event": {"Signed up"}, "event": {"Signed up"}, "where": {`properties["plan"] == "pro"`}}
	if code, b := call(t, "GET", base+"/api/2.0/retention?"+q.Encode(), secret, "", ""); code != 200 || !bytes.Contains(b, []byte(`"first":3`)) {
		t.Fatalf("retention on ClickHouse: %d %s", code, b)
	}
	job := func(body string) map[string]any {
		t.Helper()
		code, b := call(t, "POST", base+"/api/purges", secret, "", body)
		if code != 202 {
			t.Fatalf("purge %s: %d %s", body, code, b)
		}
		var j struct{ ID string }
		_ = json.Unmarshal(b, &j)
		deadline := time.Now().Add(2 * time.Minute)
		for {
			code, b := call(t, "GET", base+"/api/purges/"+j.ID, secret, "", "")
			var st map[string]any
			_ = json.Unmarshal(b, &st)
			if code != 200 {
				t.Fatalf("purge status: %d %s", code, b)
			}
			if s := st["status"]; s == "done" || s == "failed" {
				return st
			}
			if time.Now().After(deadline) {
				t.Fatalf("purge still %v after 2 minutes", st["status"])
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	st := job(`{"project_id":1,"distinct_ids":["u2"]}`)
	cert, _ := json.Marshal(st["certificate"])
	if st["status"] != "done" || !bytes.Contains(cert, []byte(`"result":"passed"`)) || !bytes.Contains(cert, []byte(`"shard":`)) ||
		!bytes.Contains(cert, []byte(`"rows_deleted":1`)) {
		t.Fatalf("GDPR erasure on ClickHouse: %v\ncertificate %s", st["status"], cert)
	}
	if _, b := call(t, "GET", base+"/api/2.0/export?from_date="+day+"&to_date="+day, secret, "", ""); bytes.Contains(b, []byte(`"u2"`)) ||
		strings.Count(strings.TrimSpace(string(b)), "\n") != 1 {
		t.Fatalf("export after erasing u2: %s", b)
	}
	st = job(`{"project_id":1,"properties":["plan"]}`)
	cert, _ = json.Marshal(st["certificate"])
	if st["status"] != "done" || !bytes.Contains(cert, []byte(`"result":"passed"`)) || !bytes.Contains(cert, []byte(`"shard":`)) {
		t.Fatalf("property purge on ClickHouse: %v %v\ncertificate %s", st["status"], st["error"], cert)
	}
	if _, b := call(t, "GET", base+"/api/2.0/export?from_date="+day+"&to_date="+day, secret, "", ""); bytes.Contains(b, []byte(`"plan"`)) ||
		!bytes.Contains(b, []byte(`"Signed up"`)) {
		t.Fatalf("export after purging plan: %s", b)
	}
	// A profile property purge: the property goes from the profile, the
	// others stay, and the certificate says what was done per shard.
	const nick = "Zed-canary-ch2"
	engage := fmt.Sprintf(`[{"$token":%q,"$distinct_id":"u1","$set":{"nickname":%q,"tier":"gold"}}]`, token, nick)
	if code, b := call(t, "POST", base+"/engage", "", "", "data="+url.QueryEscape(engage)); code != 200 {
		t.Fatalf("engage: %d %s", code, b)
	}
	if _, b := call(t, "GET", base+"/api/2.0/engage?project_id=1", secret, "", ""); !bytes.Contains(b, []byte(nick)) {
		t.Fatalf("engage query before the purge: %s", b)
	}
	st = job(`{"project_id":1,"properties":["$set.nickname"]}`)
	cert, _ = json.Marshal(st["certificate"])
	if st["status"] != "done" || !bytes.Contains(cert, []byte(`"result":"passed"`)) || !bytes.Contains(cert, []byte(`"shards":[`)) ||
		!bytes.Contains(cert, []byte(`"profiles_changed":1`)) || bytes.Contains(cert, []byte(nick)) {
		t.Fatalf("profile property purge on ClickHouse: %v %v\ncertificate %s", st["status"], st["error"], cert)
	}
	if _, b := call(t, "GET", base+"/api/2.0/engage?project_id=1", secret, "", ""); bytes.Contains(b, []byte(nick)) || !bytes.Contains(b, []byte(`"gold"`)) {
		t.Fatalf("engage query after the purge: %s", b)
	}
}

func TestServeUnknownStore(t *testing.T) {
	_, err := New(Config{DataDir: t.TempDir(), Store: "postgres://user:pw@host/db", Console: &bytes.Buffer{}})
	if err == nil || !strings.Contains(err.Error(), "clickhouse://") || strings.Contains(err.Error(), "pw") {
		t.Fatalf("unknown store: %v", err)
	}
}
