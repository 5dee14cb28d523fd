/* SPDX-License-Identifier: MIT */
/* Worker supervision: spawning one vmwp per starting VM, its control channel (worker.proto),
 * noticing its death at once (libuv's child watcher for our own children, a pidfd for
 * workers re-adopted after a vmms restart), and turning its reports and exit into state
 * changes. One worker's fate never touches another VM. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "vmms.h"
#include "mgmt/unconst.h"

#define FORCE_STOP_GRACE_MS   5000 /* a forced stop is a SIGKILL after this */
#define GRACEFUL_SLACK_MS     5000 /* the worker's own timeout, plus this, then give up */
#define READOPT_CONNECT_TRIES 30
#define READOPT_RETRY_MS      100

static void on_readopt_retry(uv_timer_t *t);

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* A worker struct lives until the last of its handles has closed. */
static void worker_release(struct worker *w)
{
	if (--w->open_handles == 0) {
		if (w->pidfd >= 0)
			close(w->pidfd);
		free(w);
	}
}

static void on_worker_handle_closed(uv_handle_t *h)
{
	worker_release(h->data);
}

static void on_worker_conn_closed(struct mgmt_conn *c)
{
	worker_release(c->owner);
}

static void worker_close_handles(struct worker *w)
{
	if (w->conn_open) {
		w->conn_open = false;
		mgmt_conn_close(&w->conn);
	}
	if (!uv_is_closing((uv_handle_t *)&w->stop_timer))
		uv_close((uv_handle_t *)&w->stop_timer, on_worker_handle_closed);
	if (!uv_is_closing((uv_handle_t *)&w->retry_timer))
		uv_close((uv_handle_t *)&w->retry_timer, on_worker_handle_closed);
	if (w->pidfd >= 0 && !uv_is_closing((uv_handle_t *)&w->pidpoll))
		uv_close((uv_handle_t *)&w->pidpoll, on_worker_handle_closed);
	if (w->spawned && !uv_is_closing((uv_handle_t *)&w->proc))
		uv_close((uv_handle_t *)&w->proc, on_worker_handle_closed);
}

static void send_command(struct worker *w, Hv__Worker__WorkerCommand *cmd)
{
	if (w->conn_open)
		mgmt_conn_send(&w->conn, &cmd->base);
}

static void send_start(struct worker *w)
{
	Hv__Worker__StartCommand start = HV__WORKER__START_COMMAND__INIT;
	Hv__Worker__WorkerCommand cmd = HV__WORKER__WORKER_COMMAND__INIT;
	cmd.id = 1;
	cmd.cmd_case = HV__WORKER__WORKER_COMMAND__CMD_START;
	cmd.start = &start;
	send_command(w, &cmd);
}

/* The worker is gone (or no longer ours): settle the VM's state and answer waiters. */
static void worker_gone(struct worker *w, const char *how)
{
	struct vmms *d = w->d;
	struct vm *vm = w->vm;
	w->exited = true;
	if (vm && vm->worker == w) {
		vm->worker = NULL;
		vm->ndevices = 0;
		enum vm_state next;
		char why[512], reason[1024];
		mgmt_log_write(&d->log, MGMT_LOG_INFO, "vmms", "VM %s: worker pid %d %s", vm->name,
			       (int)w->pid, how);
		if (vm_transition(vm->state, VM_ACT_WORKER_EXITED, vm->name, &next, why,
				  sizeof(why))) {
			if (next == VM_OFF)
				snprintf(reason, sizeof(reason), "%s",
					 w->force_stop ? "forced off" : "shut down");
			else if (next == VM_FAILED && w->fail_reason[0])
				snprintf(reason, sizeof(reason), "%s", w->fail_reason);
			else if (next == VM_FAILED)
				snprintf(reason, sizeof(reason),
					 "worker %s before the VM was running; "
					 "see hvctl logs %s",
					 how, vm->name);
			else
				snprintf(reason, sizeof(reason), "worker %s; see hvctl logs %s",
					 how, vm->name);
			vmms_set_state(d, vm, next, reason);
		} else {
			vmms_save_state(d, vm);
		}
		char msg[1200];
		snprintf(msg, sizeof(msg), "start of %s failed: %s", vm->name, vm->reason);
		vmms_waiter_done(&vm->start_waiter, false, HV__MGMT__ERROR_CODE__ERROR_START_FAILED,
				 msg);
		if (vm->state == VM_OFF) {
			snprintf(msg, sizeof(msg), "stopped %s (%s)", vm->name, vm->reason);
			vmms_waiter_done(&vm->stop_waiter, true, 0, msg);
		} else {
			snprintf(msg, sizeof(msg), "%s is %s: %s", vm->name,
				 vm_state_name(vm->state), vm->reason);
			vmms_waiter_done(&vm->stop_waiter, false,
					 HV__MGMT__ERROR_CODE__ERROR_STOP_FAILED, msg);
		}
	}
	w->vm = NULL;
	worker_close_handles(w);
}

