package advisory

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/lexicon"
)

func TestRange(t *testing.T) {
	f := func(rng, v string, want bool) {
		t.Helper()
		r, err := ParseRange(rng)
		if err != nil {
			t.Fatalf("ParseRange(%q): %v", rng, err)
		}
		if got := r.Match(v); got != want {
			t.Errorf("%q matches %q = %v, want %v", rng, v, got, want)
		}
	}
	f("<2.3.0", "2.2.9", true)
	f("<2.3.0", "2.3.0", false)
	f("<2.3.0", "2.3", false)
	f("<2.3.0", "2.10.0", false)
	f(">=2.0.0 <2.3.1", "2.3.0", true)
	f(">=2.0.0 <2.3.1", "1.9.9", false)
	f("<2.3.0", "2.3.0-beta.1", true)
	f("<=2.3.0", "v2.3.0", true)
	f("=2.1.0 || >=3.0.0 <3.1", "3.0.5", true)
	f("=2.1.0 || >=3.0.0 <3.1", "2.1.0", true)
	f("=2.1.0 || >=3.0.0 <3.1", "2.1.1", false)
	f("2.1.0", "2.1.0+build7", true)
	f("*", "anything", true)
	f("<3", "not-a-version", false)
	for _, bad := range []string{"", "<", ">=x.y", "<2.0.0 ||", strings.Repeat("1", 300)} {
		if _, err := ParseRange(bad); err == nil {
			t.Errorf("ParseRange(%q) accepted", bad)
		}
	}
}

func enforce(t *testing.T, r *Registry, lib, ver, props string) (string, Outcome) {
	t.Helper()
	v, err := fastjson.Parse(props)
	if err != nil {
		t.Fatal(err)
	}
	ev := &event.Event{Lib: lib, LibVersion: ver, Props: v}
	var a fastjson.Arena
	out := r.Enforce(ev, &a)
	return string(ev.Props.MarshalTo(nil)), out
}

