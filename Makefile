# The README's commands. Everything goes through CMake; this file only sequences.
#   make run    install missing packages, build, create the demo database, serve
#   make test   install, build with ASan+UBSan, run every test (pages' screenshots in
#               build-asan/screens/360 and build-asan/screens/1280)
#   make test-pg-browser  the browser tests again on PostgreSQL (not in make test: minutes more)
#   make screenshots  the pages at 360 px in headless Chromium, into docs/screens/
#   make bench-weight  the main pages' bytes and first paint on emulated 3G (part of make bench)
#   make soak   a real server on a fresh demo database under 64 connections of mixed traffic for
#               SOAK_SECONDS (1800): 5xx, latency per kind, RSS start/end (docs/perf.md)
#   make deb    the Debian package into var/deb/ (debian/, docs/install.md), checked by lintian
#   make fuzz   every libFuzzer driver for 20 s each (FUZZ_SECONDS=N); make fuzz-long: 600 s each
#   make deb-check  that package installed on a fresh bookworm root, its unit started, the site asked
.PHONY: all deps build build-asan run test test-pg-browser screenshots format fuzz fuzz-build fuzz-long bench bench-weight soak clean demo-db deb deb-check

DB ?= var/suotdoi.db
LISTEN ?= 127.0.0.1:8080
WEIGHT_N ?= 5
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# make fuzz: FUZZ_SECONDS per driver (20 unless given); make fuzz-long: FUZZ_SECONDS (600 unless given)
FUZZ_LONG_SECONDS := $(if $(filter command line environment,$(origin FUZZ_SECONDS)),$(FUZZ_SECONDS),600)
FUZZ_SECONDS ?= 20
SOAK_SECONDS ?= 1800
SOAK_CONNS ?= 64

# cmake's generated makefiles would otherwise announce every directory they enter
MAKEFLAGS += --no-print-directory

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build build -j $(JOBS)

build-asan: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSANITIZE=ON >/dev/null
	@cmake --build build-asan -j $(JOBS)

demo-db: build
	@mkdir -p $(dir $(DB))
	@if [ ! -f "$(DB)" ]; then ./build/suotdoi demo --db "$(DB)"; fi

run: demo-db
	@echo "Tài khoản trình diễn: xem README (mật khẩu chung Hoctap@2022), ví dụ quantri, ld.haian, pgd.haian."
	./build/suotdoi serve --db "$(DB)" --listen "$(LISTEN)"

test: build-asan
	cd build-asan && ctest --output-on-failure -j $(JOBS) -LE pg_browser
	@grep -h "^mustache spec:" build-asan/Testing/Temporary/LastTest.log || true
	@echo "screenshots of the main pages at 360 and 1280 px: $(CURDIR)/build-asan/screens/"

# The browser tests once more against PostgreSQL (make test runs every other test on both
# backends; these add minutes and see the same pages)
test-pg-browser: build-asan
	cd build-asan && ctest --output-on-failure -j $(JOBS) -L pg_browser

# The main flows' browser test (tests/http/test_main_flows_browser.c) saves its pages as PNGs on
# the way: every page under build-asan/screens/{360,1280}/ on every make test (not committed), the
# pages marked in it into docs/screens/ here.
screenshots: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSANITIZE=ON >/dev/null
	@cmake --build build-asan -j $(JOBS) --target http_test_main_flows_browser http_test_doc_form_browser http_test_enrol_browser
	@mkdir -p docs/screens
	cd build-asan && SCREENSHOT_DIR=$(CURDIR)/docs/screens ctest --output-on-failure -R '^http_test_(main_flows_browser|doc_form_browser|enrol_browser)$$'
	@ls -l docs/screens/*.png

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

# The libFuzzer drivers (docs/fuzzing.md), clang with ASan+UBSan, FUZZ_SECONDS each, one after
# another; each starts from its kept corpus (fuzz/corpus/) and its new finds are merged back.
# make fuzz is a short run (20 s each); make fuzz-long gives each driver 600 s; FUZZ_SECONDS=N
# sets either; FUZZ_RUNS=N also stops each driver after N inputs (libFuzzer's -runs).
# FUZZERS="fuzz_csv fuzz_when" runs only those.
fuzz-build: deps
	@cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DFUZZ=ON >/dev/null
	@cmake --build build-fuzz -j $(JOBS) --target fuzzers

fuzz: fuzz-build
	@FUZZ_RUNS='$(FUZZ_RUNS)' bash scripts/run-fuzzers.sh build-fuzz $(FUZZ_SECONDS) $(FUZZERS)

fuzz-long: fuzz-build
	@FUZZ_RUNS='$(FUZZ_RUNS)' bash scripts/run-fuzzers.sh build-fuzz $(FUZZ_LONG_SECONDS) $(FUZZERS)

bench: build
	@bash bench/run.sh

# bench/bench_soak.c: fails on any 5xx, transport error or RSS growth of 5 % or more
soak: build
	@mkdir -p var/soak
	./build/bench_soak --bin build/suotdoi --assets . --work var/soak --seconds $(SOAK_SECONDS) --conns $(SOAK_CONNS)

# only make bench's page weight on 3G (bench_weight): printed, docs/perf.md left as it is
bench-weight: build
	@mkdir -p var/bench
	./build/bench_weight --bin build/suotdoi --assets . --work var/bench/weight --n $(WEIGHT_N)

deb:
	@bash scripts/install-deps.sh --deb
	@JOBS=$(JOBS) bash scripts/deb-build.sh

deb-check: deb
	@bash scripts/deb-check.sh var/deb/suotdoi.deb

clean:
	rm -rf build build-asan build-fuzz
