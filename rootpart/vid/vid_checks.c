// SPDX-License-Identifier: GPL-2.0-only
/*
 * vid.ko's ioctl argument checks and the copies they bound (see vid_checks.h): pure functions
 * of the argument structs, without a kernel call, so that the proof tests/proof/vid/checks.c
 * analyses the code vid.ko runs. 64-bit values are logged through (unsigned long long), which
 * is u64 in the kernel and keeps the format right where hv_u64 is uint64_t.
 */
#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <string.h>
#endif

#include "vid_checks.h"

int vid_check_partition_create(const struct vid_partition_create *a)
{
	if (!a->max_vps || a->max_vps > HV_MAX_VPS_PER_PARTITION) {
		VID_WARN("vid: create partition: max_vps %u not 1..%u\n", a->max_vps,
			 HV_MAX_VPS_PER_PARTITION);
		return -EINVAL;
	}
	if (a->flags || a->reserved[0] || a->reserved[1]) {
		VID_WARN("vid: create partition: flags or reserved fields set\n");
		return -EINVAL;
	}
	return 0;
}

int vid_check_map(const struct vid_map_memory *m)
{
	if (m->reserved0 || (m->flags & ~VID_MAP_FLAGS) || !(m->flags & VID_MAP_READ)) {
		VID_WARN(
			"vid: map memory: flags 0x%x (READ required, known 0x%x) or reserved set\n",
			m->flags, VID_MAP_FLAGS);
		return -EINVAL;
	}
	if ((m->user_addr | m->size | m->guest_phys) & (VID_PAGE_SIZE - 1)) {
		VID_WARN(
			"vid: map memory: user_addr, size and guest_phys must be 4 KiB multiples\n");
		return -EINVAL;
	}
	if (!m->size || m->size > VID_MAP_MAX_SIZE) {
		VID_WARN("vid: map memory: size 0x%llx not 4 KiB..64 GiB\n",
			 (unsigned long long)m->size);
		return -EINVAL;
	}
	/* guest_phys + size <= VID_GPA_LIMIT without the sum overflowing: size is at most
	 * VID_MAP_MAX_SIZE < VID_GPA_LIMIT here, so the difference does not wrap. */
	if (m->guest_phys > VID_GPA_LIMIT - m->size) {
		VID_WARN("vid: map memory: guest range 0x%llx+0x%llx beyond 1 TiB\n",
			 (unsigned long long)m->guest_phys, (unsigned long long)m->size);
		return -EINVAL;
	}
	if (m->user_addr > (hv_u64)-1 - m->size) /* user_addr + size wraps */
		return -EINVAL;
	return 0;
}

int vid_check_vp_create(const struct vid_vp_create *a, hv_u32 max_vps)
{
	if (a->reserved0 || a->vp_index >= max_vps) {
		VID_WARN("vid: create VP: index %u not below max_vps %u, or reserved set\n",
			 a->vp_index, max_vps);
		return -EINVAL;
	}
	return 0;
}

/* Removing (type NONE): the range that starts at connection_id. */
static int check_connection_remove(const struct vid_conn_range conn[VID_CONNECTIONS_MAX],
				   const struct vid_connection *a)
{
	hv_u32 i;

	for (i = 0; i < VID_CONNECTIONS_MAX; i++)
		if (conn[i].count && conn[i].first == a->connection_id)
			break;
	if (a->count || i == VID_CONNECTIONS_MAX) {
		VID_WARN(
			"vid: set connection: removing id %u: count %u not 0 or no range starts there\n",
			a->connection_id, a->count);
		return a->count ? -EINVAL : -ENOENT;
	}
	return (int)i;
}