func TestEnforce(t *testing.T) {
	r, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	must := func(a Advisory) Advisory {
		t.Helper()
		got, err := r.Add(a, now)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	must(Advisory{Lib: "web", Versions: "<2.3.0", Action: StripAutotrackValues, Description: "React value mirroring"})
	must(Advisory{Lib: "python", Versions: "4.0.0", Action: DropProperties, Properties: []string{"password", "user.pin", "forms[].secret"}})
	must(Advisory{Lib: "ios", Versions: "<1.0", Action: Reject})

	got, out := enforce(t, r, "web", "2.1.0", `{"$elements":[{"tag_name":"input","attr__value":"pw1","attr__type":"password","attributes":{"value":"pw2","id":"x"}}],"$elements_chain":"input:attr__type=\"password\"attr__value=\"pw\\\"3\"nth-child=\"1\";form:attr__id=\"f\"","plan":"pro"}`)
	if strings.Contains(got, "pw1") || strings.Contains(got, "pw2") || strings.Contains(got, "pw\\\"3") || strings.Contains(got, "attr__value") {
		t.Errorf("strip left a value: %s", got)
	}
	if !strings.Contains(got, `attr__type`) || !strings.Contains(got, `nth-child=\"1\";form:attr__id=\"f\"`) || !strings.Contains(got, `"plan":"pro"`) {
		t.Errorf("strip removed too much: %s", got)
	}
	if len(out.Applied) != 1 || out.Reject {
		t.Errorf("outcome %+v", out)
	}
	// A newer version is left alone.
	if got, out := enforce(t, r, "web", "2.3.0", `{"$elements":[{"attr__value":"v"}]}`); !strings.Contains(got, "attr__value") || len(out.Applied) != 0 {
		t.Errorf("unaffected version changed: %s %+v", got, out)
	}
	got, _ = enforce(t, r, "python", "4.0.0", `{"password":"a","user":{"pin":"1","name":"n"},"forms":[{"secret":"s","k":1},{"secret":"t"}],"keep":1}`)
	if got != `{"user":{"name":"n"},"forms":[{"k":1},{}],"keep":1}` {
		t.Errorf("drop_properties gave %s", got)
	}
	if _, out := enforce(t, r, "ios", "0.9.1", `{"a":1}`); !out.Reject {
		t.Errorf("reject not applied")
	}
	// Reload from the file.
	r2, err := Open(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(r2.List()) != 3 {
		t.Errorf("reloaded %d advisories", len(r2.List()))
	}
	if a, _ := r2.Add(Advisory{Lib: "web", Versions: "*", Action: Reject}, now); a.ID != 4 {
		t.Errorf("next id after reload %d", a.ID)
	}
}

func TestAddValidates(t *testing.T) {
	r, _ := Open("")
	secret := "Xy7!echo-canary"
	for _, a := range []Advisory{
		{Lib: "", Versions: "<1", Action: Reject},
		{Lib: "web", Versions: secret, Action: Reject},
		{Lib: "web", Versions: "<1", Action: secret},
		{Lib: "web", Versions: "<1", Action: DropProperties},
		{Lib: "web", Versions: "<1", Action: DropProperties, Properties: []string{"a..b"}},
		{Lib: "web", Versions: "<1", Action: Reject, Properties: []string{"x"}},
	} {
		_, err := r.Add(a, time.Now())
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: err %v", a, err)
		} else if strings.Contains(err.Error(), secret) {
			t.Errorf("error echoes input: %v", err)
		}
	}
}

type fleet map[int64][]lexicon.SDK

func (f fleet) ProjectIDs() []int64 {
	return []int64{1, 2, 3}
}
func (f fleet) SDKs(id int64) []lexicon.SDK { return f[id] }

func TestReportUpdatedShare(t *testing.T) {
	a := Advisory{ID: 1, Lib: "web", Versions: "<2.3.0", Action: StripAutotrackValues}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sdk := func(v string, n int64, first, last int) lexicon.SDK {
		return lexicon.SDK{Lib: "web", Version: v, Events: n, FirstSeen: t0.Add(time.Duration(first) * time.Hour), LastSeen: t0.Add(time.Duration(last) * time.Hour)}
	}
	fl := fleet{
		1: {sdk("2.1.0", 10, 0, 5), sdk("2.4.0", 3, 6, 8)}, // updated
		2: {sdk("2.2.0", 7, 1, 9), sdk("2.4.0", 1, 2, 3)},  // newer seen, but old still after
		3: {sdk("2.4.0", 5, 0, 9)},                         // never affected
	}
	rep := BuildReport(a, fl, func(id int64) string { return "p" }, t0)
	if rep.AffectedProjects != 2 || rep.UpdatedProjects != 1 || rep.UpdatedShare != 0.5 || len(rep.StillSending) != 1 || rep.StillSending[0] != 2 {
		t.Fatalf("report %+v", rep)
	}
	if !rep.Projects[1].LastAffected.Equal(t0.Add(9 * time.Hour)) {
		t.Errorf("last affected %v", rep.Projects[1].LastAffected)
	}
	fl[2] = append(fl[2], sdk("2.5.0", 1, 10, 10))
	rep = BuildReport(a, fl, nil, t0)
	if rep.UpdatedShare != 1 || len(rep.StillSending) != 0 {
		t.Errorf("after the update: %+v", rep)
	}
}

// The traffic share counts, over the last seven UTC days, the affected
// projects' events from fixed versions against all their events of the lib.
func TestReportTrafficShare(t *testing.T) {
	a := Advisory{ID: 1, Lib: "web", Versions: "<2.3.0", Action: StripAutotrackValues}
	now := time.Date(2026, 3, 20, 15, 0, 0, 0, time.UTC)
	sdk := func(lib, v string, days map[string]int64) lexicon.SDK {
		var n int64
		for _, c := range days {
			n += c
		}
		return lexicon.SDK{Lib: lib, Version: v, Events: n, FirstSeen: now.AddDate(0, 0, -30), LastSeen: now, Days: days}
	}
	fl := fleet{
		1: {sdk("web", "2.1.0", map[string]int64{"2026-03-01": 100, "2026-03-19": 6, "2026-03-20": 2}), sdk("web", "2.4.0", map[string]int64{"2026-03-20": 8}),
			sdk("ios", "1.0.0", map[string]int64{"2026-03-20": 50})}, // another lib: not counted
		2: {sdk("web", "2.2.0", map[string]int64{"2026-03-14": 4, "2026-03-13": 1000})}, // 03-13 is outside the seven days
		3: {sdk("web", "2.4.0", map[string]int64{"2026-03-20": 70})},                    // never affected: not counted
	}
	rep := BuildReport(a, fl, nil, now)
	if len(rep.Traffic) != TrafficWindowDays || rep.Traffic[0].Day != "2026-03-07" || rep.Traffic[13].Day != "2026-03-20" {
		t.Fatalf("days: %+v", rep.Traffic)
	}
	if got := rep.Traffic[13]; got.Affected != 2 || got.Fixed != 8 {
		t.Errorf("today: %+v", got)
	}
	if got := rep.Traffic[6]; got.Day != "2026-03-13" || got.Affected != 1000 {
		t.Errorf("03-13: %+v", got)
	}
	// Last seven days: affected 6 + 2 + 4, fixed 8.
	if want := 8.0 / 20; rep.FixedTrafficShare != want {
		t.Errorf("share %v, want %v", rep.FixedTrafficShare, want)
	}
}
