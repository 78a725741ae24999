package api

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/purge"
	"github.com/sieve-analytics/sieve/internal/purge/propath"
)

// SetAudit makes the API record every read, change and denied attempt in
// l. Call it before serving.
func (a *API) SetAudit(l *audit.Log) { a.audit = l }

// SetPurges gives the API the purge job manager. Call it before serving.
func (a *API) SetPurges(m *purge.Manager) { a.purges = m }

// record appends an audit entry for request r by who. The entry's actor,
// endpoint and outcome are filled in here. A read calls it before it
// returns any data and fails with its error: a read that cannot be audited
// is refused (errAuditUnavailable, 503). What is already done (a change
// made, an export streamed) calls recordDone instead.
func (a *API) record(r *http.Request, who auth.Principal, e audit.Entry) error {
	if a.audit == nil {
		return nil
	}
	if e.Actor == "" {
		e.Actor = who.Actor
	}
	if e.Endpoint == "" {
		e.Endpoint = r.Pattern
	}
	if e.Session == "" {
		e.Session = auth.SessionID(r.Context())
	}
	if err := a.audit.Append(e); err != nil {
		a.log.ErrorContext(r.Context(), "audit append failed", "action", e.Action, "err", err)
		return errAuditUnavailable
	}
	return nil
}

// recordDone records what was already done (a change made, an export
// streamed); a failure to record is logged (by record), as it cannot be
// taken back.
func (a *API) recordDone(r *http.Request, who auth.Principal, e audit.Entry) {
	_ = a.record(r, who, e)
}

// hashIDs returns the keyed hashes of distinct_ids, for audit criteria.
func (a *API) hashIDs(ids []string) []string {
	if a.audit == nil || len(ids) == 0 {
		return nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = a.audit.HashID(id)
	}
	return out
}

// auditDenied records a refused request (401 or 403). The actor is named
// when the credentials were valid; credentials themselves are never
// recorded. A refusal to read a PII path (err an *Error with PIIPath) is
// recorded as action "pii.denied" with the path.
func (a *API) auditDenied(r *http.Request, code int, err error) {
	if a.audit == nil {
		return
	}
	actor := "unauthenticated"
	if who, err := a.auth.FromRequest(r); err == nil {
		actor = who.Actor
	} else if errors.Is(err, auth.ErrBadCredentials) {
		actor = "invalid-credentials"
	}
	var project int64
	if s := r.URL.Query().Get("project_id"); s != "" {
		project, _ = strconv.ParseInt(s, 10, 64)
	} else if s := r.PathValue("id"); s != "" && r.Pattern != "" && !slices.Contains([]string{"GET /api/purges/{id}"}, r.Pattern) {
		project, _ = strconv.ParseInt(s, 10, 64)
	}
	e := audit.Entry{Actor: actor, Session: auth.SessionID(r.Context()), Action: "denied", ProjectID: max(project, 0),
		Endpoint: r.Pattern, Outcome: audit.Denied, Status: code}
	if ae := (*Error)(nil); errors.As(err, &ae) && ae.PIIPath != "" {
		e.Action, e.PII = "pii.denied", &audit.PIIRead{Paths: []string{ae.PIIPath}, Hashed: true}
	}
	a.audit.Denied(e, audit.Source(r))
}

// maxAuditProps caps the property names an entry lists; beyond it the entry
// says "any property".
const maxAuditProps = 2000

// propSet collects the top-level property names a read returned.
type propSet struct {
	names map[string]bool
	all   bool
}

func (p *propSet) addJSON(props []byte) {
	if p.all {
		return
	}
	if p.names == nil {
		p.names = map[string]bool{}
	}
	if err := propath.TopKeys(props, func(k string) {
		if !p.names[k] {
			if len(p.names) >= maxAuditProps {
				p.all = true
				return
			}
			p.names[k] = true
		}
	}); err != nil {
		p.all = true
	}
}

func (p *propSet) add(name string) {
	if p.names == nil {
		p.names = map[string]bool{}
	}
	p.names[name] = true
}

func (p *propSet) list() []string {
	out := make([]string, 0, len(p.names))
	for k := range p.names {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// AuditLog handles GET /api/audit?project_id=&property=&actor=&action=&from=&to=&limit=:
// "who read property X of project P between T1 and T2". The admin key sees
// every project; a project admin only its own (project_id is then its
// project). Reading the audit log is itself recorded.
func (a *API) AuditLog() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		who, err := a.auth.FromRequest(r)
		if err != nil {
			return err
		}
		if a.audit == nil {
			return &Error{Code: http.StatusServiceUnavailable, Msg: "the audit log is not available"}
		}
		var project int64
		if s := r.URL.Query().Get("project_id"); s != "" {
			if project, err = strconv.ParseInt(s, 10, 64); err != nil || project <= 0 {
				return badRequest("project_id must be a positive integer")
			}
		} else if !who.Global {
			project = who.ProjectID
		}
		if (project == 0 && !who.Global) || (project != 0 && !who.Can(auth.Admin, project)) {
			return auth.ErrForbidden
		}
		q := audit.Query{ProjectID: project, Property: r.URL.Query().Get("property"), Actor: r.URL.Query().Get("actor"),
			Action: r.URL.Query().Get("action"), Limit: 1000}
		if q.From, err = parseTimeParam(r, "from", time.Time{}); err != nil {
			return err
		}
		if q.To, err = parseTimeParam(r, "to", time.Time{}); err != nil {
			return err
		}
		if s := r.URL.Query().Get("limit"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > 100000 {
				return badRequest("limit must be an integer from 1 to 100000")
			}
			q.Limit = n
		}
		entries, err := a.audit.Query(q)
		if err != nil {
			return err
		}
		crit := map[string]any{}
		for _, k := range []string{"property", "actor", "action", "from", "to"} {
			if v := r.URL.Query().Get(k); v != "" {
				crit[k] = v
			}
		}
		if err := a.record(r, who, audit.Entry{Action: "audit.read", ProjectID: project, Criteria: crit, Rows: int64(len(entries))}); err != nil {
			return err
		}
		seq, head := a.audit.Head()
		writeJSON(w, http.StatusOK, map[string]any{"entries": entries, "head": map[string]any{"seq": seq, "hash": head}})
		return nil
	})
}
