// SPDX-License-Identifier: GPL-2.0-only
/*
 * vid.ko: the root partition's driver for child partitions. This file owns the module: the
 * check that it runs as the root under hv.efi with the ABI it was built for (else it refuses
 * to load with one log line), /dev/vid and its ioctls (create a partition, statistics).
 * Partitions: vid_partition.c; their memory: vid_memory.c; VPs: vid_vp.c; hypercalls:
 * vid_hvcall.c. The interface: vid.h and docs/vid.md.
 */
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/mshyperv.h>
#include <asm/processor.h>

#include "vid_priv.h"

atomic_t vid_partitions = ATOMIC_INIT(0);
atomic64_t vid_deposited_pages = ATOMIC64_INIT(0);
atomic64_t vid_pinned_pages = ATOMIC64_INIT(0);
atomic64_t vid_leaked_pages = ATOMIC64_INIT(0);

static void *stats_page; /* output page of HV_CALL_GET_STATS */
static DEFINE_MUTEX(stats_lock);

int vid_hv_stats(struct hv_stats *out)
{
	u64 st;

	mutex_lock(&stats_lock);
	memset(stats_page, 0, PAGE_SIZE);
	st = vid_hc(HV_CALL_GET_STATS, NULL, stats_page) & HV_STATUS_MASK;
	memcpy(out, stats_page, sizeof(*out));
	mutex_unlock(&stats_lock);
	return vid_status_errno(st, "statistics", 0);
}

static long vid_dev_get_stats(void __user *uarg)
{
	struct vid_stats s = { .api_version = VID_API_VERSION };
	struct hv_stats hs;
	int err = vid_hv_stats(&hs);

	if (err)
		return err;
	s.abi_version = hs.abi_version;
	s.hv_partitions = hs.partitions;
	s.hv_deposited_pages = hs.deposited_pages;
	s.hv_npt_split_pages = hs.npt_split_pages;
	s.partitions = atomic_read(&vid_partitions);
	s.deposited_pages = atomic64_read(&vid_deposited_pages);
	s.pinned_pages = atomic64_read(&vid_pinned_pages);
	s.leaked_pages = atomic64_read(&vid_leaked_pages);
	return copy_to_user(uarg, &s, sizeof(s)) ? -EFAULT : 0;
}

static long vid_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VID_CREATE_PARTITION:
		return vid_partition_create(uarg);
	case VID_GET_STATS:
		return vid_dev_get_stats(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations vid_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = vid_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice vid_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vid",
	.fops = &vid_dev_fops,
	.mode = 0600,
};

/* Whether vid.ko can run here (hv.efi's identity, its ABI, the root, Linux's hypercall page);
 * if not, why, in buf. */
static bool vid_usable(char *buf, size_t size)
{
	unsigned int eax, ebx, ecx, edx;

	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR)) {
		snprintf(buf, size, "no hypervisor (CPUID.1:ECX.hypervisor clear)");
		return false;
	}
	cpuid(HV_CPUID_IDENT, &eax, &ebx, &ecx, &edx);
	/* EAX: the range's highest leaf, which must reach the ABI-version leaf. */
	if (ebx != HV_IDENT_EBX || ecx != HV_IDENT_ECX || edx != HV_IDENT_EDX ||
	    eax < HV_CPUID_IDENT_INFO || eax > HV_CPUID_IDENT + 0xff) {
		snprintf(buf, size, "the hypervisor is not hv.efi (no %s identity in CPUID 0x%x)",
			 HV_IDENT_SIGNATURE, HV_CPUID_IDENT);
		return false;
	}
	cpuid(HV_CPUID_IDENT_INFO, &eax, &ebx, &ecx, &edx);
	if (eax != HV_ABI_VERSION) {
		snprintf(
			buf, size,
			"hv.efi has ABI version %u, vid.ko was built for %u (build both from one tree)",
			eax, HV_ABI_VERSION);
		return false;
	}
	if (ebx != 1) {
		snprintf(buf, size, "this Linux is not hv.efi's root partition (partition %u)",
			 ecx);
		return false;
	}
	if (!hv_hypercall_pg) {
		snprintf(buf, size, "Linux did not enable the hypercall page");
		return false;
	}
	return true;
}

static int __init vid_init(void)
{
	struct hv_stats hs;
	char why[128];
	int err;

	if (!vid_usable(why, sizeof(why))) {
		pr_err("vid: not loading: %s\n", why);
		return -ENODEV;
	}
	stats_page = (void *)__get_free_page(GFP_KERNEL | __GFP_ZERO);
	if (!stats_page)
		return -ENOMEM;
	err = vid_hv_stats(&hs);
	if (err) {
		pr_err("vid: not loading: the statistics hypercall failed (%d)\n", err);
		goto err_free;
	}
	err = misc_register(&vid_misc);
	if (err) {
		pr_err("vid: not loading: cannot register /dev/vid (%d)\n", err);
		goto err_free;
	}
	pr_info("vid: /dev/vid ready (hv.efi ABI %u, vid API %u)\n", hs.abi_version,
		VID_API_VERSION);
	return 0;

err_free:
	free_page((unsigned long)stats_page);
	return err == -EOPNOTSUPP ? -ENODEV : err;
}

static void __exit vid_exit(void)
{
	/* Every partition or VP fd holds the module: none is left here. */
	misc_deregister(&vid_misc);
	free_page((unsigned long)stats_page);
}

module_init(vid_init);
module_exit(vid_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hv.efi child partitions: /dev/vid");