static void on_proc_exit(uv_process_t *proc, int64_t status, int sig)
{
	struct worker *w = proc->data;
	char how[128];
	if (sig)
		snprintf(how, sizeof(how), "was killed by signal %d (%s)", sig, strsignal(sig));
	else
		snprintf(how, sizeof(how), "exited with status %lld", (long long)status);
	worker_gone(w, how);
}

static void on_pidfd_readable(uv_poll_t *h, int status, int events)
{
	(void)status;
	(void)events;
	struct worker *w = h->data;
	uv_poll_stop(h);
	worker_gone(w, "exited (re-adopted after a vmms restart, so its exit status is unknown)");
}

static void copy_devices(struct vm *vm, const Hv__Worker__WorkerReport *r)
{
	size_t n = r->n_devices < VM_MAX_DEVICES ? r->n_devices : VM_MAX_DEVICES;
	for (size_t i = 0; i < n; i++) {
		snprintf(vm->devices[i].kind, sizeof(vm->devices[i].kind), "%s",
			 r->devices[i]->kind);
		snprintf(vm->devices[i].detail, sizeof(vm->devices[i].detail), "%s",
			 r->devices[i]->detail);
		snprintf(vm->devices[i].status, sizeof(vm->devices[i].status), "%s",
			 r->devices[i]->status);
	}
	vm->ndevices = n;
}

static void detach_unknown(struct worker *w, const char *why)
{
	struct vm *vm = w->vm;
	mgmt_log_write(&w->d->log, MGMT_LOG_ERROR, "vmms", "VM %s: %s", vm ? vm->name : "?", why);
	/* Never signal a process we cannot prove is our worker: just let go of it. */
	if (vm && vm->worker == w && vm_state_has_worker(vm->state)) {
		vm->worker = NULL;
		vmms_set_state(w->d, vm, VM_CRASHED, why);
	}
	w->vm = NULL;
	worker_close_handles(w);
}

