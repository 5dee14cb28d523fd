/* SPDX-License-Identifier: MIT */
/* Linux conformance: the exact channel-management messages, sizes and field values Linux 6.1's
 * hv_vmbus / hv_storvsc send (from drivers/hv/connection.c, channel_mgmt.c, channel.c and
 * drivers/scsi/storvsc_drv.c), replayed raw against the server, with every field of every
 * answer checked the way Linux checks it. Each step names the Linux function it mirrors. Every
 * request Linux waits on without a timeout must get exactly one answer, also when refused. */
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
#include "vsp/devices.h"
#include "vmbus_wire/vstor.h"

#define CONN1 1u
#define CONN4 4u

static char img[64];
static struct sim S;
static struct vsp_devices dev;

static int setup(void **st)
{
	struct storvsp_disk_config disk = { img, false };
	struct vsp_devices_config dc = { .disks = &disk,
					 .ndisks = 1,
					 .shutdown = true,
					 .heartbeat = true,
					 .timesync = true,
					 .instance_seed = 1 };
	char err[256];

	(void)st;
	assert_int_equal(sim_make_image(img, "conf", 4), 0);
	assert_int_equal(sim_init(&S, 32, NULL), 0);
	S.hold_messages = true; /* this test reads the message queue itself */
	assert_int_equal(vsp_devices_add(S.server, &dc, &dev, err, sizeof(err)), 0);
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	assert_int_equal(sim_fini(&S), 0);
	unlink(img);
	return 0;
}

/* HvPostMessage from the guest: the hypercall status. */
static int post(uint32_t connid, const void *msg, uint32_t len)
{
	return vmbus_server_post_message(S.server, connid, msg, len);
}

/* Next host -> guest message (vmbus_on_msg_dpc's view: type and payload size). */
static uint32_t pop(void *out)
{
	uint32_t len, slot;

	if (S.msg_count == 0)
		return 0;
	slot = S.msg_head;
	len = S.msg_len[slot];
	memcpy(out, S.msgs[slot], len);
	S.msg_head = (S.msg_head + 1) % SIM_MSG_QUEUE;
	S.msg_count--;
	return len;
}

static void expect_no_message(void)
{
	uint8_t b[240];
	assert_int_equal(pop(b), 0);
}

static uint32_t u32at(const uint8_t *b, uint32_t off)
{
	uint32_t v;
	memcpy(&v, b + off, 4);
	return v;
}

/* vmbus_negotiate_version(): INITIATE_CONTACT of 40 bytes; >= 5.0 on connection id 4 with
 * msg_sint = VMBUS_MESSAGE_SINT (2); < 5.0 on connection id 1 with the interrupt page GPA at
 * offset 16. Linux waits for VERSION_RESPONSE without a timeout (wait_for_completion). */
static void contact(uint32_t version, bool expect_ok)
{
	struct vmbus_chmsg_initiate_contact m;
	uint8_t r[240];
	uint32_t len;

	memset(&m, 0, sizeof(m));
	m.h.type = VMBUS_CHMSG_INITIATE_CONTACT;
	m.version = version;
	m.target_vcpu = 0; /* hv_cpu_number_to_vp_number(VMBUS_CONNECT_CPU) */
	if (version >= VMBUS_VERSION_WIN10_V5) {
		m.msg_sint = 2;
		m.msg_vtl = 0;
	} else {
		uint64_t int_page = 0x1234000; /* virt_to_phys(int_page) */
		memcpy(&m.msg_sint, &int_page, 8);
	}
	m.monitor_page1 = 0x2000000;
	m.monitor_page2 = 0x2001000;
	assert_int_equal(post(version >= VMBUS_VERSION_WIN10_V5 ? CONN4 : CONN1, &m, 40), 0);
	/* exactly one answer; vmbus_onversion_response needs >= 16 bytes */
	len = pop(r);
	assert_true(len >= 16);
	assert_int_equal(u32at(r, 0), VMBUS_CHMSG_VERSION_RESPONSE);
	assert_int_equal(r[8], expect_ok ? 1 : 0); /* version_supported */
	if (expect_ok && version >= VMBUS_VERSION_WIN10_V5)
		assert_int_equal(u32at(r, 12), 1); /* msg_conn_id Linux uses from now on */
	expect_no_message();
}

