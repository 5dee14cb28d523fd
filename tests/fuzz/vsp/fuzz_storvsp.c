/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the storage VSP's packet handler on a real server and a fake guest RAM.
 * Once per process: a server with storvsp on a small image, the channel opened by raw
 * messages (contact, GPADL, OPENCHANNEL) over rings in the fake RAM. Each input is a series of
 * packets the guest writes into its ring (in-band or GPA-direct with fuzzed page lists, fuzzed
 * vstor packets and CDBs), then a signal; the target drains the host's answers like a guest.
 * If the input breaks the channel, it is closed and reopened for the next input. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_transport.h"
#include "vmbus/gpadl.h"
#include "vsp/storvsp.h"
#include "vmbus_wire/vstor.h"

#include "fuzz_entry.h"

#define RING_PAGES 16 /* 8 + 8 */
#define RING_PFN   8

static uint8_t ram[FZ_RAM_PAGES * 4096] __attribute__((aligned(4096)));
static struct fz_transport tp;
static uv_loop_t loop;
static struct vmbus_server *srv;
static struct storvsp *sp;
static uint32_t relid, gpadl = 0x100;
static struct vmbus_ring_writer out;
static struct vmbus_ring_reader in;

static void post(const void *m, uint32_t len)
{
	vmbus_server_post_message(srv, 1, m, len);
}

static void open_channel(void)
{
	uint64_t pfns[RING_PAGES];
	union vmbus_chmsg m;
	uint32_t len;
	uint8_t *r = ram + RING_PFN * 4096;
	struct vmbus_ring_mem om = { (void *)r, r + 4096, 7 * 4096 };
	struct vmbus_ring_mem im = { (void *)(r + 8 * 4096), r + 9 * 4096, 7 * 4096 };

	memset(r, 0, RING_PAGES * 4096);
	vmbus_ring_control_init(om.ctrl);
	vmbus_ring_control_init(im.ctrl);
	vmbus_ring_writer_attach(&out, &om);
	vmbus_ring_reader_attach(&in, &im);
	gpadl++;
	for (uint32_t i = 0; i < RING_PAGES; i++)
		pfns[i] = RING_PFN + i;
	for (uint32_t i = 0; i < vmbus_gpadl_msg_count(RING_PAGES); i++) {
		vmbus_gpadl_build_msg(relid, gpadl, 0, RING_PAGES * 4096, pfns, RING_PAGES, i, &m,
				      &len);
		post(&m, len);
	}
	memset(&m, 0, sizeof(m));
	m.open.h.type = VMBUS_CHMSG_OPENCHANNEL;
	m.open.child_relid = relid;
	m.open.open_id = relid;
	m.open.ring_gpadl = gpadl;
	m.open.downstream_page_offset = 8;
	post(&m, 148);
}

static void close_channel(void)
{
	struct vmbus_chmsg_relid c = { .h.type = VMBUS_CHMSG_CLOSECHANNEL, .child_relid = relid };
	struct vmbus_chmsg_gpadl_teardown t = { .h.type = VMBUS_CHMSG_GPADL_TEARDOWN,
						.child_relid = relid,
						.gpadl = gpadl };
	post(&c, sizeof(c));
	post(&t, sizeof(t));
}

