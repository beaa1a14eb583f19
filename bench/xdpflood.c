// SPDX-License-Identifier: GPL-2.0
/*
 * xdpflood: the forwarding bench's NIC-like traffic source and its sink
 * (bench/forward-guest.sh, SOURCE=xdp; see bench/README).
 *
 *   xdpflood udp IFNAME DST_MAC SRC_IP SPORT DST_IP DPORT [FRAME_LEN]
 *	Until SIGINT/SIGTERM, transmit one IPv4 UDP frame (FRAME_LEN bytes
 *	without FCS, default 60, UDP checksum 0 as pktgen's) on IFNAME as XDP
 *	frames: BPF_PROG_RUN in live-frames mode (BPF_F_TEST_XDP_LIVE_FRAMES,
 *	Linux >= 5.18) runs a small program with IFNAME as the ingress
 *	device: it writes the frame's first 48 bytes (Ethernet, IPv4 and UDP
 *	headers) and returns XDP_TX, which the kernel turns into a redirect
 *	to IFNAME's ndo_xdp_xmit. The kernel copies the frame into a page
 *	only when its page pool makes the page; a page that comes back (the
 *	sink's XDP_DROP; on 6.12, not 6.1, also a freed skb built around it)
 *	is reused as it is, with the router's rewrites (MACs, TTL) in it,
 *	hence the program's stores. On a veth that puts xdp_frames (page-pool
 *	pages, 256 bytes of headroom, never an skb) on the peer's NAPI ring,
 *	as a NIC's DMA puts frames in its rx ring. The peer needs NAPI (an
 *	XDP program or GRO on): veth refuses the frames otherwise.
 *	xdp-trafficgen (xdp-tools 1.3.1) does the same but only sends IPv6
 *	with hop limit 1, which no router forwards.
 *   xdpflood drop IFNAME
 *	Attach, in native (driver) mode, a program returning XDP_DROP to
 *	IFNAME, and exit (the attachment stays; `ip link set dev IFNAME xdp
 *	off` removes it).
 *
 * Built by bench/forward.sh (C11, -Wall -Wextra -Werror, -lbpf).
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/if.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef BPF_F_TEST_XDP_LIVE_FRAMES
#define BPF_F_TEST_XDP_LIVE_FRAMES (1U << 1)
#endif

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

#define HDR_WORDS 6	/* the frame's first 48 bytes, rewritten per frame */

/*
 * hdr == NULL: r0 = action; exit.
 * Otherwise: if the packet has 48 bytes, store hdr's six words at its
 * start and return action (else XDP_ABORTED).
 */
static int load_prog(int action, const unsigned char *hdr)
{
	struct bpf_insn insns[9 + 3 * HDR_WORDS], *i = insns;
	int fd, w;

	if (hdr) {
		/* r2 = ctx->data, r3 = ctx->data_end */
		*i++ = (struct bpf_insn){ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 2,
					  .src_reg = 1, .off = offsetof(struct xdp_md, data) };
		*i++ = (struct bpf_insn){ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 3,
					  .src_reg = 1, .off = offsetof(struct xdp_md, data_end) };
		/* r4 = r2 + 48; if r4 > r3 goto abort */
		*i++ = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = 4, .src_reg = 2 };
		*i++ = (struct bpf_insn){ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = 4,
					  .imm = 8 * HDR_WORDS };
		*i++ = (struct bpf_insn){ .code = BPF_JMP | BPF_JGT | BPF_X, .dst_reg = 4, .src_reg = 3,
					  .off = 3 * HDR_WORDS + 2 };
		for (w = 0; w < HDR_WORDS; w++) {
			unsigned long long v;

			memcpy(&v, hdr + 8 * w, 8);	/* as the (little-endian) CPU loads it */
			/* r5 = v (ld_imm64: two slots); *(u64 *)(r2 + 8w) = r5 */
			*i++ = (struct bpf_insn){ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = 5,
						  .imm = (int)(unsigned int)v };
			*i++ = (struct bpf_insn){ .imm = (int)(unsigned int)(v >> 32) };
			*i++ = (struct bpf_insn){ .code = BPF_STX | BPF_MEM | BPF_DW, .dst_reg = 2,
						  .src_reg = 5, .off = 8 * w };
		}
	}
	*i++ = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = action };
	*i++ = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
	if (hdr) {
		*i++ = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0,
					  .imm = XDP_ABORTED };
		*i++ = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
	}
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, action == XDP_DROP ? "bench_drop" : "bench_tx",
			   "GPL", insns, i - insns, NULL);
	if (fd < 0)
		fprintf(stderr, "xdpflood: BPF_PROG_LOAD: %s\n", strerror(-fd));
	return fd;
}

