/* SPDX-License-Identifier: MIT */
/* The simulated VM of sim.h: transport ops for the server, environment ops for the guest. */
#include "sim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- transport (host side) ---- */

static int tp_post_message(void *ctx, uint32_t vp, uint32_t sint, const void *msg, uint32_t len)
{
	struct sim *s = ctx;
	uint32_t slot;
	uint64_t one = 1;

	(void)vp;
	(void)sint;
	if (s->msg_count == SIM_MSG_QUEUE || len > 240) {
		s->messages_dropped++;
		return -ENOSPC;
	}
	slot = (s->msg_head + s->msg_count) % SIM_MSG_QUEUE;
	memcpy(s->msgs[slot], msg, len);
	s->msg_len[slot] = len;
	s->msg_count++;
	s->messages_to_guest++;
	if (write(s->msg_efd, &one, sizeof(one)) < 0)
		abort();
	return 0;
}

/* Called on the loop thread and on the storage VSP's I/O threads (transport.h): the event
 * flags and the counter are atomics, as the event-flags page is in a real guest. */
static void tp_signal_guest(void *ctx, uint32_t vp, uint32_t relid)
{
	struct sim *s = ctx;
	uint64_t one = 1;

	(void)vp;
	__atomic_fetch_add(&s->signals_to_guest, 1, __ATOMIC_RELAXED);
	__atomic_fetch_or(&s->guest_events[relid / 8], (uint8_t)(1u << (relid % 8)),
			  __ATOMIC_RELEASE);
	__atomic_store_n(&s->guest_events_any, true, __ATOMIC_RELEASE);
	if (write(s->guest_efd, &one, sizeof(one)) < 0)
		abort();
}

static void *tp_map_pages(void *ctx, const uint64_t *pfns, uint32_t n)
{
	struct sim *s = ctx;
	uint8_t *w;
	bool contiguous = true;

	for (uint32_t i = 0; i < n; i++) {
		if (pfns[i] >= s->npages)
			return NULL;
		if (pfns[i] != pfns[0] + i)
			contiguous = false;
	}
	if (contiguous)
		return s->ram + pfns[0] * 4096;
	/* Scattered pages: build a contiguous window from the memfd, as the worker will. */
	w = mmap(NULL, (size_t)n * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w == MAP_FAILED)
		return NULL;
	for (uint32_t i = 0; i < n; i++)
		if (mmap(w + (size_t)i * 4096, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			 s->memfd, (off_t)(pfns[i] * 4096)) == MAP_FAILED) {
			munmap(w, (size_t)n * 4096);
			return NULL;
		}
	s->windows++;
	s->windows_total++;
	return w;
}

static void tp_unmap_pages(void *ctx, void *window, uint32_t n)
{
	struct sim *s = ctx;
	uint8_t *w = window;

	if (w >= s->ram && w < s->ram + s->npages * 4096)
		return;
	munmap(w, (size_t)n * 4096);
	s->windows--;
}

static uint8_t *tp_page_ptr(void *ctx, uint64_t pfn)
{
	struct sim *s = ctx;

	return pfn < s->npages ? s->ram + pfn * 4096 : NULL;
}

static uint64_t tp_reference_time(void *ctx)
{
	(void)ctx;
	return uv_hrtime() / 100;
}

static const struct vmbus_transport_ops sim_transport_ops = {
	.post_message = tp_post_message,
	.signal_guest = tp_signal_guest,
	.map_pages = tp_map_pages,
	.unmap_pages = tp_unmap_pages,
	.page_ptr = tp_page_ptr,
	.reference_time = tp_reference_time,
};

static void host_poll_cb(uv_poll_t *h, int status, int events)
{
	struct sim *s = h->data;
	uint32_t conns[64], n;
	uint64_t v;

	(void)status;
	(void)events;
	if (read(s->host_efd, &v, sizeof(v)) < 0)
		return;
	n = s->npending_conn;
	memcpy(conns, s->pending_conn, n * sizeof(conns[0]));
	s->npending_conn = 0;
	for (uint32_t i = 0; i < n; i++)
		vmbus_server_signal(s->server, conns[i]);
}

/* ---- environment (guest side) ---- */

static uint32_t env_post_message(void *ctx, uint32_t connection_id, const void *msg, uint32_t len)
{
	struct sim *s = ctx;

	s->messages_to_host++;
	return (uint32_t)vmbus_server_post_message(s->server, connection_id, msg, len);
}

