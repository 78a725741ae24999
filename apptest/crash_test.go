package apptest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestCrashKill9 sends from concurrent clients, kills the server with
// SIGKILL mid-stream, restarts it, and checks that every acknowledged event
// is exported exactly once (and no event at all is exported twice).
func TestCrashKill9(t *testing.T) {
	s := startServer(t, serverOpts{})
	p := s.createProject("crash")
	client := s.client()
	var mu sync.Mutex
	acked := map[string]bool{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	now := time.Now().UnixMilli()
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := 0; ; b++ {
				select {
				case <-stop:
					return
				default:
				}
				var evs []map[string]any
				var ids []string
				for i := range 50 {
					id := fmt.Sprintf("c%d-%d-%d", w, b, i)
					ids = append(ids, id)
					evs = append(evs, map[string]any{"event": "crash", "properties": map[string]any{
						"token": p.Token, "distinct_id": fmt.Sprintf("u%d", i), "time": now, "$insert_id": id, "w": w, "b": b,
					}})
				}
				body, _ := json.Marshal(evs)
				resp, err := client.Post(s.Base+"/track?verbose=1", "application/json", bytes.NewReader(body))
				if err != nil {
					return // the server is gone
				}
				rb, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK && bytes.Contains(rb, []byte(`"status":1`)) {
					mu.Lock()
					for _, id := range ids {
						acked[id] = true
					}
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(3 * time.Second)
	s.kill9()
	close(stop)
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("no batch was acknowledged before the kill")
	}
	s.restart()
	ex := byInsertID(t, s.export(p, false)) // fails on any duplicate
	missing := 0
	for id := range acked {
		if _, ok := ex[id]; !ok {
			missing++
		}
	}
	t.Logf("acknowledged %d events before SIGKILL; exported %d after restart", len(acked), len(ex))
	if missing > 0 {
		t.Errorf("%d acknowledged events were lost", missing)
	}
	// Retrying everything after the restart must not create duplicates.
	var evs []map[string]any
	n := 0
	for id := range acked {
		if n == 50 {
			break
		}
		n++
		var w, b, i int
		fmt.Sscanf(id, "c%d-%d-%d", &w, &b, &i)
		evs = append(evs, map[string]any{"event": "crash", "properties": map[string]any{
			"token": p.Token, "distinct_id": fmt.Sprintf("u%d", i), "time": now, "$insert_id": id, "w": w, "b": b,
		}})
	}
	body, _ := json.Marshal(evs)
	code, rb := s.do("POST", "/track?verbose=1", http.Header{"Content-Type": {"application/json"}}, body)
	if code != 200 {
		t.Fatalf("retry after restart: %d %s", code, rb)
	}
	if ex2 := byInsertID(t, s.export(p, false)); len(ex2) != len(ex) {
		t.Errorf("retry after restart changed the export from %d to %d events", len(ex), len(ex2))
	}
}
