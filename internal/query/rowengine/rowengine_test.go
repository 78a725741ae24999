package rowengine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/querytest"
)

// memBackend streams its rows, users resolved, to an Engine, as a store
// does after its push-down.
type memBackend struct {
	d       querytest.Data
	shuffle bool // users in reverse order, a user's rows in reverse time
}

func (b memBackend) Query(ctx context.Context, p query.Project, q *query.Query) (*query.Result, query.Stats, error) {
	_, readEnd := q.ReadRange(p.Loc())
	users := resolve(b.d.Rows, readEnd)
	prof := querytest.ProfileMap(b.d.Profiles)
	var profiles Profiles
	if q.ReadsProfiles() {
		profiles = func(u string) []byte { return prof[u] }
	}
	e := New(q, p, profiles)
	names := Events(q)
	var rows []Row
	early, earlyNames := Early(q, p.Loc())
	for i, r := range b.d.Rows {
		if names != nil && !slices.Contains(names, r.Name) {
			continue
		}
		if r.Time < early && !slices.Contains(earlyNames, r.Name) {
			continue
		}
		row := Row{Time: r.Time, Name: r.Name, User: users[i], Props: r.Props}
		// What a backend may leave out, the engine says so.
		if !e.NeedsUsers() {
			row.User = ""
		}
		if !e.NeedsProps() {
			row.Props = []byte("{}")
		}
		rows = append(rows, row)
	}
	slices.SortStableFunc(rows, func(a, b Row) int {
		if a.User != b.User && e.NeedsUserOrder() {
			return compare(a.User, b.User)
		}
		return int(a.Time - b.Time)
	})
	if b.shuffle {
		slices.Reverse(rows)
	}
	for _, r := range rows {
		if err := e.Add(r); err != nil {
			return nil, query.Stats{}, err
		}
	}
	res, err := e.Result()
	return res, query.Stats{RowsScanned: int64(len(rows))}, err
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// resolve is each row's user by package query's rule, written from its
// documentation (the ClickHouse store does this in SQL).
func resolve(rows []event.Row, readEnd int64) []string {
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	props := make([]map[string]any, len(rows))
	type link struct {
		t int64
		u string
	}
	links := map[string]link{}
	offer := func(dev, u string, t int64) {
		if dev == "" || u == "" {
			return
		}
		if l, ok := links[dev]; !ok || t < l.t || (t == l.t && u < l.u) {
			links[dev] = link{t, u}
		}
	}
	for i, r := range rows {
		_ = json.Unmarshal(r.Props, &props[i])
		if r.Time >= readEnd {
			continue
		}
		m := props[i]
		switch r.Name {
		case "$identify":
			id := str(m, "$identified_id")
			if id == "" {
				id = r.DistinctID
			}
			offer(str(m, "$anon_distinct_id"), id, r.Time)
		case "$create_alias", "$merge_dangerously":
			offer(str(m, "alias"), r.DistinctID, r.Time)
		}
		offer(str(m, "$device_id"), str(m, "$user_id"), r.Time)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		if u := str(props[i], "$user_id"); u != "" {
			out[i] = u
			continue
		}
		dev := r.DistinctID
		if d := str(props[i], "$device_id"); d != "" {
			dev = d
		}
		if l, ok := links[dev]; ok {
			dev = l.u
		}
		out[i] = dev
	}
	return out
}

func TestConformance(t *testing.T) {
	querytest.Run(t, func(t *testing.T, d querytest.Data) query.Backend { return memBackend{d: d} })
}

func TestDifferential(t *testing.T) {
	querytest.Differential(t, func(t *testing.T, d querytest.Data) query.Backend { return memBackend{d: d} }, 300)
}

// TestDifferentialReversed: users in any order and a user's rows in any
// order give the same answers.
func TestDifferentialReversed(t *testing.T) {
	querytest.Differential(t, func(t *testing.T, d querytest.Data) query.Backend { return memBackend{d: d, shuffle: true} }, 100)
}

func TestEvents(t *testing.T) {
	for _, c := range []struct {
		doc  string
		want []string
	}{
		{`{"kind":"trends","from":"2026-01-01","to":"2026-01-02","series":[{"event":"b"},{"event":"a"},{"event":"b"}]}`, []string{"a", "b"}},
		{`{"kind":"trends","from":"2026-01-01","to":"2026-01-02","series":[{"event":"b"},{}]}`, nil},
		{`{"kind":"funnels","from":"2026-01-01","to":"2026-01-02","series":[{"event":"b"},{"event":"a"}],"funnel":{"exclusions":[{"event":"x","from_step":0,"to_step":1}]}}`, []string{"a", "b", "x"}},
		{`{"kind":"funnels","from":"2026-01-01","to":"2026-01-02","series":[{"event":"b"},{"event":"a"}],"funnel":{"order":"strict"}}`, nil},
		{`{"kind":"retention","from":"2026-01-01","to":"2026-01-02","retention":{"start":{"event":"s"},"return":{"event":"r"}}}`, []string{"r", "s"}},
		{`{"kind":"retention","from":"2026-01-01","to":"2026-01-02","retention":{"start":{"event":"s"},"return":{}}}`, nil},
	} {
		q, err := query.Parse([]byte(c.doc))
		if err != nil {
			t.Fatal(err)
		}
		if got := Events(q); !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.doc, got, c.want)
		}
	}
}

