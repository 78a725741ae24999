package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/guard"
	"github.com/sieve-analytics/sieve/internal/guardcache"
	"github.com/sieve-analytics/sieve/internal/jsontext"
	"github.com/sieve-analytics/sieve/internal/wire/mixpanel"
)

// GuardDryRun handles POST /api/projects/{id}/guard/dry-run
// {"event": <a Mixpanel event object>, "policy"?: <a policy document>}: it
// runs the project's guard (or the draft policy given) over the event as
// /track would and answers what it would do: the findings (path, class,
// detector, action), whether the whole event would be dropped, and the
// event as it would be stored. Nothing is stored, logged or audited of the
// event: the audit entry records the number of findings only, and the
// reply is marked no-store.
func (a *API) GuardDryRun() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Read)
		if err != nil {
			return err
		}
		var body struct {
			Event  json.RawMessage `json:"event"`
			Policy *guard.Policy   `json:"policy"`
		}
		if err := decodeBody(w, r, &body); err != nil {
			return err
		}
		if len(body.Event) == 0 {
			return badRequest(`event is required: a Mixpanel event object such as {"event":"Signed up","properties":{...}}`)
		}
		raw, version, key, err := a.projects.Guard(pr.ID)
		if err != nil {
			return err
		}
		pol, err := guardcache.Policy(raw)
		if err != nil {
			return err
		}
		if body.Policy != nil {
			if err := body.Policy.Validate(); err != nil {
				return badRequest(err.Error())
			}
			pol = *body.Policy
		}
		chk, err := a.guard.Compile(pol, pr.Token, key)
		if err != nil {
			return badRequest(err.Error())
		}
		var p fastjson.Parser
		v, err := p.ParseBytes(body.Event)
		if err != nil || v.Type() != fastjson.TypeObject {
			return badRequest("event must be a JSON object")
		}
		ep := mixpanel.Track
		if v.Get("properties", "time") != nil {
			ep = mixpanel.Import // any time is accepted
		}
		ev, _, _, rerr := mixpanel.DecodeEvent(v, mixpanel.Options{Endpoint: ep, Now: time.Now()})
		if rerr != nil {
			return badRequest("the event cannot be read: " + rerr.Field + ": " + rerr.Message)
		}
		ev.ProjectID = pr.ID
		if !pr.Settings.StoreIP {
			ev.Props.Del("ip")
			ev.Props.Del("$ip")
		}
		var arena fastjson.Arena
		findings, drop := chk.Event(&ev, &arena, nil)
		type stored struct {
			Event      string          `json:"event"`
			DistinctID string          `json:"distinct_id"`
			Properties json.RawMessage `json:"properties"`
		}
		out := struct {
			Dropped       bool            `json:"dropped"`
			Findings      []event.Finding `json:"findings"`
			Stored        *stored         `json:"stored"`
			PolicyVersion int64           `json:"policy_version"`
			Draft         bool            `json:"draft"`
		}{Dropped: drop, Findings: findings, PolicyVersion: version, Draft: body.Policy != nil}
		if out.Findings == nil {
			out.Findings = []event.Finding{}
		}
		if !drop {
			props, err := jsontext.AppendValue(nil, ev.Props)
			if err != nil {
				return err
			}
			out.Stored = &stored{Event: ev.Name, DistinctID: ev.DistinctID, Properties: props}
		}
		if err := a.record(r, who, audit.Entry{Action: "guard.dry_run", ProjectID: pr.ID, Rows: int64(len(findings)),
			Criteria: map[string]any{"draft": body.Policy != nil, "dropped": drop}}); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	})
}
