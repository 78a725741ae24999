package api

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/store"
)

const maxEngagePage = 1000

// Engage handles GET|POST /api/2.0/engage?project_id=: Mixpanel's profile
// query. Parameters (query string or form): distinct_id, distinct_ids (JSON
// array), data_group_id (a group key: query group profiles), page, page_size
// (at most 1000), output_properties (JSON array), where (an expression over
// the profile's properties: properties["x"] and user["x"] both read them).
// filter_by_cohort is not supported and is refused rather than ignored.
func (a *API) Engage() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		who, err := a.auth.FromRequest(r)
		if err != nil {
			return err
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxAPIBody)
			if err := r.ParseForm(); err != nil {
				return badRequest("request body must be form-encoded parameters")
			}
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
		get := r.FormValue
		if get("filter_by_cohort") != "" {
			return badRequest("filter_by_cohort is not supported yet; select profiles with where, distinct_id or distinct_ids")
		}
		where, err := whereParam(get("where"), "engage")
		if err != nil {
			return err
		}
		if where != nil {
			if err := piiFilter(mask, whereProps(where)); err != nil {
				return err
			}
		}
		q := store.ProfileQuery{ProjectID: id, Kind: event.People, Where: where}
		if g := get("data_group_id"); g != "" {
			q.Kind, q.GroupKey = event.Group, g
		}
		if s := get("distinct_id"); s != "" {
			q.IDs = []string{s}
		}
		if s := get("distinct_ids"); s != "" {
			var ids []string
			if err := json.Unmarshal([]byte(s), &ids); err != nil || len(ids) == 0 || len(ids) > 2000 {
				return badRequest("distinct_ids must be a JSON array of 1 to 2000 strings")
			}
			q.IDs = append(q.IDs, ids...)
		}
		page, pageSize := 0, maxEngagePage
		if s := get("page"); s != "" {
			if page, err = strconv.Atoi(s); err != nil || page < 0 {
				return badRequest("page must be a non-negative integer")
			}
		}
		if s := get("page_size"); s != "" {
			if pageSize, err = strconv.Atoi(s); err != nil || pageSize < 1 || pageSize > maxEngagePage {
				return badRequest("page_size must be an integer from 1 to 1000")
			}
		}
		var keep map[string]bool
		if s := get("output_properties"); s != "" {
			var names []string
			if err := json.Unmarshal([]byte(s), &names); err != nil {
				return badRequest("output_properties must be a JSON array of property names")
			}
			keep = make(map[string]bool, len(names))
			for _, n := range names {
				keep[n] = true
			}
		}
		q.Offset, q.Limit = page*pageSize, pageSize

		type result struct {
			ID         string          `json:"$distinct_id"`
			Properties json.RawMessage `json:"$properties"`
		}
		results := []result{}
		var seen propSet
		total, err := a.store.Profiles(r.Context(), q, func(p *store.Profile) error {
			props := p.Properties
			if keep != nil {
				var m map[string]json.RawMessage
				if err := json.Unmarshal(props, &m); err != nil {
					return err
				}
				for k := range m {
					if !keep[k] {
						delete(m, k)
					}
				}
				if props, err = json.Marshal(m); err != nil {
					return err
				}
			} else {
				props = append(json.RawMessage(nil), props...)
			}
			props = mask.JSON(props)
			seen.addJSON(props)
			results = append(results, result{ID: mask.ID(p.ID), Properties: props})
			return nil
		})
		if err != nil {
			return err
		}
		crit := map[string]any{"page": page, "page_size": pageSize}
		if len(q.IDs) > 0 {
			crit["distinct_id_hashes"] = a.hashIDs(q.IDs)
		}
		if h := a.hashIDs([]string{q.GroupKey}); q.GroupKey != "" && len(h) == 1 {
			crit["data_group_id_hash"] = h[0] // a group key is data, hashed like a distinct_id
		}
		if where != nil {
			crit["where_properties"] = whereProps(where)
		}
		if err := a.record(r, who, audit.Entry{Action: "engage", ProjectID: id, Criteria: crit,
			Properties: seen.list(), AllProperties: seen.all, Rows: int64(len(results)), PII: piiAudit(mask)}); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		bw := bufio.NewWriter(w)
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(map[string]any{
			"page": page, "page_size": pageSize, "session_id": "", "status": "ok",
			"total": total, "results": results,
		}); err != nil {
			return err
		}
		return bw.Flush()
	})
}
