/* SPDX-License-Identifier: MIT */
/* The data path's fairness against a hostile guest, and channels that break inside a VSP's
 * call into the server.
 *
 * Drain budget: a guest writing from another VP can put a packet into the guest->host ring
 * between the server's commit and its unmask re-check, every time. The server must still give
 * the loop back after a bounded number of packets, so that the worker's other handles (timers,
 * the other channels, vmms's control channel) run while the flood goes on; the flood itself is
 * read to the end later. Continuations pending when the channel closes, is rescinded, the guest
 * unloads or the server is destroyed must not touch freed memory (ASan flavour).
 *
 * request_space on a corrupted host->guest ring breaks the channel, like a send does. A VSP
 * thread's batch send writes in order, publishes once, stops at a full ring. The answers a VSP
 * sends from the loop during one drain pass are published together at its end (one signal
 * decision), and before any wait for ring space. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <string.h>

#include "sim.h"

/* A drain call may hand the loop back after this many packets at the latest (the server's
 * default budget is 256; twice that leaves room for the victim's turn). */
#define BOUND  (4 * 256)
#define FLOOD  20000 /* packets the hostile guest writes in all */
#define REFILL 4     /* per drain pass, while the server is between passes */

static const struct vmbus_guid guid_flood =
	VMBUS_GUID(0x1f10d000, 0x0001, 0x4000, 0x80, 0, 0, 0, 0, 0, 0, 0x01);
static const struct vmbus_guid guid_victim =
	VMBUS_GUID(0x1f10d000, 0x0002, 0x4000, 0x80, 0, 0, 0, 0, 0, 0, 0x02);

enum teardown {
	TD_NONE,
	TD_CLOSE,
	TD_RESCIND,
	TD_UNLOAD
};

static struct drain_test {
	struct sim sim;
	struct vmbus_channel *flood, *victim;
	struct vsc_channel gflood, gvictim; /* the guest's ends */
	uv_timer_t timer;
	uint64_t flood_seen, flood_written;
	uint64_t timer_at, victim_at; /* flood packets seen when they ran (0: not yet) */
	uint64_t t0_ns, timer_ns;
	bool armed; /* the guest's ends are open: the flood may start */
	bool victim_sent;
	int victim_count;
	enum teardown teardown;
	int closes, destroys;
	bool request_space_in_packet; /* test_request_space_inside_drain */
	int space_ret;
	bool echo;		   /* test_loop_answers_published_per_pass: victim answers */
	uint32_t echo_space_at;	   /* request space before answering this packet (0: never) */
	uint32_t echo_published;   /* host->guest write_index when the pass began */
	uint32_t echo_seen_early;  /* answers the guest could see before the pass ended */
} T;

static void guest_send(struct vsc_channel *g, uint64_t id)
{
	uint8_t junk[16] = { 0xA5 };
	struct vmbus_iov iov = { junk, sizeof(junk) };

	assert_int_equal(vsc_channel_send(g, VMBUS_PKT_DATA_INBAND, 0, id, &iov, 1), VMBUS_OK);
}

static void on_timer(uv_timer_t *t)
{
	(void)t;
	T.timer_at = T.flood_seen;
	T.timer_ns = uv_hrtime();
	switch (T.teardown) {
	case TD_NONE:
		break;
	case TD_CLOSE: {
		struct vmbus_chmsg_relid m = { .h.type = VMBUS_CHMSG_CLOSECHANNEL,
					       .child_relid = T.gflood.relid };
		assert_int_equal(vmbus_client_post(&T.sim.client, 1, &m, sizeof(m)), 0);
		break;
	}
	case TD_RESCIND:
		vmbus_server_remove_channel(T.flood);
		break;
	case TD_UNLOAD: {
		struct vmbus_chmsg_header m = { .type = VMBUS_CHMSG_UNLOAD };
		assert_int_equal(vmbus_client_post(&T.sim.client, 1, &m, sizeof(m)), 0);
		break;
	}
	}
}

static int vsp_open(struct vmbus_channel *ch, const uint8_t *user_data)
{
	(void)ch;
	(void)user_data;
	return 0;
}

