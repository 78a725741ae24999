// Package alert raises ingestion anomaly alerts and delivers them: a new
// property path whose name or guard findings smell sensitive, a value-type
// change (both noticed by the lexicon as events arrive), a secret-shaped
// value unlike anything its path held (noticed by valueshape), a rise in guard
// findings for a class, and an event-volume spike or drop against the
// project's own per-minute baseline (both computed from the lexicon's
// per-minute counters every few seconds). An alert names the project, the
// signal, the path or class, the numbers and the time — never a value. It is
// kept (the last 1000, in a JSON file under the data directory), written as
// one log line, and posted to the project's webhook, signed with
// HMAC-SHA256 and retried with backoff, from a bounded queue.
//
// alert imports internal/lexicon and internal/project (atomic writes); it
// must not import ingest, api, server, store or guard.
package alert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
	"github.com/sieve-analytics/sieve/internal/lexicon"
)

// Signals.
const (
	NewSensitivePath = lexicon.SignalNewPath
	TypeChange       = lexicon.SignalTypeChange
	FindingsRise     = "findings_rise"
	AnomalousValue   = "anomalous_value" // a secret-shaped value unlike its path's history (valueshape)
	VolumeSpike      = "volume_spike"
	VolumeDrop       = "volume_drop"
)

// Alert is one raised alert: metadata and numbers only.
type Alert struct {
	ID        int64     `json:"id"`
	Time      time.Time `json:"time"`
	ProjectID int64     `json:"project_id"`
	Signal    string    `json:"signal"`
	Path      string    `json:"path,omitempty"`
	Class     string    `json:"class,omitempty"`
	Classes   []string  `json:"classes,omitempty"`
	OldTypes  []string  `json:"old_types,omitempty"`
	NewType   string    `json:"new_type,omitempty"`
	Observed  float64   `json:"observed"`           // events or findings in the window; events seen before, for a type change
	Baseline  float64   `json:"baseline"`           // the project's usual count per window
	Window    string    `json:"window,omitempty"`   // e.g. "1m"
	Message   string    `json:"message"`            // a sentence built from the fields above
	Webhook   string    `json:"webhook,omitempty"`  // delivery state: pending, delivered, failed, none
	Attempts  int       `json:"attempts,omitempty"` // webhook attempts so far
}

// Source gives the per-minute counters (the lexicon).
type Source interface {
	ProjectIDs() []int64
	Minutes(id int64, since, until time.Time) []lexicon.Minute
}

// Options configure an Alerter. Zero values are sane defaults.
type Options struct {
	Dir    string // alerts.json and webhooks.json; empty: memory only
	Log    *slog.Logger
	Source Source
	Client *http.Client // webhook client (default: 10 s timeout, internal addresses refused; see egress.go)
	// AllowPrivateWebhooks lets webhooks reach loopback, link-local and
	// private addresses (the operator's --webhook-allow-private).
	AllowPrivateWebhooks bool
	Tick                 time.Duration // rate evaluation and flush period (default 5s)
	RetryBase            time.Duration // first webhook retry delay (default 1s), doubled up to 30s
	Attempts             int           // webhook attempts per alert (default 6)
	Cooldown             time.Duration // one alert per project, signal and key within this (default 15m)
	Now                  func() time.Time
}

const (
	keepAlerts   = 1000
	queueLen     = 1000
	alertsFile   = "alerts.json"
	webhooksFile = "webhooks.json"
	ewmaAlpha    = 0.1
	warmMinutes  = 10 // minutes of history before volume signals
)

// Alerter raises, keeps and delivers alerts. Safe for concurrent use.
type Alerter struct {
	opt     Options
	log     *slog.Logger
	signals chan lexicon.Signal
	queue   chan delivery

	mu       sync.Mutex
	alerts   []Alert // oldest first, at most keepAlerts
	nextID   int64
	dirty    bool
	last     map[string]time.Time // cooldown by project/signal/key
	rates    map[int64]*rateState
	hooks    map[int64]Webhook
	dropped  int64 // signals or deliveries dropped because a queue was full
	inflight sync.WaitGroup
}

type rateState struct {
	lastMinute int64 // last complete minute evaluated (unix minute)
	minutes    int   // minutes evaluated
	events     float64
	classes    map[string]float64
}

