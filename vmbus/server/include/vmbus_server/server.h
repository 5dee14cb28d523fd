/* SPDX-License-Identifier: MIT */
/* The VMBus server of one VM (root side): channel management (version negotiation, offers,
 * GPADLs, open/close, rescind, unload, modify) against a guest reached through a transport
 * (vmbus_server/transport.h), and the framework VSPs plug into: a VSP registers a channel with
 * an interface GUID and callbacks, reads the guest's packets in place from the ring and writes
 * completions.
 *
 * Everything runs on one libuv loop thread (the worker's), with one exception: a VSP's own
 * threads may write to a channel's host->guest ring with vmbus_channel_send_from_thread (the
 * ring has a lock; the loop's sends take it too). A hostile guest can break at most a channel
 * (state "broken", the reason in the log), never the server.
 *
 * Wiring in the worker:
 *     struct vmbus_server_config c = { .loop = loop, .transport = { &my_ops, my_ctx },
 *                                      .log = my_log, .log_ctx = vm };
 *     struct vmbus_server *s = vmbus_server_create(&c);
 *     vsp_devices_add(s, &devices_config);          // vsp/devices.h: disks, ICs
 *     ... the transport calls vmbus_server_post_message() / vmbus_server_signal() ...
 *     vmbus_server_destroy(s);
 */
#ifndef VMBUS_SERVER_SERVER_H
#define VMBUS_SERVER_SERVER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "vmbus/guid.h"
#include "vmbus/packet.h"
#include "vmbus/ring.h"
#include "vmbus_server/transport.h"

struct vmbus_server;
struct vmbus_channel;

enum vmbus_log_level {
	VMBUS_LOG_ERROR,
	VMBUS_LOG_WARN,
	VMBUS_LOG_INFO,
	VMBUS_LOG_DEBUG
};

/* Limits on what a guest may make the server hold. 0 = the default in brackets. */
struct vmbus_server_limits {
	uint32_t max_gpadls;	  /* GPADLs per VM, complete or collecting [256] */
	uint32_t max_gpadl_pages; /* pages of one GPADL [8192 = 32 MiB] */
	uint32_t max_total_pages; /* pages of all GPADLs of the VM [65536 = 256 MiB] */
	uint32_t max_ring_bytes;  /* one ring direction incl. control page [4 MiB] */
	/* Packets one drain of a channel reads before it gives the loop back [256]; the rest
	 * is read from the loop's next turn (one budget per channel per turn), so that a guest
	 * that keeps its ring full cannot hold the worker's loop thread. */
	uint32_t drain_budget;
};

struct vmbus_server_config {
	uv_loop_t *loop;
	struct vmbus_transport transport;
	struct vmbus_server_limits limits;
	/* One line per event, without newline; component is "vmbus" or the VSP's name. */
	void (*log)(void *ctx, enum vmbus_log_level level, const char *component, const char *msg);
	void *log_ctx;
};

struct vmbus_server *vmbus_server_create(const struct vmbus_server_config *cfg);
/* Closes every channel, destroys every VSP (their destroy callbacks), frees everything. The
 * server may own a libuv handle (drains continued from the loop): run the loop once more
 * afterwards so that libuv closes it, as for the VSPs' handles. */
void vmbus_server_destroy(struct vmbus_server *s);

/* Inbound, from the transport (loop thread). post_message: the guest's HvPostMessage of len
 * bytes to connection_id; the message is copied at once. Returns the hypercall status
 * (HV_STATUS_* of hv/abi.h): INVALID_CONNECTION_ID for a connection id that is not VMBus's message
 * port, SUCCESS otherwise (a malformed message is answered or ignored, never an error here).
 * signal: the guest's HvSignalEvent on connection_id; returns INVALID_CONNECTION_ID if no
 * channel has it. */
int vmbus_server_post_message(struct vmbus_server *s, uint32_t connection_id, const void *msg,
			      uint32_t len);
int vmbus_server_signal(struct vmbus_server *s, uint32_t connection_id);