/* vmbus_request_offers(): REQUESTOFFERS is the bare 8-byte header; Linux does not wait for
 * ALLOFFERS_DELIVERED. Each offer is checked as vmbus_onoffer() reads it. */
static uint32_t request_offers(uint32_t *scsi_relid, uint32_t *scsi_connid)
{
	struct vmbus_chmsg_header m = { .type = VMBUS_CHMSG_REQUESTOFFERS };
	uint8_t r[240] = { 0 };
	uint32_t len, n = 0;

	assert_int_equal(post(CONN1, &m, 8), 0);
	while ((len = pop(r)) != 0 && u32at(r, 0) == VMBUS_CHMSG_OFFERCHANNEL) {
		struct vmbus_chmsg_offer o;
		assert_int_equal(len, 196); /* sizeof(vmbus_channel_offer_channel) */
		memcpy(&o, r, sizeof(o));
		assert_true(o.child_relid >= 1 && o.child_relid < 2048); /* MAX_CHANNEL_RELIDS */
		assert_int_equal(o.flags & 1, 0);			 /* monitor_allocated = 0 */
		assert_int_equal(o.is_dedicated_interrupt, 1);
		assert_true(o.connection_id != 0 && o.connection_id < (1u << 24));
		assert_true(o.connection_id != CONN1 && o.connection_id != CONN4);
		assert_int_equal(o.sub_channel_index, 0);
		if (vmbus_guid_equal(&o.if_type, &vmbus_guid_scsi)) {
			*scsi_relid = o.child_relid;
			*scsi_connid = o.connection_id;
		}
		n++;
	}
	assert_int_equal(len, 8);
	assert_int_equal(u32at(r, 0), VMBUS_CHMSG_ALLOFFERS_DELIVERED);
	expect_no_message();
	return n;
}

/* __vmbus_establish_gpadl() / create_gpadl_header(): one range from offset 0 over npages,
 * 26 PFNs in the header, 28 per body, the handle from next_gpadl_handle (0xE1E10 first). The
 * answer (GPADL_CREATED, waited on without timeout) comes only after the last body. */
static uint32_t establish_gpadl(uint32_t relid, uint32_t handle, uint64_t first_pfn,
				uint32_t npages, uint32_t expect_status)
{
	uint64_t pfns[128];
	union vmbus_chmsg m;
	uint8_t r[240];
	uint32_t len, nmsg = vmbus_gpadl_msg_count(npages);

	for (uint32_t i = 0; i < npages; i++)
		pfns[i] = first_pfn + i;
	for (uint32_t i = 0; i < nmsg; i++) {
		assert_int_equal(vmbus_gpadl_build_msg(relid, handle, 0, npages * 4096, pfns,
						       npages, i, &m, &len),
				 0);
		if (i == 0) {
			/* header: 20 + 8 (range) + 8 * min(26, npages) bytes */
			assert_int_equal(len, 28 + 8 * (npages < 26 ? npages : 26));
			assert_int_equal(m.gpadl_header.range_count, 1);
			assert_int_equal(m.gpadl_header.range_buflen, 8 + 8 * npages);
		}
		assert_int_equal(post(CONN1, &m, len), 0);
		if (i + 1 < nmsg)
			expect_no_message();
	}
	len = pop(r);
	assert_int_equal(len, 20);
	assert_int_equal(u32at(r, 0), VMBUS_CHMSG_GPADL_CREATED);
	assert_int_equal(u32at(r, 8), relid); /* matched on (child_relid, gpadl) */
	assert_int_equal(u32at(r, 12), handle);
	if (expect_status == 0)
		assert_int_equal(u32at(r, 16), 0);
	else
		assert_int_not_equal(u32at(r, 16), 0); /* creation_status: -EDQUOT in Linux */
	expect_no_message();
	return u32at(r, 16);
}

/* __vmbus_open(): OPENCHANNEL (148 bytes), openid = child_relid, downstream page offset =
 * send ring pages; OPENCHANNEL_RESULT (>= 20 bytes) matched on (child_relid, openid). */
