package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/project"
	"github.com/sieve-analytics/sieve/internal/query"
)

// Saved insights and dashboards (docs/API.md): the analyst role reads and
// writes them, as it runs queries; every read and change is audited.

// maxDashboardInsights bounds a dashboard (each tile runs a query).
const maxDashboardInsights = 100

// insightBody is the body of POST and PUT .../insights.
type insightBody struct {
	Name  string          `json:"name"`
	Query json.RawMessage `json:"query"`
}

// dashboardBody is the body of POST and PUT .../dashboards (fields the API
// itself answers, such as id and times, are accepted and ignored so that a
// client may send back what it read).
type dashboardBody struct {
	Name     string    `json:"name"`
	Insights []int64   `json:"insights"`
	From     string    `json:"from"`
	To       string    `json:"to"`
	ID       int64     `json:"id"`
	Created  time.Time `json:"created_at"`
	Updated  time.Time `json:"updated_at"`
}

// savedID reads the path value name as a positive integer.
func savedID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, badRequest(name + " must be a positive integer")
	}
	return id, nil
}

// insight validates a body into an Insight: the query must be a valid
// query document (the message names the field, as POST .../query does).
func (b insightBody) insight() (project.Insight, error) {
	if len(bytes.TrimSpace(b.Query)) == 0 || bytes.Equal(bytes.TrimSpace(b.Query), []byte("null")) {
		return project.Insight{}, badRequest("query is required: a query document (docs/QUERIES.md)")
	}
	if _, err := query.Parse(b.Query); err != nil {
		return project.Insight{}, queryError(err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b.Query); err != nil {
		return project.Insight{}, badRequest("query must be a JSON object")
	}
	return project.Insight{Name: b.Name, Query: buf.Bytes()}, nil
}

// dashboard validates a body into a Dashboard of project pid: its insights
// exist in the project, and its range is both dates or neither.
func (a *API) dashboard(pid int64, b dashboardBody) (project.Dashboard, error) {
	if (b.From == "") != (b.To == "") {
		return project.Dashboard{}, badRequest("from and to go together: both dates (yyyy-mm-dd) or neither")
	}
	if b.From != "" {
		from, err1 := time.Parse(time.DateOnly, b.From)
		to, err2 := time.Parse(time.DateOnly, b.To)
		if err1 != nil || err2 != nil {
			return project.Dashboard{}, badRequest("from and to must be dates (yyyy-mm-dd)")
		}
		if to.Before(from) {
			return project.Dashboard{}, badRequest("from must not be after to")
		}
	}
	if len(b.Insights) > maxDashboardInsights {
		return project.Dashboard{}, badRequest(fmt.Sprintf("a dashboard holds at most %d insights", maxDashboardInsights))
	}
	for i, iid := range b.Insights {
		if _, err := a.projects.Insight(pid, iid); err != nil {
			return project.Dashboard{}, badRequest(fmt.Sprintf("insights[%d]: no saved insight %d in this project", i, iid))
		}
	}
	return project.Dashboard{Name: b.Name, Insights: b.Insights, From: b.From, To: b.To}, nil
}

// savedKind is one kind of saved object (insights, dashboards): how the
// generic handlers below read, validate, store and audit it. Both kinds are
// read and written with the analyst role, as queries are run.
type savedKind[T any] struct {
	noun    string // audit actions are noun.read, noun.create, noun.change, noun.delete
	plural  string // the list's key in GET answers
	idParam string // the path value naming one object
	list    func(pid int64) ([]T, error)
	get     func(pid, id int64) (T, error)
	save    func(pid int64, v T) (T, error) // v's id 0: create
	del     func(pid, id int64) error
	// decode reads and validates a request body into an object (its id unset).
	decode func(w http.ResponseWriter, r *http.Request, pid int64) (T, error)
	setID  func(v *T, id int64)
	id     func(v T) int64
}

func (a *API) insightKind() savedKind[project.Insight] {
	return savedKind[project.Insight]{
		noun: "insight", plural: "insights", idParam: "iid",
		list: a.projects.Insights, get: a.projects.Insight, save: a.projects.SaveInsight, del: a.projects.DeleteInsight,
		decode: func(w http.ResponseWriter, r *http.Request, _ int64) (project.Insight, error) {
			var b insightBody
			if err := decodeBody(w, r, &b); err != nil {
				return project.Insight{}, err
			}
			return b.insight()
		},
		setID: func(v *project.Insight, id int64) { v.ID = id },
		id:    func(v project.Insight) int64 { return v.ID },
	}
}

func (a *API) dashboardKind() savedKind[project.Dashboard] {
	return savedKind[project.Dashboard]{
		noun: "dashboard", plural: "dashboards", idParam: "did",
		list: a.projects.Dashboards, get: a.projects.Dashboard, save: a.projects.SaveDashboard, del: a.projects.DeleteDashboard,
		decode: func(w http.ResponseWriter, r *http.Request, pid int64) (project.Dashboard, error) {
			var b dashboardBody
			if err := decodeBody(w, r, &b); err != nil {
				return project.Dashboard{}, err
			}
			return a.dashboard(pid, b)
		},
		setID: func(v *project.Dashboard, id int64) { v.ID = id },
		id:    func(v project.Dashboard) int64 { return v.ID },
	}
}

// listSaved handles GET .../{plural}: {"<plural>": [...]}, audited as a read.
func listSaved[T any](a *API, k savedKind[T]) http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Read)
		if err != nil {
			return err
		}
		list, err := k.list(pr.ID)
		if err != nil {
			return err
		}
		if err := a.record(r, who, audit.Entry{Action: k.noun + ".read", ProjectID: pr.ID, Rows: int64(len(list))}); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{k.plural: list})
		return nil
	})
}

