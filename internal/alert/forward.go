package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
)

// StreamReader is the findings stream a Forwarder reads
// (findingstream.Stream implements it).
type StreamReader interface {
	Read(project, after int64, limit int, fn func(seq int64, line []byte) error) (int64, error)
	Last() int64
}

// Headers of a findings batch delivery (besides SignatureHeader).
const (
	CursorHeader   = "X-Sieve-Cursor" // the seq of the batch's last record: resume after it
	forwardersFile = "forwarders.json"
)

// ForwarderOptions configure a Forwarder.
type ForwarderOptions struct {
	Dir                  string // forwarders.json (webhooks and their cursors)
	Source               StreamReader
	Log                  *slog.Logger
	Client               *http.Client // default: as alert webhooks (internal addresses refused)
	AllowPrivateWebhooks bool
	BatchSize            int           // records per delivery (default 500)
	Tick                 time.Duration // polling period (default 1s)
}

// Forwarding is a project's findings webhook as the API shows it.
type Forwarding struct {
	ProjectID int64  `json:"project_id"`
	URL       string `json:"url"`
	Secret    string `json:"secret,omitempty"` // shown once, when set
	Cursor    int64  `json:"cursor"`           // last seq delivered (2xx)
	Failures  int    `json:"failures"`         // consecutive failed deliveries
}

// Forwarder delivers each project's findings stream to its findings
// webhook in signed NDJSON batches, at least once: the cursor advances
// (and is saved) only after a 2xx answer, so a restart or a failed
// delivery resends from the last acknowledged record.
type Forwarder struct {
	opt  ForwarderOptions
	log  *slog.Logger
	wake chan struct{}

	mu    sync.Mutex
	hooks map[int64]*Forwarding
	retry map[int64]time.Time
}

// NewForwarder loads the findings webhooks from opt.Dir.
func NewForwarder(opt ForwarderOptions) (*Forwarder, error) {
	if opt.BatchSize <= 0 {
		opt.BatchSize = 500
	}
	if opt.Tick <= 0 {
		opt.Tick = time.Second
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opt.Client == nil {
		opt.Client = egressClient(defaultAllowed(opt.AllowPrivateWebhooks))
	}
	f := &Forwarder{opt: opt, log: opt.Log.With("component", "findings-forwarder"), wake: make(chan struct{}, 1),
		hooks: map[int64]*Forwarding{}, retry: map[int64]time.Time{}}
	b, err := os.ReadFile(filepath.Join(opt.Dir, forwardersFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("alert: read findings webhooks: %w", err)
	}
	if err == nil {
		var list []*Forwarding
		if err := json.Unmarshal(b, &list); err != nil {
			return nil, errors.New("alert: the findings webhooks file is damaged")
		}
		for _, h := range list {
			f.hooks[h.ProjectID] = h
		}
	}
	return f, nil
}

// save writes forwarders.json. Caller holds f.mu.
func (f *Forwarder) save() error {
	list := make([]*Forwarding, 0, len(f.hooks))
	for _, h := range f.hooks {
		list = append(list, h)
	}
	b, err := json.Marshal(list)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(f.opt.Dir, forwardersFile), b, 0o600); err != nil {
		return fmt.Errorf("alert: write findings webhooks: %w", err)
	}
	return nil
}

// Set sets project id's findings webhook (an empty secret generates one);
// delivery starts with the findings recorded from now on. The answer holds
// the secret: show it once.
func (f *Forwarder) Set(id int64, rawURL, secret string) (Forwarding, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(rawURL) > 2000 || u.User != nil {
		return Forwarding{}, fmt.Errorf("%w: url must be an http or https URL without credentials, at most 2000 bytes", ErrInvalid)
	}
	if err := checkHost(context.Background(), u, f.opt.AllowPrivateWebhooks); err != nil {
		return Forwarding{}, err
	}
	if secret, err = newSecret(secret); err != nil {
		return Forwarding{}, err
	}
	h := &Forwarding{ProjectID: id, URL: rawURL, Secret: secret, Cursor: f.opt.Source.Last()}
	f.mu.Lock()
	defer f.mu.Unlock()
	old, had := f.hooks[id]
	f.hooks[id] = h
	if err := f.save(); err != nil {
		if had {
			f.hooks[id] = old
		} else {
			delete(f.hooks, id)
		}
		return Forwarding{}, err
	}
	delete(f.retry, id)
	return *h, nil
}

// Get returns project id's findings webhook without its secret.
func (f *Forwarder) Get(id int64) (Forwarding, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	h, ok := f.hooks[id]
	if !ok {
		return Forwarding{}, false
	}
	c := *h
	c.Secret = ""
	return c, true
}

// Delete removes project id's findings webhook.
func (f *Forwarder) Delete(id int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	old, had := f.hooks[id]
	if !had {
		return nil
	}
	delete(f.hooks, id)
	if err := f.save(); err != nil {
		f.hooks[id] = old
		return err
	}
	return nil
}

// Notify wakes the forwarder (new records were appended).
func (f *Forwarder) Notify() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx is done.
func (f *Forwarder) Run(ctx context.Context) error {
	t := time.NewTicker(f.opt.Tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-f.wake:
		}
		f.mu.Lock()
		var ids []int64
		now := time.Now()
		for id := range f.hooks {
			if now.After(f.retry[id]) {
				ids = append(ids, id)
			}
		}
		f.mu.Unlock()
		for _, id := range ids {
			for ctx.Err() == nil && f.deliver(ctx, id) {
			}
		}
	}
}

// deliver sends one batch of project id's records; it reports whether a
// full batch went out (more may be waiting).
func (f *Forwarder) deliver(ctx context.Context, id int64) bool {
	f.mu.Lock()
	h, ok := f.hooks[id]
	if !ok {
		f.mu.Unlock()
		return false
	}
	hook := *h
	f.mu.Unlock()
	var body []byte
	n := 0
	next, err := f.opt.Source.Read(id, hook.Cursor, f.opt.BatchSize, func(_ int64, line []byte) error {
		body = append(append(body, line...), '\n')
		n++
		return nil
	})
	if err != nil {
		f.log.Warn("findings stream read failed", "project_id", id, "err", err)
		return false
	}
	if n == 0 {
		if next != hook.Cursor { // only other projects' records: move on
			f.advance(id, hook, next)
		}
		return false
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("User-Agent", "sieve-findings")
	req.Header.Set(CursorHeader, strconv.FormatInt(next, 10))
	req.Header.Set(SignatureHeader, Sign(hook.Secret, time.Now(), body))
	resp, err := f.opt.Client.Do(req)
	if err == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
	}
	if err != nil || resp.StatusCode/100 != 2 {
		f.mu.Lock()
		if cur, ok := f.hooks[id]; ok && cur.URL == hook.URL {
			cur.Failures++
			f.retry[id] = time.Now().Add(min(time.Duration(1<<min(cur.Failures, 6))*time.Second, time.Minute))
		}
		f.mu.Unlock()
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		f.log.Warn("findings webhook delivery failed", "project_id", id, "records", n, "status", status)
		return false
	}
	f.advance(id, hook, next)
	return n == f.opt.BatchSize
}

// advance saves the cursor after a delivery, unless the webhook changed
// meanwhile.
func (f *Forwarder) advance(id int64, hook Forwarding, next int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cur, ok := f.hooks[id]
	if !ok || cur.URL != hook.URL || cur.Secret != hook.Secret {
		return
	}
	cur.Cursor, cur.Failures = next, 0
	delete(f.retry, id)
	if err := f.save(); err != nil {
		f.log.Warn("findings webhook cursor not saved", "project_id", id, "err", err)
	}
}
