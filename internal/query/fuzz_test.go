package query

import (
	"errors"
	"testing"
)

// FuzzParse: any input gives a valid query or a *FieldError, never a panic;
// a valid query validates again unchanged.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"kind":"trends","from":"2026-03-01","to":"2026-03-31","series":[{"event":"a","math":"p99","property":"x"}],"breakdown":[{"property":"plan"}],"formulas":[{"formula":"A/B*100"}]}`,
		`{"kind":"funnels","from":"2026-03-01","to":"2026-03-02","series":[{"event":"a"},{"event":"b"}],"funnel":{"window":3,"window_unit":"hour","order":"strict","exclusions":[{"event":"c","from_step":0,"to_step":1}]}}`,
		`{"kind":"retention","from":"2026-03-01","to":"2026-03-02","interval":"week","retention":{"start":{"event":"a"},"return":{},"mode":"on_or_after","type":"recurring"}}`,
		`{"kind":"trends","from":"2026-03-01","to":"2026-03-01","interval":"hour","series":[{}],"compare":true}`,
		`[]`, `{"kind":1}`, `{"formulas":[{"formula":"((("}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := Parse(data)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a FieldError", err)
			}
			return
		}
		if err := q.Validate(); err != nil {
			t.Fatalf("a parsed query fails validation: %v", err)
		}
		for _, fm := range q.Formulas {
			fn, err := ParseFormula(fm.Formula, len(q.Series))
			if err != nil {
				t.Fatal(err)
			}
			fn(make([]float64, len(q.Series)))
		}
	})
}

// FuzzFormula: the formula parser never panics, and a parsed formula
// evaluates.
func FuzzFormula(f *testing.F) {
	for _, s := range []string{"A/B*100", "-(A+B)*2", "A/(B-B)", "1.5*A+C", "((A)", "A..B", "Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		fn, err := ParseFormula(src, 3)
		if err == nil {
			fn([]float64{1, 2, 3})
		}
	})
}
