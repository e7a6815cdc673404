# The README's commands. Each target installs what it needs first
# (scripts/install-deps is idempotent and returns at once when all is there).
#
#   make run     the demo on the bundled demo host (nothing on this machine is touched)
#   make test    build and run every test suite
#   make bench   the benchmarks (ratios against reference tools in the same run)
#   make image   the bootable build/image/usbdisk.img (IMAGE_ARGS: builder options)
#   make fuzz    the libFuzzer harnesses (test/fuzz), each for FUZZ_SECONDS
#
# SANITIZE=1 builds with clang, ASan and UBSan (in build-san/); WERROR=1 adds
# -Werror. CI runs `make test SANITIZE=1 WERROR=1`.

SANITIZE ?= 0
WERROR ?= 0
ifeq ($(SANITIZE),1)
BUILDDIR ?= build-san
SETUP_ENV = CC=clang
SETUP_OPTS = -Db_sanitize=address,undefined -Db_lundef=false
else
BUILDDIR ?= build
SETUP_ENV =
SETUP_OPTS =
endif
ifeq ($(WERROR),1)
SETUP_OPTS += -Dwerror=true
else
SETUP_OPTS += -Dwerror=false
endif

DEMO_HOST ?= $(CURDIR)/test/data/hosts/demo
DKVM = $(BUILDDIR)/frontend/cli/dkvm

.PHONY: all deps build run test bench image clean format fuzz

all: build

deps:
	@scripts/install-deps

# meson runs only when needed: `setup` for a new build directory, `configure`
# when the options differ from the ones the directory was set up with (kept
# in OPTIONS_STAMP); its report goes to a log that is shown only on failure.
# ninja is asked first whether anything is out of date, so a build with
# nothing to do prints nothing.
OPTIONS_STAMP = $(BUILDDIR)/dkvm-make-options
MESON_LOG = $(BUILDDIR)/dkvm-make-meson.log

$(BUILDDIR)/build.ninja:
	@echo "meson setup $(BUILDDIR) $(SETUP_OPTS) (log: $(MESON_LOG))"
	@mkdir -p $(BUILDDIR)
	@$(SETUP_ENV) meson setup $(BUILDDIR) $(SETUP_OPTS) >$(MESON_LOG) 2>&1 || \
		{ cat $(MESON_LOG); exit 1; }
	@echo "$(SETUP_OPTS)" >$(OPTIONS_STAMP)

build: deps $(BUILDDIR)/build.ninja
	@if [ "$$(cat $(OPTIONS_STAMP) 2>/dev/null)" != "$(SETUP_OPTS)" ]; then \
		echo "meson configure $(BUILDDIR) $(SETUP_OPTS) (log: $(MESON_LOG))"; \
		{ meson configure $(BUILDDIR) $(SETUP_OPTS) && \
		  ninja -C $(BUILDDIR) build.ninja; } >$(MESON_LOG) 2>&1 || \
			{ cat $(MESON_LOG); exit 1; }; \
		echo "$(SETUP_OPTS)" >$(OPTIONS_STAMP); \
	fi
	@if ! ninja -C $(BUILDDIR) -n 2>/dev/null | grep -q '^ninja: no work to do'; then \
		ninja -C $(BUILDDIR); \
	fi

# The demo host: a gaming desktop's sysfs under umockdev, VMs on libvirt's
# in-process test driver. Nothing on this machine is read or changed.
run: build
	@scripts/demo $(DKVM) $(DEMO_HOST)

test: build
	meson test -C $(BUILDDIR) --print-errorlogs --no-rebuild $(TEST_ARGS)

bench: build
	meson test -C $(BUILDDIR) --benchmark --print-errorlogs --no-rebuild --verbose $(TEST_ARGS)

# The stick's image (builder/dkvm-build all: fetch, compile, assemble,
# verify) with this build's dkvm writing the loader configs. IMAGE_ARGS adds
# builder options, e.g. IMAGE_ARGS="--data-size none --write /dev/sdX".
IMAGE_ARGS ?=
image: build
	builder/dkvm-build --dkvm $(DKVM) $(IMAGE_ARGS) all

# The fuzz harnesses (test/fuzz, README.md "Contributing"): clang with
# libFuzzer, ASan and UBSan, in their own build directory; only the harnesses
# and what they link are built. Each runs FUZZ_SECONDS; crashes it finds are
# saved to test/fuzz/regressions/HARNESS/ and fail the run. FUZZ_HARNESSES
# picks some: make fuzz FUZZ_HARNESSES=host-json FUZZ_SECONDS=600
# FUZZ_SEED fixes libFuzzer's seed (CI sets it); unset, every run differs.
FUZZ_SECONDS ?= 60
FUZZ_SEED ?=
FUZZ_BUILDDIR ?= build-fuzz
FUZZ_HARNESSES ?= host-json domain-apply config parsers legacy
FUZZ_LOG = $(FUZZ_BUILDDIR)/dkvm-make-meson.log

fuzz: deps
	@if [ ! -f $(FUZZ_BUILDDIR)/build.ninja ]; then \
		echo "meson setup $(FUZZ_BUILDDIR) -Dfuzz=true (log: $(FUZZ_LOG))"; \
		mkdir -p $(FUZZ_BUILDDIR); \
		CC=clang meson setup $(FUZZ_BUILDDIR) -Dfuzz=true -Dtests=false -Dwerror=false \
			-Db_sanitize=address,undefined -Db_lundef=false >$(FUZZ_LOG) 2>&1 || \
			{ cat $(FUZZ_LOG); exit 1; }; \
	fi
	@ninja -C $(FUZZ_BUILDDIR) -j2 $(addprefix test/fuzz/fuzz-,$(FUZZ_HARNESSES)) >$(FUZZ_LOG) 2>&1 || \
		{ cat $(FUZZ_LOG); exit 1; }
	@status=0; for h in $(FUZZ_HARNESSES); do \
		FUZZ_SEED=$(FUZZ_SEED) test/fuzz/run-fuzz $$h $(FUZZ_BUILDDIR)/test/fuzz/fuzz-$$h $(FUZZ_SECONDS) \
			$(FUZZ_BUILDDIR)/fuzz || status=1; \
	done; exit $$status

format:
	clang-format -i $$(git ls-files --cached --others --exclude-standard '*.c' '*.h')

clean:
	rm -rf build build-san build-fuzz
