/* SPDX-License-Identifier: MIT */
/* The real partition backend: a child partition through /dev/vid (libvid). create: the
 * partition, its RAM (a memfd mapped shared, pinned and mapped by vid.ko at GPA 0; the memfd
 * lets the VMBus transport map scattered guest pages into one window), the boot (the test
 * guest's image and tables, guest_boot.c, or a Linux kernel, initrd, zero page and ACPI
 * tables, linux_boot.c), VP 0 and its starting registers, and the VMBus transport over
 * vid.ko's SynIC calls (synic_transport.c; none when the hypervisor has no SynIC). run: one
 * thread per VP loops on the run ioctl and emulates what the guest reaches of a PC: COM1 (a
 * 16550A, com1.c: bytes to the VM log as console lines and to hvctl console, typed bytes
 * back), its interrupt line through the I/O APIC (ioapic.c, the one MMIO page emulated), the
 * CMOS clock, the power-off register (the sleep control port the Linux child's FADT names)
 * and nothing else (other ports read all ones). Everything the VP thread reports goes to the
 * worker's loop through an async handle. Any other access to unmapped memory, a triple fault
 * or an exit the worker does not know is a crash: the reason and the VP's registers go to the
 * VM log. A forced stop interrupts the run with a signal. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "acpi_tables.h"
#include "cmos_rtc.h"
#include "com1.h"
#include "guest_boot.h"
#include "ioapic.h"
#include "linux_boot.h"
#include "partition.h"
#include "synic_transport.h"
#include "testguest/boot.h"
#include "vid/libvid.h"
#include "vmwp.h"

#define CONSOLE_BUF 4096

enum vp_end {
	VP_RUNNING,
	VP_POWERED_OFF,
	VP_CRASHED,
	VP_STOPPED
};

struct partition {
	struct vmwp *w;
	int vid_fd, part_fd, vp_fd;
	uint64_t id;
	int ram_fd; /* memfd of the guest's RAM */
	uint8_t *ram;
	uint64_t ram_bytes;
	struct synic_transport *synic; /* NULL: no VMBus */
	/* COM1 and the I/O APIC its line drives: the VP thread's accesses and the console's input
	 * (the loop) under dev_lock. */
	pthread_mutex_t dev_lock;
	struct com1 com1;
	struct ioapic ioapic;
	atomic_bool irq_refusal_logged; /* the VP thread and the loop deliver */
	struct cmos_rtc rtc; /* the VP thread's */
	pthread_t thread;
	bool thread_started;
	atomic_bool stop;
	atomic_uint_least64_t exits; /* handled by the VP thread */
	uv_async_t wake;	     /* VP thread -> loop: console bytes, first entry, the end */
	pthread_mutex_t lock;
	uint8_t console[CONSOLE_BUF];
	size_t console_len;
	pthread_cond_t console_space; /* the loop took the console bytes */
	uint64_t console_dropped;     /* bytes lost: the loop did not drain for a second */
	bool entered, entered_told;
	enum vp_end end;
	char end_why[768];
};

static void log_phase(struct partition *p, const char *what)
{
	mgmt_log_write(&p->w->log, MGMT_LOG_INFO, "vmwp", "boot: %s", what);
}

static int fail_errno(int err, const char *what, char *why, size_t n)
{
	if (vid_not_implemented(err))
		snprintf(why, n, "%s: not implemented by this hypervisor", what);
	else
		snprintf(why, n, "%s: %s", what, strerror(-err));
	return -1;
}

/* The guest's RAM: a memfd (zeroed, as guest_boot_load wants it), mapped shared. */
static int alloc_ram(struct partition *p, char *why, size_t n)
{
	p->ram_fd = memfd_create("guest-ram", MFD_CLOEXEC);
	if (p->ram_fd < 0 || ftruncate(p->ram_fd, (off_t)p->ram_bytes) != 0) {
		snprintf(why, n, "cannot allocate %u MiB of guest RAM (memfd): %s",
			 p->w->cfg.memory_mib, strerror(errno));
		return -1;
	}
	p->ram = mmap(NULL, p->ram_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, p->ram_fd, 0);
	if (p->ram == MAP_FAILED) {
		p->ram = NULL;
		snprintf(why, n, "cannot map %u MiB of guest RAM: %s", p->w->cfg.memory_mib,
			 strerror(errno));
		return -1;
	}
	return 0;
}

