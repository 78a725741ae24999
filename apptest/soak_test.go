package apptest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestSoak runs for SOAK_DURATION (`make soak`, 5 minutes by default there;
// skipped when unset): mixed ingestion (/track, /import, /engage) from
// concurrent senders that retry until acknowledged, as SDKs do; queries and
// exports meanwhile; a purge; a graceful restart; and a kill -9 at a random
// moment. At the end every acknowledged event must be exported exactly once
// (0 lost, 0 duplicated), the purged user must be gone, and the audit chain
// must verify. It prints the figures docs/PERFORMANCE.md records, with the
// memory high-water mark (VmHWM) of each server life.
func TestSoak(t *testing.T) {
	d, err := time.ParseDuration(os.Getenv("SOAK_DURATION"))
	if err != nil || d <= 0 {
		t.Skip("SOAK_DURATION is not set (make soak)")
	}
	load0 := loadavg()
	start := time.Now()
	s := startServer(t, serverOpts{})
	projects := []project{s.createProject("soak-a"), s.createProject("soak-b")}
	now := time.Now().UnixMilli()

	var (
		mu       sync.Mutex
		acked    = map[string]bool{} // insert ids acknowledged
		victim   atomic.Int64        // events of the purged user acknowledged
		stats    = map[string]*atomic.Int64{}
		statsMu  sync.Mutex
		stop     = make(chan struct{})
		victimOK = make(chan struct{}) // closed when the victim's events are sent
		wg       sync.WaitGroup
	)
	count := func(name string) {
		statsMu.Lock()
		c := stats[name]
		if c == nil {
			c = &atomic.Int64{}
			stats[name] = c
		}
		statsMu.Unlock()
		c.Add(1)
	}
	stopped := func() bool {
		select {
		case <-stop:
			return true
		default:
			return false
		}
	}
	cl := &http.Client{Timeout: 30 * time.Second}
	// send posts one batch until it is acknowledged (or the soak ends).
	send := func(name string, build func() (*http.Request, error), ok func(code int, body []byte) bool) bool {
		for !stopped() {
			req, _ := build()
			resp, err := cl.Do(req)
			if err == nil {
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if ok(resp.StatusCode, body) {
					count(name + " ok")
					return true
				}
				count(fmt.Sprintf("%s %d", name, resp.StatusCode))
			} else {
				count(name + " unreachable")
			}
			time.Sleep(200 * time.Millisecond)
		}
		return false
	}
	batch := func(p project, kind string, w, b, n int, user func(i int) string) ([]byte, []string) {
		var evs []map[string]any
		var ids []string
		for i := range n {
			id := fmt.Sprintf("%s%d-%d-%d-%d", kind, p.ID, w, b, i)
			ids = append(ids, id)
			props := map[string]any{"distinct_id": user(i), "time": now + int64(b*n+i), "$insert_id": id,
				"plan": []string{"free", "pro", "team"}[i%3], "n": i, "path": fmt.Sprintf("/page/%d", i%17)}
			if kind == "t" {
				props["token"] = p.Token
			}
			evs = append(evs, map[string]any{"event": []string{"view", "click", "signup"}[(b+i)%3], "properties": props})
		}
		body, _ := json.Marshal(evs)
		return body, ids
	}
	ack := func(ids []string) {
		mu.Lock()
		for _, id := range ids {
			acked[id] = true
		}
		mu.Unlock()
	}
	trackOK := func(code int, body []byte) bool { return code == 200 && bytes.Contains(body, []byte(`"status":1`)) }
	importOK := func(code int, body []byte) bool { return code == 200 }

	// The purged user's events, first: project b, distinct_id "victim".
	vp := projects[1]
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(victimOK)
		for b := range 20 {
			body, ids := batch(vp, "v", 0, b, 50, func(int) string { return "victim" })
			if send("victim import", func() (*http.Request, error) { return importReq(s.Base, vp, body) }, importOK) {
				victim.Add(int64(len(ids)))
			}
		}
	}()
	// /track: 4 senders of 50 events every 200 ms; /import: 2 senders of
	// 500 every second: 2,000 events/s when the server keeps up.
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := projects[w%2]
			every := 200 * time.Millisecond
			if w >= 4 {
				every = time.Second
			}
			for b := 0; !stopped(); b++ {
				t0 := time.Now()
				if w < 4 {
					body, ids := batch(p, "t", w, b, 50, func(i int) string { return fmt.Sprintf("u%d", (w*131+b*7+i)%997) })
					if send("track", func() (*http.Request, error) {
						r, err := http.NewRequest("POST", s.Base+"/track?verbose=1", bytes.NewReader(body))
						r.Header.Set("Content-Type", "application/json")
						return r, err
					}, trackOK) {
						ack(ids)
					}
				} else {
					body, ids := batch(p, "i", w, b, 500, func(i int) string { return fmt.Sprintf("u%d", (b*13+i)%997) })
					if send("import", func() (*http.Request, error) { return importReq(s.Base, p, body) }, importOK) {
						ack(ids)
					}
				}
				time.Sleep(time.Until(t0.Add(every)))
			}
		}()
	}
	// /engage: profile updates.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for b := 0; !stopped(); b++ {
			p := projects[b%2]
			var ups []map[string]any
			for i := range 20 {
				ups = append(ups, map[string]any{"$token": p.Token, "$distinct_id": fmt.Sprintf("u%d", (b*20+i)%997),
					"$set": map[string]any{"plan": []string{"free", "pro"}[i%2], "seen": b}})
			}
			body, _ := json.Marshal(ups)
			send("engage", func() (*http.Request, error) {
				r, err := http.NewRequest("POST", s.Base+"/engage?verbose=1", bytes.NewReader(body))
				r.Header.Set("Content-Type", "application/json")
				return r, err
			}, trackOK)
			time.Sleep(100 * time.Millisecond)
		}
	}()
	// Queries and exports of whatever exists.
	wg.Add(1)
	go func() {
		defer wg.Done()
		from := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
		to := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
		for i := 0; !stopped(); i++ {
			p := projects[i%2]
			q := url.Values{"project_id": {fmt.Sprint(p.ID)}, "from_date": {from}, "to_date": {to}}
			var path string
			switch i % 4 {
			case 0:
				q.Set("event", "view")
				q.Set("on", `properties["plan"]`)
				path = "/api/2.0/segmentation"
			case 1:
				q.Set("event", `["view","click","signup"]`)
				q.Set("type", "unique")
				q.Set("unit", "day")
				path = "/api/2.0/events"
			case 2:
				q.Set("event", `["signup"]`)
				path = "/api/2.0/export"
			case 3:
				path = "/api/2.0/engage"
			}
			req, _ := http.NewRequest("GET", s.Base+path+"?"+q.Encode(), nil)
			req.SetBasicAuth(p.APISecret, "")
			resp, err := cl.Do(req)
			if err != nil {
				count("query unreachable")
			} else {
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				count(fmt.Sprintf("query %s %d", path, resp.StatusCode))
				if resp.StatusCode == 200 && n == 0 {
					count("query empty answer")
				}
			}
			time.Sleep(250 * time.Millisecond)
		}
	}()

	// Memory high-water mark of each server life, sampled until it ends.
	var lives []string
	watch := func() (end func(how string)) {
		pid := s.cmd.Process.Pid
		var hwm atomic.Int64
		done := make(chan struct{})
		go func() {
			for {
				if v := vmHWM(pid); v > 0 {
					hwm.Store(v)
				}
				select {
				case <-done:
					return
				case <-time.After(time.Second):
				}
			}
		}()
		t0 := time.Now()
		return func(how string) {
			if v := vmHWM(pid); v > 0 {
				hwm.Store(v)
			}
			close(done)
			lives = append(lives, fmt.Sprintf("%s (%s, ended by %s)", mib(hwm.Load()), time.Since(t0).Round(time.Second), how))
		}
	}
	end := watch()

	at := func(f float64) time.Duration { return time.Duration(f * float64(d)) }
	sleepUntil := func(off time.Duration) { time.Sleep(time.Until(start.Add(off))) }

	// ~30%: purge the victim (its events were all sent by then).
	sleepUntil(at(0.3))
	<-victimOK
	purgeID := ""
	{
		b, _ := json.Marshal(map[string]any{"project_id": vp.ID, "distinct_ids": []string{"victim"}})
		code, body := s.do("POST", "/api/purges", bearer(), b)
		if code != 202 {
			t.Fatalf("POST /api/purges: %d %s", code, body)
		}
		var job map[string]any
		_ = json.Unmarshal(body, &job)
		purgeID, _ = job["id"].(string)
		job = s.waitPurge(purgeID)
		if job["status"] != "done" {
			t.Errorf("purge ended %v", job["status"])
		}
		t.Logf("purge %s: %v rows changed", purgeID, job["rows_changed"])
	}
	// ~45%: a graceful restart.
	sleepUntil(at(0.45))
	end("SIGTERM")
	s.stop()
	s.restart()
	end = watch()
	// ~50%: a backup through the server, ingestion going on.
	sleepUntil(at(0.5))
	mu.Lock()
	ackedBefore := make(map[string]bool, len(acked))
	for id := range acked {
		ackedBefore[id] = true
	}
	mu.Unlock()
	bkDir := filepath.Join(t.TempDir(), "backup")
	bkStart := time.Now()
	bkOut, bkErr := sieveCLI(t, "backup", "--url", s.Base, "--to", bkDir)
	bkTook := time.Since(bkStart)
	if bkErr != nil {
		t.Errorf("backup during the soak: %v\n%s", bkErr, bkOut)
	}
	mu.Lock()
	ackedByEnd := len(acked)
	mu.Unlock()
	// A random moment in 55%..90%: kill -9.
	sleepUntil(at(0.55 + 0.35*mrand.Float64()))
	killedAt := time.Since(start).Round(time.Second)
	end("SIGKILL")
	s.kill9()
	time.Sleep(time.Second)
	s.restart()
	end = watch()
	sleepUntil(d)
	close(stop)
	wg.Wait()

	// Acknowledged vs exported.
	exported, dup := 0, 0
	seen := map[string]bool{}
	victims := 0
	for _, p := range projects {
		streamExport(t, s, p, func(id, user string) {
			if seen[id] {
				dup++
			}
			seen[id] = true
			exported++
			if user == "victim" {
				victims++
			}
		})
	}
	lost := 0
	for id := range acked {
		if !seen[id] {
			lost++
		}
	}
	unacked := 0
	for id := range seen {
		if !acked[id] && !strings.HasPrefix(id, "v") {
			unacked++
		}
	}
	end("SIGTERM")
	s.stop()
	out, verr := sieveCLI(t, "audit", "verify", "--data", s.Data)

	// The backup: restored, every batch in it whole, everything acknowledged
	// before it began there, nothing the final export lacks.
	var bkReport string
	if bkErr == nil {
		restored := filepath.Join(t.TempDir(), "restored")
		if out, err := sieveCLI(t, "restore", "--from", bkDir, "--data", restored); err != nil {
			t.Fatalf("restore of the soak's backup: %v\n%s", err, out)
		}
		r := startServer(t, serverOpts{Data: restored})
		inBackup := map[string]bool{}
		batches := map[string]int{}
		for _, p := range projects {
			streamExport(t, r, p, func(id, user string) {
				inBackup[id] = true
				batches[id[:strings.LastIndexByte(id, '-')]]++
			})
		}
		r.stop()
		partial, missing, extra := 0, 0, 0
		for b, n := range batches {
			if want := map[byte]int{'t': 50, 'i': 500, 'v': 50}[b[0]]; n != want {
				partial++
			}
		}
		for id := range ackedBefore {
			if !inBackup[id] {
				missing++
			}
		}
		for id := range inBackup {
			if !seen[id] {
				extra++
			}
		}
		if partial > 0 || missing > 0 || extra > 0 {
			t.Errorf("backup: %d partial batches, %d events acknowledged before it missing, %d events the final export lacks", partial, missing, extra)
		}
		bkReport = fmt.Sprintf("%d events (%d acknowledged before it began, %d by its end), took %s under load; %d partial batches, %d missing, %d not in the final export\n  %s",
			len(inBackup), len(ackedBefore), ackedByEnd, bkTook.Round(time.Millisecond), partial, missing, extra, strings.ReplaceAll(strings.TrimSpace(bkOut), "\n", "\n  "))
	}
	load1 := loadavg()

	var keys []string
	statsMu.Lock()
	for k := range stats {
		keys = append(keys, k)
	}
	statsMu.Unlock()
	slices.Sort(keys)
	var req strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&req, "  %-34s %d\n", k, stats[k].Load())
	}
	fmt.Printf(`
==== sieve soak: %s (SOAK_DURATION=%s), %s ====
load average: %s at start, %s at end
acknowledged events:  %d (and %d of the purged user)
exported events:      %d
lost (acked, not exported): %d
duplicated:                 %d
exported but never acknowledged (reply lost to the kill): %d
purged user's events exported: %d
kill -9 at %s; a graceful restart at %s; the purge at %s
backup through the server at %s: %s
memory high-water mark (VmHWM) per server life:
  %s
requests:
%saudit: %s
`, time.Since(start).Round(time.Second), d, time.Now().UTC().Format(time.RFC3339), load0, load1,
		len(acked), victim.Load(), exported, lost, dup, unacked, victims, killedAt, at(0.45).Round(time.Second), at(0.3).Round(time.Second),
		at(0.5).Round(time.Second), bkReport,
		strings.Join(lives, "\n  "), req.String(), strings.TrimSpace(out))

	if lost > 0 || dup > 0 {
		t.Errorf("%d acknowledged events lost, %d duplicated", lost, dup)
	}
	if victims > 0 {
		t.Errorf("%d events of the purged user exported", victims)
	}
	if verr != nil || !strings.Contains(out, "audit log OK") {
		t.Errorf("audit verify: %v\n%s", verr, out)
	}
	if len(acked) == 0 {
		t.Error("nothing was acknowledged")
	}
}

