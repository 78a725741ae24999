package project

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"time"
)

// Record is one entity of the registry as a shared store keeps it: the
// admin key's hash (kind "admin"), a project (kind "project", key its id)
// or a service account (kind "account", key its username). Body is the
// entity's JSON exactly as the registry file holds it: secrets only as
// SHA-256 hashes, never in clear.
type Record struct {
	Kind    string
	Key     string
	Deleted bool
	Body    []byte
}

// Record kinds.
const (
	KindAdmin   = "admin"
	KindProject = "project"
	KindAccount = "account"
)

// Shared keeps the registry where several Sieve nodes read and write it
// (the ClickHouse store's state table, docs/CLICKHOUSE.md). Each Put is a
// new version of each record it holds; of the versions of one record the
// last written wins.
type Shared interface {
	// Put writes records as new versions.
	Put(ctx context.Context, recs []Record) error
	// Mark is a cheap value that changes whenever a record was written.
	Mark(ctx context.Context) (string, error)
	// Load returns the current version of every record (deleted ones
	// included, with Deleted set) and the Mark it corresponds to.
	Load(ctx context.Context) ([]Record, string, error)
}

// sharedTimeout bounds one call to the shared store.
const sharedTimeout = 10 * time.Second

// OpenShared loads the registry from a shared store. Changes go to the
// store (not to a file); run Poll to take in other nodes' changes.
func OpenShared(sh Shared) (*Registry, error) {
	r := &Registry{shared: sh, now: time.Now}
	if err := r.refresh(context.Background(), true); err != nil {
		return nil, err
	}
	return r, nil
}

func recordID(kind, key string) string { return kind + "/" + key }

// refresh loads the shared store's records into the registry. Unless
// force, it does nothing when the store's Mark has not changed. A local
// change made during the load makes it discard what it read (the next
// refresh reads again).
func (r *Registry) refresh(ctx context.Context, force bool) error {
	ctx, cancel := context.WithTimeout(ctx, sharedTimeout)
	defer cancel()
	r.mu.RLock()
	mark, writes := r.mark, r.writes
	r.mu.RUnlock()
	if !force {
		m, err := r.shared.Mark(ctx)
		if err != nil {
			return fmt.Errorf("project: shared registry: %w", err)
		}
		if m == mark {
			return nil
		}
	}
	recs, m, err := r.shared.Load(ctx)
	if err != nil {
		return fmt.Errorf("project: shared registry: %w", err)
	}
	st := state{NextID: 1}
	written := make(map[string][]byte, len(recs))
	for _, rec := range recs {
		written[recordID(rec.Kind, rec.Key)] = rec.Body
		if rec.Deleted {
			continue
		}
		switch rec.Kind {
		case KindAdmin:
			var a struct {
				Hash string `json:"admin_key_hash"`
			}
			if err := json.Unmarshal(rec.Body, &a); err != nil {
				return fmt.Errorf("project: shared registry: admin record is damaged: %w", err)
			}
			st.AdminKeyHash = a.Hash
		case KindProject:
			p := new(projectRecord)
			if err := json.Unmarshal(rec.Body, p); err != nil {
				return fmt.Errorf("project: shared registry: project %s is damaged: %w", rec.Key, err)
			}
			st.Projects = append(st.Projects, p)
			st.NextID = max(st.NextID, p.ID+1)
			for _, f := range p.Funnels {
				st.NextFunnelID = max(st.NextFunnelID, f.ID)
			}
			for _, in := range p.Insights {
				st.NextSavedID = max(st.NextSavedID, in.ID)
			}
			for _, d := range p.Dashboards {
				st.NextSavedID = max(st.NextSavedID, d.ID)
			}
		case KindAccount:
			a := new(accountRecord)
			if err := json.Unmarshal(rec.Body, a); err != nil {
				return fmt.Errorf("project: shared registry: account record is damaged: %w", err)
			}
			st.Accounts = append(st.Accounts, a)
		}
	}
	sort.Slice(st.Projects, func(i, j int) bool { return st.Projects[i].ID < st.Projects[j].ID })
	sort.Slice(st.Accounts, func(i, j int) bool { return st.Accounts[i].Username < st.Accounts[j].Username })
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.writes != writes {
		return nil // changed here meanwhile: read again next time
	}
	r.st, r.written, r.mark = st, written, m
	r.index()
	return nil
}

