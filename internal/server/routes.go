package server

import (
	"net/http"
	"strings"

	"github.com/sieve-analytics/sieve/internal/ingest"
	"github.com/sieve-analytics/sieve/internal/logx"
	"github.com/sieve-analytics/sieve/internal/wire/posthog"

	sdkjs "github.com/sieve-analytics/sieve/sdk/js"
	"github.com/sieve-analytics/sieve/sdk/posthogjs"
	webui "github.com/sieve-analytics/sieve/web"
)

// routes is the whole route table of the server.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metricsHandler())

	// Ingestion: Mixpanel's and PostHog's paths, with and without the
	// trailing slash, GET, POST and OPTIONS (CORS preflight). /track and
	// /engage are both SDK families' paths: the body tells them apart.
	for path, h := range map[string]http.Handler{
		"/track":         s.ingest.Shared(s.ingest.Track(), s.ingest.PostHog(posthog.Capture), false),
		"/engage":        s.ingest.Shared(s.ingest.Engage(), s.ingest.PostHog(posthog.Engage), true),
		"/groups":        s.ingest.Groups(),
		"/import":        s.ingest.Import(),
		"/e":             s.ingest.PostHog(posthog.Capture),
		"/i/v0/e":        s.ingest.PostHog(posthog.Capture),
		"/capture":       s.ingest.PostHog(posthog.Capture),
		"/batch":         s.ingest.PostHog(posthog.Batch),
		"/i/v0/ai/batch": s.ingest.PostHog(posthog.Batch),
		"/s":             s.ingest.Recordings(),
		"/flags":         s.ingest.Flags(false),
		"/decide":        s.ingest.Flags(true),
		"/i/v1/logs":     ingest.Fixed(posthog.EmptyObjectReply),
		"/i/v1/metrics":  ingest.Fixed(posthog.EmptyObjectReply),
	} {
		h = s.ingestMiddleware(h)
		for _, p := range []string{path, path + "/"} {
			mux.Handle("GET "+p, h)
			mux.Handle("POST "+p, h)
			mux.Handle("OPTIONS "+p, h)
		}
	}
	// posthog-js's remote config and optional feature endpoints (GET).
	for path, h := range map[string]http.Handler{
		"/array/{token}/config":       s.ingest.RemoteConfig(false),
		"/array/{token}/config.js":    s.ingest.RemoteConfig(true),
		"/api/surveys/":               ingest.Fixed(posthog.SurveysReply),
		"/api/early_access_features/": ingest.Fixed(posthog.EarlyAccessReply),
		"/api/product_tours/":         ingest.Fixed(posthog.ProductToursReply),
		"/api/web_experiments/":       ingest.Fixed(posthog.WebExperimentsReply),
		"/flags/definitions":          ingest.Fixed(posthog.FlagDefinitionsReply),
	} {
		h = s.ingestMiddleware(h)
		mux.Handle("GET "+path, h)
		mux.Handle("OPTIONS "+path, h)
	}

	// Management and reads.
	mux.Handle("POST /api/projects", s.api.CreateProject())
	mux.Handle("GET /api/projects", s.api.ListProjects())
	mux.Handle("GET /api/projects/{id}", s.api.GetProject())
	mux.Handle("PATCH /api/projects/{id}", s.api.PatchProject())
	mux.Handle("POST /api/projects/{id}/service-accounts", s.api.CreateServiceAccount())
	mux.Handle("POST /api/projects/{id}/secret", s.api.RotateSecret())
	mux.Handle("GET /api/projects/{id}/service-accounts", s.api.ListServiceAccounts())
	mux.Handle("PATCH /api/projects/{id}/service-accounts/{username}", s.api.PatchServiceAccount())
	mux.Handle("DELETE /api/projects/{id}/service-accounts/{username}", s.api.DeleteServiceAccount())
	mux.Handle("PUT /api/projects/{id}/service-accounts/{username}/pii", s.api.GrantPII())
	mux.Handle("GET /api/projects/{id}/pii", s.api.GetPII())
	mux.Handle("PUT /api/projects/{id}/pii", s.api.PutPII())
	mux.Handle("GET /api/projects/{id}/guard", s.api.GetGuard())
	mux.Handle("PUT /api/projects/{id}/guard", s.api.PutGuard())
	mux.Handle("GET /api/projects/{id}/findings", s.api.Findings())
	mux.Handle("POST /api/projects/{id}/query", s.api.Query())
	mux.Handle("POST /api/projects/{id}/funnels", s.api.CreateFunnel())
	mux.Handle("GET /api/projects/{id}/funnels", s.api.ListFunnels())
	mux.Handle("DELETE /api/projects/{id}/funnels/{funnel_id}", s.api.DeleteFunnel())

	// Mixpanel's Query API (docs/QUERIES.md), under both of its prefixes.
	for path, h := range map[string]http.Handler{
		"segmentation":             s.api.Segmentation(""),
		"segmentation/numeric":     s.api.Segmentation("numeric"),
		"segmentation/sum":         s.api.Segmentation("sum"),
		"segmentation/average":     s.api.Segmentation("average"),
		"events":                   s.api.Events(),
		"events/top":               s.api.EventsTop(),
		"events/names":             s.api.EventNames(),
		"events/properties":        s.api.EventProperties(),
		"events/properties/values": s.api.EventPropertyValues(),
		"events/properties/top":    s.api.EventPropertiesTop(),
		"retention":                s.api.Retention(),
		"retention/addiction":      s.api.RetentionAddiction(),
		"funnels":                  s.api.Funnels(),
		"funnels/list":             s.api.FunnelsList(),
		"cohorts/list":             s.api.CohortsList(),
		"insights":                 s.api.MixpanelInsights(),
		"jql":                      s.api.JQL(),
	} {
		for _, prefix := range []string{"/api/2.0/", "/api/query/"} {
			mux.Handle("GET "+prefix+path, h)
			mux.Handle("POST "+prefix+path, h)
		}
	}
	mux.Handle("GET /api/2.0/export", s.api.Export())
	mux.Handle("GET /api/2.0/engage", s.api.Engage())
	mux.Handle("POST /api/2.0/engage", s.api.Engage())

	// Lexicon, SDK advisories, alerts, incident scope (docs/INCIDENTS.md).
	mux.Handle("GET /api/projects/{id}/lexicon", s.insights.Lexicon())
	mux.Handle("GET /api/projects/{id}/plan", s.insights.GetPlan())
	mux.Handle("PUT /api/projects/{id}/plan", s.insights.PutPlan())
	mux.Handle("GET /api/projects/{id}/webhook", s.insights.GetWebhook())
	mux.Handle("PUT /api/projects/{id}/webhook", s.insights.PutWebhook())
	mux.Handle("DELETE /api/projects/{id}/webhook", s.insights.DeleteWebhook())
	mux.Handle("GET /api/advisories", s.insights.ListAdvisories())
	mux.Handle("POST /api/advisories", s.insights.CreateAdvisory())
	mux.Handle("GET /api/advisories/{id}", s.insights.GetAdvisory())
	mux.Handle("GET /api/advisories/{id}/report", s.insights.AdvisoryReport())
	mux.Handle("GET /api/alerts", s.insights.Alerts())
	mux.Handle("POST /api/scope", s.insights.Scope())
	mux.Handle("GET /api/scope/{id}", s.insights.ScopeJob())

	// Purges and the audit log (docs/PURGE.md, docs/AUDIT.md).
	mux.Handle("POST /api/purges", s.api.CreatePurge())
	mux.Handle("GET /api/purges", s.api.ListPurges())
	mux.Handle("GET /api/purges/{id}", s.api.GetPurge())
	mux.Handle("POST /api/app/data-deletions/v3.0", s.api.GDPRDelete())
	mux.Handle("POST /api/app/data-deletions/v3.0/", s.api.GDPRDelete()) // as Mixpanel's docs write it
	mux.Handle("GET /api/app/data-deletions/v3.0/{id}", s.api.GDPRStatus())
	mux.Handle("GET /api/audit", s.api.AuditLog())
	mux.Handle("POST /api/admin/backup", s.api.Backup())
	// Signed certificates, audit heads, the self-test (docs/PRIVACY.md).
	mux.Handle("GET /api/keys/certificates", s.api.PublicKeys())
	mux.Handle("POST /api/keys/rotate", s.api.RotateKey())
	mux.Handle("GET /api/audit/head", s.api.SignedAuditHead())
	mux.Handle("GET /api/selftest", s.api.SelfTestResults())
	mux.Handle("POST /api/selftest", s.api.RunSelfTest())
	mux.Handle("GET /api/projects/{id}/findings/stream", s.api.FindingStream())
	mux.Handle("GET /api/projects/{id}/findings/webhook", s.api.GetFindingWebhook())
	mux.Handle("PUT /api/projects/{id}/findings/webhook", s.api.PutFindingWebhook())
	mux.Handle("DELETE /api/projects/{id}/findings/webhook", s.api.DeleteFindingWebhook())
	// Event forwarding to Mixpanel, PostHog or another Sieve (docs/FORWARDING.md).
	mux.Handle("GET /api/projects/{id}/destinations", s.api.GetDestinations())
	mux.Handle("PUT /api/projects/{id}/destinations", s.api.PutDestinations())
	mux.Handle("DELETE /api/projects/{id}/destinations", s.api.DeleteDestinations())
	mux.Handle("GET /api/projects/{id}/destinations/{name}/dead-letters", s.api.GetDeadLetters())
	mux.Handle("POST /api/projects/{id}/destinations/{name}/dead-letters/retry", s.api.RetryDeadLetters())
	mux.Handle("DELETE /api/projects/{id}/destinations/{name}/dead-letters", s.api.DeleteDeadLetters())

	// ---- Saved insights and dashboards (docs/API.md), for the web UI's
	// insight pages: analyst role, as the query API. ----
	mux.Handle("GET /api/projects/{id}/insights", s.api.ListInsights())
	mux.Handle("POST /api/projects/{id}/insights", s.api.CreateInsight())
	mux.Handle("GET /api/projects/{id}/insights/{iid}", s.api.GetInsight())
	mux.Handle("PUT /api/projects/{id}/insights/{iid}", s.api.UpdateInsight())
	mux.Handle("DELETE /api/projects/{id}/insights/{iid}", s.api.DeleteInsight())
	mux.Handle("GET /api/projects/{id}/dashboards", s.api.ListDashboards())
	mux.Handle("POST /api/projects/{id}/dashboards", s.api.CreateDashboard())
	mux.Handle("GET /api/projects/{id}/dashboards/{did}", s.api.GetDashboard())
	mux.Handle("PUT /api/projects/{id}/dashboards/{did}", s.api.UpdateDashboard())
	mux.Handle("DELETE /api/projects/{id}/dashboards/{did}", s.api.DeleteDashboard())
	// ---- end of saved insights and dashboards ----

	// sieve.js and its per-project configuration.
	mux.Handle("/sdk/", sdkjs.Handler(s.sdkConfig))
	// posthog-js's array.js for PostHog's HTML snippet; its other static
	// files (lazily loaded extensions) are 404, which posthog-js logs and
	// carries on from.
	mux.Handle("GET /static/array.js", posthogjs.Handler())
	mux.Handle("/static/", http.NotFoundHandler())

	// ---- Web UI (docs/UI.md): sessions, the reads only the UI needs, and
	// the app itself, which answers every path no other route claims. ----
	mux.Handle("POST /api/session", s.api.SignIn())
	mux.Handle("GET /api/session", s.api.WhoAmI())
	mux.Handle("DELETE /api/session", s.api.SignOut())
	mux.Handle("GET /api/sessions", s.api.ListSessions())
	mux.Handle("DELETE /api/sessions/{id}", s.api.RevokeSession())
	mux.Handle("POST /api/ui/views", s.api.PageView())
	mux.Handle("GET /api/audit/verify", s.api.VerifyAudit())
	mux.Handle("POST /api/projects/{id}/guard/dry-run", s.api.GuardDryRun())
	mux.Handle("GET /api/projects/{id}/events/recent", s.api.RecentEvents())
	mux.Handle("GET /api/projects/{id}/findings/summary", s.api.FindingsSummary())
	mux.Handle("/", webui.Handler())
	// ---- end of the web UI's routes ----

	return logx.Middleware(s.metrics.Middleware(s.recoverer(s.apiLayer(mux))))
}

// apiLayer resolves web UI sessions on /api/ requests (see package session)
// and forbids framing API answers.
func (s *Server) apiLayer(next http.Handler) http.Handler {
	withSession := s.sessions.Middleware(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		withSession.ServeHTTP(w, r)
	})
}
