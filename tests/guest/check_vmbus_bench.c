/* SPDX-License-Identifier: MIT */
/*
 * vmbus-bench [qd=N] [seconds=S]: storage figures over VMBus. For each queue depth (qd=N, 1 to
 * 32; default 1 then 32) and S seconds each (default 2): 4 KiB reads at random 4 KiB-aligned
 * offsets, then 64 KiB sequential reads, with N requests kept in flight (storvsc_submit /
 * storvsc_poll). Prints per run
 *   testguest: bench qd <n>: <ios> ios in <us> us (<iops> IOPS, <x.yy> MB/s), <what>
 *   testguest: bench qd <n>: exits per io <x.yy> (signals <s>, interrupts <i>, posts <p>)
 * (the guest's own count of what exits: HvSignalEvent, HvPostMessage, injected interrupts).
 * Integer arithmetic only; no figure is judged here.
 */
#include "cmdline.h"
#include "synic.h"
#include "testguest.h"
#include "vmbus_env.h"
#include "vsc/storvsc.h"

#define QD_MAX	      32u
#define IO_PAGES      16u /* 64 KiB per slot */
#define TIME_EVERY    8u  /* read the clock (an MSR exit) once per this many completions */
#define RANDOM_BYTES  4096u
#define SEQUENT_BYTES 65536u

struct bench_slot {
	struct storvsc_req req;
	uint64_t pfns[IO_PAGES];
	uint64_t lba;
	bool busy;
};

struct bench {
	struct storvsc sv;
	uint64_t disk_blocks;
	uint32_t block_size;
	uint64_t rng, next_lba;
	struct bench_slot slots[QD_MAX];
};

static struct bench bench;

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (24 - 8 * i));
}

/* READ(16) of blocks at lba into the slot's pages, as storvsc_rw builds it, without waiting. */
static void prep_read(struct bench_slot *s, uint64_t lba, uint32_t blocks, uint32_t block_size)
{
	struct storvsc_req *r = &s->req;

	memset(r, 0, sizeof(*r));
	r->cdb[0] = 0x88;
	put_be32(r->cdb + 2, (uint32_t)(lba >> 32));
	put_be32(r->cdb + 6, (uint32_t)lba);
	put_be32(r->cdb + 10, blocks);
	r->cdb_len = 16;
	r->data_in = VSTOR_DATA_READ;
	r->len = blocks * block_size;
	r->pfns = s->pfns;
	r->npfn = (r->len + 4095) / 4096;
	s->lba = lba;
}

static uint64_t pick_lba(struct bench *b, bool random, uint32_t blocks)
{
	uint64_t lba, span = b->disk_blocks / blocks;

	if (random)
		return xorshift(&b->rng) % span * blocks;
	lba = b->next_lba;
	b->next_lba = lba + 2 * (uint64_t)blocks <= b->disk_blocks ? lba + blocks : 0;
	return lba;
}

/* Keep qd in flight until the deadline; *ios = completed. NULL or why. */
static const char *run_queue(struct bench *b, uint32_t qd, bool random, uint32_t bytes,
			     uint64_t deadline, uint64_t *ios)
{
	uint32_t blocks = bytes / b->block_size, inflight = 0, since_clock = 0;
	bool more = true;
	int r;

	*ios = 0;
	while (more || inflight) {
		for (uint32_t i = 0; more && i < qd; i++) {
			struct bench_slot *s = &b->slots[i];
			if (s->busy)
				continue;
			prep_read(s, pick_lba(b, random, blocks), blocks, b->block_size);
			r = storvsc_submit(&b->sv, &s->req);
			if (r == VMBUS_E_AGAIN)
				break;
			if (r)
				return tg_whyf("submitting a read: %s", tg_vsc_error(r));
			s->busy = true;
			inflight++;
		}
		if ((r = storvsc_poll(&b->sv)) < 0)
			return tg_whyf("reading completions: %s", tg_vsc_error(r));
		for (uint32_t i = 0; i < qd; i++) {
			struct bench_slot *s = &b->slots[i];
			if (!s->busy || !s->req.done)
				continue;
			if (s->req.vstor_status || s->req.srb_status != SRB_STATUS_SUCCESS)
				return tg_whyf(
					"read at LBA %lu: vstor status 0x%x, SRB status 0x%x",
					s->lba, s->req.vstor_status, s->req.srb_status);
			s->busy = false;
			inflight--;
			(*ios)++;
			if (++since_clock >= TIME_EVERY) {
				since_clock = 0;
				more = tg_now_us() < deadline;
			}
		}
		if (r == 0 && inflight && (r = vsc_channel_wait(&b->sv.ch)))
			return tg_whyf("waiting for completions: %s", tg_vsc_error(r));
	}
	return NULL;
}

