package purge

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/scope"
	"github.com/sieve-analytics/sieve/internal/store"
	"github.com/sieve-analytics/sieve/internal/store/duckdb"
)

var _ Backend = (*duckdb.Store)(nil)

func TestCompile(t *testing.T) {
	bad := func(req Request) {
		t.Helper()
		if _, err := Compile(req); !errors.Is(err, ErrInvalid) {
			t.Errorf("Compile(%+v) = %v, want ErrInvalid", req, err)
		}
	}
	bad(Request{})
	bad(Request{ProjectID: 1})
	bad(Request{ProjectID: 1, Properties: []string{"a..b"}})
	bad(Request{ProjectID: 1, Events: []string{"e"}, From: "yesterday"})
	bad(Request{ProjectID: 1, Events: []string{"e"}, From: "2026-01-02T00:00:00Z", To: "2026-01-01T00:00:00Z"})
	bad(Request{ProjectID: 1, DistinctIDs: []string{""}})

	r, err := Compile(Request{ProjectID: 3, Properties: []string{"password", "$set.password", "$elements[].attr__value"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := r[0]; got.DeleteEvents || got.EraseProfiles || len(got.Paths) != 2 || len(got.ProfilePaths) != 1 || got.ProfilePaths[0] != "password" {
		t.Errorf("properties: %+v", got)
	}
	r, _ = Compile(Request{ProjectID: 3, DistinctIDs: []string{"b", "a", "a"}})
	if got := r[0]; !got.DeleteEvents || !got.EraseProfiles || len(got.DistinctIDs) != 2 {
		t.Errorf("gdpr: %+v", got)
	}
	r, _ = Compile(Request{ProjectID: 3, DistinctIDs: []string{"a"}, From: "2026-01-01T00:00:00Z"})
	if got := r[0]; !got.DeleteEvents || got.EraseProfiles || got.From != time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli() {
		t.Errorf("ids in a range: %+v", got)
	}
	r, _ = Compile(Request{ProjectID: 3, Events: []string{"leak"}})
	if got := r[0]; !got.DeleteEvents || got.EraseProfiles {
		t.Errorf("events: %+v", got)
	}
}

var day0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

const dayMs = 24 * 3600 * 1000

func canary(tag string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "cnry" + tag + hex.EncodeToString(b)
}

// fixture writes events over three days (two sealed files and an active
// file) and profiles into dir, closes the store and returns the canaries
// of the "password" property and of the user "victim".
type fixture struct {
	Password []string `json:"password"`
	Victim   []string `json:"victim"`
	VictimID string   `json:"victim_id"`
	Keep     []string `json:"keep"`
}

func makeFixture(t *testing.T, dir string) fixture {
	t.Helper()
	s, err := duckdb.Open(dir, duckdb.Options{Uncompressed: true, NoSealOnClose: true})
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{VictimID: canary("id")}
	ctx := context.Background()
	for batch := 0; batch < 3; batch++ {
		var rows []event.Row
		for i := 0; i < 300; i++ {
			did := fmt.Sprintf("u%d", i%5)
			props := `{"plain":"` + canary("k") + `"`
			switch i % 3 {
			case 0:
				c := canary("pw")
				f.Password = append(f.Password, c)
				props += `,"password":"` + c + `"`
			case 1:
				did = f.VictimID
				c := canary("vic")
				f.Victim = append(f.Victim, c)
				props = `{"note":"` + c + `"`
			}
			rows = append(rows, event.Row{ProjectID: 1, Time: day0 + int64((i/3)%3)*dayMs + int64(batch*1000+i), Name: "e", DistinctID: did,
				InsertID: fmt.Sprintf("%d-%d", batch, i), Props: []byte(props + "}")})
		}
		if _, err := s.Append(ctx, rows); err != nil {
			t.Fatal(err)
		}
		if batch < 2 {
			if err := s.Seal(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	c := canary("vicprof")
	f.Victim = append(f.Victim, c)
	if err := s.UpdateProfiles(ctx, []event.ProfileRow{{ProjectID: 1, Kind: event.People, ID: f.VictimID, Time: day0,
		Ops: []event.ProfileOpRow{{Op: event.OpSet, Value: []byte(`{"email":"` + c + `"}`)}}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return f
}

func residue(t *testing.T, dir string, canaries []string) []string {
	t.Helper()
	var hits []string
	_ = filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return nil
		}
		b, _ := os.ReadFile(path)
		for _, c := range canaries {
			if bytes.Contains(b, []byte(c)) {
				hits = append(hits, strings.TrimPrefix(path, dir))
				break
			}
		}
		return nil
	})
	return hits
}

func hashID(s string) string { return "h:" + fmt.Sprint(len(s)) }

func openAll(t *testing.T, dir string) (*duckdb.Store, *Manager) {
	t.Helper()
	s, err := duckdb.Open(filepath.Join(dir, "store"), duckdb.Options{Uncompressed: true})
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(Config{Dir: filepath.Join(dir, "purges"), Backend: s, HashID: hashID})
	if err != nil {
		s.Close()
		t.Fatal(err)
	}
	return s, m
}

func exportLines(t *testing.T, s *duckdb.Store) []string {
	t.Helper()
	var out []string
	if err := s.Export(context.Background(), store.ExportQuery{ProjectID: 1, From: 0, To: 1 << 62}, func(r *event.Row) error {
		out = append(out, r.InsertID+"|"+r.DistinctID+"|"+string(r.Props))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func checkCertificate(t *testing.T, j Job, deleted, changed int64) {
	t.Helper()
	if j.Status != StatusDone {
		t.Fatalf("job %s: status %s (%s)", j.ID, j.Status, j.Error)
	}
	c := j.Certificate
	if c == nil || c.Verification.Result != "passed" || !c.Verification.OldFilesRemoved || c.Verification.PartitionsChecked != 3 {
		t.Fatalf("certificate: %+v", c)
	}
	if c.RowsDeleted != deleted || c.RowsChanged != changed || c.RowsScanned != 900 || c.PartitionsScanned != 3 {
		t.Errorf("certificate counts: deleted %d changed %d scanned %d partitions %d; want %d %d 900 3",
			c.RowsDeleted, c.RowsChanged, c.RowsScanned, c.PartitionsScanned, deleted, changed)
	}
	for _, p := range c.Partitions {
		// The events files (link files, Kind "links", beside them).
		events := func(ds []store.FileDigest) []store.FileDigest {
			return slices.DeleteFunc(slices.Clone(ds), func(d store.FileDigest) bool { return d.Kind != "" })
		}
		before, after := events(p.Before), events(p.After)
		if len(before) == 0 || len(after) != 1 || before[0].SHA256 == after[0].SHA256 || len(after[0].SHA256) != 64 {
			t.Errorf("partition %s: digests %+v -> %+v", p.Day, p.Before, p.After)
		}
	}
}

func TestJobsAndCertificates(t *testing.T) {
	dir := t.TempDir()
	f := makeFixture(t, filepath.Join(dir, "store"))
	s, m := openAll(t, dir)
	defer s.Close()
	m.Start()
	defer m.Close()
	before := exportLines(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	j, err := m.Submit(Request{ProjectID: 1, Properties: []string{"password"}}, "admin", "api", "")
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != StatusQueued || j.ID == "" {
		t.Fatalf("submitted: %+v", j)
	}
	j, err = m.Wait(ctx, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	checkCertificate(t, j, 0, 300)
	if hits := residue(t, dir, f.Password); len(hits) != 0 {
		t.Errorf("password canaries left in %v", hits)
	}

	g, err := m.Submit(Request{ProjectID: 1, DistinctIDs: []string{f.VictimID}}, "admin", "gdpr", "GDPR")
	if err != nil {
		t.Fatal(err)
	}
	g, err = m.Wait(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	checkCertificate(t, g, 300, 0)
	if g.Certificate.State == nil || g.Certificate.State.ProfilesDeleted != 1 {
		t.Errorf("state: %+v", g.Certificate.State)
	}
	if len(g.Criteria.DistinctIDHash) != 1 || g.Criteria.DistinctIDHash[0] != hashID(f.VictimID) {
		t.Errorf("criteria: %+v", g.Criteria)
	}
	// The victim's id and values are gone everywhere, the journal included.
	if hits := residue(t, dir, append([]string{f.VictimID}, f.Victim...)); len(hits) != 0 {
		t.Errorf("victim canaries left in %v", hits)
	}
	// Rows of other users are intact except for the purged property.
	after := exportLines(t, s)
	var want []string
	for _, l := range before {
		if strings.Contains(l, "|"+f.VictimID+"|") {
			continue
		}
		if i := strings.Index(l, `,"password":`); i >= 0 {
			l = l[:i] + "}"
		}
		want = append(want, l)
	}
	if strings.Join(after, "\n") != strings.Join(want, "\n") {
		t.Errorf("surviving rows differ: %d rows, want %d", len(after), len(want))
	}
	if got := m.List(1); len(got) != 2 || got[0].ID != g.ID {
		t.Errorf("List = %+v", got)
	}
	if _, err := m.Get("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(nope) = %v", err)
	}
}

// The crash test re-executes the test binary: the child runs a purge and
// kills itself with SIGKILL at a chosen point; the parent restarts and
// checks that the job ends with a correct certificate and no residue.
func TestCrashChild(t *testing.T) {
	dir, point := os.Getenv("PURGE_CRASH_DIR"), os.Getenv("PURGE_CRASH_POINT")
	if dir == "" {
		t.Skip("child of TestPurgeCrash")
	}
	s, err := duckdb.Open(filepath.Join(dir, "store"), duckdb.Options{Uncompressed: true})
	if err != nil {
		t.Fatal(err)
	}
	kill := func(at string) {
		if at == point {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			time.Sleep(time.Hour)
		}
	}
	m, err := New(Config{Dir: filepath.Join(dir, "purges"), Backend: crashBackend{s, kill}, HashID: hashID})
	if err != nil {
		t.Fatal(err)
	}
	var req Request
	_ = json.Unmarshal([]byte(os.Getenv("PURGE_CRASH_REQ")), &req)
	var j Job
	if len(req.Scope) > 0 {
		rep, _, err := ParseScope(req.Scope)
		if err != nil {
			t.Fatal(err)
		}
		plans, err := PlanScope(rep, ScopeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		jobs, err := m.SubmitScope(plans, "admin")
		if err != nil || len(jobs) != 1 {
			t.Fatalf("SubmitScope: %d jobs, %v", len(jobs), err)
		}
		j = jobs[0]
	} else if j, err = m.Submit(req, "admin", "api", ""); err != nil {
		t.Fatal(err)
	}
	kill("submitted")
	m.Start()
	_, _ = m.Wait(context.Background(), j.ID)
	kill("done")
	t.Fatalf("crash point %s never reached", point)
}

type crashBackend struct {
	*duckdb.Store
	kill func(string)
}

func (b crashBackend) Seal(ctx context.Context) error {
	err := b.Store.Seal(ctx)
	b.kill("sealed")
	return err
}

func (b crashBackend) PurgeEvents(ctx context.Context, job duckdb.PurgeJob) (duckdb.PurgeEventsResult, error) {
	prep := job.Prepared
	n := 0
	job.BatchRows = 250 // one partition per batch
	job.Prepared = func(bt duckdb.PurgeBatch) error {
		err := prep(bt)
		if n++; n == 2 {
			b.kill("batch-prepared")
		}
		return err
	}
	res, err := b.Store.PurgeEvents(ctx, job)
	b.kill("events-installed")
	return res, err
}

func (b crashBackend) PurgeState(ctx context.Context, job duckdb.StatePurgeJob) (duckdb.StateResult, error) {
	prep := job.Prepared
	job.Prepared = func(r duckdb.StateResult) error {
		err := prep(r)
		b.kill("state-prepared")
		return err
	}
	res, err := b.Store.PurgeState(ctx, job)
	b.kill("state-swapped")
	return res, err
}

func TestPurgeCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	points := []string{"submitted", "sealed", "batch-prepared", "events-installed", "state-prepared", "state-swapped", "done",
		"scope/submitted", "scope/batch-prepared", "scope/events-installed", "scope/done"}
	for _, name := range points {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			f := makeFixture(t, filepath.Join(dir, "store"))
			point, isScope := strings.CutPrefix(name, "scope/")
			req := Request{ProjectID: 1, DistinctIDs: []string{f.VictimID}}
			if point == "batch-prepared" || point == "events-installed" {
				req = Request{ProjectID: 1, Properties: []string{"password"}}
			}
			if isScope {
				// A findings report: the users who sent "password".
				rep := scope.Report{Source: "findings", Projects: []scope.ProjectReport{{ProjectID: 1}}}
				for u := range 5 {
					rep.Projects[0].Users = append(rep.Projects[0].Users, scope.User{DistinctID: fmt.Sprint("u", u), Properties: []string{"password"}})
				}
				raw, _ := json.Marshal(rep)
				req = Request{Properties: []string{"password"}, Scope: raw} // Properties: what the checks below expect
			}
			rb, _ := json.Marshal(req)
			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), "PURGE_CRASH_DIR="+dir, "PURGE_CRASH_POINT="+point, "PURGE_CRASH_REQ="+string(rb))
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("child did not die by SIGKILL at %s: %v\n%s", point, err, out)
			}
			s, m := openAll(t, dir)
			defer s.Close()
			m.Start()
			defer m.Close()
			jobs := m.List(1)
			if len(jobs) != 1 {
				t.Fatalf("jobs after restart: %d", len(jobs))
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			j, err := m.Wait(ctx, jobs[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			gone := f.Password
			if req.Properties == nil {
				checkCertificate(t, j, 300, 0)
				gone = append([]string{f.VictimID}, f.Victim...)
				if j.Certificate.State == nil || j.Certificate.State.ProfilesDeleted != 1 {
					t.Errorf("state after crash at %s: %+v", point, j.Certificate.State)
				}
			} else {
				checkCertificate(t, j, 0, 300)
			}
			if hits := residue(t, dir, gone); len(hits) != 0 {
				t.Errorf("canaries left after crash at %s: %v", point, hits)
			}
			if n := len(exportLines(t, s)); (req.Properties == nil && n != 600) || (req.Properties != nil && n != 900) {
				t.Errorf("rows after crash at %s: %d", point, n)
			}
		})
	}
}
