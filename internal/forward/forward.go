package forward

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
	"github.com/sieve-analytics/sieve/internal/event"
)

// Options configure a Forwarder.
type Options struct {
	Dir          string // <data>/forward: key file, destinations.json, outbox, cursors
	Log          *slog.Logger
	AllowPrivate bool         // --webhook-allow-private: destinations may be internal addresses
	Client       *http.Client // default: the webhook egress client
	BatchSize    int          // records per request (default 500; Mixpanel's /import takes at most 2000)
	MinBackoff   time.Duration
	MaxBackoff   time.Duration // default 1s and 5 minutes
	// StallAfter is how long a destination may fail every delivery before
	// it is reported stalled (default 1 hour): OnStall is called once per
	// stall, with the number of events queued. Its events stay queued.
	StallAfter time.Duration
	OnStall    func(project int64, name string, since time.Time, queued int64)
	// OnDeadLetter is called when records move to a destination's
	// dead-letter file, with their number and the reason (no value).
	OnDeadLetter func(project int64, name string, records int, reason string)
}

// Forwarder keeps the destinations, the outboxes and one delivery loop
// per destination.
type Forwarder struct {
	opt    Options
	log    *slog.Logger
	sealer *sealer

	mu       sync.Mutex
	dests    map[int64][]Destination
	settings map[int64]Settings
	boxes    map[int64]*outbox
	loops    map[string]*loop       // by project/name
	dlocks   map[string]*sync.Mutex // by project/name: its dead-letter and retry files
	runCtx   context.Context        // set by Run; loops start under it
	wg       sync.WaitGroup
	stopped  bool
}

