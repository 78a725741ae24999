package advisory

import (
	"strings"
	"time"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

// Outcome says what Enforce did to an event.
type Outcome struct {
	Reject  bool    // refuse the event: store nothing of it
	Applied []int64 // ids of the advisories whose action was applied
}

// Enforce applies every advisory matching ev's lib and version to ev, in
// place, before the guard. a builds replacement strings (element chains).
// With no advisory registered it costs one atomic load.
func (r *Registry) Enforce(ev *event.Event, a *fastjson.Arena) Outcome {
	var out Outcome
	list := *r.list.Load()
	if len(list) == 0 || ev.Lib == "" {
		return out
	}
	for _, c := range list {
		if c.Lib != ev.Lib || !c.rng.Match(ev.LibVersion) {
			continue
		}
		out.Applied = append(out.Applied, c.ID)
		switch c.Action {
		case Reject:
			out.Reject = true
			return out
		case StripAutotrackValues:
			stripAutotrack(ev.Props, a)
		case DropProperties:
			for _, p := range c.paths {
				dropPath(ev.Props, p)
			}
		}
	}
	return out
}

// valueAttr names the element attributes that hold what a user typed or
// chose: Mixpanel's autotrack copied them as attr__value.
func valueAttr(k string) bool {
	switch k {
	case "attr__value", "value", "$el_value", "attr__data-value", "attr__checked", "attr__selected":
		return true
	}
	return false
}

// stripAutotrack removes value attributes from $elements (mixpanel-js,
// PostHog) and from $elements_chain strings (PostHog).
func stripAutotrack(props *fastjson.Value, a *fastjson.Arena) {
	if props == nil || props.Type() != fastjson.TypeObject {
		return
	}
	if els := props.Get("$elements"); els != nil && els.Type() == fastjson.TypeArray {
		arr, _ := els.Array()
		for _, el := range arr {
			o, err := el.Object()
			if err != nil {
				continue
			}
			var keys []string
			o.Visit(func(k []byte, _ *fastjson.Value) {
				if valueAttr(string(k)) {
					keys = append(keys, string(k))
				}
			})
			for _, k := range keys {
				for i := 0; i < 64 && o.Get(k) != nil; i++ {
					o.Del(k)
				}
			}
			if attrs := o.Get("attributes"); attrs != nil && attrs.Type() == fastjson.TypeObject {
				ao, _ := attrs.Object()
				var ak []string
				ao.Visit(func(k []byte, _ *fastjson.Value) {
					if valueAttr(string(k)) || valueAttr("attr__"+string(k)) {
						ak = append(ak, string(k))
					}
				})
				for _, k := range ak {
					for i := 0; i < 64 && ao.Get(k) != nil; i++ {
						ao.Del(k)
					}
				}
			}
		}
	}
	if ch := props.Get("$elements_chain"); ch != nil && ch.Type() == fastjson.TypeString {
		s := string(ch.GetStringBytes())
		if t, changed := stripChain(s); changed {
			props.Set("$elements_chain", a.NewString(t))
		}
	}
}

// stripChain removes attr__value="..." and value="..." from a PostHog
// element chain (attributes are key="value" with \" escapes).
func stripChain(s string) (string, bool) {
	var b strings.Builder
	changed := false
	i := 0
	for i < len(s) {
		j := i
		// Find the next key="..." whose key is a value attribute.
		k := strings.Index(s[j:], "=\"")
		if k < 0 {
			break
		}
		k += j
		ks := k
		for ks > i && s[ks-1] != '"' && s[ks-1] != ':' && s[ks-1] != ';' && s[ks-1] != ' ' {
			ks--
		}
		key := s[ks:k]
		end := k + 2
		for end < len(s) {
			if s[end] == '\\' {
				end += 2
				continue
			}
			if s[end] == '"' {
				break
			}
			end++
		}
		end = min(end+1, len(s))
		if valueAttr(key) {
			b.WriteString(s[i:ks])
			changed = true
		} else {
			b.WriteString(s[i:end])
		}
		i = end
	}
	if !changed {
		return s, false
	}
	b.WriteString(s[i:])
	return b.String(), true
}

// dropPath removes the property at path (object keys; "k[]" descends into
// every element of array k) from v.
func dropPath(v *fastjson.Value, path []string) {
	if v == nil || len(path) == 0 {
		return
	}
	switch v.Type() {
	case fastjson.TypeObject:
	case fastjson.TypeArray:
		arr, _ := v.Array()
		for _, c := range arr {
			dropPath(c, path)
		}
		return
	default:
		return
	}
	o, _ := v.Object()
	key, arr := path[0], false
	if strings.HasSuffix(key, "[]") {
		key, arr = strings.TrimSuffix(key, "[]"), true
	}
	if len(path) == 1 && !arr {
		for i := 0; i < 64 && o.Get(key) != nil; i++ {
			o.Del(key)
		}
		return
	}
	c := o.Get(key)
	if c == nil {
		return
	}
	if arr {
		if c.Type() != fastjson.TypeArray {
			return
		}
		if len(path) == 1 {
			o.Del(key)
			return
		}
		a, _ := c.Array()
		for _, e := range a {
			dropPath(e, path[1:])
		}
		return
	}
	dropPath(c, path[1:])
}

// SDKCounter counts refused events in the SDK fleet (lexicon.Lexicon).
type SDKCounter interface {
	ObserveSDK(projectID int64, lib, version string, t int64, now time.Time)
}

// Hook adapts a Registry to ingestion (ingest.Enforcer): it applies the
// advisories and counts refused events in the fleet, so that a report
// still sees projects whose events are rejected.
type Hook struct {
	Registry *Registry
	Fleet    SDKCounter // may be nil
}

// Enforce implements ingest.Enforcer.
func (h Hook) Enforce(ev *event.Event, a *fastjson.Arena) bool {
	out := h.Registry.Enforce(ev, a)
	if out.Reject && h.Fleet != nil {
		h.Fleet.ObserveSDK(ev.ProjectID, ev.Lib, ev.LibVersion, ev.Time, time.Now())
	}
	return out.Reject
}
