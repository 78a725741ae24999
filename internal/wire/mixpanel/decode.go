package mixpanel

import (
	"bytes"
	"math"
	"strconv"
	"time"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/jsontext"
)

// Options carries what decoding needs besides the object.
type Options struct {
	Endpoint Endpoint
	Now      time.Time // time of receipt; zero means time.Now()
}

func (o Options) nowMillis() int64 {
	if o.Now.IsZero() {
		return time.Now().UnixMilli()
	}
	return o.Now.UnixMilli()
}

// DecodeEvent validates one /track or /import object and lifts it into an
// event.Event. It does not set ProjectID, nor RecordError.Index.
//
//   - Name is "event" (a non-empty string). Props is the "properties" object
//     with token, distinct_id, time and $insert_id removed (they go to token
//     and the fields); every other property stays exactly as sent, including
//     mp_lib, $lib and $lib_version, which are also copied to Lib and
//     LibVersion when they have the shape of an SDK name and version
//     (see sdkName, sdkVersion); the guard empties them again when it
//     changes the property they came from.
//   - ignored is true, with no error, when properties.$ignore is true: the
//     event is to be dropped silently.
//   - time is seconds (integer or fractional) below MillisThreshold and
//     milliseconds from there on; see docs/INGESTION.md for the windows of
//     /track and /import.
//   - Limits: MaxProperties, MaxDepth, MaxElements, and MaxObjectBytes
//     measured as the compact JSON size of the event name and properties
//     (strings at their decoded length).
//
// ev.Props points into the parser that produced v.
func DecodeEvent(v *fastjson.Value, o Options) (ev event.Event, token string, ignored bool, rerr *RecordError) {
	if v == nil || v.Type() != fastjson.TypeObject {
		return ev, "", false, &RecordError{Message: "the record is not a JSON object"}
	}
	props := v.Get("properties")
	if props == nil {
		return ev, "", false, &RecordError{Field: "properties", Message: "the event has no properties object"}
	}
	if props.Type() != fastjson.TypeObject {
		return ev, "", false, &RecordError{Field: "properties", Message: "properties must be a JSON object"}
	}
	po := props.GetObject()

	var f eventFields
	w := walker{}
	count := 0
	po.Visit(func(k []byte, val *fastjson.Value) {
		count++
		w.size += len(k) + 4
		w.key(k) // "k":v,
		switch string(k) {
		case "token":
			f.set(&f.token, val)
		case "distinct_id":
			f.set(&f.distinctID, val)
		case "time":
			f.set(&f.time, val)
		case "$insert_id":
			f.set(&f.insertID, val)
		case "$ignore":
			f.ignore = val
		case "mp_lib":
			if f.mpLib == nil {
				f.mpLib = val
			}
		case "$lib":
			if f.lib == nil {
				f.lib = val
			}
		case "$lib_version":
			if f.libVersion == nil {
				f.libVersion = val
			}
		}
		w.value(val, 0)
	})

	if f.ignore != nil && f.ignore.Type() == fastjson.TypeTrue {
		return ev, "", true, nil
	}

	fail := func(field, msg string) (event.Event, string, bool, *RecordError) {
		return event.Event{}, "", false, &RecordError{InsertID: ev.InsertID, Field: field, Message: msg}
	}
	if f.insertID != nil {
		id, msg := insertID(f.insertID)
		if msg != "" {
			return fail("properties.$insert_id", msg)
		}
		ev.InsertID = id
	}

	name := v.Get("event")
	if name == nil {
		return fail("event", "the event name is missing")
	}
	if name.Type() != fastjson.TypeString {
		return fail("event", "the event name must be a string")
	}
	nb := name.GetStringBytes()
	if len(nb) == 0 {
		return fail("event", "the event name is empty")
	}
	if len(nb) > MaxNameBytes {
		return fail("event", nameTooLong("the event name"))
	}
	w.size += len(nb) + len(`{"event":"","properties":{}}`)

	if count > MaxProperties {
		return fail("properties", "the event has more than "+strconv.Itoa(MaxProperties)+" properties")
	}
	if w.problem != "" {
		return fail("properties", w.problem)
	}
	if w.size > MaxObjectBytes {
		return fail("", "the event is larger than "+strconv.Itoa(MaxObjectBytes)+" bytes of JSON")
	}
	if f.dup != "" {
		return fail("properties."+f.dup, "the property appears more than once")
	}

	if f.token != nil {
		if f.token.Type() != fastjson.TypeString {
			return fail("properties.token", "token must be a string")
		}
		token = string(f.token.GetStringBytes())
	}

	if f.distinctID != nil {
		id, msg := distinctID(f.distinctID, &w)
		if msg != "" {
			return fail("properties.distinct_id", msg)
		}
		ev.DistinctID = id
	}

	now := o.nowMillis()
	if f.time == nil {
		if o.Endpoint == Import {
			return fail("properties.time", "time is required on /import (seconds or milliseconds since 1970-01-01 UTC)")
		}
		ev.Time = now
	} else {
		t, ok := timeMillis(f.time)
		if !ok {
			return fail("properties.time", "time must be a number of seconds or milliseconds since 1970-01-01 UTC")
		}
		switch {
		case o.Endpoint == Import && t < MinTimeMillis:
			return fail("properties.time", "time is before 1971-01-01, the earliest time accepted")
		case o.Endpoint == Import && t > now+MaxFuture.Milliseconds():
			return fail("properties.time", "time is more than one hour in the future")
		case o.Endpoint != Import && t < now-TrackWindow.Milliseconds():
			return fail("properties.time", "the event is more than 5 days old: /track takes recent events only, send older ones to /import")
		case o.Endpoint != Import && t > now+MaxFuture.Milliseconds():
			t = now // Mixpanel replaces a future time with the time of receipt
		}
		ev.Time = t
	}

	ev.Name = string(nb)
	if ev.Lib = sdkName(f.mpLib); ev.Lib == "" {
		ev.Lib = sdkName(f.lib)
	}
	ev.LibVersion = sdkVersion(f.libVersion)
	for _, k := range liftedKeys {
		po.Del(k)
	}
	ev.Props = props
	return ev, token, false, nil
}

