// SPDX-License-Identifier: GPL-2.0
/*
 * bench/classify - itod's classification and decision path without a
 * kernel: the first packets of many synthetic flows (TLS ClientHello with
 * an SNI, HTTP GET, SSH banners, DNS query; userspace/tests/apppkt.c)
 * through decide_packet_at() as the agent calls it, nDPI included.
 *
 * Flows run WINDOW at a time, their copies interleaved round-robin (as
 * many flows starting at once would arrive), so up to WINDOW flows are
 * pending classification at once. Reports new flows/s, copies/s, and the
 * memory per pending flow: measured (heap growth when the most flows were
 * pending, over their number) and the fixed part (classify_flow_size()).
 * Every flow must get its application's verdict.
 *
 * usage: classify [FLOWS [WINDOW]]   (defaults 200000 and 1000)
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/ito.h>

#include "apppkt.h"
#include "classify.h"
#include "decide.h"
#include "dpi.h"
#include "log.h"

#define GOAL		20000	/* flows/s, issue #17 */
#define VARIANTS	256	/* distinct flows, replayed with new ids */

static const char *const policy_text =
	"offload app tls\n"
	"offload app ssh\n"
	"inspect-all app http\n"
	"inspect app dns\n"
	"default block\n";

static const uint32_t want[] = {
	[APPPKT_TLS] = ITO_VERDICT_OFFLOAD,
	[APPPKT_HTTP] = ITO_VERDICT_INSPECT_ALL,
	[APPPKT_SSH] = ITO_VERDICT_OFFLOAD,
	[APPPKT_DNS] = ITO_VERDICT_INSPECT,
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;	/* large blocks are mmap()ed */
}

int main(int argc, char **argv)
{
	static struct apppkt_script scripts[VARIANTS];
	unsigned long flows = argc > 1 ? strtoul(argv[1], NULL, 0) : 200000;
	unsigned long window = argc > 2 ? strtoul(argv[2], NULL, 0) : 1000;
	unsigned long started = 0, done = 0, wrong = 0, copies = 0, i, k;
	size_t heap_before = 0, heap_pending = 0, peak = 0;
	struct ito_flow_verdict v;
	struct msg_packet pkt;
	char err[POLICY_ERR_LEN], name[64];
	struct policy pol;
	struct decider d;
	double t0, t;
	FILE *devnull;

	if (!flows || !window || window > flows) {
		fprintf(stderr, "usage: classify [FLOWS [WINDOW]] (WINDOW <= FLOWS)\n");
		return 2;
	}
	if (!dpi_available()) {
		fprintf(stderr, "classify: itod was built without nDPI\n");
		return 4;
	}
	devnull = fopen("/dev/null", "w");
	log_open(false, false);
	log_set_stream(devnull);
	if (policy_parse(&pol, "bench", policy_text, NULL, err, sizeof(err)) ||
	    decide_init(&d, &pol, 0)) {
		fprintf(stderr, "classify: %s\n", err);
		return 1;
	}
	for (i = 0; i < VARIANTS; i++) {
		snprintf(name, sizeof(name), "host%lu.example%lu.test", i, i % 7);
		apppkt_script(&scripts[i], (enum apppkt_kind)(i % 4),
			      (uint32_t)i + 1, (uint16_t)(32768 + i), name);
	}

	/*
	 * Slot j of the window holds flow (started - window + j); the k-th
	 * round sends each live flow its k-th copy, then finished flows are
	 * replaced by new ones.
	 */
	unsigned long *id = calloc(window, sizeof(*id));
	unsigned char *next = calloc(window, 1);

	if (!id || !next)
		return 1;
	heap_before = heap_in_use();
	t0 = now_s();
	for (k = 0; k < window; k++)
		id[k] = ++started;
	while (done < flows) {
		for (k = 0; k < window; k++) {
			const struct apppkt_script *s;

			if (!id[k])
				continue;
			s = &scripts[id[k] % VARIANTS];
			apppkt_copy(s, next[k], id[k], &pkt);
			copies++;
			if (decide_packet_at(&d, &pkt, (uint64_t)(now_s() * 1000), &v) ||
			    ++next[k] == s->n) {
				if (v.flow_id != id[k] ||
				    v.verdict != want[id[k] % VARIANTS % 4])
					wrong++;
				done++;
				decide_forget(&d, id[k]);	/* its END event */
				next[k] = 0;
				id[k] = started < flows ? ++started : 0;
				v.flow_id = 0;
			}
		}
		/* The heap when most flows were pending. */
		if (d.cls.n_pending > peak) {
			peak = d.cls.n_pending;
			heap_pending = heap_in_use();
		}
	}
	t = now_s() - t0;

	printf("classify: %lu flows (TLS, HTTP, SSH, DNS in turn), %lu at once, %zu pending at most\n",
	       flows, window, peak);
	printf("classify: %.0f flows/s, %.0f copies/s (goal %d flows/s: %s)\n",
	       flows / t, copies / t, GOAL, flows / t >= GOAL ? "met" : "NOT met");
	printf("classify: memory per pending flow: %zu bytes measured, %zu fixed (nDPI flow %zu + itod %zu)\n",
	       heap_pending > heap_before && peak ?
	       (heap_pending - heap_before) / peak : 0,
	       classify_flow_size(), dpi_flow_size(),
	       classify_flow_size() - dpi_flow_size());
	printf("classify: %lu classified, %lu gave up, %lu wrong verdicts\n",
	       (unsigned long)d.cls.stats.classified,
	       (unsigned long)d.cls.stats.gave_up, wrong);
	decide_fini(&d);
	policy_free(&pol);
	dpi_exit();
	free(id);
	free(next);
	fclose(devnull);
	return wrong ? 1 : flows / t >= GOAL ? 0 : 3;
}
