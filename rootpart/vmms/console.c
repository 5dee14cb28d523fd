/* SPDX-License-Identifier: MIT */
/* hvctl console in vmms: each VM's COM1 output mirrored from its worker (a 64 KiB ring by
 * stream offset, kept from the worker's first byte until it wraps, and after the run ends
 * until the next start), the clients attached to it, and typed input passed to the worker.
 * Rules (docs/management.md "Console"):
 * - any number of read-only watchers; one writer per VM. A second writer is refused unless
 *   it takes over (the first is then detached and told why);
 * - every client has its own position in the stream. A client that reads too slowly is not
 *   waited for and not disconnected: past CONSOLE_CLIENT_BACKLOG unsent bytes (or when all
 *   clients together come near vmms's client memory budget) it gets nothing more until its
 *   queue drains (checked with every new output and once a second), then resumes from where
 *   it was, or from the oldest byte still held, told how many bytes it lost;
 * - input is at most CONSOLE_INPUT_MAX bytes a request and is dropped (logged once per
 *   attach) while the worker's channel has more than CONSOLE_WORKER_BACKLOG bytes unsent.
 * So what a console client makes vmms hold is its share of the shared client budget, and what
 * a VM makes it hold is the 64 KiB ring. */
#include <stdio.h>
#include <string.h>

#include "vmms.h"

#define CONSOLE_RING	       (64u << 10)
#define CONSOLE_CHUNK	       (16u << 10)
#define CONSOLE_CLIENT_BACKLOG (256u << 10)
#define CONSOLE_BUDGET_SLACK   (1u << 20) /* what other clients keep of the shared budget */
#define CONSOLE_INPUT_MAX      4096
#define CONSOLE_REPLAY_MAX     CONSOLE_RING

static void send_output(struct client *c, const uint8_t *data, size_t len, uint64_t lost)
{
	Hv__Mgmt__ConsoleOutput out = HV__MGMT__CONSOLE_OUTPUT__INIT;
	out.data.data = (uint8_t *)(uintptr_t)data; /* protobuf-c fields are not const */
	out.data.len = len;
	out.lost = lost;
	Hv__Mgmt__Reply r = HV__MGMT__REPLY__INIT;
	r.id = c->console_id;
	r.result_case = HV__MGMT__REPLY__RESULT_CONSOLE;
	r.console = &out;
	vmms_reply(c, &r);
}

static bool client_full(struct client *c)
{
	const struct mgmt_mem_budget *b = &c->d->client_mem;
	return c->conn.closing || c->conn.queued >= CONSOLE_CLIENT_BACKLOG ||
	       (b->max && b->used + CONSOLE_BUDGET_SLACK > b->max);
}

/* Sends c what the ring holds past its position, as far as its queue allows. */
static void deliver(struct client *c)
{
	struct vm *vm = c->console_vm;
	uint8_t chunk[CONSOLE_CHUNK];
	while (vm && !client_full(c)) {
		uint64_t first;
		size_t n = mgmt_byte_ring_read(&vm->console, c->console_pos, chunk, sizeof(chunk),
					       &first);
		if (!n)
			return;
		c->console_lost += first - c->console_pos;
		send_output(c, chunk, n, c->console_lost);
		c->console_lost = 0;
		c->console_pos = first + n;
	}
}

static void detach(struct client *c)
{
	struct vm *vm = c->console_vm;
	if (vm && vm->console_writer == c)
		vm->console_writer = NULL;
	c->console_vm = NULL;
}

static void end_stream(struct client *c, const char *reason, bool taken_over)
{
	deliver(c); /* the last bytes first, as far as the queue allows */
	Hv__Mgmt__ConsoleOutput out = HV__MGMT__CONSOLE_OUTPUT__INIT;
	out.end = true;
	out.reason = mgmt_pb_str(reason);
	out.taken_over = taken_over;
	Hv__Mgmt__Reply r = HV__MGMT__REPLY__INIT;
	r.id = c->console_id;
	r.result_case = HV__MGMT__REPLY__RESULT_CONSOLE;
	r.console = &out;
	vmms_reply(c, &r);
	detach(c);
	vmms_client_answered(c);
}

void vmms_console_output(struct vmms *d, struct vm *vm, uint64_t offset, const uint8_t *data,
			 size_t len)
{
	if (!vm->console.buf && mgmt_byte_ring_alloc(&vm->console, CONSOLE_RING) != 0) {
		mgmt_log_write(&d->log, MGMT_LOG_ERROR, "vmms",
			       "VM %s: out of memory for its console buffer", vm->name);
		return;
	}
	mgmt_byte_ring_put_at(&vm->console, offset, data, len);
	struct client *c;
	LIST_FOREACH(c, &d->clients, link)
		if (c->console_vm == vm)
			deliver(c);
}

void vmms_console_reset(struct vmms *d, struct vm *vm)
{
	vmms_console_end(d, vm, "a new run of the VM began");
	mgmt_byte_ring_reset(&vm->console, 0);
}