var liftedKeys = [...]string{"token", "distinct_id", "time", "$insert_id"}

type eventFields struct {
	token, distinctID, time, insertID *fastjson.Value
	ignore, mpLib, lib, libVersion    *fastjson.Value
	dup                               string
}

// set records a lifted key's value; a second occurrence is an error, as it
// could not be removed from the properties unambiguously.
func (f *eventFields) set(dst **fastjson.Value, v *fastjson.Value) {
	if *dst != nil && f.dup == "" {
		switch dst {
		case &f.token:
			f.dup = "token"
		case &f.distinctID:
			f.dup = "distinct_id"
		case &f.time:
			f.dup = "time"
		default:
			f.dup = "$insert_id"
		}
		return
	}
	*dst = v
}

// walker measures values and checks the nesting limits.
type walker struct {
	size    int
	problem string // the first limit exceeded, as a message
	field   string // where, for profile updates
	num     []byte
}

// value walks v, a value nested in level containers inside a property value.
func (w *walker) value(v *fastjson.Value, level int) {
	if w.problem != "" {
		return
	}
	switch v.Type() {
	case fastjson.TypeObject:
		if level >= MaxDepth {
			w.problem = "a property value is nested more than " + strconv.Itoa(MaxDepth) + " levels deep"
			return
		}
		o := v.GetObject()
		if o.Len() > MaxElements {
			w.problem = "a property value holds an object with more than " + strconv.Itoa(MaxElements) + " keys"
			return
		}
		w.size += 2
		o.Visit(func(k []byte, c *fastjson.Value) {
			w.size += len(k) + 4
			w.key(k)
			w.value(c, level+1)
		})
	case fastjson.TypeArray:
		if level >= MaxDepth {
			w.problem = "a property value is nested more than " + strconv.Itoa(MaxDepth) + " levels deep"
			return
		}
		a := v.GetArray()
		if len(a) > MaxElements {
			w.problem = "a property value holds a list with more than " + strconv.Itoa(MaxElements) + " elements"
			return
		}
		w.size += 2 + len(a)
		for _, c := range a {
			w.value(c, level+1)
		}
	case fastjson.TypeString:
		w.size += len(v.GetStringBytes()) + 2
	case fastjson.TypeNumber:
		w.num = v.MarshalTo(w.num[:0])
		if !jsontext.ValidNumber(w.num) {
			w.problem = "a property holds a number that is not valid JSON (such as NaN or Infinity)"
			return
		}
		w.size += len(w.num)
	case fastjson.TypeFalse:
		w.size += 5
	default: // true, null
		w.size += 4
	}
}