// TestBadProps: stored properties that are not an object fail with an
// error that names no value.
func TestBadProps(t *testing.T) {
	q, err := query.Parse([]byte(`{"kind":"trends","from":"2026-01-01","to":"2026-01-02","series":[{"math":"sum","property":"x"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	e := New(q, query.Project{}, nil)
	err = e.Add(Row{Time: 1, Name: "n", User: "u", Props: []byte(`["secret-canary"]`)})
	if err == nil || err.Error() != errProps.Error() {
		t.Fatalf("got %v", err)
	}
}

// TestMemoryLimit: beyond its budget the engine fails with
// query.ErrMemoryLimit; within it, it answers.
func TestMemoryLimit(t *testing.T) {
	q, err := query.Parse([]byte(`{"kind":"trends","from":"2026-01-01","to":"2026-01-01","series":[{"math":"median","property":"x"}],"breakdown":[{"property":"b"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	run := func(limit int64) error {
		e := New(q, query.Project{}, nil)
		e.SetMemoryLimit(limit)
		for i := range 20000 {
			if err := e.Add(Row{Time: day + int64(i), Name: "n", User: fmt.Sprintf("u%d", i%500), Props: []byte(fmt.Sprintf(`{"x":%d,"b":"v%d"}`, i, i%300))}); err != nil {
				return err
			}
		}
		_, err := e.Result()
		return err
	}
	if err := run(100 << 10); !errors.Is(err, query.ErrMemoryLimit) {
		t.Fatalf("100 KiB: %v", err)
	}
	if err := run(100 << 20); err != nil {
		t.Fatalf("100 MiB: %v", err)
	}
}

// TestExtract: the properties a query reads decode as encoding/json
// decodes them (numbers' text kept, a repeated key's last value, escapes,
// nesting), and the others are skipped.
func TestExtract(t *testing.T) {
	e := &Engine{needed: map[string]bool{"a": true, "b": true, "c": true, "d": true, "e\u00e9": true, "f": true, "g": true}}
	for _, doc := range []string{
		`{"a":1,"b":"x","a":2.50}`,
		`{"a":-0,"b":1e3,"c":12.50,"d":null,"skip":{"a":1}}`,
		`{"e\u00e9":"\u00e9\n\"\\","f":[1,"x",{"y":[true,false,null]}],"g":{"h":1,"h":2}}`,
		`{}`,
	} {
		got, err := e.extract([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		want, err := decodeObject([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		delete(want, "skip")
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		if string(gj) != string(wj) {
			t.Errorf("%s: got %s, want %s", doc, gj, wj)
		}
		if v, ok := got["c"].(json.Number); ok && v.String() != "12.50" {
			t.Errorf("number text %q", v)
		}
	}
	for _, bad := range []string{`[1]`, `{"a":`, `"x"`} {
		if _, err := e.extract([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}