int vid_check_connection(const struct vid_conn_range conn[VID_CONNECTIONS_MAX],
			 const struct vid_connection *a)
{
	hv_u32 i, free = VID_CONNECTIONS_MAX;

	if (a->reserved0 || a->type > VID_CONNECTION_EVENT) {
		VID_WARN("vid: set connection: type %u unknown or reserved set\n", a->type);
		return -EINVAL;
	}
	if (a->type == VID_CONNECTION_NONE)
		return check_connection_remove(conn, a);
	if (!a->connection_id || !a->count || a->connection_id > HV_CONNECTION_ID_MAX ||
	    a->count > HV_CONNECTION_ID_MAX - a->connection_id + 1 ||
	    (a->type == VID_CONNECTION_EVENT && a->count > VID_EVENT_RANGE_MAX)) {
		VID_WARN("vid: set connection: ids %u+%u not within 1..0x%x (events: at most %u)\n",
			 a->connection_id, a->count, HV_CONNECTION_ID_MAX, VID_EVENT_RANGE_MAX);
		return -EINVAL;
	}
	for (i = 0; i < VID_CONNECTIONS_MAX; i++) {
		const struct vid_conn_range *r = &conn[i];

		if (!r->count) {
			if (i < free)
				free = i;
			continue;
		}
		if (a->connection_id < r->first + r->count &&
		    r->first < a->connection_id + a->count) {
			VID_WARN("vid: set connection: ids %u+%u overlap the range %u+%u\n",
				 a->connection_id, a->count, r->first, r->count);
			return -EEXIST;
		}
	}
	if (free == VID_CONNECTIONS_MAX) {
		VID_WARN("vid: set connection: %u ranges held, the limit\n", VID_CONNECTIONS_MAX);
		return -ENOSPC;
	}
	return (int)free;
}

static int check_target(hv_u32 max_vps, const char *what, hv_u32 vp_index, hv_u32 sint)
{
	if (vp_index >= max_vps || sint >= HV_SINT_COUNT) {
		VID_WARN("vid: %s: vp_index %u not below max_vps %u, or sint %u not 0..%u\n", what,
			 vp_index, max_vps, sint, HV_SINT_COUNT - 1);
		return -EINVAL;
	}
	return 0;
}

int vid_check_post_message(const struct vid_post_message *a, hv_u32 max_vps)
{
	int err = check_target(max_vps, "post message", a->vp_index, a->sint);

	if (err)
		return err;
	if (!a->message_type || a->message_type > VID_MESSAGE_TYPE_MAX ||
	    a->payload_size > VID_MESSAGE_PAYLOAD_MAX) {
		VID_WARN("vid: post message: type 0x%x not 1..0x%x, or payload_size %u over %u\n",
			 a->message_type, VID_MESSAGE_TYPE_MAX, a->payload_size,
			 VID_MESSAGE_PAYLOAD_MAX);
		return -EINVAL;
	}
	return 0;
}

int vid_check_signal_event(const struct vid_signal_event *a, hv_u32 max_vps)
{
	int err = check_target(max_vps, "signal event", a->vp_index, a->sint);

	if (err)
		return err;
	if (a->flag_number >= HV_EVENT_FLAGS_PER_SINT) {
		VID_WARN("vid: signal event: flag_number %u not 0..%u\n", a->flag_number,
			 HV_EVENT_FLAGS_PER_SINT - 1);
		return -EINVAL;
	}
	return 0;
}

int vid_check_signal_eventfd(const struct vid_signal_eventfd *a)
{
	if (a->reserved0 || a->eventfd < -1) {
		VID_WARN("vid: set signal eventfd: fd %d not an fd or -1, or reserved set\n",
			 a->eventfd);
		return -EINVAL;
	}
	return 0;
}

int vid_check_assert_interrupt(const struct vid_assert_interrupt *a, hv_u32 max_vps)
{
	if (a->vp_index >= max_vps || a->vector < 16 || a->vector > 255) {
		VID_WARN(
			"vid: assert interrupt: vp_index %u not below max_vps %u, or vector %u not 16..255\n",
			a->vp_index, max_vps, a->vector);
		return -EINVAL;
	}
	return 0;
}

