package api

import (
	"errors"
	"net/http"

	"github.com/sieve-analytics/sieve/internal/advisory"
	"github.com/sieve-analytics/sieve/internal/alert"
	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/lexicon"
	"github.com/sieve-analytics/sieve/internal/scope"
)

// Insights serves what Sieve knows about collected data without values:
// the lexicon and SDK fleet, advisories, alerts and scope reports.
type Insights struct {
	a          *API
	lexicon    *lexicon.Lexicon
	advisories *advisory.Registry
	alerts     *alert.Alerter
	scope      *scope.Jobs
}

// Insights returns the handlers of the lexicon, advisory, alert and scope
// endpoints.
func (a *API) Insights(lex *lexicon.Lexicon, adv *advisory.Registry, al *alert.Alerter, jobs *scope.Jobs) *Insights {
	return &Insights{a: a, lexicon: lex, advisories: adv, alerts: al, scope: jobs}
}

// invalidInput maps the validation errors of the insight packages (whose
// texts never hold a value) to 400.
func invalidInput(err error) error {
	if errors.Is(err, advisory.ErrInvalid) || errors.Is(err, alert.ErrInvalid) || errors.Is(err, scope.ErrInvalid) {
		return badRequest(err.Error())
	}
	return err
}

// Lexicon handles GET /api/projects/{id}/lexicon: event names, property
// paths with types, counts, first/last seen and SDK versions, and the SDK
// fleet with per-day counts.
func (in *Insights) Lexicon() http.Handler {
	return in.a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := in.a.projectInPath(r, auth.Read)
		if err != nil {
			return err
		}
		id := pr.ID
		if err := in.a.record(r, who, audit.Entry{Action: "lexicon.read", ProjectID: id}); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, in.lexicon.Project(id))
		return nil
	})
}
