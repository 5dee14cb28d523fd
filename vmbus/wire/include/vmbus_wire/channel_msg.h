/* SPDX-License-Identifier: MIT */
/* Wire format of the VMBus channel-management messages: posted with HvPostMessage by the
 * guest, delivered through the SynIC message page by the host, at most 240 bytes each. Layouts
 * only; the codec that validates them is vmbus/channel_msg.h. All fields little-endian. */
#ifndef VMBUS_WIRE_CHANNEL_MSG_H
#define VMBUS_WIRE_CHANNEL_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "vmbus_wire/guid.h"
#include "vmbus_wire/packet.h"

#define VMBUS_CHMSG_MAX_SIZE 240u /* HvPostMessage payload limit */

enum vmbus_chmsg_type {
	VMBUS_CHMSG_OFFERCHANNEL = 1,
	VMBUS_CHMSG_RESCIND_OFFER = 2,
	VMBUS_CHMSG_REQUESTOFFERS = 3,
	VMBUS_CHMSG_ALLOFFERS_DELIVERED = 4,
	VMBUS_CHMSG_OPENCHANNEL = 5,
	VMBUS_CHMSG_OPENCHANNEL_RESULT = 6,
	VMBUS_CHMSG_CLOSECHANNEL = 7,
	VMBUS_CHMSG_GPADL_HEADER = 8,
	VMBUS_CHMSG_GPADL_BODY = 9,
	VMBUS_CHMSG_GPADL_CREATED = 10,
	VMBUS_CHMSG_GPADL_TEARDOWN = 11,
	VMBUS_CHMSG_GPADL_TORNDOWN = 12,
	VMBUS_CHMSG_RELID_RELEASED = 13,
	VMBUS_CHMSG_INITIATE_CONTACT = 14,
	VMBUS_CHMSG_VERSION_RESPONSE = 15,
	VMBUS_CHMSG_UNLOAD = 16,
	VMBUS_CHMSG_UNLOAD_RESPONSE = 17,
	VMBUS_CHMSG_MODIFYCHANNEL = 22,
	VMBUS_CHMSG_MODIFYCHANNEL_RESPONSE = 24,
};

/* Protocol versions, major << 16 | minor (Linux 6.1 offers 5.3 down to 2.4). */
#define VMBUS_VERSION(major, minor) ((uint32_t)(major) << 16 | (uint32_t)(minor))
#define VMBUS_VERSION_WIN8	    VMBUS_VERSION(2, 4)
#define VMBUS_VERSION_WIN8_1	    VMBUS_VERSION(3, 0)
#define VMBUS_VERSION_WIN10	    VMBUS_VERSION(4, 0)
#define VMBUS_VERSION_WIN10_V4_1    VMBUS_VERSION(4, 1)
#define VMBUS_VERSION_WIN10_V5	    VMBUS_VERSION(5, 0)
#define VMBUS_VERSION_WIN10_V5_1    VMBUS_VERSION(5, 1)
#define VMBUS_VERSION_WIN10_V5_2    VMBUS_VERSION(5, 2)
#define VMBUS_VERSION_WIN10_V5_3    VMBUS_VERSION(5, 3)

#define VMBUS_RELID_MAX		    2047u /* relid is a bit in a 2048-bit event page; 0 unused */
#define VMBUS_CONNECTION_ID_MASK    0xffffffu
#define VMBUS_SINT_COUNT	    16u
#define VMBUS_USER_DEFINED_BYTES    120u
#define VMBUS_GPADL_HEADER_MAX_PFNS 26u /* with one range, in one 240-byte message */
#define VMBUS_GPADL_BODY_MAX_PFNS   28u

#define VMBUS_OFFER_FLAG_MONITOR_ALLOCATED 0x1 /* offer.flags bit 0 */
#define VMBUS_OFFER_DEDICATED_INTERRUPT	   0x1 /* offer.is_dedicated_interrupt bit 0 */

struct vmbus_chmsg_header {
	uint32_t type; /* enum vmbus_chmsg_type */
	uint32_t padding;
} __attribute__((packed));
_Static_assert(sizeof(struct vmbus_chmsg_header) == 8, "header");