static void handle_report(struct worker *w, const Hv__Worker__WorkerReport *r)
{
	struct vmms *d = w->d;
	struct vm *vm = w->vm;
	char why[512], msg[1200];
	enum vm_state next;
	if (!vm || vm->worker != w)
		return; /* a previous worker of this VM, still exiting: no say any more */
	if (strcmp(r->vm_name, vm->name) != 0 || (w->pid && r->pid != w->pid)) {
		snprintf(why, sizeof(why),
			 "the worker socket answered for VM '%s' pid %d, expected "
			 "%s pid %d: not our worker; check the run folder",
			 r->vm_name, (int)r->pid, vm->name, (int)w->pid);
		detach_unknown(w, why);
		return;
	}
	if (w->adopting) {
		w->adopting = false;
		mgmt_log_write(&d->log, MGMT_LOG_INFO, "vmms", "VM %s: re-adopted worker pid %d",
			       vm->name, (int)w->pid);
		/* The previous vmms may have died between spawning the worker and telling it to
		 * start; a worker that is already starting refuses the repeat, harmlessly. */
		if (r->phase == HV__WORKER__PHASE__PHASE_STARTING)
			send_start(w);
	}
	vm->heartbeat_ms = r->heartbeat_ms;
	copy_devices(vm, r);
	if (r->refused) {
		if (vm_transition(vm->state, VM_ACT_STOP_REFUSED, vm->name, &next, why,
				  sizeof(why)) &&
		    !w->force_stop) {
			uv_timer_stop(&w->stop_timer);
			snprintf(msg, sizeof(msg), "cannot stop %s: %s", vm->name, r->reason);
			vmms_set_state(d, vm, next, msg);
			vmms_waiter_done(&vm->stop_waiter, false,
					 HV__MGMT__ERROR_CODE__ERROR_STOP_FAILED, msg);
		}
		return;
	}
	switch (r->phase) {
	case HV__WORKER__PHASE__PHASE_RUNNING:
		if (vm->state != VM_RUNNING && vm_transition(vm->state, VM_ACT_WORKER_RUNNING,
							     vm->name, &next, why, sizeof(why))) {
			vmms_set_state(d, vm, next, "started");
			snprintf(msg, sizeof(msg), "started %s (worker pid %d)", vm->name,
				 (int)w->pid);
			vmms_waiter_done(&vm->start_waiter, true, 0, msg);
		}
		break;
	case HV__WORKER__PHASE__PHASE_FAILED:
		snprintf(w->fail_reason, sizeof(w->fail_reason), "%s", r->reason);
		if (vm_transition(vm->state, VM_ACT_WORKER_FAILED, vm->name, &next, why,
				  sizeof(why))) {
			vmms_set_state(d, vm, next, r->reason);
			snprintf(msg, sizeof(msg), "start of %s failed: %s", vm->name, r->reason);
			vmms_waiter_done(&vm->start_waiter, false,
					 HV__MGMT__ERROR_CODE__ERROR_START_FAILED, msg);
		}
		break;
	default:
		break;
	}
}

static void on_worker_frame(struct mgmt_conn *c, const uint8_t *msg, size_t len)
{
	struct worker *w = c->owner;
	Hv__Worker__WorkerReport *r = hv__worker__worker_report__unpack(NULL, len, msg);
	if (!r) {
		mgmt_log_write(&w->d->log, MGMT_LOG_WARN, "vmms",
			       "worker pid %d sent %zu undecodable "
			       "bytes (ignored)",
			       (int)w->pid, len);
		return;
	}
	handle_report(w, r);
	hv__worker__worker_report__free_unpacked(r, NULL);
}

static void on_worker_refused(struct mgmt_conn *c, uint32_t declared)
{
	struct worker *w = c->owner;
	mgmt_log_write(&w->d->log, MGMT_LOG_WARN, "vmms",
		       "worker pid %d sent a %u-byte frame; "
		       "channel closed",
		       (int)w->pid, declared);
}

static void on_stop_timer(uv_timer_t *t)
{
	struct worker *w = t->data;
	struct vm *vm = w->vm;
	if (!vm || vm->state != VM_STOPPING)
		return;
	if (w->force_stop) {
		mgmt_log_write(&w->d->log, MGMT_LOG_WARN, "vmms",
			       "VM %s: worker pid %d ignored a "
			       "forced stop for %d ms; killing it",
			       vm->name, (int)w->pid, FORCE_STOP_GRACE_MS);
		if (w->spawned)
			uv_process_kill(&w->proc, SIGKILL);
		else if (w->pidfd >= 0)
			syscall(SYS_pidfd_send_signal, w->pidfd, SIGKILL, NULL, 0);
		return;
	}
	char msg[512];
	snprintf(msg, sizeof(msg),
		 "cannot stop %s: the worker did not finish a graceful stop in "
		 "time; the VM is still running: use hvctl stop %s --force",
		 vm->name, vm->name);
	vmms_set_state(w->d, vm, VM_RUNNING, msg);
	vmms_waiter_done(&vm->stop_waiter, false, HV__MGMT__ERROR_CODE__ERROR_STOP_FAILED, msg);
}

