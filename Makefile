# The two commands a newcomer needs: `make run` and `make test`. Everything they need is
# installed or started from here. Go must never download a toolchain.
SHELL := /bin/bash
export GOTOOLCHAIN := local
GO ?= go
TEST_DB ?= mzflow_test
export MZFLOW_TEST_MYSQL_DSN ?= root@tcp(127.0.0.1:3306)/$(TEST_DB)
WEB_SRC := $(shell find web/src web/index.html web/package.json web/package-lock.json web/vite.config.ts 2>/dev/null)

.PHONY: run build test vet workflowcheck mariadb bench web web-test clean-data

## run: build the page (when its sources changed) and the binary, then `mzflow dev`.
run: web build
	./bin/mzflow dev

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
else
web:
web-test:
endif

## test: vet, workflowcheck, every Go test with -race on SQLite and MariaDB, the page's Vitest.
test: mariadb vet workflowcheck web-test
	$(GO) test -race -timeout 30m ./...

vet:
	$(GO) vet ./...

workflowcheck:
	$(GO) tool workflowcheck ./workflows/...

mariadb:
	@scripts/mariadb.sh $(TEST_DB)

## bench: benchmarks only (never timed assertions in tests).
bench: mariadb
	$(GO) test -run '^$$' -bench . -benchmem -skip 'DecideHTTP|UpdateSDK|DecisionRatio' ./...
	$(GO) test -run '^$$' -bench 'DecideHTTP|UpdateSDK|DecisionRatio' -benchtime 200x -timeout 15m ./cmd/mzflow/
