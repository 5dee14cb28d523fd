/* SPDX-License-Identifier: MIT */
/* A hostile guest: malformed, truncated, oversized and out-of-order channel messages; GPADLs
 * with bad counts, duplicate handles, pages outside guest RAM, over the limits, torn down while
 * open; corrupted ring indices and packet descriptors; bad SRBs; a guest that never reads its
 * ring or its messages. Each breaks at most its own channel (state "broken", the reason in the
 * log); the server, the other channels and the VM's memory stay intact, and what the guest can
 * make the host hold stays bounded. */
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
#include "vmbus/gpadl.h"
#include "vsc/ic_client.h"
#include "vsc/storvsc.h"
#include "vsp/devices.h"

static char img[64];

struct env {
	struct sim sim;
	struct vsp_devices dev;
};

static int group_setup(void **st)
{
	(void)st;
	assert_int_equal(sim_make_image(img, "hostile", 4), 0);
	return 0;
}

static int group_teardown(void **st)
{
	(void)st;
	unlink(img);
	return 0;
}

static struct env *start(uint32_t max_inflight)
{
	struct env *e = calloc(1, sizeof(*e));
	struct storvsp_disk_config disk = { img, false };
	struct vmbus_server_limits lim = { .max_gpadls = 16,
					   .max_gpadl_pages = 128,
					   .max_total_pages = 512,
					   .max_ring_bytes = 256 * 1024 };
	char err[256];

	assert_int_equal(sim_init(&e->sim, 32, &lim), 0);
	if (max_inflight) {
		struct storvsp_config sc = { .disks = &disk,
					     .ndisks = 1,
					     .max_inflight = max_inflight,
					     .no_inline_io = true };
		e->dev.storage = storvsp_create(e->sim.server, &sc, err, sizeof(err));
		struct ic_vsp_config ic = { .service = IC_SERVICE_HEARTBEAT, .period_ms = 10 };
		e->dev.ic[IC_SERVICE_HEARTBEAT] =
			ic_vsp_create(e->sim.server, &ic, err, sizeof(err));
	} else {
		struct vsp_devices_config dc = {
			.disks = &disk, .ndisks = 1, .heartbeat = true, .heartbeat_ms = 10
		};
		assert_int_equal(vsp_devices_add(e->sim.server, &dc, &e->dev, err, sizeof(err)), 0);
	}
	assert_int_equal(sim_guest_start(&e->sim, VMBUS_VERSION_WIN10_V5_3), VSC_OK);
	return e;
}

static void stop(struct env *e)
{
	assert_int_equal(sim_fini(&e->sim), 0);
	free(e);
}

static uint32_t relid_of(struct env *e, const struct vmbus_guid *g)
{
	const struct vsc_offer *o = vmbus_client_find_offer(&e->sim.client, g, 0);
	assert_non_null(o);
	return o->msg.child_relid;
}

/* The heartbeat channel keeps working: proof that one broken channel stays alone. */
static void heartbeat_still_works(struct env *e)
{
	struct ic_client hb;
	struct ic_vsp_status s;

	assert_int_equal(ic_client_open(&hb, IC_CLIENT_HEARTBEAT, &e->sim.client,
					relid_of(e, &vmbus_guid_heartbeat)),
			 VSC_OK);
	for (int i = 0; i < 500; i++) {
		assert_true(ic_client_poll(&hb) >= 0);
		ic_vsp_get_status(e->dev.ic[IC_SERVICE_HEARTBEAT], &s);
		if (s.heartbeat_seq >= 3)
			break;
		assert_true(e->sim.env.ops->wait(e->sim.env.ctx));
	}
	assert_true(s.heartbeat_seq >= 3);
	assert_int_equal(ic_client_close(&hb), VSC_OK);
}

