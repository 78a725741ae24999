package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/pii"
	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/expr"
)

// PIIClasses are the guard's classes whose paths are PII paths.
var PIIClasses = []string{"email", "phone"}

// SetPIIPaths gives the API the paths on which the guard found a value of
// one of classes in a project (the lexicon's PathsWithClass). Without it
// only the paths a project marks personal and pii.DefaultPaths are PII.
func (a *API) SetPIIPaths(f func(projectID int64, classes ...string) []string) { a.piiClassPaths = f }

// piiPaths lists project id's PII paths: the guard's email and phone paths
// and those the project marks personal.
func (a *API) piiPaths(id int64) []string {
	var out []string
	if a.piiClassPaths != nil {
		out = a.piiClassPaths(id, PIIClasses...)
	}
	if pr, err := a.projects.Get(id); err == nil {
		out = append(out, pr.Settings.PIIPaths...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// piiMask is the one place a read decides what its reader sees of PII:
// every reader (export, engage, queries, the UI's reads) runs its output
// through the mask it returns and records piiAudit(mask) in its audit
// entry.
func (a *API) piiMask(who auth.Principal, id int64) (*pii.Mask, error) {
	key, err := a.projects.PIIKey(id)
	if err != nil {
		return nil, err
	}
	return pii.New(key, a.piiPaths(id), a.auth.PII(who, id)), nil
}

// piiAudit is the audit record of what m let through (nil: no PII path).
func piiAudit(m *pii.Mask) *audit.PIIRead {
	paths := m.Returned()
	if len(paths) == 0 {
		return nil
	}
	return &audit.PIIRead{Paths: paths, Hashed: !m.Clear()}
}

// maskResult hashes the PII breakdown values of a query's result, after
// the query ran (so that counts, joins and uniques are the engine's, over
// the real values). q names the breakdown properties in order.
func maskResult(m *pii.Mask, q *query.Query, res *query.Result) {
	if res == nil || len(q.Breakdown) == 0 {
		return
	}
	tuple := func(b []string) {
		for i := range b {
			if i < len(q.Breakdown) && q.Breakdown[i].Scope != query.ScopeEventName && q.Breakdown[i].Bins == 0 {
				b[i] = m.Value(q.Breakdown[i].Name, b[i], query.Other, query.None)
			}
		}
	}
	if t := res.Trends; t != nil {
		for i := range t.Series {
			tuple(t.Series[i].Breakdown)
		}
	}
	if f := res.Funnel; f != nil {
		for i := range f.Breakdowns {
			tuple(f.Breakdowns[i].Breakdown)
		}
	}
	if r := res.Retention; r != nil {
		for i := range r.Cohorts {
			tuple(r.Cohorts[i].Breakdown)
		}
	}
}

// PIIReply is the body of GET and PUT /api/projects/{id}/pii.
type PIIReply struct {
	// Paths the project marks personal (PUT replaces them).
	Paths []string `json:"paths"`
	// APISecret: the project's API secret holds the pii grant (the
	// default; false takes it away).
	APISecret bool `json:"api_secret"`
	// Effective lists every PII path now: the guard's email and phone
	// paths, the marked paths and the default ones (read only).
	Effective []string `json:"effective"`
	// Granted: the caller holds the pii grant on the project (read only).
	Granted bool `json:"granted"`
}

func (a *API) piiReply(who auth.Principal, id int64) (PIIReply, error) {
	pr, err := a.projects.Get(id)
	if err != nil {
		return PIIReply{}, err
	}
	eff := append(a.piiPaths(id), pii.DefaultPaths...)
	slices.Sort(eff)
	paths := pr.Settings.PIIPaths
	if paths == nil {
		paths = []string{}
	}
	return PIIReply{Paths: paths, APISecret: !pr.Settings.SecretNoPII, Effective: slices.Compact(eff), Granted: a.auth.PII(who, id)}, nil
}

// GetPII handles GET /api/projects/{id}/pii (read): the project's PII
// paths and whether the caller holds the pii grant.
func (a *API) GetPII() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Read)
		if err != nil {
			return err
		}
		rep, err := a.piiReply(who, pr.ID)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, rep)
		return nil
	})
}