static unsigned short ip_csum(const void *p, int len)
{
	const unsigned short *w = p;
	unsigned int sum = 0;

	for (; len > 1; len -= 2)
		sum += *w++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (unsigned short)~sum;
}

static int parse_mac(const char *s, unsigned char *mac)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2],
		      &mac[3], &mac[4], &mac[5]) == 6 ? 0 : -1;
}

static int cmd_drop(const char *ifname)
{
	int ifindex = if_nametoindex(ifname), fd, err;

	if (!ifindex) {
		fprintf(stderr, "xdpflood: no device %s\n", ifname);
		return 1;
	}
	fd = load_prog(XDP_DROP, NULL);
	if (fd < 0)
		return 1;
	err = bpf_xdp_attach(ifindex, fd, XDP_FLAGS_DRV_MODE, NULL);
	if (err) {
		fprintf(stderr, "xdpflood: attaching to %s: %s\n", ifname, strerror(-err));
		return 1;
	}
	return 0;
}

static int cmd_udp(char **argv, int argc)
{
	unsigned char frame[1514] = { 0 };
	struct ethhdr *eth = (void *)frame;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	struct xdp_md ctx = { 0 };
	int ifindex, fd, len = argc > 7 ? atoi(argv[7]) : 60;
	struct sigaction sa = { .sa_handler = on_signal };
	int err = 0;

	ifindex = if_nametoindex(argv[1]);
	if (!ifindex) {
		fprintf(stderr, "xdpflood: no device %s\n", argv[1]);
		return 1;
	}
	if (len < 8 * HDR_WORDS || len > 1514) {
		fprintf(stderr, "xdpflood: frame length %d out of range\n", len);
		return 1;
	}
	if (parse_mac(argv[2], eth->h_dest)) {
		fprintf(stderr, "xdpflood: bad MAC %s\n", argv[2]);
		return 1;
	}
	/* source MAC: the device's own, as pktgen does */
	{
		char path[128];
		FILE *f;

		snprintf(path, sizeof(path), "/sys/class/net/%s/address", argv[1]);
		f = fopen(path, "r");
		if (!f || fscanf(f, "%127s", path) != 1 || parse_mac(path, eth->h_source)) {
			fprintf(stderr, "xdpflood: cannot read %s's MAC\n", argv[1]);
			return 1;
		}
		fclose(f);
	}
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(len - sizeof(*eth));
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	if (inet_pton(AF_INET, argv[3], &ip->saddr) != 1 ||
	    inet_pton(AF_INET, argv[5], &ip->daddr) != 1) {
		fprintf(stderr, "xdpflood: bad IPv4 address\n");
		return 1;
	}
	ip->check = ip_csum(ip, sizeof(*ip));
	udp->source = htons(atoi(argv[4]));
	udp->dest = htons(atoi(argv[6]));
	udp->len = htons(len - sizeof(*eth) - sizeof(*ip));
	udp->check = 0;	/* none, as pktgen's frames */

	fd = load_prog(XDP_TX, frame);
	if (fd < 0)
		return 1;
	ctx.ingress_ifindex = ifindex;
	ctx.data_end = len;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop) {
		LIBBPF_OPTS(bpf_test_run_opts, opts,
			.data_in = frame,
			.data_size_in = len,
			.ctx_in = &ctx,
			.ctx_size_in = sizeof(ctx),
			.repeat = 1U << 30,	/* a signal ends it early (EINTR) */
			.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
			.batch_size = 64,	/* NAPI's budget, the kernel's default */
		);

		err = bpf_prog_test_run_opts(fd, &opts);
		if (err && errno != EINTR && err != -EINTR) {
			fprintf(stderr, "xdpflood: BPF_PROG_RUN (live frames) on %s: %s\n",
				argv[1], strerror(errno));
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	if (argc == 3 && !strcmp(argv[1], "drop"))
		return cmd_drop(argv[2]);
	if ((argc == 8 || argc == 9) && !strcmp(argv[1], "udp"))
		return cmd_udp(argv + 1, argc - 1);
	fprintf(stderr,
		"usage: xdpflood udp IFNAME DST_MAC SRC_IP SPORT DST_IP DPORT [FRAME_LEN]\n"
		"       xdpflood drop IFNAME\n");
	return 2;
}