static void test_malformed_messages(void **st)
{
	(void)st;
	struct env *e = start(0);
	uint8_t junk[256];
	union vmbus_chmsg m;
	uint32_t relid = relid_of(e, &vmbus_guid_scsi);

	for (int i = 0; i < (int)sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 37 + 11);
	/* oversized: the hypercall itself fails */
	assert_int_equal(vmbus_client_post(&e->sim.client, 1, junk, 241), 5);
	/* truncated, unknown types, host->guest types from the guest */
	for (uint32_t len = 0; len < 8; len++)
		assert_int_equal(vmbus_client_post(&e->sim.client, 1, junk, len), 0);
	for (uint32_t t = 0; t < 40; t++) {
		memset(&m, 0xEE, sizeof(m));
		m.h.type = t;
		if (t == VMBUS_CHMSG_UNLOAD || t == VMBUS_CHMSG_INITIATE_CONTACT)
			continue; /* valid resets; tested elsewhere */
		assert_int_equal(vmbus_client_post(&e->sim.client, 1, &m, 240), 0);
		assert_int_equal(vmbus_client_post(&e->sim.client, 1, &m, 9), 0);
	}
	sim_run_for(&e->sim, 5);
	/* a flood of bad messages does not flood the VM log (rate limit) */
	for (int i = 0; i < 500; i++)
		assert_int_equal(vmbus_client_post(&e->sim.client, 1, junk, 3), 0);
	assert_true(e->sim.nlog < 100);
	/* out of order: GPADL body without header, open without GPADL, close of never opened */
	memset(&m, 0, sizeof(m));
	m.gpadl_body.h.type = VMBUS_CHMSG_GPADL_BODY;
	m.gpadl_body.gpadl = 0x777;
	assert_int_equal(vmbus_client_post(&e->sim.client, 1, &m, 24), 0);
	m.relid.h.type = VMBUS_CHMSG_CLOSECHANNEL;
	m.relid.child_relid = relid;
	assert_int_equal(vmbus_client_post(&e->sim.client, 1, &m, 12), 0);
	/* the server is intact: storage and heartbeat still work end to end */
	{
		struct storvsc sv;
		struct storvsc_req r;
		uint64_t pfn;
		assert_non_null(sim_alloc_pages(&e->sim, 1, &pfn));
		assert_int_equal(storvsc_init(&sv, &e->sim.client, relid), VSC_OK);
		assert_int_equal(storvsc_rw(&sv, 0, true, 0, 8, 512, &pfn, 1, &r), VSC_OK);
		assert_int_equal(storvsc_close(&sv), VSC_OK);
	}
	heartbeat_still_works(e);
	stop(e);
}

static void test_gpadl_abuse(void **st)
{
	(void)st;
	struct env *e = start(0);
	uint32_t relid = relid_of(e, &vmbus_guid_scsi), handle;
	struct vmbus_server_stats ss;
	uint64_t pfn;

	assert_non_null(sim_alloc_pages(&e->sim, 256, &pfn));
	/* over the per-GPADL page limit (128) */
	assert_int_equal(vmbus_client_create_gpadl(&e->sim.client, relid, pfn, 200, &handle),
			 VSC_E_REFUSED);
	/* within the byte limit, but 129 pages: 128 * 4096 bytes starting 1 byte into a page */
	{
		union vmbus_chmsg m, r;
		uint64_t pfns[129];
		uint32_t len;
		for (int i = 0; i < 129; i++)
			pfns[i] = pfn + (uint64_t)i;
		for (uint32_t i = 0; i < vmbus_gpadl_msg_count(129); i++) {
			assert_int_equal(vmbus_gpadl_build_msg(relid, 0x6000, 1, 128 * 4096, pfns,
							       129, i, &m, &len),
					 0);
			assert_int_equal(vmbus_client_post(&e->sim.client, 1, &m, len), 0);
		}
		assert_int_equal(vmbus_client_wait_message(&e->sim.client,
							   VMBUS_CHMSG_GPADL_CREATED, relid, &r),
				 VSC_OK);
		assert_int_equal(r.gpadl_created.gpadl, 0x6000);
		assert_int_not_equal(r.gpadl_created.status, 0);
	}
	/* pages outside guest RAM */
	assert_int_equal(vmbus_client_create_gpadl(&e->sim.client, relid, e->sim.npages - 1, 4,
						   &handle),
			 VSC_E_REFUSED);
	assert_int_equal(vmbus_client_create_gpadl(&e->sim.client, relid, 1ull << 39, 1, &handle),
			 VSC_E_REFUSED);
	/* up to the GPADL count limit, then refused; the VM page limit too */
	for (int i = 0; i < 16; i++)
		assert_int_equal(vmbus_client_create_gpadl(&e->sim.client, relid, pfn, 4, &handle),
				 VSC_OK);
	assert_int_equal(vmbus_client_create_gpadl(&e->sim.client, relid, pfn, 4, &handle),
			 VSC_E_REFUSED);
	vmbus_server_get_stats(e->sim.server, &ss);
	assert_int_equal(ss.gpadls, 16);
	assert_int_equal(ss.gpadl_pages, 64);
	/* a duplicate handle is refused (and the original survives) */
	e->sim.client.next_gpadl = handle;
	assert_int_equal(vmbus_client_create_gpadl(&e->sim.client, relid, pfn, 4, &handle),
			 VSC_E_REFUSED);
	vmbus_server_get_stats(e->sim.server, &ss);
	assert_int_equal(ss.gpadls, 16);
	/* a header announcing bodies that never come holds one slot only; bad body counts */
	{
		union vmbus_chmsg m;
		memset(&m, 0, sizeof(m));
		m.gpadl_header.h.type = VMBUS_CHMSG_GPADL_HEADER;
		m.gpadl_header.child_relid = relid;
		m.gpadl_header.gpadl = 0x5000;
		m.gpadl_header.range_count = 1;
		m.gpadl_header.range_buflen = 8 + 8 * 100; /* 100 pages announced */
		m.gpadl_header.range_words[0] = (uint64_t)(100 * 4096) << 0;
		assert_int_equal(vmbus_client_post(&e->sim.client, 1, &m, 20 + 8 + 8), 0);
	}
	/* everything goes with the teardown of each (answered) and unload */
	assert_int_equal(vmbus_client_unload(&e->sim.client), VSC_OK);
	vmbus_server_get_stats(e->sim.server, &ss);
	assert_int_equal(ss.gpadls, 0);
	assert_int_equal(ss.gpadl_pages, 0);
	stop(e);
}