static enum vmbus_vsp_verdict flood_packet(struct vmbus_channel *ch, const struct vmbus_pkt *p)
{
	(void)p;
	if (T.request_space_in_packet) {
		/* the storvsp pattern: ask for space from inside the packet callback */
		T.space_ret = vmbus_channel_request_space(ch, 64);
		return VMBUS_VSP_CONSUMED;
	}
	if (T.flood_seen++ == 0) {
		/* The first packet: from now on a timer is due and the guest's other VP sends
		 * on the victim channel. Both must get their turn while the flood goes on. */
		T.t0_ns = uv_hrtime();
		uv_timer_start(&T.timer, on_timer, 0, 0);
		if (T.victim) {
			guest_send(&T.gvictim, 1);
			T.victim_sent = true;
		}
	}
	return VMBUS_VSP_CONSUMED;
}

/* The hostile guest's other VP: it refills the ring whenever the server is between passes,
 * so that the re-check after unmask always finds data. */
static void flood_drained(struct vmbus_channel *ch)
{
	(void)ch;
	for (int i = 0; T.armed && i < REFILL && T.flood_written < FLOOD; i++)
		guest_send(&T.gflood, ++T.flood_written);
}

static void flood_close(struct vmbus_channel *ch)
{
	(void)ch;
	T.closes++;
}

static void flood_destroy(struct vmbus_channel *ch)
{
	(void)ch;
	T.destroys++;
}

static enum vmbus_vsp_verdict victim_packet(struct vmbus_channel *ch, const struct vmbus_pkt *p)
{
	T.victim_count++;
	if (!T.victim_at)
		T.victim_at = T.flood_seen;
	if (T.echo) {
		uint32_t w = atomic_load(&T.gvictim.in.mem.ctrl->write_index);
		if (T.victim_count == 1)
			T.echo_published = w;
		else if (w != T.echo_published)
			T.echo_seen_early++;
		if ((uint32_t)T.victim_count == T.echo_space_at) {
			/* storvsp's wait for space: what the pass wrote must be out first (four
			 * answers); the pass batches on afterwards */
			assert_int_equal(vmbus_channel_request_space(ch, 64), VMBUS_OK);
			T.echo_published = atomic_load(&T.gvictim.in.mem.ctrl->write_index);
			assert_int_equal(T.echo_published, 4 * 32);
		}
		uint64_t n = (uint64_t)T.victim_count;
		struct vmbus_iov iov = { &n, sizeof(n) };
		assert_int_equal(vmbus_channel_send(ch, VMBUS_PKT_COMPLETION, 0, p->desc.trans_id,
						    &iov, 1),
				 VMBUS_OK);
	}
	return VMBUS_VSP_CONSUMED;
}

static const struct vmbus_vsp_ops flood_ops = {
	.open = vsp_open,
	.packet = flood_packet,
	.drained = flood_drained,
	.close = flood_close,
	.destroy = flood_destroy,
};
static const struct vmbus_vsp_ops victim_ops = { .open = vsp_open, .packet = victim_packet };

static uint32_t relid_of(const struct vmbus_guid *g)
{
	const struct vsc_offer *o = vmbus_client_find_offer(&T.sim.client, g, 0);
	assert_non_null(o);
	return o->msg.child_relid;
}

/* A server with the flood channel (and the victim channel), both opened by the guest. */
static void start(bool victim)
{
	struct vmbus_channel_desc d = { .name = "flood", .if_type = guid_flood, .ops = &flood_ops };

	memset(&T, 0, sizeof(T));
	assert_int_equal(sim_init(&T.sim, 16, NULL), 0);
	T.flood = vmbus_server_add_channel(T.sim.server, &d);
	assert_non_null(T.flood);
	if (victim) {
		d = (struct vmbus_channel_desc){ .name = "victim",
						 .if_type = guid_victim,
						 .ops = &victim_ops };
		T.victim = vmbus_server_add_channel(T.sim.server, &d);
		assert_non_null(T.victim);
	}
	uv_timer_init(&T.sim.loop, &T.timer);
	assert_int_equal(sim_guest_start(&T.sim, VMBUS_VERSION_WIN10_V5_3), VSC_OK);
	assert_int_equal(vmbus_client_open(&T.sim.client, &T.gflood, relid_of(&guid_flood),
					   16 * 4096, 0),
			 VSC_OK);
	if (victim)
		assert_int_equal(vmbus_client_open(&T.sim.client, &T.gvictim,
						   relid_of(&guid_victim), 4 * 4096, 0),
				 VSC_OK);
	T.armed = true;
}

