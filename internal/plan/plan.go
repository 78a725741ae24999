// Package plan holds per-project tracking plans — the events a project
// declares and their properties with types (a JSON Schema subset), as
// Segment Protocols and Snowplow do — and checks events against them on
// the ingestion path, after the guard:
//
//   - off (default): nothing is checked;
//   - report: violations become findings of class "unplanned" (the event
//     is stored as sent);
//   - enforce: unplanned properties are dropped before storage, unplanned
//     events are dropped or kept (UnplannedEvents), and every drop is a
//     finding; type and value violations of planned properties are
//     findings, the values are kept (enforce drops only what is unplanned).
//
// Properties Sieve or the SDKs set ("$…", "mp_…", token, distinct_id,
// time, ip) are always allowed, and so are the SDKs' own events ("$…"). Findings hold names and types, never a
// value.
//
// plan imports event and atomicfile only.
package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
	"github.com/sieve-analytics/sieve/internal/event"
)

// Modes and settings.
const (
	Off     = "off"
	Report  = "report"
	Enforce = "enforce"

	Keep = "keep"
	Drop = "drop"

	// Class is the finding class of every violation.
	Class = "unplanned"
)

// Detectors of the findings.
const (
	DetUnplannedEvent    = "plan.unplanned_event"
	DetUnplannedProperty = "plan.unplanned_property"
	DetType              = "plan.type"
	DetEnum              = "plan.enum"
	DetRange             = "plan.range"
	DetMaxLength         = "plan.max_length"
)

// ErrInvalid wraps validation errors; their text is safe to show.
var ErrInvalid = errors.New("plan")

// Limits of a plan.
const (
	MaxEvents     = 5000
	MaxProperties = 2000 // per event
	MaxDepth      = 8
)

// Types is a schema's "type": one name or a list.
type Types []string

// UnmarshalJSON accepts "string" and ["string","null"].
func (t *Types) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*t = Types{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("%w: type must be a type name or a list of them", ErrInvalid)
	}
	*t = many
	return nil
}

// Schema is the JSON Schema subset a property's value is checked with.
type Schema struct {
	Type       Types              `json:"type,omitempty"`
	Enum       []any              `json:"enum,omitempty"` // strings, numbers, booleans
	Minimum    *float64           `json:"minimum,omitempty"`
	Maximum    *float64           `json:"maximum,omitempty"`
	MaxLength  *int               `json:"maxLength,omitempty"`
	Properties map[string]*Schema `json:"properties,omitempty"` // an object's planned properties
	Items      *Schema            `json:"items,omitempty"`      // an array's items
}

// EventSchema is one planned event.
type EventSchema struct {
	Description string             `json:"description,omitempty"`
	Properties  map[string]*Schema `json:"properties"`
}

// Plan is a project's tracking plan (the body of PUT /api/projects/{id}/plan).
type Plan struct {
	Mode            string                  `json:"mode"`
	UnplannedEvents string                  `json:"unplanned_events,omitempty"` // enforce: "keep" (default) or "drop"
	Events          map[string]*EventSchema `json:"events"`
}

var typeNames = []string{"string", "number", "integer", "boolean", "object", "array", "null"}

func bad(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, a...))
}

// Validate checks p and fills defaults.
func (p *Plan) Validate() error {
	if p.Mode == "" {
		p.Mode = Off
	}
	if p.Mode != Off && p.Mode != Report && p.Mode != Enforce {
		return bad(`mode must be "off", "report" or "enforce"`)
	}
	if p.UnplannedEvents == "" {
		p.UnplannedEvents = Keep
	}
	if p.UnplannedEvents != Keep && p.UnplannedEvents != Drop {
		return bad(`unplanned_events must be "keep" or "drop"`)
	}
	if p.Events == nil {
		p.Events = map[string]*EventSchema{}
	}
	if len(p.Events) > MaxEvents {
		return bad("at most %d events", MaxEvents)
	}
	for name, ev := range p.Events {
		if name == "" || len(name) > 255 || !utf8.ValidString(name) {
			return bad("event names must be 1 to 255 bytes of UTF-8")
		}
		if ev == nil {
			ev = &EventSchema{}
			p.Events[name] = ev
		}
		if len(ev.Properties) > MaxProperties {
			return bad("event %q: at most %d properties", name, MaxProperties)
		}
		for prop, s := range ev.Properties {
			if err := validSchema(s, 1); err != nil {
				return bad("event %q, property %q: %s", name, prop, strings.TrimPrefix(err.Error(), "plan: "))
			}
		}
	}
	return nil
}

