/* SPDX-License-Identifier: MIT */
/* Wire format of the integration-service (IC) messages: every packet on a shutdown, heartbeat,
 * time-sync or KVP channel is an in-band packet holding a pipe header, an icmsg header and a
 * type-specific body. Shared by the IC VSPs (root) and the IC clients (guest, freestanding).
 *
 * Facts (Linux include/linux/hyperv.h, drivers/hv/hv_util.c and channel_mgmt.c
 * vmbus_prep_negotiate_resp): the host sends NEGOTIATE listing framework versions then message
 * versions; the guest answers in place with the one it picked of each (counts 1/1) or 0/0, sets
 * icmsgsize 0x10 and icflags TRANSACTION|RESPONSE, and sends the packet back with the same
 * length and request id. Linux checks at most 100 versions of each kind and that the list fits
 * the packet; it reads packets into a 4 KiB buffer (a larger one stays stuck in the ring). */
#ifndef VMBUS_WIRE_ICMSG_H
#define VMBUS_WIRE_ICMSG_H

#include <stddef.h>
#include <stdint.h>

struct ic_pipe_hdr {
	uint32_t flags;	  /* 1 (Hyper-V's "data" pipe flag) */
	uint32_t msgsize; /* bytes after this header */
} __attribute__((packed));
_Static_assert(sizeof(struct ic_pipe_hdr) == 8, "pipe header");

struct ic_version {
	uint16_t major;
	uint16_t minor;
} __attribute__((packed));

#define IC_VERSION(maj, min) ((uint32_t)(maj) << 16 | (uint32_t)(min))

enum ic_msg_type {
	IC_MSGTYPE_NEGOTIATE = 0,
	IC_MSGTYPE_HEARTBEAT = 1,
	IC_MSGTYPE_KVPEXCHANGE = 2,
	IC_MSGTYPE_SHUTDOWN = 3,
	IC_MSGTYPE_TIMESYNC = 4,
};

#define IC_FLAG_TRANSACTION 0x1
#define IC_FLAG_REQUEST	    0x2
#define IC_FLAG_RESPONSE    0x4

#define IC_STATUS_OK   0x00000000u /* HV_S_OK */
#define IC_STATUS_FAIL 0x80004005u /* HV_E_FAIL */

struct ic_msg_hdr {
	struct ic_version framework; /* 0 */
	uint16_t type;		     /* 4: enum ic_msg_type */
	struct ic_version msgver;    /* 6 */
	uint16_t size;		     /* 10: body bytes */
	uint32_t status;	     /* 12: IC_STATUS_* (guest's answer) */
	uint8_t transaction_id;	     /* 16 */
	uint8_t flags;		     /* 17: IC_FLAG_* */
	uint8_t reserved[2];
} __attribute__((packed));
_Static_assert(sizeof(struct ic_msg_hdr) == 20, "icmsg header is 20 bytes");

#define IC_HDR_SIZE		  (sizeof(struct ic_pipe_hdr) + sizeof(struct ic_msg_hdr)) /* 28 */
#define IC_MAX_PACKET		  4096u /* Linux's receive buffer */
#define IC_NEGOTIATE_MAX_VERSIONS 100u	/* IC_VERSION_NEGOTIATION_MAX_VER_COUNT */

struct ic_negotiate {
	uint16_t framework_count; /* IN: offered; OUT: 1 (or 0 = no match) */
	uint16_t message_count;
	uint32_t reserved;
	struct ic_version versions[]; /* framework versions, then message versions */
} __attribute__((packed));
_Static_assert(sizeof(struct ic_negotiate) == 8, "negotiate body header");

/* type 1 */
struct ic_heartbeat {
	uint64_t seq_num; /* the guest answers seq_num + 1 */
	uint32_t reserved[8];
} __attribute__((packed));
_Static_assert(sizeof(struct ic_heartbeat) == 40, "heartbeat body");

/* type 3 */
#define IC_SHUTDOWN_FLAG_FORCE	  0x1
#define IC_SHUTDOWN_FLAG_REBOOT	  0x2
#define IC_SHUTDOWN_MESSAGE_BYTES 2048
struct ic_shutdown {
	uint32_t reason_code;
	uint32_t timeout_seconds;
	uint32_t flags; /* 0/1 power off, 2/3 reboot (bit 0 = forced) */
	uint8_t display_message[IC_SHUTDOWN_MESSAGE_BYTES];
} __attribute__((packed));
_Static_assert(sizeof(struct ic_shutdown) == 2060, "shutdown body (Linux checks the size)");

/* type 4, message version >= 4.0 */
#define IC_TIMESYNC_FLAG_PROBE	0x0
#define IC_TIMESYNC_FLAG_SYNC	0x1 /* set the clock (channel open, resume) */
#define IC_TIMESYNC_FLAG_SAMPLE 0x2 /* periodic sample */
struct ic_timesync_ref {
	uint64_t parent_time;	    /* host UTC, 100 ns units since 1601-01-01 */
	uint64_t vm_reference_time; /* guest reference counter when sampled (100 ns) */
	uint8_t flags;
	uint8_t leap_flags;
	uint8_t stratum;
	uint8_t reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct ic_timesync_ref) == 22, "timesync v4 body");

/* type 4, message version < 4.0 */
struct ic_timesync_v3 {
	uint64_t parent_time;
	uint64_t child_time;
	uint64_t round_trip_time;
	uint8_t flags;
} __attribute__((packed));
_Static_assert(sizeof(struct ic_timesync_v3) == 25, "timesync v3 body");

/* 100 ns intervals between 1601-01-01 and 1970-01-01 (Linux's WLTIMEDELTA). */
#define IC_WLTIMEDELTA 116444736000000000ull

/* Ring size Linux's hv_utils opens with, per direction (control page included). */
#define IC_RING_BYTES (16u * 1024u)

#endif