// records encodes the registry's state as shared records.
func (r *Registry) records() (map[string]Record, error) {
	out := make(map[string]Record, len(r.st.Projects)+len(r.st.Accounts)+1)
	add := func(kind, key string, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("project: encode %s %s: %w", kind, key, err)
		}
		out[recordID(kind, key)] = Record{Kind: kind, Key: key, Body: b}
		return nil
	}
	if r.st.AdminKeyHash != "" {
		if err := add(KindAdmin, "", map[string]string{"admin_key_hash": r.st.AdminKeyHash}); err != nil {
			return nil, err
		}
	}
	for _, p := range r.st.Projects {
		if err := add(KindProject, strconv.FormatInt(p.ID, 10), p); err != nil {
			return nil, err
		}
	}
	for _, a := range r.st.Accounts {
		if err := add(KindAccount, a.Username, a); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// saveShared writes the records that changed since the last load or
// write (a removed account as a deleted record). The caller holds r.mu
// for writing.
func (r *Registry) saveShared() error {
	cur, err := r.records()
	if err != nil {
		return err
	}
	var changed []Record
	for id, rec := range cur {
		if old, ok := r.written[id]; !ok || string(old) != string(rec.Body) {
			changed = append(changed, rec)
		}
	}
	for id, body := range r.written {
		if _, ok := cur[id]; !ok && body != nil {
			kind, key, _ := cutRecordID(id)
			changed = append(changed, Record{Kind: kind, Key: key, Deleted: true, Body: []byte("{}")})
		}
	}
	if len(changed) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), sharedTimeout)
	defer cancel()
	if err := r.shared.Put(ctx, changed); err != nil {
		return fmt.Errorf("project: shared registry: %w", err)
	}
	r.writes++
	if r.written == nil {
		r.written = map[string][]byte{}
	}
	for _, rec := range changed {
		if rec.Deleted {
			r.written[recordID(rec.Kind, rec.Key)] = nil
		} else {
			r.written[recordID(rec.Kind, rec.Key)] = rec.Body
		}
	}
	return nil
}

func cutRecordID(id string) (kind, key string, ok bool) {
	for i := 0; i < len(id); i++ {
		if id[i] == '/' {
			return id[:i], id[i+1:], true
		}
	}
	return id, "", false
}

// ErrNotShared is returned by Poll on a registry kept in a file.
var ErrNotShared = errors.New("project: the registry is not shared")

// Poll takes in the changes other nodes make to a shared registry, every
// interval (at least 100 ms), until ctx is done. A failed read is logged
// and retried at the next tick; the registry keeps what it had.
func (r *Registry) Poll(ctx context.Context, interval time.Duration, log *slog.Logger) error {
	if r.shared == nil {
		return ErrNotShared
	}
	interval = max(interval, 100*time.Millisecond)
	t := time.NewTicker(interval)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		err := r.refresh(ctx, false)
		switch {
		case err != nil && ctx.Err() == nil && !failing:
			failing = true
			if log != nil {
				log.Warn("shared registry: cannot read changes; keeping the last state", "err", err)
			}
		case err == nil && failing:
			failing = false
			if log != nil {
				log.Info("shared registry: reading changes again")
			}
		}
	}
}

// Shared reports whether the registry is kept in a shared store.
func (r *Registry) Shared() bool { return r.shared != nil }

// Empty reports whether the registry holds no project and no admin key.
func (r *Registry) Empty() bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.st.Projects) == 0 && len(r.st.Accounts) == 0 && r.st.AdminKeyHash == ""
}

// Import copies every project, account and the admin key's hash of from
// (a node's registry file, when it moves to a shared registry) into r,
// which must be shared and empty.
func (r *Registry) Import(from *Registry) error {
	if r.shared == nil {
		return ErrNotShared
	}
	if !r.Empty() {
		return fmt.Errorf("%w: the shared registry is not empty", ErrInvalid)
	}
	from.mu.RLock()
	b, err := json.Marshal(&from.st)
	from.mu.RUnlock()
	if err != nil {
		return fmt.Errorf("project: encode registry: %w", err)
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("project: decode registry: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.st
	r.st = st
	if err := r.save(); err != nil {
		r.st = old
		return err
	}
	r.index()
	return nil
}
