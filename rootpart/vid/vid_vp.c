// SPDX-License-Identifier: GPL-2.0-only
/*
 * vid.ko's VPs: VID_CREATE_VP (HV_CALL_CREATE_VP, the VP fd) and the VP fd's ioctls: get and
 * set registers by name (HV_CALL_GET/SET_VP_REGISTERS) and the run loop (HV_CALL_RUN_VP,
 * re-entered after host interrupts and the child's SynIC calls, which vid_inbox.c takes; HLT
 * with interrupts enabled sleeps here until the root posts or signals; -EINTR on a pending
 * signal; the exit record to user space).
 * A VP's mutex is held across a run, so a VP runs in one thread at a time and its registers are
 * read or written only while it is out of the hypervisor.
 */
#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/hrtimer.h>
#include <linux/wait.h>
#include <asm/fpu/api.h>
#include <asm/hyperv-tlfs.h>
#include <asm/processor-flags.h>

#include "vid_priv.h"

static void vid_vp_free(struct vid_vp *vp)
{
	free_page((unsigned long)vp->in_page);
	free_page((unsigned long)vp->out_page);
	kfree(vp);
}

static int vid_vp_release(struct inode *inode, struct file *file)
{
	struct vid_vp *vp = file->private_data;
	struct vid_partition *p = vp->part;

	vid_vp_free(vp);
	vid_partition_put(p);
	return 0;
}

/* One get or set of r->count registers through the VP's pages (VP lock held). */
static int vp_regs_call(struct vid_vp *vp, struct vid_regs *r, bool set)
{
	struct hv_vp_registers_in *in = vp->in_page;
	const u64 *values = vp->out_page;
	u32 i, done = 0;
	u64 st;

	memset(in, 0, PAGE_SIZE);
	in->partition_id = vp->part->id;
	in->vp_index = vp->index;
	for (i = 0; i < r->count; i++) {
		in->reg[i].name = r->regs[i].name;
		in->reg[i].value = set ? r->regs[i].value : 0;
	}
	st = vid_rep_call(set ? HV_CALL_SET_VP_REGISTERS : HV_CALL_GET_VP_REGISTERS, r->count, in,
			  set ? NULL : vp->out_page, &done);
	if (!set)
		for (i = 0; i < done; i++)
			r->regs[i].value = READ_ONCE(values[i]);
	r->done = done;
	return vid_status_errno(st, set ? "set registers" : "get registers", vp->part->id);
}

/* VID_GET_REGS / VID_SET_REGS: `done` (and the values got) go back also on error. */
static long vid_vp_regs(struct vid_vp *vp, void __user *uarg, bool set)
{
	struct vid_regs *r = kmalloc(sizeof(*r), GFP_KERNEL);
	long err;

	if (!r)
		return -ENOMEM;
	if (copy_from_user(r, uarg, sizeof(*r))) {
		err = -EFAULT;
		goto out;
	}
	err = vid_check_regs(r);
	if (err)
		goto out;
	if (mutex_lock_interruptible(&vp->lock)) {
		err = -EINTR;
		goto out;
	}
	err = vp_regs_call(vp, r, set);
	mutex_unlock(&vp->lock);
	if (copy_to_user(uarg, r,
			 offsetof(struct vid_regs, regs) + r->done * sizeof(struct vid_reg)))
		err = -EFAULT;
out:
	kfree(r);
	return err;
}

/*
 * One HV_CALL_RUN_VP with the child's x87/SSE registers in the CPU: the hypervisor does not
 * switch FPU state, so around the call the worker's own state is saved by kernel_fpu_begin()
 * (and given back on its return to user space) and the child's is loaded and saved here. The
 * child neither sees nor corrupts the worker thread's registers, and glibc's use of SSE in the
 * worker between runs does not reach the child.
 */
static u64 vid_run_with_guest_fpu(struct vid_vp *vp, void *in)
{
	u64 st;

	kernel_fpu_begin();
	asm volatile("fxrstorq %0" : : "m"(*(u8(*)[512])vp->fpu));
	st = vid_hc(HV_CALL_RUN_VP, in, vp->out_page);
	asm volatile("fxsaveq %0" : "=m"(*(u8(*)[512])vp->fpu));
	kernel_fpu_end();
	return st;
}

