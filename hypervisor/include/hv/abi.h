/* SPDX-License-Identifier: MIT */
/*
 * The hypercall ABI of hv.efi: the whole contract between the hypervisor and the code that
 * calls it (the root's vid.ko / test module, guests, user-space tools that decode results).
 * TLFS-style: RCX = control, RDX = input GPA (or fast arg 0), R8 = output GPA (or fast arg 1),
 * result in RAX. Includable by freestanding code, by a Linux kernel module (__KERNEL__) and by
 * user space. See docs/hypercalls.md.
 */
#ifndef HV_ABI_H
#define HV_ABI_H

#if defined(__KERNEL__)
#include <linux/types.h>
typedef __u8 hv_u8;
typedef __u16 hv_u16;
typedef __u32 hv_u32;
typedef __u64 hv_u64;
#else
#include <stdint.h>
typedef uint8_t hv_u8;
typedef uint16_t hv_u16;
typedef uint32_t hv_u32;
typedef uint64_t hv_u64;
#endif

/* Compatibility rule (as Xen's xen-compat.h states its own):
 * - HV_ABI_VERSION is bumped by any change that an existing caller could notice: a call code,
 *   status code, CPUID leaf or MSR whose meaning changes; a struct whose size or field offsets
 *   change; a field whose units or meaning change. Adding a new call code, a new status code,
 *   a new exit reason at the end of the list, or a new CPUID leaf does NOT bump it: a caller
 *   built against an older header never issues the new call and ignores what it does not know.
 * - Structs only grow at the end, into explicitly reserved bytes or behind a size or version
 *   field the caller sets; reserved fields are written as zero by callers and ignored by the
 *   hypervisor, so they can be given a meaning later.
 * - A caller learns the version from CPUID HV_CPUID_IDENT + 1 (EAX) or hv_stats.abi_version and
 *   must refuse to run against a hypervisor whose version is newer than the one it was built
 *   for; the hypervisor serves exactly one version (there is no compatibility layer for older
 *   callers: the root's tools and modules are built from the same tree as hv.efi). A call code
 *   the hypervisor does not know returns HV_STATUS_INVALID_HYPERCALL_CODE, never a crash. */
#define HV_ABI_VERSION 4u /* 2: partition management calls; hv_stats grew. 3: SynIC for children.
			   * 4: MMIO exits (HV_RUN_EXIT_MMIO, hv_run_vp_exit.mmio_value),
			   * HV_CALL_GET_VP_STATS */

/* ---- CPUID: what the root is told (Hyper-V leaves + this hypervisor's own identity) ---- */
#define HV_CPUID_VENDOR_MAX  0x40000000u /* EAX = highest leaf, EBX:ECX:EDX "Microsoft Hv" */
#define HV_CPUID_INTERFACE   0x40000001u /* EAX = "Hv#1" */
#define HV_CPUID_VERSION     0x40000002u /* EAX = ABI version, EBX = major << 16 | minor */
#define HV_CPUID_FEATURES    0x40000003u
#define HV_CPUID_HINTS	     0x40000004u
#define HV_CPUID_LIMITS	     0x40000005u
#define HV_CPUID_HW_FEATURES 0x40000006u
#define HV_CPUID_MAX_LEAF    HV_CPUID_HW_FEATURES
/* This hypervisor's identity, outside the Hyper-V range so that it never clashes with it:
 * EAX = the range's highest leaf (HV_CPUID_IDENT_INFO), EBX:ECX:EDX = "HvEfiMicroHv", and leaf
 * HV_CPUID_IDENT + 1 gives EAX = HV_ABI_VERSION, EBX = 1 if the caller is the root, ECX = the
 * caller's partition id (HV_PARTITION_ID_ROOT for the root). */
#define HV_CPUID_IDENT	     0x40000100u
#define HV_CPUID_IDENT_INFO  0x40000101u
#define HV_IDENT_SIGNATURE   "HvEfiMicroHv"
#define HV_IDENT_EBX	     0x66457648u /* "HvEf" */
#define HV_IDENT_ECX	     0x63694d69u /* "iMic" */
#define HV_IDENT_EDX	     0x76486f72u /* "roHv" */

/* ---- Hypercall input value (RCX) ---- */
#define HV_HC_CODE_MASK	      0xffffull
#define HV_HC_FAST	      (1ull << 16)
#define HV_HC_REP_COUNT_SHIFT 32
#define HV_HC_REP_START_SHIFT 48