void vmms_console_end(struct vmms *d, struct vm *vm, const char *reason)
{
	struct client *c, *next;
	for (c = LIST_FIRST(&d->clients); c; c = next) {
		next = LIST_NEXT(c, link);
		if (c->console_vm == vm)
			end_stream(c, reason, false);
	}
}

void vmms_console_catch_up(struct vmms *d)
{
	struct client *c;
	LIST_FOREACH(c, &d->clients, link)
		if (c->console_vm)
			deliver(c);
}

void vmms_console_forget_client(struct vmms *d, struct client *c)
{
	(void)d;
	detach(c);
}

/* The one-writer rule: true when c may write (taking over if asked); else replies. */
static bool claim_writer(struct client *c, uint64_t id, struct vm *vm, bool take_over)
{
	struct client *old = vm->console_writer;
	if (old && old != c && !take_over) {
		char why[600];
		snprintf(why, sizeof(why),
			 "the console of %s already has a writer (pid %d, uid %u); watch it "
			 "read-only with hvctl console %s --watch, or take it over with hvctl "
			 "console %s --force",
			 vm->name, (int)old->pid, (unsigned)old->uid, vm->name, vm->name);
		vmms_reply_bad_state(c, id, vm->state, why);
		return false;
	}
	if (old && old != c) {
		char why[300];
		snprintf(why, sizeof(why), "console of %s taken over by pid %d (uid %u)", vm->name,
			 (int)c->pid, (unsigned)c->uid);
		mgmt_log_write(&c->d->log, MGMT_LOG_INFO, "vmms", "%s", why);
		end_stream(old, why, true);
	}
	vm->console_writer = c;
	return true;
}

void vmms_console_request(struct client *c, uint64_t id, struct vm *vm,
			  const Hv__Mgmt__ConsoleRequest *cr)
{
	bool live = vm_state_has_worker(vm->state) && vm->worker;
	/* start --console of a guest already off again: what it printed, then the end. */
	bool afterwards = !live && cr->from_start && vm->console.end > 0;
	if (!live && !afterwards) {
		char why[400];
		snprintf(why, sizeof(why),
			 "%s is %s: its console exists only while it runs; start it with hvctl "
			 "start --console %s",
			 vm->name, vm_state_name(vm->state), vm->name);
		vmms_reply_bad_state(c, id, vm->state, why);
		return;
	}
	if (c->console_vm) {
		vmms_reply_error(c, id, HV__MGMT__ERROR_CODE__ERROR_BAD_REQUEST,
				 "this connection is attached to the console of %s already; open "
				 "another connection",
				 c->console_vm->name);
		return;
	}
	if (live && !cr->watch && !claim_writer(c, id, vm, cr->take_over))
		return;
	c->console_vm = vm;
	c->console_id = id;
	c->console_watch = cr->watch;
	c->console_input_dropped = false;
	c->console_lost = 0;
	uint64_t back = cr->replay_bytes;
	c->console_pos = cr->from_start || vm->console.end - vm->console.start < back
				 ? vm->console.start
				 : vm->console.end - back;
	vmms_reply_done(c, id, "attached to the console of %s%s", vm->name,
			cr->watch ? " (watching)" : "");
	deliver(c);
	if (afterwards) {
		char why[700];
		snprintf(why, sizeof(why), "%s is %s: %s", vm->name, vm_state_name(vm->state),
			 vm->reason);
		end_stream(c, why, false);
	}
}

void vmms_console_input(struct client *c, uint64_t id, const ProtobufCBinaryData *data)
{
	struct vm *vm = c->console_vm;
	if (!vm || vm->console_writer != c) {
		vmms_reply_error(c, id, HV__MGMT__ERROR_CODE__ERROR_BAD_REQUEST,
				 "console input refused: this connection is not the writer of a "
				 "console (%s); attach without --watch first",
				 vm ? "it is watching read-only" : "it is not attached");
		return;
	}
	if (vmms_worker_console_input(vm, data->data, data->len) != 0 &&
	    !c->console_input_dropped) {
		c->console_input_dropped = true;
		mgmt_log_write(&c->d->log, MGMT_LOG_WARN, "vmms",
			       "VM %s: console input from pid %d dropped: its worker is not "
			       "taking it fast enough",
			       vm->name, (int)c->pid);
	}
}

bool vmms_console_request_valid(const Hv__Mgmt__Request *req, char *why, size_t n)
{
	if (req->op_case == HV__MGMT__REQUEST__OP_CONSOLE_INPUT) {
		if (req->console_input->data.len > CONSOLE_INPUT_MAX) {
			snprintf(why, n, "console input of %zu bytes refused: at most %u a request",
				 req->console_input->data.len, CONSOLE_INPUT_MAX);
			return false;
		}
		return true;
	}
	const Hv__Mgmt__ConsoleRequest *cr = req->console;
	if (cr->replay_bytes > CONSOLE_REPLAY_MAX) {
		snprintf(why, n, "console replay of %u bytes refused: vmms keeps the last %u",
			 cr->replay_bytes, CONSOLE_REPLAY_MAX);
		return false;
	}
	if (cr->watch && cr->take_over) {
		snprintf(why, n, "console: watch (read-only) and take_over contradict each other");
		return false;
	}
	return true;
}
