/* SPDX-License-Identifier: MIT */
/* Storage end to end: a simulated guest negotiates every VMBus version, opens the storage
 * channel with the storvsc init sequence, writes checksummed blocks across the whole image,
 * flushes, re-opens and reads them back; a read-only disk reads and refuses writes with a
 * write-protect sense; SCSI errors come back with the right sense; many requests in flight
 * complete out of order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"
#include "vsc/storvsc.h"
#include "vsp/devices.h"

#define IMG_MIB	    8
#define CHUNK_PAGES 16

static char img_rw[64], img_ro[64];

static void make_image(char *path, const char *tmpl, uint8_t fill)
{
	static uint8_t buf[1 << 20];
	int fd;

	snprintf(path, 64, "%s", tmpl);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	memset(buf, fill, sizeof(buf));
	for (int i = 0; i < IMG_MIB; i++)
		assert_int_equal(write(fd, buf, sizeof(buf)), sizeof(buf));
	close(fd);
}

static int group_setup(void **st)
{
	(void)st;
	make_image(img_rw, "/tmp/hv-storage-rw-XXXXXX", 0);
	make_image(img_ro, "/tmp/hv-storage-ro-XXXXXX", 0xA5);
	return 0;
}

static int group_teardown(void **st)
{
	(void)st;
	unlink(img_rw);
	unlink(img_ro);
	return 0;
}

struct env {
	struct sim sim;
	struct vsp_devices dev;
};

static struct env *start(bool threads_only)
{
	struct env *e = calloc(1, sizeof(*e));
	struct storvsp_disk_config disks[2] = { { img_rw, false }, { img_ro, true } };
	struct vsp_devices_config dc = { .disks = disks,
					 .ndisks = 2,
					 .instance_seed = 7,
					 .shutdown = true,
					 .heartbeat = true,
					 .timesync = true };
	char err[256];

	assert_int_equal(sim_init(&e->sim, 64, NULL), 0);
	if (threads_only) {
		struct storvsp_config sc = {
			.disks = disks, .ndisks = 2, .no_inline_io = true, .io_threads = 4
		};
		e->dev.storage = storvsp_create(e->sim.server, &sc, err, sizeof(err));
	} else {
		assert_int_equal(vsp_devices_add(e->sim.server, &dc, &e->dev, err, sizeof(err)), 0);
	}
	assert_non_null(e->dev.storage);
	return e;
}

static void stop(struct env *e)
{
	assert_int_equal(sim_fini(&e->sim), 0);
	free(e);
}

static uint32_t scsi_relid(struct env *e)
{
	const struct vsc_offer *o = vmbus_client_find_offer(&e->sim.client, &vmbus_guid_scsi, 0);
	assert_non_null(o);
	assert_int_equal(o->msg.flags & VMBUS_OFFER_FLAG_MONITOR_ALLOCATED, 0);
	return o->msg.child_relid;
}

static void test_every_version(void **st)
{
	(void)st;
	static const uint32_t versions[] = { VMBUS_VERSION_WIN10_V5_3, VMBUS_VERSION_WIN10_V5_2,
					     VMBUS_VERSION_WIN10_V5_1, VMBUS_VERSION_WIN10_V5,
					     VMBUS_VERSION_WIN10_V4_1, VMBUS_VERSION_WIN10,
					     VMBUS_VERSION_WIN8_1,     VMBUS_VERSION_WIN8 };
	struct env *e = start(false);
	struct storvsc sv;
	struct storvsc_req r;

	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		assert_int_equal(vmbus_client_contact(&e->sim.client, versions[i]), VSC_OK);
		assert_int_equal(vmbus_server_version(e->sim.server), versions[i]);
		/* from 5.0 the host names the message connection id (1, never 0) */
		assert_int_equal(e->sim.client.msg_conn_id, 1);
		assert_int_equal(vmbus_client_request_offers(&e->sim.client), VSC_OK);
		assert_int_equal(e->sim.client.noffers, 4); /* scsi + 3 ICs */
		/* the storage channel works at every version */
		assert_int_equal(storvsc_init(&sv, &e->sim.client, scsi_relid(e)), VSC_OK);
		assert_int_equal(sv.protocol, VSTOR_PROTO_WIN10);
		assert_int_equal(sv.max_transfer, STORVSP_MAX_TRANSFER);
		assert_int_equal(sv.max_channels, 0);
		assert_int_equal(storvsc_flush(&sv, 0, &r), VSC_OK);
		assert_int_equal(storvsc_close(&sv), VSC_OK);
		assert_int_equal(vmbus_client_unload(&e->sim.client), VSC_OK);
		assert_int_equal(vmbus_server_version(e->sim.server), 0);
	}
	/* versions Linux 6.1 does not offer are refused, and the guest can fall back */
	assert_int_equal(vmbus_client_contact(&e->sim.client, VMBUS_VERSION(6, 0)), VSC_E_REFUSED);
	assert_int_equal(vmbus_client_contact(&e->sim.client, VMBUS_VERSION(0, 13)), VSC_E_REFUSED);
	assert_int_equal(vmbus_client_connect(&e->sim.client, VMBUS_VERSION(9, 9)), VSC_OK);
	assert_int_equal(e->sim.client.version, VMBUS_VERSION_WIN10_V5_3);
	stop(e);
}

