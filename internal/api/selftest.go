package api

import (
	"net/http"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/selftest"
)

// SetSelfTest gives the API the self-test runner. Call it before serving.
func (a *API) SetSelfTest(r *selftest.Runner) { a.selftest = r }

// SelfTestResults handles GET /api/selftest (admin key): the last runs,
// newest first, pass or fail per canary kind.
func (a *API) SelfTestResults() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		if _, err := a.authorize(r, auth.GlobalAdmin, 0); err != nil {
			return err
		}
		if a.selftest == nil {
			return &Error{Code: http.StatusServiceUnavailable, Msg: "the self-test is not available"}
		}
		b, err := a.selftest.MarshalResults()
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(b)
		return nil
	})
}

// RunSelfTest handles POST /api/selftest (admin key): runs the self-test
// now and answers its result (200 either way; "passed" says which).
func (a *API) RunSelfTest() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		who, err := a.authorize(r, auth.GlobalAdmin, 0)
		if err != nil {
			return err
		}
		if a.selftest == nil {
			return &Error{Code: http.StatusServiceUnavailable, Msg: "the self-test is not available"}
		}
		res := a.selftest.Once(r.Context())
		a.recordDone(r, who, audit.Entry{Action: "selftest.run", ProjectID: res.ProjectID, Criteria: map[string]any{"run": res.ID, "passed": res.Passed}})
		writeJSON(w, http.StatusOK, res)
		return nil
	})
}