// key checks the length of a property name.
func (w *walker) key(k []byte) {
	if len(k) > MaxNameBytes && w.problem == "" {
		w.problem = nameTooLong("a property name")
	}
}

// nameTooLong is the message for a name over MaxNameBytes; it never quotes
// the name.
func nameTooLong(what string) string {
	return what + " is longer than " + strconv.Itoa(MaxNameBytes) + " bytes"
}

// insertID validates a $insert_id: a string of 1 to 36 letters, digits or
// dashes that is not a placeholder. An empty string counts as absent.
func insertID(v *fastjson.Value) (string, string) {
	if v.Type() != fastjson.TypeString {
		return "", "$insert_id must be a string"
	}
	b := v.GetStringBytes()
	if len(b) > MaxInsertIDBytes {
		return "", "$insert_id is longer than " + strconv.Itoa(MaxInsertIDBytes) + " bytes"
	}
	for _, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return "", "$insert_id may hold only letters, digits and dashes"
		}
	}
	if isPlaceholder(b) {
		return "", "$insert_id is a placeholder value (such as null or 0); send a unique id"
	}
	return string(b), ""
}

// distinctID returns a distinct_id (a string, or a number kept as written)
// or a message saying why it is refused.
func distinctID(v *fastjson.Value, w *walker) (string, string) {
	var b []byte
	switch v.Type() {
	case fastjson.TypeString:
		b = v.GetStringBytes()
	case fastjson.TypeNumber:
		w.num = v.MarshalTo(w.num[:0])
		b = w.num
		if !jsontext.ValidNumber(b) {
			return "", "the distinct id must be a string"
		}
	default:
		return "", "the distinct id must be a string"
	}
	if len(b) > MaxNameBytes {
		return "", nameTooLong("the distinct id")
	}
	if isPlaceholder(b) {
		return "", "the distinct id is a placeholder value (such as anon, null, undefined or 0); send the user's real id, or an empty string for events without a user"
	}
	return string(b), ""
}

// isPlaceholder reports whether b, trimmed and compared case-insensitively,
// is on Mixpanel's denylist of placeholder ids.
func isPlaceholder(b []byte) bool {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || len(b) > 36 {
		return false
	}
	var buf [36]byte
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	switch string(buf[:len(b)]) {
	case "00000000-0000-0000-0000-000000000000", "anon", "anonymous", "nil", "none",
		"null", "n/a", "na", "undefined", "unknown", "<nil>", "0", "-1", "true",
		"false", "[]", "{}":
		return true
	}
	return false
}

// timeMillis converts a time value (seconds or milliseconds, a number or a
// numeric string, or an RFC 3339 date string) to Unix milliseconds.
func timeMillis(v *fastjson.Value) (int64, bool) {
	var f float64
	switch v.Type() {
	case fastjson.TypeNumber:
		x, err := v.Float64()
		if err != nil {
			return 0, false
		}
		f = x
	case fastjson.TypeString:
		s := string(bytes.TrimSpace(v.GetStringBytes()))
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			// An RFC 3339 date, as a JavaScript Date serialises to JSON.
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return 0, false
			}
			x = float64(t.UnixMilli())
		}
		f = x
	default:
		return 0, false
	}
	if math.IsNaN(f) || f < 0 || f > 1e15 {
		return 0, false
	}
	if f < MillisThreshold {
		f *= 1000
	}
	return int64(math.Round(f)), true
}

