package posthog

import (
	"strconv"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/jsontext"
)

// Reply is what to answer: status, content type, extra headers and body.
type Reply struct {
	Status      int
	ContentType string
	RetryAfter  int // seconds; 0 = no Retry-After header
	Body        []byte
}

var captureOK = []byte(`{"status":1}`)

// CaptureReply answers a capture request. Success is 200 {"status":1},
// whatever the guard removed (a 4xx would make posthog-js drop the batch
// silently), except 204 for the legacy ?beacon=1 (PostHog's answer; a
// beacon ignores it). A failure is its status with the message as plain
// text, and Retry-After on 503.
func CaptureReply(m Meta, err error) Reply {
	if err != nil {
		e := AsError(err)
		return Reply{Status: e.Status, ContentType: "text/plain; charset=utf-8", RetryAfter: e.RetryAfter, Body: []byte(e.Message)}
	}
	if m.Beacon {
		return Reply{Status: 204}
	}
	return Reply{Status: 200, ContentType: "application/json", Body: captureOK}
}

// RecordingsReply answers /s/: session recordings are refused politely.
// The body tells posthog-js that recordings are over quota, which pauses
// them; nothing of the request is read or stored.
func RecordingsReply() Reply {
	return Reply{Status: 200, ContentType: "application/json", Body: []byte(`{"status":1,"quota_limited":["recordings"]}`)}
}

// Settings is what a project decides about posthog-js's behaviour.
type Settings struct {
	Token       string
	Autocapture bool // the project's autotrack setting
}

// Config returns the remote config of GET /array/{token}/config: everything
// off but autocapture, which follows the project (autocapture_opt_out is
// always a boolean: posthog-js reads a missing one as "off" too); gzip
// supported; no surveys key (posthog-js 1.449 would fetch surveys.js even for
// surveys:false); elements chain as a string (no $elements array).
func Config(s Settings) []byte {
	b := append([]byte(nil), `{"token":`...)
	b = jsontext.AppendString(b, s.Token)
	b = append(b, `,"supportedCompression":["gzip","gzip-js"],"hasFeatureFlags":false,"autocapture_opt_out":`...)
	b = strconv.AppendBool(b, !s.Autocapture)
	b = append(b, `,"elementsChainAsString":true,"capturePerformance":false,"autocaptureExceptions":false,`+
		`"errorTracking":{"autocaptureExceptions":false,"suppressionRules":[]},"logs":{"captureConsoleLogs":false},`+
		`"sessionRecording":false,"heatmaps":false,"captureDeadClicks":false,"conversations":false,"productTours":false,`+
		`"defaultIdentifiedOnly":true,"siteApps":[]}`...)
	return b
}

// ConfigJS returns the script form of the remote config
// (/array/{token}/config.js), wrapped as PostHog wraps it.
func ConfigJS(s Settings) []byte {
	b := append([]byte(nil), `(function(){window._POSTHOG_REMOTE_CONFIG=window._POSTHOG_REMOTE_CONFIG||{};window._POSTHOG_REMOTE_CONFIG[`...)
	b = jsontext.AppendString(b, s.Token)
	b = append(b, `]={config:`...)
	b = append(b, Config(s)...)
	return append(b, `,siteApps:[]}})();`...)
}

// FlagsReply answers /flags/ and /decide/: no feature flags. With config
// (the /decide/ endpoint, or /flags/?config=true of posthog-js before 1.350)
// the reply also carries the remote config fields and the /decide-era keys
// older clients read (featureFlags, config.enable_collect_everything,
// autocapture_opt_out), so that autocapture follows the project there too.
// requestID is a UUID for the client's logs.
func FlagsReply(s Settings, config bool, requestID string) []byte {
	b := append([]byte(nil), `{"flags":{},"errorsWhileComputingFlags":false,"requestId":"`...)
	b = append(b, requestID...)
	b = append(b, '"')
	if config {
		b = append(b, `,"featureFlags":{},"featureFlagPayloads":{},"toolbarParams":{},"isAuthenticated":false,"config":{"enable_collect_everything":`...)
		b = strconv.AppendBool(b, s.Autocapture)
		b = append(b, "},"...)
		c := Config(s)
		b = append(b, c[1:]...) // the config object's fields, and its closing brace
		return b
	}
	return append(b, '}')
}

// NewRequestID returns a fresh UUIDv7 for FlagsReply.
func NewRequestID() string { return newUUIDv7() }

// FlagsToken returns the project token of a /flags/ or /decide/ payload
// (JSON text from ReadPayload): "token" or "api_key". It reads nothing else:
// flags bodies carry URLs and e-mail addresses, and are never kept.
func FlagsToken(p *fastjson.Parser, payload []byte) string {
	v, err := p.ParseBytes(payload)
	if err != nil || v.Type() != fastjson.TypeObject {
		return ""
	}
	for _, k := range [...]string{"token", "api_key"} {
		if s := stringOf(v.Get(k)); s != "" {
			return s
		}
	}
	return ""
}

// Empty replies of the optional posthog-js feature endpoints.
var (
	SurveysReply         = []byte(`{"surveys":[]}`)
	EarlyAccessReply     = []byte(`{"earlyAccessFeatures":[]}`)
	ProductToursReply    = []byte(`{"product_tours":[]}`)
	WebExperimentsReply  = []byte(`{"experiments":[]}`)
	FlagDefinitionsReply = []byte(`{"flags":[],"group_type_mapping":{},"cohorts":{}}`)
	EmptyObjectReply     = []byte(`{}`)
)
