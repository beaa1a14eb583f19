#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The YAML netlink spec against the contract: every command, attribute,
enum value, constant and multicast group of uapi/linux/ito.h is in
Documentation/netlink/specs/ito.yaml with the same value, and the spec names
nothing the header lacks. The header's values come from the C compiler, not
from reading its text. Prints TAP.

usage: netlink_spec.py [SPEC [HEADER_DIR]]
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SPEC = sys.argv[1] if len(sys.argv) > 1 else \
    os.path.join(TOP, "Documentation/netlink/specs/ito.yaml")
UAPI = sys.argv[2] if len(sys.argv) > 2 else os.path.join(TOP, "uapi")


def c_name(*parts):
    return "".join(parts).upper().replace("-", "_")


def header_names(path):
    """Names the header defines: enumerators and ITO_* macros, without the
    __*_MAX counts and the *_MAX aliases computed from them."""
    text = open(path).read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    names = []
    for body in re.findall(r"\benum\s+\w*\s*\{(.*?)\}", text, flags=re.S):
        for entry in body.split(","):
            entry = entry.strip()
            if not entry:
                continue
            name = re.match(r"(\w+)", entry).group(1)
            if name.startswith("__") or "__" in entry[len(name):]:
                continue
            names.append(name)
    for name in re.findall(r"^#define\s+(ITO_\w+)\s+\S", text, flags=re.M):
        names.append(name)
    return names


def header_values(names):
    """Each name's value as the compiler sees it: int or string."""
    prog = ['#include <stdio.h>', '#include <linux/ito.h>',
            'static void s(const char *n, const char *v) { printf("%s s %s\\n", n, v); }',
            'static void i(const char *n, long long v) { printf("%s i %lld\\n", n, v); }',
            '#define P(x) _Generic((x), char *: s, const char *: s, default: i)(#x, x)',
            'int main(void) {']
    prog += ["\tP(%s);" % n for n in names]
    prog += ["\treturn 0;", "}"]
    with tempfile.TemporaryDirectory() as tmp:
        src, exe = os.path.join(tmp, "v.c"), os.path.join(tmp, "v")
        open(src, "w").write("\n".join(prog) + "\n")
        subprocess.run([os.environ.get("CC", "cc"), "-std=c11", "-Wall",
                        "-Werror", "-Wno-incompatible-pointer-types",
                        "-I" + UAPI, "-o", exe, src], check=True)
        out = subprocess.run([exe], check=True, capture_output=True,
                             text=True).stdout
    values = {}
    for line in out.splitlines():
        name, kind, value = line.split(" ", 2)
        values[name] = int(value) if kind == "i" else value
    return values


def spec_values(spec):
    """Each C name the spec implies, with its value, by category."""
    cats = {"family": {}, "groups": {}, "definitions": {},
            "attributes": {}, "commands": {}}
    fam = spec["name"]
    cats["family"][c_name(spec["c-family-name"])] = fam
    cats["family"][c_name(spec["c-version-name"])] = spec.get("version", 1)
    for grp in spec["mcast-groups"]["list"]:
        cats["groups"][c_name(fam, "-mcgrp-", grp["name"])] = grp["name"]
    for d in spec["definitions"]:
        if d["type"] == "const":
            cats["definitions"][c_name(fam, "-", d["name"])] = d["value"]
            continue
        prefix = d.get("name-prefix", fam + "-" + d["name"] + "-")
        for i, e in enumerate(d["entries"]):
            e = e if isinstance(e, dict) else {"name": e}
            v = d.get("value-start", 0) + i
            cats["definitions"][c_name(prefix, e["name"])] = \
                1 << v if d["type"] == "flags" else v
    for aset in spec["attribute-sets"]:
        prefix = aset.get("name-prefix", fam + "-a-" + aset["name"] + "-")
        cats["attributes"][c_name(prefix, "unspec")] = 0
        value = 1
        for a in aset["attributes"]:
            value = a.get("value", value)
            cats["attributes"][c_name(prefix, a["name"])] = value
            value += 1
    ops = spec["operations"]
    prefix = ops.get("name-prefix", fam + "-cmd-")
    cats["commands"][c_name(prefix, "unspec")] = 0
    value = 1
    for op in ops["list"]:
        value = op.get("value", value)
        cats["commands"][c_name(prefix, op["name"])] = value
        value += 1
    return cats


def main():
    header = os.path.join(UAPI, "linux/ito.h")
    n = failed = 0

    def check(desc, problems):
        nonlocal n, failed
        n += 1
        if problems:
            failed += 1
            print("not ok %d - %s" % (n, desc))
            for p in problems:
                print("#   " + p)
        else:
            print("ok %d - %s" % (n, desc))

    spec = yaml.safe_load(open(SPEC))
    check("the spec is a genetlink spec of the ito family",
          [] if spec.get("name") == "ito" and
          spec.get("protocol", "").startswith("genetlink") else
          ["name %r, protocol %r" % (spec.get("name"), spec.get("protocol"))])
    have = header_values(header_names(header))
    cats = spec_values(spec)
    spec_all = {}
    for cat, want in sorted(cats.items()):
        spec_all.update(want)
        check("spec %s: in the header with the same values" % cat,
              ["%s: spec %r, header %r" % (k, v, have.get(k, "(none)"))
               for k, v in sorted(want.items()) if have.get(k) != v])
    check("every name of the header is in the spec",
          ["%s = %r" % (k, have[k]) for k in sorted(have)
           if k not in spec_all])
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
