/* SPDX-License-Identifier: MIT */
/*
 * libvid: a thin C wrapper over vid.ko's ioctls (vid.h; docs/vid.md). Every function returns
 * 0 (or a new fd, >= 0) on success and a negative errno on failure; none prints anything or
 * keeps state. -EOPNOTSUPP (or -EPROTO) means the hypervisor does not implement the call yet
 * (vid_not_implemented()). All fds are opened or returned close-on-exec.
 */
#ifndef HV_LIBVID_H
#define HV_LIBVID_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vid.h"

/* /dev/vid: returns its fd. */
int vid_open(void);
/* The hypervisor's and vid.ko's partition counters. */
int vid_get_stats(int vid_fd, struct vid_stats *out);
/* A new child partition: returns its partition fd; *partition_id (may be NULL) gets its id. */
int vid_partition_create(int vid_fd, uint32_t max_vps, uint32_t flags, uint64_t *partition_id);
/* Pins [addr, addr + size) of this process and maps it at guest_phys (VID_MAP_* flags). */
int vid_map_memory(int partition_fd, void *addr, uint64_t size, uint64_t guest_phys,
		   uint32_t flags);
/* VP vp_index of the partition: returns its VP fd. */
int vid_vp_create(int partition_fd, uint32_t vp_index);
/* count registers by name (any count: split into VID_REGS_MAX per ioctl). *done (may be NULL)
 * gets the entries carried out, also on error. */
int vid_vp_get_regs(int vp_fd, const uint32_t *names, uint64_t *values, uint32_t count,
		    uint32_t *done);
int vid_vp_set_regs(int vp_fd, const uint32_t *names, const uint64_t *values, uint32_t count,
		    uint32_t *done);
/* Runs the VP until an exit for the root (-EINTR on a signal). flags: VID_RUN_COMPLETE_IN with
 * the value of the previous exit's IN in io_in_value, else 0. */
int vid_vp_run(int vp_fd, uint32_t flags, uint64_t io_in_value, struct hv_run_vp_exit *exit);
/* ---- SynIC, the VMBus transport (partition fd; docs/vid.md) ---- */
/* Connection ids [connection_id, +count) become VID_CONNECTION_MESSAGE or _EVENT connections;
 * type VID_CONNECTION_NONE with count 0 removes the range that starts at connection_id. */
int vid_set_connection(int partition_fd, uint32_t connection_id, uint32_t count, uint32_t type);
/* A message into SINT sint of VP vp_index; -EAGAIN: its queue is full (retry later). */
int vid_post_message(int partition_fd, uint32_t vp_index, uint32_t sint, uint32_t message_type,
		     const void *payload, uint32_t payload_size);
/* Event flag flag_number of SINT sint of VP vp_index; *newly_signaled (may be NULL): the bit
 * was clear. */
int vid_signal_event(int partition_fd, uint32_t vp_index, uint32_t sint, uint32_t flag_number,
		     bool *newly_signaled);
/* A fixed, edge-triggered interrupt (vector 16..255) for VP vp_index, from the worker's
 * interrupt controller. */
int vid_assert_interrupt(int partition_fd, uint32_t vp_index, uint32_t vector);
/* What VP vp_index has cost so far: its exits by reason and the rest of hv_vp_stats. */
int vid_get_vp_stats(int partition_fd, uint32_t vp_index, struct hv_vp_stats *out);
/* The eventfd signalled when the child signals an event connection (-1: none). */
int vid_set_signal_eventfd(int partition_fd, int eventfd);
/* Takes the pending event connection ids: returns how many are in out->connection_id[]
 * (out->more: call again). */
int vid_get_signals(int partition_fd, struct vid_signals *out);
/* The partition reference time (100 ns units). */
int vid_get_reference_time(int partition_fd, uint64_t *time);
/* Reads up to max (>= 1) of the child's posted messages: returns how many (>= 1), or -EAGAIN
 * on a non-blocking fd with none waiting. */
int vid_read_messages(int partition_fd, struct vid_message *out, uint32_t max);

/* Closes any vid fd (the partition goes when its fd and all its VP fds are closed). */
int vid_close(int fd);

/* err (a negative errno from above) says the hypervisor does not implement the call yet:
 * EOPNOTSUPP (unknown call code) or EPROTO (it refuses the call's form, which is also what a
 * hypervisor answers to a rep call it does not know). */
static inline bool vid_not_implemented(int err)
{
	return err == -EOPNOTSUPP || err == -EPROTO;
}

#endif /* HV_LIBVID_H */
