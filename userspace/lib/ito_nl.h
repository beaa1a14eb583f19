/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ito_nl - a small generic netlink client on libmnl, shared by itoctl, the
 * itod agent and the selftests.
 *
 * Every function that can fail returns 0 or a positive value on success and
 * -errno on failure. Functions taking an "extack" buffer copy the kernel's
 * extended ack message into it (always NUL terminated, "" when the kernel
 * said nothing); on success the message, if any, is a warning.
 *
 * A struct ito_nl is used by one thread at a time.
 */
#ifndef ITO_NL_H
#define ITO_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

/* Room for any request we build; a page is what the kernel accepts cheaply. */
#define ITO_NL_MSG_SIZE		8192
/* Replies may be larger than a page (dumps fill up to 32 KiB). */
#define ITO_NL_RX_SIZE		32768
#define ITO_NL_MAX_GROUPS	8
#define ITO_NL_NAME_LEN		32	/* GENL_NAMSIZ */

struct ito_nl_group {
	char name[ITO_NL_NAME_LEN];
	uint32_t id;
};

/* What nlctrl tells about a family. */
struct ito_nl_family {
	uint16_t id;
	uint32_t version;
	unsigned int n_groups;
	struct ito_nl_group groups[ITO_NL_MAX_GROUPS];
};

struct ito_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	struct ito_nl_family family;
	uint32_t rx[ITO_NL_RX_SIZE / sizeof(uint32_t)];	/* aligned for nlmsghdr */
};

/*
 * Open a generic netlink socket with extended acks on and resolve @family.
 * Returns -ENOENT when no such family is registered (module not loaded).
 */
int ito_nl_open(struct ito_nl *nl, const char *family,
		char *extack, size_t extack_len);
void ito_nl_close(struct ito_nl *nl);

/*
 * Start a request in @buf (ITO_NL_MSG_SIZE bytes, 4-byte aligned): netlink
 * header plus genlmsghdr. Add attributes with mnl_attr_put*() afterwards.
 * ito_nl_talk() fills in sequence number and NLM_F_ACK.
 */
struct nlmsghdr *ito_nl_msg_start(void *buf, uint16_t family_id, uint8_t cmd,
				  uint8_t version, uint16_t flags);

/*
 * Send @req and run @cb (may be NULL) on each reply message until the
 * kernel's ack, NLMSG_DONE, or an error. Returns 0 or -errno; a callback
 * returning MNL_CB_ERROR aborts with its errno (EPROTO if it set none).
 */
int ito_nl_talk(struct ito_nl *nl, struct nlmsghdr *req, mnl_cb_t cb,
		void *data, char *extack, size_t extack_len);

/*
 * The receive half of ito_nl_talk() on one buffer: returns 1 when more
 * messages are expected, 0 when the exchange is over, -errno on error.
 */
int ito_nl_run(const void *buf, size_t len, uint32_t seq, uint32_t portid,
	       mnl_cb_t cb, void *data, char *extack, size_t extack_len);

/*
 * Parse an NLMSG_ERROR message: returns its error (0 for an ack) and copies
 * NLMSGERR_ATTR_MSG into @extack.
 */
int ito_nl_parse_ack(const struct nlmsghdr *nlh, char *extack,
		     size_t extack_len);

/*
 * Index a generic netlink message's attributes (ito_nl_parse_top) or a
 * nest's (ito_nl_parse_nested) by type into @tb, which has room for
 * @max + 1 entries and starts zeroed. Types above @max are skipped: a
 * newer kernel may send them. Returns 0 or -EPROTO.
 */
int ito_nl_parse_top(const struct nlmsghdr *nlh, const struct nlattr **tb,
		     unsigned int max);
int ito_nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
			unsigned int max);

/*
 * Table-driven parsing of a nest into a struct: each attribute type has a
 * slot saying how it is checked and where in the struct it goes. Kinds
 * past ITO_NL_U64 are the caller's to handle.
 */
enum ito_nl_kind {
	ITO_NL_SKIP,		/* unknown, padding: ignored */
	ITO_NL_U8,
	ITO_NL_U16,
	ITO_NL_U32,
	ITO_NL_U64,
	ITO_NL_ADDR,		/* 4 or 16 bytes */
	ITO_NL_MAC,		/* 6 bytes */
	ITO_NL_NEST,
};

struct ito_nl_slot {
	enum ito_nl_kind kind;
	size_t offset;
};

#define ITO_NL_SLOT(attr, kind, type, field) \
	[attr] = { ITO_NL_##kind, offsetof(type, field) }

/*
 * Check an integer attribute (ITO_NL_U8 to ITO_NL_U64) against its slot's
 * width and store it at the slot's offset in @obj. 0 or -EPROTO.
 */
int ito_nl_store_uint(const struct nlattr *attr, const struct ito_nl_slot *slot,
		      void *obj);

/*
 * Parse @nest into @obj through @slots, which has @max + 1 entries (@max
 * below 32): integers as ito_nl_store_uint() does, ITO_NL_ADDR of 4 or 16
 * bytes, all of one length, kept in *@addr_len (0 before the first),
 * ITO_NL_MAC of 6 bytes. Sets 1 << type in *@present for each attribute
 * stored; types beyond @max and ITO_NL_SKIP slots are skipped. 0, or
 * -EPROTO for a malformed nest or attribute, or an ITO_NL_NEST slot (a
 * nest inside needs a parser of its own).
 */
int ito_nl_parse_slots(const struct nlattr *nest, const struct ito_nl_slot *slots,
		       unsigned int max, void *obj, uint32_t *present,
		       uint8_t *addr_len);

/* Parse a CTRL_CMD_GETFAMILY reply. Returns 0 or -EPROTO. */
int ito_nl_parse_family(const struct nlmsghdr *nlh, struct ito_nl_family *fam);

/* Join a multicast group of the resolved family by name (-ENOENT if none). */
int ito_nl_join_group(struct ito_nl *nl, const char *group);

#endif /* ITO_NL_H */