/* ---- Result value (RAX) ---- */
#define HV_STATUS_MASK 0xffffull

/* Status codes (TLFS numbering). */
#define HV_STATUS_SUCCESS		  0
#define HV_STATUS_INVALID_HYPERCALL_CODE  2
#define HV_STATUS_INVALID_HYPERCALL_INPUT 3
#define HV_STATUS_INVALID_ALIGNMENT	  4
#define HV_STATUS_INVALID_PARAMETER	  5
#define HV_STATUS_ACCESS_DENIED		  6
#define HV_STATUS_INSUFFICIENT_MEMORY	  11
#define HV_STATUS_INVALID_PARTITION_ID	  13
#define HV_STATUS_INVALID_VP_INDEX	  14
#define HV_STATUS_INVALID_PORT_ID	  17
#define HV_STATUS_INVALID_CONNECTION_ID	  18
#define HV_STATUS_INSUFFICIENT_BUFFERS	  19
#define HV_STATUS_INVALID_VP_STATE	  21
#define HV_STATUS_NO_RESOURCES		  29

/*
 * Call codes. Guest-facing calls keep the TLFS numbers (HvPostMessage 0x5C, HvSignalEvent
 * 0x5D, later). This hypervisor's own root-only calls live at 0x8000-0x80FF: the TLFS
 * assigns codes below 0x8000 only (its extended calls start at 0x8001 but are reached only
 * after the guest queries them with 0x8001 itself, which needs CPUID privilege bit 20 that
 * no partition here is given), so the private range 0x8100.. never meets a TLFS call.
 */
#define HV_CALL_POST_MESSAGE	    0x005c
#define HV_CALL_SIGNAL_EVENT	    0x005d
/* The root's way into a child's SynIC (TLFS numbers; root only, as on Hyper-V). */
#define HV_CALL_ASSERT_INTERRUPT    0x0094 /* in: hv_assert_interrupt_in */
#define HV_CALL_SIGNAL_EVENT_DIRECT 0x00c0 /* in: hv_signal_event_direct_in, out: _out */
#define HV_CALL_POST_MESSAGE_DIRECT 0x00c1 /* in: hv_post_message_direct_in */
#define HV_CALL_PRIVATE_BASE	    0x8100
#define HV_CALL_GET_STATS	    0x8100 /* root only; output page: struct hv_stats */
#define HV_CALL_READ_LOG	    0x8101 /* root only; input: hv_read_log_in, output page */
#define HV_CALL_SELF_CHECK	    0x8102 /* root only; output page: struct hv_self_check */
/* Partition management (root only; docs/partitions.md). */
#define HV_CALL_CREATE_PARTITION    0x8110 /* in: hv_partition_create_in, out: _create_out */
#define HV_CALL_DELETE_PARTITION    0x8111 /* in: hv_partition_ref */
#define HV_CALL_DEPOSIT_PAGES	    0x8112 /* rep; in: hv_deposit_in (pfn[] of root RAM) */
#define HV_CALL_WITHDRAW_PAGES	    0x8113 /* rep; in: hv_partition_ref, out: pfn[] */
#define HV_CALL_MAP_GPA_PAGES	    0x8114 /* rep; in: hv_map_gpa_in (pfn[] of root RAM) */
#define HV_CALL_UNMAP_GPA_PAGES	    0x8115 /* rep; in: hv_unmap_gpa_in */
#define HV_CALL_CREATE_VP	    0x8116 /* in: hv_vp_ref */
#define HV_CALL_GET_VP_REGISTERS    0x8117 /* rep; in: hv_vp_registers_in, out: u64 value[] */
#define HV_CALL_SET_VP_REGISTERS    0x8118 /* rep; in: hv_vp_registers_in */
#define HV_CALL_RUN_VP		    0x8119 /* in: hv_run_vp_in, out: hv_run_vp_exit */
#define HV_CALL_SET_CONNECTION	    0x811a /* in: hv_connection_in */
#define HV_CALL_GET_VP_STATS	    0x811b /* in: hv_vp_ref, out: hv_vp_stats (ABI 4) */

