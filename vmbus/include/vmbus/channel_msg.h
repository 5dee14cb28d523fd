/* SPDX-License-Identifier: MIT */
/* The encoder/decoder of the VMBus channel-management messages (their layouts:
 * vmbus_wire/channel_msg.h). Decoding copies the message into a private union first (read once),
 * then validates every field the protocol constrains; encoding applies the same rules so that
 * this side never sends what it would refuse. Reserved and padding fields are ignored on input
 * and written as zero. All fields little-endian. */
#ifndef VMBUS_CHANNEL_MSG_H
#define VMBUS_CHANNEL_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "vmbus_wire/channel_msg.h"
#include "vmbus/guid.h"
#include "vmbus/packet.h"

/* Wire size of a fixed-size message type; for GPADL_HEADER / GPADL_BODY the smallest valid
 * size (one range with one PFN / one PFN); 0 for an unknown type. */
uint32_t vmbus_chmsg_min_size(uint32_t type);

/* Name of a message type ("OFFERCHANNEL", ...), "?" if unknown. */
const char *vmbus_chmsg_type_name(uint32_t type);

/* Decode len bytes at buf (e.g. a SynIC message slot's payload, which the peer may still be
 * writing): copies them once into *out (zero-filled past len), then validates. Fixed-size
 * messages may be longer than their struct (newer peers append fields; the tail is ignored).
 * Returns the message type (> 0) or VMBUS_E_PROTO with *why (may be NULL) naming the field. */
int vmbus_chmsg_decode(const void *buf, uint32_t len, union vmbus_chmsg *out, const char **why);

/* Encode *m (len bytes: the struct size, or the exact size of a GPADL header/body) into out.
 * The same validation as decode. Returns len, VMBUS_E_PROTO (invalid message, *why says which
 * field), VMBUS_E_MSGSIZE (len over 240 or not that type's size) or VMBUS_E_NOSPC (cap). */
int vmbus_chmsg_encode(const union vmbus_chmsg *m, uint32_t len, void *out, uint32_t cap,
		       const char **why);

#endif
