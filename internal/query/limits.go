package query

import (
	"context"
	"errors"
	"slices"

	"github.com/sieve-analytics/sieve/internal/query/expr"
)

// Errors of a query that ran out of its budget.
var (
	ErrTimeLimit   = errors.New("query: time limit exceeded")
	ErrMemoryLimit = errors.New("query: memory limit exceeded")
)

// ErrUnsupported is wrapped by a backend's error for a valid query it
// cannot answer (yet). The error's text says what is missing and holds no
// value from the query: the API answers 400 with it.
var ErrUnsupported = errors.New("query: not supported by this store")

type memoryKey struct{}

// WithMemoryLimit gives a query run under ctx a memory budget in bytes for
// what the backend holds outside its database engine (0: none).
func WithMemoryLimit(ctx context.Context, bytes int64) context.Context {
	return context.WithValue(ctx, memoryKey{}, bytes)
}

// MemoryLimit is ctx's memory budget (0: none).
func MemoryLimit(ctx context.Context) int64 {
	n, _ := ctx.Value(memoryKey{}).(int64)
	return n
}

// IdentityProperties are read by every query to find users.
var IdentityProperties = []string{"$user_id", "$device_id", "$anon_distinct_id", "$identified_id", "alias"}

// Properties lists, sorted, every property q reads, for the audit log:
// event properties by name, profile properties as "user.name" (as the
// audit of a where expression names them).
func (q *Query) Properties() []string {
	set := map[string]bool{}
	for _, p := range IdentityProperties {
		set[p] = true
	}
	q.eachProperty(func(name string, user bool) {
		if user {
			name = "user." + name
		}
		set[name] = true
	})
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// ReadsProfiles reports whether q reads a profile property (a filter of
// scope user or a breakdown of scope ScopeUser).
func (q *Query) ReadsProfiles() bool {
	reads := false
	q.eachProperty(func(_ string, user bool) { reads = reads || user })
	return reads
}

// eachProperty calls fn with every property q reads (the identity ones
// aside), user true for a profile property.
func (q *Query) eachProperty(fn func(name string, user bool)) {
	var filters []expr.Node
	for _, p := range q.Breakdown {
		if p.Expr != nil {
			filters = append(filters, p.Expr)
			continue
		}
		if p.Scope != ScopeEventName {
			fn(p.Name, p.Scope == ScopeUser)
		}
	}
	filters = append(filters, q.GlobalNode())
	for _, s := range q.Series {
		if s.Property != "" {
			fn(s.Property, false)
		}
		filters = append(filters, Node(s.Filter))
	}
	if q.Funnel != nil {
		for _, x := range q.Funnel.Exclusions {
			filters = append(filters, Node(x.Filter))
		}
	}
	if q.Retention != nil {
		filters = append(filters, Node(q.Retention.Start.Filter), Node(q.Retention.Return.Filter))
	}
	for _, n := range filters {
		if n != nil {
			for _, p := range expr.Props(n) {
				fn(p.Name, p.Scope == expr.UserScope)
			}
		}
	}
}

// Events lists, sorted, the event names q names ("" when a series or a
// return event is any event): for the audit log.
func (q *Query) Events() []string {
	var out []string
	for _, s := range q.Series {
		out = append(out, s.Event)
	}
	if q.Funnel != nil {
		for _, x := range q.Funnel.Exclusions {
			out = append(out, x.Event)
		}
	}
	if q.Retention != nil {
		out = append(out, q.Retention.Start.Event, q.Retention.Return.Event)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