static void free_ram(struct partition *p)
{
	if (p->ram)
		munmap(p->ram, p->ram_bytes);
	if (p->ram_fd >= 0)
		close(p->ram_fd);
}

/* The VMBus transport; without SynIC in the hypervisor the VM runs without VMBus. */
static int open_vmbus(struct partition *p, char *why, size_t n)
{
	struct synic_transport_config c = {
		.loop = p->w->loop,
		.log = &p->w->log,
		.part_fd = p->part_fd,
		.ram_fd = p->ram_fd,
		.ram = p->ram,
		.ram_bytes = p->ram_bytes,
		.vps = p->w->cfg.vps,
	};
	bool no_synic;
	char one[256];
	p->synic = synic_transport_create(&c, &no_synic, one, sizeof(one));
	if (p->synic) {
		log_phase(p, "VMBus connections registered");
		return 0;
	}
	if (no_synic) {
		mgmt_log_write(&p->w->log, MGMT_LOG_INFO, "vmwp", "no VMBus: %s", one);
		return 0;
	}
	snprintf(why, n, "%s", one);
	return -1;
}

/* The config's boot: the test guest's image or a Linux kernel, loaded into the (zeroed) RAM;
 * VP 0's starting registers. 0, or -1 with why. */
static int load_boot(struct partition *p, uint32_t *names, uint64_t *values, uint32_t *count,
		     char *why, size_t n)
{
	struct vmwp *w = p->w;
	_Static_assert(LB_MAX_REGS <= GUEST_BOOT_MAX_REGS, "one register array for both boots");
	if (w->cfg.boot_kind == VM_BOOT_KERNEL) {
		struct linux_boot_layout l;
		char line[320];
		if (linux_boot_load(p->ram, p->ram_bytes, w->cfg.kernel, w->cfg.initrd,
				    w->cfg.cmdline, w->cfg.vps, &l, why, n) != 0)
			return -1;
		snprintf(line, sizeof(line),
			 "Linux kernel loaded: boot protocol %u.%02u, %llu KiB at 1 MiB, "
			 "initrd %llu KiB at %#llx, entry %#llx",
			 l.protocol >> 8, l.protocol & 0xff,
			 (unsigned long long)l.kernel_bytes >> 10,
			 (unsigned long long)l.initrd_bytes >> 10,
			 (unsigned long long)l.initrd_gpa, (unsigned long long)l.entry);
		log_phase(p, line);
		*count = linux_boot_regs(&l, names, values);
		return 0;
	}
	uint64_t entry;
	if (guest_boot_load(p->ram, p->ram_bytes, w->cfg.guest, w->cfg.cmdline, p->id, w->cfg.vps,
			    &entry, why, n) != 0)
		return -1;
	log_phase(p, "image loaded");
	*count = guest_boot_regs(entry, names, values);
	return 0;
}

static int vid_create(struct vmwp *w, struct partition **out, char *why, size_t n)
{
	uint32_t names[GUEST_BOOT_MAX_REGS], count = 0;
	uint64_t values[GUEST_BOOT_MAX_REGS];
	int rc;
	*out = NULL;
	struct partition *p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(why, n, "out of memory");
		return -1;
	}
	p->w = w;
	p->vid_fd = p->part_fd = p->vp_fd = p->ram_fd = -1;
	p->ram_bytes = (uint64_t)w->cfg.memory_mib << 20;
	if ((rc = vid_open()) < 0) {
		if (rc == -ENOENT)
			snprintf(why, n, "no hypervisor: /dev/vid missing — is hv.efi loaded?");
		else
			fail_errno(rc, "cannot open /dev/vid", why, n);
		goto err_free;
	}
	p->vid_fd = rc;
	if ((rc = vid_partition_create(p->vid_fd, w->cfg.vps, 0, &p->id)) < 0) {
		fail_errno(rc, "creating the partition", why, n);
		goto err_vid;
	}
	p->part_fd = rc;
	log_phase(p, "partition created");
	if (alloc_ram(p, why, n) != 0)
		goto err_ram;
	if (load_boot(p, names, values, &count, why, n) != 0)
		goto err_ram;
	if ((rc = vid_map_memory(p->part_fd, p->ram, p->ram_bytes, 0,
				 VID_MAP_READ | VID_MAP_WRITE | VID_MAP_EXEC)) < 0) {
		fail_errno(rc, "mapping the guest RAM", why, n);
		goto err_ram;
	}
	log_phase(p, "memory mapped");
	if ((rc = vid_vp_create(p->part_fd, 0)) < 0) {
		fail_errno(rc, "creating VP 0", why, n);
		goto err_ram;
	}
	p->vp_fd = rc;
	if ((rc = vid_vp_set_regs(p->vp_fd, names, values, count, NULL)) < 0) {
		fail_errno(rc, "setting VP 0's registers", why, n);
		goto err_vp;
	}
	if (open_vmbus(p, why, n) != 0)
		goto err_vp;
	com1_init(&p->com1);
	ioapic_init(&p->ioapic, ACPI_IOAPIC_ID);
	pthread_mutex_init(&p->dev_lock, NULL);
	cmos_rtc_init(&p->rtc);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->console_space, NULL);
	*out = p;
	return 0;

