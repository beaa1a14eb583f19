// SPDX-License-Identifier: GPL-2.0
/* The command line grammar, as shown to the user. */
#include "usage.h"

void usage(FILE *fp)
{
	fputs("Usage: itoctl [ OPTIONS ] show\n"
	      "       itoctl [ OPTIONS ] set SETTING [ SETTING ]...\n"
	      "       itoctl [ OPTIONS ] counters [ match WORD ]\n"
	      "       itoctl help\n"
	      "SETTING := { offload { yes | no } | min-pkts N | min-rate PPS |\n"
	      "             tcp-ageing SEC | udp-ageing SEC | max-sessions N |\n"
	      "             max-update-rate PER_SEC }\n"
	      "OPTIONS := { -j[son] | -p[retty] | -h[elp] | -V[ersion] }\n",
	      fp);
}
