/* SPDX-License-Identifier: MIT */
/* Benchmark (figures only, never judged): 4 KiB random reads from a guest through the whole
 * device path — simulated guest storvsc -> ring -> VMBus server -> storvsp -> disk image on
 * tmpfs — at queue depth 1 and 32, against the anchor of the same reads done by pread() on the
 * image in the same run. Rounds interleave subject and anchor; medians are printed, with IOPS
 * ratios to the anchor and signals per I/O (both directions, guest->host and host->guest).
 * usage: bench_storage [dir (default /dev/shm)] [I/O threads (0: default)] [threads]
 *   a third argument "threads" sends every read through the I/O threads (no inline I/O). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"
#include "vsc/storvsc.h"
#include "vsp/storvsp.h"

#define IMG_BYTES (128ull << 20)
#define ROUNDS	  7
#define ROUND_NS  300000000ull /* 0.3 s per measurement */
#define QD_MAX	  32

static void die(int line)
{
	fprintf(stderr, "bench_storage: failed at line %d\n", line);
	exit(1);
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next_lba(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (rng % (IMG_BYTES / 4096)) * 8; /* 4 KiB aligned, in 512-byte blocks */
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return v[n / 2];
}

static double anchor_round(int fd, uint8_t *buf)
{
	uint64_t start = uv_hrtime(), n = 0;

	while (uv_hrtime() - start < ROUND_NS) {
		for (int i = 0; i < 64; i++, n++)
			if (pread(fd, buf, 4096, (off_t)(next_lba() * 512)) != 4096)
				die(__LINE__);
	}
	return (double)n * 1e9 / (double)(uv_hrtime() - start);
}

struct subject {
	struct sim *sim;
	struct storvsc *sv;
	struct storvsc_req reqs[QD_MAX];
	uint64_t pfns[QD_MAX];
};

static void prepare(struct storvsc_req *r, uint64_t *pfn)
{
	uint64_t lba = next_lba();

	memset(r, 0, sizeof(*r));
	r->cdb[0] = 0x28; /* READ(10), 8 blocks */
	r->cdb[2] = (uint8_t)(lba >> 24);
	r->cdb[3] = (uint8_t)(lba >> 16);
	r->cdb[4] = (uint8_t)(lba >> 8);
	r->cdb[5] = (uint8_t)lba;
	r->cdb[8] = 8;
	r->cdb_len = 10;
	r->data_in = VSTOR_DATA_READ;
	r->len = 4096;
	r->pfns = pfn;
	r->npfn = 1;
}

/* One measurement at queue depth qd: IOPS, and signals per I/O via *sig. */
static double subject_round(struct subject *s, int qd, double *sig)
{
	uint64_t start, n = 0, sig0 = s->sim->signals_to_host + s->sim->signals_to_guest;
	int inflight = 0;

	start = uv_hrtime();
	for (int i = 0; i < qd; i++) {
		prepare(&s->reqs[i], &s->pfns[i]);
		int rc = storvsc_submit(s->sv, &s->reqs[i]);
		if (rc) {
			fprintf(stderr, "submit: %d\n", rc);
			die(__LINE__);
		}
		inflight++;
	}
	while (inflight) {
		int got = storvsc_poll(s->sv);
		if (got < 0) {
			fprintf(stderr, "poll: %d (ring: %s)\n", got,
				s->sv->ch.in.broken ? s->sv->ch.in.broken : "ok");
			die(__LINE__);
		}
		if (got == 0) {
			if (vsc_channel_wait(&s->sv->ch))
				die(__LINE__);
			continue;
		}
		bool more = uv_hrtime() - start < ROUND_NS;
		for (int i = 0; i < qd; i++) {
			if (!s->reqs[i].done)
				continue;
			if (s->reqs[i].srb_status != SRB_STATUS_SUCCESS) {
				fprintf(stderr, "SRB status %#x, SCSI status %#x, sense %x/%x\n",
					s->reqs[i].srb_status, s->reqs[i].scsi_status,
					s->reqs[i].sense[2], s->reqs[i].sense[12]);
				die(__LINE__);
			}
			n++;
			s->reqs[i].done = false;
			if (more) {
				prepare(&s->reqs[i], &s->pfns[i]);
				if (storvsc_submit(s->sv, &s->reqs[i]))
					die(__LINE__);
			} else {
				s->reqs[i].cdb[15] = 1;
				inflight--;
			}
		}
	}
	*sig = (double)(s->sim->signals_to_host + s->sim->signals_to_guest - sig0) / (double)n;
	return (double)n * 1e9 / (double)(uv_hrtime() - start);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/dev/shm";
	uint32_t threads = argc > 2 ? (uint32_t)atoi(argv[2]) : 0; /* 0: the VSP's default */
	/* "threads": every read goes through the I/O threads, as from a disk that is not in the
	 * page cache (on tmpfs the VSP otherwise completes reads inline on the loop) */
	bool no_inline = argc > 3 && strcmp(argv[3], "threads") == 0;
	char path[256], err[256];
	static uint8_t chunk[1 << 20];
	struct storvsp_disk_config disk;
	struct storvsp_config sc;
	struct storvsp *sp;
	struct sim sim;
	struct storvsc sv;
	struct subject s = { .sim = &sim, .sv = &sv };
	double a[ROUNDS], q1[ROUNDS], q32[ROUNDS], s1[ROUNDS], s32[ROUNDS], r1[ROUNDS], r32[ROUNDS];
	uint8_t *abuf;
	uint64_t pfn;
	int fd;

	snprintf(path, sizeof(path), "%s/hv-bench-storage-XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	for (size_t i = 0; i < sizeof(chunk); i++)
		chunk[i] = (uint8_t)i;
	for (uint64_t off = 0; off < IMG_BYTES; off += sizeof(chunk))
		if (write(fd, chunk, sizeof(chunk)) != (ssize_t)sizeof(chunk))
			return 1;
	if (sim_init(&sim, 64, NULL))
		return 1;
	disk = (struct storvsp_disk_config){ path, true };
	sc = (struct storvsp_config){
		.disks = &disk, .ndisks = 1, .io_threads = threads, .no_inline_io = no_inline
	};
	sp = storvsp_create(sim.server, &sc, err, sizeof(err));
	if (!sp) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (sim_guest_start(&sim, VMBUS_VERSION_WIN10_V5_3) ||
	    storvsc_init(&sv, &sim.client, vmbus_channel_relid(storvsp_channel(sp))))
		return 1;
	if (!sim_alloc_pages(&sim, QD_MAX, &pfn))
		return 1;
	for (int i = 0; i < QD_MAX; i++)
		s.pfns[i] = pfn + i;
	abuf = aligned_alloc(4096, 4096);

	printf("storage bench: 4 KiB random reads, image %llu MiB on %s, %d rounds of %.1f s%s\n",
	       (unsigned long long)(IMG_BYTES >> 20), dir, ROUNDS, ROUND_NS / 1e9,
	       no_inline ? ", all through the I/O threads" : "");
	for (int r = 0; r < ROUNDS; r++) {
		a[r] = anchor_round(fd, abuf);
		q1[r] = subject_round(&s, 1, &s1[r]);
		q32[r] = subject_round(&s, 32, &s32[r]);
		/* each subject round against the anchor round just before it: the machine is
		 * shared, so only neighbours are comparable */
		r1[r] = q1[r] / a[r];
		r32[r] = q32[r] / a[r];
	}
	double am = median(a, ROUNDS), q1m = median(q1, ROUNDS), q32m = median(q32, ROUNDS);
	double s1m = median(s1, ROUNDS), s32m = median(s32, ROUNDS);
	double r1m = median(r1, ROUNDS), r32m = median(r32, ROUNDS);
	{
		struct storvsp_stats st;
		storvsp_get_stats(sp, &st);
		printf("storvsp path: %llu requests, %llu inline (page cache), %llu on I/O threads "
		       "(%llu completed by the thread itself)\n",
		       (unsigned long long)st.requests, (unsigned long long)st.inline_io,
		       (unsigned long long)st.thread_io, (unsigned long long)st.direct_completions);
	}
	printf("anchor pread 4k random: %.0f IOPS\n", am);
	printf("storvsp QD1: %.0f IOPS, ratio %.2f of anchor, %.3f signals per I/O\n", q1m, r1m,
	       s1m);
	printf("storvsp QD32: %.0f IOPS, ratio %.2f of anchor, %.3f signals per I/O\n", q32m, r32m,
	       s32m);
	printf("(medians of %d interleaved rounds; ratios are medians of per-round ratios)\n",
	       ROUNDS);
	printf("goals: QD32 ratio >= 0.80 (%s), QD32 signals per I/O <= 0.20 (%s)\n",
	       r32m >= 0.8 ? "met" : "not met", s32m <= 0.2 ? "met" : "not met");
	storvsc_close(&sv);
	sim_fini(&sim);
	free(abuf);
	close(fd);
	unlink(path);
	return 0;
}
