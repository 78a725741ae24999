package forward

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
)

// Modes of a project with destinations.
const (
	// ModeStoreAndForward stores events in Sieve and forwards them (the
	// default).
	ModeStoreAndForward = "store_and_forward"
	// ModeForwardOnly keeps events only in the outbox until every
	// destination has them, then removes them: nothing is stored.
	ModeForwardOnly = "forward_only"
)

// Settings are a project's forwarding settings, beside its destinations.
// Zero values mean the defaults.
type Settings struct {
	Mode string `json:"mode,omitempty"` // ModeStoreAndForward (default) or ModeForwardOnly
	// DeadLetterAfterHours: records a destination has not accepted this
	// long after they were queued move to its dead-letter file (default
	// 72).
	DeadLetterAfterHours float64 `json:"dead_letter_after_hours,omitempty"`
	// OutboxMaxMB bounds the project's outbox on disk (default 1024):
	// beyond it ingestion answers 503 with Retry-After.
	OutboxMaxMB int64 `json:"outbox_max_mb,omitempty"`
}

// Defaults of Settings.
const (
	DefaultDeadLetterAfter = 72 * time.Hour
	DefaultOutboxMaxMB     = 1024
)

func (s Settings) withDefaults() Settings {
	if s.Mode == "" {
		s.Mode = ModeStoreAndForward
	}
	if s.DeadLetterAfterHours == 0 {
		s.DeadLetterAfterHours = DefaultDeadLetterAfter.Hours()
	}
	if s.OutboxMaxMB == 0 {
		s.OutboxMaxMB = DefaultOutboxMaxMB
	}
	return s
}

func (s Settings) check(destinations int) error {
	switch s.Mode {
	case "", ModeStoreAndForward:
	case ModeForwardOnly:
		if destinations == 0 {
			return fmt.Errorf("%w: mode forward_only needs at least one destination", ErrInvalid)
		}
	default:
		return fmt.Errorf("%w: mode must be store_and_forward or forward_only", ErrInvalid)
	}
	if s.DeadLetterAfterHours < 0 || s.DeadLetterAfterHours > 24*365 {
		return fmt.Errorf("%w: dead_letter_after_hours must be between 0 (the default, 72) and 8760", ErrInvalid)
	}
	if s.OutboxMaxMB < 0 || s.OutboxMaxMB > 1<<20 {
		return fmt.Errorf("%w: outbox_max_mb must be between 0 (the default, 1024) and 1048576", ErrInvalid)
	}
	return nil
}

func loadSettings(path string) (map[int64]Settings, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[int64]Settings{}, nil
	} else if err != nil {
		return nil, fmt.Errorf("forward: read settings: %w", err)
	}
	var raw map[string]Settings
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("forward: settings file: %w", err)
	}
	out := map[int64]Settings{}
	for k, v := range raw {
		id, err := strconv.ParseInt(k, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("forward: settings file: project %q", k)
		}
		out[id] = v
	}
	return out, nil
}

func saveSettings(path string, all map[int64]Settings) error {
	raw := map[string]Settings{}
	for id, s := range all {
		raw[strconv.FormatInt(id, 10)] = s
	}
	b, err := json.MarshalIndent(raw, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, b, 0o600)
}

// Configure replaces project id's destinations (as Set) and its settings.
// Nothing changes when either is refused.
func (f *Forwarder) Configure(ctx context.Context, id int64, s Settings, ds []Destination) ([]View, error) {
	if err := s.check(len(ds)); err != nil {
		return nil, err
	}
	views, err := f.Set(ctx, id, ds)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	all := make(map[int64]Settings, len(f.settings)+1)
	for k, v := range f.settings {
		all[k] = v
	}
	if len(ds) == 0 || s == (Settings{}) {
		delete(all, id)
	} else {
		all[id] = s
	}
	if err := saveSettings(filepath.Join(f.opt.Dir, "settings.json"), all); err != nil {
		return nil, err
	}
	f.settings = all
	return views, nil
}

// SettingsOf returns project id's settings, defaults filled in.
func (f *Forwarder) SettingsOf(id int64) Settings {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.settings[id].withDefaults()
}

// ForwardOnly reports whether project id forwards its events without
// storing them: its mode is forward_only and it has destinations.
func (f *Forwarder) ForwardOnly(id int64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.settings[id].Mode == ModeForwardOnly && len(f.dests[id]) > 0
}

// ErrOutboxFull marks ingestion refused because a project's outbox reached
// its bound (outbox_max_mb): the client should retry later (503).
var ErrOutboxFull = errors.New("forward: the project's forwarding outbox is full (outbox_max_mb); delivery is behind, retry later")

// Admit reports ErrOutboxFull when project id's outbox is at or above its
// bound; ingestion calls it before storing anything of a request.
func (f *Forwarder) Admit(id int64) error {
	f.mu.Lock()
	o, ok := f.boxes[id]
	limit := f.settings[id].withDefaults().OutboxMaxMB << 20
	f.mu.Unlock()
	if ok && o.Bytes() >= limit {
		return ErrOutboxFull
	}
	return nil
}
