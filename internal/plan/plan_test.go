package plan

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

const planJSON = `{"mode":"report","events":{
  "Signed Up":{"properties":{
    "plan":{"type":"string","enum":["free","pro"]},
    "seats":{"type":"integer","minimum":1,"maximum":500},
    "price":{"type":"number"},
    "referrer":{"type":["string","null"],"maxLength":10},
    "address":{"type":"object","properties":{"city":{"type":"string"}}},
    "tags":{"type":"array","items":{"type":"string"}}
  }}}}`

func load(t *testing.T, mode, unplanned string) *Plan {
	t.Helper()
	var p Plan
	if err := json.Unmarshal([]byte(planJSON), &p); err != nil {
		t.Fatal(err)
	}
	p.Mode, p.UnplannedEvents = mode, unplanned
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	return &p
}

func check(t *testing.T, p *Plan, name, props string) (string, []string, bool) {
	t.Helper()
	var ps fastjson.Parser
	v, err := ps.Parse(props)
	if err != nil {
		t.Fatal(err)
	}
	ev := event.Event{ProjectID: 7, Name: name, DistinctID: "u1", Props: v}
	fs, drop := p.Check(&ev, nil)
	var got []string
	for _, f := range fs {
		if f.Class != Class || f.ProjectID != 7 || f.Event != name {
			t.Fatalf("finding %+v", f)
		}
		got = append(got, f.Path+" "+f.Detector+" "+f.Action)
	}
	slices.Sort(got)
	return v.String(), got, drop
}

const sent = `{"token":"t","distinct_id":"u1","$browser":"Firefox","mp_lib":"web","plan":"gold","seats":"3","price":9,"referrer":"a-very-long-referrer","address":{"city":"Oslo","street":"Main St 1"},"tags":["a",2],"coupon":"X1"}`

func TestReport(t *testing.T) {
	p := load(t, Report, "")
	out, fs, drop := check(t, p, "Signed Up", sent)
	want := []string{
		"address.street plan.unplanned_property keep",
		"coupon plan.unplanned_property keep",
		"plan plan.enum keep",
		"referrer plan.max_length keep",
		"seats plan.type:string_not_integer keep",
		"tags[1] plan.type:integer_not_string keep",
	}
	if drop || !slices.Equal(fs, want) || out != sent {
		t.Fatalf("report:\n%s\n%v\ndrop %v", out, strings.Join(fs, "\n"), drop)
	}
	if _, fs, drop := check(t, p, "Unknown", `{"a":1}`); drop || !slices.Equal(fs, []string{" plan.unplanned_event keep"}) {
		t.Fatalf("unplanned event in report: %v %v", fs, drop)
	}
	if _, fs, _ := check(t, p, "$identify", `{"a":1}`); len(fs) != 0 {
		t.Fatalf("an SDK event was checked: %v", fs)
	}
	if _, fs, _ := check(t, p, "Signed Up", `{"plan":"pro","seats":3,"price":1.5,"referrer":null,"tags":[]}`); len(fs) != 0 {
		t.Fatalf("a conforming event: %v", fs)
	}
}

func TestEnforceDropsOnlyWhatIsUnplanned(t *testing.T) {
	p := load(t, Enforce, "")
	out, fs, drop := check(t, p, "Signed Up", sent)
	want := []string{
		"address.street plan.unplanned_property drop_property",
		"coupon plan.unplanned_property drop_property",
		"plan plan.enum keep",
		"referrer plan.max_length keep",
		"seats plan.type:string_not_integer keep",
		"tags[1] plan.type:integer_not_string keep",
	}
	wantOut := `{"token":"t","distinct_id":"u1","$browser":"Firefox","mp_lib":"web","plan":"gold","seats":"3","price":9,"referrer":"a-very-long-referrer","address":{"city":"Oslo"},"tags":["a",2]}`
	if drop || !slices.Equal(fs, want) || out != wantOut {
		t.Fatalf("enforce:\n%s\n%v", out, strings.Join(fs, "\n"))
	}
	if _, fs, drop := check(t, p, "Unknown", `{"a":1}`); drop || !slices.Equal(fs, []string{" plan.unplanned_event keep"}) {
		t.Fatalf("unplanned event kept: %v %v", fs, drop)
	}
	p = load(t, Enforce, Drop)
	if _, fs, drop := check(t, p, "Unknown", `{"a":1}`); !drop || !slices.Equal(fs, []string{" plan.unplanned_event drop_event"}) {
		t.Fatalf("unplanned event dropped: %v %v", fs, drop)
	}
	if _, fs, _ := check(t, load(t, Off, ""), "Unknown", sent); len(fs) != 0 {
		t.Fatal("off checks")
	}
}

func TestValidate(t *testing.T) {
	for _, doc := range []string{
		`{"mode":"strict"}`,
		`{"mode":"enforce","unplanned_events":"maybe"}`,
		`{"events":{"":{}}}`,
		`{"events":{"e":{"properties":{"p":{"type":"date"}}}}}`,
		`{"events":{"e":{"properties":{"p":{"enum":[{"a":1}]}}}}}`,
		`{"events":{"e":{"properties":{"p":{"maxLength":-1}}}}}`,
	} {
		var p Plan
		err := json.Unmarshal([]byte(doc), &p)
		if err == nil {
			err = p.Validate()
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", doc, err)
		}
	}
}

func TestStoreReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Get(3).Mode != Off {
		t.Fatal("default mode")
	}
	if err := s.Put(3, load(t, Enforce, Drop)); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p := s2.Get(3); p.Mode != Enforce || p.UnplannedEvents != Drop || len(p.Events) != 1 {
		t.Fatalf("reopened: %+v", p)
	}
}
