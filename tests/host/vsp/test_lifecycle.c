/* SPDX-License-Identifier: MIT */
/* Channel lifecycle under load: rescind and unload while requests are in flight on the I/O
 * threads, server destroy with I/O in flight, hot add, re-connection after unload. Nothing
 * may leak (the ASan flavour checks) and the host must be usable afterwards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"
#include "vsc/storvsc.h"
#include "vsp/devices.h"

static char img[64];

static int group_setup(void **st)
{
	(void)st;
	assert_int_equal(sim_make_image(img, "lifecycle", 16), 0);
	return 0;
}

static int group_teardown(void **st)
{
	(void)st;
	unlink(img);
	return 0;
}

struct env {
	struct sim sim;
	struct storvsp *sp;
	struct storvsc sv;
	struct storvsc_req reqs[48];
	uint64_t pfns[48];
};

static struct env *start(void)
{
	struct env *e = calloc(1, sizeof(*e));
	struct storvsp_disk_config disk = { img, false };
	struct storvsp_config sc = {
		.disks = &disk, .ndisks = 1, .no_inline_io = true, .io_threads = 2
	};
	char err[256];
	uint64_t pfn;

	assert_int_equal(sim_init(&e->sim, 32, NULL), 0);
	e->sp = storvsp_create(e->sim.server, &sc, err, sizeof(err));
	assert_non_null(e->sp);
	assert_int_equal(sim_guest_start(&e->sim, VMBUS_VERSION_WIN10_V5_3), VSC_OK);
	assert_non_null(sim_alloc_pages(&e->sim, 48, &pfn));
	for (int i = 0; i < 48; i++)
		e->pfns[i] = pfn + i;
	return e;
}

static uint32_t scsi_relid(struct env *e)
{
	const struct vsc_offer *o = vmbus_client_find_offer(&e->sim.client, &vmbus_guid_scsi, 0);
	return o ? o->msg.child_relid : 0;
}

/* Submit n reads (and writes) without waiting. */
static void submit_burst(struct env *e, int n)
{
	for (int i = 0; i < n; i++) {
		struct storvsc_req *r = &e->reqs[i];
		memset(r, 0, sizeof(*r));
		r->cdb[0] = i % 2 ? 0x2A : 0x28;
		r->cdb[4] = (uint8_t)i;
		r->cdb[8] = 8;
		r->cdb_len = 10;
		r->data_in = i % 2 ? VSTOR_DATA_WRITE : VSTOR_DATA_READ;
		r->len = 4096;
		r->pfns = &e->pfns[i];
		r->npfn = 1;
		assert_int_equal(storvsc_submit(&e->sv, r), VSC_OK);
	}
}

static void test_rescind_mid_io(void **st)
{
	(void)st;
	struct env *e = start();
	union vmbus_chmsg m;
	uint32_t relid = scsi_relid(e);

	assert_int_equal(storvsc_init(&e->sv, &e->sim.client, relid), VSC_OK);
	submit_burst(e, 48);
	sim_run_for(&e->sim, 1); /* the host picks them up */
	storvsp_remove(e->sp);	 /* device removal with I/O in flight */
	/* vmbus_onoffer_rescind(): the guest sees the rescind, then removes the device: close
	 * (CLOSECHANNEL + GPADL_TEARDOWN, still answered), then RELID_RELEASED. */
	assert_int_equal(vmbus_client_wait_message(&e->sim.client, VMBUS_CHMSG_RESCIND_OFFER, relid,
						   &m),
			 VSC_OK);
	assert_null(vmbus_client_find_offer(&e->sim.client, &vmbus_guid_scsi, 0));
	assert_int_equal(storvsc_close(&e->sv), VSC_OK);
	assert_int_equal(vmbus_client_release_relid(&e->sim.client, relid), VSC_OK);
	assert_true(sim_log_has(&e->sim, "relid released: removed"));
	{
		struct vmbus_server_stats ss;
		vmbus_server_get_stats(e->sim.server, &ss);
		assert_int_equal(ss.channels, 0);
		assert_int_equal(ss.gpadls, 0);
	}
	sim_run_for(&e->sim, 20); /* threads finish; completions are dropped */
	/* the relid is free again: a new disk gets it */
	{
		struct storvsp_disk_config disk = { img, true };
		struct storvsp_config sc = { .disks = &disk, .ndisks = 1 };
		char err[256];
		struct storvsp *sp2 = storvsp_create(e->sim.server, &sc, err, sizeof(err));
		assert_non_null(sp2);
		assert_int_equal(vmbus_channel_relid(storvsp_channel(sp2)), relid);
		/* hot add: offered at once to the connected guest */
		sim_run_for(&e->sim, 1);
		assert_non_null(vmbus_client_find_offer(&e->sim.client, &vmbus_guid_scsi, 0));
	}
	assert_int_equal(sim_fini(&e->sim), 0);
	free(e);
}