uv_loop_t *vmbus_server_loop(struct vmbus_server *s);
const struct vmbus_transport *vmbus_server_transport(struct vmbus_server *s);
void vmbus_server_log(struct vmbus_server *s, enum vmbus_log_level level, const char *component,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Negotiated protocol version (0 while not connected). */
uint32_t vmbus_server_version(const struct vmbus_server *s);

/* What the guest currently makes the server hold (hvctl show; tests check nothing leaks). */
struct vmbus_server_stats {
	uint32_t channels; /* registered, rescinded ones included */
	uint32_t gpadls;   /* complete or collecting */
	uint32_t gpadl_pages;
};
void vmbus_server_get_stats(const struct vmbus_server *s, struct vmbus_server_stats *st);

/* ---- the VSP framework ---- */

/* What vsp_ops.packet returns. */
enum vmbus_vsp_verdict {
	VMBUS_VSP_CONSUMED, /* done with the packet: the server consumes it */
	VMBUS_VSP_STALL,    /* cannot take it now: leave it in the ring and stop reading;
				 * the VSP calls vmbus_channel_kick() when it can */
	VMBUS_VSP_BAD,	    /* protocol violation: the channel breaks (reason logged) */
};

struct vmbus_vsp_ops {
	/* The guest opened the channel; the rings are attached. user_data: OPENCHANNEL's 120
	 * bytes. Return 0 to accept, else the open fails (non-zero OPENCHANNEL_RESULT). */
	int (*open)(struct vmbus_channel *ch, const uint8_t *user_data);
	/* Optional: the guest has been told the open succeeded; the VSP may send now (a VSP
	 * that speaks first, like the ICs, must not write before this). */
	void (*started)(struct vmbus_channel *ch);
	/* One packet from the guest, in place (zero copy: read each field once, see
	 * vmbus/packet.h). */
	enum vmbus_vsp_verdict (*packet)(struct vmbus_channel *ch, const struct vmbus_pkt *pkt);
	/* Optional: a drain pass over the ring ended (batch boundary: hand queued work over to
	 * I/O threads in one go). */
	void (*drained)(struct vmbus_channel *ch);
	/* The guest freed ring space the VSP asked for with vmbus_channel_request_space(). */
	void (*writable)(struct vmbus_channel *ch);
	/* The channel stops (guest close, rescind, unload, broken, server destroy): from the
	 * return on the rings are gone; drop whatever would have been written to them. */
	void (*close)(struct vmbus_channel *ch);
	/* The channel is freed (after a rescind completed, or at server destroy). */
	void (*destroy)(struct vmbus_channel *ch);
};

struct vmbus_channel_desc {
	const char *name; /* "storvsp", "heartbeat", ... (logs) */
	struct vmbus_guid if_type;
	struct vmbus_guid if_instance;
	const struct vmbus_vsp_ops *ops;
	void *ctx;		 /* the VSP's, vmbus_channel_ctx() */
	uint32_t max_ring_bytes; /* per direction; 0 = the server limit */
};

/* Register a channel and offer it (now if the guest is connected, else at REQUESTOFFERS).
 * NULL if no relid is left or the desc is invalid. */
struct vmbus_channel *vmbus_server_add_channel(struct vmbus_server *s,
					       const struct vmbus_channel_desc *d);
/* Device removal: rescind the offer (the channel closes at once; it is freed when the guest
 * releases the relid, or at once if the guest never saw it). */
void vmbus_server_remove_channel(struct vmbus_channel *ch);

enum vmbus_channel_state {
	VMBUS_CHANNEL_OFFERED, /* registered (offered once the guest asks) */
	VMBUS_CHANNEL_OPEN,
	VMBUS_CHANNEL_BROKEN,	 /* the guest broke the protocol; closed until it closes */
	VMBUS_CHANNEL_RESCINDED, /* removal in progress */
};
const char *vmbus_channel_state_name(enum vmbus_channel_state st);

void *vmbus_channel_ctx(const struct vmbus_channel *ch);
struct vmbus_server *vmbus_channel_server(const struct vmbus_channel *ch);
enum vmbus_channel_state vmbus_channel_state(const struct vmbus_channel *ch);
uint32_t vmbus_channel_relid(const struct vmbus_channel *ch);
const char *vmbus_channel_name(const struct vmbus_channel *ch);

/* Write a packet to the guest (see vmbus_ring_write_raw) and signal it when the ring rules
 * say so. Returns VMBUS_OK, VMBUS_E_AGAIN (ring full: keep the packet, call request_space),
 * VMBUS_E_BROKEN (channel not open) or another negative status. VMBUS_E_PROTO / BROKEN from
 * the ring (the guest corrupted it) break the channel inside the call: the VSP's close
 * callback has run when it returns. */
int vmbus_channel_send(struct vmbus_channel *ch, uint16_t type, uint16_t flags, uint64_t trans_id,
		       const struct vmbus_iov *iov, unsigned n);
/* Ask for the writable callback once ring_bytes (vmbus_ring_packet_bytes) are free. Returns
 * VMBUS_OK if they already are (retry now), VMBUS_E_AGAIN (wait for the callback),
 * VMBUS_E_MSGSIZE, or VMBUS_E_PROTO / BROKEN: like a send, a corrupted ring breaks the
 * channel inside the call (the close callback has run). */
int vmbus_channel_request_space(struct vmbus_channel *ch, uint32_t ring_bytes);
/* Sending from a VSP's own threads (storvsp's I/O threads post completions without a hop
 * through the loop). vmbus_channel_generation (loop thread) names the channel's current open:
 * it changes whenever the rings are attached or detached; store it with the work handed to the
 * thread. vmbus_channel_send_from_thread (any thread) writes the packet if the channel is still
 * open in generation gen. Returns VMBUS_OK; VMBUS_E_BROKEN if the channel closed (or closed and
 * reopened) since: drop the packet; VMBUS_E_AGAIN if the thread must not write now (ring full,
 * the loop already waits for space, or the guest corrupted the ring): hand the packet to the
 * loop, which sends it with vmbus_channel_send and, if full, request_space (back-pressure stays
 * the loop's); or VMBUS_E_MSGSIZE / VMBUS_E_INVAL as vmbus_ring_write_raw. Never breaks the
 * channel and never calls a VSP callback. *signal (always set): the ring rules say the guest
 * must be signalled; call vmbus_channel_signal_guest once the caller's own locks are dropped
 * (the transport's call may take a system call's time). vmbus_channel_signal_guest is callable
 * from any thread. */
uint64_t vmbus_channel_generation(struct vmbus_channel *ch);
int vmbus_channel_send_from_thread(struct vmbus_channel *ch, uint64_t gen, uint16_t type,
				   uint16_t flags, uint64_t trans_id, const struct vmbus_iov *iov,
				   unsigned n, bool *signal);
/* The same for count packets of one iov each (trans_ids[i], iovs[i]), written in order and
 * published together, so that the guest gets at most one signal for all of them. Returns how
 * many were written (those are sent: or dropped, if *status says VMBUS_E_BROKEN); *status is
 * what the first one not written met (VMBUS_OK when all were written), as for the single send. */
unsigned vmbus_channel_send_batch_from_thread(struct vmbus_channel *ch, uint64_t gen,
					      uint16_t type, uint16_t flags,
					      const uint64_t *trans_ids, const struct vmbus_iov *iovs,
					      unsigned count, int *status, bool *signal);
void vmbus_channel_signal_guest(struct vmbus_channel *ch);
/* Resume reading after VMBUS_VSP_STALL (deferred to the loop; safe from any callback). */
void vmbus_channel_kick(struct vmbus_channel *ch);
/* The VSP found the guest misbehaving outside a packet callback: break the channel. */
void vmbus_channel_break(struct vmbus_channel *ch, const char *why);

struct vmbus_channel_stats {
	uint64_t signals_in;  /* guest -> host signals for this channel */
	uint64_t signals_out; /* host -> guest */
	uint64_t packets_in;
	uint64_t packets_out;
	uint64_t drains_deferred; /* drain budget spent with packets left: continued later */
	uint32_t target_vp;
	const char *broken_reason; /* NULL unless BROKEN */
};
/* Takes the channel's ring lock (VSP threads count packets and signals too): not const. */
void vmbus_channel_get_stats(struct vmbus_channel *ch, struct vmbus_channel_stats *st);

/* Visit every registered channel in relid order (hvctl show: name, relid, state, stats). The
 * callback must not add or remove channels. */
void vmbus_server_foreach_channel(struct vmbus_server *s,
				  void (*fn)(void *ctx, struct vmbus_channel *ch), void *ctx);

#endif
