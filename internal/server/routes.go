package server

import (
	"net/http"

	"github.com/sieve-analytics/sieve/internal/logx"

	sdkjs "github.com/sieve-analytics/sieve/sdk/js"
)

// routes is the whole route table of the server.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metricsHandler())

	// Mixpanel-compatible ingestion, with and without the trailing slash.
	for path, h := range map[string]http.Handler{
		"/track":  s.ingest.Track(),
		"/engage": s.ingest.Engage(),
		"/groups": s.ingest.Groups(),
		"/import": s.ingest.Import(),
	} {
		h = s.ingestMiddleware(h)
		for _, p := range []string{path, path + "/"} {
			mux.Handle("GET "+p, h)
			mux.Handle("POST "+p, h)
			mux.Handle("OPTIONS "+p, h)
		}
	}

	// Management and reads.
	mux.Handle("POST /api/projects", s.api.CreateProject())
	mux.Handle("GET /api/projects", s.api.ListProjects())
	mux.Handle("GET /api/projects/{id}", s.api.GetProject())
	mux.Handle("PATCH /api/projects/{id}", s.api.PatchProject())
	mux.Handle("POST /api/projects/{id}/service-accounts", s.api.CreateServiceAccount())
	mux.Handle("GET /api/projects/{id}/service-accounts", s.api.ListServiceAccounts())
	mux.Handle("GET /api/projects/{id}/guard", s.api.GetGuard())
	mux.Handle("PUT /api/projects/{id}/guard", s.api.PutGuard())
	mux.Handle("GET /api/projects/{id}/findings", s.api.Findings())
	mux.Handle("GET /api/2.0/export", s.api.Export())
	mux.Handle("GET /api/2.0/engage", s.api.Engage())
	mux.Handle("POST /api/2.0/engage", s.api.Engage())

	// Lexicon, SDK advisories, alerts, incident scope (docs/INCIDENTS.md).
	mux.Handle("GET /api/projects/{id}/lexicon", s.insights.Lexicon())
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
	mux.Handle("GET /api/app/data-deletions/v3.0/{id}", s.api.GDPRStatus())
	mux.Handle("GET /api/audit", s.api.AuditLog())

	// sieve.js and its per-project configuration.
	mux.Handle("/sdk/", sdkjs.Handler(s.sdkConfig))

	return logx.Middleware(s.metrics.Middleware(s.recoverer(mux)))
}
