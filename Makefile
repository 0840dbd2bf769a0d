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
.PHONY: all setup hyp modules userspace selftests host-tests check test run clean distclean \
	FORCE

all: modules userspace selftests host-tests

# Setup runs by itself when nothing was set up yet; `make setup` always re-checks (cheap).
setup:
	@bash scripts/setup.sh

$(SETUP_STAMP): scripts/setup.sh
	@bash scripts/setup.sh

hyp: $(SETUP_STAMP)
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

userspace: $(SETUP_STAMP)
	@cmake -S userspace -B $(BUILD)/userspace-aarch64 -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_TOOLCHAIN_FILE=$(TOP)/userspace/cmake/aarch64-linux-gnu.cmake \
		-DAVCPU_STATIC=ON -DAVCPU_HOST_TESTS=OFF -DAVCPU_FDT_ROOT=$(CACHE)/sysroot-arm64 >/dev/null
	@cmake --build $(BUILD)/userspace-aarch64 -j $(JOBS)

host-tests: $(SETUP_STAMP)
	@cmake -S userspace -B $(BUILD)/userspace-host -DCMAKE_BUILD_TYPE=Debug \
		-DAVCPU_HOST_TESTS=ON >/dev/null
	@cmake --build $(BUILD)/userspace-host -j $(JOBS)

selftests: $(SETUP_STAMP)
	@$(MAKE) --no-print-directory -C selftests OUTPUT=$(BUILD)/selftests \
		KSFT_DIR=$(CACHE)/kernel-6.1/source/tools/testing/selftests \
		CROSS_COMPILE=$(CROSS_COMPILE) ARCH=arm64 KHDR_INCLUDES="-isystem $(TOP)/uapi"

# Host unit tests alone.
check: host-tests
	@cd $(BUILD)/userspace-host && ctest --output-on-failure -j $(JOBS)

# Host unit tests, then the QEMU matrix $(KERNELS) x $(CPUS). QEMU_OPTS passes options to
# every boot (see scripts/qemu-run.sh --help), e.g. QEMU_OPTS="--icount".
test: all
	@bash scripts/test-all.sh --kernels "$(KERNELS)" --cpus "$(CPUS)" $(QEMU_OPTS)

run: all
	@bash scripts/demo.sh $(QEMU_OPTS)

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -rf $(CACHE)

FORCE:
