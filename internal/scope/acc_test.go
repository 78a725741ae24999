package scope

import (
	"reflect"
	"testing"
	"unsafe"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/project"
)

// TestSDKKeysAreNotBorrowed: counting a second event from the same SDK must
// not make the report keep a string that points into a reused buffer.
func TestSDKKeysAreNotBorrowed(t *testing.T) {
	a := newAcc()
	buf := []byte("web1.0.0")
	borrowed := func() (string, string) {
		return unsafe.String(&buf[0], 3), unsafe.String(&buf[3], 5)
	}
	for range 2 {
		lib, ver := borrowed()
		a.addEvent(1, "u", lib, ver, nil)
	}
	copy(buf, "XXXXXXXX") // the buffer is reused for the next event
	r := a.report(project.Project{ID: 1})
	if len(r.SDKVersions) != 1 || r.SDKVersions[0].Lib != "web" || r.SDKVersions[0].Version != "1.0.0" || r.SDKVersions[0].Events != 2 {
		t.Fatalf("SDK versions = %+v", r.SDKVersions)
	}
}

func TestCover(t *testing.T) {
	const d = dayMs
	days := []span{{from: 0, events: 5}, {from: d, events: 5}, {from: 3 * d, events: 7}, {from: 4 * d, events: 1}}
	got := cover(-10, 10*d, days, 10)
	want := []span{{-10, 3 * d, 10}, {3 * d, 10 * d, 8}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("cover: %v, want %v", got, want)
	}
	if got := cover(0, d, nil, 10); !reflect.DeepEqual(got, []span{{0, d, 0}}) {
		t.Fatalf("no days: %v", got)
	}
	// A day larger than max is a span of its own.
	got = cover(0, 5*d, []span{{0, 0, 3}, {d, 0, 30}, {2 * d, 0, 3}}, 10)
	want = []span{{0, d, 3}, {d, 2 * d, 30}, {2 * d, 5 * d, 3}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("big day: %v, want %v", got, want)
	}
}

func TestHitRoundTrip(t *testing.T) {
	fs := []event.Finding{{Path: "a.b", Class: "password", Detector: "key.password", Action: "keep"},
		{Path: "x:1\x00\xff", Class: "c", Detector: "", Action: "drop_property"}}
	enc := encodeHit(nil, "web", "2.83.0:", fs)
	lib, ver, got, ok := decodeHit(string(enc), nil)
	if !ok || lib != "web" || ver != "2.83.0:" || len(got) != 2 || got[0] != fs[0] || got[1].Path != "x:1\x00\uFFFD" || got[1].Action != "drop_property" {
		t.Fatalf("%q -> %v %q %q %+v", enc, ok, lib, ver, got)
	}
	for _, bad := range []string{"", "3:we", "x:web", "3:web6:2.83.01:a", "-1:"} {
		if _, _, _, ok := decodeHit(bad, nil); ok {
			t.Errorf("decoded %q", bad)
		}
	}
}
