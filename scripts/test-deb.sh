#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Debian packages: `make deb` builds ito-dkms and ito-tools without a
# lintian error, and they hold what they should. ito-dkms: the module's
# sources and a dkms.conf without the DPU simulator, which `dkms build`
# turns into ito.ko alone. ito-tools: itoctl and itod in /usr/sbin, the man
# pages, systemd units that run them from there, and /etc/ito/itod.conf as
# a conffile. libito1: libito.so.1 and its symbols file; libito-dev: the
# headers, libito.so, libito.a, libito.pc and libito(3), with which the
# example agent builds through pkg-config. The DKMS build uses a version
# of its own and is removed afterwards, so an installed ito is left alone.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
deb=$top/build/deb
ver=$(sed -n '1s/^ito (\([^)]*\)).*/\1/p' "$top/debian/changelog")
uver=${ver%-*}
dkms_deb=$deb/ito-dkms_${ver}_all.deb
tools_deb=$deb/ito-tools_${ver}_$(dpkg --print-architecture).deb
lib_deb=$deb/libito1_${ver}_$(dpkg --print-architecture).deb
dev_deb=$deb/libito-dev_${ver}_$(dpkg --print-architecture).deb
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
# Debian's newest 6.1 kernel, as the packages' users run
kver=$(for k in /lib/modules/6.1.*-amd64/build; do
	[ -d "$k" ] && basename "$(dirname "$k")"; done | sort -V | tail -n 1)
[ -n "$kver" ] || kver=$("$top/scripts/kver.sh")
# a version of its own per run: two runs at once (two trees) share DKMS
tver=$uver+debtest$$
tsrc=/usr/src/ito-$tver
tmp=$(mktemp -d)
n=0
fail=0

cleanup()
{
	dkms remove -m ito -v "$tver" --all >/dev/null 2>&1
	rm -rf "$tsrc" "$tmp"
}
trap cleanup EXIT

tap()
{
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}

# check NAME CMD...: one test; what CMD prints becomes TAP comments
check()
{
	local out rc=0
	out=$("${@:2}" 2>&1) || rc=$?
	[ -z "$out" ] || sed 's/^/# /' <<<"$out"
	tap "$rc" "$1"
}

# has DIR PATH...: each PATH is in the unpacked package DIR
has()
{
	local d=$1 p rc=0
	shift
	for p; do
		[ -e "$d$p" ] || { echo "missing: $p"; rc=1; }
	done
	return "$rc"
}

make_deb()
{
	make -s -C "$top" deb >"$tmp/make.log" 2>&1 && return 0
	tail -n 20 "$tmp/make.log"
	return 1
}

lintian_clean()
{
	[ -e "$deb/lintian.log" ] || { echo "lintian did not run"; return 1; }
	grep -E '^[EW]: ' "$deb/lintian.log"
	! grep -q '^E: ' "$deb/lintian.log"
}