static void test_unload_mid_io(void **st)
{
	(void)st;
	struct env *e = start();
	struct storvsc_req r;
	struct storvsp_stats ss;

	assert_int_equal(storvsc_init(&e->sv, &e->sim.client, scsi_relid(e)), VSC_OK);
	submit_burst(e, 48);
	sim_run_for(&e->sim, 1);
	/* vmbus_initiate_unload() (kexec / crash): no close, no teardown */
	assert_int_equal(vmbus_client_unload(&e->sim.client), VSC_OK);
	assert_true(sim_log_has(&e->sim, "all channels reset"));
	sim_run_for(&e->sim, 50);
	storvsp_get_stats(e->sp, &ss);
	assert_int_equal(ss.inflight, 0); /* every request finished and was dropped */
	/* the new kernel starts over: everything works again */
	e->sim.client.next_gpadl = VSC_FIRST_GPADL; /* a fresh guest reuses handles */
	assert_int_equal(sim_guest_start(&e->sim, VMBUS_VERSION_WIN10_V5_3), VSC_OK);
	assert_int_equal(storvsc_init(&e->sv, &e->sim.client, scsi_relid(e)), VSC_OK);
	assert_int_equal(storvsc_rw(&e->sv, 0, false, 0, 8, 512, e->pfns, 1, &r), VSC_OK);
	assert_int_equal(storvsc_close(&e->sv), VSC_OK);
	assert_int_equal(sim_fini(&e->sim), 0);
	free(e);
}

static void test_destroy_mid_io(void **st)
{
	(void)st;
	struct env *e = start();

	assert_int_equal(storvsc_init(&e->sv, &e->sim.client, scsi_relid(e)), VSC_OK);
	submit_burst(e, 48);
	sim_run_for(&e->sim, 1);
	/* the worker goes away with requests on the threads: joined, freed, no window left */
	assert_int_equal(sim_fini(&e->sim), 0);
	free(e);
}

static void test_close_reopen_many(void **st)
{
	(void)st;
	struct env *e = start();
	struct storvsc_req r;

	for (int i = 0; i < 50; i++) {
		assert_int_equal(storvsc_init(&e->sv, &e->sim.client, scsi_relid(e)), VSC_OK);
		submit_burst(e, 8);
		assert_int_equal(storvsc_close(&e->sv), VSC_OK); /* closes mid-I/O */
	}
	assert_int_equal(storvsc_init(&e->sv, &e->sim.client, scsi_relid(e)), VSC_OK);
	assert_int_equal(storvsc_rw(&e->sv, 0, true, 64, 8, 512, e->pfns, 1, &r), VSC_OK);
	assert_int_equal(storvsc_close(&e->sv), VSC_OK);
	/* the GPADL table did not grow: every ring GPADL was torn down */
	{
		struct vmbus_server_stats ss;
		vmbus_server_get_stats(e->sim.server, &ss);
		assert_int_equal(ss.gpadls, 0);
		assert_int_equal(ss.gpadl_pages, 0);
		assert_int_equal(ss.channels, 1);
	}
	assert_int_equal(sim_fini(&e->sim), 0);
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rescind_mid_io),
		cmocka_unit_test(test_unload_mid_io),
		cmocka_unit_test(test_destroy_mid_io),
		cmocka_unit_test(test_close_reopen_many),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