/* ---- HV_CALL_GET_STATS: output page (R8 = 4 KiB aligned GPA) ---- */
#define HV_STATS_MAX_EXIT_REASONS 32
/* Exit reasons counted in hv_stats.exits[] (index = HV_EXIT_*). */
enum hv_exit_reason {
	HV_EXIT_OTHER = 0,
	HV_EXIT_CPUID = 1,
	HV_EXIT_MSR_READ = 2,
	HV_EXIT_MSR_WRITE = 3,
	HV_EXIT_HYPERCALL = 4,
	HV_EXIT_IO = 5,
	HV_EXIT_SVM_INSN = 6, /* VMRUN/VMLOAD/VMSAVE/STGI/CLGI/SKINIT/INVLPGA refused */
	HV_EXIT_NPF = 7,
	HV_EXIT_SHUTDOWN = 8,
	HV_EXIT_INTR = 9,
	HV_EXIT_NMI = 10,
	HV_EXIT_INVD = 11, /* INVD (carried out as WBINVD) or WBINVD */
	HV_EXIT_HLT = 12,  /* a child's HLT (the root's is not intercepted) */
	HV_EXIT_REASON_COUNT = 13,
};

struct hv_stats {
	hv_u32 abi_version;	  /* OUT: HV_ABI_VERSION */
	hv_u32 exit_reason_count; /* OUT: entries of exits[] in use (HV_EXIT_REASON_COUNT) */
	hv_u64 uptime_ns;	  /* OUT: time since the hypervisor took the CPU */
	hv_u64 tsc_khz;		  /* OUT: TSC frequency the uptime is computed from */
	hv_u64 total_exits;	  /* OUT: all exits of all VPs */
	hv_u64 hypercalls;	  /* OUT: hypercalls handled (this one included) */
	hv_u64 mem_base;	  /* OUT: physical base of the hypervisor's resident memory */
	hv_u64 mem_size;	  /* OUT: its size in bytes (all of it hidden from the root) */
	hv_u64 mem_used;	  /* OUT: bytes of it in use (image, tables, stacks, ring) */
	hv_u64 log_bytes;	  /* OUT: bytes ever written to the log ring */
	hv_u32 cpus;		  /* OUT: CPUs the hypervisor runs on */
	hv_u32 reserved0;
	hv_u64 exits[HV_STATS_MAX_EXIT_REASONS]; /* OUT: exits by enum hv_exit_reason */
	/* ABI 2 */
	hv_u32 partitions;	/* OUT: child partitions that exist */
	hv_u32 vps;		/* OUT: their VPs */
	hv_u64 deposited_pages; /* OUT: root pages held for children (all partitions) */
	hv_u64 npt_split_pages; /* OUT: resident pages used to split the root's NPT */
	/* ABI 3: what children cost, all of them together (a benchmark runs one child) */
	hv_u64 child_exits;	 /* OUT: exits of child VPs (handled inside or not) */
	hv_u64 child_posts;	 /* OUT: HvPostMessage calls handed to the root */
	hv_u64 child_signals;	 /* OUT: HvSignalEvent calls handed to the root */
	hv_u64 child_interrupts; /* OUT: SINT interrupts put into a child VP */
};
_Static_assert(sizeof(struct hv_stats) == 136 + 8 * HV_STATS_MAX_EXIT_REASONS,
	       "hv_stats layout is ABI");

/* ---- HV_CALL_READ_LOG ----
 * Input page (RDX): struct hv_read_log_in. Output page (R8): struct hv_read_log_out followed
 * by up to HV_READ_LOG_MAX bytes of log text. The ring keeps the newest bytes; `offset` is
 * an absolute byte position in the log stream (0 = first byte ever written). Reading from an
 * offset the ring has overwritten starts at the oldest byte still held (`start` says where). */
struct hv_read_log_in {
	hv_u64 offset; /* IN: absolute stream position to read from */
};
struct hv_read_log_out {
	hv_u64 start;  /* OUT: absolute position of the first byte returned */
	hv_u64 end;    /* OUT: absolute position after the newest byte written */
	hv_u32 length; /* OUT: bytes of text that follow this header */
	hv_u32 reserved0;
};
_Static_assert(sizeof(struct hv_read_log_in) == 8, "hv_read_log_in layout is ABI");
_Static_assert(sizeof(struct hv_read_log_out) == 24, "hv_read_log_out layout is ABI");
#define HV_READ_LOG_MAX (4096u - (unsigned)sizeof(struct hv_read_log_out))

/* ---- HV_CALL_SELF_CHECK: output page (R8 = 4 KiB aligned GPA) ----
 * The hypervisor hashes its own code and read-only data (FNV-1a, 64 bits) and compares with
 * the hash it took at take-over. A test aid that shows an attack did not change them (a root
 * able to run code in the hypervisor could also fake this answer). */
