# The README's commands. Everything goes through CMake; this file only sequences.
#   make run    install missing packages, build, create the demo database, serve
#   make test   install, build with ASan+UBSan, run every test
#   make screenshots  the pages at 360 px in headless Chromium, into docs/screens/
.PHONY: all deps build build-asan run test screenshots format fuzz bench clean demo-db

DB ?= var/suotdoi.db
LISTEN ?= 127.0.0.1:8080
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 20

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
	cd build-asan && ctest --output-on-failure -j $(JOBS)
	@grep -h "^mustache spec:" build-asan/Testing/Temporary/LastTest.log || true

# The phone-table test (tests/http/test_phone_tables.c) saves its pages as PNGs on the way.
screenshots: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSANITIZE=ON >/dev/null
	@cmake --build build-asan -j $(JOBS) --target http_test_phone_tables http_test_doc_form_browser http_test_enrol_browser
	@mkdir -p docs/screens
	cd build-asan && SCREENSHOT_DIR=$(CURDIR)/docs/screens ctest --output-on-failure -R '^http_test_(phone_tables|doc_form_browser|enrol_browser)$$'
	@ls -l docs/screens/*.png

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

fuzz: deps
	@cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DFUZZ=ON >/dev/null
	@cmake --build build-fuzz -j $(JOBS)
	@bash scripts/run-fuzzers.sh build-fuzz $(FUZZ_SECONDS)

bench: build
	@bash bench/run.sh

clean:
	rm -rf build build-asan build-fuzz
