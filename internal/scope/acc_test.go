package scope

import (
	"testing"
	"unsafe"

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