struct hv_self_check {
	hv_u64 hash_at_boot; /* OUT */
	hv_u64 hash_now;     /* OUT */
	hv_u64 bytes;	     /* OUT: bytes hashed (code + read-only data) */
	hv_u32 intact;	     /* OUT: 1 when the two hashes agree */
	hv_u32 reserved0;
};
_Static_assert(sizeof(struct hv_self_check) == 32, "hv_self_check is 32 bytes");

/* ---- Partition management ----
 * Partition ids: HV_PARTITION_ID_ROOT is the root; children get ids from
 * HV_PARTITION_ID_FIRST_CHILD up, never reused while the hypervisor runs. */
#define HV_PARTITION_ID_ROOT	    1ull
#define HV_PARTITION_ID_FIRST_CHILD 2ull
#define HV_MAX_CHILD_PARTITIONS	    64u
#define HV_MAX_VPS_PER_PARTITION    64u

struct hv_partition_create_in {
	hv_u32 max_vps;	  /* IN: 1..HV_MAX_VPS_PER_PARTITION */
	hv_u32 flags;	  /* IN: 0 (reserved) */
	hv_u64 reserved0; /* IN: 0 */
};
_Static_assert(sizeof(struct hv_partition_create_in) == 16, "hv_partition_create_in is 16 bytes");

struct hv_partition_create_out {
	hv_u64 partition_id; /* OUT */
};
_Static_assert(sizeof(struct hv_partition_create_out) == 8, "hv_partition_create_out is 8 bytes");

struct hv_partition_ref {
	hv_u64 partition_id; /* IN: a child's id */
	hv_u64 reserved0;    /* IN: 0 */
};
_Static_assert(sizeof(struct hv_partition_ref) == 16, "hv_partition_ref is 16 bytes");

/* HV_CALL_DEPOSIT_PAGES: rep count = pages (1..HV_DEPOSIT_MAX), each a page of the root's RAM
 * that leaves the root (its NPT) for the partition's bookkeeping until withdrawn or the
 * partition is deleted; it comes back zeroed. Result: status and reps completed (the pages
 * before the first refused one were deposited). */
#define HV_DEPOSIT_MAX 510u
struct hv_deposit_in {
	hv_u64 partition_id; /* IN */
	hv_u64 reserved0;    /* IN: 0 */
	hv_u64 pfn[];	     /* IN: root page frame numbers, rep count of them */
};
_Static_assert(sizeof(struct hv_deposit_in) == 16, "hv_deposit_in header is 16 bytes");

/* HV_CALL_WITHDRAW_PAGES: rep count = pages wanted (1..HV_WITHDRAW_MAX); the output page gets
 * the pfn of each page returned to the root (zeroed). Reps completed = pages returned, fewer
 * than asked when the partition holds fewer (status still HV_STATUS_SUCCESS). */
#define HV_WITHDRAW_MAX 512u

/* HV_CALL_MAP_GPA_PAGES: rep count = pages (1..HV_MAP_GPA_MAX); page i of the root's RAM
 * (pfn[i]) becomes the child's GPA page target_gfn + i with the given access. The root keeps
 * its own mapping (VSPs read child memory directly); a page may be mapped into one child only,
 * never MMIO, the hypervisor's memory or a deposited page; a child GPA may not be mapped twice.
 * Table pages for the child's NPT come from the partition's deposit: when it runs dry the call
 * stops with HV_STATUS_INSUFFICIENT_MEMORY and the reps done (deposit more, then continue). */
#define HV_MAP_GPA_MAX 509u
#define HV_MAP_READ    0x1u
#define HV_MAP_WRITE   0x2u
#define HV_MAP_EXEC    0x4u
struct hv_map_gpa_in {
	hv_u64 partition_id; /* IN */
	hv_u64 target_gfn;   /* IN: first child GPA page (GPA >> 12) */
	hv_u32 flags;	     /* IN: HV_MAP_READ (required) | HV_MAP_WRITE | HV_MAP_EXEC */
	hv_u32 reserved0;    /* IN: 0 */
	hv_u64 pfn[];	     /* IN: root page frame numbers, rep count of them */
};
_Static_assert(sizeof(struct hv_map_gpa_in) == 24, "hv_map_gpa_in header is 24 bytes");

