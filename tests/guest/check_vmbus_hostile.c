/* SPDX-License-Identifier: MIT */
/*
 * vmbus-hostile case=<name> [victim=scsi|heartbeat]: a hostile child. One bad thing per case,
 * what it did and what came back printed, then proof that the guest's other channels still
 * work: the heartbeat IC (opened, negotiated, a heartbeat answered) and the SCSI controller
 * (opened, READ CAPACITY, LBA 0 read). A case that breaks a channel (the victim: the SCSI
 * channel by default) proves the other kind first, then closes the broken channel and opens
 * it again. The worker must log the broken channel; the guest cannot see that itself.
 * PASS when the guest survived and every proof worked. Cases: the table at the bottom.
 */
#include "cmdline.h"
#include "hv/abi.h"
#include "synic.h"
#include "testguest.h"
#include "vmbus/gpadl.h"
#include "vmbus_env.h"
#include "vsc/ic_client.h"
#include "vsc/storvsc.h"

#define HANDLE_BASE 0x7e570000u /* GPADL handles of the hostile messages */
#define FLOOD_MAX   100000u
#define FILL_MAX    2000u /* requests sent to make the host write past a bad read_index */

struct hostile {
	uint32_t scsi, heartbeat; /* relids */
	bool victim_is_scsi;
	struct storvsc sv;
	struct ic_client ic;
	uint32_t next_handle;
	uint8_t junk[256];
};

static struct hostile hs;

static void say(const char *what)
{
	con_printf("testguest: hostile: %s\n", what);
}

/* ---- proofs ---- */

static const char *prove_heartbeat(struct hostile *h)
{
	int r = ic_client_open(&h->ic, IC_CLIENT_HEARTBEAT, &tg_vmbus, h->heartbeat);

	if (r)
		return tg_whyf("proof: opening the heartbeat channel: %s", tg_vsc_error(r));
	while (!h->ic.negotiations || !h->ic.requests) {
		if ((r = ic_client_poll(&h->ic)) < 0)
			return tg_whyf("proof: heartbeat channel: %s", tg_vsc_error(r));
		if (!h->ic.negotiations || !h->ic.requests)
			synic_wait();
	}
	if ((r = ic_client_close(&h->ic)))
		return tg_whyf("proof: closing the heartbeat channel: %s", tg_vsc_error(r));
	con_printf("testguest: hostile: proof: heartbeat channel works (negotiated, seq %lu "
		   "answered, closed)\n",
		   h->ic.heartbeat_seq);
	return NULL;
}

static const char *prove_disk(struct hostile *h)
{
	struct storvsc_req q;
	uint64_t pfn, blocks;
	uint32_t bs;
	uint8_t *buf = tg_alloc_pages(1, &pfn);
	int r;

	if (!buf)
		return "proof: no guest memory for a buffer";
	if ((r = storvsc_init(&h->sv, &tg_vmbus, h->scsi)))
		return tg_whyf("proof: opening the SCSI channel: %s", tg_vsc_error(r));
	if ((r = storvsc_read_capacity(&h->sv, 0, &pfn, buf, &blocks, &bs)))
		return tg_whyf("proof: READ CAPACITY: %s", tg_vsc_error(r));
	if (bs > 4096 || (r = storvsc_rw(&h->sv, 0, false, 0, 1, bs, &pfn, 1, &q)))
		return tg_whyf("proof: reading LBA 0 (block size %u): %s", bs, tg_vsc_error(r));
	if ((r = storvsc_close(&h->sv)))
		return tg_whyf("proof: closing the SCSI channel: %s", tg_vsc_error(r));
	tg_free_pages(buf, 1);
	con_printf("testguest: hostile: proof: SCSI channel works (%lu blocks of %u bytes, LBA 0 "
		   "read, closed)\n",
		   blocks, bs);
	return NULL;
}

static const char *prove_all(struct hostile *h)
{
	const char *why = prove_disk(h);
	return why ? why : prove_heartbeat(h);
}

/* ---- the victim channel of the ring and packet cases ---- */

