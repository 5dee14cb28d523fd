/* SPDX-License-Identifier: MIT */
/* What the storage VSP reads from a guest packet before acting on it: the vstor packet itself
 * (packet type, length, the private copy) and an SRB's data buffer (the GPA-direct page list,
 * turned into host iovecs). Pure: no VSP state, no allocation, no I/O (host pages come from
 * the transport's page_ptr), so that it is analysed on its own (tests/proof, vsp_storvsp). */
#ifndef VSP_STORVSP_PARSE_H
#define VSP_STORVSP_PARSE_H

#include <stdint.h>
#include <sys/uio.h>

#include "vmbus/packet.h"
#include "vmbus_server/transport.h"
#include "vmbus_wire/vstor.h"
#include "vsp/storvsp.h"

/* Pages an SRB buffer may touch: the largest transfer, not page aligned. */
#define STORVSP_MAX_PFNS (STORVSP_MAX_TRANSFER / VMBUS_PAGE_SIZE + 1)

enum storvsp_parse_status {
	STORVSP_PARSE_OK = 0,
	STORVSP_PARSE_BAD_TYPE = -1, /* neither in-band nor GPA-direct */
	STORVSP_PARSE_SHORT = -2,    /* payload shorter than VSTOR_PACKET_MIN_SIZE */
	STORVSP_PARSE_UNREADABLE = -3,
};

/* Copy the vstor packet of p (in place in the ring) into *vp, read once: the 48-byte
 * pre-negotiation form gets a zero tail, longer payloads are cut to 64 bytes. */
int storvsp_parse_packet(const struct vmbus_pkt *p, struct vstor_packet *vp);

/* The SRB buffer of GPA-direct packet p as host iovecs (at most STORVSP_MAX_PFNS, adjacent
 * host pages merged) in iov[], their count in *niov. Returns the buffer length, -1 if a page
 * is outside guest RAM, -2 if the packet is malformed (*why says how). */
int64_t storvsp_map_buffer(const struct vmbus_transport *tp, const struct vmbus_pkt *p,
			   struct iovec iov[STORVSP_MAX_PFNS], int *niov, const char **why);

#endif