static void env_signal_event(void *ctx, uint32_t connection_id)
{
	struct sim *s = ctx;
	uint64_t one = 1;

	s->signals_to_host++;
	for (uint32_t i = 0; i < s->npending_conn; i++)
		if (s->pending_conn[i] == connection_id)
			goto wake;
	if (s->npending_conn < 64)
		s->pending_conn[s->npending_conn++] = connection_id;
wake:
	if (write(s->host_efd, &one, sizeof(one)) < 0)
		abort();
}

static void guest_poll_cb(uv_poll_t *h, int status, int events)
{
	struct sim *s = h->data;
	uint64_t v;

	(void)status;
	(void)events;
	if (read(h == &s->msg_poll ? s->msg_efd : s->guest_efd, &v, sizeof(v)) < 0)
		return;
}

/* The guest's interrupt path: hand over queued messages and set event bits. */
static bool deliver(struct sim *s)
{
	bool any = false;

	while (s->msg_count && !s->hold_messages) {
		uint32_t slot = s->msg_head;
		s->msg_head = (s->msg_head + 1) % SIM_MSG_QUEUE;
		s->msg_count--;
		vmbus_client_on_message(&s->client, s->msgs[slot], s->msg_len[slot]);
		any = true;
	}
	/* Clear the summary first: a bit set after this sets it again (and writes the eventfd). */
	if (!__atomic_exchange_n(&s->guest_events_any, false, __ATOMIC_ACQUIRE))
		return any;
	for (uint32_t i = 0; i < sizeof(s->guest_events); i++) {
		uint8_t bits = __atomic_exchange_n(&s->guest_events[i], 0, __ATOMIC_ACQUIRE);

		if (!bits)
			continue;
		for (uint32_t b = 0; b < 8; b++)
			if (bits & (1u << b))
				vmbus_client_on_event(&s->client, i * 8 + b);
		any = true;
	}
	return any;
}

static void deadline_cb(uv_timer_t *t)
{
	struct sim *s = t->data;
	s->deadline_hit = true;
}

static bool env_wait(void *ctx)
{
	struct sim *s = ctx;
	uint64_t start = uv_now(&s->loop);

	if (deliver(s))
		return true;
	s->deadline_hit = false;
	uv_timer_start(&s->deadline, deadline_cb, s->wait_ms, 0);
	for (;;) {
		uv_run(&s->loop, UV_RUN_ONCE);
		if (deliver(s)) {
			uv_timer_stop(&s->deadline);
			return true;
		}
		if (s->deadline_hit || uv_now(&s->loop) - start >= s->wait_ms) {
			fprintf(stderr, "sim: guest wait deadline (%llu ms) passed\n",
				(unsigned long long)s->wait_ms);
			return false;
		}
	}
}

void *sim_alloc_pages(struct sim *s, uint32_t n, uint64_t *pfn)
{
	for (uint64_t start = 16; start + n <= s->npages; start++) {
		uint32_t i;
		for (i = 0; i < n && !s->page_used[start + i]; i++)
			;
		if (i == n) {
			memset(s->page_used + start, 1, n);
			memset(s->ram + start * 4096, 0, (size_t)n * 4096);
			*pfn = start;
			return s->ram + start * 4096;
		}
		start += i;
	}
	return NULL;
}

void sim_free_pages(struct sim *s, void *p, uint32_t n)
{
	uint64_t pfn = (uint64_t)((uint8_t *)p - s->ram) / 4096;

	memset(s->page_used + pfn, 0, n);
}

static void *env_alloc_pages(void *ctx, uint32_t n, uint64_t *pfn)
{
	return sim_alloc_pages(ctx, n, pfn);
}

static void env_free_pages(void *ctx, void *p, uint32_t n)
{
	sim_free_pages(ctx, p, n);
}

static const struct vsc_env_ops sim_env_ops = {
	.post_message = env_post_message,
	.signal_event = env_signal_event,
	.wait = env_wait,
	.alloc_pages = env_alloc_pages,
	.free_pages = env_free_pages,
	.reference_time = tp_reference_time,
};

static void sim_log(void *ctx, enum vmbus_log_level level, const char *component, const char *msg)
{
	struct sim *s = ctx;
	static const char *names[] = { "error", "warn", "info", "debug" };

	snprintf(s->log[s->nlog % SIM_LOG_LINES], sizeof(s->log[0]), "%s %s: %s", names[level],
		 component, msg);
	s->nlog++;
	if (s->verbose)
		fprintf(stderr, "[%s] %s: %s\n", names[level], component, msg);
}