/* A halted VP without a timer is entered again after this long even if nothing kicked it:
 * the hypervisor then delivers whatever SynIC work it holds, and a guest with nothing to do
 * halts again (ten exits a second). A liveness guard: scenario 26 showed, about once in ten
 * to twenty boots under QEMU, a test guest asleep for good right after its SCSI channel
 * (re)opened, with the root idle; the wake-up lost on the way is not found yet (see the
 * issue notes), and this bounds what it costs. */
#define VID_HALT_RECHECK (HZ / 10)

/*
 * Sleeps while the VP is halted with interrupts enabled, until VID_POST_MESSAGE or
 * VID_SIGNAL_EVENT kicks it or its next synthetic timer is due (VP lock held). The kick count
 * was read before the entry that halted, so a kick that raced with the halt (the hypervisor
 * found nothing to deliver, then the root posted) makes the count differ and the VP re-enters
 * at once: no lost wake-up. The deadline is partition reference time (100 ns), the same clock
 * as the root's reference counter; the hypervisor raises the timer at the entry after it.
 */
static int vp_halt_wait(struct vid_vp *vp)
{
	struct vid_vp_wake *w = &vp->part->synic.wake[vp->index];
	long r;
	u64 now;

	if (vp->halt_deadline) {
		rdmsrl(HV_X64_MSR_TIME_REF_COUNT, now);
		if (now >= vp->halt_deadline) {
			vp->halted = false;
			return 0;
		}
		/* At most a day at a time: a far deadline must not overflow the nanoseconds. */
		r = wait_event_interruptible_hrtimeout(
			w->wq, atomic_read(&w->kicks) != vp->halt_kicks,
			ns_to_ktime(min_t(u64, vp->halt_deadline - now, 864000000000ull) * 100));
		if (r == -ERESTARTSYS)
			return -EINTR; /* still halted: the next run waits again */
	} else if (wait_event_interruptible_timeout(w->wq,
						    atomic_read(&w->kicks) != vp->halt_kicks,
						    VID_HALT_RECHECK) < 0) {
		return -EINTR;
	}
	vp->halted = false;
	return 0;
}

/* An exit the kernel finishes itself (VP lock held; kicks: the count read before the entry):
 * true to re-enter, false to return it to user space. */
static bool vp_exit_in_kernel(struct vid_vp *vp, const struct hv_run_vp_exit *exit, int kicks)
{
	u16 st;

	switch (exit->reason) {
	case HV_RUN_EXIT_INTERRUPTED:
		return true;
	case HV_RUN_EXIT_POST_MESSAGE:
	case HV_RUN_EXIT_SIGNAL_EVENT:
		st = exit->reason == HV_RUN_EXIT_POST_MESSAGE
			     ? vid_inbox_post(vp->part, vp->index, exit, vp->out_page)
			     : vid_inbox_signal(vp->part, exit);
		/* Without the completion flag the child's call returns SUCCESS. */
		vp->hc_pending = st != HV_STATUS_SUCCESS;
		vp->hc_status = st;
		return true;
	case HV_RUN_EXIT_HALT:
		if (!(exit->rflags & X86_EFLAGS_IF))
			return false; /* nothing can wake it: the worker's business */
		vp->halted = true;
		vp->halt_kicks = kicks;
		vp->halt_deadline = exit->timer_deadline;
		return true;
	default:
		return false;
	}
}

/* Enters the VP until an exit for user space (VP lock held); 0 or -errno. */
static int vp_run_loop(struct vid_vp *vp, const struct vid_run *a, struct hv_run_vp_exit *exit)
{
	struct hv_run_vp_in *in = vp->in_page;
	atomic_t *kicks = &vp->part->synic.wake[vp->index].kicks;
	u32 flags = a->flags;
	int seen;
	u64 st;

	if (vp->in_taken)
		flags &= ~VID_RUN_COMPLETE_IN; /* an earlier, interrupted run handed it over */
	for (;;) {
		if (signal_pending(current))
			return -EINTR;
		if (vp->halted && vp_halt_wait(vp))
			return -EINTR;
		seen = atomic_read(kicks);
		memset(in, 0, sizeof(*in));
		in->partition_id = vp->part->id;
		in->vp_index = vp->index;
		if (flags & VID_RUN_COMPLETE_IN) {
			in->flags = HV_RUN_COMPLETE_IN;
			in->io_in_value = a->io_in_value;
		} else if (vp->hc_pending) { /* never both: an IN exit went to user space */
			in->flags = HV_RUN_COMPLETE_HYPERCALL;
			in->io_in_value = vp->hc_status;
		}
		st = vid_run_with_guest_fpu(vp, in) & HV_STATUS_MASK;
		if (st != HV_STATUS_SUCCESS)
			return vid_status_errno(st, "run VP", vp->part->id);
		if (flags & VID_RUN_COMPLETE_IN)
			vp->in_taken = true;
		else
			vp->hc_pending = false;
		flags = 0;
		memcpy(exit, vp->out_page, sizeof(*exit)); /* read once */
		if (!vp_exit_in_kernel(vp, exit, seen))
			return 0;
		cond_resched();
	}
}

