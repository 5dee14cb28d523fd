/* SPDX-License-Identifier: MIT */
/*
 * vid.h: the user-space interface of vid.ko (/dev/vid), the root's driver for child
 * partitions: every ioctl, its argument struct (fields marked IN/OUT, explicit sizes and
 * padding) and its limits. /dev/vid gives a partition fd, a partition fd gives VP fds. The
 * partition fd also carries the child's SynIC traffic (the VMBus transport): read(2) gives
 * the messages it posted, an eventfd tells of its signals, ioctls post and signal into it.
 * Includable by the kernel module and by user space (libvid). docs/vid.md describes each
 * ioctl's checks and errors. MIT, so that user space may include it.
 *
 * Errors are negative errnos (ioctl(2) returns -1 with errno). Two are reserved for what the
 * hypervisor says of a call itself, never returned for any other reason:
 * - EOPNOTSUPP: HV_STATUS_INVALID_HYPERCALL_CODE, it does not implement that call (yet);
 * - EPROTO: HV_STATUS_INVALID_HYPERCALL_INPUT, it refuses the call's form (the control word,
 *   which vid.ko builds from abi.h): a hypervisor built from another abi.h, or one that does
 *   not know a rep call yet and so refuses its rep count.
 */
#ifndef HV_VID_H
#define HV_VID_H

#include <linux/ioctl.h>
#include <linux/types.h> /* __s32 */
#include <hv/abi.h>	 /* hv_u32/hv_u64, hv_run_vp_exit, hv_register_name, HV_MAP_*, limits */

/* Bumped by any change a caller could notice (as HV_ABI_VERSION is); VID_GET_STATS says it. */
#define VID_API_VERSION 3u /* 2: SynIC (the VMBus transport): connections, messages, events.
			    * 3: MMIO exits (VID_RUN), VID_ASSERT_INTERRUPT, VID_GET_VP_STATS */
#define VID_DEVICE	"/dev/vid"
#define VID_IOCTL_MAGIC 0xb9

/* Limits vid.ko enforces on top of the hypervisor's own (abi.h). */
#define VID_GPA_LIMIT	 (1ull << 40)  /* guest_phys + size of a mapping stays below 1 TiB */
#define VID_MAP_MAX_SIZE (64ull << 30) /* bytes one VID_MAP_MEMORY maps at most */
#define VID_REGS_MAX	 64u	       /* entries of one VID_GET_REGS / VID_SET_REGS */
#define VID_PAGE_SIZE	 4096u

/* ---- /dev/vid ---- */

/* VID_CREATE_PARTITION: creates a child partition (HV_CALL_CREATE_PARTITION, then an initial
 * deposit) and returns its partition fd (O_CLOEXEC). Closing every fd of the partition (its
 * own and its VPs') deletes it. */
struct vid_partition_create {
	hv_u32 max_vps;	     /* IN: 1..HV_MAX_VPS_PER_PARTITION */
	hv_u32 flags;	     /* IN: 0 (none defined) */
	hv_u64 partition_id; /* OUT: the hypervisor's id of the child (for logs) */
	hv_u64 reserved[2];  /* IN: 0 */
};
_Static_assert(sizeof(struct vid_partition_create) == 32, "vid_partition_create is 32 bytes");

/* VID_GET_STATS: the hypervisor's partition counters (HV_CALL_GET_STATS) beside vid.ko's own,
 * so that a test sees everything come back after a partition is gone. */
struct vid_stats {
	hv_u32 abi_version;	   /* OUT: the hypervisor's HV_ABI_VERSION */
	hv_u32 api_version;	   /* OUT: VID_API_VERSION */
	hv_u32 hv_partitions;	   /* OUT: child partitions in the hypervisor (any creator) */
	hv_u32 partitions;	   /* OUT: partitions vid.ko holds (fds not all closed yet) */
	hv_u64 hv_deposited_pages; /* OUT: root pages the hypervisor holds for all children */
	hv_u64 deposited_pages;	   /* OUT: of them, pages vid.ko deposited */
	hv_u64 pinned_pages;	   /* OUT: worker pages vid.ko holds pinned for child RAM */
	hv_u64 leaked_pages;	   /* OUT: pages kept back for good after a failed delete/unmap */
	hv_u64 hv_npt_split_pages; /* OUT: hypervisor pages spent splitting the root's NPT */
	hv_u64 reserved0;	   /* OUT: 0 */
};
_Static_assert(sizeof(struct vid_stats) == 64, "vid_stats is 64 bytes");

#define VID_CREATE_PARTITION _IOWR(VID_IOCTL_MAGIC, 0x01, struct vid_partition_create)
#define VID_GET_STATS	     _IOR(VID_IOCTL_MAGIC, 0x02, struct vid_stats)

