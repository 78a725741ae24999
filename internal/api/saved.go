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

// ListInsights handles GET /api/projects/{id}/insights.
func (a *API) ListInsights() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Read)
		if err != nil {
			return err
		}
		list, err := a.projects.Insights(pr.ID)
		if err != nil {
			return err
		}
		if err := a.record(r, who, audit.Entry{Action: "insight.read", ProjectID: pr.ID, Rows: int64(len(list))}); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"insights": list})
		return nil
	})
}

// CreateInsight handles POST /api/projects/{id}/insights {"name","query"}.
func (a *API) CreateInsight() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		return a.putInsight(w, r, "")
	})
}

// GetInsight handles GET /api/projects/{id}/insights/{iid}.
func (a *API) GetInsight() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Read)
		if err != nil {
			return err
		}
		iid, err := savedID(r, "iid")
		if err != nil {
			return err
		}
		in, err := a.projects.Insight(pr.ID, iid)
		if err != nil {
			return err
		}
		if err := a.record(r, who, audit.Entry{Action: "insight.read", ProjectID: pr.ID, Rows: 1, Criteria: map[string]any{"insight": iid}}); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, in)
		return nil
	})
}

// UpdateInsight handles PUT /api/projects/{id}/insights/{iid}.
func (a *API) UpdateInsight() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		return a.putInsight(w, r, "iid")
	})
}

// putInsight creates a saved insight, or replaces the one named by the
// path value idParam (after the caller's role is checked).
func (a *API) putInsight(w http.ResponseWriter, r *http.Request, idParam string) error {
	pr, who, err := a.projectInPath(r, auth.Read)
	if err != nil {
		return err
	}
	var iid int64
	if idParam != "" {
		if iid, err = savedID(r, idParam); err != nil {
			return err
		}
	}
	var b insightBody
	if err := decodeBody(w, r, &b); err != nil {
		return err
	}
	in, err := b.insight()
	if err != nil {
		return err
	}
	in.ID = iid
	saved, err := a.projects.SaveInsight(pr.ID, in)
	if err != nil {
		return err
	}
	action, code := "insight.create", http.StatusCreated
	if iid != 0 {
		action, code = "insight.change", http.StatusOK
	}
	a.recordDone(r, who, audit.Entry{Action: action, ProjectID: pr.ID, Criteria: map[string]any{"insight": saved.ID}})
	writeJSON(w, code, saved)
	return nil
}

// DeleteInsight handles DELETE /api/projects/{id}/insights/{iid}; the
// insight also leaves every dashboard that showed it.
func (a *API) DeleteInsight() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Read)
		if err != nil {
			return err
		}
		iid, err := savedID(r, "iid")
		if err != nil {
			return err
		}
		if err := a.projects.DeleteInsight(pr.ID, iid); err != nil {
			return err
		}
		a.recordDone(r, who, audit.Entry{Action: "insight.delete", ProjectID: pr.ID, Criteria: map[string]any{"insight": iid}})
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// ListDashboards handles GET /api/projects/{id}/dashboards.
func (a *API) ListDashboards() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Read)
		if err != nil {
			return err
		}
		list, err := a.projects.Dashboards(pr.ID)
		if err != nil {
			return err
		}
		if err := a.record(r, who, audit.Entry{Action: "dashboard.read", ProjectID: pr.ID, Rows: int64(len(list))}); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"dashboards": list})
		return nil
	})
}

// CreateDashboard handles POST /api/projects/{id}/dashboards
// {"name","insights":[ids],"from","to"}.
func (a *API) CreateDashboard() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		return a.putDashboard(w, r, "")
	})
}

// GetDashboard handles GET /api/projects/{id}/dashboards/{did}.
func (a *API) GetDashboard() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Read)
		if err != nil {
			return err
		}
		did, err := savedID(r, "did")
		if err != nil {
			return err
		}
		d, err := a.projects.Dashboard(pr.ID, did)
		if err != nil {
			return err
		}
		if err := a.record(r, who, audit.Entry{Action: "dashboard.read", ProjectID: pr.ID, Rows: 1, Criteria: map[string]any{"dashboard": did}}); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, d)
		return nil
	})
}

// UpdateDashboard handles PUT /api/projects/{id}/dashboards/{did}.
func (a *API) UpdateDashboard() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		return a.putDashboard(w, r, "did")
	})
}

// putDashboard creates a dashboard, or replaces the one named by the path
// value idParam (after the caller's role is checked).
func (a *API) putDashboard(w http.ResponseWriter, r *http.Request, idParam string) error {
	pr, who, err := a.projectInPath(r, auth.Read)
	if err != nil {
		return err
	}
	var did int64
	if idParam != "" {
		if did, err = savedID(r, idParam); err != nil {
			return err
		}
	}
	var b dashboardBody
	if err := decodeBody(w, r, &b); err != nil {
		return err
	}
	d, err := a.dashboard(pr.ID, b)
	if err != nil {
		return err
	}
	d.ID = did
	saved, err := a.projects.SaveDashboard(pr.ID, d)
	if err != nil {
		return err
	}
	action, code := "dashboard.create", http.StatusCreated
	if did != 0 {
		action, code = "dashboard.change", http.StatusOK
	}
	a.recordDone(r, who, audit.Entry{Action: action, ProjectID: pr.ID, Criteria: map[string]any{"dashboard": saved.ID}})
	writeJSON(w, code, saved)
	return nil
}

// DeleteDashboard handles DELETE /api/projects/{id}/dashboards/{did}; its
// insights stay saved.
func (a *API) DeleteDashboard() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Read)
		if err != nil {
			return err
		}
		did, err := savedID(r, "did")
		if err != nil {
			return err
		}
		if err := a.projects.DeleteDashboard(pr.ID, did); err != nil {
			return err
		}
		a.recordDone(r, who, audit.Entry{Action: "dashboard.delete", ProjectID: pr.ID, Criteria: map[string]any{"dashboard": did}})
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}
