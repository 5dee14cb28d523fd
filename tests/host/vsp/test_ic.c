/* SPDX-License-Identifier: MIT */
/* Integration services end to end: the simulated guest (IC clients answering as Linux 6.1's
 * hv_utils) negotiates with the shutdown, heartbeat and time-sync VSPs, answers heartbeats
 * (the host records the sequence and when it last heard), receives SYNC at open and periodic
 * SAMPLEs, and acknowledges a shutdown request. KVP is offered only when configured and never
 * waited on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"
#include "vsc/ic_client.h"
#include "vsp/devices.h"

struct env {
	struct sim sim;
	struct vsp_devices dev;
	int shutdown_answers;
	uint32_t shutdown_status;
};

static void on_answer(void *ctx, struct ic_vsp *ic, uint16_t type, uint32_t status)
{
	struct env *e = ctx;

	(void)ic;
	if (type == IC_MSGTYPE_SHUTDOWN) {
		e->shutdown_answers++;
		e->shutdown_status = status;
	}
}

static struct env *start(bool kvp)
{
	struct env *e = calloc(1, sizeof(*e));
	struct vsp_devices_config dc = { .shutdown = true,
					 .heartbeat = true,
					 .timesync = true,
					 .kvp = kvp,
					 .heartbeat_ms = 20,
					 .timesync_ms = 30,
					 .on_ic_answer = on_answer,
					 .ctx = e };
	char err[256];

	assert_int_equal(sim_init(&e->sim, 16, NULL), 0);
	assert_int_equal(vsp_devices_add(e->sim.server, &dc, &e->dev, err, sizeof(err)), 0);
	assert_null(e->dev.storage);
	return e;
}

static uint32_t relid_of(struct env *e, const struct vmbus_guid *g)
{
	const struct vsc_offer *o = vmbus_client_find_offer(&e->sim.client, g, 0);
	assert_non_null(o);
	return o->msg.child_relid;
}

/* Run the guest: answer whatever arrives until done() or a deadline. */
static void pump(struct env *e, struct ic_client *ics, int n,
		 bool (*done)(struct env *, struct ic_client *))
{
	for (int round = 0; round < 2000 && !done(e, ics); round++) {
		for (int i = 0; i < n; i++)
			assert_true(ic_client_poll(&ics[i]) >= 0);
		if (done(e, ics))
			break;
		assert_true(e->sim.env.ops->wait(e->sim.env.ctx));
	}
	assert_true(done(e, ics));
}

static bool negotiated_and_beating(struct env *e, struct ic_client *ics)
{
	struct ic_vsp_status hb, ts;

	ic_vsp_get_status(e->dev.ic[IC_SERVICE_HEARTBEAT], &hb);
	ic_vsp_get_status(e->dev.ic[IC_SERVICE_TIMESYNC], &ts);
	return ics[0].framework && hb.heartbeat_seq >= 4 && ics[2].syncs >= 1 &&
	       ics[2].samples >= 2 && ts.answers >= 3;
}

static bool shutdown_acked(struct env *e, struct ic_client *ics)
{
	return ics[0].shutdown_requested && e->shutdown_answers == 1;
}

