package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/selftest"
)

const selfTestAdminKey = "selftest-admin-key-0123456789"

type stServer struct {
	t    *testing.T
	srv  *Server
	base string
	data string
	logs *selftest.LogTail
}

func startSelfTest(t *testing.T) *stServer {
	t.Helper()
	data := t.TempDir()
	tail := selftest.NewLogTail(1 << 20)
	srv, err := New(Config{Addr: "127.0.0.1:0", DataDir: data, AdminKey: selfTestAdminKey,
		Log: slog.New(slog.NewTextHandler(tail, nil)), Console: io.Discard, LogTail: tail,
		SelfTestInterval: -1, AllowPrivateWebhooks: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	<-srv.Ready()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return &stServer{t: t, srv: srv, base: "http://" + srv.Addr(), data: data, logs: tail}
}

func (s *stServer) do(method, path, body string) (int, []byte) {
	s.t.Helper()
	req, _ := http.NewRequest(method, s.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+selfTestAdminKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (s *stServer) run() selftest.Result {
	s.t.Helper()
	code, b := s.do("POST", "/api/selftest", "")
	if code != 200 {
		s.t.Fatalf("POST /api/selftest: %d %s", code, b)
	}
	var res selftest.Result
	if err := json.Unmarshal(b, &res); err != nil {
		s.t.Fatal(err)
	}
	return res
}

// grepAll reports the files under the data directory holding any value.
func grepAll(t *testing.T, dir string, values []string) []string {
	var hits []string
	_ = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return nil
		}
		b, _ := os.ReadFile(p)
		for _, v := range values {
			if bytes.Contains(b, []byte(v)) {
				hits = append(hits, p)
			}
		}
		return nil
	})
	return hits
}

func (s *stServer) metric(name string) string {
	s.t.Helper()
	_, b := s.do("GET", "/metrics", "")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, name+" ") {
			return strings.TrimPrefix(l, name+" ")
		}
	}
	return ""
}

func TestSelfTest(t *testing.T) {
	s := startSelfTest(t)
	var mu sync.Mutex
	var values []string
	var plant func(dir string, vals []string)
	s.srv.selftest.BeforeSearch = func(dir string, vals []string) {
		mu.Lock()
		values = append(values, vals...)
		p := plant
		mu.Unlock()
		if p != nil {
			p(dir, vals)
		}
	}
	if got := s.metric("sieve_selftest_last_passed"); got != "-1" {
		t.Fatalf("before the first run: sieve_selftest_last_passed %q", got)
	}

	// 1. A healthy server passes.
	res := s.run()
	if !res.Passed || !res.ControlFound || !res.LogChecked || len(res.Canaries) != 4 || res.PurgeStatus != "done" || len(res.LeftAfterPurge) > 0 {
		t.Fatalf("healthy run: %+v", res)
	}
	for _, c := range res.Canaries {
		if !c.Passed || !c.Finding || c.Action == "keep" {
			t.Fatalf("canary %+v", c)
		}
	}
	if got := s.metric("sieve_selftest_last_passed"); got != "1" {
		t.Fatalf("after a pass: sieve_selftest_last_passed %q", got)
	}
	// The reserved project is in no project list.
	_, b := s.do("GET", "/api/projects", "")
	if bytes.Contains(b, []byte("self-test")) {
		t.Fatalf("the internal project is listed: %s", b)
	}

	// A webhook on an ordinary project hears of failures.
	hooked := make(chan []byte, 10)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		hooked <- b
	}))
	defer hook.Close()
	if code, b := s.do("PUT", "/api/projects/1/webhook", `{"url":"`+hook.URL+`"}`); code != 200 {
		t.Fatalf("webhook: %d %s", code, b)
	}

	// 2. The guard switched to keep for cards in the reserved project: the
	// card canary fails (kept, its bytes on disk), loudly.
	pid := res.ProjectID
	if code, b := s.do("PUT", "/api/projects/"+itoa(pid)+"/guard", `{"actions":{"payment_card":"keep"}}`); code != 200 {
		t.Fatalf("guard: %d %s", code, b)
	}
	res = s.run()
	if res.Passed {
		t.Fatalf("a run with cards kept passed: %+v", res)
	}
	for _, c := range res.Canaries {
		if (c.Kind == selftest.KindCard) == c.Passed {
			t.Fatalf("canary %+v", c)
		}
		if c.Kind == selftest.KindCard && (len(c.FoundIn) == 0 || c.Action != "keep") {
			t.Fatalf("the kept card: %+v", c)
		}
	}
	if len(res.LeftAfterPurge) > 0 || res.PurgeStatus != "done" {
		t.Fatalf("the failed run left data behind: %+v", res)
	}
	if got := s.metric("sieve_selftest_last_passed"); got != "0" {
		t.Fatalf("after a failure: sieve_selftest_last_passed %q", got)
	}
	select {
	case b := <-hooked:
		if !bytes.Contains(b, []byte(`"signal":"selftest_failed"`)) || !bytes.Contains(b, []byte("card_number")) {
			t.Fatalf("webhook body: %s", b)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no webhook delivery of the failure")
	}
	if !s.logs.Contains([]byte("selftest FAILED")) {
		t.Fatal("no log line of the failure")
	}
	if code, b := s.do("PUT", "/api/projects/"+itoa(pid)+"/guard", `{}`); code != 200 {
		t.Fatalf("guard: %d %s", code, b)
	}

	// 3. A canary's bytes planted in a data file: found, fails.
	planted := filepath.Join(s.data, "store", "planted.bin")
	mu.Lock()
	plant = func(dir string, vals []string) {
		_ = os.WriteFile(planted, []byte("xx"+vals[0]+"yy"), 0o600)
	}
	mu.Unlock()
	res = s.run()
	mu.Lock()
	plant = nil
	mu.Unlock()
	if res.Passed || res.Canaries[0].Passed || len(res.Canaries[0].FoundIn) != 1 || res.Canaries[0].FoundIn[0] != "store/planted.bin" {
		t.Fatalf("planted canary: %+v", res)
	}
	_ = os.Remove(planted)

	// 4. Passes again; GET /api/selftest lists the runs, newest first.
	if res := s.run(); !res.Passed {
		t.Fatalf("after the faults were removed: %+v", res)
	}
	code, b := s.do("GET", "/api/selftest", "")
	var list struct {
		Runs []selftest.Result `json:"runs"`
	}
	if code != 200 || json.Unmarshal(b, &list) != nil || len(list.Runs) != 4 || !list.Runs[0].Passed || list.Runs[1].Passed {
		t.Fatalf("GET /api/selftest: %d %s", code, b)
	}
	// No canary of any run is left anywhere under the data directory, nor
	// in the log; results name no value.
	mu.Lock()
	defer mu.Unlock()
	if len(values) != 16 {
		t.Fatalf("%d canary values seen", len(values))
	}
	if hits := grepAll(t, s.data, values); len(hits) > 0 {
		t.Fatalf("canary data left behind: %v", hits)
	}
	for _, v := range values {
		if bytes.Contains(b, []byte(v)) || s.logs.Contains([]byte(v)) {
			t.Fatal("a canary value is in the results or the log")
		}
	}
	if code, _ := s.do("GET", "/api/selftest", ""); code != 200 {
		t.Fatal(code)
	}
}

func itoa(i int64) string { b, _ := json.Marshal(i); return string(b) }