// getSaved handles GET .../{plural}/{id}, audited as a read.
func getSaved[T any](a *API, k savedKind[T]) http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Read)
		if err != nil {
			return err
		}
		id, err := savedID(r, k.idParam)
		if err != nil {
			return err
		}
		v, err := k.get(pr.ID, id)
		if err != nil {
			return err
		}
		if err := a.record(r, who, audit.Entry{Action: k.noun + ".read", ProjectID: pr.ID, Rows: 1, Criteria: map[string]any{k.noun: id}}); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, v)
		return nil
	})
}

// putSaved handles POST .../{plural} (replace false: 201 and a new id) and
// PUT .../{plural}/{id} (replace true: 200). The role is checked before the
// id or the body is read.
func putSaved[T any](a *API, k savedKind[T], replace bool) http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Read)
		if err != nil {
			return err
		}
		var id int64
		if replace {
			if id, err = savedID(r, k.idParam); err != nil {
				return err
			}
		}
		v, err := k.decode(w, r, pr.ID)
		if err != nil {
			return err
		}
		k.setID(&v, id)
		saved, err := k.save(pr.ID, v)
		if err != nil {
			return err
		}
		action, code := k.noun+".create", http.StatusCreated
		if replace {
			action, code = k.noun+".change", http.StatusOK
		}
		a.recordDone(r, who, audit.Entry{Action: action, ProjectID: pr.ID, Criteria: map[string]any{k.noun: k.id(saved)}})
		writeJSON(w, code, saved)
		return nil
	})
}

// deleteSaved handles DELETE .../{plural}/{id}: 204.
func deleteSaved[T any](a *API, k savedKind[T]) http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Read)
		if err != nil {
			return err
		}
		id, err := savedID(r, k.idParam)
		if err != nil {
			return err
		}
		if err := k.del(pr.ID, id); err != nil {
			return err
		}
		a.recordDone(r, who, audit.Entry{Action: k.noun + ".delete", ProjectID: pr.ID, Criteria: map[string]any{k.noun: id}})
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// ListInsights handles GET /api/projects/{id}/insights.
func (a *API) ListInsights() http.Handler { return listSaved(a, a.insightKind()) }

// CreateInsight handles POST /api/projects/{id}/insights {"name","query"}.
func (a *API) CreateInsight() http.Handler { return putSaved(a, a.insightKind(), false) }

// GetInsight handles GET /api/projects/{id}/insights/{iid}.
func (a *API) GetInsight() http.Handler { return getSaved(a, a.insightKind()) }

// UpdateInsight handles PUT /api/projects/{id}/insights/{iid}.
func (a *API) UpdateInsight() http.Handler { return putSaved(a, a.insightKind(), true) }

// DeleteInsight handles DELETE /api/projects/{id}/insights/{iid}; the
// insight also leaves every dashboard that showed it.
func (a *API) DeleteInsight() http.Handler { return deleteSaved(a, a.insightKind()) }

// ListDashboards handles GET /api/projects/{id}/dashboards.
func (a *API) ListDashboards() http.Handler { return listSaved(a, a.dashboardKind()) }

// CreateDashboard handles POST /api/projects/{id}/dashboards
// {"name","insights":[ids],"from","to"}.
func (a *API) CreateDashboard() http.Handler { return putSaved(a, a.dashboardKind(), false) }

// GetDashboard handles GET /api/projects/{id}/dashboards/{did}.
func (a *API) GetDashboard() http.Handler { return getSaved(a, a.dashboardKind()) }

// UpdateDashboard handles PUT /api/projects/{id}/dashboards/{did}.
func (a *API) UpdateDashboard() http.Handler { return putSaved(a, a.dashboardKind(), true) }

// DeleteDashboard handles DELETE /api/projects/{id}/dashboards/{did}; its
// insights stay saved.
func (a *API) DeleteDashboard() http.Handler { return deleteSaved(a, a.dashboardKind()) }
