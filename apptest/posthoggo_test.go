package apptest

import (
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/posthog/posthog-go"
)

// goCallback records what posthog-go says of each message.
type goCallback struct {
	mu       sync.Mutex
	ok, fail int
	errs     []string
}

func (c *goCallback) Success(posthog.APIMessage) { c.mu.Lock(); c.ok++; c.mu.Unlock() }
func (c *goCallback) Failure(_ posthog.APIMessage, err error) {
	c.mu.Lock()
	c.fail++
	c.errs = append(c.errs, err.Error())
	c.mu.Unlock()
}

// TestPostHogGo drives sieve with the official posthog-go client,
// unchanged: captures with and without a uuid, identify, alias and group
// identify, in JSON /batch/ requests (posthog-go 1.5 sends no sent_at and an
// empty uuid when none is set).
func TestPostHogGo(t *testing.T) {
	s := startServer(t, serverOpts{})
	p := s.createProject("posthog-go")
	cb := &goCallback{}
	client, err := posthog.NewWithConfig(p.Token, posthog.Config{Endpoint: s.Base, Interval: 200 * time.Millisecond, BatchSize: 100, Callback: cb})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int{}
	for i := range 20 {
		id := fmt.Sprintf("0190a1b2-c3d4-7e5f-8a9b-%012d", i)
		ids[id] = i
		props := posthog.NewProperties().Set("seq", i).Set("plan", "pro").Set("nested", map[string]any{"a": []any{1, "x"}})
		if err := client.Enqueue(posthog.Capture{Uuid: id, DistinctId: fmt.Sprintf("go-user-%d", i%3), Event: "go event", Properties: props}); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []posthog.Message{
		posthog.Capture{DistinctId: "go-user-1", Event: "no uuid", Properties: posthog.NewProperties().Set("seq", 100)},
		posthog.Identify{DistinctId: "go-user-1", Properties: posthog.NewProperties().Set("email", "g1@example.com").Set("plan", "team")},
		posthog.Alias{DistinctId: "go-user-1", Alias: "go-alias-1"},
		posthog.GroupIdentify{Type: "company", Key: "initech", Properties: posthog.NewProperties().Set("employees", 12)},
	} {
		if err := client.Enqueue(m); err != nil {
			t.Fatal(err)
		}
	}
	if err := client.Close(); err != nil {
		t.Fatal(err)
	}
	if cb.fail > 0 || cb.ok != 24 {
		t.Fatalf("posthog-go: %d sent, %d failed: %v\nserver output:\n%s", cb.ok, cb.fail, cb.errs, s.out.String())
	}

	ex := byInsertID(t, s.export(p, false))
	names := map[string]int{}
	for _, e := range ex {
		names[e.Event]++
	}
	for id, i := range ids {
		e, ok := ex[id]
		if !ok {
			t.Errorf("event %d (%s) not exported", i, id)
			continue
		}
		if normalize(e.Properties["seq"]) != fmt.Sprint(i) || e.Properties["plan"] != "pro" || normalize(e.Properties["nested"]) != `{"a":[1,"x"]}` || e.Properties["$lib"] != "posthog-go" {
			t.Errorf("event %d: properties %v", i, e.Properties)
		}
	}
	if names["no uuid"] != 1 || names["$identify"] != 1 || names["$create_alias"] != 1 || names["$groupidentify"] != 1 {
		t.Errorf("events exported: %v", names)
	}
	prof := s.engage(p, url.Values{"distinct_id": {"go-user-1"}})
	if len(prof) != 1 || prof[0]["$properties"].(map[string]any)["email"] != "g1@example.com" {
		t.Errorf("profile go-user-1: %v", prof)
	}
	grp := s.engage(p, url.Values{"data_group_id": {"company"}, "distinct_id": {"initech"}})
	if len(grp) != 1 || normalize(grp[0]["$properties"].(map[string]any)["employees"]) != "12" {
		t.Errorf("group initech: %v", grp)
	}
}
