#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Parse a Prometheus text exposition with the reference Python client's
# parser and print what it understood, one line per metric family and per
# sample, for test_itoctl_metrics to compare:
#   family NAME TYPE "HELP"
#   sample NAME {"LABEL": "VALUE"} VALUE
# Strings are JSON, so escapes the parser undid show plainly.
#
# usage: prom_parse.py FILE

import json
import sys

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    sys.exit("prom_parse.py: no prometheus_client "
             "(Debian's python3-prometheus-client, scripts/deps.sh)")

with open(sys.argv[1], encoding="utf-8") as f:
    text = f.read()
for family in text_string_to_metric_families(text):
    print("family", family.name, family.type, json.dumps(family.documentation))
    for sample in family.samples:
        print("sample", sample.name, json.dumps(sample.labels, sort_keys=True),
              json.dumps(sample.value))
