package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/store"
)

// RecentEvents handles GET /api/projects/{id}/events/recent?since=&limit=&distinct_id=
// (read): the newest stored events (as stored, after the guard) of the last
// `since` (a duration, default 1h, at most 168h), newest first, at most
// `limit` (default 100, at most 1000), optionally of one distinct_id. It is
// the web UI's live view and a user's timeline; it is recorded in the audit
// log like an export.
func (a *API) RecentEvents() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Read)
		if err != nil {
			return err
		}
		if err := a.nothingStored(pr.ID); err != nil {
			return err
		}
		q := r.URL.Query()
		since := time.Hour
		if s := q.Get("since"); s != "" {
			if since, err = time.ParseDuration(s); err != nil || since <= 0 || since > 168*time.Hour {
				return badRequest("since must be a duration from 1s to 168h, such as 15m or 24h")
			}
		}
		limit := 100
		if s := q.Get("limit"); s != "" {
			if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > 1000 {
				return badRequest("limit must be an integer from 1 to 1000")
			}
		}
		id := q.Get("distinct_id")
		mask, err := a.piiMask(who, pr.ID)
		if err != nil {
			return err
		}
		now := time.Now()
		type row struct {
			Time       string          `json:"time"`
			Event      string          `json:"event"`
			DistinctID string          `json:"distinct_id"`
			InsertID   string          `json:"insert_id,omitempty"`
			Properties json.RawMessage `json:"properties"`
		}
		// A ring of the last limit rows of a time-ordered export.
		ring := make([]row, 0, limit)
		next := 0
		var props propSet
		events := map[string]bool{}
		err = a.store.Export(r.Context(), store.ExportQuery{ProjectID: pr.ID, From: now.Add(-since).UnixMilli(), To: now.Add(time.Minute).UnixMilli()},
			func(e *event.Row) error {
				if id != "" && e.DistinctID != id {
					return nil
				}
				rw := row{Time: time.UnixMilli(e.Time).UTC().Format(time.RFC3339Nano), Event: e.Name, DistinctID: e.DistinctID,
					InsertID: e.InsertID, Properties: slices.Clone(e.Props)}
				if len(ring) < limit {
					ring = append(ring, rw)
				} else {
					ring[next] = rw
					next = (next + 1) % limit
				}
				return nil
			})
		if err != nil {
			return err
		}
		out := make([]row, 0, len(ring))
		for i := range ring {
			rw := ring[(next+len(ring)-1-i)%len(ring)]
			out = append(out, rw)
			rw.Properties = mask.JSON(rw.Properties)
			rw.DistinctID = mask.ID(rw.DistinctID)
			out[len(out)-1] = rw
			props.addJSON(rw.Properties)
			events[rw.Event] = true
		}
		crit := map[string]any{"since": since.String(), "limit": limit}
		if id != "" {
			crit["distinct_ids"] = a.hashIDs([]string{id})
		}
		evs := make([]string, 0, len(events))
		for e := range events {
			evs = append(evs, e)
		}
		slices.Sort(evs)
		if err := a.record(r, who, audit.Entry{Action: "events.read", ProjectID: pr.ID, Criteria: crit, Events: evs,
			Properties: props.list(), AllProperties: props.all, Rows: int64(len(out)), PII: piiAudit(mask)}); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"events": out})
		return nil
	})
}

// summaryLatest is how many of the newest findings a summary lists.
const summaryLatest = 100

// FindingsSummary handles GET /api/projects/{id}/findings/summary?from=&to=
// (read): counts of the project's findings by day and class, by path and
// class, and by SDK (lib and version), and the newest 100 findings, for the
// privacy center. Findings hold no values; neither does this.
func (a *API) FindingsSummary() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Read)
		if err != nil {
			return err
		}
		now := time.Now()
		from, err := parseTimeParam(r, "from", now.AddDate(0, 0, -30))
		if err != nil {
			return err
		}
		to, err := parseTimeParam(r, "to", now.Add(time.Minute))
		if err != nil {
			return err
		}
		if !to.After(from) {
			return badRequest("to must be after from")
		}
		type key struct{ a, b, c string }
		days, paths, sdks := map[key]int{}, map[key]int{}, map[key]int{}
		total := 0
		type finding struct {
			Time string `json:"time"`
			event.Finding
		}
		latest := make([]finding, 0, summaryLatest) // a ring of the newest
		err = a.store.Findings(r.Context(), store.FindingQuery{ProjectID: pr.ID, From: from.UnixMilli(), To: to.UnixMilli()},
			func(f *event.Finding) error {
				fd := finding{Time: time.UnixMilli(f.Time).UTC().Format(time.RFC3339Nano), Finding: *f}
				if len(latest) < summaryLatest {
					latest = append(latest, fd)
				} else {
					latest[total%summaryLatest] = fd
				}
				total++
				days[key{time.UnixMilli(f.Time).UTC().Format(time.DateOnly), f.Class, ""}]++
				paths[key{f.Path, f.Class, f.Event}]++
				sdks[key{f.Lib, f.LibVersion, f.Class}]++
				return nil
			})
		if err != nil {
			return err
		}
		type count struct {
			Day        string `json:"day,omitempty"`
			Path       string `json:"path,omitempty"`
			Event      string `json:"event,omitempty"`
			Lib        string `json:"lib,omitempty"`
			LibVersion string `json:"lib_version,omitempty"`
			Class      string `json:"class"`
			Count      int    `json:"count"`
		}
		list := func(m map[key]int, mk func(key, int) count) []count {
			out := make([]count, 0, len(m))
			for k, n := range m {
				out = append(out, mk(k, n))
			}
			slices.SortFunc(out, func(x, y count) int {
				if x.Day != y.Day {
					return strings.Compare(x.Day, y.Day)
				}
				return y.Count - x.Count
			})
			return out
		}
		newest := make([]finding, 0, len(latest))
		for i := range latest {
			newest = append(newest, latest[(total-1-i)%len(latest)])
		}
		if err := a.record(r, who, audit.Entry{Action: "findings.read", ProjectID: pr.ID, Rows: int64(total),
			Criteria: map[string]any{"from": from.Format(time.RFC3339), "to": to.Format(time.RFC3339), "summary": true}}); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"project_id": pr.ID, "from": from.UTC().Format(time.RFC3339), "to": to.UTC().Format(time.RFC3339), "total": total,
			"by_day":  list(days, func(k key, n int) count { return count{Day: k.a, Class: k.b, Count: n} }),
			"by_path": list(paths, func(k key, n int) count { return count{Path: k.a, Class: k.b, Event: k.c, Count: n} }),
			"by_sdk":  list(sdks, func(k key, n int) count { return count{Lib: k.a, LibVersion: k.b, Class: k.c, Count: n} }),
			"latest":  newest,
		})
		return nil
	})
}
