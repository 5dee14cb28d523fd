/* SPDX-License-Identifier: MIT */
/* libvid: each function is one ioctl on a vid fd (or, for registers, one per VID_REGS_MAX
 * entries), its arguments packed into vid.h's structs, errors returned as -errno. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vid/libvid.h"

/* -EINTR goes back to the caller (a run, or a call waiting for a VP that runs). */
static int vid_ioctl(int fd, unsigned long cmd, void *arg)
{
	int r = ioctl(fd, cmd, arg);

	return r < 0 ? -errno : r;
}

int vid_open(void)
{
	int fd = open(VID_DEVICE, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int vid_get_stats(int vid_fd, struct vid_stats *out)
{
	memset(out, 0, sizeof(*out));
	return vid_ioctl(vid_fd, VID_GET_STATS, out);
}

int vid_partition_create(int vid_fd, uint32_t max_vps, uint32_t flags, uint64_t *partition_id)
{
	struct vid_partition_create a = { .max_vps = max_vps, .flags = flags };
	int fd = vid_ioctl(vid_fd, VID_CREATE_PARTITION, &a);

	if (fd >= 0 && partition_id)
		*partition_id = a.partition_id;
	return fd;
}

int vid_map_memory(int partition_fd, void *addr, uint64_t size, uint64_t guest_phys, uint32_t flags)
{
	struct vid_map_memory m = {
		.user_addr = (uint64_t)(uintptr_t)addr,
		.size = size,
		.guest_phys = guest_phys,
		.flags = flags,
	};

	return vid_ioctl(partition_fd, VID_MAP_MEMORY, &m);
}

int vid_vp_create(int partition_fd, uint32_t vp_index)
{
	struct vid_vp_create a = { .vp_index = vp_index };

	return vid_ioctl(partition_fd, VID_CREATE_VP, &a);
}

/* Gets or sets count registers, VID_REGS_MAX at a time. */
static int vp_regs(int vp_fd, const uint32_t *names, uint64_t *get, const uint64_t *set,
		   uint32_t count, uint32_t *done)
{
	struct vid_regs r;
	uint32_t off = 0;
	int err = 0;

	if (!count)
		err = -EINVAL;
	while (!err && off < count) {
		uint32_t n = count - off < VID_REGS_MAX ? count - off : VID_REGS_MAX;

		memset(&r, 0, sizeof(r));
		r.count = n;
		for (uint32_t i = 0; i < n; i++) {
			r.regs[i].name = names[off + i];
			r.regs[i].value = set ? set[off + i] : 0;
		}
		err = vid_ioctl(vp_fd, set ? VID_SET_REGS : VID_GET_REGS, &r);
		if (r.done > n)
			r.done = 0; /* never trust a count past what was asked */
		for (uint32_t i = 0; get && i < r.done; i++)
			get[off + i] = r.regs[i].value;
		off += r.done;
		if (!err && r.done != n)
			err = -EIO;
	}
	if (done)
		*done = off;
	return err;
}

int vid_vp_get_regs(int vp_fd, const uint32_t *names, uint64_t *values, uint32_t count,
		    uint32_t *done)
{
	return vp_regs(vp_fd, names, values, NULL, count, done);
}

int vid_vp_set_regs(int vp_fd, const uint32_t *names, const uint64_t *values, uint32_t count,
		    uint32_t *done)
{
	return vp_regs(vp_fd, names, NULL, values, count, done);
}

int vid_vp_run(int vp_fd, uint32_t flags, uint64_t io_in_value, struct hv_run_vp_exit *exit)
{
	struct vid_run r = { .flags = flags, .io_in_value = io_in_value };
	int err = vid_ioctl(vp_fd, VID_RUN, &r);

	if (!err)
		*exit = r.exit;
	return err;
}

int vid_set_connection(int partition_fd, uint32_t connection_id, uint32_t count, uint32_t type)
{
	struct vid_connection c = { .connection_id = connection_id, .count = count, .type = type };

	return vid_ioctl(partition_fd, VID_SET_CONNECTION, &c);
}

int vid_post_message(int partition_fd, uint32_t vp_index, uint32_t sint, uint32_t message_type,
		     const void *payload, uint32_t payload_size)
{
	struct vid_post_message m = {
		.vp_index = vp_index,
		.sint = sint,
		.message_type = message_type,
		.payload_size = payload_size,
	};

	if (payload_size > VID_MESSAGE_PAYLOAD_MAX)
		return -EINVAL; /* it could not even be copied */
	if (payload_size)
		memcpy(m.payload, payload, payload_size);
	return vid_ioctl(partition_fd, VID_POST_MESSAGE, &m);
}

int vid_assert_interrupt(int partition_fd, uint32_t vp_index, uint32_t vector)
{
	struct vid_assert_interrupt a = { .vp_index = vp_index, .vector = vector };

	return vid_ioctl(partition_fd, VID_ASSERT_INTERRUPT, &a);
}

int vid_get_vp_stats(int partition_fd, uint32_t vp_index, struct hv_vp_stats *out)
{
	struct vid_vp_stats a = { .vp_index = vp_index };
	int err = vid_ioctl(partition_fd, VID_GET_VP_STATS, &a);

	if (!err)
		*out = a.stats;
	return err;
}

int vid_signal_event(int partition_fd, uint32_t vp_index, uint32_t sint, uint32_t flag_number,
		     bool *newly_signaled)
{
	struct vid_signal_event e = { .vp_index = vp_index,
				      .sint = sint,
				      .flag_number = flag_number };
	int err = vid_ioctl(partition_fd, VID_SIGNAL_EVENT, &e);

	if (!err && newly_signaled)
		*newly_signaled = e.newly_signaled != 0;
	return err;
}

int vid_set_signal_eventfd(int partition_fd, int eventfd)
{
	struct vid_signal_eventfd e = { .eventfd = eventfd };

	return vid_ioctl(partition_fd, VID_SET_SIGNAL_EVENTFD, &e);
}

int vid_get_signals(int partition_fd, struct vid_signals *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = vid_ioctl(partition_fd, VID_GET_SIGNALS, out);
	if (err)
		return err;
	if (out->count > VID_SIGNALS_MAX)
		return -EIO; /* never trust a count past the array */
	return (int)out->count;
}

int vid_get_reference_time(int partition_fd, uint64_t *time)
{
	struct vid_reference_time t = { 0 };
	int err = vid_ioctl(partition_fd, VID_GET_REFERENCE_TIME, &t);

	if (!err)
		*time = t.time;
	return err;
}

int vid_read_messages(int partition_fd, struct vid_message *out, uint32_t max)
{
	ssize_t n;

	if (!max || max > INT_MAX / sizeof(*out))
		return -EINVAL;
	n = read(partition_fd, out, (size_t)max * sizeof(*out));
	if (n < 0)
		return -errno;
	if (n == 0 || n % (ssize_t)sizeof(*out) || (size_t)n > (size_t)max * sizeof(*out))
		return -EIO; /* vid.ko returns whole records only */
	return (int)(n / (ssize_t)sizeof(*out));
}

int vid_close(int fd)
{
	return close(fd) < 0 ? -errno : 0;
}
