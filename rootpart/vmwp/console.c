/* SPDX-License-Identifier: MIT */
/* The guest's COM1 in the worker: its output and its input.
 * Output: every byte goes into a 64 KiB ring (from the first byte until it wraps) and is
 * streamed to the vmms in charge (worker.proto ConsoleOutput) for `hvctl console`; bytes are
 * also gathered into lines for the VM log, each logged with component "console" (carriage
 * returns dropped, other control bytes made visible by the log formatter; a line longer than
 * the buffer is split rather than lost).
 * Streaming is paced by the controller's unsent queue, never by dropping: past
 * CONSOLE_SEND_BACKLOG the rest waits in the ring and a prepare handle (run after the loop's
 * write completions, before it sleeps) sends it once the queue drains, so a slow vmms costs
 * at most the ring's bytes, never the control channel.
 * Input: bytes vmms forwards go to the backend's console_input (COM1's receiver); what it
 * does not take yet waits in a 4 KiB buffer retried on a timer, and what would not fit there
 * is dropped and logged. */
#include <string.h>

#include "mgmt/names.h"
#include "partition.h"
#include "vmwp.h"

#define CONSOLE_SEND_BACKLOG (64u << 10) /* controller bytes unsent before output waits */
#define CONSOLE_CHUNK	     (16u << 10) /* bytes of output per frame */
#define INPUT_RETRY_MIN_MS   10
#define INPUT_RETRY_MAX_MS   200

static void emit(struct vmwp *w)
{
	w->console_line[w->console_len] = '\0';
	if (w->cfg.console == VM_CONSOLE_LOG)
		mgmt_log_write(&w->log, MGMT_LOG_INFO, "console", "%s", w->console_line);
	w->console_len = 0;
}

static void pump(struct vmwp *w, size_t backlog)
{
	uint8_t chunk[CONSOLE_CHUNK];
	while (w->controller && !w->controller->closing && w->controller->queued < backlog) {
		uint64_t first;
		size_t n = mgmt_byte_ring_read(&w->console_ring, w->console_sent, chunk,
					       sizeof(chunk), &first);
		if (!n)
			return;
		Hv__Worker__ConsoleOutput out = HV__WORKER__CONSOLE_OUTPUT__INIT;
		out.offset = first; /* above console_sent: the ring wrapped, vmms sees the gap */
		out.data.data = chunk;
		out.data.len = n;
		Hv__Worker__WorkerReport r = HV__WORKER__WORKER_REPORT__INIT;
		r.vm_name = mgmt_pb_str(w->name);
		r.console = &out;
		if (mgmt_conn_send(w->controller, &r.base) != 0)
			return;
		w->console_sent = first + n;
	}
}

void vmwp_console_pump(struct vmwp *w)
{
	pump(w, CONSOLE_SEND_BACKLOG);
}

void vmwp_console_restart_stream(struct vmwp *w)
{
	w->console_sent = w->console_ring.start;
}

void vmwp_console_feed(struct vmwp *w, const uint8_t *bytes, size_t len)
{
	mgmt_byte_ring_append(&w->console_ring, bytes, len);
	for (size_t i = 0; i < len; i++) {
		uint8_t b = bytes[i];
		if (b == '\r')
			continue;
		if (b == '\n') {
			emit(w);
			continue;
		}
		w->console_line[w->console_len++] = (char)b;
		if (w->console_len == sizeof(w->console_line) - 1)
			emit(w);
	}
	vmwp_console_pump(w);
}

void vmwp_console_flush(struct vmwp *w)
{
	if (w->console_len)
		emit(w);
	vmwp_console_pump(w);
}

void vmwp_console_final(struct vmwp *w)
{
	vmwp_console_flush(w);
	/* The worker exits once its channel drained: no later chance, so all of it now (the
	 * ring's 64 KiB at most, within the channel's own limit). */
	pump(w, MGMT_CONN_MAX_QUEUED - 2 * VMWP_CONSOLE_RING);
}

/* Hands the waiting input to the receiver; true when some is still waiting. */
static bool give_input(struct vmwp *w)
{
	if (w->part && partition_backend.console_input && w->console_in_len) {
		size_t took = partition_backend.console_input(w->part, w->console_in,
							      w->console_in_len);
		if (took > w->console_in_len)
			took = w->console_in_len;
		memmove(w->console_in, w->console_in + took, w->console_in_len - took);
		w->console_in_len -= took;
		if (took)
			w->console_in_delay_ms = INPUT_RETRY_MIN_MS;
	}
	return w->console_in_len > 0;
}

static void on_input_retry(uv_timer_t *t)
{
	struct vmwp *w = t->data;
	if (!give_input(w)) {
		w->console_in_dropping = false;
		return;
	}
	/* A receiver that stays full (a guest not reading) is asked less and less often. */
	if (w->console_in_delay_ms < INPUT_RETRY_MAX_MS)
		w->console_in_delay_ms *= 2;
	uv_timer_start(t, on_input_retry, w->console_in_delay_ms, 0);
}

void vmwp_console_input(struct vmwp *w, const uint8_t *bytes, size_t len)
{
	size_t room = sizeof(w->console_in) - w->console_in_len;
	size_t keep = len < room ? len : room;
	memcpy(w->console_in + w->console_in_len, bytes, keep);
	w->console_in_len += keep;
	if (keep < len) {
		w->console_in_dropped += len - keep;
		if (!w->console_in_dropping)
			mgmt_log_write(&w->log, MGMT_LOG_WARN, "console",
				       "console input dropped: the guest's COM1 receiver is not "
				       "taking it and %zu bytes already wait (%llu bytes dropped "
				       "so far); type more slowly, or check that the guest reads "
				       "COM1",
				       sizeof(w->console_in),
				       (unsigned long long)w->console_in_dropped);
		w->console_in_dropping = true;
	}
	if (give_input(w) && !uv_is_active((uv_handle_t *)&w->console_in_timer)) {
		if (!w->console_in_delay_ms)
			w->console_in_delay_ms = INPUT_RETRY_MIN_MS;
		uv_timer_start(&w->console_in_timer, on_input_retry, w->console_in_delay_ms, 0);
	}
}

static void on_prepare(uv_prepare_t *p)
{
	vmwp_console_pump(p->data);
}

int vmwp_console_init(struct vmwp *w)
{
	uv_timer_init(w->loop, &w->console_in_timer);
	w->console_in_timer.data = w;
	uv_prepare_init(w->loop, &w->console_prepare);
	w->console_prepare.data = w;
	uv_prepare_start(&w->console_prepare, on_prepare);
	return mgmt_byte_ring_alloc(&w->console_ring, VMWP_CONSOLE_RING);
}

void vmwp_console_close(struct vmwp *w)
{
	if (!uv_is_closing((uv_handle_t *)&w->console_in_timer))
		uv_close((uv_handle_t *)&w->console_in_timer, NULL);
	if (!uv_is_closing((uv_handle_t *)&w->console_prepare))
		uv_close((uv_handle_t *)&w->console_prepare, NULL);
}
