#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# libito as a third party gets it: `make install-lib` into a staging
# directory, then the example agent of Documentation/examples/ built
# against what was installed, through pkg-config. Checks what is installed,
# that the library exports its API (debian/libito1.symbols) and nothing
# else, and that the example runs. Prints TAP.
#
# usage: libito.sh (from userspace/, after make)

top=$(cd "$(dirname "$0")/../.." && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
n=0
failed=0

check()
{
	local what=$1
	shift
	n=$((n + 1))
	if "$@" >"$stage/out" 2>&1; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what"
		sed 's/^/#   /' "$stage/out"
		failed=$((failed + 1))
	fi
}

# The multiarch directory, as the Makefile picks it.
arch=$(${CC:-cc} -print-multiarch 2>/dev/null)
libdir=$stage/usr/lib${arch:+/$arch}
export PKG_CONFIG_PATH=$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$stage

check "make install-lib into a staging directory" \
	make -s -C "$top/userspace" install-lib DESTDIR="$stage" PREFIX=/usr
check "installed: library, links, archive, headers, pc, man page" \
	test -f "$libdir/libito.so.1.0.0" -a -L "$libdir/libito.so.1" \
	-a -L "$libdir/libito.so" -a -f "$libdir/libito.a" \
	-a -f "$stage/usr/include/ito/libito.h" \
	-a -f "$stage/usr/include/ito/linux/ito.h" \
	-a -f "$libdir/pkgconfig/libito.pc" \
	-a -f "$stage/usr/share/man/man3/libito.3"
check "the contract is installed as it is, not a copy of its values" \
	cmp "$top/uapi/linux/ito.h" "$stage/usr/include/ito/linux/ito.h"

soname()
{
	readelf -d "$libdir/libito.so.1.0.0" | grep -q 'SONAME.*\[libito\.so\.1\]'
}
check "SONAME libito.so.1" soname

# What the library exports, against what the Debian symbols file lists.
exports()
{
	nm -D --defined-only "$libdir/libito.so.1.0.0" |
		awk '{ sub(/@.*/, "", $3); print $3 }' | sort >"$stage/exported"
	sed -n 's/^ \([A-Za-z_0-9]*\)@.*/\1/p' "$top/debian/libito1.symbols" |
		sort >"$stage/listed"
	diff -u "$stage/listed" "$stage/exported"
}
check "exports exactly debian/libito1.symbols" exports

# Every exported function is declared in the public header, and back.
declared()
{
	grep -o '\bito_[a-z_]*(' "$top/userspace/lib/libito.h" | tr -d '(' |
		sort -u >"$stage/declared"
	grep '^ito_' "$stage/exported" | diff -u "$stage/declared" -
}
check "exports what libito.h declares" declared

header_alone()
{
	echo '#include <libito.h>' |
		${CC:-cc} -std=c11 -Wall -Wextra -Werror -pedantic -fsyntax-only \
			$(pkg-config --cflags libito) -x c -
}
check "libito.h compiles on its own, -std=c11 -pedantic" header_alone

build_example()
{
	${CC:-cc} -std=c11 -Wall -Wextra -Werror -o "$stage/agent" \
		"$top/Documentation/examples/ito-agent-example.c" \
		$(pkg-config --cflags --libs libito)
}
check "the example agent builds with pkg-config --cflags --libs libito" \
	build_example

linked()
{
	LD_LIBRARY_PATH=$libdir ldd "$stage/agent" |
		grep -q "libito\.so\.1 => $libdir/libito\.so\.1"
}
check "the example agent links the installed libito.so.1" linked

# Without the module (the host's case): a clear message and exit 1.
no_module()
{
	local rc=0
	LD_LIBRARY_PATH=$libdir "$stage/agent" 2>"$stage/err" || rc=$?
	cat "$stage/err"
	[ "$rc" = 1 ] &&
		grep -qx 'cannot register as the ito agent: No such file or directory' \
			"$stage/err"
}
if [ -d /sys/module/ito ]; then
	n=$((n + 1))
	echo "ok $n - # SKIP the ito module is loaded here"
else
	check "without the module the example says so and exits 1" no_module
fi

echo "1..$n"
[ $failed = 0 ]