/* Rings built from scattered guest pages (the worker maps a window); teardown while open. */
static void test_scattered_ring_and_teardown_while_open(void **st)
{
	(void)st;
	struct env *e = start(0);
	uint32_t relid = relid_of(e, &vmbus_guid_scsi);
	uint64_t pfn, pfns[8];
	union vmbus_chmsg m, r;
	uint32_t len;
	uint8_t *p = sim_alloc_pages(&e->sim, 16, &pfn);

	assert_non_null(p);
	for (int i = 0; i < 8; i++)
		pfns[i] = pfn + 2 * (uint64_t)i; /* every other page */
	vmbus_ring_control_init((void *)p);
	vmbus_ring_control_init((void *)(p + 8 * 4096));
	for (uint32_t i = 0; i < vmbus_gpadl_msg_count(8); i++) {
		assert_int_equal(
			vmbus_gpadl_build_msg(relid, 0x9000, 0, 8 * 4096, pfns, 8, i, &m, &len), 0);
		assert_int_equal(vmbus_client_post(&e->sim.client, 1, &m, len), 0);
	}
	assert_int_equal(vmbus_client_wait_message(&e->sim.client, VMBUS_CHMSG_GPADL_CREATED, relid,
						   &r),
			 VSC_OK);
	assert_int_equal(r.gpadl_created.status, 0);
	memset(&m, 0, sizeof(m));
	m.open.h.type = VMBUS_CHMSG_OPENCHANNEL;
	m.open.child_relid = relid;
	m.open.open_id = relid;
	m.open.ring_gpadl = 0x9000;
	m.open.downstream_page_offset = 4;
	assert_int_equal(vmbus_client_post(&e->sim.client, 1, &m, 148), 0);
	assert_int_equal(vmbus_client_wait_message(&e->sim.client, VMBUS_CHMSG_OPENCHANNEL_RESULT,
						   relid, &r),
			 VSC_OK);
	assert_int_equal(r.open_result.status, 0);
	assert_int_equal(e->sim.windows, 1); /* a contiguous window was built */
	/* the guest tears the ring GPADL down under the open channel */
	assert_int_equal(vmbus_client_teardown_gpadl(&e->sim.client, relid, 0x9000), VSC_OK);
	assert_int_equal(vmbus_channel_state(storvsp_channel(e->dev.storage)),
			 VMBUS_CHANNEL_BROKEN);
	assert_true(sim_log_has(&e->sim, "ring GPADL torn down while the channel is open"));
	assert_int_equal(e->sim.windows, 0); /* unmapped with the rings */
	/* a broken channel refuses to reopen until closed; then works again */
	{
		struct storvsc sv;
		assert_int_equal(storvsc_init(&sv, &e->sim.client, relid), VSC_E_REFUSED);
		memset(&m, 0, sizeof(m));
		m.relid.h.type = VMBUS_CHMSG_CLOSECHANNEL;
		m.relid.child_relid = relid;
		assert_int_equal(vmbus_client_post(&e->sim.client, 1, &m, 12), 0);
		assert_int_equal(storvsc_init(&sv, &e->sim.client, relid), VSC_OK);
		assert_int_equal(storvsc_close(&sv), VSC_OK);
	}
	heartbeat_still_works(e);
	stop(e);
}