static const char *open_victim(struct hostile *h, struct vsc_channel **ch)
{
	int r;

	if (h->victim_is_scsi) {
		if ((r = storvsc_init(&h->sv, &tg_vmbus, h->scsi)))
			return tg_whyf("opening the SCSI channel: %s", tg_vsc_error(r));
		*ch = &h->sv.ch;
	} else {
		if ((r = ic_client_open(&h->ic, IC_CLIENT_HEARTBEAT, &tg_vmbus, h->heartbeat)))
			return tg_whyf("opening the heartbeat channel: %s", tg_vsc_error(r));
		*ch = &h->ic.ch;
	}
	con_printf("testguest: hostile: victim: the %s channel (relid %u, connection id %u)\n",
		   h->victim_is_scsi ? "SCSI" : "heartbeat", (*ch)->relid, (*ch)->connection_id);
	return NULL;
}

/* After the victim broke: the other kind works, the broken one closes and opens again. */
static const char *after_victim(struct hostile *h, struct vsc_channel *ch)
{
	const char *why = h->victim_is_scsi ? prove_heartbeat(h) : prove_disk(h);
	int r;

	if (why)
		return why;
	if ((r = vmbus_client_close(&tg_vmbus, ch)))
		return tg_whyf("closing the broken channel (CLOSECHANNEL, GPADL_TEARDOWN): %s",
			       tg_vsc_error(r));
	say("the broken channel closed (its GPADL torn down)");
	return h->victim_is_scsi ? prove_disk(h) : prove_heartbeat(h);
}

static void signal_victim(struct vsc_channel *ch)
{
	con_printf("testguest: hostile: HvSignalEvent(%u) -> %u\n", ch->connection_id,
		   synic_signal(ch->connection_id, 0));
}

/* Bytes into the guest->host ring at its current write index, wrapping, then publishes
 * write_index = that index + publish (whatever the bytes say). */
static void forge(struct vsc_channel *ch, const void *bytes, uint32_t len, uint32_t publish)
{
	struct vmbus_ring_mem *m = &ch->out.mem;
	uint32_t w = atomic_load(&m->ctrl->write_index);

	for (uint32_t i = 0; i < len; i++)
		m->data[(w + i) % m->data_size] = ((const uint8_t *)bytes)[i];
	atomic_store(&m->ctrl->write_index, (w + publish) % m->data_size);
	con_printf("testguest: hostile: forged %u bytes at write index %u, published %u\n", len, w,
		   (w + publish) % m->data_size);
}

/* ---- ring and packet cases ---- */

static const char *ring_write_index(struct hostile *h, struct vsc_channel *ch)
{
	(void)h;
	atomic_store(&ch->out.mem.ctrl->write_index, 0xfffffff0u);
	say("guest->host write_index = 0xfffffff0 (beyond the ring)");
	signal_victim(ch);
	return NULL;
}

static const char *ring_misaligned(struct hostile *h, struct vsc_channel *ch)
{
	uint32_t w = atomic_load(&ch->out.mem.ctrl->write_index);

	(void)h;
	atomic_store(&ch->out.mem.ctrl->write_index, w + 4);
	con_printf("testguest: hostile: guest->host write_index %u -> %u (not 8-byte aligned)\n", w,
		   w + 4);
	signal_victim(ch);
	return NULL;
}

/* The host reads read_index only when it might be out of space, so it is made to write a
 * ring-full of completions (TEST UNIT READY, never read). */
static const char *ring_read_index(struct hostile *h, struct vsc_channel *ch)
{
	struct vstor_packet vp;
	struct vmbus_iov iov = { &vp, sizeof(vp) };
	uint32_t sent = 0, stuck = 0;

	if (!h->victim_is_scsi)
		return "case ring-read-index needs victim=scsi (the host must write a lot)";
	atomic_store(&ch->in.mem.ctrl->read_index, ch->in.mem.data_size + 8);
	con_printf("testguest: hostile: host->guest read_index = %u (beyond the ring)\n",
		   ch->in.mem.data_size + 8);
	memset(&vp, 0, sizeof(vp));
	vp.operation = VSTOR_OP_EXECUTE_SRB;
	vp.flags = VSTOR_FLAG_REQUEST_COMPLETION;
	vp.srb.length = sizeof(vp.srb);
	vp.srb.cdb_length = 6; /* TEST UNIT READY */
	vp.srb.data_in = VSTOR_DATA_UNKNOWN;
	vp.srb.srb_flags = 0x00010000u; /* no data transfer */
	while (sent < FILL_MAX && stuck < 200) {
		int r = vsc_channel_send(ch, VMBUS_PKT_DATA_INBAND,
					 VMBUS_PKT_FLAG_COMPLETION_REQUESTED, 0x10000 + sent, &iov,
					 1);
		if (r == VMBUS_OK) {
			sent++;
			stuck = 0;
			continue;
		}
		if (r != VMBUS_E_AGAIN)
			return tg_whyf("sending TEST UNIT READY: %s", tg_vsc_error(r));
		stuck++;
		for (uint64_t t = tg_now_us() + 1000, n = 0; tg_now_us() < t && n < 100000; n++)
			__asm__ volatile("pause");
	}
	con_printf("testguest: hostile: sent %u TEST UNIT READY without reading a completion%s\n",
		   sent, stuck ? "; then the host stopped reading" : "");
	return NULL;
}

