/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vid.ko's ioctl argument checks, apart from everything that needs the kernel (user copies,
 * locks, allocations, hypercalls): each takes an ioctl's argument struct as copied in, plus
 * the few values of vid.ko's state it is checked against, and returns 0 or the negative errno
 * the ioctl fails with, logging why (rate-limited) where the handler always did. Also the two
 * copies whose bounds these checks give (a message into the hypervisor's input page, a
 * child's message into the inbox record). No kernel call in vid_checks.c, so the very same
 * file is built into vid.ko (Kbuild) and analysed by the Frama-C proof tests/proof/vid/checks.c,
 * which supplies vid_check_warn(). docs/vid.md says what each ioctl checks.
 */
#ifndef HV_VID_CHECKS_H
#define HV_VID_CHECKS_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/printk.h>
#include <linux/types.h>
/* One rate limit per call site, as the handlers had. */
#define VID_WARN(...) pr_warn_ratelimited(__VA_ARGS__)
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
void vid_check_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define VID_WARN(...) vid_check_warn(__VA_ARGS__)
#endif

#include "vid.h"

/* One connection range the root registered (vid.ko's copy of the hypervisor's). */
struct vid_conn_range {
	hv_u32 first, count, type; /* as registered; count 0: the slot is free */
	unsigned long *pending;	   /* EVENT: a bit per id, set by the child's HvSignalEvent */
};

/* /dev/vid */
int vid_check_partition_create(const struct vid_partition_create *a);
/* Partition fd. vid_check_map leaves access_ok() of the user range to the caller (-EFAULT
 * after every -EINVAL here). */
int vid_check_map(const struct vid_map_memory *m);
int vid_check_vp_create(const struct vid_vp_create *a, hv_u32 max_vps);
/* The slot VID_SET_CONNECTION fills or empties (0..VID_CONNECTIONS_MAX-1), against the
 * ranges held (conn), or -errno. Returned rather than stored, so that the bound is in the
 * value the caller tests. */
int vid_check_connection(const struct vid_conn_range conn[VID_CONNECTIONS_MAX],
			 const struct vid_connection *a);
int vid_check_post_message(const struct vid_post_message *a, hv_u32 max_vps);
int vid_check_signal_event(const struct vid_signal_event *a, hv_u32 max_vps);
int vid_check_signal_eventfd(const struct vid_signal_eventfd *a);
int vid_check_assert_interrupt(const struct vid_assert_interrupt *a, hv_u32 max_vps);
/* Reads only the fields before `stats` (all VID_GET_VP_STATS copies in). */
int vid_check_vp_stats(const struct vid_vp_stats *a, hv_u32 max_vps);
int vid_check_read_len(size_t len);
/* VP fd. vid_check_run reads only the fields before `exit` (all the run copies in);
 * vid_check_run_in checks COMPLETE_IN against the size of the VP's last IN exit (0: none). */
int vid_check_regs(const struct vid_regs *r);
int vid_check_run(const struct vid_run *a);
int vid_check_run_in(const struct vid_run *a, hv_u8 in_size);

/* A HV_RUN_EXIT_POST_MESSAGE exit's message (read once from the run's output page) against the
 * exit record: HV_STATUS_SUCCESS or the status the child's call gets. */
hv_u16 vid_check_post_exit(const struct hv_post_message_in *in, hv_u32 exit_connection_id,
			   hv_u64 partition_id);
/* A checked VID_POST_MESSAGE into the hypervisor's input (zeroed by the caller). */
void vid_post_message_in(struct hv_post_message_direct_in *in, const struct vid_post_message *a,
			 hv_u64 partition_id);
/* A checked post-message exit into an inbox record (the payload's tail zeroed). */
void vid_message_from_exit(struct vid_message *m, const struct hv_post_message_in *in,
			   hv_u32 vp_index);

#endif /* HV_VID_CHECKS_H */
