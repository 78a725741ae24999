package project

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
)

// memShared is an in-memory Shared for error paths; the ClickHouse one is
// tested on a cluster (internal/server, store/clickhouse).
type memShared struct {
	mu   sync.Mutex
	recs map[string]Record
	n    int
	fail error
}

func (m *memShared) Put(_ context.Context, recs []Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	if m.recs == nil {
		m.recs = map[string]Record{}
	}
	for _, r := range recs {
		m.recs[recordID(r.Kind, r.Key)] = r
	}
	m.n++
	return nil
}

func (m *memShared) Mark(context.Context) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return strings.Repeat("x", m.n), nil
}

func (m *memShared) Load(ctx context.Context) ([]Record, string, error) {
	mark, _ := m.Mark(ctx)
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Record
	for _, r := range m.recs {
		out = append(out, r)
	}
	return out, mark, nil
}

// TestSharedWriteFailure: a write the shared store refuses changes
// nothing (the caller gets the error, the registry keeps its state), and
// nothing secret is in a record.
func TestSharedWriteFailure(t *testing.T) {
	sh := &memShared{}
	r, err := OpenShared(sh)
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.Create("one")
	if err != nil {
		t.Fatal(err)
	}
	sh.fail = errors.New("shard down")
	if _, err := r.Create("two"); err == nil || !strings.Contains(err.Error(), "shard down") {
		t.Fatalf("create with the store down: %v", err)
	}
	if _, _, err := r.RotateSecret(c.ID, 0); err == nil {
		t.Fatal("rotate with the store down succeeded")
	}
	if len(r.List()) != 1 {
		t.Fatalf("a refused create is listed: %+v", r.List())
	}
	if _, ok := r.BySecret(c.APISecret); !ok {
		t.Fatal("a refused rotation changed the secret")
	}
	sh.fail = nil
	secret, _, err := r.RotateSecret(c.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	// A second registry on the same store sees the state; no secret in clear.
	r2, err := OpenShared(sh)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r2.BySecret(secret); !ok {
		t.Fatal("second registry does not know the rotated secret")
	}
	if _, ok := r2.BySecret(c.APISecret); ok {
		t.Fatal("second registry accepts the rotated-out secret")
	}
	for _, rec := range sh.recs {
		if strings.Contains(string(rec.Body), secret) || strings.Contains(string(rec.Body), c.APISecret) {
			t.Fatalf("record %s/%s holds a secret in clear", rec.Kind, rec.Key)
		}
	}
}

// racingShared is a memShared on which another node writes a project with
// the same id right after each of the first n project creations.
type racingShared struct {
	memShared
	n int
}

func (m *racingShared) Put(ctx context.Context, recs []Record) error {
	if err := m.memShared.Put(ctx, recs); err != nil {
		return err
	}
	for _, rec := range recs {
		if rec.Kind == KindProject && m.n > 0 && strings.Contains(string(rec.Body), `"name":"mine"`) {
			m.n--
			other := strings.Replace(string(rec.Body), `"name":"mine"`, `"name":"theirs"`, 1)
			other = strings.Replace(other, `"token":"`, `"token":"zz`, 1)
			_ = m.memShared.Put(ctx, []Record{{Kind: KindProject, Key: rec.Key, Body: []byte(other)}})
		}
	}
	return nil
}

// TestSharedCreateLosesID: a creation whose id another node's write took
// (read back after writing) is made again with the next id; the other
// node's project stays.
func TestSharedCreateLosesID(t *testing.T) {
	sh := &racingShared{n: 1}
	r, err := OpenShared(sh)
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.Create("mine")
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != 2 {
		t.Fatalf("id %d, want 2 (1 was taken by the other node)", c.ID)
	}
	ps := r.List()
	if len(ps) != 2 || ps[0].Name != "theirs" || ps[1].Name != "mine" || ps[1].Token != c.Token {
		t.Fatalf("projects: %+v", ps)
	}
	if p, ok := r.BySecret(c.APISecret); !ok || p.ID != 2 {
		t.Fatal("the created project's secret does not authenticate it")
	}
	sh.n = 5
	if _, err := r.Create("mine"); err == nil || !strings.Contains(err.Error(), "try again") {
		t.Fatalf("creation lost three times: %v", err)
	}
}