func importReq(base string, p project, body []byte) (*http.Request, error) {
	r, err := http.NewRequest("POST", base+"/import?strict=1&project_id="+fmt.Sprint(p.ID), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.SetBasicAuth(p.APISecret, "")
	r.Header.Set("Content-Type", "application/json")
	return r, nil
}

// vmHWM returns the peak resident set of a process in bytes (0 when gone).
func vmHWM(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func mib(b int64) string { return fmt.Sprintf("%d MiB", b>>20) }

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// streamExport reads a project's whole export line by line, keeping only
// each event's $insert_id and distinct_id.
func streamExport(t *testing.T, s *server, p project, fn func(id, user string)) {
	t.Helper()
	to := time.Now().UTC().AddDate(0, 0, 2).Format(time.DateOnly)
	q := url.Values{"project_id": {fmt.Sprint(p.ID)}, "from_date": {"1971-01-01"}, "to_date": {to}}
	req, _ := http.NewRequest("GET", s.Base+"/api/2.0/export?"+q.Encode(), nil)
	req.SetBasicAuth(p.APISecret, "")
	resp, err := (&http.Client{Timeout: 30 * time.Minute}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("export: %d %s", resp.StatusCode, b)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 4<<20)
	for sc.Scan() {
		var e struct {
			Properties struct {
				InsertID   string `json:"$insert_id"`
				DistinctID string `json:"distinct_id"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("export line is not JSON: %v", err)
		}
		fn(e.Properties.InsertID, e.Properties.DistinctID)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("export: %v", err)
	}
}
