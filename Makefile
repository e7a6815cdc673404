# The README's commands. Each target installs what it needs first
# (scripts/install-deps is idempotent and returns at once when all is there).
#
#   make run     the demo on the bundled demo host (nothing on this machine is touched)
#   make test    build and run every test suite
#   make bench   the benchmarks (ratios against reference tools in the same run)
#   make image   the bootable usbdisk.img
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

.PHONY: all deps build run test bench image clean format

all: build

deps:
	@scripts/install-deps

$(BUILDDIR)/build.ninja:
	$(SETUP_ENV) meson setup $(BUILDDIR) $(SETUP_OPTS)

build: deps $(BUILDDIR)/build.ninja
	meson configure $(BUILDDIR) $(SETUP_OPTS) >/dev/null
	ninja -C $(BUILDDIR)

# The demo host: a gaming desktop's sysfs under umockdev, VMs on libvirt's
# in-process test driver. Nothing on this machine is read or changed.
run: build
	@scripts/demo $(DKVM) $(DEMO_HOST)

test: build
	meson test -C $(BUILDDIR) --print-errorlogs --no-rebuild $(TEST_ARGS)

bench: build
	meson test -C $(BUILDDIR) --benchmark --print-errorlogs --no-rebuild --verbose $(TEST_ARGS)

image:
	@echo "make image: the USB image builder (builder/) is not written yet." >&2
	@exit 1

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-san