dkms_sources()
{
	local d=$tmp/dkms/usr/src/ito-$uver f rc=0
	has "$tmp/dkms" "/usr/src/ito-$uver/"{Kbuild,dkms.conf,kmod/Kbuild,uapi/linux/ito.h} || return 1
	# the tree's sources of ito.ko, unchanged (kmod/Kbuild loses sim/)
	for f in Kbuild uapi/linux/ito.h kmod/*.[ch]; do
		cmp -s "$top/$f" "$d/$f" 2>/dev/null || { echo "differs or missing: $f"; rc=1; }
	done
	return "$rc"
}

no_sim()
{
	local d=$tmp/dkms/usr/src/ito-$uver
	! dpkg-deb -c "$dkms_deb" | grep -E 'sim/|ito_sim' &&
	! grep -n sim "$d/dkms.conf" "$d/kmod/Kbuild"
}

dkms_conf()
{
	local c=$tmp/dkms/usr/src/ito-$uver/dkms.conf
	grep -x "PACKAGE_VERSION=\"$uver\"" "$c" >/dev/null ||
		{ grep PACKAGE_VERSION "$c"; return 1; }
	[ "$(grep '^BUILT_MODULE_NAME' "$c")" = 'BUILT_MODULE_NAME[0]="ito"' ] ||
		{ grep '^BUILT_MODULE_NAME' "$c"; return 1; }
}

# The packaged sources under a version of their own, as dh_dkms's
# postinst adds them.
dkms_build()
{
	local kos
	rm -rf "$tsrc"
	cp -a "$tmp/dkms/usr/src/ito-$uver" "$tsrc"
	sed -i "s/^PACKAGE_VERSION=.*/PACKAGE_VERSION=\"$tver\"/" "$tsrc/dkms.conf"
	dkms add -m ito -v "$tver" >/dev/null || return 1
	if ! dkms build -m ito -v "$tver" -k "$kver" >/dev/null 2>&1; then
		tail -n 20 "/var/lib/dkms/ito/$tver/build/make.log"
		return 1
	fi
	kos=$(cd "/var/lib/dkms/ito/$tver/$kver" && find . -name '*.ko*' | sort)
	[ "$kos" = "./$(uname -m)/module/ito.ko" ] || { echo "built: $kos"; return 1; }
}

depends_on()	# depends_on DEB WORD
{
	dpkg-deb -f "$1" Depends | grep -qw "$2" || dpkg-deb -f "$1" Depends
}

