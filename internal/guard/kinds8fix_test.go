package guard

import (
	"strconv"
	"strings"
)

// The eighth corpus's false positives and misses fixed by rule (issue 13,
// branch g8fix): samples written from the tools' documented syntax, never
// from a corpus's values.

// kinds8FixSamples are detector samples of the round, merged into
// TestDetectorSamples.
func kinds8FixSamples() map[string][2][]sample {
	return map[string][2][]sample{
		"text.config_secret": {
			{
				skv("cell", "import os\ntoken = \"Aa1"+fake(831, 37, alnum)+"\"\n"),
				skv("diff", "--- a/.env\n+++ b/.env\n@@ -1,2 +1,3 @@\n LOG_LEVEL=info\n+PAYMENTS_API_KEY=Aa1"+fake(833, 29, alnum)+"\n"),
				skv("cmd", "redis-server --appendonly yes --requirepass Xk29dkLm7q"),
				skv("values", "extraEnv:\n  - name: PAYMENTS_API_TOKEN\n    value: \"Aa1"+fake(834, 37, alnum)+"\"\n"),
				skv("compose", "services:\n  cache:\n    command: [\"redis-server\", \"--requirepass\", \"Xk29dkLm7q\"]\n"),
			},
			{
				// Code reading the value from the environment, or asking
				// for it, holds no value.
				skv("cell", "import os, getpass\ntoken = os.environ[\"HF_TOKEN\"]\npw = getpass.getpass('Password: ')\n"),
				skv("py", "api_key = os.getenv(\"OPENAI_API_KEY\")\n"),
				skv("js", "const secret = process.env[\"STRIPE_SECRET\"];\nsecret: ENV.fetch(\"STRIPE_SECRET\")\n"),
				skv("go", "token := os.Getenv(\"GITHUB_TOKEN\")\napi_token = System.getenv(\"API_TOKEN\")\n"),
				skv("diff", "--- a/.env\n+++ b/.env\n@@ -1,2 +1,3 @@\n+PAYMENTS_API_KEY=${PAYMENTS_API_KEY}\n+1 more line\n"),
				skv("compose", "command: [\"redis-server\", \"--requirepass\", \"$REDIS_PASSWORD\"]\n"),
				skv("values", "env:\n  - name: LOG_LEVEL\n    value: debug\n  - name: API_TOKEN\n    valueFrom:\n      secretKeyRef:\n        name: api\n        key: token\n  - name: DB_PASSWORD\n    value: \"$(DB_PASSWORD)\"\n"),
			},
		},
		"text.password": {
			{
				skv("log", "MYSQL_ROOT_PASSWORD: Xk29dkLm!q in the compose file"),
				// A default is a value.
				skv("compose", "services:\n  db:\n    environment:\n      DB_PASSWORD: ${DB_PASSWORD:-Xk29dkLm!q}\n"),
			},
			{
				// Compose's required-variable form names a variable.
				skv("compose", "services:\n  mysql:\n    environment:\n      MYSQL_ROOT_PASSWORD: ${MYSQL_ROOT_PASSWORD:?set it in .env}\n"),
				skv("compose", "environment:\n  - POSTGRES_PASSWORD=${POSTGRES_PASSWORD?missing}\n"),
			},
		},
		"key.national_id": {
			{
				// Published examples: an Estonian isikukood, a Lithuanian
				// asmens kodas, CMS's sample MBI, a Polish NIP.
				kv("personal_code", "37605030299"), kv("personal_code", "33309240064"),
				kv("medicare_beneficiary_id", "1EG4-TE5-MK73"), kv("tax_id_pl", "123-456-32-18"),
			},
			{
				// The same shapes failing every check the key names: some
				// other number.
				kv("personal_code", "37605030298"), kv("medicare_beneficiary_id", "1SG4-TE5-MK73"),
				kv("tax_id_pl", "123-456-32-17"),
			},
		},
		"secret.webhook_url": {
			{skv("url", "https://hook.eu1.make.com/"+fake(832, 32, "abcdefghijklmnopqrstuvwxyz0123456789"))},
			{skv("url", "https://hook.eu1.make.com/"), skv("docs", "https://www.make.com/en/help/tools/webhooks"), skv("u", "https://hook.us1.make.com/status")},
		},
		"private_key.keyfile": {
			{skv("keypair_json", byteArray(841, 64, 255)), skv("wallet_secret_key", byteArray(842, 64, 255))},
			{
				// A signature, and arrays that are not 64 bytes.
				skv("signature", byteArray(843, 64, 255)), skv("keypair_json", byteArray(844, 63, 255)),
				skv("keypair_json", byteArray(845, 64, 999)),
			},
		},
	}
}

// byteArray is the JSON text of an array of n numbers below max+1, derived
// from seed.
func byteArray(seed, n, max int) string {
	var b strings.Builder
	b.WriteByte('[')
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		v := (seed*7919 + i*104729) % (max + 1)
		if i == 0 && max > 255 {
			v = 256 + v%(max-255)
		}
		b.WriteString(strconv.Itoa(v))
	}
	b.WriteByte(']')
	return b.String()
}
