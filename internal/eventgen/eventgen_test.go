package eventgen

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
)

// The slow references below are the two generators this package replaced,
// as they were (the DuckDB store's benchDataset and bench's genRows, maps
// and json.Marshal), less their loading: Generate must give their rows
// byte for byte.

func refStore(n int) []event.Row {
	r := rand.New(rand.NewPCG(1, 2))
	users := max(n/100, 1)
	var out []event.Row
	total := 0
	for u := 0; u < users && total < n; u++ {
		dev := fmt.Sprintf("dev-%07d", u)
		user := fmt.Sprintf("user-%07d", u)
		signs := r.IntN(3) == 0
		signedUp := false
		browser, country := browsers[r.IntN(len(browsers))], countries[r.IntN(len(countries))]
		left := 100
		for left > 0 && total < n {
			t := Start.Add(time.Duration(r.Int64N(int64(30 * 24 * time.Hour))))
			k := min(left, 5+r.IntN(20))
			for i := range k {
				name := StoreNames[r.IntN(len(StoreNames))]
				if i == 0 {
					name = "Page viewed"
				}
				if signs && !signedUp && i == 2 {
					name = "Viewed signup"
				}
				props := map[string]any{"$browser": browser, "$os": "Mac OS X", "$country_code": country, "$city": "City " + country,
					"$current_url": "https://example.com/p/" + fmt.Sprint(r.IntN(50)), "$referrer": "https://" + sources[r.IntN(5)] + ".com/",
					"utm_source": sources[r.IntN(5)], "utm_medium": "cpc", "utm_campaign": "spring", "$screen_width": 1440, "$screen_height": 900,
					"mp_lib": "web", "$lib_version": "2.55.0", "amount": r.IntN(200), "plan": []string{"free", "pro", "team"}[r.IntN(3)]}
				for p := range 25 {
					props[fmt.Sprintf("p%02d", p)] = r.IntN(10)
				}
				id := dev
				if signedUp {
					props["$device_id"], props["$user_id"] = dev, user
					id = user
				}
				add := func(name string, props map[string]any, at time.Time) {
					pj, _ := json.Marshal(props)
					out = append(out, event.Row{ProjectID: 1, Time: at.UnixMilli(), Name: name, DistinctID: id,
						InsertID: fmt.Sprintf("%d-%d", u, total), Props: pj})
					total++
				}
				add(name, props, t)
				t = t.Add(time.Duration(5+r.IntN(120)) * time.Second)
				if signs && !signedUp && i == 3 {
					add("Signed up", props, t)
					add("$identify", map[string]any{"$anon_distinct_id": dev, "$identified_id": user}, t)
					signedUp = true
					if r.IntN(2) == 0 {
						t = t.Add(time.Duration(r.IntN(3*24)) * time.Hour)
						add("Completed onboarding", props, t)
					}
				}
			}
			left -= k
		}
	}
	return out
}

func refBackends(n int) ([]event.Row, map[string]bool) {
	r := rand.New(rand.NewPCG(1, 2))
	names := []string{"Page viewed", "Page viewed", "Page viewed", "Clicked", "Searched", "Added to cart", "Purchased"}
	known := map[string]bool{}
	var rows []event.Row
	count := 0
	for u := 0; count < n; u++ {
		dev, user := fmt.Sprintf("dev-%07d", u), fmt.Sprintf("user-%07d", u)
		signs, signedUp := r.IntN(3) == 0, false
		browser, country := browsers[r.IntN(len(browsers))], countries[r.IntN(len(countries))]
		for left := 100; left > 0 && count < n; {
			t := Start.Add(time.Duration(r.Int64N(int64(30 * 24 * time.Hour))))
			k := min(left, 5+r.IntN(20))
			for i := range k {
				name := names[r.IntN(len(names))]
				if i == 0 {
					name = "Page viewed"
				}
				if signs && !signedUp && i == 2 {
					name = "Viewed signup"
				}
				props := map[string]any{"$browser": browser, "$os": "Mac OS X", "$country_code": country, "$city": "City " + country,
					"$current_url": "https://example.com/p/" + fmt.Sprint(r.IntN(50)), "$referrer": "https://" + sources[r.IntN(5)] + ".com/",
					"utm_source": sources[r.IntN(5)], "utm_medium": "cpc", "utm_campaign": "spring", "$screen_width": 1440, "$screen_height": 900,
					"mp_lib": "web", "$lib_version": "2.55.0", "amount": r.IntN(200), "plan": []string{"free", "pro", "team"}[r.IntN(3)]}
				for p := range 25 {
					props[fmt.Sprintf("p%02d", p)] = r.IntN(10)
				}
				id := dev
				if signedUp {
					props["$device_id"], props["$user_id"] = dev, user
					id = user
				}
				add := func(name string, props map[string]any, at time.Time) {
					if count >= n {
						return
					}
					for k := range props {
						known[k] = true
					}
					pj, _ := json.Marshal(props)
					rows = append(rows, event.Row{ProjectID: 1, Time: at.UnixMilli(), Name: name, DistinctID: id, InsertID: fmt.Sprintf("%d-%d", u, count), Props: pj})
					count++
				}
				add(name, props, t)
				t = t.Add(time.Duration(5+r.IntN(120)) * time.Second)
				if signs && !signedUp && i == 3 {
					add("Signed up", props, t)
					add("$identify", map[string]any{"$anon_distinct_id": dev, "$identified_id": user}, t)
					signedUp = true
					if r.IntN(2) == 0 {
						t = t.Add(time.Duration(r.IntN(3*24)) * time.Hour)
						add("Completed onboarding", props, t)
					}
				}
			}
			left -= k
		}
	}
	return rows, known
}