/* HV_CALL_UNMAP_GPA_PAGES: rep count = pages (1..4095) from target_gfn; pages not mapped are
 * skipped. The child's TLB is flushed before it runs again. */
struct hv_unmap_gpa_in {
	hv_u64 partition_id; /* IN */
	hv_u64 target_gfn;   /* IN */
};
_Static_assert(sizeof(struct hv_unmap_gpa_in) == 16, "hv_unmap_gpa_in is 16 bytes");

/* A VP of a child: HV_CALL_CREATE_VP takes two deposited pages (control block and state). */
struct hv_vp_ref {
	hv_u64 partition_id; /* IN */
	hv_u32 vp_index;     /* IN: 0..max_vps-1 */
	hv_u32 reserved0;    /* IN: 0 */
};
_Static_assert(sizeof(struct hv_vp_ref) == 16, "hv_vp_ref is 16 bytes");

/* HV_CALL_GET_VP_STATS (root): what one child VP has cost since it was created, as the
 * hypervisor counted it: every exit by reason (handled inside or handed to the root), the SINT
 * vectors put into it, its calls handed to the root. Read while the VP may run: each counter
 * is read whole, the set is not a snapshot. */
struct hv_vp_stats {
	hv_u32 exit_reason_count; /* OUT: entries of exits[] in use (HV_EXIT_REASON_COUNT) */
	hv_u32 reserved0;
	hv_u64 exits_total;			 /* OUT: all its exits */
	hv_u64 interrupts;			 /* OUT: SINT vectors put into its APIC */
	hv_u64 posts;				 /* OUT: HvPostMessage calls handed to the root */
	hv_u64 signals;				 /* OUT: HvSignalEvent calls handed to the root */
	hv_u64 runs;				 /* OUT: HV_CALL_RUN_VP calls that entered it */
	hv_u64 exits[HV_STATS_MAX_EXIT_REASONS]; /* OUT: by enum hv_exit_reason */
};
_Static_assert(sizeof(struct hv_vp_stats) == 48 + 8 * HV_STATS_MAX_EXIT_REASONS,
	       "hv_vp_stats is 304 bytes");

/* VP registers by name. 0-15 are the general registers in x86 order (RAX RCX RDX RBX RSP RBP
 * RSI RDI R8-R15). A segment register's value packs the selector (bits 15:0), the attributes
 * in the VMCB's 12-bit form (27:16) and the limit (63:32); its base is the _BASE name. */
enum hv_register_name {
	HV_REG_RAX = 0,
	HV_REG_RCX = 1,
	HV_REG_RDX = 2,
	HV_REG_RBX = 3,
	HV_REG_RSP = 4,
	HV_REG_RBP = 5,
	HV_REG_RSI = 6,
	HV_REG_RDI = 7,
	HV_REG_R8 = 8, /* ... */
	HV_REG_R15 = 15,
	HV_REG_RIP = 16,
	HV_REG_RFLAGS = 17,
	HV_REG_CR0 = 18,
	HV_REG_CR2 = 19,
	HV_REG_CR3 = 20,
	HV_REG_CR4 = 21,
	HV_REG_EFER = 22,
	HV_REG_PAT = 23,
	HV_REG_CS = 24,
	HV_REG_DS = 25,
	HV_REG_ES = 26,
	HV_REG_FS = 27,
	HV_REG_GS = 28,
	HV_REG_SS = 29,
	HV_REG_CS_BASE = 30, /* 30-35: the segments' bases, same order */
	HV_REG_DS_BASE = 31,
	HV_REG_ES_BASE = 32,
	HV_REG_FS_BASE = 33,
	HV_REG_GS_BASE = 34,
	HV_REG_SS_BASE = 35,
	HV_REG_TR = 36,
	HV_REG_TR_BASE = 37,
	HV_REG_LDTR = 38,
	HV_REG_LDTR_BASE = 39,
	HV_REG_GDTR_BASE = 40,
	HV_REG_GDTR_LIMIT = 41,
	HV_REG_IDTR_BASE = 42,
	HV_REG_IDTR_LIMIT = 43,
	HV_REG_COUNT = 44,
};

/* HV_CALL_GET/SET_VP_REGISTERS: rep count = entries (1..HV_VP_REGISTERS_MAX); get writes one
 * u64 per entry to the output page, set takes entry.value. A set that the CPU would refuse
 * (EFER/CR0/CR4 bits outside the child's view, a non-canonical RIP) stops at that entry with
 * HV_STATUS_INVALID_PARAMETER. */