err_vp:
	vid_close(p->vp_fd);
err_ram:
	free_ram(p);
	vid_close(p->part_fd);
err_vid:
	vid_close(p->vid_fd);
err_free:
	free(p);
	return -1;
}

/* ---- The VP thread ---- */

/* A byte the guest sent through COM1, for the loop. A full buffer makes the VP wait for the
 * loop to take it, as a slow line makes a UART wait: nothing the guest prints is lost while the
 * worker runs (hvctl start --console replays from the first byte). A loop that does not drain
 * within a second (stuck) costs the byte, counted, rather than the VP's progress. */
static void post_console(struct partition *p, uint8_t byte)
{
	pthread_mutex_lock(&p->lock);
	for (int waits = 0; p->console_len == CONSOLE_BUF && waits < 10 && !atomic_load(&p->stop);
	     waits++) {
		struct timespec ts;
		uv_async_send(&p->wake);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000 * 1000; /* slices: a stop is seen within 100 ms */
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&p->console_space, &p->lock, &ts);
	}
	if (p->console_len < CONSOLE_BUF)
		p->console[p->console_len++] = byte;
	else
		p->console_dropped++;
	pthread_mutex_unlock(&p->lock);
	uv_async_send(&p->wake);
}

static void post_end(struct partition *p, enum vp_end end, const char *why)
{
	pthread_mutex_lock(&p->lock);
	if (p->end == VP_RUNNING) {
		p->end = end;
		snprintf(p->end_why, sizeof(p->end_why), "%s", why);
	}
	pthread_mutex_unlock(&p->lock);
	uv_async_send(&p->wake);
}

/* Interrupts the I/O APIC released (dev_lock not held): each into the VP its entry names (APIC
 * ID = VP index; only VP 0 exists). refused: the I/O APIC's count of routes it could not use
 * (read under dev_lock). The first refusal of either kind is logged; the guest's own setup is
 * to blame. */
static void deliver(struct partition *p, const struct ioapic_irq *irq, unsigned n,
		    uint64_t refused)
{
	if (refused && !atomic_exchange(&p->irq_refusal_logged, true))
		mgmt_log_write(&p->w->log, MGMT_LOG_WARN, "vmwp",
			       "I/O APIC: an interrupt not delivered: its entry names a logical "
			       "destination, a delivery mode other than fixed or lowest priority, "
			       "or a vector below 16 (logged once)");
	for (unsigned i = 0; i < n; i++) {
		int rc = irq[i].dest == 0 ? vid_assert_interrupt(p->part_fd, 0, irq[i].vector)
					  : -EINVAL;
		if (rc < 0 && !atomic_exchange(&p->irq_refusal_logged, true)) {
			mgmt_log_write(&p->w->log, MGMT_LOG_WARN, "vmwp",
				       "I/O APIC: interrupt vector %u for APIC ID %u not delivered: %s "
				       "(logged once)",
				       irq[i].vector, irq[i].dest,
				       irq[i].dest ? "no such VP" : strerror(-rc));
		}
	}
}

/* After COM1 changed (dev_lock held): its line to I/O APIC pin 4; the interrupt to deliver. */
static unsigned com1_line_update(struct partition *p, struct ioapic_irq *out)
{
	return ioapic_set_level(&p->ioapic, COM1_IRQ, com1_irq_line(&p->com1), out) ? 1 : 0;
}

