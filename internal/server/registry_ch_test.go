package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/project"
	"github.com/sieve-analytics/sieve/internal/store/clickhouse"
)

// eventually polls cond until it holds or d passes.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	t0 := time.Now()
	for !cond() {
		if time.Since(t0) > d {
			t.Fatalf("%s: not after %s", what, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(t0)
}

// TestSharedRegistryClickHouse runs two registries, as two Sieve nodes
// would, on one cluster (each store entering through a different
// server): a project created on A authenticates on B, a secret rotated
// on B is refused on A, a guard policy set on A is B's, a service
// account deleted on A stops on B — each within the poll interval — and
// no secret is in the cluster in clear (its hash is: the positive
// control).
func TestSharedRegistryClickHouse(t *testing.T) {
	u := chStore(t)
	cfgA, err := clickhouse.ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	cfgB := cfgA
	cfgB.Entry = cfgA.Shards[len(cfgA.Shards)-1]
	ctx := context.Background()
	open := func(cfg clickhouse.Config, node string) (*clickhouse.Store, *project.Registry) {
		st, err := clickhouse.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		reg, err := project.OpenShared(chRegistry{st.Registry(node)})
		if err != nil {
			t.Fatal(err)
		}
		pctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { _ = reg.Poll(pctx, 200*time.Millisecond, nil); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
		return st, reg
	}
	_, a := open(cfgA, "node-a")
	_, b := open(cfgB, "node-b")

	const adminKey = "admin-key-for-shared-registry-test"
	if _, err := a.EnsureAdminKey(adminKey); err != nil {
		t.Fatal(err)
	}
	c, err := a.Create("shared one")
	if err != nil {
		t.Fatal(err)
	}
	took := eventually(t, 5*time.Second, "project created on A known on B", func() bool {
		p, ok := b.ByToken(c.Token)
		_, sok := b.BySecret(c.APISecret)
		return ok && sok && p.ID == c.ID && b.IsAdminKey(adminKey)
	})
	t.Logf("create on A -> B: %s", took)

	// B gives out the next id, having read A's.
	c2, err := b.Create("second")
	if err != nil {
		t.Fatal(err)
	}
	if c2.ID != c.ID+1 {
		t.Fatalf("second project id %d, want %d", c2.ID, c.ID+1)
	}

	secret, _, err := b.RotateSecret(c.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	took = eventually(t, 5*time.Second, "secret rotated on B refused on A", func() bool {
		_, oldOK := a.BySecret(c.APISecret)
		_, newOK := a.BySecret(secret)
		return !oldOK && newOK
	})
	t.Logf("rotate on B -> A: %s", took)

	pol := json.RawMessage(`{"marker":"policy-from-a"}`)
	if err := a.SetGuard(c.ID, pol, "admin"); err != nil {
		t.Fatal(err)
	}
	took = eventually(t, 5*time.Second, "guard policy set on A in force on B", func() bool {
		raw, _, _, err := b.Guard(c.ID)
		return err == nil && string(raw) == string(pol)
	})
	t.Logf("guard on A -> B: %s", took)

	sa, err := a.CreateServiceAccount(c.ID, "robot", project.RoleAnalyst)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "service account made on A works on B", func() bool {
		_, ok := b.AuthServiceAccount(sa.Username, sa.Secret)
		return ok
	})
	if err := a.DeleteServiceAccount(c.ID, sa.Username); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "service account deleted on A refused on B", func() bool {
		_, ok := b.AuthServiceAccount(sa.Username, sa.Secret)
		return !ok
	})

	// A third node starting now sees everything.
	_, c3 := open(cfgA, "node-c")
	if _, ok := c3.BySecret(secret); !ok || !c3.IsAdminKey(adminKey) || len(c3.List()) != 2 {
		t.Fatalf("a new node does not see the shared registry: %v", c3.List())
	}

	// No secret in clear on any shard; their hashes are there.
	dump := func(host string) string {
		q := url.Values{"query": {"SELECT body FROM " + cfgA.Database + ".registry FORMAT TSVRaw"}}
		resp, err := http.Get("http://" + host + "/?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("dump: %d %s", resp.StatusCode, b)
		}
		return string(b)
	}
	for _, h := range cfgA.Shards {
		d := dump(h)
		for _, s := range []string{c.APISecret, secret, sa.Secret, adminKey, c2.APISecret} {
			if strings.Contains(d, s) {
				t.Fatalf("shard %s holds a secret in clear", h)
			}
		}
		if !strings.Contains(d, hashHex(secret)) || !strings.Contains(d, hashHex(adminKey)) {
			t.Fatalf("shard %s: positive control: the secrets' hashes are not found", h)
		}
	}
}

func hashHex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// TestSharedRegistryImportsDataDir: a node moving to a cluster brings its
// data directory's projects and keys into an empty shared registry; a
// second node with a registry file of its own changes nothing there.
func TestSharedRegistryImportsDataDir(t *testing.T) {
	u := chStore(t)
	cfg, err := clickhouse.ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	st, err := clickhouse.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	seed := func() (string, project.Created) {
		dir := t.TempDir()
		local, err := project.Open(filepath.Join(dir, "meta"))
		if err != nil {
			t.Fatal(err)
		}
		c, err := local.Create("from the file")
		if err != nil {
			t.Fatal(err)
		}
		return dir, c
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	dirA, ca := seed()
	be := &backend{registry: chRegistry{st.Registry("a")}}
	reg, def, _, err := openRegistry(Config{DataDir: dirA, Log: log, AdminKey: "admin-key-import-test-0123"}, be)
	if err != nil {
		t.Fatal(err)
	}
	if def != nil {
		t.Fatal("a Default project was created besides the imported one")
	}
	if p, ok := reg.BySecret(ca.APISecret); !ok || p.Token != ca.Token {
		t.Fatal("the imported project's secret does not authenticate it")
	}
	dirB, cb := seed()
	regB, _, _, err := openRegistry(Config{DataDir: dirB, Log: log, AdminKey: "admin-key-import-test-0123"}, &backend{registry: chRegistry{st.Registry("b")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := regB.ByToken(cb.Token); ok || len(regB.List()) != 1 {
		t.Fatalf("the second node's file changed the shared registry: %+v", regB.List())
	}
	if _, ok := regB.BySecret(ca.APISecret); !ok {
		t.Fatal("the second node does not see the imported project")
	}
}