#define HV_VP_REGISTERS_MAX 254u
struct hv_register_entry {
	hv_u32 name;	  /* IN: enum hv_register_name */
	hv_u32 reserved0; /* IN: 0 */
	hv_u64 value;	  /* IN (set) */
};
struct hv_vp_registers_in {
	hv_u64 partition_id; /* IN */
	hv_u32 vp_index;     /* IN */
	hv_u32 reserved0;    /* IN: 0 */
	struct hv_register_entry reg[];
};
_Static_assert(sizeof(struct hv_register_entry) == 16, "hv_register_entry is 16 bytes");
_Static_assert(sizeof(struct hv_vp_registers_in) == 16, "hv_vp_registers_in header is 16 bytes");

/* HV_CALL_RUN_VP: runs the VP on the calling CPU until an exit the hypervisor cannot finish
 * itself, and describes that exit. A host interrupt always ends the run (reason INTERRUPTED):
 * the root takes it, then calls again. HV_RUN_COMPLETE_IN: the previous exit was an IN or an
 * MMIO load; its value (io_in_value, the exit's io_size) lands where the instruction puts it
 * (RAX for IN) before the VP resumes.
 * HV_RUN_COMPLETE_HYPERCALL: the previous exit was POST_MESSAGE or SIGNAL_EVENT; io_in_value
 * is the status the child's hypercall returns (without the flag it returns SUCCESS). */
#define HV_RUN_COMPLETE_IN	  0x1u
#define HV_RUN_COMPLETE_HYPERCALL 0x2u
struct hv_run_vp_in {
	hv_u64 partition_id; /* IN */
	hv_u32 vp_index;     /* IN */
	hv_u32 flags;	     /* IN: HV_RUN_* */
	hv_u64 io_in_value;  /* IN: with HV_RUN_COMPLETE_IN */
};
_Static_assert(sizeof(struct hv_run_vp_in) == 24, "hv_run_vp_in is 24 bytes");

enum hv_run_exit_reason {
	HV_RUN_EXIT_INTERRUPTED = 1,  /* a host interrupt: call again */
	HV_RUN_EXIT_IO = 2,	      /* port I/O (io_*); RIP already past the instruction */
	HV_RUN_EXIT_UNMAPPED_GPA = 3, /* an access to a GPA not mapped (or not so): gpa, access */
	HV_RUN_EXIT_HALT = 4,	      /* HLT; RIP past it */
	HV_RUN_EXIT_SHUTDOWN = 5,     /* triple fault: the VP cannot continue */
	HV_RUN_EXIT_UNSUPPORTED = 6,  /* an exit the hypervisor does not handle: arch_code */
	/* The child's HvPostMessage to a message connection the root registered, checked (type,
	 * size <= 240): connection_id, and the message itself (struct hv_post_message_in) at
	 * HV_RUN_MESSAGE_OFFSET in the output page. RIP past the call. */
	HV_RUN_EXIT_POST_MESSAGE = 7,
	/* The child's HvSignalEvent on an event connection the root registered: connection_id,
	 * flag_number. RIP past the call. */
	HV_RUN_EXIT_SIGNAL_EVENT = 8,
	/* A MOV, MOVZX or MOVSX to or from a GPA where the child has no memory (the root's device
	 * emulation: MMIO): gpa, access (bit 1: store), io_size (1, 2, 4 or 8), io_in (1: load).
	 * A store: mmio_value, RIP already past it. A load: complete it with HV_RUN_COMPLETE_IN
	 * and the value; RIP moves past it then (a run without the flag executes it again).
	 * Any other access there (a fetch, a form not decoded) is HV_RUN_EXIT_UNMAPPED_GPA. */
	HV_RUN_EXIT_MMIO = 9,
};
#define HV_RUN_MESSAGE_OFFSET 128u