/* Corrupt ring indices and packet descriptors: the channel breaks, nothing else. */
static void test_corrupt_rings(void **st)
{
	(void)st;
	struct env *e = start(0);
	uint32_t relid = relid_of(e, &vmbus_guid_scsi);
	struct storvsc sv;
	union vmbus_chmsg m;

	/* write index beyond the ring */
	assert_int_equal(storvsc_init(&sv, &e->sim.client, relid), VSC_OK);
	atomic_store(&sv.ch.out.mem.ctrl->write_index, 0xFFFFFFF0u);
	e->sim.env.ops->signal_event(e->sim.env.ctx, sv.ch.connection_id);
	sim_run_for(&e->sim, 5);
	assert_int_equal(vmbus_channel_state(storvsp_channel(e->dev.storage)),
			 VMBUS_CHANNEL_BROKEN);
	assert_true(sim_log_has(&e->sim, "broken"));
	assert_int_equal(storvsc_close(&sv), VSC_OK);

	/* a descriptor whose offset lies past its length */
	assert_int_equal(storvsc_init(&sv, &e->sim.client, relid), VSC_OK);
	{
		struct vmbus_pkt_desc d = { .type = 6, .offset8 = 9, .len8 = 4, .trans_id = 1 };
		uint32_t w = atomic_load(&sv.ch.out.mem.ctrl->write_index);
		memcpy(sv.ch.out.mem.data + w, &d, sizeof(d));
		atomic_store(&sv.ch.out.mem.ctrl->write_index, w + 40);
	}
	e->sim.env.ops->signal_event(e->sim.env.ctx, sv.ch.connection_id);
	sim_run_for(&e->sim, 5);
	assert_int_equal(vmbus_channel_state(storvsp_channel(e->dev.storage)),
			 VMBUS_CHANNEL_BROKEN);
	assert_int_equal(storvsc_close(&sv), VSC_OK);

	/* a vstor packet too short for the protocol */
	assert_int_equal(storvsc_init(&sv, &e->sim.client, relid), VSC_OK);
	{
		uint8_t tiny[16] = { 3 };
		struct vmbus_iov iov = { tiny, sizeof(tiny) };
		assert_int_equal(vsc_channel_send(&sv.ch, 6, 1, 5, &iov, 1), 0);
	}
	sim_run_for(&e->sim, 5);
	assert_int_equal(vmbus_channel_state(storvsp_channel(e->dev.storage)),
			 VMBUS_CHANNEL_BROKEN);
	assert_int_equal(storvsc_close(&sv), VSC_OK);
	/* signals for unknown connection ids are refused at the hypercall */
	assert_int_equal(vmbus_server_signal(e->sim.server, 0x999999), 18);
	assert_int_equal(vmbus_server_signal(e->sim.server, 0), 18);
	(void)m;
	heartbeat_still_works(e);
	stop(e);
}

