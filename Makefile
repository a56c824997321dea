# The two Quick-start commands (README): `make run` and `make test`. Both install what is missing
# (scripts/install-deps), configure and build into build/, then run the main job or the suite.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= 2
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: all deps configure build run test test-unit test-asan format format-check bench previews clean

all: build

deps:
	@scripts/install-deps

configure: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) > $(BUILD).configure.log 2>&1 || (cat $(BUILD).configure.log; exit 1)

build: configure
	cmake --build $(BUILD) -j$(JOBS)

run: build
	@scripts/run-main

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS) --timeout 600

test-unit: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS) -L unit

test-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DTXMAIL_SANITIZE=ON > $(ASAN_BUILD).configure.log 2>&1 || (cat $(ASAN_BUILD).configure.log; exit 1)
	cmake --build $(ASAN_BUILD) -j$(JOBS) --target unit_tests
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --test-dir $(ASAN_BUILD) --output-on-failure -j$(JOBS) -L unit

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h' '*.hpp')

format-check: deps
	clang-format --dry-run --Werror $$(git ls-files '*.cpp' '*.h' '*.hpp')

bench: build
	@scripts/run-benchmarks

previews: build
	@scripts/make-previews $(BUILD)/txmail

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(BUILD).configure.log $(ASAN_BUILD).configure.log
