package duckdb

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/store"
)

// canary returns a unique high-entropy string: compression cannot hide it
// from a byte search.
func canary(tag string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "cnry" + tag + hex.EncodeToString(b)
}

// purgeFixture is a store holding events of two projects over four days, in
// several sealed files per partition and an active file, with canaries
// under several properties, and profiles and findings.
type purgeFixture struct {
	s     *Store
	dir   string
	pw    []string // values of "password" (project 1)
	sec   []string // values of "u.secret" (project 1)
	attr  []string // values of "$elements[].attr__value" (project 1)
	gone  []string // values in events of distinct_id "victim" (project 1)
	names []string // values in events named "leak" (project 1)
	prof  []string // values of profile property "password" (project 1)
	vic   []string // values of the victim's profile
	n1    int      // events of project 1
	ids   []string // values of "$device_id" (the victim's too), "$user_id" and "$anon_distinct_id" (project 1, links)
	keep  []string // values that must survive
}

func newPurgeFixture(t *testing.T) *purgeFixture {
	t.Helper()
	f := &purgeFixture{dir: t.TempDir()}
	// "password" and "note" are hot: their values are in hot columns too.
	f.s = mustOpen(t, f.dir, Options{Uncompressed: true, HotProperties: purgeHot})
	ctx := context.Background()
	for batch := 0; batch < 3; batch++ {
		var rows []event.Row
		for i := 0; i < 200; i++ {
			day := int64(i % 4)
			tm := t0 + day*dayMs + int64(batch*1000+i)*1000
			did := fmt.Sprintf("user-%d", i%7)
			name := "view"
			k := canary("keep")
			props := map[string]any{"plain": k}
			f.keep = append(f.keep, k)
			switch i % 5 {
			case 0:
				c := canary("pw")
				f.pw = append(f.pw, c)
				props["password"] = c
				// Identity links (the sealed files' link files hold them).
				dev, uid := canary("dev"), canary("uid")
				f.ids = append(f.ids, dev, uid)
				props["$device_id"], props["$user_id"] = dev, uid
			case 1:
				c := canary("sec")
				f.sec = append(f.sec, c)
				props["u"] = map[string]any{"secret": c, "ok": 1}
			case 2:
				c := canary("attr")
				f.attr = append(f.attr, c)
				props["$elements"] = []any{map[string]any{"tag_name": "input", "attr__value": c}, map[string]any{"tag_name": "form"}}
			case 3:
				did = "victim"
				c := canary("vic")
				f.gone = append(f.gone, c)
				props["note"] = c
				// The victim's device is linked to the victim.
				dev := canary("vdev")
				f.gone = append(f.gone, dev)
				f.ids = append(f.ids, dev)
				props["$device_id"], props["$user_id"] = dev, "victim"
				f.keep = f.keep[:len(f.keep)-1]
			case 4:
				name = "leak"
				c := canary("leak")
				f.names = append(f.names, c)
				props["note"] = c
				f.keep = f.keep[:len(f.keep)-1]
			}
			b, _ := json.Marshal(props)
			rows = append(rows, event.Row{ProjectID: 1, Time: tm, Name: name, DistinctID: did, InsertID: fmt.Sprintf("b%d-%d", batch, i), Props: b})
			f.n1++
			if i%25 == 0 { // an $identify linking an anonymous id
				anon := canary("anon")
				f.ids = append(f.ids, anon)
				rows = append(rows, event.Row{ProjectID: 1, Time: tm + 1, Name: "$identify", DistinctID: did, InsertID: fmt.Sprintf("i%d-%d", batch, i),
					Props: []byte(`{"$anon_distinct_id":"` + anon + `"}`)})
				f.n1++
			}
			// Project 2 holds the same property names: a purge of project 1
			// must leave them.
			k2 := canary("p2")
			f.keep = append(f.keep, k2)
			rows = append(rows, event.Row{ProjectID: 2, Time: tm, Name: "leak", DistinctID: "victim", InsertID: fmt.Sprintf("b%d-%d", batch, i),
				Props: []byte(`{"password":"` + k2 + `"}`)})
		}
		mustAppend(t, f.s, rows)
		if batch < 2 {
			if err := f.s.Seal(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Profiles: a password on two users, and the victim's profile.
	var ups []event.ProfileRow
	for _, id := range []string{"user-1", "user-2"} {
		c, k := canary("prof"), canary("profkeep")
		f.prof = append(f.prof, c)
		f.keep = append(f.keep, k)
		ups = append(ups, event.ProfileRow{ProjectID: 1, Kind: event.People, ID: id, Time: t0,
			Ops: []event.ProfileOpRow{{Op: event.OpSet, Value: []byte(`{"password":"` + c + `","name":"` + k + `"}`)}}})
	}
	c := canary("vicprof")
	f.vic = append(f.vic, c)
	ups = append(ups, event.ProfileRow{ProjectID: 1, Kind: event.People, ID: "victim", Time: t0,
		Ops: []event.ProfileOpRow{{Op: event.OpSet, Value: []byte(`{"email":"` + c + `"}`)}}})
	if err := f.s.UpdateProfiles(ctx, ups); err != nil {
		t.Fatal(err)
	}
	if err := f.s.AppendFindings(ctx, []event.Finding{
		{Time: t0, ProjectID: 1, DistinctID: "victim", Event: "view", Path: "password", Class: "password", Detector: "d", Action: "drop"},
		{Time: t0, ProjectID: 1, DistinctID: "user-1", Event: "view", Path: "password", Class: "password", Detector: "d", Action: "drop"},
	}); err != nil {
		t.Fatal(err)
	}
	return f
}

// exportAll returns every event of a project as text lines.
func exportAll(t *testing.T, s *Store, project int64) []string {
	t.Helper()
	var out []string
	err := s.Export(context.Background(), store.ExportQuery{ProjectID: project, From: -1 << 62, To: 1 << 62}, func(r *event.Row) error {
		out = append(out, fmt.Sprintf("%d|%s|%s|%s|%s", r.Time, r.Name, r.DistinctID, r.InsertID, r.Props))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// residue returns the canaries found in any file under dir.
func residue(t *testing.T, dir string, canaries ...[]string) []string {
	t.Helper()
	var hits []string
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		// A file the store removes while the walk runs (an active file
		// sealed in the background) holds nothing any more: skip it.
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		for _, cs := range canaries {
			for _, c := range cs {
				if bytes.Contains(b, []byte(c)) {
					hits = append(hits, strings.TrimPrefix(path, dir)+": "+c[:8])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

// runPurge runs a whole purge the way package purge does.
func runPurge(t *testing.T, s *Store, id string, rules []PurgeRule) (PurgeEventsResult, StateResult) {
	t.Helper()
	ctx := context.Background()
	if err := s.Seal(ctx); err != nil {
		t.Fatal(err)
	}
	er, err := s.PurgeEvents(ctx, PurgeJob{ID: id, Rules: rules})
	if err != nil {
		t.Fatalf("PurgeEvents: %v", err)
	}
	sr, err := s.PurgeState(ctx, StatePurgeJob{ID: id, Rules: rules})
	if err != nil {
		t.Fatalf("PurgeState: %v", err)
	}
	if err := s.WaitObsolete(ctx); err != nil {
		t.Fatal(err)
	}
	if er.Remaining != 0 || sr.Remaining != 0 {
		t.Fatalf("verification found %d event and %d state matches left", er.Remaining, sr.Remaining)
	}
	return er, sr
}

func TestPurgeLeavesNoResidue(t *testing.T) {
	all := AllTimeFrom
	end := AllTimeTo
	cases := []struct {
		name    string
		rules   []PurgeRule
		gone    func(f *purgeFixture) [][]string
		changed int64  // rows changed or deleted
		hot     string // the hot property holding canaries that go
	}{
		{"properties", []PurgeRule{{Project: 1, From: all, To: end, Paths: []string{"password", "u.secret", "$elements[].attr__value"}, ProfilePaths: []string{"password"}}},
			func(f *purgeFixture) [][]string { return [][]string{f.pw, f.sec, f.attr, f.prof} }, 360, "password"},
		{"distinct_ids", []PurgeRule{{Project: 1, From: all, To: end, DistinctIDs: []string{"victim"}, DeleteEvents: true, EraseProfiles: true}},
			func(f *purgeFixture) [][]string { return [][]string{f.gone, f.vic} }, 120, "note"},
		{"events", []PurgeRule{{Project: 1, From: all, To: end, Events: []string{"leak"}, DeleteEvents: true}},
			func(f *purgeFixture) [][]string { return [][]string{f.names} }, 120, "note"},
		{"identity", []PurgeRule{{Project: 1, From: all, To: end, Paths: []string{"$device_id", "$user_id", "$anon_distinct_id"}}},
			func(f *purgeFixture) [][]string { return [][]string{f.ids} }, 120 + 120 + 24, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newPurgeFixture(t)
			s := f.s
			before2 := exportAll(t, s, 2)
			before1 := exportAll(t, s, 1)
			// Uncompressed files: before the purge a byte search finds
			// every canary, so finding none afterwards means something.
			want := 0
			for _, cs := range c.gone(f) {
				want += len(cs)
			}
			if hits := residue(t, f.dir, c.gone(f)...); len(hits) < want {
				t.Fatalf("before purge: %d of %d canaries visible to a byte search", len(hits), want)
			}
			// The hot column holds them before (in sealed files), none after.
			goneSet := map[string]bool{}
			for _, cs := range c.gone(f) {
				for _, x := range cs {
					goneSet[x] = true
				}
			}
			inColumn := func() (gone, other int) {
				for _, x := range hotColumnStrings(t, s, 0, c.hot) {
					if goneSet[x] {
						gone++
					} else {
						other++
					}
				}
				return gone, other
			}
			if c.hot != "" {
				if err := s.Seal(context.Background()); err != nil {
					t.Fatal(err)
				}
				if n, _ := inColumn(); n == 0 {
					t.Fatalf("before purge: no canary in hot column %q", c.hot)
				}
			}
			// Positive control for the link files: identity values that
			// link are in them before the purge.
			if c.name == "identity" || c.name == "distinct_ids" {
				if err := s.Seal(context.Background()); err != nil {
					t.Fatal(err)
				}
				inLinks := 0
				for _, h := range residue(t, f.dir, c.gone(f)...) {
					if strings.Contains(h, ".links.parquet:") {
						inLinks++
					}
				}
				if inLinks == 0 {
					t.Fatal("before purge: no identity value in a link file")
				}
			}
			// Positive control for the user keys: the keys of identity
			// values are in the sealed files' key columns before the purge.
			keyed := func() int { return len(canaryKeys(t, s, c.gone(f)...)) }
			if c.name == "identity" || c.name == "distinct_ids" {
				if n := keyed(); n == 0 {
					t.Fatal("before purge: no identity value's key in a key column")
				}
			}
			er, sr := runPurge(t, s, "job-"+c.name, c.rules)
			if n := keyed(); n != 0 {
				t.Errorf("after purge: %d keys of purged values left in key columns", n)
			}
			if n, other := inColumn(); c.hot != "" && (n != 0 || other == 0) {
				t.Errorf("after purge: hot column %q holds %d canaries (and %d other values)", c.hot, n, other)
			}
			var n int64
			for _, p := range er.Partitions {
				n += p.RowsChanged + p.RowsDeleted
				after := slices.DeleteFunc(slices.Clone(p.After), func(d FileDigest) bool { return d.Kind != "" })
				if p.Rewritten && (len(p.Before) == 0 || (p.RowsScanned != p.RowsDeleted && len(after) != 1)) {
					t.Errorf("partition %s: digests missing: %+v", p.Day, p)
				}
			}
			if n != c.changed {
				t.Errorf("rows changed or deleted = %d, want %d", n, c.changed)
			}
			if c.name != "events" && c.name != "identity" && !sr.Rewritten {
				t.Errorf("state file not rewritten: %+v", sr)
			}
			if hits := residue(t, f.dir, c.gone(f)...); len(hits) != 0 {
				t.Errorf("after purge (open): %d canaries left: %v", len(hits), hits[:min(5, len(hits))])
			}
			// Unrelated data: project 2 identical; project 1's rows that
			// did not match are identical too.
			if got := exportAll(t, s, 2); strings.Join(got, "\n") != strings.Join(before2, "\n") {
				t.Errorf("project 2 changed by a purge of project 1")
			}
			after1 := exportAll(t, s, 1)
			gone := map[string]bool{}
			for _, cs := range c.gone(f) {
				for _, x := range cs {
					gone[x] = true
				}
			}
			kept := 0
			set := map[string]bool{}
			for _, l := range after1 {
				set[l] = true
			}
			for _, l := range before1 {
				touched := false
				for x := range gone {
					if strings.Contains(l, x) {
						touched = true
						break
					}
				}
				if !touched {
					if !set[l] {
						t.Fatalf("an unrelated row changed or vanished")
					}
					kept++
				}
			}
			if kept == 0 {
				t.Fatal("no unrelated rows to compare")
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if hits := residue(t, f.dir, c.gone(f)...); len(hits) != 0 {
				t.Errorf("after purge (closed): %d canaries left: %v", len(hits), hits[:min(5, len(hits))])
			}
			// The survivors are still there after a restart.
			s2 := mustOpen(t, f.dir, Options{Uncompressed: true})
			defer s2.Close()
			if got := exportAll(t, s2, 1); strings.Join(got, "\n") != strings.Join(after1, "\n") {
				t.Errorf("export differs after restart")
			}
			if c.name == "distinct_ids" {
				n, err := s2.Profiles(context.Background(), store.ProfileQuery{ProjectID: 1, Kind: event.People, IDs: []string{"victim"}}, func(*store.Profile) error { return nil })
				if err != nil || n != 0 {
					t.Errorf("victim profile: %d, %v", n, err)
				}
				var fs int
				_ = s2.Findings(context.Background(), store.FindingQuery{ProjectID: 1, From: 0, To: 1 << 62}, func(f *event.Finding) error {
					if f.DistinctID == "victim" {
						t.Errorf("a finding of the victim survived")
					}
					fs++
					return nil
				})
				if fs != 1 {
					t.Errorf("findings left = %d, want 1", fs)
				}
				ok, err := s2.StatePurgeApplied(context.Background(), "job-"+c.name)
				if err != nil || !ok {
					t.Errorf("StatePurgeApplied = %v, %v", ok, err)
				}
			}
		})
	}
}

// A purge whose rules match nothing writes nothing and reports zero.
func TestPurgeNothingMatches(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir, Options{})
	defer s.Close()
	mustAppend(t, s, rowsFor(100, 1, "a", `{"a":1}`))
	er, sr := runPurge(t, s, "job-none", []PurgeRule{{Project: 1, From: AllTimeFrom, To: AllTimeTo, Paths: []string{"password"}, ProfilePaths: []string{"x"}}})
	if len(er.Partitions) == 0 || er.Checked == 0 {
		t.Fatalf("no partition in scope: %+v", er)
	}
	for _, p := range er.Partitions {
		if p.Rewritten || p.RowsChanged != 0 {
			t.Errorf("partition rewritten though nothing matched: %+v", p)
		}
	}
	if sr.Rewritten {
		t.Errorf("state rewritten though nothing matched")
	}
	if countRows(t, s, 1) != 100 {
		t.Errorf("rows lost")
	}
}

// The manifest records installed batches; Prepared sees them first and can
// stop the purge with nothing installed.
func TestPurgeBatchesRecorded(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir, Options{})
	defer s.Close()
	var rows []event.Row
	for i := 0; i < 300; i++ {
		rows = append(rows, event.Row{ProjectID: 1, Time: t0 + int64(i%3)*dayMs + int64(i), Name: "e", DistinctID: "d", InsertID: fmt.Sprint(i), Props: []byte(`{"password":"x","a":1}`)})
	}
	mustAppend(t, s, rows)
	ctx := context.Background()
	if err := s.Seal(ctx); err != nil {
		t.Fatal(err)
	}
	rules := []PurgeRule{{Project: 1, From: AllTimeFrom, To: AllTimeTo, Paths: []string{"password"}}}
	_, err := s.PurgeEvents(ctx, PurgeJob{ID: "j1", Rules: rules, Prepared: func(PurgeBatch) error { return fmt.Errorf("refused") }})
	if err == nil {
		t.Fatal("Prepared's error was ignored")
	}
	if n := len(s.PartitionFiles(1, timeOf(t0))); n != 1 {
		t.Errorf("files after a refused batch = %d", n)
	}
	var ids []string
	res, err := s.PurgeEvents(ctx, PurgeJob{ID: "j2", Rules: rules, BatchRows: 100, Prepared: func(b PurgeBatch) error {
		if s.PurgeApplied(b.ID) {
			t.Errorf("batch applied before Prepared returned")
		}
		ids = append(ids, b.ID)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 3 || res.Remaining != 0 {
		t.Fatalf("batches = %d, remaining %d", len(ids), res.Remaining)
	}
	for _, id := range ids {
		if !s.PurgeApplied(id) {
			t.Errorf("batch %s not recorded", id)
		}
	}
	m, err := readManifest(dir)
	if err != nil || len(m.Applied) != 3 {
		t.Fatalf("manifest applied = %v, %v", m, err)
	}
	// Skip: a resumed run leaves finished partitions alone.
	res, err = s.PurgeEvents(ctx, PurgeJob{ID: "j3", Rules: []PurgeRule{{Project: 1, From: AllTimeFrom, To: AllTimeTo, Paths: []string{"a"}}},
		Skip: map[string]bool{"1/2026-03-01": true}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Partitions) != 2 || res.Remaining != 100 {
		t.Errorf("skip: partitions %d, remaining %d", len(res.Partitions), res.Remaining)
	}
}

func TestPurgeRulesChecked(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{})
	defer s.Close()
	for _, r := range []PurgeRule{
		{Project: 1, From: 5, To: 5, Paths: []string{"a"}},
		{Project: 1, From: AllTimeFrom, To: AllTimeTo, Paths: []string{"a..b"}},
		{Project: 1, From: AllTimeFrom, To: AllTimeTo, DistinctIDs: []string{"\xff"}},
	} {
		if _, err := s.PurgeEvents(context.Background(), PurgeJob{ID: "x", Rules: []PurgeRule{r}}); err == nil {
			t.Errorf("rule %+v accepted", r)
		}
	}
}

func timeOf(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// TestPurgeCertificateLinkFiles: a rewritten partition's certificate lists
// the identity link files beside the events files (Kind "links"): the old
// one with the digest of its bytes before the purge and the new one with
// the digest of the file installed, and the old one is removed. Hot
// columns need no entry: they are columns of the events file, covered by
// its digest.
func TestPurgeCertificateLinkFiles(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir, Options{})
	defer s.Close()
	ctx := context.Background()
	mustAppend(t, s, []event.Row{
		linkRow(1, "10:00:00", "$identify", "u-a", `{"$anon_distinct_id":"d-a","$identified_id":"u-a"}`),
		linkRow(1, "10:00:00", "$identify", "u-b", `{"$anon_distinct_id":"d-b","$identified_id":"u-b"}`),
		linkRow(1, "10:05:00", "view", "u-b", `{"$device_id":"d-c","$user_id":"u-b","$browser":"Chrome"}`),
		linkRow(1, "10:06:00", "view", "u-a", `{"$browser":"Firefox"}`),
	})
	if err := s.Seal(ctx); err != nil {
		t.Fatal(err)
	}
	sha := func(rel string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.Sum256(b)
		return hex.EncodeToString(h[:])
	}
	// The digests of every file on disk before the purge.
	var oldLinks string
	before := map[string]string{}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".parquet") {
			rel, _ := filepath.Rel(dir, path)
			rel = filepath.ToSlash(rel)
			before[rel] = sha(rel)
			if strings.HasSuffix(rel, ".links.parquet") {
				oldLinks = rel
			}
		}
		return nil
	})
	if oldLinks == "" {
		t.Fatal("no link file before the purge")
	}
	er, _ := runPurge(t, s, "job-links", []PurgeRule{{Project: 1, DistinctIDs: []string{"u-a"}, DeleteEvents: true, From: AllTimeFrom, To: AllTimeTo}})
	if len(er.Partitions) != 1 || !er.Partitions[0].Rewritten {
		t.Fatalf("partitions: %+v", er.Partitions)
	}
	p := er.Partitions[0]
	kinds := func(ds []FileDigest) (events, links []FileDigest) {
		for _, d := range ds {
			switch d.Kind {
			case "":
				events = append(events, d)
			case store.FileDigestLinks:
				links = append(links, d)
			default:
				t.Errorf("digest of kind %q", d.Kind)
			}
		}
		return events, links
	}
	evBefore, lkBefore := kinds(p.Before)
	evAfter, lkAfter := kinds(p.After)
	if len(evBefore) != 1 || len(lkBefore) != 1 || len(evAfter) != 1 || len(lkAfter) != 1 {
		t.Fatalf("digests before %+v, after %+v: want one events file and one link file each", p.Before, p.After)
	}
	// Before: d-a, d-b, d-c linked; after: u-a's identify is gone.
	if d := lkBefore[0]; d.File != oldLinks || d.Rows != 3 || d.SHA256 != before[oldLinks] {
		t.Errorf("old link file digest %+v; on disk %s had sha256 %s and 3 links", d, oldLinks, before[oldLinks])
	}
	if d := evBefore[0]; d.SHA256 != before[d.File] {
		t.Errorf("old events file digest %+v, on disk sha256 %s", d, before[d.File])
	}
	if got := readLinkFiles(t, s, 1); !slices.Equal(got, []string{"d-b>u-b@10:00:00", "d-c>u-b@10:05:00"}) {
		t.Fatalf("links after the purge: %v", got)
	}
	if d := lkAfter[0]; !strings.HasSuffix(d.File, ".links.parquet") || d.Rows != 2 || d.SHA256 != sha(d.File) ||
		strings.TrimSuffix(d.File, ".links.parquet") != strings.TrimSuffix(evAfter[0].File, ".parquet") {
		t.Errorf("new link file digest %+v (events file %s)", d, evAfter[0].File)
	}
	if d := evAfter[0]; d.SHA256 != sha(d.File) || d.Rows != 2 {
		t.Errorf("new events file digest %+v", d)
	}
	for _, d := range p.Before {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(d.File))); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("old file %s still there: %v", d.File, err)
		}
	}
	// A purge that leaves no link in the partition: the new events file
	// has no link file, so none is listed after.
	er, _ = runPurge(t, s, "job-links-2", []PurgeRule{{Project: 1, DistinctIDs: []string{"u-b"}, DeleteEvents: true, From: AllTimeFrom, To: AllTimeTo}})
	if len(er.Partitions) != 1 {
		t.Fatalf("partitions: %+v", er.Partitions)
	}
	if _, lk := kinds(er.Partitions[0].Before); len(lk) != 1 || lk[0].Rows != 2 {
		t.Errorf("second purge, link files before: %+v", er.Partitions[0].Before)
	}
	if _, lk := kinds(er.Partitions[0].After); len(lk) != 0 {
		t.Errorf("second purge, link files after: %+v (no rows are left)", lk)
	}
}
