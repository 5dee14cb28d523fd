/* SPDX-License-Identifier: MIT */
/* Raw disk image backend: open with O_DIRECT when possible, vectored I/O with an aligned bounce
 * buffer when the guest's buffers do not meet O_DIRECT's alignment, fdatasync for flush. */
#include "vsp/disk_image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <sys/vfs.h>
#include <unistd.h>

/* A regular file whose file system keeps it in memory. Not a device node: fstatfs names the
 * file system the node lives in (devtmpfs is tmpfs), not the disk behind it. */
static bool on_memory_fs(int fd)
{
	struct stat st;
	struct statfs sf;

	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && fstatfs(fd, &sf) == 0 &&
	       (sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC);
}

int disk_image_open(struct disk_image *d, const char *path, bool readonly, bool try_direct,
		    char *err, size_t errlen)
{
	int flags = (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC;
	struct stat st;
	int fd = -1, ret;
	bool tested = false;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->tail_fd = -1;
	if (try_direct) {
		fd = open(path, flags | O_DIRECT);
		if (fd >= 0) {
			tested = true;
			d->memory_fs = on_memory_fs(fd);
			/* Memory file systems accept O_DIRECT (Linux >= 6.6) but gain nothing
			 * from it: there the page cache is the disk, and buffered I/O can
			 * complete inline. */
			if (d->memory_fs) {
				close(fd);
				fd = -1;
			} else {
				d->direct = true;
			}
		}
	}
	if (fd < 0)
		fd = open(path, flags); /* e.g. tmpfs without O_DIRECT support */
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "open %s: %s", path, strerror(e));
		return -e;
	}
	if (!tested)
		d->memory_fs = on_memory_fs(fd);
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		snprintf(err, errlen, "stat %s: %s", path, strerror(-ret));
		goto err_close;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file or block device", path);
		ret = -EINVAL;
		goto err_close;
	}
	/* A block device (an LVM volume, a partition, a whole disk) has no st_size: ask the
	 * device. */
	if (S_ISBLK(st.st_mode)) {
		uint64_t bytes = 0;
		if (ioctl(fd, BLKGETSIZE64, &bytes) < 0) {
			ret = -errno;
			snprintf(err, errlen, "%s: BLKGETSIZE64: %s", path, strerror(-ret));
			goto err_close;
		}
		if (bytes > INT64_MAX) {
			snprintf(err, errlen, "%s: device size %llu is too large", path,
				 (unsigned long long)bytes);
			ret = -EINVAL;
			goto err_close;
		}
		st.st_size = (off_t)bytes;
	}
	if (st.st_size < (off_t)DISK_IMAGE_BLOCK_SIZE || st.st_size % DISK_IMAGE_BLOCK_SIZE) {
		snprintf(err, errlen, "%s: size %lld is not a non-zero multiple of %u", path,
			 (long long)st.st_size, DISK_IMAGE_BLOCK_SIZE);
		ret = -EINVAL;
		goto err_close;
	}
	if (d->direct && st.st_size % 4096) {
		/* Opened now, by the path that was checked: not again later by a name that may
		 * since lead elsewhere (or that d->path holds only truncated). */
		d->tail_fd = open(path, flags);
		if (d->tail_fd < 0) {
			ret = -errno;
			snprintf(err, errlen, "open %s: %s", path, strerror(-ret));
			goto err_close;
		}
	}
	d->fd = fd;
	d->size = (uint64_t)st.st_size;
	d->block_size = DISK_IMAGE_BLOCK_SIZE;
	d->readonly = readonly;
	/* Page alignment satisfies every device's O_DIRECT rules (4Kn included). */
	d->dio_align = 4096;
	snprintf(d->path, sizeof(d->path), "%s", path);
	/* Writer preference: a read-modify-write must not wait forever behind a stream of
	 * overlapping aligned writes from the other I/O threads. */
	pthread_rwlockattr_t attr;
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&d->rmw_lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	return 0;

err_close:
	close(fd);
	return ret;
}

void disk_image_close(struct disk_image *d)
{
	if (d->fd < 0)
		return;
	close(d->fd);
	d->fd = -1;
	if (d->tail_fd >= 0)
		close(d->tail_fd);
	d->tail_fd = -1;
	pthread_rwlock_destroy(&d->rmw_lock);
}

static bool iov_aligned(const struct iovec *iov, int n, uint64_t off, uint32_t align)
{
	if (off % align)
		return false;
	for (int i = 0; i < n; i++)
		if ((uintptr_t)iov[i].iov_base % align || iov[i].iov_len % align)
			return false;
	return true;
}

static size_t iov_total(const struct iovec *iov, int n)
{
	size_t t = 0;
	for (int i = 0; i < n; i++)
		t += iov[i].iov_len;
	return t;
}

/* Loop until everything moved: preadv/pwritev may return short counts. */
static int rw_all(int fd, bool write, const struct iovec *iov_in, int n, uint64_t off, int flags)
{
	struct iovec iov[DISK_IMAGE_MAX_IOV];
	size_t left = iov_total(iov_in, n);

	if (n > (int)(sizeof(iov) / sizeof(iov[0])))
		return -EINVAL;
	memcpy(iov, iov_in, (size_t)n * sizeof(*iov));
	struct iovec *cur = iov;
	while (left > 0) {
		ssize_t r;
		if (n == 1 && flags == 0) /* the common 4 KiB case: the plain call is cheaper */
			r = write ? pwrite(fd, cur->iov_base, cur->iov_len, (off_t)off)
				  : pread(fd, cur->iov_base, cur->iov_len, (off_t)off);
		else
			r = write ? pwritev2(fd, cur, n, (off_t)off, flags)
				  : preadv2(fd, cur, n, (off_t)off, flags);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -EIO; /* read past the end: the image shrank under us */
		left -= (size_t)r;
		off += (uint64_t)r;
		while (r > 0 && n > 0) {
			if ((size_t)r >= cur->iov_len) {
				r -= (ssize_t)cur->iov_len;
				cur++;
				n--;
			} else {
				cur->iov_base = (uint8_t *)cur->iov_base + r;
				cur->iov_len -= (size_t)r;
				r = 0;
			}
		}
		if (left > 0 && (flags & RWF_NOWAIT))
			return -EAGAIN; /* partial page-cache hit: redo the whole on a thread */
	}
	return 0;
}

