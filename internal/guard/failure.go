package guard

import (
	"errors"

	"github.com/sieve-analytics/sieve/internal/event"
)

// GuardError is the class of the finding recorded when the guard itself
// fails while judging an event or a profile update. It is no detection and
// no policy names it: the guard fails closed, so the event or update is
// discarded whole (action drop_event) and nothing of it is kept but the
// finding, whose path is where the failure happened. The finding carries no
// event name, distinct_id or SDK: they may not have been judged yet.
const GuardError Class = "guard_error"

// failureDetector names the "detector" of a GuardError finding.
const failureDetector = "guard.failure"

// errInjected is what an injected fault panics with (see SetFault).
var errInjected = errors.New("guard: injected fault")

// SetFault makes every checker compiled from g fail when it reaches the
// property at path (as findings spell paths: "a.b", "list[]"), as if a
// detector had a bug there. Tests use it to prove that a guard failure
// costs one event, never a request. An empty path removes the fault.
func (g *Guard) SetFault(path string) {
	if path == "" {
		g.fault.Store(nil)
		return
	}
	g.fault.Store(&path)
}

// Failed reports whether findings hold a GuardError finding: the event or
// update they belong to was discarded because the guard failed on it, and
// its name, distinct_id and SDK were perhaps never judged.
func Failed(findings []event.Finding) bool {
	for i := range findings {
		if findings[i].Class == string(GuardError) {
			return true
		}
	}
	return false
}

// checkFault panics at the injected fault's path.
func (w *walker) checkFault() {
	if f := w.c.g.fault.Load(); f != nil && *f == string(w.path) {
		panic(errInjected)
	}
}

// release is deferred by every entry point: it returns w to the pool, or,
// when the walk panicked, replaces what w found with one GuardError
// finding and reports the whole event dropped. The panic's value is not
// kept anywhere (it could describe a value), and the walker, whose state
// is undefined, is left to the garbage collector.
func (c *Checker) release(w *walker, out *[]event.Finding, drop *bool, projectID int64) {
	r := recover()
	if r == nil {
		c.putWalker(w)
		return
	}
	// Nothing restores w.path during a panic: it is where the walk failed.
	path := string(w.path)
	*out = append(w.out[:w.first], event.Finding{ProjectID: projectID, Path: path,
		Class: string(GuardError), Detector: failureDetector, Action: string(DropEvent)})
	*drop = true
}
