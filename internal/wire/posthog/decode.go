package posthog

import (
	"crypto/rand"
	"encoding/binary"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/jsontext"
)

// Options carries what decoding needs besides the payload.
type Options struct {
	Endpoint Endpoint
	Now      time.Time // time of receipt; zero means time.Now()
	SentAt   int64     // Meta.SentAt: the query's send time in Unix ms, 0 if none
}

// Item is one decoded event and the profile updates it implies. The
// callback of Decode gets the same *Item for every event: it must not keep
// it, nor Profiles. Values point into the parser.
type Item struct {
	Index int    // position of the event in the request
	Token string // the request's project token
	Event event.Event
	// Profiles holds the person update ($set, $set_once, $unset, from the
	// event's top level or its properties, unless $process_person_profile
	// is false) and the group update of a $groupidentify ($group_set).
	Profiles []event.ProfileUpdate
}

// Dropped event names: never stored, never an error. $snapshot carries
// DOM snapshots (session recordings are refused, see docs/INGESTION.md);
// PostHog filters $performance_event out at capture.
func dropped(name []byte) bool {
	return string(name) == "$snapshot" || string(name) == "$performance_event"
}

// Decode parses payload (JSON text from ReadPayload), resolves the request's
// one project token and calls fn for each event, in order.
//
// Shapes, tried in PostHog's order: an array of events; an object with a
// "batch" array and the token in "api_key" (or "token"), plus optional
// "sent_at" (ISO 8601) and "historical_migration"; a single event; on
// Engage, an event without a name (it becomes $identify).
//
// The token is the batch's api_key or token when set; otherwise each event's
// top-level token, $token or api_key, else its properties.token. Every event
// must then carry the same one (ErrUnauthorized otherwise, as for a missing
// token or a personal API key, phx_...).
//
// Per event (any failure is an ErrMalformed or ErrTooLarge error for the
// whole request; fn is not called for the events after it):
//   - "event" is a non-empty string.
//   - distinct_id is the top-level distinct_id or $distinct_id, else
//     properties.distinct_id; a number or other JSON value is stringified; NUL
//     becomes U+FFFD; it is cut to MaxDistinctIDChars characters; missing, null
//     or "" is an error.
//   - uuid, when present and not "", must be a UUID: it becomes the event's
//     InsertID (lowercase), the de-duplication key. Otherwise a UUIDv7 is
//     generated (such an event is not de-duplicated on retry).
//   - The time: now - offset when "offset" (ms) is present; else the
//     timestamp corrected by the client's clock skew (timestamp - sent_at)
//     when the skew exceeds SkewTolerance and $ignore_sent_at is not true;
//     else the timestamp as sent; else now. A time more than MaxFuture ahead
//     becomes now; a time before 1970 becomes 1970.
//   - Props is the properties object without token, distinct_id and
//     $insert_id (posthog-js's own random id per event; the uuid replaces it). Top-level
//     $set and $set_once are moved into it when it has none of its own.
//   - Lib and LibVersion come from $lib and $lib_version (or posthog-go 1.5's
//     top-level library and library_version) when they have the shape of an
//     SDK name and version (event.SDKName, event.SDKVersion); posthog-js's
//     "web" becomes
//     "posthog-js", so that findings, the SDK fleet and advisories tell it
//     from mixpanel-browser (whose mp_lib is "web" too). The properties keep
//     what was sent.
//   - Events named $snapshot or $performance_event are skipped silently.
//
// fn may return an error to stop decoding; Decode returns it unchanged.
// a is used for new JSON values (an empty properties object).
func Decode(p *fastjson.Parser, a *fastjson.Arena, payload []byte, o Options, fn func(*Item) error) error {
	root, err := p.ParseBytes(payload)
	if err != nil {
		return malformed("the payload is not valid JSON")
	}
	var (
		events []*fastjson.Value
		token  string
		sentAt = o.SentAt
	)
	switch root.Type() {
	case fastjson.TypeArray:
		events = root.GetArray()
	case fastjson.TypeObject:
		if b := root.Get("batch"); b != nil {
			if b.Type() != fastjson.TypeArray {
				return malformed("batch must be an array of events")
			}
			events = b.GetArray()
			if token, err = batchToken(root); err != nil {
				return err
			}
			if s := root.Get("sent_at"); s != nil && s.Type() == fastjson.TypeString {
				if t, ok := parseTime(s.GetStringBytes()); ok {
					sentAt = t
				}
			}
		} else {
			events = []*fastjson.Value{root}
		}
	default:
		return malformed("the payload must be an event, an array of events or a batch object")
	}
	if len(events) == 0 {
		return malformed("the request holds no events")
	}
	if len(events) > MaxEvents {
		return tooLarge("the request holds more than " + strconv.Itoa(MaxEvents) + " events")
	}
	if token == "" {
		if token, err = eventsToken(events); err != nil {
			return err
		}
	}
	if err := checkToken(token); err != nil {
		return err
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	d := decoder{a: a, now: now.UnixMilli(), sentAt: sentAt, ep: o.Endpoint}
	var it Item
	for i, v := range events {
		it = Item{Index: i, Token: token, Profiles: it.Profiles[:0]}
		skip, err := d.event(v, &it)
		if err != nil {
			return err
		}
		if skip {
			continue
		}
		if err := fn(&it); err != nil {
			return err
		}
	}
	return nil
}

// batchToken returns the batch's api_key (or token), "" when it has none.
func batchToken(root *fastjson.Value) (string, error) {
	for _, k := range [...]string{"api_key", "token"} {
		if v := root.Get(k); v != nil && v.Type() != fastjson.TypeNull {
			if v.Type() != fastjson.TypeString {
				return "", unauthorized("the batch's " + k + " must be a string")
			}
			if s := v.GetStringBytes(); len(s) > 0 {
				return string(s), nil
			}
		}
	}
	return "", nil
}

// eventsToken returns the one token the events carry.
func eventsToken(events []*fastjson.Value) (string, error) {
	var token string
	for _, v := range events {
		t := eventToken(v)
		switch {
		case t == "":
			return "", unauthorized("an event carries no project token: send api_key in the batch or token in each event")
		case token == "":
			token = t
		case t != token:
			return "", unauthorized("the events of one request carry different project tokens")
		}
	}
	return token, nil
}

func eventToken(v *fastjson.Value) string {
	if v == nil || v.Type() != fastjson.TypeObject {
		return ""
	}
	for _, k := range [...]string{"token", "$token", "api_key"} {
		if t := v.Get(k); t != nil && t.Type() == fastjson.TypeString && len(t.GetStringBytes()) > 0 {
			return string(t.GetStringBytes())
		}
	}
	if t := v.Get("properties", "token"); t != nil && t.Type() == fastjson.TypeString {
		return string(t.GetStringBytes())
	}
	return ""
}

func checkToken(t string) error {
	switch {
	case t == "":
		return unauthorized("the project token is missing")
	case strings.HasPrefix(t, "phx_"):
		return unauthorized("a personal API key (phx_...) cannot send events: use the project token")
	}
	return nil
}

type decoder struct {
	a      *fastjson.Arena
	now    int64
	sentAt int64
	ep     Endpoint
	num    []byte
}

// event decodes one event into it; skip is true for dropped names.
func (d *decoder) event(v *fastjson.Value, it *Item) (skip bool, err error) {
	at := " (event " + strconv.Itoa(it.Index) + ")"
	if v == nil || v.Type() != fastjson.TypeObject {
		return false, malformed("an event is not a JSON object" + at)
	}
	ev := &it.Event
	name := v.Get("event")
	switch {
	case name == nil && d.ep == Engage:
		ev.Name = "$identify"
	case name == nil || name.Type() == fastjson.TypeNull:
		return false, malformed("the event name is missing" + at)
	case name.Type() != fastjson.TypeString:
		return false, malformed("the event name must be a string" + at)
	case len(name.GetStringBytes()) == 0:
		return false, malformed("the event name is empty" + at)
	case dropped(name.GetStringBytes()):
		return true, nil
	default:
		ev.Name = string(name.GetStringBytes())
	}
	if size, problem := measure(v, 0); problem != "" {
		return false, malformed(problem + at)
	} else if size > MaxEventBytes {
		return false, tooLarge("an event is larger than " + strconv.Itoa(MaxEventBytes) + " bytes of JSON" + at)
	}

	props := v.Get("properties")
	switch {
	case props == nil || props.Type() == fastjson.TypeNull:
		props = d.a.NewObject()
	case props.Type() != fastjson.TypeObject:
		return false, malformed("properties must be a JSON object" + at)
	}
	po := props.GetObject()

	id := v.Get("distinct_id")
	if isAbsent(id) {
		id = v.Get("$distinct_id")
	}
	if isAbsent(id) {
		id = po.Get("distinct_id")
	}
	if ev.DistinctID, err = d.distinctID(id); err != nil {
		return false, NewError(ErrMalformed, err.Error()+at, nil)
	}

	if ev.InsertID, err = eventUUID(v.Get("uuid")); err != nil {
		return false, NewError(ErrMalformed, err.Error()+at, nil)
	}
	if ev.Time, err = d.time(v, po); err != nil {
		return false, NewError(ErrMalformed, err.Error()+at, nil)
	}

	lib, ver := po.Get("$lib"), po.Get("$lib_version")
	if lib == nil {
		lib = v.Get("library")
	}
	if ver == nil {
		ver = v.Get("library_version")
	}
	if ev.Lib = event.SDKName(stringBytes(lib)); ev.Lib == "web" {
		ev.Lib = "posthog-js" // mixpanel-browser's mp_lib is "web" too
	}
	ev.LibVersion = event.SDKVersion(stringBytes(ver))

	po.Del("token")
	po.Del("distinct_id")
	po.Del("$insert_id") // posthog-js's random id per event: uuid is the key
	for _, k := range [...]string{"$set", "$set_once"} {
		if top := v.Get(k); top != nil && top.Type() == fastjson.TypeObject && po.Get(k) == nil {
			po.Set(k, top)
		}
	}
	ev.Props = props
	d.profiles(it, po)
	return false, nil
}

func isAbsent(v *fastjson.Value) bool {
	return v == nil || v.Type() == fastjson.TypeNull || v.Type() == fastjson.TypeString && len(v.GetStringBytes()) == 0
}

func stringOf(v *fastjson.Value) string { return string(stringBytes(v)) }

func stringBytes(v *fastjson.Value) []byte {
	if v == nil || v.Type() != fastjson.TypeString {
		return nil
	}
	return v.GetStringBytes()
}

// profiles appends the person and group updates the event implies.
func (d *decoder) profiles(it *Item, po *fastjson.Object) {
	ev := &it.Event
	base := event.ProfileUpdate{Time: ev.Time, Lib: ev.Lib, LibVersion: ev.LibVersion, FromEvent: true}
	if pp := po.Get("$process_person_profile"); pp == nil || pp.Type() != fastjson.TypeFalse {
		var ops []event.ProfileOp
		for _, k := range [...]string{event.OpSet, event.OpSetOnce} {
			if x := po.Get(k); x != nil && x.Type() == fastjson.TypeObject && x.GetObject().Len() > 0 {
				ops = append(ops, event.ProfileOp{Op: k, Value: x})
			}
		}
		if x := po.Get(event.OpUnset); x != nil && x.Type() == fastjson.TypeArray && len(x.GetArray()) > 0 {
			ops = append(ops, event.ProfileOp{Op: event.OpUnset, Value: x})
		}
		if len(ops) > 0 {
			u := base
			u.Kind, u.ID, u.Ops = event.People, ev.DistinctID, ops
			it.Profiles = append(it.Profiles, u)
		}
	}
	if from := d.mergeSource(ev, po); from != "" {
		// The merge goes first: the update above then applies to the
		// merged person (the store merges before it applies ops).
		u := base
		u.Kind, u.ID, u.MergeFrom = event.People, ev.DistinctID, from
		it.Profiles = append(it.Profiles, event.ProfileUpdate{})
		copy(it.Profiles[1:], it.Profiles)
		it.Profiles[0] = u
	}
	if ev.Name == "$groupidentify" {
		typ := stringOf(po.Get("$group_type"))
		key, _ := d.stringify(po.Get("$group_key"))
		if typ != "" && key != "" {
			u := base
			u.Kind, u.GroupKey, u.ID = event.Group, typ, key
			if x := po.Get("$group_set"); x != nil && x.Type() == fastjson.TypeObject {
				u.Ops = []event.ProfileOp{{Op: event.OpSet, Value: x}}
			} else {
				u.Ops = []event.ProfileOp{{Op: event.OpSet, Value: d.a.NewObject()}}
			}
			it.Profiles = append(it.Profiles, u)
		}
	}
}

// mergeSource returns the distinct_id whose person an identity event
// merges into the event's: $anon_distinct_id of an $identify, alias of a
// $create_alias or $merge_dangerously (both directions of PostHog's merge
// end in one person; Sieve keeps the event's distinct_id as its id). It
// returns "" for other events and for a source equal to the distinct_id.
func (d *decoder) mergeSource(ev *event.Event, po *fastjson.Object) string {
	var v *fastjson.Value
	switch ev.Name {
	case "$identify":
		v = po.Get("$anon_distinct_id")
	case "$create_alias", "$merge_dangerously":
		v = po.Get("alias")
	default:
		return ""
	}
	if isAbsent(v) {
		return ""
	}
	s, err := d.distinctID(v) // the same rules as a distinct_id
	if err != nil || s == ev.DistinctID {
		return ""
	}
	return s
}

type decodeErr string

func (e decodeErr) Error() string { return string(e) }

// distinctID applies PostHog's distinct_id rules.
func (d *decoder) distinctID(v *fastjson.Value) (string, error) {
	if isAbsent(v) {
		return "", decodeErr("distinct_id is missing: send it at the top level or in properties")
	}
	s, ok := d.stringify(v)
	if !ok {
		return "", decodeErr("distinct_id holds a number that is not valid JSON")
	}
	s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	if utf8.RuneCountInString(s) > MaxDistinctIDChars {
		n := 0
		for i := range s {
			if n == MaxDistinctIDChars {
				s = s[:i]
				break
			}
			n++
		}
	}
	return s, nil
}

// stringify returns a string's text, or any other value's JSON text.
func (d *decoder) stringify(v *fastjson.Value) (string, bool) {
	if v == nil {
		return "", true
	}
	if v.Type() == fastjson.TypeString {
		return string(v.GetStringBytes()), true
	}
	var err error
	d.num, err = jsontext.AppendValue(d.num[:0], v)
	return string(d.num), err == nil
}

// eventUUID validates a uuid, or generates a UUIDv7 when there is none.
func eventUUID(v *fastjson.Value) (string, error) {
	if isAbsent(v) {
		return newUUIDv7(), nil
	}
	if v.Type() != fastjson.TypeString {
		return "", decodeErr("uuid must be a string")
	}
	b := v.GetStringBytes()
	if len(b) != 36 {
		return "", decodeErr("uuid must be a UUID such as 0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")
	}
	out := make([]byte, 36)
	for i, c := range b {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return "", decodeErr("uuid must be a UUID such as 0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")
			}
		case '0' <= c && c <= '9' || 'a' <= c && c <= 'f':
		case 'A' <= c && c <= 'F':
			c += 'a' - 'A'
		default:
			return "", decodeErr("uuid must be a UUID such as 0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")
		}
		out[i] = c
	}
	return string(out), nil
}

