/* SPDX-License-Identifier: MIT */
/* ioread: the root's anchor for the child-I/O benchmarks. Reads FILE for SECONDS with QD
 * threads, each one request at a time (queue depth QD), BS bytes per read at random aligned
 * offsets or sequentially (each thread its own stretch), O_DIRECT where the file system has it
 * (tmpfs has not: then through the page cache, which is what the storage VSP reads too), and
 * prints "ioread: N ios in US us (IOPS IOPS, MB/s MB/s), qd QD, BS bytes, random|sequential,
 * direct|cached".
 * usage: ioread FILE QD SECONDS BS random|sequential */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int fd;
static uint64_t file_bytes, bs, deadline_ns;
static int random_io;
static atomic_uint_least64_t total;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *reader(void *arg)
{
	uint64_t rng = 0x9e3779b97f4a7c15ull ^ (uintptr_t)arg, blocks = file_bytes / bs, ios = 0;
	uint64_t next = ((uintptr_t)arg * (blocks / 64 + 1)) % blocks; /* sequential: own stretch */
	void *buf;
	if (posix_memalign(&buf, 4096, bs))
		return NULL;
	while (now_ns() < deadline_ns) {
		for (int i = 0; i < 16; i++) { /* the clock every 16 reads */
			uint64_t blk;
			if (random_io) {
				rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
				blk = rng % blocks;
			} else {
				blk = next;
				next = (next + 1) % blocks;
			}
			if (pread(fd, buf, bs, (off_t)(blk * bs)) != (ssize_t)bs) {
				perror("ioread: pread");
				exit(1);
			}
			ios++;
		}
	}
	atomic_fetch_add(&total, ios);
	free(buf);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage: ioread FILE QD SECONDS BS random|sequential\n"
		       "reads FILE at queue depth QD for SECONDS, BS bytes per read\n");
		return 0;
	}
	if (argc != 6) {
		fprintf(stderr, "usage: ioread FILE QD SECONDS BS random|sequential\n");
		return 2;
	}
	int qd = atoi(argv[2]), seconds = atoi(argv[3]), direct = 1;
	bs = strtoull(argv[4], NULL, 0);
	random_io = strcmp(argv[5], "random") == 0;
	struct stat st;
	fd = open(argv[1], O_RDONLY | O_DIRECT);
	if (fd < 0 && errno == EINVAL) {
		direct = 0;
		fd = open(argv[1], O_RDONLY);
	}
	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "ioread: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	file_bytes = (uint64_t)st.st_size;
	if (S_ISBLK(st.st_mode) && ioctl(fd, BLKGETSIZE64, &file_bytes) != 0) {
		fprintf(stderr, "ioread: %s: BLKGETSIZE64: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (qd < 1 || qd > 256 || seconds < 1 || bs < 512 || bs % 512 || file_bytes < bs) {
		fprintf(stderr,
			"ioread: qd 1-256, seconds >= 1, bs a multiple of 512 in the file\n");
		return 2;
	}
	pthread_t t[256];
	uint64_t t0 = now_ns();
	deadline_ns = t0 + (uint64_t)seconds * 1000000000u;
	for (int i = 0; i < qd; i++)
		pthread_create(&t[i], NULL, reader, (void *)(uintptr_t)(i + 1));
	for (int i = 0; i < qd; i++)
		pthread_join(t[i], NULL);
	uint64_t us = (now_ns() - t0) / 1000, ios = atomic_load(&total);
	printf("ioread: %llu ios in %llu us (%llu IOPS, %llu MB/s), qd %d, %llu bytes, %s, %s\n",
	       (unsigned long long)ios, (unsigned long long)us,
	       (unsigned long long)(us ? ios * 1000000 / us : 0),
	       (unsigned long long)(us ? ios * bs / us : 0), qd, (unsigned long long)bs,
	       random_io ? "random" : "sequential", direct ? "direct" : "cached");
	return 0;
}
