/* SPDX-License-Identifier: MIT */
/* EVA harness of the VMBus server's message entry point, vmbus_server_post_message()
 * (vmbus/server/src/server.c), and everything it reaches: the channel-message decoder and
 * validators, the GPADL table and assembler (server/src/gpadl.c, vmbus/src/gpadl.c), channel
 * open/close/modify/release (server/src/channel.c) with the ring attach and the first drain
 * (vmbus/src/ring_*.c), UNLOAD and re-contact; and, between messages, the guest's signal
 * (vmbus_server_signal) and the loop turn that continues a deferred drain. All compiled from
 * the product sources.
 *
 * What the guest controls is unknown: PROOF_STEPS messages, each of any bytes (a SynIC
 * message slot's 240-byte payload, volatile: any value at every read), any length and any
 * connection id, each followed or not by a signal of any connection id and a loop turn. The
 * ring pages a channel opens on are volatile too (any index, any packet bytes, at every read).
 *
 * The world outside the server is stubbed here (libuv in stubs/uv.c, vsnprintf in
 * stubs/printf.c). What these stubs assume of it:
 * - the transport: post_message reads the len bytes it is given (len <= 240) and may refuse
 *   (queue full); map_pages reads the n PFNs it is given and returns a window of n pages, or
 *   NULL; page_ptr says any PFN is or is not guest RAM; unmap_pages gets back the window
 *   map_pages gave; signal_guest and reference_time do nothing the server sees;
 * - the log callback reads the component and the line as strings (strlen: EVA checks both
 *   are NUL-terminated);
 * - one VSP on each of CHANNELS channels whose callbacks do nothing the server sees but
 *   return any verdict: open may refuse, packet consumes, stalls or refuses (the storage VSP's
 *   parser has its own target, vsp_storvsp); the server's drain budget is 1 packet, so that a
 *   deferred drain and its continuation are reached in few steps.
 * The limits are the server's defaults except the ring size (one data page per direction), the
 * GPADL page limits (WINDOW_PAGES), which bound the stubbed window, and the GPADL count (GPADLS
 * slots: the "too many GPADLs" refusal is reached within the steps, and a slot is reused).
 * Both channels are registered before the first message (a failed registration, the host's
 * pthread_mutex_init, ends the run: it is no state the guest reaches).
 *
 * Precision (not assumptions): each step starts in one partition per pair of channel states
 * (the split below), so that an open channel's rings stay attached in every state that has
 * it open; the server's lookups (server_find_relid, gpadl_find, gpadl_take, next_deferred)
 * return one state per result (-eva-split-return-function ...:full, CMakeLists.txt), so that
 * the channel or GPADL a message acts on is one slot, not a join of slots; the states a drain
 * ends in stay apart by channel and open state through the returns up to here (channel_drain's
 * split annotations, -eva-interprocedural-splits), so that the signal and the loop turn after
 * an OPENCHANNEL drain an open channel only from states whose rings are attached. */
#include <stdlib.h>
#include <string.h>

#include "__fc_builtin.h"
#include "vmbus/channel_msg.h"
#include "server_internal.h" /* the channel's state, for the split below */
#include "uv.h"

#ifndef PROOF_STEPS
#define PROOF_STEPS 3
#endif
#define CHANNELS     2
#define WINDOW_PAGES 4 /* a channel's ring GPADL: control + data page, each direction */
#define GPADLS	     2 /* the GPADL table's slots: the count limit is reached within the steps */

/* The guest's message slot and the ring pages it shares: any value at every read. */
static volatile uint8_t slot[VMBUS_CHMSG_MAX_SIZE];
static volatile uint8_t window[WINDOW_PAGES * VMBUS_PAGE_SIZE];
static uint8_t guest_page[VMBUS_PAGE_SIZE];
static uv_loop_t loop;

static int tp_post_message(void *ctx, uint32_t vp, uint32_t sint, const void *msg, uint32_t len)
{
	uint8_t copy[VMBUS_CHMSG_MAX_SIZE];

	(void)ctx, (void)vp, (void)sint;
	/*@ assert post_len: len <= VMBUS_CHMSG_MAX_SIZE; */
	memcpy(copy, msg, len);
	return Frama_C_nondet(0, -1);
}