/* Bad SRBs are answered with errors, not crashes; the channel keeps working. */
static void test_bad_srbs(void **st)
{
	(void)st;
	struct env *e = start(0);
	struct storvsc sv;
	struct storvsc_req r;
	uint64_t pfn, bad_pfns[2];

	assert_non_null(sim_alloc_pages(&e->sim, 1, &pfn));
	assert_int_equal(storvsc_init(&sv, &e->sim.client, relid_of(e, &vmbus_guid_scsi)), VSC_OK);
	/* CDB lengths 0 and 200 */
	memset(&r, 0, sizeof(r));
	r.cdb[0] = 0x28;
	r.cdb_len = 0;
	assert_int_equal(storvsc_execute(&sv, &r), VSC_E_IO);
	assert_int_equal(r.scsi_status, 2);
	r.cdb_len = 200;
	assert_int_equal(storvsc_execute(&sv, &r), VSC_E_IO);
	/* target 0 only; LUN 200 does not exist */
	memset(&r, 0, sizeof(r));
	r.lun = 200;
	r.cdb_len = 6;
	assert_int_equal(storvsc_execute(&sv, &r), VSC_E_IO);
	assert_int_equal(r.srb_status, SRB_STATUS_INVALID_LUN);
	/* data buffer pages outside guest RAM */
	bad_pfns[0] = e->sim.npages + 5;
	bad_pfns[1] = 1ull << 39;
	assert_int_equal(storvsc_rw(&sv, 0, false, 0, 8, 512, &bad_pfns[0], 1, &r), VSC_E_IO);
	assert_int_equal(r.srb_status, SRB_STATUS_INVALID_REQUEST);
	assert_int_equal(storvsc_rw(&sv, 0, true, 0, 8, 512, &bad_pfns[1], 1, &r), VSC_E_IO);
	/* data_transfer_length larger than the buffer described */
	memset(&r, 0, sizeof(r));
	r.cdb[0] = 0x28;
	r.cdb[8] = 16; /* 8 KiB */
	r.cdb_len = 10;
	r.data_in = VSTOR_DATA_READ;
	r.len = 4096;
	r.pfns = &pfn;
	r.npfn = 1;
	assert_int_equal(storvsc_execute(&sv, &r), VSC_E_IO);
	assert_int_equal(r.sense[12], 0x24);
	/* a refused buffer right after a CHECK CONDITION says only its own refusal */
	assert_int_equal(storvsc_rw(&sv, 0, false, 0, 8, 512, &bad_pfns[0], 1, &r), VSC_E_IO);
	assert_int_equal(r.srb_status, SRB_STATUS_INVALID_REQUEST);
	assert_int_equal(r.scsi_status, 0);
	assert_int_equal(r.sense_len, 0);
	/* and the channel still works */
	assert_int_equal(storvsc_rw(&sv, 0, false, 0, 8, 512, &pfn, 1, &r), VSC_OK);
	assert_int_equal(storvsc_close(&sv), VSC_OK);
	stop(e);
}

/* Raw one-sector READ SRBs (past the VSC's own slot limit) without reading any completion,
 * until the guest->host ring stays full for 20 rounds of the host's loop; the host must never
 * hold more than max_inflight of them. Returns how many were sent; *stuck the rounds. */
static uint64_t send_reads_until_full(struct env *e, struct storvsc *sv, uint64_t pfn,
				      uint32_t max_inflight, int *stuck)
{
	struct storvsp_stats ss;
	uint64_t sent = 0;
	int stuck_rounds = 0;

	while (stuck_rounds < 20 && sent < 20000) {
		struct vstor_packet vp;
		memset(&vp, 0, sizeof(vp));
		vp.operation = VSTOR_OP_EXECUTE_SRB;
		vp.srb.cdb[0] = 0x28;
		vp.srb.cdb[8] = 1;
		vp.srb.cdb_length = 10;
		vp.srb.data_in = VSTOR_DATA_READ;
		vp.srb.data_transfer_length = 512;
		int r = vsc_channel_send_gpa(&sv->ch, 1000 + sent, 0, 512, &pfn, 1, &vp,
					     sizeof(vp));
		if (r == VMBUS_OK) {
			sent++;
			stuck_rounds = 0;
			continue;
		}
		assert_int_equal(r, VMBUS_E_AGAIN);
		sim_run_for(&e->sim, 2);
		storvsp_get_stats(e->dev.storage, &ss);
		assert_true(ss.inflight <= max_inflight);
		stuck_rounds++;
	}
	*stuck = stuck_rounds;
	return sent;
}

/* A guest that submits without ever reading completions: the host fills the guest's ring with
 * completions, then holds at most max_inflight requests and stops reading, so the guest's own
 * ring fills up. Once the guest reads, everything completes. */
