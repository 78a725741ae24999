package apptest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestIPNotStoredByDefault: raw IP addresses sent with events and profile
// updates are not kept unless the project turns store_ip on.
func TestIPNotStoredByDefault(t *testing.T) {
	s := startServer(t, serverOpts{})
	p := s.createProject("ip")
	send := func(id string) {
		body := fmt.Sprintf(`[{"event":"e","properties":{"token":%q,"distinct_id":"u","time":%d,"$insert_id":%q,"ip":"203.0.113.7","$ip":"198.51.100.9","k":"v"}}]`,
			p.Token, time.Now().Unix(), id)
		if code, b := s.do("POST", "/track", http.Header{"Content-Type": {"application/json"}}, []byte(body)); code != 200 || string(b) != "1" {
			t.Fatalf("track: %d %s", code, b)
		}
	}
	send("ip-1")
	if code, b := s.do("PATCH", fmt.Sprintf("/api/projects/%d", p.ID), bearer(), []byte(`{"store_ip":true}`)); code != 200 {
		t.Fatalf("patch: %d %s", code, b)
	}
	send("ip-2")
	ex := byInsertID(t, s.export(p, false))
	if e := ex["ip-1"]; e.Properties["ip"] != nil || e.Properties["$ip"] != nil || e.Properties["k"] != "v" {
		t.Errorf("default project kept an IP address: %v", e.Properties)
	}
	if e := ex["ip-2"]; e.Properties["ip"] != "203.0.113.7" {
		t.Errorf("store_ip project lost the IP address: %v", e.Properties)
	}
	out := s.out.String()
	if strings.Contains(out, "203.0.113.7") {
		t.Error("an IP address reached the server output")
	}
}
