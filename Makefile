# MicroTick: the two commands a user needs are `make up` and `make test`; each installs what it needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export NEXT_TELEMETRY_DISABLED := 1

CLIENT_SOURCES := $(shell find client -type f -not -path 'client/.next/*' -not -path 'client/node_modules/*' 2>/dev/null)

.PHONY: help deps build build-services up test test-images test-chaos lint bench clean

help:
	@echo "make up     start the whole app at http://localhost:$${MICROTICK_PORT:-3000} (installs what it needs)"
	@echo "make test   run every test (installs what it needs)"
	@echo "make test-images   build the images with podman and run the container smoke journey"
	@echo "make lint   eslint, prettier and the TypeScript type-check"
	@echo "make bench  run the benchmarks and rewrite docs/benchmarks.md"

deps:
	@scripts/deps.sh

build-services: deps
	@node scripts/build.mjs

# Rebuilt only when a client file changed.
client/.next/BUILD_ID: $(CLIENT_SOURCES) package-lock.json
	@echo "Building the web client (next build)"
	@npm run build --silent -w @microtick/client

build: build-services client/.next/BUILD_ID

up: build
	@npx tsx scripts/dev-stack.ts

lint: deps
	@npx tsc -p tsconfig.json --noEmit
	@npx eslint .
	@npx prettier --check . --log-level warn

test: build lint
	@npx jest --ci
	@$(MAKE) --no-print-directory test-images

# Every image from the deploy workflow's Dockerfiles, then the buyer's journey through them.
test-images: deps
	@infra/images/build.sh
	@npx tsx infra/smoke/containers.ts

test-chaos: build
	@npx jest --ci e2e/chaos

bench: build
	@npx tsx bench/run.ts

clean:
	rm -rf */dist client/.next
