# SPDX-License-Identifier: GPL-2.0
#
# avcpu: top-level build. `make` builds every part; `make test` runs everything;
# `make run` is the demo. See README.md.

TOP := $(abspath .)
CACHE ?= $(TOP)/.cache
BUILD ?= $(TOP)/build
CROSS_COMPILE ?= aarch64-linux-gnu-
KERNELS ?= 6.1 6.12
CPUS ?= max cortex-a72
JOBS ?= $(shell nproc)

SETUP_STAMP := $(CACHE)/.setup-done
HYP_BIN := $(BUILD)/hyp/hyp.bin
MODULES := $(foreach k,$(KERNELS),$(BUILD)/kmod-$(k)/avcpu.ko)

.DEFAULT_GOAL := all
.PHONY: all setup hyp modules userspace selftests host-tests host-fuzz check test run bench fuzz lint docs clean \
	distclean install uninstall dkms-module dkms-source dkms-install hyp-image userspace-build FORCE
.PHONY: deb man

all: modules userspace selftests host-tests host-fuzz

# Setup runs by itself when nothing was set up yet; `make setup` always re-checks (cheap).
setup:
	@bash scripts/setup.sh

$(SETUP_STAMP): scripts/setup.sh
	@bash scripts/setup.sh

hyp: $(SETUP_STAMP) hyp-image

# The EL2 image alone, without setup: what a DKMS build on a real machine needs.
hyp-image:
	@$(MAKE) -s --no-print-directory -f module/hyp/Makefile O=$(BUILD)/hyp \
		CROSS_COMPILE=$(CROSS_COMPILE)

modules: $(MODULES)

# Each kernel gets its own mirror of the sources (symlinks), because an out-of-tree
# Kbuild writes its objects next to the sources.
$(BUILD)/kmod-%/avcpu.ko: hyp FORCE
	@mkdir -p $(BUILD)/kmod-$*
	@cp -rsf $(TOP)/Kbuild $(TOP)/module $(TOP)/uapi $(BUILD)/kmod-$*/
	@find $(BUILD)/kmod-$* -xtype l -delete
	@$(MAKE) --no-print-directory -C $(CACHE)/kernel-$*/build M=$(BUILD)/kmod-$* \
		ARCH=arm64 CROSS_COMPILE=$(CROSS_COMPILE) W=1 AVCPU_WERROR=1 \
		AVCPU_HYP_BIN=$(HYP_BIN) modules

userspace: $(SETUP_STAMP) userspace-build

# Cross-built with Debian's aarch64 toolchain and the arm64 libfdt from the cache; with
# CROSS_COMPILE empty (on an arm64 machine) natively, with the system's libfdt.
userspace-build:
	@cmake -S userspace -B $(BUILD)/userspace-aarch64 -DCMAKE_BUILD_TYPE=Release \
		$(if $(CROSS_COMPILE),-DCMAKE_TOOLCHAIN_FILE=$(TOP)/userspace/cmake/aarch64-linux-gnu.cmake \
		-DAVCPU_FDT_ROOT=$(CACHE)/sysroot-arm64) \
		-DAVCPU_STATIC=ON -DAVCPU_HOST_TESTS=OFF >/dev/null
	@cmake --build $(BUILD)/userspace-aarch64 -j $(JOBS)

host-tests: $(SETUP_STAMP)
	@cmake -S userspace -B $(BUILD)/userspace-host -DCMAKE_BUILD_TYPE=Debug \
		-DAVCPU_HOST_TESTS=ON >/dev/null
	@cmake --build $(BUILD)/userspace-host -j $(JOBS)

# libFuzzer targets for the exit decoders and the guest loader (clang; userspace/fuzz/host).
host-fuzz: $(SETUP_STAMP) userspace
	@cmake -S userspace -B $(BUILD)/userspace-fuzz -DCMAKE_BUILD_TYPE=Debug \
		-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DAVCPU_HOST_FUZZ=ON \
		-DAVCPU_SEED_CORPUS="$(BUILD)/userspace-aarch64/guests/hello.elf;$(BUILD)/userspace-aarch64/guests/smp.elf" \
		>/dev/null
	@cmake --build $(BUILD)/userspace-fuzz -j $(JOBS)

selftests: $(SETUP_STAMP)
	@$(MAKE) --no-print-directory -C selftests OUTPUT=$(BUILD)/selftests \
		KSFT_DIR=$(CACHE)/kernel-6.1/source/tools/testing/selftests \
		CROSS_COMPILE=$(CROSS_COMPILE) ARCH=arm64 KHDR_INCLUDES="-isystem $(TOP)/uapi" \
		AVCPU_UAPI_HEADER=$(TOP)/uapi/linux/avcpu.h

# Host unit tests alone.
check: host-tests
	@cd $(BUILD)/userspace-host && ctest --output-on-failure -j $(JOBS)

# Host unit tests, then the QEMU matrix $(KERNELS) x $(CPUS). QEMU_OPTS passes options to
# every boot (see scripts/qemu-run.sh --help), e.g. QEMU_OPTS="--icount".
test: all
	@bash scripts/test-all.sh --kernels "$(KERNELS)" --cpus "$(CPUS)" $(QEMU_OPTS)

run: all
	@bash scripts/demo.sh $(QEMU_OPTS)