/* 1, host -> guest */
struct vmbus_chmsg_offer {
	struct vmbus_chmsg_header h;
	struct vmbus_guid if_type;		    /* 8: interface type (vmbus_guid_scsi, ...) */
	struct vmbus_guid if_instance;		    /* 24 */
	uint64_t reserved1;			    /* 40 */
	uint64_t reserved2;			    /* 48 */
	uint16_t chn_flags;			    /* 56 */
	uint16_t mmio_megabytes;		    /* 58 */
	uint8_t user_def[VMBUS_USER_DEFINED_BYTES]; /* 60: pipe mode etc. */
	uint16_t sub_channel_index;		    /* 180: 0 = primary channel */
	uint16_t reserved3;			    /* 182 */
	uint32_t child_relid;			    /* 184: 1..2047 */
	uint8_t monitor_id;			    /* 188 */
	uint8_t flags;				    /* 189: VMBUS_OFFER_FLAG_* */
	uint16_t is_dedicated_interrupt;	    /* 190: VMBUS_OFFER_DEDICATED_INTERRUPT */
	uint32_t connection_id;			    /* 192: 24 bits, for HvSignalEvent */
} __attribute__((packed));
_Static_assert(sizeof(struct vmbus_chmsg_offer) == 196, "offer is 196 bytes");
_Static_assert(offsetof(struct vmbus_chmsg_offer, child_relid) == 184, "relid at 184");
_Static_assert(offsetof(struct vmbus_chmsg_offer, flags) == 189, "flags at 189");
_Static_assert(offsetof(struct vmbus_chmsg_offer, connection_id) == 192, "connid at 192");

/* 2 (host -> guest), 7 CLOSECHANNEL and 13 RELID_RELEASED (guest -> host): just a relid */
struct vmbus_chmsg_relid {
	struct vmbus_chmsg_header h;
	uint32_t child_relid;
} __attribute__((packed));
_Static_assert(sizeof(struct vmbus_chmsg_relid) == 12, "relid message is 12 bytes");

/* 5, guest -> host */
struct vmbus_chmsg_open_channel {
	struct vmbus_chmsg_header h;
	uint32_t child_relid;		 /* 8 */
	uint32_t open_id;		 /* 12: echoed in the result */
	uint32_t ring_gpadl;		 /* 16: GPADL holding both rings */
	uint32_t target_vp;		 /* 20: VP to signal for host -> guest */
	uint32_t downstream_page_offset; /* 24: pages from the GPADL start to the host->guest ring */
	uint8_t user_data[VMBUS_USER_DEFINED_BYTES]; /* 28 */
} __attribute__((packed));
_Static_assert(sizeof(struct vmbus_chmsg_open_channel) == 148, "OPENCHANNEL is 148 bytes");

/* 6, host -> guest */
struct vmbus_chmsg_open_result {
	struct vmbus_chmsg_header h;
	uint32_t child_relid;
	uint32_t open_id;
	uint32_t status; /* 0 = success */
} __attribute__((packed));
_Static_assert(sizeof(struct vmbus_chmsg_open_result) == 20, "OPENCHANNEL_RESULT is 20 bytes");

/* 8, guest -> host: followed by range_buflen bytes of ranges (struct vmbus_gpa_range + PFNs),
 * as many as fit here; GPADL_BODY messages carry the rest. */
struct vmbus_chmsg_gpadl_header {
	struct vmbus_chmsg_header h;
	uint32_t child_relid;	  /* 8 */
	uint32_t gpadl;		  /* 12: handle chosen by the guest, non-zero */
	uint16_t range_buflen;	  /* 16: bytes of all ranges with their PFNs */
	uint16_t range_count;	  /* 18 */
	uint64_t range_words[27]; /* 20: the first (len - 20) / 8 words of the ranges */
} __attribute__((packed));
#define VMBUS_GPADL_HEADER_FIXED 20u
_Static_assert(offsetof(struct vmbus_chmsg_gpadl_header, range_words) == 20, "ranges at 20");
_Static_assert(VMBUS_GPADL_HEADER_FIXED + 8 + 8 * VMBUS_GPADL_HEADER_MAX_PFNS <=
		       VMBUS_CHMSG_MAX_SIZE,
	       "26 PFNs fit the header message");

/* 9, guest -> host */
struct vmbus_chmsg_gpadl_body {
	struct vmbus_chmsg_header h;
	uint32_t msg_number; /* not relied upon (Linux leaves it 0) */
	uint32_t gpadl;
	uint64_t words[28]; /* the next (len - 16) / 8 words of the ranges */
} __attribute__((packed));
#define VMBUS_GPADL_BODY_FIXED 16u
_Static_assert(sizeof(struct vmbus_chmsg_gpadl_body) == 240, "body fills a message");

