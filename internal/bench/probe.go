package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"time"

	"github.com/sieve-analytics/sieve/internal/server"
)

// ProbeOptions of `sieve bench ingest --probe-senders 1,2,4,8,16`: one
// server on an empty data directory per round, closed-loop HTTP ingestion
// (Mixpanel /track, guard on) with each number of concurrent senders in
// turn, to see whether more concurrent requests ingest more.
type ProbeOptions struct {
	Senders []int // sender counts, run in this order in odd rounds, reversed in even ones
	Batch   int
	Rounds  int
	Phase   time.Duration
	Dir     string // parent of the rounds' data directories ("" the system's)
	Addr    string
	// Profile, when set, is a path prefix: the run's CPU, mutex and block
	// profiles are written to Profile+".cpu", ".mutex" and ".block".
	Profile string `json:",omitempty"`
	// Trace, when set, is where the run's execution trace goes
	// (go tool trace).
	Trace string `json:",omitempty"`
}

// ProbePhase is one sender count's closed-loop phase of a round.
type ProbePhase struct {
	Round        int     `json:"round"`
	Senders      int     `json:"senders"`
	EventsPerSec float64 `json:"events_per_sec"`
	P50Ms        float64 `json:"p50_ms"`
	P99Ms        float64 `json:"p99_ms"`
	// CPUShare is this process's CPU time (server and senders) over the
	// phase's wall time: the share of the 2 cores it got.
	CPUShare float64 `json:"cpu_share"`
}

// ProbeSummary is one sender count's medians over the rounds.
type ProbeSummary struct {
	Senders      int     `json:"senders"`
	EventsPerSec float64 `json:"events_per_sec"`
	P50Ms        float64 `json:"p50_ms"`
	P99Ms        float64 `json:"p99_ms"`
	CPUShare     float64 `json:"cpu_share"`
}

// ProbeResult is the JSON `sieve bench ingest --probe-senders` prints.
type ProbeResult struct {
	Date    string         `json:"date"`
	Options ProbeOptions   `json:"options"`
	Phases  []ProbePhase   `json:"phases"`
	Summary []ProbeSummary `json:"summary"`
}

// ProbeSenders runs the sender probe.
func ProbeSenders(ctx context.Context, o ProbeOptions) (ProbeResult, error) {
	res := ProbeResult{Date: time.Now().UTC().Format(time.RFC3339), Options: o}
	if len(o.Senders) == 0 || o.Batch <= 0 || o.Rounds <= 0 || o.Phase <= 0 {
		return res, errors.New("bench: --probe-senders needs sender counts, and a positive batch, rounds and phase")
	}
	for _, n := range o.Senders {
		if n <= 0 {
			return res, fmt.Errorf("bench: --probe-senders: %d senders", n)
		}
	}
	if o.Profile != "" {
		stop, err := startProfiles(o.Profile)
		if err != nil {
			return res, err
		}
		defer stop()
	}
	if o.Trace != "" {
		f, err := os.Create(o.Trace)
		if err != nil {
			return res, err
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			return res, err
		}
		defer trace.Stop()
	}
	for round := 1; round <= o.Rounds; round++ {
		order := slices.Clone(o.Senders)
		if round%2 == 0 {
			slices.Reverse(order)
		}
		phases, err := probeRound(ctx, o, order)
		if err != nil {
			return res, err
		}
		for i := range phases {
			phases[i].Round = round
		}
		res.Phases = append(res.Phases, phases...)
	}
	for _, n := range o.Senders {
		var eps, p50, p99, cpu []float64
		for _, p := range res.Phases {
			if p.Senders == n {
				eps, p50, p99, cpu = append(eps, p.EventsPerSec), append(p50, p.P50Ms), append(p99, p.P99Ms), append(cpu, p.CPUShare)
			}
		}
		res.Summary = append(res.Summary, ProbeSummary{Senders: n, EventsPerSec: float64(int64(median(eps))),
			P50Ms: median(p50), P99Ms: median(p99), CPUShare: round2(median(cpu))})
	}
	return res, nil
}

// probeRound starts a server on a fresh data directory and runs one
// closed-loop phase per sender count in order, after a second of warm-up.
func probeRound(ctx context.Context, o ProbeOptions, order []int) (phases []ProbePhase, err error) {
	dir, err := os.MkdirTemp(o.Dir, "sieve-bench-probe-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	adminKey := "bench-admin-key-0123456789"
	addr := o.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	srv, err := server.New(server.Config{Addr: addr, DataDir: dir, AdminKey: adminKey,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Console: io.Discard})
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- srv.Run(sctx) }()
	defer func() {
		cancel()
		if serr := <-served; err == nil && serr != nil && !errors.Is(serr, context.Canceled) {
			err = serr
		}
	}()
	select {
	case <-srv.Ready():
	case err := <-served:
		return nil, err
	}
	base := "http://" + srv.Addr()
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 512}}
	token, err := defaultToken(client, base, adminKey)
	if err != nil {
		return nil, err
	}
	bodies := loopBodies(token, o.Batch)
	if _, err := loopIngest(client, base, bodies, o.Batch, max(order[0], 2), time.Second); err != nil {
		return nil, err
	}
	for _, n := range order {
		c0, t0 := cpuTime(), time.Now()
		p, err := loopIngest(client, base, bodies, o.Batch, n, o.Phase)
		if err != nil {
			return nil, err
		}
		share := (cpuTime() - c0).Seconds() / time.Since(t0).Seconds()
		phases = append(phases, ProbePhase{Senders: n, EventsPerSec: float64(int64(p.EventsPerSec)),
			P50Ms: p.P50Ms, P99Ms: p.P99Ms, CPUShare: round2(share)})
	}
	return phases, nil
}

// startProfiles starts a CPU profile and mutex and block sampling; the
// returned function writes the three profiles to prefix.cpu, .mutex and
// .block.
func startProfiles(prefix string) (func(), error) {
	f, err := os.Create(prefix + ".cpu")
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	runtime.SetMutexProfileFraction(5)
	runtime.SetBlockProfileRate(int(100 * time.Microsecond))
	return func() {
		pprof.StopCPUProfile()
		f.Close()
		for _, name := range []string{"mutex", "block"} {
			if out, err := os.Create(prefix + "." + name); err == nil {
				_ = pprof.Lookup(name).WriteTo(out, 0)
				out.Close()
			}
		}
		runtime.SetMutexProfileFraction(0)
		runtime.SetBlockProfileRate(0)
	}, nil
}
