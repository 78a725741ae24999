package guard

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestProbe(t *testing.T) {
	c := mustChecker(t, DefaultPolicy())
	for _, fc := range append(append(probeCases(), probeKeys()...), probeErrMatrix()...) {
		r := checkEvent(t, c, fc.props)
		if fc.secret != "" {
			if !r.drop && strings.Contains(r.props, jsonText(fc.secret)) {
				fmt.Fprintf(os.Stderr, "MISS %s: %s  [%s]\n", fc.name, fc.props, describe(r))
			}
			continue
		}
		for _, f := range r.findings {
			if Critical(Class(f.Class)) {
				fmt.Fprintf(os.Stderr, "FP   %s: %s  [%s]\n", fc.name, fc.props, describe(r))
				break
			}
		}
	}
}