static const char *measure(struct bench *b, uint32_t qd, uint64_t seconds, bool random)
{
	uint32_t bytes = random ? RANDOM_BYTES : SEQUENT_BYTES;
	struct tg_synic_stats st0 = tg_synic_stats;
	uint64_t t0 = tg_now_us(), ios, us, exits, bps;
	const char *why = run_queue(b, qd, random, bytes, t0 + seconds * 1000000, &ios);

	if (why)
		return why;
	us = tg_now_us() - t0;
	if (!us || !ios)
		return "no time passed (no reference counter?) or no I/O completed";
	bps = ios * bytes * 100 / us; /* hundredths of MB/s: bytes per microsecond = MB/s */
	con_printf("testguest: bench qd %u: %lu ios in %lu us (%lu IOPS, %lu.%02lu MB/s), %s\n", qd,
		   ios, us, ios * 1000000 / us, bps / 100, bps % 100,
		   random ? "4 KiB random reads" : "64 KiB sequential reads");
	exits = (tg_synic_stats.signals - st0.signals) + (tg_synic_stats.posts - st0.posts) +
		(tg_synic_stats.interrupts - st0.interrupts);
	con_printf("testguest: bench qd %u: exits per io %lu.%02lu (signals %lu, interrupts %lu, "
		   "posts %lu)\n",
		   qd, exits / ios, exits * 100 / ios % 100, tg_synic_stats.signals - st0.signals,
		   tg_synic_stats.interrupts - st0.interrupts, tg_synic_stats.posts - st0.posts);
	return NULL;
}

static const char *setup(struct bench *b)
{
	const char *why;
	uint32_t relid;
	uint64_t pfn;
	uint8_t *cap;
	int r;

	if ((why = tg_vmbus_init()) || (why = tg_vmbus_connect()))
		return why;
	if (!(relid = tg_vmbus_relid(&vmbus_guid_scsi)))
		return "no SCSI controller offered on VMBus";
	if ((r = storvsc_init(&b->sv, &tg_vmbus, relid)))
		return tg_whyf("storvsc on relid %u: %s", relid, tg_vsc_error(r));
	for (uint32_t i = 0; i < QD_MAX; i++) {
		if (!tg_alloc_pages(IO_PAGES, &pfn))
			return "no guest memory for the I/O buffers";
		for (uint32_t p = 0; p < IO_PAGES; p++)
			b->slots[i].pfns[p] = pfn + p;
	}
	cap = (uint8_t *)(b->slots[0].pfns[0] << 12);
	if ((r = storvsc_read_capacity(&b->sv, 0, b->slots[0].pfns, cap, &b->disk_blocks,
				       &b->block_size)))
		return tg_whyf("READ CAPACITY(16): %s", tg_vsc_error(r));
	if (b->block_size == 0 || RANDOM_BYTES % b->block_size ||
	    b->disk_blocks < 2 * SEQUENT_BYTES / b->block_size ||
	    b->sv.max_transfer < SEQUENT_BYTES)
		return tg_whyf("disk of %lu blocks of %u bytes, max transfer %u: the bench needs "
			       "blocks dividing 4 KiB, 128 KiB of disk and 64 KiB transfers",
			       b->disk_blocks, b->block_size, b->sv.max_transfer);
	con_printf("testguest: bench: disk of %lu blocks of %u bytes\n", b->disk_blocks,
		   b->block_size);
	return NULL;
}

const char *check_vmbus_bench(const char *cmdline)
{
	static const uint32_t default_qds[] = { 1, 32 };
	struct bench *b = &bench;
	uint64_t qd = 0, seconds = 2;
	const char *why;

	tg_cmdline_u64(cmdline, "qd", &qd);
	tg_cmdline_u64(cmdline, "seconds", &seconds);
	if (qd > QD_MAX || seconds == 0 || seconds > 3600)
		return tg_whyf("qd=%lu seconds=%lu: qd 1 to %u, seconds 1 to 3600", qd, seconds,
			       QD_MAX);
	if ((why = setup(b)))
		return why;
	b->rng = 0x9e3779b97f4a7c15ull;
	for (uint32_t i = 0; i < 2; i++) {
		uint32_t q = qd ? (uint32_t)qd : default_qds[i];
		if ((why = measure(b, q, seconds, true)) || (why = measure(b, q, seconds, false)))
			return why;
		if (qd)
			break;
	}
	return NULL;
}