struct hv_run_vp_exit {
	hv_u32 reason; /* OUT: enum hv_run_exit_reason */
	hv_u32 reserved0;
	hv_u64 rip;	      /* OUT: after the exit (past the instruction for IO and HALT) */
	hv_u64 rflags;	      /* OUT */
	hv_u64 arch_code;     /* OUT: the CPU's own exit code (SVM: VMEXIT_*) */
	hv_u64 gpa;	      /* OUT: UNMAPPED_GPA, MMIO: the address */
	hv_u64 access;	      /* OUT: UNMAPPED_GPA, MMIO: bit 1 write, bit 4 instruction fetch */
	hv_u16 io_port;	      /* OUT: IO */
	hv_u8 io_size;	      /* OUT: IO: 1, 2 or 4; MMIO: 1, 2, 4 or 8 */
	hv_u8 io_in;	      /* OUT: IO, MMIO: 1 for IN / a load (complete it on the next run) */
	hv_u32 io_value;      /* OUT: IO: the value an OUT wrote */
	hv_u32 connection_id; /* OUT: POST_MESSAGE, SIGNAL_EVENT */
	hv_u16 flag_number;   /* OUT: SIGNAL_EVENT */
	hv_u16 reserved2;
	hv_u64 timer_deadline; /* OUT: HALT: reference time its next synthetic timer expires
				* (resume the VP by then); 0: none armed */
	hv_u64 mmio_value;     /* OUT: MMIO store: the value (its low io_size bytes) */
};
_Static_assert(sizeof(struct hv_run_vp_exit) == 80, "hv_run_vp_exit is 80 bytes");

/* ---- SynIC (TLFS): what the root and the children share ----
 * A message slot of a SynIC message page (16 slots, one per SINT) and the message a root posts
 * into one. message_type 0 = the slot is free; the hypervisor sets HV_MESSAGE_PENDING in a
 * busy slot when more wait behind it, and the guest then writes the EOM MSR. */
#define HV_SINT_COUNT		16u
#define HV_MESSAGE_PAYLOAD_MAX	240u
#define HV_MESSAGE_PENDING	0x1u
#define HV_EVENT_FLAGS_PER_SINT 2048u /* bits of one SINT's event-flags bitmap (256 bytes) */
struct hv_synic_message {
	hv_u32 message_type; /* 0: none; 0x80000000 and up: the hypervisor's own types */
	hv_u8 payload_size;  /* bytes, <= HV_MESSAGE_PAYLOAD_MAX */
	hv_u8 flags;	     /* HV_MESSAGE_PENDING */
	hv_u16 reserved0;
	hv_u64 sender; /* 0 */
	hv_u8 payload[HV_MESSAGE_PAYLOAD_MAX];
};
_Static_assert(sizeof(struct hv_synic_message) == 256, "hv_synic_message is 256 bytes");

/* HvPostMessage (0x5C, memory form): a child's input, 8-byte aligned, not crossing a page. */
struct hv_post_message_in {
	hv_u32 connection_id;
	hv_u32 reserved0;
	hv_u32 message_type; /* 1..0x7fffffff */
	hv_u32 payload_size; /* <= HV_MESSAGE_PAYLOAD_MAX */
	hv_u8 payload[HV_MESSAGE_PAYLOAD_MAX];
};
_Static_assert(sizeof(struct hv_post_message_in) == 256, "hv_post_message_in is 256 bytes");
/* HvSignalEvent (0x5D, fast): RDX = connection id (bits 23:0) | flag number << 32 (47:32). */

/* HV_CALL_POST_MESSAGE_DIRECT (root): the message goes into slot `sint` of the VP's message
 * page, or waits in the VP's queue (HV_SYNIC_QUEUE_DEPTH messages, all SINTs) while that slot
 * is busy; the guest's EOM moves the next one in. HV_STATUS_INSUFFICIENT_BUFFERS: the queue
 * is full (the root retries later); HV_STATUS_INVALID_VP_STATE: the VP's SynIC, message page
 * or that SINT is not enabled. The SINT's interrupt is raised when the message lands. */
#define HV_SYNIC_QUEUE_DEPTH 8u
struct hv_post_message_direct_in {
	hv_u64 partition_id;		 /* IN: a child */
	hv_u32 vp_index;		 /* IN */
	hv_u8 vtl;			 /* IN: 0 */
	hv_u8 reserved0[3];		 /* IN: 0 */
	hv_u32 sint;			 /* IN: 0..15 */
	struct hv_synic_message message; /* IN: type 1..0x7fffffff, payload_size <= 240, flags 0 */
} __attribute__((packed));
_Static_assert(sizeof(struct hv_post_message_direct_in) == 276,
	       "hv_post_message_direct_in is TLFS's 276 bytes");

/* HV_CALL_SIGNAL_EVENT_DIRECT (root): sets bit flag_number of SINT sint's event flags in the
 * VP's event-flags page and, if it was clear, raises the SINT's interrupt.
 * HV_STATUS_INVALID_VP_STATE: the VP's SynIC, event-flags page or that SINT is not enabled. */
