package project

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// Insight is a saved insight of a project: a name and a query document
// (opaque to this package; the API validates it).
type Insight struct {
	ID      int64           `json:"id"`
	Name    string          `json:"name"`
	Query   json.RawMessage `json:"query"`
	Created time.Time       `json:"created_at"`
	Updated time.Time       `json:"updated_at"`
}

// Dashboard is a saved dashboard: insights in order and an optional
// dashboard-wide date range (From and To, yyyy-mm-dd, both or neither).
type Dashboard struct {
	ID       int64     `json:"id"`
	Name     string    `json:"name"`
	Insights []int64   `json:"insights"`
	From     string    `json:"from,omitempty"`
	To       string    `json:"to,omitempty"`
	Created  time.Time `json:"created_at"`
	Updated  time.Time `json:"updated_at"`
}

func (i Insight) id() int64              { return i.ID }
func (d Dashboard) id() int64            { return d.ID }
func (i Insight) createdAt() time.Time   { return i.Created }
func (d Dashboard) createdAt() time.Time { return d.Created }

// Insights lists a project's saved insights, oldest first.
func (r *Registry) Insights(projectID int64) ([]Insight, error) {
	return list(r, projectID, func(rec *projectRecord) *[]Insight { return &rec.Insights })
}

// Insight returns one saved insight.
func (r *Registry) Insight(projectID, id int64) (Insight, error) {
	return one(r, projectID, id, func(rec *projectRecord) *[]Insight { return &rec.Insights })
}

// SaveInsight creates (ID 0) or replaces a saved insight and returns it.
func (r *Registry) SaveInsight(projectID int64, in Insight) (Insight, error) {
	if err := validName(in.Name); err != nil {
		return Insight{}, err
	}
	return put(r, projectID, in, func(rec *projectRecord) *[]Insight { return &rec.Insights },
		func(v *Insight, id int64, created, now time.Time) {
			v.ID, v.Name, v.Created, v.Updated = id, strings.TrimSpace(v.Name), created, now
		})
}

// DeleteInsight removes a saved insight and takes it off every dashboard.
func (r *Registry) DeleteInsight(projectID, id int64) error {
	return remove(r, projectID, id, func(rec *projectRecord) *[]Insight { return &rec.Insights }, func(rec *projectRecord) func() {
		old := rec.Dashboards
		rec.Dashboards = make([]Dashboard, len(old))
		for i, d := range old {
			d.Insights = slices.DeleteFunc(slices.Clone(d.Insights), func(x int64) bool { return x == id })
			rec.Dashboards[i] = d
		}
		return func() { rec.Dashboards = old }
	})
}

// Dashboards lists a project's dashboards, oldest first.
func (r *Registry) Dashboards(projectID int64) ([]Dashboard, error) {
	return list(r, projectID, func(rec *projectRecord) *[]Dashboard { return &rec.Dashboards })
}

// Dashboard returns one dashboard.
func (r *Registry) Dashboard(projectID, id int64) (Dashboard, error) {
	return one(r, projectID, id, func(rec *projectRecord) *[]Dashboard { return &rec.Dashboards })
}

// SaveDashboard creates (ID 0) or replaces a dashboard and returns it.
func (r *Registry) SaveDashboard(projectID int64, d Dashboard) (Dashboard, error) {
	if err := validName(d.Name); err != nil {
		return Dashboard{}, err
	}
	if d.Insights == nil {
		d.Insights = []int64{}
	}
	return put(r, projectID, d, func(rec *projectRecord) *[]Dashboard { return &rec.Dashboards },
		func(v *Dashboard, id int64, created, now time.Time) {
			v.ID, v.Name, v.Created, v.Updated = id, strings.TrimSpace(v.Name), created, now
		})
}

// DeleteDashboard removes a dashboard (its insights stay saved).
func (r *Registry) DeleteDashboard(projectID, id int64) error {
	return remove(r, projectID, id, func(rec *projectRecord) *[]Dashboard { return &rec.Dashboards }, nil)
}

// The helpers below hold the locking, lookup and atomic save that saved
// insights and dashboards share.

type saved interface {
	Insight | Dashboard
	id() int64
	createdAt() time.Time
}

func list[T saved](r *Registry, projectID int64, field func(*projectRecord) *[]T) ([]T, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	rec, ok := r.byID[projectID]
	if !ok {
		return nil, ErrNotFound
	}
	return append([]T{}, *field(rec)...), nil
}

func one[T saved](r *Registry, projectID, id int64, field func(*projectRecord) *[]T) (T, error) {
	all, err := list(r, projectID, field)
	if err == nil {
		for _, v := range all {
			if v.id() == id {
				return v, nil
			}
		}
		err = ErrNotFound
	}
	var zero T
	return zero, err
}

// put creates v when its id is 0 (a fresh id unique in the registry) or
// replaces the item with its id; stamp sets id, name and times.
func put[T saved](r *Registry, projectID int64, v T, field func(*projectRecord) *[]T, stamp func(v *T, id int64, created, now time.Time)) (T, error) {
	var zero T
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, ok := r.byID[projectID]
	if !ok {
		return zero, ErrNotFound
	}
	items := field(rec)
	old := *items
	now := time.Now().UTC()
	if v.id() == 0 {
		r.st.NextSavedID++
		stamp(&v, r.st.NextSavedID, now, now)
		*items = append(slices.Clone(old), v)
	} else {
		i := slices.IndexFunc(old, func(x T) bool { return x.id() == v.id() })
		if i < 0 {
			return zero, ErrNotFound
		}
		stamp(&v, v.id(), old[i].createdAt(), now)
		*items = slices.Clone(old)
		(*items)[i] = v
	}
	if err := r.save(); err != nil {
		*items = old
		return zero, err
	}
	return v, nil
}

// remove deletes the item with id; also (when not nil) changes the record
// further and returns how to undo that if saving fails.
func remove[T saved](r *Registry, projectID, id int64, field func(*projectRecord) *[]T, also func(*projectRecord) func()) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, ok := r.byID[projectID]
	if !ok {
		return ErrNotFound
	}
	items := field(rec)
	old := *items
	i := slices.IndexFunc(old, func(x T) bool { return x.id() == id })
	if i < 0 {
		return ErrNotFound
	}
	*items = slices.Delete(slices.Clone(old), i, i+1)
	undo := func() {}
	if also != nil {
		undo = also(rec)
	}
	if err := r.save(); err != nil {
		*items = old
		undo()
		return err
	}
	return nil
}