static void timer_closed(uv_handle_t *h)
{
	(void)h;
}

static void stop(void)
{
	uv_close((uv_handle_t *)&T.timer, timer_closed);
	assert_int_equal(sim_fini(&T.sim), 0);
}

/* Run the loop until the flood is read to the end (or stopped), at most 10 s. */
static void run_flood(void)
{
	uint64_t end = uv_now(&T.sim.loop) + 10000;

	while (uv_now(&T.sim.loop) < end) {
		if (T.flood_seen == FLOOD + 1 && (!T.victim || T.victim_at))
			break;
		if (T.teardown != TD_NONE && T.timer_at)
			break; /* the channel is gone: the caller checks nothing more is read */
		uv_run(&T.sim.loop, UV_RUN_ONCE);
	}
}

static void test_flood_yields_to_the_loop(void **st)
{
	(void)st;
	struct vmbus_channel_stats cs;

	start(true);
	guest_send(&T.gflood, 0); /* ring empty, mask clear: this one signals */
	run_flood();
	print_message("flood of %d packets: timer ran after %llu (%.2f ms), the other channel "
		      "after %llu\n",
		      FLOOD + 1, (unsigned long long)T.timer_at,
		      (double)(T.timer_ns - T.t0_ns) / 1e6, (unsigned long long)T.victim_at);
	/* the other handles ran while the flood went on, after a bounded amount of it */
	assert_true(T.timer_at > 0 && T.timer_at <= BOUND);
	assert_true(T.victim_sent);
	assert_true(T.victim_at > 0 && T.victim_at <= BOUND);
	/* and the flood was still read to the end, in order, on a channel that stays open */
	assert_int_equal(T.flood_seen, FLOOD + 1);
	assert_int_equal(vmbus_channel_state(T.flood), VMBUS_CHANNEL_OPEN);
	vmbus_channel_get_stats(T.flood, &cs);
	assert_int_equal(cs.packets_in, FLOOD + 1);
	/* interrupt mitigation intact: the guest signalled once, at the start */
	assert_int_equal(T.gflood.signals_sent, 1);
	/* quiet again: a new packet is read at its signal */
	guest_send(&T.gflood, 99999);
	sim_run_for(&T.sim, 5);
	assert_int_equal(T.flood_seen, FLOOD + 2);
	stop();
}

/* The continuation is pending (the timer fires between two budgets) when the channel goes
 * away; nothing is read from it afterwards and nothing freed is touched. */
static void teardown_while_pending(enum teardown td)
{
	uint64_t at;

	start(true);
	T.teardown = td;
	guest_send(&T.gflood, 0);
	run_flood();
	assert_true(T.timer_at > 0);
	if (T.timer_at > BOUND)
		fail_msg("the flood held the loop for %llu packets",
			 (unsigned long long)T.timer_at);
	at = T.flood_seen;
	sim_run_for(&T.sim, 20);
	assert_int_equal(T.flood_seen, at); /* not read after it closed */
	assert_int_equal(T.closes, 1);
	assert_int_not_equal(vmbus_channel_state(T.flood), VMBUS_CHANNEL_OPEN);
	if (td == TD_RESCIND) {
		assert_int_equal(vmbus_client_release_relid(&T.sim.client, T.gflood.relid), VSC_OK);
		sim_run_for(&T.sim, 5);
		assert_int_equal(T.destroys, 1); /* freed */
	}
	stop();
}

static void test_close_while_pending(void **st)
{
	(void)st;
	teardown_while_pending(TD_CLOSE);
}

static void test_rescind_while_pending(void **st)
{
	(void)st;
	teardown_while_pending(TD_RESCIND);
}

