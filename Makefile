# The two commands a newcomer needs: `make run` and `make test`. Everything they need is
# installed or started from here. Go must never download a toolchain.
SHELL := /bin/bash
export GOTOOLCHAIN := local
# Browser tests use Debian's Chromium (scripts/chromium.sh); npm must never fetch one.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
GO ?= go
TEST_DB ?= mzflow_test
export MZFLOW_TEST_MYSQL_DSN ?= root@tcp(127.0.0.1:3306)/$(TEST_DB)
WEB_SRC := $(shell find web/src web/index.html web/package.json web/package-lock.json web/vite.config.ts 2>/dev/null)

.PHONY: run build test vet workflowcheck mariadb chromium bench web web-test e2e clean-data fuzz fuzz-brief

## run: build the page (when its sources changed) and the binary, then `mzflow dev` with
## the demo rules (publicity of 2 minutes; DEMO_RULES= for the national limits).
DEMO_RULES ?= rules/demo.yaml
run: web build
	./bin/mzflow dev $(if $(DEMO_RULES),--rules $(DEMO_RULES))

build:
	$(GO) build -o bin/mzflow ./cmd/mzflow

## web: the Vite build, embedded by the next Go build; skipped until web/ has a package.json.
ifneq ($(wildcard web/package.json),)
web: web/dist/index.html
web/dist/index.html: $(WEB_SRC)
	cd web && npm ci --no-audit --no-fund && npm run build
	touch web/dist/.keep
web-test:
	cd web && npm ci --no-audit --no-fund && npm test
## e2e: the page in Debian's Chromium against a real `mzflow dev` (web/e2e, Playwright);
## screenshots in web/test-output/screenshots.
e2e: web build chromium
	cd web && npx playwright test
else
web:
web-test:
e2e:
endif

## test: vet and staticcheck, workflowcheck, the page's Vitest and browser tests, every Go test with -race
## on SQLite and MariaDB.
test: mariadb vet workflowcheck web-test e2e
	$(GO) test -race -timeout 30m ./...
	$(MAKE) fuzz-brief

## fuzz: each fuzz target at length (FUZZTIME each); plain `go test` runs their seed
## corpora (testdata/fuzz) and `make test` each for a few seconds.
FUZZ_TARGETS := FuzzStepData:./workflows/ FuzzCreateBody:./api/ FuzzRulesFile:./rules/
FUZZTIME ?= 60s
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		$(GO) test -run '^$$' -fuzz "^$${t%%:*}$$" -fuzztime $(FUZZTIME) $${t#*:}; done
fuzz-brief:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=5s

# staticcheck runs at a fixed version outside this module's graph: as a go.mod tool it
# would move x/net, x/sys and x/crypto past the versions the Temporal server pins.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
vet:
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

workflowcheck:
	$(GO) tool workflowcheck ./workflows/...

mariadb:
	@scripts/mariadb.sh $(TEST_DB)

chromium:
	@scripts/chromium.sh

## bench: benchmarks only (never timed assertions in tests). The calendar fan-out files
## 10 000 cases and tells them of a change by one batch signal (a few minutes). The scale benchmark seeds
## mzflow_scale_10k and mzflow_scale_1m on MariaDB once (about 3 minutes) and keeps them.
bench: mariadb
	$(GO) test -run '^$$' -bench . -benchmem -skip 'DecideHTTP|UpdateSDK|DecisionRatio|Scale|CalendarFanout' ./...
	$(GO) test -run '^$$' -bench 'DecideHTTP|UpdateSDK|DecisionRatio' -benchtime 200x -timeout 15m ./cmd/mzflow/
	$(GO) test -run '^$$' -bench 'CalendarFanout' -benchtime 1x -timeout 30m ./cmd/mzflow/
	$(GO) test -run '^$$' -bench 'Scale' -benchtime 500x -timeout 30m ./api/