// digest is a SHA-256 over every field of every row, in order.
func digest(rows []event.Row) string {
	h := sha256.New()
	var b [8]byte
	for _, r := range rows {
		for _, v := range []int64{r.ProjectID, r.Time, int64(len(r.Name)), int64(len(r.DistinctID)), int64(len(r.InsertID)), int64(len(r.Props))} {
			binary.LittleEndian.PutUint64(b[:], uint64(v))
			h.Write(b[:])
		}
		if r.GeneratedID {
			h.Write([]byte{1})
		}
		h.Write([]byte(r.Name + r.DistinctID + r.InsertID))
		h.Write(r.Props)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func generate(t *testing.T, c Config) ([]event.Row, map[string]bool) {
	t.Helper()
	var rows []event.Row
	known, err := Generate(c, func(b []event.Row) error {
		if len(b) > c.Batch && c.Batch > 0 {
			t.Fatalf("a batch of %d rows, more than %d", len(b), c.Batch)
		}
		rows = append(rows, b...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows, known
}

// firstDiff says where two datasets first differ.
func firstDiff(want, got []event.Row) string {
	for i := range min(len(want), len(got)) {
		w, g := want[i], got[i]
		if w.ProjectID != g.ProjectID || w.Time != g.Time || w.Name != g.Name || w.DistinctID != g.DistinctID || w.InsertID != g.InsertID || string(w.Props) != string(g.Props) {
			return fmt.Sprintf("row %d:\nwant %+v %s\ngot  %+v %s", i, w, w.Props, g, g.Props)
		}
	}
	return fmt.Sprintf("%d rows, then %d", len(want), len(got))
}

// TestSameRowsAsTheReferences: both datasets, at sizes that end inside a
// session, at a user's end and after many users, and with batch sizes
// that do and do not divide them.
func TestSameRowsAsTheReferences(t *testing.T) {
	for _, n := range []int{0, 1, 3, 7, 99, 100, 150, 1001, 5_000} {
		want := refStore(n)
		wantB, wantKnown := refBackends(n)
		for _, batch := range []int{0, 7, 1000} {
			got, _ := generate(t, Config{Events: n, Names: StoreNames, Batch: batch})
			if digest(got) != digest(want) {
				t.Fatalf("store dataset, %d events, batch %d: %s", n, batch, firstDiff(want, got))
			}
			gotB, gotKnown := generate(t, Config{Events: n, Names: BackendNames, Exact: true, Batch: batch})
			if digest(gotB) != digest(wantB) {
				t.Fatalf("backend dataset, %d events, batch %d: %s", n, batch, firstDiff(wantB, gotB))
			}
			if len(gotB) != n {
				t.Fatalf("backend dataset: %d rows for %d events", len(gotB), n)
			}
			if !maps.Equal(gotKnown, wantKnown) {
				t.Fatalf("backend dataset, %d events: property names %v, want %v", n, slices.Sorted(maps.Keys(gotKnown)), slices.Sorted(maps.Keys(wantKnown)))
			}
		}
	}
}

// TestDigests100k pins the 100k-event datasets of both benchmarks: the
// digests the reference generators (the benchmarks' own, before this
// package) give, so that a change to the generator that changes the data
// fails here even if the references were changed with it.
var refDigests = flag.Bool("refdigests", false, "TestDigests100k: also log the slow references' digests")

func TestDigests100k(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	const (
		storeDigest    = "c98471252d25896fcaeb6e84f9ff77f53a0184ed4456e63c808116a8dc19b0dc"
		backendsDigest = "58b93752f4afe660ee9c293df3d04ec68588f4648b14898a06b7d56fbb43a084"
	)
	got, _ := generate(t, Config{Events: 100_000, Names: StoreNames})
	if d := digest(got); d != storeDigest {
		t.Errorf("store dataset at 100k: digest %s, want %s (the DuckDB benchmark's data changed)", d, storeDigest)
	}
	gotB, _ := generate(t, Config{Events: 100_000, Names: BackendNames, Exact: true})
	if d := digest(gotB); d != backendsDigest {
		t.Errorf("backend dataset at 100k: digest %s, want %s (sieve bench query's data changed)", d, backendsDigest)
	}
	if *refDigests {
		r, _ := refBackends(100_000)
		t.Logf("the references' digests: store %s, backends %s", digest(refStore(100_000)), digest(r))
	}
}

// TestEmitError: emit's error stops the generation and is returned.
func TestEmitError(t *testing.T) {
	calls := 0
	_, err := Generate(Config{Events: 10_000, Names: BackendNames, Exact: true, Batch: 100}, func([]event.Row) error {
		calls++
		return fmt.Errorf("full")
	})
	if err == nil || err.Error() != "full" || calls != 1 {
		t.Fatalf("err %v after %d calls, want full after 1", err, calls)
	}
}

// BenchmarkGenerate: events made per second (the references for scale).
func BenchmarkGenerate(b *testing.B) {
	b.Run("eventgen", func(b *testing.B) {
		for b.Loop() {
			Generate(Config{Events: 100_000, Names: BackendNames, Exact: true}, func([]event.Row) error { return nil })
		}
	})
	b.Run("reference", func(b *testing.B) {
		for b.Loop() {
			refBackends(100_000)
		}
	})
}