static struct worker *worker_new(struct vmms *d, struct vm *vm)
{
	struct worker *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->vm = vm;
	w->d = d;
	w->pidfd = -1;
	uv_timer_init(d->loop, &w->stop_timer);
	w->stop_timer.data = w;
	uv_timer_init(d->loop, &w->retry_timer);
	w->retry_timer.data = w;
	w->open_handles = 2;
	if (mgmt_conn_init(&w->conn, d->loop, w, on_worker_frame, on_worker_refused,
			   on_worker_conn_closed) == 0) {
		w->conn_open = true;
		w->open_handles++;
	}
	return w;
}

int vmms_worker_spawn(struct vmms *d, struct vm *vm, char *why, size_t n)
{
	char cfg[4200], sock[4200];
	if (!mgmt_path_join(cfg, sizeof(cfg), d->vms_dir, vm->name, ".json") ||
	    !mgmt_path_join(sock, sizeof(sock), d->workers_dir, vm->name, ".sock")) {
		snprintf(why, n, "paths too long; use shorter --state-dir/--run-dir");
		return -1;
	}
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		snprintf(why, n, "cannot create the worker channel: %s", strerror(errno));
		return -1;
	}
	/* A failed start's worker may still be exiting: it no longer speaks for this VM. */
	if (vm->worker) {
		vm->worker->vm = NULL;
		vm->worker = NULL;
	}
	struct worker *w = worker_new(d, vm);
	if (!w || !w->conn_open) {
		close(sv[0]);
		close(sv[1]);
		if (w)
			worker_close_handles(w);
		snprintf(why, n, "out of memory");
		return -1;
	}
	char *args[] = {
		mgmt_unconst(d->opt.worker_path),
		mgmt_unconst("--name"),
		vm->name,
		mgmt_unconst("--config"),
		cfg,
		mgmt_unconst("--log-dir"),
		mgmt_unconst(d->opt.log_dir),
		mgmt_unconst("--control-socket"),
		sock,
		mgmt_unconst("--channel-fd"),
		(char *)"3",
		NULL,
	};
	uv_stdio_container_t stdio[4] = {
		{ .flags = UV_IGNORE },
		{ .flags = UV_IGNORE },
		{ .flags = UV_INHERIT_FD, .data.fd = 2 },
		{ .flags = UV_INHERIT_FD, .data.fd = sv[1] },
	};
	uv_process_options_t po = {
		.exit_cb = on_proc_exit,
		.file = d->opt.worker_path,
		.args = args,
		.stdio_count = 4,
		.stdio = stdio,
		/* Own session: a worker outlives vmms (and its terminal) and is re-adopted. */
		.flags = UV_PROCESS_DETACHED,
	};
	w->proc.data = w;
	int rc = uv_spawn(d->loop, &w->proc, &po);
	close(sv[1]);
	w->spawned = true;
	w->open_handles++;
	if (rc != 0) {
		close(sv[0]);
		snprintf(why, n,
			 "cannot run the worker %s: %s; install vmwp beside vmms or pass "
			 "vmms --worker-path",
			 d->opt.worker_path, uv_strerror(rc));
		w->vm = NULL;
		worker_close_handles(w);
		return -1;
	}
	w->pid = w->proc.pid;
	uv_pipe_open(&w->conn.pipe, sv[0]);
	mgmt_conn_start(&w->conn);
	vm->worker = w;
	vm->ndevices = 0;
	vm->heartbeat_ms = 0;
	mgmt_log_write(&d->log, MGMT_LOG_INFO, "vmms", "VM %s: spawned worker pid %d (%s)",
		       vm->name, (int)w->pid, d->opt.worker_path);
	vmms_set_state(d, vm, VM_STARTING, "start requested");

	send_start(w);
	return 0;
}