func validSchema(s *Schema, depth int) error {
	if s == nil {
		return nil
	}
	if depth > MaxDepth {
		return bad("schemas nest at most %d levels", MaxDepth)
	}
	for _, t := range s.Type {
		if !slices.Contains(typeNames, t) {
			return bad("unknown type %q (known: %s)", t, strings.Join(typeNames, ", "))
		}
	}
	for _, e := range s.Enum {
		switch e.(type) {
		case string, float64, bool:
		default:
			return bad("enum values must be strings, numbers or booleans")
		}
	}
	if s.MaxLength != nil && *s.MaxLength < 0 {
		return bad("maxLength must not be negative")
	}
	for _, c := range s.Properties {
		if err := validSchema(c, depth+1); err != nil {
			return err
		}
	}
	return validSchema(s.Items, depth+1)
}

// System reports whether a top-level property is set by Sieve or the SDKs
// and always allowed.
func System(name string) bool {
	if strings.HasPrefix(name, "$") || strings.HasPrefix(name, "mp_") {
		return true
	}
	switch name {
	case "token", "distinct_id", "time", "ip":
		return true
	}
	return false
}

// typeOf names v's JSON type ("integer" for whole numbers, which also
// satisfy "number").
func typeOf(v *fastjson.Value) string {
	switch v.Type() {
	case fastjson.TypeString:
		return "string"
	case fastjson.TypeNumber:
		if f := v.GetFloat64(); f == math.Trunc(f) && !math.IsInf(f, 0) {
			return "integer"
		}
		return "number"
	case fastjson.TypeTrue, fastjson.TypeFalse:
		return "boolean"
	case fastjson.TypeObject:
		return "object"
	case fastjson.TypeArray:
		return "array"
	}
	return "null"
}

// checker collects the findings of one event.
type checker struct {
	ev      *event.Event
	enforce bool
	out     []event.Finding
}

func (c *checker) add(path, det, action string) {
	c.out = append(c.out, event.Finding{ProjectID: c.ev.ProjectID, DistinctID: c.ev.DistinctID, Event: c.ev.Name,
		Path: path, Class: Class, Detector: det, Action: action, Lib: c.ev.Lib, LibVersion: c.ev.LibVersion})
}

// object checks the members of obj against planned (nil: no member is
// planned), dropping unplanned ones when enforcing. top: the event's own
// properties, where system properties are allowed.
func (c *checker) object(obj *fastjson.Object, planned map[string]*Schema, prefix string, top bool) {
	var drop []string
	obj.Visit(func(k []byte, v *fastjson.Value) {
		name := string(k)
		if top && System(name) {
			return
		}
		path := prefix + name
		s, ok := planned[name]
		if !ok {
			if c.enforce {
				drop = append(drop, name)
				c.add(path, DetUnplannedProperty, "drop_property")
			} else {
				c.add(path, DetUnplannedProperty, Keep)
			}
			return
		}
		c.value(v, s, path)
	})
	for _, k := range drop {
		obj.Del(k)
	}
}