static void test_ic_exchanges(void **st)
{
	(void)st;
	struct env *e = start(false);
	struct ic_client ics[3];
	struct ic_vsp_status s;
	struct timespec now;

	assert_int_equal(sim_guest_start(&e->sim, VMBUS_VERSION_WIN10_V5_3), VSC_OK);
	assert_int_equal(e->sim.client.noffers, 3); /* no KVP unless configured */
	assert_null(vmbus_client_find_offer(&e->sim.client, &vmbus_guid_kvp, 0));
	assert_int_equal(ic_client_open(&ics[0], IC_CLIENT_SHUTDOWN, &e->sim.client,
					relid_of(e, &vmbus_guid_shutdown)),
			 VSC_OK);
	assert_int_equal(ic_client_open(&ics[1], IC_CLIENT_HEARTBEAT, &e->sim.client,
					relid_of(e, &vmbus_guid_heartbeat)),
			 VSC_OK);
	assert_int_equal(ic_client_open(&ics[2], IC_CLIENT_TIMESYNC, &e->sim.client,
					relid_of(e, &vmbus_guid_timesync)),
			 VSC_OK);
	/* shutdown is refused before negotiation completes */
	assert_int_equal(ic_vsp_request_shutdown(e->dev.ic[IC_SERVICE_SHUTDOWN], false, false,
						 NULL),
			 -EAGAIN);
	pump(e, ics, 3, negotiated_and_beating);

	/* versions Linux 6.1 picks from what the host offers */
	assert_int_equal(ics[0].framework, IC_VERSION(3, 0));
	assert_int_equal(ics[0].message, IC_VERSION(3, 2));
	assert_int_equal(ics[1].message, IC_VERSION(3, 0));
	assert_int_equal(ics[2].message, IC_VERSION(4, 0));
	ic_vsp_get_status(e->dev.ic[IC_SERVICE_SHUTDOWN], &s);
	assert_true(s.negotiated);
	assert_int_equal(s.message, IC_VERSION(3, 2));

	/* heartbeat: the host saw seq+1 back and knows when */
	ic_vsp_get_status(e->dev.ic[IC_SERVICE_HEARTBEAT], &s);
	assert_true(s.heartbeat_seq >= 4);
	assert_true(s.heartbeat_seq <= ics[1].heartbeat_seq); /* the newest may be in flight */
	assert_true(s.last_heard_ms > 0);
	assert_int_equal(s.bad_answers, 0);

	/* time sync: host UTC in 100 ns since 1601, within a minute of now; a reference time */
	clock_gettime(CLOCK_REALTIME, &now);
	uint64_t host_now = (uint64_t)now.tv_sec * 10000000ull + IC_WLTIMEDELTA;
	assert_true(ics[2].host_time > host_now - 600000000ull);
	assert_true(ics[2].host_time < host_now + 600000000ull);
	assert_true(ics[2].host_reference > 0);
	assert_int_equal(ics[2].syncs, 1);

	/* shutdown: the hook hvctl stop uses */
	assert_int_equal(
		ic_vsp_request_shutdown(e->dev.ic[IC_SERVICE_SHUTDOWN], false, false, "test"), 0);
	pump(e, ics, 3, shutdown_acked);
	assert_int_equal(ics[0].shutdown_flags, 0);
	assert_int_equal(e->shutdown_status, IC_STATUS_OK);
	/* reboot, forced */
	ics[0].shutdown_requested = false;
	assert_int_equal(ic_vsp_request_shutdown(e->dev.ic[IC_SERVICE_SHUTDOWN], true, true, NULL),
			 0);
	e->shutdown_answers = 0;
	pump(e, ics, 3, shutdown_acked);
	assert_int_equal(ics[0].shutdown_flags, 3);

	for (int i = 0; i < 3; i++)
		assert_int_equal(ic_client_close(&ics[i]), VSC_OK);
	assert_int_equal(sim_fini(&e->sim), 0);
	free(e);
}

static void test_kvp_never_waited_on(void **st)
{
	(void)st;
	struct env *e = start(true);
	struct vsc_channel ch;
	struct ic_vsp_status s;

	assert_int_equal(sim_guest_start(&e->sim, VMBUS_VERSION_WIN10_V5_3), VSC_OK);
	assert_int_equal(e->sim.client.noffers, 4);
	/* Linux without hv_kvp_daemon opens the channel and never answers */
	assert_int_equal(vmbus_client_open(&e->sim.client, &ch, relid_of(e, &vmbus_guid_kvp),
					   IC_RING_BYTES, 0),
			 VSC_OK);
	sim_run_for(&e->sim, 50);
	ic_vsp_get_status(e->dev.ic[IC_SERVICE_KVP], &s);
	assert_true(s.open);
	assert_true(s.outstanding); /* the negotiate, unanswered */
	assert_false(s.negotiated);
	/* nothing else is blocked: the other services still work, the guest can close */
	assert_int_equal(vmbus_client_close(&e->sim.client, &ch), VSC_OK);
	assert_int_equal(sim_fini(&e->sim), 0);
	free(e);
}

/* A guest that never reads its IC ring: the host never piles requests up. */
static void test_silent_guest(void **st)
{
	(void)st;
	struct env *e = start(false);
	struct vsc_channel ch;
	struct ic_vsp_status s;

	assert_int_equal(sim_guest_start(&e->sim, VMBUS_VERSION_WIN10_V5_3), VSC_OK);
	assert_int_equal(vmbus_client_open(&e->sim.client, &ch, relid_of(e, &vmbus_guid_heartbeat),
					   IC_RING_BYTES, 0),
			 VSC_OK);
	sim_run_for(&e->sim, 200); /* ten heartbeat periods */
	ic_vsp_get_status(e->dev.ic[IC_SERVICE_HEARTBEAT], &s);
	assert_int_equal(s.requests, 1); /* just the negotiate */
	assert_int_equal(s.last_heard_ms, 0);
	assert_int_equal(vmbus_client_close(&e->sim.client, &ch), VSC_OK);
	assert_int_equal(sim_fini(&e->sim), 0);
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ic_exchanges),
		cmocka_unit_test(test_kvp_never_waited_on),
		cmocka_unit_test(test_silent_guest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
