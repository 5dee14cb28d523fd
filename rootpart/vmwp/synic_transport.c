/* SPDX-License-Identifier: MIT */
/* The VMBus server's transport to a real child over vid.ko's SynIC ioctls (docs/vmbus.md,
 * "The transport to a child"). Outbound: channel-management messages go into the child's SINT
 * with VID_POST_MESSAGE (a full queue in the VP keeps them, in order, in a bounded FIFO retried
 * from a timer); channel signals set event flags with VID_SIGNAL_EVENT. Inbound, on the
 * worker's loop: the partition fd is readable when the child posted (read(2) gives whole
 * messages), the eventfd when it signalled (VID_GET_SIGNALS gives the connection ids); both go
 * to the attached server. Guest memory: the RAM's own mapping, and windows of scattered pages
 * mapped again from its memfd. */
#include "synic_transport.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vid/libvid.h"
#include "vmbus/channel_msg.h" /* VMBUS_RELID_MAX */

#define PAGE		  4096u
#define OUTBOX_SIZE	  128u	/* messages waiting for room in the guest's queue */
#define RETRY_FIRST_MS	  1u	/* the outbox's first retry; doubled while nothing goes */
#define RETRY_MAX_MS	  32u	/* ...up to this: a guest that never reads costs little */
#define READ_BATCH	  16u	/* messages per read(2) */
#define READS_PER_TURN	  4u	/* reads per poll callback (the loop gets its turn back) */
#define SIGNAL_CALLS_MAX  8u	/* VID_GET_SIGNALS per eventfd wake-up */
#define MAP_PAGES_MAX	  8192u /* pages of one window (the server's GPADL limit) */
#define RAM_WINDOW_FLAGS  (PROT_READ | PROT_WRITE)
#define CHANNEL_EVENT_IDS VMBUS_RELID_MAX /* relids 1..2047 */

struct synic_transport {
	struct vmbus_transport tp;
	struct synic_transport_config c;
	struct vmbus_server *server;
	int efd;
	uv_poll_t msg_poll, sig_poll;
	uv_timer_t retry;
	bool polling;
	int closing; /* handles libuv has still to close */
	/* Messages the guest's queue had no room for, oldest first. */
	struct vid_post_message outbox[OUTBOX_SIZE];
	uint32_t out_head, out_count;
	uint32_t retry_ms;
	bool warned_time;
	atomic_bool warned_vp, warned_signal; /* signal_guest runs on storvsp's I/O threads too */
};