static uint32_t open_channel(uint32_t relid, uint32_t gpadl, uint32_t send_pages)
{
	struct vmbus_chmsg_open_channel m;
	uint8_t r[240];

	memset(&m, 0, sizeof(m));
	m.h.type = VMBUS_CHMSG_OPENCHANNEL;
	m.child_relid = relid;
	m.open_id = relid;
	m.ring_gpadl = gpadl;
	m.target_vp = 0;
	m.downstream_page_offset = send_pages;
	assert_int_equal(post(CONN1, &m, 148), 0);
	assert_int_equal(pop(r), 20);
	assert_int_equal(u32at(r, 0), VMBUS_CHMSG_OPENCHANNEL_RESULT);
	assert_int_equal(u32at(r, 8), relid);
	assert_int_equal(u32at(r, 12), relid);
	return u32at(r, 16);
}

/* vmbus_teardown_gpadl(): GPADL_TEARDOWN (16 bytes), GPADL_TORNDOWN (>= 12) matched on the
 * handle alone; waited on without timeout. */
static void teardown_gpadl(uint32_t relid, uint32_t gpadl)
{
	struct vmbus_chmsg_gpadl_teardown m = { .h.type = VMBUS_CHMSG_GPADL_TEARDOWN,
						.child_relid = relid,
						.gpadl = gpadl };
	uint8_t r[240];

	assert_int_equal(post(CONN1, &m, 16), 0);
	assert_int_equal(pop(r), 12);
	assert_int_equal(u32at(r, 0), VMBUS_CHMSG_GPADL_TORNDOWN);
	assert_int_equal(u32at(r, 8), gpadl);
	expect_no_message();
}

/* vmbus_initiate_unload(): UNLOAD (8 bytes), UNLOAD_RESPONSE. */
static void unload(void)
{
	struct vmbus_chmsg_header m = { .type = VMBUS_CHMSG_UNLOAD };
	uint8_t r[240];

	assert_int_equal(post(CONN1, &m, 8), 0);
	assert_true(pop(r) >= 8);
	assert_int_equal(u32at(r, 0), VMBUS_CHMSG_UNLOAD_RESPONSE);
	expect_no_message();
}

/* vmbus_connect(): 6.1 tries 5.3 first; every version in vmbus_versions[] is accepted. */
static void test_versions(void **st)
{
	(void)st;
	static const uint32_t v[] = { VMBUS_VERSION_WIN10_V5_3, VMBUS_VERSION_WIN10_V5_2,
				      VMBUS_VERSION_WIN10_V5_1, VMBUS_VERSION_WIN10_V5,
				      VMBUS_VERSION_WIN10_V4_1, VMBUS_VERSION_WIN10,
				      VMBUS_VERSION_WIN8_1,	VMBUS_VERSION_WIN8 };
	uint32_t relid = 0, connid = 0;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		contact(v[i], true);
		assert_int_equal(request_offers(&relid, &connid), 4);
		unload();
	}
	/* VERSION_WS2008 (0.13) and WIN7 (1.1) are not in 6.1's list; a host that refuses
	 * answers version_supported = 0 and Linux tries the next one. */
	contact(VMBUS_VERSION(0, 13), false);
	contact(VMBUS_VERSION(1, 1), false);
	/* a 5.x contact on the old connection id is refused, not dropped */
	{
		struct vmbus_chmsg_initiate_contact m = { .h.type = VMBUS_CHMSG_INITIATE_CONTACT,
							  .version = VMBUS_VERSION_WIN10_V5_3,
							  .msg_sint = 2 };
		uint8_t r[240];
		assert_int_equal(post(CONN1, &m, 40), 0);
		assert_true(pop(r) >= 16);
		assert_int_equal(r[8], 0);
	}
	/* a connection id that is not VMBus's message port: HV_STATUS_INVALID_CONNECTION_ID */
	{
		struct vmbus_chmsg_header m = { .type = VMBUS_CHMSG_REQUESTOFFERS };
		assert_int_equal(post(7, &m, 8), 18);
	}
}