/* ---- partition fd ---- */

/* VID_MAP_MEMORY: pins [user_addr, user_addr + size) of the caller's memory for the
 * partition's life and maps it at guest_phys in the child (HV_CALL_MAP_GPA_PAGES). All three
 * are multiples of VID_PAGE_SIZE; size 1..VID_MAP_MAX_SIZE; guest_phys + size <= VID_GPA_LIMIT;
 * the range may not overlap one mapped before. The root keeps its own mapping. */
#define VID_MAP_READ  HV_MAP_READ /* required */
#define VID_MAP_WRITE HV_MAP_WRITE
#define VID_MAP_EXEC  HV_MAP_EXEC
#define VID_MAP_FLAGS (VID_MAP_READ | VID_MAP_WRITE | VID_MAP_EXEC)
struct vid_map_memory {
	hv_u64 user_addr;  /* IN: start of the worker's memory (anonymous, or hugetlbfs) */
	hv_u64 size;	   /* IN: bytes */
	hv_u64 guest_phys; /* IN: child GPA the first byte appears at */
	hv_u32 flags;	   /* IN: VID_MAP_* */
	hv_u32 reserved0;  /* IN: 0 */
};
_Static_assert(sizeof(struct vid_map_memory) == 32, "vid_map_memory is 32 bytes");

/* VID_CREATE_VP: creates VP vp_index (HV_CALL_CREATE_VP) and returns its VP fd (O_CLOEXEC).
 * A VP exists until its partition is deleted: closing its fd does not delete it, and a second
 * create of the same index is refused (EEXIST). */
struct vid_vp_create {
	hv_u32 vp_index;  /* IN: 0..max_vps-1 */
	hv_u32 reserved0; /* IN: 0 */
};
_Static_assert(sizeof(struct vid_vp_create) == 8, "vid_vp_create is 8 bytes");

#define VID_MAP_MEMORY _IOW(VID_IOCTL_MAGIC, 0x10, struct vid_map_memory)
#define VID_CREATE_VP  _IOW(VID_IOCTL_MAGIC, 0x11, struct vid_vp_create)

/* ---- partition fd: SynIC, the VMBus transport (docs/vid.md, docs/vmbus.md) ---- */

/* VID_SET_CONNECTION: connection ids [connection_id, connection_id + count) of the child
 * become message or event connections (HV_CALL_SET_CONNECTION): the child's HvPostMessage /
 * HvSignalEvent on them reach this partition fd (read(2) / VID_SET_SIGNAL_EVENTFD). Type
 * VID_CONNECTION_NONE with count 0 removes the range registered with exactly this start.
 * Ids 1..HV_CONNECTION_ID_MAX, ranges do not overlap, at most HV_CONNECTIONS_MAX of them; an
 * event range holds at most VID_EVENT_RANGE_MAX ids (vid.ko keeps a pending bit per id). */
#define VID_CONNECTION_NONE    HV_CONNECTION_NONE
#define VID_CONNECTION_MESSAGE HV_CONNECTION_MESSAGE
#define VID_CONNECTION_EVENT   HV_CONNECTION_EVENT
#define VID_CONNECTIONS_MAX    HV_CONNECTIONS_MAX
#define VID_EVENT_RANGE_MAX    4096u
struct vid_connection {
	hv_u32 connection_id; /* IN: first id */
	hv_u32 count;	      /* IN: 1..(VID_EVENT_RANGE_MAX for events); NONE: 0 */
	hv_u32 type;	      /* IN: VID_CONNECTION_* */
	hv_u32 reserved0;     /* IN: 0 */
};
_Static_assert(sizeof(struct vid_connection) == 16, "vid_connection is 16 bytes");

/* VID_POST_MESSAGE: a message into SINT `sint` of VP vp_index (HV_CALL_POST_MESSAGE_DIRECT),
 * then the VP is woken if it sleeps in HLT. EAGAIN: the VP's message queue is full (the
 * guest has not taken its messages yet: retry later); ENOTCONN: the guest has not enabled its
 * SynIC, message page or that SINT. */
#define VID_MESSAGE_PAYLOAD_MAX HV_MESSAGE_PAYLOAD_MAX /* 240 */
#define VID_MESSAGE_TYPE_MAX	0x7fffffffu	       /* above: the hypervisor's own types */
struct vid_post_message {
	hv_u32 vp_index;			/* IN: below the partition's max_vps */
	hv_u32 sint;				/* IN: 0..HV_SINT_COUNT-1 */
	hv_u32 message_type;			/* IN: 1..VID_MESSAGE_TYPE_MAX */
	hv_u32 payload_size;			/* IN: 0..VID_MESSAGE_PAYLOAD_MAX */
	hv_u8 payload[VID_MESSAGE_PAYLOAD_MAX]; /* IN: payload_size bytes used */
};
_Static_assert(sizeof(struct vid_post_message) == 256, "vid_post_message is 256 bytes");