// newUUIDv7 returns a random UUID version 7 (RFC 9562) for now.
func newUUIDv7() string {
	var b [16]byte
	_, _ = rand.Read(b[6:])
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], uint64(time.Now().UnixMilli()))
	copy(b[:6], ts[2:])
	b[6] = b[6]&0x0f | 0x70
	b[8] = b[8]&0x3f | 0x80
	const hexd = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hexd[c>>4], hexd[c&15])
	}
	return string(out)
}

// time resolves an event's time by PostHog's rules (see Decode).
func (d *decoder) time(v *fastjson.Value, po *fastjson.Object) (int64, error) {
	t := d.now
	if off := v.Get("offset"); off != nil && off.Type() != fastjson.TypeNull {
		ms, err := off.Float64()
		if err != nil || off.Type() != fastjson.TypeNumber {
			return 0, decodeErr("offset must be a number of milliseconds")
		}
		t = d.now - int64(ms)
	} else if ts := v.Get("timestamp"); ts != nil && ts.Type() != fastjson.TypeNull {
		if ts.Type() != fastjson.TypeString {
			return 0, decodeErr("timestamp must be an ISO 8601 string")
		}
		tt, ok := parseTime(ts.GetStringBytes())
		if !ok {
			return 0, decodeErr("timestamp must be an ISO 8601 string such as 2026-01-02T03:04:05.678Z")
		}
		t = tt
		ignore := po.Get("$ignore_sent_at")
		if d.sentAt != 0 && (ignore == nil || ignore.Type() != fastjson.TypeTrue) {
			if skew := d.now - d.sentAt; skew > SkewTolerance.Milliseconds() || -skew > SkewTolerance.Milliseconds() {
				t += skew
			}
		}
	}
	if t > d.now+MaxFuture.Milliseconds() {
		t = d.now
	}
	return max(t, 0), nil
}