static void test_guest_never_reads(void **st)
{
	(void)st;
	struct env *e = start(8);
	struct storvsc sv;
	struct storvsp_stats ss;
	uint64_t pfn, sent, got = 0, id;
	uint16_t type;
	uint8_t buf[256];
	int stuck_rounds = 0;

	assert_non_null(sim_alloc_pages(&e->sim, 1, &pfn));
	assert_int_equal(storvsc_init(&sv, &e->sim.client, relid_of(e, &vmbus_guid_scsi)), VSC_OK);
	sent = send_reads_until_full(e, &sv, pfn, 8, &stuck_rounds);
	storvsp_get_stats(e->dev.storage, &ss);
	assert_int_equal(stuck_rounds, 20); /* the host stopped taking requests */
	assert_true(ss.stalls > 0);
	assert_true(ss.inflight <= 8);
	print_message("guest queued %llu requests unread; host holds %u\n",
		      (unsigned long long)sent, ss.inflight);
	/* now read: all complete */
	while (got < sent) {
		int n = vsc_channel_recv(&sv.ch, buf, sizeof(buf), &id, &type);
		assert_true(n >= 0);
		if (n > 0) {
			got++;
			continue;
		}
		assert_int_equal(vsc_channel_wait(&sv.ch), VSC_OK);
	}
	storvsp_get_stats(e->dev.storage, &ss);
	assert_int_equal(ss.inflight, 0);
	assert_int_equal(storvsc_close(&sv), VSC_OK);
	stop(e);
}

/* Completions wait for ring space; then the guest corrupts read_index of the host->guest ring
 * and signals. The retried send breaks the channel, whose close releases the waiting
 * completions: each exactly once (no use after free, no inflight count below zero). */
static void test_ring_corrupted_with_completions_waiting(void **st)
{
	(void)st;
	struct env *e = start(8);
	struct storvsc sv;
	struct storvsp_stats ss;
	uint64_t pfn;
	int stuck_rounds = 0;

	assert_non_null(sim_alloc_pages(&e->sim, 1, &pfn));
	assert_int_equal(storvsc_init(&sv, &e->sim.client, relid_of(e, &vmbus_guid_scsi)), VSC_OK);
	assert_true(send_reads_until_full(e, &sv, pfn, 8, &stuck_rounds) > 8);
	assert_int_equal(stuck_rounds, 20);
	storvsp_get_stats(e->dev.storage, &ss);
	assert_int_equal(ss.inflight, 8); /* all held, their completions waiting for space */
	atomic_store(&sv.ch.in.mem.ctrl->read_index, 4); /* unaligned */
	e->sim.env.ops->signal_event(e->sim.env.ctx, sv.ch.connection_id);
	sim_run_for(&e->sim, 5);
	assert_int_equal(vmbus_channel_state(storvsp_channel(e->dev.storage)),
			 VMBUS_CHANNEL_BROKEN);
	storvsp_get_stats(e->dev.storage, &ss);
	assert_int_equal(ss.inflight, 0);
	assert_int_equal(storvsc_close(&sv), VSC_OK);
	heartbeat_still_works(e);
	stop(e);
}

/* A guest that opens and closes a channel in a loop does not flood the VM log either: the
 * lines it provokes are limited like its warnings. */
static void test_open_close_loop_log(void **st)
{
	(void)st;
	struct env *e = start(0);
	uint32_t relid = relid_of(e, &vmbus_guid_scsi), before = e->sim.nlog;
	uint64_t t0 = uv_now(&e->sim.loop);
	struct storvsc sv;

	for (int i = 0; i < 200; i++) {
		assert_int_equal(storvsc_init(&sv, &e->sim.client, relid), VSC_OK);
		assert_int_equal(storvsc_close(&sv), VSC_OK);
	}
	if (uv_now(&e->sim.loop) - t0 < 1000) /* within one rate-limit window */
		assert_true(e->sim.nlog - before <= 60);
	heartbeat_still_works(e);
	stop(e);
}

/* A guest that never reads its messages: the host drops (and logs) what does not fit. */
static void test_guest_never_reads_messages(void **st)
{
	(void)st;
	struct env *e = start(0);
	struct vmbus_chmsg_header m = { .type = VMBUS_CHMSG_REQUESTOFFERS };

	e->sim.hold_messages = true;
	for (int i = 0; i < 400; i++)
		assert_int_equal(vmbus_client_post(&e->sim.client, 1, &m, 8), 0);
	assert_true(e->sim.messages_dropped > 0);
	assert_true(sim_log_has(&e->sim, "guest message queue full"));
	stop(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malformed_messages),
		cmocka_unit_test(test_gpadl_abuse),
		cmocka_unit_test(test_scattered_ring_and_teardown_while_open),
		cmocka_unit_test(test_corrupt_rings),
		cmocka_unit_test(test_bad_srbs),
		cmocka_unit_test(test_guest_never_reads),
		cmocka_unit_test(test_ring_corrupted_with_completions_waiting),
		cmocka_unit_test(test_open_close_loop_log),
		cmocka_unit_test(test_guest_never_reads_messages),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
