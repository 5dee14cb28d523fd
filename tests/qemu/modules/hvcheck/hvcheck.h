/* SPDX-License-Identifier: GPL-2.0 */
/* What hvcheck.ko's files share: the hypercall pages and their lock, the call helpers, and a
 * real-mode child partition driven from the kernel (hvcheck_main.c). */
#ifndef HVCHECK_H
#define HVCHECK_H

#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/types.h>

/* The child: CHILD_PAGES pages at GPA CHILD_GFN << 12, real mode, CS = DS base 0x10000. */
#define CHILD_PAGES 16
#define CHILD_GFN   0x10

struct hvc_child {
	struct seq_file *m;
	u64 id;
	struct page *mem, *dep; /* its RAM (CHILD_PAGES) and the 8 pages deposited for it */
};

extern void *hvc_in, *hvc_out; /* one page each; hvc_lock held while in use */
extern struct mutex hvc_lock;

u64 hvc_call(u64 control, void *in, void *out);
u64 hvc_rep_call(u64 code, u32 count, void *in, void *out, u32 *done);
void hvc_stats_line(struct seq_file *m, const char *when);
u64 hvc_create_partition(struct seq_file *m, const char *what, u32 max_vps, u32 flags);
u64 hvc_delete_partition(u64 id);
/* A child for a check: its pages allocated, hvc_lock taken, the statistics before, the
 * partition created with 8 pages deposited (lines printed); end deletes it, prints the
 * statistics after, unlocks and frees. begin: 0 or -ENOMEM (nothing held). */
int hvc_child_begin(struct seq_file *m, struct hvc_child *c);
void hvc_child_end(struct hvc_child *c);
/* Maps mem (CHILD_PAGES pages holding code at offset 0) into the child, creates VP 0 and sets
 * its real-mode segments; prints map, create_vp and set_regs statuses. */
void hvc_child_setup(struct hvc_child *c, struct page *mem, const u8 *code, size_t len);
u64 hvc_child_set(struct hvc_child *c, const u32 *names, const u64 *values, u32 n);
u64 hvc_child_get(struct hvc_child *c, u32 name);
/* Runs VP 0 to an exit other than a host interrupt; prints "run_<what> ..."; the reason. */
u32 hvc_child_run(struct hvc_child *c, const char *what, u32 flags, u64 in_value);

extern const struct file_operations hvc_synic_fops;

#endif
