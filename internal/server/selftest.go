package server

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sieve-analytics/sieve/internal/alert"
	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/purge"
	"github.com/sieve-analytics/sieve/internal/selftest"
	"github.com/sieve-analytics/sieve/internal/store"
)

// selfTestState is what the metrics read of the self-test.
type selfTestState struct {
	runs, failures atomic.Int64
	lastPassed     atomic.Int64 // 1 passed, 0 failed, -1 never ran
	lastRun        atomic.Int64 // Unix seconds
}

// newSelfTest builds the self-test (docs/PRIVACY.md): canaries go through
// this server's own HTTP /track into the reserved internal project.
// Called after the store, purges, insights and metrics exist.
func (s *Server) newSelfTest(st store.Store) {
	state := &selfTestState{}
	state.lastPassed.Store(-1)
	r := selftest.New(selftest.Config{
		DataDir:  s.cfg.DataDir,
		Log:      s.cfg.Log,
		LogTail:  s.cfg.LogTail,
		Interval: s.cfg.SelfTestInterval,
		// The results (no values) survive restarts; written after each
		// run, so never among the files a run searches as touched.
		ResultsFile: filepath.Join(s.cfg.DataDir, "selftest-results.json"),
		Project: func() (int64, string, error) {
			p, err := s.projects.EnsureInternal()
			return p.ID, p.Token, err
		},
		Track: s.selfTrack,
		Findings: func(ctx context.Context, id, from, to int64) ([]event.Finding, error) {
			var out []event.Finding
			err := st.Findings(ctx, store.FindingQuery{ProjectID: id, From: from, To: to}, func(f *event.Finding) error {
				out = append(out, *f)
				return nil
			})
			return out, err
		},
		Purge: func(ctx context.Context, id int64, distinctID string) (string, string, error) {
			job, err := s.purges.Submit(purge.Request{ProjectID: id, DistinctIDs: []string{distinctID}}, "selftest", "selftest", "")
			if err != nil {
				return "", "", err
			}
			ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
			defer cancel()
			job, err = s.purges.Wait(ctx, job.ID)
			return job.ID, job.Status, err
		},
		OnResult: func(res selftest.Result) {
			state.runs.Add(1)
			state.lastRun.Store(res.Finished.Unix())
			if res.Passed {
				state.lastPassed.Store(1)
				return
			}
			state.lastPassed.Store(0)
			state.failures.Add(1)
			if s.alerter != nil {
				var failed []string
				for _, c := range res.Canaries {
					if !c.Passed {
						failed = append(failed, c.Kind)
					}
				}
				msg := "The self-test failed: " + strings.Join(append(failed, res.Problems...), "; ")
				if res.Error != "" {
					msg += " (" + res.Error + ")"
				}
				s.alerter.RaiseInstallation(alert.Alert{ProjectID: res.ProjectID, Signal: alert.SelfTestFailed,
					Classes: failed, Message: msg, Observed: float64(len(failed))}, "selftest")
			}
		},
	})
	s.selftest = r
	s.api.SetSelfTest(r)
	m := s.metrics
	m.Counter("sieve_selftest_runs_total", "Self-test runs.", func() float64 { return float64(state.runs.Load()) })
	m.Counter("sieve_selftest_failures_total", "Self-test runs that failed.", func() float64 { return float64(state.failures.Load()) })
	m.Gauge("sieve_selftest_last_passed", "1 if the last self-test run passed, 0 if it failed, -1 before the first run.",
		func() float64 { return float64(state.lastPassed.Load()) })
	m.Gauge("sieve_selftest_last_run_timestamp_seconds", "When the last self-test run ended (Unix seconds; 0 before the first).",
		func() float64 { return float64(state.lastRun.Load()) })
	if s.cfg.SelfTestInterval >= 0 {
		s.background = append(s.background, r.Run)
	}
}

// selfTrack posts body to this server's own /track over HTTP (HTTPS
// pinned to the server's own certificate).
func (s *Server) selfTrack(ctx context.Context, body []byte) error {
	if s.ln == nil {
		return errors.New("the server is not listening yet")
	}
	scheme, tr := "http", &http.Transport{}
	if s.cfg.TLSCert != "" {
		leaf, err := leafDER(s.cfg.TLSCert)
		if err != nil {
			return err
		}
		scheme = "https"
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: true, // pinned below instead
			VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
				if len(raw) == 0 || !bytes.Equal(raw[0], leaf) {
					return errors.New("selftest: the server answered with another certificate")
				}
				return nil
			}}
	}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr, Timeout: time.Minute}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, scheme+"://"+s.ln.Addr().String()+"/track?verbose=1", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := cl.Do(req)
	if err != nil {
		return fmt.Errorf("post /track: %w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK || !bytes.Contains(b, []byte(`"status":1`)) {
		return fmt.Errorf("/track answered %d", resp.StatusCode)
	}
	return nil
}

func leafDER(certFile string) ([]byte, error) {
	b, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("selftest: read the TLS certificate: %w", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "CERTIFICATE" {
		return nil, errors.New("selftest: no certificate in the TLS certificate file")
	}
	return blk.Bytes, nil
}