// New opens the forwarding directory.
func New(opt Options) (*Forwarder, error) {
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = 500
	}
	if opt.MinBackoff <= 0 {
		opt.MinBackoff = time.Second
	}
	if opt.MaxBackoff <= 0 {
		opt.MaxBackoff = 5 * time.Minute
	}
	if opt.StallAfter <= 0 {
		opt.StallAfter = time.Hour
	}
	if opt.Client == nil {
		opt.Client = egressClient(opt.AllowPrivate)
	}
	if err := os.MkdirAll(opt.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("forward: create directory: %w", err)
	}
	s, err := openSealer(filepath.Join(opt.Dir, "key"))
	if err != nil {
		return nil, err
	}
	dests, err := s.load(filepath.Join(opt.Dir, "destinations.json"))
	if err != nil {
		return nil, err
	}
	settings, err := loadSettings(filepath.Join(opt.Dir, "settings.json"))
	if err != nil {
		return nil, err
	}
	f := &Forwarder{opt: opt, log: opt.Log.With("component", "forward"), sealer: s, dests: dests, settings: settings,
		boxes: map[int64]*outbox{}, loops: map[string]*loop{}, dlocks: map[string]*sync.Mutex{}}
	for id := range dests {
		if _, err := f.box(id); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// box returns project id's outbox, opened on first use. f.mu is held.
func (f *Forwarder) box(id int64) (*outbox, error) {
	if o, ok := f.boxes[id]; ok {
		return o, nil
	}
	o, err := openOutbox(filepath.Join(f.opt.Dir, "outbox", strconv.FormatInt(id, 10)))
	if err != nil {
		return nil, err
	}
	f.boxes[id] = o
	return o, nil
}

// Append puts the stored events and profile updates of projects that have
// destinations in their outboxes, durably and in that order: ingestion
// calls it after the store commits and before answering the client. Rows
// of other projects are ignored.
func (f *Forwarder) Append(rows []event.Row, profiles []event.ProfileRow) error {
	by := map[int64][]Record{}
	now := time.Now().UnixMilli()
	f.mu.Lock()
	for _, r := range rows {
		if len(f.dests[r.ProjectID]) == 0 {
			continue
		}
		by[r.ProjectID] = append(by[r.ProjectID], Record{Time: r.Time, Name: r.Name, DistinctID: r.DistinctID, InsertID: r.InsertID,
			Props: append([]byte(nil), r.Props...), Queued: now})
	}
	for i := range profiles {
		p := &profiles[i]
		if len(f.dests[p.ProjectID]) == 0 {
			continue
		}
		by[p.ProjectID] = append(by[p.ProjectID], profileRecord(p, now))
	}
	boxes := map[int64]*outbox{}
	for id := range by {
		o, err := f.box(id)
		if err != nil {
			f.mu.Unlock()
			return err
		}
		boxes[id] = o
	}
	var ls []*loop
	for _, l := range f.loops {
		if _, ok := by[l.project]; ok {
			ls = append(ls, l)
		}
	}
	f.mu.Unlock()
	for id, recs := range by {
		if err := boxes[id].append(recs); err != nil {
			return err
		}
	}
	for _, l := range ls {
		l.notify()
	}
	return nil
}

// List returns project id's destinations as the API shows them.
func (f *Forwarder) List(id int64) []View {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []View{}
	for _, d := range f.dests[id] {
		v := View{Name: d.Name, Kind: d.Kind, Host: d.Host, Token: mask(d.Token), ServiceAccount: d.ServiceAccount,
			Secret: mask(d.Secret), MixpanelProject: d.MixpanelProject, Tuning: d.Tuning, GDPRToken: mask(d.GDPRToken), GDPRHost: d.GDPRHost}
		if ds, err := readDeletions(filepath.Join(dirOf(f.opt.Dir, id, d.Name), gdprFile)); err == nil {
			v.GDPRPending = len(ds)
		}
		if l, ok := f.loops[key(id, d.Name)]; ok {
			l.state(&v)
		} else if c, err := readCursor(dirOf(f.opt.Dir, id, d.Name)); err == nil {
			v.Cursor = c
			if o, ok := f.boxes[id]; ok {
				v.Queued = o.Last() - c
			}
		}
		out = append(out, v)
	}
	return out
}

// Set replaces project id's destinations. A new destination receives the
// events stored from now on; a kept one (same name) keeps its cursor.
func (f *Forwarder) Set(ctx context.Context, id int64, ds []Destination) ([]View, error) {
	if len(ds) > 8 {
		return nil, fmt.Errorf("%w: at most 8 destinations per project", ErrInvalid)
	}
	ds = append([]Destination(nil), ds...) // keepSecrets fills in the caller's copies
	if err := f.keepSecrets(id, ds); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i := range ds {
		if err := ds[i].check(ctx, f.opt.AllowPrivate); err != nil {
			return nil, err
		}
		if seen[ds[i].Name] {
			return nil, fmt.Errorf("%w: destination name %s is used twice", ErrInvalid, ds[i].Name)
		}
		seen[ds[i].Name] = true
	}
	f.mu.Lock()
	o, err := f.box(id)
	if err != nil {
		f.mu.Unlock()
		return nil, err
	}
	old := f.dests[id]
	for _, d := range ds {
		dir := dirOf(f.opt.Dir, id, d.Name)
		if _, err := readCursor(dir); err != nil {
			if err := writeCursor(dir, o.Last()); err != nil {
				f.mu.Unlock()
				return nil, err
			}
		}
	}
	all := make(map[int64][]Destination, len(f.dests)+1)
	for k, v := range f.dests {
		all[k] = v
	}
	if len(ds) == 0 {
		delete(all, id)
	} else {
		all[id] = ds
	}
	if err := f.sealer.save(filepath.Join(f.opt.Dir, "destinations.json"), all); err != nil {
		f.mu.Unlock()
		return nil, err
	}
	f.dests = all
	var stop []*loop
	for k, l := range f.loops {
		if l.project == id {
			stop = append(stop, l)
			delete(f.loops, k)
		}
	}
	f.mu.Unlock()
	// Stopped outside f.mu: a loop takes it to prune.
	for _, l := range stop {
		l.stop()
	}
	for _, d := range old {
		if !seen[d.Name] {
			_ = os.RemoveAll(dirOf(f.opt.Dir, id, d.Name))
		}
	}
	if len(ds) == 0 {
		// No destination left: what was queued is not sent; it goes.
		f.mu.Lock()
		if len(f.dests[id]) == 0 {
			delete(f.boxes, id)
			if err := o.remove(); err != nil {
				f.log.Error("forward: outbox not removed", "project_id", id, "err", err)
			}
		}
		f.mu.Unlock()
	}
	f.mu.Lock()
	if f.runCtx != nil && !f.stopped {
		for _, d := range f.dests[id] {
			if _, running := f.loops[key(id, d.Name)]; !running {
				f.startLocked(id, d)
			}
		}
	}
	f.mu.Unlock()
	return f.List(id), nil
}

func (f *Forwarder) startLocked(id int64, d Destination) {
	ctx, cancel := context.WithCancel(f.runCtx)
	l := &loop{f: f, project: id, d: d, box: f.boxes[id], dir: dirOf(f.opt.Dir, id, d.Name),
		wake: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{})}
	l.batch = l.batchSize()
	f.loops[key(id, d.Name)] = l
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		l.run(ctx)
	}()
}