/* Bytes typed at the console into COM1's receiver (from the loop). */
static size_t vid_console_input(struct partition *p, const uint8_t *bytes, size_t len)
{
	struct ioapic_irq irq;
	pthread_mutex_lock(&p->dev_lock);
	size_t n = com1_receive(&p->com1, bytes, len);
	unsigned k = com1_line_update(p, &irq);
	uint64_t refused = p->ioapic.refused;
	pthread_mutex_unlock(&p->dev_lock);
	deliver(p, &irq, k, refused);
	return n;
}

static void crash(struct partition *p, const char *what, const struct hv_run_vp_exit *e);

/* A load or store where the child has no memory: the I/O APIC's window, or a crash. */
static bool mmio(struct partition *p, const struct hv_run_vp_exit *e, uint32_t *flags,
		 uint64_t *in_value)
{
	uint64_t off = e->gpa - IOAPIC_BASE;
	if (e->gpa < IOAPIC_BASE || off + e->io_size > IOAPIC_SIZE) {
		char what[160];
		snprintf(what, sizeof(what), "unmapped GPA %llx (%s)", (unsigned long long)e->gpa,
			 e->io_in ? "read" : "write");
		crash(p, what, e);
		return false;
	}
	struct ioapic_irq irq[1];
	unsigned n = 0;
	pthread_mutex_lock(&p->dev_lock);
	if (e->io_in) {
		*flags = VID_RUN_COMPLETE_IN;
		*in_value = ioapic_mmio_read(&p->ioapic, off, e->io_size);
	} else {
		n = ioapic_mmio_write(&p->ioapic, off, e->io_size, e->mmio_value, irq, 1);
	}
	uint64_t refused = p->ioapic.refused;
	pthread_mutex_unlock(&p->dev_lock);
	deliver(p, irq, n, refused);
	return true;
}

/* The guest's COM1, CMOS clock and power-off port; returns false when the guest powered off. */
static bool port_io(struct partition *p, const struct hv_run_vp_exit *e, uint32_t *flags,
		    uint64_t *in_value)
{
	bool com1 = e->io_port >= COM1_BASE && e->io_port < COM1_BASE + COM1_PORTS &&
		    e->io_size == 1;
	bool rtc = cmos_rtc_port(e->io_port) && e->io_size == 1;
	uint8_t tx;
	if (com1) {
		struct ioapic_irq irq;
		bool sent = false;
		pthread_mutex_lock(&p->dev_lock);
		if (e->io_in) {
			*flags = VID_RUN_COMPLETE_IN;
			*in_value = com1_read(&p->com1, e->io_port - COM1_BASE);
		} else {
			sent = com1_write(&p->com1, e->io_port - COM1_BASE, (uint8_t)e->io_value,
					  &tx);
		}
		unsigned n = com1_line_update(p, &irq);
		uint64_t refused = p->ioapic.refused;
		pthread_mutex_unlock(&p->dev_lock);
		if (sent)
			post_console(p, tx);
		deliver(p, &irq, n, refused);
		return true;
	}
	if (e->io_in) {
		uint64_t all = e->io_size == 4 ? 0xffffffffu : (1u << (8 * e->io_size)) - 1;
		*flags = VID_RUN_COMPLETE_IN;
		/* Anything but COM1 and the clock is nothing: the bus floats high. */
		*in_value = rtc ? cmos_rtc_read(&p->rtc, e->io_port, time(NULL)) : all;
		return true;
	}
	if (rtc)
		cmos_rtc_write(&p->rtc, e->io_port, (uint8_t)e->io_value);
	else if (e->io_port == TG_POWEROFF_PORT && e->io_size == 1 &&
		 (e->io_value & 0x3c) == TG_POWEROFF_VALUE) {
		post_end(p, VP_POWERED_OFF, "the guest powered off");
		return false;
	}
	return true;
}

