# Sieve — `make help` lists the targets.
SHELL := /bin/bash
GO ?= go
BIN := bin/sieve
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/sieve-analytics/sieve/internal/version.Version=$(VERSION)

.PHONY: help web build run run-tls test unit race apptest soak sdk-setup sdk-test ui-test fuzz fuzz-guard bench check clean clickhouse-setup clickhouse-test clickhouse-dialect

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

web: ## build the web UI into web/dist, embedded by the server (installs its npm packages when missing)
	bash web/scripts/setup.sh
	cd web && npm run --silent build

build: web ## build bin/sieve (with the web UI)
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/sieve

run: build ## run the server with the embedded store in ./sieve-data on 127.0.0.1:8080
	./$(BIN) serve --addr $${SIEVE_ADDR:-127.0.0.1:8080} --data $${SIEVE_DATA:-./sieve-data}

TLS_DIR := $${SIEVE_TLS_DIR:-./sieve-tls}

run-tls: build ## like run, over HTTPS with a self-signed certificate for localhost/127.0.0.1 made once in ./sieve-tls (mixpanel-node's import needs HTTPS)
	@mkdir -p $(TLS_DIR) && chmod 700 $(TLS_DIR)
	@test -f $(TLS_DIR)/cert.pem || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 \
	  -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
	  -keyout $(TLS_DIR)/key.pem -out $(TLS_DIR)/cert.pem 2>/dev/null
	@echo "certificate: $(TLS_DIR)/cert.pem (let clients trust it, e.g. NODE_EXTRA_CA_CERTS=$(TLS_DIR)/cert.pem)"
	./$(BIN) serve --addr $${SIEVE_ADDR:-127.0.0.1:8443} --data $${SIEVE_DATA:-./sieve-data} --tls-cert $(TLS_DIR)/cert.pem --tls-key $(TLS_DIR)/key.pem

test: check unit race fuzz-guard clickhouse-test apptest sdk-test ui-test ## everything: vet, unit tests (also under -race), a minute of the guard's shape fuzzer, apptest with the official clients, sieve.js and the web UI in a real browser
	@echo "make test: all passed"

STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

check: ## gofmt, go vet and staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

unit: ## go test ./... (fast, hermetic)
	$(GO) test -count=1 -timeout 30m ./...

race: ## go test -race -short on every package but the black-box apptest
	$(GO) test -race -short -count=1 -timeout 30m $$($(GO) list ./... | grep -v -e /apptest -e /internal/bench)

apptest: build sdk-setup ## black-box tests of bin/sieve with the official Mixpanel and PostHog SDKs (posthog-js in Debian's chromium)
	cd apptest/node && npm ci --no-audit --no-fund --loglevel=error
	cd apptest/posthog && npm ci --no-audit --no-fund --loglevel=error
	SIEVE_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -timeout 15m ./apptest/...

soak: build ## not in test: SOAK_DURATION (default 5m) of mixed ingestion, queries, exports, a purge, a restart and a kill -9; prints acknowledged vs exported, memory high-water mark, audit verification
	SOAK_DURATION=$${SOAK_DURATION:-5m} SIEVE_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -timeout 60m -run '^TestSoak$$' -v ./apptest/

# ClickHouse backend (docs/CLICKHOUSE.md): Debian's clickhouse-server, a
# 2-shard cluster on 127.0.0.1 started for the tests and stopped always.
clickhouse-setup: ## install Debian's clickhouse-server and clickhouse-client when missing (idempotent)
	@command -v clickhouse-server >/dev/null && command -v clickhouse-client >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clickhouse-server clickhouse-client; }

clickhouse-test: clickhouse-setup build ## the ClickHouse backend's tests on a local 2-shard cluster (ports from SIEVE_CH_PORT_BASE, default 29100), stopped also when a test fails; two bin/sieve nodes on it
	@trap 'scripts/clickhouse-cluster down' EXIT; scripts/clickhouse-cluster up && \
	  eval "$$(scripts/clickhouse-cluster env | sed 's/^/export /')" && \
	  mkdir -p tmp && SIEVE_CH_DIALECT_OUT=$(CURDIR)/tmp/clickhouse-statements.jsonl $(GO) test -count=1 -timeout 10m ./internal/store/clickhouse/... && \
	  $(GO) test -count=1 -timeout 5m -run ClickHouse ./internal/server/ && \
	  SIEVE_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -timeout 5m -run ClickHouse ./apptest/ && \
	  $(MAKE) --no-print-directory clickhouse-dialect

clickhouse-dialect: ## replay the statements the last clickhouse-test recorded on a current ClickHouse engine (npm chdb, in-process)
	cd scripts/chdb && (test -d node_modules/chdb || npm install --no-audit --no-fund --loglevel=error)
	node scripts/chdb/dialect.mjs tmp/clickhouse-statements.jsonl

sdk-setup: ## install sieve.js's npm packages and Debian's chromium (idempotent)
	bash sdk/js/scripts/setup.sh

sdk-test: build sdk-setup ## sieve.js: unit tests, size budget, browser tests against bin/sieve
	cd sdk/js && npm run --silent build:check && npm run --silent size && npm run --silent test:unit
	cd sdk/js && SIEVE_BIN=$(CURDIR)/$(BIN) npm run --silent test:browser

ui-test: build ## the web UI in Debian's chromium against bin/sieve (installs chromium when missing); saves docs/ui/*.png
	bash web/scripts/setup.sh --browser
	cd web && npm run --silent build:check
	cd web && SIEVE_BIN=$(CURDIR)/$(BIN) npm run --silent test:browser

fuzz: ## run every fuzz target for FUZZTIME (default 30s) each
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $${FUZZTIME:-30s} $$pkg || exit 1; \
	  done; done

# go test -fuzz may end a timed run with "context deadline exceeded" when
# the time runs out in the middle of an input; a real failure always says
# "Failing input written to", so only that (or any other error) fails here.
fuzz-guard: ## the guard's structure-aware fuzzer (realistic nested shapes) for FUZZTIME (default 60s)
	@out=$$(mktemp); \
	if $(GO) test -run '^$$' -fuzz '^FuzzShapes$$' -fuzztime $${FUZZTIME:-60s} ./internal/guard >$$out 2>&1; then tail -n 3 $$out; \
	elif grep -q 'context deadline exceeded' $$out && ! grep -q 'Failing input written' $$out; then \
	  tail -n 4 $$out; echo "fuzz-guard: the time limit ended the run mid-input; no failing input was found"; \
	else cat $$out; rm -f $$out; exit 1; fi; rm -f $$out

bench: build ## end-to-end ingest benchmark (see docs/PERFORMANCE.md)
	./$(BIN) bench ingest

clean: ## remove build output
	rm -rf bin