/* VID_SIGNAL_EVENT: sets bit flag_number of SINT `sint`'s event flags of VP vp_index
 * (HV_CALL_SIGNAL_EVENT_DIRECT), which raises the SINT if the bit was clear, then wakes the
 * VP if it sleeps in HLT. ENOTCONN as for VID_POST_MESSAGE. */
struct vid_signal_event {
	hv_u32 vp_index;       /* IN: below the partition's max_vps */
	hv_u32 sint;	       /* IN: 0..HV_SINT_COUNT-1 */
	hv_u32 flag_number;    /* IN: 0..HV_EVENT_FLAGS_PER_SINT-1 */
	hv_u32 newly_signaled; /* OUT: 1 if the bit was clear (IN: ignored) */
};
_Static_assert(sizeof(struct vid_signal_event) == 16, "vid_signal_event is 16 bytes");

/* VID_SET_SIGNAL_EVENTFD: the eventfd (eventfd(2)) that vid.ko signals when the child's
 * HvSignalEvent marks an event connection pending (KVM's ioeventfd model: the VP re-enters the
 * child at once, without returning to user space). -1 detaches it. The pending ids are read
 * with VID_GET_SIGNALS; the eventfd is signalled once per id going from clear to pending. */
struct vid_signal_eventfd {
	__s32 eventfd;	  /* IN: an eventfd, or -1 */
	hv_u32 reserved0; /* IN: 0 */
};
_Static_assert(sizeof(struct vid_signal_eventfd) == 8, "vid_signal_eventfd is 8 bytes");

/* VID_GET_SIGNALS: returns and clears the pending event connection ids (lowest first), at most
 * VID_SIGNALS_MAX; `more` is 1 when others stay pending (call again). */
#define VID_SIGNALS_MAX 62u
struct vid_signals {
	hv_u32 count;			       /* OUT: ids in connection_id[] */
	hv_u32 more;			       /* OUT: 1: more ids stay pending */
	hv_u32 connection_id[VID_SIGNALS_MAX]; /* OUT */
};
_Static_assert(sizeof(struct vid_signals) == 256, "vid_signals is 256 bytes");

/* VID_GET_REFERENCE_TIME: the partition reference time in 100 ns units (the reference counter
 * MSR the hypervisor answers, HV_X64_MSR_TIME_REF_COUNT). EOPNOTSUPP: it does not. */
struct vid_reference_time {
	hv_u64 time;	  /* OUT: 100 ns units */
	hv_u64 reserved0; /* OUT: 0 */
};
_Static_assert(sizeof(struct vid_reference_time) == 16, "vid_reference_time is 16 bytes");

/* read(2) on the partition fd: whole records of the child's HvPostMessage on a message
 * connection, oldest first, as many as fit in the buffer (at least one record: a shorter
 * buffer is EINVAL). Blocks until one arrives (EAGAIN with O_NONBLOCK); poll(2) says POLLIN
 * while any waits. vid.ko queues VID_MESSAGE_QUEUE of them: while the queue is full the
 * child's HvPostMessage fails with HV_STATUS_INSUFFICIENT_BUFFERS (Linux retries it). */
#define VID_MESSAGE_QUEUE 64u
struct vid_message {
	hv_u32 connection_id; /* the message connection the child posted to */
	hv_u32 vp_index;      /* the VP that posted it */
	hv_u32 message_type;  /* 1..VID_MESSAGE_TYPE_MAX (checked by the hypervisor) */
	hv_u32 payload_size;  /* 0..VID_MESSAGE_PAYLOAD_MAX */
	hv_u8 payload[VID_MESSAGE_PAYLOAD_MAX];
};
_Static_assert(sizeof(struct vid_message) == 256, "vid_message is 256 bytes");

/* VID_ASSERT_INTERRUPT: a fixed, edge-triggered interrupt with vector 16..255 for VP vp_index
 * (HvAssertVirtualInterrupt: the worker's interrupt controller delivering a device's line),
 * taken when the VP's IF allows; then wakes the VP if it sleeps in HLT. */
struct vid_assert_interrupt {
	hv_u32 vp_index; /* IN: below the partition's max_vps */
	hv_u32 vector;	 /* IN: 16..255 */
};
_Static_assert(sizeof(struct vid_assert_interrupt) == 8, "vid_assert_interrupt is 8 bytes");

/* VID_GET_VP_STATS: what VP vp_index has cost so far (HV_CALL_GET_VP_STATS): its exits by
 * reason, SINT interrupts, calls handed to the root, runs. Does not wait for a run of the VP. */