static void init_once(void)
{
	char path[] = "/tmp/hv-fuzz-storvsp-XXXXXX", err[256];
	int fd = mkstemp(path);
	struct storvsp_disk_config disk = { path, false };
	struct storvsp_config sc = {
		.disks = &disk, .ndisks = 1, .io_threads = 1, .max_inflight = 16, .no_direct = true
	};
	struct vmbus_server_config cfg = { .loop = &loop, .transport = { &fz_transport_ops, &tp } };
	struct vmbus_chmsg_initiate_contact ic = { .h.type = VMBUS_CHMSG_INITIATE_CONTACT,
						   .version = VMBUS_VERSION_WIN10_V5_3,
						   .msg_sint = 2 };
	struct vmbus_chmsg_header ro = { .type = VMBUS_CHMSG_REQUESTOFFERS };

	if (fd < 0 || ftruncate(fd, 1 << 20) < 0)
		abort();
	close(fd);
	tp.ram = ram;
	uv_loop_init(&loop);
	srv = vmbus_server_create(&cfg);
	sp = storvsp_create(srv, &sc, err, sizeof(err));
	unlink(path); /* the open descriptor keeps it */
	if (!sp)
		abort();
	relid = vmbus_channel_relid(storvsp_channel(sp));
	vmbus_server_post_message(srv, 4, &ic, sizeof(ic));
	post(&ro, sizeof(ro));
	open_channel();
	/* init sequence so that SRBs are accepted */
	static const uint32_t ops[] = { VSTOR_OP_BEGIN_INITIALIZATION,
					VSTOR_OP_QUERY_PROTOCOL_VERSION, VSTOR_OP_QUERY_PROPERTIES,
					VSTOR_OP_END_INITIALIZATION };
	for (int i = 0; i < 4; i++) {
		struct vstor_packet vp = { .operation = ops[i] };
		struct vmbus_iov iov = { &vp, sizeof(vp) };
		bool sig;
		vp.version.major_minor = VSTOR_PROTO_WIN10;
		vmbus_ring_write_inband(&out, 1, 1, &iov, 1, &sig);
	}
	vmbus_server_signal(srv, tp.connid[relid]);
}

static void drain_answers(void)
{
	struct vmbus_pkt p;
	uint8_t buf[512];
	bool sig;

	while (vmbus_ring_read(&in, &p, buf, sizeof(buf), &sig) == VMBUS_OK)
		;
	vmbus_ring_reader_unmask(&in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i = 0;
	struct storvsp_stats st;

	if (!srv)
		init_once();
	while (i + 3 <= size) {
		uint8_t kind = data[i], flags = data[i + 1], len = data[i + 2];
		struct vstor_packet vp;
		struct vmbus_iov iov;
		bool sig;

		i += 3;
		if (len > size - i)
			len = (uint8_t)(size - i);
		/* Start from a valid SRB so that the fuzzer reaches the SCSI layer quickly. */
		memset(&vp, 0, sizeof(vp));
		vp.operation = VSTOR_OP_EXECUTE_SRB;
		vp.srb.cdb_length = 10;
		memcpy(&vp, data + i, len > sizeof(vp) ? sizeof(vp) : len);
		iov.base = &vp;
		iov.len = (kind & 0x40) ? (uint32_t)(kind & 0x3F) : sizeof(vp);
		if (kind & 0x80) {
			uint64_t pfns[4];
			uint32_t n = 1 + (flags & 3), off = (uint32_t)(flags >> 2) * 64;
			for (uint32_t k = 0; k < n; k++)
				pfns[k] = (k < len / 2 ? data[i + 2 * k] : k) % (FZ_RAM_PAGES + 8);
			uint32_t cnt = n * 4096 - off;
			if (vmbus_gpa_range_pages(off, cnt) != n)
				cnt = 1;
			vmbus_ring_write_gpa_direct(&out, i, 1, off, cnt, pfns,
						    (uint32_t)vmbus_gpa_range_pages(off, cnt), &iov,
						    1, &sig);
		} else {
			vmbus_ring_write_raw(&out, kind & 0x0F, flags, i, NULL, 0, &iov, 1, &sig);
		}
		i += len;
	}
	vmbus_server_signal(srv, tp.connid[relid]);
	/* Let the I/O thread finish; answers are read like a guest would. Never block in the
	 * loop: a completion the thread writes into the ring itself wakes only the guest (a no-op
	 * here), not the loop, so UV_RUN_ONCE could wait forever. Bounded at about 2 s. */
	for (int k = 0; k < 20000; k++) {
		drain_answers();
		storvsp_get_stats(sp, &st);
		if (st.inflight == 0)
			break;
		uv_run(&loop, UV_RUN_NOWAIT);
		usleep(100);
	}
	drain_answers();
	vmbus_server_signal(srv, tp.connid[relid]); /* the host may wait for space */
	if (vmbus_channel_state(storvsp_channel(sp)) != VMBUS_CHANNEL_OPEN || out.broken ||
	    in.broken) {
		close_channel();
		open_channel();
	}
	return 0;
}