/* VID_RUN on a VP fd. */
static long vid_vp_run(struct vid_vp *vp, struct vid_run __user *uarg)
{
	struct hv_run_vp_exit exit;
	struct vid_run a;
	int err;

	if (copy_from_user(&a, uarg, offsetof(struct vid_run, exit)))
		return -EFAULT;
	err = vid_check_run(&a);
	if (err)
		return err;
	if (mutex_lock_interruptible(&vp->lock))
		return -EINTR;
	err = vid_check_run_in(&a, vp->in_size);
	if (!err)
		err = vp_run_loop(vp, &a, &exit);
	if (!err) {
		bool in = exit.reason == HV_RUN_EXIT_IO && exit.io_in;
		bool load = exit.reason == HV_RUN_EXIT_MMIO && exit.io_in;

		vp->in_size = (in || load) && (exit.io_size == 1 || exit.io_size == 2 ||
					       exit.io_size == 4 || (load && exit.io_size == 8))
				      ? exit.io_size
				      : 0;
		vp->in_taken = false;
	}
	mutex_unlock(&vp->lock);
	if (!err && copy_to_user(&uarg->exit, &exit, sizeof(exit)))
		err = -EFAULT;
	return err;
}

static long vid_vp_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct vid_vp *vp = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VID_GET_REGS:
		return vid_vp_regs(vp, uarg, false);
	case VID_SET_REGS:
		return vid_vp_regs(vp, uarg, true);
	case VID_RUN:
		return vid_vp_run(vp, uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations vid_vp_fops = {
	.owner = THIS_MODULE,
	.release = vid_vp_release,
	.unlocked_ioctl = vid_vp_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

/* The VP in the hypervisor (partition lock held); -EEXIST if this index was created before. */
static int vp_hv_create(struct vid_partition *p, u32 index)
{
	struct hv_vp_ref *in = p->in_page;
	int err;

	if (test_bit(index, p->vp_created)) {
		pr_warn_ratelimited("vid: create VP: VP %u of partition %llu exists\n", index,
				    p->id);
		return -EEXIST;
	}
	memset(in, 0, PAGE_SIZE);
	in->partition_id = p->id;
	in->vp_index = index;
	err = vid_call_deposit(p, HV_CALL_CREATE_VP, "create VP");
	if (!err)
		set_bit(index, p->vp_created);
	return err;
}

/* VID_CREATE_VP on a partition fd: returns the VP fd, which holds a partition reference. */
long vid_vp_create(struct vid_partition *p, void __user *uarg)
{
	struct vid_vp_create a;
	struct vid_vp *vp;
	int fd, err;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	err = vid_check_vp_create(&a, p->max_vps);
	if (err)
		return err;
	vp = kzalloc(sizeof(*vp), GFP_KERNEL_ACCOUNT);
	if (vp) { /* the x87/SSE state after reset (FNINIT): FCW 0x37f, MXCSR 0x1f80 */
		*(u16 *)&vp->fpu[0] = 0x37f;
		*(u32 *)&vp->fpu[24] = 0x1f80;
	}
	if (!vp)
		return -ENOMEM;
	mutex_init(&vp->lock);
	vp->part = p;
	vp->index = a.vp_index;
	vp->in_page = (void *)__get_free_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	vp->out_page = (void *)__get_free_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!vp->in_page || !vp->out_page) {
		err = -ENOMEM;
		goto err_free;
	}
	if (mutex_lock_killable(&p->lock)) {
		err = -EINTR;
		goto err_free;
	}
	err = vp_hv_create(p, a.vp_index);
	mutex_unlock(&p->lock);
	if (err)
		goto err_free;
	kref_get(&p->ref);
	fd = anon_inode_getfd("vid-vp", &vid_vp_fops, vp, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		/* The VP stays in the hypervisor (until the partition goes); the fd is lost. */
		vid_partition_put(p);
		err = fd;
		goto err_free;
	}
	return fd;

err_free:
	vid_vp_free(vp);
	return err;
}
