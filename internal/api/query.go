package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/query"
)

// QueryLimits bound every query.
type QueryLimits struct {
	Time   time.Duration // default 60s
	Memory int64         // bytes held outside the database engine; default 1 GiB
}

// SetQueries gives the API its query backend and limits. Call it before
// serving; without it the query endpoints answer 503.
func (a *API) SetQueries(b query.Backend, l QueryLimits) {
	if l.Time <= 0 {
		l.Time = 60 * time.Second
	}
	if l.Memory <= 0 {
		l.Memory = 1 << 30
	}
	a.queries, a.queryLimits = b, l
}

// QueryReply is the body of POST /api/projects/{id}/query.
type QueryReply struct {
	Results     *query.Result `json:"results"`
	ElapsedMS   float64       `json:"elapsed_ms"`
	RowsScanned int64         `json:"rows_scanned"`
	TimeZone    string        `json:"time_zone"`
}

// Query handles POST /api/projects/{id}/query with a query document
// (docs/QUERIES.md): analyst role or above.
func (a *API) Query() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Read)
		if err != nil {
			return err
		}
		if err := a.nothingStored(pr.ID); err != nil {
			return err
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAPIBody))
		if err != nil {
			return &Error{Code: http.StatusRequestEntityTooLarge, Msg: "request body is larger than 1 MiB"}
		}
		q, err := query.Parse(body)
		if err != nil {
			return queryError(err)
		}
		p := query.Project{ID: pr.ID, Location: pr.Settings.Location()}
		res, st, elapsed, err := a.runQuery(r, who, p, q, nil)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, QueryReply{Results: res, ElapsedMS: float64(elapsed.Microseconds()) / 1000,
			RowsScanned: st.RowsScanned, TimeZone: p.Loc().String()})
		return nil
	})
}

// runQuery runs q within the limits, cancelled when the client goes away,
// and records it in the audit log with the properties it read.
// SetPropertyNames gives the queries the project's lexicon: known(project,
// name) reports whether the project's events were stored with the
// property name (query.Project.KnownProperty: a backend may then read it
// in its own language). Call it before serving; without it no name is
// known.
func (a *API) SetPropertyNames(known func(project int64, name string) bool) { a.propNames = known }

func (a *API) runQuery(r *http.Request, who auth.Principal, p query.Project, q *query.Query, crit map[string]any) (*query.Result, query.Stats, time.Duration, error) {
	if a.queries == nil {
		return nil, query.Stats{}, 0, &Error{Code: http.StatusServiceUnavailable, Msg: "queries are not available on this server"}
	}
	ctx, cancel := context.WithTimeoutCause(r.Context(), a.queryLimits.Time, query.ErrTimeLimit)
	defer cancel()
	ctx = query.WithMemoryLimit(ctx, a.queryLimits.Memory)
	mask, err := a.piiMask(who, p.ID)
	if err != nil {
		return nil, query.Stats{}, 0, err
	}
	if err := piiQuery(mask, q); err != nil {
		return nil, query.Stats{}, 0, err
	}
	if a.propNames != nil && p.KnownProperty == nil {
		id := p.ID
		p.KnownProperty = func(name string) bool { return a.propNames(id, name) }
	}
	start := time.Now()
	var piiRead *audit.PIIRead
	res, st, err := query.Run(ctx, a.queries, p, q)
	elapsed := time.Since(start)
	if err == nil {
		maskResult(mask, q, res)
		piiRead = piiAudit(mask)
	}
	if crit == nil {
		crit = map[string]any{}
	}
	crit["kind"], crit["from"], crit["to"] = string(q.Kind), q.From, q.To
	e := audit.Entry{Action: "query", ProjectID: p.ID, Criteria: crit, Events: q.Events(), Properties: q.Properties(), Rows: st.RowsScanned, PII: piiRead}
	if err != nil {
		e.Outcome = audit.Failed
	}
	auditErr := a.record(r, who, e)
	if err == nil && auditErr != nil {
		return nil, st, elapsed, auditErr // an answer read without its audit entry is not given
	}
	if err != nil {
		if errors.Is(context.Cause(ctx), query.ErrTimeLimit) {
			err = query.ErrTimeLimit
		}
		return nil, st, elapsed, queryError(err)
	}
	return res, st, elapsed, nil
}

// queryError maps query errors to statuses and messages.
func queryError(err error) error {
	var fe *query.FieldError
	switch {
	case errors.As(err, &fe):
		return &Error{Code: http.StatusBadRequest, Msg: "invalid query: " + fe.Error(), Err: err}
	case errors.Is(err, query.ErrUnsupported):
		return &Error{Code: http.StatusBadRequest, Msg: err.Error(), Err: err}
	case errors.Is(err, query.ErrTimeLimit):
		return &Error{Code: http.StatusGatewayTimeout, Msg: "the query took longer than the time limit; narrow the date range or raise --query-timeout", Err: err}
	case errors.Is(err, query.ErrMemoryLimit):
		return &Error{Code: http.StatusUnprocessableEntity, Msg: "the query needs more memory than its limit; narrow the date range or raise --query-memory", Err: err}
	case errors.Is(err, context.Canceled):
		return &Error{Code: 499, Msg: "the client went away", Err: err}
	}
	return fmt.Errorf("query: %w", err)
}
