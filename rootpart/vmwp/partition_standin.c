/* SPDX-License-Identifier: MIT */
/* TEST ONLY: a pretend partition for vmwp-standin, so that vmms's supervision (crash
 * detection, re-adoption, events, the running limit, graceful and forced stop) is tested on a
 * machine without a hypervisor. It "boots" at once, prints a console line, and shuts down
 * when asked. HV_STANDIN_SHUTDOWN=ignore makes the guest ignore shutdown requests (the
 * worker's own timeout then turns it off, or leaves it up with --no-force, as for a real
 * guest: the stop logic is the worker's, not the backend's);
 * HV_STANDIN_CONSOLE_LINES=N makes it print N numbered console lines at boot (log rotation).
 * Console input is echoed back as console output, as a terminal's line discipline would, so
 * that a host test sees typed bytes reach the "guest" and come back (hvctl console); its
 * receiver takes at most STANDIN_RX_BYTES per call, so the worker's retry path runs too.
 * Its VMBus transport reaches no guest (messages are dropped, no RAM is mapped): the worker's
 * VMBus server and devices are really created from the config, and offers wait for a guest
 * that never asks.
 * Its VP costs (vp_stats) are synthetic but follow a fixed rule from its pretend activity, so
 * tests can predict them exactly: booting costs STANDIN_BOOT_CPUID CPUID exits and
 * STANDIN_BOOT_MSR_WRITES MSR writes (a kernel probing the CPU and setting up its MSRs); each
 * byte the pretend guest writes to COM1 is one port I/O exit (an OUT to the transmit
 * register, as for a real guest), each byte it takes from the receiver one more (the IN).
 * Nothing else exits; no interrupts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/abi.h"
#include "partition.h"
#include "vmbus_server/transport.h"
#include "vmwp.h"

struct partition {
	struct vmwp *w;
	uv_timer_t boot;
	uv_timer_t shutdown;
	int open_handles;
	uint64_t exits[HV_EXIT_REASON_COUNT]; /* the pretend VP's costs: see the top comment */
};

#define STANDIN_BOOT_CPUID	16
#define STANDIN_BOOT_MSR_WRITES 6

/* The pretend guest writes bytes to COM1: one port I/O exit each. */
static void guest_writes(struct partition *p, const void *bytes, size_t len)
{
	p->exits[HV_EXIT_IO] += len;
	vmwp_console_feed(p->w, bytes, len);
}

static void on_boot(uv_timer_t *t)
{
	struct partition *p = t->data;
	static const char hello[] = "standin guest: hello from COM1\r\nstandin guest: up\n";
	p->exits[HV_EXIT_CPUID] += STANDIN_BOOT_CPUID;
	p->exits[HV_EXIT_MSR_WRITE] += STANDIN_BOOT_MSR_WRITES;
	guest_writes(p, hello, sizeof(hello) - 1);
	const char *n = getenv("HV_STANDIN_CONSOLE_LINES");
	for (long i = 0, count = n ? atol(n) : 0; i < count; i++) {
		char line[96];
		int len = snprintf(line, sizeof(line),
				   "standin guest: console line %06ld "
				   "..........................\n",
				   i);
		guest_writes(p, line, (size_t)len);
	}
	vmwp_partition_running(p->w);
}

static void on_shutdown(uv_timer_t *t)
{
	struct partition *p = t->data;
	static const char bye[] = "standin guest: shutting down\n";
	guest_writes(p, bye, sizeof(bye) - 1);
	vmwp_partition_stopped(p->w, "the guest shut down");
}

static int standin_create(struct vmwp *w, struct partition **out, char *why, size_t n)
{
	(void)why;
	(void)n;
	struct partition *p = calloc(1, sizeof(*p));
	if (!p)
		return -1;
	p->w = w;
	uv_timer_init(w->loop, &p->boot);
	uv_timer_init(w->loop, &p->shutdown);
	p->boot.data = p->shutdown.data = p;
	p->open_handles = 2;
	*out = p;
	return 0;
}

static int standin_run(struct partition *p, char *why, size_t n)
{
	(void)why;
	(void)n;
	uv_timer_start(&p->boot, on_boot, 50, 0);
	return 0;
}

static int standin_request_shutdown(struct partition *p, char *why, size_t n)
{
	(void)why;
	(void)n;
	const char *mode = getenv("HV_STANDIN_SHUTDOWN");
	if (!mode || strcmp(mode, "ignore") != 0)
		uv_timer_start(&p->shutdown, on_shutdown, 50, 0);
	return 0;
}

#define STANDIN_RX_BYTES 1024

static size_t standin_console_input(struct partition *p, const uint8_t *bytes, size_t len)
{
	size_t took = len < STANDIN_RX_BYTES ? len : STANDIN_RX_BYTES;
	p->exits[HV_EXIT_IO] += took; /* the guest's IN of each byte; the echo is its OUT */
	guest_writes(p, bytes, took);
	return took;
}

static int standin_vp_stats(struct partition *p, struct hv_vp_stats *sum)
{
	*sum = (struct hv_vp_stats){ .exit_reason_count = HV_EXIT_REASON_COUNT };
	for (int i = 0; i < HV_EXIT_REASON_COUNT; i++) {
		sum->exits[i] = p->exits[i];
		sum->exits_total += p->exits[i];
	}
	return 0;
}

static void on_closed(uv_handle_t *h)
{
	struct partition *p = h->data;
	if (--p->open_handles == 0)
		free(p);
}

static void standin_destroy(struct partition *p)
{
	uv_close((uv_handle_t *)&p->boot, on_closed);
	uv_close((uv_handle_t *)&p->shutdown, on_closed);
}

static int no_guest_post(void *ctx, uint32_t vp, uint32_t sint, const void *msg, uint32_t len)
{
	(void)ctx, (void)vp, (void)sint, (void)msg, (void)len;
	return 0;
}

static void no_guest_signal(void *ctx, uint32_t vp, uint32_t relid)
{
	(void)ctx, (void)vp, (void)relid;
}

static void *no_guest_map(void *ctx, const uint64_t *pfns, uint32_t n)
{
	(void)ctx, (void)pfns, (void)n;
	return NULL;
}

static void no_guest_unmap(void *ctx, void *window, uint32_t n)
{
	(void)ctx, (void)window, (void)n;
}

static uint8_t *no_guest_page(void *ctx, uint64_t pfn)
{
	(void)ctx, (void)pfn;
	return NULL;
}

static uint64_t standin_reference_time(void *ctx)
{
	(void)ctx;
	return uv_hrtime() / 100;
}

static const struct vmbus_transport_ops no_guest_ops = {
	.post_message = no_guest_post,
	.signal_guest = no_guest_signal,
	.map_pages = no_guest_map,
	.unmap_pages = no_guest_unmap,
	.page_ptr = no_guest_page,
	.reference_time = standin_reference_time,
};

static const struct vmbus_transport no_guest_transport = { &no_guest_ops, NULL };

static const struct vmbus_transport *standin_transport(struct partition *p)
{
	(void)p;
	return &no_guest_transport;
}

const struct partition_ops partition_backend = {
	.name = "standin",
	.transport = standin_transport,
	.create = standin_create,
	.run = standin_run,
	.request_shutdown = standin_request_shutdown,
	.console_input = standin_console_input,
	.vp_stats = standin_vp_stats,
	.destroy = standin_destroy,
};