/* cachestat(2) (Linux >= 6.5), declared here for older headers. */
struct hv_cachestat_range {
	uint64_t off, len;
};
struct hv_cachestat {
	uint64_t nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted;
};
#ifndef __NR_cachestat
#define __NR_cachestat 451
#endif

/* Is swap configured? Asked at most every 100 ms (sysinfo), so that swapon is noticed. */
static bool swap_configured(struct disk_image *d)
{
	struct timespec ts;
	uint64_t now;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	now = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	if (!d->swap_checked_ms || now - d->swap_checked_ms >= 100) {
		struct sysinfo si;
		d->swap_seen = sysinfo(&si) != 0 || si.totalswap != 0;
		d->swap_checked_ms = now ? now : 1;
	}
	return d->swap_seen;
}

/* Memory file systems refuse RWF_NOWAIT; there a read or write cannot wait for a device unless
 * a page is swapped out: without swap never, with swap cachestat tells (shmem counts swapped
 * pages as evicted). */
static int resident_rw(struct disk_image *d, bool write, const struct iovec *iov, int n,
		       uint64_t off, size_t total)
{
	struct hv_cachestat_range r = { off & ~4095ull,
					((off + total + 4095) & ~4095ull) - (off & ~4095ull) };
	struct hv_cachestat cs;

	if (!swap_configured(d))
		return rw_all(d->fd, write, iov, n, off, 0);
	if (d->no_cachestat)
		return -EAGAIN;
	if (syscall(__NR_cachestat, d->fd, &r, &cs, 0) != 0) {
		d->no_cachestat = true;
		return -EAGAIN;
	}
	if (cs.nr_cache != r.len / 4096 || cs.nr_evicted != 0)
		return -EAGAIN;
	return rw_all(d->fd, write, iov, n, off, 0);
}

int disk_image_rw(struct disk_image *d, bool write, const struct iovec *iov, int n, uint64_t off,
		  bool nowait)
{
	size_t total = iov_total(iov, n);
	int ret;

	if (write && d->readonly)
		return -EROFS;
	if (off > d->size || total > d->size - off)
		return -EINVAL;
	if (nowait) {
		/* Synchronous O_DIRECT waits for the device even with RWF_NOWAIT. */
		if (d->direct || d->no_nowait)
			return -EAGAIN;
		if (d->memory_fs)
			return resident_rw(d, write, iov, n, off, total);
		ret = rw_all(d->fd, write, iov, n, off, RWF_NOWAIT);
		if (ret == -EOPNOTSUPP) {
			d->no_nowait = true; /* never again: use the threads */
			return -EAGAIN;
		}
		return ret;
	}
	if (!d->direct)
		return rw_all(d->fd, write, iov, n, off, 0);
	if (iov_aligned(iov, n, off, d->dio_align)) {
		if (!write)
			return rw_all(d->fd, false, iov, n, off, 0);
		pthread_rwlock_rdlock(&d->rmw_lock);
		ret = rw_all(d->fd, true, iov, n, off, 0);
		pthread_rwlock_unlock(&d->rmw_lock);
		return ret;
	}

	/* O_DIRECT with unaligned guest buffers: bounce through an aligned buffer covering the
	 * aligned span (read-modify-write at the edges for writes). */
	uint64_t start = off & ~(uint64_t)(d->dio_align - 1);
	uint64_t end = (off + total + d->dio_align - 1) & ~(uint64_t)(d->dio_align - 1);
	size_t span = (size_t)(end - start);
	bool rmw = write && (start != off || end != off + total);
	uint8_t *bounce = aligned_alloc(d->dio_align, span);
	struct iovec biov = { bounce, span };

	if (!bounce)
		return -ENOMEM;
	if (end > d->size) {
		/* The image's last block is not aligned: use the buffered descriptor. */
		free(bounce);
		ret = rw_all(d->tail_fd, write, iov, n, off, 0);
		if (ret == 0 && write)
			ret = fdatasync(d->tail_fd) < 0 ? -errno : 0;
		return ret;
	}
	if (write) {
		/* Exclusive for a read-modify-write: a write to the same blocks between our read
		 * and our write back would be undone by it. */
		if (rmw)
			pthread_rwlock_wrlock(&d->rmw_lock);
		else
			pthread_rwlock_rdlock(&d->rmw_lock);
	}
	if (!write || rmw) {
		ret = rw_all(d->fd, false, &biov, 1, start, 0);
		if (ret < 0)
			goto out;
	}
	uint8_t *p = bounce + (off - start);
	for (int i = 0; i < n; i++) {
		if (write)
			memcpy(p, iov[i].iov_base, iov[i].iov_len);
		else
			memcpy(iov[i].iov_base, p, iov[i].iov_len);
		p += iov[i].iov_len;
	}
	ret = write ? rw_all(d->fd, true, &biov, 1, start, 0) : 0;
out:
	if (write)
		pthread_rwlock_unlock(&d->rmw_lock);
	free(bounce);
	return ret;
}

int disk_image_flush(struct disk_image *d)
{
	if (d->readonly)
		return 0;
	return fdatasync(d->fd) < 0 ? -errno : 0;
}