int vid_check_vp_stats(const struct vid_vp_stats *a, hv_u32 max_vps)
{
	if (a->vp_index >= max_vps || a->reserved0) {
		VID_WARN("vid: vp stats: vp_index %u not below max_vps %u, or reserved set\n",
			 a->vp_index, max_vps);
		return -EINVAL;
	}
	return 0;
}

int vid_check_read_len(size_t len)
{
	if (len < sizeof(struct vid_message)) {
		VID_WARN("vid: read: %zu bytes, less than one %zu-byte message\n", len,
			 sizeof(struct vid_message));
		return -EINVAL;
	}
	return 0;
}

int vid_check_regs(const struct vid_regs *r)
{
	hv_u32 i;

	if (!r->count || r->count > VID_REGS_MAX) {
		VID_WARN("vid: registers: count %u not 1..%u\n", r->count, VID_REGS_MAX);
		return -EINVAL;
	}
	for (i = 0; i < r->count; i++) {
		if (r->regs[i].name >= HV_REG_COUNT || r->regs[i].reserved0) {
			VID_WARN("vid: registers: entry %u: name %u unknown or reserved set\n", i,
				 r->regs[i].name);
			return -EINVAL;
		}
	}
	return 0;
}

int vid_check_run(const struct vid_run *a)
{
	if ((a->flags & ~VID_RUN_FLAGS) || a->reserved0 ||
	    (!(a->flags & VID_RUN_COMPLETE_IN) && a->io_in_value)) {
		VID_WARN(
			"vid: run: flags 0x%x unknown, reserved set or io_in_value without COMPLETE_IN\n",
			a->flags);
		return -EINVAL;
	}
	return 0;
}

int vid_check_run_in(const struct vid_run *a, hv_u8 in_size)
{
	if (!(a->flags & VID_RUN_COMPLETE_IN))
		return 0;
	if (!in_size) {
		VID_WARN("vid: run: COMPLETE_IN but the last exit was no IN or MMIO load\n");
		return -EINVAL;
	}
	if (in_size < 8 && (a->io_in_value >> (8 * in_size))) {
		VID_WARN("vid: run: io_in_value 0x%llx wider than the IN's %u bytes\n",
			 (unsigned long long)a->io_in_value, in_size);
		return -EINVAL;
	}
	return 0;
}

hv_u16 vid_check_post_exit(const struct hv_post_message_in *in, hv_u32 exit_connection_id,
			   hv_u64 partition_id)
{
	if (in->connection_id != exit_connection_id || !in->message_type ||
	    in->message_type > VID_MESSAGE_TYPE_MAX || in->payload_size > VID_MESSAGE_PAYLOAD_MAX) {
		/* The hypervisor checked them: this is a hypervisor built from another abi.h. */
		VID_WARN(
			"vid: partition %llu: post-message exit with connection %u/%u, type 0x%x, size %u: refused\n",
			(unsigned long long)partition_id, exit_connection_id, in->connection_id,
			in->message_type, in->payload_size);
		return HV_STATUS_INVALID_PARAMETER;
	}
	return HV_STATUS_SUCCESS;
}

void vid_post_message_in(struct hv_post_message_direct_in *in, const struct vid_post_message *a,
			 hv_u64 partition_id)
{
	in->partition_id = partition_id;
	in->vp_index = a->vp_index;
	in->sint = a->sint;
	in->message.message_type = a->message_type;
	in->message.payload_size = (hv_u8)a->payload_size;
	memcpy(in->message.payload, a->payload, a->payload_size);
}

void vid_message_from_exit(struct vid_message *m, const struct hv_post_message_in *in,
			   hv_u32 vp_index)
{
	m->connection_id = in->connection_id;
	m->vp_index = vp_index;
	m->message_type = in->message_type;
	m->payload_size = in->payload_size;
	/* The unused tail zeroed by clearing the whole payload first: a memset of the tail of
	 * a full payload would start one past the record, which Frama-C's memset specification
	 * refuses even for length 0 (it wants a readable byte). */
	memset(m->payload, 0, VID_MESSAGE_PAYLOAD_MAX);
	memcpy(m->payload, in->payload, in->payload_size);
}