// parseTime reads an ISO 8601 time: RFC 3339 with any fraction, or without
// a zone (read as UTC), or a date alone.
func parseTime(b []byte) (int64, bool) {
	s := string(b)
	for _, layout := range [...]string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixMilli(), true
		}
	}
	return 0, false
}

// measure returns v's compact JSON size and the first limit it breaks.
func measure(v *fastjson.Value, level int) (size int, problem string) {
	switch v.Type() {
	case fastjson.TypeObject, fastjson.TypeArray:
		if level >= MaxDepth {
			return 0, "an event is nested more than " + strconv.Itoa(MaxDepth) + " levels deep"
		}
		size = 2
		if v.Type() == fastjson.TypeArray {
			for _, c := range v.GetArray() {
				n, p := measure(c, level+1)
				if p != "" {
					return 0, p
				}
				size += n + 1
			}
			return size, ""
		}
		v.GetObject().Visit(func(k []byte, c *fastjson.Value) {
			if problem != "" {
				return
			}
			n, p := measure(c, level+1)
			problem = p
			size += len(k) + 4 + n
		})
		return size, problem
	case fastjson.TypeString:
		return len(v.GetStringBytes()) + 2, ""
	case fastjson.TypeNumber:
		return 8, ""
	default:
		return 5, ""
	}
}
