# Languard — every command a developer or CI needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo
BIN := target/debug/languard
RELEASE_BIN := target/release/languard
# One build command for every debug target: building a package alone resolves other features
# and would recompile half the dependency tree.
BUILD_DEBUG := $(CARGO) build -p languard -p languard-tests --bins
export LANGUARD_TEST_PG_URL ?= postgres://languard:languard@127.0.0.1:5432/postgres

.PHONY: help run build frontend frontend-deps openapi test test-rust test-frontend crosscheck lint fmt e2e schemathesis bench demo clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

frontend-deps:
	cd frontend && { [ -d node_modules ] || npm ci --no-audit --no-fund; }

frontend: frontend-deps ## build the SPA into frontend/dist
	cd frontend && npm run build

build: frontend ## build the SPA and the release binary
	$(CARGO) build --release -p languard

run: build ## build everything and serve on 127.0.0.1:8080 with data in ./data
	$(RELEASE_BIN) serve

openapi: ## regenerate openapi/openapi.json and the SPA's API types from the code
	$(CARGO) run -q -p languard -- openapi > openapi/openapi.json
	cd frontend && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run gen:api

lint: ## rustfmt and clippy (warnings are errors)
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-rust: ## unit tests and black-box tests (with the game simulators) on SQLite and PostgreSQL
	$(BUILD_DEBUG)
	$(CARGO) nextest run --workspace --no-fail-fast

crosscheck: ## the game simulators against independent RCON clients from PyPI
	$(BUILD_DEBUG)
	./tests/crosscheck/run.sh

test-frontend: frontend-deps ## type-check, lint, unit-test and build the SPA; check generated API types
	cd frontend && npm run check:api && npm run lint && npm test && npm run build

e2e: frontend ## browser tests: Playwright driving Debian's chromium against the real binary
	$(BUILD_DEBUG)
	mkdir -p target/e2e-bin && ln -sf $(CURDIR)/target/debug/fakegame target/e2e-bin/srcds_run
	ln -sf $(CURDIR)/target/debug/fakegame target/e2e-bin/arma3server_x64
	LANGUARD_E2E_SRCDS=$(CURDIR)/target/e2e-bin/srcds_run \
	LANGUARD_E2E_ARMA=$(CURDIR)/target/e2e-bin/arma3server_x64 \
	LANGUARD_E2E_PORT=$$(python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])') \
	LANGUARD_E2E_PLAYERS_PORT=$$(python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])') \
	LANGUARD_E2E_CONSOLE_PORT=$$(python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])') \
	LANGUARD_E2E_METRICS_PORT=$$(python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])') \
	LANGUARD_E2E_CONTENT_PORT=$$(python3 scripts/free-port-block.py 12) \
	LANGUARD_PLAYERS_POLL_INTERVAL=1 \
	LANGUARD_METRICS_INTERVAL=1 \
	./scripts/with-server.sh $(BIN) -- bash -c 'cd frontend && npm run e2e && npm run e2e:servers && npm run e2e:players && npm run e2e:console && npm run e2e:metrics && npm run e2e:content'

schemathesis: ## property-based requests from the committed spec against the running binary
	$(BUILD_DEBUG)
	./scripts/with-server.sh $(BIN) -- ./scripts/schemathesis.sh

test: lint test-rust crosscheck test-frontend e2e schemathesis ## everything CI runs

demo: frontend ## a live panel with one simulated server of each game (no game installed)
	$(BUILD_DEBUG)
	./scripts/demo.sh

bench: ## throughput, latency and memory of a release build beside same-run references, as a table
	CARGO=$(CARGO) ./scripts/bench.sh

clean:
	$(CARGO) clean
	rm -rf frontend/dist frontend/node_modules