static void tlog(struct synic_transport *t, enum mgmt_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void tlog(struct synic_transport *t, enum mgmt_log_level level, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	mgmt_log_write(t->c.log, level, "vmbus-transport", "%s", line);
}

/* The server passes VP indices the guest chose (transport.h): one the VM does not have is bad
 * input, answered on VP 0 (with one line in the log). */
static uint32_t checked_vp(struct synic_transport *t, uint32_t vp)
{
	if (vp < t->c.vps)
		return vp;
	if (!atomic_exchange(&t->warned_vp, true)) {
		tlog(t, MGMT_LOG_WARN, "the guest named VP %u (the VM has %u): using VP 0", vp,
		     t->c.vps);
	}
	return 0;
}

/* ---- outbound: messages ---- */

static int post_one(struct synic_transport *t, const struct vid_post_message *m)
{
	return vid_post_message(t->c.part_fd, m->vp_index, m->sint, m->message_type, m->payload,
				m->payload_size);
}

/* Posts the outbox's messages in order until the guest's queue is full again. */
static void on_retry(uv_timer_t *h)
{
	struct synic_transport *t = h->data;
	while (t->out_count) {
		int err = post_one(t, &t->outbox[t->out_head]);
		if (err == -EAGAIN)
			break;
		if (err < 0)
			tlog(t, MGMT_LOG_WARN, "a queued message for the guest dropped: %s",
			     strerror(-err));
		t->out_head = (t->out_head + 1) % OUTBOX_SIZE;
		t->out_count--;
		t->retry_ms = RETRY_FIRST_MS;
	}
	if (!t->out_count)
		return;
	uv_timer_start(&t->retry, on_retry, t->retry_ms, 0);
	if (t->retry_ms < RETRY_MAX_MS)
		t->retry_ms *= 2;
}

static int tp_post_message(void *ctx, uint32_t vp, uint32_t sint, const void *msg, uint32_t len)
{
	struct synic_transport *t = ctx;
	struct vid_post_message m = {
		.vp_index = checked_vp(t, vp),
		.sint = sint,
		.message_type = 1, /* Linux and OpenVMM: any non-zero type; 1 as Hyper-V */
		.payload_size = len,
	};
	if (len > VID_MESSAGE_PAYLOAD_MAX)
		return -EINVAL;
	memcpy(m.payload, msg, len);
	/* Behind queued ones it must wait its turn: the guest sees messages in order. */
	int err = t->out_count ? -EAGAIN : post_one(t, &m);
	if (err != -EAGAIN)
		return err;
	if (t->out_count == OUTBOX_SIZE)
		return -ENOSPC; /* the guest reads nothing: the server logs and drops it */
	t->outbox[(t->out_head + t->out_count++) % OUTBOX_SIZE] = m;
	if (!uv_is_active((uv_handle_t *)&t->retry)) {
		t->retry_ms = RETRY_FIRST_MS;
		uv_timer_start(&t->retry, on_retry, t->retry_ms, 0);
	}
	return 0;
}

/* ---- outbound: signals ---- */

/* Thread-safe (transport.h): the loop and storvsp's I/O threads signal, each with its own
 * ioctl; the warnings are once-only flags, taken atomically. */
static void tp_signal_guest(void *ctx, uint32_t vp, uint32_t relid)
{
	struct synic_transport *t = ctx;
	int err =
		vid_signal_event(t->c.part_fd, checked_vp(t, vp), VMBUS_MESSAGE_SINT, relid, NULL);
	/* The guest disabled its SINT, or the relid is out of range: a signal cannot fail for the
	 * server (transport.h); say it once. */
	if (err < 0 && !atomic_exchange(&t->warned_signal, true)) {
		tlog(t, MGMT_LOG_WARN, "signal to the guest (VP %u, relid %u) failed: %s", vp,
		     relid, strerror(-err));
	}
}

/* ---- guest memory ---- */

static uint8_t *tp_page_ptr(void *ctx, uint64_t pfn)
{
	struct synic_transport *t = ctx;
	return pfn < t->c.ram_bytes / PAGE ? t->c.ram + pfn * PAGE : NULL;
}

/* One virtually contiguous window: the RAM mapping itself for a contiguous run; else a
 * reserved range with each page of the memfd mapped into it. */
static void *tp_map_pages(void *ctx, const uint64_t *pfns, uint32_t n)
{
	struct synic_transport *t = ctx;
	uint64_t npages = t->c.ram_bytes / PAGE;
	bool contiguous = true;
	if (!n || n > MAP_PAGES_MAX)
		return NULL;
	for (uint32_t i = 0; i < n; i++) {
		if (pfns[i] >= npages)
			return NULL;
		contiguous = contiguous && pfns[i] == pfns[0] + i;
	}
	if (contiguous)
		return t->c.ram + pfns[0] * PAGE;
	uint8_t *w = mmap(NULL, (size_t)n * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w == MAP_FAILED)
		return NULL;
	for (uint32_t i = 0; i < n; i++)
		if (mmap(w + (size_t)i * PAGE, PAGE, RAM_WINDOW_FLAGS, MAP_SHARED | MAP_FIXED,
			 t->c.ram_fd, (off_t)(pfns[i] * PAGE)) == MAP_FAILED) {
			munmap(w, (size_t)n * PAGE);
			return NULL;
		}
	return w;
}

static void tp_unmap_pages(void *ctx, void *window, uint32_t n)
{
	struct synic_transport *t = ctx;
	uint8_t *w = window;
	if (w >= t->c.ram && w < t->c.ram + t->c.ram_bytes)
		return; /* a contiguous run: the RAM's own mapping */
	munmap(w, (size_t)n * PAGE);
}

static uint64_t tp_reference_time(void *ctx)
{
	struct synic_transport *t = ctx;
	uint64_t time = 0;
	int err = vid_get_reference_time(t->c.part_fd, &time);
	if (!err)
		return time;
	/* Without the hypervisor's counter a monotonic clock is the closest truth. */
	if (!t->warned_time) {
		t->warned_time = true;
		tlog(t, MGMT_LOG_WARN, "no partition reference time (%s): using the root's clock",
		     strerror(-err));
	}
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 10000000u + (uint64_t)ts.tv_nsec / 100u;
}

static const struct vmbus_transport_ops synic_ops = {
	.post_message = tp_post_message,
	.signal_guest = tp_signal_guest,
	.map_pages = tp_map_pages,
	.unmap_pages = tp_unmap_pages,
	.page_ptr = tp_page_ptr,
	.reference_time = tp_reference_time,
};

/* ---- inbound ---- */

static void stop_polling(struct synic_transport *t)
{
	if (!t->polling)
		return;
	uv_poll_stop(&t->msg_poll);
	uv_poll_stop(&t->sig_poll);
	t->polling = false;
}

/* The partition fd is readable: the guest's messages, a bounded number per turn. */
static void on_messages(uv_poll_t *h, int status, int events)
{
	struct synic_transport *t = h->data;
	struct vid_message m[READ_BATCH];
	(void)events;
	for (uint32_t r = 0; status == 0 && r < READS_PER_TURN && t->server; r++) {
		int n = vid_read_messages(t->c.part_fd, m, READ_BATCH);
		if (n == -EAGAIN || n == -EINTR)
			return;
		if (n < 0) {
			status = n;
			break;
		}
		for (int i = 0; i < n && t->server; i++)
			vmbus_server_post_message(t->server, m[i].connection_id, m[i].payload,
						  m[i].payload_size);
		if ((uint32_t)n < READ_BATCH)
			return;
	}
	if (status < 0) {
		tlog(t, MGMT_LOG_ERROR, "reading the guest's messages failed: %s; VMBus stops",
		     strerror(-status)); /* libvid and libuv: negative errnos */
		stop_polling(t);
	}
}

/* The eventfd is readable: the connection ids the guest signalled, each to the server. */
static void on_signals(uv_poll_t *h, int status, int events)
{
	struct synic_transport *t = h->data;
	struct vid_signals s;
	uint64_t v;
	(void)events;
	if (status < 0)
		return;
	/* The eventfd first: a signal after this read sets it again and is seen next turn. */
	if (read(t->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
	for (uint32_t call = 0; call < SIGNAL_CALLS_MAX && t->server; call++) {
		int n = vid_get_signals(t->c.part_fd, &s);
		if (n < 0) {
			tlog(t, MGMT_LOG_ERROR, "collecting the guest's signals failed: %s",
			     strerror(-n));
			return;
		}
		for (int i = 0; i < n && t->server; i++)
			vmbus_server_signal(t->server, s.connection_id[i]);
		if (!s.more)
			return;
	}
	/* Still more: a flood; the rest is collected on the next turn. */
	uint64_t one = 1;
	if (write(t->efd, &one, sizeof(one)) < 0)
		tlog(t, MGMT_LOG_WARN, "cannot re-arm the signal eventfd: %s", strerror(errno));
}

void synic_transport_attach(struct synic_transport *t, struct vmbus_server *server)
{
	t->server = server;
	if (!server) {
		stop_polling(t);
		return;
	}
	if (t->polling)
		return;
	uv_poll_start(&t->msg_poll, UV_READABLE, on_messages);
	uv_poll_start(&t->sig_poll, UV_READABLE, on_signals);
	t->polling = true;
}

/* ---- life ---- */

/* The connections VMBus uses: messages on 1 and 4 (transport.h), a channel's signal on
 * VMBUS_CHANNEL_CONNECTION_BASE + relid. */
static int register_connections(struct synic_transport *t)
{
	static const struct {
		uint32_t first, count, type;
	} conns[] = {
		{ VMBUS_MESSAGE_CONNECTION_ID, 1, VID_CONNECTION_MESSAGE },
		{ VMBUS_MESSAGE_CONNECTION_ID_4, 1, VID_CONNECTION_MESSAGE },
		{ VMBUS_CHANNEL_CONNECTION_BASE + 1, CHANNEL_EVENT_IDS, VID_CONNECTION_EVENT },
	};
	for (size_t i = 0; i < sizeof(conns) / sizeof(conns[0]); i++) {
		int err = vid_set_connection(t->c.part_fd, conns[i].first, conns[i].count,
					     conns[i].type);
		if (err < 0)
			return err;
	}
	return 0;
}

static int open_inbound(struct synic_transport *t, char *why, size_t n)
{
	int err;
	t->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (t->efd < 0) {
		snprintf(why, n, "VMBus: cannot make the signal eventfd: %s", strerror(errno));
		return -1;
	}
	if ((err = vid_set_signal_eventfd(t->c.part_fd, t->efd)) < 0) {
		snprintf(why, n, "VMBus: VID_SET_SIGNAL_EVENTFD: %s", strerror(-err));
		return -1;
	}
	/* Non-blocking reads: the loop reads until EAGAIN (the flag is the open file's, and the
	 * partition fd's ioctls do not look at it). */
	int fl = fcntl(t->c.part_fd, F_GETFL);
	if (fl < 0 || fcntl(t->c.part_fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    uv_poll_init(t->c.loop, &t->msg_poll, t->c.part_fd) < 0) {
		snprintf(why, n, "VMBus: cannot watch the partition fd: %s", strerror(errno));
		return -1;
	}
	uv_poll_init(t->c.loop, &t->sig_poll, t->efd);
	uv_timer_init(t->c.loop, &t->retry);
	t->msg_poll.data = t->sig_poll.data = t->retry.data = t;
	return 0;
}

struct synic_transport *synic_transport_create(const struct synic_transport_config *c,
					       bool *no_synic, char *why, size_t n)
{
	*no_synic = false;
	struct synic_transport *t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(why, n, "VMBus: out of memory");
		return NULL;
	}
	t->c = *c;
	t->efd = -1;
	t->tp = (struct vmbus_transport){ &synic_ops, t };
	int err = register_connections(t);
	if (err < 0) {
		*no_synic = err == -EOPNOTSUPP;
		if (*no_synic)
			snprintf(why, n, "the hypervisor has no SynIC");
		else
			snprintf(why, n, "VMBus: registering its connections failed: %s",
				 strerror(-err));
		free(t);
		return NULL;
	}
	if (open_inbound(t, why, n) != 0) {
		if (t->efd >= 0)
			close(t->efd);
		free(t); /* no handle was initialised unless all were */
		return NULL;
	}
	return t;
}

const struct vmbus_transport *synic_transport_get(struct synic_transport *t)
{
	return &t->tp;
}

static void on_closed(uv_handle_t *h)
{
	struct synic_transport *t = h->data;
	if (--t->closing == 0) {
		close(t->efd);
		free(t);
	}
}

void synic_transport_destroy(struct synic_transport *t)
{
	if (!t)
		return;
	t->server = NULL;
	if (t->out_count)
		tlog(t, MGMT_LOG_INFO, "%u queued message%s for the guest dropped", t->out_count,
		     t->out_count == 1 ? "" : "s");
	t->closing = 3;
	uv_close((uv_handle_t *)&t->msg_poll, on_closed);
	uv_close((uv_handle_t *)&t->sig_poll, on_closed);
	uv_close((uv_handle_t *)&t->retry, on_closed);
}
