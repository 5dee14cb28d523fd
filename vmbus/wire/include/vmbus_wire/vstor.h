/* SPDX-License-Identifier: MIT */
/* Wire format of the storvsc protocol (SCSI over a VMBus channel): the vstor packet that both
 * directions carry, its operations and the SCSI request block inside it. One header, shared by
 * the storage VSP (root) and the storage VSC (guest, freestanding). All fields little-endian.
 *
 * Facts (checked against Linux drivers/scsi/storvsc_drv.c and OpenVMM storvsp): every request
 * and completion is one vstor packet of 64 bytes; before the protocol version is agreed Linux
 * sends the packet without the 16-byte "win8 extension" (48 bytes), so a receiver accepts
 * VSTOR_PACKET_MIN_SIZE and treats the missing tail as zero. Completions are always 64 bytes
 * (Linux drops shorter ones). */
#ifndef VMBUS_WIRE_VSTOR_H
#define VMBUS_WIRE_VSTOR_H

#include <stddef.h>
#include <stdint.h>

/* Protocol versions (major << 8 | minor), Linux tries them newest first. */
#define VSTOR_PROTO_WIN8   0x0501u
#define VSTOR_PROTO_WIN8_1 0x0600u
#define VSTOR_PROTO_WIN10  0x0602u

enum vstor_operation {
	VSTOR_OP_COMPLETE_IO = 1,
	VSTOR_OP_REMOVE_DEVICE = 2,
	VSTOR_OP_EXECUTE_SRB = 3,
	VSTOR_OP_RESET_LUN = 4,
	VSTOR_OP_RESET_ADAPTER = 5,
	VSTOR_OP_RESET_BUS = 6,
	VSTOR_OP_BEGIN_INITIALIZATION = 7,
	VSTOR_OP_END_INITIALIZATION = 8,
	VSTOR_OP_QUERY_PROTOCOL_VERSION = 9,
	VSTOR_OP_QUERY_PROPERTIES = 10,
	VSTOR_OP_ENUMERATE_BUS = 11,
	VSTOR_OP_FCHBA_DATA = 12,
	VSTOR_OP_CREATE_SUB_CHANNELS = 13,
};

#define VSTOR_FLAG_REQUEST_COMPLETION 0x1u /* vstor_packet.flags */

/* vstor_packet.status: 0 = success; anything else refuses (e.g. a protocol version). */
#define VSTOR_STATUS_SUCCESS		  0x00000000u
#define VSTOR_STATUS_REVISION_MISMATCH	  0xC0000059u /* STATUS_REVISION_MISMATCH */
#define VSTOR_STATUS_INVALID_DEVICE_STATE 0xC0000184u /* STATUS_INVALID_DEVICE_STATE */

/* vmscsi_request.data_in */
#define VSTOR_DATA_WRITE   0 /* guest -> device */
#define VSTOR_DATA_READ	   1 /* device -> guest */
#define VSTOR_DATA_UNKNOWN 2

/* SRB status (srb_status); bit 7 says the sense data is valid. */
#define SRB_STATUS_PENDING	   0x00
#define SRB_STATUS_SUCCESS	   0x01
#define SRB_STATUS_ABORTED	   0x02
#define SRB_STATUS_ERROR	   0x04
#define SRB_STATUS_INVALID_REQUEST 0x06
#define SRB_STATUS_NO_DEVICE	   0x08
#define SRB_STATUS_INVALID_LUN	   0x20 /* Linux removes the LUN */
#define SRB_STATUS_DATA_OVERRUN	   0x12
#define SRB_STATUS_AUTOSENSE_VALID 0x80

#define VSTOR_CDB_MAX	16
#define VSTOR_SENSE_MAX 20 /* STORVSC_SENSE_BUFFER_SIZE */

