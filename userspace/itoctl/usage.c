// SPDX-License-Identifier: GPL-2.0
/* The command line grammar, as shown to the user. */
#include "parse.h"
#include "report.h"
#include "usage.h"

void usage(FILE *fp)
{
	fputs("Usage: itoctl [ OPTIONS ] show\n"
	      "       itoctl [ OPTIONS ] set SETTING [ SETTING ]...\n"
	      "       itoctl [ OPTIONS ] counters [ match WORD ]\n"
	      "       itoctl [ OPTIONS ] port add DEV [ mode MODE ] [ vlan VID ]\n"
	      "                                   [ offload OFFLOAD ]\n"
	      "       itoctl [ OPTIONS ] port del DEV\n"
	      "       itoctl [ OPTIONS ] port [ show [ DEV ] ]\n"
	      "       itoctl [ OPTIONS ] flow [ show [ FILTER ]... ]\n"
	      "       itoctl [ OPTIONS ] flow { get | del } ID\n"
	      "       itoctl [ OPTIONS ] flow verdict ID VERDICT\n"
	      "       itoctl [ OPTIONS ] flow flush\n"
	      "       itoctl [ OPTIONS ] nat pool add ID private PREFIX public ADDR[-ADDR]\n"
	      "                                       [ ports PORT[-PORT] ] [ dev DEV ]\n"
	      "                                       [ hold SEC ]\n"
	      "       itoctl [ OPTIONS ] nat pool del ID\n"
	      "       itoctl [ OPTIONS ] nat pool [ show [ ID ] ]\n"
	      "       itoctl [ OPTIONS ] nat [ show ]\n"
	      "       itoctl [ OPTIONS ] monitor [ EVENT ]...\n"
	      "       itoctl [ OPTIONS ] apply FILE [ watch ]\n"
	      "       itoctl [ OPTIONS ] [ -force ] -b[atch] FILE\n"
	      "       itoctl help\n"
	      "SETTING := { offload { yes | no } | min-pkts N | min-rate PPS |\n"
	      "             tcp-ageing SEC | udp-ageing SEC | max-sessions N |\n"
	      "             max-update-rate PER_SEC | snaplen BYTES |\n"
	      "             default-verdict { offload | inspect | block } |\n"
	      "             max-flows N | verdict-source SOURCES |\n"
	      "             ctmark-mask MARK | ctmark-offload MARK |\n"
	      "             ctmark-inspect MARK | ctmark-block MARK |\n"
	      "             ctlabel-offloaded BIT | ctlabel-inspected BIT |\n"
	      "             ctlabel-blocked BIT | ha-role { active | passive } |\n"
	      "             ha-hold MS | copy-delay US }\n"
	      "SOURCES := SOURCE[,SOURCE]...\n"
	      "SOURCE := { agent | ctmark | ctlabel }\n"
	      "MARK := { N | 0xHEX }\n"
	      "BIT := { 0..127 | none }\n"
	      "MODE := { l3 | vwire peer DEV }\n"
	      "OFFLOAD := { auto | sw | hw | xdp }\n"
	      "FILTER := { state STATE | proto PROTO | src PREFIX | dst PREFIX |\n"
	      "            sport PORT | dport PORT | iif { DEV | IFINDEX } |\n"
	      "            verdict { none | VERDICT } }\n"
	      "PROTO := { icmp | tcp | udp | dccp | gre | esp | icmpv6 | sctp |\n"
	      "           udplite | 0..255 }\n"
	      "STATE := { inspecting | slowpath | blocked | offload-pending | offloaded }\n"
	      "VERDICT := { offload | inspect | inspect-all | block }\n"
	      "EVENT := { new | verdict | end }\n"
	      "PREFIX := ADDR[/LEN]\n"
	      "OPTIONS := { -j[son] | -p[retty] | -o[utput] FORMAT | -n[etns] NAME |\n"
	      "             -t[imestamp] | -h[elp] | -V[ersion] }\n"
	      "FORMAT := { text | json | prometheus }\n",
	      fp);
}

int usage_error(const char *word)
{
	unknown_word(word);
	usage(report_stream());
	return EXIT_USAGE;
}