static const char *packet_offset(struct hostile *h, struct vsc_channel *ch)
{
	struct vmbus_pkt_desc d = {
		.type = VMBUS_PKT_DATA_INBAND, .offset8 = 9, .len8 = 4, .trans_id = 1
	};
	uint8_t pkt[40] = { 0 };

	(void)h;
	memcpy(pkt, &d, sizeof(d));
	say("a descriptor whose payload offset (72) lies past its length (32)");
	forge(ch, pkt, sizeof(pkt), sizeof(pkt));
	signal_victim(ch);
	return NULL;
}

static const char *packet_length(struct hostile *h, struct vsc_channel *ch)
{
	struct vmbus_pkt_desc d = {
		.type = VMBUS_PKT_DATA_INBAND, .offset8 = 2, .len8 = 0xffff, .trans_id = 2
	};
	uint8_t pkt[40] = { 0 };

	(void)h;
	memcpy(pkt, &d, sizeof(d));
	say("a descriptor claiming 524280 bytes, 40 published");
	forge(ch, pkt, sizeof(pkt), sizeof(pkt));
	signal_victim(ch);
	return NULL;
}

static const char *packet_oversize(struct hostile *h, struct vsc_channel *ch)
{
	static uint8_t big[3000];
	struct vmbus_iov iov = { big, sizeof(big) };
	int r;

	(void)h;
	memset(big, 0x5a, sizeof(big));
	r = vsc_channel_send(ch, VMBUS_PKT_DATA_INBAND, VMBUS_PKT_FLAG_COMPLETION_REQUESTED, 3,
			     &iov, 1);
	con_printf("testguest: hostile: a well-framed in-band packet of %u bytes (storvsc takes "
		   "%u) -> %s\n",
		   (uint32_t)sizeof(big), VSTOR_PACKET_SIZE, tg_vsc_error(r));
	return NULL;
}

static const char *packet_short(struct hostile *h, struct vsc_channel *ch)
{
	uint8_t tiny[16] = { 3 }; /* EXECUTE_SRB, cut short */
	struct vmbus_iov iov = { tiny, sizeof(tiny) };
	int r;

	(void)h;
	r = vsc_channel_send(ch, VMBUS_PKT_DATA_INBAND, VMBUS_PKT_FLAG_COMPLETION_REQUESTED, 5,
			     &iov, 1);
	con_printf("testguest: hostile: a 16-byte request packet (a vstor packet is %u) -> %s\n",
		   VSTOR_PACKET_SIZE, tg_vsc_error(r));
	return NULL;
}

/* ---- GPADL cases ---- */

/* Waits for the answer to one GPADL handle without dropping any other (the client's own wait
 * discards GPADL_CREATED of other handles on the same relid). */
static uint32_t gpadl_answer(uint32_t handle, bool wait, bool *answered)
{
	for (;;) {
		for (uint32_t i = 0; i < tg_vmbus.inbox_count; i++) {
			union vmbus_chmsg *m = &tg_vmbus.inbox[i];
			uint32_t status;
			if (m->h.type != VMBUS_CHMSG_GPADL_CREATED ||
			    m->gpadl_created.gpadl != handle)
				continue;
			status = m->gpadl_created.status;
			for (uint32_t j = i + 1; j < tg_vmbus.inbox_count; j++) {
				tg_vmbus.inbox[j - 1] = tg_vmbus.inbox[j];
				tg_vmbus.inbox_len[j - 1] = tg_vmbus.inbox_len[j];
			}
			tg_vmbus.inbox_count--;
			*answered = true;
			return status;
		}
		if (!wait) {
			*answered = false;
			return 0;
		}
		synic_wait();
	}
}