// value checks one planned value; violations are recorded, the value kept.
func (c *checker) value(v *fastjson.Value, s *Schema, path string) {
	if s == nil {
		return
	}
	t := typeOf(v)
	if len(s.Type) > 0 && !slices.Contains(s.Type, t) && !(t == "integer" && slices.Contains(s.Type, "number")) {
		c.add(path, DetType+":"+t+"_not_"+strings.Join(s.Type, "|"), Keep)
		return
	}
	if len(s.Enum) > 0 && !inEnum(v, s.Enum) {
		c.add(path, DetEnum, Keep)
	}
	if t == "integer" || t == "number" {
		f := v.GetFloat64()
		if (s.Minimum != nil && f < *s.Minimum) || (s.Maximum != nil && f > *s.Maximum) {
			c.add(path, DetRange, Keep)
		}
	}
	if t == "string" && s.MaxLength != nil && utf8.RuneCount(v.GetStringBytes()) > *s.MaxLength {
		c.add(path, DetMaxLength, Keep)
	}
	if t == "object" && s.Properties != nil {
		o, _ := v.Object()
		c.object(o, s.Properties, path+".", false)
	}
	if t == "array" && s.Items != nil {
		for i, it := range v.GetArray() {
			c.value(it, s.Items, path+"["+strconv.Itoa(i)+"]")
		}
	}
}

func inEnum(v *fastjson.Value, enum []any) bool {
	for _, e := range enum {
		switch e := e.(type) {
		case string:
			if v.Type() == fastjson.TypeString && string(v.GetStringBytes()) == e {
				return true
			}
		case float64:
			if v.Type() == fastjson.TypeNumber && v.GetFloat64() == e {
				return true
			}
		case bool:
			if (v.Type() == fastjson.TypeTrue && e) || (v.Type() == fastjson.TypeFalse && !e) {
				return true
			}
		}
	}
	return false
}

// Check checks ev against p, appends the violations to fs and reports
// whether the event must be dropped (enforce, unplanned event, "drop").
// In enforce mode unplanned properties are removed from ev.Props.
func (p *Plan) Check(ev *event.Event, fs []event.Finding) ([]event.Finding, bool) {
	if p == nil || p.Mode == Off || ev.Props == nil || strings.HasPrefix(ev.Name, "$") {
		return fs, false // SDKs' own events ($identify, $mp_web_page_view…) are not planned
	}
	c := checker{ev: ev, enforce: p.Mode == Enforce, out: fs}
	es, ok := p.Events[ev.Name]
	if !ok {
		if c.enforce && p.UnplannedEvents == Drop {
			c.add("", DetUnplannedEvent, "drop_event")
			return c.out, true
		}
		c.add("", DetUnplannedEvent, Keep)
		return c.out, false
	}
	if obj, err := ev.Props.Object(); err == nil {
		c.object(obj, es.Properties, "", true)
	}
	return c.out, false
}

// Store keeps the plans of every project, one file each (<dir>/<id>.json).
// Safe for concurrent use.
type Store struct {
	dir   string
	mu    sync.RWMutex
	plans map[int64]*Plan
}

// Open loads the plans in dir.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	s := &Store{dir: dir, plans: map[int64]*Plan{}}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	for _, e := range ents {
		id, err := strconv.ParseInt(strings.TrimSuffix(e.Name(), ".json"), 10, 64)
		if err != nil || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("plan: %w", err)
		}
		var p Plan
		if json.Unmarshal(b, &p) != nil || p.Validate() != nil {
			return nil, fmt.Errorf("plan: the plan of project %d is damaged", id)
		}
		s.plans[id] = &p
	}
	return s, nil
}

// Get returns project id's plan (mode off with no events when none).
func (s *Store) Get(id int64) *Plan {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if p, ok := s.plans[id]; ok {
		return p
	}
	return &Plan{Mode: Off, UnplannedEvents: Keep, Events: map[string]*EventSchema{}}
}

// Put validates and stores project id's plan.
func (s *Store) Put(id int64, p *Plan) error {
	if err := p.Validate(); err != nil {
		return err
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := atomicfile.Write(filepath.Join(s.dir, strconv.FormatInt(id, 10)+".json"), b, 0o600); err != nil {
		return fmt.Errorf("plan: write: %w", err)
	}
	s.plans[id] = p
	return nil
}

// Check checks ev against its project's plan (see Plan.Check).
func (s *Store) Check(ev *event.Event, fs []event.Finding) ([]event.Finding, bool) {
	s.mu.RLock()
	p := s.plans[ev.ProjectID]
	s.mu.RUnlock()
	return p.Check(ev, fs)
}