// PutPII handles PUT /api/projects/{id}/pii {"paths":[...],"api_secret":bool}:
// the paths the project marks personal and whether its API secret holds
// the pii grant (unchanged when absent). Admin of the project who holds the grant itself (so that
// no one widens or narrows what they may not read); audited.
func (a *API) PutPII() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Admin)
		if err != nil {
			return err
		}
		if !a.auth.PII(who, pr.ID) {
			return &Error{Code: http.StatusForbidden, Msg: "changing PII settings needs the pii grant on the project"}
		}
		var body struct {
			Paths     *[]string `json:"paths"`
			APISecret *bool     `json:"api_secret"`
		}
		if err := decodeBody(w, r, &body); err != nil {
			return err
		}
		if body.Paths == nil {
			return badRequest(`paths is required: a JSON array of property paths, e.g. ["email_address","billing.phone"]`)
		}
		secretPII := !pr.Settings.SecretNoPII
		if body.APISecret != nil {
			secretPII = *body.APISecret
		}
		if _, err := a.projects.SetPII(pr.ID, *body.Paths, secretPII); err != nil {
			return err
		}
		rep, err := a.piiReply(who, pr.ID)
		if err != nil {
			return err
		}
		a.recordDone(r, who, audit.Entry{Action: "pii.settings", ProjectID: pr.ID,
			Criteria: map[string]any{"paths": rep.Paths, "api_secret": rep.APISecret}})
		writeJSON(w, http.StatusOK, rep)
		return nil
	})
}

// GrantPII handles PUT /api/projects/{id}/service-accounts/{username}/pii
// {"pii": bool}: grants or revokes pii for a service account. Admin of the
// project who holds the grant itself; audited.
func (a *API) GrantPII() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Admin)
		if err != nil {
			return err
		}
		if !a.auth.PII(who, pr.ID) {
			return &Error{Code: http.StatusForbidden, Msg: "granting pii needs the pii grant on the project"}
		}
		var body struct {
			PII *bool `json:"pii"`
		}
		if err := decodeBody(w, r, &body); err != nil {
			return err
		}
		if body.PII == nil {
			return badRequest(`pii is required: true grants, false revokes`)
		}
		sa, err := a.projects.SetAccountPII(pr.ID, r.PathValue("username"), *body.PII)
		if err != nil {
			return err
		}
		a.recordDone(r, who, audit.Entry{Action: "pii.grant", ProjectID: pr.ID,
			Criteria: map[string]any{"username": sa.Username, "pii": sa.PII}})
		writeJSON(w, http.StatusOK, sa)
		return nil
	})
}

// piiFilter refuses a reader without the pii grant a filter that reads one
// of the project's PII paths: comparing a PII value with a guess would
// tell its value as surely as reading it. props are the property names the
// filter reads (a profile's prefixed "user.").
func piiFilter(m *pii.Mask, props []string) error {
	if m.Clear() {
		return nil
	}
	for _, p := range props {
		if m.IsPII(strings.TrimPrefix(p, "user.")) {
			return &Error{Code: http.StatusForbidden, PIIPath: strings.TrimPrefix(p, "user."), Msg: "the filter reads the PII path " + strconv.Quote(p) +
				", which this credential reads only hashed (it lacks the pii grant); break down by it instead, or ask an admin for the grant"}
		}
	}
	return nil
}

// queryFilterProps names the properties q's filters read (not its
// breakdowns or series properties, which only group or count).
func queryFilterProps(q *query.Query) []string {
	nodes := []expr.Node{q.GlobalNode()}
	for _, s := range q.Series {
		nodes = append(nodes, query.Node(s.Filter))
	}
	if q.Funnel != nil {
		for _, x := range q.Funnel.Exclusions {
			nodes = append(nodes, query.Node(x.Filter))
		}
	}
	if q.Retention != nil {
		nodes = append(nodes, query.Node(q.Retention.Start.Filter), query.Node(q.Retention.Return.Filter))
	}
	var out []string
	for _, n := range nodes {
		if n != nil {
			for _, p := range expr.Props(n) {
				out = append(out, p.Name)
			}
		}
	}
	return out
}

// piiQuery refuses a reader without the pii grant a query that would show
// a PII path's values other than as breakdown hashes: a filter on it, a
// numeric aggregate of it (min, max, sum ... of one user are its value) or
// a binned breakdown of it (the bins' ranges).
func piiQuery(m *pii.Mask, q *query.Query) error {
	if err := piiFilter(m, queryFilterProps(q)); err != nil || m.Clear() {
		return err
	}
	for _, s := range q.Series {
		if s.Property != "" && m.IsPII(s.Property) {
			return &Error{Code: http.StatusForbidden, PIIPath: s.Property, Msg: "the series aggregates the PII path " + strconv.Quote(s.Property) +
				", which this credential reads only hashed (it lacks the pii grant)"}
		}
	}
	for _, b := range q.Breakdown {
		if b.Bins != 0 && m.IsPII(b.Name) {
			return &Error{Code: http.StatusForbidden, PIIPath: b.Name, Msg: "the breakdown bins the PII path " + strconv.Quote(b.Name) +
				", which this credential reads only hashed (it lacks the pii grant); break down by its values instead"}
		}
	}
	return nil
}
