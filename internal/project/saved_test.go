package project

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestSavedInsightsAndDashboardsPersist(t *testing.T) {
	dir := t.TempDir()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	def, err := r.EnsureDefault()
	if err != nil {
		t.Fatal(err)
	}
	pid := def.ID
	a, err := r.SaveInsight(pid, Insight{Name: " Sign-ups ", Query: json.RawMessage(`{"kind":"trends"}`)})
	if err != nil || a.ID == 0 || a.Name != "Sign-ups" || a.Created.IsZero() {
		t.Fatalf("SaveInsight = %+v, %v", a, err)
	}
	b, _ := r.SaveInsight(pid, Insight{Name: "Funnel", Query: json.RawMessage(`{"kind":"funnels"}`)})
	d, err := r.SaveDashboard(pid, Dashboard{Name: "Growth", Insights: []int64{a.ID, b.ID, a.ID}, From: "2026-01-01", To: "2026-01-31"})
	if err != nil || d.ID == a.ID || d.ID == b.ID {
		t.Fatalf("SaveDashboard = %+v, %v (ids must be unique)", d, err)
	}
	a.Name = "Sign-ups per day"
	changed, err := r.SaveInsight(pid, a)
	if err != nil || changed.Created != a.Created || changed.Name != "Sign-ups per day" {
		t.Fatalf("update = %+v, %v", changed, err)
	}
	if _, err := r.SaveInsight(pid, Insight{ID: 999, Name: "x"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("update of a missing insight: %v", err)
	}
	if _, err := r.SaveInsight(pid+100, Insight{Name: "x"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("insight of a missing project: %v", err)
	}
	// Deleting an insight takes it off the dashboard, every time it was there.
	if err := r.DeleteInsight(pid, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := r.DeleteInsight(pid, a.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}

	r2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ins, _ := r2.Insights(pid)
	var q struct{ Kind string }
	if len(ins) != 1 || ins[0].ID != b.ID || json.Unmarshal(ins[0].Query, &q) != nil || q.Kind != "funnels" {
		t.Fatalf("after reopening: insights %+v", ins)
	}
	got, err := r2.Dashboard(pid, d.ID)
	if err != nil || len(got.Insights) != 1 || got.Insights[0] != b.ID || got.From != "2026-01-01" || got.To != "2026-01-31" {
		t.Fatalf("after reopening: dashboard %+v, %v", got, err)
	}
	if err := r2.DeleteDashboard(pid, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := r2.Dashboard(pid, d.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted dashboard: %v", err)
	}
	if _, err := r2.Insight(pid, b.ID); err != nil {
		t.Fatalf("a dashboard's deletion removed its insight: %v", err)
	}
	// A new id never reuses one handed out before.
	c, _ := r2.SaveInsight(pid, Insight{Name: "c", Query: json.RawMessage(`{}`)})
	if c.ID <= d.ID {
		t.Fatalf("id %d reused (last was %d)", c.ID, d.ID)
	}
}