static void crash(struct partition *p, const char *what, const struct hv_run_vp_exit *e)
{
	static const uint32_t names[] = { HV_REG_RAX, HV_REG_RBX, HV_REG_RCX, HV_REG_RDX,
					  HV_REG_RSP, HV_REG_CR0, HV_REG_CR3, HV_REG_CR4 };
	uint64_t v[8] = { 0 };
	char why[768];
	vid_vp_get_regs(p->vp_fd, names, v, 8, NULL);
	snprintf(why, sizeof(why),
		 "%s (rip %llx rflags %llx; rax %llx rbx %llx rcx %llx rdx %llx rsp "
		 "%llx cr0 %llx cr3 %llx cr4 %llx)",
		 what, (unsigned long long)e->rip, (unsigned long long)e->rflags,
		 (unsigned long long)v[0], (unsigned long long)v[1], (unsigned long long)v[2],
		 (unsigned long long)v[3], (unsigned long long)v[4], (unsigned long long)v[5],
		 (unsigned long long)v[6], (unsigned long long)v[7]);
	post_end(p, VP_CRASHED, why);
}

/* One exit; false when the VP is done. */
static bool handle_exit(struct partition *p, const struct hv_run_vp_exit *e, uint32_t *flags,
			uint64_t *in_value)
{
	char what[160];
	*flags = 0;
	*in_value = 0;
	switch (e->reason) {
	case HV_RUN_EXIT_IO:
		return port_io(p, e, flags, in_value);
	case HV_RUN_EXIT_MMIO:
		return mmio(p, e, flags, in_value);
	case HV_RUN_EXIT_UNMAPPED_GPA:
		snprintf(what, sizeof(what), "unmapped GPA %llx (%s)", (unsigned long long)e->gpa,
			 e->access & 0x10 ? "fetch"
			 : e->access & 2  ? "write"
					  : "read");
		crash(p, what, e);
		return false;
	case HV_RUN_EXIT_SHUTDOWN:
		crash(p, "triple fault", e);
		return false;
	case HV_RUN_EXIT_HALT:
		/* With interrupts enabled vid.ko sleeps in the kernel until a message or signal
		 * for the VP (or a stop's signal); only IF=0 comes back here. */
		if (!(e->rflags & 0x200)) {
			crash(p, "halted with interrupts off (nothing can wake it)", e);
			return false;
		}
		return true;
	default:
		snprintf(what, sizeof(what), "exit %u (arch code %#llx) the worker does not handle",
			 e->reason, (unsigned long long)e->arch_code);
		crash(p, what, e);
		return false;
	}
}

static void *vp_thread(void *arg)
{
	struct partition *p = arg;
	struct hv_run_vp_exit e;
	uint32_t flags = 0;
	uint64_t in_value = 0;
	while (!atomic_load(&p->stop)) {
		if (!p->entered) {
			pthread_mutex_lock(&p->lock);
			p->entered = true;
			pthread_mutex_unlock(&p->lock);
			uv_async_send(&p->wake);
		}
		int rc = vid_vp_run(p->vp_fd, flags, in_value, &e);
		if (rc == -EINTR)
			continue; /* a signal: the stop flag says whether to go on */
		if (rc < 0) {
			char why[160];
			snprintf(why, sizeof(why), "the run failed: %s", strerror(-rc));
			post_end(p, VP_CRASHED, why);
			break;
		}
		atomic_fetch_add(&p->exits, 1);
		if (!handle_exit(p, &e, &flags, &in_value))
			break;
	}
	return NULL;
}

/* ---- On the worker's loop ---- */

static void on_wake(uv_async_t *a)
{
	struct partition *p = a->data;
	uint8_t bytes[CONSOLE_BUF];
	size_t len;
	bool entered;
	enum vp_end end;
	char why[768];
	pthread_mutex_lock(&p->lock);
	len = p->console_len;
	memcpy(bytes, p->console, len);
	p->console_len = 0;
	pthread_cond_signal(&p->console_space);
	uint64_t dropped = p->console_dropped;
	p->console_dropped = 0;
	entered = p->entered && !p->entered_told;
	p->entered_told = p->entered;
	end = p->end;
	snprintf(why, sizeof(why), "%s", p->end_why);
	pthread_mutex_unlock(&p->lock);
	if (dropped)
		mgmt_log_write(&p->w->log, MGMT_LOG_WARN, "vmwp",
			       "console: %llu bytes of COM1 output lost (the worker's loop did not "
			       "take them within a second)",
			       (unsigned long long)dropped);
	if (entered)
		vmwp_partition_running(p->w);
	if (len)
		vmwp_console_feed(p->w, bytes, len);
	if (end == VP_POWERED_OFF) {
		vmwp_console_flush(p->w);
		vmwp_partition_stopped(p->w, why);
	} else if (end == VP_CRASHED) {
		vmwp_console_flush(p->w);
		vmwp_partition_crashed(p->w, why);
	}
}