static void tp_signal_guest(void *ctx, uint32_t vp, uint32_t relid)
{
	(void)ctx, (void)vp, (void)relid;
}

static void *tp_map_pages(void *ctx, const uint64_t *pfns, uint32_t n)
{
	uint64_t sum = 0;

	(void)ctx;
	for (uint32_t i = 0; i < n; i++)
		sum |= pfns[i];
	(void)sum;
	if (n > WINDOW_PAGES || Frama_C_nondet(0, 1))
		return NULL;
	return (void *)window;
}

static void tp_unmap_pages(void *ctx, void *w, uint32_t n)
{
	(void)ctx;
	/*@ assert unmap_window: w == (void *)window && n <= WINDOW_PAGES; */
}

static uint8_t *tp_page_ptr(void *ctx, uint64_t pfn)
{
	(void)ctx, (void)pfn;
	return Frama_C_nondet(0, 1) ? guest_page : NULL;
}

static uint64_t tp_reference_time(void *ctx)
{
	(void)ctx;
	return Frama_C_unsigned_long_interval(0, 0xffffffffffffffffu);
}

static const struct vmbus_transport_ops tp_ops = {
	.post_message = tp_post_message,
	.signal_guest = tp_signal_guest,
	.map_pages = tp_map_pages,
	.unmap_pages = tp_unmap_pages,
	.page_ptr = tp_page_ptr,
	.reference_time = tp_reference_time,
};

static void log_cb(void *ctx, enum vmbus_log_level level, const char *component, const char *msg)
{
	(void)ctx, (void)level;
	strlen(component);
	strlen(msg);
}

static int vsp_open(struct vmbus_channel *ch, const uint8_t *user_data)
{
	(void)ch, (void)user_data;
	return Frama_C_nondet(0, -1);
}

static enum vmbus_vsp_verdict vsp_packet(struct vmbus_channel *ch, const struct vmbus_pkt *p)
{
	(void)ch, (void)p;
	return (enum vmbus_vsp_verdict)Frama_C_interval(VMBUS_VSP_CONSUMED, VMBUS_VSP_BAD);
}

static void vsp_nothing(struct vmbus_channel *ch)
{
	(void)ch;
}

static const struct vmbus_vsp_ops vsp_ops = {
	.open = vsp_open,
	.started = vsp_nothing,
	.packet = vsp_packet,
	.drained = vsp_nothing,
	.writable = vsp_nothing,
	.close = vsp_nothing,
	.destroy = vsp_nothing,
};

int main(void)
{
	struct vmbus_server_config cfg = {
		.loop = &loop,
		.transport = { &tp_ops, NULL },
		.limits = { .max_gpadls = GPADLS,
			    .max_gpadl_pages = WINDOW_PAGES,
			    .max_total_pages = CHANNELS * WINDOW_PAGES,
			    .drain_budget = 1 },
		.log = log_cb,
	};
	struct vmbus_channel_desc d = { .name = "proof",
					.ops = &vsp_ops,
					.max_ring_bytes = 2 * VMBUS_PAGE_SIZE };
	struct vmbus_server *s = vmbus_server_create(&cfg);
	struct vmbus_channel *ch[CHANNELS];

	if (!s)
		return 0;
	for (int i = 0; i < CHANNELS; i++) {
		ch[i] = vmbus_server_add_channel(s, &d);
		if (!ch[i])
			return 0; /* the host's setup failed (pthread_mutex_init): not the guest's */
	}
	for (int i = 0; i < PROOF_STEPS; i++) {
		/* Precision: the states of different channel states are never joined, so that an
		 * open channel's rings stay attached in every state that has it open. */
		/*@ split ch[0]->state; */
		/*@ split ch[1]->state; */
		vmbus_server_post_message(s, Frama_C_unsigned_int_interval(0, 0xffffffffu),
					  (const void *)slot,
					  Frama_C_unsigned_int_interval(0, 0xffffffffu));
		if (Frama_C_nondet(0, 1))
			vmbus_server_signal(s, Frama_C_unsigned_int_interval(0, 0xffffffffu));
		if (Frama_C_nondet(0, 1))
			proof_uv_run_idle();
	}
	vmbus_server_destroy(s);
	return 0;
}
