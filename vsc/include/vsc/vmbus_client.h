/* SPDX-License-Identifier: MIT */
/* The guest's VMBus client, written the way Linux's hv_vmbus behaves (connection.c,
 * channel_mgmt.c, channel.c): INITIATE_CONTACT from the newest version down, REQUESTOFFERS,
 * GPADLs for rings, OPENCHANNEL, CLOSECHANNEL + GPADL_TEARDOWN, MODIFYCHANNEL, UNLOAD, and
 * the channel data path over the ring library. Synchronous: a call that waits for the host's
 * answer sleeps in env->wait(). Freestanding (no libc); built hosted for the tests. */
#ifndef VSC_VMBUS_CLIENT_H
#define VSC_VMBUS_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "vmbus/channel_msg.h"
#include "vmbus/ring.h"
#include "vsc/guest_env.h"

#define VSC_MAX_OFFERS	32
#define VSC_INBOX	32	 /* answers received but not yet claimed */
#define VSC_FIRST_GPADL 0xE1E10u /* Linux's first GPADL handle */

struct vsc_offer {
	struct vmbus_chmsg_offer msg;
	bool rescinded;
};

struct vsc_channel {
	struct vmbus_client *client;
	uint32_t relid;
	uint32_t connection_id;
	uint32_t gpadl;
	void *ring_pages;
	uint32_t ring_npages;
	struct vmbus_ring_writer out; /* guest -> host (first pages) */
	struct vmbus_ring_reader in;  /* host -> guest */
	bool open;
	uint64_t signals_sent;
};

struct vmbus_client {
	struct vsc_env env;
	uint32_t version; /* negotiated, 0 if not connected */
	uint32_t msg_conn_id;
	uint32_t target_vcpu;
	bool all_offers;
	struct vsc_offer offers[VSC_MAX_OFFERS];
	uint32_t noffers;
	union vmbus_chmsg inbox[VSC_INBOX];
	uint32_t inbox_len[VSC_INBOX];
	uint32_t inbox_count;
	uint32_t next_gpadl;
	uint8_t events[(VMBUS_RELID_MAX + 1) / 8];
	uint32_t protocol_errors; /* host messages that failed decoding */
};

void vmbus_client_init(struct vmbus_client *c, const struct vsc_env *env);

/* Interrupt path: one message from the VMBus SINT / one set event bit. */
void vmbus_client_on_message(struct vmbus_client *c, const void *msg, uint32_t len);
void vmbus_client_on_event(struct vmbus_client *c, uint32_t relid);

/* vmbus_connect(): INITIATE_CONTACT with each version from max_version down (Linux's list),
 * until the host accepts one. */
int vmbus_client_connect(struct vmbus_client *c, uint32_t max_version);
/* Send INITIATE_CONTACT for exactly this version; VSC_E_REFUSED if the host says no. */
int vmbus_client_contact(struct vmbus_client *c, uint32_t version);
/* REQUESTOFFERS, then wait for ALLOFFERS_DELIVERED (Linux does not wait; tests do). */
int vmbus_client_request_offers(struct vmbus_client *c);
/* The index-th offer of an interface type (0 = first), or NULL. */
const struct vsc_offer *vmbus_client_find_offer(struct vmbus_client *c,
						const struct vmbus_guid *type, uint32_t index);
/* Establish a GPADL over npages contiguous pages starting at pfn; *gpadl gets the handle. */
int vmbus_client_create_gpadl(struct vmbus_client *c, uint32_t relid, uint64_t pfn, uint32_t npages,
			      uint32_t *gpadl);
int vmbus_client_teardown_gpadl(struct vmbus_client *c, uint32_t relid, uint32_t gpadl);
/* vmbus_open(): ring_bytes per direction (control page included, page multiple). */
int vmbus_client_open(struct vmbus_client *c, struct vsc_channel *ch, uint32_t relid,
		      uint32_t ring_bytes, uint32_t target_vp);
/* vmbus_close(): CLOSECHANNEL, then GPADL_TEARDOWN and wait for GPADL_TORNDOWN. */
int vmbus_client_close(struct vmbus_client *c, struct vsc_channel *ch);
/* MODIFYCHANNEL; from 5.3 waits for the response. */
int vmbus_client_modify(struct vmbus_client *c, struct vsc_channel *ch, uint32_t target_vp);
/* RELID_RELEASED after a rescind. */
int vmbus_client_release_relid(struct vmbus_client *c, uint32_t relid);
/* UNLOAD and wait for UNLOAD_RESPONSE. */
int vmbus_client_unload(struct vmbus_client *c);
/* Post a raw message (tests of bad input). Returns the hypercall status. */
uint32_t vmbus_client_post(struct vmbus_client *c, uint32_t connection_id, const void *msg,
			   uint32_t len);
/* Wait for a message of this type (any, if match_relid is 0; else child_relid at offset 8 must
 * match) and copy it to *out. */
int vmbus_client_wait_message(struct vmbus_client *c, uint32_t type, uint32_t match_relid,
			      union vmbus_chmsg *out);

/* Data path. send: one packet, signalling the host when the ring rules say so. */
int vsc_channel_send(struct vsc_channel *ch, uint16_t type, uint16_t flags, uint64_t trans_id,
		     const struct vmbus_iov *iov, unsigned n);
/* GPA-direct send: one range (byte_offset into the first of npfn pages, byte_count). */
int vsc_channel_send_gpa(struct vsc_channel *ch, uint64_t trans_id, uint32_t byte_offset,
			 uint32_t byte_count, const uint64_t *pfns, uint32_t npfn,
			 const void *payload, uint32_t payload_len);
/* Copy out the next packet (payload only, into buf). Returns the payload length, 0 if the ring
 * is empty, or a negative status. *trans_id and *type are set. The space of the packets read
 * goes back to the host once per drain (when a call finds the ring empty, or every half ring),
 * not per packet: read until 0 before waiting, as the ring rules require anyway. */
int vsc_channel_recv(struct vsc_channel *ch, void *buf, uint32_t cap, uint64_t *trans_id,
		     uint16_t *type);
/* Sleep until the host signals this channel (or something else arrives). */
int vsc_channel_wait(struct vsc_channel *ch);

#endif