units_paths()
{
	local u=$tmp/tools/lib/systemd/system
	grep -q '^ExecStart=/usr/sbin/itod ' "$u/itod.service" &&
		grep -q "^ExecStart=/bin/sh -c 'if /usr/sbin/itoctl " "$u/ito-metrics.service" &&
		! grep -n /usr/local "$u"/*
}

xdpd_files()
{
	has "$tmp/tools" /usr/sbin/ito-xdpd /usr/share/man/man8/ito-xdpd.8.gz \
		/lib/systemd/system/ito-xdpd.service &&
		grep -q '^ExecStart=/usr/sbin/ito-xdpd' "$tmp/tools/lib/systemd/system/ito-xdpd.service"
}

conffile()
{
	dpkg-deb --info "$tools_deb" conffiles | grep -qx /etc/ito/itod.conf &&
		cmp "$top/userspace/itod/itod.conf" "$tmp/tools/etc/ito/itod.conf"
}

tools_run()
{
	local b=$tmp/tools/usr/sbin
	"$b/itoctl" -V | grep -q "^itoctl $uver " || { "$b/itoctl" -V; return 1; }
	"$b/itod" -n -c "$tmp/tools/etc/ito/itod.conf" >/dev/null
}

# libito1 holds the shared library and nothing else (but its docs and
# lintian overrides)
lib_files()
{
	local extra
	has "$tmp/lib" /usr/lib/$multiarch/libito.so.1 \
		/usr/lib/$multiarch/libito.so.1.0.0 || return 1
	extra=$(cd "$tmp/lib" && find . ! -type d | grep -v '^\./usr/share/\(doc\|lintian\)/' |
		grep -v "^\./usr/lib/$multiarch/libito\.so\.1")
	[ -z "$extra" ] || { echo "unexpected: $extra"; return 1; }
}

lib_symbols()
{
	dpkg-deb --info "$lib_deb" symbols | grep -q '^ ito_agent_open@LIBITO_1 ' &&
		dpkg-deb --info "$lib_deb" shlibs | grep -q '^libito 1 libito1'
}

# The example agent of the documentation, built against the unpacked
# libito-dev and libito1 through pkg-config, links libito.so.1.
dev_example()
{
	local root=$tmp/dev libdir=$tmp/dev/usr/lib/$multiarch
	cp -a "$tmp/lib/." "$root/"
	PKG_CONFIG_PATH=$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root \
		sh -c 'cc -std=c11 -Wall -Wextra -Werror -o "$1" "$2" $(pkg-config --cflags --libs libito)' \
		- "$tmp/agent" "$top/Documentation/examples/ito-agent-example.c" || return 1
	readelf -d "$tmp/agent" | grep -q 'NEEDED.*\[libito\.so\.1\]'
}

echo "TAP version 13"
echo "1..21"
check "make deb (dpkg-buildpackage -b, lintian --fail-on error)" make_deb
check "ito-dkms, ito-tools, libito1 and libito-dev $ver built" has / \
	"$dkms_deb" "$tools_deb" "$lib_deb" "$dev_deb"
mkdir -p "$tmp/dkms" "$tmp/tools"
dpkg-deb -x "$dkms_deb" "$tmp/dkms" 2>/dev/null
dpkg-deb -x "$tools_deb" "$tmp/tools" 2>/dev/null
mkdir -p "$tmp/lib" "$tmp/dev"
dpkg-deb -x "$lib_deb" "$tmp/lib" 2>/dev/null
dpkg-deb -x "$dev_deb" "$tmp/dev" 2>/dev/null
check "lintian: no errors (warnings listed)" lintian_clean
check "ito-dkms: /usr/src/ito-$uver holds the tree's sources of ito.ko" dkms_sources
check "ito-dkms: nothing of ito_sim (kmod/sim/, dkms.conf, kmod/Kbuild)" no_sim
check "ito-dkms: dkms.conf builds ito alone, version $uver" dkms_conf
check "ito-dkms: dkms build for $kver makes ito.ko and no other module" dkms_build
check "ito-dkms: depends on dkms" depends_on "$dkms_deb" dkms
check "ito-tools: itoctl and itod in /usr/sbin" has "$tmp/tools" /usr/sbin/itoctl /usr/sbin/itod
check "ito-tools: man pages itoctl(8), itod(8), itod.conf(5)" has "$tmp/tools" \
	/usr/share/man/man8/itoctl.8.gz /usr/share/man/man8/itod.8.gz /usr/share/man/man5/itod.conf.5.gz
check "ito-tools: units itod.service, ito-metrics.service and .timer" has "$tmp/tools" \
	/lib/systemd/system/{itod.service,ito-metrics.service,ito-metrics.timer}
check "ito-tools: the units run /usr/sbin/itod and /usr/sbin/itoctl, nothing from /usr/local" units_paths
check "ito-tools: ito-xdpd, its man page and unit, running /usr/sbin/ito-xdpd" xdpd_files
check "ito-tools: depends on libbpf1" depends_on "$tools_deb" libbpf1
check "ito-tools: /etc/ito/itod.conf is a conffile, the example policy" conffile
check "ito-tools: itoctl -V says $uver, itod -n accepts the shipped itod.conf" tools_run
check "ito-tools: depends on libmnl0 (shlibs)" depends_on "$tools_deb" libmnl0
check "libito1: libito.so.1 in /usr/lib/$multiarch, nothing else" lib_files
check "libito1: symbols and shlibs control files" lib_symbols
# libito.so is a link to libito1's libito.so.1: dangling here
dev_files()
{
	has "$tmp/dev" /usr/include/ito/libito.h /usr/include/ito/linux/ito.h \
		/usr/lib/$multiarch/libito.a /usr/lib/$multiarch/pkgconfig/libito.pc \
		/usr/share/man/man3/libito.3.gz || return 1
	[ "$(readlink "$tmp/dev/usr/lib/$multiarch/libito.so")" = libito.so.1 ] ||
		{ echo "libito.so: not a link to libito.so.1"; return 1; }
}
check "libito-dev: headers, libito.so, libito.a, libito.pc, libito(3)" dev_files
check "libito-dev: depends on libito1 (= $ver) and libmnl-dev" \
	bash -c "dpkg-deb -f '$dev_deb' Depends | grep -q 'libito1 (= $ver)' && dpkg-deb -f '$dev_deb' Depends | grep -qw libmnl-dev"
check "libito-dev: the example agent builds with pkg-config and links libito.so.1" dev_example
check "ito-tools: links libito statically, needs no libito1" \
	bash -c "! dpkg-deb -f '$tools_deb' Depends | grep -q libito"
exit $fail