struct vid_vp_stats {
	hv_u32 vp_index;	  /* IN: below the partition's max_vps */
	hv_u32 reserved0;	  /* IN: 0 */
	struct hv_vp_stats stats; /* OUT */
};
_Static_assert(sizeof(struct vid_vp_stats) == 312, "vid_vp_stats is 312 bytes");

#define VID_SET_CONNECTION     _IOW(VID_IOCTL_MAGIC, 0x12, struct vid_connection)
#define VID_POST_MESSAGE       _IOW(VID_IOCTL_MAGIC, 0x13, struct vid_post_message)
#define VID_SIGNAL_EVENT       _IOWR(VID_IOCTL_MAGIC, 0x14, struct vid_signal_event)
#define VID_SET_SIGNAL_EVENTFD _IOW(VID_IOCTL_MAGIC, 0x15, struct vid_signal_eventfd)
#define VID_GET_SIGNALS	       _IOR(VID_IOCTL_MAGIC, 0x16, struct vid_signals)
#define VID_GET_REFERENCE_TIME _IOR(VID_IOCTL_MAGIC, 0x17, struct vid_reference_time)
#define VID_ASSERT_INTERRUPT   _IOW(VID_IOCTL_MAGIC, 0x18, struct vid_assert_interrupt)
#define VID_GET_VP_STATS       _IOWR(VID_IOCTL_MAGIC, 0x19, struct vid_vp_stats)

/* ---- VP fd ---- */

/* VID_GET_REGS / VID_SET_REGS: count entries (1..VID_REGS_MAX) by name (enum
 * hv_register_name, below HV_REG_COUNT); get fills in value, set takes it. `done` is written
 * back, also on error: the entries carried out (a set stops at the first one the hypervisor
 * refuses, HV_STATUS_INVALID_PARAMETER -> EINVAL). The entry layout is hv_register_entry's. */
struct vid_reg {
	hv_u32 name;	  /* IN: enum hv_register_name */
	hv_u32 reserved0; /* IN: 0 */
	hv_u64 value;	  /* IN (set) / OUT (get) */
};
struct vid_regs {
	hv_u32 count; /* IN: entries used */
	hv_u32 done;  /* OUT: entries carried out */
	struct vid_reg regs[VID_REGS_MAX];
};
_Static_assert(sizeof(struct vid_reg) == 16, "vid_reg is 16 bytes");
_Static_assert(sizeof(struct vid_reg) == sizeof(struct hv_register_entry), "vid_reg is an entry");
_Static_assert(sizeof(struct vid_regs) == 8 + 16 * VID_REGS_MAX, "vid_regs layout");

/* VID_RUN: runs the VP (HV_CALL_RUN_VP) until an exit the root must handle, re-entering by
 * itself after host interrupts, and returns that exit. The child's SynIC traffic never comes
 * back as an exit: vid.ko queues a posted message (or refuses it with INSUFFICIENT_BUFFERS),
 * marks a signal pending, and re-enters; HLT with interrupts enabled sleeps in the kernel until
 * VID_POST_MESSAGE / VID_SIGNAL_EVENT wakes the VP (HALT comes back only with IF=0). Blocks; returns EINTR when a signal is
 * pending (the exit record is then not written). Only one run of a VP at a time; get/set
 * registers wait for it. VID_RUN_COMPLETE_IN: the previous exit was an IN or an MMIO load
 * (io_in = 1); io_in_value (within its io_size) is what it reads. Pass it again after an EINTR: vid.ko
 * knows whether the hypervisor already took it. Without the flag io_in_value must be 0. */
#define VID_RUN_COMPLETE_IN HV_RUN_COMPLETE_IN
#define VID_RUN_FLAGS	    VID_RUN_COMPLETE_IN
struct vid_run {
	hv_u32 flags;		    /* IN: VID_RUN_* */
	hv_u32 reserved0;	    /* IN: 0 */
	hv_u64 io_in_value;	    /* IN: with VID_RUN_COMPLETE_IN */
	struct hv_run_vp_exit exit; /* OUT: reason != HV_RUN_EXIT_INTERRUPTED */
};
_Static_assert(sizeof(struct vid_run) == 16 + sizeof(struct hv_run_vp_exit), "vid_run layout");
_Static_assert(sizeof(struct vid_run) == 96, "vid_run is 96 bytes");

#define VID_GET_REGS _IOWR(VID_IOCTL_MAGIC, 0x20, struct vid_regs)
#define VID_SET_REGS _IOWR(VID_IOCTL_MAGIC, 0x21, struct vid_regs)
#define VID_RUN	     _IOWR(VID_IOCTL_MAGIC, 0x22, struct vid_run)

#endif /* HV_VID_H */
