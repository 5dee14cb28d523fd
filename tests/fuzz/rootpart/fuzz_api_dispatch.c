/* SPDX-License-Identifier: MIT */
/* libFuzzer: whole requests through vmms's real dispatch (vmms_handle_frame and every
 * handler) as an admitted client would send them: create/validate with arbitrary configs,
 * start (the worker program does not exist, so starts fail cleanly), stop, delete, list, show,
 * logs, events, console (no VM runs, so attaches are refused; input from a client that is not
 * a console's writer is refused). State lives in a private folder under /dev/shm; replies are drained from the
 * client's end of a socketpair. Each input starts from an empty inventory. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mgmt/frame.h"
#include "vmms.h"

#include "fuzz_entry.h"

static struct vmms d;
static struct client *cl;
static int peer_fd = -1;

static void on_unused_frame(struct mgmt_conn *c, const uint8_t *msg, size_t len)
{
	(void)c;
	(void)msg;
	(void)len;
}

static char dir[] = "/dev/shm/hv-fuzz-vmms-XXXXXX";

static void remove_dir(void)
{
	char cmd[96];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static void init_once(void)
{
	static char state[64], run[64], logs[64], sock[80], logf[80];
	if (cl)
		return;
	if (!mkdtemp(dir))
		abort();
	atexit(remove_dir);
	snprintf(state, sizeof(state), "%s/state", dir);
	snprintf(run, sizeof(run), "%s/run", dir);
	snprintf(logs, sizeof(logs), "%s/log", dir);
	snprintf(sock, sizeof(sock), "%s/vmms.sock", dir);
	d.opt = (struct vmms_options){ .socket_path = sock,
				       .run_dir = run,
				       .state_dir = state,
				       .log_dir = logs,
				       .worker_path = "/nonexistent/vmwp",
				       .max_running = 2 };
	d.loop = uv_default_loop();
	d.access.admin_group = MGMT_ADMIN_GROUP;
	LIST_INIT(&d.vms);
	LIST_INIT(&d.clients);
	LIST_INIT(&d.followers);
	if (vmms_persist_dirs(&d) != 0)
		abort();
	snprintf(logf, sizeof(logf), "%s/vmms.log", logs);
	if (mgmt_log_open(&d.log, logf, 1 << 20, 1) != 0)
		abort();
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		abort();
	peer_fd = sv[1];
	fcntl(peer_fd, F_SETFL, O_NONBLOCK);
	cl = calloc(1, sizeof(*cl));
	cl->d = &d;
	if (mgmt_conn_init(&cl->conn, d.loop, cl, on_unused_frame, NULL, NULL) != 0 ||
	    uv_pipe_open(&cl->conn.pipe, sv[0]) != 0)
		abort();
	LIST_INSERT_HEAD(&d.clients, cl, link);
}

static void drain(void)
{
	char buf[65536];
	for (int i = 0; i < 8; i++) {
		uv_run(d.loop, UV_RUN_NOWAIT);
		while (read(peer_fd, buf, sizeof(buf)) > 0)
			;
	}
}

static int on_frame(void *ctx, const uint8_t *msg, size_t len)
{
	(void)ctx;
	vmms_handle_frame(cl, msg, len);
	drain();
	return 0;
}

static void reset_inventory(void)
{
	vmms_logs_forget_client(&d, cl);
	vmms_console_forget_client(&d, cl);
	cl->events = false;
	struct vm *vm;
	while ((vm = LIST_FIRST(&d.vms)) != NULL) {
		/* Starts cannot succeed here, so no VM has a live worker to outlive it. */
		if (vm_state_has_worker(vm->state) || vm->worker)
			abort();
		vmms_remove_vm_files(&d, vm->name);
		LIST_REMOVE(vm, link);
		vmms_vm_free(vm);
	}
	drain();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	init_once();
	struct mgmt_frame_reader r;
	mgmt_frame_reader_init(&r, MGMT_FRAME_MAX);
	mgmt_frame_feed(&r, data, size, on_frame, NULL);
	mgmt_frame_reader_free(&r);
	reset_inventory();
	return 0;
}