// New returns an Alerter, loading kept alerts and webhooks from opt.Dir.
func New(opt Options) (*Alerter, error) {
	if opt.Tick <= 0 {
		opt.Tick = 5 * time.Second
	}
	if opt.RetryBase <= 0 {
		opt.RetryBase = time.Second
	}
	if opt.Attempts <= 0 {
		opt.Attempts = 6
	}
	if opt.Cooldown <= 0 {
		opt.Cooldown = 15 * time.Minute
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Client == nil {
		opt.Client = egressClient(defaultAllowed(opt.AllowPrivateWebhooks))
	}
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &Alerter{opt: opt, log: log.With("component", "alert"), signals: make(chan lexicon.Signal, 4096),
		queue: make(chan delivery, queueLen), nextID: 1, last: map[string]time.Time{}, rates: map[int64]*rateState{},
		hooks: map[int64]Webhook{}}
	if opt.Dir != "" {
		if err := os.MkdirAll(opt.Dir, 0o700); err != nil {
			return nil, fmt.Errorf("alert: create directory: %w", err)
		}
		if err := a.load(); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Signal takes an immediate signal from the lexicon. It never blocks: when
// the queue is full the signal is counted as dropped.
func (a *Alerter) Signal(s lexicon.Signal) {
	select {
	case a.signals <- s:
	default:
		a.mu.Lock()
		a.dropped++
		a.mu.Unlock()
	}
}

// Run processes signals, evaluates rates every Tick and delivers webhooks
// until ctx is done; then it flushes alerts and gives in-flight deliveries a
// few seconds.
func (a *Alerter) Run(ctx context.Context) error {
	dctx, cancel := context.WithCancel(context.Background())
	var workers sync.WaitGroup
	for range 2 {
		workers.Add(1)
		go func() { defer workers.Done(); a.deliver(dctx) }()
	}
	t := time.NewTicker(a.opt.Tick)
	defer t.Stop()
	for {
		select {
		case s := <-a.signals:
			a.fromSignal(s)
		case <-t.C:
			a.evaluate(a.opt.Now())
			if err := a.flush(); err != nil {
				a.log.Error("alert flush failed", "err", err)
			}
		case <-ctx.Done():
			for drained := false; !drained; {
				select {
				case s := <-a.signals:
					a.fromSignal(s)
				default:
					drained = true
				}
			}
			done := make(chan struct{})
			go func() { a.inflight.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
			}
			cancel()
			workers.Wait()
			return a.flush()
		}
	}
}

// Drain processes the queued signals now (tests and shutdown).
func (a *Alerter) Drain() {
	for {
		select {
		case s := <-a.signals:
			a.fromSignal(s)
		default:
			return
		}
	}
}

func (a *Alerter) fromSignal(s lexicon.Signal) {
	al := Alert{Time: s.Time.UTC(), ProjectID: s.ProjectID, Signal: s.Kind, Path: s.Path}
	switch s.Kind {
	case lexicon.SignalNewPath:
		al.Classes = s.Classes
		why := "its name smells sensitive"
		if len(s.Classes) > 0 {
			why = "the guard found " + strings.Join(s.Classes, ", ") + " values there"
			if s.NameHint {
				why = "its name smells sensitive and " + why
			}
		}
		al.Observed = 1
		al.Message = fmt.Sprintf("project %d: new property path %s; %s", s.ProjectID, s.Path, why)
		a.raise(al, s.Path)
	case lexicon.SignalTypeChange:
		al.OldTypes, al.NewType, al.Observed = s.OldTypes, s.NewType, float64(s.Seen)
		al.Message = fmt.Sprintf("project %d: property %s was %s in %d events and now holds a %s", s.ProjectID, s.Path,
			strings.Join(s.OldTypes, "/"), s.Seen, s.NewType)
		a.raise(al, s.Path+"\x00"+s.NewType)
	case AnomalousValue:
		al.Observed = float64(s.Seen)
		al.Message = fmt.Sprintf("project %d: property %s received a secret-shaped value unlike the %d values it held before",
			s.ProjectID, s.Path, s.Seen)
		a.raise(al, s.Path)
	}
}

// classes names the guard classes of an alert for a log line: Class (rate
// signals) or Classes (a new path), comma-separated.
func (al *Alert) classes() string {
	if al.Class != "" {
		return al.Class
	}
	return strings.Join(al.Classes, ",")
}

// raise keeps, logs and queues an alert unless the same one was raised
// within the cooldown.
func (a *Alerter) raise(al Alert, key string) {
	ck := fmt.Sprintf("%d\x00%s\x00%s", al.ProjectID, al.Signal, key)
	a.mu.Lock()
	if t, ok := a.last[ck]; ok && al.Time.Sub(t) < a.opt.Cooldown && al.Time.Sub(t) > -a.opt.Cooldown {
		a.mu.Unlock()
		return
	}
	a.last[ck] = al.Time
	if len(a.last) > 100000 {
		a.last = map[string]time.Time{ck: al.Time}
	}
	al.ID = a.nextID
	a.nextID++
	hook, hasHook := a.hooks[al.ProjectID]
	al.Webhook = "none"
	if hasHook {
		al.Webhook = "pending"
	}
	a.alerts = append(a.alerts, al)
	if len(a.alerts) > keepAlerts {
		a.alerts = slices.Delete(a.alerts, 0, len(a.alerts)-keepAlerts)
	}
	a.dirty = true
	a.mu.Unlock()
	a.log.Warn("ingestion alert", "alert_id", al.ID, "project_id", al.ProjectID, "signal", al.Signal,
		"path", al.Path, "class", al.classes(), "observed", al.Observed, "baseline", round(al.Baseline))
	if hasHook {
		a.inflight.Add(1)
		select {
		case a.queue <- delivery{alert: al, hook: hook}:
		default:
			a.inflight.Done()
			a.setDelivery(al.ID, "failed", 0)
			a.mu.Lock()
			a.dropped++
			a.mu.Unlock()
		}
	}
}

func round(f float64) float64 { return math.Round(f*100) / 100 }

// evaluate computes rate signals for every project: complete minutes not
// yet evaluated update the baselines; the current partial minute can raise
// a spike or a findings rise early.
func (a *Alerter) evaluate(now time.Time) {
	if a.opt.Source == nil {
		return
	}
	cur := now.Unix() / 60
	for _, id := range a.opt.Source.ProjectIDs() {
		a.mu.Lock()
		rs := a.rates[id]
		if rs == nil {
			rs = &rateState{lastMinute: cur - 1, classes: map[string]float64{}}
			// The history the lexicon still holds warms the baseline up.
			a.rates[id] = rs
			rs.lastMinute = cur - 61
		}
		from := rs.lastMinute + 1
		a.mu.Unlock()
		mins := a.opt.Source.Minutes(id, time.Unix(from*60, 0), time.Unix((cur+1)*60, 0))
		for _, m := range mins {
			ms := m.Start.Unix() / 60
			complete := ms < cur
			a.check(id, rs, m, complete)
			if complete {
				a.mu.Lock()
				a.learn(rs, m)
				rs.lastMinute = ms
				a.mu.Unlock()
			}
		}
	}
}

// check raises the rate alerts of minute m of project id.
func (a *Alerter) check(id int64, rs *rateState, m lexicon.Minute, complete bool) {
	a.mu.Lock()
	base, warm := rs.events, rs.minutes >= warmMinutes
	classBase := make(map[string]float64, len(m.Findings))
	for c := range m.Findings {
		classBase[c] = rs.classes[c]
	}
	a.mu.Unlock()
	ev := float64(m.Events)
	t := m.Start.Add(time.Minute)
	if !complete {
		t = a.opt.Now()
	}
	t = t.UTC()
	if warm && ev >= 100 && ev >= 4*(base+1) {
		a.raise(Alert{Time: t, ProjectID: id, Signal: VolumeSpike, Observed: ev, Baseline: round(base), Window: "1m",
			Message: fmt.Sprintf("project %d: %d events in the minute from %s, against a baseline of %.1f per minute", id, m.Events, m.Start.Format(time.RFC3339), base)}, "")
	}
	if complete && warm && base >= 50 && ev < base/4 {
		a.raise(Alert{Time: t, ProjectID: id, Signal: VolumeDrop, Observed: ev, Baseline: round(base), Window: "1m",
			Message: fmt.Sprintf("project %d: %d events in the minute from %s, against a baseline of %.1f per minute", id, m.Events, m.Start.Format(time.RFC3339), base)}, "")
	}
	for c, n := range m.Findings {
		b := classBase[c]
		if n >= 10 && float64(n) >= 4*(b+1) {
			a.raise(Alert{Time: t, ProjectID: id, Signal: FindingsRise, Class: c, Observed: float64(n), Baseline: round(b), Window: "1m",
				Message: fmt.Sprintf("project %d: %d %s findings in the minute from %s, against a baseline of %.1f per minute", id, n, c, m.Start.Format(time.RFC3339), b)}, c)
		}
	}
}

// learn folds a complete minute into the baselines. Caller holds a.mu.
func (a *Alerter) learn(rs *rateState, m lexicon.Minute) {
	if rs.minutes == 0 && m.Events == 0 {
		// The baseline starts with the project's first traffic: empty
		// minutes before it (a new project, a restart) teach nothing.
		return
	}
	if rs.minutes == 0 {
		rs.events = float64(m.Events)
	} else {
		rs.events += ewmaAlpha * (float64(m.Events) - rs.events)
	}
	for c := range rs.classes {
		rs.classes[c] += ewmaAlpha * (float64(m.Findings[c]) - rs.classes[c])
	}
	for c, n := range m.Findings {
		if _, ok := rs.classes[c]; !ok && len(rs.classes) < 64 {
			rs.classes[c] = ewmaAlpha * float64(n)
		}
	}
	rs.minutes++
}

// Query selects alerts.
type Query struct {
	ProjectID int64 // 0: every project
	AfterID   int64
	Limit     int // 0: 100
}

// List returns the kept alerts matching q, newest first, and the number of
// signals or deliveries dropped because a queue was full.
func (a *Alerter) List(q Query) (alerts []Alert, dropped int64) {
	if q.Limit <= 0 {
		q.Limit = 100
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	out := []Alert{}
	for i := len(a.alerts) - 1; i >= 0 && len(out) < q.Limit; i-- {
		al := a.alerts[i]
		if (q.ProjectID == 0 || al.ProjectID == q.ProjectID) && al.ID > q.AfterID {
			out = append(out, al)
		}
	}
	return out, a.dropped
}

func (a *Alerter) setDelivery(id int64, state string, attempts int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := len(a.alerts) - 1; i >= 0; i-- {
		if a.alerts[i].ID == id {
			a.alerts[i].Webhook = state
			a.alerts[i].Attempts = attempts
			a.dirty = true
			return
		}
	}
}

type alertsState struct {
	NextID int64   `json:"next_id"`
	Alerts []Alert `json:"alerts"`
}

func (a *Alerter) flush() error {
	if a.opt.Dir == "" {
		return nil
	}
	a.mu.Lock()
	if !a.dirty {
		a.mu.Unlock()
		return nil
	}
	st := alertsState{NextID: a.nextID, Alerts: slices.Clone(a.alerts)}
	a.dirty = false
	a.mu.Unlock()
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("alert: encode: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(a.opt.Dir, alertsFile), b, 0o600); err != nil {
		return fmt.Errorf("alert: write: %w", err)
	}
	return nil
}

func (a *Alerter) load() error {
	b, err := os.ReadFile(filepath.Join(a.opt.Dir, alertsFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return fmt.Errorf("alert: read: %w", err)
	default:
		var st alertsState
		if err := json.Unmarshal(b, &st); err != nil {
			return errors.New("alert: the alerts file is damaged (not valid JSON)")
		}
		a.alerts, a.nextID = st.Alerts, max(st.NextID, 1)
	}
	b, err = os.ReadFile(filepath.Join(a.opt.Dir, webhooksFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return fmt.Errorf("alert: read webhooks: %w", err)
	default:
		var hooks []Webhook
		if err := json.Unmarshal(b, &hooks); err != nil {
			return errors.New("alert: the webhooks file is damaged (not valid JSON)")
		}
		for _, h := range hooks {
			a.hooks[h.ProjectID] = h
		}
	}
	return nil
}

// SelfTestFailed is the signal of a failed self-test run (package selftest).
const SelfTestFailed = "selftest_failed"

// RaiseInstallation raises al, an alert about the whole installation (a
// failed self-test), for every project that has a webhook, so that each
// is told; with no webhook at all it is raised once for al.ProjectID. key
// scopes the cooldown.
func (a *Alerter) RaiseInstallation(al Alert, key string) {
	if al.Time.IsZero() {
		al.Time = a.opt.Now().UTC()
	}
	a.mu.Lock()
	var ids []int64
	for id := range a.hooks {
		ids = append(ids, id)
	}
	a.mu.Unlock()
	if len(ids) == 0 {
		ids = []int64{al.ProjectID}
	}
	slices.Sort(ids)
	for _, id := range ids {
		c := al
		c.ProjectID = id
		a.raise(c, key)
	}
}

// ForwardStalled is the signal of an event-forwarding destination that has
// failed every delivery for longer than the forwarder's bound (package
// forward).
const ForwardStalled = "forward_stalled"

// ForwardDeadLetter is the signal of records an event-forwarding
// destination refused for good, or did not accept within the project's
// bound, moved to the destination's dead-letter file (package forward).
const ForwardDeadLetter = "forward_dead_letter"

// Raise raises al for its project (with the cooldown of key), as the
// alerter's own signals are: listed, logged, sent to the project's webhook.
func (a *Alerter) Raise(al Alert, key string) {
	if al.Time.IsZero() {
		al.Time = a.opt.Now().UTC()
	}
	a.raise(al, key)
}
