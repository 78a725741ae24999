// Package guardcache keeps each project's compiled guard checker, rebuilt
// when the project's policy changes. Ingestion asks it for a checker on every
// request, so a lookup is one map read; compiling happens once per policy
// version.
//
// guardcache must not import ingest, api or server.
package guardcache

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/sieve-analytics/sieve/internal/guard"
	"github.com/sieve-analytics/sieve/internal/project"
)

// Cache maps project ids to compiled checkers.
type Cache struct {
	reg   *project.Registry
	guard *guard.Guard

	mu sync.RWMutex
	m  map[int64]entry
}

type entry struct {
	version int64
	// raw is the policy compiled: on a registry shared by several nodes,
	// two nodes changing a policy at once give the same version to
	// different policies (the last write wins), so the version alone
	// does not name a policy.
	raw json.RawMessage
	c   *guard.Checker
}

// New returns an empty cache over the registry's policies.
func New(reg *project.Registry, g *guard.Guard) *Cache {
	return &Cache{reg: reg, guard: g, m: make(map[int64]entry)}
}

// Guard returns the detectors the cache compiles with.
func (c *Cache) Guard() *guard.Guard { return c.guard }

// Policy decodes a stored policy; an empty one is the default policy.
func Policy(raw json.RawMessage) (guard.Policy, error) {
	if len(raw) == 0 {
		return guard.DefaultPolicy(), nil
	}
	var p guard.Policy
	if err := json.Unmarshal(raw, &p); err != nil {
		return guard.Policy{}, fmt.Errorf("guardcache: stored policy is damaged: %w", err)
	}
	return p, nil
}

// Checker returns the checker of project p for its current policy.
func (c *Cache) Checker(p project.Project) (*guard.Checker, error) {
	raw, version, key, err := c.reg.Guard(p.ID)
	if err != nil {
		return nil, err
	}
	c.mu.RLock()
	e, ok := c.m[p.ID]
	c.mu.RUnlock()
	if ok && e.version == version && bytes.Equal(e.raw, raw) {
		return e.c, nil
	}
	pol, err := Policy(raw)
	if err != nil {
		return nil, err
	}
	chk, err := c.guard.Compile(pol, p.Token, key)
	if err != nil {
		return nil, fmt.Errorf("guardcache: compile policy of project %d: %w", p.ID, err)
	}
	c.mu.Lock()
	c.m[p.ID] = entry{version: version, raw: raw, c: chk}
	c.mu.Unlock()
	return chk, nil
}