// DecodeProfile validates one /engage (kind event.People) or /groups (kind
// event.Group) object: $token; $distinct_id, or $group_key and $group_id;
// one or more of $set, $set_once, $add, $append, $union, $remove, $unset,
// $delete; modifiers $ignore_time, $ip and $time. Ops are returned in the
// order of application (see event.ProfileOp). Other top-level keys that
// SDKs send ($device_id, $user_id, $ignore_alias...) are ignored. It does
// not set ProjectID, nor RecordError.Index.
func DecodeProfile(v *fastjson.Value, kind event.ProfileKind, o Options) (u event.ProfileUpdate, token string, rerr *RecordError) {
	if v == nil || v.Type() != fastjson.TypeObject {
		return u, "", &RecordError{Message: "the record is not a JSON object"}
	}
	fail := func(field, msg string) (event.ProfileUpdate, string, *RecordError) {
		return event.ProfileUpdate{}, "", &RecordError{Field: field, Message: msg}
	}
	var (
		tok, did, gkey, gid, tm, ip, ignoreTime, mpLib, lib, libVersion *fastjson.Value
		ops                                                             [8]*fastjson.Value
		nops                                                            int
		dup                                                             string
	)
	w := walker{}
	v.GetObject().Visit(func(k []byte, val *fastjson.Value) {
		w.size += len(k) + 4
		if i := opRank(k); i >= 0 {
			if ops[i] != nil && dup == "" {
				dup = opNames[i]
			}
			if ops[i] == nil {
				ops[i] = val
				nops++
			}
			w.opValue(opNames[i], val)
			return
		}
		switch string(k) {
		case "$token":
			tok = val
		case "$distinct_id":
			did = val
		case "$group_key":
			gkey = val
		case "$group_id":
			gid = val
		case "$time":
			tm = val
		case "$ip":
			ip = val
		case "$ignore_time":
			ignoreTime = val
		case "mp_lib":
			mpLib = val
		case "$lib":
			lib = val
		case "$lib_version":
			libVersion = val
		}
	})
	if w.problem != "" {
		return fail(w.field, w.problem)
	}
	if w.size > MaxObjectBytes {
		return fail("", "the profile update is larger than "+strconv.Itoa(MaxObjectBytes)+" bytes of JSON")
	}
	if dup != "" {
		return fail(dup, "the operation appears more than once")
	}
	if nops == 0 {
		return fail("", "the update holds no profile operation ($set, $set_once, $add, $append, $union, $remove, $unset or $delete)")
	}
	if tok != nil {
		if tok.Type() != fastjson.TypeString {
			return fail("$token", "$token must be a string")
		}
		token = string(tok.GetStringBytes())
	}
	u.Kind = kind
	switch kind {
	case event.Group:
		if gkey == nil || gkey.Type() != fastjson.TypeString || len(gkey.GetStringBytes()) == 0 {
			return fail("$group_key", "$group_key must be a non-empty string")
		}
		if len(gkey.GetStringBytes()) > MaxNameBytes {
			return fail("$group_key", nameTooLong("$group_key"))
		}
		id, msg := profileID(gid, &w)
		if msg != "" {
			return fail("$group_id", "$group_id "+msg)
		}
		u.GroupKey = string(gkey.GetStringBytes())
		u.ID = id
	default:
		id, msg := profileID(did, &w)
		if msg != "" {
			return fail("$distinct_id", "$distinct_id "+msg)
		}
		if isPlaceholder([]byte(id)) {
			return fail("$distinct_id", "$distinct_id is a placeholder value (such as anon, null, undefined or 0); send the user's real id")
		}
		u.ID = id
	}

	now := o.nowMillis()
	u.Time = now
	if tm != nil {
		t, ok := timeMillis(tm)
		if !ok {
			return fail("$time", "$time must be a number of seconds or milliseconds since 1970-01-01 UTC")
		}
		if t < MinTimeMillis {
			return fail("$time", "$time is before 1971-01-01, the earliest time accepted")
		}
		if t <= now+MaxFuture.Milliseconds() {
			u.Time = t
		}
	}
	if ignoreTime != nil {
		switch ignoreTime.Type() {
		case fastjson.TypeTrue:
			u.IgnoreTime = true
		case fastjson.TypeFalse:
		default:
			return fail("$ignore_time", "$ignore_time must be true or false")
		}
	}
	if ip != nil {
		switch ip.Type() {
		case fastjson.TypeString:
			u.IP = string(ip.GetStringBytes())
		case fastjson.TypeNumber:
			n := ip.MarshalTo(nil)
			if !jsontext.ValidNumber(n) {
				return fail("$ip", "$ip must be a string")
			}
			u.IP = string(n)
		case fastjson.TypeNull:
		default:
			return fail("$ip", "$ip must be a string")
		}
	}
	if u.Lib = sdkName(mpLib); u.Lib == "" {
		u.Lib = sdkName(lib)
	}
	u.LibVersion = sdkVersion(libVersion)
	u.Ops = make([]event.ProfileOp, 0, nops)
	for i, val := range ops {
		if val != nil {
			u.Ops = append(u.Ops, event.ProfileOp{Op: opNames[i], Value: val})
		}
	}
	return u, token, nil
}

