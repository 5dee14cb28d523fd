// SPDX-License-Identifier: GPL-2.0
/*
 * hvcheck.ko: exercises hv.efi from the root partition for the QEMU scenarios and shows the
 * results under /sys/kernel/debug/hvcheck/:
 *   stats     one HV_CALL_GET_STATS per read, as "key value" lines
 *   log       the hypervisor's whole log ring (HV_CALL_READ_LOG until the end)
 *   calls     status of malformed/unknown calls (must be errors, never a crash)
 *   svm_insn  the trap each SVM instruction raises in the root (6 = #UD expected)
 *   triple_fault  (write) triple-faults the root on purpose: the hypervisor's panic path
 *   selfcheck one HV_CALL_SELF_CHECK: whether the hypervisor's code is as at take-over
 *   prefixed  prefixed RDMSR/WRMSR/CPUID/INVD from the kernel: each must resume right after
 *             itself ("ok"), which a fixed-length RIP advance gets wrong
 *   partitions  the partition calls from the root: create, deposit, withdraw, delete with good
 *             and bad arguments, one "key value..." line each (statuses, what the kernel reads
 *             in a deposited page, what comes back), for scenario 23
 *   childrun  a real-mode child partition run from the kernel through the partition calls:
 *             port I/O exits (OUT, then an IN completed by the root), HLT, CPUID inside the
 *             child, an unmapped GPA, a spinning child (interrupted runs), a triple fault
 *   synic     a real-mode child's SynIC driven by the root: messages into its slot and queue,
 *             the pending flag and EOM, event flags, interrupts taken when the child can,
 *             the connection table, and every bad argument (hvcheck_synic.c)
 *   mmio      (write "ADDR" or "ADDR VALUE", then read) one 32-bit MMIO read, optionally a
 *             write and a second read, at a physical address (ECAM, above the NPT's top)
 * Hypercalls go through Linux's own hypercall page (hv_do_hypercall), so the page the
 * hypervisor filled in is exercised too. Loads only under hv.efi (identity leaf checked).
 */
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <asm/mshyperv.h>
#include <asm/asm.h>
#include <hv/abi.h>

#include "hvcheck.h"

static struct dentry *dir;
void *hvc_in, *hvc_out;
DEFINE_MUTEX(hvc_lock);

static const char *const exit_names[HV_EXIT_REASON_COUNT] = {
	"other",    "cpuid", "msr_read", "msr_write", "hypercall", "io",
	"svm_insn", "npf",   "shutdown", "intr",      "nmi",	   "invd",
	"hlt",
};

u64 hvc_call(u64 control, void *in, void *out)
{
	return hv_do_hypercall(control, in, out) & HV_STATUS_MASK;
}