func key(id int64, name string) string { return strconv.FormatInt(id, 10) + "/" + name }

// deadLock is the lock of a destination's dead-letter and retry files.
func (f *Forwarder) deadLock(id int64, name string) *sync.Mutex {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := key(id, name)
	m, ok := f.dlocks[k]
	if !ok {
		m = &sync.Mutex{}
		f.dlocks[k] = m
	}
	return m
}

// Run delivers until ctx is done, then stops the loops and closes the
// outboxes.
func (f *Forwarder) Run(ctx context.Context) error {
	f.mu.Lock()
	f.runCtx = ctx
	for id, ds := range f.dests {
		for _, d := range ds {
			f.startLocked(id, d)
		}
	}
	f.mu.Unlock()
	<-ctx.Done()
	f.mu.Lock()
	f.stopped = true
	f.mu.Unlock()
	f.wg.Wait() // the loops stop with ctx
	f.mu.Lock()
	defer f.mu.Unlock()
	var err error
	for _, o := range f.boxes {
		err = errors.Join(err, o.close())
	}
	return err
}

// prune removes outbox segments every destination of project id passed.
func (f *Forwarder) prune(id int64) {
	f.mu.Lock()
	o := f.boxes[id]
	low := int64(-1)
	for _, d := range f.dests[id] {
		c, err := readCursor(dirOf(f.opt.Dir, id, d.Name))
		if err != nil {
			f.mu.Unlock()
			return
		}
		if low < 0 || c < low {
			low = c
		}
	}
	f.mu.Unlock()
	if o != nil && low >= 0 {
		o.prune(low)
	}
}

func readCursor(dir string) (int64, error) {
	b, err := os.ReadFile(filepath.Join(dir, "cursor"))
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
}

func writeCursor(dir string, c int64) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, "cursor"), []byte(strconv.FormatInt(c, 10)+"\n"), 0o600)
}

// Gauges are the delivery state of every destination, by "project/name":
// records queued, seconds since the oldest queued record entered the
// outbox (0 when none), consecutive failures, records the destination
// refused since start and records in its dead-letter file.
func (f *Forwarder) Gauges() (queued, lag, failures, skipped, dead map[string]float64) {
	queued, lag, failures, skipped, dead = map[string]float64{}, map[string]float64{}, map[string]float64{}, map[string]float64{}, map[string]float64{}
	f.mu.Lock()
	ls := make([]*loop, 0, len(f.loops))
	for _, l := range f.loops {
		ls = append(ls, l)
	}
	f.mu.Unlock()
	now := time.Now().UnixMilli()
	for _, l := range ls {
		var v View
		l.state(&v)
		k := key(l.project, l.d.Name)
		queued[k], failures[k], skipped[k], dead[k] = float64(v.Queued), float64(v.Failures), float64(v.Skipped), float64(v.DeadLetters)
		l.mu.Lock()
		if l.head > 0 && v.Queued > 0 {
			lag[k] = float64(now-l.head) / 1000
		} else {
			lag[k] = 0
		}
		l.mu.Unlock()
	}
	return
}
