// Package apptest drives the built sieve binary as a black box, with the
// official Mixpanel clients (npm "mixpanel" run by node, and
// github.com/mixpanel/mixpanel-go), the official PostHog clients (npm
// posthog-node, and posthog-js in Debian's chromium, in apptest/posthog;
// github.com/posthog/posthog-go) and raw HTTP. It runs only when SIEVE_BIN
// names the binary (make apptest sets it); `go test ./...` skips it.
package apptest

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const adminKey = "apptest-admin-key-0123456789abcdef"

var sieveBin = os.Getenv("SIEVE_BIN")

func TestMain(m *testing.M) {
	if sieveBin == "" {
		fmt.Println("apptest: SIEVE_BIN is not set; skipping (run `make apptest`)")
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// server is a running sieve process.
type server struct {
	t       *testing.T
	Base    string
	Data    string
	TLS     bool
	CertPEM []byte
	cmd     *exec.Cmd
	out     *syncBuffer
	addr    string
	args    []string
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type serverOpts struct {
	TLS  bool
	Data string   // reuse a data directory (restart)
	Args []string // more flags of sieve serve
}

func freeAddr(t *testing.T) string {
	t.Helper()
	// SIEVE_TEST_PORTS=lo-hi keeps the servers in a port range (a shared
	// machine gives each developer one).
	var lo, hi int
	if _, err := fmt.Sscanf(os.Getenv("SIEVE_TEST_PORTS"), "%d-%d", &lo, &hi); err == nil && lo > 0 && hi >= lo {
		for p := lo; p <= hi; p++ {
			if ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p)); err == nil {
				addr := ln.Addr().String()
				ln.Close()
				return addr
			}
		}
		t.Fatalf("no free port in SIEVE_TEST_PORTS %d-%d", lo, hi)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServer starts sieve on a free 127.0.0.1 port and waits for /healthz.
func startServer(t *testing.T, o serverOpts) *server {
	t.Helper()
	s := &server{t: t, Data: o.Data, TLS: o.TLS, out: &syncBuffer{}}
	if s.Data == "" {
		s.Data = t.TempDir()
	}
	s.addr = freeAddr(t)
	s.args = append([]string{"serve", "--addr", s.addr, "--data", s.Data}, o.Args...)
	scheme := "http"
	if o.TLS {
		certFile, keyFile, certPEM := selfSigned(t)
		s.CertPEM = certPEM
		s.args = append(s.args, "--tls-cert", certFile, "--tls-key", keyFile)
		scheme = "https"
	}
	s.Base = scheme + "://" + s.addr
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *server) start() {
	t := s.t
	t.Helper()
	s.cmd = exec.Command(sieveBin, s.args...)
	s.cmd.Env = append(os.Environ(), "SIEVE_ADMIN_KEY="+adminKey)
	s.cmd.Stdout = s.out
	s.cmd.Stderr = s.out
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := s.client().Get(s.Base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("sieve did not become healthy; output:\n%s", s.out.String())
}

// stop sends SIGTERM and waits for a clean exit.
func (s *server) stop() {
	if s.cmd == nil || s.cmd.Process == nil || s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			s.t.Errorf("sieve exited with %v after SIGTERM; output:\n%s", err, s.out.String())
		}
	case <-time.After(60 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
		s.t.Errorf("sieve did not stop within 60s of SIGTERM")
	}
}

// kill9 kills the server without warning.
func (s *server) kill9() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	_ = s.cmd.Wait()
}

// restart starts the server again on the same address and data.
func (s *server) restart() { s.start() }

func (s *server) client() *http.Client {
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	if s.TLS {
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(s.CertPEM)
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	return &http.Client{Transport: tr, Timeout: 2 * time.Minute}
}

func selfSigned(t *testing.T) (certFile, keyFile string, certPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, certPEM
}

// project is a project created through the admin API.
type project struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Token     string `json:"token"`
	APISecret string `json:"api_secret"`
}

// do sends a request and returns status and body.
func (s *server) do(method, path string, header http.Header, body []byte) (int, []byte) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.Base+path, bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := s.client().Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func bearer() http.Header { return http.Header{"Authorization": {"Bearer " + adminKey}} }

func (s *server) createProject(name string) project {
	s.t.Helper()
	code, b := s.do("POST", "/api/projects", bearer(), []byte(`{"name":`+quote(name)+`}`))
	if code != 201 {
		s.t.Fatalf("create project: %d %s", code, b)
	}
	var p project
	if err := json.Unmarshal(b, &p); err != nil {
		s.t.Fatal(err)
	}
	return p
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// exported is one line of the export.
type exported struct {
	Event      string         `json:"event"`
	Properties map[string]any `json:"properties"`
}

// export reads a project's export for today +-1 day (or all time from 1971 with all=true).
func (s *server) export(p project, all bool) []exported {
	s.t.Helper()
	from := time.Now().UTC().AddDate(0, 0, -7).Format(time.DateOnly)
	if all {
		from = "1971-01-01"
	}
	to := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	q := url.Values{"project_id": {fmt.Sprint(p.ID)}, "from_date": {from}, "to_date": {to}}
	req, _ := http.NewRequest("GET", s.Base+"/api/2.0/export?"+q.Encode(), nil)
	req.SetBasicAuth(p.APISecret, "")
	resp, err := s.client().Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		s.t.Fatalf("export: %d %s", resp.StatusCode, b)
	}
	var out []exported
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 4<<20)
	for sc.Scan() {
		var e exported
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.UseNumber()
		if err := dec.Decode(&e); err != nil {
			s.t.Fatalf("export line is not JSON: %v", err)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		s.t.Fatal(err)
	}
	return out
}

// byInsertID indexes exported events by $insert_id.
func byInsertID(t *testing.T, evs []exported) map[string]exported {
	t.Helper()
	m := map[string]exported{}
	for _, e := range evs {
		id, _ := e.Properties["$insert_id"].(string)
		if id == "" {
			continue
		}
		if _, dup := m[id]; dup {
			t.Errorf("$insert_id %s exported twice", id)
		}
		m[id] = e
	}
	return m
}

// grepData reports the files under dir that contain needle.
func grepData(t *testing.T, dir string, needles ...string) []string {
	t.Helper()
	var hits []string
	_ = filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		for _, n := range needles {
			if bytes.Contains(b, []byte(n)) {
				hits = append(hits, fmt.Sprintf("%s contains %d-byte canary", strings.TrimPrefix(path, dir), len(n)))
			}
		}
		return nil
	})
	return hits
}
