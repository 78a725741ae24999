package main

// Vendor token shapes of providers no earlier corpus listed, from the
// public facts secret-scanner rule sets publish (a prefix, an alphabet, a
// length); each is a credential that lets its holder call the vendor's API
// as its owner, so secret_token by docs/GUARD.md's rules.

type vendorToken struct {
	vendor string
	env    string // the variable name a deployment would give it
	make   func(g *gen) string
}

var vendorTokens = []vendorToken{
	{"openrouter", "OPENROUTER_API_KEY", func(g *gen) string { return "sk-or-v1-" + g.hex(64) }},
	{"xai", "XAI_API_KEY", func(g *gen) string { return "xai-" + g.mixed(80) }},
	{"groq", "GROQ_API_KEY", func(g *gen) string { return "gsk_" + g.mixed(52) }},
	{"perplexity", "PPLX_API_KEY", func(g *gen) string { return "pplx-" + g.mixed(48) }},
	{"langsmith", "LANGSMITH_API_KEY", func(g *gen) string { return "lsv2_pt_" + g.hex(32) + "_" + g.hex(10) }},
	{"google_oauth_client_secret", "GOOGLE_CLIENT_SECRET", func(g *gen) string { return "GOCSPX-" + g.from(urlSafe, 28) }},
	{"google_access_token", "GOOGLE_ACCESS_TOKEN", func(g *gen) string { return "ya29." + g.from(urlSafe, 150) }},
	{"google_refresh_token", "GOOGLE_REFRESH_TOKEN", func(g *gen) string { return "1//0" + g.from(urlSafe, 98) }},
	{"sentry_user_token", "SENTRY_AUTH_TOKEN", func(g *gen) string { return "sntryu_" + g.hex(64) }},
	{"gitlab_runner_token", "CI_RUNNER_TOKEN", func(g *gen) string { return "glrt-" + g.from(urlSafe, 20) }},
	{"gitlab_deploy_token", "GITLAB_DEPLOY_TOKEN", func(g *gen) string { return "gldt-" + g.from(urlSafe, 20) }},
	{"gitlab_trigger_token", "TRIGGER_TOKEN", func(g *gen) string { return "glptt-" + g.hex(40) }},
	{"atlassian_api_token", "JIRA_API_TOKEN", func(g *gen) string {
		return "ATATT3xFfGF0" + g.from(urlSafe, 170) + "=" + g.from("0123456789ABCDEF", 8)
	}},
	{"bitbucket_app_password", "BITBUCKET_APP_PASSWORD", func(g *gen) string { return "ATBB" + g.mixed(32) }},
	{"buildkite_token", "BUILDKITE_API_TOKEN", func(g *gen) string { return "bkua_" + g.hex(40) }},
	{"circleci_pat", "CIRCLE_TOKEN", func(g *gen) string { return "CCIPAT_" + g.mixed(22) + "_" + g.hex(40) }},
	{"sonarqube_token", "SONAR_TOKEN", func(g *gen) string { return g.pick("squ_", "sqp_") + g.hex(40) }},
	{"doppler_token", "DOPPLER_TOKEN", func(g *gen) string { return "dp.pt." + g.mixed(43) }},
	{"pulumi_token", "PULUMI_ACCESS_TOKEN", func(g *gen) string { return "pul-" + g.hex(40) }},
	{"linear_api_key", "LINEAR_API_KEY", func(g *gen) string { return "lin_api_" + g.mixed(40) }},
	{"planetscale_token", "PLANETSCALE_SERVICE_TOKEN", func(g *gen) string { return "pscale_tkn_" + g.mixed(43) }},
	{"postman_api_key", "POSTMAN_API_KEY", func(g *gen) string { return "PMAK-" + g.hex(24) + "-" + g.hex(34) }},
	{"prefect_api_key", "PREFECT_API_KEY", func(g *gen) string { return "pnu_" + g.mixed(36) }},
	{"flyio_token", "FLY_API_TOKEN", func(g *gen) string { return "fo1_" + g.mixed(43) }},
	{"grafana_service_account", "GRAFANA_TOKEN", func(g *gen) string { return "glsa_" + g.mixed(32) + "_" + g.hex(8) }},
	{"databricks_token", "DATABRICKS_TOKEN", func(g *gen) string { return "dapi" + g.hex(32) }},
	{"vault_token", "VAULT_TOKEN", func(g *gen) string { return "hvs." + g.mixed(90) }},
	{"terraform_cloud_token", "TF_TOKEN_app_terraform_io", func(g *gen) string { return g.mixed(14) + ".atlasv1." + g.mixed(67) }},
	{"shopify_admin_token", "SHOPIFY_ACCESS_TOKEN", func(g *gen) string { return "shpat_" + g.hex(32) }},
	{"dynatrace_token", "DT_API_TOKEN", func(g *gen) string { return "dt0c01." + g.from(upperNum, 24) + "." + g.from(upperNum, 64) }},
	{"brevo_api_key", "BREVO_API_KEY", func(g *gen) string { return "xkeysib-" + g.hex(64) + "-" + g.mixed(16) }},
	{"rubygems_api_key", "GEM_HOST_API_KEY", func(g *gen) string { return "rubygems_" + g.hex(48) }},
	{"contentful_pat", "CONTENTFUL_MANAGEMENT_TOKEN", func(g *gen) string { return "CFPAT-" + g.mixed(43) }},
	{"duffel_token", "DUFFEL_ACCESS_TOKEN", func(g *gen) string { return "duffel_live_" + g.mixed(43) }},
	{"easypost_key", "EASYPOST_API_KEY", func(g *gen) string { return "EZAK" + g.mixed(54) }},
	{"flutterwave_secret", "FLW_SECRET_KEY", func(g *gen) string { return "FLWSECK-" + g.hex(32) + "-X" }},
	{"newrelic_user_key", "NEW_RELIC_API_KEY", func(g *gen) string { return "NRAK-" + g.from(upperNum, 27) }},
	{"replicate_token", "REPLICATE_API_TOKEN", func(g *gen) string { return "r8_" + g.mixed(37) }},
	{"figma_pat", "FIGMA_TOKEN", func(g *gen) string { return "figd_" + g.mixed(40) }},
	{"notion_token", "NOTION_TOKEN", func(g *gen) string { return "ntn_" + g.digits(11) + g.mixed(35) }},
	{"netlify_pat", "NETLIFY_AUTH_TOKEN", func(g *gen) string { return "nfp_" + g.mixed(36) }},
	{"render_api_key", "RENDER_API_KEY", func(g *gen) string { return "rnd_" + g.mixed(32) }},
	{"neon_api_key", "NEON_API_KEY", func(g *gen) string { return "napi_" + g.from(lowerNum, 64) }},
	{"supabase_pat", "SUPABASE_ACCESS_TOKEN", func(g *gen) string { return "sbp_" + g.hex(40) }},
	{"azure_ad_client_secret", "AZURE_CLIENT_SECRET", func(g *gen) string { return g.mixed(3) + "8Q~" + g.from(alnum+"_.~-", 34) }},
	{"braintree_access_token", "BRAINTREE_ACCESS_TOKEN", func(g *gen) string {
		return "access_token$production$" + g.from(lowerNum, 16) + "$" + g.hex(32)
	}},
	{"square_access_token", "SQUARE_ACCESS_TOKEN", func(g *gen) string { return "EAAA" + g.mixed(60) }},
	{"mapbox_secret_token", "MAPBOX_SECRET_TOKEN", func(g *gen) string { return "sk.eyJ1Ijoi" + g.b64url(24) + "." + g.from(urlSafe, 22) }},
	{"telegram_bot_token", "TELEGRAM_BOT_TOKEN", func(g *gen) string { return g.digits(10) + ":AA" + g.from(urlSafe, 33) }},
	{"okta_api_token", "OKTA_API_TOKEN", func(g *gen) string { return "00" + g.mixed(40) }},
	{"paystack_secret", "PAYSTACK_SECRET_KEY", func(g *gen) string { return "sk_live_" + g.hex(40) }},
	{"onepassword_service_account", "OP_SERVICE_ACCOUNT_TOKEN", func(g *gen) string { return "ops_eyJ" + g.from(alnum+"+/", 260) }},
	{"adobe_client_secret", "ADOBE_CLIENT_SECRET", func(g *gen) string { return "p8e-" + g.mixed(32) }},
	{"cloudflare_origin_ca_key", "CF_ORIGIN_CA_KEY", func(g *gen) string { return "v1.0-" + g.hex(24) + "-" + g.hex(146) }},
	{"harness_pat", "HARNESS_API_KEY", func(g *gen) string { return "pat." + g.mixed(22) + "." + g.hex(24) + "." + g.mixed(20) }},
	{"yandex_oauth_token", "YC_TOKEN", func(g *gen) string { return "y0_" + g.mixed(55) }},
	{"jfrog_api_key", "ARTIFACTORY_API_KEY", func(g *gen) string { return "AKCp" + g.mixed(69) }},
	{"airtable_pat", "AIRTABLE_TOKEN", func(g *gen) string { return "pat" + g.mixed(14) + "." + g.hex(64) }},
	{"dockerhub_pat", "DOCKERHUB_TOKEN", func(g *gen) string { return "dckr_pat_" + g.mixed(27) }},
	{"octopus_api_key", "OCTOPUS_API_KEY", func(g *gen) string { return "API-" + g.from(upperNum, 26) }},
	{"plaid_access_token", "PLAID_ACCESS_TOKEN", func(g *gen) string { return "access-production-" + g.uuid() }},
	{"scalingo_token", "SCALINGO_API_TOKEN", func(g *gen) string { return "tk-us-" + g.from(urlSafe, 48) }},
	{"infracost_key", "INFRACOST_API_KEY", func(g *gen) string { return "ico-" + g.mixed(32) }},
	{"readme_api_key", "README_API_KEY", func(g *gen) string { return "rdme_" + g.from(lowerNum, 70) }},
	{"frameio_token", "FRAMEIO_TOKEN", func(g *gen) string { return "fio-u-" + g.from(urlSafe, 64) }},
}

func (g *gen) vendorToken() vendorToken { return vendorTokens[g.r.Intn(len(vendorTokens))] }