int vmms_worker_stop(struct vmms *d, struct vm *vm, bool force, uint32_t timeout_s)
{
	(void)d;
	struct worker *w = vm->worker;
	if (!w)
		return -1;
	if (!w->conn_open && !force)
		return -1;
	w->force_stop = w->force_stop || force;
	Hv__Worker__StopCommand stop = HV__WORKER__STOP_COMMAND__INIT;
	stop.force = force;
	stop.timeout_s = timeout_s;
	Hv__Worker__WorkerCommand cmd = HV__WORKER__WORKER_COMMAND__INIT;
	cmd.id = 2;
	cmd.cmd_case = HV__WORKER__WORKER_COMMAND__CMD_STOP;
	cmd.stop = &stop;
	send_command(w, &cmd);
	uint64_t ms = force ? FORCE_STOP_GRACE_MS : (uint64_t)timeout_s * 1000 + GRACEFUL_SLACK_MS;
	uv_timer_start(&w->stop_timer, on_stop_timer, ms, 0);
	return 0;
}

/* Connects to a re-adopted worker's control socket. A worker spawned just before the previous
 * vmms died may not be listening yet (or its socket file may be a dead worker's, about to be
 * replaced), so a refused connection is retried for a few seconds while the process lives. */
static void try_readopt_connect(struct worker *w)
{
	char sock[4200], why[600];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (!w->vm)
		return;
	if (!mgmt_path_join(sock, sizeof(sock), w->d->workers_dir, w->vm->name, ".sock") ||
	    strlen(sock) >= sizeof(sa.sun_path)) {
		detach_unknown(w, "worker control socket path too long; use a shorter --run-dir");
		return;
	}
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    uv_pipe_open(&w->conn.pipe, fd) == 0) {
		mgmt_conn_start(&w->conn);
		Hv__Worker__StatusCommand st = HV__WORKER__STATUS_COMMAND__INIT;
		Hv__Worker__WorkerCommand cmd = HV__WORKER__WORKER_COMMAND__INIT;
		cmd.id = 3;
		cmd.cmd_case = HV__WORKER__WORKER_COMMAND__CMD_STATUS;
		cmd.status = &st;
		send_command(w, &cmd);
		return;
	}
	int e = errno;
	if (fd >= 0)
		close(fd);
	if ((e == ECONNREFUSED || e == ENOENT || e == EAGAIN) &&
	    ++w->connect_tries < READOPT_CONNECT_TRIES) {
		uv_timer_start(&w->retry_timer, on_readopt_retry, READOPT_RETRY_MS, 0);
		return;
	}
	snprintf(why, sizeof(why),
		 "worker pid %d does not answer on its control socket %.200s (%s) "
		 "after a vmms restart; marked crashed",
		 (int)w->pid, sock, strerror(e));
	detach_unknown(w, why);
}

static void on_readopt_retry(uv_timer_t *t)
{
	try_readopt_connect(t->data);
}

void vmms_worker_readopt(struct vmms *d, struct vm *vm)
{
	char why[512], sock[4200];
	pid_t pid = vm->worker_pid;
	int pidfd = pid > 0 ? pidfd_open_(pid) : -1;
	/* A pidfd is readable once the process has exited, zombies (not yet reaped by their new
	 * parent) included. */
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	if (pidfd >= 0 && poll(&pfd, 1, 0) > 0) {
		close(pidfd);
		pidfd = -1;
	}
	if (pidfd < 0) {
		snprintf(why, sizeof(why),
			 "worker pid %d was gone when vmms restarted (exit status "
			 "unknown); see hvctl logs %s",
			 (int)pid, vm->name);
		vmms_set_state(d, vm, vm->state == VM_STOPPING ? VM_OFF : VM_CRASHED,
			       vm->state == VM_STOPPING ? "shut down while vmms was away" : why);
		return;
	}
	struct worker *w = worker_new(d, vm);
	if (!w) {
		close(pidfd);
		return;
	}
	w->pid = pid;
	w->pidfd = pidfd;
	w->adopting = true;
	vm->worker = w;
	uv_poll_init(d->loop, &w->pidpoll, pidfd);
	w->pidpoll.data = w;
	w->open_handles++;
	uv_poll_start(&w->pidpoll, UV_READABLE, on_pidfd_readable);
	mgmt_path_join(sock, sizeof(sock), d->workers_dir, vm->name, ".sock");
	mgmt_log_write(&d->log, MGMT_LOG_INFO, "vmms", "VM %s: re-adopting worker pid %d via %s",
		       vm->name, (int)pid, sock);
	try_readopt_connect(w);
}