// opNames lists the profile operations in the order of application.
var opNames = [8]string{event.OpSet, event.OpSetOnce, event.OpAdd, event.OpAppend,
	event.OpUnion, event.OpRemove, event.OpUnset, event.OpDelete}

func opRank(k []byte) int {
	switch string(k) {
	case event.OpSet:
		return 0
	case event.OpSetOnce:
		return 1
	case event.OpAdd:
		return 2
	case event.OpAppend:
		return 3
	case event.OpUnion:
		return 4
	case event.OpRemove:
		return 5
	case event.OpUnset:
		return 6
	case event.OpDelete:
		return 7
	}
	return -1
}

// opValue checks the argument of one profile operation and measures it.
func (w *walker) opValue(op string, v *fastjson.Value) {
	if w.problem != "" {
		return
	}
	switch op {
	case event.OpUnset:
		a, err := v.Array()
		if err != nil {
			w.fail(op, "$unset must be a list of property names")
			return
		}
		w.size += 2 + len(a)
		for _, c := range a {
			if c.Type() != fastjson.TypeString {
				w.fail(op, "$unset must be a list of property names")
				return
			}
			if len(c.GetStringBytes()) > MaxNameBytes {
				w.fail(op, nameTooLong("a property name"))
				return
			}
			w.size += len(c.GetStringBytes()) + 2
		}
		return
	case event.OpDelete:
		w.value(v, 0)
		if w.problem != "" {
			w.field = op
		}
		return
	}
	o, err := v.Object()
	if err != nil {
		w.fail(op, op+" must be a JSON object of property names and values")
		return
	}
	w.size += 2
	o.Visit(func(k []byte, c *fastjson.Value) {
		if w.problem != "" {
			return
		}
		w.size += len(k) + 4
		if w.key(k); w.problem != "" {
			w.field = op
			return
		}
		switch op {
		case event.OpAdd:
			if c.Type() != fastjson.TypeNumber {
				w.fail(op, "every $add value must be a number")
				return
			}
		case event.OpUnion:
			if c.Type() != fastjson.TypeArray {
				w.fail(op, "every $union value must be a list")
				return
			}
		}
		w.value(c, 0)
		if w.problem != "" {
			w.field = op
		}
	})
}

func (w *walker) fail(field, msg string) {
	w.field, w.problem = field, msg
}

// profileID returns a profile id (a string, or a number kept as written).
func profileID(v *fastjson.Value, w *walker) (string, string) {
	if v == nil {
		return "", "is missing"
	}
	switch v.Type() {
	case fastjson.TypeString:
		b := v.GetStringBytes()
		if len(bytes.TrimSpace(b)) == 0 {
			return "", "is empty"
		}
		if len(b) > MaxNameBytes {
			return "", "is longer than " + strconv.Itoa(MaxNameBytes) + " bytes"
		}
		return string(b), ""
	case fastjson.TypeNumber:
		w.num = v.MarshalTo(w.num[:0])
		if jsontext.ValidNumber(w.num) {
			return string(w.num), ""
		}
	}
	return "", "must be a string"
}