struct hv_signal_event_direct_in {
	hv_u64 partition_id; /* IN: a child */
	hv_u32 vp_index;     /* IN */
	hv_u8 vtl;	     /* IN: 0 */
	hv_u8 sint;	     /* IN: 0..15 */
	hv_u16 flag_number;  /* IN: 0..HV_EVENT_FLAGS_PER_SINT-1 */
};
_Static_assert(sizeof(struct hv_signal_event_direct_in) == 16,
	       "hv_signal_event_direct_in is 16 bytes");
struct hv_signal_event_direct_out {
	hv_u8 newly_signaled; /* OUT: 1 if the bit was clear */
	hv_u8 reserved0[7];
};
_Static_assert(sizeof(struct hv_signal_event_direct_out) == 8,
	       "hv_signal_event_direct_out is 8 bytes");

/* HV_CALL_SET_CONNECTION (root): connection ids [connection_id, connection_id + count) of a
 * child become a message or an event connection: the child's HvPostMessage / HvSignalEvent on
 * them end its run (HV_RUN_EXIT_POST_MESSAGE / _SIGNAL_EVENT); on any other id the child gets
 * HV_STATUS_INVALID_CONNECTION_ID without an exit. type NONE removes the range registered with
 * exactly this start. Ids are 24 bits, not 0; ranges may not overlap; HV_CONNECTIONS_MAX per
 * partition (HV_STATUS_NO_RESOURCES beyond). */
#define HV_CONNECTION_NONE    0u
#define HV_CONNECTION_MESSAGE 1u
#define HV_CONNECTION_EVENT   2u
#define HV_CONNECTION_ID_MAX  0xffffffu
#define HV_CONNECTIONS_MAX    16u
struct hv_connection_in {
	hv_u64 partition_id;  /* IN: a child */
	hv_u32 connection_id; /* IN: first id, 1..HV_CONNECTION_ID_MAX */
	hv_u32 count;	      /* IN: 1.. (the range stays <= HV_CONNECTION_ID_MAX); NONE: 0 */
	hv_u32 type;	      /* IN: HV_CONNECTION_* */
	hv_u32 reserved0;     /* IN: 0 */
};
_Static_assert(sizeof(struct hv_connection_in) == 24, "hv_connection_in is 24 bytes");

/* HvAssertVirtualInterrupt (root, TLFS 0x94): a fixed, edge-triggered interrupt with vector
 * 16..255 for VP dest (its index: no APIC ids yet), taken when the VP's IF allows (before a
 * SINT of a lower vector). Asserting a vector already pending changes nothing. */
#define HV_INTERRUPT_TYPE_FIXED 0u
struct hv_assert_interrupt_in {
	hv_u64 partition_id;   /* IN: a child */
	hv_u32 interrupt_type; /* IN: HV_INTERRUPT_TYPE_FIXED */
	hv_u32 control_flags;  /* IN: 0 (level-triggered and logical destination refused) */
	hv_u64 dest;	       /* IN: VP index */
	hv_u32 vector;	       /* IN: 16..255 */
	hv_u8 vtl;	       /* IN: 0 */
	hv_u8 reserved0[3];    /* IN: 0 */
};
_Static_assert(sizeof(struct hv_assert_interrupt_in) == 32, "hv_assert_interrupt_in is 32 bytes");

/* A child's synthetic MSRs beyond the root's (TLFS): SynIC. Reset: SINTs masked, the rest 0. */
#define HV_SYNIC_MSR_SCONTROL 0x40000080u /* bit 0: SynIC enabled */
#define HV_SYNIC_MSR_SVERSION 0x40000081u /* read only: 1 */
#define HV_SYNIC_MSR_SIEFP    0x40000082u /* bit 0 enable, bits 63:12 GPA of the event-flags page */
#define HV_SYNIC_MSR_SIMP     0x40000083u /* bit 0 enable, bits 63:12 GPA of the message page */
#define HV_SYNIC_MSR_EOM      0x40000084u /* write only: end of message */
#define HV_SYNIC_MSR_SINT0    0x40000090u /* ..0x4000009F: vector 7:0, masked 16, auto-EOI 17 */
#define HV_SINT_MASKED	      (1ull << 16)
#define HV_SINT_AUTO_EOI      (1ull << 17)

#endif /* HV_ABI_H */