static uint64_t pattern(uint64_t lba, uint32_t word)
{
	uint64_t x = lba * 0x9E3779B97F4A7C15ull + word + 0x1234;
	x ^= x >> 29;
	return x * 0xBF58476D1CE4E5B9ull;
}

static void test_disk_roundtrip(void **st)
{
	(void)st;
	struct env *e = start(false);
	struct storvsc sv;
	struct storvsc_req r;
	uint64_t pfn, pfns[CHUNK_PAGES], blocks;
	uint32_t bs, blocks_per_chunk;
	uint8_t *buf;

	assert_int_equal(sim_guest_start(&e->sim, VMBUS_VERSION_WIN10_V5_3), VSC_OK);
	assert_int_equal(storvsc_init(&sv, &e->sim.client, scsi_relid(e)), VSC_OK);
	buf = sim_alloc_pages(&e->sim, CHUNK_PAGES, &pfn);
	assert_non_null(buf);
	for (int i = 0; i < CHUNK_PAGES; i++)
		pfns[i] = pfn + i;
	assert_int_equal(storvsc_read_capacity(&sv, 0, pfns, buf, &blocks, &bs), VSC_OK);
	assert_int_equal(bs, 512);
	assert_int_equal(blocks, IMG_MIB * 2048);
	blocks_per_chunk = CHUNK_PAGES * 4096 / bs;

	/* checksummed blocks across the whole image */
	for (uint64_t lba = 0; lba < blocks; lba += blocks_per_chunk) {
		uint64_t *w = (uint64_t *)buf;
		for (uint32_t i = 0; i < CHUNK_PAGES * 4096 / 8; i++)
			w[i] = pattern(lba + i / 64, i % 64);
		assert_int_equal(storvsc_rw(&sv, 0, true, lba, blocks_per_chunk, bs, pfns,
					    CHUNK_PAGES, &r),
				 VSC_OK);
		assert_int_equal(r.xfer, CHUNK_PAGES * 4096);
	}
	assert_int_equal(storvsc_flush(&sv, 0, &r), VSC_OK);
	assert_int_equal(storvsc_close(&sv), VSC_OK);

	/* re-open the channel, read everything back */
	assert_int_equal(storvsc_init(&sv, &e->sim.client, scsi_relid(e)), VSC_OK);
	for (uint64_t lba = 0; lba < blocks; lba += blocks_per_chunk) {
		uint64_t *w = (uint64_t *)buf;
		memset(buf, 0, CHUNK_PAGES * 4096);
		assert_int_equal(storvsc_rw(&sv, 0, false, lba, blocks_per_chunk, bs, pfns,
					    CHUNK_PAGES, &r),
				 VSC_OK);
		for (uint32_t i = 0; i < CHUNK_PAGES * 4096 / 8; i++)
			if (w[i] != pattern(lba + i / 64, i % 64))
				fail_msg("mismatch at LBA %llu word %u",
					 (unsigned long long)(lba + i / 64), i % 64);
	}
	/* and the image file itself holds the data */
	{
		int fd = open(img_rw, O_RDONLY);
		uint64_t word;
		assert_int_equal(pread(fd, &word, 8, 512 * 1000 + 8 * 3), 8);
		assert_true(word == pattern(1000, 3));
		close(fd);
	}
	/* an unaligned buffer (offset into the first page) also works */
	r.lun = 0;
	memset(&r, 0, sizeof(r));
	r.cdb[0] = 0x28; /* READ(10) LBA 1000, 1 block */
	r.cdb[4] = 1000 >> 8;
	r.cdb[5] = 1000 & 0xff;
	r.cdb[8] = 1;
	r.cdb_len = 10;
	r.data_in = VSTOR_DATA_READ;
	r.byte_offset = 3800; /* crosses into the second page */
	r.len = 512;
	r.pfns = pfns;
	r.npfn = 2;
	assert_int_equal(storvsc_execute(&sv, &r), VSC_OK);
	{
		uint64_t word;
		memcpy(&word, buf + 3800 + 8 * 3, 8);
		assert_true(word == pattern(1000, 3));
	}
	/* hvctl top's storage counters: every READ and WRITE, with its bytes */
	{
		struct storvsp_stats ss;
		uint64_t chunks = (blocks + blocks_per_chunk - 1) / blocks_per_chunk;
		storvsp_get_stats(e->dev.storage, &ss);
		assert_int_equal(ss.writes, chunks);
		assert_int_equal(ss.write_bytes, blocks * bs);
		assert_int_equal(ss.reads, chunks + 1);
		assert_int_equal(ss.read_bytes, blocks * bs + 512);
	}
	assert_int_equal(storvsc_close(&sv), VSC_OK);
	stop(e);
}

static void expect_sense(const struct storvsc_req *r, uint8_t key, uint8_t asc)
{
	assert_int_equal(r->srb_status, SRB_STATUS_ERROR | SRB_STATUS_AUTOSENSE_VALID);
	assert_int_equal(r->scsi_status, 2);
	assert_true(r->sense_len >= 14);
	assert_int_equal(r->sense[2] & 0xf, key);
	assert_int_equal(r->sense[12], asc);
	assert_int_equal(r->xfer, 0);
}

static void test_readonly_and_errors(void **st)
{
	(void)st;
	struct env *e = start(false);
	struct storvsc sv;
	struct storvsc_req r;
	uint64_t pfn, pfns[2];
	uint8_t *buf;

	assert_int_equal(sim_guest_start(&e->sim, VMBUS_VERSION_WIN10_V5_2), VSC_OK);
	assert_int_equal(storvsc_init(&sv, &e->sim.client, scsi_relid(e)), VSC_OK);
	buf = sim_alloc_pages(&e->sim, 2, &pfn);
	pfns[0] = pfn;
	pfns[1] = pfn + 1;

	/* LUN 1 is read-only: reads work */
	assert_int_equal(storvsc_rw(&sv, 1, false, 8, 16, 512, pfns, 2, &r), VSC_OK);
	assert_int_equal(buf[0], 0xA5);
	assert_int_equal(buf[8191], 0xA5);
	/* writes fail with DATA PROTECT / WRITE PROTECTED */
	assert_int_equal(storvsc_rw(&sv, 1, true, 8, 16, 512, pfns, 2, &r), VSC_E_IO);
	expect_sense(&r, 0x7, 0x27);
	/* LBA out of range */
	assert_int_equal(storvsc_rw(&sv, 0, false, IMG_MIB * 2048 - 1, 2, 512, pfns, 1, &r),
			 VSC_E_IO);
	expect_sense(&r, 0x5, 0x21);
	/* unknown opcode */
	memset(&r, 0, sizeof(r));
	r.cdb[0] = 0x04; /* FORMAT UNIT */
	r.cdb_len = 6;
	assert_int_equal(storvsc_execute(&sv, &r), VSC_E_IO);
	expect_sense(&r, 0x5, 0x20);
	/* buffer shorter than the transfer: READ(10) of 8 blocks into 512 bytes */
	memset(&r, 0, sizeof(r));
	r.cdb[0] = 0x28;
	r.cdb[8] = 8;
	r.cdb_len = 10;
	r.data_in = VSTOR_DATA_READ;
	r.len = 512;
	r.pfns = pfns;
	r.npfn = 1;
	assert_int_equal(storvsc_execute(&sv, &r), VSC_E_IO);
	expect_sense(&r, 0x5, 0x24);
	/* a LUN that does not exist: SRB_STATUS_INVALID_LUN; INQUIRY says qualifier 3 */
	memset(&r, 0, sizeof(r));
	r.lun = 5;
	r.cdb_len = 6; /* TEST UNIT READY */
	assert_int_equal(storvsc_execute(&sv, &r), VSC_E_IO);
	assert_int_equal(r.srb_status, SRB_STATUS_INVALID_LUN);
	memset(&r, 0, sizeof(r));
	r.lun = 5;
	r.cdb[0] = 0x12;
	r.cdb[4] = 36;
	r.cdb_len = 6;
	r.data_in = VSTOR_DATA_READ;
	r.len = 36;
	r.pfns = pfns;
	r.npfn = 1;
	assert_int_equal(storvsc_execute(&sv, &r), VSC_OK);
	assert_int_equal(buf[0], 0x7F);
	assert_int_equal(r.xfer, 36);
	/* REPORT LUNS lists 0 and 1 */
	memset(&r, 0, sizeof(r));
	r.cdb[0] = 0xA0;
	r.cdb[9] = 64;
	r.cdb_len = 12;
	r.data_in = VSTOR_DATA_READ;
	r.len = 64;
	r.pfns = pfns;
	r.npfn = 1;
	assert_int_equal(storvsc_execute(&sv, &r), VSC_OK);
	assert_int_equal(buf[3], 16);
	assert_int_equal(buf[8 + 1], 0);
	assert_int_equal(buf[16 + 1], 1);
	assert_int_equal(storvsc_close(&sv), VSC_OK);
	stop(e);
}

/* Many requests in flight on the I/O threads: every one completes, matched by id. */
static void test_queue_depth(void **st)
{
	(void)st;
	struct env *e = start(true);
	struct storvsc sv;
	struct storvsc_req reqs[64];
	uint64_t pfn, pfns[64];
	uint8_t *buf;
	int done = 0, out_of_order = 0, last = -1;

	assert_int_equal(sim_guest_start(&e->sim, VMBUS_VERSION_WIN10_V5_3), VSC_OK);
	assert_int_equal(storvsc_init(&sv, &e->sim.client, scsi_relid(e)), VSC_OK);
	buf = sim_alloc_pages(&e->sim, 64, &pfn);
	assert_non_null(buf);
	for (int i = 0; i < 64; i++) {
		pfns[i] = pfn + i;
		memset(&reqs[i], 0, sizeof(reqs[i]));
		reqs[i].cdb[0] = (i % 8 == 7) ? 0x35 : 0x28; /* flushes among reads */
		reqs[i].cdb[5] = (uint8_t)(i * 8);
		reqs[i].cdb[8] = reqs[i].cdb[0] == 0x28 ? 8 : 0;
		reqs[i].cdb_len = 10;
		reqs[i].data_in = VSTOR_DATA_READ;
		reqs[i].len = reqs[i].cdb[0] == 0x28 ? 4096 : 0;
		reqs[i].pfns = &pfns[i];
		reqs[i].npfn = 1;
		assert_int_equal(storvsc_submit(&sv, &reqs[i]), VSC_OK);
	}
	assert_true(sv.inflight > 32);
	while (done < 64) {
		int n = storvsc_poll(&sv);
		assert_true(n >= 0);
		for (int i = 0; i < 64; i++)
			if (reqs[i].done && reqs[i].cdb[15] == 0) {
				reqs[i].cdb[15] = 1; /* seen */
				if (i < last)
					out_of_order++;
				last = i;
				done++;
				assert_int_equal(reqs[i].srb_status, SRB_STATUS_SUCCESS);
			}
		if (done < 64 && n == 0)
			assert_int_equal(vsc_channel_wait(&sv.ch), VSC_OK);
	}
	print_message("64 requests completed, %d seen out of submission order\n", out_of_order);
	{
		struct storvsp_stats ss;
		storvsp_get_stats(e->dev.storage, &ss);
		assert_int_equal(ss.inflight, 0);
		assert_true(ss.thread_io >= 64);
	}
	assert_int_equal(storvsc_close(&sv), VSC_OK);
	stop(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_version),
		cmocka_unit_test(test_disk_roundtrip),
		cmocka_unit_test(test_readonly_and_errors),
		cmocka_unit_test(test_queue_depth),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