static int stats_show(struct seq_file *m, void *unused)
{
	struct hv_stats *s = hvc_out;
	u64 st;
	int i;

	mutex_lock(&hvc_lock);
	memset(hvc_out, 0, PAGE_SIZE);
	st = hvc_call(HV_CALL_GET_STATS, NULL, hvc_out);
	seq_printf(m, "status %llu\n", st);
	if (st == HV_STATUS_SUCCESS) {
		seq_printf(m,
			   "abi_version %u\nuptime_ns %llu\ntsc_khz %llu\ntotal_exits %llu\n"
			   "hypercalls %llu\nmem_base 0x%llx\nmem_size %llu\nmem_used %llu\n"
			   "log_bytes %llu\ncpus %u\n",
			   s->abi_version, s->uptime_ns, s->tsc_khz, s->total_exits, s->hypercalls,
			   s->mem_base, s->mem_size, s->mem_used, s->log_bytes, s->cpus);
		for (i = 0; i < HV_EXIT_REASON_COUNT && i < s->exit_reason_count; i++)
			seq_printf(m, "exit.%s %llu\n", exit_names[i], s->exits[i]);
		seq_printf(m,
			   "child_exits %llu\nchild_posts %llu\nchild_signals %llu\n"
			   "child_interrupts %llu\n",
			   s->child_exits, s->child_posts, s->child_signals, s->child_interrupts);
	}
	mutex_unlock(&hvc_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static int log_show(struct seq_file *m, void *unused)
{
	struct hv_read_log_in *in = hvc_in;
	struct hv_read_log_out *out = hvc_out;
	u64 pos = 0, st;
	int rounds = 0;

	mutex_lock(&hvc_lock);
	do {
		in->offset = pos;
		st = hvc_call(HV_CALL_READ_LOG, hvc_in, hvc_out);
		if (st != HV_STATUS_SUCCESS) {
			seq_printf(m, "hvcheck: read-log status %llu\n", st);
			break;
		}
		if (out->length > HV_READ_LOG_MAX) {
			seq_printf(m, "hvcheck: bad length %u\n", out->length);
			break;
		}
		seq_write(m, out + 1, out->length);
		pos = out->start + out->length;
	} while (out->length && pos < out->end && ++rounds < 64);
	mutex_unlock(&hvc_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(log);

static int calls_show(struct seq_file *m, void *unused)
{
	static const u16 codes[] = { 0x0000, 0x0001, 0x8103, 0x80ff, 0xffff };
	int i;

	mutex_lock(&hvc_lock);
	for (i = 0; i < ARRAY_SIZE(codes); i++)
		seq_printf(m, "code 0x%04x status %llu\n", codes[i],
			   hvc_call(codes[i], hvc_in, hvc_out));
	/* Root-only calls with bad arguments. */
	seq_printf(m, "stats_fast status %llu\n",
		   hvc_call(HV_CALL_GET_STATS | HV_HC_FAST, NULL, NULL));
	seq_printf(m, "stats_unaligned status %llu\n",
		   hv_do_hypercall(HV_CALL_GET_STATS, NULL, (char *)hvc_out + 8) & HV_STATUS_MASK);
	seq_printf(m, "stats_rep status %llu\n",
		   hvc_call(HV_CALL_GET_STATS | (1ull << HV_HC_REP_COUNT_SHIFT), NULL, hvc_out));
	/* A variable header size (bits 17-26) and a reserved bit (63) on a simple hvc_call. */
	seq_printf(m, "stats_varhdr status %llu\n",
		   hvc_call(HV_CALL_GET_STATS | (1ull << 17), NULL, hvc_out));
	seq_printf(m, "stats_rsvd status %llu\n",
		   hvc_call(HV_CALL_GET_STATS | (1ull << 63), NULL, hvc_out));
	/* Output pages the root does not own: the hypervisor's resident block (from the
	 * statistics) and the local APIC's MMIO page. phys_to_virt() only does the arithmetic
	 * that hv_do_hypercall()'s virt_to_phys() undoes; nothing here touches those pages. */
	memset(hvc_out, 0, PAGE_SIZE);
	if (hvc_call(HV_CALL_GET_STATS, NULL, hvc_out) == HV_STATUS_SUCCESS) {
		u64 base = ((struct hv_stats *)hvc_out)->mem_base;

		seq_printf(m, "stats_hvmem status %llu\n",
			   hvc_call(HV_CALL_GET_STATS, NULL, phys_to_virt(base)));
		seq_printf(m, "log_hvmem status %llu\n",
			   hvc_call(HV_CALL_READ_LOG, phys_to_virt(base), hvc_out));
	}
	seq_printf(m, "stats_mmio status %llu\n",
		   hvc_call(HV_CALL_GET_STATS, NULL, phys_to_virt(0xfee00000)));
	mutex_unlock(&hvc_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(calls);

/*
 * Runs one instruction with RAX = 0 (a valid, page-aligned physical address: the CPU checks
 * the operand of VMRUN/VMLOAD/VMSAVE before the intercept, so an invalid one would give #GP
 * under any SVM hypervisor). Returns the trap number it raised, or -1 if it completed.
 */
#define TRY_INSN(insn)                                                                        \
	({                                                                                    \
		long trap_ = 0;                                                               \
		asm volatile("1: " insn "\n\tmov $-1, %%rax\n2:\n" _ASM_EXTABLE_FAULT(1b, 2b) \
			     : "+a"(trap_)                                                    \
			     : "c"(0)                                                         \
			     : "memory");                                                     \
		trap_;                                                                        \
	})

static int svm_insn_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "vmrun %ld\n", TRY_INSN("vmrun %%rax"));
	seq_printf(m, "vmload %ld\n", TRY_INSN("vmload %%rax"));
	seq_printf(m, "vmsave %ld\n", TRY_INSN("vmsave %%rax"));
	seq_printf(m, "stgi %ld\n", TRY_INSN("stgi"));
	seq_printf(m, "clgi %ld\n", TRY_INSN("clgi"));
	seq_printf(m, "skinit %ld\n", TRY_INSN("skinit"));
	seq_printf(m, "invlpga %ld\n", TRY_INSN("invlpga %%rax, %%ecx"));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(svm_insn);

static int selfcheck_show(struct seq_file *m, void *unused)
{
	struct hv_self_check *r = hvc_out;
	u64 st;

	mutex_lock(&hvc_lock);
	memset(hvc_out, 0, PAGE_SIZE);
	st = hvc_call(HV_CALL_SELF_CHECK, NULL, hvc_out);
	seq_printf(m, "status %llu\nintact %u\nbytes %llu\nhash_at_boot %llx\nhash_now %llx\n", st,
		   r->intact, r->bytes, r->hash_at_boot, r->hash_now);
	mutex_unlock(&hvc_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(selfcheck);

/*
 * Each instruction carries prefixes the CPU ignores and is followed by a marker load: if the
 * hypervisor resumes anywhere but right after the instruction, the bytes decode differently
 * and the marker is not loaded.
 */
#define MARKER 0x600dcafe

static int prefixed_show(struct seq_file *m, void *unused)
{
	u32 lo, hi, a, b, c, d, mk;
	u64 os_id;

	asm volatile(".byte 0x66\n\trdmsr\n\tmovl $0x600dcafe, %%esi"
		     : "=a"(lo), "=d"(hi), "=S"(mk)
		     : "c"(0x40000002));
	seq_printf(m, "66 rdmsr vp_index %u %s\n", lo, mk == MARKER ? "ok" : "WRONG");
	rdmsrl(0x40000000, os_id);
	asm volatile(".byte 0x2e, 0x66\n\twrmsr\n\tmovl $0x600dcafe, %%esi"
		     : "=S"(mk)
		     : "c"(0x40000000), "a"((u32)os_id), "d"((u32)(os_id >> 32))
		     : "memory");
	seq_printf(m, "2e 66 wrmsr guest_os_id %s\n", mk == MARKER ? "ok" : "WRONG");
	asm volatile(".byte 0x3e, 0x2e, 0x66\n\tcpuid\n\tmovl $0x600dcafe, %%esi"
		     : "=a"(a), "=b"(b), "=c"(c), "=d"(d), "=S"(mk)
		     : "a"(0x40000000), "c"(0));
	seq_printf(m, "3e 2e 66 cpuid ebx %08x %s\n", b, mk == MARKER ? "ok" : "WRONG");
	asm volatile(".byte 0x66\n\tinvd\n\tmovl $0x600dcafe, %%esi" : "=S"(mk) : : "memory");
	seq_printf(m, "66 invd %s\n", mk == MARKER ? "ok" : "WRONG");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(prefixed);

static char mmio_result[128];

static ssize_t mmio_write(struct file *file, const char __user *ubuf, size_t len, loff_t *pos)
{
	char buf[64];
	u64 addr, val = 0;
	int n;
	void __iomem *p;
	u32 before, after;

	if (len >= sizeof(buf) || copy_from_user(buf, ubuf, len))
		return -EINVAL;
	buf[len] = 0;
	n = sscanf(buf, "%llx %llx", &addr, &val);
	if (n < 1 || (addr & 3))
		return -EINVAL;
	p = ioremap(addr & PAGE_MASK, PAGE_SIZE);
	if (!p)
		return -ENOMEM;
	before = readl(p + (addr & ~PAGE_MASK));
	if (n == 2)
		writel((u32)val, p + (addr & ~PAGE_MASK));
	after = readl(p + (addr & ~PAGE_MASK));
	iounmap(p);
	snprintf(mmio_result, sizeof(mmio_result), "addr %llx before %08x after %08x\n", addr,
		 before, after);
	return len;
}

static ssize_t mmio_read(struct file *file, char __user *ubuf, size_t len, loff_t *pos)
{
	return simple_read_from_buffer(ubuf, len, pos, mmio_result, strlen(mmio_result));
}

static const struct file_operations mmio_fops = {
	.owner = THIS_MODULE,
	.write = mmio_write,
	.read = mmio_read,
};

#define DEPOSIT_PAGES 8

u64 hvc_rep_call(u64 code, u32 count, void *in, void *out, u32 *done)
{
	u64 r = hv_do_hypercall(code | (u64)count << HV_HC_REP_COUNT_SHIFT, in, out);

	*done = (u32)((r >> HV_HC_REP_COUNT_SHIFT) & 0xfff);
	return r & HV_STATUS_MASK;
}

void hvc_stats_line(struct seq_file *m, const char *when)
{
	struct hv_stats *s = hvc_out;

	memset(hvc_out, 0, PAGE_SIZE);
	hvc_call(HV_CALL_GET_STATS, NULL, hvc_out);
	seq_printf(m, "stats_%s partitions %u vps %u deposited %llu\n", when, s->partitions, s->vps,
		   s->deposited_pages);
}

u64 hvc_create_partition(struct seq_file *m, const char *what, u32 max_vps, u32 flags)
{
	struct hv_partition_create_in *ci = hvc_in;
	u64 st;

	memset(hvc_in, 0, PAGE_SIZE);
	ci->max_vps = max_vps;
	ci->flags = flags;
	st = hvc_call(HV_CALL_CREATE_PARTITION, hvc_in, hvc_out);
	seq_printf(m, "%s status %llu\n", what, st);
	return st == HV_STATUS_SUCCESS ? ((struct hv_partition_create_out *)hvc_out)->partition_id
				       : 0;
}

static u64 deposit(u64 id, u64 pfn, u32 *done)
{
	struct hv_deposit_in *di = hvc_in;

	memset(hvc_in, 0, PAGE_SIZE);
	di->partition_id = id;
	di->pfn[0] = pfn;
	return hvc_rep_call(HV_CALL_DEPOSIT_PAGES, 1, hvc_in, NULL, done);
}

u64 hvc_delete_partition(u64 id)
{
	struct hv_partition_ref *r = hvc_in;

	memset(hvc_in, 0, PAGE_SIZE);
	r->partition_id = id;
	return hvc_call(HV_CALL_DELETE_PARTITION, hvc_in, NULL);
}

/* Zeroed and back in the root: each of the pages reads 0 everywhere. */
static bool pages_zero(struct page *pages)
{
	u64 *p = page_address(pages);
	int i;

	for (i = 0; i < DEPOSIT_PAGES * PAGE_SIZE / 8; i++)
		if (READ_ONCE(p[i]))
			return false;
	return true;
}

static void deposit_checks(struct seq_file *m, u64 id, struct page *pages, u64 hv_base)
{
	struct hv_deposit_in *di = hvc_in;
	struct hv_partition_ref *r = hvc_in;
	u64 *pfns = hvc_out;
	u64 st, first = page_to_pfn(pages);
	u32 done, i, ours = 0;

	memset(page_address(pages), 0x5a, DEPOSIT_PAGES * PAGE_SIZE);
	memset(hvc_in, 0, PAGE_SIZE);
	di->partition_id = id;
	for (i = 0; i < DEPOSIT_PAGES; i++)
		di->pfn[i] = first + i;
	st = hvc_rep_call(HV_CALL_DEPOSIT_PAGES, DEPOSIT_PAGES, hvc_in, NULL, &done);
	seq_printf(m, "deposit status %llu reps %u\n", st, done);
	seq_printf(m, "deposited_reads %08x\n", READ_ONCE(*(u32 *)page_address(pages)));
	st = deposit(id, first, &done);
	seq_printf(m, "deposit_again status %llu reps %u\n", st, done);
	st = deposit(id, hv_base >> PAGE_SHIFT, &done);
	seq_printf(m, "deposit_hvmem status %llu reps %u\n", st, done);
	st = deposit(id, 0xfee00, &done);
	seq_printf(m, "deposit_mmio status %llu reps %u\n", st, done);
	st = deposit(id + 1000, page_to_pfn(virt_to_page(hvc_out)), &done);
	seq_printf(m, "deposit_badid status %llu reps %u\n", st, done);
	st = deposit(HV_PARTITION_ID_ROOT, page_to_pfn(virt_to_page(hvc_out)), &done);
	seq_printf(m, "deposit_root status %llu reps %u\n", st, done);
	hvc_stats_line(m, "deposited");
	memset(hvc_in, 0, PAGE_SIZE);
	r->partition_id = id;
	memset(hvc_out, 0, PAGE_SIZE);
	st = hvc_rep_call(HV_CALL_WITHDRAW_PAGES, 3, hvc_in, hvc_out, &done);
	for (i = 0; i < done && i < 3; i++)
		ours += pfns[i] >= first && pfns[i] < first + DEPOSIT_PAGES;
	seq_printf(m, "withdraw status %llu reps %u ours %u\n", st, done, ours);
}

static int partitions_show(struct seq_file *m, void *unused)
{
	struct page *pages = alloc_pages(GFP_KERNEL, 3);
	u64 id, st, hv_base;

	if (!pages)
		return -ENOMEM;
	mutex_lock(&hvc_lock);
	memset(hvc_out, 0, PAGE_SIZE);
	hvc_call(HV_CALL_GET_STATS, NULL, hvc_out);
	hv_base = ((struct hv_stats *)hvc_out)->mem_base;
	hvc_stats_line(m, "before");
	hvc_create_partition(m, "create_maxvps0", 0, 0);
	hvc_create_partition(m, "create_flags", 1, 1);
	hvc_create_partition(m, "create_maxvps_over", HV_MAX_VPS_PER_PARTITION + 1, 0);
	id = hvc_create_partition(m, "create", 2, 0);
	seq_printf(m, "partition_id %llu\n", id);
	if (id) {
		deposit_checks(m, id, pages, hv_base);
		st = hvc_delete_partition(id);
		seq_printf(m, "delete status %llu\n", st);
		seq_printf(m, "pages_back_zeroed %d\n", pages_zero(pages));
		seq_printf(m, "delete_again status %llu\n", hvc_delete_partition(id));
		seq_printf(m, "delete_root status %llu\n",
			   hvc_delete_partition(HV_PARTITION_ID_ROOT));
	}
	hvc_stats_line(m, "after");
	mutex_unlock(&hvc_lock);
	__free_pages(pages, 3);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(partitions);

/* The child's code (real mode, CS base 0x10000, RIP 0; DS base 0x80000 is not mapped). */
static const u8 child_code[] = {
	0xba, 0xf8, 0x03,		    /* 0x00 mov dx, 0x3f8 */
	0xb0, 0x48,			    /* 0x03 mov al, 'H' */
	0xee,				    /* 0x05 out dx, al: IO exit */
	0xec,				    /* 0x06 in al, dx: IO exit, completed by the root */
	0x88, 0xc3,			    /* 0x07 mov bl, al */
	0xf4,				    /* 0x09 hlt: HALT exit */
	0x66, 0xb8, 0x01, 0x01, 0x00, 0x40, /* 0x0a mov eax, 0x40000101 */
	0x0f, 0xa2,			    /* 0x10 cpuid: answered by the hypervisor */
	0xf4,				    /* 0x12 hlt */
	0xa0, 0x00, 0x00,		    /* 0x13 mov al, [0]: DS base 0x80000, unmapped: MMIO */
	0xa2, 0x01, 0x00,		    /* 0x16 mov [1], al: MMIO store of the value read */
	0x00, 0x06, 0x02, 0x00,		    /* 0x19 add [2], al: no MMIO form: unmapped GPA */
	0xeb, 0xfe,			    /* 0x1d jmp $: spins */
	0xcc,				    /* 0x1f int3 with an empty IDT: triple fault */
};

u64 hvc_child_set(struct hvc_child *c, const u32 *names, const u64 *values, u32 n)
{
	struct hv_vp_registers_in *r = hvc_in;
	u32 done, i;

	memset(hvc_in, 0, PAGE_SIZE);
	r->partition_id = c->id;
	for (i = 0; i < n; i++) {
		r->reg[i].name = names[i];
		r->reg[i].value = values[i];
	}
	return hvc_rep_call(HV_CALL_SET_VP_REGISTERS, n, hvc_in, NULL, &done);
}

u64 hvc_child_get(struct hvc_child *c, u32 name)
{
	struct hv_vp_registers_in *r = hvc_in;
	u32 done;

	memset(hvc_in, 0, PAGE_SIZE);
	r->partition_id = c->id;
	r->reg[0].name = name;
	if (hvc_rep_call(HV_CALL_GET_VP_REGISTERS, 1, hvc_in, hvc_out, &done) != HV_STATUS_SUCCESS)
		return ~0ull;
	return *(u64 *)hvc_out;
}

/* One run up to an exit other than a host interrupt (those can end any run: it is entered
 * again, as vid.ko does); prints the exit as "run <what> status S reason R rip X ..." and
 * returns the reason. */
u32 hvc_child_run(struct hvc_child *c, const char *what, u32 flags, u64 in_value)
{
	struct hv_run_vp_in *r = hvc_in;
	struct hv_run_vp_exit *e = hvc_out;
	u64 st;
	int tries = 0;

	do {
		memset(hvc_in, 0, PAGE_SIZE);
		memset(hvc_out, 0, PAGE_SIZE);
		r->partition_id = c->id;
		/* An IN or a load is completed by the first entry; a run again after a host
		 * interrupt passes neither the flag nor the value (the call refuses a value
		 * without its flag). */
		r->flags = tries ? 0 : flags;
		r->io_in_value = tries ? 0 : in_value;
		st = hvc_call(HV_CALL_RUN_VP, hvc_in, hvc_out);
	} while (st == HV_STATUS_SUCCESS && e->reason == HV_RUN_EXIT_INTERRUPTED && ++tries < 1000);
	seq_printf(
		c->m,
		"run_%s status %llu reason %u rip %llx port %x size %u in %u value %x mmio %llx gpa %llx\n",
		what, st, e->reason, e->rip, e->io_port, e->io_size, e->io_in, e->io_value,
		e->mmio_value, e->gpa);
	return st == HV_STATUS_SUCCESS ? e->reason : 0;
}

void hvc_child_setup(struct hvc_child *c, struct page *mem, const u8 *code, size_t len)
{
	struct hv_map_gpa_in *mi = hvc_in;
	struct hv_vp_ref *vr = hvc_in;
	u64 first = page_to_pfn(mem), st;
	u32 done, i;
	static const u32 names[] = { HV_REG_CS, HV_REG_CS_BASE, HV_REG_DS, HV_REG_DS_BASE,
				     HV_REG_RIP };
	const u64 values[] = { 0x1000 | 0x9bull << 16 | 0xffffull << 32, 0x10000,
			       0x8000 | 0x93ull << 16 | 0xffffull << 32, 0x80000, 0 };

	memset(page_address(mem), 0, CHILD_PAGES * PAGE_SIZE);
	memcpy(page_address(mem), code, len);
	memset(hvc_in, 0, PAGE_SIZE);
	mi->partition_id = c->id;
	mi->target_gfn = CHILD_GFN;
	mi->flags = HV_MAP_READ | HV_MAP_WRITE | HV_MAP_EXEC;
	for (i = 0; i < CHILD_PAGES; i++)
		mi->pfn[i] = first + i;
	st = hvc_rep_call(HV_CALL_MAP_GPA_PAGES, CHILD_PAGES, hvc_in, NULL, &done);
	seq_printf(c->m, "map status %llu reps %u\n", st, done);
	memset(hvc_in, 0, PAGE_SIZE);
	mi->partition_id = c->id;
	mi->target_gfn = 0x100;
	mi->flags = HV_MAP_READ;
	mi->pfn[0] = first; /* already the child's */
	seq_printf(c->m, "map_twice status %llu\n",
		   hvc_rep_call(HV_CALL_MAP_GPA_PAGES, 1, hvc_in, NULL, &done));
	memset(hvc_in, 0, PAGE_SIZE);
	vr->partition_id = c->id;
	seq_printf(c->m, "create_vp status %llu\n", hvc_call(HV_CALL_CREATE_VP, hvc_in, NULL));
	seq_printf(c->m, "create_vp_again status %llu\n",
		   hvc_call(HV_CALL_CREATE_VP, hvc_in, NULL));
	seq_printf(c->m, "set_regs status %llu\n",
		   hvc_child_set(c, names, values, ARRAY_SIZE(names)));
}

static void child_runs(struct hvc_child *c)
{
	static const u32 rip_name[] = { HV_REG_RIP };
	static const u32 idt_names[] = { HV_REG_IDTR_LIMIT, HV_REG_RIP };
	unsigned long end;
	u64 v;
	u32 interrupted = 0, reason;

	hvc_child_run(c, "out", 0, 0);
	hvc_child_run(c, "in", 0, 0);
	hvc_child_run(c, "hlt", HV_RUN_COMPLETE_IN, 0x5a);
	seq_printf(c->m, "child_bl %llx\n", hvc_child_get(c, 3) & 0xff);
	hvc_child_run(c, "cpuid", 0, 0);
	seq_printf(c->m, "child_cpuid ebx %llx ecx %llx\n", hvc_child_get(c, 3) & 0xffffffff,
		   hvc_child_get(c, 1) & 0xffffffff);
	hvc_child_run(c, "mmio_load", 0, 0);
	hvc_child_run(c, "mmio_store", HV_RUN_COMPLETE_IN, 0xc3);
	hvc_child_run(c, "unmapped", 0, 0);
	v = 0x1d;
	hvc_child_set(c, rip_name, &v, 1);
	end = jiffies + HZ; /* a spinning child: 50 runs, each ended by a host interrupt */
	do {
		struct hv_run_vp_in *r = hvc_in;

		memset(hvc_in, 0, PAGE_SIZE);
		r->partition_id = c->id;
		if (hvc_call(HV_CALL_RUN_VP, hvc_in, hvc_out) != HV_STATUS_SUCCESS)
			break;
		reason = ((struct hv_run_vp_exit *)hvc_out)->reason;
		interrupted += reason == HV_RUN_EXIT_INTERRUPTED;
		cond_resched();
	} while (time_before(jiffies, end) && reason == HV_RUN_EXIT_INTERRUPTED &&
		 interrupted < 50);
	seq_printf(c->m, "spin interrupted_runs %u last_reason %u\n", interrupted, reason);
	{
		const u64 vals[] = { 0, 0x1f };

		hvc_child_set(c, idt_names, vals, 2);
	}
	hvc_child_run(c, "triple", 0, 0);
}

int hvc_child_begin(struct seq_file *m, struct hvc_child *c)
{
	struct hv_deposit_in *di = hvc_in;
	u32 done, i;

	c->m = m;
	c->mem = alloc_pages(GFP_KERNEL, 4);
	c->dep = alloc_pages(GFP_KERNEL, 3);
	if (!c->mem || !c->dep) {
		if (c->mem)
			__free_pages(c->mem, 4);
		if (c->dep)
			__free_pages(c->dep, 3);
		return -ENOMEM;
	}
	mutex_lock(&hvc_lock);
	hvc_stats_line(m, "before");
	c->id = hvc_create_partition(m, "create", 1, 0);
	memset(hvc_in, 0, PAGE_SIZE);
	di->partition_id = c->id;
	for (i = 0; i < 8; i++)
		di->pfn[i] = page_to_pfn(c->dep) + i;
	seq_printf(m, "deposit status %llu\n",
		   hvc_rep_call(HV_CALL_DEPOSIT_PAGES, 8, hvc_in, NULL, &done));
	return 0;
}

void hvc_child_end(struct hvc_child *c)
{
	seq_printf(c->m, "delete status %llu\n", hvc_delete_partition(c->id));
	hvc_stats_line(c->m, "after");
	mutex_unlock(&hvc_lock);
	__free_pages(c->mem, 4);
	__free_pages(c->dep, 3);
}

static int childrun_show(struct seq_file *m, void *unused)
{
	struct hvc_child c;

	if (hvc_child_begin(m, &c))
		return -ENOMEM;
	hvc_child_setup(&c, c.mem, child_code, sizeof(child_code));
	hvc_stats_line(m, "with_vp");
	child_runs(&c);
	hvc_child_end(&c);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(childrun);

static ssize_t triple_fault_write(struct file *file, const char __user *buf, size_t len,
				  loff_t *pos)
{
	struct desc_ptr empty = { .size = 0, .address = 0 };

	pr_emerg("hvcheck: triple-faulting the root partition on purpose\n");
	local_irq_disable();
	/* No IDT: int3 -> #GP -> #DF -> shutdown, which the hypervisor intercepts. */
	asm volatile("lidt %0; int3" : : "m"(empty) : "memory");
	return len;
}

static const struct file_operations triple_fault_fops = {
	.owner = THIS_MODULE,
	.write = triple_fault_write,
};

static bool under_hv_efi(void)
{
	unsigned int eax, ebx, ecx, edx;

	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR))
		return false;
	cpuid(HV_CPUID_IDENT, &eax, &ebx, &ecx, &edx);
	return ebx == HV_IDENT_EBX && ecx == HV_IDENT_ECX && edx == HV_IDENT_EDX;
}

static int __init hvcheck_init(void)
{
	if (!under_hv_efi()) {
		pr_err("hvcheck: not running under hv.efi (no %s identity leaf)\n",
		       HV_IDENT_SIGNATURE);
		return -ENODEV;
	}
	hvc_in = (void *)__get_free_page(GFP_KERNEL | __GFP_ZERO);
	hvc_out = (void *)__get_free_page(GFP_KERNEL | __GFP_ZERO);
	if (!hvc_in || !hvc_out) {
		free_page((unsigned long)hvc_in);
		free_page((unsigned long)hvc_out);
		return -ENOMEM;
	}
	dir = debugfs_create_dir("hvcheck", NULL);
	debugfs_create_file("stats", 0400, dir, NULL, &stats_fops);
	debugfs_create_file("log", 0400, dir, NULL, &log_fops);
	debugfs_create_file("calls", 0400, dir, NULL, &calls_fops);
	debugfs_create_file("svm_insn", 0400, dir, NULL, &svm_insn_fops);
	debugfs_create_file("triple_fault", 0200, dir, NULL, &triple_fault_fops);
	debugfs_create_file("selfcheck", 0400, dir, NULL, &selfcheck_fops);
	debugfs_create_file("prefixed", 0400, dir, NULL, &prefixed_fops);
	debugfs_create_file("mmio", 0600, dir, NULL, &mmio_fops);
	debugfs_create_file("partitions", 0400, dir, NULL, &partitions_fops);
	debugfs_create_file("childrun", 0400, dir, NULL, &childrun_fops);
	debugfs_create_file("synic", 0400, dir, NULL, &hvc_synic_fops);
	pr_info("hvcheck: hv.efi found (ABI %u)\n", HV_ABI_VERSION);
	return 0;
}

static void __exit hvcheck_exit(void)
{
	debugfs_remove_recursive(dir);
	free_page((unsigned long)hvc_in);
	free_page((unsigned long)hvc_out);
}

module_init(hvcheck_init);
module_exit(hvcheck_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hv.efi root-partition test module");