bool sim_log_has(struct sim *s, const char *needle)
{
	uint32_t n = s->nlog < SIM_LOG_LINES ? s->nlog : SIM_LOG_LINES;

	for (uint32_t i = 0; i < n; i++)
		if (strstr(s->log[i], needle))
			return true;
	return false;
}

int sim_init(struct sim *s, uint32_t ram_mib, const struct vmbus_server_limits *limits)
{
	struct vmbus_server_config cfg;

	memset(s, 0, sizeof(*s));
	s->verbose = getenv("SIM_VERBOSE") != NULL;
	s->wait_ms = 10000;
	s->npages = (uint64_t)ram_mib * 256;
	s->memfd = memfd_create("sim-guest-ram", MFD_CLOEXEC);
	if (s->memfd < 0 || ftruncate(s->memfd, (off_t)(s->npages * 4096)) < 0)
		return -1;
	s->ram = mmap(NULL, s->npages * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, s->memfd, 0);
	if (s->ram == MAP_FAILED)
		return -1;
	s->page_used = calloc(s->npages, 1);
	s->msg_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	s->host_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	s->guest_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!s->page_used || s->msg_efd < 0 || s->host_efd < 0 || s->guest_efd < 0)
		return -1;
	uv_loop_init(&s->loop);
	uv_poll_init(&s->loop, &s->host_poll, s->host_efd);
	uv_poll_init(&s->loop, &s->msg_poll, s->msg_efd);
	uv_poll_init(&s->loop, &s->guest_poll, s->guest_efd);
	s->host_poll.data = s->msg_poll.data = s->guest_poll.data = s;
	uv_poll_start(&s->host_poll, UV_READABLE, host_poll_cb);
	uv_poll_start(&s->msg_poll, UV_READABLE, guest_poll_cb);
	uv_poll_start(&s->guest_poll, UV_READABLE, guest_poll_cb);
	uv_timer_init(&s->loop, &s->deadline);
	s->deadline.data = s;
	memset(&cfg, 0, sizeof(cfg));
	cfg.loop = &s->loop;
	cfg.transport.ops = &sim_transport_ops;
	cfg.transport.ctx = s;
	if (limits)
		cfg.limits = *limits;
	cfg.log = sim_log;
	cfg.log_ctx = s;
	s->server = vmbus_server_create(&cfg);
	if (!s->server)
		return -1;
	s->env.ops = &sim_env_ops;
	s->env.ctx = s;
	vmbus_client_init(&s->client, &s->env);
	return 0;
}

static void close_cb(uv_handle_t *h)
{
	(void)h;
}

int sim_fini(struct sim *s)
{
	int windows;

	vmbus_server_destroy(s->server);
	s->server = NULL;
	windows = s->windows;
	uv_close((uv_handle_t *)&s->host_poll, close_cb);
	uv_close((uv_handle_t *)&s->msg_poll, close_cb);
	uv_close((uv_handle_t *)&s->guest_poll, close_cb);
	uv_close((uv_handle_t *)&s->deadline, close_cb);
	uv_run(&s->loop, UV_RUN_DEFAULT);
	uv_loop_close(&s->loop);
	close(s->msg_efd);
	close(s->host_efd);
	close(s->guest_efd);
	munmap(s->ram, s->npages * 4096);
	close(s->memfd);
	free(s->page_used);
	return windows;
}

void sim_run_for(struct sim *s, uint64_t ms)
{
	uint64_t end = uv_now(&s->loop) + ms;

	s->deadline_hit = false;
	uv_timer_start(&s->deadline, deadline_cb, ms, 0);
	while (!s->deadline_hit && uv_now(&s->loop) < end) {
		uv_run(&s->loop, UV_RUN_ONCE);
		deliver(s);
	}
	uv_timer_stop(&s->deadline);
}

int sim_guest_start(struct sim *s, uint32_t max_version)
{
	int r = vmbus_client_connect(&s->client, max_version);

	if (r)
		return r;
	return vmbus_client_request_offers(&s->client);
}

int sim_make_image(char *path, const char *tag, uint32_t mib)
{
	snprintf(path, 64, "/tmp/hv-%.32s-XXXXXX", tag);
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)mib << 20) < 0) {
		int e = errno;
		close(fd);
		unlink(path);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}