static void test_unload_while_pending(void **st)
{
	(void)st;
	teardown_while_pending(TD_UNLOAD);
}

/* The server is destroyed with a continuation pending (vmwp stopping a flooded VM): the loop
 * runs once more to close its handles and touches nothing freed. */
static void test_destroy_while_pending(void **st)
{
	(void)st;
	uint64_t end;

	start(false);
	guest_send(&T.gflood, 0);
	end = uv_now(&T.sim.loop) + 5000;
	while (T.flood_seen == 0 && uv_now(&T.sim.loop) < end)
		uv_run(&T.sim.loop, UV_RUN_ONCE);
	assert_true(T.flood_seen > 0);
	assert_true(T.flood_seen < FLOOD + 1); /* more to read: the continuation is pending */
	stop();
	assert_int_equal(T.closes, 1);
	assert_int_equal(T.destroys, 1);
}

/* The guest corrupts read_index of the host->guest ring; the VSP then asks for ring space.
 * The channel breaks (as a send would break it): its close runs inside the call. */
static void test_request_space_on_corrupt_ring(void **st)
{
	(void)st;
	struct vmbus_channel_stats cs;
	int r;

	start(true);
	atomic_store(&T.gflood.in.mem.ctrl->read_index, 4); /* unaligned */
	r = vmbus_channel_request_space(T.flood, 64);
	assert_true(r == VMBUS_E_PROTO || r == VMBUS_E_BROKEN);
	assert_int_equal(vmbus_channel_state(T.flood), VMBUS_CHANNEL_BROKEN);
	assert_int_equal(T.closes, 1);
	vmbus_channel_get_stats(T.flood, &cs);
	assert_non_null(cs.broken_reason);
	assert_true(sim_log_has(&T.sim, "broken"));
	/* closed now: asking again is refused without touching the ring */
	assert_int_equal(vmbus_channel_request_space(T.flood, 64), VMBUS_E_BROKEN);
	assert_int_equal(T.closes, 1);
	/* the other channel goes on */
	guest_send(&T.gvictim, 1);
	sim_run_for(&T.sim, 5);
	assert_int_equal(T.victim_count, 1);
	stop();
}

/* The same from inside the packet callback: the drain must stop at once, without consuming
 * the packet from rings that are gone. */
static void test_request_space_inside_drain(void **st)
{
	(void)st;

	start(false);
	T.request_space_in_packet = true;
	atomic_store(&T.gflood.in.mem.ctrl->read_index, 4);
	guest_send(&T.gflood, 1);
	guest_send(&T.gflood, 2);
	sim_run_for(&T.sim, 5);
	assert_true(T.space_ret == VMBUS_E_PROTO || T.space_ret == VMBUS_E_BROKEN);
	assert_int_equal(vmbus_channel_state(T.flood), VMBUS_CHANNEL_BROKEN);
	assert_int_equal(T.closes, 1);
	stop();
}

/* A VSP thread's batch of completions (storvsp's I/O threads): written in order, published
 * at once with one signal decision; a full ring stops the batch where it stops; a stale
 * generation, or a loop that waits for space, writes nothing. */