/* A GPADL the host must accept, waited for and torn down: the host handles messages in
 * order, so every answer to what was posted before is in the inbox after it. */
static const char *fence(struct hostile *h)
{
	uint64_t pfn;
	uint8_t *p = tg_alloc_pages(1, &pfn);
	uint32_t handle;
	int r;

	if (!p)
		return "no guest memory for the fence GPADL";
	r = vmbus_client_create_gpadl(&tg_vmbus, h->heartbeat, pfn, 1, &handle);
	if (r == VSC_OK)
		r = vmbus_client_teardown_gpadl(&tg_vmbus, h->heartbeat, handle);
	tg_free_pages(p, 1);
	return r ? tg_whyf("a good GPADL after the bad one: %s", tg_vsc_error(r)) : NULL;
}

static void report_gpadl(uint32_t handle, const char *what)
{
	bool answered;
	uint32_t st = gpadl_answer(handle, false, &answered);

	if (!answered)
		con_printf("testguest: hostile: %s: no answer yet (the host holds it until its "
			   "bodies or a teardown come)\n",
			   what);
	else
		con_printf("testguest: hostile: %s: GPADL_CREATED status 0x%x%s\n", what, st,
			   st ? " (refused)" : " (ACCEPTED)");
}

static const char *gpadl_outside_ram(struct hostile *h, struct vsc_channel *ch)
{
	uint64_t ram_pfns = tg_boot->ram_bytes >> 12;
	const struct {
		const char *what;
		uint64_t pfn;
		uint32_t n;
	} g[] = {
		{ "4 pages from the first page past RAM", ram_pfns, 4 },
		{ "4 pages straddling the end of RAM", ram_pfns - 2, 4 },
		{ "1 page at 2 TiB", 1ull << 29, 1 },
		{ "1 page at PFN 2^40-1", (1ull << 40) - 1, 1 },
	};

	(void)ch;
	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		uint32_t handle;
		int r = vmbus_client_create_gpadl(&tg_vmbus, h->scsi, g[i].pfn, g[i].n, &handle);
		con_printf("testguest: hostile: GPADL of %s (PFN 0x%lx) -> %s\n", g[i].what,
			   g[i].pfn, tg_vsc_error(r));
		if (r == VSC_OK)
			return tg_whyf("the host accepted a GPADL of %s", g[i].what);
		if (r != VSC_E_REFUSED)
			return tg_whyf("GPADL of %s: %s", g[i].what, tg_vsc_error(r));
	}
	return NULL;
}

static uint32_t post_raw(const void *m, uint32_t len)
{
	return vmbus_client_post(&tg_vmbus, tg_vmbus.msg_conn_id, m, len);
}

static const char *gpadl_huge(struct hostile *h, struct vsc_channel *ch)
{
	union vmbus_chmsg m;
	uint32_t a = h->next_handle++, b = h->next_handle++, st;
	const char *why;
	uint64_t pfn;

	(void)ch;
	if (!tg_alloc_pages(1, &pfn))
		return "no guest memory";
	/* a: one range of 4 GiB - 4 KiB (1M pages) announced, only the header sent */
	memset(&m, 0, sizeof(m));
	m.gpadl_header.h.type = VMBUS_CHMSG_GPADL_HEADER;
	m.gpadl_header.child_relid = h->scsi;
	m.gpadl_header.gpadl = a;
	m.gpadl_header.range_count = 1;
	m.gpadl_header.range_buflen = 0xfff8;
	m.gpadl_header.range_words[0] = 0xfffff000u;
	for (int i = 1; i < 27; i++)
		m.gpadl_header.range_words[i] = pfn;
	st = post_raw(&m, sizeof(m.gpadl_header));
	con_printf("testguest: hostile: GPADL_HEADER 0x%x announcing 1M pages in 0xfff8 bytes of "
		   "ranges, no bodies -> post status %u\n",
		   a, st);
	/* b: 65535 ranges announced */
	m.gpadl_header.gpadl = b;
	m.gpadl_header.range_count = 0xffff;
	m.gpadl_header.range_words[0] = 4096;
	st = post_raw(&m, sizeof(m.gpadl_header));
	con_printf("testguest: hostile: GPADL_HEADER 0x%x announcing 65535 ranges -> post status "
		   "%u\n",
		   b, st);
	if ((why = fence(h)))
		return why;
	report_gpadl(a, "the 1M-page GPADL");
	report_gpadl(b, "the 65535-range GPADL");
	/* a held one goes with its teardown, answered for any handle */
	if (vmbus_client_teardown_gpadl(&tg_vmbus, h->scsi, a) ||
	    vmbus_client_teardown_gpadl(&tg_vmbus, h->scsi, b))
		return "GPADL_TEARDOWN of the huge GPADLs failed";
	say("both torn down (GPADL_TORNDOWN answered)");
	return NULL;
}