/* The storvsc probe path (storvsc_probe -> storvsc_connect_to_vsp -> vmbus_open ->
 * storvsc_channel_init) on the wire, then vmbus_close and the MODIFYCHANNEL of 5.3. */
static void test_storvsc_path(void **st)
{
	(void)st;
	uint32_t relid = 0, connid = 0;
	uint64_t pfn;
	uint8_t *ring;
	struct vmbus_ring_writer out;
	struct vmbus_ring_reader in;
	struct vmbus_ring_mem om, im;
	const uint32_t pages = 2 * VSTOR_RING_BYTES / 4096; /* 64: send 32 + recv 32 */

	contact(VMBUS_VERSION_WIN10_V5_3, true);
	request_offers(&relid, &connid);
	assert_int_not_equal(relid, 0);
	ring = sim_alloc_pages(&S, pages, &pfn);
	assert_non_null(ring);
	/* hv_ringbuffer_init() */
	vmbus_ring_control_init((struct vmbus_ring_control *)ring);
	vmbus_ring_control_init((struct vmbus_ring_control *)(ring + 32 * 4096));
	om = (struct vmbus_ring_mem){ (void *)ring, ring + 4096, 31 * 4096 };
	im = (struct vmbus_ring_mem){ (void *)(ring + 32 * 4096), ring + 33 * 4096, 31 * 4096 };
	assert_int_equal(vmbus_ring_writer_attach(&out, &om), 0);
	assert_int_equal(vmbus_ring_reader_attach(&in, &im), 0);
	/* 64 pages: header (26) + body (28) + body (10) */
	assert_int_equal(vmbus_gpadl_msg_count(pages), 3);
	establish_gpadl(relid, 0xE1E10, pfn, pages, 0);
	assert_int_equal(open_channel(relid, 0xE1E10, 32), 0);
	expect_no_message();

	/* storvsc_channel_init(): each op is a vstor packet of sizeof(vstor_packet) -
	 * vmscsi_size_delta bytes (48 before the version is agreed), in-band with
	 * COMPLETION_REQUESTED, request id VMBUS_RQST_INIT; the answer must be a whole 64-byte
	 * packet with operation COMPLETE_IO and status 0. */
	static const struct {
		uint32_t op;
		uint16_t version;
		uint32_t len;
	} ops[] = {
		{ VSTOR_OP_BEGIN_INITIALIZATION, 0, 48 },
		{ VSTOR_OP_QUERY_PROTOCOL_VERSION, VSTOR_PROTO_WIN10, 48 },
		{ VSTOR_OP_QUERY_PROPERTIES, 0, 64 },
		{ VSTOR_OP_END_INITIALIZATION, 0, 64 },
	};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct vstor_packet vp, rp;
		struct vmbus_iov iov = { &vp, ops[i].len };
		struct vmbus_pkt p;
		uint8_t buf[256];
		bool sig;
		int r;

		memset(&vp, 0, sizeof(vp));
		vp.operation = ops[i].op;
		vp.flags = VSTOR_FLAG_REQUEST_COMPLETION;
		vp.version.major_minor = ops[i].version;
		assert_int_equal(vmbus_ring_write_inband(&out, ~0ull - 1,
							 VMBUS_PKT_FLAG_COMPLETION_REQUESTED, &iov,
							 1, &sig),
				 0);
		if (sig)
			S.env.ops->signal_event(S.env.ctx, connid); /* vmbus_setevent() */
		for (int t = 0; t < 100 && (r = vmbus_ring_read(&in, &p, buf, sizeof(buf), &sig)) ==
						   VMBUS_E_AGAIN;
		     t++)
			sim_run_for(&S, 2);
		assert_int_equal(r, 0);
		assert_int_equal(p.desc.type, VMBUS_PKT_COMPLETION);
		assert_true(p.desc.trans_id == ~0ull - 1);
		assert_true(vmbus_pkt_payload_len(&p) >= VSTOR_PACKET_SIZE);
		vmbus_pkt_copy(&p, p.data_off, &rp, sizeof(rp));
		assert_int_equal(rp.operation, VSTOR_OP_COMPLETE_IO);
		assert_int_equal(rp.status, 0);
		if (ops[i].op == VSTOR_OP_QUERY_PROPERTIES) {
			assert_int_equal(rp.props.max_channel_cnt, 0); /* no sub-channels */
			assert_int_equal(rp.props.flags & 1, 0);
			assert_int_not_equal(rp.props.max_transfer_bytes, 0);
		}
	}
	/* an older protocol than Linux asks first is refused with a non-zero status */
	{
		struct vstor_packet vp, rp;
		struct vmbus_iov iov = { &vp, 48 };
		struct vmbus_pkt p;
		uint8_t buf[256];
		bool sig;
		int r;

		memset(&vp, 0, sizeof(vp));
		vp.operation = VSTOR_OP_QUERY_PROTOCOL_VERSION;
		vp.version.major_minor = 0x0402; /* WIN7 */
		vmbus_ring_write_inband(&out, 77, 1, &iov, 1, &sig);
		if (sig)
			S.env.ops->signal_event(S.env.ctx, connid);
		for (int t = 0; t < 100 && (r = vmbus_ring_read(&in, &p, buf, sizeof(buf), &sig)) ==
						   VMBUS_E_AGAIN;
		     t++)
			sim_run_for(&S, 2);
		assert_int_equal(r, 0);
		vmbus_pkt_copy(&p, p.data_off, &rp, sizeof(rp));
		assert_int_equal(rp.operation, VSTOR_OP_COMPLETE_IO);
		assert_int_not_equal(rp.status, 0);
	}

	/* vmbus_send_modifychannel() at 5.3: MODIFYCHANNEL (16) -> MODIFYCHANNEL_RESPONSE
	 * (>= 16) with status 0, waited on. */
	{
		struct vmbus_chmsg_modify_channel m = { .h.type = VMBUS_CHMSG_MODIFYCHANNEL,
							.child_relid = relid,
							.target_vp = 1 };
		uint8_t r[240];
		assert_int_equal(post(CONN1, &m, 16), 0);
		assert_true(pop(r) >= 16);
		assert_int_equal(u32at(r, 0), VMBUS_CHMSG_MODIFYCHANNEL_RESPONSE);
		assert_int_equal(u32at(r, 8), relid);
		assert_int_equal(u32at(r, 12), 0);
	}
	/* vmbus_close_internal(): CLOSECHANNEL (12 bytes) has no answer; then the ring GPADL
	 * teardown is answered. */
	{
		struct vmbus_chmsg_relid m = { .h.type = VMBUS_CHMSG_CLOSECHANNEL,
					       .child_relid = relid };
		assert_int_equal(post(CONN1, &m, 12), 0);
		expect_no_message();
	}
	teardown_gpadl(relid, 0xE1E10);
	sim_free_pages(&S, ring, pages);
	unload();
}