/* The SCSI request block (52 bytes; the last 16 are the win8 extension). */
struct vmscsi_request {
	uint16_t length;	       /* 0: sizeof(struct vmscsi_request) */
	uint8_t srb_status;	       /* 2: OUT */
	uint8_t scsi_status;	       /* 3: OUT: SAM status (0 good, 2 check condition) */
	uint8_t port_number;	       /* 4 */
	uint8_t path_id;	       /* 5 */
	uint8_t target_id;	       /* 6 */
	uint8_t lun;		       /* 7 */
	uint8_t cdb_length;	       /* 8: 1..16 */
	uint8_t sense_info_length;     /* 9: IN: sense buffer size; OUT: sense bytes valid */
	uint8_t data_in;	       /* 10: VSTOR_DATA_* */
	uint8_t reserved;	       /* 11 */
	uint32_t data_transfer_length; /* 12: IN: buffer bytes; OUT: bytes transferred */
	union {			       /* 16: IN: the CDB; OUT: sense data */
		uint8_t cdb[VSTOR_CDB_MAX];
		uint8_t sense_data[VSTOR_SENSE_MAX];
	};
	/* win8 extension (protocol >= 0x0501) */
	uint16_t reserve;	 /* 36 */
	uint8_t queue_tag;	 /* 38 */
	uint8_t queue_action;	 /* 39 */
	uint32_t srb_flags;	 /* 40 */
	uint32_t time_out_value; /* 44 */
	uint32_t queue_sort_key; /* 48 */
} __attribute__((packed));
_Static_assert(sizeof(struct vmscsi_request) == 52, "vmscsi_request is 52 bytes");
_Static_assert(offsetof(struct vmscsi_request, data_transfer_length) == 12, "xfer at 12");
_Static_assert(offsetof(struct vmscsi_request, cdb) == 16, "cdb at 16");

/* QUERY_PROPERTIES answer. */
struct vmstorage_channel_properties {
	uint32_t reserved;	     /* packet offset 12 */
	uint16_t max_channel_cnt;    /* 16: 0 = no sub-channels */
	uint16_t reserved1;	     /* 18 */
	uint32_t flags;		     /* 20: bit 0 = multi-channel; 0 here */
	uint32_t max_transfer_bytes; /* 24: must be non-zero */
	uint64_t reserved2;	     /* 28 */
} __attribute__((packed));
_Static_assert(sizeof(struct vmstorage_channel_properties) == 24, "properties");

/* QUERY_PROTOCOL_VERSION request. */
struct vmstorage_protocol_version {
	uint16_t major_minor; /* VSTOR_PROTO_* */
	uint16_t revision;    /* 0 */
} __attribute__((packed));

struct vstor_packet {
	uint32_t operation; /* 0: enum vstor_operation */
	uint32_t flags;	    /* 4: VSTOR_FLAG_* */
	uint32_t status;    /* 8: VSTOR_STATUS_* in completions */
	union {		    /* 12 */
		struct vmscsi_request srb;
		struct vmstorage_channel_properties props;
		struct vmstorage_protocol_version version;
		uint16_t sub_channel_count;
		uint8_t buffer[52];
	};
} __attribute__((packed));
_Static_assert(sizeof(struct vstor_packet) == 64, "vstor packet is 64 bytes");
_Static_assert(offsetof(struct vstor_packet, srb) == 12, "SRB at 12");
_Static_assert(offsetof(struct vstor_packet, props.max_channel_cnt) == 16, "max_channel_cnt");
_Static_assert(offsetof(struct vstor_packet, props.flags) == 20, "props flags at 20");
_Static_assert(offsetof(struct vstor_packet, props.max_transfer_bytes) == 24, "max xfer at 24");

#define VSTOR_PACKET_SIZE     64u
#define VSTOR_PACKET_MIN_SIZE 48u /* without the win8 extension (pre-negotiation) */

/* Ring sizes Linux uses for storvsc (per direction, control page included). */
#define VSTOR_RING_BYTES (128u * 1024u)

#endif
