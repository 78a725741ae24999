package api

import (
	"bufio"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/jsontext"
	"github.com/sieve-analytics/sieve/internal/query/expr"
	"github.com/sieve-analytics/sieve/internal/store"
)

// projectParam returns the project a read is for: project_id from the query,
// or the project the credentials belong to when it is absent.
func projectParam(r *http.Request, p auth.Principal) (int64, error) {
	s := r.URL.Query().Get("project_id")
	if s == "" && r.Method == http.MethodPost {
		s = r.PostFormValue("project_id")
	}
	if s == "" {
		if p.Global {
			return 0, badRequest("project_id is required with the admin key")
		}
		return p.ProjectID, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, badRequest("project_id must be a positive integer")
	}
	return id, nil
}

// Export handles GET /api/2.0/export?project_id=&from_date=&to_date=[&event=][&where=][&limit=][&time_in_ms=]:
// Mixpanel's raw export, JSONL {"event","properties"} streamed in time order.
// where is an expression (package expr) over the event's properties, run
// by the store.
func (a *API) Export() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		who, err := a.auth.FromRequest(r)
		if err != nil {
			return err
		}
		id, err := projectParam(r, who)
		if err != nil {
			return err
		}
		if !who.Can(auth.Read, id) {
			return auth.ErrForbidden
		}
		if err := a.nothingStored(id); err != nil {
			return err
		}
		if _, err := a.projects.Get(id); err != nil {
			return err
		}
		mask, err := a.piiMask(who, id)
		if err != nil {
			return err
		}
		q := r.URL.Query()
		from, err := time.Parse(time.DateOnly, q.Get("from_date"))
		if err != nil {
			return badRequest("from_date is required, as yyyy-mm-dd")
		}
		to, err := time.Parse(time.DateOnly, q.Get("to_date"))
		if err != nil {
			return badRequest("to_date is required, as yyyy-mm-dd")
		}
		if to.Before(from) {
			return badRequest("to_date must not be before from_date")
		}
		where, err := whereParam(q.Get("where"), "export")
		if err != nil {
			return err
		}
		if where != nil {
			if err := piiFilter(mask, whereProps(where)); err != nil {
				return err
			}
		}
		eq := store.ExportQuery{ProjectID: id, From: from.UnixMilli(), To: to.AddDate(0, 0, 1).UnixMilli(), Where: where}
		if s := q.Get("event"); s != "" {
			if err := json.Unmarshal([]byte(s), &eq.Events); err != nil || len(eq.Events) == 0 {
				return badRequest(`event must be a JSON array of event names, e.g. ["signup","purchase"]`)
			}
		}
		limit := -1
		if s := q.Get("limit"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n <= 0 || n > 100000 {
				return badRequest("limit must be an integer from 1 to 100000")
			}
			limit = n
		}
		inMS := q.Get("time_in_ms") == "true" || q.Get("time_in_ms") == "1"

		crit := map[string]any{"from_date": q.Get("from_date"), "to_date": q.Get("to_date")}
		if limit >= 0 {
			crit["limit"] = limit
		}
		if len(eq.Events) > 0 {
			crit["event"] = eq.Events
		}
		if where != nil {
			crit["where_properties"] = whereProps(where)
		}
		// The stream's own entry (what it returned) is written when it
		// ends; this one, durable before the first byte, makes sure that
		// no export goes unaudited.
		if err := a.record(r, who, audit.Entry{Action: "export.start", ProjectID: id, Criteria: crit}); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		bw := bufio.NewWriterSize(w, 64<<10)
		var line []byte
		n := 0
		var props propSet
		names := map[string]bool{}
		props.add("time")
		props.add("distinct_id")
		defer func() {
			evs := make([]string, 0, len(names))
			for k := range names {
				evs = append(evs, k)
			}
			slices.Sort(evs)
			a.recordDone(r, who, audit.Entry{Action: "export", ProjectID: id, Criteria: crit, Events: evs,
				Properties: props.list(), AllProperties: props.all, Rows: int64(n), PII: piiAudit(mask)})
		}()
		err = a.store.Export(r.Context(), eq, func(row *event.Row) error {
			if limit >= 0 && n >= limit {
				return errLimit
			}
			n++
			props.addJSON(row.Props)
			if row.InsertID != "" && !props.all {
				props.add("$insert_id")
			}
			if len(names) < maxAuditProps {
				names[row.Name] = true
			}
			shown := *row
			shown.Props = mask.JSON(row.Props)
			shown.DistinctID = mask.ID(row.DistinctID)
			line = AppendExportLine(line[:0], &shown, inMS)
			_, err := bw.Write(line)
			return err
		})
		if err != nil && err != errLimit {
			if n == 0 {
				return err
			}
			// Headers are gone: end the stream short; the client sees a cut.
			a.log.ErrorContext(r.Context(), "export stream failed", "project_id", id, "rows", n, "err", err)
			return nil
		}
		return bw.Flush()
	})
}

type limitError struct{}

func (limitError) Error() string { return "limit reached" }

var errLimit error = limitError{}

// AppendExportLine appends one JSONL line of Mixpanel's export shape for row.
func AppendExportLine(dst []byte, row *event.Row, inMS bool) []byte {
	dst = append(dst, `{"event":`...)
	dst = jsontext.AppendString(dst, row.Name)
	dst = append(dst, `,"properties":{"time":`...)
	if inMS {
		dst = strconv.AppendInt(dst, row.Time, 10)
	} else {
		dst = strconv.AppendInt(dst, floorDiv(row.Time, 1000), 10)
	}
	dst = append(dst, `,"distinct_id":`...)
	dst = jsontext.AppendString(dst, row.DistinctID)
	if row.InsertID != "" {
		dst = append(dst, `,"$insert_id":`...)
		dst = jsontext.AppendString(dst, row.InsertID)
	}
	props := row.Props
	// props is a JSON object "{...}"; splice its members after ours.
	if len(props) > 2 {
		inner := props[1 : len(props)-1]
		if !allSpace(inner) {
			dst = append(dst, ',')
			dst = append(dst, inner...)
		}
	}
	return append(dst, "}}\n"...)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func allSpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\n' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

// whereParam parses a where parameter of endpoint ("export", "engage" or
// "query", the Query API):
// a malformed expression is a 400 whose message points at the column. An
// export reads no profiles, so user["..."] is refused there.
func whereParam(src, endpoint string) (expr.Node, error) {
	if src == "" {
		return nil, nil
	}
	n, err := expr.Parse(src)
	if err != nil {
		return nil, badRequest("where: " + err.Error())
	}
	if endpoint == "export" {
		for _, p := range expr.Props(n) {
			if p.Scope == expr.UserScope {
				return nil, badRequest(`where: user["..."] reads profile properties, which export does not join; filter on properties["..."]`)
			}
		}
	}
	return n, nil
}

// whereProps names the properties a where expression reads, for the audit
// log (the expression itself may hold values: it is not recorded).
func whereProps(n expr.Node) []string {
	var out []string
	for _, p := range expr.Props(n) {
		name := p.Name
		if p.Scope == expr.UserScope {
			name = "user." + name
		}
		out = append(out, name)
	}
	return out
}