/* Every wait-without-timeout request answered when the host refuses it. */
static void test_refusals_answered(void **st)
{
	(void)st;
	uint32_t relid = 0, connid = 0;
	uint64_t pfn;
	uint8_t r[240];

	contact(VMBUS_VERSION_WIN10_V5_3, true);
	request_offers(&relid, &connid);
	assert_non_null(sim_alloc_pages(&S, 8, &pfn));
	/* GPADL for a relid that does not exist */
	establish_gpadl(999, 0xE1E20, pfn, 8, 1);
	/* GPADL with a page outside guest RAM */
	establish_gpadl(relid, 0xE1E21, S.npages - 2, 8, 1);
	/* OPENCHANNEL on a GPADL that does not exist */
	assert_int_not_equal(open_channel(relid, 0xE1E22, 4), 0);
	expect_no_message();
	/* OPENCHANNEL with a downstream offset that leaves no send ring */
	establish_gpadl(relid, 0xE1E23, pfn, 8, 0);
	assert_int_not_equal(open_channel(relid, 0xE1E23, 0), 0);
	assert_int_not_equal(open_channel(relid, 0xE1E23, 7), 0);
	/* OPENCHANNEL of a relid never offered */
	assert_int_not_equal(open_channel(1500, 0xE1E23, 4), 0);
	/* GPADL_TEARDOWN of a handle that does not exist */
	teardown_gpadl(relid, 0xDEAD);
	teardown_gpadl(relid, 0xE1E23);
	/* MODIFYCHANNEL of a channel that is not open (5.3: answered, non-zero) */
	{
		struct vmbus_chmsg_modify_channel m = { .h.type = VMBUS_CHMSG_MODIFYCHANNEL,
							.child_relid = relid,
							.target_vp = 1 };
		assert_int_equal(post(CONN1, &m, 16), 0);
		assert_true(pop(r) >= 16);
		assert_int_equal(u32at(r, 0), VMBUS_CHMSG_MODIFYCHANNEL_RESPONSE);
		assert_int_not_equal(u32at(r, 12), 0);
	}
	/* a malformed GPADL_HEADER (range_count 0) still gets its GPADL_CREATED */
	{
		union vmbus_chmsg m;
		memset(&m, 0, sizeof(m));
		m.gpadl_header.h.type = VMBUS_CHMSG_GPADL_HEADER;
		m.gpadl_header.child_relid = relid;
		m.gpadl_header.gpadl = 0xE1E30;
		m.gpadl_header.range_buflen = 16;
		m.gpadl_header.range_count = 0;
		assert_int_equal(post(CONN1, &m, 36), 0);
		assert_int_equal(pop(r), 20);
		assert_int_equal(u32at(r, 0), VMBUS_CHMSG_GPADL_CREATED);
		assert_int_equal(u32at(r, 12), 0xE1E30);
		assert_int_not_equal(u32at(r, 16), 0);
	}
	/* a truncated OPENCHANNEL still gets its OPENCHANNEL_RESULT */
	{
		struct vmbus_chmsg_open_channel m = { .h.type = VMBUS_CHMSG_OPENCHANNEL,
						      .child_relid = relid,
						      .open_id = relid };
		assert_int_equal(post(CONN1, &m, 24), 0);
		assert_int_equal(pop(r), 20);
		assert_int_equal(u32at(r, 0), VMBUS_CHMSG_OPENCHANNEL_RESULT);
		assert_int_not_equal(u32at(r, 16), 0);
	}
	/* before 5.3 MODIFYCHANNEL has no response (Linux does not wait for one) */
	unload();
	contact(VMBUS_VERSION_WIN10_V5_2, true);
	request_offers(&relid, &connid);
	{
		struct vmbus_chmsg_modify_channel m = { .h.type = VMBUS_CHMSG_MODIFYCHANNEL,
							.child_relid = relid,
							.target_vp = 1 };
		assert_int_equal(post(CONN1, &m, 16), 0);
		expect_no_message();
	}
	unload();
}