static const char *gpadl_body_only(struct hostile *h, struct vsc_channel *ch)
{
	union vmbus_chmsg m;
	uint32_t handle = h->next_handle++;

	(void)ch;
	memset(&m, 0, sizeof(m));
	m.gpadl_body.h.type = VMBUS_CHMSG_GPADL_BODY;
	m.gpadl_body.gpadl = handle;
	m.gpadl_body.words[0] = 0x1234;
	con_printf("testguest: hostile: GPADL_BODY of handle 0x%x that no header opened -> post "
		   "status %u\n",
		   handle, post_raw(&m, 24));
	m.gpadl_body.gpadl = VSC_FIRST_GPADL; /* the client's first, long torn down */
	con_printf("testguest: hostile: GPADL_BODY of handle 0x%x, no header pending -> post "
		   "status %u\n",
		   VSC_FIRST_GPADL, post_raw(&m, 240));
	return fence(h);
}

/* ---- message cases ---- */

static const char *msg_oversize(struct hostile *h, struct vsc_channel *ch)
{
	static const uint32_t sizes[] = { 241, 255, 256, 4096, 0xffffffffu };

	(void)ch;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint16_t st = synic_post(tg_vmbus.msg_conn_id, 1, h->junk, sizes[i]);
		con_printf("testguest: hostile: HvPostMessage payload_size %u -> %u\n", sizes[i],
			   st);
		if (st == HV_STATUS_SUCCESS)
			return tg_whyf("HvPostMessage with payload_size %u succeeded", sizes[i]);
	}
	return fence(h);
}

static const char *msg_malformed(struct hostile *h, struct vsc_channel *ch)
{
	static const uint32_t bad_types[] = { 0, 0x80000000u, 0x80000001u, 0xffffffffu };
	union vmbus_chmsg m;
	uint32_t bad = 0;

	(void)ch;
	for (uint32_t len = 0; len < 8; len++)
		bad += post_raw(h->junk, len) != 0;
	say("8 truncated messages (0-7 bytes)");
	for (uint32_t t = 0; t < 48; t++) {
		if (t == VMBUS_CHMSG_UNLOAD || t == VMBUS_CHMSG_INITIATE_CONTACT ||
		    t == VMBUS_CHMSG_REQUESTOFFERS)
			continue; /* valid resets of the connection, not malformed */
		memset(&m, 0xee, sizeof(m));
		m.h.type = t;
		bad += post_raw(&m, 240) != 0;
		bad += post_raw(&m, 9) != 0;
	}
	con_printf("testguest: hostile: every message type 0-47 filled with 0xee, 240 and 9 "
		   "bytes: %u posts refused by the hypercall\n",
		   bad);
	for (size_t i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
		uint16_t st = synic_post(tg_vmbus.msg_conn_id, bad_types[i], h->junk, 16);
		con_printf("testguest: hostile: HvPostMessage of SynIC message type 0x%x -> %u\n",
			   bad_types[i], st);
		if (st == HV_STATUS_SUCCESS)
			return tg_whyf("HvPostMessage of message type 0x%x succeeded",
				       bad_types[i]);
	}
	return fence(h);
}

