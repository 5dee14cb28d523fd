// SPDX-License-Identifier: GPL-2.0-only
/*
 * vid.ko's partitions: VID_CREATE_PARTITION (the child in the hypervisor, its first deposit,
 * the partition fd), the partition fd's operations (ioctls; read and poll give the child's
 * SynIC messages, vid_inbox.c), and the end of a partition when its last fd is closed (also
 * when the worker is killed): delete the child, which hands back every deposited page zeroed,
 * free those pages, unpin the child's memory, drop its SynIC state (the eventfd included).
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vid_priv.h"

static void free_hypercall_pages(struct vid_partition *p)
{
	vid_synic_fini(&p->synic);
	free_page((unsigned long)p->deposit_page);
	free_page((unsigned long)p->out_page);
	free_page((unsigned long)p->in_page);
}

/* The hypervisor handed the deposited pages back zeroed (delete): they are the root's again. */
static void free_deposited(struct vid_partition *p)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, &p->deposited, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
	atomic64_sub(p->deposited_count, &vid_deposited_pages);
	p->deposited_count = 0;
}

/*
 * Deletes the child and releases what it held. If the hypervisor refuses the delete, it still
 * holds the deposited pages and may still map the pinned ones into the child: both are kept
 * back for good (counted as leaked) rather than given to the kernel again.
 */
static void vid_partition_destroy(struct kref *ref)
{
	struct vid_partition *p = container_of(ref, struct vid_partition, ref);
	struct hv_partition_ref *in = p->in_page;
	bool leak = false;
	u64 st;

	if (p->id) {
		memset(in, 0, PAGE_SIZE);
		in->partition_id = p->id;
		st = vid_hc(HV_CALL_DELETE_PARTITION, in, NULL) & HV_STATUS_MASK;
		if (st != HV_STATUS_SUCCESS) {
			pr_err("vid: partition %llu: delete refused (status %llu): keeping its %llu deposited pages and its memory pinned\n",
			       p->id, st, p->deposited_count);
			leak = true;
		}
	}
	if (leak) {
		atomic64_add(p->deposited_count, &vid_leaked_pages);
		atomic64_sub(p->deposited_count, &vid_deposited_pages);
	} else {
		free_deposited(p);
	}
	vid_memory_release(p, leak);
	free_hypercall_pages(p);
	atomic_dec(&vid_partitions);
	kfree(p);
}

void vid_partition_put(struct vid_partition *p)
{
	kref_put(&p->ref, vid_partition_destroy);
}

static int vid_partition_release(struct inode *inode, struct file *file)
{
	vid_partition_put(file->private_data);
	return 0;
}

static long vid_partition_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct vid_partition *p = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VID_MAP_MEMORY:
		return vid_memory_map(p, uarg);
	case VID_CREATE_VP:
		return vid_vp_create(p, uarg);
	default:
		return vid_synic_ioctl(p, cmd, uarg);
	}
}

static const struct file_operations vid_partition_fops = {
	.owner = THIS_MODULE,
	.release = vid_partition_release,
	.read = vid_inbox_read,
	.poll = vid_inbox_poll,
	.unlocked_ioctl = vid_partition_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct vid_partition *vid_partition_alloc(u32 max_vps)
{
	struct vid_partition *p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);

	if (!p)
		return NULL;
	kref_init(&p->ref);
	mutex_init(&p->lock);
	INIT_LIST_HEAD(&p->deposited);
	INIT_LIST_HEAD(&p->ranges);
	p->max_vps = max_vps;
	p->in_page = (void *)__get_free_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	p->out_page = (void *)__get_free_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	p->deposit_page = (void *)__get_free_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (vid_synic_init(&p->synic) || !p->in_page || !p->out_page || !p->deposit_page) {
		free_hypercall_pages(p);
		kfree(p);
		return NULL;
	}
	atomic_inc(&vid_partitions);
	return p;
}

/* The child in the hypervisor and its first deposit; on failure the caller puts p. */
static int vid_partition_hv_create(struct vid_partition *p)
{
	struct hv_partition_create_in *in = p->in_page;
	struct hv_partition_create_out *out = p->out_page;
	u64 st;
	int err;

	mutex_lock(&p->lock);
	memset(in, 0, PAGE_SIZE);
	in->max_vps = p->max_vps;
	st = vid_hc(HV_CALL_CREATE_PARTITION, in, out) & HV_STATUS_MASK;
	if (st == HV_STATUS_SUCCESS)
		p->id = READ_ONCE(out->partition_id);
	if (st == HV_STATUS_NO_RESOURCES) {
		pr_warn_ratelimited(
			"vid: create partition: the hypervisor holds %u partitions, its limit\n",
			HV_MAX_CHILD_PARTITIONS);
		err = -ENOSPC;
	} else {
		err = vid_status_errno(st, "create partition", 0);
	}
	if (!err)
		err = vid_deposit(p, VID_DEPOSIT_INITIAL);
	mutex_unlock(&p->lock);
	return err;
}

/* VID_CREATE_PARTITION on /dev/vid: returns the new partition fd. */
long vid_partition_create(void __user *uarg)
{
	struct vid_partition_create a;
	struct vid_partition *p;
	struct file *file;
	int fd, err;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	err = vid_check_partition_create(&a);
	if (err)
		return err;
	p = vid_partition_alloc(a.max_vps);
	if (!p)
		return -ENOMEM;
	err = vid_partition_hv_create(p);
	if (err)
		goto err_put;
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		err = fd;
		goto err_put;
	}
	file = anon_inode_getfile("vid-partition", &vid_partition_fops, p, O_RDWR);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		goto err_fd;
	}
	a.partition_id = p->id;
	if (copy_to_user(uarg, &a, sizeof(a))) {
		fput(file); /* its release puts p */
		put_unused_fd(fd);
		return -EFAULT;
	}
	fd_install(fd, file);
	return fd;

err_fd:
	put_unused_fd(fd);
err_put:
	vid_partition_put(p);
	return err;
}
