package ingest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/guard"
	"github.com/sieve-analytics/sieve/internal/guardcache"
	"github.com/sieve-analytics/sieve/internal/ingest"
	"github.com/sieve-analytics/sieve/internal/project"
	"github.com/sieve-analytics/sieve/internal/store"
	"github.com/sieve-analytics/sieve/internal/store/duckdb"
)

// TestGuardFailureCostsOneEvent injects a guard failure into one event of a
// batch (and one profile update of another) and checks that only that one
// is lost: the request is answered as usual, the rest is stored, a
// guard_error finding records the path, a counter counts it, and no value
// of the failed event is on disk or in the server's log.
func TestGuardFailureCostsOneEvent(t *testing.T) {
	dir := t.TempDir()
	reg, err := project.Open(filepath.Join(dir, "meta"))
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	st, err := duckdb.Open(filepath.Join(dir, "store"), duckdb.Options{Logger: log, Threads: 2, Uncompressed: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	g := guard.New()
	ing := ingest.New(log, reg, st, guardcache.New(reg, g))
	c, err := reg.Create("p")
	if err != nil {
		t.Fatal(err)
	}
	p := c.Project
	g.SetFault("checkout.items[].sku")

	const canary = "canary-7f3e9a1c55"
	ev := func(name, id string, props map[string]any) map[string]any {
		all := map[string]any{"token": p.Token, "distinct_id": id, "$insert_id": fmt.Sprintf("i%d", len(id)*7+len(name))}
		for k, v := range props {
			all[k] = v
		}
		return map[string]any{"event": name, "properties": all}
	}
	post := func(h http.Handler, body any) string {
		t.Helper()
		b, _ := json.Marshal(body)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/?verbose=1", bytes.NewReader(b)))
		if rec.Code != http.StatusOK {
			t.Fatalf("answered %d %s", rec.Code, rec.Body.String())
		}
		return rec.Body.String()
	}
	reply := post(ing.Track(), []any{
		ev("Viewed", "u1", map[string]any{"plan": "pro"}),
		ev("Paid "+canary, "u2-"+canary, map[string]any{"checkout": map[string]any{"items": []any{map[string]any{"sku": canary}}}, "note": canary}),
		ev("Viewed", "u3", map[string]any{"plan": "free"}),
	})
	if reply != `{"status":1,"error":null}` {
		t.Fatalf("reply %s", reply)
	}
	g.SetFault("$set.checkout")
	post(ing.Engage(), []any{
		map[string]any{"$token": p.Token, "$distinct_id": "u1", "$set": map[string]any{"plan": "pro"}},
		map[string]any{"$token": p.Token, "$distinct_id": "u9", "$set": map[string]any{"checkout": canary, "x": canary}},
	})

	var names []string
	err = st.Export(context.Background(), store.ExportQuery{ProjectID: p.ID, From: 0, To: math.MaxInt64}, func(r *event.Row) error {
		names = append(names, r.Name+"/"+r.DistinctID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(names, ",") != "Viewed/u1,Viewed/u3" && strings.Join(names, ",") != "Viewed/u3,Viewed/u1" {
		t.Fatalf("stored %v, want the two events the guard did not fail on", names)
	}
	var fails []string
	err = st.Findings(context.Background(), store.FindingQuery{ProjectID: p.ID, To: math.MaxInt64}, func(f *event.Finding) error {
		if f.Class == string(guard.GuardError) {
			fails = append(fails, f.Path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(fails, ",") != "checkout.items[].sku,$set.checkout" {
		t.Fatalf("guard_error findings at %v", fails)
	}
	if n := ing.Stats.GuardErrors.Load(); n != 2 {
		t.Fatalf("GuardErrors = %d, want 2", n)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), canary) {
		t.Fatalf("the failed event's value is in the log")
	}
	// The store is uncompressed: a value on disk would be found. The
	// positive control is an event name that was stored.
	var control bool
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(canary)) {
			t.Errorf("the failed event's value is in %s", filepath.Base(path))
		}
		control = control || bytes.Contains(b, []byte("Viewed"))
		return nil
	})
	if !control {
		t.Fatalf("positive control: stored event names not found on disk")
	}
}
