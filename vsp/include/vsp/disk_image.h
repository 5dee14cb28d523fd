/* SPDX-License-Identifier: MIT */
/* A raw disk image file as a block device: open (O_DIRECT when the file system allows it),
 * vectored reads and writes at byte offsets, flush (fdatasync). The calls block; the storage
 * VSP runs them on I/O threads, or on the event loop only with `nowait` (a page-cache hit that
 * returns at once; otherwise EAGAIN and the request goes to a thread). Thread-safe: the calls
 * share the file descriptor, and O_DIRECT writes of partial blocks exclude the other writes. */
#ifndef VSP_DISK_IMAGE_H
#define VSP_DISK_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/uio.h>

#define DISK_IMAGE_BLOCK_SIZE 512u
#define DISK_IMAGE_MAX_IOV    256 /* segments per request */

struct disk_image {
	int fd;
	int tail_fd;   /* O_DIRECT image whose last 4 KiB block is partial: a buffered
				 * descriptor for the I/O that touches it, else -1 */
	uint64_t size; /* bytes; the disk has size / block_size blocks */
	uint32_t block_size;
	bool readonly;
	bool direct;	   /* opened with O_DIRECT */
	bool no_nowait;	   /* the file system refuses RWF_NOWAIT */
	bool memory_fs;	   /* tmpfs / ramfs: residency by cachestat instead */
	bool no_cachestat; /* kernel without cachestat(2) */
	bool swap_seen;	   /* memory_fs: swap configured at the last check */
	uint64_t swap_checked_ms;
	uint32_t dio_align; /* O_DIRECT: buffer address / length / offset alignment */
	/* O_DIRECT writes: a read-modify-write of partial blocks holds it exclusively, every
	 * other write shared, so that no write lands between its read and its write back. */
	pthread_rwlock_t rmw_lock;
	char path[256];
};

/* Open path, with O_DIRECT if try_direct and the file system is backed by a device (not on
 * tmpfs/ramfs, where the page cache is the storage). err (errlen bytes) says why on failure. Returns 0 or -errno. A file whose size is
 * not a multiple of the block size, or below one block, is refused. */
int disk_image_open(struct disk_image *d, const char *path, bool readonly, bool try_direct,
		    char *err, size_t errlen);
void disk_image_close(struct disk_image *d);

/* Read or write the whole of iov[0..n) at byte offset off. With O_DIRECT, buffers that are not
 * aligned go through an aligned bounce buffer. nowait: fail with -EAGAIN instead of blocking
 * (buffered files only; O_DIRECT always returns -EAGAIN so that it runs on a thread). Returns 0
 * when everything moved, -EIO on a short transfer, or -errno. */
int disk_image_rw(struct disk_image *d, bool write, const struct iovec *iov, int n, uint64_t off,
		  bool nowait);

/* fdatasync. Returns 0 or -errno. */
int disk_image_flush(struct disk_image *d);

#endif