static const char *signal_unknown(struct hostile *h, struct vsc_channel *ch)
{
	static const uint32_t ids[] = { 0x999999, 0xfffffe, 0x123456, 0xffffff };

	(void)h;
	(void)ch;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		uint16_t st = synic_signal(ids[i], 0);
		con_printf("testguest: hostile: HvSignalEvent(0x%x) -> %u\n", ids[i], st);
		if (st != HV_STATUS_INVALID_CONNECTION_ID)
			return tg_whyf("HvSignalEvent on unknown connection 0x%x returned %u, not "
				       "18",
				       ids[i], st);
	}
	return NULL;
}

static const char *msg_flood(struct hostile *h, struct vsc_channel *ch)
{
	uint32_t n;
	uint16_t st = 0;

	(void)ch;
	for (n = 0; n < FLOOD_MAX; n++) {
		st = synic_post(tg_vmbus.msg_conn_id, 1, h->junk, 3);
		if (st != HV_STATUS_SUCCESS)
			break;
	}
	if (st == HV_STATUS_INSUFFICIENT_BUFFERS)
		con_printf("testguest: hostile: flood: %u posts accepted, then 19 "
			   "(INSUFFICIENT_BUFFERS)\n",
			   n);
	else if (st == HV_STATUS_SUCCESS)
		con_printf("testguest: hostile: flood: %u posts, all accepted (the worker kept "
			   "up)\n",
			   n);
	else
		return tg_whyf("flood: post %u returned %u (expected 0 or 19)", n, st);
	return fence(h);
}

/* ---- cases ---- */

static const struct hostile_case {
	const char *name;
	bool breaks_victim; /* opens the victim first, proves around it after */
	const char *(*run)(struct hostile *h, struct vsc_channel *ch);
} cases[] = {
	{ "gpadl-outside-ram", false, gpadl_outside_ram },
	{ "gpadl-huge", false, gpadl_huge },
	{ "gpadl-body-only", false, gpadl_body_only },
	{ "ring-write-index", true, ring_write_index },
	{ "ring-misaligned", true, ring_misaligned },
	{ "ring-read-index", true, ring_read_index },
	{ "packet-offset", true, packet_offset },
	{ "packet-length", true, packet_length },
	{ "packet-oversize", true, packet_oversize },
	{ "packet-short", true, packet_short },
	{ "msg-oversize", false, msg_oversize },
	{ "msg-malformed", false, msg_malformed },
	{ "signal-unknown", false, signal_unknown },
	{ "msg-flood", false, msg_flood },
};

static const char *unknown_case(const char *name)
{
	con_puts("testguest: hostile cases:");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		con_printf(" %s", cases[i].name);
	con_puts("\n");
	return tg_whyf("case=%s: not a case (they are listed above)", name);
}

const char *check_vmbus_hostile(const char *cmdline)
{
	struct hostile *h = &hs;
	const struct hostile_case *c = NULL;
	struct vsc_channel *victim = NULL;
	char name[32], v[16];
	const char *why;

	if (!tg_cmdline_get(cmdline, "case", name, sizeof(name)))
		return unknown_case("(none)");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!strcmp(name, cases[i].name))
			c = &cases[i];
	if (!c)
		return unknown_case(name);
	h->victim_is_scsi = !tg_cmdline_get(cmdline, "victim", v, sizeof(v)) ||
			    strcmp(v, "heartbeat");
	h->next_handle = HANDLE_BASE;
	for (uint32_t i = 0; i < sizeof(h->junk); i++)
		h->junk[i] = (uint8_t)(i * 37 + 11);
	if ((why = tg_vmbus_init()) || (why = tg_vmbus_connect()))
		return why;
	h->scsi = tg_vmbus_relid(&vmbus_guid_scsi);
	h->heartbeat = tg_vmbus_relid(&vmbus_guid_heartbeat);
	if (!h->scsi || !h->heartbeat)
		return "the hostile cases need the SCSI controller and the heartbeat IC offered";
	con_printf("testguest: hostile: case %s\n", c->name);
	if (c->breaks_victim && (why = open_victim(h, &victim)))
		return why;
	if ((why = c->run(h, victim)))
		return why;
	why = c->breaks_victim ? after_victim(h, victim) : prove_all(h);
	if (!why)
		con_printf(
			"testguest: hostile: survived %s; signal errors %lu, protocol errors %u\n",
			c->name, tg_signal_errors, tg_vmbus.protocol_errors);
	return why;
}