/* 10, host -> guest */
struct vmbus_chmsg_gpadl_created {
	struct vmbus_chmsg_header h;
	uint32_t child_relid;
	uint32_t gpadl;
	uint32_t status; /* 0 = success */
} __attribute__((packed));
_Static_assert(sizeof(struct vmbus_chmsg_gpadl_created) == 20, "GPADL_CREATED is 20 bytes");

/* 11, guest -> host */
struct vmbus_chmsg_gpadl_teardown {
	struct vmbus_chmsg_header h;
	uint32_t child_relid;
	uint32_t gpadl;
} __attribute__((packed));
_Static_assert(sizeof(struct vmbus_chmsg_gpadl_teardown) == 16, "GPADL_TEARDOWN is 16 bytes");

/* 12, host -> guest */
struct vmbus_chmsg_gpadl_torndown {
	struct vmbus_chmsg_header h;
	uint32_t gpadl;
} __attribute__((packed));
_Static_assert(sizeof(struct vmbus_chmsg_gpadl_torndown) == 12, "GPADL_TORNDOWN is 12 bytes");

/* 14, guest -> host (connection id 4; 1 before 5.0) */
struct vmbus_chmsg_initiate_contact {
	struct vmbus_chmsg_header h;
	uint32_t version;     /* 8: VMBUS_VERSION(major, minor) requested */
	uint32_t target_vcpu; /* 12: VP for host -> guest messages */
	uint8_t msg_sint;     /* 16: >= 5.0: SINT for messages (Linux: 2); before: the */
	uint8_t msg_vtl;      /*     8 bytes at 16 are the interrupt page GPA */
	uint8_t reserved[6];
	uint64_t monitor_page1; /* 24: GPA, page aligned (0 = none) */
	uint64_t monitor_page2; /* 32 */
} __attribute__((packed));
_Static_assert(sizeof(struct vmbus_chmsg_initiate_contact) == 40, "INITIATE_CONTACT is 40");

/* 15, host -> guest */
struct vmbus_chmsg_version_response {
	struct vmbus_chmsg_header h;
	uint8_t version_supported; /* 8: 1 = accepted, 0 = try an older one */
	uint8_t connection_state;  /* 9 */
	uint16_t padding;
	uint32_t msg_conn_id; /* 12: >= 5.0: connection id for later messages */
} __attribute__((packed));
_Static_assert(sizeof(struct vmbus_chmsg_version_response) == 16, "VERSION_RESPONSE is 16");

/* 22, guest -> host (>= 4.1) */
struct vmbus_chmsg_modify_channel {
	struct vmbus_chmsg_header h;
	uint32_t child_relid;
	uint32_t target_vp;
} __attribute__((packed));
_Static_assert(sizeof(struct vmbus_chmsg_modify_channel) == 16, "MODIFYCHANNEL is 16 bytes");

/* 24, host -> guest (>= 5.3) */
struct vmbus_chmsg_modify_channel_response {
	struct vmbus_chmsg_header h;
	uint32_t child_relid;
	uint32_t status;
} __attribute__((packed));
_Static_assert(sizeof(struct vmbus_chmsg_modify_channel_response) == 16, "MODIFY resp is 16");

/* Any message; 3, 4, 16 and 17 are the bare header. */
union vmbus_chmsg {
	struct vmbus_chmsg_header h;
	struct vmbus_chmsg_offer offer;
	struct vmbus_chmsg_relid relid; /* RESCIND_OFFER, CLOSECHANNEL, RELID_RELEASED */
	struct vmbus_chmsg_open_channel open;
	struct vmbus_chmsg_open_result open_result;
	struct vmbus_chmsg_gpadl_header gpadl_header;
	struct vmbus_chmsg_gpadl_body gpadl_body;
	struct vmbus_chmsg_gpadl_created gpadl_created;
	struct vmbus_chmsg_gpadl_teardown gpadl_teardown;
	struct vmbus_chmsg_gpadl_torndown gpadl_torndown;
	struct vmbus_chmsg_initiate_contact initiate;
	struct vmbus_chmsg_version_response version_response;
	struct vmbus_chmsg_modify_channel modify;
	struct vmbus_chmsg_modify_channel_response modify_response;
	uint8_t raw[VMBUS_CHMSG_MAX_SIZE];
};
_Static_assert(sizeof(union vmbus_chmsg) == VMBUS_CHMSG_MAX_SIZE, "union is one message");

#endif