static void on_signal(int sig)
{
	(void)sig; /* only to interrupt the run ioctl (-EINTR) */
}

static int vid_run(struct partition *p, char *why, size_t n)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGUSR1, &sa, NULL);
	uv_async_init(p->w->loop, &p->wake, on_wake);
	p->wake.data = p;
	if (pthread_create(&p->thread, NULL, vp_thread, p) != 0) {
		snprintf(why, n, "cannot start the VP thread");
		uv_close((uv_handle_t *)&p->wake, NULL);
		return -1;
	}
	p->thread_started = true;
	log_phase(p, "VP 0 thread started");
	return 0;
}

/* The worker asks the guest's shutdown integration service first (lifecycle.c); this is
 * reached only when that did not work: the backend has no other way to ask. */
static int vid_request_shutdown(struct partition *p, char *why, size_t n)
{
	snprintf(why, n,
		 p->synic ? "the guest has not opened the shutdown integration service (yet): "
			    "use --force"
			  : "no VMBus (the hypervisor has no SynIC), so no shutdown integration "
			    "service: use --force");
	return -1;
}

static const struct vmbus_transport *vid_transport(struct partition *p)
{
	return p->synic ? synic_transport_get(p->synic) : NULL;
}

static void vid_vmbus_attach(struct partition *p, struct vmbus_server *server)
{
	if (p->synic)
		synic_transport_attach(p->synic, server);
}

static void free_partition(uv_handle_t *h)
{
	free(h->data);
}

static void vid_destroy(struct partition *p)
{
	if (p->thread_started) {
		/* The signal may land between the thread's flag check and its next run: repeat it
		 * until the thread is gone. */
		atomic_store(&p->stop, true);
		for (;;) {
			pthread_kill(p->thread, SIGUSR1);
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 10 * 1000 * 1000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			if (pthread_timedjoin_np(p->thread, NULL, &ts) == 0)
				break;
		}
	}
	synic_transport_destroy(p->synic); /* before the partition fd it watches */
	vid_close(p->vp_fd);
	vid_close(p->part_fd); /* the partition goes: every page back, zeroed */
	vid_close(p->vid_fd);
	free_ram(p);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->console_space);
	pthread_mutex_destroy(&p->dev_lock);
	if (p->thread_started)
		uv_close((uv_handle_t *)&p->wake, free_partition);
	else
		free(p);
}

static uint64_t vid_exits(struct partition *p)
{
	return atomic_load(&p->exits);
}

/* The hypervisor's counts for the partition's VPs, summed. vid_create makes one VP (index 0),
 * so the sum is over that one; VID_GET_VP_STATS reads them without waiting for a run, so this
 * is safe from the loop while the VP thread is inside one. */
#define VID_VPS 1
static int vid_vp_stats(struct partition *p, struct hv_vp_stats *sum)
{
	*sum = (struct hv_vp_stats){ 0 };
	for (uint32_t vp = 0; vp < VID_VPS; vp++) {
		struct hv_vp_stats one;
		if (vid_get_vp_stats(p->part_fd, vp, &one) < 0)
			return -1; /* a hypervisor older than ABI 4: no counts, none shown */
		sum->exit_reason_count = one.exit_reason_count;
		sum->exits_total += one.exits_total;
		sum->interrupts += one.interrupts;
		sum->posts += one.posts;
		sum->signals += one.signals;
		sum->runs += one.runs;
		for (uint32_t i = 0; i < HV_STATS_MAX_EXIT_REASONS; i++)
			sum->exits[i] += one.exits[i];
	}
	return 0;
}

const struct partition_ops partition_backend = {
	.name = "vid",
	.create = vid_create,
	.run = vid_run,
	.request_shutdown = vid_request_shutdown,
	.transport = vid_transport,
	.vmbus_attach = vid_vmbus_attach,
	.console_input = vid_console_input,
	.exits = vid_exits,
	.vp_stats = vid_vp_stats,
	.destroy = vid_destroy,
};