# Exit and interrupt costs under avcpu, KVM nVHE and KVM VHE in the same QEMU machine, side
# by side with their floors (build/bench/results.md, .csv, .png). Not part of make test:
# figures are claimed from here only.
bench: all
	@bash scripts/bench.sh

# The hostile-input campaign, FUZZ_SECONDS (300) per campaign per kernel, fresh seeds
# (build/fuzz/summary.txt). make test runs a bounded, fixed-seed part (avcpu_fuzz_test).
fuzz: all
	@bash scripts/fuzz.sh

# The long runs make test samples: SOAK_MINUTES (30) of host fuzzers, then per kernel the
# SMP and lifecycle stress in soak mode and avcpu-fuzz with fresh seeds (build/soak/summary.txt).
.PHONY: soak
soak: all
	@bash scripts/soak.sh

# checkpatch on the module, clang-format on the C++, the documentation with -W.
lint: $(SETUP_STAMP)
	@bash scripts/lint.sh

docs: $(SETUP_STAMP)
	@sphinx-build -W -q -b html Documentation $(BUILD)/docs
	@echo "docs: $(BUILD)/docs/index.html"

# make install [DESTDIR=] [PREFIX=/usr/local] [KERNEL=6.12]: avcpu.ko for that kernel (or,
# with KDIR=, for the kernel tree there), the uapi header, libavcpu, avcpu-run, the udev
# rule. On an arm64 machine: make install KDIR=/lib/modules/$$(uname -r)/build CROSS_COMPILE=
PREFIX ?= /usr/local
KERNEL ?= 6.12
KDIR ?= $(CACHE)/kernel-$(KERNEL)/build
install: dkms-module userspace-build
	@bash scripts/install.sh --destdir "$(DESTDIR)" --prefix $(PREFIX) \
		--kmod $(BUILD)/kmod-dkms/avcpu.ko \
		--kver $$($(MAKE) -s -C $(KDIR) kernelrelease ARCH=arm64 2>/dev/null) \
		--userspace $(BUILD)/userspace-aarch64

uninstall:
	rm -f $(DESTDIR)/lib/modules/*/updates/avcpu.ko $(DESTDIR)/lib/modules/*/updates/dkms/avcpu.ko \
		$(DESTDIR)/lib/udev/rules.d/99-avcpu.rules $(DESTDIR)$(PREFIX)/bin/avcpu-run \
		$(DESTDIR)$(PREFIX)/lib/libavcpu.a $(DESTDIR)$(PREFIX)/lib/pkgconfig/avcpu.pc \
		$(DESTDIR)$(PREFIX)/include/linux/avcpu.h
	rm -rf $(DESTDIR)$(PREFIX)/include/avcpu $(DESTDIR)$(PREFIX)/lib/cmake/avcpu

# What dkms.conf runs: the EL2 image, then avcpu.ko against KDIR.
dkms-module: hyp-image
	@mkdir -p $(BUILD)/kmod-dkms
	@cp -rsf $(TOP)/Kbuild $(TOP)/module $(TOP)/uapi $(BUILD)/kmod-dkms/
	@find $(BUILD)/kmod-dkms -xtype l -delete
	@$(MAKE) --no-print-directory -C $(KDIR) M=$(BUILD)/kmod-dkms ARCH=arm64 \
		CROSS_COMPILE=$(CROSS_COMPILE) AVCPU_HYP_BIN=$(HYP_BIN) modules

# The sources dkms builds from, staged at DKMS_SRC (dkms-install; scripts/tests/dkms-test.sh).
dkms-source:
	@test -n "$(DKMS_SRC)" || { echo "dkms-source: set DKMS_SRC" >&2; exit 1; }
	@rm -rf $(DKMS_SRC) && mkdir -p $(DKMS_SRC)
	@git ls-files Makefile Kbuild dkms.conf module uapi | tar -cf - -T - | tar -xf - -C $(DKMS_SRC)

# DKMS from this tree: sources to /usr/src/avcpu-VERSION, then dkms add/build/install.
DKMS_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
dkms-install:
	$(MAKE) --no-print-directory dkms-source DKMS_SRC=/usr/src/avcpu-$(DKMS_VERSION)
	dkms install avcpu/$(DKMS_VERSION)
	install -D -m 644 module/99-avcpu.rules /lib/udev/rules.d/99-avcpu.rules

# The Debian source package and avcpu-dkms, libavcpu-dev, avcpu-tools for arm64, cross-built
# and lintian-checked (scripts/deb.sh): build/deb/.
deb: $(SETUP_STAMP)
	@bash scripts/deb.sh $(BUILD)/deb

# The man pages, from the manuals that are also the tools' --help (scripts/mkman.sh).
MANUALS := userspace/vmm/avcpu-run.txt:1 userspace/bench/avcpu-bench.txt:1 \
	userspace/tools/avcpu-info.txt:1 userspace/tools/avcpu.4.txt:4
man:
	@mkdir -p $(BUILD)/man
	@$(foreach m,$(MANUALS),bash scripts/mkman.sh $(firstword $(subst :, ,$(m))) \
		$(lastword $(subst :, ,$(m))) $(DKMS_VERSION) \
		$(BUILD)/man/$(basename $(basename $(notdir $(firstword $(subst :, ,$(m)))))).$(lastword $(subst :, ,$(m))) &&) true
	@echo "man: $(BUILD)/man"

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -rf $(CACHE)

FORCE:
