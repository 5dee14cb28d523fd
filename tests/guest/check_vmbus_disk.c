/* SPDX-License-Identifier: MIT */
/*
 * vmbus-disk [blocks=N] [seed=S] [mode=write|verify|both] [lun=L] [hold=1]: the disk round trip over
 * VMBus. Connects, opens the storage VSC on the SCSI offer, reads the capacity, then
 *   write:  writes N self-describing pattern blocks (diskpat.h) spread evenly over the disk
 *           (default: every block, at most 1024), then SYNCHRONIZE CACHE;
 *   verify: reads them back and checks each (LBA, seed, size, checksum, body);
 *   both:   (the default) one then the other.
 * A restart round trip writes in one boot and verifies in the next; meanwhile the root checks
 * the image file against the `disk sample` lines (cksum of the block at that LBA). Figures:
 * blocks, bytes and time of each phase from the reference counter. hold=1: afterwards the
 * guest keeps the channel open and sleeps until stopped (a forced stop or a killed worker
 * must not lose what was flushed; `hvctl show` meanwhile lists the channel open).
 */
#include "cmdline.h"
#include "diskpat.h"
#include "synic.h"
#include "testguest.h"
#include "vmbus_env.h"
#include "vsc/storvsc.h"

#define DEFAULT_BLOCKS 1024u
#define MAX_BLOCKS     (1u << 24) /* tg_spread_lba's bound */
#define IO_PAGES       16u	  /* one request moves at most 64 KiB */
#define SAMPLES	       8u

enum disk_mode {
	MODE_WRITE = 1,
	MODE_VERIFY = 2,
	MODE_BOTH = 3
};

struct disk_run {
	struct storvsc sv;
	uint8_t lun;
	uint64_t disk_blocks;
	uint32_t block_size;
	uint64_t n, seed;
	uint32_t io_blocks; /* blocks per request at most */
	uint8_t *buf;
	uint64_t pfns[IO_PAGES];
	uint64_t samples[SAMPLES];
	uint32_t nsamples;
};

static struct disk_run run;

/* The blocks whose cksum is printed: the first, the last and evenly between. */
static void pick_samples(struct disk_run *d)
{
	d->nsamples = d->n < SAMPLES ? (uint32_t)d->n : SAMPLES;
	for (uint32_t s = 0; s < d->nsamples; s++)
		d->samples[s] = d->nsamples == 1 ? 0 : s * (d->n - 1) / (d->nsamples - 1);
}

static void print_if_sample(const struct disk_run *d, uint64_t i, const uint8_t *block)
{
	for (uint32_t s = 0; s < d->nsamples; s++)
		if (d->samples[s] == i) {
			con_printf("testguest: disk sample lba %lu cksum %u size %u\n",
				   tg_spread_lba(i, d->n, d->disk_blocks),
				   tg_cksum(block, d->block_size), d->block_size);
			return;
		}
}

/* Blocks from i on whose LBAs follow each other, up to one request. */
static uint32_t extent(const struct disk_run *d, uint64_t i)
{
	uint64_t lba = tg_spread_lba(i, d->n, d->disk_blocks);
	uint32_t k = 1;

	while (k < d->io_blocks && i + k < d->n &&
	       tg_spread_lba(i + k, d->n, d->disk_blocks) == lba + k)
		k++;
	return k;
}

static const char *io_failed(const char *what, uint64_t lba, int r, const struct storvsc_req *q)
{
	if (r == VSC_E_IO)
		return tg_whyf("%s at LBA %lu: SRB status 0x%x, SCSI status 0x%x, sense key 0x%x "
			       "asc 0x%x",
			       what, lba, q->srb_status, q->scsi_status,
			       q->sense_len > 2 ? q->sense[2] & 0xf : 0,
			       q->sense_len > 12 ? q->sense[12] : 0);
	return tg_whyf("%s at LBA %lu: %s", what, lba, tg_vsc_error(r));
}

static const char *transfer(struct disk_run *d, bool write, uint64_t i, uint32_t k)
{
	uint64_t lba = tg_spread_lba(i, d->n, d->disk_blocks);
	uint32_t npfn = (k * d->block_size + 4095) / 4096;
	struct storvsc_req q;
	int r = storvsc_rw(&d->sv, d->lun, write, lba, k, d->block_size, d->pfns, npfn, &q);

	return r ? io_failed(write ? "WRITE(16)" : "READ(16)", lba, r, &q) : NULL;
}

static void figures(const char *what, uint64_t blocks, uint64_t bytes, uint64_t us)
{
	con_printf("testguest: disk %s %lu blocks (%lu bytes) in %lu us (%lu KiB/s)\n", what,
		   blocks, bytes, us, us ? bytes * 1000000 / 1024 / us : 0);
}

static const char *write_pattern(struct disk_run *d)
{
	uint64_t t0 = tg_now_us(), t1;
	struct storvsc_req q;
	const char *why;
	int r;

	for (uint64_t i = 0; i < d->n;) {
		uint32_t k = extent(d, i);
		for (uint32_t j = 0; j < k; j++) {
			uint8_t *b = d->buf + (size_t)j * d->block_size;
			tg_block_fill(b, d->block_size, tg_spread_lba(i + j, d->n, d->disk_blocks),
				      d->seed);
			print_if_sample(d, i + j, b);
		}
		if ((why = transfer(d, true, i, k)))
			return why;
		i += k;
	}
	t1 = tg_now_us();
	figures("wrote", d->n, d->n * d->block_size, t1 - t0);
	r = storvsc_flush(&d->sv, d->lun, &q);
	if (r)
		return io_failed("SYNCHRONIZE CACHE", 0, r, &q);
	con_printf("testguest: disk flushed (SYNCHRONIZE CACHE) in %lu us\n", tg_now_us() - t1);
	return NULL;
}

static const char *verify_pattern(struct disk_run *d)
{
	uint64_t t0 = tg_now_us();
	const char *why;

	for (uint64_t i = 0; i < d->n;) {
		uint32_t k = extent(d, i);
		memset(d->buf, 0, (size_t)k * d->block_size); /* nothing stale passes */
		if ((why = transfer(d, false, i, k)))
			return why;
		for (uint32_t j = 0; j < k; j++) {
			const uint8_t *b = d->buf + (size_t)j * d->block_size;
			uint64_t lba = tg_spread_lba(i + j, d->n, d->disk_blocks);
			enum tg_block_problem p = tg_block_check(b, d->block_size, lba, d->seed);
			if (p != TG_BLOCK_OK)
				return tg_whyf("LBA %lu (block %lu of %lu, seed %lu): %s", lba,
					       i + j, d->n, d->seed, tg_block_problem_name(p));
			print_if_sample(d, i + j, b);
		}
		i += k;
	}
	figures("verified", d->n, d->n * d->block_size, tg_now_us() - t0);
	return NULL;
}

static const char *parse(const char *cmdline, struct disk_run *d, enum disk_mode *mode)
{
	char m[16];
	uint64_t lun = 0;

	*mode = MODE_BOTH;
	if (tg_cmdline_get(cmdline, "mode", m, sizeof(m))) {
		if (!strcmp(m, "write"))
			*mode = MODE_WRITE;
		else if (!strcmp(m, "verify"))
			*mode = MODE_VERIFY;
		else if (strcmp(m, "both"))
			return tg_whyf("mode=%s: write, verify or both", m);
	}
	d->seed = 1;
	tg_cmdline_u64(cmdline, "seed", &d->seed);
	tg_cmdline_u64(cmdline, "lun", &lun);
	if (lun > 255)
		return tg_whyf("lun=%lu: 0 to 255", lun);
	d->lun = (uint8_t)lun;
	d->n = 0;
	tg_cmdline_u64(cmdline, "blocks", &d->n);
	return NULL;
}

/* Connect, open storvsc, READ CAPACITY, size the run. */
static const char *open_disk(struct disk_run *d)
{
	const char *why;
	uint64_t pfn;
	uint32_t relid;
	int r;

	if ((why = tg_vmbus_init()) || (why = tg_vmbus_connect()))
		return why;
	if (!(relid = tg_vmbus_relid(&vmbus_guid_scsi)))
		return "no SCSI controller offered on VMBus";
	r = storvsc_init(&d->sv, &tg_vmbus, relid);
	if (r)
		return tg_whyf("storvsc on relid %u: %s", relid, tg_vsc_error(r));
	con_printf("testguest: storvsc: relid %u open, protocol 0x%x, max transfer %u bytes\n",
		   relid, d->sv.protocol, d->sv.max_transfer);
	if (!(d->buf = tg_alloc_pages(IO_PAGES, &pfn)))
		return "no guest memory for the I/O buffer";
	for (uint32_t i = 0; i < IO_PAGES; i++)
		d->pfns[i] = pfn + i;
	r = storvsc_read_capacity(&d->sv, d->lun, d->pfns, d->buf, &d->disk_blocks, &d->block_size);
	if (r)
		return tg_whyf("READ CAPACITY(16) of LUN %u: %s", d->lun, tg_vsc_error(r));
	con_printf("testguest: disk lun %u: %lu blocks of %u bytes (%lu KiB)\n", d->lun,
		   d->disk_blocks, d->block_size, d->disk_blocks * d->block_size / 1024);
	return NULL;
}

const char *check_vmbus_disk(const char *cmdline)
{
	struct disk_run *d = &run;
	enum disk_mode mode;
	uint64_t hold = 0;
	const char *why;
	int r;

	tg_cmdline_u64(cmdline, "hold", &hold);

	if ((why = parse(cmdline, d, &mode)) || (why = open_disk(d)))
		return why;
	if (d->block_size < TG_BLOCK_MIN || d->block_size % 8 || d->block_size > IO_PAGES * 4096)
		return tg_whyf("block size %u: the pattern needs 64 bytes to 64 KiB, a multiple "
			       "of 8",
			       d->block_size);
	if (d->n == 0)
		d->n = d->disk_blocks < DEFAULT_BLOCKS ? d->disk_blocks : DEFAULT_BLOCKS;
	if (d->n > d->disk_blocks || d->n > MAX_BLOCKS)
		return tg_whyf("blocks=%lu: the disk has %lu (and at most %u are spread)", d->n,
			       d->disk_blocks, MAX_BLOCKS);
	d->io_blocks =
		(d->sv.max_transfer < IO_PAGES * 4096 ? d->sv.max_transfer : IO_PAGES * 4096) /
		d->block_size;
	if (d->io_blocks == 0)
		return tg_whyf("max transfer %u is below one block", d->sv.max_transfer);
	pick_samples(d);
	con_printf("testguest: disk pattern: %lu blocks spread over %lu, seed %lu, mode %s\n", d->n,
		   d->disk_blocks, d->seed,
		   mode == MODE_BOTH	? "both"
		   : mode == MODE_WRITE ? "write"
					: "verify");
	if ((mode & MODE_WRITE) && (why = write_pattern(d)))
		return why;
	if ((mode & MODE_VERIFY) && (why = verify_pattern(d)))
		return why;
	if (hold) {
		con_puts("testguest: disk done; holding the SCSI channel open (stop me)\n");
		for (;;)
			synic_wait();
	}
	r = storvsc_close(&d->sv);
	if (r)
		return tg_whyf("closing the SCSI channel: %s", tg_vsc_error(r));
	return NULL;
}