/* vmbus_onoffer_rescind() -> device removal -> vmbus_close + vmbus_release_relid(). */
static void test_rescind_sequence(void **st)
{
	(void)st;
	uint32_t relid = 0, connid = 0;
	uint8_t r[240];
	struct vmbus_server_stats ss;

	contact(VMBUS_VERSION_WIN10_V5_3, true);
	request_offers(&relid, &connid);
	relid = vmbus_channel_relid(ic_vsp_channel(dev.ic[IC_SERVICE_HEARTBEAT]));
	ic_vsp_remove(dev.ic[IC_SERVICE_HEARTBEAT]);
	dev.ic[IC_SERVICE_HEARTBEAT] = NULL;
	assert_int_equal(pop(r), 12); /* RESCIND_CHANNELOFFER: >= 12 bytes */
	assert_int_equal(u32at(r, 0), VMBUS_CHMSG_RESCIND_OFFER);
	assert_int_equal(u32at(r, 8), relid);
	{
		struct vmbus_chmsg_relid m = { .h.type = VMBUS_CHMSG_RELID_RELEASED,
					       .child_relid = relid };
		assert_int_equal(post(CONN1, &m, 12), 0);
		expect_no_message();
	}
	vmbus_server_get_stats(S.server, &ss);
	assert_int_equal(ss.channels, 3);
	unload();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_storvsc_path),
		cmocka_unit_test(test_refusals_answered),
		cmocka_unit_test(test_rescind_sequence),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
