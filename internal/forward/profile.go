package forward

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
)

// profileRecord is the outbox record of a stored profile update. Its
// InsertID is random, chosen once here: every retry carries the same one.
func profileRecord(p *event.ProfileRow, now int64) Record {
	var id [16]byte
	_, _ = rand.Read(id[:])
	r := Record{Time: p.Time, DistinctID: p.ID, InsertID: hex.EncodeToString(id[:]), Queued: now, Kind: KindPeople,
		MergeFrom: p.MergeFrom, IP: p.IP, IgnoreTime: p.IgnoreTime, FromEvent: p.FromEvent}
	if p.Kind == event.Group {
		r.Kind, r.GroupKey = KindGroup, p.GroupKey
	}
	for _, op := range p.Ops {
		r.Ops = append(r.Ops, Op{Op: op.Op, Value: append(json.RawMessage(nil), op.Value...)})
	}
	return r
}

// Endpoints a record goes to.
const (
	epNone   = ""        // nothing to send to this destination
	epImport = "/import" // Mixpanel, Sieve: events
	epEngage = "/engage" // Mixpanel, Sieve: people updates
	epGroups = "/groups" // Mixpanel, Sieve: group updates
	epBatch  = "/batch/" // PostHog: everything
)

// endpoint is where r goes for a destination of kind.
//
// Mixpanel and Sieve: events to /import, people updates to /engage, group
// updates to /groups; a merge alone (PostHog's $identify) has no /engage
// form: its event, forwarded to /import, carries it.
//
// PostHog: events to /batch/; a profile update a stored event implies is
// carried by that event; other updates (from /engage and /groups) become
// $set and $groupidentify events.
func endpoint(kind string, r *Record) string {
	switch {
	case r.Kind == "" && kind == KindPostHog:
		return epBatch
	case r.Kind == "":
		return epImport
	case kind == KindPostHog:
		if r.FromEvent || len(postHogOps(r)) == 0 {
			return epNone
		}
		return epBatch
	case len(r.Ops) == 0:
		return epNone
	case r.Kind == KindGroup:
		return epGroups
	default:
		return epEngage
	}
}

// cut returns the longest prefix of recs whose records all go to one
// endpoint (or nowhere), and that endpoint: one request goes to one
// endpoint, and records are delivered in outbox order.
func cut(kind string, recs []Record) ([]Record, string) {
	ep := epNone
	for i := range recs {
		e := endpoint(kind, &recs[i])
		switch {
		case e == epNone:
		case ep == epNone:
			ep = e
		case e != ep:
			return recs[:i], ep
		}
	}
	return recs, ep
}

// EncodeEngage encodes profile update records as a Mixpanel /engage or
// /groups body: a JSON array with one object per operation, in the order
// the store applied them, each with the token, the profile's id, its time
// in milliseconds and its modifiers. ip0 sends "$ip":"0" when no IP was
// stored (Mixpanel would otherwise place the profile where Sieve runs).
func EncodeEngage(token string, recs []Record, ip0 bool) ([]byte, error) {
	var out []map[string]any
	for _, r := range recs {
		if len(r.Ops) == 0 || r.Kind == "" {
			continue
		}
		for _, op := range r.Ops {
			o := map[string]any{"$token": token, "$time": r.Time, op.Op: json.RawMessage(op.Value)}
			if r.Kind == KindGroup {
				o["$group_key"], o["$group_id"] = r.GroupKey, r.DistinctID
			} else {
				o["$distinct_id"] = r.DistinctID
			}
			if r.IgnoreTime {
				o["$ignore_time"] = true
			}
			switch {
			case r.IP != "":
				o["$ip"] = r.IP
			case ip0:
				o["$ip"] = "0"
			}
			if !json.Valid(op.Value) {
				return nil, fmt.Errorf("forward: a stored profile operation is not JSON")
			}
			out = append(out, o)
		}
	}
	return json.Marshal(out)
}

// postHogOps are the operations of a profile update PostHog's capture
// takes: $set, $set_once (objects) and $unset (an array of names). $add,
// $append, $union, $remove and $delete have no form in PostHog's capture
// API and are not forwarded to it.
func postHogOps(r *Record) map[string]json.RawMessage {
	ops := map[string]json.RawMessage{}
	for _, op := range r.Ops {
		switch {
		case op.Op == event.OpSet || op.Op == event.OpSetOnce:
			ops[op.Op] = op.Value
		case op.Op == event.OpUnset && r.Kind == KindPeople:
			ops[op.Op] = op.Value
		}
	}
	if r.Kind == KindGroup {
		delete(ops, event.OpSetOnce)
	}
	return ops
}

// postHogProfileEvent is a profile update from /engage or /groups as a
// PostHog event: "$set" with $set, $set_once and $unset for a person,
// "$groupidentify" with $group_type, $group_key and $group_set for a group.
func postHogProfileEvent(r *Record) map[string]any {
	ops := postHogOps(r)
	props := map[string]any{}
	name := "$set"
	distinct := r.DistinctID
	if r.Kind == KindGroup {
		name = "$groupidentify"
		props["$group_type"], props["$group_key"] = r.GroupKey, r.DistinctID
		if v, ok := ops[event.OpSet]; ok {
			props["$group_set"] = v
		}
		distinct = "$" + r.GroupKey + "_" + r.DistinctID // posthog-node's distinct_id for a groupIdentify
	} else {
		for k, v := range ops {
			props[k] = v
		}
	}
	if r.IP != "" {
		props["$ip"] = r.IP
	}
	return map[string]any{"event": name, "distinct_id": distinct, "properties": props,
		"timestamp": time.UnixMilli(r.Time).UTC().Format("2006-01-02T15:04:05.000Z"), "uuid": UUIDOf(r.InsertID)}
}
