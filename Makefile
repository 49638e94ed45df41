# SPDX-License-Identifier: GPL-2.0
#
# make            build kmod/ksvc.ko, tools/lib/libksvc.a, tools/ksvcctl/ksvcctl
#                 and tools/ksvcd/ksvcd
# make check      run every test rig: KUnit (UML), unit (cmocka), api (the
#                 test API server against kubectl and python3-kubernetes),
#                 VM (qemu), fuzz (30 s of libFuzzer on the readers, 30 s on
#                 the module's netlink parsing compiled in userspace)
# make fuzz       both fuzz targets for FUZZ_SECONDS each (default 600)
# make install    module into /lib/modules/$(KVER)/extra, ksvcctl and ksvcd into
#                 /usr/local/sbin, deploy/ksvcd.service into /etc/systemd/system
# make KDIR=...   build against another kernel tree
#
# When the running kernel has no headers (a sandbox, a container), the
# newest installed /lib/modules/*/build is used instead.
KVER ?= $(shell uname -r)
ifeq ($(wildcard /lib/modules/$(KVER)/build/Makefile),)
KVER := $(notdir $(lastword $(sort $(wildcard /lib/modules/*))))
endif
KDIR ?= /lib/modules/$(KVER)/build
PREFIX ?= /usr/local

all: module tool

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tool:
	$(MAKE) -C tools/ksvcctl
	$(MAKE) -C tools/ksvcd

# Install the packages, build, and run the demo (in a VM if this kernel
# cannot load the module).
demo:
	scripts/install-deps
	$(MAKE) all
	scripts/demo

check: all
	tests/run-all.sh

# Benchmarks against kube-proxy's iptables, nftables and IPVS modes, in one
# VM boot (not part of check); results in bench/results/.
bench: all
	bench/run

check-kunit:
	tests/kunit/run.sh

check-unit: tool
	tests/unit/run.sh

check-vm: all
	tests/vm/run.sh

check-fuzz:
	tests/fuzz/run.sh

check-api:
	tests/apiserver/run.sh

# Long fuzzing of ksvcctl's YAML reader, then of the module's netlink
# parsing (not part of check): FUZZ_SECONDS=600 each.
fuzz:
	$(MAKE) -C tests/fuzz run-long
.PHONY: fuzz check-fuzz

# Long forms of the VM reliability tests (KSVC_STRESS=1: minutes each):
# updates under load, module lifecycle, limits and fuzz.
stress: all
	KSVC_STRESS=1 VM_TIMEOUT=$${VM_TIMEOUT:-2400} tests/vm/run.sh t_update_load t_lifecycle t_limits
.PHONY: stress

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=extra \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) modules_install
	install -D -m 0755 tools/ksvcctl/ksvcctl $(DESTDIR)$(PREFIX)/sbin/ksvcctl
	install -D -m 0755 tools/ksvcd/ksvcd $(DESTDIR)$(PREFIX)/sbin/ksvcd
	install -D -m 0644 deploy/ksvcd.service $(DESTDIR)/etc/systemd/system/ksvcd.service

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools/ksvcctl clean
	$(MAKE) -C tools/lib clean
	$(MAKE) -C tools/ksvcd clean
	-$(MAKE) -C tests/unit clean
	-$(MAKE) -C tests/fuzz clean

.PHONY: all module tool demo bench check check-kunit check-unit check-api check-vm install clean
