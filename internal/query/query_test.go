package query

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseNamesTheWrongField(t *testing.T) {
	f := func(doc, field string) {
		t.Helper()
		_, err := Parse([]byte(doc))
		var fe *FieldError
		if !errors.As(err, &fe) || !errors.Is(err, ErrInvalid) || fe.Field != field {
			t.Errorf("%s: got %v, want an error on %s", doc, err, field)
		}
	}
	const r = `"from":"2026-03-01","to":"2026-03-31"`
	f(`{}`, "kind")
	f(`{"kind":"pie",`+r+`}`, "kind")
	f(`{"kind":"trends","from":"03/01/2026","to":"2026-03-31","series":[{}]}`, "from")
	f(`{"kind":"trends","from":"2026-03-02","to":"2026-03-01","series":[{}]}`, "to")
	f(`{"kind":"trends",`+r+`}`, "series")
	f(`{"kind":"trends",`+r+`,"interval":"fortnight","series":[{}]}`, "interval")
	f(`{"kind":"trends","from":"2020-01-01","to":"2026-01-01","interval":"hour","series":[{}]}`, "interval")
	f(`{"kind":"trends",`+r+`,"series":[{"math":"sum"}]}`, "series[0].property")
	f(`{"kind":"trends",`+r+`,"series":[{},{"math":"total","property":"x"}]}`, "series[1].property")
	f(`{"kind":"trends",`+r+`,"interval":"hour","series":[{"math":"mau"}]}`, "series[0].math")
	f(`{"kind":"trends",`+r+`,"series":[{}],"formulas":[{"formula":"A/C"}]}`, "formulas[0].formula")
	f(`{"kind":"trends",`+r+`,"series":[{}],"breakdown":[{"property":"a"},{"property":"b"},{"property":"c"},{"property":"d"}]}`, "breakdown")
	f(`{"kind":"trends",`+r+`,"series":[{}],"breakdown":[{"property":""}]}`, "breakdown[0].property")
	f(`{"kind":"trends",`+r+`,"series":[{}],"breakdown_limit":-1}`, "breakdown_limit")
	f(`{"kind":"trends",`+r+`,"series":[{"filter":{"and":[]}}]}`, "series[0].filter.and")
	f(`{"kind":"trends",`+r+`,"series":[{}],"filter":{"property":"age","scope":"profile","operator":"is_set"}}`, "filter.scope")
	f(`{"kind":"trends",`+r+`,"series":[{}],"breakdown":[{"property":"age","scope":"user","bins":4}]}`, "breakdown[0].bins")
	f(`{"kind":"addiction",`+r+`,"series":[{}],"breakdown":[{"property":"n","bins":4}]}`, "breakdown[0].bins")
	f(`{"kind":"funnels",`+r+`,"series":[{"event":"a"},{"event":"b","filter":{"property":"x","operator":"between","value":1}}]}`, "series[1].filter.value")
	f(`{"kind":"trends",`+r+`,"series":[{}],"funnel":{}}`, "funnel")
	f(`{"kind":"trends",`+r+`,"series":[{}],"breakdown":[{"expr":"properties[\"a\"] +"}]}`, "breakdown[0].expr")
	f(`{"kind":"trends",`+r+`,"series":[{}],"breakdown":[{"expr":"properties[\"a\"] * 2","property":"a"}]}`, "breakdown[0]")
	f(`{"kind":"retention",`+r+`,"retention":{"start":{"event":"a"},"return":{},"width":91}}`, "retention.width")
	f(`{"kind":"retention",`+r+`,"retention":{"start":{"event":"a"},"return":{},"intervals":10,"width":40}}`, "retention.width")
	f(`{"kind":"addiction",`+r+`,"series":[{}]}`, "addiction")
	f(`{"kind":"addiction",`+r+`,"series":[{}],"addiction":{"unit":"day"}}`, "addiction.unit")
	f(`{"kind":"addiction",`+r+`,"interval":"week","series":[{}],"addiction":{"unit":"week"}}`, "addiction.unit")
	f(`{"kind":"addiction",`+r+`,"interval":"week","series":[{},{}],"addiction":{"unit":"day"}}`, "series")
	f(`{"kind":"trends",`+r+`,"series":[{}],"addiction":{"unit":"day"}}`, "addiction")
	f(`{"kind":"funnels",`+r+`,"series":[{"event":"a"},{}]}`, "series[1].event")
	f(`{"kind":"funnels",`+r+`,"series":[{"event":"a"},{"event":"b"}],"funnel":{"window_unit":"year"}}`, "funnel.window_unit")
	f(`{"kind":"funnels",`+r+`,"series":[{"event":"a"},{"event":"b"}],"funnel":{"window":400}}`, "funnel.window")
	f(`{"kind":"funnels",`+r+`,"series":[{"event":"a"},{"event":"b"}],"funnel":{"order":"random"}}`, "funnel.order")
	f(`{"kind":"funnels",`+r+`,"series":[{"event":"a"},{"event":"b"}],"funnel":{"exclusions":[{"event":"x","from_step":1,"to_step":1}]}}`, "funnel.exclusions[0].to_step")
	f(`{"kind":"funnels",`+r+`,"series":[{"event":"a"},{"event":"b"}],"funnel":{"order":"any","exclusions":[{"event":"x","from_step":0,"to_step":1}]}}`, "funnel.exclusions[0]")
	f(`{"kind":"funnels",`+r+`,"series":[{"event":"a"},{"event":"b"}],"compare":true}`, "compare")
	f(`{"kind":"retention",`+r+`}`, "retention")
	f(`{"kind":"retention",`+r+`,"retention":{"return":{}}}`, "retention.start.event")
	f(`{"kind":"retention",`+r+`,"interval":"hour","retention":{"start":{"event":"a"}}}`, "interval")
	f(`{"kind":"retention",`+r+`,"retention":{"start":{"event":"a"},"intervals":1000}}`, "retention.intervals")
	f(`{"kind":"trends",`+r+`,"series":[{}],"extra":1}`, "document")
	f(`{"kind":"trends",`+r+`,"series":{}}`, "document")
	f(`{"kind":"trends"`, "document")
}

func TestParseDefaults(t *testing.T) {
	q, err := Parse([]byte(`{"kind":"funnels","from":"2026-03-01","to":"2026-03-31","series":[{"event":"a"},{"event":"b"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if q.Interval != Day || q.Funnel.Window != 14 || q.Funnel.WindowUnit != "day" || q.Funnel.Order != Ordered || q.BreakdownLimit != 25 {
		t.Errorf("defaults: %+v %+v", q, q.Funnel)
	}
	if q.Funnel.WindowMillis() != 14*86_400_000 {
		t.Errorf("window %d", q.Funnel.WindowMillis())
	}
}

func TestFormula(t *testing.T) {
	f := func(src string, want float64) {
		t.Helper()
		fn, err := ParseFormula(src, 3)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if got := fn([]float64{10, 4, 0}); got != want {
			t.Errorf("%s = %v, want %v", src, got, want)
		}
	}
	f("A/B*100", 250)
	f("A - B - 1", 5)
	f("-(A+B)*2", -28)
	f("A/C", 0)
	f("(A+B)/(B-2)", 7)
	f(" 1.5 * A ", 15)
	for _, bad := range []string{"", "A+", "A D", "(A", "a", "A/D", "1..2"} {
		if _, err := ParseFormula(bad, 3); err == nil {
			t.Errorf("%q: no error", bad)
		} else if bad != "" && !strings.Contains(err.Error(), "column") {
			t.Errorf("%q: error %v does not name the column", bad, err)
		}
	}
}

func TestBucketsAcrossDST(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	b := MakeBuckets(Hour, ny, "2026-03-08", "2026-03-08")
	if len(b.Keys) != 23 || b.Labels[2] != "2026-03-08T03:00:00-04:00" {
		t.Errorf("spring-forward day: %d hours, third %s", len(b.Keys), b.Labels[2])
	}
	b = MakeBuckets(Hour, ny, "2026-11-01", "2026-11-01")
	if len(b.Keys) != 25 || b.Labels[1] != "2026-11-01T01:00:00-04:00" || b.Labels[2] != "2026-11-01T01:00:00-05:00" {
		t.Errorf("fall-back day: %d hours %v", len(b.Keys), b.Labels[:3])
	}
	q := &Query{From: "2026-03-08", To: "2026-03-08"}
	s, e := q.Range(ny)
	if e-s != 23*3_600_000 {
		t.Errorf("2026-03-08 in New York lasts %v", time.Duration(e-s)*time.Millisecond)
	}
	b = MakeBuckets(Week, ny, "2026-03-04", "2026-03-16")
	if got := strings.Join(b.Keys, " "); got != "2026-03-02 2026-03-09 2026-03-16" {
		t.Errorf("weeks: %s", got)
	}
	b = MakeBuckets(Month, time.UTC, "2026-01-31", "2026-03-01")
	if got := strings.Join(b.Keys, " "); got != "2026-01-01 2026-02-01 2026-03-01" {
		t.Errorf("months: %s", got)
	}
	offs := Offsets(ny, s-86_400_000, e+86_400_000)
	if len(offs) != 2 || offs[0].Offset != -5*3_600_000 || offs[1].Offset != -4*3_600_000 || offs[1].At != time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC).UnixMilli() {
		t.Errorf("offsets: %+v", offs)
	}
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	if PeriodsBetween(Week, d("2026-03-08"), d("2026-03-09")) != 1 || PeriodsBetween(Month, d("2026-01-31"), d("2026-02-01")) != 1 ||
		PeriodsBetween(Day, d("2026-03-09"), d("2026-03-08")) != -1 {
		t.Error("PeriodsBetween")
	}
}

func TestPreviousPeriod(t *testing.T) {
	if f, to := PreviousPeriod("2026-03-01", "2026-03-07"); f != "2026-02-22" || to != "2026-02-28" {
		t.Errorf("previous of a week: %s..%s", f, to)
	}
}

// emptyBackend answers every trend with no rows, as a store does when a
// breakdown finds no tuple.
type emptyBackend struct{}

func (emptyBackend) Query(_ context.Context, _ Project, q *Query) (*Result, Stats, error) {
	return &Result{Trends: &TrendsResult{Buckets: []string{q.From}}}, Stats{}, nil
}

func TestRunAnswersNoRowsAsEmptyList(t *testing.T) {
	for _, compare := range []bool{false, true} {
		q := &Query{Kind: Trends, From: "2026-01-01", To: "2026-01-01", Compare: compare, Series: []Series{{Event: "e"}}}
		res, _, err := Run(context.Background(), emptyBackend{}, Project{ID: 1}, q)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(res)
		if !strings.Contains(string(b), `"series":[]`) {
			t.Errorf("compare=%v: %s", compare, b)
		}
	}
}

// An expression breakdown's properties are what the query reads (the audit
// log lists them), and a profile property in it makes the query read
// profiles.
func TestExprBreakdownProperties(t *testing.T) {
	q, err := Parse([]byte(`{"kind":"trends","from":"2026-03-01","to":"2026-03-02","series":[{}],"breakdown":[{"expr":"number(properties[\"amount\"]) > number(user[\"limit\"])"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(q.Properties(), ",")
	if !strings.Contains(got, "amount") || !strings.Contains(got, "user.limit") || !q.ReadsProfiles() {
		t.Errorf("properties %q, reads profiles %v", got, q.ReadsProfiles())
	}
}

// TestBinLabels: bounds are rounded past the float noise of the width's
// sums; the last bound is hi itself.
func TestBinLabels(t *testing.T) {
	got := Bins{Lo: 0, Hi: 87, N: 10}.Labels()
	if got[2] != "17.4 - 26.1" || got[5] != "43.5 - 52.2" || got[9] != "78.3 - 87" || len(got) != 10 {
		t.Errorf("labels %q", got)
	}
	if got := (Bins{Lo: 5, Hi: 5, N: 4}).Labels(); len(got) != 1 || got[0] != "5 - 5" {
		t.Errorf("one value: %q", got)
	}
}
