package forward

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
	"github.com/sieve-analytics/sieve/internal/purge/propath"
)

// Rule is a purge rule as it applies to queued records (the store's purge
// rule): events of Project with From <= time < To, of one of DistinctIDs
// and Events when they are given, are deleted (DeleteEvents) or lose the
// property Paths. Profile updates lose the ProfilePaths from their
// operations' arguments (every update of the project, or the people
// updates of DistinctIDs when given); EraseProfiles with DistinctIDs
// deletes their people updates. These are the store's rules for profiles.
type Rule struct {
	Project       int64
	From, To      int64 // Unix ms
	DistinctIDs   []string
	Events        []string
	Paths         []string
	DeleteEvents  bool
	ProfilePaths  []string
	EraseProfiles bool
}

func (r *Rule) matches(project int64, rec *Record) bool {
	return project == r.Project && rec.Kind == "" && rec.Time >= r.From && rec.Time < r.To &&
		(len(r.DistinctIDs) == 0 || slices.Contains(r.DistinctIDs, rec.DistinctID)) &&
		(len(r.Events) == 0 || slices.Contains(r.Events, rec.Name))
}

// touchesProfile reports whether the rule applies to profile update rec.
func (r *Rule) touchesProfile(project int64, rec *Record) bool {
	return project == r.Project && rec.Kind != "" &&
		(len(r.DistinctIDs) == 0 || rec.Kind == KindPeople && slices.Contains(r.DistinctIDs, rec.DistinctID))
}

func (r *Rule) touches() bool {
	return r.DeleteEvents || len(r.Paths) > 0 || len(r.ProfilePaths) > 0 || r.EraseProfiles && len(r.DistinctIDs) > 0
}

// apply applies rules to one queued record: keep is false when it is
// deleted; changed when it lost a property.
func applyRules(project int64, rules []Rule, rec *Record) (keep, changed bool, err error) {
	var paths, profilePaths []string
	for i := range rules {
		r := &rules[i]
		switch {
		case r.matches(project, rec):
			if r.DeleteEvents {
				return false, true, nil
			}
			paths = append(paths, r.Paths...)
		case r.touchesProfile(project, rec):
			if r.EraseProfiles && len(r.DistinctIDs) > 0 {
				return false, true, nil
			}
			profilePaths = append(profilePaths, r.ProfilePaths...)
		}
	}
	if len(paths) > 0 {
		p, removed, err := propath.Remove(nil, rec.Props, paths)
		if err != nil {
			return true, false, err
		}
		if removed {
			rec.Props, changed = p, true
		}
	}
	if len(profilePaths) > 0 {
		for i := range rec.Ops {
			v := rec.Ops[i].Value
			if len(v) == 0 || v[0] != '{' {
				continue // $unset's names, $delete's ""
			}
			p, removed, err := propath.Remove(nil, v, profilePaths)
			if err != nil {
				return true, false, err
			}
			if removed {
				rec.Ops[i].Value, changed = p, true
			}
		}
	}
	return true, changed, nil
}

// Purge applies rules to the events still queued in the outboxes: the
// segments they touch are rewritten without the deleted events or
// properties (a fresh file, fsynced, renamed over the old one). Delivery
// waits while it runs, and a delivery in flight finishes first, so nothing
// purged is sent afterwards. It returns how many queued events changed.
// The purge of the store calls it first.
func (f *Forwarder) Purge(rules []Rule) (int, error) {
	f.mu.Lock()
	boxes := map[int64]*outbox{}
	for _, r := range rules {
		if o, ok := f.boxes[r.Project]; ok && r.touches() {
			boxes[r.Project] = o
		}
	}
	f.mu.Unlock()
	total := 0
	for project, o := range boxes {
		n, err := o.purge(project, rules)
		total += n
		if err != nil {
			return total, err
		}
		// Dead letters too: they are kept data.
		n, err = f.purgeDead(project, rules)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func (o *outbox) purge(project int64, rules []Rule) (int, error) {
	o.sending.Lock() // no delivery reads or sends meanwhile
	defer o.sending.Unlock()
	o.mu.Lock()
	defer o.mu.Unlock()
	changed := 0
	for _, first := range o.segs {
		path := o.segPath(first)
		b, err := os.ReadFile(path)
		if err != nil {
			return changed, fmt.Errorf("forward: purge: read outbox: %w", err)
		}
		var out []byte
		n := 0
		for _, line := range splitLines(b) {
			var rec Record
			if err := json.Unmarshal(line, &rec); err != nil {
				return changed, fmt.Errorf("forward: purge: outbox record damaged in %s", first2name(first))
			}
			keep, ch, err := applyRules(project, rules, &rec)
			if err != nil {
				return changed, fmt.Errorf("forward: purge: %w", err)
			}
			if !keep {
				n++
				continue
			}
			if ch {
				n++
				if line, err = json.Marshal(&rec); err != nil {
					return changed, err
				}
			}
			out = append(append(out, line...), '\n')
		}
		if n == 0 {
			continue
		}
		if o.f != nil && first == o.segs[len(o.segs)-1] {
			_ = o.f.Close() // the next append reopens the rewritten file
			o.f = nil
		}
		if err := atomicfile.Write(path, out, 0o600); err != nil {
			return changed, fmt.Errorf("forward: purge: rewrite outbox: %w", err)
		}
		o.bytes += int64(len(out) - len(b))
		o.gen++
		changed += n
	}
	return changed, nil
}

func first2name(first int64) string { return fmt.Sprintf("%020d.log", first) }

// splitLines returns the complete lines of b, without their newlines.
func splitLines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := slices.Index(b, '\n')
		if i < 0 {
			break
		}
		out = append(out, b[:i])
		b = b[i+1:]
	}
	return out
}
