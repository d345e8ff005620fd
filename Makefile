# Loket KTP-el: two commands for people (`make run`, `make test`); the rest are their steps.
# Every step installs what it is missing, so a fresh Debian machine needs only these two.

SHELL := /bin/bash
.DEFAULT_GOAL := run

DEB_PACKAGES := build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libjavascriptcoregtk-4.1-dev \
  libsoup-3.0-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev xvfb xauth \
  chromium chromium-driver webkit2gtk-driver poppler-utils zbar-tools e2fsprogs postgresql sqlite3 \
  cups-ipp-utils dbus-daemon libnss3-tools python3-venv x11-utils imagemagick desktop-file-utils curl \
  gnome-keyring libsecret-tools
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CARGO_BIN := $(HOME)/.cargo/bin
# One package selection and feature set for every cargo call: a different selection unifies features
# differently and compiles the dependencies again (twice the time and disk).
CARGO_ALL := --workspace --features loket-desktop/custom-protocol
CENTRAL_TESTS := $(patsubst server/tests/%.rs,--test %,$(wildcard server/tests/*.rs))
export PATH := $(CARGO_BIN):$(PATH)

.PHONY: run test deps deb ui-deps e2e-deps tauri-driver ui build desktop test-rust test-ui test-e2e test-central test-api-fuzz test-package package bench bench-slow-disk bench-window types

## make run: the desktop app on the default data directory; without a display, the hub and its URL.
## Built with the same selection as make test (CARGO_ALL), so after make test nothing compiles again.
run: deb ui
	cargo build $(CARGO_ALL)
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  "$${CARGO_TARGET_DIR:-target}/debug/loket-desktop"; \
	else \
	  echo "Tidak ada layar (DISPLAY kosong): menjalankan hub tanpa jendela."; \
	  "$${CARGO_TARGET_DIR:-target}/debug/loket" serve --listen 127.0.0.1:8470 --ui-dir ui/dist; \
	fi

## make test: every crate's tests, the UI's unit tests, the API fuzz (schemathesis) and the end-to-end tests.
test: deps ui test-ui test-rust test-central build test-package test-api-fuzz test-e2e

deps: deb ui-deps e2e-deps tauri-driver

deb:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Memasang paket Debian: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

ui-deps: ui/node_modules/.package-lock.json
ui/node_modules/.package-lock.json: ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund

e2e-deps: tests/e2e/node_modules/.package-lock.json
tests/e2e/node_modules/.package-lock.json: tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund

tauri-driver:
	@command -v tauri-driver >/dev/null || cargo install tauri-driver --locked

ui: ui-deps
	cd ui && npm run build

test-ui: ui-deps
	cd ui && npm run check && npm test

## Every crate's tests; loket-central's run on SQLite here (their PostgreSQL run is test-central).
test-rust: deb ui
	cargo test $(CARGO_ALL)

## loket-central's tests again on a throwaway PostgreSQL cluster (scripts/test-postgres.sh starts it on
## 127.0.0.1 with trust auth and removes it afterwards). The sync tests start the office hub binary,
## which the same cargo call builds.
test-central: deb ui
	scripts/test-postgres.sh run cargo test $(CARGO_ALL) $(CENTRAL_TESTS)

## The sync end-to-end test also runs the central server, so the whole workspace is built.
build: ui
	cargo build $(CARGO_ALL)

## The .deb installed for real, then purged (scripts/test-package.sh, as root): files, the hub run as its
## unit says, the window from its desktop entry under Xvfb with a screenshot. It bundles make test's
## debug build (no second, release build); `make package` is the release package.
test-package: deb build
	deb=$$(scripts/package.sh debug) && $(SUDO) scripts/test-package.sh "$$deb"

## make package: the release .deb (Tauri's bundler over the release build, nothing compiled twice);
## prints its path. Window, hub CLI as /usr/bin/loket, the loket-hub systemd unit, the UI for it.
package: deb ui
	cargo build --release $(CARGO_ALL)
	scripts/package.sh release

## Schemathesis against the hub's OpenAPI document, anonymous and as a supervisor; fails on any 5xx.
## The script installs its pinned schemathesis into a venv under target/ (python3-venv from deb).
test-api-fuzz: deb build
	scripts/schemathesis.sh

test-e2e: build e2e-deps tauri-driver
	cd tests/e2e && node --test --test-concurrency=1 lan.test.mjs
	cd tests/e2e && node --test --test-concurrency=1 https.test.mjs
	cd tests/e2e && node --test --test-concurrency=1 security.test.mjs
	cd tests/e2e && node --test --test-concurrency=1 queue.test.mjs
	cd tests/e2e && node --test --test-concurrency=1 intake.test.mjs
	cd tests/e2e && node --test --test-concurrency=1 sync.test.mjs
	cd tests/e2e && node --test --test-concurrency=1 printing.test.mjs
	cd tests/e2e && node --test --test-concurrency=1 handover.test.mjs
	cd tests/e2e && node --test --test-concurrency=1 reports.test.mjs
	cd tests/e2e && xvfb-run -a -s "-screen 0 1366x768x24" node --test --test-concurrency=1 desktop.test.mjs

## Regenerate the TypeScript bindings from the Rust types (a test fails when they are stale).
## Only the loket binary, but with make test's selection (the dependencies are not built again).
types:
	cargo build -q $(CARGO_ALL) --bin loket
	"$${CARGO_TARGET_DIR:-target}/debug/loket" dev gen-types --out ui/src/lib/api/types.gen.ts

## Benchmarks (not part of make test); numbers go to docs/benchmarks.md. One cargo call with the
## shared selection: -p loket and -p loket-central apart unified features differently and built the
## release dependencies twice.
bench:
	cargo bench $(CARGO_ALL) --bench hub --bench queue_load --bench receipt --bench photo --bench card --bench printing --bench backup --bench reports --bench encryption --bench sync_drain

## The installed release window's cold start and memory against WebKit's MiniBrowser on the same UI
## (scripts/bench-window.sh; installs and purges the package like test-package). Numbers: docs/benchmarks.md.
bench-window: deb ui
	cargo build --release $(CARGO_ALL)
	deb=$$(scripts/package.sh release) && $(SUDO) scripts/bench-window.sh "$$deb"

## The queue load benchmark with fsync slowed to an office PC's disk (SLOW_FSYNC_MS, default 5).
bench-slow-disk:
	mkdir -p target && gcc -O2 -shared -fPIC -o target/slow_fsync.so benches/slow_fsync.c -ldl
	cargo bench $(CARGO_ALL) --bench queue_load --no-run
	LD_PRELOAD=$(CURDIR)/target/slow_fsync.so SLOW_FSYNC_MS=$${SLOW_FSYNC_MS:-5} \
	  $$(ls -t "$${CARGO_TARGET_DIR:-target}"/release/deps/queue_load-* | grep -v '\.d$$' | head -1) --bench