static void test_batch_send_from_thread(void **st)
{
	(void)st;
	uint8_t payload[32][1024], buf[1200];
	struct vmbus_iov iov[32];
	uint64_t ids[32], gen, id;
	uint16_t type;
	unsigned sent, got;
	bool sig;
	int status, r;

	start(true); /* the victim channel: 4 pages of ring each way */
	for (unsigned i = 0; i < 32; i++) {
		memset(payload[i], (int)i, sizeof(payload[i]));
		iov[i] = (struct vmbus_iov){ payload[i], 64 };
		ids[i] = 100 + i;
	}
	gen = vmbus_channel_generation(T.victim);
	sent = vmbus_channel_send_batch_from_thread(T.victim, gen, VMBUS_PKT_COMPLETION, 0, ids,
						    iov, 8, &status, &sig);
	assert_int_equal(sent, 8);
	assert_int_equal(status, VMBUS_OK);
	assert_true(sig); /* empty ring, guest listening: one signal for the eight */
	for (got = 0; (r = vsc_channel_recv(&T.gvictim, buf, sizeof(buf), &id, &type)) > 0; got++) {
		assert_int_equal(r, 64);
		assert_int_equal(id, 100 + got);
		assert_int_equal(type, VMBUS_PKT_COMPLETION);
		assert_int_equal(buf[0], got);
	}
	assert_int_equal(r, 0);
	assert_int_equal(got, 8);
	/* Larger packets than the ring holds: the batch stops at the first that does not fit. */
	for (unsigned i = 0; i < 32; i++)
		iov[i].len = sizeof(payload[i]);
	sent = vmbus_channel_send_batch_from_thread(T.victim, gen, VMBUS_PKT_COMPLETION, 0, ids,
						    iov, 32, &status, &sig);
	assert_true(sent > 0 && sent < 32);
	assert_int_equal(status, VMBUS_E_AGAIN);
	assert_true(sig);
	for (got = 0; vsc_channel_recv(&T.gvictim, buf, sizeof(buf), &id, &type) > 0; got++)
		assert_int_equal(id, 100 + got);
	assert_int_equal(got, sent);
	/* A closed-and-reopened generation: nothing written, the caller drops its packets. */
	sent = vmbus_channel_send_batch_from_thread(T.victim, gen + 1, VMBUS_PKT_COMPLETION, 0,
						    ids, iov, 4, &status, &sig);
	assert_int_equal(sent, 0);
	assert_int_equal(status, VMBUS_E_BROKEN);
	assert_false(sig);
	/* The loop waits for space: threads leave the ring to it. */
	while (vmbus_channel_send_batch_from_thread(T.victim, gen, VMBUS_PKT_COMPLETION, 0, ids,
						    iov, 1, &status, &sig) == 1)
		;
	assert_int_equal(vmbus_channel_request_space(T.victim, 2048), VMBUS_E_AGAIN);
	iov[0].len = 8;
	sent = vmbus_channel_send_batch_from_thread(T.victim, gen, VMBUS_PKT_COMPLETION, 0, ids,
						    iov, 1, &status, &sig);
	assert_int_equal(sent, 0);
	assert_int_equal(status, VMBUS_E_AGAIN);
	stop();
}

/* Eight requests read in one pass, each answered from the loop: the guest sees no answer
 * before the pass ends, then all eight in order, for one signal. A wait for ring space in the
 * middle publishes what the pass had written so far. */
static void test_loop_answers_published_per_pass(void **st)
{
	(void)st;
	struct vmbus_channel_stats before, after;
	uint8_t buf[64];
	uint64_t id;
	uint16_t type;
	unsigned got;

	for (int round = 0; round < 2; round++) {
		start(true);
		T.echo = true;
		T.echo_space_at = round ? 5 : 0;
		vmbus_channel_get_stats(T.victim, &before);
		for (uint64_t i = 1; i <= 8; i++)
			guest_send(&T.gvictim, i);
		sim_run_for(&T.sim, 5);
		assert_int_equal(T.victim_count, 8);
		assert_int_equal(T.echo_seen_early, 0);
		vmbus_channel_get_stats(T.victim, &after);
		assert_int_equal(after.packets_out - before.packets_out, 8);
		/* One signal: the guest had consumed nothing when the rest was published. */
		assert_int_equal(after.signals_out - before.signals_out, 1);
		for (got = 0; vsc_channel_recv(&T.gvictim, buf, sizeof(buf), &id, &type) > 0; got++) {
			assert_int_equal(id, got + 1);
			assert_int_equal(type, VMBUS_PKT_COMPLETION);
		}
		assert_int_equal(got, 8);
		stop();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flood_yields_to_the_loop),
		cmocka_unit_test(test_close_while_pending),
		cmocka_unit_test(test_rescind_while_pending),
		cmocka_unit_test(test_unload_while_pending),
		cmocka_unit_test(test_destroy_while_pending),
		cmocka_unit_test(test_request_space_on_corrupt_ring),
		cmocka_unit_test(test_request_space_inside_drain),
		cmocka_unit_test(test_batch_send_from_thread),
		cmocka_unit_test(test_loop_answers_published_per_pass),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
