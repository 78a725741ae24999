package guard

import (
	"testing"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

const testToken = "0123456789abcdef0123456789abcdef"

var testKey = []byte("test-hash-key-0123456789")

type result struct {
	props    string
	findings []event.Finding
	drop     bool
	ev       event.Event
}

func checkEvent(t testing.TB, c *Checker, props string) result {
	t.Helper()
	var p fastjson.Parser
	v, err := p.Parse(props)
	if err != nil {
		t.Fatalf("test input is not JSON: %v", err)
	}
	var a fastjson.Arena
	ev := event.Event{ProjectID: 7, Name: "test", DistinctID: "user-1", Lib: "web", LibVersion: "2.50.0", Props: v}
	f, drop := c.Event(&ev, &a, nil)
	return result{props: string(v.MarshalTo(nil)), findings: f, drop: drop, ev: ev}
}

func mustChecker(t testing.TB, p Policy) *Checker {
	t.Helper()
	c, err := New().Compile(p, testToken, testKey)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return c
}

func (r result) has(path string, class Class) bool {
	for _, f := range r.findings {
		if f.Path == path && f.Class == string(class) {
			return true
		}
	}
	return false
}
