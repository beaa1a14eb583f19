# SPDX-License-Identifier: GPL-2.0
#
# ito - top-level build. `make` builds kmod/ito.ko and the userspace tools.
# KDIR defaults to the running kernel's build tree; when that is absent (a
# container, a build host) it falls back to the newest installed Debian 6.1
# headers, then to any installed headers.

KVER ?= $(shell scripts/kver.sh)
KDIR ?= /lib/modules/$(KVER)/build
DKMS_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
DKMS_SRC := /usr/src/ito-$(DKMS_VERSION)

.PHONY: bench-classify all modules userspace install modules_install dkms-install \
	dkms-remove deb deps check check-debug demo bench bench-installs bench-scale bench-nat \
	checkpatch sparse clean

all: modules userspace

modules:
	@test -d "$(KDIR)" || { echo "No kernel build tree at $(KDIR): run 'make deps' or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace:
	$(MAKE) -C userspace

install: modules_install
	$(MAKE) -C userspace install

modules_install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KVER)

# DKMS builds from its own copy of the sources, so later edits here need
# dkms-remove + dkms-install.
dkms-install:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	cp -a Kbuild dkms.conf kmod uapi $(DKMS_SRC)/
	dkms add -m ito -v $(DKMS_VERSION)
	dkms build -m ito -v $(DKMS_VERSION) -k $(KVER)
	dkms install -m ito -v $(DKMS_VERSION) -k $(KVER)

dkms-remove:
	-dkms remove -m ito -v $(DKMS_VERSION) --all
	rm -rf $(DKMS_SRC)

# Debian packages ito-dkms and ito-tools in build/deb/, checked by lintian
deb:
	scripts/deb.sh

deps:
	scripts/deps.sh

check:
	scripts/check.sh

# the VM suite on a KASAN/lockdep/kmemleak kernel (built once, cached)
check-debug:
	scripts/check-debug.sh

# make demo KEEP=1 (or ARGS=--keep): stay at a shell in the VM afterwards
demo:
	scripts/demo.sh $(if $(filter-out 0,$(KEEP)),--keep) $(ARGS)

bench:
	bench/forward.sh

# itod's classification (nDPI) and decisions, no kernel: flows/s and
# memory per pending flow (make bench-classify ARGS="FLOWS WINDOW")
bench-classify:
	$(MAKE) -C userspace bench-classify ARGS="$(ARGS)"

bench-installs:
	bench/installs.sh

# make bench-scale N=500000
bench-scale:
	bench/scale.sh $(N)

# the source NAT pools' bindings: memory and new connections per second
# at N bindings (100000 unless given)
bench-nat:
	PHASES=nat bench/scale.sh $(or $(N),100000)

checkpatch:
	scripts/checkpatch.sh

sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 modules

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	rm -rf build
